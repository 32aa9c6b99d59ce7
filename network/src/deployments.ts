/**
 * The deployment record: which chaincode package (and source commit) each committed definition
 * sequence ran. A chaincode definition on the channel carries no package id, so the auditors need
 * this record, kept by whoever deploys, to know which build to re-execute a block range with
 * (`catalog audit verify --deployments network/data/deployments.json`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NetworkPaths } from './paths';

/** One committed definition sequence and the package it ran. */
export interface DeploymentEntry {
  readonly channel: string;
  readonly chaincode: string;
  readonly sequence: number;
  /** The definition's version: the first 12 hex characters of `contentHash`. */
  readonly version: string;
  readonly packageId: string;
  /** SHA-256 over the chaincode's package.json, lockfile and compiled `dist/` (see contentHash). */
  readonly contentHash: string;
  readonly sourceCommit: string | null;
  readonly committedAt: string;
}

/** Where the record lives. */
export function deploymentsFile(paths: NetworkPaths): string {
  return path.join(paths.dataDir, 'deployments.json');
}

/** The recorded deployments (empty when none). */
export function readDeployments(paths: NetworkPaths): DeploymentEntry[] {
  const file = deploymentsFile(paths);
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { deployments: DeploymentEntry[] }).deployments;
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
