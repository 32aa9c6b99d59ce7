import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { sha256Json } from '../lib/digest';
import { fail } from '../lib/errors';
import { chunkKey, claimKey, T, voteKey } from '../lib/keys';
import { normaliseProvince } from '../lib/orgs';
import { decodeBookmark, runTx, type Tx } from '../lib/tx';
import { requireMsp, requireRole } from '../model/access';
import { applyGovernanceUpdate, mayVote, tally } from '../model/governance';
import type { VoteInput } from '../model/io';
import { filteredPage } from '../model/paging';
import { getGovernance, getHead, requireGovernance, requireProposal } from '../model/store';
import type { ChunkAdded, ChunkApplied, Proposal, Vote, VoteResult } from '../model/types';
import {
  applyChunk,
  chunksOf,
  normaliseChange,
  precheckChange,
  putChunk,
  putProposal,
  putVote,
  requireStatus,
  sealVersion,
  votesOf,
  type Chunk,
} from '../model/workflow';

/**
 * Throws STALE_REVIEW unless the vote names exactly what the proposal now is: the manifest fixed at
 * open, the base catalog version and the governance version (approvals bind to content).
 */
function checkReviewed(p: Proposal, governanceVersion: number, input: VoteInput): void {
  const stale: string[] = [];
  if (input.manifestHash !== p.manifestHash) {
    stale.push(`manifest ${input.manifestHash} (proposal has ${p.manifestHash ?? 'none'})`);
  }
  if (input.baseVersion !== p.baseVersion) {
    stale.push(`base version ${input.baseVersion} (proposal has ${p.baseVersion ?? 'none'})`);
  }
  if (input.governanceVersion !== governanceVersion || p.governanceVersion !== governanceVersion) {
    stale.push(
      `governance version ${input.governanceVersion} (in force ${governanceVersion}, opened on ${p.governanceVersion ?? 'none'})`,
    );
  }
  if (stale.length > 0) {
    fail('STALE_REVIEW', `vote on ${p.id} does not match it: ${stale.join('; ')}`);
  }
}

