// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import { common } from '@hyperledger/fabric-protos';
import { buildLedgerModel, verifyStore } from '../../../gateway-client/src/audit';
import type { Item, Overlay } from '@nrdl-catalog/chaincode/model';
import { A } from '../chaincode/support/fixtures';
import { ids, scenario, type Scenario } from './support/scenario';
import { SQLITE_HARNESS, sqliteStoreOf as storeOf, verifyContract } from './support/verify-contract';

describe('audit verify', () => {
  let s: Scenario;

  before(async () => {
    s = await scenario();
  });

  verifyContract(SQLITE_HARNESS, () => s);

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
