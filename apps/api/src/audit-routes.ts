/**
 * The auditors' read endpoints (`/v1/audit/…`): answered from the auditors' own replay store (an
 * {@link AuditStore} replayed from block 0 and kept following the channel by its owner), never from
 * a peer's word. Only callers whose certificate carries the auditor role may call them
 * (FORBIDDEN_ROLE otherwise); a server started without an audit store answers 503
 * AUDIT_STORE_UNAVAILABLE.
 */
import { CatalogClientError, chaincodeError } from '@nrdl-catalog/gateway-client';
import {
  attemptBars,
  auditReportData,
  buildLedgerModel,
  diffVersions,
  durationBars,
  proposalSummary,
  provinceBars,
  verifyIndependently,
  verifyStore,
  versionBars,
  type ActorInfo,
  type AuditStore,
  type Bar,
  type IndependentVerification,
  type LedgerModel,
  type SealedVersion,
  type TxRef,
  type VerifyResult,
  type VoteRecord,
} from '@nrdl-catalog/gateway-client/audit';
import type { Proposal, Scope } from '@nrdl-catalog/chaincode/model';
import type { JsonSchema, Route, RouteContext } from './routes';

/** The roles that may call the audit endpoints: the audit data is the auditors'. */
export const AUDIT_ROLES: readonly string[] = ['auditor'];

/** Who created a transaction, as its block names them. */
export interface TxActor {
  readonly mspId: string | null;
  readonly role: string | null;
  readonly subject: string | null;
}

/** Where a transaction is on the ledger. */
export interface TxPlace {
  readonly txId: string;
  readonly block: number;
  readonly timestamp: string | null;
}

/** One sealed version of the timeline ({@link versionTimeline}). */
export interface TimelineVersion extends TxPlace {
  readonly version: number;
  readonly parent: number;
  readonly scope: Scope;
  readonly province: string | null;
  readonly effectiveFrom: string;
  readonly changeCount: number;
  /** The digest the version record carries, and the one recomputed from the replayed writes. */
  readonly digest: string;
  readonly recomputedDigest: string;
  readonly previousVersionHash: string | null;
  readonly versionHash: string;
  readonly sealedBy: TxActor;
  readonly proposals: readonly {
    readonly proposalId: string;
    readonly title: string | null;
    readonly proposer: ActorInfo | null;
    readonly approvers: readonly VoteRecord[];
  }[];
}

/** One proposal of the log ({@link proposalLog}). */
export interface LoggedProposal {
  readonly proposalId: string;
  readonly title: string;
  readonly scope: Scope;
  readonly province: string | null;
  readonly status: Proposal['status'];
  readonly statusReason: string | null;
  readonly effectiveFrom: string;
  readonly createdAt: string;
  readonly proposer: ActorInfo | null;
  readonly created: TxPlace;
  readonly votes: readonly VoteRecord[];
  /** The sealing (or governance-applying) transaction, or null while not applied. */
  readonly applied:
    | (TxPlace & {
        readonly version: number | null;
        readonly governanceVersion: number | null;
        readonly changes: number;
        readonly by: TxActor;
      })
    | null;
}

/** One verification of the store ({@link AuditSource.verify}). */
export interface AuditVerification {
  /** Both checks passed (the independent one when it ran). */
  readonly ok: boolean;
  /** When the verification started and ended (ISO 8601). */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The store's next block when it started: the blocks below it were verified. */
  readonly blockHeight: number;
  /** The store checks: state digests, version hash chain, block hash chain, approvals. */
  readonly store: VerifyResult;
  /**
   * Signatures, endorsement policies and the peers' validation flags walked from the pinned genesis
   * block, without re-execution; null when the store pins no genesis block (nothing to walk from).
   */
  readonly independent: {
    readonly ok: boolean;
    readonly genesis: string;
    readonly blocks: number;
    readonly transactions: number;
    readonly findings: IndependentVerification['findings'];
  } | null;
}

/**
 * The audit store as the endpoints read it: the ledger model replayed from it (rebuilt when the
 * store has moved on), and the latest verification with its time.
 */
export class AuditSource {
  readonly #store: AuditStore;
  readonly #now: () => Date;
  #model: { readonly height: number; readonly model: Promise<LedgerModel> } | null = null;
  #latest: AuditVerification | null = null;
  #running: Promise<AuditVerification> | null = null;

  /** @param now the clock of the verification times (tests fix it) */
  public constructor(store: AuditStore, now: () => Date = () => new Date()) {
    this.#store = store;
    this.#now = now;
  }

  public get store(): AuditStore {
    return this.#store;
  }

