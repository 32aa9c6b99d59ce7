/** Caliper workload module `search` (see ./operations.ts). */
import { Search } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): Search {
  return new Search();
}
