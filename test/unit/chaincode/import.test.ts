import { expect } from 'chai';
import {
  type Change,
  computeItemId,
  type CoverageResult,
  decodeLattice,
  type DigestEntry,
  digestOfEntries,
  type Item,
  latticeDigest,
  latticeOf,
  type Overlay,
  type Proposal,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import {
  reviewed,
  A,
  boraxItem,
  bootstrapped,
  draftAndOpen,
  ejiaoItem,
  fennelItem,
  ilaprazoleItem,
  nationalVersion,
  provincialVersion,
  rejectsWith,
  shaanxiWardItem,
  syntheticDrug,
  upserts,
} from './support/fixtures';
import type { Network } from './support/fabric-stub';

function chunked<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) {
    out.push(list.slice(i, i + size));
  }
  return out;
}

/** Recomputes the digest of `version` from the items and overlays a reader can see. */
async function recomputeDigest(net: Network, version: number): Promise<string> {
  const entries: DigestEntry[] = [];
  let bookmark = '';
  do {
    const page = await net.evaluate<{ records: { itemId: string }[]; bookmark: string }>(
      A.auditor,
      'Catalog:SearchItems',
      {
        version,
        pageSize: 200,
        bookmark,
      },
    );
    for (const r of page.records) {
      const got = await net.evaluate<{ item: Item; overlays: Overlay[] }>(A.auditor, 'Catalog:GetItem', {
        itemId: r.itemId,
        version,
      });
      entries.push({ type: 'item', itemId: r.itemId, data: got.item });
      for (const o of got.overlays) {
        entries.push({ type: 'overlay', itemId: r.itemId, province: o.province, data: o });
      }
    }
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return digestOfEntries(entries);
}

describe('chunked import', () => {
  it('imports a whole edition (4,750 rows) as one national proposal in chunks of 250', async function () {
    this.timeout(60000);
    const net = await bootstrapped();
    const items = Array.from({ length: 4750 }, (_, i) => syntheticDrug(i));
    const chunks = chunked(upserts(items), 250);
    const started = process.hrtime.bigint();
    const v = await nationalVersion(net, chunks);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(v).to.include({ version: 1, changeCount: 4750 });
    expect(chunks).to.have.length(19);
    const id = computeItemId({ kind: 'drug', name: '测试药品4749', dosageForm: '注射剂' });
    const c = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
      province: 'Guangdong',
      itemId: id,
      date: '2025-01-01',
    });
    expect(c.reason).to.equal('COVERED');
    // the digest of the sealed version equals one recomputed from scratch
    const stored = await net.evaluate<Version & { lattice: string }>(A.auditor, 'Catalog:GetVersion', {
      version: 1,
      includeLattice: true,
    });
    expect(latticeDigest(decodeLattice(stored.lattice))).to.equal(v.digest);
    const entries: DigestEntry[] = items.map((input) => {
      const itemId = computeItemId({ kind: 'drug', name: input.name, dosageForm: input.dosageForm ?? null });
      const record = net.ledger.getJson<{ item: Item }>(
        `\u0000itemv\u0000${itemId}\u0000${v.proposalIds[0]!}\u0000`,
      );
      return { type: 'item', itemId, data: record!.item };
    });
    expect(digestOfEntries(entries)).to.equal(v.digest);
    expect(ms).to.be.below(30000);
  });

  it('enforces the chunk limit, and re-adding the same chunk is idempotent', async () => {
    const net = await bootstrapped();
    const p = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
      scope: 'national',
      title: 't',
      rationale: 'r',
      effectiveFrom: '2025-01-01',
    });
    const tooMany = upserts(Array.from({ length: 251 }, (_, i) => syntheticDrug(i)));
    await rejectsWith(
      () =>
        net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 0,
          changes: tooMany,
        }),
      'CHUNK_TOO_LARGE',
    );
    await rejectsWith(
      () =>
        net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 0,
          changes: upserts(Array.from({ length: 501 }, (_, i) => syntheticDrug(i))),
        }),
      'INVALID_INPUT',
    );
    const chunk = upserts([syntheticDrug(1), syntheticDrug(2)]);
    const first = await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: p.id,
      chunkIndex: 0,
      changes: chunk,
    });
    const before = net.ledger.snapshot();
    const again = await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: p.id,
      chunkIndex: 0,
      changes: chunk,
    });
    expect(again).to.deep.equal({ ...first, alreadyAdded: true });
    expect(net.ledger.snapshot()).to.deep.equal(before);
    await rejectsWith(
      () =>
        net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 0,
          changes: upserts([syntheticDrug(3)]),
        }),
      'CHUNK_CONFLICT',
    );
    await rejectsWith(
      () =>
        net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 1,
          changes: upserts([syntheticDrug(2)]),
        }),
      'DUPLICATE_CHANGE',
    );
    await rejectsWith(
      () =>
        net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 1,
          changes: upserts([syntheticDrug(5), syntheticDrug(5)]),
        }),
      'DUPLICATE_CHANGE',
    );
    // a gap in the chunk numbers keeps the proposal from opening
    await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: p.id,
      chunkIndex: 2,
      changes: upserts([syntheticDrug(9)]),
    });
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: p.id }),
      'CHUNKS_INCOMPLETE',
    );
    await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: p.id,
      chunkIndex: 1,
      changes: upserts([syntheticDrug(8)]),
    });
    const opened = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: p.id });
    expect(opened).to.include({ chunkCount: 3, changeCount: 4 });
    await rejectsWith(
      () =>
        net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 3,
          changes: upserts([syntheticDrug(7)]),
        }),
      'PROPOSAL_STATE',
    );
  });

  it('hides applied chunks until the version seals, and re-applying a chunk is a no-op', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])]);
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([fennelItem, { ...boraxItem, remark: 'changed' }]),
      upserts([ejiaoItem]),
    ]);
    for (const voter of [A.nhsaApprover, A.scApprover, A.snApprover]) {
      await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
    }
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 });
    // half applied: readers still see version 1 only
    const fennelId = computeItemId({ kind: 'herbal', name: '小茴香' });
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetItem', { itemId: fennelId }),
      'ITEM_NOT_FOUND',
    );
    const borax = await net.evaluate<{ item: Item; catalogVersion: number }>(A.auditor, 'Catalog:GetItem', {
      itemId: computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' }),
    });
    expect(borax.item.remark).to.equal(null);
    expect(borax.catalogVersion).to.equal(1);
    const cov = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
      province: 'Guangdong',
      itemId: fennelId,
      date: '2026-01-01',
    });
    expect(cov).to.include({ reason: 'NOT_LISTED', catalogVersion: 1 });
    const search = await net.evaluate<{ records: unknown[] }>(A.auditor, 'Catalog:SearchItems', {
      kind: 'herbal',
    });
    expect(search.records).to.have.length(0);
    const history = await net.evaluate<{ changes: unknown[] }>(A.auditor, 'Catalog:GetItemHistory', {
      itemId: fennelId,
    });
    expect(history.changes).to.have.length(0);
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id }),
      'CHUNKS_INCOMPLETE',
    );

    // a killed import resumes: chunk 0 again is a no-op
    const before = net.ledger.snapshot();
    const again = await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 });
    expect(again).to.include({ alreadyApplied: true });
    expect(net.ledger.snapshot()).to.deep.equal(before);
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 7 }),
      'CHUNK_NOT_FOUND',
    );
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 1 });
    const v2 = await net.submit<Version>(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id });
    expect(v2.version).to.equal(2);
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id }),
      'PROPOSAL_STATE',
    );
    const after = await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 1 });
    expect(after).to.include({ alreadyApplied: true });
    const fennel = await net.evaluate<{ item: Item }>(A.auditor, 'Catalog:GetItem', { itemId: fennelId });
    expect(fennel.item.name).to.equal('小茴香');
  });

  it('keeps the digest incremental: equal to a from-scratch recomputation after adds, changes and removals', async () => {
    const net = await bootstrapped();
    const v1 = await nationalVersion(net, [upserts([boraxItem, ilaprazoleItem, fennelItem])]);
    expect(await recomputeDigest(net, 1)).to.equal(v1.digest);
    const v2 = await provincialVersion(net, 'Shaanxi', [
      { op: 'upsertItem', item: shaanxiWardItem },
      {
        op: 'setOverlay',
        overlay: {
          itemId: computeItemId({ kind: 'herbal', name: '小茴香' }),
          province: 'Shaanxi',
          suspended: true,
        },
      },
    ]);
    expect(await recomputeDigest(net, 2)).to.equal(v2.digest);
    const changes: Change[] = [
      {
        op: 'removeItem',
        itemId: computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' }),
      },
      { op: 'upsertItem', item: { ...ilaprazoleItem, remark: '2025 remark' } },
      { op: 'upsertItem', item: ejiaoItem },
    ];
    const v3 = await nationalVersion(net, [changes], '2025-06-01');
    expect(await recomputeDigest(net, 3)).to.equal(v3.digest);
    const v4 = await provincialVersion(net, 'Shaanxi', [
      { op: 'clearOverlay', itemId: computeItemId({ kind: 'herbal', name: '小茴香' }), province: 'Shaanxi' },
    ]);
    expect(await recomputeDigest(net, 4)).to.equal(v4.digest);
    expect(new Set([v1.digest, v2.digest, v3.digest, v4.digest]).size).to.equal(4);
    // the lattice stored for each version is the from-scratch lattice
    const stored = await net.evaluate<{ lattice: string }>(A.auditor, 'Catalog:GetVersion', {
      version: 4,
      includeLattice: true,
    });
    expect(latticeDigest(decodeLattice(stored.lattice))).to.equal(v4.digest);
    expect(latticeDigest(latticeOf([]))).to.not.equal(v4.digest);
    // hash chain
    const list = await net.evaluate<{ records: Version[] }>(A.auditor, 'Catalog:ListVersions', {});
    expect(list.records.map((v) => v.version)).to.deep.equal([1, 2, 3, 4]);
    for (let i = 1; i < list.records.length; i++) {
      expect(list.records[i]!.previousVersionHash).to.equal(list.records[i - 1]!.versionHash);
    }
  });
});
