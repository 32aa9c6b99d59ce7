/**
 * The recorded history the re-execution tests share: governance, a two-chunk national version,
 * a provincial overlay (Sichuan, key-level policy), a national update with a removal, a rejected
 * proposal, a provincial Shaanxi version and a System ping. Built once.
 */
import { type Change, computeItemId } from '@nrdl-catalog/chaincode/model';
import {
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
  shaanxiWardItem,
  syntheticDrug,
  upserts,
} from '../../../chaincode/support/fixtures';
import { RecordingHistory } from './history';
import { initInput } from '../../../support/members';

const borax = computeItemId({ kind: 'drug', name: boraxItem.name, dosageForm: boraxItem.dosageForm ?? null });
const fennel = computeItemId({ kind: 'herbal', name: fennelItem.name });

async function build(): Promise<RecordingHistory> {
  const net = new RecordingHistory();
  await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
  await net.submit(A.nhsaAdmin, 'System:Ping', 'hello from the auditors');
  await nationalVersion(net, [upserts([boraxItem, ilaprazoleItem]), upserts([fennelItem])], '2025-01-01');

  const overlay: Change[] = [
    { op: 'setOverlay', overlay: { itemId: borax, province: 'Sichuan', selfPayRatio: 0.3 } },
  ];
  const sichuan = await draftAndOpen(
    net,
    A.scProposer,
    { scope: 'provincial', province: 'Sichuan' },
    [overlay],
    '2025-03-01',
  );
  await net.submit(A.scApprover, 'Proposal:ApproveProposal', { proposalId: sichuan });
  await applyAndSeal(net, A.scProposer, sichuan, 1);

  await nationalVersion(
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
        { op: 'removeItem', itemId: fennel },
        { op: 'upsertItem', item: avapritinibItem },
      ],
      upserts([0, 1, 2, 3, 4, 5].map(syntheticDrug)),
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
  await net.submit(A.gdApprover, 'Proposal:RejectProposal', { proposalId: rejected, comment: 'not now' });
  await net.submit(A.scApprover, 'Proposal:RejectProposal', { proposalId: rejected });

  await provincialVersion(net, 'Shaanxi', upserts([shaanxiWardItem]), '2025-07-01');
  return net;
}

let built: Promise<RecordingHistory> | null = null;

/** The shared recorded history. */
export function history(): Promise<RecordingHistory> {
  built ??= build();
  return built;
}
