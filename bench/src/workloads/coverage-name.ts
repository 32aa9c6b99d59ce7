/** Caliper workload module `coverage-name` (see ./operations.ts). */
import { CoverageByName } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): CoverageByName {
  return new CoverageByName();
}
