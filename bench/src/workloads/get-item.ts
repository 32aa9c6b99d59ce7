/** Caliper workload module `get-item` (see ./operations.ts). */
import { GetItem } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): GetItem {
  return new GetItem();
}
