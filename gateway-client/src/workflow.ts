import {
  type Change,
  type Governance,
  normaliseChange,
  type Proposal,
  type Scope,
  sha256Json,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { reviewedOf, type CatalogClient, type Submitted } from './catalog-client';
import { CatalogClientError, chaincodeError } from './errors';
import { provinceOf } from './governance-members';

/** A proposal to create (or to find again and finish), with its changes already chunked. */
export interface ProposalPlan {
  readonly scope: Scope;
  readonly province?: string;
  readonly title: string;
  readonly rationale: string;
  readonly effectiveFrom: string;
  readonly chunks: readonly (readonly Change[])[];
  /**
   * Fingerprint of the whole change set; stored in the rationale, and folded with the chunk layout
   * and effective date into the {@link resumeKey} a re-run finds the same proposal by.
   */
  readonly fingerprint: string;
}

/** Progress of a long workflow step, e.g. chunk 3 of 10 added. */
export interface Progress {
  readonly phase: 'create' | 'chunks' | 'open' | 'approve' | 'apply' | 'seal' | 'done';
  readonly done: number;
  readonly total: number;
  readonly detail?: string;
}

/** The scope (and province) of a proposal, as {@link proposalTarget} reads it from one word. */
export interface ProposalTarget {
  readonly scope: 'national' | 'provincial' | 'governance';
  readonly province?: string;
}

/**
 * Reads a proposal's target from one word, as the CLI's `--scope` and the API's `scope` give it:
 * `national` (also when absent), `governance`, or a province — passed on as typed, since the
 * chaincode (and {@link driveProposal}) accept any form the governance record lists.
 */
export function proposalTarget(value: string | undefined): ProposalTarget {
  if (value === undefined || value === 'national') return { scope: 'national' };
  if (value === 'governance') return { scope: 'governance' };
  return { scope: 'provincial', province: value };
}

/**
 * Chunk transactions in flight at once by default (AddChunk, then ApplyChunk). The chunks of one
 * proposal share no written key (each has its own `chunk` and `chunkdone` key, and a target appears
 * in one chunk only), so concurrent chunk transactions commit in the same block without MVCC
 * conflicts; more in flight fills the 100-transaction / 250 ms blocks and hides endorsement and
 * commit latency. Bounded, so that a 2-core peer is not handed hundreds of 250-change simulations.
 */
export const DEFAULT_CHUNK_CONCURRENCY = 8;

/** Options of {@link driveProposal}. */
export interface DriveOptions {
  /** Clients of the approvers who vote (in this order) until the proposal is approved. */
  readonly approvers?: readonly CatalogClient[];
  /** Apply and seal once approved (default true). */
  readonly apply?: boolean;
  /**
   * Chunks added (and applied) at once (default {@link DEFAULT_CHUNK_CONCURRENCY}). Chunks of one
   * proposal touch disjoint keys, so concurrent transactions do not conflict; with two organisations
   * endorsing every write this hides most of the endorsement round trips.
   */
  readonly concurrency?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** The governance record the caller has just read (default: read it first). */
  readonly governance?: Governance;
}

/** Outcome of {@link driveProposal}. */
export interface DriveResult {
  readonly proposalId: string;
  readonly status: Proposal['status'];
  readonly resumed: boolean;
  readonly version: Version | null;
  /** Milliseconds spent in each phase this run (create, chunks, open, approve, apply, seal). */
  readonly phaseMs: Readonly<Record<string, number>>;
}

/** Options of {@link applyAndSeal}. */
export interface ApplyAndSealOptions {
  /** The proposal's chunks as last read (read again when absent). */
  readonly chunks?: readonly { readonly index: number; readonly applied: boolean }[];
  /** Chunks applied at once (default {@link DEFAULT_CHUNK_CONCURRENCY}; chunks of one proposal touch disjoint keys). */
  readonly concurrency?: number;
  readonly onProgress?: (progress: Progress) => void;
  /** Called once every chunk is applied, before the seal. */
  readonly onApplied?: () => void;
}

/**
 * The one "apply every chunk, then seal" use case (the CLI's `proposal apply`, the HTTP API's
 * `/apply` and {@link driveProposal} all call it): applies the chunks not yet applied, then seals
 * the version. Idempotent: applying an applied chunk is a no-op on chain.
 */
export async function applyAndSeal(
  client: CatalogClient,
  proposalId: string,
  options: ApplyAndSealOptions = {},
): Promise<Submitted<Version>> {
  const chunks = options.chunks ?? (await client.getProposal({ proposalId })).chunks;
  const report = options.onProgress ?? ((): void => undefined);
  let applied = 0;
  await inPool(chunks, options.concurrency ?? DEFAULT_CHUNK_CONCURRENCY, async (chunk) => {
    if (!chunk.applied) await client.applyChunk({ proposalId, chunkIndex: chunk.index });
    applied += 1;
    report({ phase: 'apply', done: applied, total: chunks.length });
  });
  options.onApplied?.();
  return client.sealVersion({ proposalId });
}

/** Runs `work` over `items` with at most `limit` at once; the first failure rejects (after the running ones settle). */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length && errors.length === 0) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (errors.length > 0) throw errors[0];
}

