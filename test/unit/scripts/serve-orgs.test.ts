/**
 * `npm start`'s one API process per organisation (scripts/serve-orgs.ts): the plan (ports, --org,
 * keys file, a read model each), a child's output prefixed with its organisation and its exit code,
 * and the wait for /healthz (answered, the child gone first, or out of time).
 */
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { orgServers, startServer, waitHealthy } from '../../../scripts/serve-orgs';

function listen(status: number): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.writeHead(status).end('{}');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${String(port)}` });
    });
  });
}

describe('npm start: one API server per organisation', function () {
  it('gives each organisation its own port, --org, the keys file and its own read model; the auditors their own audit store', function () {
    const plan = orgServers(
      [
        { name: 'nhsa', kind: 'national' },
        { name: 'guangdong', kind: 'province' },
        { name: 'audit', kind: 'auditor' },
      ],
      {
        basePort: 21080,
        keysFile: 'wallet/api-keys.json',
        readModelDir: 'audit',
      },
    );
    expect(plan).to.deep.equal([
      {
        org: 'nhsa',
        port: 21080,
        url: 'http://127.0.0.1:21080',
        args: [
          'serve',
          '--org',
          'nhsa',
          '--port',
          '21080',
          '--keys',
          'wallet/api-keys.json',
          '--read-model',
          path.join('audit', 'catalog-search-nhsa.sqlite'),
        ],
      },
      {
        org: 'guangdong',
        port: 21081,
        url: 'http://127.0.0.1:21081',
        args: [
          'serve',
          '--org',
          'guangdong',
          '--port',
          '21081',
          '--keys',
          'wallet/api-keys.json',
          '--read-model',
          path.join('audit', 'catalog-search-guangdong.sqlite'),
        ],
      },
      {
        org: 'audit',
        port: 21082,
        url: 'http://127.0.0.1:21082',
        args: [
          'serve',
          '--org',
          'audit',
          '--port',
          '21082',
          '--keys',
          'wallet/api-keys.json',
          '--read-model',
          path.join('audit', 'catalog-search-audit.sqlite'),
          '--audit-store',
          path.join('audit', 'catalog-audit-audit.sqlite'),
        ],
      },
    ]);
  });

  it("prefixes a server's output lines with its organisation and reports its exit code", async function () {
    const [server] = orgServers([{ name: 'sichuan', kind: 'province' }], {
      basePort: 21080,
      keysFile: 'k',
      readModelDir: 'a',
    });
    const lines: string[] = [];
    const script =
      "console.log('one'); console.error('two'); process.exit(process.argv.includes('--org') ? 3 : 0)";
    const running = startServer(process.execPath, ['-e', script, '--'], server!, (line) => lines.push(line));
    expect(await running.exited).to.equal(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.sort()).to.deep.equal(['[sichuan] one', '[sichuan] two']);
  });

  it('waits for /healthz, and gives up when the server exits first or takes too long', async function () {
    const healthy = await listen(200);
    const failing = await listen(503);
    try {
      await waitHealthy(healthy.url, new Promise<number>(() => undefined), 5000);
      let error: unknown = null;
      await waitHealthy(failing.url, Promise.resolve(2), 5000).catch((caught: unknown) => {
        error = caught;
      });
      expect(String(error)).to.equal(
        `Error: the API server for ${failing.url} exited (2) before it answered`,
      );
      error = null;
      await waitHealthy(failing.url, new Promise<number>(() => undefined), 300).catch((caught: unknown) => {
        error = caught;
      });
      expect(String(error)).to.equal(`Error: the API server for ${failing.url} did not answer within 300 ms`);
    } finally {
      healthy.server.close();
      failing.server.close();
    }
  });
});
