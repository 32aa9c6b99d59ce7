import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  closeSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { redactPaths } from './paths';

/** A node process this project started, tracked by a PID file. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
}

/** Whether a process with this PID exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function pidFile(pidDir: string, name: string): string {
  return path.join(pidDir, `${name}.pid`);
}

/** The PID recorded for `name`, if that process is still running. */
export function runningPid(pidDir: string, name: string): number | null {
  const file = pidFile(pidDir, name);
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
}

/** Every process with a PID file in `pidDir` (running or not). */
export function trackedProcesses(pidDir: string): ManagedProcess[] {
  if (!existsSync(pidDir)) return [];
  return readdirSync(pidDir)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => ({
      name: file.slice(0, -'.pid'.length),
      pid: Number.parseInt(readFileSync(path.join(pidDir, file), 'utf8').trim(), 10),
    }));
}

/** What {@link startProcess} needs. */
export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly pidDir: string;
  readonly logDir: string;
}

/**
 * Starts a long-running node in its own process group, output appended to `<logDir>/<name>.log`,
 * PID recorded in `<pidDir>/<name>.pid`. The process outlives this one.
 */
export function startProcess(options: StartOptions): ManagedProcess {
  mkdirSync(options.pidDir, { recursive: true });
  mkdirSync(options.logDir, { recursive: true });
  const log = openSync(path.join(options.logDir, `${options.name}.log`), 'a');
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  if (child.pid === undefined) {
    throw new Error(`could not start ${options.name} (${path.basename(options.command)})`);
  }
  child.unref();
  writeFileSync(pidFile(options.pidDir, options.name), `${child.pid}\n`);
  return { name: options.name, pid: child.pid };
}

/**
 * Stops the process recorded for `name` and its process group (SIGTERM, then SIGKILL after
 * `graceMs`), and removes the PID file. Returns whether something was running.
 */
export async function stopProcess(pidDir: string, name: string, graceMs = 10_000): Promise<boolean> {
  const file = pidFile(pidDir, name);
  if (!existsSync(file)) return false;
  const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  let wasRunning = false;
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    wasRunning = true;
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(file, { force: true });
  return wasRunning;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Whether something already listens on `host:port`. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => {
      resolve(true);
    });
    server.listen(port, host, () => {
      server.close(() => {
        resolve(false);
      });
    });
  });
}

/** Result of one operations-endpoint health probe. */
export interface Health {
  readonly ok: boolean;
  readonly detail: string;
}

/** GETs `http://host:port/healthz` and reports whether the node says it is healthy. */
export async function probeHealth(host: string, port: number, timeoutMs = 2_000): Promise<Health> {
  try {
    const response = await fetch(`http://${host}:${port}/healthz`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return { ok: response.ok, detail: response.ok ? 'OK' : `HTTP ${response.status} ${body.trim()}` };
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { ok: false, detail: `unreachable (${cause})` };
  }
}

/** Waits until the node's health endpoint answers OK; fails early when the process dies. */
export async function waitHealthy(
  proc: ManagedProcess,
  host: string,
  port: number,
  logDir: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Health = { ok: false, detail: 'not probed' };
  while (Date.now() < deadline) {
    if (!isAlive(proc.pid)) {
      throw new Error(
        `${proc.name} exited during start-up; last log lines:\n${redactPaths(logTail(logDir, proc.name))}`,
      );
    }
    last = await probeHealth(host, port);
    if (last.ok) return;
    await sleep(250);
  }
  throw new Error(
    `${proc.name} not healthy after ${timeoutMs / 1000}s (${last.detail}); see network/logs/${proc.name}.log`,
  );
}

/**
 * How many other peers a peer's gossip membership for `channel` counts alive (its
 * `gossip_membership_total_peers_known` metric on the operations endpoint), or null when it reports
 * none for that channel (not joined, or its first membership tick has not come yet) or cannot be
 * reached. The peer's gateway finds other organisations' endorsers through this membership.
 */
export async function gossipPeersKnown(
  host: string,
  port: number,
  channel: string,
  timeoutMs = 2_000,
): Promise<number | null> {
  try {
    const response = await fetch(`http://${host}:${port}/metrics`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return null;
    return peersKnownIn(await response.text(), channel);
  } catch {
    return null;
  }
}

/** The `gossip_membership_total_peers_known` value for `channel` in a Prometheus text exposition. */
export function peersKnownIn(metrics: string, channel: string): number | null {
  return channelMetric(metrics, 'gossip_membership_total_peers_known', channel);
}

/** The value of the metric `name` labelled only with `channel` in a Prometheus text exposition. */
export function channelMetric(metrics: string, name: string, channel: string): number | null {
  const prefix = `${name}{channel="`;
  for (const raw of metrics.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith(prefix)) continue;
    const match = /^[^{]+\{channel="([^"]*)"\} (\S+)$/.exec(line);
    if (match?.[1] === channel) {
      const value = Number(match[2]);
      return Number.isFinite(value) ? value : null;
    }
  }
  return null;
}

/**
 * A peer's block height on `channel` (its `ledger_blockchain_height` metric), or null when it
 * reports none or cannot be reached.
 */
export async function peerLedgerHeight(
  host: string,
  port: number,
  channel: string,
  timeoutMs = 2_000,
): Promise<number | null> {
  try {
    const response = await fetch(`http://${host}:${port}/metrics`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return null;
    return channelMetric(await response.text(), 'ledger_blockchain_height', channel);
  } catch {
    return null;
  }
}

/**
 * Waits until every peer in `peers` (operations endpoints) reports the same height on `channel`:
 * a transaction committed at one organisation's peer reaches the others' a moment later, so a read
 * through another organisation's peer right after a submit can see the state before it. Resolves
 * with the heights seen last (equal unless `timeoutMs` passed first).
 */
export async function waitPeersInStep(
  peers: readonly { readonly host: string; readonly port: number }[],
  channel: string,
  timeoutMs = 30_000,
): Promise<(number | null)[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const heights = await Promise.all(peers.map((p) => peerLedgerHeight(p.host, p.port, channel)));
    const first = heights[0];
    if ((first !== null && heights.every((h) => h === first)) || Date.now() >= deadline) return heights;
    await sleep(200);
  }
}

/**
 * Waits until a (re)started peer's gossip membership for `channel` counts at least `expected` other
 * peers — until then its gateway cannot find the other organisations' endorsers, and a write
 * through it fails although `/healthz` says OK. Resolves with the last count seen (null: none
 * reported) when `timeoutMs` passes first: a peer of the topology that is down, or not joined,
 * must not hold a rolling restart up for good.
 */
export async function waitGossipMembership(
  host: string,
  port: number,
  channel: string,
  expected: number,
  timeoutMs = 60_000,
): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  let known = await gossipPeersKnown(host, port, channel);
  while ((known === null || known < expected) && Date.now() < deadline) {
    await sleep(500);
    known = await gossipPeersKnown(host, port, channel);
  }
  return known;
}

/** The last lines of a node's log, for error messages. */
export function logTail(logDir: string, name: string, lines = 15): string {
  const file = path.join(logDir, `${name}.log`);
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
