import { expect } from 'chai';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  caServerArgs,
  caServerEnv,
  enrollInvocation,
  isPrivateKeyFile,
  registerInvocation,
  restrictCaHome,
  restrictKeyModes,
  writeSecretFile,
} from '../../../network/src/ca';
import { networkPaths, orgPaths, type NetworkPaths } from '../../../network/src/paths';
import { findOrg, loadTopology } from '../../../network/src/topology';

function mode(file: string): number {
  return statSync(file).mode & 0o777;
}

describe('Fabric CA secrets and key files', function () {
  const topology = loadTopology();
  const org = findOrg(topology, 'guangdong');
  let tmp: string;
  let paths: NetworkPaths;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ca-test-'));
    paths = networkPaths(tmp);
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  function registrarSecret(): string {
    const file = path.join(orgPaths(paths, org).caHome, 'secrets.json');
    const secret = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)['registrar'];
    expect(secret).to.be.a('string').with.length.greaterThan(8);
    return secret ?? '';
  }

  it('fabric-ca-server gets the bootstrap password in the environment of init only, never as an argument', function () {
    const init = caServerEnv(org, paths, 'init', { PATH: '/bin', FABRIC_CA_SERVER_BOOT: 'x:y' });
    const secret = registrarSecret();
    expect(init['FABRIC_CA_SERVER_BOOT']).to.equal(`registrar:${secret}`);
    expect(init['PATH']).to.equal('/bin');
    const start = caServerEnv(org, paths, 'start', { FABRIC_CA_SERVER_BOOT: 'x:y' });
    expect(start).to.not.have.property('FABRIC_CA_SERVER_BOOT');
    for (const command of ['init', 'start'] as const) {
      const args = caServerArgs(topology, org, paths, command);
      expect(args[0]).to.equal(command);
      expect(args.join(' ')).to.not.contain(secret);
      expect(args).to.not.include('--boot').and.not.include('-b');
    }
  });

  it('fabric-ca-client enroll gets the secret in FABRIC_CA_CLIENT_URL, not in its arguments', function () {
    const run = enrollInvocation(
      topology,
      org,
      paths,
      { id: 'approver', secret: 's3cr3t-value', mspDir: '/m', extra: ['--csr.hosts', 'x'] },
      { PATH: '/bin', FABRIC_CA_CLIENT_URL: 'https://evil@elsewhere', FABRIC_CA_CLIENT_ID_SECRET: 'old' },
    );
    expect(run.args.join(' ')).to.not.contain('s3cr3t-value');
    expect(run.args).to.not.include('-u').and.not.include('--url');
    expect(run.args.slice(0, 1)).to.deep.equal(['enroll']);
    expect(run.args).to.include('--csr.hosts');
    expect(run.env['FABRIC_CA_CLIENT_URL']).to.equal(
      `https://approver:s3cr3t-value@${org.host}:${org.ca.port}`,
    );
    expect(run.env).to.not.have.property('FABRIC_CA_CLIENT_ID_SECRET');
    expect(run.env['FABRIC_CA_CLIENT_HOME']).to.equal(path.join(paths.dataDir, 'ca-client', org.name));
    expect(run.env['PATH']).to.equal('/bin');
  });

  it('fabric-ca-client register gets the new secret in FABRIC_CA_CLIENT_ID_SECRET, not in its arguments', function () {
    const run = registerInvocation(
      topology,
      org,
      paths,
      { id: 'approver', secret: 's3cr3t-value', type: 'client', role: 'approver' },
      { FABRIC_CA_CLIENT_URL: 'https://a:b@c' },
    );
    expect(run.args.join(' ')).to.not.contain('s3cr3t-value');
    expect(run.args).to.not.include('--id.secret');
    expect(run.args).to.include('-u').and.include(`https://${org.host}:${org.ca.port}`);
    expect(run.args.join(' ')).to.not.contain('@');
    expect(run.env['FABRIC_CA_CLIENT_ID_SECRET']).to.equal('s3cr3t-value');
    expect(run.env).to.not.have.property('FABRIC_CA_CLIENT_URL');
  });

  it('keeps the enrolment secrets file at mode 600, also when it existed with a looser mode', function () {
    const file = path.join(orgPaths(paths, org).caHome, 'secrets.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{}', { mode: 0o644 });
    chmodSync(file, 0o644);
    caServerEnv(org, paths, 'init');
    expect(mode(file)).to.equal(0o600);
    const other = path.join(tmp, 'other.json');
    writeFileSync(other, 'x', { mode: 0o666 });
    writeSecretFile(other, 'y');
    expect(mode(other)).to.equal(0o600);
    expect(readFileSync(other, 'utf8')).to.equal('y');
  });

  it('recognises private key files by name and location', function () {
    for (const file of [
      'w/key.pem',
      'tls/server.key',
      'msp/keystore/abc_sk',
      'ca/msp/keystore/IssuerSecretKey',
    ]) {
      expect(isPrivateKeyFile(file), file).to.equal(true);
    }
    for (const file of ['w/cert.pem', 'tls/server.crt', 'msp/signcerts/cert.pem', 'ca/ca-cert.pem']) {
      expect(isPrivateKeyFile(file), file).to.equal(false);
    }
  });

  it('restricts every private key below a folder to mode 600 and leaves certificates alone', function () {
    const root = path.join(tmp, 'tree');
    const files = {
      walletKey: path.join(root, 'wallet', 'guangdong', 'approver', 'key.pem'),
      walletCert: path.join(root, 'wallet', 'guangdong', 'approver', 'cert.pem'),
      sk: path.join(root, 'orgs', 'guangdong', 'peer', 'msp', 'keystore', 'abc_sk'),
      tlsKey: path.join(root, 'orgs', 'guangdong', 'peer', 'tls', 'server.key'),
      tlsCert: path.join(root, 'orgs', 'guangdong', 'peer', 'tls', 'server.crt'),
    };
    for (const file of Object.values(files)) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'x');
      chmodSync(file, 0o644);
    }
    const outside = path.join(tmp, 'outside-key.pem');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, path.join(root, 'wallet', 'key.pem'));
    const changed = restrictKeyModes(root);
    expect(changed.sort()).to.deep.equal([files.walletKey, files.sk, files.tlsKey].sort());
    expect(mode(files.walletKey)).to.equal(0o600);
    expect(mode(files.sk)).to.equal(0o600);
    expect(mode(files.tlsKey)).to.equal(0o600);
    expect(mode(files.walletCert)).to.equal(0o644);
    expect(mode(files.tlsCert)).to.equal(0o644);
    expect(mode(outside), 'symbolic links are not followed').to.equal(0o644);
    expect(restrictKeyModes(root)).to.deep.equal([]);
    expect(restrictKeyModes(path.join(tmp, 'missing'))).to.deep.equal([]);
  });

  it('makes the CA home private: keys, the config with the bootstrap password, the database', function () {
    const home = orgPaths(paths, org).caHome;
    const files = [
      path.join(home, 'fabric-ca-server-config.yaml'),
      path.join(home, 'fabric-ca-server.db'),
      path.join(home, 'msp', 'keystore', 'abc_sk'),
      path.join(home, 'msp', 'keystore', 'IssuerSecretKey'),
    ];
    for (const file of [...files, path.join(home, 'ca-cert.pem')]) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'x');
      chmodSync(file, 0o644);
    }
    restrictCaHome(paths, org);
    for (const file of files) expect(mode(file), file).to.equal(0o600);
    expect(mode(path.join(home, 'ca-cert.pem'))).to.equal(0o644);
  });
});
