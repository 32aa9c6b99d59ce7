/**
 * What an operator has to watch before it breaks: when every certificate of the network expires
 * (node TLS and enrolment certificates, the CAs' own, every wallet identity's), and how much room
 * each ledger folder has left. Pure functions over certificates and `statfs` figures, plus the
 * collection from the files of a running (or stopped) network, for `network:status`.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statfsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { displayPath, orgPaths, rootOf, walletEntry, type NetworkPaths } from './paths';
import { caName, ordererName, peerName, type OrgSpec, type Topology } from './topology';

/** Thresholds of the warnings `network:status` prints. */
export interface OperationsThresholds {
  /** Warn when a certificate has fewer than this many days left (default 30). */
  readonly certWarnDays: number;
  /** Warn when a ledger's file system has less than this share free, in percent (default 10). */
  readonly diskWarnPercent: number;
  /** Warn when a ledger's file system has less than this many GiB free (default 2). */
  readonly diskWarnGiB: number;
}

/** The defaults: 30 days, 10 %, 2 GiB. */
export const DEFAULT_THRESHOLDS: OperationsThresholds = {
  certWarnDays: 30,
  diskWarnPercent: 10,
  diskWarnGiB: 2,
};

const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

/** What a certificate is for. */
export type CertificateKind = 'tls' | 'enrolment' | 'ca' | 'identity';

/** One certificate file of the network and where it belongs. */
export interface CertificateSource {
  /** Node (`peer0.guangdong`, `orderer0.nhsa`, `ca.nhsa`) or wallet identity (`guangdong/admin`). */
  readonly owner: string;
  readonly org: string;
  readonly kind: CertificateKind;
  readonly file: string;
  /** Where the node serves this certificate (TLS certificates of nodes), to compare with the file. */
  readonly served?: { readonly host: string; readonly port: number };
}

/** A certificate's dates as `network:status` shows them. */
export interface CertificateDates {
  readonly subject: string;
  readonly serial: string;
  /** ISO 8601, UTC. */
  readonly notBefore: string;
  readonly notAfter: string;
  /** Whole days from `now` to notAfter (negative once expired). */
  readonly daysLeft: number;
  /** Why an operator should act, or null. */
  readonly warning: string | null;
}

/** One row of the certificate report (dates null when the file is missing or unreadable). */
export interface CertificateStatus {
  readonly owner: string;
  readonly org: string;
  readonly kind: CertificateKind;
  readonly file: string;
  readonly subject: string | null;
  readonly serial: string | null;
  readonly notBefore: string | null;
  readonly notAfter: string | null;
  readonly daysLeft: number | null;
  /** The certificate the running node presents on its TLS port (null: it did not answer). */
  readonly served?: { readonly serial: string; readonly notAfter: string } | null;
  readonly warning: string | null;
}

/** A certificate's dates and the warning under `warnDays`; throws for text that is no PEM certificate. */
export function certificateDates(pem: string | Buffer, now: Date, warnDays: number): CertificateDates {
  const certificate = new X509Certificate(pem);
  const notAfter = new Date(certificate.validTo);
  const notBefore = new Date(certificate.validFrom);
  const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  let warning: string | null = null;
  if (notAfter.getTime() <= now.getTime()) {
    warning = `EXPIRED ${String(-daysLeft)} day(s) ago`;
  } else if (notBefore.getTime() > now.getTime()) {
    warning = `not valid before ${notBefore.toISOString()}`;
  } else if (daysLeft < warnDays) {
    warning = `expires in ${String(daysLeft)} day(s) (< ${String(warnDays)}): renew`;
  }
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    serial: certificate.serialNumber,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft,
    warning,
  };
}

/**
 * Every certificate of `orgs`: for each peer and orderer its TLS and enrolment certificate, for each
 * CA its root certificate and the TLS certificate it serves, and every wallet identity's
 * certificate (what is in `wallet/<org>/`, not only what the topology lists).
 */
