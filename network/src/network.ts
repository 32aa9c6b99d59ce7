import { existsSync, rmSync } from 'node:fs';
import { enrollOrg, caServerArgs, caServerEnv, initCa } from './ca';
import { channelBlock, createAndJoinChannel } from './channel';
import { writeConfigFolder } from './config-files';
import { writeConnectionProfiles } from './connection-profile';
import { findFabric, type FabricInstall } from './fabric-home';
import { deployChaincode, queryCommitted, warmUpChaincode, type CommittedChaincode } from './lifecycle';
import { checkTrustModel, markTrustModel } from './deployments';
import { bin, ordererEnv, peerEnv } from './node-env';
import {
  certificateSources,
  certificateStatus,
  DEFAULT_THRESHOLDS,
  diskStatus,
  ledgerFolders,
  operationsWarnings,
  type CertificateStatus,
  type DiskStatus,
  type OperationsThresholds,
  type StatFs,
} from './operations';
import { networkPaths, orgPaths, type NetworkPaths } from './paths';
import {
  portInUse,
  probeHealth,
  runningPid,
  startProcess,
  stopProcess,
  trackedProcesses,
  waitGossipMembership,
  waitHealthy,
  type ManagedProcess,
  type StartOptions,
} from './processes';
import { StepReporter } from './progress';
import {
  caName,
  findOrg,
  loadTopology,
  ordererName,
  peerName,
  portPlan,
  TopologyError,
  type OrgSpec,
  type Topology,
} from './topology';

/** One node of the network with its process and health-check port. */
export interface NodeSpec {
  readonly name: string;
  readonly kind: 'ca' | 'orderer' | 'peer';
  readonly org: OrgSpec;
  readonly operationsPort: number;
  readonly ports: readonly number[];
}

/** Every node of the topology: CAs first, then orderers, then peers (the start order). */
export function nodesOf(topology: Topology): NodeSpec[] {
  const nodes: NodeSpec[] = [];
  for (const org of topology.orgs) {
    nodes.push({
      name: caName(org),
      kind: 'ca',
      org,
      operationsPort: org.ca.operationsPort,
      ports: [org.ca.port, org.ca.operationsPort],
    });
  }
  for (const org of topology.orgs) {
    if (org.orderer) {
      const { port, adminPort, operationsPort } = org.orderer;
      nodes.push({
        name: ordererName(org),
        kind: 'orderer',
        org,
        operationsPort,
        ports: [port, adminPort, operationsPort],
      });
    }
  }
  for (const org of topology.orgs) {
    const { port, chaincodePort, operationsPort } = org.peer;
    nodes.push({
      name: peerName(org),
      kind: 'peer',
      org,
      operationsPort,
      ports: [port, chaincodePort, operationsPort],
    });
  }
  return nodes;
}

/** Thrown when `up` cannot start because a port is taken by a process that is not ours. */
export class PortTakenError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'PortTakenError';
  }
}

/** Checks that the ports of every node we are about to start are free. */
export async function preflightPorts(topology: Topology, paths: NetworkPaths): Promise<void> {
  const plan = portPlan(topology);
  for (const node of nodesOf(topology)) {
    if (runningPid(paths.pidDir, node.name) !== null) continue;
    for (const port of node.ports) {
      if (await portInUse(port, node.org.host)) {
        const purpose = plan.find((entry) => entry.port === port)?.purpose ?? '';
        throw new PortTakenError(
          `port ${node.org.host}:${port} (${node.name} ${purpose}) is already in use by another process; ` +
            `free it or change network/topology.json`,
        );
      }
    }
  }
}

/** How {@link networkUp} starts a node and waits for it; unit tests substitute both. */
export interface NodeLauncher {
  readonly start: (options: StartOptions) => ManagedProcess;
  readonly waitHealthy: (proc: ManagedProcess, host: string, port: number, logDir: string) => Promise<void>;
  /** Waits for a restarted peer's gossip membership of the channel (see {@link waitGossipMembership}). */
  readonly waitMembership?: (
    host: string,
    port: number,
    channel: string,
    expected: number,
  ) => Promise<number | null>;
}

/** The real launcher: {@link startProcess}, {@link waitHealthy} and {@link waitGossipMembership}. */
export const PROCESS_LAUNCHER: NodeLauncher = {
  start: startProcess,
  waitHealthy,
  waitMembership: waitGossipMembership,
};

