/** Caliper workload module `lifecycle` (see ./lifecycle-workload.ts). */
import { Lifecycle } from './lifecycle-workload';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): Lifecycle {
  return new Lifecycle();
}
