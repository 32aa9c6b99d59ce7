/**
 * The console's one way to its API: the same-origin HTTP API of the organisation's own API process.
 * Every path is named here once ({@link PATHS}); requests carry the session cookie
 * (`credentials: 'same-origin'`), state-changing ones the session's CSRF token (`X-CSRF-Token`), and
 * every request the page's language (`Accept-Language`), so coded refusals come back in it. A refusal
 * `{code, message}` becomes an {@link ApiError} shown as `CODE: message`.
 */
import type {
  Change,
  CoverageAnswer,
  Governance,
  Item,
  ItemHistory,
  ItemKind,
  Overlay,
  Proposal,
  ProposalStatus,
  Tally,
  Vote,
} from '@nrdl-catalog/chaincode/model';
import { languageTag, type Lang } from '@nrdl-catalog/chaincode/messages';
import { t } from './i18n';

/** Every path of the API the console calls. */
export const PATHS = {
  session: '/v1/session',
  events: '/v1/events',
  search: '/v1/search',
  item: (itemId: string): string => `/v1/items/${encodeURIComponent(itemId)}`,
  itemHistory: (itemId: string): string => `/v1/items/${encodeURIComponent(itemId)}/history`,
  coverage: '/v1/coverage',
  claimCheck: '/v1/claims/check',
  proposals: '/v1/proposals',
  proposal: (proposalId: string): string => `/v1/proposals/${encodeURIComponent(proposalId)}`,
  proposalAction: (proposalId: string, action: 'approve' | 'reject' | 'withdraw' | 'apply'): string =>
    `/v1/proposals/${encodeURIComponent(proposalId)}/${action}`,
  governance: '/v1/governance',
  audit: {
    versions: '/v1/audit/versions',
    diff: '/v1/audit/diff',
    proposals: '/v1/audit/proposals',
    invalid: '/v1/audit/invalid',
    verify: '/v1/audit/verify',
    report: '/v1/audit/report',
  },
} as const;