interface ProposalView {
  proposal: Proposal;
  chunks: { index: number; hash: string; applied: boolean }[];
}

/** Rationale line naming the change set (kept for readers and for proposals made before resume keys). */
const FINGERPRINT_TAG = 'change-set fingerprint: ';
/** Rationale line a re-run looks for: change set, chunk layout and effective date (see {@link resumeKey}). */
const RESUME_TAG = 'resume key: ';

/**
 * The key a re-run finds its proposal by: SHA-256 of the change-set fingerprint together with what
 * else decides what lands on chain — the chunk layout (the length of every chunk, which is what the
 * chunk size changes; two sizes that cut the changes identically give the same key, which is right),
 * the effective date, the scope and the province. A re-run with another `--chunk-size` or
 * `--effective-from` therefore creates a new proposal instead of resuming one whose chunks hold
 * other rows.
 */
export function resumeKey(plan: ProposalPlan): string {
  return sha256Json({
    v: 2,
    changeSet: plan.fingerprint,
    chunkLengths: plan.chunks.map((chunk) => chunk.length),
    effectiveFrom: plan.effectiveFrom,
    scope: plan.scope,
    province: plan.province ?? null,
  });
}

/** The rationale text with the fingerprint lines the resume logic looks for. */
export function rationaleWithFingerprint(rationale: string, fingerprint: string, key?: string): string {
  return `${rationale}\n${FINGERPRINT_TAG}${fingerprint}${key === undefined ? '' : `\n${RESUME_TAG}${key}`}`;
}

/**
 * Whether `proposal` is the one an earlier run of `plan` created. Proposals carrying a resume key
 * match on it; older proposals (change-set fingerprint only) match on the fingerprint and the
 * effective date, and their chunk layout is then checked chunk by chunk by {@link driveProposal}.
 */
export function proposalMatchesPlan(proposal: Proposal, plan: ProposalPlan): boolean {
  const lines = proposal.rationale.split('\n');
  if (lines.some((line) => line.startsWith(RESUME_TAG)))
    return lines.includes(`${RESUME_TAG}${resumeKey(plan)}`);
  return (
    lines.includes(`${FINGERPRINT_TAG}${plan.fingerprint}`) && proposal.effectiveFrom === plan.effectiveFrom
  );
}

/**
 * Finds a live (not rejected / withdrawn) proposal of the caller's that matches `plan`
 * ({@link proposalMatchesPlan}), following the bookmark through every page: the chaincode may
 * return an empty page with a bookmark when its scan budget ran out before the page filled.
 */
