/** Caliper workload module `search-prefix` (see ./operations.ts). */
import { SearchPrefix } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): SearchPrefix {
  return new SearchPrefix();
}
