/** Caliper workload module `floor-evaluate` (see ./operations.ts). */
import { FloorEvaluate } from './operations';

/** Caliper's factory for this workload. */
export function createWorkloadModule(): FloorEvaluate {
  return new FloorEvaluate();
}
