/**
 * `catalog serve` and `catalog api-key` in-process: the server is started by the real command on a
 * free port, with the CLI's client factory over the real contracts on the in-memory peer, asked a
 * few questions over HTTP, and stopped through the signal listener the command installs.
 */
import { displayPath } from '../../../gateway-client/src/display-path';
import { expect } from 'chai';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import type { CoverageResult } from '@nrdl-catalog/chaincode/model';
import { runCli } from '../../../apps/cli/src/main';
import type { Output } from '../../../apps/cli/src/output';
import { capturing, tempDirPerSuite, usageRefusal, type Captured } from '../support/cli';
import { ITEM, seededCatalog, type SeededCatalog } from './support/catalog-network';
import type { CatalogClient, CatalogClientOptions } from '../../../gateway-client/src/catalog-client';
import { SqliteAuditStore } from '../../../gateway-client/src/audit';
import { displayLocation } from '../../../apps/cli/src/audit-store-option';
import { clientIdentity } from '../audit/support/certs';
import { FakeNetwork } from '../audit/support/fake-network';
import { scenario } from '../audit/support/scenario';

/** A port nothing listens on now (the OS's pick for port 0, released again). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => {
        resolve(port);
      });
    });
  });
}

/** A running `catalog serve`. */
interface Serving {
  readonly url: string;
  readonly captured: Captured;
  /** The lines it printed to stderr that are not JSON log lines. */
  readonly notes: () => string[];
  /** Delivers SIGTERM to the command's own listener and waits for its exit code. */
  readonly stop: () => Promise<number>;
}

