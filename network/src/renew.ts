/**
 * Certificate renewal with the organisation's own Fabric CA (`npm run network:renew`): each
 * certificate is re-enrolled (`fabric-ca-client reenroll`, authenticated by the certificate being
 * renewed, so no enrolment secret is needed) and installed; a node whose certificates changed is
 * then restarted alone and waited for, while every other node keeps serving (rolling: one node at a
 * time). Wallet identities need no restart: a client picks the new certificate up when it next
 * connects.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { reenrollInvocation, restrictKeyModes } from './ca';
import { findFabric, type FabricInstall } from './fabric-home';
import { restartNode } from './network';
import { bin } from './node-env';
import { displayPath, networkPaths, orgPaths, rootOf, walletEntry, type NetworkPaths } from './paths';
import { runCommand } from './run-command';
import { findOrg, loadTopology, ordererName, peerName, type OrgSpec, type Topology } from './topology';

/** What `--node` may name: the org's peer, its orderer, its wallet identities, or everything. */
export const RENEW_TARGETS = ['peer', 'orderer', 'identities', 'all'] as const;
export type RenewTarget = (typeof RENEW_TARGETS)[number];

/** How a renewed node is restarted (see `restartNode` in network.ts); tests substitute it. */
export type NodeRestarter = (name: string) => Promise<{ pid: number; ms: number }>;

/** Options of {@link renewCertificates}. */
export interface RenewOptions {
  readonly org: string;
  readonly target: RenewTarget;
  readonly paths?: NetworkPaths;
  readonly topology?: Topology;
  readonly fabric?: FabricInstall;
  readonly restart?: NodeRestarter;
  readonly log?: (line: string) => void;
}

/** One certificate renewed: its notAfter before and after, and the new serial. */
export interface RenewedCertificate {
  readonly owner: string;
  readonly kind: 'tls' | 'enrolment' | 'identity';
  readonly file: string;
  readonly before: string;
  readonly after: string;
  readonly serial: string;
}

/** What {@link renewCertificates} did. */
export interface RenewResult {
  readonly org: string;
  readonly renewed: RenewedCertificate[];
  readonly restarted: { readonly node: string; readonly pid: number; readonly ms: number }[];
}

function spki(key: { export: (options: { type: 'spki'; format: 'der' }) => Buffer }): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/**
 * The key file in `keystore` that belongs to `certPem`; every other key there (the one the
 * certificate replaced) is deleted, so that nothing can pick the wrong key afterwards.
 */
export function pruneKeystore(keystore: string, certPem: string | Buffer): string {
  const wanted = spki(new X509Certificate(certPem).publicKey);
  let match: string | null = null;
  const others: string[] = [];
  for (const name of readdirSync(keystore).sort()) {
    const file = path.join(keystore, name);
    let matches = false;
    try {
      matches = spki(createPublicKey(createPrivateKey(readFileSync(file)))).equals(wanted);
    } catch {
      matches = false;
    }
    if (matches && match === null) match = file;
    else others.push(file);
  }
  if (match === null) throw new Error(`no key in ${displayPath(keystore)} matches the renewed certificate`);
  for (const file of others) rmSync(file, { force: true });
  return match;
}

/** Keeps one CA certificate in `cacerts/`, named `ca-cert.pem` as the NodeOU configuration expects. */
function tidyCacerts(mspDir: string): void {
  const cacerts = path.join(mspDir, 'cacerts');
  for (const name of readdirSync(cacerts)) {
    if (name !== 'ca-cert.pem') renameSync(path.join(cacerts, name), path.join(cacerts, 'ca-cert.pem'));
  }
}

function notAfterOf(file: string): { notAfter: string; serial: string } {
  const certificate = new X509Certificate(readFileSync(file));
  return { notAfter: new Date(certificate.validTo).toISOString(), serial: certificate.serialNumber };
}

interface Renewal {
  readonly owner: string;
  readonly kind: RenewedCertificate['kind'];
  /** The folder `reenroll` reads and writes (signcerts/, keystore/, cacerts/). */
  readonly mspDir: string;
  readonly hosts?: string;
  readonly tls?: boolean;
  /** Install the renewed certificate and key where the node or wallet reads them. */
  readonly install: (cert: string, key: string) => void;
}

