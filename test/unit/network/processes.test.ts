import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  gossipPeersKnown,
  isAlive,
  logTail,
  peerLedgerHeight,
  peersKnownIn,
  portInUse,
  probeHealth,
  runningPid,
  startProcess,
  stopProcess,
  trackedProcesses,
  waitGossipMembership,
  waitPeersInStep,
  waitHealthy,
  type ManagedProcess,
} from '../../../network/src/processes';

/** A PID that belonged to a process of ours which has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn');
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

/** A local HTTP server answering /healthz with `status`; resolves with its port and a closer. */
async function healthServer(
  status: number,
  body: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((request, response) => {
    response.writeHead(request.url === '/healthz' ? status : 404);
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('network: node processes and PID files (only processes the test spawns)', function () {
  let tmp: string;
  let pidDir: string;
  let logDir: string;
  const spawned: number[] = [];

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'processes-test-'));
    pidDir = path.join(tmp, 'pids');
    logDir = path.join(tmp, 'logs');
  });

  afterEach(function () {
    for (const pid of spawned.splice(0)) {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  function sleeper(
    name: string,
    script = 'console.log("started"); setInterval(() => {}, 1000);',
  ): ManagedProcess {
    const proc = startProcess({
      name,
      command: process.execPath,
      args: ['-e', script],
      env: { ...process.env, MARKER: 'from-env' },
      pidDir,
      logDir,
    });
    spawned.push(proc.pid);
    return proc;
  }

  async function logged(name: string, text: string): Promise<void> {
    const file = path.join(logDir, `${name}.log`);
    for (let i = 0; i < 100; i += 1) {
      if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return;
      await sleep(50);
    }
    throw new Error(`${name} never logged ${text}`);
  }

  it('isAlive tells a running process from one that exited', async function () {
    expect(isAlive(process.pid)).to.equal(true);
    expect(isAlive(1), 'init exists (EPERM still means alive)').to.equal(true);
    expect(isAlive(await deadPid())).to.equal(false);
  });

  it('starts a detached process with its PID file and log, finds it running, and stops it', async function () {
    const proc = sleeper('peer0.test', 'console.log(process.env.MARKER); setInterval(() => {}, 1000);');
    expect(proc.name).to.equal('peer0.test');
    expect(readFileSync(path.join(pidDir, 'peer0.test.pid'), 'utf8')).to.equal(`${proc.pid}\n`);
    expect(runningPid(pidDir, 'peer0.test')).to.equal(proc.pid);
    expect(trackedProcesses(pidDir)).to.deep.equal([{ name: 'peer0.test', pid: proc.pid }]);
    await logged('peer0.test', 'from-env');
    expect(logTail(logDir, 'peer0.test')).to.equal('from-env');

    expect(await stopProcess(pidDir, 'peer0.test')).to.equal(true);
    expect(isAlive(proc.pid)).to.equal(false);
    expect(existsSync(path.join(pidDir, 'peer0.test.pid'))).to.equal(false);
    expect(runningPid(pidDir, 'peer0.test')).to.equal(null);
    expect(await stopProcess(pidDir, 'peer0.test'), 'nothing left to stop').to.equal(false);
  });

  it('kills a process that ignores SIGTERM once the grace period is over', async function () {
    const proc = sleeper(
      'stubborn',
      'process.on("SIGTERM", () => console.log("ignoring")); console.log("ready"); setInterval(() => {}, 1000);',
    );
    await logged('stubborn', 'ready');
    const started = Date.now();
    expect(await stopProcess(pidDir, 'stubborn', 300)).to.equal(true);
    expect(Date.now() - started).to.be.at.least(250);
    expect(isAlive(proc.pid)).to.equal(false);
    expect(readFileSync(path.join(logDir, 'stubborn.log'), 'utf8')).to.include('ignoring');
  });

  it('treats stale or unreadable PID files as not running and removes them on stop', async function () {
    mkdirSync(pidDir, { recursive: true });
    const dead = await deadPid();
    writeFileSync(path.join(pidDir, 'stale.pid'), `${dead}\n`);
    writeFileSync(path.join(pidDir, 'garbage.pid'), 'not a pid\n');
    writeFileSync(path.join(pidDir, 'notes.txt'), 'not a PID file');
    expect(runningPid(pidDir, 'stale')).to.equal(null);
    expect(runningPid(pidDir, 'garbage')).to.equal(null);
    expect(runningPid(pidDir, 'missing')).to.equal(null);
    expect(trackedProcesses(pidDir).sort((a, b) => a.name.localeCompare(b.name))).to.deep.equal([
      { name: 'garbage', pid: Number.NaN },
      { name: 'stale', pid: dead },
    ]);
    expect(await stopProcess(pidDir, 'stale')).to.equal(false);
    expect(await stopProcess(pidDir, 'garbage')).to.equal(false);
    expect(trackedProcesses(pidDir)).to.deep.equal([]);
    expect(trackedProcesses(path.join(tmp, 'no-such-dir'))).to.deep.equal([]);
  });

  it('portInUse sees a listener and a free port', async function () {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    expect(await portInUse(port)).to.equal(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await portInUse(port, '127.0.0.1')).to.equal(false);
  });

  it('probeHealth reports OK, an unhealthy answer with its body, and an unreachable node', async function () {
    const ok = await healthServer(200, 'OK');
    const sick = await healthServer(503, '{"status":"Service Unavailable"}\n');
    try {
      expect(await probeHealth('127.0.0.1', ok.port)).to.deep.equal({ ok: true, detail: 'OK' });
      expect(await probeHealth('127.0.0.1', sick.port)).to.deep.equal({
        ok: false,
        detail: 'HTTP 503 {"status":"Service Unavailable"}',
      });
    } finally {
      await ok.close();
      await sick.close();
    }
    const closed = await freePort();
    const down = await probeHealth('127.0.0.1', closed);
    expect(down.ok).to.equal(false);
    expect(down.detail).to.equal(`unreachable (connect ECONNREFUSED 127.0.0.1:${closed})`);
  });

  it("gossipPeersKnown reads the channel's gossip membership from /metrics; waitGossipMembership waits for the count, or gives up at its deadline", async function () {
    const exposition = (count: number): string =>
      '# HELP gossip_membership_total_peers_known Total known peers\n' +
      '# TYPE gossip_membership_total_peers_known gauge\n' +
      'gossip_membership_total_peers_known{channel="other"} 9\n' +
      `gossip_membership_total_peers_known{channel="catalog"} ${String(count)}\n`;
    expect(peersKnownIn(exposition(3), 'catalog')).to.equal(3);
    expect(peersKnownIn(exposition(3), 'other')).to.equal(9);
    expect(peersKnownIn(exposition(3), 'absent')).to.equal(null);
    expect(peersKnownIn('gossip_membership_total_peers_known{channel="catalog"} NaN', 'catalog')).to.equal(
      null,
    );

    let answered = 0;
    let status = 200;
    const server = http.createServer((request, response) => {
      answered += 1;
      response.writeHead(request.url === '/metrics' ? status : 404);
      // the count grows by one per scrape: 1, 2, 3, …
      response.end(exposition(answered));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await gossipPeersKnown('127.0.0.1', port, 'catalog')).to.equal(1);
      expect(await waitGossipMembership('127.0.0.1', port, 'catalog', 3, 10_000)).to.equal(3);
      expect(answered).to.equal(3);
      // a channel the peer never reports: the last count (none) once the deadline passes
      const started = Date.now();
      expect(await waitGossipMembership('127.0.0.1', port, 'absent', 1, 700)).to.equal(null);
      expect(Date.now() - started).to.be.at.least(700);
      status = 500;
      expect(await gossipPeersKnown('127.0.0.1', port, 'catalog')).to.equal(null);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(await gossipPeersKnown('127.0.0.1', await freePort(), 'catalog')).to.equal(null);
  });

  it("peerLedgerHeight reads a peer's channel height from /metrics; waitPeersInStep waits until every peer reports the same one", async function () {
    const exposition = (height: number): string =>
      '# TYPE ledger_blockchain_height gauge\n' +
      'ledger_blockchain_height{channel="other"} 2\n' +
      `ledger_blockchain_height{channel="catalog"} ${String(height)}\n`;
    // one peer at 10; the other starts at 7 and gains a block per scrape
    let lagging = 7;
    const serve = (height: () => number): http.Server =>
      http.createServer((_request, response) => {
        response.writeHead(200);
        response.end(exposition(height()));
      });
    const ahead = serve(() => 10);
    const behind = serve(() => (lagging < 10 ? lagging++ : lagging));
    for (const server of [ahead, behind])
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const portOf = (server: http.Server): number => (server.address() as net.AddressInfo).port;
    const peers = [ahead, behind].map((server) => ({ host: '127.0.0.1', port: portOf(server) }));
    try {
      expect(await peerLedgerHeight('127.0.0.1', portOf(ahead), 'other')).to.equal(2);
      expect(await peerLedgerHeight('127.0.0.1', portOf(ahead), 'absent')).to.equal(null);
      expect(await waitPeersInStep(peers, 'catalog', 10_000)).to.deep.equal([10, 10]);
      expect(lagging).to.equal(10);
      // a peer that reports nothing: the heights seen at the deadline
      const absent = [...peers, { host: '127.0.0.1', port: await freePort() }];
      expect(await waitPeersInStep(absent, 'catalog', 500)).to.deep.equal([10, 10, null]);
    } finally {
      for (const server of [ahead, behind]) await new Promise((resolve) => server.close(resolve));
    }
  });

  it('waitHealthy returns once the node is healthy, and fails when it exits or stays unhealthy', async function () {
    const proc = sleeper('orderer0.test');
    const ok = await healthServer(200, 'OK');
    try {
      await waitHealthy(proc, '127.0.0.1', ok.port, logDir, 5_000);
    } finally {
      await ok.close();
    }

    const closed = await freePort();
    const unhealthy = await waitHealthy(proc, '127.0.0.1', closed, logDir, 600).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((unhealthy as Error).message).to.match(
      /^orderer0\.test not healthy after 0\.6s \(unreachable \(connect ECONNREFUSED .*\)\); see network\/logs\/orderer0\.test\.log$/,
    );

    const crashing = sleeper(
      'ca.test',
      'console.log("line 1"); console.error("fatal: bad config"); process.exit(3);',
    );
    await logged('ca.test', 'fatal: bad config');
    while (isAlive(crashing.pid)) await sleep(20);
    const exited = await waitHealthy(crashing, '127.0.0.1', closed, logDir, 5_000).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect((exited as Error).message).to.equal(
      'ca.test exited during start-up; last log lines:\nline 1\nfatal: bad config',
    );
  });

  it('logTail gives the last lines of a log, or says there is none', function () {
    mkdirSync(logDir, { recursive: true });
    writeFileSync(
      path.join(logDir, 'n.log'),
      Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n\n',
    );
    expect(logTail(logDir, 'n', 3)).to.equal('l27\nl28\nl29');
    expect(logTail(logDir, 'n').split('\n')).to.have.length(15);
    expect(logTail(logDir, 'missing')).to.equal('(no log)');
  });
});
