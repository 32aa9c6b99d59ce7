/**
 * The read-model measure of the bench (run by audit-child.ts in a process of its own): callers at
 * once, each asking the next query as soon as its last answer came, latency from call to answer.
 */
import { quantile } from './stats';

/** What the measure calls: the read model's search (or a test's stand-in for it). */
export interface Searcher {
  search(input: { q: string; limit?: number }): Promise<unknown>;
}

/**
 * What the read-model measure asks, in turn: a whole name, its first two characters (the short-query
 * path) and its first four (a prefix).
 */
export function searchQueries(names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const chars = Array.from(name);
    return [name, chars.slice(0, 2).join(''), chars.slice(0, 4).join('')];
  });
}

/** One repeat of the read-model measure. */
export interface SearchRepeat {
  readonly searches: number;
  readonly throughput: number;
  readonly p50: number;
  readonly p99: number;
}

/** `concurrency` callers searching `queries` in turn for `ms`, `repeats` times. */
export async function timeSearches(
  model: Searcher,
  queries: readonly string[],
  concurrency: number,
  ms: number,
  repeats: number,
): Promise<SearchRepeat[]> {
  if (queries.length === 0) throw new Error('read-model: no names to search');
  await model.search({ q: queries[0] ?? '' }); // the first answer verifies the index against the chain
  const out: SearchRepeat[] = [];
  let next = 0;
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const latencies: number[] = [];
    const started = performance.now();
    const caller = async (): Promise<void> => {
      while (performance.now() - started < ms) {
        const q = queries[next % queries.length] ?? '';
        next += 1;
        const sent = performance.now();
        await model.search({ q, limit: 20 });
        latencies.push(performance.now() - sent);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    const elapsed = performance.now() - started;
    latencies.sort((a, b) => a - b);
    out.push({
      searches: latencies.length,
      throughput: (latencies.length * 1000) / elapsed,
      p50: quantile(latencies, 0.5),
      p99: quantile(latencies, 0.99),
    });
  }
  return out;
}
