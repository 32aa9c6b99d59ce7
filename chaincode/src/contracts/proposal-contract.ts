import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { sha256Json } from '../lib/digest';
import { raise } from '../lib/errors';
import { chunkKey, claimKey, T, voteKey } from '../lib/keys';
import { normaliseProvince } from '../lib/orgs';
import { decodeBookmark, runTx, type Tx } from '../lib/tx';
import { requireMsp, requireRole } from '../model/access';
import { applyGovernanceUpdate, mayVote, requireActiveMember, tally } from '../model/governance';
import type { VoteInput } from '../model/io';
import { filteredPage } from '../model/paging';
import { getGovernance, getHead, requireGovernance, requireProposal } from '../model/store';
import type { ChunkAdded, ChunkApplied, Proposal, Vote, VoteResult } from '../model/types';
import {
  appliedChunk,
  appliedOf,
  applyChunk,
  chunksOf,
  legacyApplied,
  normaliseChange,
  precheckChange,
  putChunk,
  putProposal,
  putVote,
  requireStatus,
  sealVersion,
  votesOf,
  type AppliedChunk,
  type Chunk,
} from '../model/workflow';

/**
 * Throws STALE_REVIEW unless the vote names exactly what the proposal now is: the manifest fixed at
 * open, the base catalog version and the governance version (approvals bind to content).
 */
function checkReviewed(p: Proposal, governanceVersion: number, input: VoteInput): void {
  const proposalId = p.id;
  if (input.manifestHash !== p.manifestHash) {
    raise('STALE_REVIEW.manifest', { proposalId, given: input.manifestHash, actual: p.manifestHash });
  }
  if (input.baseVersion !== p.baseVersion) {
    raise('STALE_REVIEW.baseVersion', { proposalId, given: input.baseVersion, actual: p.baseVersion });
  }
  if (input.governanceVersion !== governanceVersion || p.governanceVersion !== governanceVersion) {
    raise('STALE_REVIEW.governanceVersion', {
      proposalId,
      given: input.governanceVersion,
      inForce: governanceVersion,
      openedOn: p.governanceVersion,
    });
  }
}

/** The chunk hashes of the manifest fixed at open; MANIFEST_MISMATCH unless they hash to the manifest. */
function manifestHashes(p: Proposal): readonly string[] {
  const hashes = p.chunkHashes;
  if (hashes === null || p.manifestHash === null || sha256Json(hashes) !== p.manifestHash) {
    raise('MANIFEST_MISMATCH.inconsistent', { proposalId: p.id });
  }
  return hashes;
}

/** Throws MANIFEST_MISMATCH unless the chunk's changes hash to the hash the manifest fixed at open. */
export function checkChunkAgainstManifest(p: Proposal, chunk: Chunk): void {
  const hashes = manifestHashes(p);
  const expected = hashes[chunk.index];
  const actual = sha256Json(chunk.changes);
  if (expected === undefined) {
    raise('MANIFEST_MISMATCH.notInManifest', { index: chunk.index, proposalId: p.id, actual });
  }
  if (actual !== expected || chunk.hash !== expected) {
    raise('MANIFEST_MISMATCH.hash', { index: chunk.index, proposalId: p.id, actual, expected });
  }
}

/**
 * Throws MANIFEST_MISMATCH unless an applied marker names the hash the manifest fixed for its chunk
 * (the ApplyChunk that wrote it re-hashed the chunk's changes against that manifest).
 */
export function checkAppliedAgainstManifest(p: Proposal, marker: AppliedChunk): void {
  const expected = manifestHashes(p)[marker.index];
  if (expected === undefined) {
    raise('MANIFEST_MISMATCH.notInManifest', { index: marker.index, proposalId: p.id, actual: marker.hash });
  }
  if (marker.hash !== expected) {
    raise('MANIFEST_MISMATCH.hash', { index: marker.index, proposalId: p.id, actual: marker.hash, expected });
  }
}

function touched(tx: Tx, p: Proposal, changes: Partial<Proposal>): Proposal {
  return { ...p, ...changes, updatedAt: tx.time, updatedTxId: tx.txId };
}

