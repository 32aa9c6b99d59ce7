/**
 * The HTTP API's contract over a fake client (Fastify inject, no network): ajv accepts only what
 * the chaincode accepts, the generated OpenAPI document shows the very schemas the routes validate
 * with, responses are checked against their schema and never trimmed, 405 with Allow, every status
 * an operation can answer is declared, malformed URLs and unknown provinces are 400s, and every
 * response names its request id, as the log line does.
 */
import { expect } from 'chai';
import {
  ChaincodeError,
  chaincodeError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  TransactionError,
} from '../../../gateway-client/src/errors';
import { openApiDocument } from '../../../apps/api/src/openapi';
import { responseSchemas } from '../../../apps/api/src/response-schemas';
import { MAX_CHANGES_PER_REQUEST, routes, type Route } from '../../../apps/api/src/routes';
import { DEFAULT_LIMITS, startApiServer } from '../../../apps/api/src/server';
import { answerFor, ApiError, operationErrorStatuses } from '../../../apps/api/src/status';
import {
  bodyOf,
  call,
  HASH,
  ITEM_ID,
  KEYS,
  fakeClient,
  testApi,
  type Call,
  type OpenApiOperation,
  type TestApi,
} from './support/fake-client';

const changes = [{ op: 'removeItem', itemId: ITEM_ID }];
const vote = { manifestHash: HASH, baseVersion: 2, governanceVersion: 1 };

/** A valid request of every operation. */
const valid: Record<string, { url: string; request?: Call }> = {
  checkCoverage: { url: `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}` },
  checkCoverageBatch: {
    url: '/v1/coverage/batch',
    request: { body: { province: 'Guangdong', lines: [{ itemId: ITEM_ID }] } },
  },
  checkClaim: {
    url: '/v1/claims/check',
    request: { body: { province: 'Guangdong', lines: [{ itemId: ITEM_ID }] } },
  },
  searchItems: { url: '/v1/items?kind=drug' },
  search: { url: `/v1/search?q=${encodeURIComponent('复方')}` },
  getItem: { url: `/v1/items/${ITEM_ID}` },
  getItemHistory: { url: `/v1/items/${ITEM_ID}/history` },
  getPaymentPolicy: { url: '/v1/payment-policies/Sichuan' },
  listVersions: { url: '/v1/versions' },
  getVersion: { url: '/v1/versions/head' },
  listProposals: { url: '/v1/proposals' },
  createProposal: {
    url: '/v1/proposals',
    request: { body: { title: 't', effectiveFrom: '2025-01-01', changes } },
  },
  getProposal: { url: '/v1/proposals/p1' },
  approveProposal: { url: '/v1/proposals/p1/approve', request: { body: vote } },
  rejectProposal: { url: '/v1/proposals/p1/reject', request: { body: vote } },
  withdrawProposal: { url: '/v1/proposals/p1/withdraw', request: { body: {} } },
  applyProposal: { url: '/v1/proposals/p1/apply', request: { body: {} } },
  getGovernance: { url: '/v1/governance' },
  auditVersions: { url: '/v1/audit/versions' },
  auditDiff: { url: '/v1/audit/diff?from=1&to=2' },
  auditProposals: { url: '/v1/audit/proposals' },
  auditInvalidTransactions: { url: '/v1/audit/invalid' },
  auditLatestVerification: { url: '/v1/audit/verify' },
  auditVerify: { url: '/v1/audit/verify', request: { body: {} } },
  auditReport: { url: '/v1/audit/report' },
};

function operationOf(api: TestApi, route: Route): OpenApiOperation {
  const operation = api.document.paths[route.path]?.[route.method.toLowerCase()];
  if (!operation) throw new Error(`${route.method} ${route.path} is not in the document`);
  return operation;
}

function withoutDescription(schema: unknown): unknown {
  const rest = { ...(schema as Record<string, unknown>) };
  delete rest.description;
  return rest;
}

