/** Caliper workload module `coverage-provincial` (see ./operations.ts). */
import { CoverageProvincial } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): CoverageProvincial {
  return new CoverageProvincial();
}