async function vote(tx: Tx, input: VoteInput, decision: 'approve' | 'reject'): Promise<VoteResult> {
  const g = await requireGovernance(tx);
  const p = await requireProposal(tx, input.proposalId);
  requireStatus(p, 'open');
  requireRole(tx, 'approver');
  requireActiveMember(g, tx.caller.mspId);
  if (!mayVote(g, p, tx.caller.mspId)) {
    raise('FORBIDDEN_ORG.notVoter', { org: tx.caller.mspId, scope: p.scope, proposalId: p.id });
  }
  if (decision === 'approve' && tx.caller.id === p.proposer.id && !g.allowSelfApproval) {
    raise('SELF_APPROVAL', { proposalId: p.id });
  }
  if ((await tx.read(voteKey(tx.stub, p.id, tx.caller.mspId))) !== null) {
    raise('ALREADY_VOTED', { org: tx.caller.mspId, proposalId: p.id });
  }
  checkReviewed(p, g.version, input);
  const v: Vote = {
    proposalId: p.id,
    mspId: tx.caller.mspId,
    decision,
    manifestHash: input.manifestHash,
    baseVersion: input.baseVersion,
    governanceVersion: input.governanceVersion,
    voter: tx.caller,
    comment: input.comment ?? null,
    txId: tx.txId,
    timestamp: tx.time,
  };
  const votes = [...(await votesOf(tx, p.id)), v];
  const t = tally(g, p, votes);
  putVote(tx, g, v);
  let next = p;
  if (t.met) {
    next = touched(tx, p, { status: 'approved', statusReason: `approved by ${t.approvals.join(', ')}` });
  } else if (t.impossible) {
    next = touched(tx, p, { status: 'rejected', statusReason: `rejected by ${t.rejections.join(', ')}` });
  }
  if (next !== p) {
    putProposal(tx, g, next);
  }
  tx.emit(decision === 'approve' ? 'ProposalApproved' : 'ProposalRejected', {
    proposalId: p.id,
    mspId: v.mspId,
    status: next.status,
  });
  return { proposal: next, vote: v, tally: t };
}

/**
 * Change proposals: draft (add chunks) -> open (votes) -> approved -> chunks applied -> sealed
 * version (`applied`); or rejected / withdrawn. Governance proposals are applied by
 * `Governance:ApplyGovernanceProposal`.
 */
@Info({ title: 'Proposal', description: 'Change proposals, approvals, chunked apply and version sealing' })
export class ProposalContract extends Contract {
  public constructor() {
    super('Proposal');
  }

