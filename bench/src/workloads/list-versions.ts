/** Caliper workload module `list-versions` (see ./operations.ts). */
import { ListVersions } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): ListVersions {
  return new ListVersions();
}
