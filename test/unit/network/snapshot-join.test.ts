import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addedOrgPorts, parseAddOrg } from '../../../network/src/add-org';
import { networkPaths, type NetworkPaths } from '../../../network/src/paths';
import {
  completedSnapshots,
  completedSnapshotsDir,
  joinFromSnapshot,
  snapshotWitness,
  SnapshotJoinError,
} from '../../../network/src/snapshot-join';
import {
  findOrg,
  loadTopology,
  TopologyError,
  validateTopology,
  type OrgSpec,
  type Topology,
} from '../../../network/src/topology';
import { argAfter, fabricAt, line, ScriptedRunner, unexpected, type Call } from './support/fakes';
import { HUBEI } from './support/provinces';

describe('network: a peer joining a channel from a ledger snapshot (scripted Fabric CLIs)', function () {
  const main = loadTopology();
  const fabric = fabricAt('/opt/fabric');
  // a province without an orderer (Shaanxi's settings), on its own address and ports
  const hubei: OrgSpec = {
    ...findOrg(main, 'shaanxi'),
    name: 'hubei',
    mspId: 'HubeiMSP',
    province: 'Hubei',
    code: 'HB',
    division: '420000',
    zh: '湖北省',
    zhShort: '湖北',
    abbr: '鄂',
    host: '127.0.6.1',
    ...addedOrgPorts(0),
    joinFrom: 'guangdong',
  };
  const topology: Topology = { ...main, orgs: [...main.orgs, hubei] };
  const channel = 'catalog';
  let tmp: string;
  let paths: NetworkPaths;
  let runner: ScriptedRunner;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'snapshot-join-'));
    paths = networkPaths(tmp);
    runner = new ScriptedRunner(unexpected).install();
  });

  afterEach(function () {
    runner.restore();
    rmSync(tmp, { recursive: true, force: true });
  });

  function orgOf(call: Call): OrgSpec {
    const org = topology.orgs.find((candidate) => candidate.mspId === call.env.CORE_PEER_LOCALMSPID);
    if (!org) throw new Error(`peer call without an org admin environment: ${line(call)}`);
    return org;
  }

  /** A peer completing a snapshot at `block` whose metadata is `metadata(org)`. */
  function snapshotAt(call: Call, block: number, metadata: (org: OrgSpec) => string): string {
    const org = orgOf(call);
    expect(argAfter(call, '-c')).to.equal(channel);
    expect(argAfter(call, '--peerAddress')).to.equal(`${org.host}:${String(org.peer.port)}`);
    const dir = path.join(completedSnapshotsDir(paths, org, channel), String(block));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'public_state.data'), 'state');
    writeFileSync(path.join(dir, '_snapshot_signable_metadata.json'), metadata(org));
    return 'Snapshot request submitted successfully\n';
  }

  const same = (): string => '{"channel_name":"catalog","last_block_number":41}';

  it("joins from the source's snapshot once the auditors' snapshot at the same block agrees, then removes every copy", async function () {
    let statusAsked = 0;
    let joinedFrom = '';
    runner.respond = (call) => {
      if (call.bin !== 'peer') return unexpected(call);
      if (call.args[0] === 'snapshot') return snapshotAt(call, 41, same);
      if (line(call).startsWith('channel joinbysnapshot --snapshotpath')) {
        expect(orgOf(call)).to.equal(hubei);
        joinedFrom = argAfter(call, '--snapshotpath');
        // the copy on Hubei's side holds the snapshot's files
        expect(readFileSync(path.join(joinedFrom, 'public_state.data'), 'utf8')).to.equal('state');
        return '';
      }
      if (line(call) === 'channel joinbysnapshotstatus') {
        statusAsked += 1;
        return statusAsked < 3
          ? 'A joinbysnapshot operation is in progress for ledger catalog\n'
          : 'No joinbysnapshot operation is in progress\n';
      }
      if (line(call) === 'channel list') return 'Channels peers has joined: \ncatalog\n';
      return unexpected(call);
    };
    const joined = await joinFromSnapshot(fabric, topology, hubei, paths, channel, { pollMs: 1 });
    expect(joined).to.deep.equal({ block: 41, source: 'peer0.guangdong', witness: 'peer0.audit' });
    expect(statusAsked).to.equal(3);
    expect(joinedFrom).to.equal(path.join(paths.dataDir, 'incoming-snapshots', 'peer0.hubei', channel, '41'));
    expect(existsSync(joinedFrom), 'the incoming copy is removed').to.equal(false);
    for (const org of ['guangdong', 'audit'])
      expect(completedSnapshots(paths, findOrg(topology, org), channel)).to.deep.equal([]);
    const asked = runner.calls.filter((call) => call.args[0] === 'snapshot').map((call) => orgOf(call).name);
    expect(asked.sort()).to.deep.equal(['audit', 'guangdong']);
  });

  it('does not join when the two snapshots at one block differ', async function () {
    runner.respond = (call) => {
      if (call.bin === 'peer' && call.args[0] === 'snapshot')
        return snapshotAt(call, 41, (org) => (org.name === 'guangdong' ? '{"forged":true}' : same()));
      return unexpected(call);
    };
    const error = await joinFromSnapshot(fabric, topology, hubei, paths, channel, { pollMs: 1 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(SnapshotJoinError);
    expect((error as Error).message).to.equal(
      'the snapshots of catalog at block 41 differ between peer0.guangdong and peer0.audit: hubei does not join from it',
    );
    expect(runner.calls.some((call) => call.args[1] === 'joinbysnapshot')).to.equal(false);
    expect(completedSnapshots(paths, findOrg(topology, 'guangdong'), channel)).to.deep.equal([]);
  });

  it('takes both snapshots again while a block falls between them, and gives up after the attempts', async function () {
    let block = 10;
    runner.respond = (call) => {
      if (call.bin === 'peer' && call.args[0] === 'snapshot') {
        block += 1;
        return snapshotAt(call, block, same);
      }
      return unexpected(call);
    };
    const error = await joinFromSnapshot(fabric, topology, hubei, paths, channel, {
      pollMs: 1,
      attempts: 2,
    }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(SnapshotJoinError);
    expect((error as Error).message).to.include('different blocks 2 times (the channel is busy)');
    expect(runner.calls.filter((call) => call.args[0] === 'snapshot')).to.have.length(4);
    expect(completedSnapshots(paths, findOrg(topology, 'audit'), channel)).to.deep.equal([]);
  });

  it('names the peer when a snapshot never completes', async function () {
    runner.respond = (call) => (call.args[0] === 'snapshot' ? '' : unexpected(call));
    const error = await joinFromSnapshot(fabric, topology, hubei, paths, channel, {
      pollMs: 5,
      snapshotTimeoutMs: 20,
    }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(SnapshotJoinError);
    expect((error as Error).message).to.match(/^peer0\.(guangdong|audit) completed no snapshot of catalog/);
  });

  it("the witness is the auditors' peer, or NHSA's when the auditors are the source; joinFrom names another organisation", async function () {
    expect(snapshotWitness(topology, findOrg(topology, 'guangdong')).name).to.equal('audit');
    expect(snapshotWitness(topology, findOrg(topology, 'audit')).name).to.equal('nhsa');
    const noJoin = joinFromSnapshot(fabric, topology, { ...hubei, joinFrom: undefined }, paths, channel);
    expect(await noJoin.catch((caught: unknown) => (caught as Error).message)).to.equal(
      'hubei names no organisation to join from',
    );
    expect(() => validateTopology(topology)).not.to.throw();
    for (const joinFrom of ['hubei', 'nowhere'])
      expect(() => validateTopology({ ...topology, orgs: [...main.orgs, { ...hubei, joinFrom }] })).to.throw(
        TopologyError,
        /"joinFrom" must name another organisation/,
      );
  });

  it('network:add-org --join-from records the organisation to join from', function () {
    const args = [
      'hubei',
      '--msp',
      HUBEI.mspId,
      '--province',
      HUBEI.province,
      '--zh',
      HUBEI.zh,
      '--abbr',
      HUBEI.abbr,
      '--code',
      HUBEI.code,
      '--division',
      HUBEI.division,
    ];
    expect(parseAddOrg([...args, '--join-from', 'Guangdong']).province.joinFrom).to.equal('guangdong');
    expect(parseAddOrg(args).province).not.to.have.property('joinFrom');
  });
});
