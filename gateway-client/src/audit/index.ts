/**
 * Audit library: replay full blocks into an off-chain store, verify it independently, and explain
 * the catalog's history (who changed what, when, approved by whom).
 */
export { derElement, derLength, derOid, derUnsignedInteger, readTlv, type Tlv } from './der';
export { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
export {
  FABRIC_ATTRS_OID,
  ROLE_ATTRIBUTE,
  certificateAttributes,
  decodeIdentity,
  describeCertificate,
  formatDistinguishedName,
  type IdentityInfo,
} from './certificate';
export { compositeKey, displayKey, splitKey, type SplitKey } from './composite-key';
export {
  CATALOG_NAMESPACE,
  TX_VALID,
  decodeBlock,
  decodeEnvelope,
  decodeEnvelopeSafely,
  headerTypeName,
  transactionFilter,
  validationCodeName,
  type DecodedBlock,
  type DecodedKey,
  type DecodedMetadataWrite,
  type DecodedRangeQuery,
  type DecodedRead,
  type DecodedTransaction,
  type DecodedWrite,
} from './block-decoder';
export {
  BlockConflictError,
  SqliteAuditStore,
  isPostgresLocation,
  openAuditStore,
  type AuditStore,
  type BlockToWrite,
  type RawBlock,
  type SqliteStoreOptions,
  type StoreCheckpoint,
  type StoreStats,
  type StoredBlock,
  type StoredMetadataWrite,
  type StoredTransaction,
  type StoredWrite,
  type TransactionFilter,
  type WriteBlockResult,
} from './store';
export {
  DEFAULT_PG_SCHEMA,
  PgAuditStore,
  parsePostgresLocation,
  redactPostgresUrl,
  type AuditTable,
  type PgStoreOptions,
} from './pg-store';
export { openAuditStoreAsync } from './open-store';
export { StoreCheckpointer } from './checkpointer';
export {
  getChainHeight,
  replayBlocks,
  type ReplayNetwork,
  type ReplayOptions,
  type ReplayProgress,
  type ReplaySummary,
} from './replay';
export { fetchAndDecode, type FetchAndDecodeOptions, type FetchAndDecodeSummary } from './fetch-and-decode';
export {
  buildLedgerModel,
  entriesAt,
  entryKey,
  txRefOf,
  type Anomaly,
  type ApprovalSnapshot,
  type EntryChange,
  type GovernanceChange,
  type LedgerModel,
  type ProposalInfo,
  type SealedVersion,
  type TxRef,
  type VoteInfo,
} from './ledger-model';
export { fieldDifferences, jsonEqual, type FieldDifference } from './json-diff';
export {
  checkBlocks,
  verifyStore,
  type Divergence,
  type Finding,
  type VerifyOk,
  type VerifyResult,
} from './verify';
export {
  auditReportData,
  catalogAsOf,
  diffVersions,
  itemHistory,
  proposalSummary,
  versionInForce,
  type ActorInfo,
  type AsOfFilter,
  type AsOfResult,
  type AuditReportData,
  type CatalogItemAsOf,
  type DiffChange,
  type DiffEntry,
  type ItemHistoryEntry,
  type ProposalSummary,
  type VersionDiff,
  type VersionReportRow,
  type VoteRecord,
} from './history';
export {
  auditReportInput,
  type AuditReportInput,
  type ReportActor,
  type ReportChange,
  type ReportVersion,
} from './report-input';
export { escapeHtml, formatDuration } from './report-format';
export { attemptBars, durationBars, provinceBars, versionBars, type Bar } from './report-charts';
export { renderAuditReport, renderAuditReportHtml, type RenderReportOptions } from './report-html';
export {
  definitionInForce,
  formatFinding,
  genesisHashOf,
  verifyIndependently,
  type IndependentVerification,
  type IndependentVerifyOptions,
} from './independent-verify';
export { loadDeploymentRecords, parseDeploymentRecords, type DeploymentRecord } from './reexecute';
