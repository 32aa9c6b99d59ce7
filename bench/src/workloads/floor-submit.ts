/** Caliper workload module `floor-submit` (see ./operations.ts). */
import { FloorSubmit } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): FloorSubmit {
  return new FloorSubmit();
}
