/** Caliper workload module `search-exact` (see ./operations.ts). */
import { SearchExact } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): SearchExact {
  return new SearchExact();
}
