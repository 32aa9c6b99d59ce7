/** Caliper workload module `coverage` (see ./operations.ts). */
import { Coverage } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): Coverage {
  return new Coverage();
}
