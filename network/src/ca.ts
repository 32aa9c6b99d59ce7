import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { FabricInstall } from './fabric-home';
import { orgPaths, walletEntry, type NetworkPaths } from './paths';
import { runCommand, CommandError } from './run-command';
import { caName, type IdentitySpec, type OrgSpec, type Topology } from './topology';

/** Identity types Fabric CA knows, which become the NodeOU of the certificate. */
type CaIdentityType = 'admin' | 'client' | 'peer' | 'orderer';

/** Arguments of the `fabric-ca-server start` command for `org`. */
export function caServerArgs(topology: Topology, org: OrgSpec, paths: NetworkPaths): string[] {
  const files = orgPaths(paths, org);
  return [
    'start',
    '--home',
    files.caHome,
    '--boot',
    `registrar:${registrarSecret(paths, org)}`,
    '--address',
    topology.host,
    '--port',
    String(org.ca.port),
    '--ca.name',
    caName(org),
    '--csr.cn',
    caName(org),
    '--csr.hosts',
    `${topology.host},localhost`,
    '--tls.enabled',
    '--operations.listenaddress',
    `${topology.host}:${org.ca.operationsPort}`,
  ];
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
  mkdirSync(path.dirname(secretsFile(paths, org)), { recursive: true });
  writeFileSync(secretsFile(paths, org), JSON.stringify(secrets, null, 2), { mode: 0o600 });
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
  private readonly url: string;
  private readonly env: NodeJS.ProcessEnv;

  public constructor(
    private readonly fabric: FabricInstall,
    private readonly topology: Topology,
    private readonly org: OrgSpec,
    private readonly paths: NetworkPaths,
  ) {
    this.url = `${topology.host}:${org.ca.port}`;
    this.env = { ...process.env, FABRIC_CA_CLIENT_HOME: path.join(paths.dataDir, 'ca-client', org.name) };
  }

  private get caCert(): string {
    return orgPaths(this.paths, this.org).caCert;
  }

  public async enroll(id: string, mspDir: string, extra: string[] = []): Promise<void> {
    const secret = secretFor(this.paths, this.org, id);
    await runCommand(
      path.join(this.fabric.binDir, 'fabric-ca-client'),
      [
        'enroll',
        '-u',
        `https://${id}:${secret}@${this.url}`,
        '--tls.certfiles',
        this.caCert,
        '--mspdir',
        mspDir,
        ...extra,
      ],
      this.env,
    );
  }

  public async register(id: string, type: CaIdentityType, role: string | null): Promise<void> {
    const args = [
      'register',
      '-u',
      `https://${this.url}`,
      '--tls.certfiles',
      this.caCert,
      '--mspdir',
      orgPaths(this.paths, this.org).registrarMsp,
      '--id.name',
      id,
      '--id.secret',
      secretFor(this.paths, this.org, id),
      '--id.type',
      type,
    ];
    if (role !== null) args.push('--id.attrs', `catalog.role=${role}:ecert`);
    try {
      await runCommand(path.join(this.fabric.binDir, 'fabric-ca-client'), args, this.env);
    } catch (error) {
      if (!(error instanceof CommandError) || !/already registered/i.test(error.message)) throw error;
    }
  }

  public hosts(node: string): string {
    return `${this.topology.host},localhost,${node}`;
  }
}

/** Renames an enrolled MSP's CA certificate to `ca-cert.pem` and adds the NodeOU config. */
function finishMsp(mspDir: string): void {
  const cacerts = path.join(mspDir, 'cacerts');
  const [first] = readdirSync(cacerts);
  if (first === undefined) throw new Error(`enrolment left no CA certificate in ${cacerts}`);
  if (first !== 'ca-cert.pem') renameSync(path.join(cacerts, first), path.join(cacerts, 'ca-cert.pem'));
  writeFileSync(path.join(mspDir, 'config.yaml'), nodeOuConfig('ca-cert.pem'));
}

/** Copies an enrolled TLS folder into `server.crt`, `server.key`, `ca.crt`. */
function finishTls(tlsDir: string, caCert: string): void {
  const [key] = readdirSync(path.join(tlsDir, 'keystore'));
  if (key === undefined) throw new Error(`TLS enrolment left no key in ${tlsDir}`);
  copyFileSync(path.join(tlsDir, 'signcerts', 'cert.pem'), path.join(tlsDir, 'server.crt'));
  copyFileSync(path.join(tlsDir, 'keystore', key), path.join(tlsDir, 'server.key'));
  copyFileSync(caCert, path.join(tlsDir, 'ca.crt'));
}

function mspKey(mspDir: string): string {
  const [key] = readdirSync(path.join(mspDir, 'keystore'));
  if (key === undefined) throw new Error(`enrolment left no key in ${mspDir}`);
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

/**
 * Registers and enrols everything `org` needs from its CA: the peer and orderer (signing and TLS
 * certificates), and every identity of the topology into `wallet/<org>/<name>`. Skips what exists.
 */
export async function enrollOrg(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
): Promise<void> {
  const files = orgPaths(paths, org);
  const ca = new CaClient(fabric, topology, org, paths);
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
    await ca.register(node.id, node.type, null);
    await ca.enroll(node.id, node.msp, ['--csr.hosts', ca.hosts(node.id)]);
    finishMsp(node.msp);
    await ca.enroll(node.id, node.tls, ['--enrollment.profile', 'tls', '--csr.hosts', ca.hosts(node.id)]);
    finishTls(node.tls, files.caCert);
  }
  for (const identity of org.identities) {
    const entry = walletEntry(paths, org.name, identity.name);
    if (existsSync(entry.meta)) continue;
    await ca.register(identity.name, caTypeFor(identity), identity.role);
    await ca.enroll(identity.name, entry.msp);
    finishMsp(entry.msp);
    copyFileSync(path.join(entry.msp, 'signcerts', 'cert.pem'), entry.cert);
    copyFileSync(mspKey(entry.msp), entry.key);
    writeFileSync(
      entry.meta,
      JSON.stringify({ org: org.name, name: identity.name, mspId: org.mspId, role: identity.role }, null, 2) +
        '\n',
    );
  }
}
