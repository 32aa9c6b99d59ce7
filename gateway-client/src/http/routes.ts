import type { Change, CoverageInput, PatientContext, Proposal } from '../../../chaincode/src/model/types';
import type { CatalogClient } from '../catalog-client';
import { InvalidInputError } from '../errors';
import { driveProposal } from '../workflow';
import { scopeOf } from '../cli/proposal-commands';
import { DEFAULT_CHUNK_SIZE, fingerprint, splitIntoChunks } from '../import/chunks';

/** What a route handler gets. */
export interface RouteContext {
  readonly client: CatalogClient;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** A query parameter, for validation and the OpenAPI document. */
export interface QueryParam {
  readonly type: 'string' | 'integer';
  readonly description: string;
  readonly required?: boolean;
  readonly enum?: readonly string[];
}

/** One HTTP operation. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly query?: Readonly<Record<string, QueryParam>>;
  /** JSON Schema of the request body (shared with the chaincode where one exists). */
  readonly body?: Record<string, unknown>;
  readonly response: string;
  readonly status?: number;
  handle(ctx: RouteContext): Promise<unknown>;
}

const q = (description: string, extra: Partial<QueryParam> = {}): QueryParam => ({
  type: 'string',
  description,
  ...extra,
});
const qi = (description: string, extra: Partial<QueryParam> = {}): QueryParam => ({
  type: 'integer',
  description,
  ...extra,
});

function num(query: Readonly<Record<string, string>>, name: string): number | undefined {
  const value = query[name];
  return value === undefined ? undefined : Number(value);
}

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

function patientOf(query: Readonly<Record<string, string>>): PatientContext | undefined {
  const sex = query.sex?.toUpperCase();
  if (sex !== undefined && sex !== 'M' && sex !== 'F')
    throw new InvalidInputError('INVALID_INPUT', `sex must be M or F, got "${query.sex ?? ''}"`);
  const patient = defined({
    age: num(query, 'age'),
    sex: sex === undefined ? undefined : sex === 'M' ? 'male' : 'female',
    hospitalLevel: num(query, 'level'),
    visitType: query.visit,
  }) as PatientContext;
  return Object.keys(patient).length > 0 ? patient : undefined;
}

const PAGE = { limit: qi('page size (1-200)'), bookmark: q('bookmark from the previous page') };
const PATIENT = {
  age: qi('patient age in years'),
  sex: q('patient sex', { enum: ['M', 'F'] }),
  level: qi('hospital level 1, 2 or 3'),
  visit: q('visit type', { enum: ['inpatient', 'outpatient'] }),
};

const commentBody = {
  type: 'object',
  additionalProperties: false,
  properties: { comment: { type: 'string', maxLength: 1000 } },
};

/** Body of approve/reject: the comment and what the approver reviewed (the vote binds to it). */
const voteBody = {
  type: 'object',
  additionalProperties: false,
  required: ['manifestHash', 'baseVersion', 'governanceVersion'],
  properties: {
    comment: { type: 'string', maxLength: 1000 },
    manifestHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    baseVersion: { type: 'integer', minimum: 0 },
    governanceVersion: { type: 'integer', minimum: 1 },
  },
};

