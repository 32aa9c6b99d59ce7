import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MembersError, membersFromTopology } from '@nrdl-catalog/gateway-client';

/** Where an organisation's role in the catalog comes from. */
export type OrgKind = 'national' | 'province' | 'auditor';

/** An identity enrolled from the organisation's CA, with its `catalog.role` certificate attribute. */
export interface IdentitySpec {
  readonly name: string;
  readonly role: 'admin' | 'proposer' | 'approver' | 'hospital' | 'auditor';
}

/** One peer organisation and the nodes it runs. */
export interface OrgSpec {
  readonly name: string;
  readonly mspId: string;
  readonly displayName: string;
  readonly kind: OrgKind;
  /**
   * A province organisation's member record for InitGovernance (required for `province`, optional
   * otherwise): canonical name (`Guangdong`), item-id code (`GD`), administrative division code
   * (`440000`), Chinese name (`广东省`), short name (`广东`), abbreviation (`粤`). The national
   * organisation may carry `zh` (its Chinese name).
   */
  readonly province?: string;
  readonly code?: string;
  readonly division?: string;
  readonly zh?: string;
  readonly zhShort?: string;
  readonly abbr?: string;
  /**
   * The address every node of this organisation listens on and publishes (its own host: on one
   * machine a distinct loopback address, 127.0.1.1 for the first organisation, 127.0.2.1, …).
   */
  readonly host: string;
  readonly ca: { readonly port: number; readonly operationsPort: number };
  readonly peer: { readonly port: number; readonly chaincodePort: number; readonly operationsPort: number };
  readonly orderer?: { readonly port: number; readonly adminPort: number; readonly operationsPort: number };
  readonly identities: readonly IdentitySpec[];
  /**
   * An organisation whose peer joins the channel after it was made: the organisation (its `name`)
   * whose ledger snapshot it joins from instead of replaying every block from the genesis block,
   * checked against a second organisation's snapshot at the same block (network/src/snapshot-join.ts).
   */
  readonly joinFrom?: string;
}

/** The whole network as described by `network/topology.json`. */
export interface Topology {
  readonly project: string;
  readonly fabricVersion: string;
  readonly fabricCaVersion: string;
  readonly channel: {
    readonly name: string;
    readonly batchTimeout: string;
    readonly maxMessageCount: number;
    readonly absoluteMaxBytes: string;
    readonly preferredMaxBytes: string;
  };
  readonly chaincode: { readonly name: string; readonly endorsementPolicy: string };
  readonly orgs: readonly OrgSpec[];
}

/** A port the network listens on, with the node and purpose that own it. */
export interface PortAssignment {
  readonly port: number;
  readonly owner: string;
  readonly purpose: string;
}

/** Thrown for a topology that cannot describe a working network, or an unknown organisation name. */
export class TopologyError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

const ROLES = new Set(['admin', 'proposer', 'approver', 'hospital', 'auditor']);
const KINDS = new Set(['national', 'province', 'auditor']);

/** Default location of the topology file. */
export const TOPOLOGY_FILE = path.resolve(__dirname, '..', 'topology.json');

/** Reads and validates a topology file. */
export function loadTopology(file: string = TOPOLOGY_FILE): Topology {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return validateTopology(raw);
}

/** Checks a parsed topology and returns it typed; throws {@link TopologyError} naming the first problem. */
export function validateTopology(raw: unknown): Topology {
  if (typeof raw !== 'object' || raw === null) {
    throw new TopologyError('topology must be a JSON object');
  }
  const topology = raw as Topology;
  if ('host' in topology) {
    throw new TopologyError(
      'the top-level "host" is replaced by one "host" per organisation (e.g. "host": "127.0.2.1"); ' +
        'move it into each organisation, a distinct loopback address each',
    );
  }
  const orgs = topology.orgs as unknown;
  if (!Array.isArray(orgs) || orgs.length === 0) {
    throw new TopologyError('topology needs at least one organisation');
  }
  const names = new Set<string>();
  const msps = new Set<string>();
  const hosts = new Map<string, string>();
  for (const org of topology.orgs) {
    if (!/^[a-z][a-z0-9]*$/.test(org.name)) {
      throw new TopologyError(`organisation name "${org.name}" must be lower-case letters and digits`);
    }
    if (names.has(org.name) || msps.has(org.mspId)) {
      throw new TopologyError(`organisation ${org.name} (${org.mspId}) is defined twice`);
    }
    names.add(org.name);
    msps.add(org.mspId);
    checkHost(org, hosts);
    if (!KINDS.has(org.kind)) {
      throw new TopologyError(`organisation ${org.name} has unknown kind "${org.kind}"`);
    }
    if (org.kind === 'province' && !org.province) {
      throw new TopologyError(`province organisation ${org.name} needs a "province" name`);
    }
    const identityNames = new Set<string>();
    for (const identity of org.identities) {
      if (!ROLES.has(identity.role)) {
        throw new TopologyError(`identity ${org.name}/${identity.name} has unknown role "${identity.role}"`);
      }
      if (identityNames.has(identity.name)) {
        throw new TopologyError(`identity ${org.name}/${identity.name} is defined twice`);
      }
      identityNames.add(identity.name);
    }
    if (!identityNames.has('admin')) {
      throw new TopologyError(`organisation ${org.name} needs an "admin" identity`);
    }
  }
  for (const org of topology.orgs) {
    if (org.joinFrom === undefined) continue;
    if (org.joinFrom === org.name || !names.has(org.joinFrom))
      throw new TopologyError(
        `organisation ${org.name}: "joinFrom" must name another organisation of the topology, not ${JSON.stringify(org.joinFrom)}`,
      );
  }
  try {
    // the members InitGovernance is seeded with: one national org, every province fully named
    membersFromTopology(topology);
  } catch (error) {
    if (error instanceof MembersError)
      throw new TopologyError(error.message.replace(/^INVALID_INPUT: topology: /, ''));
    throw error;
  }
  const orderers = topology.orgs.filter((org) => org.orderer !== undefined);
  if (orderers.length < 3 || orderers.length % 2 === 0) {
    throw new TopologyError(
      `Raft ordering needs an odd number (>= 3) of orderer nodes, got ${orderers.length}`,
    );
  }
  portPlan(topology);
  return topology;
}

const LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Whether `host` is a dotted IPv4 address in 127.0.0.0/8 (every one of them reaches `lo` on Linux). */
export function isLoopback(host: string): boolean {
  const match = LOOPBACK.exec(host);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255);
}

function checkHost(org: OrgSpec, hosts: Map<string, string>): void {
  const host = org.host as unknown;
  if (host === undefined) {
    throw new TopologyError(
      `organisation ${org.name} needs a "host": its own loopback address (e.g. "${nextHost([...hosts.keys()])}")`,
    );
  }
  if (typeof host !== 'string' || !isLoopback(host)) {
    throw new TopologyError(
      `organisation ${org.name}: host must be a loopback address in 127.0.0.0/8, got ${JSON.stringify(host)}`,
    );
  }
  const other = hosts.get(host);
  if (other !== undefined) {
    throw new TopologyError(`host ${host} is assigned twice: organisations ${other} and ${org.name}`);
  }
  hosts.set(host, org.name);
}

/**
 * The first address 127.0.N.1 (N = 1, 2, …) that none of `taken` uses: where an added organisation
 * listens by default.
 */
export function nextHost(taken: readonly string[]): string {
  const used = new Set(taken);
  for (let n = 1; n <= 255; n++) {
    const host = `127.0.${String(n)}.1`;
    if (!used.has(host)) return host;
  }
  throw new TopologyError('no free loopback address 127.0.N.1 is left (N = 1..255)');
}

/** Every port of the network with its owner; throws if two listeners share a port or a port is out of range. */
export function portPlan(topology: Topology): PortAssignment[] {
  const plan: PortAssignment[] = [];
  for (const org of topology.orgs) {
    plan.push(
      { port: org.ca.port, owner: caName(org), purpose: 'CA API (TLS)' },
      { port: org.ca.operationsPort, owner: caName(org), purpose: 'CA operations' },
      { port: org.peer.port, owner: peerName(org), purpose: 'peer gRPC + gateway (TLS)' },
      { port: org.peer.chaincodePort, owner: peerName(org), purpose: 'chaincode callbacks (TLS)' },
      { port: org.peer.operationsPort, owner: peerName(org), purpose: 'peer operations' },
    );
    if (org.orderer) {
      plan.push(
        { port: org.orderer.port, owner: ordererName(org), purpose: 'orderer gRPC + Raft cluster (TLS)' },
        {
          port: org.orderer.adminPort,
          owner: ordererName(org),
          purpose: 'orderer channel admin (mutual TLS)',
        },
        { port: org.orderer.operationsPort, owner: ordererName(org), purpose: 'orderer operations' },
      );
    }
  }
  const seen = new Map<number, PortAssignment>();
  for (const entry of plan) {
    if (!Number.isInteger(entry.port) || entry.port < 1024 || entry.port > 65535) {
      throw new TopologyError(`${entry.owner} ${entry.purpose}: port ${entry.port} is not in 1024-65535`);
    }
    const other = seen.get(entry.port);
    if (other) {
      throw new TopologyError(
        `port ${entry.port} is assigned twice: ${other.owner} ${other.purpose} and ${entry.owner} ${entry.purpose}`,
      );
    }
    seen.set(entry.port, entry);
  }
  return plan.sort((a, b) => a.port - b.port);
}

/**
 * Finds an organisation by its short name (`guangdong`), MSP id (`GuangdongMSP`) or province name
 * (`Guangdong`), case-insensitively; throws a {@link TopologyError} listing the valid names otherwise.
 */
export function findOrg(topology: Topology, name: string): OrgSpec {
  const wanted = name.trim().toLowerCase();
  const org = topology.orgs.find(
    (candidate) =>
      candidate.name === wanted ||
      candidate.mspId.toLowerCase() === wanted ||
      candidate.province?.toLowerCase() === wanted,
  );
  if (!org) {
    const valid = topology.orgs.map((candidate) => candidate.name).join(', ');
    throw new TopologyError(`unknown organisation "${name}"; expected one of: ${valid}`);
  }
  return org;
}

/** The orderer organisations, in topology order. */
export function ordererOrgs(topology: Topology): (OrgSpec & { orderer: NonNullable<OrgSpec['orderer']> })[] {
  return topology.orgs.filter(
    (org): org is OrgSpec & { orderer: NonNullable<OrgSpec['orderer']> } => org.orderer !== undefined,
  );
}

/** Node name of an organisation's peer, e.g. `peer0.guangdong`. */
export function peerName(org: Pick<OrgSpec, 'name'>): string {
  return `peer0.${org.name}`;
}

/** Node name of an organisation's orderer, e.g. `orderer0.nhsa`. */
export function ordererName(org: Pick<OrgSpec, 'name'>): string {
  return `orderer0.${org.name}`;
}

/** Node name of an organisation's CA server, e.g. `ca.guangdong`. */
export function caName(org: Pick<OrgSpec, 'name'>): string {
  return `ca.${org.name}`;
}