function startNode(
  fabric: FabricInstall,
  topology: Topology,
  node: NodeSpec,
  paths: NetworkPaths,
  launcher: NodeLauncher,
): ManagedProcess {
  const common = { name: node.name, pidDir: paths.pidDir, logDir: paths.logDir };
  switch (node.kind) {
    case 'ca':
      return launcher.start({
        ...common,
        command: bin(fabric, 'fabric-ca-server'),
        args: caServerArgs(topology, node.org, paths),
        env: caServerEnv(node.org, paths),
      });
    case 'orderer':
      return launcher.start({
        ...common,
        command: bin(fabric, 'orderer'),
        args: [],
        env: ordererEnv(topology, node.org, paths),
      });
    case 'peer':
      return launcher.start({
        ...common,
        command: bin(fabric, 'peer'),
        args: ['node', 'start'],
        env: peerEnv(topology, node.org, paths),
      });
  }
}

async function startKind(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  kind: NodeSpec['kind'],
  started: ManagedProcess[],
  log: (line: string) => void,
  launcher: NodeLauncher,
): Promise<void> {
  const nodes = nodesOf(topology).filter((node) => node.kind === kind);
  const waits: Promise<void>[] = [];
  for (const node of nodes) {
    const pid = runningPid(paths.pidDir, node.name);
    if (pid !== null) {
      log(`${node.name} already running (pid ${pid})`);
      continue;
    }
    if (kind === 'ca') {
      rmSync(orgPaths(paths, node.org).caHome + '/tls-cert.pem', { force: true });
      // Bootstrap secret via the environment of `init` only, never on a command line or in the log.
      await initCa(fabric, topology, node.org, paths);
    }
    const proc = startNode(fabric, topology, node, paths, launcher);
    started.push(proc);
    log(`${node.name} started (pid ${proc.pid}), log network/logs/${node.name}.log`);
    waits.push(launcher.waitHealthy(proc, node.org.host, node.operationsPort, paths.logDir));
  }
  await Promise.all(waits);
}

/**
 * Stops the node `name` (a peer with its chaincode processes, an orderer or a CA) and starts it
 * again, alone, waiting until it reports healthy: what a certificate renewal or a restore needs
 * while the rest of the network keeps running. Resolves with its new PID and the time it took.
 */
export async function restartNode(
  name: string,
  options: {
    paths?: NetworkPaths;
    topology?: Topology;
    launcher?: NodeLauncher;
    fabric?: FabricInstall;
  } = {},
): Promise<{ pid: number; ms: number }> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const launcher = options.launcher ?? PROCESS_LAUNCHER;
  const node = nodesOf(topology).find((candidate) => candidate.name === name);
  if (node === undefined) {
    throw new TopologyError(
      `unknown node "${name}"; expected one of: ${nodesOf(topology)
        .map((candidate) => candidate.name)
        .join(', ')}`,
    );
  }
  const fabric = options.fabric ?? (await findFabric());
  const started = Date.now();
  await stopProcess(paths.pidDir, node.name);
  const proc = startNode(fabric, topology, node, paths, launcher);
  await launcher.waitHealthy(proc, node.org.host, node.operationsPort, paths.logDir);
  if (node.kind === 'peer' && launcher.waitMembership !== undefined) {
    // healthy is not ready: its gateway finds the other organisations' endorsers through gossip
    const others = nodesOf(topology).filter((peer) => peer.kind === 'peer' && peer.name !== node.name);
    await launcher.waitMembership(node.org.host, node.operationsPort, topology.channel.name, others.length);
  }
  return { pid: proc.pid, ms: Date.now() - started };
}

/** Options of {@link networkUp}. */
export interface UpOptions {
  readonly paths?: NetworkPaths;
  readonly topology?: Topology;
  readonly reporter?: StepReporter;
  /** How nodes are started and awaited (default {@link PROCESS_LAUNCHER}). */
  readonly launcher?: NodeLauncher;
}

/**
 * Brings the whole network up and deploys the chaincode. Idempotent: nodes already running are
 * kept, identities and channel memberships already made are skipped. If a step fails, every
 * process this call started is stopped again before the error is rethrown.
 */
