/**
 * Backup and restore of one organisation's peer and CA (`npm run network:backup` / `network:restore`).
 * A peer's LevelDB ledger and the CA's SQLite database cannot be copied consistently while they are
 * written, so both nodes are stopped for the copy (the rest of the network keeps serving) and
 * started again. A restored peer starts at the height of its backup and catches up by pulling the
 * later blocks from the orderers; a restored CA has its key, certificate and identity database back,
 * so every certificate it issued stays valid and can still be renewed.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { findFabric, type FabricInstall } from './fabric-home';
import { folderBytes } from './operations';
import { restartNode, type NodeLauncher } from './network';
import { displayPath, networkPaths, orgPaths, rootOf, type NetworkPaths } from './paths';
import { stopProcess } from './processes';
import { caName, findOrg, loadTopology, peerName, type OrgSpec, type Topology } from './topology';

/** One folder of a backup: where it lives in the network and its name in the backup. */
export interface BackupPart {
  readonly name: string;
  readonly source: string;
}

/**
 * What a backup of `org`'s peer and CA holds: the peer's ledger, its MSP and TLS folders, the
 * organisation's channel MSP and registrar, the CA's home (key, certificate, database, secrets),
 * the CA client's home and the organisation's wallet. Not the orderer's folders: an orderer is a
 * Raft member and is recovered from the other orderers.
 */
export function backupParts(org: OrgSpec, paths: NetworkPaths): BackupPart[] {
  const files = orgPaths(paths, org);
  const orgDir = path.join(paths.dataDir, 'orgs', org.name);
  return [
    { name: 'peer-ledger', source: files.peerLedger },
    { name: 'peer-crypto', source: path.join(orgDir, 'peer') },
    { name: 'org-msp', source: files.orgMsp },
    { name: 'registrar', source: path.join(orgDir, 'registrar') },
    { name: 'ca-home', source: files.caHome },
    { name: 'ca-client', source: path.join(paths.dataDir, 'ca-client', org.name) },
    { name: 'wallet', source: path.join(paths.walletDir, org.name) },
  ];
}

/** The manifest written next to a backup's folders. */
export interface BackupManifest {
  readonly org: string;
  readonly mspId: string;
  readonly nodes: string[];
  readonly createdAt: string;
  readonly parts: { readonly name: string; readonly bytes: number }[];
}

/** Options of {@link backupOrg} and {@link restoreOrg}. */
export interface BackupOptions {
  readonly org: string;
  readonly dir: string;
  readonly paths?: NetworkPaths;
  readonly topology?: Topology;
  readonly fabric?: FabricInstall;
  readonly launcher?: NodeLauncher;
  readonly log?: (line: string) => void;
  /** The time of the manifest (default now). */
  readonly now?: Date;
}

/** What a backup or restore did, and how long the organisation's peer and CA were down. */
export interface BackupResult {
  readonly manifest: BackupManifest;
  readonly dir: string;
  /** From stopping the peer until it reported healthy again. */
  readonly downtimeMs: number;
}

function manifestFile(dir: string): string {
  return path.join(dir, 'manifest.json');
}

async function withNodesStopped(
  org: OrgSpec,
  options: BackupOptions,
  paths: NetworkPaths,
  topology: Topology,
  work: () => void,
): Promise<number> {
  const log = options.log ?? ((): void => undefined);
  const fabric = options.fabric ?? (await findFabric());
  const started = Date.now();
  const restart = { paths, topology, fabric, ...(options.launcher ? { launcher: options.launcher } : {}) };
  // the peer first (it holds connections to its CA only through clients), then the CA
  for (const name of [peerName(org), caName(org)]) {
    if (await stopProcess(paths.pidDir, name)) log(`${name} stopped`);
  }
  work();
  for (const name of [caName(org), peerName(org)]) {
    const { pid } = await restartNode(name, restart);
    log(`${name} started again (pid ${String(pid)})`);
  }
  return Date.now() - started;
}

/**
 * Stops `org`'s peer (with its chaincode processes) and CA, copies their folders into
 * `options.dir` (which must not exist yet or be empty), writes `manifest.json`, and starts both
 * again. Resolves with the manifest and how long they were down.
 */
export async function backupOrg(options: BackupOptions): Promise<BackupResult> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const org = findOrg(topology, options.org);
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`backup folder ${displayPath(dir, rootOf(paths))} is not empty`);
  }
  const parts = backupParts(org, paths);
  for (const part of parts) {
    if (!existsSync(part.source)) {
      throw new Error(
        `${org.name} has no ${part.name} at ${displayPath(part.source, rootOf(paths))}: nothing to back up`,
      );
    }
  }
  let manifest: BackupManifest | undefined;
  const downtimeMs = await withNodesStopped(org, options, paths, topology, () => {
    mkdirSync(dir, { recursive: true });
    for (const part of parts)
      cpSync(part.source, path.join(dir, part.name), { recursive: true, preserveTimestamps: true });
    manifest = {
      org: org.name,
      mspId: org.mspId,
      nodes: [peerName(org), caName(org)],
      createdAt: (options.now ?? new Date()).toISOString(),
      parts: parts.map((part) => ({ name: part.name, bytes: folderBytes(path.join(dir, part.name)) })),
    };
    writeFileSync(manifestFile(dir), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  });
  return { manifest: manifest as BackupManifest, dir, downtimeMs };
}

/**
 * Puts a backup made by {@link backupOrg} back: stops `org`'s peer and CA, replaces their folders
 * with the backup's, and starts the CA and the peer, which then catches up with the channel.
 */
export async function restoreOrg(options: BackupOptions): Promise<BackupResult> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const org = findOrg(topology, options.org);
  const dir = path.resolve(options.dir);
  if (!existsSync(manifestFile(dir))) {
    throw new Error(`no backup in ${displayPath(dir, rootOf(paths))} (manifest.json missing)`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile(dir), 'utf8')) as BackupManifest;
  if (manifest.org !== org.name) {
    throw new Error(
      `the backup in ${displayPath(dir, rootOf(paths))} is of ${manifest.org}, not ${org.name}`,
    );
  }
  const parts = backupParts(org, paths);
  for (const part of parts) {
    if (!existsSync(path.join(dir, part.name))) {
      throw new Error(`the backup in ${displayPath(dir, rootOf(paths))} lacks ${part.name}`);
    }
  }
  const downtimeMs = await withNodesStopped(org, options, paths, topology, () => {
    for (const part of parts) {
      rmSync(part.source, { recursive: true, force: true });
      cpSync(path.join(dir, part.name), part.source, { recursive: true, preserveTimestamps: true });
    }
  });
  return { manifest, dir, downtimeMs };
}
