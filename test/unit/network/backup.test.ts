import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupOrg, backupParts, restoreOrg, type BackupOptions } from '../../../network/src/backup';
import type { NodeLauncher } from '../../../network/src/network';
import { networkPaths, orgPaths, type NetworkPaths } from '../../../network/src/paths';
import { isAlive, runningPid, startProcess, stopProcess } from '../../../network/src/processes';
import { findOrg, loadTopology } from '../../../network/src/topology';
import { put } from './support/certificates';
import { fabricAt, shiftPorts } from './support/fakes';

const SLEEPER = ['-e', 'setInterval(() => {}, 1000);'];

describe("network: backup and restore of an organisation's peer and CA (network/src/backup.ts)", function () {
  this.timeout(30_000);
  const topology = shiftPorts(loadTopology(), 1500);
  const shaanxi = findOrg(topology, 'shaanxi');
  let tmp: string;
  let paths: NetworkPaths;
  let started: string[];

  /** Starts a do-nothing process of this test for each node restarted, recorded by name. */
  const launcher: NodeLauncher = {
    start: (options) => {
      started.push(options.name);
      return startProcess({ ...options, command: process.execPath, args: SLEEPER });
    },
    waitHealthy: () => Promise.resolve(),
  };

  function sleeper(name: string): number {
    return startProcess({
      name,
      command: process.execPath,
      args: SLEEPER,
      env: process.env,
      pidDir: paths.pidDir,
      logDir: paths.logDir,
    }).pid;
  }

  function options(dir: string, extra: Partial<BackupOptions> = {}): BackupOptions {
    return { org: 'shaanxi', dir, paths, topology, fabric: fabricAt('/opt/fabric'), launcher, ...extra };
  }

  function layOut(): void {
    const files = orgPaths(paths, shaanxi);
    put(
      path.join(files.peerLedger, 'ledgersData', 'chains', 'chains', 'catalog', 'blockfile_000000'),
      'blocks 0-40',
    );
    put(path.join(files.peerTls, 'server.crt'), 'peer TLS');
    put(path.join(files.peerMsp, 'signcerts', 'cert.pem'), 'peer cert');
    put(path.join(files.orgMsp, 'cacerts', 'ca-cert.pem'), 'CA cert');
    put(path.join(files.registrarMsp, 'signcerts', 'cert.pem'), 'registrar');
    put(path.join(files.caHome, 'fabric-ca-server.db'), 'identities v1');
    put(path.join(paths.dataDir, 'ca-client', 'shaanxi', 'fabric-ca-client-config.yaml'), 'client');
    put(path.join(paths.walletDir, 'shaanxi', 'admin', 'cert.pem'), 'admin cert');
  }

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'backup-test-'));
    paths = networkPaths(path.join(tmp, 'repo'));
    started = [];
  });

  afterEach(async function () {
    for (const name of ['peer0.shaanxi', 'ca.shaanxi', 'peer0.nhsa'])
      await stopProcess(paths.pidDir, name, 1000);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('backupParts: the peer ledger and crypto, the org MSP and registrar, the CA and CA client homes, the wallet — no orderer folder', function () {
    const guangdong = findOrg(topology, 'guangdong');
    const parts = backupParts(guangdong, paths);
    expect(parts.map((part) => [part.name, path.relative(paths.dataDir, part.source)])).to.deep.equal([
      ['peer-ledger', 'ledgers/peer0.guangdong'],
      ['peer-crypto', 'orgs/guangdong/peer'],
      ['org-msp', 'orgs/guangdong/msp'],
      ['registrar', 'orgs/guangdong/registrar'],
      ['ca-home', 'ca/guangdong'],
      ['ca-client', 'ca-client/guangdong'],
      ['wallet', '../../wallet/guangdong'],
    ]);
    expect(parts.some((part) => part.source.includes('orderer'))).to.equal(false);
  });

  it('backupOrg stops the peer and the CA, copies their folders with a manifest, and starts both again (the others keep running)', async function () {
    layOut();
    const peer = sleeper('peer0.shaanxi');
    const ca = sleeper('ca.shaanxi');
    const other = sleeper('peer0.nhsa');
    const lines: string[] = [];
    const dir = path.join(tmp, 'backup');
    const done = await backupOrg(
      options(dir, { log: (l) => lines.push(l), now: new Date('2026-12-02T05:00:00Z') }),
    );
    expect(isAlive(peer) || isAlive(ca)).to.equal(false);
    expect(isAlive(other)).to.equal(true);
    expect(started).to.deep.equal(['ca.shaanxi', 'peer0.shaanxi']);
    expect(runningPid(paths.pidDir, 'peer0.shaanxi')).to.be.a('number');
    expect(lines).to.deep.equal([
      'peer0.shaanxi stopped',
      'ca.shaanxi stopped',
      `ca.shaanxi started again (pid ${String(runningPid(paths.pidDir, 'ca.shaanxi'))})`,
      `peer0.shaanxi started again (pid ${String(runningPid(paths.pidDir, 'peer0.shaanxi'))})`,
    ]);
    expect(done.manifest).to.deep.equal({
      org: 'shaanxi',
      mspId: 'ShaanxiMSP',
      nodes: ['peer0.shaanxi', 'ca.shaanxi'],
      createdAt: '2026-12-02T05:00:00.000Z',
      parts: [
        { name: 'peer-ledger', bytes: 11 },
        { name: 'peer-crypto', bytes: 17 },
        { name: 'org-msp', bytes: 7 },
        { name: 'registrar', bytes: 9 },
        { name: 'ca-home', bytes: 13 },
        { name: 'ca-client', bytes: 6 },
        { name: 'wallet', bytes: 10 },
      ],
    });
    expect(JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'))).to.deep.equal(done.manifest);
    expect(done.downtimeMs).to.be.a('number');
    expect(readFileSync(path.join(dir, 'ca-home', 'fabric-ca-server.db'), 'utf8')).to.equal('identities v1');

    const again = await backupOrg(options(dir)).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((again as Error).message).to.match(/^backup folder .*backup is not empty$/);
  });

  it('restoreOrg puts the folders back as they were at the backup, and starts the CA and the peer', async function () {
    layOut();
    const dir = path.join(tmp, 'backup');
    await backupOrg(options(dir));
    const files = orgPaths(paths, shaanxi);
    // later: more blocks, another identity; then the disk is lost
    put(
      path.join(files.peerLedger, 'ledgersData', 'chains', 'chains', 'catalog', 'blockfile_000001'),
      'blocks 41-60',
    );
    writeFileSync(path.join(files.caHome, 'fabric-ca-server.db'), 'identities v2');
    rmSync(files.peerLedger, { recursive: true, force: true });
    started = [];
    const done = await restoreOrg(options(dir));
    expect(started).to.deep.equal(['ca.shaanxi', 'peer0.shaanxi']);
    expect(done.manifest.org).to.equal('shaanxi');
    expect(readFileSync(path.join(files.caHome, 'fabric-ca-server.db'), 'utf8')).to.equal('identities v1');
    expect(
      existsSync(
        path.join(files.peerLedger, 'ledgersData', 'chains', 'chains', 'catalog', 'blockfile_000000'),
      ),
    ).to.equal(true);
    expect(
      existsSync(
        path.join(files.peerLedger, 'ledgersData', 'chains', 'chains', 'catalog', 'blockfile_000001'),
      ),
    ).to.equal(false);
  });

  it('refuses what it cannot do, before stopping anything', async function () {
    const nothing = await backupOrg(options(path.join(tmp, 'b1'))).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((nothing as Error).message).to.equal(
      'shaanxi has no peer-ledger at network/data/ledgers/peer0.shaanxi: nothing to back up',
    );
    layOut();
    const noBackup = await restoreOrg(options(path.join(tmp, 'b2'))).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((noBackup as Error).message).to.match(/^no backup in .*b2 \(manifest\.json missing\)$/);
    const dir = path.join(tmp, 'b3');
    await backupOrg(options(dir));
    started = [];
    const other = await restoreOrg(options(dir, { org: 'audit' })).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((other as Error).message).to.match(/is of shaanxi, not audit$/);
    rmSync(path.join(dir, 'wallet'), { recursive: true });
    const partial = await restoreOrg(options(dir)).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((partial as Error).message).to.match(/lacks wallet$/);
    expect(started).to.deep.equal([]);
  });
});
