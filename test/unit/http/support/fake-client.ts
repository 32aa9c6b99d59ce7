/**
 * A CatalogClient look-alike for the HTTP tests: every method records its input and answers a
 * fixture shaped like the chaincode's answer (or throws `failWith`). No network.
 */
import Ajv from 'ajv';
import { expect } from 'chai';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { CatalogClient } from '../../../../gateway-client/src/catalog-client';
import { buildApi, type ApiLimits } from '../../../../apps/api/src/server';
import { digestOfEntries, type DigestEntry } from '../../../../chaincode/src/shared';
import { SearchReadModel, type SqliteReadModel } from '../../../../gateway-client/src/search';
import { MEMBERS } from '../../support/members';

export const ITEM_ID = 'D-7233e7b335261587';
export const HASH = 'a'.repeat(64);

export const coverage = {
  province: 'Guangdong',
  itemId: ITEM_ID,
  date: '2025-06-01',
  name: '复方硼砂',
  kind: 'drug',
  covered: true,
  reason: 'COVERED',
  class: '甲',
  restriction: null,
  rule: null,
  paymentStandard: null,
  agreementPeriod: null,
  provincial: null,
  catalogVersion: 3,
  versionEffectiveFrom: '2025-01-01',
  txId: null,
};

export const item = {
  id: ITEM_ID,
  kind: 'drug',
  section: '西药部分',
  name: '复方硼砂',
  fundPayable: true,
  provenance: { edition: 'NRDL-2024', sourceRow: '1', source: 'nrdl-2024-drugs.csv' },
};

export const version = {
  version: 3,
  parent: 2,
  proposalIds: ['p1'],
  changeCount: 1,
  effectiveFrom: '2025-01-01',
  txId: 'tx-seal',
  timestamp: '2025-01-01T00:00:00Z',
  digest: 'd',
  versionHash: 'h',
};

export const governance = {
  version: 1,
  nationalMsp: MEMBERS.nationalMsp,
  nationalNames: MEMBERS.nationalNames ?? null,
  provinces: MEMBERS.provinces,
  auditors: MEMBERS.auditors,
  rules: {
    national: { national: true, provinces: 'majority' },
    provincial: { national: false, provinces: 'own' },
    governance: { national: true, provinces: 'twoThirds' },
  },
  maxChunkChanges: 250,
  allowSelfApproval: false,
  nationalKeyPolicy: { provinces: 1 },
  updatedByProposal: null,
  txId: 'tx-gov',
  timestamp: '2025-01-01T00:00:00Z',
};

/** The proposal the fake shows, mutable by the tests. */
export interface FakeProposalState {
  id: string;
  scope: 'national' | 'provincial' | 'governance';
  status: string;
  chunks: { index: number; changeCount: number; hash: string; applied: boolean; appliedTxId: null }[];
}

export interface FakeClient {
  readonly calls: [string, unknown][];
  failWith: Error | undefined;
  /** Replaces a method's answer (e.g. to drop a required field). */
  readonly answers: Map<string, unknown>;
  readonly state: FakeProposalState;
  readonly client: CatalogClient;
}

