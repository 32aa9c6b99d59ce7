import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { FabricInstall } from './fabric-home';
import { displayPath, orgPaths, rootOf, walletEntry, type NetworkPaths } from './paths';
import { runCommand, CommandError } from './run-command';
import { caName, type IdentitySpec, type OrgSpec, type Topology } from './topology';

/** Identity types Fabric CA knows, which become the NodeOU of the certificate. */
type CaIdentityType = 'admin' | 'client' | 'peer' | 'orderer';

/**
 * Arguments of the `fabric-ca-server start` (or `init`) command for `org`. They hold no secret: the
 * bootstrap registrar's password goes in the environment of `init` only ({@link caServerEnv}).
 */
export function caServerArgs(
  _topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  command: 'start' | 'init' = 'start',
): string[] {
  const files = orgPaths(paths, org);
  return [
    command,
    '--home',
    files.caHome,
    '--address',
    org.host,
    '--port',
    String(org.ca.port),
    '--ca.name',
    caName(org),
    '--csr.cn',
    caName(org),
    '--csr.hosts',
    `${org.host},localhost,${caName(org)}`,
    '--tls.enabled',
    '--operations.listenaddress',
    `${org.host}:${org.ca.operationsPort}`,
  ];
}

/** `env` without inherited variables whose names start with `prefix` (they would override ours). */
function without(env: NodeJS.ProcessEnv, prefix: string): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith(prefix)));
}

/**
 * Environment of `fabric-ca-server` for `org`. For `init` it carries
 * `FABRIC_CA_SERVER_BOOT=registrar:<secret>` (what `--boot` would say, but not visible in the process
 * list); the server only uses it to write its first configuration file, which {@link restrictCaHome}
 * then makes private. `start` gets no secret (the server would print it in its log).
 */
export function caServerEnv(
  org: OrgSpec,
  paths: NetworkPaths,
  command: 'start' | 'init' = 'start',
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env = without(base, 'FABRIC_CA_SERVER_');
  return command === 'init'
    ? { ...env, FABRIC_CA_SERVER_BOOT: `registrar:${registrarSecret(paths, org)}` }
    : env;
}

/**
 * Initialises `org`'s CA home (CA key and certificate, configuration with the bootstrap registrar)
 * unless that was done before, and makes its secret files private. The output of `init` is not
 * kept: it echoes the bootstrap password.
 */
export async function initCa(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
): Promise<void> {
  const home = orgPaths(paths, org).caHome;
  if (!existsSync(path.join(home, 'fabric-ca-server-config.yaml'))) {
    mkdirSync(home, { recursive: true });
    const secret = registrarSecret(paths, org);
    try {
      await runCommand(
        path.join(fabric.binDir, 'fabric-ca-server'),
        caServerArgs(topology, org, paths, 'init'),
        caServerEnv(org, paths, 'init'),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`fabric-ca-server init of ${caName(org)} failed: ${message.split(secret).join('***')}`);
    }
  }
  restrictCaHome(paths, org);
}

/** A `fabric-ca-client` run: arguments (never a secret) and environment (secrets, if any). */
export interface CaClientInvocation {
  readonly args: string[];
  readonly env: NodeJS.ProcessEnv;
}

/** Where `fabric-ca-client` keeps its configuration for `org`. */
function caClientHome(paths: NetworkPaths, org: OrgSpec): string {
  return path.join(paths.dataDir, 'ca-client', org.name);
}

/**
 * `fabric-ca-client enroll` of `id`: the URL with the enrolment secret (`https://id:secret@host`)
 * goes in `FABRIC_CA_CLIENT_URL`, never on the command line.
 */
export function enrollInvocation(
  _topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  enrolment: { id: string; secret: string; mspDir: string; extra?: readonly string[] },
  base: NodeJS.ProcessEnv = process.env,
): CaClientInvocation {
  const { id, secret, mspDir, extra = [] } = enrolment;
  return {
    args: ['enroll', '--tls.certfiles', orgPaths(paths, org).caCert, '--mspdir', mspDir, ...extra],
    env: {
      ...without(base, 'FABRIC_CA_CLIENT_'),
      FABRIC_CA_CLIENT_HOME: caClientHome(paths, org),
      FABRIC_CA_CLIENT_URL: `https://${encodeURIComponent(id)}:${encodeURIComponent(secret)}@${org.host}:${org.ca.port}`,
    },
  };
}

