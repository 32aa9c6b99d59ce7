import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import {
  addOrgsToChannel,
  applicationOrgs,
  ChannelUpdateError,
  majorityOf,
  updateEnvelope,
  withApplicationOrg,
  type ConfigJson,
} from '../../../network/src/channel-members';
import { policyStringOrgs, validationParameterOrgs } from '../../../network/src/lifecycle';
import { adminCliEnv } from '../../../network/src/node-env';
import { networkPaths, type NetworkPaths } from '../../../network/src/paths';
import { loadTopology, type OrgSpec, type Topology } from '../../../network/src/topology';
import { argAfter, failure, fabricAt, line, ScriptedRunner, unexpected, type Call } from './support/fakes';

const HUBEI_ORG: OrgSpec = {
  name: 'hubei',
  mspId: 'HubeiMSP',
  displayName: 'Hubei Healthcare Security Administration',
  kind: 'province',
  province: 'Hubei',
  code: 'HB',
  division: '420000',
  zh: '湖北省',
  zhShort: '湖北',
  host: '127.0.6.1',
  abbr: '鄂',
  ca: { port: 21484, operationsPort: 21485 },
  peer: { port: 21481, chaincodePort: 21482, operationsPort: 21483 },
  identities: [{ name: 'admin', role: 'admin' }],
};

function configOf(msps: readonly string[]): ConfigJson {
  return {
    sequence: '3',
    channel_group: {
      mod_policy: 'Admins',
      groups: {
        Application: {
          mod_policy: 'Admins',
          groups: Object.fromEntries(msps.map((m) => [m, { values: {} }])),
        },
        Orderer: { groups: {} },
      },
    },
  };
}

