import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  TOPOLOGY_FILE,
  TopologyError,
  findOrg,
  isLoopback,
  loadTopology,
  nextHost,
  ordererOrgs,
  portPlan,
  validateTopology,
  type Topology,
} from '../../../network/src/topology';
import { nodesOf } from '../../../network/src/network';

function rawTopology(): Topology {
  return JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as Topology;
}

function mutate(change: (topology: { -readonly [K in keyof Topology]: unknown }) => void): unknown {
  const copy = structuredClone(rawTopology()) as { -readonly [K in keyof Topology]: unknown };
  change(copy);
  return copy;
}

describe('network topology', function () {
  const topology = loadTopology();

  it('has NHSA, three provinces and the auditors, each with the identities the catalog needs', function () {
    expect(topology.orgs.map((org) => org.mspId)).to.deep.equal([
      'NHSAMSP',
      'GuangdongMSP',
      'SichuanMSP',
      'ShaanxiMSP',
      'AuditMSP',
    ]);
    for (const org of topology.orgs.filter((candidate) => candidate.kind === 'province')) {
      const roles = org.identities.map((identity) => identity.role);
      expect(roles, org.name).to.include.members(['admin', 'proposer', 'approver', 'hospital']);
    }
    expect(findOrg(topology, 'nhsa').identities.map((identity) => identity.role)).to.include.members([
      'admin',
      'proposer',
      'approver',
    ]);
    expect(findOrg(topology, 'audit').identities.map((identity) => identity.name)).to.include('auditor');
  });

  it('runs three Raft orderers owned by three different organisations', function () {
    const owners = ordererOrgs(topology).map((org) => org.mspId);
    expect(owners).to.have.length(3);
    expect(new Set(owners).size).to.equal(3);
  });

  it('keeps the auditors out of the chaincode endorsement policy', function () {
    expect(topology.chaincode.endorsementPolicy).not.to.include('AuditMSP');
    // two organisations' peers must endorse every write (no single organisation can write alone)
    expect(topology.chaincode.endorsementPolicy).to.match(/^OutOf\(2, /);
    for (const msp of ['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP']) {
      expect(topology.chaincode.endorsementPolicy).to.include(`'${msp}.peer'`);
    }
  });

  it('cuts blocks well under the 2 s default batch timeout', function () {
    const match = /^(\d+)ms$/.exec(topology.channel.batchTimeout);
    expect(match, topology.channel.batchTimeout).to.not.equal(null);
    expect(Number(match?.[1])).to.be.lessThan(2000);
  });

  describe('port plan', function () {
    const plan = portPlan(topology);

    it('gives every listener its own port, all outside common service ports', function () {
      expect(new Set(plan.map((entry) => entry.port)).size).to.equal(plan.length);
      // 5 CAs x 2 + 5 peers x 3 + 3 orderers x 3
      expect(plan).to.have.length(34);
      const common = [5432, 6379, 7050, 7051, 7054, 8080, 8443, 9090, 9443, 27017];
      for (const entry of plan) {
        expect(common, `${entry.owner} ${entry.purpose}`).not.to.include(entry.port);
        expect(entry.port).to.be.within(21000, 21499);
      }
    });

    it('matches the nodes the network starts', function () {
      const nodePorts = nodesOf(topology).flatMap((node) => node.ports);
      expect([...nodePorts].sort()).to.deep.equal(plan.map((entry) => entry.port).sort());
      expect(nodesOf(topology).map((node) => node.kind)).to.deep.equal([
        ...Array<string>(5).fill('ca'),
        ...Array<string>(3).fill('orderer'),
        ...Array<string>(5).fill('peer'),
      ]);
    });

    it('refuses a port used twice, naming both owners', function () {
      const broken = mutate((copy) => {
        const orgs = copy.orgs as { peer: { port: number } }[];
        const [first, second] = orgs;
        if (first && second) second.peer.port = first.peer.port;
      });
      expect(() => validateTopology(broken)).to.throw(
        TopologyError,
        /port 21051 is assigned twice: peer0\.nhsa .* peer0\.guangdong/,
      );
    });

    it('refuses a privileged port', function () {
      const broken = mutate((copy) => {
        const [first] = copy.orgs as { ca: { port: number } }[];
        if (first) first.ca.port = 80;
      });
      expect(() => validateTopology(broken)).to.throw(TopologyError, /port 80 is not in 1024-65535/);
    });
  });

  describe('validation', function () {
    const orgHost = (index: number, host: unknown) =>
      mutate((copy) => {
        const orgs = copy.orgs as Record<string, unknown>[];
        const org = orgs[index];
        if (org && host === undefined) delete org.host;
        else if (org) org.host = host;
      });

    it('gives every organisation its own loopback host, 127.0.1.1 for the first', function () {
      const hosts = topology.orgs.map((org) => org.host);
      expect(hosts[0]).to.equal('127.0.1.1');
      expect(new Set(hosts).size).to.equal(hosts.length);
      for (const host of hosts) expect(isLoopback(host), host).to.equal(true);
    });

    it('refuses a host outside 127.0.0.0/8 or not an address', function () {
      for (const bad of ['0.0.0.0', '10.0.0.1', '127.0.0.256', 'localhost', 7]) {
        expect(() => validateTopology(orgHost(1, bad)), String(bad)).to.throw(
          TopologyError,
          /guangdong: host must be a loopback address in 127\.0\.0\.0\/8/,
        );
      }
    });

    it('refuses two organisations on one host', function () {
      expect(() => validateTopology(orgHost(2, '127.0.1.1'))).to.throw(
        TopologyError,
        'host 127.0.1.1 is assigned twice: organisations nhsa and sichuan',
      );
    });

    it('names the missing host of an organisation, and the old top-level host', function () {
      expect(() => validateTopology(orgHost(0, undefined))).to.throw(
        TopologyError,
        'organisation nhsa needs a "host": its own loopback address (e.g. "127.0.1.1")',
      );
      const old = mutate(() => undefined) as Record<string, unknown>;
      old.host = '127.0.0.1';
      expect(() => validateTopology(old)).to.throw(
        TopologyError,
        /top-level "host" is replaced by one "host" per organisation/,
      );
    });

    it('finds the next free address 127.0.N.1', function () {
      expect(nextHost([])).to.equal('127.0.1.1');
      expect(nextHost(topology.orgs.map((org) => org.host))).to.equal('127.0.6.1');
      expect(nextHost(['127.0.2.1'])).to.equal('127.0.1.1');
      const all = Array.from({ length: 255 }, (_, n) => `127.0.${String(n + 1)}.1`);
      expect(() => nextHost(all)).to.throw(TopologyError, /no free loopback address/);
    });

    it('refuses an even number of orderers', function () {
      const broken = mutate((copy) => {
        const orgs = copy.orgs as { orderer?: unknown }[];
        const shaanxi = orgs[3];
        if (shaanxi) shaanxi.orderer = { port: 21356, adminPort: 21357, operationsPort: 21358 };
      });
      expect(() => validateTopology(broken)).to.throw(TopologyError, /odd number/);
    });

    it('refuses an unknown role and a duplicate organisation', function () {
      const badRole = mutate((copy) => {
        const [first] = copy.orgs as { identities: { name: string; role: string }[] }[];
        first?.identities.push({ name: 'x', role: 'superuser' });
      });
      expect(() => validateTopology(badRole)).to.throw(TopologyError, /unknown role "superuser"/);
      const duplicate = mutate((copy) => {
        const orgs = copy.orgs as unknown[];
        orgs.push(orgs[0]);
      });
      expect(() => validateTopology(duplicate)).to.throw(TopologyError, /defined twice/);
    });
  });

  describe('members (what InitGovernance is seeded with)', function () {
    it("carries every form of every province name, and NHSA's Chinese name", function () {
      const gd = findOrg(topology, 'guangdong');
      expect(gd).to.deep.include({
        province: 'Guangdong',
        code: 'GD',
        division: '440000',
        zh: '广东省',
        zhShort: '广东',
        abbr: '粤',
      });
      expect(findOrg(topology, 'nhsa').zh).to.equal('国家医疗保障局');
    });

    it('refuses a province organisation without a form, a bad code, or a form two provinces share', function () {
      const cases: [(orgs: Record<string, unknown>[]) => void, RegExp][] = [
        [
          (orgs) => delete orgs[1]?.division,
          /province organisation guangdong \(GuangdongMSP\) needs "division"/,
        ],
        [(orgs) => delete orgs[2]?.abbr, /province organisation sichuan \(SichuanMSP\) needs "abbr"/],
        [(orgs) => orgs[1] && (orgs[1].code = 'gd'), /provinces\/0\/code must match pattern/],
        [(orgs) => orgs[3] && (orgs[3].division = '61000'), /provinces\/2\/division must match pattern/],
        [(orgs) => orgs[3] && (orgs[3].abbr = '川'), /'川' names both Sichuan and Shaanxi/],
        [(orgs) => orgs[0] && (orgs[0].kind = 'auditor'), /one organisation of kind "national", found 0/],
      ];
      for (const [change, message] of cases) {
        const broken = mutate((copy) => {
          change(copy.orgs as Record<string, unknown>[]);
        });
        expect(() => validateTopology(broken), String(message)).to.throw(TopologyError, message);
      }
    });

    it('lets non-province organisations leave the forms out', function () {
      const auditor = findOrg(topology, 'audit');
      expect(auditor.code).to.equal(undefined);
      expect(auditor.zh).to.equal(undefined);
    });
  });

  describe('findOrg', function () {
    it('accepts the short name, the MSP id and the province name in any case', function () {
      for (const name of ['guangdong', 'GuangdongMSP', 'Guangdong', 'GUANGDONG']) {
        expect(findOrg(topology, name).mspId, name).to.equal('GuangdongMSP');
      }
    });

    it('names the valid organisations when given an unknown one', function () {
      expect(() => findOrg(topology, 'hubei')).to.throw(
        TopologyError,
        'unknown organisation "hubei"; expected one of: nhsa, guangdong, sichuan, shaanxi, audit',
      );
    });
  });
});
