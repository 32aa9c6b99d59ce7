/**
 * Browser sessions over a fake client (Fastify inject, no network): an API key is exchanged for the
 * nrdl_session cookie and a CSRF token; the cookie then authenticates every /v1 operation; a
 * state-changing request on it without the token, or from another origin, is refused before any
 * catalog client is asked for; sessions expire when idle and after their lifetime (injected clock);
 * API-key requests need no CSRF token.
 */
import { expect } from 'chai';
import type { FastifyInstance, FastifyRequest, LightMyRequestResponse } from 'fastify';
import { sessionCookieOptions } from '../../../apps/api/src/auth';
import { buildApi, type ApiOptions } from '../../../apps/api/src/server';
import {
  DEFAULT_SESSION_IDLE_MS,
  SESSION_LIFETIME_MS,
  SessionStore,
  sameToken,
} from '../../../apps/api/src/sessions';
import type { CatalogClient } from '../../../gateway-client/src/catalog-client';
import { clientIdentity } from '../audit/support/certs';
import { fakeClient, HASH, ITEM_ID, KEYS, type FakeClient } from './support/fake-client';

const T0 = Date.parse('2026-01-05T08:00:00Z');
const ORIGIN = 'http://localhost:80';
const proposal = {
  title: 't',
  effectiveFrom: '2025-01-01',
  changes: [{ op: 'removeItem', itemId: ITEM_ID }],
};

interface SessionApi {
  readonly app: FastifyInstance;
  readonly fake: FakeClient;
  /** Identities clientFor was asked for, in order. */
  readonly clientsAskedFor: string[];
  readonly clock: { now: number };
}

async function sessionApi(extra: Partial<ApiOptions> = {}): Promise<SessionApi> {
  const fake = fakeClient();
  const clientsAskedFor: string[] = [];
  const clock = { now: T0 };
  const app = await buildApi({
    keys: KEYS,
    consoleDir: null,
    now: () => clock.now,
    roleOf: (identity) => (identity.endsWith('/hospital1') ? 'hospital' : 'approver'),
    clientFor: (identity) => {
      clientsAskedFor.push(identity);
      return fake.client;
    },
    ...extra,
  });
  await app.ready();
  return { app, fake, clientsAskedFor, clock };
}

interface SignedIn {
  readonly cookie: string;
  readonly csrfToken: string;
  readonly response: LightMyRequestResponse;
}

async function signIn(api: SessionApi, apiKey = 'hospital-key'): Promise<SignedIn> {
  const response = await api.app.inject({
    method: 'POST',
    url: '/v1/session',
    headers: { 'content-type': 'application/json', 'accept-language': 'en' },
    payload: JSON.stringify({ apiKey }),
  });
  expect(response.statusCode, response.body).to.equal(201);
  const cookie = response.cookies.find((c) => c.name === 'nrdl_session');
  if (cookie === undefined) throw new Error('no nrdl_session cookie');
  return { cookie: cookie.value, csrfToken: response.json<{ csrfToken: string }>().csrfToken, response };
}

