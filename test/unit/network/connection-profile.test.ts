import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionProfile, writeConnectionProfiles } from '../../../network/src/connection-profile';
import { connectionProfilePath, networkPaths, orgPaths, type NetworkPaths } from '../../../network/src/paths';
import { loadTopology } from '../../../network/src/topology';

describe('network: connection profiles', function () {
  const topology = loadTopology();
  let tmp: string;
  let paths: NetworkPaths;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'connection-profile-test-'));
    paths = networkPaths(tmp);
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  function writeCaCerts(): void {
    for (const org of topology.orgs) {
      const cert = orgPaths(paths, org).caCert;
      mkdirSync(path.dirname(cert), { recursive: true });
      writeFileSync(cert, `-----BEGIN CERTIFICATE-----\n${org.name}\n-----END CERTIFICATE-----\n`);
    }
  }

  it('writes one profile per organisation into its wallet folder: its own peer and CA certificate', function () {
    writeCaCerts();
    writeConnectionProfiles(topology, paths);
    expect(readdirSync(paths.walletDir).sort()).to.deep.equal(topology.orgs.map((org) => org.name).sort());
    for (const org of topology.orgs) {
      const file = connectionProfilePath(paths, org.name);
      expect(file).to.equal(path.join(paths.walletDir, org.name, 'connection.json'));
      const text = readFileSync(file, 'utf8');
      expect(text.endsWith('}\n')).to.equal(true);
      expect(JSON.parse(text)).to.deep.equal({
        org: org.name,
        mspId: org.mspId,
        peerEndpoint: `${org.host}:${org.peer.port}`,
        peerHostAlias: `peer0.${org.name}`,
        tlsRootCert: `-----BEGIN CERTIFICATE-----\n${org.name}\n-----END CERTIFICATE-----\n`,
        channel: 'catalog',
        chaincode: 'catalog',
      });
      expect(JSON.parse(text)).to.deep.equal(connectionProfile(topology, org, paths));
    }
  });

  it('rewrites a profile when the CA certificate changed', function () {
    writeCaCerts();
    writeConnectionProfiles(topology, paths);
    const [org] = topology.orgs;
    if (!org) throw new Error('empty topology');
    writeFileSync(orgPaths(paths, org).caCert, 'new cert');
    writeConnectionProfiles(topology, paths);
    const profile = JSON.parse(readFileSync(connectionProfilePath(paths, org.name), 'utf8')) as {
      tlsRootCert: string;
    };
    expect(profile.tlsRootCert).to.equal('new cert');
  });

  it('needs the CA certificate on disk', function () {
    expect(() => {
      writeConnectionProfiles(topology, paths);
    }).to.throw(/ENOENT.*ca-cert\.pem/);
  });
});
