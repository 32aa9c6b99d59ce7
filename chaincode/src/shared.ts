/**
 * The catalog's shared model — `@nrdl-catalog/chaincode/model`: schemas, types, error codes, item
 * ids, canonical JSON, the digest lattice, key-level policy helpers, the coverage rules. Everything a
 * client or an auditor needs from the chaincode package, without loading fabric-shim or the
 * contracts (those are the package's main entry, `@nrdl-catalog/chaincode`, which the peer starts
 * and the auditors' re-executor runs).
 */
export { canonicalJson } from './lib/canonical-json';
export {
  schemas,
  definitions,
  MAX_CHUNK_CHANGES,
  MAX_BATCH_LINES,
  MAX_ITEM_CODES,
  MAX_PAGE_SIZE,
  type SchemaName,
} from './schemas';
export { parseInput } from './lib/validate';
export { ERROR_CODES, CatalogError, errorCodeOf, raise, type ErrorCode } from './lib/errors';
export {
  AUDIT_MSP,
  NATIONAL_MSP,
  PROVINCE_FORMS,
  ROLES,
  normaliseProvince,
  provinceForms,
  provinceKey,
  provinceOfMsp,
  type ProvinceInfo,
  type ProvinceMembers,
  type Role,
} from './lib/orgs';
export { computeItemId, normaliseIdText, ITEM_ID_PATTERN, type ItemIdSource } from './lib/item-id';
export {
  LATTICE_WORDS,
  decodeLattice,
  digestOfEntries,
  emptyLattice,
  encodeLattice,
  entryBytes,
  entryVector,
  latticeAdd,
  latticeDigest,
  latticeOf,
  latticeSub,
  sha256Json,
  type DigestEntry,
} from './lib/digest';
export {
  allOfPolicy,
  buildSignaturePolicy,
  decodeSignaturePolicy,
  nationalAndProvincesSpec,
  policyOrgs,
  policySatisfiedBy,
  type PolicySpec,
} from './lib/sbe';
export { GOVERNANCE_KEY, HEAD_KEY, T as KEY_TYPES } from './lib/keys';
export { isValidDate } from './lib/time';
export { evaluateCoverage, violatedRule, type CoverageFacts } from './model/coverage';
export {
  DEFAULT_MAX_CHUNK_CHANGES,
  checkGovernance,
  checkMembers,
  initialGovernance,
  tally,
} from './model/governance';
export { normaliseChange, ruleLinks, type Chunk, type StoredChange } from './model/workflow';
export type { ItemRecord, OverlayRecord, PolicyRecord, RuleLink, RuleRecord } from './model/store';
export {
  POLICY_FIELDS,
  SCOPE_FIELDS,
  fundRatioOf,
  insuredParts,
  normalisePaymentPolicy,
  policyRowFor,
  policyVisitTypeOf,
  type InsuredCoverageResult,
  type InsuredParts,
  type PaymentPolicy,
  type PaymentPolicyAnswer,
  type PaymentPolicyInput,
  type PaymentPolicyRow,
  type PolicyInForce,
  type PolicyProvenance,
  type PolicyVisitType,
  type RatioBasis,
} from './model/payment-policy';
export { rulesFromLinks } from './model/store';
export {
  normaliseRule,
  ruleFinding,
  ruleFindings,
  ruleItems,
  ruleLimits,
  CLAIM_RULE_TYPES,
} from './model/rules';
export {
  LOOKUP,
  coverageResultsOf,
  itemCodes,
  lookupFamilyOf,
  lookupKeysOf,
  lookupText,
  parseLookupKey,
  type LookupFamily,
  type LookupValue,
} from './model/lookup';
export type {
  Actor,
  Change,
  ChunkAdded,
  ChunkApplied,
  CoverageAnswer,
  CoverageInput,
  CoverageMatches,
  CoverageReason,
  CoverageResult,
  LookupCoverageResult,
  LookupQuery,
  SearchPage,
  DrugClass,
  Governance,
  GovernanceUpdate,
  Head,
  HistoryChange,
  HospitalLevel,
  Item,
  ItemHistory,
  ItemInput,
  ItemKind,
  ItemSummary,
  LevelPrices,
  Overlay,
  OverlayInput,
  Page,
  PatientContext,
  PaymentPolicyView,
  ItemRule,
  Rule,
  RuleInput,
  RuleRole,
  RuleType,
  RuleView,
  RuleFinding,
  InsuranceType,
  PaymentStandard,
  Period,
  Proposal,
  ProposalStatus,
  Provenance,
  ProvinceMember,
  ReadModelSearchInput,
  RestrictionRules,
  Scope,
  ScopeRule,
  Sex,
  Tally,
  Version,
  VisitType,
  Vote,
  VoteResult,
} from './model/types';
export type {
  AddChunkInput,
  CheckCoverageBatchInput,
  ChunkRefInput,
  CreateProposalInput,
  GetItemHistoryInput,
  GetItemInput,
  GetProposalInput,
  GetRuleInput,
  GetPaymentPolicyInput,
  GetVersionInput,
  InitGovernanceInput,
  ListProposalsInput,
  PageInput,
  ProposalIdInput,
  SearchItemsInput,
  VoteInput,
  WithdrawInput,
} from './model/io';
