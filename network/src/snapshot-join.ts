/**
 * A peer joining a channel from a ledger snapshot instead of replaying it from the genesis block:
 * the organisation named by `joinFrom` takes a snapshot of its peer's ledger (`peer snapshot
 * submitrequest`), a second organisation — the auditors, or NHSA when the auditors are the source
 * — takes one at the same block, and the new peer joins (`peer channel joinbysnapshot`) only when
 * the two snapshots' signable metadata (the hash of every snapshot file, the last block's hash) are
 * the same: no single organisation's word decides the state a new member starts from.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FabricInstall } from './fabric-home';
import { adminCliEnv, bin } from './node-env';
import { orgPaths, type NetworkPaths } from './paths';
import { runCommand } from './run-command';
import { findOrg, peerName, type OrgSpec, type Topology } from './topology';

/** A completed snapshot of one peer's ledger. */
export interface PeerSnapshot {
  readonly org: string;
  readonly block: number;
  readonly dir: string;
  /** The snapshot's `_snapshot_signable_metadata.json`, as written (the same bytes on every peer at that block). */
  readonly metadata: string;
}

/** Thrown when the source's and the witness's snapshots differ, or cannot be taken at one block. */
export class SnapshotJoinError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'SnapshotJoinError';
  }
}

const METADATA = '_snapshot_signable_metadata.json';

/** The folder a peer writes its completed snapshots of `channel` into. */
export function completedSnapshotsDir(paths: NetworkPaths, org: OrgSpec, channel: string): string {
  return path.join(orgPaths(paths, org).peerLedger, 'snapshots', 'completed', channel);
}

/** The block numbers of `org`'s completed snapshots of `channel`, highest first. */
export function completedSnapshots(paths: NetworkPaths, org: OrgSpec, channel: string): number[] {
  const dir = completedSnapshotsDir(paths, org, channel);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^\d+$/.test(name) && existsSync(path.join(dir, name, METADATA)))
    .map(Number)
    .sort((a, b) => b - a);
}

/** The organisation whose snapshot must match the source's: the auditors, or NHSA when the auditors are the source. */
export function snapshotWitness(topology: Topology, source: OrgSpec): OrgSpec {
  const auditors = topology.orgs.find((org) => org.kind === 'auditor');
  const witness =
    auditors !== undefined && auditors.name !== source.name
      ? auditors
      : topology.orgs.find((org) => org.kind === 'national' && org.name !== source.name);
  if (witness === undefined)
    throw new SnapshotJoinError(`no organisation besides ${source.name} to check its snapshot against`);
  return witness;
}

/**
 * Asks `org`'s peer (as its admin) for a snapshot of `channel` at its last committed block and
 * waits until it is complete.
 */
export async function takeSnapshot(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  channel: string,
  timeoutMs = 120_000,
  pollMs = 250,
): Promise<PeerSnapshot> {
  const before = new Set(completedSnapshots(paths, org, channel));
  await runCommand(
    bin(fabric, 'peer'),
    [
      'snapshot',
      'submitrequest',
      '-c',
      channel,
      '-b',
      '0',
      '--peerAddress',
      `${org.host}:${org.peer.port}`,
      '--tlsRootCertFile',
      orgPaths(paths, org).caCert,
    ],
    adminCliEnv(topology, org, paths),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const block = completedSnapshots(paths, org, channel).find((n) => !before.has(n));
    if (block !== undefined) {
      const dir = path.join(completedSnapshotsDir(paths, org, channel), String(block));
      return { org: org.name, block, dir, metadata: readFileSync(path.join(dir, METADATA), 'utf8') };
    }
    if (Date.now() > deadline)
      throw new SnapshotJoinError(
        `${peerName(org)} completed no snapshot of ${channel} in ${String(timeoutMs / 1000)} s`,
      );
    await sleep(pollMs);
  }
}

/** What {@link joinFromSnapshot} joined from. */
export interface SnapshotJoin {
  readonly block: number;
  /** The peers whose snapshots at `block` were the same: the source's and the witness's. */
  readonly source: string;
  readonly witness: string;
}

