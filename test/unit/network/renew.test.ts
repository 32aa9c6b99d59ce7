import { expect } from 'chai';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reenrollInvocation } from '../../../network/src/ca';
import { networkPaths, orgPaths, walletEntry, type NetworkPaths } from '../../../network/src/paths';
import { pruneKeystore, renewCertificates, type RenewOptions } from '../../../network/src/renew';
import { findOrg, loadTopology, TopologyError, type OrgSpec } from '../../../network/src/topology';
import { newKey, put, selfSigned } from './support/certificates';
import { argAfter, fabricAt, failure, line, ScriptedRunner, type Call } from './support/fakes';

function spkiOf(pem: string): string {
  return createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' }).toString('hex');
}

function certSpki(pem: string): string {
  return new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
}

/** Lays out an enrolled MSP folder (as fabric-ca-client leaves it) with a certificate valid `days` days. */
function enrolled(mspDir: string, cn: string, days: number): { cert: string; key: string } {
  const made = selfSigned(cn, days);
  put(path.join(mspDir, 'signcerts', 'cert.pem'), made.cert);
  put(path.join(mspDir, 'keystore', `old-${cn}_sk`), made.key);
  put(path.join(mspDir, 'cacerts', 'ca-cert.pem'), 'CA certificate\n');
  return made;
}

/**
 * Answers `fabric-ca-client reenroll` as the real one lays out its files: a new certificate (valid
 * a year) in signcerts/, the CA certificate again under its host-port name in cacerts/, and a new
 * key in keystore/ unless `--csr.keyrequest.reusekey` was given.
 */
function fakeReenroll(call: Call): string {
  if (call.bin !== 'fabric-ca-client' || call.args[0] !== 'reenroll')
    throw new Error(`unscripted: ${line(call)}`);
  const msp = argAfter(call, '--mspdir');
  const keystore = path.join(msp, 'keystore');
  const reuse = call.args.includes('--csr.keyrequest.reusekey');
  const [first] = readdirSync(keystore);
  const key = reuse && first !== undefined ? readFileSync(path.join(keystore, first), 'utf8') : newKey();
  const made = selfSigned('renewed', 365, key);
  writeFileSync(path.join(msp, 'signcerts', 'cert.pem'), made.cert);
  if (!reuse) writeFileSync(path.join(keystore, 'new_sk'), key, { mode: 0o644 });
  writeFileSync(path.join(msp, 'cacerts', '127-0-0-1-21154.pem'), 'CA certificate\n');
  return 'Stored client certificate\n';
}