/** Every operation of the HTTP API. */
export const routes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/coverage',
    operationId: 'checkCoverage',
    summary: 'Is an item covered in a province on a date, for a patient?',
    query: {
      province: q('province (Guangdong, GuangdongMSP or guangdong)', { required: true }),
      itemId: q('item id', { required: true }),
      date: q('YYYY-MM-DD (default: today)'),
      ...PATIENT,
    },
    response: 'Coverage',
    handle: ({ client, query }: RouteContext): Promise<unknown> => {
      const patient = patientOf(query);
      return client.checkCoverage(
        defined({
          province: query.province ?? '',
          itemId: query.itemId ?? '',
          date: query.date,
          patient,
        }),
      );
    },
  },
  {
    method: 'POST',
    path: '/v1/coverage/batch',
    operationId: 'checkCoverageBatch',
    summary: 'Up to 200 coverage questions for one province, answered in order',
    body: {
      type: 'object',
      required: ['province', 'lines'],
      additionalProperties: false,
      properties: {
        province: { type: 'string' },
        lines: {
          type: 'array',
          minItems: 1,
          maxItems: 200,
          items: {
            type: 'object',
            required: ['itemId'],
            properties: { itemId: { type: 'string' }, date: { type: 'string' }, patient: { type: 'object' } },
          },
        },
      },
    },
    response: 'CoverageBatch',
    handle: ({ client, body }: RouteContext): Promise<unknown> => {
      const input = body as { province: string; lines: Omit<CoverageInput, 'province'>[] };
      return client.checkCoverageBatch({
        lines: input.lines.map((line) => ({ ...line, province: input.province })),
      });
    },
  },
  {
    method: 'GET',
    path: '/v1/items',
    operationId: 'searchItems',
    summary: 'Search items by name (substring or prefix), code, category, class, section, kind or province',
    query: {
      name: q('generic name substring'),
      prefix: q('generic name prefix'),
      code: q('item code'),
      category: q('category code'),
      class: q('class', { enum: ['甲', '乙'] }),
      section: q('section'),
      kind: q('kind', { enum: ['drug', 'herbal', 'service', 'material'] }),
      province: q('owning province'),
      version: qi('catalog version (default: head)'),
      ...PAGE,
    },
    response: 'ItemPage',
    handle: ({ client, query }: RouteContext): Promise<unknown> =>
      client.searchItems(
        defined({
          name: query.name,
          namePrefix: query.prefix,
          code: query.code,
          categoryCode: query.category,
          class: query.class as '甲' | undefined,
          section: query.section,
          kind: query.kind as 'drug' | undefined,
          province: query.province,
          version: num(query, 'version'),
          pageSize: num(query, 'limit') ?? 50,
          bookmark: query.bookmark,
        }),
      ),
  },
  {
    method: 'GET',
    path: '/v1/items/{itemId}',
    operationId: 'getItem',
    summary: 'An item as of the head, a version or a date',
    query: {
      version: qi('catalog version'),
      date: q('YYYY-MM-DD'),
      province: q('province for provincial terms'),
    },
    response: 'Item',
    handle: ({ client, params, query }: RouteContext): Promise<unknown> =>
      client.getItem(
        defined({
          itemId: params.itemId ?? '',
          version: num(query, 'version'),
          date: query.date,
          province: query.province,
        }),
      ),
  },
  {
    method: 'GET',
    path: '/v1/items/{itemId}/history',
    operationId: 'getItemHistory',
    summary: 'Every version of an item',
    query: { province: q('include this province’s overlay history') },
    response: 'History',
    handle: ({ client, params, query }: RouteContext): Promise<unknown> =>
      client.getItemHistory(defined({ itemId: params.itemId ?? '', province: query.province })),
  },
  {
    method: 'GET',
    path: '/v1/versions',
    operationId: 'listVersions',
    summary: 'Sealed catalog versions',
    query: PAGE,
    response: 'VersionPage',
    handle: ({ client, query }: RouteContext): Promise<unknown> =>
      client.listVersions(defined({ pageSize: num(query, 'limit') ?? 50, bookmark: query.bookmark })),
  },
  {
    method: 'GET',
    path: '/v1/versions/{version}',
    operationId: 'getVersion',
    summary: 'One sealed version (use "head" for the latest)',
    response: 'Version',
    handle: ({ client, params }: RouteContext): Promise<unknown> =>
      client.getVersion(params.version === 'head' ? {} : { version: Number(params.version) }),
  },
  {
    method: 'GET',
    path: '/v1/proposals',
    operationId: 'listProposals',
    summary: 'Proposals by status, scope and province',
    query: {
      status: q('status', { enum: ['draft', 'open', 'approved', 'applied', 'rejected', 'withdrawn'] }),
      scope: q('scope', { enum: ['national', 'provincial', 'governance'] }),
      province: q('province'),
      ...PAGE,
    },
    response: 'ProposalPage',
    handle: ({ client, query }: RouteContext): Promise<unknown> =>
      client.listProposals(
        defined({
          status: query.status as Proposal['status'] | undefined,
          scope: query.scope as Proposal['scope'] | undefined,
          province: query.province,
          pageSize: num(query, 'limit') ?? 50,
          bookmark: query.bookmark,
        }),
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
        rationale: { type: 'string', maxLength: 3800 },
        scope: { type: 'string', description: 'national, governance or a province name' },
        effectiveFrom: { type: 'string' },
        changes: { type: 'array', minItems: 1, items: { type: 'object' } },
      },
    },
    response: 'Submitted',
    status: 201,
    handle: async ({ client, body }: RouteContext): Promise<unknown> => {
      const input = body as {
        title: string;
        rationale?: string;
        scope?: string;
        effectiveFrom: string;
        changes: Change[];
      };
      const result = await driveProposal(
        client,
        {
          ...scopeOf(input.scope),
          title: input.title,
          rationale: input.rationale ?? input.title,
          effectiveFrom: input.effectiveFrom,
          chunks: splitIntoChunks(input.changes, DEFAULT_CHUNK_SIZE),
          fingerprint: fingerprint(input.changes),
        },
        { apply: false },
      );
      const shown = await client.getProposal({ proposalId: result.proposalId });
      return { transactionId: result.proposalId, blockNumber: 0, value: shown };
    },
  },
  {
    method: 'GET',
    path: '/v1/proposals/{proposalId}',
    operationId: 'getProposal',
    summary: 'A proposal with its votes, tally and chunk progress',
    response: 'ProposalDetail',
    handle: ({ client, params }: RouteContext): Promise<unknown> =>
      client.getProposal({ proposalId: params.proposalId ?? '' }),
  },
  ...(['approve', 'reject', 'withdraw'] as const).map((action): Route => ({
    method: 'POST',
    path: `/v1/proposals/{proposalId}/${action}`,
    operationId: `${action}Proposal`,
    summary: `${action[0]?.toUpperCase() ?? ''}${action.slice(1)} a proposal as the caller's organisation`,
    body: action === 'withdraw' ? commentBody : voteBody,
    response: 'Submitted',
    handle: ({ client, params, body }: RouteContext): Promise<unknown> => {
      const vote = body as
        | { comment?: string; manifestHash: string; baseVersion: number; governanceVersion: number }
        | undefined;
      const comment = vote?.comment;
      const proposalId = params.proposalId ?? '';
      if (action === 'withdraw') return client.withdrawProposal(defined({ proposalId, reason: comment }));
      const input = defined({
        proposalId,
        comment,
        manifestHash: vote?.manifestHash ?? '',
        baseVersion: vote?.baseVersion ?? -1,
        governanceVersion: vote?.governanceVersion ?? 0,
      });
      return action === 'approve' ? client.approveProposal(input) : client.rejectProposal(input);
    },
  })),
  {
    method: 'POST',
    path: '/v1/proposals/{proposalId}/apply',
    operationId: 'applyProposal',
    summary: 'Apply every chunk of an approved proposal and seal the version',
    response: 'Submitted',
    handle: async ({ client, params }: RouteContext): Promise<unknown> => {
      const proposalId = params.proposalId ?? '';
      const shown = (await client.getProposal({ proposalId })) as {
        proposal: Proposal;
        chunks: { index: number; applied: boolean }[];
      };
      if (shown.proposal.scope === 'governance') return client.applyGovernanceProposal({ proposalId });
      for (const c of shown.chunks)
        if (!c.applied) await client.applyChunk({ proposalId, chunkIndex: c.index });
      return client.sealVersion({ proposalId });
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
];
