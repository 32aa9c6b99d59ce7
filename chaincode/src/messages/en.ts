/**
 * The English message catalogue. Keys are grouped by prefix:
 * - `error.<CODE>` (and `error.<CODE>.<variant>`): the text of a coded error, `{name}` placeholders
 *   filled from the error's parameters. The chaincode renders these (in English) into the message
 *   that crosses the wire and appends the key and parameters, so clients render them in any language.
 * - `reason.`, `kind.`, `class.`, `status.`, `role.`, `scope.`, `sex.`, `visit.`, `level.`, `rule.`,
 *   `op.`, `section.`: labels of the model's enumerations.
 * - `cli.`, `http.`, `console.`: words of the applications.
 *
 * The Chinese catalogue (`zh.ts`) has exactly the same keys and placeholders; a unit test and the
 * compiler both refuse a key in one language only.
 */
export const en = {
  // ---- chaincode error codes (one template per code; variants below them) ----
  'error.INVALID_INPUT': 'invalid input: {detail}',
  'error.INVALID_INPUT.notJson': 'argument is not JSON ({detail})',
  'error.INVALID_INPUT.schema': '{schema}: {path} {detail}',
  'error.INVALID_INPUT.notDate': "{path} is not a calendar date: '{value}'",
  'error.INVALID_INPUT.ageRange': '{itemId}: minAge > maxAge ({minAge} > {maxAge})',
  'error.INVALID_INPUT.overlayAgeRange': 'overlay {itemId}/{province}: minAge > maxAge ({minAge} > {maxAge})',
  'error.INVALID_INPUT.provinceRequired': 'a {kind} item needs its owning province',
  'error.INVALID_INPUT.provinceNotAllowed': 'a {kind} item is national and has no province',
  'error.INVALID_INPUT.agreementPeriod': 'agreement period {from} > {to}',
  'error.INVALID_INPUT.bookmark': 'bookmark does not belong to this query',
  'error.INVALID_INPUT.versionOrDate': 'give either version or date, not both',
  'error.INVALID_INPUT.provinceMissing': 'a provincial proposal needs a province',
  'error.INVALID_INPUT.provinceUnexpected': 'a {scope} proposal has no province',
  'error.INVALID_INPUT.governanceMissing': 'a governance proposal needs `governance`',
  'error.INVALID_INPUT.governanceUnexpected': '`governance` is only for governance proposals',
  'error.INVALID_INPUT.pingMessage': 'a ping message is 1 to {max} characters',
  'error.UNKNOWN_PROVINCE': 'unknown province "{province}"; the members are {expected}',
  'error.ITEM_NOT_FOUND': 'no item {itemId}',
  'error.ITEM_NOT_FOUND.notInVersion': '{itemId} is not listed in version {version}',
  'error.ITEM_NOT_FOUND.notListed': '{itemId} is not listed, cannot remove it',
  'error.ITEM_NOT_FOUND.noOverlay': '{itemId} has no {province} overlay to clear',
  'error.VERSION_NOT_FOUND': 'no such catalog version: {detail}',
  'error.VERSION_NOT_FOUND.notSealed': 'no sealed version {version}',
  'error.VERSION_NOT_FOUND.notInForce': 'no version in force on {date}',
  'error.VERSION_NOT_FOUND.noneSealed': 'no version has been sealed yet',
  'error.PROPOSAL_NOT_FOUND': "no proposal '{proposalId}'",
  'error.PROPOSAL_STATE': 'proposal {proposalId} is {status} (needs {allowed})',
  'error.PROPOSAL_STATE.notGovernance': '{proposalId} is not a governance proposal',
  'error.PROPOSAL_STATE.governanceChunks':
    '{proposalId} is a governance proposal: governance proposals carry no chunks',
  'error.PROPOSAL_STATE.governanceApply':
    '{proposalId} is a governance proposal: governance proposals are applied with Governance:ApplyGovernanceProposal',
  'error.CHUNK_TOO_LARGE': 'a chunk carries {count} changes, at most {max} allowed',
  'error.CHUNK_CONFLICT': 'chunk {index} already exists with different content',
  'error.CHUNK_CONFLICT.inProposal': 'chunk {index} of {proposalId} exists with other content',
  'error.CHUNK_NOT_FOUND': 'no chunk {index} in proposal {proposalId}',
  'error.CHUNKS_INCOMPLETE': 'chunks are missing or not yet applied: {detail}',
  'error.CHUNKS_INCOMPLETE.none': '{proposalId} has no chunks',
  'error.CHUNKS_INCOMPLETE.gap': '{proposalId} has no chunk {index} (chunks must be numbered 0..n-1)',
  'error.CHUNKS_INCOMPLETE.notApplied': 'chunks of {proposalId} not applied: {pending}',
  'error.CHUNKS_INCOMPLETE.count': '{proposalId} has {found} chunks, its manifest fixed {expected}',
  'error.DUPLICATE_CHANGE': 'the proposal already changes {target}',
  'error.DUPLICATE_CHANGE.item': 'change {index} (item {itemId}) is already in {proposalId}',
  'error.DUPLICATE_CHANGE.overlay': 'change {index} (overlay {itemId}/{province}) is already in {proposalId}',
  'error.SCOPE_VIOLATION': "the change is outside the proposal's scope: {detail}",
  'error.SCOPE_VIOLATION.provincialItem': '{itemId}: {kind} items are provincial, not in a national proposal',
  'error.SCOPE_VIOLATION.otherProvinceItem':
    "{itemId}: only {province}'s service/material items belong in this proposal",
  'error.SCOPE_VIOLATION.setOverlayNational': 'overlay of {province} cannot be set by a national proposal',
  'error.SCOPE_VIOLATION.setOverlayOtherProvince':
    'overlay of {province} cannot be set by a province {proposalProvince} proposal',
  'error.SCOPE_VIOLATION.clearOverlayNational':
    'overlay of {province} cannot be cleared by a national proposal',
  'error.SCOPE_VIOLATION.clearOverlayOtherProvince':
    'overlay of {province} cannot be cleared by a province {proposalProvince} proposal',
  'error.FORBIDDEN_ROLE': "role '{role}' may not do this (needs {roles})",
  'error.FORBIDDEN_ROLE.noRole': 'the caller has no catalog.role (needs {roles})',
  'error.FORBIDDEN_ORG': 'organisation {org} may not do this: {detail}',
  'error.FORBIDDEN_ORG.initGovernance': '{org} may not initialise governance (only {required})',
  'error.FORBIDDEN_ORG.applyGovernance': '{org} may not apply governance changes (only {required})',
  'error.FORBIDDEN_ORG.propose': '{org} may not propose {scope} changes (only {required})',
  'error.FORBIDDEN_ORG.proposeProvincial':
    '{org} may not propose provincial changes for {province} (only {required})',
  'error.FORBIDDEN_ORG.addChunk': '{org} may not add changes to {proposalId} (only {required})',
  'error.FORBIDDEN_ORG.open': '{org} may not open {proposalId} (only {required})',
  'error.FORBIDDEN_ORG.withdraw': '{org} may not withdraw {proposalId} (only {required})',
  'error.FORBIDDEN_ORG.apply': '{org} may not apply {proposalId} (only {required})',
  'error.FORBIDDEN_ORG.seal': '{org} may not seal {proposalId} (only {required})',
  'error.FORBIDDEN_ORG.itemOwner': '{itemId} is owned by {owner}',
  'error.FORBIDDEN_ORG.notVoter': '{org} does not vote on {scope} proposal {proposalId}',
  'error.SELF_APPROVAL': 'the proposer may not approve its own proposal {proposalId}',
  'error.ALREADY_VOTED': '{org} has already voted on proposal {proposalId}',
  'error.STALE_REVIEW':
    'the vote names a manifest, base version or governance version other than proposal {proposalId} has now',
  'error.STALE_REVIEW.manifest':
    'vote on {proposalId} does not match it: manifest {given} (proposal has {actual})',
  'error.STALE_REVIEW.baseVersion':
    'vote on {proposalId} does not match it: base version {given} (proposal has {actual})',
  'error.STALE_REVIEW.governanceVersion':
    'vote on {proposalId} does not match it: governance version {given} (in force {inForce}, opened on {openedOn})',
  'error.MANIFEST_MISMATCH': 'chunk {index} does not match the manifest fixed when the proposal was opened',
  'error.MANIFEST_MISMATCH.inconsistent': '{proposalId} has no consistent manifest',
  'error.MANIFEST_MISMATCH.hash':
    'chunk {index} of {proposalId} hashes to {actual}, the manifest has {expected}',
  'error.MANIFEST_MISMATCH.notInManifest':
    'chunk {index} of {proposalId} hashes to {actual}, the manifest has no entry',
  'error.ID_MISMATCH': "item id {itemId} does not match the item's kind and owning province",
  'error.ID_MISMATCH.prefix': 'item id {itemId} of a {kind} item must start with {prefix}',
  'error.QUORUM_NOT_MET': 'the approvals governance requires are not (yet) present: {detail}',
  'error.QUORUM_NOT_MET.stillOpen':
    'proposal {proposalId} is still open: the approvals governance requires are not all in',
  'error.VERSION_CONFLICT': '{target} changed (or has a pending change) since the proposal was opened',
  'error.VERSION_CONFLICT.itemWritten': 'item {itemId} already written by this proposal ({proposalId})',
  'error.VERSION_CONFLICT.overlayWritten':
    'overlay {itemId}/{province} already written by this proposal ({proposalId})',
  'error.VERSION_CONFLICT.itemPending': 'item {itemId} has a pending change by proposal {otherProposalId}',
  'error.VERSION_CONFLICT.overlayPending':
    'overlay {itemId}/{province} has a pending change by proposal {otherProposalId}',
  'error.VERSION_CONFLICT.itemChanged':
    'item {itemId} changed in version {version} after this proposal was opened on version {baseVersion}',
  'error.VERSION_CONFLICT.overlayChanged':
    'overlay {itemId}/{province} changed in version {version} after this proposal was opened on version {baseVersion}',
  'error.VERSION_CONFLICT.itemRemoved': 'item {itemId} is no longer listed',
  'error.VERSION_CONFLICT.overlayCleared': 'overlay {itemId}/{province} is no longer set',
  'error.VERSION_CONFLICT.governance':
    '{proposalId} was opened on governance version {openedOn}, version {inForce} is in force',
  'error.GOVERNANCE_NOT_INITIALISED': 'call Governance:InitGovernance (NHSA admin) first',
  'error.GOVERNANCE_EXISTS': 'the governance record already exists',
  'error.GOVERNANCE_EXISTS.initialised':
    'governance is already initialised; change it with a governance proposal',
  'error.GOVERNANCE_INVALID': 'the governance rules are not acceptable: {detail}',
  'error.GOVERNANCE_INVALID.noProvince': 'the network needs at least one province',
  'error.GOVERNANCE_INVALID.mspNationalProvince':
    "MSP id {mspId} is both the national organisation's and {province}'s",
  'error.GOVERNANCE_INVALID.mspNationalAuditor':
    "MSP id {mspId} is both the national organisation's and auditor {mspId}'s",
  'error.GOVERNANCE_INVALID.mspProvinces': "MSP id {mspId} is both {first}'s and {second}'s",
  'error.GOVERNANCE_INVALID.mspProvinceAuditor': "MSP id {mspId} is both {province}'s and auditor {mspId}'s",
  'error.GOVERNANCE_INVALID.mspAuditors': 'MSP id {mspId} is listed twice among the auditors',
  'error.GOVERNANCE_INVALID.blankForm': 'province {province}: {form} is blank',
  'error.GOVERNANCE_INVALID.scopeWord': "province {province}: {form} '{value}' is a scope word",
  'error.GOVERNANCE_INVALID.sharedForm': "'{value}' names both {first} and {second}",
  'error.GOVERNANCE_INVALID.provincialOwn': 'a provincial change must need its own province (provinces: own)',
  'error.GOVERNANCE_INVALID.noOwnProvince': '{scope} changes have no own province',
  'error.GOVERNANCE_INVALID.noApproval': '{scope} changes would need no approval at all',
  'error.GOVERNANCE_INVALID.keyPolicyMin':
    'national keys must need NHSA and at least one province (nationalKeyPolicy.provinces >= 1)',
  'error.GOVERNANCE_INVALID.keyPolicyMax':
    'nationalKeyPolicy names more provinces ({count}) than there are ({total})',
  'error.NOT_FOUND': 'no such record: {detail}',
  'error.NOT_FOUND.ping': 'no ping {mspId}/{txId}',
  'error.INTERNAL': 'unexpected internal error: {detail}',
  'error.INTERNAL.noKeyPolicy': 'refusing to create {key} without a key-level policy',
  'error.INTERNAL.latticeMissing': 'lattice of version {version} is missing',
  'error.INTERNAL.deltaMissing': 'chunk {index} of {proposalId} has no delta',
  'error.INTERNAL.headMissing': 'head names missing version {version}',
  'error.INTERNAL.recordMissing': 'missing record of {itemId} by {proposalId}',

  // ---- codes raised by the client library, the CLI and the HTTP API ----
  'error.ENDORSE_FAILED': 'endorsement failed: {detail}',
  'error.SUBMIT_FAILED': 'the transaction could not be sent to the orderer: {detail}',
  'error.COMMIT_STATUS_TIMEOUT': 'no commit status for transaction {txId} in time',
  'error.DEADLINE_EXCEEDED': 'the network did not answer in time: {detail}',
  'error.UNAVAILABLE': 'the gateway peer cannot be reached: {detail}',
  'error.MVCC_READ_CONFLICT':
    'a value the transaction read was changed by another transaction first; run it again',
  'error.ENDORSEMENT_POLICY_FAILURE': 'the endorsements do not satisfy the key-level policy',
  'error.IDENTITY': 'identity problem: {detail}',
  'error.USAGE': '{detail}',
  'error.BAD_URL': 'malformed URL: {detail}',
  'error.INVALID_BOOKMARK': 'the bookmark was not returned by the previous page of this query',
  'error.CATALOG_RULE': 'the request breaks a rule of the catalog: {detail}',
  'error.UNAUTHENTICATED': 'missing or unknown API key (send it in the x-api-key header)',
  'error.METHOD_NOT_ALLOWED': '{method} {path} is not an operation of this API',
  'error.PAYLOAD_TOO_LARGE': 'the request body is larger than the API accepts',
  'error.UNSUPPORTED_MEDIA_TYPE': 'the request body must be application/json',
  'error.RESPONSE_INVALID': 'the answer did not match its schema: {detail}',
  'error.COMMIT_STATUS_FAILED': 'the commit status could not be read: {detail}',
  'error.GATEWAY_ERROR': 'the gateway refused the request: {detail}',
  'error.CLIENT_ERROR': 'the client failed: {detail}',
  'error.PAGING_LOOP': 'the peer returned the same page twice: {detail}',
  'error.AUDIT_BLOCK_CONFLICT': 'the audit store already holds a different block: {detail}',
  'error.AUDIT_MISMATCH': 'the replayed ledger does not match: {detail}',
  'error.AUDIT_STORE_UNAVAILABLE': 'the audit store cannot be opened: {detail}',
  'error.TRUST_MISMATCH': 'the audit store is pinned to another genesis block: {detail}',

  // ---- HTTP API ----
  'http.noRoute': '{method} {path} is not an operation of this API',
  'http.seeLog': 'see the server log',

  // ---- coverage reasons ----
  'reason.COVERED': 'covered',
  'reason.NOT_LISTED': 'not in the catalog',
  'reason.EXCLUDED': 'excluded from fund payment',
  'reason.NOT_YET_EFFECTIVE': 'not yet in force',
  'reason.AGREEMENT_EXPIRED': 'agreement expired',
  'reason.PROVINCE_SUSPENDED': 'suspended in this province',
  'reason.NOT_IN_PROVINCE': "not in this province's list",
  'reason.RESTRICTED': 'payment restriction not met',

  // ---- item kinds, drug classes ----
  'kind.drug': 'drug',
  'kind.herbal': 'herbal slice',
  'kind.service': 'medical service',
  'kind.material': 'medical material',
  'class.甲': 'class A (甲)',
  'class.乙': 'class B (乙)',

  // ---- proposals ----
  'status.draft': 'draft',
  'status.open': 'open',
  'status.approved': 'approved',
  'status.applied': 'applied',
  'status.rejected': 'rejected',
  'status.withdrawn': 'withdrawn',
  'scope.national': 'national',
  'scope.provincial': 'provincial',
  'scope.governance': 'governance',
  'op.upsertItem': 'add or change item',
  'op.removeItem': 'remove item',
  'op.setOverlay': 'set provincial terms',
  'op.clearOverlay': 'clear provincial terms',
  'rule.none': 'no province',
  'rule.own': 'its own province',
  'rule.majority': 'a majority of provinces',
  'rule.twoThirds': 'two thirds of provinces',
  'rule.all': 'every province',

  // ---- roles ----
  'role.admin': 'administrator',
  'role.proposer': 'proposer',
  'role.approver': 'approver',
  'role.hospital': 'hospital',
  'role.auditor': 'auditor',

  // ---- patient context ----
  'sex.male': 'male',
  'sex.female': 'female',
  'visit.inpatient': 'inpatient',
  'visit.outpatient': 'outpatient',
  'level.1': 'level 1 hospital',
  'level.2': 'level 2 hospital',
  'level.3': 'level 3 hospital',

  // ---- catalog sections (the items' `section`, as the source documents name them) ----
  'section.西药部分': 'Western medicines',
  'section.中成药部分': 'Chinese patent medicines',
  'section.协议期内谈判药品部分-西药': 'Negotiated drugs in agreement period: Western medicines',
  'section.协议期内谈判药品部分-中成药': 'Negotiated drugs in agreement period: Chinese patent medicines',
  'section.竞价药品部分': 'Bid-price drugs',
  'section.中药饮片部分-基金予以支付': 'Herbal slices paid by the fund',
  'section.中药饮片部分-不得纳入基金支付': 'Herbal slices excluded from fund payment',
  'section.临床手术': 'Clinical surgery',
  'section.医技类': 'Medical technology',
  'section.临床诊疗': 'Clinical diagnosis and treatment',
  'section.综合类': 'General services',
  'section.中医类': 'Traditional Chinese medicine',
  'section.临床介入': 'Clinical intervention',
  'section.临床康复': 'Clinical rehabilitation',
  'section.材料库': 'Special medical materials',

  // ---- common words ----
  'word.yes': 'yes',
  'word.no': 'no',
  'word.none': '-',
  'word.confidential': 'confidential',
} as const;

/** A key of the message catalogue. */
export type MessageKey = keyof typeof en;
