/**
 * The web console's static files (Fastify inject over a temporary build folder): `/` and assets
 * served, page paths asked for as HTML answered with index.html (single-page fallback), every HTML
 * answer with the console's Content-Security-Policy, nosniff and no-referrer; /v1 untouched; no
 * console folder → `/` is a coded 404.
 */
import { expect } from 'chai';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CONSOLE_CSP,
  DEFAULT_CONSOLE_DIR,
  defaultConsoleDir,
  consoleRoot,
  isApiPath,
} from '../../../apps/api/src/console-static';
import { buildApi, type ApiOptions } from '../../../apps/api/src/server';
import { fakeClient, KEYS } from './support/fake-client';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body>console</body></html>';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

async function app(options: Partial<ApiOptions>): Promise<FastifyInstance> {
  const fake = fakeClient();
  const built = await buildApi({ keys: KEYS, clientFor: () => fake.client, ...options });
  await built.ready();
  return built;
}

function expectSecurityHeaders(response: LightMyRequestResponse): void {
  expect(response.headers['content-security-policy']).to.equal(
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  expect(response.headers['x-content-type-options']).to.equal('nosniff');
  expect(response.headers['referrer-policy']).to.equal('no-referrer');
}

describe('HTTP API web console: where its build is found', function () {
  it('is the dist/ folder of the installed @nrdl-catalog/console workspace', function () {
    expect(defaultConsoleDir()).to.equal(
      path.resolve(__dirname, '..', '..', '..', 'apps', 'console', 'dist'),
    );
    expect(DEFAULT_CONSOLE_DIR).to.equal(defaultConsoleDir());
  });

  it('falls back to apps/console/dist under the working folder when the workspace is not installed', function () {
    const missing = (request: string): string => {
      throw new Error(`Cannot find module '${request}'`);
    };
    expect(defaultConsoleDir(missing)).to.equal(path.resolve('apps', 'console', 'dist'));
  });
});

describe('HTTP API web console (static files)', function () {
  let dir: string;

  before(function () {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nrdl-console-'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("app");\n');
    writeFileSync(path.join(dir, '.secret'), 'hidden');
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  describe('with a console folder', function () {
    let api: FastifyInstance;

    before(async function () {
      api = await app({ consoleDir: dir });
    });

    after(async function () {
      await api.close();
    });

    it('serves index.html at / with the security headers', async function () {
      const response = await api.inject({ url: '/', headers: { accept: HTML } });
      expect(response.statusCode).to.equal(200);
      expect(response.headers['content-type']).to.match(/^text\/html/);
      expect(response.body).to.equal(INDEX);
      expectSecurityHeaders(response);
      expect(response.headers['cache-control']).to.equal('no-cache');
      // without an Accept header too
      expect((await api.inject({ url: '/' })).body).to.equal(INDEX);
      expect((await api.inject({ url: '/index.html' })).body).to.equal(INDEX);
    });

    it('serves the assets', async function () {
      const response = await api.inject({ url: '/assets/app.js' });
      expect(response.statusCode).to.equal(200);
      expect(response.headers['content-type']).to.match(/javascript/);
      expect(response.body).to.equal('console.log("app");\n');
      expect(response.headers).to.not.have.property('content-security-policy');
    });

    it('answers a page path asked for as HTML with index.html (single-page fallback)', async function () {
      for (const url of ['/proposals', '/proposals/p1', '/coverage?province=Guangdong', '/a/b/c/']) {
        const response = await api.inject({ url, headers: { accept: HTML } });
        expect(response.statusCode, url).to.equal(200);
        expect(response.body, url).to.equal(INDEX);
        expectSecurityHeaders(response);
      }
    });

    it('answers what is no page with a coded 404: missing assets, JSON clients, other methods, /v1', async function () {
      for (const [method, url, accept] of [
        ['GET', '/assets/missing.js', HTML],
        ['GET', '/favicon.ico', HTML],
        ['GET', '/proposals/p1', 'application/json'],
        ['GET', '/proposals/p1', '*/*'],
        ['GET', '/v1/nothing', HTML],
        ['GET', '/v1', HTML],
        ['GET', '/.secret', HTML],
        ['POST', '/proposals', HTML],
        ['GET', '/%00', 'application/json'],
        ['GET', '/assets/%00.js', HTML],
      ] as const) {
        const response = await api.inject({ method, url, headers: { accept, 'accept-language': 'en' } });
        expect(response.statusCode, `${method} ${url}`).to.equal(404);
        expect(response.json(), `${method} ${url}`).to.include({ code: 'NOT_FOUND' });
        expect(response.body).to.not.include('console');
      }
    });

    it('refuses a path parameter longer than the operations accept with 400, as without the console', async function () {
      for (const url of [
        `/v1/proposals/${'a'.repeat(129)}`,
        `/v1/items/${'b'.repeat(300)}`,
        // a NUL byte the static files refuse (FST_STATIC_FORBIDDEN_PATH) in a long parameter
        `/v1/proposals/%00${'c'.repeat(140)}?changes=true`,
      ]) {
        const response = await api.inject({ url, headers: { 'x-api-key': 'hospital-key', accept: HTML } });
        expect(response.statusCode, url).to.equal(400);
        expect(response.json()).to.include({ code: 'INVALID_INPUT' });
      }
    });

    it('leaves the API as it was: operations, 405 with Allow, the document', async function () {
      const versions = await api.inject({
        url: '/v1/versions',
        headers: { 'x-api-key': 'hospital-key', accept: HTML },
      });
      expect(versions.statusCode).to.equal(200);
      expect(versions.headers['content-type']).to.match(/^application\/json/);
      const approve = await api.inject({ url: '/v1/proposals/p1/approve', headers: { accept: HTML } });
      expect(approve.statusCode).to.equal(405);
      expect(approve.headers.allow).to.equal('POST');
      expect((await api.inject({ method: 'POST', url: '/healthz' })).statusCode).to.equal(405);
      expect((await api.inject({ url: '/healthz' })).json()).to.deep.equal({ status: 'ok' });
      const document = (await api.inject({ url: '/openapi.json' })).json<{
        paths: Record<string, unknown>;
      }>();
      expect(
        Object.keys(document.paths).filter((p) => !p.startsWith('/v1/') && p !== '/healthz'),
      ).to.deep.equal([]);
    });
  });

  describe('without a console', function () {
    for (const [what, consoleDir] of [
      ['a folder without index.html', 'empty'],
      ['a folder that does not exist', 'missing'],
      ['none asked for (null)', null],
    ] as const) {
      it(`answers / with 404 NOT_FOUND saying so: ${what}`, async function () {
        const empty = mkdtempSync(path.join(os.tmpdir(), 'nrdl-no-console-'));
        const api = await app({
          consoleDir: consoleDir === null ? null : consoleDir === 'empty' ? empty : path.join(empty, 'none'),
        });
        try {
          for (const [url, accept] of [
            ['/', HTML],
            ['/', '*/*'],
            ['/proposals/p1', HTML],
          ] as const) {
            const response = await api.inject({ url, headers: { accept, 'accept-language': 'en' } });
            expect(response.statusCode, url).to.equal(404);
            expect(response.json(), url).to.deep.equal({
              code: 'NOT_FOUND',
              message:
                'this server serves no web console (build apps/console, or start it with catalog serve --console <dir>)',
            });
          }
          const chinese = await api.inject({ url: '/' });
          expect(chinese.json<{ message: string }>().message).to.match(/^本服务不提供网页控制台/);
          const other = await api.inject({
            url: '/v1/nothing',
            headers: { accept: HTML, 'accept-language': 'en' },
          });
          expect(other.json()).to.deep.equal({
            code: 'NOT_FOUND',
            message: 'GET /v1/nothing is not an operation of this API',
          });
          expect(
            (await api.inject({ url: '/x.js', headers: { 'accept-language': 'en' } })).json(),
          ).to.deep.equal({
            code: 'NOT_FOUND',
            message: 'GET /x.js is not an operation of this API',
          });
        } finally {
          await api.close();
          rmSync(empty, { recursive: true, force: true });
        }
      });
    }

    it('looks for apps/console/dist beside the API package by default', function () {
      expect(path.relative(path.resolve(__dirname, '..', '..', '..'), DEFAULT_CONSOLE_DIR)).to.equal(
        path.join('apps', 'console', 'dist'),
      );
      expect(consoleRoot(undefined)).to.equal(consoleRoot(DEFAULT_CONSOLE_DIR));
      expect(consoleRoot(dir)).to.equal(dir);
      expect(consoleRoot(path.join(dir, 'index.html'))).to.equal(null);
    });

    it('tells API paths from console paths', function () {
      expect(['/v1', '/v1/', '/v1/items'].map(isApiPath)).to.deep.equal([true, true, true]);
      expect(['/', '/v10', '/v1x/items', '/proposals'].map(isApiPath)).to.deep.equal([
        false,
        false,
        false,
        false,
      ]);
      expect(CONSOLE_CSP).to.include("frame-ancestors 'none'");
    });
  });
});
