/**
 * Typed Fabric Gateway client for the catalog network.
 */
export {
  IdentityError,
  loadWalletIdentity,
  parseIdentityRef,
  walletOrgs,
  type IdentityRef,
  type WalletIdentity,
} from './identity';
export {
  MembersError,
  membersFromTopology,
  provinceOf,
  readTopologyMembers,
  walletOrgOf,
  walletOrgOfMember,
  type GovernanceMembers,
} from './governance-members';
export {
  loadConnectionProfile,
  openConnection,
  type CatalogConnection,
  type ConnectionOptions,
  type ConnectionProfile,
} from './connection';
export {
  CatalogClientError,
  ChaincodeError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RefusedCallError,
  TransactionError,
  chaincodeError,
  refusalOf,
  localMessage,
  type ErrorOptions,
  toClientError,
  validationCodeName,
} from './errors';
export {
  DEFAULT_UNAVAILABLE_WAIT_MS,
  evaluateWhenReachable,
  isUnplannable,
  submitWithRetry,
  unreachablePeers,
  type RetryPolicy,
  type SubmitResult,
  type UnreachablePeers,
} from './transaction';
export {
  CatalogClient,
  reviewedOf,
  type CatalogClientOptions,
  type ItemView,
  type ProposalDetails,
  type Reviewed,
  type Submitted,
} from './catalog-client';
export { listenCatalogEvents, type CatalogEvent, type ListenOptions } from './events';
export { reindexPlan, reindexTargets } from './reindex';
export {
  applyAndSeal,
  checkStoredChunks,
  driveProposal,
  findProposalByFingerprint,
  inPool,
  proposalMatchesPlan,
  proposalTarget,
  rationaleWithFingerprint,
  resumeKey,
  type ApplyAndSealOptions,
  type DriveOptions,
  type DriveResult,
  type Progress,
  type ProposalPlan,
  type ProposalTarget,
} from './workflow';
export { diffCatalogVersions, type VersionDiffEntry } from './version-diff';
export { PATIENT_FIELDS, PatientInputError, parsePatient, type PatientField } from './patient';
export { displayPath, fsReason, redactPaths } from './display-path';
export { bigintReplacer, jsonText } from './json';
export { displayWidth, escapeControls, jsonSafe, keyValues, table, textOf, truncateToWidth } from './text';
export {
  DEFAULT_LANG,
  DISPLAY_TIME_ZONE,
  formatDate,
  formatMoney,
  formatTimestamp,
  parseHumanDate,
} from './format';
export { provinceName, provinceNames, withProvinceNames, type ProvinceNames } from './province-names';
export {
  CLAIM_CSV_COLUMNS,
  MAX_CLAIM_LINES,
  checkClaim,
  claimCsv,
  claimFindings,
  claimText,
  parseClaimLine,
  type AnsweredLine,
  type CheckClaimOptions,
  type ClaimClient,
  type ClaimFinding,
  type ClaimFindingKind,
  type ClaimInput,
  type ClaimLine,
  type ClaimLineError,
  type ClaimLineInput,
  type ClaimLineResult,
  type ClaimLineStatus,
  type ClaimMessage,
  type ClaimResult,
  type ClaimAccumulated,
} from './claim';
export {
  applyRatio,
  estimateSplit,
  roundHalfUp,
  yuanToFen,
  type ClaimSplit,
  type LineEstimate,
  type LineSplit,
  type SplitGap,
  type SplitLine,
  type SplitSource,
  type SplitTotals,
} from './fund-split';
