/**
 * Contract fuzzing of the HTTP API on the real network: every operation of the OpenAPI document the
 * server itself serves at /openapi.json is sent requests generated from that document's schemas
 * (test/support/openapi-arbitrary.ts), schema-valid ones and ones with exactly one mutation. Each
 * answer must
 *
 * - have a status the document declares for the operation, and never 500, 502 or 504 (this suite
 *   injects no Fabric fault);
 * - have a body that validates against the document's schema for that status (`{ code, message }`
 *   for errors) and carry `x-request-id`;
 * - for a schema-valid request: be a 2xx, or a 4xx whose `code` is a domain code (ITEM_NOT_FOUND,
 *   STALE_REVIEW, FORBIDDEN_ROLE, UNKNOWN_PROVINCE, …), never a validation code (INVALID_INPUT): the
 *   document must say everything the server checks;
 * - for a request with one mutation: be a 400 INVALID_INPUT (or BAD_URL).
 *
 * Runs are seeded (`FUZZ_SEED`, default below) and sized by `FUZZ_RUNS` (valid requests per read
 * operation; invalid and write requests are derived from it); a failure names the seed. The writes
 * leave the shared catalog as it was: proposals are created only for Shaanxi (never approved,
 * applied or sealed) and withdrawn at the end; votes go to those proposals with a manifest hash that
 * is never theirs (STALE_REVIEW) or to proposals that do not exist.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiServer, type ApiServer } from '../../apps/api/src/server';
import { chainVersionsOf, SearchReadModel } from '../../gateway-client/src/search';
import { replayBlocks, SqliteAuditStore } from '../../gateway-client/src/audit';
import { driveProposal } from '../../gateway-client/src/workflow';
import { fingerprint, splitIntoChunks } from '../../gateway-client/src/import/chunks';
import type { Change } from '@nrdl-catalog/chaincode/model';
import {
  RequestArbitraries,
  operationsOf,
  type GeneratedRequest,
  type Operation,
  type RequestOptions,
} from '../support/openapi-arbitrary';
import { clientAs, ensureCatalog, uniqueName } from './support/catalog';
import { WALLET_DIR } from './support/network';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0)
    throw new Error(`${name} must be a non-negative integer, got '${raw}'`);
  return value;
}

const SEED = envInt('FUZZ_SEED', 20_250_601);
/** Valid requests per read operation; the rest is derived (see {@link runsOf}). */
const RUNS = envInt('FUZZ_RUNS', 24);
/** `FUZZ_ALL=1`: report every failing request of an operation, not only the first. */
const ALL = process.env.FUZZ_ALL === '1';

/** The callers the fuzz uses: one API key each. */
const IDENTITIES = {
  auditor: 'audit/auditor',
  hospital: 'shaanxi/hospital1',
  proposer: 'shaanxi/proposer',
  approver: 'shaanxi/approver',
  nhsaProposer: 'nhsa/proposer',
} as const;
type Caller = keyof typeof IDENTITIES;
const keyOf = (caller: Caller): string => `fuzz-key-${caller}`;

/**
 * Operations authenticated by the browser session cookie only: this fuzzer sends API keys, so they
 * could only answer 401 here; test/unit/http/session.test.ts covers them.
 */
const COOKIE_ONLY: ReadonlySet<string> = new Set(['getSession', 'deleteSession']);

/** Codes of the HTTP layer's own refusals: a schema-valid request must never get one. */
const VALIDATION_CODES = new Set([
  'INVALID_INPUT',
  'BAD_URL',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
]);

/** How one operation is fuzzed. */
interface Plan {
  /** Each costs a Fabric transaction (or several), so fewer runs. */
  readonly write: boolean;
  readonly callers: readonly Caller[];
  readonly options?: RequestOptions;
}

interface Answer {
  readonly status: number;
  readonly requestId: string | null;
  readonly contentType: string | null;
  readonly text: string;
  readonly body: unknown;
}

interface Tally {
  valid: number;
  invalid: number;
  readonly statuses: Map<number, number>;
}