/**
 * `fabric-ca-client register` of `id` by the registrar: the new identity's secret goes in
 * `FABRIC_CA_CLIENT_ID_SECRET`, never on the command line.
 */
export function registerInvocation(
  _topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  registration: { id: string; secret: string; type: CaIdentityType; role: string | null },
  base: NodeJS.ProcessEnv = process.env,
): CaClientInvocation {
  const { id, secret, type, role } = registration;
  const args = [
    'register',
    '-u',
    `https://${org.host}:${org.ca.port}`,
    '--tls.certfiles',
    orgPaths(paths, org).caCert,
    '--mspdir',
    orgPaths(paths, org).registrarMsp,
    '--id.name',
    id,
    '--id.type',
    type,
  ];
  if (role !== null) args.push('--id.attrs', `catalog.role=${role}:ecert`);
  return {
    args,
    env: {
      ...without(base, 'FABRIC_CA_CLIENT_'),
      FABRIC_CA_CLIENT_HOME: caClientHome(paths, org),
      FABRIC_CA_CLIENT_ID_SECRET: secret,
    },
  };
}

/**
 * `fabric-ca-client reenroll` of the identity whose certificate and key are in `mspDir`: the CA
 * authenticates the request by that certificate, so no secret is involved. With `reuseKey` the
 * new certificate keeps the key pair (`--csr.keyrequest.reusekey`): a Raft orderer's TLS
 * certificate renewed that way needs no channel configuration update, because the orderers compare
 * only the public keys of the consenters' certificates.
 */
export function reenrollInvocation(
  _topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  request: { mspDir: string; hosts?: string; tls?: boolean; reuseKey?: boolean },
  base: NodeJS.ProcessEnv = process.env,
): CaClientInvocation {
  const args = [
    'reenroll',
    '-u',
    `https://${org.host}:${org.ca.port}`,
    '--tls.certfiles',
    orgPaths(paths, org).caCert,
    '--mspdir',
    request.mspDir,
  ];
  if (request.tls === true) args.push('--enrollment.profile', 'tls');
  if (request.hosts !== undefined) args.push('--csr.hosts', request.hosts);
  if (request.reuseKey === true) args.push('--csr.keyrequest.reusekey');
  return {
    args,
    env: { ...without(base, 'FABRIC_CA_CLIENT_'), FABRIC_CA_CLIENT_HOME: caClientHome(paths, org) },
  };
}

/** Whether `file` holds a private key: `key.pem`, `*_sk`, `server.key`, or anything in a `keystore/`. */
export function isPrivateKeyFile(file: string): boolean {
  const name = path.basename(file);
  return (
    name === 'key.pem' ||
    name === 'server.key' ||
    name.endsWith('_sk') ||
    path.basename(path.dirname(file)) === 'keystore'
  );
}

/**
 * Makes every private key file below `root` (see {@link isPrivateKeyFile}) readable by its owner
 * only (mode 600). Symbolic links are not followed. Returns the files it changed.
 */
export function restrictKeyModes(root: string): string[] {
  const changed: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile() && isPrivateKeyFile(file) && (lstatSync(file).mode & 0o777) !== 0o600) {
        chmodSync(file, 0o600);
        changed.push(file);
      }
    }
  };
  if (existsSync(root)) walk(root);
  return changed;
}

