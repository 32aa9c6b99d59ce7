/** Statistics of a benchmark round: percentiles, throughput, and median and spread of repeats. */

/** Latency and throughput of one round, from every request's [start, duration, ok] sample. */
export interface RoundStats {
  readonly requests: number;
  readonly failed: number;
  /**
   * Requests refused and sent again (sample status 2): a lifecycle step refused at endorsement,
   * endorsed again as the client library does for a peer a block behind; neither success nor failure
   * (absent from results written before it was counted).
   */
  readonly retried?: number;
  /** Successful requests per second over the round's span (first start to last finish). */
  readonly throughput: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The q-quantile (0..1) of sorted values, nearest-rank; NaN for none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/**
 * Stats of one round's samples (every worker's, merged; throughput sums the workers). Requests that
 * started in the first `warmUpMs` of a worker's round are left out: Caliper's fixed-load controller
 * ramps up until the first answers arrive, and connections and JIT warm up meanwhile.
 */
export function roundStats(
  workers: readonly (readonly (readonly [number, number, number])[])[],
  warmUpMs = 0,
): RoundStats {
  const durations: number[] = [];
  let failed = 0;
  let retried = 0;
  let throughput = 0;
  for (const samples of workers) {
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    let ok = 0;
    for (const [start, duration, success] of samples) {
      if (start < warmUpMs) continue;
      if (success === 2) {
        retried += 1;
        continue;
      }
      first = Math.min(first, start);
      last = Math.max(last, start + duration);
      if (success === 1) {
        ok += 1;
        durations.push(duration);
      } else failed += 1;
    }
    if (ok > 0 && last > first) throughput += (ok * 1000) / (last - first);
  }
  durations.sort((a, b) => a - b);
  const sum = durations.reduce((total, value) => total + value, 0);
  return {
    requests: durations.length + failed,
    failed,
    retried,
    throughput,
    p50: quantile(durations, 0.5),
    p90: quantile(durations, 0.9),
    p99: quantile(durations, 0.99),
    max: durations.at(-1) ?? Number.NaN,
    mean: durations.length === 0 ? Number.NaN : sum / durations.length,
  };
}

/** Median and spread (min, max) of repeated measures. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** The median and range of `values` (NaN when empty). */
export function spread(values: readonly number[]): Spread {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}

/** a / b, NaN when b is 0 or either is not finite. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** Points of the empirical CDF of sorted latencies, at most `points` of them. */
export function cdfPoints(sorted: readonly number[], points = 100): [number, number][] {
  if (sorted.length === 0) return [];
  const step = Math.max(1, Math.floor(sorted.length / points));
  const out: [number, number][] = [];
  for (let i = 0; i < sorted.length; i += step) out.push([sorted[i] ?? 0, (i + 1) / sorted.length]);
  const lastValue = sorted.at(-1) ?? 0;
  if (out.at(-1)?.[1] !== 1) out.push([lastValue, 1]);
  return out;
}