export async function findProposalByFingerprint(
  client: CatalogClient,
  plan: ProposalPlan,
): Promise<Proposal | null> {
  let bookmark = '';
  const seen = new Set<string>();
  for (;;) {
    const result = await client.listProposals({
      scope: plan.scope,
      pageSize: 200,
      ...(bookmark ? { bookmark } : {}),
    });
    const hit = result.records.find(
      (proposal) =>
        proposal.status !== 'rejected' &&
        proposal.status !== 'withdrawn' &&
        proposal.ownerMsp === client.connection.identity.mspId &&
        proposalMatchesPlan(proposal, plan),
    );
    if (hit) return hit;
    if (!result.bookmark) return null;
    if (seen.has(result.bookmark)) {
      throw new CatalogClientError('PAGING_LOOP', 'proposal listing returned the same bookmark twice');
    }
    seen.add(result.bookmark);
    bookmark = result.bookmark;
  }
}

/** The hash the chaincode stores for `changes` added to `proposal` (null if it would refuse them). */
function storedChunkHash(
  g: Pick<Governance, 'provinces'>,
  proposal: Proposal,
  changes: readonly Change[],
): string | null {
  try {
    return sha256Json(changes.map((change) => normaliseChange(g, proposal, change).stored));
  } catch {
    return null;
  }
}

/**
 * Checks that the chunks an earlier run stored are exactly the plan's: same content at every index,
 * none beyond the plan, and (once the proposal is no longer a draft) all of them. Throws a
 * `CHUNK_CONFLICT` {@link ConflictError} naming the first difference otherwise.
 */
export function checkStoredChunks(
  g: Pick<Governance, 'provinces'>,
  proposal: Proposal,
  stored: readonly { index: number; hash: string }[],
  plan: ProposalPlan,
): void {
  const advice =
    `proposal ${proposal.id} was made from other input, another chunk size or another effective date; ` +
    `withdraw it ("catalog proposal withdraw ${proposal.id}") or re-run with the original input and options`;
  for (const chunk of stored) {
    const planned = plan.chunks[chunk.index];
    if (planned === undefined) {
      throw chaincodeError(
        'CHUNK_CONFLICT',
        `chunk ${chunk.index} of ${proposal.id} is not in this plan of ${plan.chunks.length} chunks: ${advice}`,
      );
    }
    const expected = storedChunkHash(g, proposal, planned);
    if (expected !== chunk.hash) {
      throw chaincodeError(
        'CHUNK_CONFLICT',
        `chunk ${chunk.index} of ${proposal.id} holds other changes than chunk ${chunk.index} of this plan ` +
          `(stored ${chunk.hash.slice(0, 12)}…, planned ${expected === null ? 'not addable' : `${expected.slice(0, 12)}…`}): ${advice}`,
      );
    }
  }
  if (proposal.status !== 'draft' && stored.length !== plan.chunks.length) {
    throw chaincodeError(
      'CHUNK_CONFLICT',
      `${proposal.id} is ${proposal.status} with ${stored.length} chunks, this plan has ${plan.chunks.length}: ${advice}`,
    );
  }
}

async function view(client: CatalogClient, proposalId: string): Promise<ProposalView> {
  return await client.getProposal({ proposalId });
}

/**
 * The plan with its province in canonical form (a province may be named in any form the governance
 * record lists: `粤`, `GD`, `440000`…), so that its resume key and chunk hashes are those of the
 * proposal the chaincode stores; `UNKNOWN_PROVINCE` before anything is written otherwise.
 */
export function canonicalPlan(g: Pick<Governance, 'provinces'>, plan: ProposalPlan): ProposalPlan {
  return plan.province === undefined ? plan : { ...plan, province: provinceOf(g, plan.province).name };
}

/**
 * Takes a proposal from nothing (or from wherever an earlier, interrupted run left it) to a sealed
 * version: create, add the missing chunks, open, collect approvals, apply every chunk, seal. Every
 * step is idempotent, so running it again after a crash finishes the same proposal and never
 * creates a duplicate. A resumed proposal's stored chunks are first compared with the plan's
 * ({@link checkStoredChunks}): a difference stops the run with `CHUNK_CONFLICT` instead of skipping
 * the chunk.
 */
