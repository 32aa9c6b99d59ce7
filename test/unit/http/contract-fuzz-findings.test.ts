/**
 * What the contract fuzzing of the real network (test/network/45-api-contract.test.ts) found, one
 * case per finding, over the fake client: each was a schema-valid request refused as invalid input
 * (the document did not say what the server checks) or a 500.
 */
import { expect } from 'chai';
import { InvalidInputError } from '../../../gateway-client/src/errors';
import { bodyOf, call, ITEM_ID, testApi, type OpenApiOperation, type TestApi } from './support/fake-client';

/** Every schema in `value` that has `pattern`, with the JSON pointer where it is. */
function patterned(value: unknown, at = ''): { at: string; schema: Record<string, unknown> }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => patterned(v, `${at}/${i}`));
  if (value === null || typeof value !== 'object') return [];
  const schema = value as Record<string, unknown>;
  return [
    ...(typeof schema.pattern === 'string' ? [{ at, schema }] : []),
    ...Object.entries(schema).flatMap(([key, child]) => patterned(child, `${at}/${key}`)),
  ];
}

describe('HTTP API: what the contract fuzzing found', function () {
  // Building the app compiles every schema: more than mocha's default 2 s on a busy machine.
  this.timeout(20_000);
  let api: TestApi;

  beforeEach(async function () {
    api = await testApi();
  });

  afterEach(async function () {
    await api.app.close();
  });

  const operation = (path: string, method: string): OpenApiOperation => {
    const found = api.document.paths[path]?.[method];
    if (!found) throw new Error(`${method} ${path} is not in the document`);
    return found;
  };

  it('routes a proposal id of up to 128 characters (the router stopped at 100 with a 500) and refuses longer ones with 400', async function () {
    for (const length of [101, 128]) {
      const response = await call(api, `/v1/proposals/${'a'.repeat(length)}`);
      expect(response.statusCode, String(length)).to.equal(200);
    }
    for (const url of [`/v1/proposals/${'a'.repeat(129)}`, `/v1/proposals/${'a'.repeat(300)}/approve`]) {
      const response = await call(api, url, url.endsWith('approve') ? { body: {} } : {});
      expect(response.statusCode, url).to.equal(400);
      expect(bodyOf(api, response, 'Error')).to.include({ code: 'INVALID_INPUT' });
    }
    expect(api.fake.calls.map(([name]) => name)).to.deep.equal(['getProposal', 'getProposal']);
  });

  it('says every date is a calendar date (format: date) and refuses one that is not before calling the chaincode', async function () {
    const dates = Object.values(api.document.paths)
      .flatMap((operations) => Object.values(operations))
      .flatMap((op) => patterned(op))
      .filter(({ schema }) => schema.pattern === '^\\d{4}-\\d{2}-\\d{2}$');
    // query date (coverage, item), lines[].date, effectiveFrom, and the item's agreement period.
    expect(dates.length).to.be.greaterThan(5);
    for (const { at, schema } of dates) expect(schema.format, at).to.equal('date');
    for (const [url, body] of [
      [`/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&date=2025-02-30`, undefined],
      [`/v1/items/${ITEM_ID}?date=2025-13-01`, undefined],
      ['/v1/coverage/batch', { province: 'Guangdong', lines: [{ itemId: ITEM_ID, date: '2025-04-31' }] }],
      [
        '/v1/proposals',
        { title: 't', effectiveFrom: '2025-02-29', changes: [{ op: 'removeItem', itemId: ITEM_ID }] },
      ],
    ] as const) {
      const response = await call(api, url, body === undefined ? {} : { body });
      expect(response.statusCode, url).to.equal(400);
      expect(response.json<{ message: string }>().message, url).to.match(/must match format "date"/);
    }
    expect(api.fake.calls).to.deep.equal([]);
    const leapDay = await call(api, `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&date=2024-02-29`);
    expect(leapDay.statusCode).to.equal(200);
  });

  it('answers a bookmark that is not from the same query with 400 INVALID_BOOKMARK, other invalid input unchanged', async function () {
    api.fake.failWith = new InvalidInputError('INVALID_INPUT', 'bookmark does not belong to this query');
    for (const url of ['/v1/items?bookmark=abc', '/v1/versions?bookmark=abc', '/v1/proposals?bookmark=abc']) {
      const response = await call(api, url);
      expect(response.statusCode, url).to.equal(400);
      expect(bodyOf(api, response, 'Error'), url).to.deep.equal({
        code: 'INVALID_BOOKMARK',
        message: 'the bookmark was not returned by the previous page of this query',
      });
    }
    api.fake.failWith = new InvalidInputError('INVALID_INPUT', 'something else');
    const other = await call(api, '/v1/items?bookmark=abc');
    expect(other.statusCode).to.equal(400);
    expect(other.json()).to.include({ code: 'INVALID_INPUT' });
    expect(operation('/v1/items', 'get').responses['400']?.description).to.include('INVALID_BOOKMARK');
  });

  it('names the query parameters of an item that exclude each other (version, date) in the document', function () {
    const getItem = operation('/v1/items/{itemId}', 'get') as OpenApiOperation & {
      'x-exclusive-parameters'?: unknown;
    };
    expect(getItem['x-exclusive-parameters']).to.deep.equal([['version', 'date']]);
    const names = (getItem.parameters ?? []).map((p) => p.name);
    expect(names).to.include.members(['version', 'date']);
    for (const name of ['version', 'date'])
      expect(getItem.parameters?.find((p) => p.name === name)?.description, name).to.match(
        /not together with/,
      );
  });

  it('refuses changes against a cross-field rule of the catalog with 422 CATALOG_RULE before creating anything (a draft was left behind)', async function () {
    const item = {
      kind: 'drug',
      section: '西药部分',
      name: 'x',
      fundPayable: true,
      provenance: { edition: 'TEST' },
    };
    for (const [change, rule] of [
      [{ op: 'upsertItem', item: { ...item, kind: 'service' } }, /service item needs its owning province/],
      [{ op: 'upsertItem', item: { ...item, province: 'Shaanxi' } }, /drug item is national/],
      [
        { op: 'upsertItem', item: { ...item, agreementPeriod: { from: '2026-01-01', to: '2025-01-01' } } },
        /agreement period/,
      ],
      [{ op: 'upsertItem', item: { ...item, rules: { minAge: 60, maxAge: 18 } } }, /minAge > maxAge/],
    ] as const) {
      const response = await call(api, '/v1/proposals', {
        body: {
          title: 't',
          effectiveFrom: '2025-01-01',
          changes: [{ op: 'removeItem', itemId: ITEM_ID }, change],
        },
      });
      expect(response.statusCode, JSON.stringify(change)).to.equal(422);
      const body = bodyOf(api, response, 'Error');
      expect(body.code).to.equal('CATALOG_RULE');
      expect(body.message)
        .to.match(/^the request breaks a rule of the catalog: changes\/1: /)
        .and.to.match(rule);
    }
    // Rules with a code of their own keep it (a drug item in a provincial proposal).
    const scoped = await call(api, '/v1/proposals', {
      body: {
        title: 't',
        effectiveFrom: '2025-01-01',
        scope: 'Shaanxi',
        changes: [{ op: 'upsertItem', item }],
      },
    });
    expect(scoped.statusCode).to.equal(403);
    expect(scoped.json()).to.include({ code: 'SCOPE_VIOLATION' });
    // Only the governance record was read (its members decide which provinces exist); nothing was written.
    expect(api.fake.calls.map(([name]) => name).filter((name) => name !== 'getGovernance')).to.deep.equal([]);
    expect(operation('/v1/proposals', 'post').responses['422']?.description).to.include('CATALOG_RULE');
  });

  it('refuses a governance scope for POST /v1/proposals up front, as the document says (the chaincode always refused it: no governance update in the body)', async function () {
    const response = await call(api, '/v1/proposals', {
      body: {
        title: 't',
        effectiveFrom: '2025-01-01',
        scope: 'governance',
        changes: [{ op: 'removeItem', itemId: ITEM_ID }],
      },
    });
    expect(response.statusCode).to.equal(400);
    expect(bodyOf(api, response, 'Error')).to.include({ code: 'INVALID_INPUT' });
    expect(api.fake.calls).to.deep.equal([]);
    const scope = (
      operation('/v1/proposals', 'post').requestBody?.content['application/json']?.schema as {
        properties: { scope: Record<string, unknown> };
      }
    ).properties.scope;
    expect(scope.not).to.deep.equal({ enum: ['governance'] });
  });
});
