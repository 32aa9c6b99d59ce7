import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import {
  certificateDates,
  certificateSources,
  certificateStatus,
  DEFAULT_THRESHOLDS,
  diskStatus,
  folderBytes,
  formatBytes,
  ledgerFolders,
  operationsWarnings,
  servedCertificate,
  spaceFigures,
  type FsFigures,
} from '../../../network/src/operations';
import { networkPaths, orgPaths, walletEntry, type NetworkPaths } from '../../../network/src/paths';
import { findOrg, loadTopology } from '../../../network/src/topology';
import { put, selfSigned } from './support/certificates';

const DAY = 86_400_000;
const GIB = 1024 ** 3;

describe('network: certificate expiry and ledger free space (network/src/operations.ts)', function () {
  const topology = loadTopology();
  const nhsa = findOrg(topology, 'nhsa');
  const shaanxi = findOrg(topology, 'shaanxi');
  let tmp: string;
  let paths: NetworkPaths;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'operations-test-'));
    paths = networkPaths(tmp);
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('certificateDates', function () {
    const year = selfSigned('peer0.nhsa', 365);
    const notAfter = new X509Certificate(year.cert).validTo;

    it('gives notAfter, notBefore, serial, subject and whole days left, no warning far from expiry', function () {
      const now = new Date();
      const dates = certificateDates(year.cert, now, 30);
      expect(dates.notAfter).to.equal(new Date(notAfter).toISOString());
      expect(new Date(dates.notBefore).getTime()).to.be.at.most(now.getTime());
      expect(dates.daysLeft).to.be.oneOf([364, 365]);
      expect(dates.subject).to.equal('CN=peer0.nhsa');
      expect(dates.serial).to.match(/^[0-9A-F]+$/);
      expect(dates.warning).to.equal(null);
    });

    it('warns under the threshold, and says when it expired or is not valid yet', function () {
      const expiry = new Date(notAfter).getTime();
      const soon = certificateDates(year.cert, new Date(expiry - 12 * DAY - 1000), 30);
      expect(soon.daysLeft).to.equal(12);
      expect(soon.warning).to.equal('expires in 12 day(s) (< 30): renew');
      expect(certificateDates(year.cert, new Date(expiry - 12 * DAY - 1000), 12).warning).to.equal(null);
      const expired = certificateDates(year.cert, new Date(expiry + 3 * DAY + 1000), 30);
      expect(expired.daysLeft).to.equal(-4);
      expect(expired.warning).to.equal('EXPIRED 4 day(s) ago');
      expect(certificateDates(year.cert, new Date(expiry), 30).warning).to.equal('EXPIRED 0 day(s) ago');
      const early = certificateDates(year.cert, new Date(Date.now() - 2 * DAY), 30);
      expect(early.warning).to.match(/^not valid before \d{4}-\d\d-\d\dT/);
    });

    it('refuses text that is no certificate', function () {
      expect(() => certificateDates('not a certificate', new Date(), 30)).to.throw();
    });
  });

  describe('certificateSources', function () {
    it('lists TLS and enrolment certificates of every peer and orderer, the CAs, and every wallet identity', function () {
      mkdirSync(path.join(paths.walletDir, 'nhsa', 'extra'), { recursive: true });
      mkdirSync(path.join(paths.walletDir, 'nhsa', 'Not-A-Name'), { recursive: true });
      writeFileSync(path.join(paths.walletDir, 'nhsa', 'connection.json'), '{}');
      const sources = certificateSources(topology, paths);
      const nhsaRows = sources.filter((source) => source.org === 'NHSAMSP');
      expect(nhsaRows.map((source) => [source.owner, source.kind])).to.deep.equal([
        ['ca.nhsa', 'ca'],
        ['ca.nhsa', 'tls'],
        ['peer0.nhsa', 'tls'],
        ['peer0.nhsa', 'enrolment'],
        ['orderer0.nhsa', 'tls'],
        ['orderer0.nhsa', 'enrolment'],
        ['nhsa/admin', 'identity'],
        ['nhsa/proposer', 'identity'],
        ['nhsa/approver', 'identity'],
        ['nhsa/extra', 'identity'],
      ]);
      const files = orgPaths(paths, nhsa);
      expect(nhsaRows.map((source) => source.file)).to.deep.equal([
        files.caCert,
        path.join(files.caHome, 'tls-cert.pem'),
        path.join(files.peerTls, 'server.crt'),
        path.join(files.peerMsp, 'signcerts', 'cert.pem'),
        path.join(files.ordererTls, 'server.crt'),
        path.join(files.ordererMsp, 'signcerts', 'cert.pem'),
        walletEntry(paths, 'nhsa', 'admin').cert,
        walletEntry(paths, 'nhsa', 'proposer').cert,
        walletEntry(paths, 'nhsa', 'approver').cert,
        walletEntry(paths, 'nhsa', 'extra').cert,
      ]);
      expect(nhsaRows.filter((source) => source.served).map((source) => source.served)).to.deep.equal([
        { host: '127.0.1.1', port: nhsa.ca.port },
        { host: '127.0.1.1', port: nhsa.peer.port },
        { host: '127.0.1.1', port: nhsa.orderer?.port },
      ]);
      // an organisation without an orderer has no orderer rows
      const only = certificateSources(topology, paths, [shaanxi]);
      expect(only.map((source) => source.owner)).to.not.include('orderer0.shaanxi');
      expect(only.filter((source) => source.kind !== 'identity')).to.have.length(4);
      expect(sources).to.have.length(
        topology.orgs.reduce((n, org) => n + 4 + (org.orderer ? 2 : 0) + org.identities.length, 0) + 1,
      );
    });
  });

  describe('certificateStatus', function () {
    it('reads each file (missing and unreadable ones flagged), relative paths only', async function () {
      const files = orgPaths(paths, nhsa);
      const good = selfSigned('peer0.nhsa', 20);
      put(path.join(files.peerMsp, 'signcerts', 'cert.pem'), good.cert);
      put(path.join(files.peerTls, 'server.crt'), 'garbage');
      const sources = certificateSources(topology, paths, [nhsa]).filter((s) => s.owner === 'peer0.nhsa');
      const status = await certificateStatus(sources, paths, { probeServed: false });
      expect(
        status.map((row) => [row.kind, row.file, row.daysLeft, row.warning?.split(' (')[0]]),
      ).to.deep.equal([
        ['tls', 'network/data/orgs/nhsa/peer/tls/server.crt', null, 'unreadable'],
        ['enrolment', 'network/data/orgs/nhsa/peer/msp/signcerts/cert.pem', 19, 'expires in 19 day(s)'],
      ]);
      const missing = await certificateStatus(certificateSources(topology, paths, [nhsa]).slice(0, 1), paths);
      expect(missing).to.deep.equal([
        {
          owner: 'ca.nhsa',
          org: 'NHSAMSP',
          kind: 'ca',
          file: 'network/data/ca/nhsa/ca-cert.pem',
          subject: null,
          serial: null,
          notBefore: null,
          notAfter: null,
          daysLeft: null,
          warning: 'missing',
        },
      ]);
      const lenient = await certificateStatus(sources.slice(1), paths, { warnDays: 10 });
      expect(lenient[0]?.warning).to.equal(null);
      expect(lenient[0]).to.not.have.property('served');
    });

    it('compares a TLS file with what the node serves: a renewed file the node does not serve yet is flagged', async function () {
      const served = selfSigned('peer0.nhsa', 365);
      const server = tls.createServer({ key: served.key, cert: served.cert }, (socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const file = path.join(tmp, 'server.crt');
        const source = {
          owner: 'peer0.nhsa',
          org: 'NHSAMSP',
          kind: 'tls' as const,
          file,
          served: { host: '127.0.0.1', port },
        };
        put(file, served.cert);
        const same = await certificateStatus([source], paths);
        const serial = new X509Certificate(served.cert).serialNumber;
        expect(same[0]?.served).to.deep.equal({
          serial,
          notAfter: new Date(new X509Certificate(served.cert).validTo).toISOString(),
        });
        expect(same[0]?.warning).to.equal(null);
        const renewed = selfSigned('peer0.nhsa', 400, served.key);
        put(file, renewed.cert);
        const stale = await certificateStatus([source], paths);
        expect(stale[0]?.serial).to.not.equal(serial);
        expect(stale[0]?.warning).to.match(
          /^serves another certificate \(until \d{4}-\d\d-\d\d\): restart peer0\.nhsa$/,
        );
        const both = await certificateStatus([source], paths, { warnDays: 500 });
        expect(both[0]?.warning).to.match(
          /^expires in 399 day\(s\) \(< 500\): renew; serves another certificate/,
        );
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('servedCertificate', function () {
    it('is null where nothing answers TLS, or nothing listens', async function () {
      const plain = net.createServer((socket) => {
        socket.resume();
        socket.end('HTTP/1.1 400 no tls\r\n\r\n');
      });
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      const port = (plain.address() as net.AddressInfo).port;
      try {
        expect(await servedCertificate('127.0.0.1', port)).to.equal(null);
      } finally {
        await new Promise((resolve) => plain.close(resolve));
      }
      expect(await servedCertificate('127.0.0.1', port)).to.equal(null);
      const held: net.Socket[] = [];
      const silent = net.createServer((socket) => held.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const quiet = (silent.address() as net.AddressInfo).port;
      try {
        expect(await servedCertificate('127.0.0.1', quiet, 200)).to.equal(null);
      } finally {
        for (const socket of held) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });

  describe('free space', function () {
    const fs = (freeGiB: number, totalGiB: number): FsFigures => ({
      bsize: 4096,
      blocks: (totalGiB * GIB) / 4096,
      bavail: (freeGiB * GIB) / 4096,
    });

    it('spaceFigures: bytes and share free, a warning under either threshold', function () {
      expect(spaceFigures(fs(50, 200))).to.deep.equal({
        totalBytes: 200 * GIB,
        freeBytes: 50 * GIB,
        freePercent: 25,
        warning: null,
      });
      expect(spaceFigures(fs(19, 200)).warning).to.equal('low free space (< 10 %)');
      expect(spaceFigures(fs(1.5, 10)).warning).to.equal('low free space (< 2 GiB)');
      expect(spaceFigures(fs(0.5, 100)).warning).to.equal('low free space (< 10 %, < 2 GiB)');
      expect(spaceFigures(fs(0.5, 100), { diskWarnPercent: 0, diskWarnGiB: 0 }).warning).to.equal(null);
      expect(spaceFigures({ bsize: 4096, blocks: 0, bavail: 0 }).freePercent).to.equal(0);
      expect(spaceFigures(fs(1, 3)).freePercent).to.equal(33.3);
      expect(DEFAULT_THRESHOLDS).to.deep.equal({ certWarnDays: 30, diskWarnPercent: 10, diskWarnGiB: 2 });
    });

    it('formatBytes', function () {
      expect(
        [17, 4096, 1536 * 1024, 512 * 1024 ** 2, 77.4 * GIB, 250 * GIB, 3 * 1024 ** 4].map(formatBytes),
      ).to.deep.equal(['17 B', '4.0 KiB', '1.5 MiB', '512 MiB', '77.4 GiB', '250 GiB', '3.0 TiB']);
    });

    it('diskStatus: statfs of each peer and orderer ledger folder, its size, a missing one flagged', function () {
      const files = orgPaths(paths, nhsa);
      put(path.join(files.peerLedger, 'ledgersData', 'chains', 'blockfile_000000'), 'x'.repeat(3000));
      put(path.join(files.peerLedger, 'ledgersData', 'stateLeveldb', 'CURRENT'), 'y'.repeat(48));
      const asked: string[] = [];
      const folders = ledgerFolders(topology, paths, [nhsa, shaanxi]);
      expect(folders.map((folder) => folder.node)).to.deep.equal([
        'orderer0.nhsa',
        'peer0.nhsa',
        'peer0.shaanxi',
      ]);
      const disks = diskStatus(folders, paths, { diskWarnPercent: 10, diskWarnGiB: 2 }, (dir) => {
        asked.push(path.relative(tmp, dir));
        return dir === files.peerLedger ? fs(5, 100) : fs(60, 100);
      });
      // a folder not there yet: statfs of its nearest existing parent
      expect(asked).to.deep.equal([
        'network/data/ledgers',
        'network/data/ledgers/peer0.nhsa',
        'network/data/ledgers',
      ]);
      expect(
        disks.map((disk) => [disk.node, disk.folder, disk.ledgerBytes, disk.freePercent, disk.warning]),
      ).to.deep.equal([
        ['orderer0.nhsa', 'network/data/ledgers/orderer0.nhsa', 0, 60, 'ledger folder missing'],
        ['peer0.nhsa', 'network/data/ledgers/peer0.nhsa', 3048, 5, 'low free space (< 10 %)'],
        ['peer0.shaanxi', 'network/data/ledgers/peer0.shaanxi', 0, 60, 'ledger folder missing'],
      ]);
      const real = diskStatus(ledgerFolders(topology, paths, [nhsa]).slice(1), paths);
      expect(real[0]?.totalBytes).to.be.greaterThan(0);
      expect(real[0]?.freeBytes)
        .to.be.greaterThan(0)
        .and.at.most(real[0]?.totalBytes ?? 0);
      expect(folderBytes(path.join(tmp, 'nothing'))).to.equal(0);
    });

    it('operationsWarnings: one line per certificate or ledger under its threshold', function () {
      const lines = operationsWarnings(
        [
          {
            owner: 'peer0.nhsa',
            org: 'NHSAMSP',
            kind: 'tls',
            file: 'f',
            subject: 'CN=x',
            serial: '1',
            notBefore: 'a',
            notAfter: 'b',
            daysLeft: 3,
            warning: 'expires in 3 day(s) (< 30): renew',
          },
          {
            owner: 'nhsa/admin',
            org: 'NHSAMSP',
            kind: 'identity',
            file: 'g',
            subject: 'CN=y',
            serial: '2',
            notBefore: 'a',
            notAfter: 'b',
            daysLeft: 300,
            warning: null,
          },
        ],
        [
          {
            node: 'peer0.nhsa',
            org: 'NHSAMSP',
            folder: 'network/data/ledgers/peer0.nhsa',
            ledgerBytes: 0,
            totalBytes: 1,
            freeBytes: 0,
            freePercent: 0,
            warning: 'low free space (< 10 %)',
          },
        ],
      );
      expect(lines).to.deep.equal([
        'peer0.nhsa tls certificate: expires in 3 day(s) (< 30): renew',
        'peer0.nhsa ledger network/data/ledgers/peer0.nhsa: low free space (< 10 %)',
      ]);
    });
  });
});
