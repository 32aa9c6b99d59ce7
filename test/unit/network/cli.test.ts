import { expect } from 'chai';
import path from 'node:path';
import { failureMessage, main, NETWORK_CLI, type CliDeps } from '../../../network/src/cli';
import { FabricNotFoundError } from '../../../network/src/fabric-home';
import type { NetworkStatus } from '../../../network/src/network';
import { REPO_ROOT } from '../../../network/src/paths';
import type { BackupResult } from '../../../network/src/backup';
import type { RenewResult } from '../../../network/src/renew';
import { TopologyError } from '../../../network/src/topology';

const USAGE =
  'usage: network/src/cli.ts up | down [--purge] | status [--json] [--org <name>] [--cert-warn-days N] ' +
  '[--disk-warn-percent P] [--disk-warn-gib G] | deploy | renew --org <name> [--node peer|orderer|identities|all] [--json] | ' +
  'backup --org <name> --to <dir> | restore --org <name> --from <dir>\n';

const REPORT: Pick<NetworkStatus, 'certificates' | 'disks' | 'thresholds' | 'warnings'> = {
  certificates: [
    {
      owner: 'peer0.nhsa',
      org: 'NHSAMSP',
      kind: 'tls',
      file: 'network/data/orgs/nhsa/peer/tls/server.crt',
      subject: 'CN=peer0.nhsa',
      serial: '0A',
      notBefore: '2026-12-01T00:00:00.000Z',
      notAfter: '2027-12-01T00:00:00.000Z',
      daysLeft: 364,
      served: null,
      warning: null,
    },
    {
      owner: 'nhsa/admin',
      org: 'NHSAMSP',
      kind: 'identity',
      file: 'wallet/nhsa/admin/cert.pem',
      subject: null,
      serial: null,
      notBefore: null,
      notAfter: null,
      daysLeft: null,
      warning: 'missing',
    },
  ],
  disks: [
    {
      node: 'peer0.nhsa',
      org: 'NHSAMSP',
      folder: 'network/data/ledgers/peer0.nhsa',
      ledgerBytes: 3 * 1024 * 1024,
      totalBytes: 100 * 1024 ** 3,
      freeBytes: 5 * 1024 ** 3,
      freePercent: 5,
      warning: 'low free space (< 10 %)',
    },
  ],
  thresholds: { certWarnDays: 30, diskWarnPercent: 10, diskWarnGiB: 2 },
  warnings: [
    'nhsa/admin identity certificate: missing',
    'peer0.nhsa ledger network/data/ledgers/peer0.nhsa: low free space (< 10 %)',
  ],
};

const STATUS: NetworkStatus = {
  nodes: [
    {
      name: 'ca.nhsa',
      kind: 'ca',
      org: 'NHSAMSP',
      pid: 4242,
      healthy: true,
      health: 'OK',
      operations: '127.0.0.1:21055',
    },
    {
      name: 'peer0.nhsa',
      kind: 'peer',
      org: 'NHSAMSP',
      pid: null,
      healthy: false,
      health: 'unreachable (connect ECONNREFUSED 127.0.0.1:21053)',
      operations: '127.0.0.1:21053',
    },
  ],
  chaincode: null,
  chaincodeError: 'no healthy peer',
  ...REPORT,
};

const RENEWED: RenewResult = {
  org: 'guangdong',
  renewed: [
    {
      owner: 'peer0.guangdong',
      kind: 'tls',
      file: 'network/data/orgs/guangdong/peer/tls/signcerts/cert.pem',
      before: '2027-12-01T00:00:00.000Z',
      after: '2027-12-02T04:00:00.000Z',
      serial: '7F',
    },
  ],
  restarted: [{ node: 'peer0.guangdong', pid: 777, ms: 5400 }],
};

const BACKED_UP: BackupResult = {
  manifest: {
    org: 'shaanxi',
    mspId: 'ShaanxiMSP',
    nodes: ['peer0.shaanxi', 'ca.shaanxi'],
    createdAt: '2026-12-02T05:00:00.000Z',
    parts: [
      { name: 'peer-ledger', bytes: 25 * 1024 * 1024 },
      { name: 'ca-home', bytes: 200 * 1024 },
    ],
  },
  dir: '/backups/shaanxi',
  downtimeMs: 4200,
};

