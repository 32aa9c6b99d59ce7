/**
 * The schema-driven request generator of the contract fuzzing (test/support/openapi-arbitrary.ts),
 * no network: valid values validate with ajv against their schema, invalid ones (one mutation) do
 * not, every keyword the API's document uses is understood, and every operation of the document
 * gets valid and invalid requests.
 */
import Ajv from 'ajv';
import { expect } from 'chai';
import fc from 'fast-check';
import { openApiDocument } from '../../../apps/api/src/openapi';
import {
  codePoints,
  isFullDate,
  operationsOf,
  RequestArbitraries,
  SchemaArbitraries,
  urlOf,
  type Schema,
} from '../../support/openapi-arbitrary';

const RUNS = 60;

/** The operations that take no parameter and no body: no request of theirs can be invalid. */
const WITHOUT_PARAMETERS = new Set([
  'health',
  'getGovernance',
  'auditVersions',
  'auditProposals',
  'auditInvalidTransactions',
  'auditLatestVerification',
  'auditReport',
  'getSession',
  'deleteSession',
]);

/** Schemas exercising each keyword the generator supports. */
const CASES: Record<string, Schema> = {
  string: { type: 'string', minLength: 2, maxLength: 5 },
  pattern: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', maxLength: 64 },
  date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' },
  integer: { type: 'integer', minimum: 1, maximum: 200 },
  exclusive: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
  unbounded: { type: 'integer', minimum: 0 },
  boolean: { type: 'boolean' },
  null: { type: 'null' },
  typeList: { type: ['string', 'null'], maxLength: 3 },
  enum: { enum: ['甲', '乙'] },
  const: { const: 'upsertItem' },
  array: { type: 'array', minItems: 1, maxItems: 3, items: { enum: [1, 2, 3] }, uniqueItems: true },
  object: {
    type: 'object',
    additionalProperties: false,
    required: ['a', 'b'],
    properties: {
      a: { type: 'string', minLength: 1, maxLength: 10 },
      b: { type: 'integer', minimum: 0 },
      c: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }] },
    },
  },
  oneOfWithSiblings: {
    type: 'object',
    required: ['op'],
    properties: { op: { enum: ['set', 'clear'] } },
    oneOf: [
      {
        type: 'object',
        additionalProperties: false,
        required: ['op', 'value'],
        properties: { op: { const: 'set' }, value: { type: 'integer', minimum: 0, maximum: 9 } },
      },
      {
        type: 'object',
        additionalProperties: false,
        required: ['op'],
        properties: { op: { const: 'clear' } },
      },
    ],
  },
  allOf: { allOf: [{ type: 'integer', minimum: 0 }, { maximum: 10 }] },
  not: { type: 'string', minLength: 1, maxLength: 20, not: { enum: ['governance'] } },
  ref: { $ref: '#/components/schemas/Pair' },
};
const DOCUMENT = {
  components: {
    schemas: {
      Pair: {
        type: 'object',
        additionalProperties: false,
        required: ['left'],
        properties: { left: { type: 'string', maxLength: 4 }, right: { $ref: '#/components/schemas/Right' } },
      },
      Right: { type: 'integer', minimum: -3, maximum: 3 },
    },
  },
};

function compile(schema: Schema): (value: unknown) => boolean {
  const local = new Ajv({ strict: false, formats: { date: isFullDate } });
  local.addSchema(DOCUMENT, 'doc');
  const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\//g, '"doc#/')) as Schema;
  const validate = local.compile(rebased as Record<string, unknown>);
  return (value) => validate(value);
}

