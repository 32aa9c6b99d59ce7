import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PortTakenError, preflightPorts } from '../../../network/src/network';
import { networkPaths } from '../../../network/src/paths';
import { loadTopology, type Topology } from '../../../network/src/topology';

const REPO = path.resolve(__dirname, '..', '..', '..');

function shiftPorts(topology: Topology, by: number): Topology {
  const shift = <T extends object>(ports: T): T =>
    Object.fromEntries(Object.entries(ports).map(([key, value]) => [key, (value as number) + by])) as T;
  return {
    ...topology,
    orgs: topology.orgs.map((org) => ({
      ...org,
      ca: shift(org.ca),
      peer: shift(org.peer),
      ...(org.orderer ? { orderer: shift(org.orderer) } : {}),
    })),
  };
}

/**
 * Runs network/src/cli.ts in a process of its own. Type-checking is tsc's job (the test command
 * runs it); the child only transpiles, so a loaded machine does not spend the test's time compiling.
 */
function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(
    process.execPath,
    [require.resolve('ts-node/dist/bin.js'), path.join(REPO, 'network', 'src', 'cli.ts'), ...args],
    {
      cwd: REPO,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...env },
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT_MS,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** How long one CLI process may take (a shared 2-core machine under load is slow to start Node). */
const CHILD_TIMEOUT_MS = 120_000;

describe('network scripts refuse bad input', function () {
  this.timeout(2 * CHILD_TIMEOUT_MS + 10_000);
  let tmp: string;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'network-bad-input-'));
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses to start when a port of the plan is taken by another process, naming node and port', async function () {
    // Shift every port away from a network that may be running, then take one of them on NHSA's host.
    const base = shiftPorts(loadTopology(), 600);
    const [first, ...others] = base.orgs;
    if (!first) throw new Error('empty topology');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, first.host, resolve));
    const taken = (server.address() as net.AddressInfo).port;
    try {
      const topology: Topology = {
        ...base,
        orgs: [{ ...first, peer: { ...first.peer, chaincodePort: taken } }, ...others],
      };
      const error = await preflightPorts(topology, networkPaths(tmp)).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(PortTakenError);
      expect((error as Error).message).to.include(
        `port ${first.host}:${taken} (peer0.nhsa chaincode callbacks (TLS)) is already in use`,
      );
    } finally {
      server.close();
    }
  });

  it('network:up with a wrong Fabric version exits 1 at once with a clear message', function () {
    const home = path.join(tmp, 'fabric');
    mkdirSync(path.join(home, 'bin'), { recursive: true });
    mkdirSync(path.join(home, 'config'), { recursive: true });
    for (const binary of [
      'peer',
      'orderer',
      'configtxgen',
      'osnadmin',
      'fabric-ca-server',
      'fabric-ca-client',
    ]) {
      writeFileSync(path.join(home, 'bin', binary), '#!/bin/sh\necho " Version: 2.5.9"\n');
      chmodSync(path.join(home, 'bin', binary), 0o755);
    }
    writeFileSync(path.join(home, 'config', 'core.yaml'), '{}\n');
    writeFileSync(path.join(home, 'config', 'orderer.yaml'), '{}\n');
    const result = runCli(['up'], { FABRIC_HOME: home });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.include('is version 2.5.9, this project needs 3.1.5');
    // at once: refused in the first step, before any port is checked or node started
    expect(result.stdout).to.include('[1/8] find Fabric');
    expect(result.stdout).to.not.include('[2/8]');
  });

  it('network:status with an unknown organisation exits 2 naming the valid ones', function () {
    const result = runCli(['status', '--org', 'hubei'], {});
    expect(result.status).to.equal(2);
    expect(result.stderr).to.include('unknown organisation "hubei"; expected one of: nhsa, guangdong');
  });

  it('an unknown command or option is a usage error (exit 2)', function () {
    expect(runCli(['start'], {}).status).to.equal(2);
    expect(runCli(['down', '--force'], {}).status).to.equal(2);
  });
});
