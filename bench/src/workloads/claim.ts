/** Caliper workload module `claim` (see ./operations.ts). */
import { Claim } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): Claim {
  return new Claim();
}
