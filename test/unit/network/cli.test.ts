import { expect } from 'chai';
import path from 'node:path';
import { failureMessage, main, NETWORK_CLI, type CliDeps } from '../../../network/src/cli';
import { FabricNotFoundError } from '../../../network/src/fabric-home';
import type { NetworkStatus } from '../../../network/src/network';
import { REPO_ROOT } from '../../../network/src/paths';
import { TopologyError } from '../../../network/src/topology';

const USAGE = 'usage: network/src/cli.ts up | down [--purge] | status [--json] [--org <name>] | deploy\n';

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
    expect(Object.keys(NETWORK_CLI).sort()).to.deep.equal(['deploy', 'down', 'err', 'out', 'status', 'up']);
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
    expect(run.calls).to.deep.equal(['status {}']);
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
    };
    const good = fakeDeps({ status: () => Promise.resolve(healthy) });
    expect(await main(['status'], good.deps)).to.equal(0);
    expect(good.out()).to.contain('2/2 nodes healthy\nchaincode catalog: version abc123abc123, sequence 3\n');

    const noChaincode = fakeDeps({
      status: () => Promise.resolve({ nodes: healthy.nodes, chaincode: null }),
    });
    expect(await main(['status'], noChaincode.deps)).to.equal(1);
    expect(noChaincode.out()).to.contain('chaincode catalog: not committed\n');
  });

  it('status --json prints the status as JSON; --org passes the organisation on', async function () {
    const run = fakeDeps();
    expect(await main(['status', '--org', 'guangdong', '--json'], run.deps)).to.equal(1);
    expect(run.calls).to.deep.equal(['status {"org":"guangdong"}']);
    expect(JSON.parse(run.out())).to.deep.equal(STATUS);
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
