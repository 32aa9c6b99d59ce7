/**
 * Resident memory of the network's processes (peers, orderers, CAs, chaincode processes), read from
 * /proc by the PIDs the network records — snapshots, and the peak while a phase runs.
 */
import { readFileSync } from 'node:fs';
import { networkPaths, trackedProcesses } from '@nrdl-catalog/network';

/** RSS in MB by process name (`peer0.nhsa`, `chaincode-NHSAMSP-…`), living processes only. */
export type RssSnapshot = Record<string, number>;

/** The kB value of a `/proc/<pid>/status` field, or null. */
export function statusField(status: string, field: 'VmRSS' | 'VmHWM'): number | null {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** A process's RSS (or peak RSS) in MB, null when it is gone. */
export function rssOf(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number | null {
  try {
    const kb = statusField(readFileSync(`/proc/${pid}/status`, 'utf8'), field);
    return kb === null ? null : kb / 1024;
  } catch {
    return null;
  }
}

/** A short name: chaincode processes by MSP (`chaincode NHSAMSP`), nodes by their own name. */
function shortName(name: string): string {
  const chaincode = /^chaincode-([A-Za-z0-9]+MSP)-/.exec(name);
  return chaincode?.[1] === undefined ? name : `chaincode ${chaincode[1]}`;
}

/** RSS of every living network process now. */
export function snapshot(): RssSnapshot {
  const out: RssSnapshot = {};
  for (const proc of trackedProcesses(networkPaths().pidDir)) {
    const rss = rssOf(proc.pid);
    if (rss === null) continue;
    const name = shortName(proc.name);
    out[name] = Math.max(out[name] ?? 0, rss);
  }
  return out;
}

/** Samples every `everyMs` while `work` runs; resolves with its result and the peak RSS per process. */
export async function peakDuring<T>(
  work: () => Promise<T>,
  everyMs = 1000,
): Promise<{ result: T; peak: RssSnapshot }> {
  const peak: RssSnapshot = {};
  const sample = (): void => {
    for (const [name, rss] of Object.entries(snapshot())) peak[name] = Math.max(peak[name] ?? 0, rss);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  try {
    const result = await work();
    sample();
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}
