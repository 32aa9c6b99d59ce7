import os from 'node:os';
import path from 'node:path';
import type { OrgSpec } from './topology';

/** Repository root (the folder holding `network/`). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

function inside(root: string, file: string): string | null {
  const relative = path.relative(root, file);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? null : relative;
}

/**
 * `file` as messages show it, never as an absolute path: relative to the repository (or to
 * `root`, e.g. `network/data/ca/nhsa`), else to the working directory, else `~/…` below the home
 * folder, else `…/<name>`.
 */
export function displayPath(file: string, root: string = REPO_ROOT): string {
  const absolute = path.resolve(file);
  for (const base of [root, REPO_ROOT, process.cwd()]) {
    const relative = inside(base, absolute);
    if (relative !== null) return relative;
  }
  const home = inside(os.homedir(), absolute);
  if (home !== null) return home === '.' ? '~' : `~/${home}`;
  return `…/${path.basename(absolute)}`;
}

/** `text` (e.g. a tool's output) with the repository, working and home folders taken out of paths. */
export function redactPaths(text: string, root: string = REPO_ROOT): string {
  let out = text;
  for (const base of [root, REPO_ROOT, process.cwd()]) {
    if (base.length > 1) out = out.split(`${base}${path.sep}`).join('').split(base).join('.');
  }
  const home = os.homedir();
  if (home.length > 1) out = out.split(home).join('~');
  return out;
}

/** The root folder `paths` was laid out for (see {@link networkPaths}). */
export function rootOf(paths: Pick<NetworkPaths, 'dataDir'>): string {
  return path.dirname(path.dirname(paths.dataDir));
}

/**
 * Where the running network keeps its files. Everything below `dataDir` and `logDir` is
 * generated and git-ignored; `network:down -- --purge` deletes it.
 */
export interface NetworkPaths {
  readonly dataDir: string;
  readonly logDir: string;
  readonly walletDir: string;
  readonly pidDir: string;
  readonly configDir: string;
  readonly channelDir: string;
  readonly chaincodeDir: string;
  readonly buildersDir: string;
}

/** The layout for a network rooted at `root` (the repository root by default). */
export function networkPaths(root: string = REPO_ROOT): NetworkPaths {
  const dataDir = path.join(root, 'network', 'data');
  return {
    dataDir,
    logDir: path.join(root, 'network', 'logs'),
    walletDir: path.join(root, 'wallet'),
    pidDir: path.join(dataDir, 'pids'),
    configDir: path.join(dataDir, 'config'),
    channelDir: path.join(dataDir, 'channel'),
    chaincodeDir: path.join(dataDir, 'chaincode'),
    buildersDir: path.join(root, 'network', 'builders'),
  };
}

/** Files of one organisation: CA home, channel MSP, node MSPs/TLS and ledgers. */
export interface OrgPaths {
  readonly caHome: string;
  readonly caCert: string;
  readonly registrarMsp: string;
  readonly orgMsp: string;
  readonly peerMsp: string;
  readonly peerTls: string;
  readonly peerLedger: string;
  readonly ordererMsp: string;
  readonly ordererTls: string;
  readonly ordererLedger: string;
}

/** The files of `org` under `paths.dataDir`. */
export function orgPaths(paths: NetworkPaths, org: Pick<OrgSpec, 'name'>): OrgPaths {
  const base = path.join(paths.dataDir, 'orgs', org.name);
  const caHome = path.join(paths.dataDir, 'ca', org.name);
  return {
    caHome,
    caCert: path.join(caHome, 'ca-cert.pem'),
    registrarMsp: path.join(base, 'registrar', 'msp'),
    orgMsp: path.join(base, 'msp'),
    peerMsp: path.join(base, 'peer', 'msp'),
    peerTls: path.join(base, 'peer', 'tls'),
    peerLedger: path.join(paths.dataDir, 'ledgers', `peer0.${org.name}`),
    ordererMsp: path.join(base, 'orderer', 'msp'),
    ordererTls: path.join(base, 'orderer', 'tls'),
    ordererLedger: path.join(paths.dataDir, 'ledgers', `orderer0.${org.name}`),
  };
}

/** Files of one wallet identity: `wallet/<org>/<identity>/{cert.pem,key.pem,identity.json}`. */
export interface WalletEntryPaths {
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
  readonly meta: string;
  /** Full MSP folder, as `peer` CLI commands need it (admin identities). */
  readonly msp: string;
}

const IDENTITY_NAME = /^[a-z][a-z0-9_-]*$/;

/** Wallet location of `org`/`identity`; the names are checked so they cannot escape the wallet. */
export function walletEntry(paths: NetworkPaths, orgName: string, identity: string): WalletEntryPaths {
  if (!IDENTITY_NAME.test(orgName) || !IDENTITY_NAME.test(identity)) {
    throw new Error(`invalid wallet name "${orgName}/${identity}": use lower-case letters, digits, - and _`);
  }
  const dir = path.join(paths.walletDir, orgName, identity);
  return {
    dir,
    cert: path.join(dir, 'cert.pem'),
    key: path.join(dir, 'key.pem'),
    meta: path.join(dir, 'identity.json'),
    msp: path.join(dir, 'msp'),
  };
}

/** The connection profile of `org`: `wallet/<org>/connection.json`. */
export function connectionProfilePath(paths: NetworkPaths, orgName: string): string {
  return path.join(paths.walletDir, orgName, 'connection.json');
}