/** Options of {@link joinFromSnapshot} (the defaults suit the real network; unit tests shorten them). */
export interface SnapshotJoinOptions {
  /** Tries at taking both snapshots at one block while the channel moves on (default 3). */
  readonly attempts?: number;
  readonly snapshotTimeoutMs?: number;
  readonly joinTimeoutMs?: number;
  readonly pollMs?: number;
}

/**
 * Joins `org`'s peer to `channel` from a snapshot of the peer of `org.joinFrom`, checked against the
 * witness's snapshot at the same block ({@link snapshotWitness}); resolves with the snapshot it
 * joined from and the two peers that agreed on it. The snapshot is copied to the new organisation's side first (what it is sent, on
 * separate machines), and every copy is removed once the peer lists the channel.
 */
export async function joinFromSnapshot(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  channel: string,
  options: SnapshotJoinOptions = {},
): Promise<SnapshotJoin> {
  if (org.joinFrom === undefined)
    throw new SnapshotJoinError(`${org.name} names no organisation to join from`);
  const source = findOrg(topology, org.joinFrom);
  const witness = snapshotWitness(topology, source);
  const attempts = options.attempts ?? 3;
  const pollMs = options.pollMs ?? 250;
  let taken: [PeerSnapshot, PeerSnapshot] | undefined;
  for (let attempt = 1; taken === undefined; attempt += 1) {
    const pair = await Promise.all([
      takeSnapshot(fabric, topology, source, paths, channel, options.snapshotTimeoutMs, pollMs),
      takeSnapshot(fabric, topology, witness, paths, channel, options.snapshotTimeoutMs, pollMs),
    ]);
    if (pair[0].block === pair[1].block) taken = pair;
    else {
      // a block committed between the two requests: neither is needed, try again
      for (const snapshot of pair) rmSync(snapshot.dir, { recursive: true, force: true });
      if (attempt >= attempts)
        throw new SnapshotJoinError(
          `${peerName(source)} and ${peerName(witness)} gave snapshots at different blocks ${String(attempts)} times (the channel is busy): try again`,
        );
    }
  }
  const [snapshot, check] = taken;
  try {
    if (snapshot.metadata !== check.metadata)
      throw new SnapshotJoinError(
        `the snapshots of ${channel} at block ${String(snapshot.block)} differ between ${peerName(source)} and ${peerName(witness)}: ${org.name} does not join from it`,
      );
    const incoming = path.join(
      paths.dataDir,
      'incoming-snapshots',
      peerName(org),
      channel,
      String(snapshot.block),
    );
    rmSync(incoming, { recursive: true, force: true });
    mkdirSync(path.dirname(incoming), { recursive: true });
    cpSync(snapshot.dir, incoming, { recursive: true });
    const env = adminCliEnv(topology, org, paths);
    await runCommand(bin(fabric, 'peer'), ['channel', 'joinbysnapshot', '--snapshotpath', incoming], env);
    // the join goes on in the peer after the command returns: done when no join is in progress
    // and the peer lists the channel
    const deadline = Date.now() + (options.joinTimeoutMs ?? 300_000);
    const peer = (args: string[]): Promise<string> => runCommand(bin(fabric, 'peer'), args, env);
    for (;;) {
      const status = await peer(['channel', 'joinbysnapshotstatus']);
      if (!/A joinbysnapshot operation is in progress/i.test(status)) {
        const listed = await peer(['channel', 'list']);
        if (listed.split('\n').some((line) => line.trim() === channel)) break;
      }
      if (Date.now() > deadline)
        throw new SnapshotJoinError(
          `${peerName(org)} has not joined ${channel} from the snapshot at block ${String(snapshot.block)}`,
        );
      await sleep(pollMs);
    }
    rmSync(incoming, { recursive: true, force: true });
    return { block: snapshot.block, source: peerName(source), witness: peerName(witness) };
  } finally {
    rmSync(snapshot.dir, { recursive: true, force: true });
    rmSync(check.dir, { recursive: true, force: true });
  }
}