describe('network: adding organisations to a running channel', function () {
  const base = loadTopology();
  const topology: Topology = { ...base, orgs: [...base.orgs, HUBEI_ORG] };
  const fabric = fabricAt('/opt/fabric');
  let tmp: string;
  let paths: NetworkPaths;
  let runner: ScriptedRunner;
  let logged: string[];

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'members-test-'));
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

  it('reads the members, counts a majority and adds a group with its anchor peer, changing nothing else', function () {
    const config = configOf(['NHSAMSP', 'GuangdongMSP']);
    expect(applicationOrgs(config)).to.deep.equal(['GuangdongMSP', 'NHSAMSP']);
    expect([1, 2, 3, 4, 5, 6, 33].map(majorityOf)).to.deep.equal([1, 2, 2, 3, 3, 4, 17]);
    const next = withApplicationOrg(
      config,
      'HubeiMSP',
      { values: { MSP: { value: 'x' } }, version: '0' },
      {
        host: '127.0.0.1',
        port: 21481,
      },
    );
    expect(applicationOrgs(next)).to.deep.equal(['GuangdongMSP', 'HubeiMSP', 'NHSAMSP']);
    expect(next.channel_group.groups.Application.groups.HubeiMSP).to.deep.equal({
      values: {
        MSP: { value: 'x' },
        AnchorPeers: {
          mod_policy: 'Admins',
          value: { anchor_peers: [{ host: '127.0.0.1', port: 21481 }] },
          version: '0',
        },
      },
      version: '0',
    });
    expect(applicationOrgs(config), 'the input is not changed').to.deep.equal(['GuangdongMSP', 'NHSAMSP']);
    expect(next.channel_group.groups.Application.mod_policy).to.equal('Admins');
    expect(next.sequence).to.equal('3');
    expect(updateEnvelope('grow', { x: 1 })).to.deep.equal({
      payload: {
        header: { channel_header: { channel_id: 'grow', type: 2 } },
        data: { config_update: { x: 1 } },
      },
    });
  });

  /** Scripts the Fabric CLIs: a channel of `members` that gains an org on `channel update` unless `refuse`. */
  function scriptChannel(members: string[], refuse = false): { updates: Call[]; encoded: unknown[] } {
    const updates: Call[] = [];
    const encoded: unknown[] = [];
    runner.respond = (call) => {
      if (call.bin === 'peer' && line(call).startsWith('channel fetch config')) {
        writeFileSync(call.args[3] ?? '', 'block');
        return '';
      }
      if (call.bin === 'configtxlator' && call.args[0] === 'proto_decode') {
        const type = argAfter(call, '--type');
        const value =
          type === 'common.Block'
            ? { data: { data: [{ payload: { data: { config: configOf(members) } } }] } }
            : { read_set: {}, write_set: {} };
        writeFileSync(argAfter(call, '--output'), JSON.stringify(value));
        return '';
      }
      if (call.bin === 'configtxlator' && call.args[0] === 'proto_encode') {
        encoded.push({
          type: argAfter(call, '--type'),
          value: JSON.parse(readFileSync(argAfter(call, '--input'), 'utf8')) as unknown,
        });
        writeFileSync(argAfter(call, '--output'), 'pb');
        return '';
      }
      if (call.bin === 'configtxlator' && call.args[0] === 'compute_update') {
        writeFileSync(argAfter(call, '--output'), 'update');
        return '';
      }
      if (call.bin === 'configtxgen') {
        const dir = argAfter(call, '-configPath');
        expect(readFileSync(path.join(dir, 'configtx.yaml'), 'utf8')).to.include('HubeiMSP');
        return `2026 INFO noise\n{"values":{"MSP":{"value":{"config":{"name":"${argAfter(call, '-printOrg')}"}}}}}\n2026 INFO done\n`;
      }
      if (call.bin === 'peer' && line(call).startsWith('channel signconfigtx')) return '';
      if (call.bin === 'peer' && line(call).startsWith('channel update')) {
        updates.push(call);
        if (refuse)
          throw failure(
            call,
            'Error: got unexpected status: BAD_REQUEST -- implicit policy evaluation failed',
          );
        members.push('HubeiMSP');
        return '';
      }
      return unexpected(call);
    };
    return { updates, encoded };
  }

  it('adds an organisation the channel lacks: signed by a majority of the members, each as its own admin, then submitted', async function () {
    const members = base.orgs.map((org) => org.mspId);
    const { updates, encoded } = scriptChannel(members);
    const result = await addOrgsToChannel(fabric, topology, paths, log);
    expect(result.added).to.deep.equal(['HubeiMSP']);
    // 5 application organisations: MAJORITY Admins needs 3 — two sign, the third signs by submitting
    expect(result.signedBy).to.deep.equal(['NHSAMSP', 'GuangdongMSP', 'SichuanMSP']);
    const signs = runner.of('peer', 'channel signconfigtx');
    expect(signs.map((call) => call.env.CORE_PEER_LOCALMSPID)).to.deep.equal(['NHSAMSP', 'GuangdongMSP']);
    const [nhsa, guangdong, sichuan] = base.orgs as [OrgSpec, OrgSpec, OrgSpec];
    expect(signs[0]?.env).to.deep.equal(adminCliEnv(topology, nhsa, paths));
    expect(signs[1]?.env).to.deep.equal(adminCliEnv(topology, guangdong, paths));
    expect(updates).to.have.length(1);
    expect(updates[0]?.env).to.deep.equal(adminCliEnv(topology, sichuan, paths));
    expect(argAfter(updates[0] as Call, '-c')).to.equal('catalog');
    // the envelope carries the update for this channel
    const envelope = encoded.find((e) => (e as { type: string }).type === 'common.Envelope') as {
      value: Record<string, unknown>;
    };
    expect(envelope.value).to.deep.equal(updateEnvelope('catalog', { read_set: {}, write_set: {} }));
    const modified = encoded.filter((e) => (e as { type: string }).type === 'common.Config')[1] as {
      value: ConfigJson;
    };
    expect(applicationOrgs(modified.value)).to.include('HubeiMSP');
    expect(logged).to.deep.equal([
      'HubeiMSP added to channel catalog (signed by NHSAMSP, GuangdongMSP, SichuanMSP)',
    ]);
  });

  it('does nothing when every organisation is a member already (a second run)', async function () {
    scriptChannel([...base.orgs.map((org) => org.mspId), 'HubeiMSP']);
    const result = await addOrgsToChannel(fabric, topology, paths, log);
    expect(result.added).to.deep.equal([]);
    expect(runner.of('peer', 'channel update')).to.have.length(0);
    expect(runner.of('peer', 'channel signconfigtx')).to.have.length(0);
  });

  it('reports a refused update (too few signatures) naming the policy, and adds nothing', async function () {
    const members = base.orgs.map((org) => org.mspId);
    scriptChannel(members, true);
    const [nhsa] = base.orgs as [OrgSpec];
    const error = await addOrgsToChannel(fabric, topology, paths, log, { signers: [nhsa] }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(ChannelUpdateError);
    expect((error as Error).message).to.match(
      /refused adding HubeiMSP \(signed by NHSAMSP; its Admins policy needs 3 of 5/,
    );
    expect(runner.of('peer', 'channel signconfigtx')).to.have.length(0);
    expect(members).to.not.include('HubeiMSP');
    expect(logged).to.deep.equal([]);
  });

  it('reads the organisations of a signature policy string and of a committed definition', function () {
    expect(
      policyStringOrgs("OutOf(2, 'NHSAMSP.peer','GuangdongMSP.peer', 'HubeiMSP.peer', 'NHSAMSP.peer')"),
    ).to.deep.equal(['GuangdongMSP', 'HubeiMSP', 'NHSAMSP']);
    const envelope = new common.SignaturePolicyEnvelope();
    envelope.setIdentitiesList(
      ['SichuanMSP', 'NHSAMSP'].map((id) => {
        const role = new msp.MSPRole();
        role.setMspIdentifier(id);
        role.setRole(msp.MSPRole.MSPRoleType.PEER);
        const principal = new msp.MSPPrincipal();
        principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
        principal.setPrincipal(role.serializeBinary());
        return principal;
      }),
    );
    const policy = new peer.ApplicationPolicy();
    policy.setSignaturePolicy(envelope);
    expect(validationParameterOrgs(Buffer.from(policy.serializeBinary()).toString('base64'))).to.deep.equal([
      'NHSAMSP',
      'SichuanMSP',
    ]);
    const reference = new peer.ApplicationPolicy();
    reference.setChannelConfigPolicyReference('/Channel/Application/Endorsement');
    expect(
      validationParameterOrgs(Buffer.from(reference.serializeBinary()).toString('base64')),
    ).to.deep.equal([]);
  });
});
