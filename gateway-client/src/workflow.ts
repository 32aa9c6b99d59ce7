import type { Change, Proposal, Scope, Version } from '../../chaincode/src/model/types';
import type { CatalogClient } from './catalog-client';
import { CatalogClientError } from './errors';

/** A proposal to create (or to find again and finish), with its changes already chunked. */
export interface ProposalPlan {
  readonly scope: Scope;
  readonly province?: string;
  readonly title: string;
  readonly rationale: string;
  readonly effectiveFrom: string;
  readonly chunks: readonly (readonly Change[])[];
  /** Fingerprint of the whole change set; stored in the rationale so a re-run finds the same proposal. */
  readonly fingerprint: string;
}

/** Progress of a long workflow step, e.g. chunk 3 of 10 added. */
export interface Progress {
  readonly phase: 'create' | 'chunks' | 'open' | 'approve' | 'apply' | 'seal' | 'done';
  readonly done: number;
  readonly total: number;
  readonly detail?: string;
}

/** Options of {@link driveProposal}. */
export interface DriveOptions {
  /** Clients of the approvers who vote (in this order) until the proposal is approved. */
  readonly approvers?: readonly CatalogClient[];
  /** Apply and seal once approved (default true). */
  readonly apply?: boolean;
  readonly onProgress?: (progress: Progress) => void;
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

interface ProposalView {
  proposal: Proposal;
  chunks: { index: number; hash: string; applied: boolean }[];
}

const FINGERPRINT_TAG = 'change-set fingerprint: ';

/** The rationale text with the fingerprint line the resume logic looks for. */
export function rationaleWithFingerprint(rationale: string, fingerprint: string): string {
  return `${rationale}\n${FINGERPRINT_TAG}${fingerprint}`;
}

/** Finds a live (not rejected / withdrawn) proposal of the caller's that carries `plan.fingerprint`. */
export async function findProposalByFingerprint(
  client: CatalogClient,
  plan: ProposalPlan,
): Promise<Proposal | null> {
  let bookmark = '';
  for (let page = 0; page < 1000; page += 1) {
    const result = await client.listProposals({
      scope: plan.scope,
      pageSize: 200,
      ...(bookmark ? { bookmark } : {}),
    });
    const hit = result.records.find(
      (proposal) =>
        proposal.rationale.includes(`${FINGERPRINT_TAG}${plan.fingerprint}`) &&
        proposal.status !== 'rejected' &&
        proposal.status !== 'withdrawn' &&
        proposal.ownerMsp === client.connection.identity.mspId,
    );
    if (hit) return hit;
    if (!result.bookmark || result.records.length === 0) return null;
    bookmark = result.bookmark;
  }
  return null;
}

async function view(client: CatalogClient, proposalId: string): Promise<ProposalView> {
  return (await client.getProposal({ proposalId })) as ProposalView;
}

/**
 * Takes a proposal from nothing (or from wherever an earlier, interrupted run left it) to a sealed
 * version: create, add the missing chunks, open, collect approvals, apply every chunk, seal. Every
 * step is idempotent, so running it again after a crash finishes the same proposal and never
 * creates a duplicate.
 */
export async function driveProposal(
  client: CatalogClient,
  plan: ProposalPlan,
  options: DriveOptions = {},
): Promise<DriveResult> {
  const report = options.onProgress ?? ((): void => undefined);
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
      rationale: rationaleWithFingerprint(plan.rationale, plan.fingerprint),
      effectiveFrom: plan.effectiveFrom,
    });
    proposalId = created.value.id;
    report({ phase: 'create', done: 1, total: 1, detail: `created ${proposalId}` });
  }
  lap('create');
  let current = await view(client, proposalId);
  if (current.proposal.status === 'draft') {
    const have = new Set(current.chunks.map((chunk) => chunk.index));
    for (const [index, changes] of plan.chunks.entries()) {
      if (!have.has(index)) await client.addChunk({ proposalId, chunkIndex: index, changes });
      report({ phase: 'chunks', done: index + 1, total: plan.chunks.length });
    }
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
    try {
      await approver.approveProposal({ proposalId });
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
  const total = current.chunks.length;
  for (const chunk of current.chunks) {
    if (!chunk.applied) await client.applyChunk({ proposalId, chunkIndex: chunk.index });
    report({ phase: 'apply', done: chunk.index + 1, total });
  }
  lap('apply');
  const sealed = await client.sealVersion({ proposalId });
  lap('seal');
  report({ phase: 'seal', done: 1, total: 1, detail: `version ${sealed.value.version}` });
  return { proposalId, status: 'applied', resumed: existing !== null, version: sealed.value, phaseMs };
}
