/** Which Caliper rounds a run makes: the full plan of `npm run bench` and the smoke plan of the test command. */
import type { PlannedRound } from './caliper';

/** A read or floor workload and the concurrency levels it runs at. */
interface WorkloadPlan {
  readonly workload: string;
  readonly name: string;
  readonly levels: readonly number[];
  readonly size?: number;
}

/** The options a plan is made from. */
export interface PlanOptions {
  readonly repeats: number;
  readonly seconds: number;
  /** Proposals per lifecycle round. */
  readonly lifecycles: number;
  readonly smoke: boolean;
}

/** Every workload the full run measures, with the operation name the report uses. */
export function workloadPlans(smoke: boolean): WorkloadPlan[] {
  const many = smoke ? [2] : [1, 4, 16, 32];
  const one = smoke ? [2] : [16];
  return [
    { workload: 'floor-evaluate', name: 'floor-evaluate', levels: many },
    { workload: 'coverage', name: 'coverage', levels: many },
    { workload: 'coverage-batch', name: 'batch-50', levels: one, size: 50 },
    { workload: 'coverage-batch', name: 'batch-200', levels: one, size: 200 },
    { workload: 'claim', name: 'claim-12', levels: one, size: 12 },
    { workload: 'get-item', name: 'get-item', levels: one },
    { workload: 'search', name: 'search', levels: one },
    { workload: 'search-exact', name: 'search-exact', levels: one },
    { workload: 'search-prefix', name: 'search-prefix', levels: one },
    { workload: 'coverage-name', name: 'coverage-name', levels: one },
    { workload: 'coverage-code', name: 'coverage-code', levels: one },
    { workload: 'coverage-provincial', name: 'coverage-provincial', levels: one },
    { workload: 'list-versions', name: 'list-versions', levels: one },
    { workload: 'floor-submit', name: 'floor-submit', levels: smoke ? [2] : [1, 16] },
  ];
}

/** The round label: `<operation>-c<load>-r<repeat>` (fixed load) or `<operation>-tps<rate>-r<repeat>`. */
export function roundLabel(name: string, rate: PlannedRound['rate'], repeat: number): string {
  return `${name}-${rate.type === 'fixed-load' ? `c${rate.load}` : `tps${rate.tps}`}-r${repeat}`;
}

/** The operation and rate a label was made from (inverse of {@link roundLabel}). */
export function parseLabel(label: string): { name: string; rate: string; repeat: number } | null {
  const match = /^(.+)-((?:c|tps)\d+)-r(\d+)$/.exec(label);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return null;
  return { name: match[1], rate: match[2], repeat: Number(match[3]) };
}

/**
 * The rounds, repeats interleaved (repeat 1 of every workload, then repeat 2, …) so that drift of the
 * machine hits the floor and the operations alike; then fixed-rate rounds (coverage at a rate below
 * its saturation, and the floor at the same rate); the lifecycle last (it seals versions).
 */
export function planRounds(options: PlanOptions): PlannedRound[] {
  const rounds: PlannedRound[] = [];
  const length = { seconds: options.seconds };
  for (let repeat = 1; repeat <= options.repeats; repeat += 1) {
    for (const plan of workloadPlans(options.smoke)) {
      for (const load of plan.levels) {
        const rate = { type: 'fixed-load', load } as const;
        rounds.push({
          label: roundLabel(plan.name, rate, repeat),
          workload: plan.workload,
          rate,
          length,
          ...(plan.size === undefined ? {} : { size: plan.size }),
        });
      }
    }
    const tps = 100;
    for (const name of options.smoke ? [] : ['floor-evaluate', 'coverage']) {
      const rate = { type: 'fixed-rate', tps } as const;
      rounds.push({ label: roundLabel(name, rate, repeat), workload: name, rate, length });
    }
    rounds.push({
      label: roundLabel('lifecycle', { type: 'fixed-load', load: 1 }, repeat),
      workload: 'lifecycle',
      rate: { type: 'fixed-load', load: 1 },
      length: { transactions: options.lifecycles },
    });
  }
  return rounds;
}
