/**
 * Chunk transactions of one proposal in parallel: every AddChunk and every ApplyChunk of a proposal
 * is simulated against the same committed state (as when they are endorsed together and ordered
 * into one block), their read and write sets are checked to be disjoint, and they all commit. The
 * order chunks are applied in does not change the sealed version, and SealVersion reads only the
 * small per-chunk markers.
 */
import { expect } from 'chai';
import { computeItemId, type Change, type Proposal, type Version } from '@nrdl-catalog/chaincode/model';
import { decodeSignaturePolicy } from '../../../chaincode/src/lib/sbe';
import {
  A,
  bootstrapped,
  boraxItem,
  ilaprazoleItem,
  reviewed,
  shaanxiWardItem,
  syntheticDrug,
  upserts,
  rejectsWith,
  nationalVersion,
} from './support/fixtures';
import type { Caller, Network, TxStub } from './support/fabric-stub';

function key(type: string, ...attrs: string[]): string {
  return `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
}

function chunked<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Asserts that no two of the transactions write the same key, and that none reads (or scans) a key
 * another one writes: they cannot invalidate each other in one block.
 */
function expectDisjoint(txs: readonly TxStub[]): void {
  for (const [i, a] of txs.entries()) {
    expect(a.rangeReads, `tx ${i} scans a range`).to.have.length(0);
    const writesA = new Set([...a.writes.keys(), ...a.params.keys()]);
    for (const [j, b] of txs.entries()) {
      if (i === j) continue;
      for (const k of [...b.writes.keys(), ...b.params.keys()]) {
        expect(writesA.has(k), `txs ${i} and ${j} both write ${JSON.stringify(k)}`).to.equal(false);
        expect(a.readSet.has(k), `tx ${i} reads ${JSON.stringify(k)}, which tx ${j} writes`).to.equal(false);
      }
    }
  }
}

/** Simulates every call against the same committed state, then commits them in the given order. */
async function inOneBlock(
  net: Network,
  caller: Caller,
  calls: readonly { name: string; arg: unknown }[],
): Promise<TxStub[]> {
  const simulated = await Promise.all(calls.map((c) => net.simulate(caller, c.name, c.arg)));
  const txs = simulated.map((s) => s.tx);
  expectDisjoint(txs);
  for (const tx of txs) tx.commit(net.endorsers);
  return txs;
}

async function createDraft(net: Network, caller: Caller, scope: Record<string, string>): Promise<string> {
  const p = await net.submit<Proposal>(caller, 'Proposal:CreateProposal', {
    ...scope,
    title: 'parallel',
    rationale: 'unit test',
    effectiveFrom: '2025-01-01',
  });
  return p.id;
}

async function approveNational(net: Network, id: string): Promise<void> {
  for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
    await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
  }
}

/** A national proposal of `chunks`, added in one block, opened and approved. */
async function approvedInParallel(net: Network, chunks: readonly (readonly Change[])[]): Promise<string> {
  const id = await createDraft(net, A.nhsaProposer, { scope: 'national' });
  await inOneBlock(
    net,
    A.nhsaProposer,
    chunks.map((changes, chunkIndex) => ({
      name: 'Proposal:AddChunk',
      arg: { proposalId: id, chunkIndex, changes },
    })),
  );
  await net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: id });
  await approveNational(net, id);
  return id;
}

function applies(id: string, order: readonly number[]): { name: string; arg: unknown }[] {
  return order.map((chunkIndex) => ({ name: 'Proposal:ApplyChunk', arg: { proposalId: id, chunkIndex } }));
}

/**
 * The committed item indexes and records, without the transaction ids and times of the applies
 * (which differ with the order).
 */
function recordsOf(net: Network): string[] {
  return net.ledger
    .keys()
    .filter((k) => k.startsWith('\u0000itemv\u0000') || k.startsWith('\u0000item\u0000'))
    .map((k) =>
      JSON.stringify([k, net.ledger.getJson(k)], (name, value: unknown) =>
        name === 'txId' || name === 'timestamp' ? undefined : value,
      ),
    );
}

describe('chunk transactions of one proposal in parallel', () => {
  it('adds and applies every chunk of a proposal in one block: disjoint read/write sets, no conflict', async () => {
    const net = await bootstrapped();
    // version 1 lists the first items, so the second proposal's applies replace existing entries
    await nationalVersion(net, chunked(upserts(Array.from({ length: 40 }, (_, i) => syntheticDrug(i))), 10));
    const changes = upserts(Array.from({ length: 80 }, (_, i) => syntheticDrug(i + 20)));
    const id = await approvedInParallel(net, chunked(changes, 10));
    const txs = await inOneBlock(net, A.nhsaProposer, applies(id, [0, 1, 2, 3, 4, 5, 6, 7]));
    // each ApplyChunk writes only its own marker besides the item keys; the chunk record stays as added
    for (const [i, tx] of txs.entries()) {
      const own = [...tx.writes.keys()].filter((k) => k.includes('chunk'));
      expect(own).to.deep.equal([key('chunkdone', id, String(i).padStart(5, '0'))]);
    }
    const v = await net.submit<Version>(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id });
    expect(v).to.include({ version: 2, changeCount: 80 });
    const shown = await net.evaluate<{
      appliedChunks: number;
      chunks: { applied: boolean; appliedTxId: string }[];
    }>(A.auditor, 'Proposal:GetProposal', { proposalId: id });
    expect(shown.appliedChunks).to.equal(8);
    expect(shown.chunks.map((c) => c.appliedTxId)).to.deep.equal(txs.map((t) => t.txId));
  });

  it('also for a provincial proposal with items and overlays', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem, ilaprazoleItem])]);
    const id = await createDraft(net, A.snProposer, { scope: 'provincial', province: 'Shaanxi' });
    const chunks: Change[][] = [
      upserts([shaanxiWardItem]),
      [
        {
          op: 'setOverlay',
          overlay: {
            itemId: computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' }),
            province: 'Shaanxi',
            suspended: true,
          },
        },
      ],
      [
        {
          op: 'setOverlay',
          overlay: {
            itemId: computeItemId({ kind: 'drug', name: '注射用艾普拉唑钠' }),
            province: '陕西',
            selfPayRatio: 0.2,
          },
        },
      ],
    ];
    await inOneBlock(
      net,
      A.snProposer,
      chunks.map((changes, chunkIndex) => ({
        name: 'Proposal:AddChunk',
        arg: { proposalId: id, chunkIndex, changes },
      })),
    );
    await net.submit(A.snProposer, 'Proposal:OpenProposal', { proposalId: id });
    await net.submit(A.snApprover, 'Proposal:ApproveProposal', await reviewed(net, id));
    await inOneBlock(net, A.snProposer, applies(id, [2, 0, 1]));
    const v = await net.submit<Version>(A.snProposer, 'Proposal:SealVersion', { proposalId: id });
    expect(v).to.include({ version: 2, changeCount: 3, province: 'Shaanxi' });
  });

  it('gives the same version (digest, records) whatever order the chunks are applied in', async () => {
    const changes = upserts(Array.from({ length: 60 }, (_, i) => syntheticDrug(i)));
    const base = upserts(Array.from({ length: 30 }, (_, i) => ({ ...syntheticDrug(i * 2), remark: 'v1' })));
    const orders = [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [3, 0, 5, 1, 4, 2],
    ];
    const outcomes: { digest: string; records: string[] }[] = [];
    for (const order of orders) {
      const net = await bootstrapped();
      await nationalVersion(net, [base]);
      const id = await approvedInParallel(net, chunked(changes, 10));
      if (order[0] === 3) {
        await inOneBlock(net, A.nhsaProposer, applies(id, order));
      } else {
        for (const index of order) {
          await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: index });
        }
      }
      const v = await net.submit<Version>(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id });
      outcomes.push({ digest: v.digest, records: recordsOf(net) });
    }
    expect(outcomes[0]!.records).to.have.length(60 + 30 + 60); // indexes, base records, new records
    expect(outcomes[1]).to.deep.equal(outcomes[0]);
    expect(outcomes[2]).to.deep.equal(outcomes[0]);
  });

  it('writes each chunk and its applied marker once, both immutable; the seal reads the markers', async () => {
    const net = await bootstrapped();
    const id = await approvedInParallel(net, [upserts([boraxItem]), upserts([ilaprazoleItem])]);
    const chunk0 = key('chunk', id, '00000');
    const added = net.ledger.get(chunk0);
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 });
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id }),
      'CHUNKS_INCOMPLETE',
    );
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 1 });
    const { tx } = await net.simulate(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id });
    expect([...tx.readSet.keys()].filter((k) => k.startsWith('\u0000chunk\u0000'))).to.deep.equal([]);
    tx.commit(net.endorsers);
    expect(net.ledger.get(chunk0)).to.deep.equal(added);
    expect(net.ledger.historyOf(chunk0)).to.have.length(1);
    const immutable = {
      nOutOf: 5,
      rules: ['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP'].map((m) => ({ signedBy: m })),
    };
    for (const k of [chunk0, key('chunkdone', id, '00000'), key('chunkdone', id, '00001')]) {
      expect(decodeSignaturePolicy(net.ledger.validationParameter(k)!), JSON.stringify(k)).to.deep.equal(
        immutable,
      );
    }
    // not even every organisation together can rewrite a chunk once added
    const forge = net.ledger.begin(A.nhsaAdmin);
    await forge.putState(key('chunk', id, '00001'), Buffer.from('{}'));
    expect(() => {
      forge.commit(new Set(['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP']));
    }).to.throw(/ENDORSEMENT_POLICY_FAILURE/);
  });

  it('seals chunks an earlier chaincode marked applied in place (chunk record with applied and delta)', async () => {
    const net = await bootstrapped();
    const id = await approvedInParallel(net, [upserts([boraxItem]), upserts([ilaprazoleItem])]);
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 });
    // chunk 1 as the chaincode before per-chunk markers left it: the item keys and the chunk rewritten
    const { tx } = await net.simulate(A.nhsaProposer, 'Proposal:ApplyChunk', {
      proposalId: id,
      chunkIndex: 1,
    });
    const markerKey = key('chunkdone', id, '00001');
    const marker = JSON.parse(tx.writes.get(markerKey)!.toString('utf8')) as { delta: string; txId: string };
    tx.writes.delete(markerKey);
    tx.params.delete(markerKey);
    tx.commit(net.endorsers);
    const chunkKey1 = key('chunk', id, '00001');
    const record = net.ledger.getJson<Record<string, unknown>>(chunkKey1)!;
    net.ledger.seed(
      chunkKey1,
      Buffer.from(
        JSON.stringify({ ...record, applied: true, appliedTxId: marker.txId, delta: marker.delta }),
      ),
    );
    const again = await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 1 });
    expect(again).to.include({ alreadyApplied: true });
    const shown = await net.evaluate<{ appliedChunks: number }>(A.auditor, 'Proposal:GetProposal', {
      proposalId: id,
    });
    expect(shown.appliedChunks).to.equal(2);
    const v = await net.submit<Version>(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id });

    // the same proposal applied with markers only seals to the same digest
    const fresh = await bootstrapped();
    const id2 = await approvedInParallel(fresh, [upserts([boraxItem]), upserts([ilaprazoleItem])]);
    await inOneBlock(fresh, A.nhsaProposer, applies(id2, [1, 0]));
    const v2 = await fresh.submit<Version>(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id2 });
    expect(v2.digest).to.equal(v.digest);

    // a chunk an earlier chaincode marked applied without its delta is reported, not sealed
    const broken = await bootstrapped();
    const id3 = await approvedInParallel(broken, [upserts([boraxItem])]);
    const chunk30 = key('chunk', id3, '00000');
    const rec3 = broken.ledger.getJson<Record<string, unknown>>(chunk30)!;
    broken.ledger.seed(
      chunk30,
      Buffer.from(JSON.stringify({ ...rec3, applied: true, appliedTxId: 'x', delta: null })),
    );
    await rejectsWith(
      () => broken.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id3 }),
      'INTERNAL',
    );
  });

  it('refuses to seal a marker whose hash is not the manifest’s, or markers beyond the manifest', async () => {
    const net = await bootstrapped();
    const id = await approvedInParallel(net, [upserts([boraxItem]), upserts([ilaprazoleItem])]);
    await inOneBlock(net, A.nhsaProposer, applies(id, [0, 1]));
    const m1 = key('chunkdone', id, '00001');
    const marker = net.ledger.getJson<Record<string, unknown>>(m1)!;
    net.ledger.seed(m1, Buffer.from(JSON.stringify({ ...marker, hash: 'f'.repeat(64) })));
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id }),
      'MANIFEST_MISMATCH',
    );
    net.ledger.seed(m1, Buffer.from(JSON.stringify(marker)));
    net.ledger.seed(key('chunkdone', id, '00002'), Buffer.from(JSON.stringify({ ...marker, index: 2 })));
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id }),
      'CHUNKS_INCOMPLETE',
    );
  });
});
