/** Caliper workload module `coverage-code` (see ./operations.ts). */
import { CoverageByCode } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): CoverageByCode {
  return new CoverageByCode();
}
