/** Re-execution of recorded catalog transactions with the released chaincode (auditors). */
export {
  DEFAULT_TOTAL_QUERY_LIMIT,
  ReplayStub,
  VALIDATION_PARAMETER,
  compareUtf8,
  createCompositeKey,
  partialCompositeKeyRange,
  splitCompositeKey,
  type LongFactory,
  type ReplayEvent,
  type ReplayMetadataWrite,
  type ReplayStubOptions,
  type ReplayTransaction,
  type ReplayWrite,
} from './replay-stub';
export {
  ChaincodeBuildError,
  Reexecutor,
  defaultChaincodeDir,
  requireBuiltChaincode,
  type ChaincodeCode,
  type ChaincodeSerializers,
  type ReexecutionInput,
  type ReexecutionResult,
  type ReexecutorOptions,
} from './reexecute';
export {
  compareExecution,
  previewBytes,
  recordedFromDecoded,
  type ChaincodeResponse,
  type DivergenceKind,
  type ExecutionDivergence,
  type RecordedExecution,
} from './compare';
export {
  VERSION_LENGTH,
  loadDeploymentRecords,
  localBuild,
  parseDeploymentRecords,
  planRangeOf,
  reexecutionPlan,
  type DefinitionAt,
  type DeploymentRecord,
  type LocalBuild,
  type PlanRange,
  type PlanScope,
} from './build-identity';
