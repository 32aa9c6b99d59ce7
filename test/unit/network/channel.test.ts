import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { channelBlock, createAndJoinChannel } from '../../../network/src/channel';
import { adminCliEnv } from '../../../network/src/node-env';
import { networkPaths, orgPaths, type NetworkPaths } from '../../../network/src/paths';
import { loadTopology, ordererOrgs, type OrgSpec } from '../../../network/src/topology';
import { argAfter, failure, fabricAt, line, ScriptedRunner, unexpected, type Call } from './support/fakes';

/** What a scripted `configtxlator proto_decode` of a config block writes: a channel holding `orgs`. */
export function memberConfig(call: Call, orgs: readonly OrgSpec[]): string {
  const config = {
    channel_group: {
      groups: { Application: { groups: Object.fromEntries(orgs.map((org) => [org.mspId, {}])) } },
    },
  };
  writeFileSync(
    argAfter(call, '--output'),
    JSON.stringify({ data: { data: [{ payload: { data: { config } } }] } }),
  );
  return '';
}

describe('network: creating and joining the channel (scripted Fabric CLIs)', function () {
  const topology = loadTopology();
  const fabric = fabricAt('/opt/fabric');
  const [nhsa, guangdong, sichuan, shaanxi, audit] = topology.orgs as [
    OrgSpec,
    OrgSpec,
    OrgSpec,
    OrgSpec,
    OrgSpec,
  ];
  let tmp: string;
  let paths: NetworkPaths;
  let runner: ScriptedRunner;
  let logged: string[];

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'channel-test-'));
    paths = networkPaths(tmp);
    logged = [];
    runner = new ScriptedRunner(unexpected).install();
  });

  afterEach(function () {
    runner.restore();
    rmSync(tmp, { recursive: true, force: true });
  });

  const log = (text: string): void => {
    logged.push(text);
  };

  function osnadminTls(org: OrgSpec): string[] {
    const tls = orgPaths(paths, org).ordererTls;
    return [
      '-o',
      `${org.host}:${org.orderer?.adminPort ?? 0}`,
      '--ca-file',
      path.join(tls, 'ca.crt'),
      '--client-cert',
      path.join(tls, 'server.crt'),
      '--client-key',
      path.join(tls, 'server.key'),
    ];
  }

  /** The org whose admin environment a peer call carries. */
  function orgOf(call: Call): OrgSpec {
    const org = topology.orgs.find((candidate) => candidate.mspId === call.env.CORE_PEER_LOCALMSPID);
    if (!org) throw new Error(`peer call without an org admin environment: ${line(call)}`);
    return org;
  }

  it('writes the genesis block, joins the orderers and peers not yet joined and skips the others', async function () {
    const block = channelBlock(topology, paths);
    expect(block).to.equal(path.join(paths.channelDir, 'catalog.block'));
    let joinFailures = 0;
    runner.respond = (call) => {
      if (call.bin === 'configtxgen') {
        writeFileSync(argAfter(call, '-outputBlock'), 'genesis');
        return '';
      }
      if (call.bin === 'osnadmin' && call.args[1] === 'list') {
        const admin = argAfter(call, '-o');
        if (admin.endsWith(`:${nhsa.orderer?.adminPort ?? 0}`))
          return 'Status: 200\n{\n\t"channels": [\n\t\t{\n\t\t\t"name": "catalog"\n\t\t}\n\t]\n}\n';
        if (admin.endsWith(`:${guangdong.orderer?.adminPort ?? 0}`))
          return 'Status: 200\n{"channels":[{"name":"catalog","url":"/participation/v1/channels/catalog"}]}';
        return 'Status: 200\n{"channels":[{"name":"catalog-old"}]}';
      }
      if (call.bin === 'osnadmin' && call.args[1] === 'join') return 'Status: 201\n';
      if (call.bin === 'peer' && line(call) === 'channel list') {
        const org = orgOf(call);
        if (org === nhsa) return 'Channels peers has joined: \ncatalog\n';
        if (org === shaanxi) return 'Channels peers has joined: \n  catalog  \nother\n';
        if (org === audit) return 'Channels peers has joined: \ncatalog2\n';
        return 'Channels peers has joined: \n';
      }
      if (call.bin === 'peer' && line(call).startsWith('channel join')) {
        if (orgOf(call) === sichuan && joinFailures < 2) {
          joinFailures += 1;
          throw failure(call, 'Error: proposal failed (err: rpc error: code = Unavailable)');
        }
        return 'Successfully submitted proposal to join channel\n';
      }
      return unexpected(call);
    };

    await createAndJoinChannel(fabric, topology, paths, log, 1);

    const [configtxgen, ...others] = runner.calls;
    expect(configtxgen?.command).to.equal('/opt/fabric/bin/configtxgen');
    expect(configtxgen?.args).to.deep.equal([
      '-profile',
      'CatalogChannel',
      '-outputBlock',
      block,
      '-channelID',
      'catalog',
      '-configPath',
      paths.configDir,
    ]);
    expect(configtxgen?.env.FABRIC_CFG_PATH).to.equal(paths.configDir);
    expect(existsSync(block)).to.equal(true);

    const orderers = ordererOrgs(topology);
    expect(runner.of('osnadmin', 'channel list').map((call) => call.args)).to.have.deep.members(
      orderers.map((org) => ['channel', 'list', ...osnadminTls(org)]),
    );
    expect(runner.of('osnadmin', 'channel join').map((call) => call.args)).to.deep.equal([
      ['channel', 'join', '--channelID', 'catalog', '--config-block', block, ...osnadminTls(sichuan)],
    ]);
    expect(runner.of('osnadmin').every((call) => call.command === '/opt/fabric/bin/osnadmin')).to.equal(true);

    // peers: one at a time, in topology order, each as its own admin
    const peerCalls = others.filter((call) => call.bin === 'peer');
    expect(peerCalls.map((call) => `${orgOf(call).name}: ${line(call)}`)).to.deep.equal([
      'nhsa: channel list',
      'guangdong: channel list',
      'sichuan: channel list',
      'shaanxi: channel list',
      'audit: channel list',
      `guangdong: channel join -b ${block}`,
      `sichuan: channel join -b ${block}`,
      `sichuan: channel join -b ${block}`,
      `sichuan: channel join -b ${block}`,
      `audit: channel join -b ${block}`,
    ]);
    for (const call of peerCalls) {
      expect(call.env).to.deep.equal(adminCliEnv(topology, orgOf(call), paths));
    }
    expect(logged).to.deep.equal([
      'genesis block of channel catalog written',
      'orderer0.sichuan joined catalog',
      'peer0.guangdong joined catalog',
      'peer0.sichuan joined catalog',
      'peer0.audit joined catalog',
    ]);
  });

  it('does nothing but look when the block exists and every node has joined', async function () {
    mkdirSync(paths.channelDir, { recursive: true });
    writeFileSync(channelBlock(topology, paths), 'genesis');
    runner.respond = (call) => {
      if (call.bin === 'osnadmin' && call.args[1] === 'list') return '{"channels":[{"name": "catalog"}]}';
      if (call.bin === 'peer' && line(call) === 'channel list')
        return 'Channels peers has joined: \ncatalog\n';
      return unexpected(call);
    };
    await createAndJoinChannel(fabric, topology, paths, log, 1);
    expect(runner.of('configtxgen')).to.have.length(0);
    expect(runner.calls.map((call) => `${call.bin} ${call.args[1] ?? ''}`)).to.deep.equal([
      'osnadmin list',
      'osnadmin list',
      'osnadmin list',
      ...topology.orgs.map(() => 'peer list'),
    ]);
    expect(logged).to.deep.equal([]);
  });

  it('gives up on a peer join after five attempts with the last error', async function () {
    mkdirSync(paths.channelDir, { recursive: true });
    writeFileSync(channelBlock(topology, paths), 'genesis');
    runner.respond = (call) => {
      if (call.bin === 'osnadmin') return '{"channels":[{"name":"catalog"}]}';
      if (line(call) === 'channel list') return orgOf(call) === nhsa ? '' : 'catalog\n';
      // a peer not joined: the channel's configuration is read first — NHSA is a member already
      if (line(call).startsWith('channel fetch config')) return '';
      if (call.bin === 'configtxlator') return memberConfig(call, topology.orgs);
      throw failure(call, 'Error: genesis block mismatch');
    };
    const error = await createAndJoinChannel(fabric, topology, paths, log, 1).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.equal('peer channel failed: Error: genesis block mismatch');
    expect(runner.of('peer', 'channel join')).to.have.length(5);
    expect(runner.of('peer', 'channel list')).to.have.length(topology.orgs.length);
    expect(runner.of('peer', 'channel update')).to.have.length(0);
    expect(logged).to.deep.equal([]);
  });

  it('asks an orderer again while its admin listener refuses connections (it opens after the node reports healthy)', async function () {
    mkdirSync(paths.channelDir, { recursive: true });
    writeFileSync(channelBlock(topology, paths), 'genesis');
    let refusals = 0;
    runner.respond = (call) => {
      if (call.bin === 'osnadmin' && call.args[1] === 'list') {
        if (argAfter(call, '-o').endsWith(`:${guangdong.orderer?.adminPort ?? 0}`) && refusals < 2) {
          refusals += 1;
          throw failure(
            call,
            'Error: Get "https://127.0.0.1/participation/v1/channels": connect: connection refused',
          );
        }
        return '{"channels":[{"name": "catalog"}]}';
      }
      if (call.bin === 'peer' && line(call) === 'channel list') return 'catalog\n';
      return unexpected(call);
    };
    await createAndJoinChannel(fabric, topology, paths, log, 1);
    expect(refusals).to.equal(2);
    expect(runner.of('osnadmin', 'channel list')).to.have.length(ordererOrgs(topology).length + 2);
  });

  it('fails when an orderer cannot be listed, before any peer is touched', async function () {
    runner.respond = (call) => {
      if (call.bin === 'configtxgen') return '';
      throw failure(call, 'connection refused');
    };
    const error = await createAndJoinChannel(fabric, topology, paths, log, 1).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as Error).message).to.equal('osnadmin channel failed: connection refused');
    expect(runner.of('peer')).to.have.length(0);
    expect(existsSync(paths.channelDir)).to.equal(true);
  });
});
