import {
  CatalogError,
  type Change,
  type CoverageInput,
  definitions,
  ITEM_ID_PATTERN,
  MAX_BATCH_LINES,
  MAX_PAGE_SIZE,
  normaliseChange,
  normaliseProvince,
  type Governance,
  type PatientContext,
  type Proposal,
} from '@nrdl-catalog/chaincode/model';
import {
  applyAndSeal,
  CatalogClientError,
  type CatalogClient,
  chaincodeError,
  localMessage,
  toClientError,
  withProvinceNames,
  type ProvinceNames,
  driveProposal,
  proposalTarget,
  type ProposalTarget,
  InvalidInputError,
  parsePatient,
  PATIENT_FIELDS,
  type PatientField,
  type Submitted,
  checkClaim,
  claimText,
  MAX_CLAIM_LINES,
  type ClaimInput,
  type ClaimMessage,
} from '@nrdl-catalog/gateway-client';
import { DEFAULT_CHUNK_SIZE, fingerprint, splitIntoChunks } from '@nrdl-catalog/gateway-client/import';
import type { SearchReadModel } from '@nrdl-catalog/gateway-client/search';
import { auditRoutes, type AuditSource } from './audit-routes';
import { ApiError } from './status';

/** A JSON Schema (kept to the keywords @fastify/swagger copies unchanged into the document). */
export type JsonSchema = Record<string, unknown>;

/** Most changes one `POST /v1/proposals` may carry (the body limit bounds it too). */
export const MAX_CHANGES_PER_REQUEST = 5000;

/** What a route handler gets: the client of the caller's identity and the validated request. */
export interface RouteContext {
  readonly client: CatalogClient;
  /** The read model search is served from (null when the server has none). */
  readonly readModel: SearchReadModel | null;
  /** The audit store the audit endpoints answer from (null when the server has none). */
  readonly audit: AuditSource | null;
  readonly params: Readonly<Record<string, string>>;
  /** The query string, validated (and coerced: integers are numbers). */
  readonly query: Readonly<Record<string, unknown>>;
  /** The body, validated as it came (no coercion, no defaults, no removed properties). */
  readonly body: unknown;
}

/** One HTTP operation: its path (OpenAPI form), the schemas it validates with, its handler. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly params?: JsonSchema;
  readonly query?: JsonSchema;
  readonly body?: JsonSchema;
  /** Name of the response schema (response-schemas.ts). */
  readonly response: string;
  readonly status?: 200 | 201;
  /**
   * The roles (the `catalog.role` of the caller's certificate) that may call the operation; any
   * other caller is refused with FORBIDDEN_ROLE before the handler runs. Absent: every caller (the
   * chaincode decides).
   */
  readonly roles?: readonly string[];
  /**
   * Groups of query parameters of which at most one may be given (the chaincode refuses more);
   * the document names them in `x-exclusive-parameters` (OpenAPI has no keyword for it).
   */
  readonly exclusive?: readonly (readonly string[])[];
  /**
   * Groups of query parameters of which exactly one must be given (the query schema's `oneOf`, which
   * the parameter list of the document cannot show); named in `x-one-of-parameters`.
   */
  readonly oneOfParameters?: readonly (readonly string[])[];
  handle(ctx: RouteContext): Promise<unknown>;
}

/** The shape of a date; the `date` format adds that it is a calendar date (as the chaincode checks). */
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/**
 * A chaincode schema made fit for the document: every `const` written as a one-value `enum` (same
 * meaning; @fastify/swagger would rewrite `const` itself, so the document would differ from what
 * ajv validates with), `discriminator` dropped (an OpenAPI hint that only works with `$ref`'d
 * branches; the `oneOf` alone says the same), and every date-shaped string given `format: date`
 * (the chaincode refuses a date that is not on the calendar, e.g. 2025-02-30; the document says so).
 */