function withCookie(
  api: SessionApi,
  signedIn: SignedIn,
  options: {
    method?: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
  },
): Promise<LightMyRequestResponse> {
  return api.app.inject({
    method: options.method ?? 'GET',
    url: options.url,
    cookies: { nrdl_session: signedIn.cookie },
    headers: {
      'accept-language': 'en',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  });
}

describe('HTTP API browser sessions', function () {
  let api: SessionApi;

  beforeEach(async function () {
    api = await sessionApi();
  });

  afterEach(async function () {
    await api.app.close();
  });

  describe('POST, GET and DELETE /v1/session', function () {
    it('exchanges an API key for an HttpOnly, SameSite=Strict cookie and answers the session', async function () {
      const { response, cookie, csrfToken } = await signIn(api);
      const set = response.cookies.find((c) => c.name === 'nrdl_session');
      expect(set).to.include({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 8 * 3600 });
      expect(set?.secure).to.equal(undefined);
      expect(Buffer.from(cookie, 'base64url')).to.have.length(32);
      expect(Buffer.from(csrfToken, 'base64url')).to.have.length(32);
      expect(csrfToken).to.not.equal(cookie);
      expect(response.json()).to.deep.equal({
        identity: 'guangdong/hospital1',
        org: 'guangdong',
        role: 'hospital',
        csrfToken,
        expiresAt: new Date(T0 + 30 * 60_000).toISOString(),
      });
      expect(response.headers['x-request-id']).to.be.a('string');
    });

    it('gives every sign-in its own session id and token', async function () {
      const first = await signIn(api);
      const second = await signIn(api);
      expect(second.cookie).to.not.equal(first.cookie);
      expect(second.csrfToken).to.not.equal(first.csrfToken);
    });

    it('marks the cookie Secure only when the request came over https', function () {
      expect(sessionCookieOptions({ protocol: 'https' } as FastifyRequest).secure).to.equal(true);
      expect(sessionCookieOptions({ protocol: 'http' } as FastifyRequest).secure).to.equal(false);
    });

    it('refuses a wrong API key with 401 UNAUTHENTICATED and sets no cookie', async function () {
      for (const apiKey of ['nope', 'hospital-key ']) {
        const response = await api.app.inject({
          method: 'POST',
          url: '/v1/session',
          headers: { 'content-type': 'application/json', 'accept-language': 'en' },
          payload: JSON.stringify({ apiKey }),
        });
        expect(response.statusCode).to.equal(401);
        expect(response.json()).to.include({ code: 'UNAUTHENTICATED' });
        expect(response.cookies).to.deep.equal([]);
      }
      const invalid = await api.app.inject({
        method: 'POST',
        url: '/v1/session',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ apiKey: 'hospital-key', extra: 1 }),
      });
      expect(invalid.statusCode).to.equal(400);
      expect(invalid.json()).to.include({ code: 'INVALID_INPUT' });
    });

    it('refuses a sign-in from another origin with 403 CSRF_TOKEN_INVALID', async function () {
      const response = await api.app.inject({
        method: 'POST',
        url: '/v1/session',
        headers: {
          'content-type': 'application/json',
          'accept-language': 'en',
          origin: 'https://evil.example',
        },
        payload: JSON.stringify({ apiKey: 'hospital-key' }),
      });
      expect(response.statusCode).to.equal(403);
      expect(response.json()).to.deep.equal({
        code: 'CSRF_TOKEN_INVALID',
        message:
          "refused a state-changing request authenticated by the session cookie: the Origin https://evil.example is not this server's own (http://localhost:80)",
      });
      expect(response.cookies).to.deep.equal([]);
    });

    it('answers the current session on GET, and 401 without one', async function () {
      const signedIn = await signIn(api);
      api.clock.now += 10 * 60_000;
      const current = await withCookie(api, signedIn, { url: '/v1/session' });
      expect(current.statusCode).to.equal(200);
      expect(current.json()).to.deep.equal({
        ...signedIn.response.json<Record<string, unknown>>(),
        expiresAt: new Date(T0 + 40 * 60_000).toISOString(),
      });
      const none = await api.app.inject({ url: '/v1/session', headers: { 'accept-language': 'en' } });
      expect(none.statusCode).to.equal(401);
      expect(none.json()).to.include({ code: 'UNAUTHENTICATED' });
      // an API key is no session
      const byKey = await api.app.inject({ url: '/v1/session', headers: { 'x-api-key': 'hospital-key' } });
      expect(byKey.statusCode).to.equal(401);
    });

    it('answers an unknown cookie with 401 UNAUTHENTICATED and clears it', async function () {
      const response = await api.app.inject({
        url: '/v1/versions',
        cookies: { nrdl_session: 'forged' },
        headers: { 'accept-language': 'en' },
      });
      expect(response.statusCode).to.equal(401);
      expect(response.json()).to.deep.equal({
        code: 'UNAUTHENTICATED',
        message: 'no session: sign in with an API key (POST /v1/session), or send the x-api-key header',
      });
      expect(response.cookies.find((c) => c.name === 'nrdl_session')?.value).to.equal('');
      const chinese = await api.app.inject({ url: '/v1/versions', cookies: { nrdl_session: 'forged' } });
      expect(chinese.json<{ message: string }>().message).to.match(/^没有会话/);
      expect(api.fake.calls).to.deep.equal([]);
    });

    it('signs out on DELETE (with the CSRF token): the cookie is cleared and no longer accepted', async function () {
      const signedIn = await signIn(api);
      const out = await withCookie(api, signedIn, {
        method: 'DELETE',
        url: '/v1/session',
        headers: { 'x-csrf-token': signedIn.csrfToken },
      });
      expect(out.statusCode).to.equal(204);
      expect(out.body).to.equal('');
      const cleared = out.cookies.find((c) => c.name === 'nrdl_session');
      expect(cleared?.value).to.equal('');
      expect(cleared?.expires?.getTime()).to.be.lessThan(Date.now());
      expect((await withCookie(api, signedIn, { url: '/v1/session' })).statusCode).to.equal(401);
      expect((await withCookie(api, signedIn, { url: '/v1/versions' })).statusCode).to.equal(401);
    });

    it('refuses a sign-out without the CSRF token, and the session stays', async function () {
      const signedIn = await signIn(api);
      const out = await withCookie(api, signedIn, { method: 'DELETE', url: '/v1/session' });
      expect(out.statusCode).to.equal(403);
      expect(out.json()).to.include({ code: 'CSRF_TOKEN_INVALID' });
      expect((await withCookie(api, signedIn, { url: '/v1/session' })).statusCode).to.equal(200);
    });

    it('answers another method on /v1/session with 405 and Allow', async function () {
      const response = await api.app.inject({ method: 'PUT', url: '/v1/session' });
      expect(response.statusCode).to.equal(405);
      expect(response.headers.allow).to.equal('GET, POST, DELETE');
    });

    it('documents the session operations and the cookie security scheme', function () {
      const document = api.app.swagger() as unknown as {
        paths: Record<string, Record<string, { operationId: string; security: unknown[] }>>;
        components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
      };
      expect(document.components.securitySchemes.session).to.include({
        type: 'apiKey',
        in: 'cookie',
        name: 'nrdl_session',
      });
      const session = document.paths['/v1/session'];
      expect(session?.post?.operationId).to.equal('createSession');
      expect(session?.post?.security).to.deep.equal([]);
      expect(session?.get?.security).to.deep.equal([{ session: [] }]);
      expect(session?.delete?.security).to.deep.equal([{ session: [] }]);
      expect(document.paths['/v1/versions']?.get?.security).to.deep.equal([{ apiKey: [] }, { session: [] }]);
      expect(document.components.schemas).to.have.property('Session');
      expect(document.paths).to.not.have.property('/v1/events');
    });
  });

  describe('the cookie on the /v1 operations', function () {
    it('authenticates reads as the signed-in identity, without a CSRF token', async function () {
      const signedIn = await signIn(api, 'nhsa-key');
      const response = await withCookie(api, signedIn, { url: '/v1/versions' });
      expect(response.statusCode).to.equal(200);
      expect(api.clientsAskedFor).to.deep.equal(['nhsa/approver']);
    });

    it('refuses a POST without the CSRF token or with a wrong one before any client is asked for', async function () {
      const signedIn = await signIn(api);
      for (const headers of [
        {} as Record<string, string>,
        { 'x-csrf-token': '' },
        { 'x-csrf-token': 'x'.repeat(signedIn.csrfToken.length) },
        { 'x-csrf-token': `${signedIn.csrfToken}x` },
        { 'x-csrf-token': signedIn.cookie },
      ]) {
        const response = await withCookie(api, signedIn, {
          method: 'POST',
          url: '/v1/proposals',
          body: proposal,
          headers,
        });
        expect(response.statusCode, JSON.stringify(headers)).to.equal(403);
        expect(response.json()).to.deep.equal({
          code: 'CSRF_TOKEN_INVALID',
          message:
            'refused a state-changing request authenticated by the session cookie: the X-CSRF-Token header is missing or is not the token of this session',
        });
      }
      expect(api.clientsAskedFor).to.deep.equal([]);
      expect(api.fake.calls).to.deep.equal([]);
      const chinese = await withCookie(api, signedIn, {
        method: 'POST',
        url: '/v1/proposals/p1/approve',
        body: { manifestHash: HASH, baseVersion: 2, governanceVersion: 1 },
        headers: { 'accept-language': 'zh' },
      });
      expect(chinese.json<{ message: string }>().message).to.match(
        /^已拒绝以会话 Cookie 认证的修改请求：缺少 X-CSRF-Token/,
      );
      expect(api.clientsAskedFor).to.deep.equal([]);
    });

    it('refuses a POST with the right token from another origin', async function () {
      const signedIn = await signIn(api);
      for (const origin of [
        'https://evil.example',
        'null',
        'http://localhost:8080',
        'https://localhost:80',
      ]) {
        const response = await withCookie(api, signedIn, {
          method: 'POST',
          url: '/v1/proposals',
          body: proposal,
          headers: { 'x-csrf-token': signedIn.csrfToken, origin },
        });
        expect(response.statusCode, origin).to.equal(403);
        expect(response.json()).to.include({ code: 'CSRF_TOKEN_INVALID' });
      }
      expect(api.clientsAskedFor).to.deep.equal([]);
      expect(api.fake.calls).to.deep.equal([]);
    });

    it('accepts a POST with the token, from its own origin or with no Origin header', async function () {
      const signedIn = await signIn(api);
      for (const headers of [
        { 'x-csrf-token': signedIn.csrfToken } as Record<string, string>,
        { 'x-csrf-token': signedIn.csrfToken, origin: ORIGIN },
        { 'x-csrf-token': signedIn.csrfToken, origin: ORIGIN.toUpperCase() },
      ]) {
        const response = await withCookie(api, signedIn, {
          method: 'POST',
          url: '/v1/proposals',
          body: proposal,
          headers,
        });
        expect(response.statusCode, `${JSON.stringify(headers)} ${response.body}`).to.equal(201);
      }
      expect(api.clientsAskedFor).to.deep.equal([
        'guangdong/hospital1',
        'guangdong/hospital1',
        'guangdong/hospital1',
      ]);
      expect(api.fake.calls.filter(([name]) => name === 'createProposal')).to.have.length(3);
    });

    it('needs no CSRF token for an API-key request, whatever its Origin', async function () {
      for (const headers of [{}, { origin: 'https://evil.example' }]) {
        const response = await api.app.inject({
          method: 'POST',
          url: '/v1/proposals',
          headers: { 'x-api-key': 'nhsa-key', 'content-type': 'application/json', ...headers },
          payload: JSON.stringify(proposal),
        });
        expect(response.statusCode, response.body).to.equal(201);
      }
      expect(api.clientsAskedFor).to.deep.equal(['nhsa/approver', 'nhsa/approver']);
    });

    it('takes the API key over the cookie when a request sends both', async function () {
      const signedIn = await signIn(api);
      const wrongKey = await withCookie(api, signedIn, {
        url: '/v1/versions',
        headers: { 'x-api-key': 'nope' },
      });
      expect(wrongKey.statusCode).to.equal(401);
      const otherKey = await withCookie(api, signedIn, {
        url: '/v1/versions',
        headers: { 'x-api-key': 'nhsa-key' },
      });
      expect(otherKey.statusCode).to.equal(200);
      expect(api.clientsAskedFor).to.deep.equal(['nhsa/approver']);
    });
  });

  describe('expiry (injected clock)', function () {
    it('expires a session idle for 30 minutes with 401 SESSION_EXPIRED, and clears the cookie', async function () {
      const signedIn = await signIn(api);
      api.clock.now += 30 * 60_000 - 1;
      expect((await withCookie(api, signedIn, { url: '/v1/versions' })).statusCode).to.equal(200);
      api.clock.now += 30 * 60_000;
      const expired = await withCookie(api, signedIn, { url: '/v1/versions' });
      expect(expired.statusCode).to.equal(401);
      expect(expired.json()).to.deep.equal({
        code: 'SESSION_EXPIRED',
        message: 'the session has expired (idle for more than 30 min): sign in again with an API key',
      });
      expect(expired.cookies.find((c) => c.name === 'nrdl_session')?.value).to.equal('');
      const chinese = await withCookie(api, signedIn, {
        url: '/v1/session',
        headers: { 'accept-language': 'zh' },
      });
      expect(chinese.json()).to.deep.equal({
        code: 'SESSION_EXPIRED',
        message: '会话已过期（超过 30 分钟未操作）：请用 API 密钥重新登录',
      });
      expect(api.clientsAskedFor).to.deep.equal(['guangdong/hospital1']);
    });

    it('ends a busy session 8 hours after sign-in', async function () {
      const signedIn = await signIn(api);
      for (let elapsed = 20; elapsed < 8 * 60; elapsed += 20) {
        api.clock.now = T0 + elapsed * 60_000;
        const response = await withCookie(api, signedIn, { url: '/v1/session' });
        expect(response.statusCode, `${String(elapsed)} min`).to.equal(200);
        expect(response.json<{ expiresAt: string }>().expiresAt).to.equal(
          new Date(Math.min(api.clock.now + 30 * 60_000, T0 + 8 * 3600_000)).toISOString(),
        );
      }
      api.clock.now = T0 + 8 * 3600_000;
      const expired = await withCookie(api, signedIn, { url: '/v1/session' });
      expect(expired.statusCode).to.equal(401);
      expect(expired.json()).to.deep.equal({
        code: 'SESSION_EXPIRED',
        message: 'the session has expired (signed in more than 8 h ago): sign in again with an API key',
      });
    });

    it('takes its idle timeout from sessionIdleMs', async function () {
      const short = await sessionApi({ sessionIdleMs: 60_000 });
      try {
        const signedIn = await signIn(short);
        expect(signedIn.response.json<{ expiresAt: string }>().expiresAt).to.equal(
          new Date(T0 + 60_000).toISOString(),
        );
        short.clock.now += 60_000;
        const expired = await withCookie(short, signedIn, { url: '/v1/versions' });
        expect(expired.json()).to.include({ code: 'SESSION_EXPIRED' });
        expect(expired.json<{ message: string }>().message).to.include('idle for more than 1 min');
      } finally {
        await short.app.close();
      }
    });

    it('does not count a refused request as activity', async function () {
      const signedIn = await signIn(api);
      api.clock.now += 20 * 60_000;
      const refused = await withCookie(api, signedIn, {
        method: 'POST',
        url: '/v1/proposals',
        body: proposal,
      });
      expect(refused.statusCode).to.equal(403);
      api.clock.now += 10 * 60_000;
      expect((await withCookie(api, signedIn, { url: '/v1/session' })).json()).to.include({
        code: 'SESSION_EXPIRED',
      });
    });
  });

  describe('the role of the session', function () {
    it("reads the catalog.role attribute of the identity's certificate by default", async function () {
      const pem = clientIdentity('GuangdongMSP', 'hospital').pem;
      const withRole = (role: string, credentials: Uint8Array): CatalogClient =>
        ({ connection: { identity: { role, identity: { credentials } } } }) as unknown as CatalogClient;
      const certified = await buildApi({
        keys: KEYS,
        consoleDir: null,
        clientFor: (identity) =>
          identity === 'guangdong/hospital1'
            ? withRole('other', Buffer.from(pem))
            : withRole('approver', Buffer.from('not a certificate')),
      });
      try {
        const hospital = await certified.inject({
          method: 'POST',
          url: '/v1/session',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ apiKey: 'hospital-key' }),
        });
        expect(hospital.json()).to.include({ identity: 'guangdong/hospital1', role: 'hospital' });
        // no attribute readable: the role the wallet entry names
        const nhsa = await certified.inject({
          method: 'POST',
          url: '/v1/session',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ apiKey: 'nhsa-key' }),
        });
        expect(nhsa.json()).to.include({ identity: 'nhsa/approver', org: 'nhsa', role: 'approver' });
      } finally {
        await certified.close();
      }
    });
  });
});

