import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addedOrgPorts,
  addOrgMain,
  addProvinceToTopology,
  parseAddOrg,
  withEndorser,
} from '../../../network/src/add-org';
import { TOPOLOGY_FILE, TopologyError, validateTopology, type Topology } from '../../../network/src/topology';
import { HUBEI } from './support/provinces';

const ARGS = [
  'hubei',
  '--msp',
  'HubeiMSP',
  '--province',
  'Hubei',
  '--zh',
  '湖北省',
  '--abbr',
  '鄂',
  '--code',
  'HB',
  '--division',
  '420000',
];

function original(): Record<string, unknown> {
  return JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as Record<string, unknown>;
}

describe('network: network:add-org records a province in the topology', function () {
  it('gives the added provinces ten ports each from 21500, and refuses once the block is full', function () {
    expect(addedOrgPorts(0)).to.deep.equal({
      peer: { port: 21501, chaincodePort: 21502, operationsPort: 21503 },
      ca: { port: 21504, operationsPort: 21505 },
    });
    expect(addedOrgPorts(49).ca.operationsPort).to.equal(21995);
    expect(() => addedOrgPorts(50)).to.throw(TopologyError, /no free ports/);
  });

  it("adds the peer to the chaincode's endorsement policy once", function () {
    const policy = "OutOf(2, 'NHSAMSP.peer','GuangdongMSP.peer')";
    expect(withEndorser(policy, 'HubeiMSP')).to.equal(
      "OutOf(2, 'NHSAMSP.peer','GuangdongMSP.peer','HubeiMSP.peer')",
    );
    expect(withEndorser(withEndorser(policy, 'HubeiMSP'), 'HubeiMSP')).to.equal(
      "OutOf(2, 'NHSAMSP.peer','GuangdongMSP.peer','HubeiMSP.peer')",
    );
    expect(() => withEndorser('nonsense', 'HubeiMSP')).to.throw(TopologyError);
  });

  it('records the province with its identities, ports and names, keeping every other field; a second time changes nothing', function () {
    const raw = original();
    const { topology, changed } = addProvinceToTopology(raw, HUBEI);
    expect(changed).to.equal(true);
    const parsed: Topology = validateTopology(topology);
    const hubei = parsed.orgs.at(-1);
    expect(hubei).to.deep.include({
      name: 'hubei',
      mspId: 'HubeiMSP',
      kind: 'province',
      abbr: '鄂',
      division: '420000',
    });
    expect(hubei?.peer.port).to.equal(21501);
    expect(hubei?.identities.map((i) => i.role)).to.deep.equal(['admin', 'proposer', 'approver', 'hospital']);
    expect(hubei?.orderer).to.equal(undefined);
    expect(parsed.chaincode.endorsementPolicy).to.include("'HubeiMSP.peer'");
    expect(topology.$comment).to.equal(raw.$comment);
    expect(parsed.orgs.slice(0, -1)).to.deep.equal((raw as unknown as Topology).orgs);
    const again = addProvinceToTopology(topology, HUBEI);
    expect(again.changed).to.equal(false);
    // a second added province takes the next ten ports
    const hunan = addProvinceToTopology(topology, {
      ...HUBEI,
      name: 'hunan',
      mspId: 'HunanMSP',
      province: 'Hunan',
      zh: '湖南省',
      zhShort: '湖南',
      abbr: '湘',
      code: 'HN',
      division: '430000',
    });
    expect(validateTopology(hunan.topology).orgs.at(-1)?.peer.port).to.equal(21511);
  });

  it('refuses a province another member already answers to, or an organisation name in use', function () {
    const raw = original();
    expect(() => addProvinceToTopology(raw, { ...HUBEI, abbr: '粤' })).to.throw(TopologyError);
    expect(() => addProvinceToTopology(raw, { ...HUBEI, mspId: 'SichuanMSP' })).to.throw(TopologyError);
    expect(() => addProvinceToTopology(raw, { ...HUBEI, name: 'sichuan', mspId: 'OtherMSP' })).to.throw(
      TopologyError,
    );
  });

  it('reads the command line (the short Chinese name from the full one unless given) and names what is missing', function () {
    expect(parseAddOrg(ARGS)).to.deep.equal({ province: HUBEI, up: true });
    expect(parseAddOrg([...ARGS, '--zh-short', '鄂省', '--no-up']).province.zhShort).to.equal('鄂省');
    expect(parseAddOrg([...ARGS, '--no-up']).up).to.equal(false);
    expect(() => parseAddOrg(ARGS.filter((a) => a !== '--abbr' && a !== '鄂'))).to.throw(
      TopologyError,
      /--abbr is required/,
    );
    expect(() => parseAddOrg(ARGS.slice(1))).to.throw();
  });

  describe('the command', function () {
    let tmp: string;
    let file: string;
    beforeEach(function () {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'add-org-'));
      file = path.join(tmp, 'topology.json');
      writeFileSync(file, readFileSync(TOPOLOGY_FILE));
    });
    afterEach(function () {
      rmSync(tmp, { recursive: true, force: true });
    });

    it('writes the topology, runs network:up with it and says what the governance proposal is for; run again, it only resumes', async function () {
      const out: string[] = [];
      const ups: Topology[] = [];
      const deps = {
        file,
        up: (topology: Topology): Promise<void> => {
          ups.push(topology);
          return Promise.resolve();
        },
        out: (text: string) => out.push(text),
        err: (text: string) => out.push(text),
      };
      expect(await addOrgMain(ARGS, deps)).to.equal(0);
      const written = validateTopology(JSON.parse(readFileSync(file, 'utf8')));
      expect(written.orgs.at(-1)?.mspId).to.equal('HubeiMSP');
      expect(ups.map((t) => t.orgs.length)).to.deep.equal([written.orgs.length]);
      expect(out.join('')).to.include('recorded in network/topology.json');
      expect(out.join('')).to.include('catalog governance propose --add-province hubei');
      const before = readFileSync(file, 'utf8');
      expect(await addOrgMain(ARGS, deps)).to.equal(0);
      expect(readFileSync(file, 'utf8')).to.equal(before);
      expect(out.join('')).to.include('recorded already; resuming');
      expect(ups).to.have.length(2);
    });

    it('exits 2 on a usage error or a clash, leaving the topology as it was', async function () {
      const before = readFileSync(file, 'utf8');
      const err: string[] = [];
      const deps = {
        file,
        up: () => Promise.reject(new Error('not reached')),
        out: () => undefined,
        err: (t: string) => err.push(t),
      };
      expect(await addOrgMain(['hubei'], deps)).to.equal(2);
      expect(await addOrgMain([...ARGS, '--bogus'], deps)).to.equal(2);
      expect(
        await addOrgMain(
          ARGS.map((a) => (a === '鄂' ? '川' : a)),
          deps,
        ),
      ).to.equal(2);
      expect(
        await addOrgMain([...ARGS, '--no-up'], { ...deps, file: path.join(tmp, 'missing.json') }).catch(
          (e: unknown) => e,
        ),
      ).to.be.instanceOf(Error);
      expect(readFileSync(file, 'utf8')).to.equal(before);
      expect(err.join('')).to.include('--zh is required');
    });
  });
});