  /** Creates a draft proposal; its id is the transaction id. Returns the Proposal. */
  @Transaction()
  @Returns('string')
  public async CreateProposal(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.CreateProposal', input, async (tx, a): Promise<Proposal> => {
      const g = await requireGovernance(tx);
      requireRole(tx, 'proposer');
      let province: string | null = null;
      let ownerMsp = g.nationalMsp;
      if (a.scope === 'provincial') {
        const info = normaliseProvince(g, a.province ?? raise('INVALID_INPUT.provinceMissing', {}));
        province = info.name;
        ownerMsp = info.mspId;
      } else if (a.province !== undefined) {
        raise('INVALID_INPUT.provinceUnexpected', { scope: a.scope });
      }
      requireMsp(
        tx,
        ownerMsp,
        province === null ? { action: 'propose', scope: a.scope } : { action: 'proposeProvincial', province },
      );
      requireActiveMember(g, ownerMsp);
      if (a.scope === 'governance') {
        applyGovernanceUpdate(g, a.governance ?? raise('INVALID_INPUT.governanceMissing', {}), '', '', '');
      } else if (a.governance !== undefined) {
        raise('INVALID_INPUT.governanceUnexpected', {});
      }
      const p: Proposal = {
        id: tx.txId,
        scope: a.scope,
        province,
        ownerMsp,
        title: a.title,
        rationale: a.rationale,
        effectiveFrom: a.effectiveFrom,
        governance: a.governance ?? null,
        proposer: tx.caller,
        status: 'draft',
        createdAt: tx.time,
        createdTxId: tx.txId,
        updatedAt: tx.time,
        updatedTxId: tx.txId,
        baseVersion: null,
        chunkCount: null,
        changeCount: null,
        manifestHash: null,
        chunkHashes: null,
        governanceVersion: null,
        sealedVersion: null,
        statusReason: null,
      };
      putProposal(tx, g, p, true);
      tx.emit('ProposalCreated', { proposalId: p.id, scope: p.scope, province });
      return p;
    });
  }

  /**
   * Adds (or idempotently re-adds) chunk `chunkIndex` of changes to a draft. Returns
   * { proposalId, chunkIndex, changeCount, hash, alreadyAdded }.
   */
  @Transaction()
  @Returns('string')
  public async AddChunk(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.AddChunk', input, async (tx, a): Promise<ChunkAdded> => {
      const g = await requireGovernance(tx);
      const p = await requireProposal(tx, a.proposalId);
      requireStatus(p, 'draft');
      if (p.scope === 'governance') {
        raise('PROPOSAL_STATE.governanceChunks', { proposalId: p.id });
      }
      requireRole(tx, 'proposer');
      requireMsp(tx, p.ownerMsp, { action: 'addChunk', proposalId: p.id });
      requireActiveMember(g, p.ownerMsp);
      if (a.changes.length > g.maxChunkChanges) {
        raise('CHUNK_TOO_LARGE', { count: a.changes.length, max: g.maxChunkChanges });
      }
      const normalised = a.changes.map((c) => normaliseChange(g, p, c));
      const changes = normalised.map((n) => n.stored);
      const hash = sha256Json(changes);
      const existing = await tx.read<Chunk>(chunkKey(tx.stub, p.id, a.chunkIndex));
      const result = { proposalId: p.id, chunkIndex: a.chunkIndex, changeCount: changes.length, hash };
      if (existing !== null) {
        if (existing.hash !== hash) {
          raise('CHUNK_CONFLICT.inProposal', { index: a.chunkIndex, proposalId: p.id });
        }
        tx.emit('ChunkAdded', { ...result, alreadyAdded: true });
        return { ...result, alreadyAdded: true };
      }
      const seen = new Set<string>();
      const head = await getHead(tx);
      for (const [i, n] of normalised.entries()) {
        const key = claimKey(tx.stub, p.id, n.target);
        if (seen.has(key) || (await tx.read(key)) !== null) {
          const { stored, target } = n;
          if (target.type === 'rule') {
            raise('DUPLICATE_CHANGE.rule', { index: i, ruleId: target.ruleId, proposalId: p.id });
          }
          if (target.type === 'policy') {
            const province =
              stored.op === 'setPaymentPolicy'
                ? stored.policy.province
                : stored.op === 'clearPaymentPolicy'
                  ? stored.province
                  : target.mspId;
            raise('DUPLICATE_CHANGE.policy', { index: i, province, proposalId: p.id });
          }
          if (stored.op === 'setOverlay' || stored.op === 'clearOverlay') {
            const province = stored.op === 'setOverlay' ? stored.overlay.province : stored.province;
            raise('DUPLICATE_CHANGE.overlay', {
              index: i,
              itemId: target.itemId,
              province,
              proposalId: p.id,
            });
          }
          raise('DUPLICATE_CHANGE.item', { index: i, itemId: target.itemId, proposalId: p.id });
        }
        seen.add(key);
        await precheckChange(tx, g, p, n.stored, head);
      }
      const chunk: Chunk = {
        proposalId: p.id,
        index: a.chunkIndex,
        changes,
        changeCount: changes.length,
        hash,
        applied: false,
        appliedTxId: null,
        delta: null,
      };
      putChunk(
        tx,
        g,
        p,
        chunk,
        normalised.map((n) => n.target),
      );
      tx.emit('ChunkAdded', { ...result, alreadyAdded: false });
      return { ...result, alreadyAdded: false };
    });
  }

  /** Opens a draft for votes; fixes its chunk manifest and base version. Returns the Proposal. */
  @Transaction()
  @Returns('string')
  public async OpenProposal(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.OpenProposal', input, async (tx, a): Promise<Proposal> => {
      const g = await requireGovernance(tx);
      const p = await requireProposal(tx, a.proposalId);
      requireStatus(p, 'draft');
      requireRole(tx, 'proposer');
      requireMsp(tx, p.ownerMsp, { action: 'open', proposalId: p.id });
      requireActiveMember(g, p.ownerMsp);
      const chunks = p.scope === 'governance' ? [] : await chunksOf(tx, p.id);
      if (p.scope !== 'governance') {
        if (chunks.length === 0) {
          raise('CHUNKS_INCOMPLETE.none', { proposalId: p.id });
        }
        chunks.forEach((c, i) => {
          if (c.index !== i) {
            raise('CHUNKS_INCOMPLETE.gap', { proposalId: p.id, index: i });
          }
        });
      }
      const head = await getHead(tx);
      const next: Proposal = {
        ...p,
        status: 'open',
        baseVersion: head?.version ?? 0,
        chunkCount: chunks.length,
        changeCount: chunks.reduce((n, c) => n + c.changeCount, 0),
        manifestHash: sha256Json(chunks.map((c) => c.hash)),
        chunkHashes: chunks.map((c) => c.hash),
        governanceVersion: g.version,
        updatedAt: tx.time,
        updatedTxId: tx.txId,
      };
      putProposal(tx, g, next);
      tx.emit('ProposalOpened', {
        proposalId: p.id,
        chunkCount: next.chunkCount,
        changeCount: next.changeCount,
      });
      return next;
    });
  }

  /** Withdraws a proposal that is not yet applied (proposer or admin of its organisation). */
  @Transaction()
  @Returns('string')
  public async WithdrawProposal(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.WithdrawProposal', input, async (tx, a): Promise<Proposal> => {
      const g = await requireGovernance(tx);
      const p = await requireProposal(tx, a.proposalId);
      requireStatus(p, 'draft', 'open', 'approved');
      requireRole(tx, 'proposer', 'admin');
      requireMsp(tx, p.ownerMsp, { action: 'withdraw', proposalId: p.id });
      const next = touched(tx, p, { status: 'withdrawn', statusReason: a.reason ?? 'withdrawn by proposer' });
      putProposal(tx, g, next);
      tx.emit('ProposalWithdrawn', { proposalId: p.id });
      return next;
    });
  }

  /** Records this organisation's approval (approver role). Returns { proposal, vote, tally }. */
  @Transaction()
  @Returns('string')
  public async ApproveProposal(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.ApproveProposal', input, (tx, a): Promise<VoteResult> =>
      vote(tx, a, 'approve'),
    );
  }

  /** Records this organisation's rejection (approver role). Returns { proposal, vote, tally }. */
  @Transaction()
  @Returns('string')
  public async RejectProposal(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.RejectProposal', input, (tx, a): Promise<VoteResult> =>
      vote(tx, a, 'reject'),
    );
  }

  /**
   * Writes one chunk of an approved proposal (invisible to readers until SealVersion). Idempotent:
   * re-applying an applied chunk writes nothing and returns alreadyApplied: true.
   */
  @Transaction()
  @Returns('string')
  public async ApplyChunk(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.ApplyChunk', input, async (tx, a): Promise<ChunkApplied> => {
      const g = await requireGovernance(tx);
      const p = await requireProposal(tx, a.proposalId);
      if (p.scope === 'governance') {
        raise('PROPOSAL_STATE.governanceApply', { proposalId: p.id });
      }
      requireRole(tx, 'proposer', 'admin');
      requireMsp(tx, p.ownerMsp, { action: 'apply', proposalId: p.id });
      requireActiveMember(g, p.ownerMsp);
      const chunk =
        a.chunkIndex < (p.chunkCount ?? 0)
          ? await tx.read<Chunk>(chunkKey(tx.stub, p.id, a.chunkIndex))
          : null;
      const done = chunk === null ? null : await appliedChunk(tx, p.id, a.chunkIndex, chunk);
      if (chunk !== null && done !== null && (p.status === 'approved' || p.status === 'applied')) {
        tx.emit('ChunkApplied', { proposalId: p.id, chunkIndex: a.chunkIndex, alreadyApplied: true });
        return {
          proposalId: p.id,
          chunkIndex: a.chunkIndex,
          changeCount: chunk.changeCount,
          alreadyApplied: true,
        };
      }
      requireStatus(p, 'approved');
      if (chunk === null) {
        return raise('CHUNK_NOT_FOUND', { index: a.chunkIndex, proposalId: p.id });
      }
      checkChunkAgainstManifest(p, chunk);
      await applyChunk(tx, g, p, chunk);
      tx.emit('ChunkApplied', { proposalId: p.id, chunkIndex: a.chunkIndex, alreadyApplied: false });
      return {
        proposalId: p.id,
        chunkIndex: a.chunkIndex,
        changeCount: chunk.changeCount,
        alreadyApplied: false,
      };
    });
  }

  /** Seals the next catalog version once every chunk is applied. Returns the Version. */
  @Transaction()
  @Returns('string')
  public async SealVersion(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.SealVersion', input, async (tx, a) => {
      const g = await requireGovernance(tx);
      const p = await requireProposal(tx, a.proposalId);
      if (p.scope === 'governance') {
        raise('PROPOSAL_STATE.governanceApply', { proposalId: p.id });
      }
      requireStatus(p, 'approved');
      requireRole(tx, 'proposer', 'admin');
      requireMsp(tx, p.ownerMsp, { action: 'seal', proposalId: p.id });
      requireActiveMember(g, p.ownerMsp);
      const chunkCount = p.chunkCount ?? 0;
      const markers = await appliedOf(tx, p.id);
      const applied: AppliedChunk[] = [];
      const pending: number[] = [];
      for (let index = 0; index < chunkCount; index++) {
        // A chunk without a marker may have been applied in place by an earlier chaincode.
        const marker = markers.get(index) ?? (await appliedChunk(tx, p.id, index));
        if (marker === null) {
          pending.push(index);
        } else {
          applied.push(marker);
        }
      }
      if (pending.length > 0) {
        raise('CHUNKS_INCOMPLETE.notApplied', { proposalId: p.id, pending });
      }
      const beyond = [...markers.keys()].filter((index) => index >= chunkCount);
      if (beyond.length > 0) {
        raise('CHUNKS_INCOMPLETE.count', {
          proposalId: p.id,
          found: chunkCount + beyond.length,
          expected: p.chunkCount,
        });
      }
      for (const marker of applied) {
        checkAppliedAgainstManifest(p, marker);
      }
      const version = await sealVersion(tx, g, p, applied);
      putProposal(
        tx,
        g,
        touched(tx, p, {
          status: 'applied',
          sealedVersion: version.version,
          statusReason: `sealed as version ${version.version}`,
        }),
      );
      tx.emit('VersionSealed', {
        version: version.version,
        proposalId: p.id,
        digest: version.digest,
        versionHash: version.versionHash,
      });
      return version;
    });
  }

  /** A proposal with its votes, tally and chunk progress (`includeChunks` adds the changes). */
  @Transaction(false)
  @Returns('string')
  public async GetProposal(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.GetProposal', input, async (tx, a) => {
      const p = await requireProposal(tx, a.proposalId);
      const g = await getGovernance(tx);
      const votes = await votesOf(tx, p.id);
      const chunks = await chunksOf(tx, p.id);
      const markers = await appliedOf(tx, p.id);
      const done = chunks.map((c) => markers.get(c.index) ?? legacyApplied(c));
      return {
        proposal: p,
        votes,
        tally: g === null ? null : tally(g, p, votes),
        appliedChunks: done.filter((m) => m !== null).length,
        chunks: chunks.map((c, i) => ({
          index: c.index,
          changeCount: c.changeCount,
          hash: c.hash,
          applied: done[i] != null,
          appliedTxId: done[i]?.txId ?? null,
          ...(a.includeChunks === true ? { changes: c.changes } : {}),
        })),
      };
    });
  }

  /** Proposals filtered by status / scope / province, paged. */
  @Transaction(false)
  @Returns('string')
  public async ListProposals(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Proposal.ListProposals', input, async (tx, a) => {
      const province =
        a.province === undefined
          ? undefined
          : normaliseProvince(await requireGovernance(tx), a.province).name;
      return filteredPage<Proposal, Proposal>(
        tx,
        T.proposal,
        a.pageSize ?? 50,
        decodeBookmark(a.bookmark),
        (p) =>
          Promise.resolve(
            (a.status === undefined || p.status === a.status) &&
              (a.scope === undefined || p.scope === a.scope) &&
              (province === undefined || p.province === province)
              ? p
              : null,
          ),
      );
    });
  }
}