export function certificateSources(
  topology: Topology,
  paths: NetworkPaths,
  orgs: readonly OrgSpec[] = topology.orgs,
): CertificateSource[] {
  const sources: CertificateSource[] = [];
  for (const org of orgs) {
    const files = orgPaths(paths, org);
    const owner = caName(org);
    sources.push(
      { owner, org: org.mspId, kind: 'ca', file: files.caCert },
      {
        owner,
        org: org.mspId,
        kind: 'tls',
        file: path.join(files.caHome, 'tls-cert.pem'),
        served: { host: org.host, port: org.ca.port },
      },
    );
    const nodes: { name: string; msp: string; tls: string; port: number }[] = [
      { name: peerName(org), msp: files.peerMsp, tls: files.peerTls, port: org.peer.port },
    ];
    if (org.orderer) {
      nodes.push({
        name: ordererName(org),
        msp: files.ordererMsp,
        tls: files.ordererTls,
        port: org.orderer.port,
      });
    }
    for (const node of nodes) {
      sources.push(
        {
          owner: node.name,
          org: org.mspId,
          kind: 'tls',
          file: path.join(node.tls, 'server.crt'),
          served: { host: org.host, port: node.port },
        },
        {
          owner: node.name,
          org: org.mspId,
          kind: 'enrolment',
          file: path.join(node.msp, 'signcerts', 'cert.pem'),
        },
      );
    }
    const walletDir = path.join(paths.walletDir, org.name);
    const listed = org.identities.map((identity) => identity.name);
    const found = existsSync(walletDir)
      ? readdirSync(walletDir, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && /^[a-z][a-z0-9_-]*$/.test(entry.name))
          .map((entry) => entry.name)
      : [];
    for (const name of [...new Set([...listed, ...found.sort()])]) {
      sources.push({
        owner: `${org.name}/${name}`,
        org: org.mspId,
        kind: 'identity',
        file: walletEntry(paths, org.name, name).cert,
      });
    }
  }
  return sources;
}

/** The certificate a TLS server presents (its serial and notAfter), or null when it does not answer. */
export function servedCertificate(
  host: string,
  port: number,
  timeoutMs = 2_000,
): Promise<{ serial: string; notAfter: string } | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: { serial: string; notAfter: string } | null): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(value);
    };
    // Only the certificate is read (no trust decision is made from it): verification is off.
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      const certificate = socket.getPeerX509Certificate();
      finish(
        certificate
          ? { serial: certificate.serialNumber, notAfter: new Date(certificate.validTo).toISOString() }
          : null,
      );
    });
    socket.setTimeout(timeoutMs, () => {
      finish(null);
    });
    socket.on('error', () => {
      finish(null);
    });
  });
}

/** Options of {@link certificateStatus}. */
export interface CertificateStatusOptions {
  readonly now?: Date;
  readonly warnDays?: number;
  /** Ask each node's TLS port for the certificate it serves (default true). */
  readonly probeServed?: boolean;
}

/** The dates and warnings of every certificate in `sources`. */
export async function certificateStatus(
  sources: readonly CertificateSource[],
  paths: NetworkPaths,
  options: CertificateStatusOptions = {},
): Promise<CertificateStatus[]> {
  const now = options.now ?? new Date();
  const warnDays = options.warnDays ?? DEFAULT_THRESHOLDS.certWarnDays;
  const root = rootOf(paths);
  return Promise.all(
    sources.map(async (source): Promise<CertificateStatus> => {
      const base = {
        owner: source.owner,
        org: source.org,
        kind: source.kind,
        file: displayPath(source.file, root),
      };
      if (!existsSync(source.file)) {
        return {
          ...base,
          subject: null,
          serial: null,
          notBefore: null,
          notAfter: null,
          daysLeft: null,
          warning: 'missing',
        };
      }
      let dates: CertificateDates;
      try {
        dates = certificateDates(readFileSync(source.file), now, warnDays);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          ...base,
          subject: null,
          serial: null,
          notBefore: null,
          notAfter: null,
          daysLeft: null,
          warning: `unreadable (${reason})`,
        };
      }
      if (source.served === undefined || options.probeServed === false) return { ...base, ...dates };
      const served = await servedCertificate(source.served.host, source.served.port);
      let warning = dates.warning;
      if (served !== null && served.serial !== dates.serial) {
        const note = `serves another certificate (until ${served.notAfter.slice(0, 10)}): restart ${source.owner}`;
        warning = warning === null ? note : `${warning}; ${note}`;
      }
      return { ...base, ...dates, served, warning };
    }),
  );
}

/** The figures of `statfs` a report needs (block size, blocks, blocks available to us). */
export interface FsFigures {
  readonly bsize: number;
  readonly blocks: number;
  readonly bavail: number;
}

