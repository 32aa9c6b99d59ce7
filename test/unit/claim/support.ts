/** Shared types of the claim tests. */
export {
  type CheckCoverageBatchInput,
  type CoverageResult,
  MAX_BATCH_LINES,
  type RuleFinding,
} from '@nrdl-catalog/chaincode/model';
export { encodeError as encodeErrorForTest } from '@nrdl-catalog/chaincode/messages';