export async function networkUp(options: UpOptions = {}): Promise<void> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const steps = options.reporter ?? new StepReporter(8);
  const launcher = options.launcher ?? PROCESS_LAUNCHER;
  const log = (line: string): void => {
    steps.detail(line);
  };
  const fabric = await steps.run('find Fabric', () => findFabric({ download: true }));
  log(`Fabric ${fabric.version} / fabric-ca ${fabric.caVersion} from ${fabric.source} (${fabric.home})`);
  await steps.run('check ports', () => {
    checkTrustModel(paths, channelBlock(topology, paths));
    return preflightPorts(topology, paths);
  });
  const started: ManagedProcess[] = [];
  try {
    await steps.run('start certificate authorities', () =>
      startKind(fabric, topology, paths, 'ca', started, log, launcher),
    );
    await steps.run('enrol nodes and identities', async () => {
      await Promise.all(topology.orgs.map((org) => enrollOrg(fabric, topology, org, paths)));
      writeConfigFolder(fabric, topology, paths);
      writeConnectionProfiles(topology, paths);
    });
    await steps.run('start orderers', () =>
      startKind(fabric, topology, paths, 'orderer', started, log, launcher),
    );
    await steps.run('start peers', () => startKind(fabric, topology, paths, 'peer', started, log, launcher));
    await steps.run(`create and join channel ${topology.channel.name}`, async () => {
      const fresh = !existsSync(channelBlock(topology, paths));
      await createAndJoinChannel(fabric, topology, paths, log);
      if (fresh) markTrustModel(paths);
    });
    await steps.run('deploy chaincode', async () => {
      const result = await deployChaincode(fabric, topology, paths, log);
      if (!result.changed)
        log(`chaincode ${result.pkg.version} already committed at sequence ${result.sequence}`);
      await warmUpChaincode(fabric, topology, paths);
    });
  } catch (error) {
    for (const proc of started.reverse()) await stopProcess(paths.pidDir, proc.name);
    await stopChaincodes(paths);
    throw error;
  }
}

/** Deploys the current `chaincode/` as a new sequence if it changed (the upgrade command). */
export async function networkDeploy(options: UpOptions = {}): Promise<void> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const fabric = await findFabric({ download: true });
  const steps = options.reporter ?? new StepReporter(1);
  await steps.run('deploy chaincode', async () => {
    const result = await deployChaincode(fabric, topology, paths, (line) => {
      steps.detail(line);
    });
    if (!result.changed)
      steps.detail(`chaincode ${result.pkg.version} already committed at sequence ${result.sequence}`);
    await warmUpChaincode(fabric, topology, paths);
  });
}

/**
 * Adds a channel beside the catalog channel on the running network (same orderers, peers and
 * chaincode package): genesis block, every orderer and peer joined, the chaincode deployed and
 * warmed up. Idempotent. For channels used by nothing else — the benchmark's, the trust tests'
 * throwaway ones — so that synthetic data and forged writes never reach `catalog`. Resolves with
 * the channel's topology and the chaincode definition's sequence on it.
 */
export async function networkAddChannel(
  name: string,
  options: UpOptions = {},
): Promise<{ topology: Topology; sequence: number }> {
  const main = options.topology ?? loadTopology();
  if (!/^[a-z][a-z0-9.-]{0,48}$/.test(name) || name === main.channel.name) {
    throw new TopologyError(
      `channel name ${JSON.stringify(name)}: lower-case letters, digits, . and -, not ${main.channel.name}`,
    );
  }
  const topology: Topology = { ...main, channel: { ...main.channel, name } };
  const paths = options.paths ?? networkPaths();
  const fabric = await findFabric({ download: true });
  const steps = options.reporter ?? new StepReporter(2);
  const log = (line: string): void => {
    steps.detail(line);
  };
  await steps.run(`create and join channel ${name}`, () =>
    createAndJoinChannel(fabric, topology, paths, log),
  );
  const { sequence } = await steps.run(`deploy chaincode on ${name}`, async () => {
    const deployed = await deployChaincode(fabric, topology, paths, log);
    await warmUpChaincode(fabric, topology, paths);
    return deployed;
  });
  return { topology, sequence };
}

async function stopChaincodes(paths: NetworkPaths): Promise<void> {
  for (const proc of trackedProcesses(paths.pidDir)) {
    if (proc.name.startsWith('chaincode-')) await stopProcess(paths.pidDir, proc.name);
  }
}

/**
 * Stops every process the network started (peers, their chaincode processes, orderers, CAs), by
 * PID file. With `purge`, also deletes ledgers, crypto material, wallet and logs.
 */