export function openApiSafe(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApiSafe);
  if (schema === null || typeof schema !== 'object') return schema;
  const safe = Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'discriminator')
      .map(([key, value]) => (key === 'const' ? ['enum', [value]] : [key, openApiSafe(value)])),
  );
  return safe.pattern === DATE_PATTERN ? { ...safe, format: 'date' } : safe;
}

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength: 200,
  description,
  ...extra,
});
const int = (description: string, extra: JsonSchema = {}): JsonSchema => ({
  type: 'integer',
  description,
  ...extra,
});
const dateParam = (description: string): JsonSchema =>
  str(description, { pattern: DATE_PATTERN, format: 'date', maxLength: 10 });

function query(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', additionalProperties: false, required, properties };
}

function pathParams(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

const itemIdParam = pathParams({ itemId: str('item id', { pattern: ITEM_ID_PATTERN, maxLength: 64 }) });
const proposalIdParam = pathParams({
  proposalId: str('proposal id', { pattern: '^[A-Za-z0-9_-]{1,128}$', maxLength: 128 }),
});

const PAGE = {
  limit: int(`page size (1-${MAX_PAGE_SIZE}, default 50)`, { minimum: 1, maximum: MAX_PAGE_SIZE }),
  bookmark: str('bookmark from the previous page of the same query (another one is a 400 INVALID_BOOKMARK)', {
    maxLength: 2048,
  }),
};

/**
 * A page of a bookmarked query; the chaincode's refusal of a bookmark that is not from this query
 * becomes INVALID_BOOKMARK (the bookmark is well-formed: the refusal depends on the query, not on
 * the schema, which says all it can).
 */
async function paged<T>(page: Promise<T>): Promise<T> {
  try {
    return await page;
  } catch (error) {
    if (
      error instanceof InvalidInputError &&
      (error.template === 'INVALID_INPUT.bookmark' ||
        error.message.includes('bookmark does not belong to this query'))
    )
      throw new ApiError('INVALID_BOOKMARK', error.message.replace(/^INVALID_INPUT: /, ''));
    throw error;
  }
}
const PATIENT = {
  age: int('patient age in years', { minimum: 0, maximum: 150 }),
  sex: str('patient sex', { enum: ['M', 'F'] }),
  level: int('hospital level 1, 2 or 3', { enum: [1, 2, 3] }),
  visit: str('visit type', { enum: ['inpatient', 'outpatient'] }),
  insurance: str('insurance type: employee (职工), resident (居民), workInjury, maternity', {
    enum: ['employee', 'resident', 'workInjury', 'maternity'],
  }),
  insured: str(
    'the province where the patient is insured (参保地), in any form of its name: the answer adds its payment policy (就医地目录、参保地政策)',
    { maxLength: 40 },
  ),
  registered: str('whether the move was registered with the insured province (已备案 true / 未备案 false)', {
    enum: ['true', 'false'],
  }),
  chronic: str('an outpatient visit for a chronic or special disease (门诊慢特病)', {
    enum: ['true', 'false'],
  }),
};
const PROVINCE_TEXT =
  'province in any form the governance record lists (Guangdong, 广东省, 广东, 粤, GD, GuangdongMSP, 440000), in any letter case';

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function text(q: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = q[name];
  return typeof value === 'string' ? value : undefined;
}

function num(q: Readonly<Record<string, unknown>>, name: string): number | undefined {
  const value = q[name];
  return typeof value === 'number' ? value : undefined;
}

/** The patient context of a query: the schema has coerced and bounded it; one parser for CLI and API. */
function patientOf(q: Readonly<Record<string, unknown>>): PatientContext | undefined {
  const fields: Partial<Record<PatientField, string>> = {};
  for (const name of PATIENT_FIELDS) {
    const value = q[name];
    if (typeof value === 'string' || typeof value === 'number') fields[name] = String(value);
  }
  const insurance = text(q, 'insurance') as PatientContext['insuranceType'];
  const insured = text(q, 'insured');
  const registered = text(q, 'registered');
  const chronic = text(q, 'chronic');
  const patient: PatientContext = {
    ...parsePatient(fields),
    ...(insurance === undefined ? {} : { insuranceType: insurance }),
    ...(insured === undefined ? {} : { insuredProvince: insured }),
    ...(registered === undefined ? {} : { registered: registered === 'true' }),
    ...(chronic === undefined ? {} : { chronic: chronic === 'true' }),
  };
  return Object.keys(patient).length === 0 ? undefined : patient;
}

/**
 * Checks every change against the catalog's cross-field rules, as AddChunk will (the chaincode's
 * own normalisation), before anything is created: a service item without its province, an
 * agreement period that ends before it starts, minAge above maxAge. No schema can state these, so
 * they are 422 CATALOG_RULE, not 400 INVALID_INPUT; and no draft is left behind by a refused chunk.
 */
function checkChangeRules(
  g: Pick<Governance, 'provinces'>,
  target: ProposalTarget,
  changes: readonly Change[],
): void {
  let province: string | null = null;
  try {
    province = target.province === undefined ? null : normaliseProvince(g, target.province).name;
  } catch (error) {
    if (error instanceof CatalogError)
      throw chaincodeError(error.code, error.message.replace(/^[A-Z_]+: /, ''));
    throw error;
  }
  // normaliseChange reads the proposal's scope and province only.
  const proposal = { scope: target.scope, province } as Proposal;
  changes.forEach((change, index) => {
    try {
      normaliseChange(g, proposal, change);
    } catch (error) {
      if (!(error instanceof CatalogError)) throw error;
      const message = error.message.replace(/^[A-Z_]+: /, '');
      if (error.code === 'INVALID_INPUT') {
        const refusal = toClientError(error);
        throw new ApiError(
          'CATALOG_RULE',
          `changes/${index}: ${refusal.message.replace(/^[A-Z_]+: /, '')}`,
          (lang) => `changes/${index}: ${localMessage(refusal, lang).replace(/^[A-Z_]+: /, '')}`,
        );
      }
      throw chaincodeError(error.code, `changes/${index}: ${message}`);
    }
  });
}

/** A committed transaction as the API answers it (the block number as a JSON number). */
function submitted<T>(result: Submitted<T>): { transactionId: string; blockNumber: number; value: T } {
  return {
    transactionId: result.transactionId,
    blockNumber: Number(result.blockNumber),
    value: result.value,
  };
}

const comment = { type: 'string', minLength: 1, maxLength: 1000 };

/** Body of withdraw: an optional reason. */
const withdrawBody = {
  type: 'object',
  additionalProperties: false,
  properties: { comment: { ...comment, description: 'reason of the withdrawal' } },
};

/** Body of approve/reject: the comment and what the approver reviewed (the vote binds to it). */
const voteBody = {
  type: 'object',
  additionalProperties: false,
  required: ['manifestHash', 'baseVersion', 'governanceVersion'],
  properties: {
    comment,
    manifestHash: {
      type: 'string',
      pattern: '^[0-9a-f]{64}$',
      description: 'proposal.manifestHash as reviewed',
    },
    baseVersion: { type: 'integer', minimum: 0, description: 'proposal.baseVersion as reviewed' },
    governanceVersion: {
      type: 'integer',
      minimum: 1,
      description: 'proposal.governanceVersion as reviewed',
    },
  },
};

/** Body of apply: none (an empty object, or no body at all). */
const emptyBody = { type: 'object', additionalProperties: false, properties: {} };

const coverageLine = definitions.coverageInput.properties;

/** How long the governance record read for province names is reused (members change rarely). */
const GOVERNANCE_REUSE_MS = 60_000;
const governanceReads = new WeakMap<
  CatalogClient,
  { readonly at: number; readonly read: Promise<Governance> }
>();

/** The governance record, read at most once a minute per client (for the province names in answers). */
function governanceOf(client: CatalogClient): Promise<Governance> {
  const cached = governanceReads.get(client);
  if (cached !== undefined && Date.now() - cached.at < GOVERNANCE_REUSE_MS) return cached.read;
  const read = client.getGovernance();
  governanceReads.set(client, { at: Date.now(), read });
  read.catch(() => governanceReads.delete(client));
  return read;
}

/** An answer with the province names (Chinese and English) the client adds to the chaincode's. */
async function named<T extends { readonly province?: string | null }>(
  client: CatalogClient,
  answer: Promise<T>,
): Promise<T & { provinceNames: ProvinceNames | null }> {
  const [value, governance] = await Promise.all([answer, governanceOf(client)]);
  return withProvinceNames(value, governance);
}

/** The query of GET /v1/coverage: the item by id, by name (+ form) or by code — exactly one. */
const coverageQueryProperties = {
  itemId: str('item id (or give name, or code)', { pattern: ITEM_ID_PATTERN, maxLength: 64 }),
  name: str('generic name, resolved on chain (every item of that name answers)', {
    minLength: 1,
    maxLength: 300,
  }),
  code: str('official code, resolved on chain', { pattern: '^[A-Za-z0-9.-]{1,56}$', maxLength: 56 }),
};
const coverageQuery: JsonSchema = {
  ...query(
    {
      province: str(PROVINCE_TEXT, { maxLength: 40 }),
      ...coverageQueryProperties,
      form: str('dosage form narrowing a name', { maxLength: 100 }),
      date: dateParam('YYYY-MM-DD (default: today)'),
      ...PATIENT,
    },
    ['province'],
  ),
  oneOf: Object.entries(coverageQueryProperties).map(([name, schema]) => ({
    required: [name],
    properties: { [name]: schema },
  })),
};

/** Every operation of the HTTP API. */
export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/coverage',
    operationId: 'checkCoverage',
    summary: 'Is an item covered in a province on a date, for a patient?',
    query: coverageQuery,
    oneOfParameters: [Object.keys(coverageQueryProperties)],
    // a dosage form narrows a name: never with an id or a code
    exclusive: [
      ['itemId', 'form'],
      ['code', 'form'],
    ],
    response: 'CoverageAnswer',
    handle: ({ client, query: q }: RouteContext): Promise<unknown> =>
      named(
        client,
        client.checkCoverage(
          defined({
            province: text(q, 'province') ?? '',
            itemId: text(q, 'itemId'),
            name: text(q, 'name'),
            dosageForm: text(q, 'form'),
            code: text(q, 'code'),
            date: text(q, 'date'),
            patient: patientOf(q),
          }) as CoverageInput,
        ),
      ),
  },
  {
    method: 'POST',
    path: '/v1/coverage/batch',
    operationId: 'checkCoverageBatch',
    summary: `Up to ${MAX_BATCH_LINES} coverage questions for one province, answered in order`,
    body: {
      type: 'object',
      required: ['province', 'lines'],
      additionalProperties: false,
      properties: {
        province: { type: 'string', minLength: 1, maxLength: 40, description: PROVINCE_TEXT },
        atVersion: {
          type: 'integer',
          minimum: 1,
          description: 'answer from sealed versions up to this one only',
        },
        lines: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_BATCH_LINES,
          // by id, by name (+ form) or by code: three closed shapes, so a line matches one alone
          items: openApiSafe({
            oneOf: [
              { itemId: coverageLine.itemId },
              { name: coverageLine.name, dosageForm: coverageLine.dosageForm },
              { code: coverageLine.code },
            ].map((target) => ({
              type: 'object',
              additionalProperties: false,
              required: [Object.keys(target)[0]],
              properties: { ...target, date: coverageLine.date, patient: coverageLine.patient },
            })),
          }),
        },
      },
    },
    response: 'CoverageBatch',
    handle: async ({ client, body }: RouteContext): Promise<unknown> => {
      const input = body as {
        province: string;
        atVersion?: number;
        lines: Omit<CoverageInput, 'province'>[];
      };
      const [answer, governance] = await Promise.all([
        client.checkCoverageBatch({
          lines: input.lines.map((line) => ({ ...line, province: input.province }) as CoverageInput),
          ...(input.atVersion === undefined ? {} : { atVersion: input.atVersion }),
        }),
        governanceOf(client),
      ]);
      return { ...answer, results: answer.results.map((result) => withProvinceNames(result, governance)) };
    },
  },
  {
    method: 'POST',
    path: '/v1/claims/check',
    operationId: 'checkClaim',
    summary: `A whole claim (up to ${MAX_CLAIM_LINES} lines): each line's coverage and rules, and the claim-level findings`,
    body: {
      type: 'object',
      required: ['province', 'lines'],
      additionalProperties: false,
      properties: {
        province: { type: 'string', minLength: 1, maxLength: 40, description: PROVINCE_TEXT },
        date: { type: 'string', maxLength: 10, description: 'YYYY-MM-DD of lines that give none' },
        patient: openApiSafe(definitions.patient),
        lines: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_CLAIM_LINES,
          description:
            'each line names its item by exactly one of itemId, name (+ dosageForm) or code; a bad line is answered with a coded error and its line number, the others are still checked',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              itemId: { type: 'string', maxLength: 64 },
              name: { type: 'string', maxLength: 300 },
              dosageForm: { type: 'string', maxLength: 100 },
              code: { type: 'string', maxLength: 64 },
              quantity: { type: 'number', description: 'greater than 0 (default 1)' },
              date: { type: 'string', maxLength: 10, description: 'YYYY-MM-DD (default: the claim date)' },
              time: { type: 'string', maxLength: 5, description: 'HH:MM, for rules counted in hours' },
              amount: {
                type: 'string',
                maxLength: 14,
                description:
                  'the line amount (price × quantity) in yuan, at most two decimals, for the estimated fund split (or amountFen)',
              },
              amountFen: {
                type: 'integer',
                minimum: 0,
                maximum: 999_999_999_999_999,
                description: 'the line amount in fen (分), instead of amount',
              },
            },
          },
        },
        accumulated: {
          type: 'object',
          additionalProperties: false,
          description:
            'already paid this year (fen): the fund (against the annual cap) and the deductible filled (起付标准)',
          properties: {
            fundPaidFen: { type: 'integer', minimum: 0, maximum: 999_999_999_999_999 },
            deductibleFen: { type: 'integer', minimum: 0, maximum: 999_999_999_999_999 },
          },
        },
      },
    },
    response: 'ClaimCheck',
    handle: async ({ client, body }: RouteContext): Promise<unknown> => {
      const input = body as ClaimInput;
      const texts = (message: ClaimMessage): { zh: string; en: string } => ({
        zh: claimText(message, 'zh'),
        en: claimText(message, 'en'),
      });
      const result = await checkClaim(client, input);
      return {
        ...result,
        lines: result.lines.map((line) =>
          line.error === null ? line : { ...line, error: { ...line.error, text: texts(line.error) } },
        ),
        findings: result.findings.map((finding) => ({ ...finding, text: texts(finding) })),
      };
    },
  },
  {
    method: 'GET',
    path: '/v1/payment-policies/{province}',
    operationId: 'getPaymentPolicy',
    summary:
      "A province's payment policy (医保待遇: deductible, fund ratio, cap, class 乙 self-pay, cross-province ratios) as of the head, a version or a date",
    params: pathParams({ province: str(PROVINCE_TEXT, { maxLength: 40 }) }),
    exclusive: [['version', 'date']],
    query: query({
      version: int('catalog version (not together with date)', { minimum: 1 }),
      date: dateParam('YYYY-MM-DD: the version in force that day (not together with version)'),
    }),
    response: 'PaymentPolicyView',
    handle: ({ client, params, query: q }: RouteContext): Promise<unknown> =>
      named(
        client,
        client.getPaymentPolicy(
          defined({ province: params.province ?? '', version: num(q, 'version'), date: text(q, 'date') }),
        ),
      ),
  },
  {
    method: 'GET',
    path: '/v1/items',
    operationId: 'searchItems',
    summary: 'Search items by name (substring or prefix), code, category, class, section, kind or province',
    query: query({
      name: str('generic name substring', { maxLength: 100 }),
      prefix: str('generic name prefix', { maxLength: 100 }),
      code: str('item code', { maxLength: 64 }),
      category: str('category code', { maxLength: 32 }),
      class: str('class', { enum: ['甲', '乙'] }),
      section: str('section', { maxLength: 100 }),
      kind: str('kind', { enum: ['drug', 'herbal', 'service', 'material'] }),
      province: str('owning province', { maxLength: 40 }),
      version: int('catalog version (default: head)', { minimum: 1 }),
      ...PAGE,
    }),
    response: 'ItemPage',
    handle: async ({ client, query: q }: RouteContext): Promise<unknown> => {
      // paged() also covers the governance read: a refused bookmark answers first, whichever fails first.
      const [page, governance] = await paged(
        Promise.all([
          client.searchItems(
            defined({
              name: text(q, 'name'),
              namePrefix: text(q, 'prefix'),
              code: text(q, 'code'),
              categoryCode: text(q, 'category'),
              class: text(q, 'class') as '甲' | undefined,
              section: text(q, 'section'),
              kind: text(q, 'kind') as 'drug' | undefined,
              province: text(q, 'province'),
              version: num(q, 'version'),
              pageSize: num(q, 'limit'),
              bookmark: text(q, 'bookmark'),
            }),
          ),
          governanceOf(client),
        ]),
      );
      return { ...page, records: page.records.map((record) => withProvinceNames(record, governance)) };
    },
  },
  {
    method: 'GET',
    path: '/v1/search',
    operationId: 'search',
    summary:
      'Search for people: name (exact > prefix > substring), pinyin in full or by initials (AMXL finds 阿莫西林), codes, remarks; from the read model, naming the catalog version it reflects',
    query: query(
      {
        q: str('text to find (1-100 characters; Chinese, pinyin, code or remark text)', {
          maxLength: 100,
          pattern: '\\S',
        }),
        kind: str('kind', { enum: ['drug', 'herbal', 'service', 'material'] }),
        class: str('class', { enum: ['甲', '乙'] }),
        section: str('section', { maxLength: 100 }),
        province: str(`national items and this province's own (${PROVINCE_TEXT})`, { maxLength: 40 }),
        limit: int(`page size (1-${MAX_PAGE_SIZE}, default 20)`, { minimum: 1, maximum: MAX_PAGE_SIZE }),
        offset: int('hits to skip (default 0)', { minimum: 0, maximum: 100_000 }),
      },
      ['q'],
    ),
    response: 'SearchAnswer',
    handle: async ({ client, readModel, query: q }: RouteContext): Promise<unknown> => {
      if (readModel === null)
        throw new CatalogClientError('READ_MODEL_BEHIND', 'this server has no read model to search', {
          template: 'READ_MODEL_BEHIND.none',
        });
      const [answer, governance] = await Promise.all([readModel.search({ ...q }), governanceOf(client)]);
      return { ...answer, hits: answer.hits.map((hit) => withProvinceNames(hit, governance)) };
    },
  },
  {
    method: 'GET',
    path: '/v1/items/{itemId}',
    operationId: 'getItem',
    summary: 'An item as of the head, a version or a date',
    params: itemIdParam,
    exclusive: [['version', 'date']],
    query: query({
      version: int('catalog version (not together with date)', { minimum: 1 }),
      date: dateParam('YYYY-MM-DD: the version in force that day (not together with version)'),
      province: str('province for provincial terms', { maxLength: 40 }),
    }),
    response: 'ItemView',
    handle: async ({ client, params, query: q }: RouteContext): Promise<unknown> => {
      const [view, governance] = await Promise.all([
        client.getItem(
          defined({
            itemId: params.itemId ?? '',
            version: num(q, 'version'),
            date: text(q, 'date'),
            province: text(q, 'province'),
          }),
        ),
        governanceOf(client),
      ]);
      return {
        ...view,
        item: withProvinceNames(view.item, governance),
        overlays: view.overlays.map((overlay) => withProvinceNames(overlay, governance)),
      };
    },
  },
  {
    method: 'GET',
    path: '/v1/items/{itemId}/history',
    operationId: 'getItemHistory',
    summary: 'Every version of an item',
    params: itemIdParam,
    query: query({ province: str('include this province’s overlay history', { maxLength: 40 }) }),
    response: 'History',
    handle: ({ client, params, query: q }: RouteContext): Promise<unknown> =>
      client.getItemHistory(defined({ itemId: params.itemId ?? '', province: text(q, 'province') })),
  },
  {
    method: 'GET',
    path: '/v1/versions',
    operationId: 'listVersions',
    summary: 'Sealed catalog versions',
    query: query(PAGE),
    response: 'VersionPage',
    handle: ({ client, query: q }: RouteContext): Promise<unknown> =>
      paged(client.listVersions(defined({ pageSize: num(q, 'limit'), bookmark: text(q, 'bookmark') }))),
  },
  {
    method: 'GET',
    path: '/v1/versions/{version}',
    operationId: 'getVersion',
    summary: 'One sealed version (use "head" for the latest)',
    params: pathParams({
      version: str('version number, or "head"', { pattern: '^(head|[1-9][0-9]{0,9})$', maxLength: 10 }),
    }),
    response: 'Version',
    handle: ({ client, params }: RouteContext): Promise<unknown> =>
      client.getVersion(params.version === 'head' ? {} : { version: Number(params.version) }),
  },
  {
    method: 'GET',
    path: '/v1/proposals',
    operationId: 'listProposals',
    summary: 'Proposals by status, scope and province',
    query: query({
      status: str('status', { enum: ['draft', 'open', 'approved', 'applied', 'rejected', 'withdrawn'] }),
      scope: str('scope', { enum: ['national', 'provincial', 'governance'] }),
      province: str('province', { maxLength: 40 }),
      ...PAGE,
    }),
    response: 'ProposalPage',
    handle: ({ client, query: q }: RouteContext): Promise<unknown> =>
      paged(
        client.listProposals(
          defined({
            status: text(q, 'status') as Proposal['status'] | undefined,
            scope: text(q, 'scope') as Proposal['scope'] | undefined,
            province: text(q, 'province'),
            pageSize: num(q, 'limit'),
            bookmark: text(q, 'bookmark'),
          }),
        ),
      ),
  },
  {
    method: 'POST',
    path: '/v1/proposals',
    operationId: 'createProposal',
    summary: 'Create a proposal with its changes (chunked) and open it for approval',
    body: {
      type: 'object',
      required: ['title', 'effectiveFrom', 'changes'],
      additionalProperties: false,
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 200 },
        rationale: { type: 'string', minLength: 1, maxLength: 3800, description: 'default: the title' },
        scope: {
          type: 'string',
          minLength: 1,
          maxLength: 40,
          // A governance proposal carries a governance update instead of changes: not made here.
          not: { enum: ['governance'] },
          description: `national (default) or a ${PROVINCE_TEXT}; not governance (a governance proposal carries no changes)`,
        },
        effectiveFrom: { type: 'string', pattern: DATE_PATTERN, format: 'date' },
        changes: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_CHANGES_PER_REQUEST,
          items: openApiSafe(definitions.change),
        },
      },
    },
    response: 'ProposalCreated',
    status: 201,
    handle: async ({ client, body }: RouteContext): Promise<unknown> => {
      const input = body as {
        title: string;
        rationale?: string;
        scope?: string;
        effectiveFrom: string;
        changes: Change[];
      };
      const target = proposalTarget(input.scope);
      const governance = await client.getGovernance();
      checkChangeRules(governance, target, input.changes);
      const result = await driveProposal(
        client,
        {
          ...target,
          title: input.title,
          rationale: input.rationale ?? input.title,
          effectiveFrom: input.effectiveFrom,
          chunks: splitIntoChunks(input.changes, DEFAULT_CHUNK_SIZE),
          fingerprint: fingerprint(input.changes),
        },
        { apply: false, governance },
      );
      const shown = await client.getProposal({ proposalId: result.proposalId });
      return {
        proposalId: result.proposalId,
        status: shown.proposal.status,
        resumed: result.resumed,
        value: shown,
      };
    },
  },
  {
    method: 'GET',
    path: '/v1/proposals/{proposalId}',
    operationId: 'getProposal',
    summary:
      'A proposal with its votes, tally and chunk progress (and, with changes=true, every change of its chunks)',
    params: proposalIdParam,
    query: query({
      changes: str("'true': each chunk carries its changes (what a reviewer diffs before voting)", {
        enum: ['true', 'false'],
      }),
    }),
    response: 'ProposalDetail',
    handle: ({ client, params, query: q }: RouteContext): Promise<unknown> =>
      client.getProposal({
        proposalId: params.proposalId ?? '',
        ...(text(q, 'changes') === 'true' ? { includeChunks: true } : {}),
      }),
  },
  ...(['approve', 'reject'] as const).map((action): Route => ({
    method: 'POST',
    path: `/v1/proposals/{proposalId}/${action}`,
    operationId: `${action}Proposal`,
    summary: `${action === 'approve' ? 'Approve' : 'Reject'} a proposal as the caller's organisation, bound to the manifest, base version and governance version reviewed`,
    params: proposalIdParam,
    body: voteBody,
    response: 'Submitted',
    handle: async ({ client, params, body }: RouteContext): Promise<unknown> => {
      const vote = body as {
        comment?: string;
        manifestHash: string;
        baseVersion: number;
        governanceVersion: number;
      };
      const input = defined({
        proposalId: params.proposalId ?? '',
        comment: vote.comment,
        manifestHash: vote.manifestHash,
        baseVersion: vote.baseVersion,
        governanceVersion: vote.governanceVersion,
      });
      return submitted(
        await (action === 'approve' ? client.approveProposal(input) : client.rejectProposal(input)),
      );
    },
  })),
  {
    method: 'POST',
    path: '/v1/proposals/{proposalId}/withdraw',
    operationId: 'withdrawProposal',
    summary: "Withdraw a proposal (the proposer's organisation)",
    params: proposalIdParam,
    body: withdrawBody,
    response: 'Submitted',
    handle: async ({ client, params, body }: RouteContext): Promise<unknown> => {
      const reason = (body as { comment?: string }).comment;
      return submitted(
        await client.withdrawProposal(defined({ proposalId: params.proposalId ?? '', reason })),
      );
    },
  },
  {
    method: 'POST',
    path: '/v1/proposals/{proposalId}/apply',
    operationId: 'applyProposal',
    summary:
      'Apply every chunk of an approved proposal and seal the version (answers the sealing transaction)',
    params: proposalIdParam,
    body: emptyBody,
    response: 'Submitted',
    handle: async ({ client, params }: RouteContext): Promise<unknown> => {
      const proposalId = params.proposalId ?? '';
      const shown = await client.getProposal({ proposalId });
      if (shown.proposal.scope === 'governance')
        return submitted(await client.applyGovernanceProposal({ proposalId }));
      return submitted(await applyAndSeal(client, proposalId, { chunks: shown.chunks }));
    },
  },
  {
    method: 'GET',
    path: '/v1/governance',
    operationId: 'getGovernance',
    summary: 'The governance record in force',
    response: 'Governance',
    handle: ({ client }: RouteContext): Promise<unknown> => client.getGovernance(),
  },
  ...auditRoutes,
];
