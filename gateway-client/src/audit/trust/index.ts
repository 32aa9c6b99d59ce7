/**
 * The auditors' independent ledger verifier ("trust no peer"): raw blocks from a pinned genesis
 * block, checked for signatures, policies, MVCC and validation flags, with the state replayed from
 * the transactions the verifier itself found valid.
 */
export { compareKeys, type KeyVersion, type StateEntry, type StateView } from './state-view';
export { isError, type Finding, type FindingCode, type FindingSeverity } from './findings';
export { isLowS, parseEcdsaSignature, P256_ORDER, verifySignature, type SignatureCheck } from './signature';
export {
  applicationOrgGroup,
  configFromBlock,
  configFromEnvelope,
  groupAt,
  parseConfig,
  parseMspConfig,
  parsePolicy,
  policyAt,
  type ChannelConfig,
  type ConfigGroupNode,
  type ConfigPolicyEntry,
  type ConfigTransaction,
  type MspDefinition,
  type NodeOus,
  type OuIdentifier,
  type PolicyDefinition,
} from './channel-config';
export { IdentityResolver, subjectOus, type NodeRole, type ResolvedIdentity } from './msp';
export {
  describeSignaturePolicy,
  evaluateApplicationPolicy,
  evaluateConfigPolicy,
  evaluateSignaturePolicy,
  evaluateValidationParameter,
  validIdentities,
  type PolicyOutcome,
  type PrincipalMatcher,
  type RejectedSignature,
  type SignatureSetResult,
  type SignedData,
} from './policy';
export {
  compareUtf8,
  ReplayedState,
  ReplayedWorld,
  type HashedEntry,
  type KeyMetadataWrite,
  type KeyWrite,
} from './replayed-state';
export {
  chaincodeDefinition,
  LIFECYCLE_ENDORSEMENT_POLICY,
  LIFECYCLE_NAMESPACE,
  type ChaincodeValidation,
  type DefinitionLookup,
  type LifecycleReader,
} from './lifecycle';
export {
  analyseTransaction,
  namespacePolicy,
  parseRwSet,
  VALIDATION_PARAMETER,
  type EndorserInfo,
  type ParsedCollection,
  type ParsedNamespace,
  type ParsedRangeQuery,
  type ParsedRead,
  type TxAnalysis,
  type TxContext,
  type TxIssue,
  type TxTimestamp,
} from './transaction';
export {
  BLOCK_VALIDATION_POLICY,
  verifyBlockSignatures,
  verifyChain,
  type ChainVerification,
  type ValidatedTransaction,
  type ValidTransactionHook,
  type VerifyChainOptions,
} from './verify-chain';