async function renewOne(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  renewal: Renewal,
): Promise<RenewedCertificate> {
  const signcert = path.join(renewal.mspDir, 'signcerts', 'cert.pem');
  const before = notAfterOf(signcert);
  const run = reenrollInvocation(topology, org, paths, {
    mspDir: renewal.mspDir,
    ...(renewal.hosts === undefined ? {} : { hosts: renewal.hosts }),
    tls: renewal.tls === true,
    reuseKey: renewal.tls === true,
  });
  await runCommand(bin(fabric, 'fabric-ca-client'), run.args, run.env);
  restrictKeyModes(renewal.mspDir);
  const key = pruneKeystore(path.join(renewal.mspDir, 'keystore'), readFileSync(signcert));
  tidyCacerts(renewal.mspDir);
  renewal.install(signcert, key);
  const after = notAfterOf(signcert);
  if (after.serial === before.serial) {
    throw new Error(`${renewal.owner} ${renewal.kind}: the CA returned the same certificate`);
  }
  return {
    owner: renewal.owner,
    kind: renewal.kind,
    file: displayPath(signcert, rootOf(paths)),
    before: before.notAfter,
    after: after.notAfter,
    serial: after.serial,
  };
}

function nodeRenewals(
  _topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  kind: 'peer' | 'orderer',
): Renewal[] {
  const files = orgPaths(paths, org);
  const name = kind === 'peer' ? peerName(org) : ordererName(org);
  const msp = kind === 'peer' ? files.peerMsp : files.ordererMsp;
  const tlsDir = kind === 'peer' ? files.peerTls : files.ordererTls;
  const hosts = `${org.host},localhost,${name}`;
  return [
    { owner: name, kind: 'enrolment', mspDir: msp, hosts, install: () => undefined },
    {
      owner: name,
      kind: 'tls',
      mspDir: tlsDir,
      hosts,
      tls: true,
      install: (cert, key) => {
        copyFileSync(cert, path.join(tlsDir, 'server.crt'));
        copyFileSync(key, path.join(tlsDir, 'server.key'));
        chmodSync(path.join(tlsDir, 'server.key'), 0o600);
      },
    },
  ];
}

function identityRenewals(org: OrgSpec, paths: NetworkPaths): Renewal[] {
  return org.identities.map((identity) => {
    const entry = walletEntry(paths, org.name, identity.name);
    return {
      owner: `${org.name}/${identity.name}`,
      kind: 'identity',
      mspDir: entry.msp,
      install: (cert: string, key: string) => {
        copyFileSync(cert, entry.cert);
        copyFileSync(key, entry.key);
        chmodSync(entry.key, 0o600);
      },
    };
  });
}

/**
 * Renews the certificates of `options.target` in organisation `options.org` and restarts the
 * nodes concerned one after the other (the peer first, then the orderer). A node's TLS certificate
 * keeps its key pair (so the Raft consenter set in the channel configuration stays valid); an
 * enrolment certificate gets a new key. Fails with the CA's message when re-enrolment is refused.
 */
export async function renewCertificates(options: RenewOptions): Promise<RenewResult> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const org = findOrg(topology, options.org);
  const fabric = options.fabric ?? (await findFabric());
  const log = options.log ?? ((): void => undefined);
  const restart =
    options.restart ??
    ((name: string): Promise<{ pid: number; ms: number }> => restartNode(name, { paths, topology }));
  const target = options.target;
  if (target === 'orderer' && !org.orderer) {
    throw new Error(`${org.name} runs no orderer: renew --node peer or identities`);
  }
  const result: RenewResult = { org: org.name, renewed: [], restarted: [] };
  const kinds: ('peer' | 'orderer')[] = [];
  if (target === 'peer' || target === 'all') kinds.push('peer');
  if ((target === 'orderer' || target === 'all') && org.orderer) kinds.push('orderer');
  for (const kind of kinds) {
    const name = kind === 'peer' ? peerName(org) : ordererName(org);
    for (const renewal of nodeRenewals(topology, org, paths, kind)) {
      const renewed = await renewOne(fabric, topology, org, paths, renewal);
      log(`${renewed.owner} ${renewed.kind} certificate renewed: valid until ${renewed.after}`);
      result.renewed.push(renewed);
    }
    log(`restarting ${name} alone; the other nodes keep serving`);
    const restarted = await restart(name);
    log(`${name} healthy again (pid ${String(restarted.pid)}) after ${String(restarted.ms)} ms`);
    result.restarted.push({ node: name, ...restarted });
  }
  if (target === 'identities' || target === 'all') {
    for (const renewal of identityRenewals(org, paths)) {
      const renewed = await renewOne(fabric, topology, org, paths, renewal);
      log(`${renewed.owner} certificate renewed: valid until ${renewed.after}`);
      result.renewed.push(renewed);
    }
  }
  return result;
}
