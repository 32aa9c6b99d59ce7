/**
 * Independent verification of the audit store: the block hash chain, every sealed version's state
 * digest and hash chain recomputed from the replayed writes alone, the records against the
 * approved chunks, and each version's approvals against the governance rule in force then.
 */
import {
  type Chunk,
  decodeLattice,
  latticeDigest,
  sha256Json,
  type StoredChange,
  tally,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { blockHeaderHash } from './block-hash';
import { fieldDifferences } from './json-diff';
import {
  buildLedgerModel,
  entryKey,
  type LedgerModel,
  type ProposalInfo,
  type SealedVersion,
} from './ledger-model';
import type { AuditStore, StoredBlock } from './store';

/** The first place where the store and what the chain claims disagree. */
export interface Divergence {
  readonly ok: false;
  /** Catalog version concerned (null for block-level and pre-version findings). */
  readonly version: number | null;
  /** Block concerned. */
  readonly block: number | null;
  readonly txId: string | null;
  readonly itemId?: string;
  readonly province?: string;
  readonly proposalId?: string;
  /** What differs, e.g. `digest`, `versionHash`, `previousHash`, `item.name`, `approval`. */
  readonly field: string;
  readonly expected: unknown;
  readonly found: unknown;
  /** One human-readable sentence. */
  readonly message: string;
}

/** Verification succeeded. */
export interface VerifyOk {
  readonly ok: true;
  /** Sealed versions checked. */
  readonly versions: number;
  readonly blocks: number;
  readonly validTransactions: number;
}

/** Result of {@link verifyStore}. */
export type VerifyResult = VerifyOk | Divergence;

/** A divergence with its ledger position (block, transaction index; -1 for the block itself). */
export interface Finding {
  readonly block: number;
  readonly txIndex: number;
  readonly divergence: Divergence;
}

type DivergenceFields = Omit<Divergence, 'ok' | 'block' | 'txId' | 'message' | 'version'> & {
  readonly version?: number | null;
  readonly message?: string;
};

function finding(block: number, txIndex: number, txId: string | null, fields: DivergenceFields): Finding {
  const version = fields.version ?? null;
  const where = [
    version === null ? null : `version ${version}`,
    fields.itemId === undefined ? null : `item ${fields.itemId}`,
    fields.province === undefined ? null : `province ${fields.province}`,
    `block ${block}`,
  ]
    .filter((x) => x !== null)
    .join(', ');
  return {
    block,
    txIndex,
    divergence: {
      ok: false,
      block,
      txId,
      ...fields,
      version,
      message:
        fields.message ??
        `${where}: ${fields.field} is ${JSON.stringify(fields.found)}, expected ${JSON.stringify(fields.expected)}`,
    },
  };
}

/** Checks block numbering, header hashes, data hashes and the previous-hash chain. */
export function checkBlocks(blocks: readonly StoredBlock[]): Finding[] {
  const out: Finding[] = [];
  let previous: StoredBlock | null = null;
  for (const [i, b] of blocks.entries()) {
    const at = (field: string, expected: unknown, found: unknown, message?: string): void => {
      out.push(
        finding(b.number, -1, null, {
          field,
          expected,
          found,
          ...(message === undefined ? {} : { message }),
        }),
      );
    };
    if (b.number !== i) {
      at(
        'blockNumber',
        i,
        b.number,
        `block ${i} is missing from the store (next stored block is ${b.number})`,
      );
      break;
    }
    const recomputed = blockHeaderHash(
      b.number,
      Buffer.from(b.previousHash, 'hex'),
      Buffer.from(b.dataHash, 'hex'),
    ).toString('hex');
    if (recomputed !== b.hash) {
      at('hash', recomputed, b.hash);
    }
    if (b.computedDataHash !== b.dataHash) {
      at(
        'dataHash',
        b.dataHash,
        b.computedDataHash,
        `block ${b.number}: its transactions do not hash to the header's data hash`,
      );
    }
    if (previous !== null && b.previousHash !== previous.hash) {
      at(
        'previousHash',
        previous.hash,
        b.previousHash,
        `block ${b.number} does not chain to block ${previous.number}`,
      );
    }
    previous = b;
  }
  return out;
}

function expectedEntries(chunks: readonly Chunk[]): Map<string, { change: StoredChange; after: unknown }> {
  const out = new Map<string, { change: StoredChange; after: unknown }>();
  for (const chunk of chunks) {
    for (const change of chunk.changes) {
      switch (change.op) {
        case 'upsertItem':
          out.set(entryKey({ kind: 'item', itemId: change.item.id, province: null }), {
            change,
            after: change.item,
          });
          break;
        case 'removeItem':
          out.set(entryKey({ kind: 'item', itemId: change.itemId, province: null }), { change, after: null });
          break;
        case 'setOverlay':
          out.set(
            entryKey({ kind: 'overlay', itemId: change.overlay.itemId, province: change.overlay.province }),
            {
              change,
              after: change.overlay,
            },
          );
          break;
        case 'clearOverlay':
          out.set(entryKey({ kind: 'overlay', itemId: change.itemId, province: change.province }), {
            change,
            after: null,
          });
          break;
        case 'upsertRule':
          out.set(entryKey({ kind: 'rule', itemId: change.rule.id, province: null }), {
            change,
            after: change.rule,
          });
          break;
        case 'removeRule':
          out.set(entryKey({ kind: 'rule', itemId: change.ruleId, province: null }), { change, after: null });
          break;
        case 'setPaymentPolicy':
          out.set(
            entryKey({ kind: 'policy', itemId: change.policy.province, province: change.policy.province }),
            { change, after: change.policy },
          );
          break;
        case 'clearPaymentPolicy':
          out.set(entryKey({ kind: 'policy', itemId: change.province, province: change.province }), {
            change,
            after: null,
          });
          break;
      }
    }
  }
  return out;
}

function checkChunks(
  v: SealedVersion,
  pid: string,
  info: ProposalInfo | undefined,
  at: Locate,
): Finding | null {
  const chunks = v.chunks.get(pid) ?? [];
  for (const chunk of chunks) {
    const hash = sha256Json(chunk.changes);
    if (hash !== chunk.hash) {
      return at({ field: `chunk[${chunk.index}].hash`, expected: chunk.hash, found: hash, proposalId: pid });
    }
  }
  const sealed = v.sealedProposals.find((p) => p.id === pid) ?? info?.latest;
  const manifest = sha256Json(chunks.map((c) => c.hash));
  if (sealed !== undefined && sealed.manifestHash !== manifest) {
    return at({ field: 'manifestHash', expected: sealed.manifestHash, found: manifest, proposalId: pid });
  }
  const expected = expectedEntries(chunks);
  const changes = v.changes.filter((c) => c.proposalId === pid);
  for (const change of changes) {
    const where = {
      itemId: change.itemId,
      proposalId: pid,
      ...(change.province === null ? {} : { province: change.province }),
    };
    const want = expected.get(entryKey(change));
    if (want === undefined) {
      return at({
        ...where,
        field: 'record',
        expected: 'no change (not in any approved chunk)',
        found: change.op,
      });
    }
    expected.delete(entryKey(change));
    const diff = fieldDifferences(want.after, change.after)[0];
    if (diff !== undefined) {
      const prefix = change.kind;
      return at({
        ...where,
        field: diff.field === '' ? prefix : `${prefix}.${diff.field}`,
        expected: diff.before,
        found: diff.after,
      });
    }
  }
  const [missing] = expected.keys();
  if (missing !== undefined) {
    return at({
      field: 'record',
      expected: 'a record',
      found: 'missing',
      itemId: missing.split('|')[1] ?? '',
      proposalId: pid,
    });
  }
  return null;
}

type Locate = (fields: DivergenceFields) => Finding;

function checkApproval(pid: string, info: ProposalInfo | undefined, at: Locate): Finding | null {
  if (info?.approval === undefined || info.approval === null) {
    return at({
      field: 'approval',
      expected: 'approved',
      found: info?.latest.status ?? 'no proposal',
      proposalId: pid,
    });
  }
  const { governance, votes } = info.approval;
  if (governance === null) {
    return at({ field: 'governance', expected: 'a governance record', found: null, proposalId: pid });
  }
  for (const v of votes) {
    if (v.keyMsp !== v.vote.mspId || v.tx.creatorMsp !== v.vote.mspId) {
      return at({ field: 'vote.mspId', expected: v.tx.creatorMsp, found: v.vote.mspId, proposalId: pid });
    }
    if (!v.tx.endorsers.includes(v.vote.mspId)) {
      return at({ field: 'vote.endorsers', expected: v.vote.mspId, found: v.tx.endorsers, proposalId: pid });
    }
    if (
      v.vote.decision === 'approve' &&
      !governance.allowSelfApproval &&
      v.vote.voter.id === info.created.record.proposer.id
    ) {
      return at({
        field: 'vote.selfApproval',
        expected: 'another identity',
        found: v.vote.voter.id,
        proposalId: pid,
      });
    }
  }
  // Votes count only for the manifest and governance version the proposal was opened with.
  const t = tally(
    governance,
    {
      ...info.created.record,
      manifestHash: info.latest.manifestHash,
      governanceVersion: info.latest.governanceVersion,
    },
    votes.map((v) => v.vote),
  );
  if (!t.met) {
    return at({
      field: 'approval',
      expected: { national: t.requiredNational, provincesNeeded: t.provincesNeeded, of: t.eligibleProvinces },
      found: t.approvals,
      proposalId: pid,
    });
  }
  return null;
}

function checkVersion(v: SealedVersion, previous: Version | null, model: LedgerModel): Finding | null {
  const r = v.record;
  const at: Locate = (fields) =>
    finding(v.tx.blockNumber, v.tx.txIndex, v.tx.txId, { version: r.version, ...fields });
  const number = (previous?.version ?? 0) + 1;
  if (r.version !== number || r.parent !== number - 1) {
    return at({ version: number, field: 'version', expected: number, found: r.version });
  }
  if (r.txId !== v.tx.txId) {
    return at({ field: 'txId', expected: v.tx.txId, found: r.txId });
  }
  const { versionHash, ...unhashed } = r;
  const recomputedHash = sha256Json(unhashed);
  if (recomputedHash !== versionHash) {
    return at({ field: 'versionHash', expected: versionHash, found: recomputedHash });
  }
  if (r.previousVersionHash !== (previous?.versionHash ?? null)) {
    return at({
      field: 'previousVersionHash',
      expected: previous?.versionHash ?? null,
      found: r.previousVersionHash,
    });
  }
  for (const pid of r.proposalIds) {
    const sealed = v.sealedProposals.find((p) => p.id === pid);
    if (sealed?.sealedVersion !== r.version) {
      return at({
        field: 'proposal.sealedVersion',
        expected: r.version,
        found: sealed?.sealedVersion ?? null,
        proposalId: pid,
      });
    }
    const info = model.proposals.get(pid);
    const problem = checkChunks(v, pid, info, at) ?? checkApproval(pid, info, at);
    if (problem !== null) {
      return problem;
    }
  }
  const link = v.ruleLinkProblems[0];
  if (link !== undefined) {
    return finding(link.tx.blockNumber, link.tx.txIndex, link.tx.txId, {
      version: r.version,
      field: 'ruleLink',
      itemId: link.itemId,
      proposalId: link.proposalId,
      expected: link.expected,
      found: link.found,
      message:
        `version ${r.version}, item ${link.itemId}: the lookup key of rule ${link.ruleId} by ` +
        `${link.proposalId} is ${link.found === null ? 'missing' : 'not what the rule records imply'}`,
    });
  }
  if (v.recomputedDigest !== r.digest) {
    return at({ field: 'digest', expected: r.digest, found: v.recomputedDigest });
  }
  if (v.storedLattice !== null && latticeDigest(decodeLattice(v.storedLattice)) !== r.digest) {
    return at({ field: 'lattice', expected: r.digest, found: latticeDigest(decodeLattice(v.storedLattice)) });
  }
  return null;
}

function checkGovernanceChanges(model: LedgerModel): Finding[] {
  const out: Finding[] = [];
  for (const change of model.governance) {
    const pid = change.record.updatedByProposal;
    if (pid === null) {
      continue;
    }
    const problem = checkApproval(pid, model.proposals.get(pid), (fields) =>
      finding(change.tx.blockNumber, change.tx.txIndex, change.tx.txId, {
        ...fields,
        field: `governance.${fields.field}`,
      }),
    );
    if (problem !== null) {
      out.push(problem);
    }
  }
  return out;
}

/**
 * Verifies the store from its contents alone and returns `{ ok: true, versions }` or the first
 * divergence in ledger order (block-level findings of a block come before its transactions).
 */
export async function verifyStore(store: AuditStore): Promise<VerifyResult> {
  const blocks = await store.listBlocks();
  const model = await buildLedgerModel(store);
  const findings: Finding[] = [...checkBlocks(blocks)];
  for (const a of model.anomalies) {
    findings.push(
      finding(a.tx.blockNumber, a.tx.txIndex, a.tx.txId, {
        field: 'value',
        expected: 'JSON',
        found: a.key,
        message: a.message,
      }),
    );
  }
  let previous: Version | null = null;
  for (const v of model.versions) {
    const problem = checkVersion(v, previous, model);
    if (problem !== null) {
      findings.push(problem);
      break;
    }
    previous = v.record;
  }
  findings.push(...checkGovernanceChanges(model));
  findings.sort((a, b) => a.block - b.block || a.txIndex - b.txIndex);
  const first = findings[0];
  if (first !== undefined) {
    return first.divergence;
  }
  return {
    ok: true,
    versions: model.versions.length,
    blocks: blocks.length,
    validTransactions: model.validTransactions,
  };
}