describe('SessionStore', function () {
  it('creates sessions of 32 random bytes, valid until idle or past their lifetime', function () {
    let now = T0;
    const store = new SessionStore({ now: () => now });
    expect(store.idleMs).to.equal(DEFAULT_SESSION_IDLE_MS);
    expect(store.lifetimeMs).to.equal(SESSION_LIFETIME_MS);
    const session = store.create('sichuan/approver', 'approver');
    expect(session).to.include({
      identity: 'sichuan/approver',
      org: 'sichuan',
      role: 'approver',
      createdAt: T0,
    });
    expect(store.peek(session.id).state).to.equal('valid');
    expect(store.peek(undefined)).to.deep.equal({ state: 'unknown' });
    expect(store.peek('')).to.deep.equal({ state: 'unknown' });
    expect(store.peek('other')).to.deep.equal({ state: 'unknown' });
    now += DEFAULT_SESSION_IDLE_MS;
    expect(store.touch(session.id)).to.deep.equal({ state: 'expired', reason: 'idle' });
    expect(store.delete(session.id)).to.equal(true);
    expect(store.delete(session.id)).to.equal(false);
  });

  it('forgets a session a lifetime after it expired, and holds at most maxSessions', function () {
    let now = T0;
    const store = new SessionStore({ now: () => now, idleMs: 1000, lifetimeMs: 10_000, maxSessions: 3 });
    const old = store.create('a/x', null);
    now += 1000 + 10_000 - 1;
    store.create('a/y', null);
    expect(store.peek(old.id)).to.deep.equal({ state: 'expired', reason: 'lifetime' });
    now += 1;
    const kept = store.create('a/z', null);
    expect(store.peek(old.id)).to.deep.equal({ state: 'unknown' });
    expect(store.size).to.equal(2);
    const more = [store.create('a/1', null), store.create('a/2', null)];
    expect(store.size).to.equal(3);
    expect(store.peek(kept.id).state).to.equal('valid');
    expect(more.map((s) => store.peek(s.id).state)).to.deep.equal(['valid', 'valid']);
    store.clear();
    expect(store.size).to.equal(0);
  });

  it('says a session is expired by its lifetime even when it was busy', function () {
    let now = T0;
    const store = new SessionStore({ now: () => now, idleMs: 1000, lifetimeMs: 2500 });
    const session = store.create('a/x', null);
    for (now = T0 + 800; now < T0 + 2500; now += 800) expect(store.touch(session.id).state).to.equal('valid');
    expect(store.expiresAt(session)).to.equal(T0 + 2500);
    now = T0 + 2500;
    expect(store.peek(session.id)).to.deep.equal({ state: 'expired', reason: 'lifetime' });
  });

  it('compares tokens in full', function () {
    expect(sameToken('abc', 'abc')).to.equal(true);
    expect(sameToken('abc', 'abd')).to.equal(false);
    expect(sameToken('abc', 'abcd')).to.equal(false);
    expect(sameToken('', '')).to.equal(true);
  });
});
