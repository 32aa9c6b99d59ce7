import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FabricNotFoundError,
  FabricVersionError,
  fabricCacheDir,
  findFabric,
  missingParts,
  parseVersionOutput,
  releaseUrls,
} from '../../../network/src/fabric-home';

/** Lays out a folder like Fabric's release archive whose binaries only answer `version`. */
function fakeInstall(root: string, peerVersion: string, caVersion = '1.5.21'): string {
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  mkdirSync(path.join(root, 'config'), { recursive: true });
  const script = (version: string): string =>
    `#!/bin/sh\necho "x:"\necho " Version: ${version}"\necho " Commit SHA: abc"\n`;
  for (const binary of ['peer', 'orderer', 'configtxgen', 'osnadmin', 'fabric-ca-client']) {
    writeFileSync(path.join(root, 'bin', binary), script(peerVersion));
    chmodSync(path.join(root, 'bin', binary), 0o755);
  }
  writeFileSync(path.join(root, 'bin', 'fabric-ca-server'), script(caVersion));
  chmodSync(path.join(root, 'bin', 'fabric-ca-server'), 0o755);
  writeFileSync(path.join(root, 'config', 'core.yaml'), 'peer: {}\n');
  writeFileSync(path.join(root, 'config', 'orderer.yaml'), 'General: {}\n');
  return root;
}

describe('finding Fabric', function () {
  let tmp: string;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fabric-home-test-'));
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('uses the per-user cache folder under XDG_CACHE_HOME or ~/.cache', function () {
    expect(fabricCacheDir({ XDG_CACHE_HOME: '/x/cache' })).to.equal('/x/cache/nrdl-catalog/fabric-v3.1.5');
    expect(fabricCacheDir({ HOME: '/home/u' })).to.equal('/home/u/.cache/nrdl-catalog/fabric-v3.1.5');
  });

  it('prefers FABRIC_HOME over the cache', async function () {
    const home = fakeInstall(path.join(tmp, 'home'), '3.1.5');
    fakeInstall(path.join(tmp, 'cache', 'nrdl-catalog', 'fabric-v3.1.5'), '3.1.5');
    const found = await findFabric({ env: { FABRIC_HOME: home, XDG_CACHE_HOME: path.join(tmp, 'cache') } });
    expect(found).to.include({ home, source: 'FABRIC_HOME', version: '3.1.5', caVersion: '1.5.21' });
    expect(found.binDir).to.equal(path.join(home, 'bin'));
  });

  it('falls back to the cache when FABRIC_HOME is incomplete', async function () {
    const cacheHome = fakeInstall(path.join(tmp, 'cache', 'nrdl-catalog', 'fabric-v3.1.5'), '3.1.5');
    const found = await findFabric({
      env: { FABRIC_HOME: '/nonexistent', XDG_CACHE_HOME: path.join(tmp, 'cache') },
    });
    expect(found).to.include({ home: cacheHome, source: 'cache' });
  });

  it('says what is missing and names FABRIC_HOME when nothing is found', async function () {
    const error = await findFabric({ env: { FABRIC_HOME: '/nonexistent', XDG_CACHE_HOME: tmp } }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(FabricNotFoundError);
    expect((error as Error).message).to.match(/no Fabric v3\.1\.5 found; set FABRIC_HOME/);
    expect((error as Error).message).to.include('missing bin/peer');
  });

  it('refuses a wrong Fabric version with a clear message', async function () {
    const home = fakeInstall(path.join(tmp, 'home'), '2.5.9');
    const error = await findFabric({ env: { FABRIC_HOME: home, XDG_CACHE_HOME: tmp } }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(FabricVersionError);
    expect((error as Error).message).to.include('is version 2.5.9, this project needs 3.1.5');
  });

  it('refuses a fabric-ca outside 1.5.x', async function () {
    const home = fakeInstall(path.join(tmp, 'home'), '3.1.5', '1.4.9');
    const error = await findFabric({ env: { FABRIC_HOME: home, XDG_CACHE_HOME: tmp } }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(FabricVersionError);
    expect((error as Error).message).to.include('fabric-ca');
  });

  it('fails fast with a FABRIC_HOME hint when the release download cannot be had', async function () {
    const started = performance.now();
    const error = await findFabric({
      env: { XDG_CACHE_HOME: tmp },
      download: true,
      urls: ['http://127.0.0.1:9/hyperledger-fabric.tar.gz'],
      downloadTimeoutMs: 5000,
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(FabricNotFoundError);
    expect((error as Error).message).to.match(/release download failed .*set FABRIC_HOME/);
    expect(performance.now() - started).to.be.lessThan(6000);
  });

  it('points the download at the official v3.1.5 and v1.5 release archives', function () {
    const [fabric, ca] = releaseUrls('linux', 'x64');
    expect(fabric).to.match(
      /hyperledger\/fabric\/releases\/download\/v3\.1\.5\/hyperledger-fabric-linux-amd64-3\.1\.5\.tar\.gz$/,
    );
    expect(ca).to.match(
      /hyperledger\/fabric-ca\/releases\/download\/v1\.5\.\d+\/hyperledger-fabric-ca-linux-amd64-1\.5\.\d+\.tar\.gz$/,
    );
  });

  it('parses the Version line of `peer version`', function () {
    expect(parseVersionOutput('peer:\n Version: 3.1.5\n Commit SHA: 86c1172\n')).to.equal('3.1.5');
    expect(parseVersionOutput('fabric-ca-server:\n Version: v1.5.21\n')).to.equal('1.5.21');
    expect(parseVersionOutput('garbage')).to.equal(null);
    expect(missingParts(path.join(tmp, 'none'))).to.include.members(['bin/peer', 'config/core.yaml']);
  });
});