/** CLI dependencies that record what was asked and print into strings; nothing touches a network. */
function fakeDeps(overrides: Partial<CliDeps> = {}): {
  deps: CliDeps;
  calls: string[];
  out: () => string;
  err: () => string;
} {
  const calls: string[] = [];
  let out = '';
  let err = '';
  const deps: CliDeps = {
    up: () => {
      calls.push('up');
      return Promise.resolve();
    },
    down: (options) => {
      calls.push(`down purge=${String(options.purge)}`);
      return Promise.resolve(['peer0.nhsa', 'ca.nhsa']);
    },
    status: (options) => {
      calls.push(`status ${JSON.stringify(options)}`);
      return Promise.resolve(STATUS);
    },
    deploy: () => {
      calls.push('deploy');
      return Promise.resolve();
    },
    renew: (options) => {
      calls.push(`renew ${JSON.stringify(options)}`);
      return Promise.resolve(RENEWED);
    },
    backup: (options) => {
      calls.push(`backup ${JSON.stringify(options)}`);
      return Promise.resolve({ ...BACKED_UP, dir: options.dir });
    },
    restore: (options) => {
      calls.push(`restore ${JSON.stringify(options)}`);
      return Promise.resolve({ ...BACKED_UP, dir: options.dir, downtimeMs: 9000 });
    },
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    ...overrides,
  };
  return { deps, calls, out: () => out, err: () => err };
}

