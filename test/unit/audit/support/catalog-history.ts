/**
 * The catalog history the audit tests share, written by the REAL contracts on the chaincode tests'
 * in-memory peer (a recording one: support/recording-network.ts for blocks,
 * reexecute/support/history.ts for re-execution): governance, a national version of two chunks, a
 * Sichuan overlay (key-level policy), a national update with a removal, a proposal rejected by two
 * organisations and a provincial Shaanxi version. The options add what one suite needs on top.
 */
import '../../chaincode/support/quiet';
import { type Change, computeItemId, type Version } from '@nrdl-catalog/chaincode/model';
import type { Network } from '../../chaincode/support/fabric-stub';
import { initInput } from '../../support/members';
import {
  reviewed,
  A,
  applyAndSeal,
  avapritinibItem,
  boraxItem,
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
} from '../../chaincode/support/fixtures';

/** Ids of the history's items. */
export const ids = {
  borax: computeItemId({ kind: 'drug', name: boraxItem.name, dosageForm: boraxItem.dosageForm ?? null }),
  ilaprazole: computeItemId({
    kind: 'drug',
    name: ilaprazoleItem.name,
    dosageForm: ilaprazoleItem.dosageForm ?? null,
  }),
  fennel: computeItemId({ kind: 'herbal', name: fennelItem.name }),
  avapritinib: computeItemId({
    kind: 'drug',
    name: avapritinibItem.name,
    dosageForm: avapritinibItem.dosageForm ?? null,
  }),
};

/** What one suite adds to the shared history. */
export interface CatalogHistoryOptions {
  /** A `System:Ping` right after governance (a transaction outside the catalog contracts). */
  readonly ping?: boolean;
  /** Before the Sichuan version is applied, an attempt endorsed by Guangdong alone, refused with ENDORSEMENT_POLICY_FAILURE. */
  readonly refusedCrossProvinceWrite?: boolean;
  /** This many synthetic drugs in a second chunk of the national update (more keys to scan). */
  readonly syntheticDrugs?: number;
}

/** The sealed versions and the proposals the tests look at. */
export interface CatalogHistory {
  readonly versions: readonly Version[];
  readonly sichuanProposalId: string;
  readonly rejectedProposalId: string;
}

/** Writes the shared history through `net`. */
export async function writeCatalogHistory(
  net: Network,
  options: CatalogHistoryOptions = {},
): Promise<CatalogHistory> {
  await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
  if (options.ping === true) {
    await net.submit(A.nhsaAdmin, 'System:Ping', 'hello from the auditors');
  }
  const v1 = await nationalVersion(
    net,
    [upserts([boraxItem, ilaprazoleItem]), upserts([fennelItem])],
    '2025-01-01',
  );

  const overlay: Change[] = [
    { op: 'setOverlay', overlay: { itemId: ids.borax, province: 'Sichuan', selfPayRatio: 0.3 } },
  ];
  const sichuan = await draftAndOpen(
    net,
    A.scProposer,
    { scope: 'provincial', province: 'Sichuan' },
    [overlay],
    '2025-03-01',
  );
  await net.submit(A.scApprover, 'Proposal:ApproveProposal', await reviewed(net, sichuan));
  if (options.refusedCrossProvinceWrite === true) {
    await rejectsWith(
      () =>
        net.submit(
          A.scProposer,
          'Proposal:ApplyChunk',
          { proposalId: sichuan, chunkIndex: 0 },
          { endorsers: new Set(['GuangdongMSP']) },
        ),
      'ENDORSEMENT_POLICY_FAILURE',
    );
  }
  const v2 = await applyAndSeal(net, A.scProposer, sichuan, 1);

  const synthetic = Array.from({ length: options.syntheticDrugs ?? 0 }, (_, i) => syntheticDrug(i));
  const v3 = await nationalVersion(
    net,
    [
      [
        {
          op: 'upsertItem',
          item: {
            ...ilaprazoleItem,
            paymentStandard: { text: '58.00元(10mg/支)', amount: 58, confidential: false },
          },
        },
        { op: 'removeItem', itemId: ids.fennel },
        { op: 'upsertItem', item: avapritinibItem },
      ],
      ...(synthetic.length === 0 ? [] : [upserts(synthetic)]),
    ],
    '2025-06-01',
  );

  const rejected = await draftAndOpen(
    net,
    A.nhsaProposer,
    { scope: 'national' },
    [upserts([ejiaoItem])],
    '2025-07-01',
  );
  await net.submit(A.gdApprover, 'Proposal:RejectProposal', {
    ...(await reviewed(net, rejected)),
    comment: 'not now',
  });
  await net.submit(A.scApprover, 'Proposal:RejectProposal', await reviewed(net, rejected));

  const v4 = await provincialVersion(net, 'Shaanxi', upserts([shaanxiWardItem]), '2025-07-01');
  return { versions: [v1, v2, v3, v4], sichuanProposalId: sichuan, rejectedProposalId: rejected };
}
