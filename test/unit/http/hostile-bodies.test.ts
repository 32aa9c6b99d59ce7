/**
 * Hostile bodies for every HTTP API operation that takes one, over the fake client (Fastify inject):
 * the contract fuzzer's own schema-valid requests (test/support/openapi-arbitrary.ts, as
 * test/network/45-api-contract.test.ts sends them) turned hostile — cut short, with bytes that are
 * not UTF-8, nested tens of thousands deep, larger than the body limit, or sent as another media
 * type. Every answer is a declared status with a `{ code, message }` body (400 INVALID_INPUT, 413
 * PAYLOAD_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE), never a 5xx, and the server keeps answering.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { operationsOf, RequestArbitraries, type Operation } from '../../support/openapi-arbitrary';
import { envInt, report, SEED } from '../../support/fuzz-config';
import { call, testApi, type TestApi } from './support/fake-client';

const RUNS = Math.max(1, Math.round(envInt('FUZZ_RUNS', 1000) / 10));
/** A small body limit, so oversized bodies stay cheap to make. */
const BODY_LIMIT = 64 * 1024;

type Hostile = { readonly what: string; readonly payload: string | Buffer; readonly contentType: string };

function hostile(body: unknown): fc.Arbitrary<Hostile> {
  const text = JSON.stringify(body ?? {});
  return fc.oneof(
    fc.nat(text.length).map((n) => ({
      what: 'cut short',
      payload: text.slice(0, Math.max(1, Math.min(n, text.length - 1))),
      contentType: 'application/json',
    })),
    fc
      .tuple(fc.nat(text.length), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0x00]))
      .map(([at, bytes]) => {
        const b = Buffer.from(text);
        const i = at % (b.length + 1);
        return {
          what: 'bytes that are not UTF-8',
          payload: Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]),
          contentType: 'application/json',
        };
      }),
    fc
      .tuple(fc.integer({ min: 1_000, max: 30_000 }), fc.constantFrom('lines', 'changes', 'x'))
      .map(([depth, key]) => ({
        what: `nested ${String(depth)} deep`,
        payload: text.startsWith('{')
          ? // after the body's own keys: a repeated key's last value is the one JSON.parse keeps
            `${text === '{}' ? '{' : `${text.slice(0, -1)},`}"${key}":${'['.repeat(depth)}${']'.repeat(depth)}}`
          : '['.repeat(depth) + ']'.repeat(depth),
        contentType: 'application/json',
      })),
    fc.integer({ min: BODY_LIMIT + 1, max: BODY_LIMIT * 4 }).map((size) => ({
      what: `${String(size)} bytes`,
      payload: text.startsWith('{') ? `{"title":"${'x'.repeat(size)}",${text.slice(1)}` : 'x'.repeat(size),
      contentType: 'application/json',
    })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
      )
      .map((contentType) => ({
        what: `sent as ${contentType}`,
        payload: text,
        contentType,
      })),
    fc
      .constantFrom(
        '',
        'null',
        '[]',
        '"x"',
        '{',
        '}',
        '{"a":1}{"b":2}',
        '{"__proto__":{"polluted":true}}',
        '{"constructor":{"prototype":{}}}',
      )
      .map((payload) => ({
        what: `the body ${JSON.stringify(payload)}`,
        payload,
        contentType: 'application/json',
      })),
  );
}

describe('HTTP API: hostile bodies (the contract fuzzer, turned hostile)', function () {
  this.timeout(120_000);
  let api: TestApi;
  let operations: Operation[];
  let requests: RequestArbitraries;

  before(async function () {
    api = await testApi({ bodyBytes: BODY_LIMIT });
    operations = operationsOf(api.document as unknown as Record<string, unknown>).filter(
      (op) => op.body !== undefined,
    );
    requests = new RequestArbitraries(api.document as unknown as Record<string, unknown>);
  });

  after(async function () {
    await api.app.close();
  });

  it('every operation with a body is fuzzed', function () {
    expect(operations.length).to.be.greaterThan(5);
  });

  it(`${String(RUNS)} hostile bodies per operation: a declared 4xx with { code, message }, never a 5xx; the server keeps answering`, async function () {
    const started = Date.now();
    let cases = 0;
    for (const op of operations) {
      const declared = new Set(Object.keys(op.responses));
      await fc.assert(
        fc.asyncProperty(
          requests.valid(op).chain((r) => hostile(r.body).map((h) => ({ r, h }))),
          fc.constantFrom('hospital-key', 'nhsa-key'),
          async ({ r, h }, key) => {
            cases += 1;
            const response = await call(api, r.url, {
              method: op.method.toUpperCase() as 'POST',
              raw: h.payload as string,
              key,
              headers: { 'content-type': h.contentType },
            });
            const where = `${op.operationId} ${h.what}: ${String(response.statusCode)} ${response.body.slice(0, 300)}`;
            // an empty body is no body: fine where the body is optional
            if (h.payload === '' && op.body?.required !== true && response.statusCode < 300) return;
            expect(response.statusCode, where).to.be.within(400, 499);
            expect(
              declared.has(String(response.statusCode)),
              `${where} (declared: ${[...declared].join(', ')})`,
            ).to.equal(true);
            const body = response.json<{ code?: unknown; message?: unknown }>();
            expect(typeof body.code, where).to.equal('string');
            expect(typeof body.message, where).to.equal('string');
          },
        ),
        { numRuns: RUNS, seed: SEED },
      );
    }
    expect((await call(api, '/healthz', { key: null })).statusCode).to.equal(200);
    report({
      suite: 'HTTP API (in-process)',
      target: 'every operation with a body',
      cases,
      refused: cases,
      accepted: 0,
      failures: 0,
      ms: Date.now() - started,
      note: 'every answer a declared 4xx with { code, message }, never a 5xx; the server kept answering',
    });
  });
});
