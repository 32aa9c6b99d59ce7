import { expect } from 'chai';
import {
  computeItemId,
  decodeSignaturePolicy,
  policyOrgs,
  type CoverageResult,
  type Governance,
  type Proposal,
  type Tally,
  type Version,
} from '../../../chaincode/src';
import {
  A,
  applyAndSeal,
  boraxItem,
  bootstrapped,
  draftAndOpen,
  ilaprazoleItem,
  nationalVersion,
  newNetwork,
  provincialVersion,
  rejectsWith,
  shaanxiWardItem,
  upserts,
} from './support/fixtures';
import type { Network } from './support/fabric-stub';

const boraxId = computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' });
const wardId = computeItemId({
  kind: 'service',
  name: '特殊防护病房床位费',
  provinceCode: 'SN',
  code: '110900004',
});

function key(type: string, ...attrs: string[]): string {
  return `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
}

/** Runs `fn`, expects the error code, and checks the ledger did not change. */
async function refusedWithoutWrites(net: Network, code: string, fn: () => Promise<unknown>): Promise<void> {
  const before = net.ledger.snapshot();
  const events = net.ledger.events.length;
  await rejectsWith(fn, code);
  expect(net.ledger.snapshot()).to.deep.equal(before);
  expect(net.ledger.events.length).to.equal(events);
}

describe('governance', () => {
  it('is initialised once by an NHSA admin, with an N-of-M policy on its key', async () => {
    const net = newNetwork();
    await refusedWithoutWrites(net, 'FORBIDDEN_ROLE', () =>
      net.submit(A.nhsaProposer, 'Governance:InitGovernance', {}),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.snAdmin, 'Governance:InitGovernance', {}),
    );
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Governance:GetGovernance', {}),
      'GOVERNANCE_NOT_INITIALISED',
    );
    const g = await net.submit<Governance>(A.nhsaAdmin, 'Governance:InitGovernance', {
      maxChunkChanges: 200,
    });
    expect(g.version).to.equal(1);
    expect(g.maxChunkChanges).to.equal(200);
    expect(g.rules.national).to.deep.equal({ national: true, provinces: 'majority' });
    await refusedWithoutWrites(net, 'GOVERNANCE_EXISTS', () =>
      net.submit(A.nhsaAdmin, 'Governance:InitGovernance', {}),
    );
    const policy = net.ledger.validationParameter('catalog.governance');
    expect(decodeSignaturePolicy(policy!)).to.deep.equal({
      nOutOf: 2,
      rules: [
        { signedBy: 'NHSAMSP' },
        {
          nOutOf: 2,
          rules: [{ signedBy: 'GuangdongMSP' }, { signedBy: 'SichuanMSP' }, { signedBy: 'ShaanxiMSP' }],
        },
      ],
    });
    expect(net.ledger.events.at(-1)?.name).to.equal('GovernanceInitialised');
    expect(await net.evaluate<Governance>(A.auditor, 'Governance:GetGovernance', {})).to.deep.equal(g);
  });

  it('changes only through an approved governance proposal (NHSA + two thirds of provinces)', async () => {
    const net = await bootstrapped();
    const p = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
      scope: 'governance',
      title: 'unanimity for national changes',
      rationale: 'test',
      effectiveFrom: '2025-01-01',
      governance: { rules: { national: { national: true, provinces: 'all' } }, maxChunkChanges: 100 },
    });
    await rejectsWith(
      () =>
        net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 0,
          changes: upserts([boraxItem]),
        }),
      'PROPOSAL_STATE',
    );
    await net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: p.id });
    await net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', { proposalId: p.id });
    const one = await net.submit<{ tally: Tally; proposal: Proposal }>(
      A.gdApprover,
      'Proposal:ApproveProposal',
      {
        proposalId: p.id,
      },
    );
    expect(one.proposal.status).to.equal('open');
    expect(one.tally.provincesNeeded).to.equal(2);
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: p.id }),
      'QUORUM_NOT_MET',
    );
    const two = await net.submit<{ proposal: Proposal }>(A.snApprover, 'Proposal:ApproveProposal', {
      proposalId: p.id,
    });
    expect(two.proposal.status).to.equal('approved');
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.snAdmin, 'Governance:ApplyGovernanceProposal', { proposalId: p.id }),
    );
    const g = await net.submit<Governance>(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', {
      proposalId: p.id,
    });
    expect(g.version).to.equal(2);
    expect(g.rules.national.provinces).to.equal('all');
    expect(g.maxChunkChanges).to.equal(100);
    expect(g.updatedByProposal).to.equal(p.id);
    expect(net.ledger.events.at(-1)).to.deep.include({ name: 'GovernanceChanged' });
    // the new rule is enforced: a national proposal now needs all three provinces
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
      await net.submit(voter, 'Proposal:ApproveProposal', { proposalId: id });
    }
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 }),
      'QUORUM_NOT_MET',
    );
    const last = await net.submit<{ proposal: Proposal }>(A.snApprover, 'Proposal:ApproveProposal', {
      proposalId: id,
    });
    expect(last.proposal.status).to.equal('approved');
  });

  it('refuses rules that would let NHSA change a province or need nobody', async () => {
    const net = await bootstrapped();
    for (const governance of [
      { rules: { provincial: { national: true, provinces: 'none' } } },
      { rules: { national: { national: false, provinces: 'none' } } },
      { rules: { governance: { national: true, provinces: 'own' } } },
      { nationalKeyPolicy: { provinces: 4 } },
    ]) {
      await refusedWithoutWrites(net, 'GOVERNANCE_INVALID', () =>
        net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
          scope: 'governance',
          title: 'bad',
          rationale: 'bad',
          effectiveFrom: '2025-01-01',
          governance,
        }),
      );
    }
  });
});

describe('national proposal lifecycle', () => {
  it('goes draft -> open -> approved (NHSA + 2 of 3) -> applied -> sealed, with one event per transaction', async () => {
    const net = await bootstrapped();
    const created = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
      scope: 'national',
      title: 'NRDL 2024',
      rationale: 'annual update',
      effectiveFrom: '2025-01-01',
    });
    expect(created.status).to.equal('draft');
    expect(created.id).to.equal(net.ledger.events.at(-1)?.txId);
    expect(net.ledger.events.at(-1)).to.deep.equal({
      txId: created.id,
      name: 'ProposalCreated',
      payload: { proposalId: created.id, scope: 'national', province: null },
    });
    const added = await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: created.id,
      chunkIndex: 0,
      changes: upserts([boraxItem, ilaprazoleItem]),
    });
    expect(added).to.include({ changeCount: 2, alreadyAdded: false });
    const opened = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:OpenProposal', {
      proposalId: created.id,
    });
    expect(opened).to.include({ status: 'open', chunkCount: 1, changeCount: 2, baseVersion: 0 });

    const r1 = await net.submit<{ proposal: Proposal; tally: Tally }>(
      A.nhsaApprover,
      'Proposal:ApproveProposal',
      {
        proposalId: created.id,
      },
    );
    expect(r1.proposal.status).to.equal('open');
    await net.submit(A.gdApprover, 'Proposal:ApproveProposal', { proposalId: created.id });
    // applying or sealing before quorum is refused
    await refusedWithoutWrites(net, 'QUORUM_NOT_MET', () =>
      net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: created.id }),
    );
    await refusedWithoutWrites(net, 'QUORUM_NOT_MET', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: created.id, chunkIndex: 0 }),
    );
    const r3 = await net.submit<{ proposal: Proposal; tally: Tally }>(
      A.scApprover,
      'Proposal:ApproveProposal',
      {
        proposalId: created.id,
      },
    );
    expect(r3.proposal.status).to.equal('approved');
    expect(r3.tally).to.deep.include({
      met: true,
      provincesNeeded: 2,
      approvals: ['GuangdongMSP', 'NHSAMSP', 'SichuanMSP'],
    });
    // late votes are refused once approved
    await refusedWithoutWrites(net, 'PROPOSAL_STATE', () =>
      net.submit(A.snApprover, 'Proposal:ApproveProposal', { proposalId: created.id }),
    );

    const version = await applyAndSeal(net, A.nhsaProposer, created.id, 1);
    expect(version).to.include({
      version: 1,
      parent: 0,
      changeCount: 2,
      effectiveFrom: '2025-01-01',
      previousVersionHash: null,
    });
    expect(version.proposalIds).to.deep.equal([created.id]);
    const names = net.ledger.events.slice(1).map((e) => e.name);
    expect(names).to.deep.equal([
      'ProposalCreated',
      'ChunkAdded',
      'ProposalOpened',
      'ProposalApproved',
      'ProposalApproved',
      'ProposalApproved',
      'ChunkApplied',
      'VersionSealed',
    ]);
    expect(net.ledger.events.at(-1)?.payload).to.deep.equal({
      version: 1,
      proposalId: created.id,
      digest: version.digest,
      versionHash: version.versionHash,
    });
    const proposal = await net.evaluate<{ proposal: Proposal; appliedChunks: number }>(
      A.auditor,
      'Proposal:GetProposal',
      {
        proposalId: created.id,
      },
    );
    expect(proposal.proposal).to.include({ status: 'applied', sealedVersion: 1 });
    expect(proposal.appliedChunks).to.equal(1);

    // a hospital in every province sees the new version
    for (const province of ['Guangdong', 'SichuanMSP', 'shaanxi']) {
      const c = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
        province,
        itemId: boraxId,
        date: '2025-03-01',
      });
      expect(c).to.include({ covered: true, reason: 'COVERED', catalogVersion: 1, txId: version.txId });
    }

    // a second version chains to the first
    const v2 = await nationalVersion(net, [[{ op: 'removeItem', itemId: boraxId }]], '2025-06-01');
    expect(v2).to.include({ version: 2, parent: 1, previousVersionHash: version.versionHash });
  });

  it('puts NHSA key-level policies on national keys and voter policies on votes', async () => {
    const net = await bootstrapped();
    const v = await nationalVersion(net, [upserts([boraxItem])]);
    const pid = v.proposalIds[0]!;
    expect(policyOrgs(net.ledger.validationParameter(key('item', boraxId))!)).to.deep.equal(['NHSAMSP']);
    expect(policyOrgs(net.ledger.validationParameter(key('itemv', boraxId, pid))!)).to.deep.equal([
      'NHSAMSP',
    ]);
    for (const msp of ['NHSAMSP', 'GuangdongMSP', 'SichuanMSP']) {
      expect(policyOrgs(net.ledger.validationParameter(key('vote', pid, msp))!)).to.deep.equal([msp]);
    }
    expect(net.ledger.validationParameter('catalog.head')).to.equal(undefined);
  });

  it('refuses wrong roles and organisations with codes and without writes', async () => {
    const net = await bootstrapped();
    const base = { title: 't', rationale: 'r', effectiveFrom: '2025-01-01' };
    await refusedWithoutWrites(net, 'FORBIDDEN_ROLE', () =>
      net.submit(A.nhsaApprover, 'Proposal:CreateProposal', { scope: 'national', ...base }),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.gdProposer, 'Proposal:CreateProposal', { scope: 'national', ...base }),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.gdProposer, 'Proposal:CreateProposal', {
        scope: 'provincial',
        province: 'Sichuan',
        ...base,
      }),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'provincial',
        province: 'Sichuan',
        ...base,
      }),
    );
    await refusedWithoutWrites(net, 'UNKNOWN_PROVINCE', () =>
      net.submit(A.gdProposer, 'Proposal:CreateProposal', {
        scope: 'provincial',
        province: 'Hunan',
        ...base,
      }),
    );
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    await refusedWithoutWrites(net, 'FORBIDDEN_ROLE', () =>
      net.submit(A.gdProposer, 'Proposal:ApproveProposal', { proposalId: id }),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.auditApprover, 'Proposal:ApproveProposal', { proposalId: id }),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ROLE', () =>
      net.submit(A.auditor, 'Proposal:RejectProposal', { proposalId: id }),
    );
    await net.submit(A.gdApprover, 'Proposal:ApproveProposal', { proposalId: id });
    await refusedWithoutWrites(net, 'ALREADY_VOTED', () =>
      net.submit(A.gdApprover, 'Proposal:RejectProposal', { proposalId: id }),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.gdProposer, 'Proposal:WithdrawProposal', { proposalId: id }),
    );
    await refusedWithoutWrites(net, 'PROPOSAL_NOT_FOUND', () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', { proposalId: 'nope' }),
    );
    await refusedWithoutWrites(net, 'INVALID_INPUT', () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', '{"proposalId":'),
    );
    await refusedWithoutWrites(net, 'INVALID_INPUT', () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', { proposalId: id, extra: 1 }),
    );
  });

  it('is rejected once quorum becomes impossible, and can be withdrawn before it is applied', async () => {
    const net = await bootstrapped();
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    await net.submit(A.gdApprover, 'Proposal:RejectProposal', { proposalId: id, comment: 'no' });
    const r = await net.submit<{ proposal: Proposal }>(A.scApprover, 'Proposal:RejectProposal', {
      proposalId: id,
    });
    expect(r.proposal.status).to.equal('rejected');
    expect(net.ledger.events.at(-1)).to.deep.include({ name: 'ProposalRejected' });
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:WithdrawProposal', { proposalId: id }),
      'PROPOSAL_STATE',
    );

    const id2 = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    const nhsaNo = await net.submit<{ proposal: Proposal }>(A.nhsaApprover, 'Proposal:RejectProposal', {
      proposalId: id2,
    });
    expect(nhsaNo.proposal.status).to.equal('rejected');

    const id3 = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    const w = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:WithdrawProposal', {
      proposalId: id3,
      reason: 'typo',
    });
    expect(w).to.include({ status: 'withdrawn', statusReason: 'typo' });
    expect(net.ledger.events.at(-1)).to.deep.include({ name: 'ProposalWithdrawn' });
  });

  it('does not let a proposer approve its own proposal unless governance allows it', async () => {
    const net = newNetwork();
    await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', {});
    const self = { msp: 'ShaanxiMSP', role: 'approver', cn: 'alice' };
    const proposerAlice = { msp: 'ShaanxiMSP', role: 'proposer', cn: 'alice' };
    const id = await draftAndOpen(net, proposerAlice, { scope: 'provincial', province: 'Shaanxi' }, [
      upserts([shaanxiWardItem]),
    ]);
    await refusedWithoutWrites(net, 'SELF_APPROVAL', () =>
      net.submit(self, 'Proposal:ApproveProposal', { proposalId: id }),
    );

    const net2 = newNetwork();
    await net2.submit(A.nhsaAdmin, 'Governance:InitGovernance', { allowSelfApproval: true });
    const id2 = await draftAndOpen(net2, proposerAlice, { scope: 'provincial', province: 'Shaanxi' }, [
      upserts([shaanxiWardItem]),
    ]);
    const ok = await net2.submit<{ proposal: Proposal }>(self, 'Proposal:ApproveProposal', {
      proposalId: id2,
    });
    expect(ok.proposal.status).to.equal('approved');
  });
});

describe('provincial proposal lifecycle', () => {
  it('is approved by the province alone and its keys carry the province policy', async () => {
    const net = await bootstrapped();
    const id = await draftAndOpen(net, A.snProposer, { scope: 'provincial', province: 'shaanxi' }, [
      [
        { op: 'upsertItem', item: shaanxiWardItem },
        { op: 'setOverlay', overlay: { itemId: wardId, province: 'ShaanxiMSP', selfPayRatio: 0.1 } },
      ],
    ]);
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', { proposalId: id }),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', { proposalId: id }),
    );
    const r = await net.submit<{ proposal: Proposal }>(A.snApprover, 'Proposal:ApproveProposal', {
      proposalId: id,
    });
    expect(r.proposal.status).to.equal('approved');
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 }),
    );
    const v = await applyAndSeal(net, A.snAdmin, id, 1);
    expect(v).to.include({ version: 1, scope: 'provincial', province: 'Shaanxi' });
    for (const k of [
      key('item', wardId),
      key('itemv', wardId, id),
      key('ovl', wardId, 'ShaanxiMSP'),
      key('ovlv', wardId, 'ShaanxiMSP', id),
      key('proposal', id),
      key('chunk', id, '00000'),
    ]) {
      expect(policyOrgs(net.ledger.validationParameter(k)!), JSON.stringify(k)).to.deep.equal(['ShaanxiMSP']);
    }
    const c = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
      province: 'Shaanxi',
      itemId: wardId,
      date: '2025-02-01',
    });
    expect(c).to.include({ covered: true, reason: 'COVERED', kind: 'service' });
    expect(c.provincial).to.include({ selfPayRatio: 0.1, suspended: false });
  });

  it('keeps proposals inside their scope', async () => {
    const net = await bootstrapped();
    const v = await nationalVersion(net, [upserts([boraxItem])]);
    expect(v.version).to.equal(1);
    const base = { title: 't', rationale: 'r', effectiveFrom: '2025-01-01' };
    const gd = await net.submit<Proposal>(A.gdProposer, 'Proposal:CreateProposal', {
      scope: 'provincial',
      province: 'GD',
      ...base,
    });
    const nat = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
      scope: 'national',
      ...base,
    });
    const add = (who: typeof A.gdProposer, proposalId: string, changes: unknown[]) => () =>
      net.submit(who, 'Proposal:AddChunk', { proposalId, chunkIndex: 0, changes });
    await refusedWithoutWrites(net, 'SCOPE_VIOLATION', add(A.gdProposer, gd.id, upserts([boraxItem])));
    await refusedWithoutWrites(net, 'SCOPE_VIOLATION', add(A.gdProposer, gd.id, upserts([shaanxiWardItem])));
    await refusedWithoutWrites(
      net,
      'SCOPE_VIOLATION',
      add(A.gdProposer, gd.id, [
        { op: 'setOverlay', overlay: { itemId: boraxId, province: 'Sichuan', suspended: true } },
      ]),
    );
    await refusedWithoutWrites(
      net,
      'FORBIDDEN_ORG',
      add(A.gdProposer, gd.id, [{ op: 'removeItem', itemId: boraxId }]),
    );
    await refusedWithoutWrites(
      net,
      'SCOPE_VIOLATION',
      add(A.nhsaProposer, nat.id, upserts([shaanxiWardItem])),
    );
    await refusedWithoutWrites(
      net,
      'SCOPE_VIOLATION',
      add(A.nhsaProposer, nat.id, [
        { op: 'setOverlay', overlay: { itemId: boraxId, province: 'Guangdong', suspended: true } },
      ]),
    );
    await refusedWithoutWrites(
      net,
      'FORBIDDEN_ORG',
      add(A.snProposer, gd.id, [{ op: 'setOverlay', overlay: { itemId: boraxId, province: 'Guangdong' } }]),
    );
    await refusedWithoutWrites(
      net,
      'ITEM_NOT_FOUND',
      add(A.nhsaProposer, nat.id, [{ op: 'removeItem', itemId: 'D-0000000000000000' }]),
    );
    await refusedWithoutWrites(
      net,
      'ITEM_NOT_FOUND',
      add(A.gdProposer, gd.id, [{ op: 'clearOverlay', itemId: boraxId, province: 'Guangdong' }]),
    );
    // a Guangdong overlay on a national drug is fine
    const ok = await provincialVersion(net, 'Guangdong', [
      { op: 'setOverlay', overlay: { itemId: boraxId, province: 'Guangdong', suspended: true } },
    ]);
    expect(ok.version).to.equal(2);
  });

  it('rejects a Guangdong-only endorsement of a write to a Sichuan key (key-level policy)', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])]);
    await provincialVersion(net, 'Sichuan', [
      { op: 'setOverlay', overlay: { itemId: boraxId, province: 'Sichuan', selfPayRatio: 0.2 } },
    ]);
    const id = await draftAndOpen(net, A.scProposer, { scope: 'provincial', province: 'Sichuan' }, [
      [{ op: 'setOverlay', overlay: { itemId: boraxId, province: 'Sichuan', selfPayRatio: 0.3 } }],
    ]);
    await net.submit(A.scApprover, 'Proposal:ApproveProposal', { proposalId: id });
    const before = net.ledger.get(key('ovl', boraxId, 'SichuanMSP'));
    await rejectsWith(
      () =>
        net.submit(
          A.scProposer,
          'Proposal:ApplyChunk',
          { proposalId: id, chunkIndex: 0 },
          { endorsers: new Set(['GuangdongMSP']) },
        ),
      'ENDORSEMENT_POLICY_FAILURE',
    );
    expect(net.ledger.get(key('ovl', boraxId, 'SichuanMSP'))).to.deep.equal(before);
    await net.submit(
      A.scProposer,
      'Proposal:ApplyChunk',
      { proposalId: id, chunkIndex: 0 },
      { endorsers: new Set(['SichuanMSP']) },
    );
  });
});

describe('concurrent proposals', () => {
  it('touching the same item: one applies, the other gets VERSION_CONFLICT (never a lost update)', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])]);
    const changed = (remark: string) => upserts([{ ...boraxItem, remark }]);
    const p1 = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [changed('first')]);
    const p2 = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [changed('second')]);
    for (const id of [p1, p2]) {
      for (const voter of [A.nhsaApprover, A.gdApprover, A.snApprover]) {
        await net.submit(voter, 'Proposal:ApproveProposal', { proposalId: id });
      }
    }
    // both simulate against the same state; the second to commit fails validation
    const s1 = await net.simulate(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: p1, chunkIndex: 0 });
    const s2 = await net.simulate(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: p2, chunkIndex: 0 });
    s1.tx.commit(new Set(['NHSAMSP']));
    expect(() => {
      s2.tx.commit(new Set(['NHSAMSP']));
    }).to.throw(/MVCC_READ_CONFLICT/);
    // retried, p2 sees p1's pending change
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: p2, chunkIndex: 0 }),
      'VERSION_CONFLICT',
    );
    await net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: p1 });
    // still a conflict after p1 sealed: p2 was opened on version 1
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: p2, chunkIndex: 0 }),
      'VERSION_CONFLICT',
    );
    const item = await net.evaluate<{ item: { remark: string } }>(A.auditor, 'Catalog:GetItem', {
      itemId: boraxId,
    });
    expect(item.item.remark).to.equal('first');
    // p2 is withdrawn; a fresh proposal applies on top
    await net.submit(A.nhsaProposer, 'Proposal:WithdrawProposal', { proposalId: p2 });
    const v3 = await nationalVersion(net, [changed('third')]);
    expect(v3.version).to.equal(3);
  });

  it('seals concurrently approved disjoint proposals one after the other', async () => {
    const net = await bootstrapped();
    const p1 = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    const p2 = await draftAndOpen(net, A.snProposer, { scope: 'provincial', province: 'Shaanxi' }, [
      upserts([shaanxiWardItem]),
    ]);
    for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
      await net.submit(voter, 'Proposal:ApproveProposal', { proposalId: p1 });
    }
    await net.submit(A.snApprover, 'Proposal:ApproveProposal', { proposalId: p2 });
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: p1, chunkIndex: 0 });
    await net.submit(A.snProposer, 'Proposal:ApplyChunk', { proposalId: p2, chunkIndex: 0 });
    const s1 = await net.simulate(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: p1 });
    const s2 = await net.simulate(A.snProposer, 'Proposal:SealVersion', { proposalId: p2 });
    s1.tx.commit(new Set(['NHSAMSP', 'ShaanxiMSP']));
    expect(() => {
      s2.tx.commit(new Set(['NHSAMSP', 'ShaanxiMSP']));
    }).to.throw(/MVCC_READ_CONFLICT/);
    const v2 = await net.submit<Version>(A.snProposer, 'Proposal:SealVersion', { proposalId: p2 });
    expect(v2).to.include({ version: 2, parent: 1 });
  });
});