/** Writes a file that holds secrets: mode 600, also when it already existed with another mode. */
export function writeSecretFile(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Makes the CA's home private where it holds secrets: its private keys, the configuration file the
 * server wrote with the bootstrap password, its identity database and the enrolment secrets.
 */
export function restrictCaHome(paths: NetworkPaths, org: OrgSpec): void {
  const home = orgPaths(paths, org).caHome;
  restrictKeyModes(home);
  for (const name of ['fabric-ca-server-config.yaml', 'fabric-ca-server.db', 'secrets.json']) {
    const file = path.join(home, name);
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

function secretsFile(paths: NetworkPaths, org: OrgSpec): string {
  return path.join(orgPaths(paths, org).caHome, 'secrets.json');
}

function readSecrets(paths: NetworkPaths, org: OrgSpec): Record<string, string> {
  const file = secretsFile(paths, org);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

/** The enrolment secret of `id` at `org`'s CA, created once and kept in the CA's home (mode 600). */
function secretFor(paths: NetworkPaths, org: OrgSpec, id: string): string {
  const secrets = readSecrets(paths, org);
  const existing = secrets[id];
  if (existing) return existing;
  const secret = randomBytes(12).toString('hex');
  secrets[id] = secret;
  writeSecretFile(secretsFile(paths, org), JSON.stringify(secrets, null, 2));
  return secret;
}

function registrarSecret(paths: NetworkPaths, org: OrgSpec): string {
  return secretFor(paths, org, 'registrar');
}

/** NodeOU configuration for an MSP folder whose CA certificate is `cacerts/<caFile>`. */
export function nodeOuConfig(caFile: string): string {
  const unit = (ou: string): string =>
    `  ${ou[0]?.toUpperCase() ?? ''}${ou.slice(1)}OUIdentifier:\n    Certificate: cacerts/${caFile}\n    OrganizationalUnitIdentifier: ${ou}\n`;
  return `NodeOUs:\n  Enable: true\n${unit('client')}${unit('peer')}${unit('admin')}${unit('orderer')}`;
}

class CaClient {
  public constructor(
    private readonly fabric: FabricInstall,
    private readonly topology: Topology,
    private readonly org: OrgSpec,
    private readonly paths: NetworkPaths,
  ) {}

  private get binary(): string {
    return path.join(this.fabric.binDir, 'fabric-ca-client');
  }

  public async enroll(id: string, mspDir: string, extra: string[] = []): Promise<void> {
    const secret = secretFor(this.paths, this.org, id);
    const run = enrollInvocation(this.topology, this.org, this.paths, { id, secret, mspDir, extra });
    await runCommand(this.binary, run.args, run.env);
    restrictKeyModes(mspDir);
  }

  public async register(id: string, type: CaIdentityType, role: string | null): Promise<void> {
    const secret = secretFor(this.paths, this.org, id);
    const run = registerInvocation(this.topology, this.org, this.paths, { id, secret, type, role });
    try {
      await runCommand(this.binary, run.args, run.env);
    } catch (error) {
      if (!(error instanceof CommandError) || !/already registered/i.test(error.message)) throw error;
    }
  }

  public hosts(node: string): string {
    return `${this.org.host},localhost,${node}`;
  }
}

/** Renames an enrolled MSP's CA certificate to `ca-cert.pem` and adds the NodeOU config. */
function finishMsp(mspDir: string, root: string): void {
  const cacerts = path.join(mspDir, 'cacerts');
  const [first] = readdirSync(cacerts);
  if (first === undefined)
    throw new Error(`enrolment left no CA certificate in ${displayPath(cacerts, root)}`);
  if (first !== 'ca-cert.pem') renameSync(path.join(cacerts, first), path.join(cacerts, 'ca-cert.pem'));
  writeFileSync(path.join(mspDir, 'config.yaml'), nodeOuConfig('ca-cert.pem'));
}

/** Copies an enrolled TLS folder into `server.crt`, `server.key` (mode 600), `ca.crt`. */
function finishTls(tlsDir: string, caCert: string, root: string): void {
  const [key] = readdirSync(path.join(tlsDir, 'keystore'));
  if (key === undefined) throw new Error(`TLS enrolment left no key in ${displayPath(tlsDir, root)}`);
  copyFileSync(path.join(tlsDir, 'signcerts', 'cert.pem'), path.join(tlsDir, 'server.crt'));
  copyFileSync(path.join(tlsDir, 'keystore', key), path.join(tlsDir, 'server.key'));
  chmodSync(path.join(tlsDir, 'server.key'), 0o600);
  copyFileSync(caCert, path.join(tlsDir, 'ca.crt'));
}

function mspKey(mspDir: string, root: string): string {
  const [key] = readdirSync(path.join(mspDir, 'keystore'));
  if (key === undefined) throw new Error(`enrolment left no key in ${displayPath(mspDir, root)}`);
  return path.join(mspDir, 'keystore', key);
}

/** Writes the organisation's channel MSP (CA and TLS CA certificates plus NodeOUs). */
function writeOrgMsp(paths: NetworkPaths, org: OrgSpec): void {
  const files = orgPaths(paths, org);
  for (const sub of ['cacerts', 'tlscacerts']) {
    mkdirSync(path.join(files.orgMsp, sub), { recursive: true });
    copyFileSync(files.caCert, path.join(files.orgMsp, sub, 'ca-cert.pem'));
  }
  writeFileSync(path.join(files.orgMsp, 'config.yaml'), nodeOuConfig('ca-cert.pem'));
}

function caTypeFor(identity: IdentitySpec): CaIdentityType {
  return identity.role === 'admin' ? 'admin' : 'client';
}

async function enrollNode(
  ca: CaClient,
  node: { id: string; type: CaIdentityType; msp: string; tls: string },
  caCert: string,
  root: string,
): Promise<void> {
  await ca.register(node.id, node.type, null);
  await ca.enroll(node.id, node.msp, ['--csr.hosts', ca.hosts(node.id)]);
  finishMsp(node.msp, root);
  await ca.enroll(node.id, node.tls, ['--enrollment.profile', 'tls', '--csr.hosts', ca.hosts(node.id)]);
  finishTls(node.tls, caCert, root);
}

/**
 * Registers (once) and enrols one more peer of `org` — e.g. `peer1.<org>`, a peer joined from a
 * snapshot — into `msp` and `tls`, as {@link enrollOrg} does for `peer0`: signing certificate with
 * NodeOUs, TLS `server.crt` / `server.key` / `ca.crt`. Its enrolment secret is kept with the others
 * in the CA's home, so enrolling it again works.
 */
export async function enrollExtraPeer(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
  node: { id: string; msp: string; tls: string },
): Promise<void> {
  const ca = new CaClient(fabric, topology, org, paths);
  await enrollNode(ca, { ...node, type: 'peer' }, orgPaths(paths, org).caCert, rootOf(paths));
  restrictKeyModes(node.msp);
  restrictKeyModes(node.tls);
}

/**
 * Registers and enrols everything `org` needs from its CA: the peer and orderer (signing and TLS
 * certificates), and every identity of the topology into `wallet/<org>/<name>`. Skips what exists.
 * No secret is passed on a command line; every private key (and the CA's secret files) ends up
 * with mode 600.
 */
export async function enrollOrg(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
): Promise<void> {
  const files = orgPaths(paths, org);
  const root = rootOf(paths);
  const ca = new CaClient(fabric, topology, org, paths);
  restrictCaHome(paths, org);
  if (!existsSync(path.join(files.registrarMsp, 'signcerts', 'cert.pem'))) {
    await ca.enroll('registrar', files.registrarMsp);
  }
  writeOrgMsp(paths, org);
  const nodes: { id: string; type: CaIdentityType; msp: string; tls: string }[] = [
    { id: `peer0.${org.name}`, type: 'peer', msp: files.peerMsp, tls: files.peerTls },
  ];
  if (org.orderer) {
    nodes.push({ id: `orderer0.${org.name}`, type: 'orderer', msp: files.ordererMsp, tls: files.ordererTls });
  }
  for (const node of nodes) {
    if (existsSync(path.join(node.tls, 'server.crt'))) continue;
    await enrollNode(ca, node, files.caCert, root);
  }
  for (const identity of org.identities) {
    const entry = walletEntry(paths, org.name, identity.name);
    if (existsSync(entry.meta)) continue;
    await ca.register(identity.name, caTypeFor(identity), identity.role);
    await ca.enroll(identity.name, entry.msp);
    finishMsp(entry.msp, root);
    copyFileSync(path.join(entry.msp, 'signcerts', 'cert.pem'), entry.cert);
    copyFileSync(mspKey(entry.msp, root), entry.key);
    chmodSync(entry.key, 0o600);
    writeFileSync(
      entry.meta,
      JSON.stringify({ org: org.name, name: identity.name, mspId: org.mspId, role: identity.role }, null, 2) +
        '\n',
    );
  }
  // Also files an earlier run (or an older version of these scripts) left with a looser mode.
  restrictKeyModes(path.join(paths.dataDir, 'orgs', org.name));
  restrictKeyModes(path.join(paths.walletDir, org.name));
  restrictCaHome(paths, org);
}
