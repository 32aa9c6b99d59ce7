import { expect } from 'chai';
import {
  decodeSignaturePolicy,
  type CoverageResult,
  type Governance,
  policyOrgs,
  policySatisfiedBy,
  type Proposal,
  type Tally,
} from '@nrdl-catalog/chaincode/model';
import {
  A,
  applyAndSeal,
  boraxItem,
  bootstrapped,
  draftAndOpen,
  ilaprazoleItem,
  nationalVersion,
  provincialVersion,
  rejectsWith,
  reviewed,
  shaanxiWardItem,
  upserts,
} from './support/fixtures';
import type { Network } from './support/fabric-stub';
import { HUBEI } from '../support/members';

const H = {
  proposer: { msp: HUBEI.mspId, role: 'proposer' },
  approver: { msp: HUBEI.mspId, role: 'approver' },
  hospital: { msp: HUBEI.mspId, role: 'hospital' },
} as const;

/** A governance proposal through its lifecycle: NHSA proposes, `voters` approve, NHSA applies. */
async function governanceChange(
  net: Network,
  governance: Record<string, unknown>,
  voters = [A.nhsaApprover, A.gdApprover, A.scApprover],
): Promise<Governance> {
  const p = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
    scope: 'governance',
    title: 'membership',
    rationale: 'unit test',
    effectiveFrom: '2025-01-01',
    governance,
  });
  await net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: p.id });
  for (const voter of voters) {
    await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, p.id));
  }
  return net.submit<Governance>(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: p.id });
}

/** Runs `fn`, expects the error code, and checks the ledger did not change. */
async function refusedWithoutWrites(net: Network, code: string, fn: () => Promise<unknown>): Promise<string> {
  const before = net.ledger.snapshot();
  const message = await rejectsWith(fn, code);
  expect(net.ledger.snapshot()).to.deep.equal(before);
  return message;
}

