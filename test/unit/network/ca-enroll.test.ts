import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caServerArgs, enrollOrg, initCa, nodeOuConfig } from '../../../network/src/ca';
import { networkPaths, orgPaths, walletEntry, type NetworkPaths } from '../../../network/src/paths';
import { findOrg, loadTopology } from '../../../network/src/topology';
import { argAfter, fabricAt, failure, fakeCa, line, ScriptedRunner, type Call } from './support/fakes';

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('network: CA initialisation and enrolment (scripted fabric-ca)', function () {
  const topology = loadTopology();
  const nhsa = findOrg(topology, 'nhsa');
  const shaanxi = findOrg(topology, 'shaanxi');
  const fabric = fabricAt('/opt/fabric');
  let tmp: string;
  let paths: NetworkPaths;
  let runner: ScriptedRunner;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ca-enroll-test-'));
    paths = networkPaths(tmp);
    runner = new ScriptedRunner(fakeCa().respond).install();
  });

  afterEach(function () {
    runner.restore();
    rmSync(tmp, { recursive: true, force: true });
  });

  function secrets(org = nhsa): Record<string, string> {
    return JSON.parse(readFileSync(path.join(orgPaths(paths, org).caHome, 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
  }

  function allSecrets(): string[] {
    return topology.orgs.flatMap((org) =>
      existsSync(path.join(orgPaths(paths, org).caHome, 'secrets.json')) ? Object.values(secrets(org)) : [],
    );
  }

  it('initCa runs init once with the bootstrap secret in its environment and makes the CA home private', async function () {
    await initCa(fabric, topology, nhsa, paths);
    expect(runner.calls).to.have.length(1);
    const [init] = runner.calls as [Call];
    expect(init.command).to.equal('/opt/fabric/bin/fabric-ca-server');
    expect(init.args).to.deep.equal(caServerArgs(topology, nhsa, paths, 'init'));
    const registrar = secrets().registrar ?? '';
    expect(registrar).to.match(/^[0-9a-f]{24}$/);
    expect(init.env.FABRIC_CA_SERVER_BOOT).to.equal(`registrar:${registrar}`);
    expect(line(init)).to.not.contain(registrar);
    const home = orgPaths(paths, nhsa).caHome;
    expect(mode(path.join(home, 'fabric-ca-server-config.yaml'))).to.equal(0o600);
    expect(mode(path.join(home, 'msp', 'keystore', 'ca_sk'))).to.equal(0o600);
    expect(mode(path.join(home, 'secrets.json'))).to.equal(0o600);

    await initCa(fabric, topology, nhsa, paths);
    expect(runner.calls, 'an initialised CA home is kept').to.have.length(1);
    expect(secrets().registrar).to.equal(registrar);
  });

  it('initCa failure names the CA and never shows the bootstrap secret', async function () {
    runner.respond = (call) => {
      throw failure(call, `Error: bad boot identity ${call.env.FABRIC_CA_SERVER_BOOT ?? ''}`);
    };
    const error = await initCa(fabric, topology, nhsa, paths).then(
      () => null,
      (caught: unknown) => caught,
    );
    const registrar = secrets().registrar ?? '';
    expect((error as Error).message).to.equal(
      'fabric-ca-server init of ca.nhsa failed: fabric-ca-server init failed: Error: bad boot identity registrar:***',
    );
    expect((error as Error).message).to.not.contain(registrar);
  });

  it('enrollOrg registers and enrols the nodes and identities, secrets only in the environment, keys at mode 600', async function () {
    await initCa(fabric, topology, nhsa, paths);
    runner.calls.length = 0;
    await enrollOrg(fabric, topology, nhsa, paths);
    const files = orgPaths(paths, nhsa);
    const hosts = (node: string): string => `127.0.1.1,localhost,${node}`;
    expect(
      runner.calls.map((call) => [
        call.args[0],
        call.args.includes('--id.name') ? argAfter(call, '--id.name') : argAfter(call, '--mspdir'),
      ]),
    ).to.deep.equal([
      ['enroll', files.registrarMsp],
      ['register', 'peer0.nhsa'],
      ['enroll', files.peerMsp],
      ['enroll', files.peerTls],
      ['register', 'orderer0.nhsa'],
      ['enroll', files.ordererMsp],
      ['enroll', files.ordererTls],
      ...nhsa.identities.flatMap((identity) => [
        ['register', identity.name],
        ['enroll', walletEntry(paths, 'nhsa', identity.name).msp],
      ]),
    ]);
    const byId = secrets();
    for (const call of runner.calls) {
      expect(call.command).to.equal('/opt/fabric/bin/fabric-ca-client');
      expect(call.env.FABRIC_CA_CLIENT_HOME).to.equal(path.join(paths.dataDir, 'ca-client', 'nhsa'));
      for (const secret of allSecrets()) expect(line(call)).to.not.contain(secret);
      if (call.args[0] === 'register') {
        const id = argAfter(call, '--id.name');
        expect(call.env.FABRIC_CA_CLIENT_ID_SECRET).to.equal(byId[id]);
        expect(argAfter(call, '--mspdir')).to.equal(files.registrarMsp);
      } else {
        const url = new URL(call.env.FABRIC_CA_CLIENT_URL ?? '');
        expect(url.host).to.equal(`127.0.1.1:${nhsa.ca.port}`);
        expect(url.password).to.equal(byId[url.username]);
      }
    }
    const peerEnroll = runner.calls.filter(
      (call) => call.args.includes(files.peerMsp) || call.args.includes(files.peerTls),
    );
    expect(peerEnroll.map((call) => call.args.slice(5))).to.deep.equal([
      ['--csr.hosts', hosts('peer0.nhsa')],
      ['--enrollment.profile', 'tls', '--csr.hosts', hosts('peer0.nhsa')],
    ]);
    const registrations = runner.calls.filter((call) => call.args[0] === 'register');
    expect(
      registrations.map((call) => [
        argAfter(call, '--id.name'),
        argAfter(call, '--id.type'),
        call.args.includes('--id.attrs') ? argAfter(call, '--id.attrs') : null,
      ]),
    ).to.deep.equal([
      ['peer0.nhsa', 'peer', null],
      ['orderer0.nhsa', 'orderer', null],
      ['admin', 'admin', 'catalog.role=admin:ecert'],
      ['proposer', 'client', 'catalog.role=proposer:ecert'],
      ['approver', 'client', 'catalog.role=approver:ecert'],
    ]);

    // the MSP and TLS folders the nodes read
    expect(readdirSync(path.join(files.peerMsp, 'cacerts'))).to.deep.equal(['ca-cert.pem']);
    expect(readFileSync(path.join(files.peerMsp, 'config.yaml'), 'utf8')).to.equal(
      nodeOuConfig('ca-cert.pem'),
    );
    expect(readFileSync(path.join(files.peerTls, 'server.crt'), 'utf8')).to.match(/^certificate \d+\n$/);
    expect(mode(path.join(files.peerTls, 'server.key'))).to.equal(0o600);
    expect(readFileSync(path.join(files.ordererTls, 'ca.crt'), 'utf8')).to.equal(
      'CA certificate of ca.nhsa\n',
    );
    for (const sub of ['cacerts', 'tlscacerts']) {
      expect(readFileSync(path.join(files.orgMsp, sub, 'ca-cert.pem'), 'utf8')).to.equal(
        'CA certificate of ca.nhsa\n',
      );
    }
    // wallet entries
    for (const identity of nhsa.identities) {
      const entry = walletEntry(paths, 'nhsa', identity.name);
      expect(JSON.parse(readFileSync(entry.meta, 'utf8'))).to.deep.equal({
        org: 'nhsa',
        name: identity.name,
        mspId: 'NHSAMSP',
        role: identity.role,
      });
      expect(readFileSync(entry.cert, 'utf8')).to.match(/^certificate \d+\n$/);
      expect(readFileSync(entry.key, 'utf8')).to.match(/^key \d+$/);
      expect(mode(entry.key)).to.equal(0o600);
      for (const key of readdirSync(path.join(entry.msp, 'keystore'))) {
        expect(mode(path.join(entry.msp, 'keystore', key))).to.equal(0o600);
      }
    }

    runner.calls.length = 0;
    await enrollOrg(fabric, topology, nhsa, paths);
    expect(runner.calls, 'everything enrolled already is skipped').to.deep.equal([]);
  });

  it('enrollOrg of an org without an orderer enrols only its peer, and tolerates identities registered before', async function () {
    await initCa(fabric, topology, shaanxi, paths);
    const ca = runner.respond;
    runner.respond = (call) => {
      if (call.args[0] === 'register' && argAfter(call, '--id.name') === 'approver') {
        throw failure(
          call,
          "Error: Response from server: Error Code: 74 - Identity 'approver' is already registered",
        );
      }
      return ca(call);
    };
    runner.calls.length = 0;
    await enrollOrg(fabric, topology, shaanxi, paths);
    const ids = runner.calls
      .filter((call) => call.args[0] === 'register')
      .map((call) => argAfter(call, '--id.name'));
    expect(ids).to.deep.equal(['peer0.shaanxi', ...shaanxi.identities.map((identity) => identity.name)]);
    expect(existsSync(walletEntry(paths, 'shaanxi', 'approver').meta)).to.equal(true);
    expect(existsSync(orgPaths(paths, shaanxi).ordererMsp)).to.equal(false);
  });

  it('enrollOrg stops on any other registration failure and on an enrolment that left no CA certificate', async function () {
    await initCa(fabric, topology, nhsa, paths);
    const ca = runner.respond;
    runner.respond = (call) => {
      if (call.args[0] === 'register') throw failure(call, 'Error: Authorization failure');
      return ca(call);
    };
    const refused = await enrollOrg(fabric, topology, nhsa, paths).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((refused as Error).message).to.equal(
      'fabric-ca-client register failed: Error: Authorization failure',
    );

    runner.respond = (call) => {
      const out = ca(call);
      if (call.args[0] === 'enroll' && argAfter(call, '--mspdir') === orgPaths(paths, nhsa).peerMsp) {
        rmSync(path.join(argAfter(call, '--mspdir'), 'cacerts', '127-0-0-1-7054.pem'));
      }
      return out;
    };
    const broken = await enrollOrg(fabric, topology, nhsa, paths).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((broken as Error).message).to.equal(
      'enrolment left no CA certificate in network/data/orgs/nhsa/peer/msp/cacerts',
    );
  });
});
