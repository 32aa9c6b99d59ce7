/**
 * Sizes and seeds of the hostile-input (fuzz) suites, from the environment, so that `npm run soak`
 * runs the same suites with more cases: `FUZZ_RUNS` (cases per transaction against the in-memory
 * peer, default 1,000), `FUZZ_NETWORK_RUNS` (per transaction on the real network, default 50),
 * `FUZZ_SEED`. With `FUZZ_REPORT=<file>` every suite appends one JSON line of what it tried and what
 * happened (read by scripts/soak.ts for docs/reliability.md).
 */
import { appendFileSync } from 'node:fs';

/** A non-negative integer from the environment, or `fallback`. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  }
  return value;
}

/** Cases per transaction against the in-memory stub. */
export const UNIT_RUNS = envInt('FUZZ_RUNS', 1000);
/** Cases per transaction on the real network. */
export const NETWORK_RUNS = envInt('FUZZ_NETWORK_RUNS', 50);
/** The seed of every fuzz suite (a failure names it). */
export const SEED = envInt('FUZZ_SEED', 20_251_202);

/** One line of the soak report: what a suite tried and what happened. */
export interface FuzzReport {
  readonly suite: string;
  readonly target: string;
  readonly cases: number;
  /** Cases refused with a registered code. */
  readonly refused: number;
  /** Cases accepted (answered, or committed on the stub). */
  readonly accepted: number;
  /** Cases that broke a property (crash, uncoded error, state changed by a refusal). */
  readonly failures: number;
  readonly ms: number;
  readonly note?: string;
}

/** Appends `report` to `FUZZ_REPORT` when set. */
export function report(entry: FuzzReport): void {
  const file = process.env.FUZZ_REPORT;
  if (file !== undefined && file !== '') appendFileSync(file, `${JSON.stringify(entry)}\n`);
}