describe('OpenAPI request generator (fast-check arbitraries from JSON Schemas)', function () {
  this.timeout(60_000);
  const schemas = new SchemaArbitraries(DOCUMENT);

  for (const [name, schema] of Object.entries(CASES)) {
    it(`${name}: generates values ajv accepts, and one-mutation values it refuses`, function () {
      const validate = compile(schema);
      const valid = fc.sample(schemas.valid(schema), { numRuns: RUNS, seed: 1 });
      for (const value of valid) expect(validate(value), JSON.stringify(value)).to.equal(true);
      const invalid = schemas.invalid(schema);
      expect(invalid, name).to.not.equal(null);
      const mutated = fc.sample(invalid!, { numRuns: RUNS, seed: 2 });
      for (const { value, kind, at } of mutated)
        expect(validate(value), `${kind} at '${at}': ${JSON.stringify(value)}`).to.equal(false);
    });
  }

  it('makes every kind of mutation an object allows, at the pointer it names', function () {
    const kinds = new Set(
      fc.sample(schemas.invalid(CASES.object as Schema)!, { numRuns: 200, seed: 3 }).map((i) => i.kind),
    );
    expect([...kinds].sort()).to.deep.equal([
      'extra-property',
      'missing-required',
      'out-of-range',
      'wrong-type',
    ]);
    const missing = fc
      .sample(schemas.invalid(CASES.object as Schema)!, { numRuns: 200, seed: 3 })
      .find((i) => i.kind === 'missing-required');
    expect(missing?.at).to.be.oneOf(['/a', '/b']);
    expect(missing?.value).to.not.have.property(missing!.at.slice(1));
  });

  it('keeps lengths in code points, as JSON Schema counts them', function () {
    const values = fc.sample(schemas.valid({ type: 'string', minLength: 3, maxLength: 3 }), {
      numRuns: 200,
      seed: 4,
    });
    for (const value of values as string[]) expect(codePoints(value)).to.equal(3);
    expect(
      values.some((v) => (v as string).length !== 3),
      'some characters outside the BMP',
    ).to.equal(true);
  });

  it('generates calendar dates for format: date and shape-valid non-dates as its mutation', function () {
    expect(isFullDate('2024-02-29')).to.equal(true);
    expect(isFullDate('2025-02-29')).to.equal(false);
    expect(isFullDate('2025-04-31')).to.equal(false);
    const mutations = fc.sample(schemas.invalid(CASES.date as Schema)!, { numRuns: 200, seed: 5 });
    expect(
      mutations.some((m) => typeof m.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(m.value)),
    ).to.equal(true);
  });

  it('judges query and path values by their text, coerced as the server does', function () {
    const limit = { type: 'integer', minimum: 1, maximum: 200 };
    expect(schemas.validates(limit, '5', 'text')).to.equal(true);
    expect(schemas.validates(limit, 5, 'text')).to.equal(true);
    expect(schemas.validates(limit, 'abc', 'text')).to.equal(false);
    expect(schemas.validates(limit, '1.5', 'text')).to.equal(false);
    const mutations = fc.sample(schemas.invalid(limit, { context: 'text' })!, { numRuns: 100, seed: 6 });
    for (const { value } of mutations)
      expect(schemas.validates(limit, value, 'text'), String(value)).to.equal(false);
    // A string parameter has no wrong type in a query string: every text is a string.
    const text = fc.sample(schemas.invalid({ type: 'string', maxLength: 4 }, { context: 'text' })!, {
      numRuns: 100,
      seed: 7,
    });
    expect(text.every((m) => m.kind !== 'wrong-type')).to.equal(true);
  });

  it('uses overrides (always present) and mixes in examples, still only valid values', function () {
    const schema = CASES.object as Schema;
    const overridden = fc.sample(schemas.valid(schema, { overrides: { '/c': fc.constant('pinned') } }), {
      numRuns: 50,
      seed: 8,
    });
    for (const value of overridden) expect(value).to.have.property('c', 'pinned');
    const mixed = fc.sample(schemas.valid(schema, { examples: { '/a': fc.constant('known') } }), {
      numRuns: 100,
      seed: 9,
    }) as { a: string }[];
    expect(mixed.some((v) => v.a === 'known')).to.equal(true);
    expect(mixed.some((v) => v.a !== 'known')).to.equal(true);
  });

  it('refuses to build from a keyword or format it does not understand', function () {
    expect(() => schemas.valid({ type: 'string', contentEncoding: 'base64' })).to.throw(
      /unsupported schema keyword/,
    );
    expect(() => schemas.valid({ type: 'string', format: 'email' })).to.throw(/unsupported format/);
  });

  describe('on the API document', function () {
    let document: Record<string, unknown>;
    let requests: RequestArbitraries;

    before(async function () {
      document = await openApiDocument();
      requests = new RequestArbitraries(document);
    });

    it('finds every operation with its parameters, body and responses', function () {
      const operations = operationsOf(document);
      // the 18 catalog operations, health, the auditors' seven and the browser session's three
      expect(operations).to.have.length(29);
      const approve = operations.find((op) => op.operationId === 'approveProposal');
      expect(approve).to.include({ method: 'POST', path: '/v1/proposals/{proposalId}/approve' });
      expect(approve?.parameters.map((p) => `${p.in}:${p.name}`)).to.deep.equal(['path:proposalId']);
      expect(approve?.body?.required).to.equal(true);
      expect(Object.keys(approve?.responses ?? {})).to.include.members(['200', '400', '409']);
      expect(operations.find((op) => op.operationId === 'getItem')?.exclusive).to.deep.equal([
        ['version', 'date'],
      ]);
      expect(urlOf(approve!, { proposalId: 'a b' }, {})).to.equal('/v1/proposals/a%20b/approve');
    });

    it('generates valid and one-mutation invalid requests of every operation, as the document judges them', function () {
      for (const operation of operationsOf(document)) {
        const valid = fc.sample(requests.valid(operation), { numRuns: 15, seed: 10 });
        for (const request of valid)
          expect(requests.isValid(operation, request), `${operation.operationId} ${request.url}`).to.equal(
            true,
          );
        const invalid = requests.invalid(operation);
        if (WITHOUT_PARAMETERS.has(operation.operationId)) {
          expect(invalid, operation.operationId).to.equal(null);
          continue;
        }
        for (const request of fc.sample(invalid!, { numRuns: 15, seed: 11 })) {
          expect(request.mutation, operation.operationId).to.not.equal(undefined);
          expect(
            requests.isValid(operation, request),
            `${operation.operationId} ${request.mutation?.part} ${request.mutation?.kind} ${request.url}`,
          ).to.equal(false);
        }
      }
    });

    it('never combines exclusive query parameters in a valid request, and does in a mutation', function () {
      const getItem = operationsOf(document).find((op) => op.operationId === 'getItem')!;
      const valid = fc.sample(requests.valid(getItem), { numRuns: 100, seed: 12 });
      expect(valid.every((r) => !('version' in r.query && 'date' in r.query))).to.equal(true);
      const invalid = fc.sample(requests.invalid(getItem)!, { numRuns: 200, seed: 13 });
      expect(invalid.some((r) => r.mutation?.kind === 'exclusive-parameters')).to.equal(true);
    });

    it('validates generated bodies with the same ajv view as the suite (the document as a schema)', function () {
      const documentAjv = new Ajv({ strict: false, formats: { date: isFullDate } });
      documentAjv.addSchema(document, 'openapi');
      const validate = documentAjv.compile({
        $ref: 'openapi#/paths/~1v1~1proposals/post/requestBody/content/application~1json/schema',
      });
      const create = operationsOf(document).find((op) => op.operationId === 'createProposal')!;
      for (const request of fc.sample(requests.valid(create), { numRuns: 20, seed: 14 }))
        expect(validate(request.body), JSON.stringify(validate.errors)).to.equal(true);
    });
  });
});