describe('network CLI (network/src/cli.ts) with the network operations injected', function () {
  it('by default runs the real network operations and prints to stdout and stderr', function () {
    expect(Object.keys(NETWORK_CLI).sort()).to.deep.equal([
      'backup',
      'deploy',
      'down',
      'err',
      'out',
      'renew',
      'restore',
      'status',
      'up',
    ]);
  });

  it('up and deploy run their operation and exit 0', async function () {
    const up = fakeDeps();
    expect(await main(['up'], up.deps)).to.equal(0);
    expect(up.calls).to.deep.equal(['up']);
    expect(up.out()).to.equal('network is up: run `npm run network:status` to see every node\n');
    const deploy = fakeDeps();
    expect(await main(['deploy'], deploy.deps)).to.equal(0);
    expect(deploy.calls).to.deep.equal(['deploy']);
    expect(deploy.out()).to.equal('');
  });

  it('down reports what it stopped; --purge says what it deleted', async function () {
    const plain = fakeDeps();
    expect(await main(['down'], plain.deps)).to.equal(0);
    expect(plain.calls).to.deep.equal(['down purge=false']);
    expect(plain.out()).to.equal('stopped 2 processes: peer0.nhsa, ca.nhsa\n');
    const purge = fakeDeps({ down: () => Promise.resolve([]) });
    expect(await main(['down', '--purge'], purge.deps)).to.equal(0);
    expect(purge.out()).to.equal('stopped 0 processes\npurged ledgers, crypto material, wallet and logs\n');
  });

  it('status prints a table and exits 1 while a node is unhealthy or no chaincode is committed', async function () {
    const run = fakeDeps();
    expect(await main(['status'], run.deps)).to.equal(1);
    expect(run.calls).to.deep.equal(['status {"thresholds":{}}']);
    const lines = run.out().split('\n');
    expect(lines[0]).to.match(/^NODE\s+ORG\s+PID\s+OPERATIONS\s+HEALTH$/);
    expect(run.out()).to.match(/ca\.nhsa\s+NHSAMSP\s+4242\s+127\.0\.0\.1:21055\s+OK/);
    expect(run.out()).to.match(
      /peer0\.nhsa\s+NHSAMSP\s+-\s+127\.0\.0\.1:21053\s+unreachable \(connect ECONNREFUSED/,
    );
    expect(run.out()).to.contain(
      '\n\n1/2 nodes healthy\nchaincode catalog: not committed (no healthy peer)\n',
    );

    const healthy: NetworkStatus = {
      nodes: STATUS.nodes.map((node) => ({ ...node, healthy: true, health: 'OK' })),
      chaincode: { version: 'abc123abc123', sequence: 3 },
      ...REPORT,
    };
    const good = fakeDeps({ status: () => Promise.resolve(healthy) });
    expect(await main(['status'], good.deps)).to.equal(0);
    expect(good.out()).to.contain('2/2 nodes healthy\nchaincode catalog: version abc123abc123, sequence 3\n');

    const noChaincode = fakeDeps({
      status: () => Promise.resolve({ ...healthy, chaincode: null }),
    });
    expect(await main(['status'], noChaincode.deps)).to.equal(1);
    expect(noChaincode.out()).to.contain('chaincode catalog: not committed\n');
  });

  it('status --json prints the status as JSON; --org passes the organisation on', async function () {
    const run = fakeDeps();
    expect(await main(['status', '--org', 'guangdong', '--json'], run.deps)).to.equal(1);
    expect(run.calls).to.deep.equal(['status {"org":"guangdong","thresholds":{}}']);
    expect(JSON.parse(run.out())).to.deep.equal(STATUS);
  });

  it('status prints every certificate with its notAfter and days left, every ledger folder with its free space, and the warnings', async function () {
    const run = fakeDeps();
    await main(['status'], run.deps);
    const out = run.out();
    expect(out).to.contain('\ncertificates (warning under 30 days left):\n');
    expect(out).to.match(/OWNER\s+KIND\s+NOT AFTER \(UTC\)\s+DAYS LEFT\s+STATUS/);
    expect(out).to.match(/peer0\.nhsa\s+tls\s+2027-12-01T00:00:00Z\s+364\s+ok/);
    expect(out).to.match(/nhsa\/admin\s+identity\s+-\s+-\s+WARNING missing/);
    expect(out).to.contain('\nledger folders (warning under 10 % or 2 GiB free):\n');
    expect(out).to.match(
      /peer0\.nhsa\s+network\/data\/ledgers\/peer0\.nhsa\s+3\.0 MiB\s+5\.0 GiB\s+100 GiB\s+5\.0 %\s+WARNING low free space \(< 10 %\)/,
    );
    expect(out).to.contain(
      '\n2 warning(s):\n  nhsa/admin identity certificate: missing\n  peer0.nhsa ledger network/data/ledgers/peer0.nhsa: low free space (< 10 %)\n',
    );
    const quiet = fakeDeps({
      status: () => Promise.resolve({ ...STATUS, warnings: [] }),
    });
    await main(['status'], quiet.deps);
    expect(quiet.out()).to.match(/\nno warnings\n$/);
  });

  it('status passes --cert-warn-days, --disk-warn-percent and --disk-warn-gib on as thresholds', async function () {
    const run = fakeDeps();
    await main(
      ['status', '--cert-warn-days', '400', '--disk-warn-percent', '12.5', '--disk-warn-gib', '0', '--json'],
      run.deps,
    );
    expect(run.calls).to.deep.equal([
      'status {"thresholds":{"certWarnDays":400,"diskWarnPercent":12.5,"diskWarnGiB":0}}',
    ]);
    for (const bad of ['-1', 'soon', '']) {
      const refused = fakeDeps();
      expect(await main(['status', '--cert-warn-days', bad], refused.deps)).to.equal(2);
      expect(refused.err()).to.equal(
        `--cert-warn-days needs a number >= 0, got ${JSON.stringify(bad)}\n${USAGE}`,
      );
      expect(refused.calls).to.deep.equal([]);
    }
  });

  it('renew --org X [--node N] renews and prints old and new notAfter and the restarted nodes; --json the result', async function () {
    const run = fakeDeps();
    expect(await main(['renew', '--org', 'guangdong', '--node', 'peer'], run.deps)).to.equal(0);
    expect(run.calls).to.deep.equal(['renew {"org":"guangdong","target":"peer"}']);
    expect(run.out()).to.match(/peer0\.guangdong\s+tls\s+2027-12-01T00:00:00Z\s+2027-12-02T04:00:00Z\s+7F/);
    expect(run.out()).to.contain('restarted peer0.guangdong (pid 777): healthy again after 5400 ms\n');
    const all = fakeDeps();
    expect(await main(['renew', '--org', 'nhsa', '--json'], all.deps)).to.equal(0);
    expect(all.calls).to.deep.equal(['renew {"org":"nhsa","target":"all"}']);
    expect(JSON.parse(all.out())).to.deep.equal(RENEWED);
    for (const [argv, message] of [
      [['renew'], 'renew needs --org <name>'],
      [['renew', '--org', 'nhsa', '--node', 'ca'], '--node must be one of peer, orderer, identities, all'],
      [['renew', '--node'], '--node needs a value'],
    ] as [string[], string][]) {
      const refused = fakeDeps();
      expect(await main(argv, refused.deps), argv.join(' ')).to.equal(2);
      expect(refused.err()).to.equal(`${message}\n${USAGE}`);
      expect(refused.calls).to.deep.equal([]);
    }
    const unknown = fakeDeps({
      renew: () => Promise.reject(new TopologyError('unknown organisation "hubei"; expected one of: nhsa')),
    });
    expect(await main(['renew', '--org', 'hubei'], unknown.deps)).to.equal(2);
    expect(unknown.err()).to.equal('network: unknown organisation "hubei"; expected one of: nhsa\n');
    const broken = fakeDeps({ renew: () => Promise.reject(new Error('fabric-ca-client reenroll failed')) });
    const error = await main(['renew', '--org', 'nhsa'], broken.deps).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as Error).message).to.equal('fabric-ca-client reenroll failed');
  });

  it('backup --org X --to DIR and restore --org X --from DIR say what they copied and how long the nodes were down', async function () {
    const backup = fakeDeps();
    expect(await main(['backup', '--org', 'shaanxi', '--to', '/backups/shaanxi'], backup.deps)).to.equal(0);
    expect(backup.calls).to.deep.equal(['backup {"org":"shaanxi","dir":"/backups/shaanxi"}']);
    expect(backup.out()).to.equal(
      'backed up peer0.shaanxi and ca.shaanxi (backup of 2026-12-02T05:00:00.000Z: peer-ledger 25.0 MiB, ca-home 200 KiB); down for 4200 ms\n',
    );
    const restore = fakeDeps();
    expect(await main(['restore', '--org', 'shaanxi', '--from', '/b', '--json'], restore.deps)).to.equal(0);
    expect(restore.calls).to.deep.equal(['restore {"org":"shaanxi","dir":"/b"}']);
    expect(JSON.parse(restore.out())).to.deep.equal({ ...BACKED_UP, dir: '/b', downtimeMs: 9000 });
    for (const [argv, message] of [
      [['backup', '--org', 'shaanxi'], 'backup needs --org <name> and --to <dir>'],
      [['restore', '--from', '/b'], 'restore needs --org <name> and --from <dir>'],
    ] as [string[], string][]) {
      const refused = fakeDeps();
      expect(await main(argv, refused.deps), argv.join(' ')).to.equal(2);
      expect(refused.err()).to.equal(`${message}\n${USAGE}`);
    }
    const unknown = fakeDeps({
      restore: () => Promise.reject(new TopologyError('unknown organisation "hubei"; expected one of: nhsa')),
    });
    expect(await main(['restore', '--org', 'hubei', '--from', '/b'], unknown.deps)).to.equal(2);
    expect(unknown.err()).to.equal('network: unknown organisation "hubei"; expected one of: nhsa\n');
    const broken = fakeDeps({ backup: () => Promise.reject(new Error('backup folder x is not empty')) });
    const error = await main(['backup', '--org', 'nhsa', '--to', 'x'], broken.deps).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as Error).message).to.equal('backup folder x is not empty');
  });

  it('usage errors exit 2 with the usage line', async function () {
    const cases: [string[], string][] = [
      [[], USAGE],
      [['start'], `unknown command start\n${USAGE}`],
      [['down', '--force'], `unknown option --force\n${USAGE}`],
      [['status', '--org'], `--org needs an organisation name\n${USAGE}`],
      [['status', '--org', '--json'], `--org needs an organisation name\n${USAGE}`],
    ];
    for (const [argv, message] of cases) {
      const run = fakeDeps();
      expect(await main(argv, run.deps), argv.join(' ')).to.equal(2);
      expect(run.err()).to.equal(message);
      expect(run.calls).to.deep.equal([]);
    }
  });

  it('an unknown organisation is a usage error; other status failures propagate', async function () {
    const unknown = fakeDeps({
      status: () => Promise.reject(new TopologyError('unknown organisation "hubei"; expected one of: nhsa')),
    });
    expect(await main(['status', '--org', 'hubei'], unknown.deps)).to.equal(2);
    expect(unknown.err()).to.equal('network: unknown organisation "hubei"; expected one of: nhsa\n');
    const broken = fakeDeps({ status: () => Promise.reject(new Error('disk full')) });
    const error = await main(['status'], broken.deps).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((error as Error).message).to.equal('disk full');
  });

  it('failure messages hide local paths unless NRDL_DEBUG is set, which adds the stack', function () {
    const error = new Error(`cannot read ${path.join(REPO_ROOT, 'network', 'data', 'x.pem')}`);
    expect(failureMessage(error, {})).to.equal('cannot read network/data/x.pem');
    const debug = failureMessage(error, { NRDL_DEBUG: '1' });
    expect(debug).to.contain(`cannot read ${path.join(REPO_ROOT, 'network', 'data', 'x.pem')}`);
    expect(debug).to.contain('\n    at ');
    const known = new FabricNotFoundError('no Fabric v3.1.5 found');
    expect(failureMessage(known, { NRDL_DEBUG: '1' })).to.equal('no Fabric v3.1.5 found');
    expect(failureMessage('plain text', {})).to.equal('plain text');
  });
});
