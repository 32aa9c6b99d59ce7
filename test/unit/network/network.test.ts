import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { caServerArgs, caServerEnv } from '../../../network/src/ca';
import { contentHash } from '../../../network/src/chaincode-package';
import { channelBlock } from '../../../network/src/channel';
import { readDeployments, trustModelFile } from '../../../network/src/deployments';
import {
  networkAddChannel,
  networkDeploy,
  networkDown,
  networkStatus,
  networkUp,
  nodesOf,
  PROCESS_LAUNCHER,
  restartNode,
  type NodeLauncher,
} from '../../../network/src/network';
import { ordererEnv, peerEnv } from '../../../network/src/node-env';
import { connectionProfilePath, networkPaths, orgPaths, type NetworkPaths } from '../../../network/src/paths';
import {
  isAlive,
  runningPid,
  startProcess,
  waitGossipMembership,
  waitHealthy,
  type StartOptions,
} from '../../../network/src/processes';
import { StepReporter } from '../../../network/src/progress';
import { findOrg, loadTopology, type Topology } from '../../../network/src/topology';
import {
  argAfter,
  failure,
  fakeCa,
  fakeChaincode,
  fakeFabricHome,
  line,
  ScriptedRunner,
  shiftPorts,
  unexpected,
  useChaincode,
  withFabricHome,
  type Call,
  type FakeChaincode,
  type Responder,
} from './support/fakes';

const SLEEPER = ['-e', 'setInterval(() => {}, 1000);'];
const NOT_DEFINED = 'Error: query failed with status: 404 - namespace catalog is not defined';

/** A call as the timeline shows it: `peer` with its sub-command, other binaries with their first argument. */
function step(call: Call): string {
  return `${call.bin} ${call.args.slice(0, call.bin === 'peer' ? 3 : 1).join(' ')}`;
}

/** A Fabric network as the scripted CLIs see it: who joined, what is installed and committed. */
class FakeChannel {
  public readonly joinedOrderers = new Set<string>();
  public readonly joinedPeers = new Set<string>();
  public readonly installed = new Map<string, string>();
  public committed: { version: string; sequence: number } | null = null;
  public readonly timeline: string[] = [];
  private readonly ca = fakeCa();

