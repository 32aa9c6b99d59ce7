import { expect } from 'chai';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildChaincodePackage, contentHash } from '../../../network/src/chaincode-package';
import { readDeployments } from '../../../network/src/deployments';
import {
  approveForOrg,
  deployChaincode,
  installPackageOn,
  queryCommitted,
  warmUpChaincode,
} from '../../../network/src/lifecycle';
import { adminCliEnv } from '../../../network/src/node-env';
import { networkPaths, orgPaths, REPO_ROOT, type NetworkPaths } from '../../../network/src/paths';
import { loadTopology, type OrgSpec, type Topology } from '../../../network/src/topology';
import {
  fabricAt,
  failure,
  fakeChaincode,
  line,
  ScriptedRunner,
  unexpected,
  useChaincode,
  type Call,
  type FakeChaincode,
} from './support/fakes';

const NOT_DEFINED = 'Error: query failed with status: 404 - namespace catalog is not defined';

describe('network: chaincode lifecycle (scripted peer CLI)', function () {
  const topology = loadTopology();
  const fabric = fabricAt('/opt/fabric');
  const [nhsa, guangdong] = topology.orgs as [OrgSpec, OrgSpec];
  const policy = topology.chaincode.endorsementPolicy;
  let tmp: string;
  let paths: NetworkPaths;
  let runner: ScriptedRunner;
  let chaincode: FakeChaincode;
  let restoreChaincode: () => void;
  let logged: string[];

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'lifecycle-test-'));
    paths = networkPaths(path.join(tmp, 'net'));
    chaincode = fakeChaincode(path.join(tmp, 'chaincode'));
    restoreChaincode = useChaincode(chaincode);
    runner = new ScriptedRunner(unexpected).install();
    logged = [];
  });

  afterEach(function () {
    runner.restore();
    restoreChaincode();
    rmSync(tmp, { recursive: true, force: true });
  });

  const log = (text: string): void => {
    logged.push(text);
  };

  function orgOf(call: Call): OrgSpec {
    const org = topology.orgs.find((candidate) => candidate.mspId === call.env.CORE_PEER_LOCALMSPID);
    if (!org) throw new Error(`no org admin environment on ${line(call)}`);
    return org;
  }

  function ordererArgs(): string[] {
    return [
      '-o',
      `${nhsa.host}:${nhsa.orderer?.port ?? 0}`,
      '--tls',
      '--cafile',
      orgPaths(paths, nhsa).caCert,
    ];
  }

  function definition(version: string, sequence: number): string[] {
    return ['-C', 'catalog', '-n', 'catalog', '--version', version, '--sequence', String(sequence)].concat([
      '--signature-policy',
      policy,
    ]);
  }

  describe('queryCommitted', function () {
    it('asks the peer as its admin and reads the JSON after any leading noise', async function () {
      runner.respond = () => 'WARN something\n{"sequence":3,"version":"abc","approvals":{}}\n';
      expect(await queryCommitted(fabric, topology, guangdong, paths)).to.deep.equal({
        version: 'abc',
        sequence: 3,
      });
      const [call] = runner.calls;
      expect(call?.command).to.equal('/opt/fabric/bin/peer');
      expect(call?.args).to.deep.equal([
        'lifecycle',
        'chaincode',
        'querycommitted',
        '-C',
        'catalog',
        '-n',
        'catalog',
        '--output',
        'json',
      ]);
      expect(call?.env).to.deep.equal(adminCliEnv(topology, guangdong, paths));
    });

    it('reads "not defined" (404) as nothing committed and rethrows any other failure', async function () {
      runner.respond = (call) => {
        throw failure(call, NOT_DEFINED);
      };
      expect(await queryCommitted(fabric, topology, nhsa, paths)).to.equal(null);
      runner.respond = (call) => {
        throw failure(call, 'Error: chaincode definition for catalog not found');
      };
      expect(await queryCommitted(fabric, topology, nhsa, paths)).to.equal(null);
      runner.respond = (call) => {
        throw failure(call, 'Error: failed to connect: context deadline exceeded');
      };
      const error = await queryCommitted(fabric, topology, nhsa, paths).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect((error as Error).message).to.equal(
        'peer lifecycle failed: Error: failed to connect: context deadline exceeded',
      );
    });
  });

  describe('installPackageOn', function () {
    const pkg = { file: '/pkgs/catalog_abc.tar.gz', packageId: 'catalog_abc:0123' };

    it('skips a package the peer has installed already', async function () {
      runner.respond = (call) => {
        expect(line(call)).to.equal('lifecycle chaincode queryinstalled');
        return 'Installed chaincodes on peer:\nPackage ID: catalog_abc:0123, Label: catalog_abc\n';
      };
      await installPackageOn(fabric, topology, paths, guangdong, pkg);
      expect(runner.calls).to.have.length(1);
      expect(runner.calls[0]?.env).to.deep.equal(adminCliEnv(topology, guangdong, paths));
    });

    it('installs a package the peer lacks, with the long install timeout', async function () {
      runner.respond = (call) =>
        call.args[2] === 'queryinstalled' ? 'Package ID: catalog_old:9999, Label: catalog_old\n' : 'ok';
      await installPackageOn(fabric, topology, paths, guangdong, pkg);
      expect(runner.calls.map((call) => [line(call), call.timeoutMs])).to.deep.equal([
        ['lifecycle chaincode queryinstalled', 120_000],
        ['lifecycle chaincode install /pkgs/catalog_abc.tar.gz', 600_000],
      ]);
      expect(runner.calls[1]?.env).to.deep.equal(adminCliEnv(topology, guangdong, paths));
    });
  });

  it('approveForOrg approves the definition for one org with its package, through the first orderer', async function () {
    runner.respond = () => '';
    await approveForOrg(fabric, topology, paths, guangdong, { packageId: 'cc:1', version: 'v1' }, 7);
    expect(runner.calls).to.have.length(1);
    expect(runner.calls[0]?.args).to.deep.equal([
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...definition('v1', 7),
      '--package-id',
      'cc:1',
      ...ordererArgs(),
      '--waitForEvent',
    ]);
    expect(runner.calls[0]?.env).to.deep.equal(adminCliEnv(topology, guangdong, paths));
    const noOrderer: Topology = {
      ...topology,
      orgs: topology.orgs.map((org) => {
        const copy: { -readonly [K in keyof OrgSpec]: OrgSpec[K] } = { ...org };
        delete copy.orderer;
        return copy;
      }),
    };
    const error = await approveForOrg(
      fabric,
      noOrderer,
      paths,
      guangdong,
      { packageId: 'cc:1', version: 'v1' },
      7,
    ).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as Error).message).to.equal('topology has no orderer');
  });

  describe('deployChaincode', function () {
    /** Scripts a channel with `committed` (or nothing), `installedOn` and `approvedBy`. */
    function scriptChannel(options: {
      committed: { version: string; sequence: number; validation_parameter?: string } | null;
      installedOn: readonly string[];
      approvedBy: readonly string[];
    }): void {
      runner.respond = (call) => {
        expect(call.bin).to.equal('peer');
        const sub = call.args[2];
        if (sub === 'querycommitted') {
          if (options.committed === null) throw failure(call, NOT_DEFINED);
          return JSON.stringify({ ...options.committed, approvals: {} });
        }
        if (sub === 'queryinstalled') {
          return options.installedOn.includes(orgOf(call).name)
            ? `Installed chaincodes on peer:\nPackage ID: ${packageId}, Label: x\n`
            : 'Installed chaincodes on peer:\n';
        }
        if (sub === 'checkcommitreadiness') {
          const approvals = Object.fromEntries(
            topology.orgs.map((org) => [org.mspId, options.approvedBy.includes(org.name)]),
          );
          return `Chaincode definition for chaincode 'catalog':\n${JSON.stringify({ approvals })}`;
        }
        if (sub === 'install' || sub === 'approveformyorg' || sub === 'commit') return '';
        return unexpected(call);
      };
    }

    /** The package id the peers report as installed. */
    let packageId = '';

    it('upgrades: next sequence, installs where missing, approves only the orgs not yet approved, commits with every peer and records it', async function () {
      const version = contentHash(chaincode.source.dir).slice(0, 12);
      // the package deployChaincode builds: same content, so the same file and id
      packageId = buildChaincodePackage(paths, 'catalog').packageId;
      scriptChannel({
        committed: { version: 'oldversion00', sequence: 3 },
        installedOn: ['nhsa', 'sichuan'],
        approvedBy: ['nhsa', 'audit'],
      });
      const before = Date.now();
      const result = await deployChaincode(fabric, topology, paths, log);

      expect(result.changed).to.equal(true);
      expect(result.sequence).to.equal(4);
      expect(result.pkg.version).to.equal(version);
      expect(result.pkg.packageId).to.equal(packageId);
      expect(chaincode.compiled).to.equal(2);
      expect(chaincode.installs, 'the package built by the first run is reused').to.have.length(1);

      const anchorEnv = adminCliEnv(topology, nhsa, paths);
      const querycommitted = runner.calls.filter((call) => call.args[2] === 'querycommitted');
      expect(querycommitted.map((call) => call.env)).to.deep.equal([anchorEnv]);

      const installs = runner.calls.filter((call) => call.args[2] === 'install');
      expect(installs.map((call) => orgOf(call).name)).to.have.members(['guangdong', 'shaanxi', 'audit']);
      for (const call of installs) {
        expect(call.args).to.deep.equal(['lifecycle', 'chaincode', 'install', result.pkg.file]);
        expect(call.timeoutMs).to.equal(600_000);
      }

      const readiness = runner.calls.filter((call) => call.args[2] === 'checkcommitreadiness');
      expect(readiness.map((call) => call.args)).to.deep.equal([
        ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition(version, 4), '--output', 'json'],
      ]);
      expect(readiness[0]?.env).to.deep.equal(anchorEnv);

      const approvals = runner.calls.filter((call) => call.args[2] === 'approveformyorg');
      expect(approvals.map((call) => orgOf(call).name)).to.have.members(['guangdong', 'sichuan', 'shaanxi']);
      for (const call of approvals) {
        expect(call.args).to.deep.equal([
          'lifecycle',
          'chaincode',
          'approveformyorg',
          ...definition(version, 4),
          '--package-id',
          packageId,
          ...ordererArgs(),
          '--waitForEvent',
        ]);
      }

      const commits = runner.calls.filter((call) => call.args[2] === 'commit');
      expect(commits).to.have.length(1);
      expect(commits[0]?.args).to.deep.equal([
        'lifecycle',
        'chaincode',
        'commit',
        ...definition(version, 4),
        ...ordererArgs(),
        ...topology.orgs.flatMap((org) => [
          '--peerAddresses',
          `${org.host}:${org.peer.port}`,
          '--tlsRootCertFiles',
          orgPaths(paths, org).caCert,
        ]),
        '--waitForEvent',
      ]);
      expect(commits[0]?.env).to.deep.equal(anchorEnv);
      expect(runner.calls.indexOf(commits[0]!)).to.equal(runner.calls.length - 1);

      expect(logged[0]).to.equal(`package catalog_${version} (${packageId.slice(-12)})`);
      expect(logged.slice(1, 4)).to.have.members(
        ['guangdong', 'shaanxi', 'audit'].map((org) => `installed catalog_${version} on peer0.${org}`),
      );
      expect(logged.slice(4, 7)).to.have.members(
        ['GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP'].map((msp) => `approved sequence 4 for ${msp}`),
      );
      expect(logged.slice(7)).to.deep.equal([`committed catalog version ${version} sequence 4`]);

      const [entry, ...more] = readDeployments(paths);
      expect(more).to.deep.equal([]);
      expect(entry).to.include({
        channel: 'catalog',
        chaincode: 'catalog',
        sequence: 4,
        version,
        packageId,
        contentHash: contentHash(chaincode.source.dir),
      });
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
      expect(entry?.sourceCommit).to.equal(head);
      expect(Date.parse(entry?.committedAt ?? '')).to.be.within(before - 1000, Date.now() + 1000);
    });

    it('first deployment: sequence 1 when nothing is committed', async function () {
      scriptChannel({ committed: null, installedOn: [], approvedBy: [] });
      const result = await deployChaincode(fabric, topology, paths, log);
      expect(result).to.include({ sequence: 1, changed: true });
      expect(runner.calls.filter((call) => call.args[2] === 'approveformyorg')).to.have.length(
        topology.orgs.length,
      );
      expect(readDeployments(paths).map((entry) => entry.sequence)).to.deep.equal([1]);
    });

    it('changes nothing when the committed definition has this version, and records that sequence', async function () {
      const version = contentHash(chaincode.source.dir).slice(0, 12);
      scriptChannel({ committed: { version, sequence: 5 }, installedOn: [], approvedBy: [] });
      const result = await deployChaincode(fabric, topology, paths, log);
      expect(result).to.include({ sequence: 5, changed: false });
      expect(runner.calls.map((call) => call.args[2])).to.deep.equal([
        'querycommitted',
        ...topology.orgs.map(() => 'queryinstalled'),
        ...topology.orgs.map(() => 'install'),
      ]);
      expect(readDeployments(paths).map((entry) => [entry.sequence, entry.version])).to.deep.equal([
        [5, version],
      ]);
    });

    it('deploys the same package as the next sequence when the endorsement policy names another organisation', async function () {
      const version = contentHash(chaincode.source.dir).slice(0, 12);
      const committedPolicy = (orgs: readonly string[]): string => {
        const envelope = new common.SignaturePolicyEnvelope();
        envelope.setIdentitiesList(
          orgs.map((id) => {
            const role = new msp.MSPRole();
            role.setMspIdentifier(id);
            const principal = new msp.MSPPrincipal();
            principal.setPrincipal(role.serializeBinary());
            return principal;
          }),
        );
        const policy = new peer.ApplicationPolicy();
        policy.setSignaturePolicy(envelope);
        return Buffer.from(policy.serializeBinary()).toString('base64');
      };
      const catalogOrgs = topology.orgs.filter((org) => org.kind !== 'auditor').map((org) => org.mspId);
      scriptChannel({
        committed: { version, sequence: 5, validation_parameter: committedPolicy(catalogOrgs) },
        installedOn: [],
        approvedBy: [],
      });
      const same = await deployChaincode(fabric, topology, paths, log);
      expect(same).to.include({ sequence: 5, changed: false });
      scriptChannel({
        committed: { version, sequence: 5, validation_parameter: committedPolicy(catalogOrgs.slice(0, 3)) },
        installedOn: [],
        approvedBy: [],
      });
      const grown = await deployChaincode(fabric, topology, paths, log);
      expect(grown).to.include({ sequence: 6, changed: true });
    });

    it('refuses a topology without organisations', async function () {
      const error = await deployChaincode(fabric, { ...topology, orgs: [] }, paths, log).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect((error as Error).message).to.equal('topology has no organisations');
      expect(runner.calls).to.have.length(0);
    });
  });

  describe('warmUpChaincode', function () {
    const query = ['chaincode', 'query', '-C', 'catalog', '-n', 'catalog', '-c'];

    it('queries System:WhoAmI on every peer as its admin and retries a peer that is not ready', async function () {
      let failures = 0;
      runner.respond = (call) => {
        if (orgOf(call) === guangdong && failures < 3) {
          failures += 1;
          throw failure(call, 'Error: endorsement failure: chaincode catalog not ready');
        }
        return '{"mspId":"x"}';
      };
      await warmUpChaincode(fabric, topology, paths, 1);
      expect(runner.calls).to.have.length(topology.orgs.length + 3);
      for (const call of runner.calls) {
        expect(call.args).to.deep.equal([...query, '{"function":"System:WhoAmI","Args":[]}']);
        expect(call.timeoutMs).to.equal(180_000);
        expect(call.env).to.deep.equal(adminCliEnv(topology, orgOf(call), paths));
      }
      expect(runner.calls.filter((call) => orgOf(call) === guangdong)).to.have.length(4);
    });

    it('gives up after ten attempts on a peer', async function () {
      runner.respond = (call) => {
        if (orgOf(call) === nhsa) throw failure(call, 'Error: chaincode did not start');
        return '{}';
      };
      const error = await warmUpChaincode(fabric, topology, paths, 1).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect((error as Error).message).to.equal('peer chaincode failed: Error: chaincode did not start');
      expect(runner.calls.filter((call) => orgOf(call) === nhsa)).to.have.length(10);
    });
  });
});