/** Keywords @fastify/swagger rewrites or drops when it writes the document. */
function rewrittenKeywords(schema: unknown, at = '#'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => rewrittenKeywords(s, `${at}/${i}`));
  if (schema === null || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) => [
    ...(['const', 'patternProperties', '$id', 'definitions', '$defs', 'examples', '$schema'].includes(key)
      ? [`${at}/${key}`]
      : []),
    ...(key === '$ref' && Object.keys(schema).length > 1 && at.includes('/properties/')
      ? [`${at} ($ref with siblings)`]
      : []),
    ...rewrittenKeywords(value, `${at}/${key}`),
  ]);
}

describe('HTTP API contract', function () {
  let api: TestApi;

  beforeEach(async function () {
    api = await testApi();
  });

  afterEach(async function () {
    await api.app.close();
  });

  describe('validation accepts only what the chaincode accepts (pitfall 1)', function () {
    it('refuses unknown body properties with 400 instead of removing them', async function () {
      for (const [url, body] of [
        ['/v1/proposals/p1/approve', { ...vote, extra: true }],
        ['/v1/proposals/p1/withdraw', { comment: 'x', reason: 'y' }],
        ['/v1/proposals/p1/apply', { force: true }],
        ['/v1/coverage/batch', { province: 'Guangdong', lines: [{ itemId: ITEM_ID, province: 'Sichuan' }] }],
        ['/v1/proposals', { title: 't', effectiveFrom: '2025-01-01', changes, approveAs: 'x' }],
      ] as const) {
        const response = await call(api, url, { body });
        expect(response.statusCode, url).to.equal(400);
        expect(bodyOf(api, response, 'Error')).to.include({ code: 'INVALID_INPUT' });
        expect(response.json<{ message: string }>().message).to.match(/additional properties '\w+'/);
      }
      expect(api.fake.calls).to.deep.equal([]);
    });

    it('does not coerce body types', async function () {
      for (const body of [
        { ...vote, baseVersion: '2' },
        { ...vote, governanceVersion: true },
        { ...vote, comment: 7 },
      ]) {
        const response = await call(api, '/v1/proposals/p1/approve', { body });
        expect(response.statusCode, JSON.stringify(body)).to.equal(400);
      }
      const batch = await call(api, '/v1/coverage/batch', {
        body: { province: 'Guangdong', lines: [{ itemId: ITEM_ID, patient: { hospitalLevel: '3' } }] },
      });
      expect(batch.statusCode).to.equal(400);
      expect(api.fake.calls).to.deep.equal([]);
    });

    it('fills in no defaults: what is absent stays absent', async function () {
      const response = await call(api, '/v1/proposals/p1/approve', { body: vote });
      expect(response.statusCode).to.equal(200);
      expect(api.fake.calls).to.deep.equal([['approveProposal', { proposalId: 'p1', ...vote }]]);
      await call(api, '/v1/versions');
      expect(api.fake.calls[1]).to.deep.equal(['listVersions', {}]);
      const missing = await call(api, '/v1/proposals/p1/approve', { body: { manifestHash: HASH } });
      expect(missing.statusCode).to.equal(400);
      expect(missing.json()).to.include({
        message: "invalid input: body must have required property 'baseVersion'",
      });
    });

    it('coerces query strings and path parameters only, and refuses what does not coerce', async function () {
      const ok = await call(api, '/v1/items?limit=5&version=2');
      expect(ok.statusCode).to.equal(200);
      expect(api.fake.calls[0]).to.deep.equal(['searchItems', { pageSize: 5, version: 2 }]);
      for (const url of [
        '/v1/items?limit=abc',
        '/v1/items?limit=',
        '/v1/items?limit=1.5',
        '/v1/items?limit=0',
        '/v1/items?limit=201',
        '/v1/items?limit=1&limit=2',
        '/v1/items?colour=red',
        `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&level=high`,
        `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&level=7`,
        `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&sex=X`,
        `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&date=tomorrow`,
        '/v1/coverage?province=Guangdong',
        '/v1/governance?verbose=1',
        '/v1/versions/latest',
        '/v1/versions/0',
        '/v1/items/not%20an%20id',
        '/v1/proposals/p%201',
      ]) {
        const response = await call(api, url);
        expect(response.statusCode, url).to.equal(400);
        expect(bodyOf(api, response, 'Error'), url).to.include({ code: 'INVALID_INPUT' });
      }
      // Only the valid request reached the client (with the governance read for province names).
      expect(api.fake.calls.map(([name]) => name)).to.deep.equal(['searchItems', 'getGovernance']);
    });

    it('answers bodies that are not JSON with 400, other media types with 415, an empty body as {}', async function () {
      const notJson = await call(api, '/v1/proposals/p1/approve', { raw: '{"manifestHash":' });
      expect(notJson.statusCode).to.equal(400);
      expect(notJson.json()).to.include({ code: 'INVALID_INPUT' });
      const text = await call(api, '/v1/proposals/p1/approve', {
        raw: 'approve',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.statusCode).to.equal(415);
      expect(bodyOf(api, text, 'Error')).to.include({ code: 'UNSUPPORTED_MEDIA_TYPE' });
      const empty = await call(api, '/v1/proposals/p1/approve', { raw: '' });
      expect(empty.statusCode).to.equal(400);
      expect(empty.json()).to.include({
        message: "invalid input: body must have required property 'manifestHash'",
      });
    });
  });

  describe('the document shows what the routes validate with (pitfall 2)', function () {
    it('is OpenAPI 3.1 with every operation once', function () {
      expect(api.document.openapi).to.equal('3.1.0');
      const operations = Object.values(api.document.paths).flatMap((ops) =>
        Object.values(ops).map((op) => op.operationId),
      );
      expect(operations.sort()).to.deep.equal(
        [
          ...routes.map((r) => r.operationId),
          'health',
          'createSession',
          'getSession',
          'deleteSession',
        ].sort(),
      );
    });

    it('has, for every operation, the request body schema the route validates with', function () {
      for (const route of routes) {
        const operation = operationOf(api, route);
        const documented = operation.requestBody?.content['application/json']?.schema;
        expect(documented, route.operationId).to.deep.equal(route.body);
        if (route.body) {
          const required = (route.body.required as unknown[] | undefined)?.length ?? 0;
          expect(operation.requestBody?.required, route.operationId).to.equal(required > 0);
        }
      }
    });

    it('has, for every operation, the query and path parameters the route validates with', function () {
      for (const route of routes) {
        const parameters = operationOf(api, route).parameters ?? [];
        for (const [where, schema] of [
          ['query', route.query],
          ['path', route.params],
        ] as const) {
          const properties = (schema?.properties ?? {}) as Record<string, { description?: string }>;
          const required = (schema?.required ?? []) as string[];
          const documented = parameters.filter((p) => p.in === where);
          expect(documented.map((p) => p.name).sort(), `${route.operationId} ${where}`).to.deep.equal(
            Object.keys(properties).sort(),
          );
          for (const parameter of documented) {
            const property = properties[parameter.name];
            expect(parameter.schema, `${route.operationId} ${parameter.name}`).to.deep.equal(
              withoutDescription(property),
            );
            expect(parameter.description).to.equal(property?.description);
            expect(parameter.required).to.equal(where === 'path' || required.includes(parameter.name));
          }
        }
      }
    });

    it('has the response schemas as components, references rewritten and nothing else changed', function () {
      const asDocumented = JSON.parse(
        JSON.stringify(responseSchemas).replace(/"\$ref":"(\w+)#"/g, '"$ref":"#/components/schemas/$1"'),
      ) as unknown;
      expect(api.document.components.schemas).to.deep.equal(asDocumented);
    });

    it('keeps request and response schemas to keywords swagger copies unchanged', function () {
      for (const route of routes) {
        expect(rewrittenKeywords(route.body), route.operationId).to.deep.equal([]);
        expect(rewrittenKeywords(route.query), route.operationId).to.deep.equal([]);
        expect(rewrittenKeywords(route.params), route.operationId).to.deep.equal([]);
      }
      for (const [name, schema] of Object.entries(responseSchemas))
        expect(rewrittenKeywords(schema), name).to.deep.equal([]);
    });

    it('is what openApiDocument() writes for the linter', async function () {
      expect(await openApiDocument()).to.deep.equal(api.document);
    });
  });

  describe('responses are checked against their schema, never trimmed (pitfall 3)', function () {
    it('answers 500 RESPONSE_INVALID, and logs it, when a response misses a required field', async function () {
      const incomplete = {
        ...((await fakeClient().client.checkCoverage({
          province: 'Guangdong',
          itemId: ITEM_ID,
        })) as unknown as Record<string, unknown>),
      };
      delete incomplete.txId;
      api.fake.answers.set('checkCoverage', incomplete);
      const response = await call(api, valid.checkCoverage?.url ?? '');
      expect(response.statusCode).to.equal(500);
      expect(bodyOf(api, response, 'Error')).to.deep.equal({
        code: 'RESPONSE_INVALID',
        message:
          "the answer did not match its schema: GET /v1/coverage 200 response must have required property 'txId'",
      });
      const logged = api.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(logged.some((line) => line.msg === 'request failed' && line.level === 50)).to.equal(true);
    });

    it('answers 500 RESPONSE_INVALID when a field has the wrong type', async function () {
      api.fake.answers.set('getGovernance', { version: '1', nationalMsp: 'N', provinces: [], rules: {} });
      const response = await call(api, '/v1/governance');
      expect(response.statusCode).to.equal(500);
      expect(response.json()).to.include({ code: 'RESPONSE_INVALID' });
    });

    it('passes on every field the client returns, documented or not, at any depth', async function () {
      const item = {
        ...((await fakeClient().client.getItem({ itemId: ITEM_ID })) as unknown as Record<string, unknown>),
        futureField: { nested: [1, 2] },
        provenance: { edition: 'NRDL-2024', importedBy: 'nhsa/admin' },
      };
      api.fake.answers.set('getItem', item);
      const response = await call(api, `/v1/items/${ITEM_ID}`);
      expect(response.statusCode).to.equal(200);
      // …with the province names the API adds (none: a national item).
      expect(response.json()).to.deep.equal({
        ...item,
        item: { ...((item as Record<string, unknown>).item as Record<string, unknown>), provinceNames: null },
      });
    });
  });

  describe('methods and paths (pitfall 4)', function () {
    it('answers another method on a known path with 405 and an Allow header', async function () {
      for (const [method, url, allow] of [
        ['DELETE', `/v1/items/${ITEM_ID}`, 'GET'],
        ['PUT', '/v1/proposals', 'GET, POST'],
        ['GET', '/v1/proposals/p1/approve', 'POST'],
        ['POST', '/v1/governance', 'GET'],
        ['PATCH', '/v1/coverage/batch', 'POST'],
        ['POST', '/healthz', 'GET'],
        ['HEAD', '/openapi.json', 'GET'],
        ['OPTIONS', '/v1/versions/head', 'GET'],
      ] as const) {
        const response = await call(api, url, { method });
        expect(response.statusCode, `${method} ${url}`).to.equal(405);
        expect(response.headers.allow, `${method} ${url}`).to.equal(allow);
        if (method !== 'HEAD') expect(response.json()).to.include({ code: 'METHOD_NOT_ALLOWED' });
      }
    });

    it('answers an unknown path with 404 NOT_FOUND', async function () {
      for (const url of ['/v1/nothing', '/v1/items/x/y/z', '/', '/v2/coverage']) {
        const response = await call(api, url);
        expect(response.statusCode, url).to.equal(404);
        expect(response.json()).to.include({ code: 'NOT_FOUND' });
      }
    });

    it('answers 401 without or with an unknown API key, before anything else', async function () {
      for (const key of [null, '', 'nope']) {
        const response = await call(api, valid.createProposal?.url ?? '', {
          ...valid.createProposal?.request,
          key,
        });
        expect(response.statusCode).to.equal(401);
        expect(bodyOf(api, response, 'Error')).to.include({ code: 'UNAUTHENTICATED' });
      }
      expect(api.fake.calls).to.deep.equal([]);
    });
  });

  describe('every status an operation answers is declared (pitfall 5)', function () {
    const failures: [Error, number, string][] = [
      [new InvalidInputError('INVALID_INPUT', 'bad'), 400, 'INVALID_INPUT'],
      [chaincodeError('UNKNOWN_PROVINCE', 'Hubei'), 400, 'UNKNOWN_PROVINCE'],
      [chaincodeError('CHUNK_TOO_LARGE', 'too many'), 400, 'CHUNK_TOO_LARGE'],
      [new NotFoundError('ITEM_NOT_FOUND', 'none'), 404, 'ITEM_NOT_FOUND'],
      [new ForbiddenError('FORBIDDEN_ROLE', 'no'), 403, 'FORBIDDEN_ROLE'],
      [new ConflictError('STALE_REVIEW', 'stale', { transactionId: 'tx-9' }), 409, 'STALE_REVIEW'],
      [new ChaincodeError('GOVERNANCE_NOT_INITIALISED', 'none'), 422, 'GOVERNANCE_NOT_INITIALISED'],
      [new TransactionError('MVCC_READ_CONFLICT', 'conflict'), 502, 'MVCC_READ_CONFLICT'],
      [new TransactionError('ENDORSE_FAILED', 'peer down'), 502, 'ENDORSE_FAILED'],
      [new TransactionError('DEADLINE_EXCEEDED', 'slow'), 504, 'DEADLINE_EXCEEDED'],
      [new TransactionError('COMMIT_STATUS_TIMEOUT', 'slow'), 504, 'COMMIT_STATUS_TIMEOUT'],
      [new TypeError('boom'), 500, 'INTERNAL'],
    ];

    it('maps each client error to its status and declares that status on every operation', async function () {
      expect(Object.keys(valid).sort()).to.deep.equal(routes.map((r) => r.operationId).sort());
      for (const route of routes) {
        const declared = Object.keys(operationOf(api, route).responses);
        const request = valid[route.operationId];
        for (const [error, status, code] of failures) {
          api.fake.failWith = error;
          const response = await call(api, request?.url ?? '', request?.request);
          if (route.roles !== undefined) {
            // an operation for some roles only refuses the others before any client is asked
            expect(response.statusCode, `${route.operationId} ${code}`).to.equal(403);
            expect(declared, `${route.operationId} declares 403`).to.include('403');
            expect(bodyOf(api, response, 'Error').code).to.equal('FORBIDDEN_ROLE');
            continue;
          }
          if (route.operationId === 'checkClaim' && code === 'INVALID_INPUT') {
            // a line the chain's schema refuses is that line's error, by line number (the claim is answered)
            expect(response.statusCode, `${route.operationId} ${code}`).to.equal(200);
            const claim = JSON.parse(response.body) as { lines: { error: { code: string } | null }[] };
            expect(claim.lines.map((l) => l.error?.code)).to.include('INVALID_INPUT');
            continue;
          }
          expect(response.statusCode, `${route.operationId} ${code}`).to.equal(status);
          expect(declared, `${route.operationId} declares ${status}`).to.include(String(status));
          const body = bodyOf(api, response, 'Error');
          expect(body.code).to.equal(code);
          if (code === 'STALE_REVIEW') expect(body.transactionId).to.equal('tx-9');
          if (code === 'INTERNAL') expect(body.message).to.not.include('boom');
        }
      }
    });

    it('answers the audit operations 503 AUDIT_STORE_UNAVAILABLE, declared, when the server has no audit store', async function () {
      const audit = routes.filter((route) => route.roles !== undefined);
      expect(audit.map((route) => route.path)).to.have.length(7);
      for (const route of audit) {
        const request = valid[route.operationId];
        const response = await call(api, request?.url ?? '', { ...request?.request, key: 'auditor-key' });
        expect(response.statusCode, route.operationId).to.equal(503);
        expect(Object.keys(operationOf(api, route).responses)).to.include('503');
        expect(bodyOf(api, response, 'Error').code).to.equal('AUDIT_STORE_UNAVAILABLE');
      }
      expect(api.fake.calls).to.deep.equal([]);
    });

    it('declares 200/201, 400, 401, 500 everywhere and 413/415 exactly where there is a body', function () {
      for (const route of routes) {
        const declared = Object.keys(operationOf(api, route).responses);
        expect(declared).to.include.members([String(route.status ?? 200), '400', '401', '500']);
        expect(declared.includes('413'), route.operationId).to.equal(route.body !== undefined);
        expect(declared.includes('415'), route.operationId).to.equal(route.body !== undefined);
        expect(declared).to.not.include('405');
        for (const response of Object.values(operationOf(api, route).responses))
          expect(response.headers).to.have.keys('x-request-id', 'content-language');
      }
      expect(Object.keys(api.document.paths['/healthz']?.get?.responses ?? {})).to.deep.equal(['200', '500']);
      expect(operationErrorStatuses({ authenticated: true, body: false })).to.deep.equal([
        400, 401, 403, 404, 409, 422, 500, 502, 503, 504,
      ]);
    });

    it('answers what Fastify and the HTTP layer raise with { code, message }', function () {
      expect(answerFor(new ApiError('BAD_URL', 'x'), 'en')).to.deep.equal({
        status: 400,
        body: { code: 'BAD_URL', message: 'malformed URL: x' },
      });
      expect(answerFor(new ApiError('BAD_URL', 'x'))).to.deep.equal({
        status: 400,
        body: { code: 'BAD_URL', message: 'URL 格式错误：x' },
      });
      expect(
        answerFor(Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), 'en'),
      ).to.deep.equal({
        status: 413,
        body: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than the API accepts' },
      });
      expect(answerFor('a string').status).to.equal(500);
      expect(answerFor(null).body.code).to.equal('INTERNAL');
    });
  });

  describe('malformed URLs, provinces and the CLI (pitfall 6)', function () {
    it('answers a malformed % escape in the path or the query with 400 BAD_URL', async function () {
      for (const url of [
        '/v1/items/%E0%A4%A',
        '/v1/items/D-1%ZZ/history',
        '/v1/items?name=%E0%A4%A',
        `/v1/coverage?province=%&itemId=${ITEM_ID}`,
        '/v1/items?%ZZ=1',
      ]) {
        const response = await call(api, url);
        expect(response.statusCode, url).to.equal(400);
        expect(bodyOf(api, response, 'Error'), url).to.include({ code: 'BAD_URL' });
        expect(response.headers['x-request-id'], url).to.be.a('string');
      }
      expect(api.fake.calls).to.deep.equal([]);
    });

    it('accepts a province scope in any form the governance record lists, in any case', async function () {
      for (const scope of ['Guangdong', 'guangdongmsp', 'GD', '粤', '广东省', '440000']) {
        const response = await call(api, '/v1/proposals', {
          body: { title: 't', effectiveFrom: '2025-01-01', changes, scope },
        });
        expect(response.statusCode, scope).to.equal(201);
      }
      const created = api.fake.calls.filter(([name]) => name === 'createProposal').map(([, input]) => input);
      for (const input of created) expect(input).to.include({ scope: 'provincial', province: 'Guangdong' });
    });
  });

  describe('limits', function () {
    it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE', async function () {
      const small = await testApi({ bodyBytes: 1024 });
      try {
        const response = await call(small, '/v1/proposals', {
          body: { title: 'x'.repeat(2000), effectiveFrom: '2025-01-01', changes },
        });
        expect(response.statusCode).to.equal(413);
        expect(bodyOf(small, response, 'Error')).to.include({ code: 'PAYLOAD_TOO_LARGE' });
      } finally {
        await small.app.close();
      }
    });

    it(`refuses more than ${MAX_CHANGES_PER_REQUEST} changes in one request`, async function () {
      const many = Array.from({ length: MAX_CHANGES_PER_REQUEST + 1 }, () => changes[0]);
      const response = await call(api, '/v1/proposals', {
        body: { title: 't', effectiveFrom: '2025-01-01', changes: many },
      });
      expect(response.statusCode).to.equal(400);
      expect(response.json()).to.include({
        message: `invalid input: body/changes must NOT have more than ${MAX_CHANGES_PER_REQUEST} items`,
      });
    });

    it('listens on 127.0.0.1 by default with the connection cap and timeouts applied', async function () {
      const fake = fakeClient();
      const server = await startApiServer({
        port: 0,
        keys: KEYS,
        clientFor: () => fake.client,
        limits: {
          maxConnections: 7,
          requestTimeoutMs: 4000,
          headersTimeoutMs: 3000,
          keepAliveTimeoutMs: 500,
        },
      });
      try {
        expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(server.server.maxConnections).to.equal(7);
        expect(server.server.requestTimeout).to.equal(4000);
        expect(server.server.headersTimeout).to.equal(3000);
        expect(server.server.keepAliveTimeout).to.equal(500);
        const response = await fetch(`${server.url}/v1/governance`, { headers: { 'x-api-key': 'nhsa-key' } });
        expect(response.status).to.equal(200);
        expect(response.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
      } finally {
        await server.close();
      }
      expect(DEFAULT_LIMITS).to.include({ bodyBytes: 8 * 1024 * 1024 });
    });
  });

  describe('request ids and the log (pitfall 8)', function () {
    function requestLines(id: string): Record<string, unknown>[] {
      return api.lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.reqId === id && line.msg === 'request');
    }

    it('puts the request id of every response in exactly one JSON log line of that request', async function () {
      for (const [url, options, status] of [
        ['/v1/governance', {}, 200],
        ['/v1/governance', { key: null }, 401],
        ['/v1/items?limit=abc', {}, 400],
        ['/v1/nothing', {}, 404],
        ['/v1/governance', { method: 'DELETE' }, 405],
        ['/v1/items/%E0%A4%A', {}, 400],
        ['/healthz', { key: null }, 200],
      ] as const) {
        const response = await call(api, url, options);
        expect(response.statusCode, url).to.equal(status);
        const id = response.headers['x-request-id'];
        expect(id, url)
          .to.be.a('string')
          .and.match(/^[0-9a-f-]{36}$/);
        const lines = requestLines(String(id));
        expect(lines, url).to.have.length(1);
        expect(lines[0]).to.include({ statusCode: status, method: options.method ?? 'GET' });
        expect(JSON.stringify(lines[0])).to.not.include('hospital-key');
      }
      const ok = requestLines(String((await call(api, '/v1/governance')).headers['x-request-id']))[0];
      expect(ok).to.include({ identity: 'guangdong/hospital1', level: 30 });
    });

    it("keeps a well-formed caller's x-request-id and replaces anything else", async function () {
      const kept = await call(api, '/v1/governance', { headers: { 'x-request-id': 'trace-42.a:b' } });
      expect(kept.headers['x-request-id']).to.equal('trace-42.a:b');
      expect(requestLines('trace-42.a:b')).to.have.length(1);
      for (const bad of ['has space', 'x'.repeat(65), '<script>']) {
        const replaced = await call(api, '/v1/governance', { headers: { 'x-request-id': bad } });
        expect(replaced.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
      }
    });

    it('logs error codes with the request', async function () {
      api.fake.failWith = new NotFoundError('PROPOSAL_NOT_FOUND', 'none');
      const response = await call(api, '/v1/proposals/p9');
      const line = requestLines(String(response.headers['x-request-id']))[0];
      expect(line).to.include({ statusCode: 404, code: 'PROPOSAL_NOT_FOUND' });
    });
  });
});