  public readonly respond: Responder = (call: Call) => {
    this.timeline.push(step(call));
    const msp = call.env.CORE_PEER_LOCALMSPID ?? '';
    if (call.bin.startsWith('fabric-ca')) return this.ca.respond(call);
    if (call.bin === 'configtxgen') {
      writeFileSync(argAfter(call, '-outputBlock'), 'genesis');
      return '';
    }
    if (call.bin === 'osnadmin') {
      const admin = argAfter(call, '-o');
      if (call.args[1] === 'list')
        return JSON.stringify({ channels: this.joinedOrderers.has(admin) ? [{ name: 'catalog' }] : [] });
      this.joinedOrderers.add(admin);
      return '';
    }
    if (call.bin !== 'peer') return unexpected(call);
    const command = line(call);
    if (command === 'channel list')
      return this.joinedPeers.has(msp) ? 'Channels peers has joined: \ncatalog\n' : '';
    if (command.startsWith('channel join')) {
      this.joinedPeers.add(msp);
      return '';
    }
    const sub = call.args[2];
    if (sub === 'querycommitted') {
      if (this.committed === null) throw failure(call, NOT_DEFINED);
      return JSON.stringify(this.committed);
    }
    if (sub === 'queryinstalled') {
      const file = this.installed.get(msp);
      if (file === undefined) return '';
      const id = `${path.basename(file, '.tar.gz')}:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
      return `Package ID: ${id}, Label: x\n`;
    }
    if (sub === 'install') {
      this.installed.set(msp, call.args[3] ?? '');
      return '';
    }
    if (sub === 'checkcommitreadiness') return JSON.stringify({ approvals: {} });
    if (sub === 'approveformyorg') return '';
    if (sub === 'commit') {
      this.committed = {
        version: argAfter(call, '--version'),
        sequence: Number(argAfter(call, '--sequence')),
      };
      return '';
    }
    if (call.args[0] === 'chaincode' && call.args[1] === 'query') return '{"mspId":"x"}';
    return unexpected(call);
  };
}

describe('network: up, deploy, status and down with everything injected (no Fabric binary runs)', function () {
  this.timeout(30_000);
  // away from 21000-21499, where a real network may be running
  const topology = shiftPorts(loadTopology(), 1500);
  let tmp: string;
  let paths: NetworkPaths;
  let chaincode: FakeChaincode;
  let channel: FakeChannel;
  let runner: ScriptedRunner;
  let restore: (() => void)[] = [];
  const spawned: number[] = [];

  function freshNetwork(name: string): void {
    paths = networkPaths(path.join(tmp, name));
    channel = new FakeChannel();
    runner.respond = channel.respond;
  }

  /** Starts a process of this test (node doing nothing) for each node networkUp asks to start. */
  function recordingLauncher(): {
    launcher: NodeLauncher;
    starts: StartOptions[];
    waits: [string, string, number, string][];
    memberships: [string, number, string, number][];
  } {
    const starts: StartOptions[] = [];
    const waits: [string, string, number, string][] = [];
    const memberships: [string, number, string, number][] = [];
    return {
      starts,
      waits,
      memberships,
      launcher: {
        start: (options) => {
          starts.push(options);
          channel.timeline.push(`start ${options.name}`);
          const proc = startProcess({ ...options, command: process.execPath, args: SLEEPER });
          spawned.push(proc.pid);
          return proc;
        },
        waitHealthy: (proc, host, port, logDir) => {
          waits.push([proc.name, host, port, logDir]);
          return Promise.resolve();
        },
        waitMembership: (host, port, channelName, expected) => {
          memberships.push([host, port, channelName, expected]);
          return Promise.resolve(expected);
        },
      },
    };
  }

  function reporter(total: number): { steps: StepReporter; lines: string[] } {
    const lines: string[] = [];
    return {
      lines,
      steps: new StepReporter(total, (text) => {
        lines.push(text);
      }),
    };
  }

  /** Starts a do-nothing process of this test under `name` in the network's PID folder. */
  function sleeper(name: string): number {
    const proc = startProcess({
      name,
      command: process.execPath,
      args: SLEEPER,
      env: process.env,
      pidDir: paths.pidDir,
      logDir: paths.logDir,
    });
    spawned.push(proc.pid);
    return proc.pid;
  }

  before(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'network-test-'));
    const fabricHome = path.join(tmp, 'fabric');
    fakeFabricHome(fabricHome);
    chaincode = fakeChaincode(path.join(tmp, 'chaincode'));
    runner = new ScriptedRunner(unexpected).install();
    restore = [
      withFabricHome(fabricHome),
      useChaincode(chaincode),
      () => {
        runner.restore();
      },
    ];
  });

  after(async function () {
    for (const dir of ['up', 'rollback', 'deploy', 'status', 'down']) {
      await networkDown({ paths: networkPaths(path.join(tmp, dir)), topology });
    }
    for (const pid of spawned.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const undo of restore.reverse()) undo();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the default launcher is the real process start and health wait', function () {
    expect(PROCESS_LAUNCHER.start).to.equal(startProcess);
    expect(PROCESS_LAUNCHER.waitHealthy).to.equal(waitHealthy);
    expect(PROCESS_LAUNCHER.waitMembership).to.equal(waitGossipMembership);
  });

  describe('networkUp', function () {
    let first: ReturnType<typeof recordingLauncher>;

    it('starts CAs, enrols, starts orderers and peers, creates the channel and deploys, in that order', async function () {
      freshNetwork('up');
      const nhsa = findOrg(topology, 'nhsa');
      mkdirSync(orgPaths(paths, nhsa).caHome, { recursive: true });
      writeFileSync(path.join(orgPaths(paths, nhsa).caHome, 'tls-cert.pem'), 'old TLS certificate');
      first = recordingLauncher();
      const { steps, lines } = reporter(8);
      await networkUp({ paths, topology, reporter: steps, launcher: first.launcher });

      const titles = lines.filter((text) => text.endsWith(' ...'));
      expect(titles).to.deep.equal([
        '[1/8] find Fabric ...',
        '[2/8] check ports ...',
        '[3/8] start certificate authorities ...',
        '[4/8] enrol nodes and identities ...',
        '[5/8] start orderers ...',
        '[6/8] start peers ...',
        '[7/8] create and join channel catalog ...',
        '[8/8] deploy chaincode ...',
      ]);
      expect(lines.filter((text) => /^\[\d\/8\] .*: done in \d+\.\ds$/.test(text))).to.have.length(8);
      expect(lines[2]).to.match(/^ {6}Fabric 3\.1\.5 \/ fabric-ca 1\.5\.21 from FABRIC_HOME \(/);

      const nodes = nodesOf(topology);
      expect(first.starts.map((start) => start.name)).to.deep.equal(nodes.map((node) => node.name));
      for (const [index, node] of nodes.entries()) {
        const start = first.starts[index]!;
        expect(start.pidDir).to.equal(paths.pidDir);
        expect(start.logDir).to.equal(paths.logDir);
        if (node.kind === 'ca') {
          expect(start.command).to.equal(path.join(tmp, 'fabric', 'bin', 'fabric-ca-server'));
          expect(start.args).to.deep.equal(caServerArgs(topology, node.org, paths));
          expect(start.env).to.deep.equal(caServerEnv(node.org, paths));
          expect(start.env).to.not.have.property('FABRIC_CA_SERVER_BOOT');
        } else if (node.kind === 'orderer') {
          expect(start.command).to.equal(path.join(tmp, 'fabric', 'bin', 'orderer'));
          expect(start.args).to.deep.equal([]);
          expect(start.env).to.deep.equal(ordererEnv(topology, node.org, paths));
        } else {
          expect(start.command).to.equal(path.join(tmp, 'fabric', 'bin', 'peer'));
          expect(start.args).to.deep.equal(['node', 'start']);
          expect(start.env).to.deep.equal(peerEnv(topology, node.org, paths));
        }
        expect(runningPid(paths.pidDir, node.name)).to.be.a('number');
      }
      expect(first.waits).to.deep.equal(
        nodes.map((node) => [node.name, node.org.host, node.operationsPort, paths.logDir]),
      );

      const at = (entry: string): number => channel.timeline.indexOf(entry);
      const last = (entry: string): number => channel.timeline.lastIndexOf(entry);
      expect(at('fabric-ca-server init')).to.be.lessThan(at('start ca.nhsa'));
      expect(last('start ca.audit')).to.be.lessThan(at('fabric-ca-client enroll'));
      expect(last('fabric-ca-client enroll')).to.be.lessThan(at('start orderer0.nhsa'));
      expect(at('start orderer0.sichuan')).to.be.lessThan(at('start peer0.nhsa'));
      expect(last('start peer0.audit')).to.be.lessThan(at('configtxgen -profile'));
      expect(last('peer channel join -b')).to.be.lessThan(at('peer lifecycle chaincode querycommitted'));
      expect(last('peer lifecycle chaincode commit')).to.be.lessThan(at('peer chaincode query -C'));
      expect(channel.timeline.filter((entry) => entry === 'peer chaincode query -C')).to.have.length(
        topology.orgs.length,
      );
      expect(existsSync(path.join(orgPaths(paths, nhsa).caHome, 'tls-cert.pem'))).to.equal(false);

      // what the run leaves behind
      expect(readFileSync(trustModelFile(paths), 'utf8')).to.equal('3\n');
      expect(existsSync(channelBlock(topology, paths))).to.equal(true);
      const version = contentHash(chaincode.source.dir).slice(0, 12);
      expect(channel.committed).to.deep.equal({ version, sequence: 1 });
      expect(readDeployments(paths).map((entry) => [entry.sequence, entry.version])).to.deep.equal([
        [1, version],
      ]);
      for (const org of topology.orgs) {
        const profile = JSON.parse(readFileSync(connectionProfilePath(paths, org.name), 'utf8')) as {
          peerEndpoint: string;
        };
        expect(profile.peerEndpoint).to.equal(`${org.host}:${org.peer.port}`);
      }
      const core = YAML.parse(readFileSync(path.join(paths.configDir, 'core.yaml'), 'utf8')) as {
        chaincode: { mode: string; externalBuilders: { name: string }[] };
      };
      expect(core.chaincode.mode).to.equal('net');
      expect(core.chaincode.externalBuilders.map((builder) => builder.name)).to.deep.equal(['catalog-node']);
      expect(existsSync(path.join(paths.configDir, 'configtx.yaml'))).to.equal(true);
      expect(lines).to.include(`      committed catalog version ${version} sequence 1`);
    });

    it('run again, keeps the running nodes and changes nothing on the channel', async function () {
      const again = recordingLauncher();
      const { steps, lines } = reporter(8);
      const before = runner.calls.length;
      await networkUp({ paths, topology, reporter: steps, launcher: again.launcher });
      expect(again.starts).to.deep.equal([]);
      for (const node of nodesOf(topology)) {
        const pid = runningPid(paths.pidDir, node.name);
        expect(first.starts.map((start) => start.name)).to.include(node.name);
        expect(lines).to.include(`      ${node.name} already running (pid ${String(pid)})`);
      }
      const calls = runner.calls.slice(before).map(step);
      const times = (n: number, entry: string): string[] => Array.from({ length: n }, () => entry);
      const orgs = topology.orgs.length;
      expect(
        calls.sort(),
        'only queries: nothing initialised, enrolled, joined, installed, approved or committed',
      ).to.deep.equal(
        [
          ...times(3, 'osnadmin channel'),
          ...times(orgs, 'peer channel list'),
          'peer lifecycle chaincode querycommitted',
          ...times(orgs, 'peer lifecycle chaincode queryinstalled'),
          ...times(orgs, 'peer chaincode query -C'),
        ].sort(),
      );
      const version = contentHash(chaincode.source.dir).slice(0, 12);
      expect(lines).to.include(`      chaincode ${version} already committed at sequence 1`);
    });

    it('networkDown stops peers, then chaincode processes, orderers and CAs, then anything else left', async function () {
      const chaincodePid = sleeper('chaincode-catalog_abc-peer0.nhsa');
      const extraPid = sleeper('leftover');
      const pids = nodesOf(topology).map((node) => runningPid(paths.pidDir, node.name));
      const stopped = await networkDown({ paths, topology });
      const peers = topology.orgs.map((org) => `peer0.${org.name}`).reverse();
      const orderers = ['orderer0.sichuan', 'orderer0.guangdong', 'orderer0.nhsa'];
      const cas = topology.orgs.map((org) => `ca.${org.name}`).reverse();
      expect(stopped).to.deep.equal([
        ...peers,
        'chaincode-catalog_abc-peer0.nhsa',
        ...orderers,
        ...cas,
        'leftover',
      ]);
      for (const pid of [...pids, chaincodePid, extraPid]) expect(isAlive(pid ?? 0)).to.equal(false);
      expect(existsSync(paths.dataDir), 'without --purge the data stays').to.equal(true);
      expect(await networkDown({ paths, topology })).to.deep.equal([]);
      expect(await networkDown({ paths, topology, purge: true })).to.deep.equal([]);
      for (const dir of [paths.dataDir, paths.logDir, paths.walletDir])
        expect(existsSync(dir)).to.equal(false);
    });

    it('stops every process it started (and chaincode processes) when a step fails', async function () {
      freshNetwork('rollback');
      const chaincodePid = sleeper('chaincode-catalog_x-peer0.guangdong');
      runner.respond = (call) => {
        if (call.bin === 'configtxgen') throw failure(call, 'Error: could not load profile');
        return channel.respond(call);
      };
      const run = recordingLauncher();
      const { steps, lines } = reporter(8);
      const error = await networkUp({ paths, topology, reporter: steps, launcher: run.launcher }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect((error as Error).message).to.equal('configtxgen -profile failed: Error: could not load profile');
      expect(run.starts).to.have.length(nodesOf(topology).length);
      expect(lines[lines.length - 1]).to.equal('[7/8] create and join channel catalog ...');
      for (const node of nodesOf(topology)) expect(runningPid(paths.pidDir, node.name)).to.equal(null);
      expect(isAlive(chaincodePid)).to.equal(false);
      expect(existsSync(trustModelFile(paths))).to.equal(false);
    });

    it('refuses a ledger created under the old trust model before starting anything', async function () {
      freshNetwork('old-ledger');
      mkdirSync(paths.channelDir, { recursive: true });
      writeFileSync(channelBlock(topology, paths), 'old genesis');
      const run = recordingLauncher();
      const { steps, lines } = reporter(8);
      const before = runner.calls.length;
      const error = await networkUp({ paths, topology, reporter: steps, launcher: run.launcher }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect((error as Error).message).to.match(
        /^this ledger was created under trust model 1, this code needs 3/,
      );
      expect(lines[lines.length - 1]).to.equal('[2/8] check ports ...');
      expect(run.starts).to.deep.equal([]);
      expect(runner.calls.length).to.equal(before);
    });
  });

  describe('networkDeploy', function () {
    it('deploys a changed chaincode as the next sequence and warms it up; an unchanged one stays', async function () {
      freshNetwork('deploy');
      channel.committed = { version: 'oldversion00', sequence: 2 };
      const { steps, lines } = reporter(1);
      await networkDeploy({ paths, topology, reporter: steps });
      const version = contentHash(chaincode.source.dir).slice(0, 12);
      expect(channel.committed).to.deep.equal({ version, sequence: 3 });
      expect(lines[0]).to.equal('[1/1] deploy chaincode ...');
      expect(lines).to.include(`      committed catalog version ${version} sequence 3`);
      expect(channel.timeline.filter((entry) => entry === 'peer chaincode query -C')).to.have.length(
        topology.orgs.length,
      );

      const second = reporter(1);
      await networkDeploy({ paths, topology, reporter: second.steps });
      expect(second.lines).to.include(`      chaincode ${version} already committed at sequence 3`);
      expect(readDeployments(paths).map((entry) => entry.sequence)).to.deep.equal([3]);
    });
  });

  it('restartNode stops one node and starts it alone with its own command, waiting until healthy', async function () {
    freshNetwork('restart');
    const old = sleeper('peer0.sichuan');
    const other = sleeper('peer0.nhsa');
    const run = recordingLauncher();
    const restarted = await restartNode('peer0.sichuan', { paths, topology, launcher: run.launcher });
    expect(isAlive(old)).to.equal(false);
    expect(isAlive(other), 'the other nodes keep running').to.equal(true);
    expect(run.starts.map((start) => [start.name, path.basename(start.command), start.args])).to.deep.equal([
      ['peer0.sichuan', 'peer', ['node', 'start']],
    ]);
    expect(run.starts[0]?.env).to.deep.equal(peerEnv(topology, findOrg(topology, 'sichuan'), paths));
    const sichuan = findOrg(topology, 'sichuan');
    expect(run.waits).to.deep.equal([
      ['peer0.sichuan', sichuan.host, sichuan.peer.operationsPort, paths.logDir],
    ]);
    // a restarted peer is ready when its gossip membership counts every other peer of the topology
    const otherPeers = topology.orgs.length - 1;
    expect(run.memberships).to.deep.equal([
      [sichuan.host, sichuan.peer.operationsPort, topology.channel.name, otherPeers],
    ]);
    expect(restarted.pid).to.equal(runningPid(paths.pidDir, 'peer0.sichuan'));
    expect(restarted.ms).to.be.a('number');
    const error = await restartNode('peer1.sichuan', { paths, topology, launcher: run.launcher }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as Error).message).to.match(/^unknown node "peer1\.sichuan"; expected one of: ca\.nhsa, /);
  });

  describe('networkStatus', function () {
    let server: http.Server;
    let withHealthyPeer: Topology;

    before(async function () {
      server = http.createServer((_request, response) => {
        response.writeHead(200);
        response.end('OK');
      });
      await new Promise<void>((resolve) => server.listen(0, findOrg(topology, 'guangdong').host, resolve));
      const { port } = server.address() as net.AddressInfo;
      withHealthyPeer = {
        ...topology,
        orgs: topology.orgs.map((org) =>
          org.name === 'guangdong' ? { ...org, peer: { ...org.peer, operationsPort: port } } : org,
        ),
      };
    });

    after(async function () {
      await new Promise((resolve) => server.close(resolve));
    });

    it('probes every node and asks the first healthy peer for the committed definition', async function () {
      freshNetwork('status');
      channel.committed = { version: 'abc123abc123', sequence: 4 };
      const pid = sleeper('peer0.guangdong');
      const before = runner.calls.length;
      const status = await networkStatus({ paths, topology: withHealthyPeer });
      expect(status.chaincode).to.deep.equal({ version: 'abc123abc123', sequence: 4 });
      expect(status).to.not.have.property('chaincodeError');
      expect(status.nodes.map((node) => node.name)).to.deep.equal(nodesOf(topology).map((node) => node.name));
      const healthy = status.nodes.filter((node) => node.healthy);
      expect(healthy.map((node) => [node.name, node.kind, node.org, node.pid, node.health])).to.deep.equal([
        ['peer0.guangdong', 'peer', 'GuangdongMSP', pid, 'OK'],
      ]);
      const ca = status.nodes.find((node) => node.name === 'ca.nhsa');
      expect(ca?.operations).to.equal(
        `${findOrg(topology, 'nhsa').host}:${findOrg(topology, 'nhsa').ca.operationsPort}`,
      );
      expect(ca?.pid).to.equal(null);
      expect(ca?.health).to.match(/^unreachable \(/);
      const queries = runner.calls.slice(before);
      expect(queries.map((call) => [line(call), call.env.CORE_PEER_LOCALMSPID])).to.deep.equal([
        ['lifecycle chaincode querycommitted -C catalog -n catalog --output json', 'GuangdongMSP'],
      ]);
      expect(queries[0]?.command).to.equal(path.join(tmp, 'fabric', 'bin', 'peer'));
      // certificates (the scripted CA writes no real ones) and ledger folders, with the thresholds
      expect(status.thresholds).to.deep.equal({ certWarnDays: 30, diskWarnPercent: 10, diskWarnGiB: 2 });
      expect(status.certificates.find((entry) => entry.owner === 'peer0.guangdong')?.warning).to.equal(
        'missing',
      );
      expect(status.disks.map((disk) => disk.node)).to.deep.equal([
        'orderer0.nhsa',
        'peer0.nhsa',
        'orderer0.guangdong',
        'peer0.guangdong',
        'orderer0.sichuan',
        'peer0.sichuan',
        'peer0.shaanxi',
        'peer0.audit',
      ]);
      expect(status.warnings.length).to.be.greaterThan(0);
      const tight = await networkStatus({
        paths,
        topology: withHealthyPeer,
        org: 'nhsa',
        thresholds: { diskWarnPercent: 101 },
        now: new Date('2030-01-01T00:00:00Z'),
        statfs: () => ({ bsize: 4096, blocks: 1000, bavail: 10 }),
      });
      expect(tight.thresholds).to.deep.equal({ certWarnDays: 30, diskWarnPercent: 101, diskWarnGiB: 2 });
      expect(tight.disks.map((disk) => [disk.node, disk.freePercent])).to.deep.equal([
        ['orderer0.nhsa', 1],
        ['peer0.nhsa', 1],
      ]);
      expect(tight.disks.every((disk) => disk.warning?.includes('< 101 %, < 2 GiB'))).to.equal(true);
    });

    it('limits itself to one organisation, and says why there is no chaincode', async function () {
      const only = await networkStatus({ paths, topology: withHealthyPeer, org: 'Guangdong' });
      expect(only.nodes.map((node) => node.name)).to.deep.equal([
        'ca.guangdong',
        'orderer0.guangdong',
        'peer0.guangdong',
      ]);
      expect(only.chaincode).to.deep.equal({ version: 'abc123abc123', sequence: 4 });

      const sichuan = await networkStatus({ paths, topology: withHealthyPeer, org: 'sichuan' });
      expect(sichuan).to.deep.include({ chaincode: null, chaincodeError: 'no healthy peer' });
      expect(sichuan.nodes.every((node) => !node.healthy)).to.equal(true);

      channel.committed = null;
      expect(await networkStatus({ paths, topology: withHealthyPeer, org: 'guangdong' })).to.deep.include({
        chaincode: null,
      });
      runner.respond = (call) => {
        throw failure(call, 'Error: access denied');
      };
      const denied = await networkStatus({ paths, topology: withHealthyPeer, org: 'guangdong' });
      expect(denied).to.deep.include({
        chaincode: null,
        chaincodeError: 'peer lifecycle failed: Error: access denied',
      });
    });
  });
});

describe('network: networkAddChannel', function () {
  it('refuses the catalog channel itself and names Fabric would refuse, before anything runs', async function () {
    const topology = loadTopology();
    for (const name of ['catalog', 'Bench', '1bench', 'bench_x', '', 'b'.repeat(50)]) {
      let error: unknown = null;
      try {
        await networkAddChannel(name, { topology });
      } catch (caught) {
        error = caught;
      }
      expect(error, name).to.be.instanceOf(Error);
      expect((error as Error).message, name).to.match(/^channel name /);
    }
  });
});