describe('real network: HTTP API contract fuzzing against its own OpenAPI document', function () {
  let api: ApiServer;
  let document: Record<string, unknown>;
  let generator: RequestArbitraries;
  const responseAjv = new Ajv({ strict: false, allErrors: false });
  const responseValidators = new Map<string, ValidateFunction>();
  const tallies = new Map<string, Tally>();
  /** Proposals this suite made (withdrawn at the end); votes, applies and withdrawals aim at them. */
  const ownProposals: string[] = [];
  const itemIds: string[] = [];
  const bookmarks: string[] = [];
  let startedAt = '';
  let started = 0;
  /** The read model GET /v1/search answers from (caught up before the fuzz; the fuzz seals nothing). */
  let readModelDir = '';
  let readModel: ReturnType<typeof SearchReadModel.open> | undefined;
  /** The audit store the /v1/audit/… operations answer from (replayed to the height before the fuzz). */
  let auditStore: SqliteAuditStore | undefined;

  before(async function () {
    await ensureCatalog();
    readModelDir = mkdtempSync(path.join(os.tmpdir(), 'nrdl-fuzz-search-'));
    const reader = clientAs('audit/auditor');
    readModel = SearchReadModel.open(path.join(readModelDir, 'search.sqlite'), chainVersionsOf(reader));
    await readModel.catchUp(reader.network);
    auditStore = new SqliteAuditStore({ path: path.join(readModelDir, 'audit.sqlite') });
    await replayBlocks(reader.network, auditStore, { follow: false });
    // The clock starts with the suite (mocha loads every file long before this one runs).
    startedAt = new Date().toISOString();
    started = Date.now();
    api = await startApiServer({
      port: 0,
      walletDir: WALLET_DIR,
      readModel,
      auditStore,
      keys: new Map(
        Object.entries(IDENTITIES).map(([caller, identity]) => [keyOf(caller as Caller), identity]),
      ),
    });
    const response = await fetch(`${api.url}/openapi.json`);
    expect(response.status).to.equal(200);
    document = (await response.json()) as Record<string, unknown>;
    responseAjv.addSchema(document, 'openapi');
    generator = new RequestArbitraries(document);

    // What the catalog holds, so valid requests also reach past "not found".
    const auditor = clientAs('audit/auditor');
    const items = await auditor.searchItems({ pageSize: 20 });
    itemIds.push(...items.records.map((record) => record.itemId));
    if (items.bookmark !== '') bookmarks.push(items.bookmark);
    const versions = await auditor.listVersions({ pageSize: 2 });
    if (versions.bookmark !== '') bookmarks.push(versions.bookmark);
    // One open Shaanxi proposal of this suite's own, the target of votes, applies and withdrawals.
    const changes: Change[] = [
      {
        op: 'setOverlay',
        overlay: { itemId: itemIds[0] ?? 'FUZZ-NONE', province: 'Shaanxi', suspended: true },
      },
    ];
    const own = await driveProposal(
      clientAs('shaanxi/proposer'),
      {
        scope: 'provincial',
        province: 'Shaanxi',
        title: uniqueName('contract fuzz target (never applied)'),
        rationale: 'target of the HTTP API contract fuzzing; withdrawn by it',
        effectiveFrom: '2030-01-01',
        chunks: splitIntoChunks(changes, 10),
        fingerprint: fingerprint(changes),
      },
      { apply: false },
    );
    ownProposals.push(own.proposalId);
  });

  after(async function () {
    // Withdraw every proposal this suite left live: its own target, those the fuzz created, and
    // drafts a failed creation left behind (Shaanxi's, created since the suite started).
    const proposer = clientAs('shaanxi/proposer');
    const live = new Set(ownProposals);
    for (const status of ['draft', 'open'] as const) {
      let bookmark = '';
      for (let page = 0; page < 20; page += 1) {
        const found = await proposer.listProposals({
          status,
          scope: 'provincial',
          province: 'Shaanxi',
          pageSize: 200,
          ...(bookmark ? { bookmark } : {}),
        });
        for (const proposal of found.records)
          if (proposal.createdAt >= startedAt && proposal.ownerMsp === 'ShaanxiMSP') live.add(proposal.id);
        if (found.bookmark === '' || found.bookmark === bookmark) break;
        bookmark = found.bookmark;
      }
    }
    for (const proposalId of live) {
      try {
        await proposer.withdrawProposal({ proposalId, reason: 'contract fuzz: clean-up' });
      } catch {
        // Already withdrawn (by the fuzz itself) or never opened far enough to exist.
      }
    }
    await (api as ApiServer | undefined)?.close();
    await readModel?.close();
    await auditStore?.close();
    rmSync(readModelDir, { recursive: true, force: true });
    const total = [...tallies.values()].reduce((n, t) => n + t.valid + t.invalid, 0);
    const parts = [...tallies.entries()].map(
      ([id, t]) =>
        `${id} ${t.valid}+${t.invalid} [${[...t.statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')}]`,
    );
    console.log(
      `      contract fuzz (FUZZ_SEED=${SEED}, FUZZ_RUNS=${RUNS}): ${total} requests (valid+invalid) in ${Math.round(
        (Date.now() - started) / 1000,
      )} s; withdrew ${live.size} proposals — ${parts.join('; ')}`,
    );
  });

  /** One of a list known only once the suite runs (`fallback` while it is empty). */
  const oneOf = <T>(values: () => readonly T[], fallback: T): fc.Arbitrary<T> =>
    fc.nat().map((n) => {
      const list = values();
      return list.length === 0 ? fallback : (list[n % list.length] as T);
    });
  const provinces = fc.constantFrom(
    'Guangdong',
    'guangdong',
    'GD',
    'GuangdongMSP',
    'Sichuan',
    'sc',
    'Shaanxi',
    'SN',
    'SHAANXIMSP',
    'Hubei',
    'national',
  );
  const dates = fc.constantFrom('2025-06-01', '2024-01-01', '2019-12-31', '2030-01-01');
  const items = oneOf(() => itemIds, 'D-0000000000000000');
  const proposals = oneOf(() => ownProposals, 'no-such-proposal');
  const shaanxi = fc.constantFrom('Shaanxi', 'shaanxi', 'SN', 'ShaanxiMSP');

  /** How each operation is fuzzed: who calls it, and which known values are mixed into requests. */
  const plans: Record<string, Plan> = {
    health: { write: false, callers: ['auditor'] },
    checkCoverage: {
      write: false,
      callers: ['hospital', 'auditor'],
      options: { examples: { '/query/itemId': items, '/query/province': provinces, '/query/date': dates } },
    },
    checkCoverageBatch: {
      write: false,
      callers: ['hospital', 'auditor'],
      options: {
        examples: { '/body/province': provinces, '/body/lines/*/itemId': items, '/body/lines/*/date': dates },
      },
    },
    searchItems: {
      write: false,
      callers: ['auditor', 'hospital', 'proposer'],
      options: {
        examples: {
          '/query/province': provinces,
          '/query/version': fc.constantFrom(1, 2, 3),
          '/query/bookmark': oneOf(() => bookmarks, 'no-such-bookmark'),
          '/query/name': fc.constantFrom('复方', '硼砂', 'a'),
        },
      },
    },
    getItem: {
      write: false,
      callers: ['auditor', 'hospital'],
      options: {
        examples: {
          '/path/itemId': items,
          '/query/province': provinces,
          '/query/date': dates,
          '/query/version': fc.constantFrom(1, 2, 3),
        },
      },
    },
    getItemHistory: {
      write: false,
      callers: ['auditor', 'hospital'],
      options: { examples: { '/path/itemId': items, '/query/province': provinces } },
    },
    listVersions: {
      write: false,
      callers: ['auditor', 'approver'],
      options: { examples: { '/query/bookmark': oneOf(() => bookmarks, 'no-such-bookmark') } },
    },
    getPaymentPolicy: {
      write: false,
      callers: ['hospital', 'auditor'],
      options: {
        examples: {
          '/path/province': provinces,
          '/query/date': dates,
          '/query/version': fc.constantFrom(1, 2, 3),
        },
      },
    },
    getVersion: {
      write: false,
      callers: ['auditor', 'hospital'],
      options: { examples: { '/path/version': fc.constantFrom('head', '1', '2') } },
    },
    listProposals: {
      write: false,
      callers: ['auditor', 'proposer'],
      options: {
        examples: {
          '/query/province': provinces,
          '/query/bookmark': oneOf(() => bookmarks, 'no-such-bookmark'),
        },
      },
    },
    getGovernance: { write: false, callers: ['auditor', 'hospital'] },
    // a sign-in with a key of this server (a random one is a 401, which a valid request must not get)
    createSession: {
      write: false,
      callers: ['hospital', 'auditor'],
      options: { overrides: { '/body/apiKey': fc.constantFrom(keyOf('hospital'), keyOf('auditor')) } },
    },
    search: {
      write: false,
      callers: ['hospital', 'auditor'],
      options: {
        examples: {
          '/query/q': fc.constantFrom('阿莫西林', 'AMXL', '复方', '硼', 'amoxilin', '110200003'),
          '/query/province': provinces,
        },
      },
    },
    checkClaim: {
      write: false,
      callers: ['hospital', 'auditor'],
      options: {
        examples: {
          '/body/province': provinces,
          '/body/date': dates,
          '/body/lines/*/itemId': items,
          '/body/lines/*/date': dates,
        },
      },
    },
    createProposal: {
      write: true,
      callers: ['proposer', 'proposer', 'proposer', 'hospital', 'nhsaProposer'],
      options: {
        // Always a scope, and only Shaanxi's: nothing the fuzz creates is national, and none of it is
        // ever approved or applied (the other callers may not propose for Shaanxi).
        overrides: {
          '/body/scope': shaanxi,
          '/body/changes/*/overlay/province': shaanxi,
          '/body/changes/*/item/province': shaanxi,
        },
        examples: {
          '/body/effectiveFrom': fc.constant('2030-01-01'),
          '/body/changes/*/overlay/itemId': items,
          '/body/changes/*/province': shaanxi,
          '/body/changes/*/itemId': items,
        },
        extraItems: 1,
      },
    },
    getProposal: {
      write: false,
      callers: ['auditor', 'proposer'],
      options: { examples: { '/path/proposalId': proposals } },
    },
    approveProposal: {
      write: true,
      callers: ['approver', 'approver', 'hospital', 'auditor'],
      options: { examples: { '/path/proposalId': proposals } },
    },
    rejectProposal: {
      write: true,
      callers: ['approver', 'approver', 'proposer'],
      options: { examples: { '/path/proposalId': proposals } },
    },
    applyProposal: {
      write: true,
      callers: ['proposer', 'approver', 'auditor'],
      options: { examples: { '/path/proposalId': proposals } },
    },
    withdrawProposal: {
      write: true,
      callers: ['proposer', 'hospital', 'approver'],
      options: { examples: { '/path/proposalId': proposals } },
    },
    // The auditors' endpoints: an auditor is answered from the audit store, a hospital refused (403).
    auditVersions: { write: false, callers: ['auditor', 'hospital'] },
    auditDiff: {
      write: false,
      callers: ['auditor', 'auditor', 'hospital'],
      options: {
        examples: { '/query/from': fc.constantFrom(0, 1, 2, 3), '/query/to': fc.constantFrom(1, 2, 3) },
      },
    },
    auditProposals: { write: false, callers: ['auditor', 'hospital'] },
    auditInvalidTransactions: { write: false, callers: ['auditor', 'hospital'] },
    auditLatestVerification: { write: false, callers: ['auditor', 'hospital'] },
    // a whole verification of the store each: as few runs as a write
    auditVerify: { write: true, callers: ['auditor', 'hospital'] },
    auditReport: { write: false, callers: ['auditor', 'hospital'] },
  };
  /** The order the operations are fuzzed in: reads, then creation, then what aims at proposals. */
  const ORDER = Object.keys(plans);

  function runsOf(plan: Plan): { valid: number; invalid: number } {
    return plan.write
      ? { valid: Math.max(1, Math.ceil(RUNS / 3)), invalid: Math.max(1, Math.ceil(RUNS / 2)) }
      : { valid: RUNS, invalid: Math.max(1, Math.ceil(RUNS / 2)) };
  }

  async function send(request: GeneratedRequest, caller: Caller): Promise<Answer> {
    const headers: Record<string, string> = { 'x-api-key': keyOf(caller) };
    if (request.hasBody) headers['content-type'] = 'application/json';
    const response = await fetch(`${api.url}${request.url}`, {
      method: request.method,
      headers,
      ...(request.hasBody ? { body: JSON.stringify(request.body) } : {}),
    });
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = JSON.parse(text);
    } catch {
      // Reported below: every answer of this API is JSON.
    }
    return {
      status: response.status,
      requestId: response.headers.get('x-request-id'),
      contentType: response.headers.get('content-type'),
      text,
      body,
    };
  }

  function responseValidator(operation: Operation, status: string): ValidateFunction | null {
    if (operation.responses[status] === undefined) return null;
    const pointer = `openapi#/paths/${operation.path.replace(/~/g, '~0').replace(/\//g, '~1')}/${operation.method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
    let validate = responseValidators.get(pointer);
    if (!validate) {
      validate = responseAjv.compile({ $ref: pointer });
      responseValidators.set(pointer, validate);
    }
    return validate;
  }

  /** What is wrong with an answer, by the document (empty when nothing). */
  function problems(operation: Operation, request: GeneratedRequest, answer: Answer): string[] {
    const found: string[] = [];
    const status = String(answer.status);
    if (!(status in operation.responses))
      found.push(`status ${status} is not declared for ${operation.operationId}`);
    if (answer.status >= 500) found.push(`status ${status}: no fault was injected`);
    if (answer.requestId === null) found.push('no x-request-id header');
    if (answer.body === undefined || !answer.contentType?.startsWith('application/json'))
      found.push(`body is not JSON (${answer.contentType ?? 'no content-type'})`);
    else {
      const validate = responseValidator(operation, status);
      if (validate && !validate(answer.body))
        found.push(`body fails the ${status} response schema: ${responseAjv.errorsText(validate.errors)}`);
    }
    const code = (answer.body as { code?: unknown } | undefined)?.code;
    if (request.mutation === undefined) {
      if (answer.status >= 400 && (typeof code !== 'string' || VALIDATION_CODES.has(code)))
        found.push(`a schema-valid request got ${status} ${String(code)}, not a domain refusal`);
    } else if (answer.status !== 400 || (code !== 'INVALID_INPUT' && code !== 'BAD_URL'))
      found.push(
        `a request with one mutation (${request.mutation.part} ${request.mutation.kind} at '${request.mutation.at}') got ${status} ${String(code)}, not 400 INVALID_INPUT`,
      );
    return found;
  }

  function describeExchange(request: GeneratedRequest, caller: Caller, answer: Answer): string {
    const body = request.hasBody ? ` body ${JSON.stringify(request.body).slice(0, 1500)}` : '';
    return `${request.method} ${request.url}${body} as ${IDENTITIES[caller]} → ${answer.status} ${answer.text.slice(0, 600)}`;
  }

  function seedOf(operationId: string, kind: 'valid' | 'invalid'): number {
    let hash = SEED;
    for (const char of `${operationId}/${kind}`) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
    return hash;
  }

  /** Runs `numRuns` requests of one kind against `operation`; fails with the seed and the exchange. */
  async function fuzz(
    operation: Operation,
    plan: Plan,
    kind: 'valid' | 'invalid',
    requests: fc.Arbitrary<GeneratedRequest>,
    numRuns: number,
  ): Promise<void> {
    const tally = tallies.get(operation.operationId) ?? {
      valid: 0,
      invalid: 0,
      statuses: new Map<number, number>(),
    };
    tallies.set(operation.operationId, tally);
    const seed = seedOf(operation.operationId, kind);
    const property = fc.asyncProperty(requests, fc.constantFrom(...plan.callers), async (request, caller) => {
      if (generator.isValid(operation, request) !== (kind === 'valid'))
        throw new Error(`generator bug: a ${kind} request that is not: ${JSON.stringify(request)}`);
      const answer = await send(request, caller);
      tally[kind] += 1;
      tally.statuses.set(answer.status, (tally.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 201 && operation.operationId === 'createProposal') {
        const created = (answer.body as { proposalId?: unknown }).proposalId;
        if (typeof created === 'string') ownProposals.push(created);
      }
      const found = problems(operation, request, answer);
      if (found.length === 0) return;
      const report = `${found.join('; ')}\n  ${describeExchange(request, caller, answer)}`;
      if (!ALL) throw new Error(report);
      failures.push(report);
    });
    const failures: string[] = [];
    try {
      // No shrinking: each run is a request to a real network (writes are transactions).
      await fc.assert(property, { seed, numRuns, endOnFailure: true });
      if (failures.length > 0)
        throw new Error(`${failures.length} failing requests:\n${failures.join('\n')}`);
    } catch (error) {
      throw new Error(
        `${operation.operationId} (${kind} requests) failed; FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} reproduces it (fast-check seed ${seed}):\n${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : ''}\n${(error as Error).message}`,
      );
    }
  }

  it('serves a document with an operation for every plan here, and a plan for every operation', function () {
    const ids = operationsOf(document)
      .map((operation) => operation.operationId)
      .filter((id) => !COOKIE_ONLY.has(id));
    expect([...ids].sort()).to.deep.equal([...ORDER].sort());
  });

  for (const operationId of ORDER) {
    const plan = plans[operationId] as Plan;
    it(`${operationId}: every answer is declared, fits its schema, and is a domain answer to a valid request or a 400 to an invalid one`, async function () {
      const operation = operationsOf(document).find((op) => op.operationId === operationId);
      if (!operation) throw new Error(`${operationId} is not in the document`);
      const runs = runsOf(plan);
      await fuzz(operation, plan, 'valid', generator.valid(operation, plan.options), runs.valid);
      const invalid = generator.invalid(operation);
      if (invalid) await fuzz(operation, plan, 'invalid', invalid, runs.invalid);
    });
  }
});
