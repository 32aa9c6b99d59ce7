// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import {
  auditReportData,
  buildLedgerModel,
  catalogAsOf,
  decodeBlock,
  diffVersions,
  itemHistory,
  SqliteAuditStore,
  type LedgerModel,
} from '../../../gateway-client/src/audit';
import { ids, scenario, type Scenario } from './support/scenario';

describe('audit history, as-of, diff and report data', () => {
  let s: Scenario;
  let store: SqliteAuditStore;
  let model: LedgerModel;

  before(async () => {
    s = await scenario();
    store = new SqliteAuditStore();
    for (const b of s.blocks) {
      await store.writeBlock(decodeBlock(b));
    }
    model = await buildLedgerModel(store);
  });

  after(async () => {
    await store.close();
  });

  it('gives every version of an item with proposal, proposer, approvers, tx and block', () => {
    const history = itemHistory(model, ids.ilaprazole);
    expect(history.map((h) => [h.version, h.kind, h.op])).to.deep.equal([
      [1, 'item', 'upsert'],
      [3, 'item', 'upsert'],
    ]);
    const v3 = history[1]!;
    expect(v3.changedFields).to.deep.equal([
      { field: 'paymentStandard.amount', before: 63, after: 58 },
      { field: 'paymentStandard.text', before: '63.00元(10mg/支)', after: '58.00元(10mg/支)' },
    ]);
    expect(v3.effectiveFrom).to.equal('2025-06-01');
    expect(v3.sealTxId).to.equal(s.versions[2]!.txId);
    expect(v3.sealBlock).to.be.greaterThan(v3.block - 1);
    expect(v3.timestamp).to.match(/^2024-12-20T/);
    expect(v3.proposal?.proposer).to.include({
      mspId: 'NHSAMSP',
      role: 'proposer',
      subject: '/C=CN/O=NHSAMSP/OU=client/CN=proposer@NHSAMSP',
    });
    expect(v3.proposal?.approvers.map((a) => [a.voter.mspId, a.voter.subject])).to.deep.equal([
      ['NHSAMSP', '/C=CN/O=NHSAMSP/OU=client/CN=approver@NHSAMSP'],
      ['GuangdongMSP', '/C=CN/O=GuangdongMSP/OU=client/CN=approver@GuangdongMSP'],
      ['SichuanMSP', '/C=CN/O=SichuanMSP/OU=client/CN=approver@SichuanMSP'],
    ]);
    const borax = itemHistory(model, ids.borax);
    expect(borax.map((h) => [h.version, h.kind, h.province])).to.deep.equal([
      [1, 'item', null],
      [2, 'overlay', 'Sichuan'],
    ]);
    expect(borax[1]!.proposal?.approvers.map((a) => a.voter.mspId)).to.deep.equal(['SichuanMSP']);
  });

  it('answers the catalog as it stood on a date', () => {
    expect(catalogAsOf(model, '2024-12-31')).to.deep.equal({
      date: '2024-12-31',
      version: null,
      effectiveFrom: null,
      items: [],
    });
    const feb = catalogAsOf(model, '2025-02-15');
    expect(feb.version).to.equal(1);
    expect(feb.items.map((i) => i.itemId).sort()).to.deep.equal(
      [ids.borax, ids.fennel, ids.ilaprazole].sort(),
    );
    expect(feb.items.every((i) => i.overlays.length === 0)).to.equal(true);
    const march = catalogAsOf(model, '2025-03-01', { itemId: ids.borax });
    expect(march.version).to.equal(2);
    expect(march.items[0]?.overlays).to.deep.equal([
      { province: 'Sichuan', overlay: march.items[0]!.overlays[0]!.overlay },
    ]);
    expect(march.items[0]!.overlays[0]!.overlay.selfPayRatio).to.equal(0.3);
    expect(
      catalogAsOf(model, '2025-03-01', { province: 'GD', itemId: ids.borax }).items[0]?.overlays,
    ).to.deep.equal([]);
    const july = catalogAsOf(model, '2025-07-01');
    expect(july.version).to.equal(4);
    const shaanxiItems = july.items.filter((i) => i.item?.province === 'Shaanxi');
    expect(shaanxiItems).to.have.length(1);
    expect(
      catalogAsOf(model, '2025-07-01', { province: 'Guangdong' }).items.some(
        (i) => i.item?.province === 'Shaanxi',
      ),
    ).to.equal(false);
    expect(
      catalogAsOf(model, '2025-07-01', { province: 'shaanximsp' }).items.some(
        (i) => i.item?.province === 'Shaanxi',
      ),
    ).to.equal(true);
  });

  it('diffs two versions field by field', () => {
    const diff = diffVersions(model, 1, 3);
    expect(diff.added.map((d) => [d.kind, d.itemId, d.province])).to.deep.equal([
      ['item', ids.avapritinib, null],
      ['overlay', ids.borax, 'Sichuan'],
    ]);
    expect(diff.removed.map((d) => d.itemId)).to.deep.equal([ids.fennel]);
    expect(diff.changed).to.deep.equal([
      {
        kind: 'item',
        itemId: ids.ilaprazole,
        province: null,
        fields: [
          { field: 'paymentStandard.amount', before: 63, after: 58 },
          { field: 'paymentStandard.text', before: '63.00元(10mg/支)', after: '58.00元(10mg/支)' },
        ],
      },
    ]);
    expect(diffVersions(model, 0, 1).added).to.have.length(3);
    expect(() => diffVersions(model, 1, 9)).to.throw(/version 9/);
  });

  it('collects the report data, including the refused cross-province write', async () => {
    const report = await auditReportData(store, model);
    expect(report.summary).to.deep.include({ versions: 4, invalidTransactions: 1, items: 4, overlays: 1 });
    expect(report.perVersion.map((v) => [v.version, v.scope, v.changes])).to.deep.equal([
      [1, 'national', 3],
      [2, 'provincial', 1],
      [3, 'national', 3],
      [4, 'provincial', 1],
    ]);
    expect(report.perVersion[2]).to.include({ itemsAdded: 1, itemsChanged: 1, itemsRemoved: 1 });
    expect(report.perProvince).to.deep.equal([
      { province: 'national', versions: 2, changes: 6 },
      { province: 'Shaanxi', versions: 1, changes: 1 },
      { province: 'Sichuan', versions: 1, changes: 1 },
    ]);
    expect(report.proposalToSeal.every((p) => (p.durationMs ?? 0) > 0)).to.equal(true);
    expect(report.unsuccessfulProposals).to.deep.equal([
      {
        proposalId: s.rejectedProposalId,
        title: 'test change',
        status: 'rejected',
        reason: 'rejected by GuangdongMSP, SichuanMSP',
        scope: 'national',
        province: null,
      },
    ]);
    expect(report.invalidTransactions).to.have.length(1);
    expect(report.invalidTransactions[0]).to.include({
      validationName: 'ENDORSEMENT_POLICY_FAILURE',
      function: 'Proposal:ApplyChunk',
      creatorMsp: 'SichuanMSP',
    });
    expect(report.invalidTransactions[0]!.endorsers).to.deep.equal(['GuangdongMSP']);
    expect(report.invalidTransactions[0]!.attemptedWrites).to.include(`ovl~${ids.borax}~SichuanMSP`);
  });
});
