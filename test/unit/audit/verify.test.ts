// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import { common } from '@hyperledger/fabric-protos';
import {
  buildLedgerModel,
  decodeBlock,
  SqliteAuditStore,
  verifyStore,
  type Divergence,
} from '../../../gateway-client/src/audit';
import type { Item, Overlay } from '../../../chaincode/src';
import { A } from '../chaincode/support/fixtures';
import { buildBlock } from './support/block-builder';
import { ids, scenario, type Scenario } from './support/scenario';
import { findWrite } from './support/stored-writes';

async function storeOf(blocks: readonly common.Block[]): Promise<SqliteAuditStore> {
  const store = new SqliteAuditStore();
  for (const b of blocks) {
    await store.writeBlock(decodeBlock(b));
  }
  return store;
}

function overwrite(
  store: SqliteAuditStore,
  row: { block: number; tx: number; index: number },
  value: unknown,
): void {
  store.db
    .prepare('UPDATE writes SET value = ? WHERE block_number = ? AND tx_index = ? AND write_index = ?')
    .run(Buffer.from(JSON.stringify(value)), row.block, row.tx, row.index);
}

describe('audit verify', () => {
  let s: Scenario;

  before(async () => {
    s = await scenario();
  });

  it('passes on the history the real contracts produced, recomputing every digest', async () => {
    const store = await storeOf(s.blocks);
    expect(await verifyStore(store)).to.deep.equal({
      ok: true,
      versions: 4,
      blocks: s.blocks.length,
      // the recorded transactions plus the genesis CONFIG transaction
      validTransactions: s.net.recorded.filter((r) => r.validationCode === 0).length + 1,
    });
    const model = await buildLedgerModel(store);
    expect(model.versions.map((v) => v.recomputedDigest)).to.deep.equal(s.versions.map((v) => v.digest));
    await store.close();
  });

  it('reconstructs the current catalog exactly as the chaincode answers it', async () => {
    const store = await storeOf(s.blocks);
    const model = await buildLedgerModel(store);
    const items = [...model.entries.values()].filter((e) => e.type === 'item');
    expect(items.map((e) => e.itemId)).to.not.include(ids.fennel);
    for (const entry of items) {
      const answer = await s.net.evaluate<{ item: Item; overlays: Overlay[] }>(A.auditor, 'Catalog:GetItem', {
        itemId: entry.itemId,
      });
      expect(entry.data).to.deep.equal(answer.item);
      const overlays = [...model.entries.values()].filter(
        (e) => e.type === 'overlay' && e.itemId === entry.itemId,
      );
      expect(overlays.map((o) => o.data)).to.deep.equal(answer.overlays);
    }
    await store.close();
  });

  it('reports the version, item and field of a tampered item record', async () => {
    const store = await storeOf(s.blocks);
    const v3Proposal = s.versions[2]!.proposalIds[0]!;
    const row = await findWrite(store, 'itemv', [ids.ilaprazole, v3Proposal]);
    const item = row.value['item'] as Item;
    overwrite(store, row, {
      ...row.value,
      item: { ...item, paymentStandard: { ...item.paymentStandard, amount: 1 } },
    });
    const result = (await verifyStore(store)) as Divergence;
    expect(result).to.deep.include({
      ok: false,
      version: 3,
      itemId: ids.ilaprazole,
      field: 'item.paymentStandard.amount',
      expected: 58,
      found: 1,
    });
    expect(result.message).to.contain('version 3').and.contain(ids.ilaprazole);
    await store.close();
  });

  it('reports a version whose approvals no longer meet the governance rule', async () => {
    const store = await storeOf(s.blocks);
    const v1Proposal = s.versions[0]!.proposalIds[0]!;
    const row = await findWrite(store, 'vote', [v1Proposal, 'GuangdongMSP']);
    overwrite(store, row, { ...row.value, decision: 'reject' });
    expect(await verifyStore(store)).to.deep.include({
      ok: false,
      version: 1,
      field: 'approval',
      proposalId: v1Proposal,
    });
    await store.close();
  });

  it('reports a tampered version record through its hash', async () => {
    const store = await storeOf(s.blocks);
    const row = await findWrite(store, 'ver', ['0000000002']);
    overwrite(store, row, { ...row.value, effectiveFrom: '2025-02-01' });
    expect(await verifyStore(store)).to.deep.include({ ok: false, version: 2, field: 'versionHash' });
    await store.close();
  });

  it('reports a forged block that does not chain', async () => {
    const forged = [...s.blocks];
    const original = forged[5]!;
    const envelopes = original.getData()!.getDataList_asU8();
    const codes = [...(original.getMetadata()!.getMetadataList_asU8()[2] ?? [])];
    forged[5] = buildBlock(5, Buffer.alloc(32, 7), envelopes, codes);
    const store = await storeOf(forged);
    expect(await verifyStore(store)).to.deep.include({
      ok: false,
      block: 5,
      field: 'previousHash',
      version: null,
    });
    await store.close();
  });

  it('reports a block whose transactions were swapped under its header', async () => {
    const forged = [...s.blocks];
    const copy = common.Block.deserializeBinary(forged[6]!.serializeBinary());
    copy.getData()!.setDataList(forged[7]!.getData()!.getDataList_asU8());
    forged[6] = copy;
    const store = await storeOf(forged);
    expect(await verifyStore(store)).to.deep.include({ ok: false, block: 6, field: 'dataHash' });
    await store.close();
  });
});