  /** The next block the store will take (its checkpoint): what an answer reflects. */
  public async height(): Promise<number> {
    return (await this.#store.getCheckpoint())?.blockNumber ?? 0;
  }

  /** The ledger model of the store, replayed once per store height. */
  public async model(): Promise<{ readonly model: LedgerModel; readonly height: number }> {
    const height = await this.height();
    let cached = this.#model;
    if (cached?.height !== height) {
      const model = buildLedgerModel(this.#store);
      cached = { height, model };
      this.#model = cached;
      model.catch(() => {
        if (this.#model?.model === model) this.#model = null;
      });
    }
    return { model: await cached.model, height };
  }

  /** The latest verification, or null before the first. */
  public get latest(): AuditVerification | null {
    return this.#latest;
  }

  /** Verifies the store now (one at a time: a call while one runs shares it) and records the result. */
  public verify(): Promise<AuditVerification> {
    this.#running ??= this.#verify().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #verify(): Promise<AuditVerification> {
    const startedAt = this.#now().toISOString();
    const blockHeight = await this.height();
    const store = await verifyStore(this.#store);
    const genesis = await this.#store.getTrustedGenesis();
    const walked =
      genesis === null
        ? null
        : await verifyIndependently(this.#store, { trustedGenesisHash: genesis, skipReexecution: true });
    const independent =
      walked === null || genesis === null
        ? null
        : {
            ok: walked.ok,
            genesis,
            blocks: walked.blocks,
            transactions: walked.transactions,
            findings: walked.findings,
          };
    const result: AuditVerification = {
      ok: store.ok && (independent?.ok ?? true),
      startedAt,
      finishedAt: this.#now().toISOString(),
      blockHeight,
      store,
      independent,
    };
    this.#latest = result;
    return result;
  }
}

/** The audit source of a request, or 503 AUDIT_STORE_UNAVAILABLE. */
function sourceOf(ctx: RouteContext): AuditSource {
  if (ctx.audit === null)
    throw new CatalogClientError('AUDIT_STORE_UNAVAILABLE', 'this server has no audit store to answer from', {
      template: 'AUDIT_STORE_UNAVAILABLE.none',
    });
  return ctx.audit;
}

function actorOf(tx: TxRef): TxActor {
  return { mspId: tx.creatorMsp, role: tx.creatorRole, subject: tx.creatorSubject };
}

function where(tx: TxRef): TxPlace {
  return { txId: tx.txId, block: tx.blockNumber, timestamp: tx.timestamp };
}

/** The version timeline: each sealed version, its hash chain, who proposed and approved it. */
export function versionTimeline(model: LedgerModel): TimelineVersion[] {
  return model.versions.map((v: SealedVersion): TimelineVersion => ({
    version: v.record.version,
    parent: v.record.parent,
    scope: v.record.scope,
    province: v.record.province,
    effectiveFrom: v.record.effectiveFrom,
    changeCount: v.record.changeCount,
    digest: v.record.digest,
    recomputedDigest: v.recomputedDigest,
    previousVersionHash: v.record.previousVersionHash,
    versionHash: v.record.versionHash,
    ...where(v.tx),
    sealedBy: actorOf(v.tx),
    proposals: v.record.proposalIds.map((proposalId) => {
      const summary = proposalSummary(model, proposalId);
      return {
        proposalId,
        title: summary?.title ?? null,
        proposer: summary?.proposer ?? null,
        approvers: summary?.approvers ?? [],
      };
    }),
  }));
}

/** Every proposal: who proposed it, who voted how, and what applied it (version or governance). */
export function proposalLog(model: LedgerModel): LoggedProposal[] {
  return [...model.proposals.values()].map((info): LoggedProposal => {
    const summary = proposalSummary(model, info.id);
    const sealed = model.versions.find((v) => v.record.proposalIds.includes(info.id));
    const governed = model.governance.find((g) => g.record.updatedByProposal === info.id);
    const applied =
      sealed !== undefined
        ? {
            version: sealed.record.version,
            governanceVersion: null,
            changes: sealed.changes.filter((c) => c.proposalId === info.id).length,
            ...where(sealed.tx),
            by: actorOf(sealed.tx),
          }
        : governed !== undefined
          ? {
              version: null,
              governanceVersion: governed.record.version,
              changes: 0,
              ...where(governed.tx),
              by: actorOf(governed.tx),
            }
          : null;
    return {
      proposalId: info.id,
      title: info.latest.title,
      scope: info.latest.scope,
      province: info.latest.province,
      status: info.latest.status,
      statusReason: info.latest.statusReason,
      effectiveFrom: info.latest.effectiveFrom,
      createdAt: info.created.record.createdAt,
      proposer: summary?.proposer ?? null,
      created: where(info.created.tx),
      votes: summary?.votes ?? [],
      applied,
    };
  });
}

/** The version numbers a diff may name: 0 (the empty catalog) and every sealed version. */
function checkVersion(model: LedgerModel, version: number): void {
  if (version !== 0 && !model.versions.some((v) => v.record.version === version))
    throw chaincodeError('VERSION_NOT_FOUND', `no sealed version ${version} in the audit store`, {
      template: 'VERSION_NOT_FOUND.notSealed',
      params: { version },
    });
}

const versionParam = (description: string): JsonSchema => ({
  type: 'integer',
  minimum: 0,
  maximum: 1_000_000_000,
  description,
});

/** Body of POST /v1/audit/verify: none (an empty object, or no body at all). */
const emptyBody: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

/** The audit endpoints (appended to the routes table: same validation, document and checks). */
export const auditRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/v1/audit/versions',
    operationId: 'auditVersions',
    summary:
      'Version timeline from the audit store: each sealed version with its digest (as sealed and as recomputed), hash chain, block, transaction, time, proposers and approvers (auditors only)',
    roles: AUDIT_ROLES,
    response: 'AuditVersions',
    handle: async (ctx: RouteContext): Promise<unknown> => {
      const { model, height } = await sourceOf(ctx).model();
      return { blockHeight: height, versions: versionTimeline(model) };
    },
  },
  {
    method: 'GET',
    path: '/v1/audit/diff',
    operationId: 'auditDiff',
    summary:
      'Field-by-field difference between two versions, from the audit store (0 is the empty catalog; auditors only)',
    roles: AUDIT_ROLES,
    query: {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: {
        from: versionParam('the version compared from (0: the empty catalog)'),
        to: versionParam('the version compared to'),
      },
    },
    response: 'AuditDiff',
    handle: async (ctx: RouteContext): Promise<unknown> => {
      const { model, height } = await sourceOf(ctx).model();
      const from = Number(ctx.query.from);
      const to = Number(ctx.query.to);
      checkVersion(model, from);
      checkVersion(model, to);
      return { blockHeight: height, ...diffVersions(model, from, to) };
    },
  },
  {
    method: 'GET',
    path: '/v1/audit/proposals',
    operationId: 'auditProposals',
    summary:
      'Every proposal from the audit store: who proposed it, who voted (approve or reject, organisation and identity), what applied it and when (auditors only)',
    roles: AUDIT_ROLES,
    response: 'AuditProposals',
    handle: async (ctx: RouteContext): Promise<unknown> => {
      const { model, height } = await sourceOf(ctx).model();
      return { blockHeight: height, proposals: proposalLog(model) };
    },
  },
  {
    method: 'GET',
    path: '/v1/audit/invalid',
    operationId: 'auditInvalidTransactions',
    summary:
      'Transactions the peers invalidated (validation code such as ENDORSEMENT_POLICY_FAILURE, block, transaction id, creator, what they tried to write), from the audit store (auditors only)',
    roles: AUDIT_ROLES,
    response: 'AuditInvalidTransactions',
    handle: async (ctx: RouteContext): Promise<unknown> => {
      const source = sourceOf(ctx);
      const { model, height } = await source.model();
      const data = await auditReportData(source.store, model);
      return { blockHeight: height, transactions: data.invalidTransactions };
    },
  },
  {
    method: 'GET',
    path: '/v1/audit/verify',
    operationId: 'auditLatestVerification',
    summary:
      'The latest verification of the audit store run by this server, with its time (null before the first; auditors only)',
    roles: AUDIT_ROLES,
    response: 'AuditLatestVerification',
    handle: (ctx: RouteContext): Promise<unknown> => Promise.resolve({ latest: sourceOf(ctx).latest }),
  },
  {
    method: 'POST',
    path: '/v1/audit/verify',
    operationId: 'auditVerify',
    summary:
      'Verify the audit store now: the store checks (digests, version and block hash chains, approvals) and, when it pins a genesis block, signatures, policies and validation flags without re-execution; the result is recorded (auditors only)',
    roles: AUDIT_ROLES,
    body: emptyBody,
    response: 'AuditVerification',
    handle: (ctx: RouteContext): Promise<unknown> => sourceOf(ctx).verify(),
  },
  {
    method: 'GET',
    path: '/v1/audit/report',
    operationId: 'auditReport',
    summary:
      "The audit report's data as JSON: summary figures, the bars of each chart (as the HTML report draws them) and the tables' data (auditors only)",
    roles: AUDIT_ROLES,
    response: 'AuditReport',
    handle: async (ctx: RouteContext): Promise<unknown> => {
      const source = sourceOf(ctx);
      const { model, height } = await source.model();
      const data = await auditReportData(source.store, model);
      const charts: { id: string; bars: Bar[] }[] = [
        { id: 'changes-per-version', bars: versionBars(data) },
        { id: 'changes-per-province', bars: provinceBars(data) },
        { id: 'rejected-attempts', bars: attemptBars(data) },
        { id: 'proposal-to-seal', bars: durationBars(data) },
      ];
      return { blockHeight: height, summary: data.summary, charts, data };
    },
  },
];