describe('governance: membership (adding a province, suspending one)', () => {
  it('a province on the channel but not in the governance record reads, but neither votes nor writes', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])]);
    // reads: the catalog is there for it at once
    const version = await net.evaluate<{ version: number }>(H.hospital, 'Catalog:GetVersion', {});
    expect(version.version).to.equal(1);
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([ilaprazoleItem])]);
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', async () =>
      net.submit(H.approver, 'Proposal:ApproveProposal', await reviewed(net, id)),
    );
    await refusedWithoutWrites(net, 'UNKNOWN_PROVINCE', () =>
      net.submit(H.proposer, 'Proposal:CreateProposal', {
        scope: 'provincial',
        province: 'Hubei',
        title: 'local terms',
        rationale: 'unit test',
        effectiveFrom: '2025-01-01',
      }),
    );
    // coverage questions naming it answer with a clear code
    const message = await rejectsWith(
      () =>
        net.evaluate(H.hospital, 'Catalog:CheckCoverage', {
          province: '湖北',
          name: boraxItem.name,
          date: '2025-06-01',
        }),
      'UNKNOWN_PROVINCE',
    );
    expect(message).to.include('Guangdong');
  });

  it('adds a province by governance proposal: then it votes, quorums count it, and it owns its scope', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])]);
    const g = await governanceChange(net, { addProvinces: [HUBEI] });
    expect(g.version).to.equal(2);
    expect(g.provinces.map((p) => p.name)).to.deep.equal(['Guangdong', 'Sichuan', 'Shaanxi', 'Hubei']);
    expect(g.suspended).to.deep.equal([]);
    // the governance key's new policy names the new member (NHSA and ⌈2·4/3⌉ = 3 of 4 provinces)
    const governancePolicy = net.ledger.validationParameter('catalog.governance')!;
    expect(policyOrgs(governancePolicy)).to.include(HUBEI.mspId);
    expect(decodeSignaturePolicy(governancePolicy)).to.deep.include({ nOutOf: 2 });
    // a national change with 4 provinces needs a majority of 4: 3
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([ilaprazoleItem])]);
    for (const voter of [A.nhsaApprover, A.gdApprover]) {
      await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
    }
    const hubeiVote = await net.submit<{ tally: Tally; proposal: Proposal }>(
      H.approver,
      'Proposal:ApproveProposal',
      await reviewed(net, id),
    );
    expect(hubeiVote.tally.provincesNeeded).to.equal(3);
    expect(hubeiVote.tally.eligibleProvinces).to.include(HUBEI.mspId);
    expect(hubeiVote.proposal.status).to.equal('open');
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 }),
      'QUORUM_NOT_MET',
    );
    const third = await net.submit<{ proposal: Proposal }>(
      A.scApprover,
      'Proposal:ApproveProposal',
      await reviewed(net, id),
    );
    expect(third.proposal.status).to.equal('approved');
    const sealed = await applyAndSeal(net, A.nhsaProposer, id, 1);
    expect(sealed.version).to.equal(2);
    // its own provincial proposal, under its own key-level policy (Hubei and one other)
    const p = await net.submit<Proposal>(H.proposer, 'Proposal:CreateProposal', {
      scope: 'provincial',
      province: '鄂',
      title: 'local terms',
      rationale: 'unit test',
      effectiveFrom: '2025-01-01',
    });
    expect(p).to.include({ province: 'Hubei', ownerMsp: HUBEI.mspId });
    const policy = net.ledger.validationParameter(`\u0000proposal\u0000${p.id}\u0000`)!;
    expect(policyOrgs(policy)).to.include(HUBEI.mspId);
    expect(policySatisfiedBy(decodeSignaturePolicy(policy), new Set([HUBEI.mspId]))).to.equal(false);
    expect(policySatisfiedBy(decodeSignaturePolicy(policy), new Set([HUBEI.mspId, 'SichuanMSP']))).to.equal(
      true,
    );
  });

  it('refuses a new member that another member already answers to, and leaves governance unchanged', async () => {
    const net = await bootstrapped();
    for (const clash of [
      { ...HUBEI, mspId: 'GuangdongMSP' },
      { ...HUBEI, abbr: '粤' },
      { ...HUBEI, code: 'SC' },
    ]) {
      await refusedWithoutWrites(net, 'GOVERNANCE_INVALID', () =>
        net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
          scope: 'governance',
          title: 'clash',
          rationale: 'unit test',
          effectiveFrom: '2025-01-01',
          governance: { addProvinces: [clash] },
        }),
      );
    }
    const g = await net.evaluate<Governance>(A.auditor, 'Governance:GetGovernance', {});
    expect(g.version).to.equal(1);
  });

  it('suspends a province: its votes and writes are refused, quorums count the others, its data stays readable; reinstating restores it', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])]);
    await provincialVersion(net, 'Shaanxi', upserts([shaanxiWardItem]));
    // a national proposal Shaanxi voted on before its suspension
    const before = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([ilaprazoleItem]),
    ]);
    await net.submit(A.snApprover, 'Proposal:ApproveProposal', await reviewed(net, before));
    // a draft of its own, left open
    const draft = await net.submit<Proposal>(A.snProposer, 'Proposal:CreateProposal', {
      scope: 'provincial',
      province: 'Shaanxi',
      title: 'pending',
      rationale: 'unit test',
      effectiveFrom: '2025-01-01',
    });
    const g = await governanceChange(net, { suspendProvinces: ['陕西'] });
    expect(g.suspended).to.deep.equal(['ShaanxiMSP']);
    expect(g.provinces.map((p) => p.name)).to.include('Shaanxi');

    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([{ ...boraxItem, remark: '限口腔' }]),
    ]);
    const refusal = await refusedWithoutWrites(net, 'MEMBER_SUSPENDED', async () =>
      net.submit(A.snApprover, 'Proposal:ApproveProposal', await reviewed(net, id)),
    );
    expect(refusal).to.include('Shaanxi');
    await refusedWithoutWrites(net, 'MEMBER_SUSPENDED', () =>
      net.submit(A.snProposer, 'Proposal:CreateProposal', {
        scope: 'provincial',
        province: 'Shaanxi',
        title: 'new',
        rationale: 'unit test',
        effectiveFrom: '2025-01-01',
      }),
    );
    await refusedWithoutWrites(net, 'MEMBER_SUSPENDED', () =>
      net.submit(A.snProposer, 'Proposal:AddChunk', {
        proposalId: draft.id,
        chunkIndex: 0,
        changes: upserts([{ ...shaanxiWardItem, remark: 'x' }]),
      }),
    );
    // withdrawing its own draft stays open to it
    const withdrawn = await net.submit<Proposal>(A.snProposer, 'Proposal:WithdrawProposal', {
      proposalId: draft.id,
    });
    expect(withdrawn.status).to.equal('withdrawn');
    // the quorum is a majority of the two active provinces; Shaanxi's earlier vote no longer counts
    await net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', await reviewed(net, id));
    const gd = await net.submit<{ tally: Tally; proposal: Proposal }>(
      A.gdApprover,
      'Proposal:ApproveProposal',
      await reviewed(net, id),
    );
    expect(gd.tally.eligibleProvinces).to.deep.equal(['GuangdongMSP', 'SichuanMSP']);
    expect(gd.tally.provincesNeeded).to.equal(2);
    expect(gd.proposal.status).to.equal('open');
    const { tally: earlier } = await net.evaluate<{ tally: Tally }>(A.auditor, 'Proposal:GetProposal', {
      proposalId: before,
    });
    expect(earlier.approvals).to.deep.equal([]);
    // its data stays readable
    const coverage = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
      province: 'Shaanxi',
      name: shaanxiWardItem.name,
      date: '2025-06-01',
    });
    expect(coverage.covered).to.equal(true);

    const back = await governanceChange(net, { reinstateProvinces: ['ShaanxiMSP'] }, [
      A.nhsaApprover,
      A.gdApprover,
      A.scApprover,
    ]);
    expect(back.suspended).to.deep.equal([]);
    const again = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([{ ...boraxItem, remark: '限口腔科' }]),
    ]);
    const sn = await net.submit<{ tally: Tally }>(
      A.snApprover,
      'Proposal:ApproveProposal',
      await reviewed(net, again),
    );
    expect(sn.tally.provincesNeeded).to.equal(2);
    expect(sn.tally.approvals).to.deep.equal(['ShaanxiMSP']);
  });

  it('refuses membership updates that make no sense, with GOVERNANCE_INVALID and nothing written', async () => {
    const net = await bootstrapped();
    await governanceChange(net, { suspendProvinces: ['Shaanxi'] });
    for (const [governance, template] of [
      [{ suspendProvinces: ['Shaanxi'] }, 'already suspended'],
      [{ reinstateProvinces: ['Sichuan'] }, 'not suspended'],
      [{ suspendProvinces: ['Guangdong', 'Sichuan'] }, 'at least one province'],
      [{ suspendProvinces: ['Guangdong'], reinstateProvinces: ['粤'] }, 'both suspended and reinstated'],
    ] as const) {
      const message = await refusedWithoutWrites(net, 'GOVERNANCE_INVALID', () =>
        net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
          scope: 'governance',
          title: 'bad',
          rationale: 'unit test',
          effectiveFrom: '2025-01-01',
          governance,
        }),
      );
      expect(message).to.include(template);
    }
    await refusedWithoutWrites(net, 'UNKNOWN_PROVINCE', () =>
      net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'governance',
        title: 'bad',
        rationale: 'unit test',
        effectiveFrom: '2025-01-01',
        governance: { suspendProvinces: ['Hubei'] },
      }),
    );
  });
});