export async function driveProposal(
  client: CatalogClient,
  given: ProposalPlan,
  options: DriveOptions = {},
): Promise<DriveResult> {
  const governance = options.governance ?? (await client.getGovernance());
  const plan = canonicalPlan(governance, given);
  const report = options.onProgress ?? ((): void => undefined);
  const concurrency = options.concurrency ?? DEFAULT_CHUNK_CONCURRENCY;
  const phaseMs: Record<string, number> = {};
  let mark = performance.now();
  const lap = (phase: string): void => {
    const now = performance.now();
    phaseMs[phase] = Math.round((phaseMs[phase] ?? 0) + now - mark);
    mark = now;
  };
  const existing = await findProposalByFingerprint(client, plan);
  let proposalId: string;
  if (existing) {
    proposalId = existing.id;
    report({ phase: 'create', done: 1, total: 1, detail: `resuming ${proposalId} (${existing.status})` });
  } else {
    const created = await client.createProposal({
      scope: plan.scope,
      ...(plan.province ? { province: plan.province } : {}),
      title: plan.title,
      rationale: rationaleWithFingerprint(plan.rationale, plan.fingerprint, resumeKey(plan)),
      effectiveFrom: plan.effectiveFrom,
    });
    proposalId = created.value.id;
    report({ phase: 'create', done: 1, total: 1, detail: `created ${proposalId}` });
  }
  lap('create');
  let current = await view(client, proposalId);
  checkStoredChunks(governance, current.proposal, current.chunks, plan);
  if (current.proposal.status === 'draft') {
    const have = new Set(current.chunks.map((chunk) => chunk.index));
    let added = 0;
    await inPool([...plan.chunks.entries()], concurrency, async ([index, changes]) => {
      if (!have.has(index)) await client.addChunk({ proposalId, chunkIndex: index, changes });
      added += 1;
      report({ phase: 'chunks', done: added, total: plan.chunks.length });
    });
    lap('chunks');
    await client.openProposal({ proposalId });
    report({ phase: 'open', done: 1, total: 1 });
    lap('open');
    current = await view(client, proposalId);
  }
  if (current.proposal.status === 'applied' && current.proposal.sealedVersion !== null) {
    const version = await client.getVersion({ version: current.proposal.sealedVersion });
    report({ phase: 'done', done: 1, total: 1, detail: `already sealed as version ${version.version}` });
    return { proposalId, status: 'applied', resumed: true, version, phaseMs };
  }
  const approvers = options.approvers ?? [];
  for (const [index, approver] of approvers.entries()) {
    if (current.proposal.status !== 'open') break;
    let decided: Proposal['status'] | null = null;
    try {
      // The vote binds to what this driver read back from the chain: manifest, base and governance version.
      const vote = await approver.approveProposal({ proposalId, ...reviewedOf(current.proposal) });
      decided = vote.value.proposal.status;
    } catch (error) {
      if (!(error instanceof CatalogClientError && error.code === 'ALREADY_VOTED')) throw error;
    }
    report({
      phase: 'approve',
      done: index + 1,
      total: approvers.length,
      detail: approver.connection.identity.mspId,
    });
    current = await view(client, proposalId);
    // The vote committed on the approver's peer; the proposer's peer may not have it yet (a loaded
    // machine): read again, for a bounded time, until it shows the status the vote decided.
    for (
      let tries = 0;
      decided !== null && decided !== 'open' && current.proposal.status === 'open' && tries < 20;
      tries++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      current = await view(client, proposalId);
    }
  }
  lap('approve');
  if (current.proposal.status !== 'approved' || options.apply === false) {
    return {
      proposalId,
      status: current.proposal.status,
      resumed: existing !== null,
      version: null,
      phaseMs,
    };
  }
  const sealed = await applyAndSeal(client, proposalId, {
    chunks: current.chunks,
    concurrency,
    onProgress: report,
    onApplied: () => {
      lap('apply');
    },
  });
  lap('seal');
  report({ phase: 'seal', done: 1, total: 1, detail: `version ${sealed.value.version}` });
  return { proposalId, status: 'applied', resumed: existing !== null, version: sealed.value, phaseMs };
}