describe('catalog serve and api-key (in-process)', function () {
  this.timeout(30_000);
  const dir = tempDirPerSuite('catalog-serve-cli-');
  let c: SeededCatalog;
  let keysFile: string;

  before(async () => {
    c = await seededCatalog(dir());
    keysFile = path.join(dir(), 'api-keys.json');
    writeFileSync(
      keysFile,
      JSON.stringify({
        'key-gd-hospital': 'guangdong/hospital1',
        'key-auditor': 'audit/auditor',
        bad: 'Not An Identity',
      }),
    );
  });

  /** Runs `catalog serve <argv>` until it prints the URL it listens on. */
  async function serve(
    argv: readonly string[],
    connect: (options: Readonly<CatalogClientOptions>) => CatalogClient = c.clients.connect,
  ): Promise<Serving> {
    const captured = capturing();
    let listening: (url: string) => void = () => undefined;
    const url = new Promise<string>((resolve) => {
      listening = resolve;
    });
    const output: Output = {
      out: (text) => {
        captured.output.out(text);
      },
      err: (text) => {
        captured.output.err(text);
        const match = /^catalog API listening on (\S+) /.exec(text);
        if (match?.[1] !== undefined) listening(match[1]);
      },
    };
    const before = new Set(process.listeners('SIGTERM'));
    const exit = runCli(['serve', ...argv], output, { LANG: 'en_US.UTF-8' }, { connect });
    const failed = exit.then((code) => {
      throw new Error(`serve exited ${code} before listening: ${captured.stderr()}`);
    });
    const shown = await Promise.race([url, failed]);
    const added = process.listeners('SIGTERM').filter((listener) => !before.has(listener));
    expect(added, 'serve listens for SIGTERM').to.have.length(1);
    return {
      url: shown,
      captured,
      notes: () =>
        captured
          .stderr()
          .split('\n')
          .filter((line) => !line.startsWith('{')),
      stop: () => {
        (added[0] as (signal: NodeJS.Signals) => void)('SIGTERM');
        return exit;
      },
    };
  }

  it('serves the API with the keys file given: /healthz, an authenticated coverage question, a 401', async () => {
    const port = await freePort();
    const signalListeners = process.listeners('SIGINT').length + process.listeners('SIGTERM').length;
    const closedBefore = c.clients.closed();
    const consoleDir = path.join(dir(), 'console');
    mkdirSync(consoleDir, { recursive: true });
    writeFileSync(path.join(consoleDir, 'index.html'), '<!doctype html><title>console</title>');
    const server = await serve(['--port', String(port), '--keys', keysFile, '--console', consoleDir]);
    try {
      expect(server.url).to.equal(`http://127.0.0.1:${port}`);
      expect(server.notes()).to.deep.equal([
        `catalog API listening on ${server.url} (OpenAPI: ${server.url}/openapi.json)`,
        `API keys (x-api-key header -> wallet identity): ${displayPath(keysFile)}`,
        `web console: ${server.url}/ (sign in with an API key of -)`,
        'live events (GET /v1/events) from the channel, listened to as nhsa/proposer',
        `try: curl -H 'x-api-key: key-gd-hospital' '${server.url}/v1/coverage?province=Guangdong&itemId=D-7233e7b335261587'`,
        '     (any key: npx catalog api-key <org>/<identity>)',
      ]);

      const page = await fetch(`${server.url}/proposals`, { headers: { accept: 'text/html' } });
      expect(page.status).to.equal(200);
      expect(await page.text()).to.equal('<!doctype html><title>console</title>');
      expect(page.headers.get('content-security-policy')).to.match(/^default-src 'self'/);

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).to.equal(200);
      expect(await health.json()).to.deep.equal({ status: 'ok' });

      const question = `${server.url}/v1/coverage?province=Guangdong&itemId=${ITEM.borax}&date=2025-03-02`;
      const answer = await fetch(question, { headers: { 'x-api-key': 'key-gd-hospital' } });
      expect(answer.status).to.equal(200);
      const body = (await answer.json()) as CoverageResult;
      expect(body).to.deep.include({ itemId: ITEM.borax, covered: true, catalogVersion: 2 });
      expect(body.provincial).to.deep.include({ selfPayRatio: 0.3 });
      // The second question reuses the client opened for the identity.
      const again = await fetch(question, { headers: { 'x-api-key': 'key-gd-hospital' } });
      expect(again.status).to.equal(200);
      expect(c.clients.identities.filter((as) => as === 'guangdong/hospital1')).to.have.length(1);

      const anonymous = await fetch(question);
      expect(anonymous.status).to.equal(401);
      const wrongKey = await fetch(question, { headers: { 'x-api-key': 'bad' } });
      expect(wrongKey.status).to.equal(401);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
    expect(c.clients.closed() - closedBefore, 'the client it opened is closed').to.equal(1);
    expect(process.listeners('SIGINT').length + process.listeners('SIGTERM').length).to.equal(
      signalListeners,
    );
    expect(server.captured.stderr()).to.match(/"statusCode":200/);
    expect(server.captured.stdout()).to.equal('');
    await fetch(`${server.url}/healthz`).then(
      () => expect.fail('the server still answers after stopping'),
      (error: unknown) => expect(error).to.be.instanceOf(TypeError),
    );
  });

  it('creates a keys file for the wallet identities when there is none, mode 600', async () => {
    const wallet = path.join(dir(), 'wallet');
    for (const identity of ['audit/auditor', 'guangdong/hospital1', 'nhsa/admin']) {
      mkdirSync(path.join(wallet, identity), { recursive: true });
      writeFileSync(path.join(wallet, identity, 'identity.json'), '{}');
    }
    mkdirSync(path.join(wallet, 'sichuan', 'not-an-identity'), { recursive: true });
    writeFileSync(path.join(wallet, 'README'), 'not an organisation');
    const server = await serve(['--port', String(await freePort()), '--wallet', wallet]);
    try {
      const created = path.join(wallet, 'api-keys.json');
      const keys = JSON.parse(readFileSync(created, 'utf8')) as Record<string, string>;
      expect(Object.values(keys)).to.deep.equal(['audit/auditor', 'guangdong/hospital1', 'nhsa/admin']);
      expect(statSync(created).mode & 0o777).to.equal(0o600);
      expect(server.notes()[1]).to.equal(
        `API keys (x-api-key header -> wallet identity): ${displayPath(created)}`,
      );
      expect(server.notes()[1]).to.not.contain(wallet);
      const hospitalKey = Object.keys(keys).find((key) => keys[key] === 'guangdong/hospital1') ?? '';
      expect(server.captured.stderr()).to.contain(`try: curl -H 'x-api-key: ${hospitalKey}'`);
      const search = await fetch(`${server.url}/v1/items?name=${encodeURIComponent('复方硼砂')}`, {
        headers: { 'x-api-key': hospitalKey },
      });
      expect(search.status).to.equal(200);
      const page = (await search.json()) as { records: { itemId: string }[] };
      expect(page.records.map((item) => item.itemId)).to.deep.equal([ITEM.borax]);

      const listed = await runCli(['api-key', 'nhsa/admin', '--wallet', wallet], capturing().output, {
        LANG: 'en_US.UTF-8',
      });
      expect(listed).to.equal(0);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  it('prints no curl example when no key maps to a hospital', async () => {
    const auditorOnly = path.join(dir(), 'auditor-keys.json');
    writeFileSync(auditorOnly, JSON.stringify({ 'key-auditor': 'audit/auditor' }));
    const noConsole = path.join(dir(), 'no-console');
    mkdirSync(noConsole, { recursive: true });
    const server = await serve([
      '--port',
      String(await freePort()),
      '--keys',
      auditorOnly,
      '--console',
      noConsole,
    ]);
    try {
      expect(server.notes()).to.have.length(4);
      expect(server.notes()[2]).to.equal(
        `no web console: ${displayPath(noConsole)} holds no index.html (build apps/console)`,
      );
      expect((await fetch(`${server.url}/`)).status).to.equal(404);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  it("--org: takes only that organisation's keys, signs its people in, listens as one of its identities", async () => {
    const server = await serve(['--port', String(await freePort()), '--keys', keysFile, '--org', 'audit']);
    try {
      expect(server.notes()).to.include(
        'live events (GET /v1/events) from the channel, listened to as audit/auditor',
      );
      const question = `${server.url}/v1/versions`;
      expect((await fetch(question, { headers: { 'x-api-key': 'key-gd-hospital' } })).status).to.equal(401);
      expect((await fetch(question, { headers: { 'x-api-key': 'key-auditor' } })).status).to.equal(200);
      const signIn = (apiKey: string): Promise<Response> =>
        fetch(`${server.url}/v1/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apiKey }),
        });
      expect((await signIn('key-gd-hospital')).status).to.equal(401);
      const auditor = await signIn('key-auditor');
      expect(auditor.status).to.equal(201);
      expect(await auditor.json()).to.include({ identity: 'audit/auditor', org: 'audit', role: 'auditor' });
      const cookie = (auditor.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect((await fetch(question, { headers: { cookie } })).status).to.equal(200);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  it('with --audit-store, replays the channel into that store and follows it as the command’s identity; the auditors’ endpoints answer from it', async () => {
    const history = await scenario();
    const half = Math.floor(history.blocks.length / 2);
    // the peer goes away once, before block 1: the replay reconnects by itself
    const network = new FakeNetwork(history.blocks.slice(0, half), { breakBefore: [1] });
    const opened: string[] = [];
    // the CLI's clients, with the channel's blocks and the certificate each identity signs with
    const connect = (options: Readonly<CatalogClientOptions>): CatalogClient => {
      opened.push(options.as);
      const client = c.clients.connect(options) as unknown as Record<string, unknown>;
      const [org = ''] = options.as.split('/');
      const role = options.as === 'audit/auditor' ? 'auditor' : 'hospital';
      const pem = clientIdentity(`${org}MSP`, role).pem;
      return Object.assign(client, {
        network,
        connection: { identity: { mspId: `${org}MSP`, identity: { credentials: Buffer.from(pem) } } },
      }) as unknown as CatalogClient;
    };
    const storeFile = path.join(dir(), 'served-audit.sqlite');
    const server = await serve(
      [
        '--port',
        String(await freePort()),
        '--keys',
        keysFile,
        '--as',
        'audit/auditor',
        '--audit-store',
        storeFile,
      ],
      connect,
    );
    const versions = async (key: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${server.url}/v1/audit/versions`, { headers: { 'x-api-key': key } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const reaches = async (height: number): Promise<{ blockHeight: number; versions: unknown[] }> => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const answer = (await versions('key-auditor')).body as { blockHeight: number; versions: unknown[] };
        if (answer.blockHeight >= height) return answer;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`the audit store did not reach block ${height}`);
    };
    try {
      expect(server.notes()[0]).to.equal(
        `audit endpoints (/v1/audit/…, auditors only) answer from the audit store ${displayLocation(storeFile)}, replaying and following the channel as audit/auditor`,
      );
      expect((await reaches(half)).blockHeight).to.equal(half);
      for (const block of history.blocks.slice(half)) network.append(block);
      const caughtUp = await reaches(history.blocks.length);
      expect(caughtUp.versions).to.have.length(4);
      const refused = await versions('key-gd-hospital');
      expect(refused.status).to.equal(403);
      expect(refused.body).to.include({ code: 'FORBIDDEN_ROLE' });
      expect(opened[0]).to.equal('audit/auditor');
      expect(server.notes()).to.include(
        'block stream failed (14 UNAVAILABLE: peer went away); reconnecting in 500 ms (attempt 1)',
      );
    } finally {
      expect(await server.stop()).to.equal(0);
    }
    const reopened = new SqliteAuditStore({ path: storeFile });
    try {
      expect((await reopened.stats()).blocks).to.equal(history.blocks.length);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a port outside 1024-65535 (port 0 too) and unknown options (exit 2)', async () => {
    for (const port of ['0', '80', '65536', 'http']) {
      expect(await c.run(['serve', '--port', port, '--keys', keysFile]), port).to.deep.equal(
        usageRefusal(`--port must be an integer from 1024 to 65535, got "${port}"`),
      );
    }
    const unknown = await c.run(['serve', '--host', '0.0.0.0']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.match(/^Unknown option '--host'/);
  });

  it('exits 1 when the port is taken', async () => {
    const first = await serve(['--port', String(await freePort()), '--keys', keysFile]);
    try {
      const port = new URL(first.url).port;
      const second = await c.run(['serve', '--port', port, '--keys', keysFile]);
      expect(second.code).to.equal(1);
      expect(second.stderr).to.match(/^INTERNAL: .*EADDRINUSE/m);
    } finally {
      expect(await first.stop()).to.equal(0);
    }
  });

  describe('api-key', () => {
    it("prints an identity's key, as text and as JSON", async () => {
      expect(await c.run(['api-key', 'guangdong/hospital1', '--keys', keysFile])).to.deep.equal({
        code: 0,
        stdout: 'key-gd-hospital',
        stderr: '',
      });
      const json = await c.json<{ identity: string; key: string }>([
        'api-key',
        'audit/auditor',
        '--keys',
        keysFile,
      ]);
      expect(json).to.deep.equal({ identity: 'audit/auditor', key: 'key-auditor' });
    });

    it('refuses a missing or unknown identity (exit 2)', async () => {
      expect(await c.run(['api-key', '--keys', keysFile])).to.deep.equal(
        usageRefusal('usage: catalog api-key <org>/<identity>'),
      );
      expect(await c.run(['api-key', 'sichuan/hospital9', '--keys', keysFile])).to.deep.equal(
        usageRefusal('no API key for sichuan/hospital9; is it in the wallet?'),
      );
    });
  });
});
