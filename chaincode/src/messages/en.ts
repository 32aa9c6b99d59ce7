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
  'error.UNKNOWN_PROVINCE': 'unknown province "{province}": expected one of {expected}',
  'error.ITEM_NOT_FOUND': 'no item {itemId}',
  'error.VERSION_NOT_FOUND': 'no such catalog version: {detail}',
  'error.PROPOSAL_NOT_FOUND': "no proposal '{proposalId}'",
  'error.PROPOSAL_STATE': 'proposal {proposalId} is {status} (needs {allowed})',
  'error.CHUNK_TOO_LARGE': 'a chunk carries {count} changes, at most {max} allowed',
  'error.CHUNK_CONFLICT': 'chunk {index} already exists with different content',
  'error.CHUNK_NOT_FOUND': 'no chunk {index} in proposal {proposalId}',
  'error.CHUNKS_INCOMPLETE': 'chunks are missing or not yet applied: {detail}',
  'error.DUPLICATE_CHANGE': 'the proposal already changes {target}',
  'error.SCOPE_VIOLATION': "the change is outside the proposal's scope: {detail}",
  'error.FORBIDDEN_ROLE': "role '{role}' may not do this (needs {roles})",
  'error.FORBIDDEN_ORG': 'organisation {org} may not do this: {detail}',
  'error.SELF_APPROVAL': 'the proposer may not approve its own proposal {proposalId}',
  'error.ALREADY_VOTED': '{org} has already voted on proposal {proposalId}',
  'error.STALE_REVIEW':
    'the vote names a manifest, base version or governance version other than proposal {proposalId} has now',
  'error.MANIFEST_MISMATCH': 'chunk {index} does not match the manifest fixed when the proposal was opened',
  'error.ID_MISMATCH': "item id {itemId} does not match the item's kind and owning province",
  'error.QUORUM_NOT_MET': 'the approvals governance requires are not (yet) present: {detail}',
  'error.VERSION_CONFLICT': '{target} changed (or has a pending change) since the proposal was opened',
  'error.GOVERNANCE_NOT_INITIALISED': 'call Governance:InitGovernance (NHSA admin) first',
  'error.GOVERNANCE_EXISTS': 'the governance record already exists',
  'error.GOVERNANCE_INVALID': 'the governance rules are not acceptable: {detail}',
  'error.NOT_FOUND': 'no such record: {detail}',
  'error.INTERNAL': 'unexpected internal error: {detail}',

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
