/**
 * A short but complete catalog history produced by the REAL contracts on the in-memory peer:
 * governance, three national versions and one provincial one, a cross-province write refused with
 * ENDORSEMENT_POLICY_FAILURE, and a rejected proposal. Built once and shared by the tests.
 */
import { common } from '@hyperledger/fabric-protos';
import '../../chaincode/support/quiet';
import { type Change, computeItemId, type Version } from '@nrdl-catalog/chaincode/model';
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
  upserts,
} from '../../chaincode/support/fixtures';
import { RecordingNetwork, recordedToChain } from './recording-network';
import { initInput } from '../../support/members';

/** Ids of the scenario's items. */
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

/** The recorded history. */
export interface Scenario {
  readonly net: RecordingNetwork;
  readonly blocks: readonly common.Block[];
  readonly versions: readonly Version[];
  readonly sichuanProposalId: string;
  readonly rejectedProposalId: string;
}

let built: Promise<Scenario> | null = null;

async function build(): Promise<Scenario> {
  const net = new RecordingNetwork();
  await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
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
  const v2 = await applyAndSeal(net, A.scProposer, sichuan, 1);

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
  return {
    net,
    blocks: recordedToChain(net.recorded, 3).blocks,
    versions: [v1, v2, v3, v4],
    sichuanProposalId: sichuan,
    rejectedProposalId: rejected,
  };
}

/** The scenario (built on first use). */
export function scenario(): Promise<Scenario> {
  built ??= build();
  return built;
}