describe('network: certificate renewal (network/src/renew.ts, scripted fabric-ca-client)', function () {
  this.timeout(60_000);
  const topology = loadTopology();
  const guangdong = findOrg(topology, 'guangdong');
  const shaanxi = findOrg(topology, 'shaanxi');
  const fabric = fabricAt('/opt/fabric');
  let tmp: string;
  let paths: NetworkPaths;
  let runner: ScriptedRunner;
  let restarted: string[];

  function layOut(org: OrgSpec): void {
    const files = orgPaths(paths, org);
    enrolled(files.peerMsp, `peer0.${org.name}`, 20);
    const tls = enrolled(files.peerTls, `peer0.${org.name}`, 20);
    put(path.join(files.peerTls, 'server.crt'), tls.cert);
    put(path.join(files.peerTls, 'server.key'), tls.key);
    if (org.orderer) {
      enrolled(files.ordererMsp, `orderer0.${org.name}`, 20);
      const otls = enrolled(files.ordererTls, `orderer0.${org.name}`, 20);
      put(path.join(files.ordererTls, 'server.crt'), otls.cert);
      put(path.join(files.ordererTls, 'server.key'), otls.key);
    }
    for (const identity of org.identities) {
      const entry = walletEntry(paths, org.name, identity.name);
      const made = enrolled(entry.msp, identity.name, 20);
      put(entry.cert, made.cert);
      put(entry.key, made.key);
    }
  }

  function options(extra: Partial<RenewOptions> & Pick<RenewOptions, 'target'>): RenewOptions {
    return {
      org: 'guangdong',
      paths,
      topology,
      fabric,
      restart: (name) => {
        restarted.push(name);
        return Promise.resolve({ pid: 4000 + restarted.length, ms: 1234 });
      },
      ...extra,
    };
  }

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'renew-test-'));
    paths = networkPaths(tmp);
    runner = new ScriptedRunner(fakeReenroll).install();
    restarted = [];
  });

  afterEach(function () {
    runner.restore();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('reenrollInvocation: authenticated by the certificate in --mspdir, no secret anywhere', function () {
    const run = reenrollInvocation(
      topology,
      guangdong,
      paths,
      { mspDir: '/m', hosts: '127.0.2.1,localhost,peer0.guangdong', tls: true, reuseKey: true },
      { FABRIC_CA_CLIENT_URL: 'https://x:secret@h', PATH: '/bin' },
    );
    expect(run.args).to.deep.equal([
      'reenroll',
      '-u',
      `https://127.0.2.1:${String(guangdong.ca.port)}`,
      '--tls.certfiles',
      orgPaths(paths, guangdong).caCert,
      '--mspdir',
      '/m',
      '--enrollment.profile',
      'tls',
      '--csr.hosts',
      '127.0.2.1,localhost,peer0.guangdong',
      '--csr.keyrequest.reusekey',
    ]);
    expect(run.env).to.deep.equal({
      PATH: '/bin',
      FABRIC_CA_CLIENT_HOME: path.join(paths.dataDir, 'ca-client', 'guangdong'),
    });
    expect(reenrollInvocation(topology, guangdong, paths, { mspDir: '/m' }).args).to.deep.equal([
      'reenroll',
      '-u',
      `https://127.0.2.1:${String(guangdong.ca.port)}`,
      '--tls.certfiles',
      orgPaths(paths, guangdong).caCert,
      '--mspdir',
      '/m',
    ]);
  });

  it("--node peer: re-enrols the peer's enrolment certificate (new key) and TLS certificate (same key), installs them, restarts the peer alone", async function () {
    layOut(guangdong);
    const files = orgPaths(paths, guangdong);
    const oldTlsKey = readFileSync(path.join(files.peerTls, 'server.key'), 'utf8');
    const oldSign = readFileSync(path.join(files.peerMsp, 'signcerts', 'cert.pem'), 'utf8');
    const lines: string[] = [];
    const result = await renewCertificates(options({ target: 'peer', log: (l) => lines.push(l) }));
    expect(
      runner.calls.map((call) => [
        argAfter(call, '--mspdir'),
        call.args.includes('--csr.keyrequest.reusekey'),
      ]),
    ).to.deep.equal([
      [files.peerMsp, false],
      [files.peerTls, true],
    ]);
    for (const call of runner.calls) {
      expect(argAfter(call, '--csr.hosts')).to.equal('127.0.2.1,localhost,peer0.guangdong');
      expect(call.env.FABRIC_CA_CLIENT_HOME).to.equal(path.join(paths.dataDir, 'ca-client', 'guangdong'));
    }
    expect(restarted).to.deep.equal(['peer0.guangdong']);
    expect(result.org).to.equal('guangdong');
    expect(result.restarted).to.deep.equal([{ node: 'peer0.guangdong', pid: 4001, ms: 1234 }]);
    expect(result.renewed.map((r) => [r.owner, r.kind, r.file])).to.deep.equal([
      ['peer0.guangdong', 'enrolment', 'network/data/orgs/guangdong/peer/msp/signcerts/cert.pem'],
      ['peer0.guangdong', 'tls', 'network/data/orgs/guangdong/peer/tls/signcerts/cert.pem'],
    ]);
    for (const renewed of result.renewed) {
      expect(new Date(renewed.after).getTime()).to.be.greaterThan(new Date(renewed.before).getTime());
      expect(renewed.serial).to.match(/^[0-9A-F]+$/);
    }
    // the enrolment certificate has a new key, the only one left in the keystore
    const newSign = readFileSync(path.join(files.peerMsp, 'signcerts', 'cert.pem'), 'utf8');
    expect(newSign).to.not.equal(oldSign);
    expect(readdirSync(path.join(files.peerMsp, 'keystore'))).to.deep.equal(['new_sk']);
    expect(spkiOf(readFileSync(path.join(files.peerMsp, 'keystore', 'new_sk'), 'utf8'))).to.equal(
      certSpki(newSign),
    );
    expect(statSync(path.join(files.peerMsp, 'keystore', 'new_sk')).mode & 0o777).to.equal(0o600);
    expect(readdirSync(path.join(files.peerMsp, 'cacerts'))).to.deep.equal(['ca-cert.pem']);
    // the TLS certificate keeps its key; server.crt is the new certificate
    const serverCrt = readFileSync(path.join(files.peerTls, 'server.crt'), 'utf8');
    expect(serverCrt).to.equal(readFileSync(path.join(files.peerTls, 'signcerts', 'cert.pem'), 'utf8'));
    expect(readFileSync(path.join(files.peerTls, 'server.key'), 'utf8')).to.equal(oldTlsKey);
    expect(certSpki(serverCrt)).to.equal(spkiOf(oldTlsKey));
    expect(statSync(path.join(files.peerTls, 'server.key')).mode & 0o777).to.equal(0o600);
    // nothing else was touched
    expect(existsSync(path.join(files.ordererTls, 'signcerts', 'cert.pem'))).to.equal(true);
    expect(lines[0]).to.match(/^peer0\.guangdong enrolment certificate renewed: valid until \d{4}-/);
    expect(lines).to.include('restarting peer0.guangdong alone; the other nodes keep serving');
    expect(lines.at(-1)).to.equal('peer0.guangdong healthy again (pid 4001) after 1234 ms');
  });

  it('--node all: the peer, then the orderer (each restarted on its own), then every wallet identity (no restart)', async function () {
    layOut(guangdong);
    const admin = walletEntry(paths, 'guangdong', 'admin');
    const oldAdmin = readFileSync(admin.cert, 'utf8');
    const result = await renewCertificates(options({ target: 'all' }));
    expect(restarted).to.deep.equal(['peer0.guangdong', 'orderer0.guangdong']);
    expect(result.renewed.map((r) => `${r.owner} ${r.kind}`)).to.deep.equal([
      'peer0.guangdong enrolment',
      'peer0.guangdong tls',
      'orderer0.guangdong enrolment',
      'orderer0.guangdong tls',
      'guangdong/admin identity',
      'guangdong/proposer identity',
      'guangdong/approver identity',
      'guangdong/hospital1 identity',
    ]);
    const newAdmin = readFileSync(admin.cert, 'utf8');
    expect(newAdmin).to.not.equal(oldAdmin);
    expect(newAdmin).to.equal(readFileSync(path.join(admin.msp, 'signcerts', 'cert.pem'), 'utf8'));
    expect(spkiOf(readFileSync(admin.key, 'utf8'))).to.equal(certSpki(newAdmin));
    expect(statSync(admin.key).mode & 0o777).to.equal(0o600);

    restarted = [];
    const identities = await renewCertificates(options({ target: 'identities' }));
    expect(restarted).to.deep.equal([]);
    expect(identities.restarted).to.deep.equal([]);
    expect(identities.renewed).to.have.length(4);
  });

  it('--node orderer for an organisation without one is refused; --node all there renews the peer only', async function () {
    layOut(shaanxi);
    const error = await renewCertificates(options({ org: 'shaanxi', target: 'orderer' })).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as Error).message).to.equal('shaanxi runs no orderer: renew --node peer or identities');
    expect(runner.calls).to.deep.equal([]);
    const all = await renewCertificates(options({ org: 'ShaanxiMSP', target: 'all' }));
    expect(restarted).to.deep.equal(['peer0.shaanxi']);
    expect(all.renewed).to.have.length(2 + shaanxi.identities.length);
    const unknown = await renewCertificates(options({ org: 'hubei', target: 'all' })).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(unknown).to.be.instanceOf(TopologyError);
  });

  it('a refused re-enrolment stops before any restart; a CA answering the same certificate is an error', async function () {
    layOut(guangdong);
    runner.respond = (call) => {
      throw failure(call, 'Error: Certificate has been revoked');
    };
    const refused = await renewCertificates(options({ target: 'peer' })).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((refused as Error).message).to.equal(
      'fabric-ca-client reenroll failed: Error: Certificate has been revoked',
    );
    expect(restarted).to.deep.equal([]);
    runner.respond = () => 'nothing changed\n';
    const same = await renewCertificates(options({ target: 'peer' })).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((same as Error).message).to.equal(
      'peer0.guangdong enrolment: the CA returned the same certificate',
    );
    expect(restarted).to.deep.equal([]);
  });

  it('pruneKeystore keeps the key of the certificate only, and fails when none matches', function () {
    const dir = path.join(tmp, 'keystore');
    const a = selfSigned('a', 10);
    const b = newKey();
    put(path.join(dir, 'a_sk'), a.key);
    put(path.join(dir, 'b_sk'), b);
    put(path.join(dir, 'junk_sk'), 'not a key');
    expect(pruneKeystore(dir, a.cert)).to.equal(path.join(dir, 'a_sk'));
    expect(readdirSync(dir)).to.deep.equal(['a_sk']);
    expect(() => pruneKeystore(dir, selfSigned('c', 10).cert)).to.throw(
      /no key in .* matches the renewed certificate/,
    );
  });
});