/** A refusal of the API (or of the way to it), shown as `CODE: message`. */
export class ApiError extends Error {
  public constructor(
    public readonly code: string,
    public readonly detail: string,
    public readonly status: number,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** The text of any error as the console shows it. */
export function errorLine(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The signed-in caller, as `POST /v1/session` and `GET /v1/session` answer. */
export interface Session {
  readonly identity: string;
  readonly org: string;
  /** One of the chaincode's roles (`Role`: admin, proposer, approver, hospital, auditor). */
  readonly role: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

/** Names of a province from the governance record (added by the API). */
export interface ProvinceNames {
  readonly en: string;
  readonly zh: string;
  readonly zhShort: string;
  readonly abbr: string;
  readonly division: string;
}

export interface SearchHit {
  readonly itemId: string;
  readonly name: string;
  readonly dosageForm: string | null;
  readonly kind: ItemKind;
  readonly class: '甲' | '乙' | null;
  readonly section: string;
  readonly number: string | null;
  readonly province: string | null;
  readonly provinceNames?: ProvinceNames | null;
  readonly code: string | null;
  readonly codes: readonly string[];
  readonly fundPayable: boolean;
  readonly match: 'exact' | 'prefix' | 'substring' | 'pinyin' | 'code' | 'remark';
}

export interface SearchAnswer {
  readonly query: string;
  readonly catalogVersion: number;
  readonly digest: string;
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly hits: readonly SearchHit[];
}

export interface SearchQuery {
  readonly q: string;
  readonly kind?: ItemKind | undefined;
  readonly province?: string | undefined;
  readonly limit?: number;
  readonly offset?: number;
}

export interface ItemView {
  readonly catalogVersion: number;
  readonly versionEffectiveFrom?: string;
  readonly itemId: string;
  readonly item: Item & { readonly provinceNames?: ProvinceNames | null };
  readonly listedInVersion: number;
  readonly proposalId: string;
  readonly overlays: readonly (Overlay & { readonly provinceNames?: ProvinceNames | null })[];
  readonly rules?: readonly { readonly role: 'target' | 'paired'; readonly rule: Record<string, unknown> }[];
}

/** The query of `GET /v1/coverage`: the item by id, name (+ form) or code, the patient's context. */
export interface CoverageQuery {
  readonly province: string;
  readonly itemId?: string;
  readonly name?: string;
  readonly code?: string;
  readonly date?: string;
  readonly age?: number;
  readonly sex?: 'M' | 'F';
  readonly level?: 1 | 2 | 3;
  readonly visit?: 'inpatient' | 'outpatient';
  readonly insurance?: 'employee' | 'resident' | 'workInjury' | 'maternity';
}

/** A line of a claim (`POST /v1/claims/check`). */
export interface ClaimLine {
  readonly itemId?: string;
  readonly name?: string;
  readonly dosageForm?: string;
  readonly code?: string;
  readonly quantity?: number;
  readonly date?: string;
  readonly time?: string;
  readonly amount?: string;
  readonly amountFen?: number;
}

export interface ClaimInput {
  readonly province: string;
  readonly date?: string;
  readonly lines: readonly ClaimLine[];
}

export interface Texts {
  readonly zh: string;
  readonly en: string;
}

export interface ClaimAnswer {
  readonly province: string;
  readonly catalogVersion: number | null;
  readonly lines: readonly {
    readonly line: number;
    readonly status: 'ok' | 'notCovered' | 'restricted' | 'review' | 'flagged' | 'error';
    readonly coverage: (CoverageAnswer & { readonly reason?: string; readonly name?: string | null }) | null;
    readonly error: { readonly code: string; readonly message: string; readonly text?: Texts } | null;
  }[];
  readonly findings: readonly {
    readonly kind: string;
    readonly outcome: 'violated' | 'review';
    readonly ruleIds: readonly string[];
    readonly lines: readonly number[];
    readonly text: Texts;
  }[];
  readonly summary: {
    readonly lines: number;
    readonly errors: number;
    readonly findings: number;
  };
}

export interface Page<T> {
  readonly records: readonly T[];
  readonly bookmark: string;
}

export interface Chunk {
  readonly index: number;
  readonly changeCount: number;
  readonly hash: string;
  readonly applied: boolean;
  readonly changes?: readonly Change[];
}

export interface ProposalDetail {
  readonly proposal: Proposal;
  readonly votes: readonly Vote[];
  readonly tally: Tally | null;
  readonly appliedChunks: number;
  readonly chunks: readonly Chunk[];
}

export interface NewProposal {
  readonly title: string;
  readonly rationale?: string;
  readonly scope?: string;
  readonly effectiveFrom: string;
  readonly changes: readonly Change[];
}

export interface ProposalCreated {
  readonly proposalId: string;
  readonly status: ProposalStatus;
  readonly resumed: boolean;
  readonly value: ProposalDetail;
}

/** What approve and reject bind the vote to: the manifest, base and governance version reviewed. */
export interface VoteInput {
  readonly manifestHash: string;
  readonly baseVersion: number;
  readonly governanceVersion: number;
  readonly comment?: string;
}

export interface Submitted {
  readonly transactionId: string;
  readonly blockNumber: number;
  readonly value: unknown;
}

/** Who created a transaction, as its block names them. */
export interface TxActor {
  readonly mspId: string | null;
  readonly role: string | null;
  readonly subject: string | null;
}

/** An identity as the chaincode recorded it, with its certificate subject from the block. */
export interface AuditActor {
  readonly mspId: string;
  readonly id: string;
  readonly role: string | null;
  readonly subject: string | null;
}

/** A vote as the audit store replayed it, with the transaction that cast it. */
export interface AuditVote {
  readonly decision: 'approve' | 'reject';
  readonly voter: AuditActor;
  readonly comment: string | null;
  readonly txId: string;
  readonly block: number;
  readonly timestamp: string | null;
}

/** `GET /v1/audit/versions`: a sealed version as the auditors' store replayed it. */
export interface AuditVersion {
  readonly version: number;
  readonly parent?: number;
  readonly scope: string;
  readonly province?: string | null;
  readonly effectiveFrom: string;
  readonly changeCount?: number;
  /** The digest the version record carries. */
  readonly digest: string;
  /** The digest the auditors recomputed from the replayed writes. */
  readonly recomputedDigest: string;
  readonly previousVersionHash: string | null;
  readonly versionHash: string;
  readonly txId: string;
  readonly block: number;
  readonly timestamp: string | null;
  readonly sealedBy: TxActor;
  readonly proposals: readonly {
    readonly proposalId: string;
    readonly title: string | null;
    readonly proposer: AuditActor | null;
    readonly approvers: readonly AuditVote[];
  }[];
}

export interface FieldDifference {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** `GET /v1/audit/diff`: entries added, removed and changed between two versions. */
export interface AuditDiff {
  readonly from: number;
  readonly to: number;
  readonly added: readonly {
    readonly kind: string;
    readonly itemId: string;
    readonly province: string | null;
    readonly data: unknown;
  }[];
  readonly removed: readonly {
    readonly kind: string;
    readonly itemId: string;
    readonly province: string | null;
    readonly data: unknown;
  }[];
  readonly changed: readonly {
    readonly kind: string;
    readonly itemId: string;
    readonly province: string | null;
    readonly fields: readonly FieldDifference[];
  }[];
}

/** `GET /v1/audit/proposals`: who proposed and who voted, when, and the version it sealed. */
export interface AuditProposal {
  readonly proposalId: string;
  readonly title: string;
  readonly scope: string;
  readonly province?: string | null;
  readonly status: string;
  readonly statusReason?: string | null;
  readonly effectiveFrom?: string;
  readonly createdAt: string;
  readonly proposer: AuditActor | null;
  readonly created: { readonly txId: string; readonly block: number; readonly timestamp: string | null };
  readonly votes: readonly AuditVote[];
  readonly applied: {
    readonly version: number | null;
    readonly governanceVersion: number | null;
    readonly changes: number;
    readonly txId: string;
    readonly block: number;
    readonly timestamp: string | null;
    readonly by: TxActor;
  } | null;
}

/** `GET /v1/audit/invalid`: transactions the peers marked invalid. */
export interface InvalidTransaction {
  readonly block: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly validationCode: number;
  /** e.g. ENDORSEMENT_POLICY_FAILURE, MVCC_READ_CONFLICT */
  readonly validationName: string;
  readonly function?: string | null;
  readonly creatorMsp: string | null;
  readonly creatorSubject?: string | null;
  readonly timestamp?: string | null;
  readonly endorsers?: readonly string[];
  readonly attemptedWrites?: readonly string[];
}

/** One finding of the independent verification (signatures, policies, validation flags). */
export interface VerificationFinding {
  readonly code: string;
  readonly message: string;
  readonly severity?: 'error' | 'warning';
  readonly block?: number;
  readonly txId?: string;
}

/** A verification of the audit store (`POST /v1/audit/verify`; the latest one: `GET`). */
export interface AuditVerification {
  readonly ok: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly blockHeight: number;
  readonly store: {
    readonly ok: boolean;
    readonly versions?: number;
    readonly blocks?: number;
    readonly validTransactions?: number;
    readonly message?: string;
  };
  readonly independent: {
    readonly ok: boolean;
    readonly genesis: string;
    readonly blocks: number;
    readonly transactions: number;
    readonly findings: readonly VerificationFinding[];
  } | null;
}

/** One bar of a report chart. */
export interface ChartBar {
  readonly label: string;
  readonly value: number;
  readonly display?: string;
  readonly colour: string;
  readonly tooltip?: string;
}

/** The ids of the HTML report's charts, in its order. */
export const REPORT_CHARTS = [
  'changes-per-version',
  'changes-per-province',
  'rejected-attempts',
  'proposal-to-seal',
] as const;

/** `GET /v1/audit/report`: the summary figures and the bars of each chart of the HTML report. */
export interface AuditReport {
  readonly blockHeight: number;
  readonly summary: {
    readonly blocks: number;
    readonly transactions: number;
    readonly validTransactions: number;
    readonly invalidTransactions: number;
    readonly versions: number;
    readonly items: number;
    readonly overlays: number;
  };
  readonly charts: readonly { readonly id: string; readonly bars: readonly ChartBar[] }[];
}

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

type QueryValue = string | number | boolean | undefined | null;

interface RequestOptions {
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
}

/** `?a=1&b=x` of the defined, non-empty values. */
export function queryString(query: Readonly<Record<string, QueryValue>>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export class Api {
  #csrfToken: string | null = null;
  readonly #fetch: FetchFn;
  readonly #lang: () => Lang;

  public constructor(lang: () => Lang, fetchFn: FetchFn = (input, init) => fetch(input, init)) {
    this.#lang = lang;
    this.#fetch = fetchFn;
  }

  /** The CSRF token state-changing requests send (from the session). */
  public set csrfToken(token: string | null) {
    this.#csrfToken = token;
  }

  public get csrfToken(): string | null {
    return this.#csrfToken;
  }

  public async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: RequestOptions = {},
  ): Promise<T> {
    const lang = this.#lang();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'Accept-Language': languageTag(lang),
    };
    if (method !== 'GET' && this.#csrfToken !== null) headers['X-CSRF-Token'] = this.#csrfToken;
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await this.#fetch(path + queryString(options.query ?? {}), init);
    } catch (error) {
      throw new ApiError('NETWORK_ERROR', t(lang, 'console.error.network', { detail: errorLine(error) }), 0);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const refusal = body as { code?: unknown; message?: unknown } | undefined;
      if (typeof refusal?.code === 'string' && typeof refusal.message === 'string')
        throw new ApiError(
          refusal.code,
          refusal.message.replace(new RegExp(`^${refusal.code}: `), ''),
          response.status,
        );
      throw new ApiError(
        `HTTP_${String(response.status)}`,
        t(lang, 'console.error.notJson', { status: response.status }),
        response.status,
      );
    }
    if (body === undefined && text !== '')
      throw new ApiError(
        `HTTP_${String(response.status)}`,
        t(lang, 'console.error.notJson', { status: response.status }),
        response.status,
      );
    return body as T;
  }

  // ---- session ----
  public async signIn(apiKey: string): Promise<Session> {
    const session = await this.request<Session>('POST', PATHS.session, { body: { apiKey } });
    this.#csrfToken = session.csrfToken;
    return session;
  }

  public async session(): Promise<Session> {
    const session = await this.request<Session>('GET', PATHS.session);
    this.#csrfToken = session.csrfToken;
    return session;
  }

  public async signOut(): Promise<void> {
    await this.request<unknown>('DELETE', PATHS.session);
    this.#csrfToken = null;
  }

  // ---- catalog ----
  public search(query: SearchQuery): Promise<SearchAnswer> {
    return this.request('GET', PATHS.search, { query: { ...query } });
  }

  public item(itemId: string, province?: string): Promise<ItemView> {
    return this.request('GET', PATHS.item(itemId), { query: { province } });
  }

  public itemHistory(itemId: string, province?: string): Promise<ItemHistory> {
    return this.request('GET', PATHS.itemHistory(itemId), { query: { province } });
  }

  public coverage(query: CoverageQuery): Promise<CoverageAnswer> {
    return this.request('GET', PATHS.coverage, { query: { ...query } });
  }

  public checkClaim(input: ClaimInput): Promise<ClaimAnswer> {
    return this.request('POST', PATHS.claimCheck, { body: input });
  }

  // ---- proposals ----
  public proposals(status: ProposalStatus, bookmark?: string): Promise<Page<Proposal>> {
    return this.request('GET', PATHS.proposals, { query: { status, bookmark } });
  }

  /** A proposal with its votes, tally and every change of its chunks (what a reviewer diffs). */
  public proposal(proposalId: string): Promise<ProposalDetail> {
    return this.request('GET', PATHS.proposal(proposalId), { query: { changes: 'true' } });
  }

  public createProposal(input: NewProposal): Promise<ProposalCreated> {
    return this.request('POST', PATHS.proposals, { body: input });
  }

  public vote(proposalId: string, decision: 'approve' | 'reject', vote: VoteInput): Promise<Submitted> {
    return this.request('POST', PATHS.proposalAction(proposalId, decision), { body: vote });
  }

  public withdraw(proposalId: string, comment?: string): Promise<Submitted> {
    return this.request('POST', PATHS.proposalAction(proposalId, 'withdraw'), {
      body: comment === undefined || comment === '' ? {} : { comment },
    });
  }

  public apply(proposalId: string): Promise<Submitted> {
    return this.request('POST', PATHS.proposalAction(proposalId, 'apply'), { body: {} });
  }

  public governance(): Promise<Governance> {
    return this.request('GET', PATHS.governance);
  }

  // ---- auditors ----
  public async auditVersions(): Promise<readonly AuditVersion[]> {
    return (await this.request<{ versions: AuditVersion[] }>('GET', PATHS.audit.versions)).versions;
  }

  public auditDiff(from: number, to: number): Promise<AuditDiff> {
    return this.request('GET', PATHS.audit.diff, { query: { from, to } });
  }

  public async auditProposals(): Promise<readonly AuditProposal[]> {
    return (await this.request<{ proposals: AuditProposal[] }>('GET', PATHS.audit.proposals)).proposals;
  }

  public async auditInvalid(): Promise<readonly InvalidTransaction[]> {
    return (await this.request<{ transactions: InvalidTransaction[] }>('GET', PATHS.audit.invalid))
      .transactions;
  }

  /** The latest verification this server ran (null before the first). */
  public async auditLatestVerification(): Promise<AuditVerification | null> {
    return (await this.request<{ latest: AuditVerification | null }>('GET', PATHS.audit.verify)).latest;
  }

  /** Verify the audit store now (the server records the result as its latest). */
  public auditVerify(): Promise<AuditVerification> {
    return this.request('POST', PATHS.audit.verify, { body: {} });
  }

  public auditReport(): Promise<AuditReport> {
    return this.request('GET', PATHS.audit.report);
  }
}