export function fakeClient(): FakeClient {
  const calls: [string, unknown][] = [];
  const answers = new Map<string, unknown>();
  const state: FakeProposalState = { id: 'p1', scope: 'national', status: 'open', chunks: [] };
  const fake: FakeClient = { calls, failWith: undefined, answers, state, client: undefined as never };
  const proposal = (): Record<string, unknown> => ({
    id: state.id,
    scope: state.scope,
    province: null,
    ownerMsp: 'NHSAMSP',
    title: 't',
    rationale: 'r',
    effectiveFrom: '2025-01-01',
    status: state.status,
    proposer: { mspId: 'NHSAMSP', id: 'x509::…' },
    changeCount: 1,
    chunkCount: 1,
    manifestHash: HASH,
    baseVersion: 2,
    governanceVersion: 1,
    sealedVersion: null,
  });
  const detail = (): Record<string, unknown> => ({
    proposal: proposal(),
    votes: [],
    tally: null,
    appliedChunks: 0,
    chunks: state.chunks,
  });
  const submitted = (value: unknown, transactionId: string, blockNumber: bigint): unknown => ({
    value,
    transactionId,
    blockNumber,
  });
  const method =
    (name: string, answer: (input: unknown) => unknown) =>
    (input: unknown): Promise<unknown> => {
      calls.push([name, input]);
      if (fake.failWith) return Promise.reject(fake.failWith);
      return Promise.resolve(answers.has(name) ? answers.get(name) : answer(input));
    };
  const client = {
    connection: { identity: { mspId: 'NHSAMSP' } },
    checkCoverage: method('checkCoverage', () => coverage),
    checkCoverageBatch: method('checkCoverageBatch', (input) => ({
      results: (input as { lines: unknown[] }).lines.map(() => coverage),
    })),
    searchItems: method('searchItems', () => ({
      records: [{ itemId: ITEM_ID, kind: 'drug', name: '复方硼砂', section: '西药部分' }],
      fetchedRecordsCount: 1,
      bookmark: '',
    })),
    getItem: method('getItem', () => ({
      catalogVersion: 2,
      versionEffectiveFrom: '2025-01-01',
      versionTxId: 'tx-version-2',
      itemId: ITEM_ID,
      item,
      listedInVersion: 1,
      proposalId: 'proposal-1',
      overlays: [],
    })),
    getPaymentPolicy: method('getPaymentPolicy', () => ({
      catalogVersion: 3,
      versionEffectiveFrom: '2025-03-01',
      province: 'Sichuan',
      policy: {
        province: 'Sichuan',
        rows: [
          {
            insuranceType: 'employee',
            visitType: 'inpatient',
            hospitalLevels: [3],
            deductibleFen: 80000,
            fundRatioBp: 8500,
            annualCapFen: 30000000,
            classBSelfPayBp: 1000,
            crossProvince: { registeredBp: 8500, unregisteredBp: 7500 },
            note: null,
          },
        ],
        provenance: {
          title: '示例数据，非真实标准',
          documentNumber: '示例-1',
          url: null,
          date: '2025-01-01',
          note: null,
        },
      },
      listedInVersion: 3,
      proposalId: 'proposal-sc',
      changes: [{ version: 3, proposalId: 'proposal-sc', op: 'set' }],
    })),
    getItemHistory: method('getItemHistory', () => ({ itemId: ITEM_ID, versions: [item] })),
    getVersion: method('getVersion', () => version),
    listVersions: method('listVersions', () => ({
      records: [version],
      fetchedRecordsCount: 1,
      bookmark: '',
    })),
    getGovernance: method('getGovernance', () => governance),
    listProposals: method('listProposals', () => ({ records: [], fetchedRecordsCount: 0, bookmark: '' })),
    createProposal: method('createProposal', () => {
      state.status = 'draft';
      return submitted(proposal(), 'tx-create', 5n);
    }),
    addChunk: method('addChunk', () => submitted({}, 'tx-chunk', 6n)),
    openProposal: method('openProposal', () => {
      state.status = 'open';
      return submitted(proposal(), 'tx-open', 7n);
    }),
    getProposal: method('getProposal', () => detail()),
    approveProposal: method('approveProposal', () => submitted({ vote: 'approve' }, 'tx-approve', 17n)),
    rejectProposal: method('rejectProposal', () => submitted({ vote: 'reject' }, 'tx-reject', 18n)),
    withdrawProposal: method('withdrawProposal', () => submitted(proposal(), 'tx-withdraw', 19n)),
    applyChunk: method('applyChunk', () => submitted({}, 'tx-apply', 20n)),
    sealVersion: method('sealVersion', () => submitted(version, 'tx-seal', 21n)),
    applyGovernanceProposal: method('applyGovernanceProposal', () => submitted(governance, 'tx-gov', 22n)),
  };
  return Object.assign(fake, { client: client as unknown as CatalogClient });
}