/** Throws MANIFEST_MISMATCH unless the chunk's changes hash to the hash the manifest fixed at open. */
export function checkChunkAgainstManifest(p: Proposal, chunk: Chunk): void {
  const hashes = p.chunkHashes;
  if (hashes === null || p.manifestHash === null || sha256Json(hashes) !== p.manifestHash) {
    fail('MANIFEST_MISMATCH', `${p.id} has no consistent manifest`);
  }
  const expected = hashes[chunk.index];
  const actual = sha256Json(chunk.changes);
  if (expected === undefined || actual !== expected || chunk.hash !== expected) {
    fail(
      'MANIFEST_MISMATCH',
      `chunk ${chunk.index} of ${p.id} hashes to ${actual}, the manifest has ${expected ?? 'no entry'}`,
    );
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
  if (!mayVote(g, p, tx.caller.mspId)) {
    fail('FORBIDDEN_ORG', `${tx.caller.mspId} does not vote on ${p.scope} proposal ${p.id}`);
  }
  if (decision === 'approve' && tx.caller.id === p.proposer.id && !g.allowSelfApproval) {
    fail('SELF_APPROVAL', `the proposer of ${p.id} cannot approve it`);
  }
  if ((await tx.read(voteKey(tx.stub, p.id, tx.caller.mspId))) !== null) {
    fail('ALREADY_VOTED', `${tx.caller.mspId} already voted on ${p.id}`);
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
        const info = normaliseProvince(
          g,
          a.province ?? fail('INVALID_INPUT', 'a provincial proposal needs a province'),
        );
        province = info.name;
        ownerMsp = info.mspId;
      } else if (a.province !== undefined) {
        fail('INVALID_INPUT', `a ${a.scope} proposal has no province`);
      }
      requireMsp(tx, ownerMsp, `propose ${a.scope} changes${province === null ? '' : ` for ${province}`}`);
      if (a.scope === 'governance') {
        applyGovernanceUpdate(
          g,
          a.governance ?? fail('INVALID_INPUT', 'a governance proposal needs `governance`'),
          '',
          '',
          '',
        );
      } else if (a.governance !== undefined) {
        fail('INVALID_INPUT', '`governance` is only for governance proposals');
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
        fail('PROPOSAL_STATE', 'governance proposals carry no chunks');
      }
      requireRole(tx, 'proposer');
      requireMsp(tx, p.ownerMsp, `add changes to ${p.id}`);
      if (a.changes.length > g.maxChunkChanges) {
        fail(
          'CHUNK_TOO_LARGE',
          `${a.changes.length} changes, governance allows ${g.maxChunkChanges} per chunk`,
        );
      }
      const normalised = a.changes.map((c) => normaliseChange(g, p, c));
      const changes = normalised.map((n) => n.stored);
      const hash = sha256Json(changes);
      const existing = await tx.read<Chunk>(chunkKey(tx.stub, p.id, a.chunkIndex));
      const result = { proposalId: p.id, chunkIndex: a.chunkIndex, changeCount: changes.length, hash };
      if (existing !== null) {
        if (existing.hash !== hash) {
          fail('CHUNK_CONFLICT', `chunk ${a.chunkIndex} of ${p.id} exists with other content`);
        }
        tx.emit('ChunkAdded', { ...result, alreadyAdded: true });
        return { ...result, alreadyAdded: true };
      }
      const seen = new Set<string>();
      const head = await getHead(tx);
      for (const [i, n] of normalised.entries()) {
        const key = claimKey(tx.stub, p.id, n.target);
        if (seen.has(key) || (await tx.read(key)) !== null) {
          fail('DUPLICATE_CHANGE', `change ${i} (${n.target.type} ${n.target.itemId}) is already in ${p.id}`);
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
      requireMsp(tx, p.ownerMsp, `open ${p.id}`);
      const chunks = p.scope === 'governance' ? [] : await chunksOf(tx, p.id);
      if (p.scope !== 'governance') {
        if (chunks.length === 0) {
          fail('CHUNKS_INCOMPLETE', `${p.id} has no chunks`);
        }
        chunks.forEach((c, i) => {
          if (c.index !== i) {
            fail('CHUNKS_INCOMPLETE', `${p.id} has no chunk ${i} (chunks must be numbered 0..n-1)`);
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
      requireMsp(tx, p.ownerMsp, `withdraw ${p.id}`);
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
        fail('PROPOSAL_STATE', 'governance proposals are applied with Governance:ApplyGovernanceProposal');
      }
      requireRole(tx, 'proposer', 'admin');
      requireMsp(tx, p.ownerMsp, `apply ${p.id}`);
      const chunk =
        a.chunkIndex < (p.chunkCount ?? 0)
          ? await tx.read<Chunk>(chunkKey(tx.stub, p.id, a.chunkIndex))
          : null;
      if (chunk?.applied === true && (p.status === 'approved' || p.status === 'applied')) {
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
        return fail('CHUNK_NOT_FOUND', `${p.id} has no chunk ${a.chunkIndex}`);
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
        fail('PROPOSAL_STATE', 'governance proposals are applied with Governance:ApplyGovernanceProposal');
      }
      requireStatus(p, 'approved');
      requireRole(tx, 'proposer', 'admin');
      requireMsp(tx, p.ownerMsp, `seal ${p.id}`);
      const chunks = await chunksOf(tx, p.id);
      const pending = chunks.filter((c) => !c.applied).map((c) => c.index);
      if (pending.length > 0 || chunks.length !== p.chunkCount) {
        fail('CHUNKS_INCOMPLETE', `chunks not applied: ${pending.join(', ')}`);
      }
      for (const chunk of chunks) {
        checkChunkAgainstManifest(p, chunk);
      }
      const version = await sealVersion(tx, g, p, chunks);
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
      return {
        proposal: p,
        votes,
        tally: g === null ? null : tally(g, p, votes),
        appliedChunks: chunks.filter((c) => c.applied).length,
        chunks: chunks.map((c) => ({
          index: c.index,
          changeCount: c.changeCount,
          hash: c.hash,
          applied: c.applied,
          appliedTxId: c.appliedTxId,
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
