/** Caliper workload module `coverage-batch` (see ./operations.ts). */
import { CoverageBatch } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): CoverageBatch {
  return new CoverageBatch();
}