export const KEYS = new Map([
  ['hospital-key', 'guangdong/hospital1'],
  ['nhsa-key', 'nhsa/approver'],
  ['auditor-key', 'audit/auditor'],
]);

/** The `catalog.role` of the identities of {@link KEYS} (what their certificates would carry). */
export const ROLES: Readonly<Record<string, string>> = {
  'guangdong/hospital1': 'hospital',
  'nhsa/approver': 'approver',
  'audit/auditor': 'auditor',
};

/** An app over a fake client, with its log lines and the identities the clients were asked for. */
export interface TestApi {
  readonly app: FastifyInstance;
  readonly fake: FakeClient;
  readonly lines: string[];
  readonly identities: string[];
  readonly document: OpenApi;
}

export interface OpenApiOperation {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean; description?: string; schema: unknown }[];
  requestBody?: { required: boolean; content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; headers?: Record<string, unknown> }>;
}

export interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
}

/** A real read model (in memory) holding version 1 with one item, 复方硼砂, sealed as it holds it. */
export function testReadModel(): SqliteReadModel {
  const entry: DigestEntry = {
    type: 'item',
    itemId: ITEM_ID,
    data: {
      ...item,
      number: '1',
      class: '甲',
      categoryCode: null,
      categoryPath: [],
      dosageForm: '含漱液',
      remark: null,
      rules: null,
      paymentStandard: null,
      agreementPeriod: null,
      province: null,
      code: 'XA01',
      unit: null,
      prices: null,
    },
  };
  const digest = digestOfEntries([entry]);
  const model = SearchReadModel.open(':memory:', {
    sealedDigest: () => Promise.resolve(digest),
    headVersion: () => Promise.resolve(1),
  });
  model.index.applyVersion({ version: 1, digest, versionHash: HASH, blockNumber: 3 }, [
    { key: `item|${ITEM_ID}`, entry },
  ]);
  return model;
}

export async function testApi(
  limits: Partial<ApiLimits> = {},
  readModel: SqliteReadModel | null = testReadModel(),
): Promise<TestApi> {
  const fake = fakeClient();
  const lines: string[] = [];
  const identities: string[] = [];
  const app = await buildApi({
    keys: KEYS,
    limits,
    // the API alone, whether or not the console is built (test/unit/http/console-static.test.ts serves it)
    consoleDir: null,
    ...(readModel === null ? {} : { readModel }),
    log: (line) => lines.push(line),
    roleOf: (identity) => ROLES[identity] ?? null,
    clientFor: (identity) => {
      identities.push(identity);
      return fake.client;
    },
  });
  await app.ready();
  const document = app.swagger() as unknown as OpenApi;
  return { app, fake, lines, identities, document };
}

export interface Call {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';
  readonly body?: unknown;
  readonly raw?: string;
  readonly key?: string | null;
  readonly headers?: Record<string, string>;
}

export async function call(api: TestApi, url: string, options: Call = {}): Promise<LightMyRequestResponse> {
  // English unless a test asks for another language (the API answers Chinese by default).
  const headers: Record<string, string> = { 'accept-language': 'en', ...options.headers };
  if (options.key !== null) headers['x-api-key'] = options.key ?? 'hospital-key';
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] ??= 'application/json';
  return api.app.inject({
    method: options.method ?? (payload === undefined ? 'GET' : 'POST'),
    url,
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
}

const validators = new WeakMap<object, Ajv>();

/** The response's JSON body, checked against `#/components/schemas/<schema>` of the served document. */
export function bodyOf(
  api: TestApi,
  response: LightMyRequestResponse,
  schema: string,
): Record<string, unknown> {
  let ajv = validators.get(api.document);
  if (!ajv) {
    ajv = new Ajv({ strict: false });
    ajv.addSchema(api.document, 'openapi');
    validators.set(api.document, ajv);
  }
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema}`);
  const body = response.json<Record<string, unknown>>();
  expect(validate(body), `${schema}: ${JSON.stringify(validate.errors)} in ${response.body}`).to.equal(true);
  return body;
}
