/**
 * The deployment record: which chaincode package (and source commit) each committed definition
 * sequence ran. A chaincode definition on the channel carries no package id, so the auditors need
 * this record, kept by whoever deploys, to know which build to re-execute a block range with
 * (`catalog audit verify --deployments network/data/deployments.json`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDeploymentRecords, type DeploymentRecord } from '@nrdl-catalog/gateway-client/audit';
import type { NetworkPaths } from './paths';

/**
 * One committed definition sequence and the package it ran: the record the auditors' verifier reads
 * (`DeploymentRecord` of the library, which also validates the file).
 */
export type DeploymentEntry = DeploymentRecord;

/** Where the record lives. */
export function deploymentsFile(paths: NetworkPaths): string {
  return path.join(paths.dataDir, 'deployments.json');
}

/** The recorded deployments (empty when none). */
export function readDeployments(paths: NetworkPaths): DeploymentEntry[] {
  const file = deploymentsFile(paths);
  if (!existsSync(file)) return [];
  return parseDeploymentRecords(JSON.parse(readFileSync(file, 'utf8')), 'network/data/deployments.json');
}

/** The git commit of the working tree, or null outside a checkout. */
export function sourceCommit(cwd: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** Adds (or keeps) the entry for a channel/chaincode/sequence. */
export function recordDeployment(paths: NetworkPaths, entry: DeploymentEntry): void {
  const existing = readDeployments(paths);
  const same = (e: DeploymentEntry): boolean =>
    e.channel === entry.channel && e.chaincode === entry.chaincode && e.sequence === entry.sequence;
  if (existing.some(same)) return;
  mkdirSync(paths.dataDir, { recursive: true });
  writeFileSync(
    deploymentsFile(paths),
    `${JSON.stringify({ deployments: [...existing, entry] }, null, 2)}\n`,
  );
}

/**
 * Version of the trust model a ledger was created under. 2: every write needs two organisations'
 * peers (chaincode-level OutOf(2)) and every key gets its key-level policy (PEER principals) when it
 * is created. Keys created under model 1 kept single-organisation or no key-level policies, which
 * the new chaincode does not rewrite — such a ledger must be created afresh. 3: the governance
 * record is the one list of members (every province with all the forms of its name, seeded from
 * the topology); a record written under model 2 lists provinces by name and MSP id only, and the
 * chaincode, which no longer knows any province by itself, cannot read a province argument with it.
 */
export const TRUST_MODEL = 3;

/** The marker file recording the trust model of the ledger in `paths`. */
export function trustModelFile(paths: NetworkPaths): string {
  return path.join(paths.dataDir, 'trust-model');
}

/** Throws when the channel in `paths` was created under an older trust model (see {@link TRUST_MODEL}). */
export function checkTrustModel(paths: NetworkPaths, channelBlockFile: string): void {
  if (!existsSync(channelBlockFile)) return;
  const file = trustModelFile(paths);
  const found = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 1;
  if (!(found >= TRUST_MODEL)) {
    const why =
      found < 2
        ? 'its keys keep the single-organisation policies they were created with'
        : 'its governance record lists the provinces by name and MSP id only, and this chaincode knows ' +
          'no province but by the forms of its name in that record';
    throw new Error(
      `this ledger was created under trust model ${String(found)}, this code needs ${String(TRUST_MODEL)}: ` +
        `${why}, so it cannot be upgraded in place; ` +
        'start a fresh channel with `npm run network:down -- --purge` and import again (docs/threat-model.md)',
    );
  }
}

/** Records that the ledger in `paths` was created under the current trust model. */
export function markTrustModel(paths: NetworkPaths): void {
  mkdirSync(paths.dataDir, { recursive: true });
  if (!existsSync(trustModelFile(paths))) writeFileSync(trustModelFile(paths), `${String(TRUST_MODEL)}\n`);
}