export async function networkDown(
  options: { purge?: boolean; paths?: NetworkPaths; topology?: Topology } = {},
): Promise<string[]> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const stopped: string[] = [];
  const order = nodesOf(topology).reverse();
  for (const node of order.filter((candidate) => candidate.kind === 'peer')) {
    if (await stopProcess(paths.pidDir, node.name)) stopped.push(node.name);
  }
  for (const proc of trackedProcesses(paths.pidDir).filter((p) => p.name.startsWith('chaincode-'))) {
    if (await stopProcess(paths.pidDir, proc.name)) stopped.push(proc.name);
  }
  for (const node of order.filter((candidate) => candidate.kind !== 'peer')) {
    if (await stopProcess(paths.pidDir, node.name)) stopped.push(node.name);
  }
  for (const proc of trackedProcesses(paths.pidDir)) {
    if (await stopProcess(paths.pidDir, proc.name)) stopped.push(proc.name);
  }
  if (options.purge) {
    for (const dir of [paths.dataDir, paths.logDir, paths.walletDir])
      rmSync(dir, { recursive: true, force: true });
  }
  return stopped;
}

/** Status of one node. */
export interface NodeStatus {
  readonly name: string;
  readonly kind: NodeSpec['kind'];
  readonly org: string;
  readonly pid: number | null;
  readonly healthy: boolean;
  readonly health: string;
  readonly operations: string;
}

/** The network's state: every node's health, the committed chaincode definition, certificates, disks. */
export interface NetworkStatus {
  readonly nodes: NodeStatus[];
  readonly chaincode: CommittedChaincode | null;
  readonly chaincodeError?: string;
  /** Every certificate's notAfter and days left (see {@link certificateStatus}). */
  readonly certificates: CertificateStatus[];
  /** Free space of each ledger folder's file system (see {@link diskStatus}). */
  readonly disks: DiskStatus[];
  readonly thresholds: OperationsThresholds;
  /** One line per certificate or disk under its threshold. */
  readonly warnings: string[];
}

/** Options of {@link networkStatus}. */
export interface StatusOptions {
  readonly paths?: NetworkPaths;
  readonly topology?: Topology;
  readonly org?: string;
  readonly thresholds?: Partial<OperationsThresholds>;
  /** The time days left are counted from (default now). */
  readonly now?: Date;
  readonly statfs?: StatFs;
}

/**
 * Probes every node's `/healthz`, asks a peer for the committed chaincode definition, and reports
 * every certificate's expiry and every ledger folder's free space, with warnings under the
 * thresholds.
 */
export async function networkStatus(options: StatusOptions = {}): Promise<NetworkStatus> {
  const topology = options.topology ?? loadTopology();
  const paths = options.paths ?? networkPaths();
  const thresholds: OperationsThresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const only = options.org === undefined ? undefined : findOrg(topology, options.org);
  const orgs = only === undefined ? topology.orgs : [only];
  const selected = nodesOf(topology).filter((node) => only === undefined || node.org === only);
  const [nodes, certificates] = await Promise.all([
    Promise.all(
      selected.map(async (node): Promise<NodeStatus> => {
        const health = await probeHealth(node.org.host, node.operationsPort);
        return {
          name: node.name,
          kind: node.kind,
          org: node.org.mspId,
          pid: runningPid(paths.pidDir, node.name),
          healthy: health.ok,
          health: health.detail,
          operations: `${node.org.host}:${node.operationsPort}`,
        };
      }),
    ),
    certificateStatus(certificateSources(topology, paths, orgs), paths, {
      warnDays: thresholds.certWarnDays,
      ...(options.now ? { now: options.now } : {}),
    }),
  ]);
  const disks = diskStatus(ledgerFolders(topology, paths, orgs), paths, thresholds, options.statfs);
  const report = { certificates, disks, thresholds, warnings: operationsWarnings(certificates, disks) };
  let chaincode: CommittedChaincode | null = null;
  let chaincodeError: string | undefined;
  const peerUp = topology.orgs.find((org) =>
    nodes.some((node) => node.name === peerName(org) && node.healthy),
  );
  if (peerUp) {
    try {
      const fabric = await findFabric();
      chaincode = await queryCommitted(fabric, topology, peerUp, paths);
    } catch (error) {
      chaincodeError = error instanceof Error ? error.message : String(error);
    }
  } else {
    chaincodeError = 'no healthy peer';
  }
  return chaincodeError === undefined
    ? { nodes, chaincode, ...report }
    : { nodes, chaincode, chaincodeError, ...report };
}