/** Free space of one file system, with the warning under `thresholds`. */
export interface SpaceFigures {
  readonly totalBytes: number;
  readonly freeBytes: number;
  /** Free share in percent, one decimal. */
  readonly freePercent: number;
  readonly warning: string | null;
}

/** Free bytes and share of `stats`, and a warning when under either threshold. */
export function spaceFigures(
  stats: FsFigures,
  thresholds: Pick<OperationsThresholds, 'diskWarnPercent' | 'diskWarnGiB'> = DEFAULT_THRESHOLDS,
): SpaceFigures {
  const totalBytes = stats.blocks * stats.bsize;
  const freeBytes = stats.bavail * stats.bsize;
  const freePercent = totalBytes > 0 ? Math.round((freeBytes / totalBytes) * 1000) / 10 : 0;
  const low: string[] = [];
  if (freePercent < thresholds.diskWarnPercent) low.push(`< ${String(thresholds.diskWarnPercent)} %`);
  if (freeBytes < thresholds.diskWarnGiB * GIB) low.push(`< ${String(thresholds.diskWarnGiB)} GiB`);
  return {
    totalBytes,
    freeBytes,
    freePercent,
    warning: low.length === 0 ? null : `low free space (${low.join(', ')})`,
  };
}

/** Bytes as `12.3 GiB`, `512 MiB`, `4.0 KiB`, `17 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit] ?? 'B'}`;
}

/** Total size of the regular files below `dir` (symbolic links not followed); 0 when missing. */
export function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const file = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) total += lstatSync(file).size;
    }
  };
  walk(dir);
  return total;
}

/** One ledger folder with the free space of its file system. */
export interface DiskStatus extends SpaceFigures {
  readonly node: string;
  readonly org: string;
  readonly folder: string;
  /** What the ledger itself takes. */
  readonly ledgerBytes: number;
}

/** A ledger folder of the network. */
export interface LedgerFolder {
  readonly node: string;
  readonly org: string;
  readonly dir: string;
}

/** The ledger folders of every peer and orderer of `orgs`. */
export function ledgerFolders(
  topology: Topology,
  paths: NetworkPaths,
  orgs: readonly OrgSpec[] = topology.orgs,
): LedgerFolder[] {
  const folders: LedgerFolder[] = [];
  for (const org of orgs) {
    const files = orgPaths(paths, org);
    if (org.orderer) folders.push({ node: ordererName(org), org: org.mspId, dir: files.ordererLedger });
    folders.push({ node: peerName(org), org: org.mspId, dir: files.peerLedger });
  }
  return folders;
}

/** `statfs` as {@link diskStatus} calls it; tests substitute it. */
export type StatFs = (dir: string) => FsFigures;

/**
 * Free space of each ledger folder's file system (`statfs` of the folder, or of its nearest
 * existing parent while the folder is not there yet, flagged `missing`), and the ledger's size.
 */
export function diskStatus(
  folders: readonly LedgerFolder[],
  paths: NetworkPaths,
  thresholds: Pick<OperationsThresholds, 'diskWarnPercent' | 'diskWarnGiB'> = DEFAULT_THRESHOLDS,
  statfs: StatFs = (dir) => statfsSync(dir),
): DiskStatus[] {
  const root = rootOf(paths);
  return folders.map((folder) => {
    let probe = folder.dir;
    while (!existsSync(probe) && path.dirname(probe) !== probe) probe = path.dirname(probe);
    const space = spaceFigures(statfs(probe), thresholds);
    const missing = probe !== folder.dir;
    const warning = missing
      ? ['ledger folder missing', space.warning].filter(Boolean).join('; ')
      : space.warning;
    return {
      node: folder.node,
      org: folder.org,
      folder: displayPath(folder.dir, root),
      ledgerBytes: folderBytes(folder.dir),
      ...space,
      warning,
    };
  });
}

/** The warnings of a report, one line each (`peer0.nhsa tls: expires in 12 day(s) …`). */
export function operationsWarnings(
  certificates: readonly CertificateStatus[],
  disks: readonly DiskStatus[],
): string[] {
  return [
    ...certificates
      .filter((entry) => entry.warning !== null)
      .map((entry) => `${entry.owner} ${entry.kind} certificate: ${entry.warning ?? ''}`),
    ...disks
      .filter((entry) => entry.warning !== null)
      .map((entry) => `${entry.node} ledger ${entry.folder}: ${entry.warning ?? ''}`),
  ];
}
