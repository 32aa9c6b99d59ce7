import { expect } from 'chai';
import {
  computeItemId,
  type CoverageResult,
  decodeSignaturePolicy,
  type Governance,
  policyOrgs,
  type Proposal,
  type Tally,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import {
  reviewed,
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
import { initInput } from '../support/members';

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
      net.submit(A.nhsaProposer, 'Governance:InitGovernance', initInput()),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.snAdmin, 'Governance:InitGovernance', initInput()),
    );
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Governance:GetGovernance', {}),
      'GOVERNANCE_NOT_INITIALISED',
    );
    const g = await net.submit<Governance>(
      A.nhsaAdmin,
      'Governance:InitGovernance',
      initInput({ maxChunkChanges: 200 }),
    );
    expect(g.version).to.equal(1);
    expect(g.maxChunkChanges).to.equal(200);
    expect(g.rules.national).to.deep.equal({ national: true, provinces: 'majority' });
    await refusedWithoutWrites(net, 'GOVERNANCE_EXISTS', () =>
      net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput()),
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

  it('applies a governance proposal only on the governance version it was opened on', async () => {
    const net = await bootstrapped();
    const ids: string[] = [];
    for (const maxChunkChanges of [100, 120]) {
      const p = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'governance',
        title: `chunks of ${maxChunkChanges}`,
        rationale: 'test',
        effectiveFrom: '2025-01-01',
        governance: { maxChunkChanges },
      });
      const opened = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:OpenProposal', {
        proposalId: p.id,
      });
      expect(opened.governanceVersion).to.equal(1);
      for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
        await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, p.id));
      }
      ids.push(p.id);
    }
    const g = await net.submit<Governance>(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', {
      proposalId: ids[0],
    });
    expect(g).to.include({ version: 2, maxChunkChanges: 100 });
    await refusedWithoutWrites(net, 'VERSION_CONFLICT', () =>
      net.submit(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: ids[1] }),
    );
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
    await net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', await reviewed(net, p.id));
    const one = await net.submit<{ tally: Tally; proposal: Proposal }>(
      A.gdApprover,
      'Proposal:ApproveProposal',
      await reviewed(net, p.id),
    );
    expect(one.proposal.status).to.equal('open');
    expect(one.tally.provincesNeeded).to.equal(2);
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: p.id }),
      'QUORUM_NOT_MET',
    );
    const two = await net.submit<{ proposal: Proposal }>(
      A.snApprover,
      'Proposal:ApproveProposal',
      await reviewed(net, p.id),
    );
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
      await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
    }
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 }),
      'QUORUM_NOT_MET',
    );
    const last = await net.submit<{ proposal: Proposal }>(
      A.snApprover,
      'Proposal:ApproveProposal',
      await reviewed(net, id),
    );
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
      await reviewed(net, created.id),
    );
    expect(r1.proposal.status).to.equal('open');
    await net.submit(A.gdApprover, 'Proposal:ApproveProposal', await reviewed(net, created.id));
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
      await reviewed(net, created.id),
    );
    expect(r3.proposal.status).to.equal('approved');
    expect(r3.tally).to.deep.include({
      met: true,
      provincesNeeded: 2,
      approvals: ['GuangdongMSP', 'NHSAMSP', 'SichuanMSP'],
    });
    // late votes are refused once approved
    await refusedWithoutWrites(net, 'PROPOSAL_STATE', async () =>
      net.submit(A.snApprover, 'Proposal:ApproveProposal', await reviewed(net, created.id)),
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

  it('gives every key it creates a policy: national keys NHSA AND a province, records and votes immutable', async () => {
    const net = await bootstrapped();
    const v = await nationalVersion(net, [upserts([boraxItem])]);
    const pid = v.proposalIds[0]!;
    const policy = (k: string): unknown => decodeSignaturePolicy(net.ledger.validationParameter(k)!);
    const national = {
      nOutOf: 2,
      rules: [
        { signedBy: 'NHSAMSP' },
        {
          nOutOf: 1,
          rules: [{ signedBy: 'GuangdongMSP' }, { signedBy: 'SichuanMSP' }, { signedBy: 'ShaanxiMSP' }],
        },
      ],
    };
    const immutable = {
      nOutOf: 5,
      rules: ['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP'].map((m) => ({ signedBy: m })),
    };
    expect(policy(key('item', boraxId))).to.deep.equal(national);
    expect(policy('catalog.head')).to.deep.equal(national);
    for (const k of [
      key('itemv', boraxId, pid),
      key('ver', '0000000001'),
      key('lattice', '0000000001'),
      key('proposal', pid),
      key('chunk', pid, '00000'),
      key('pchg', pid, 'item', boraxId),
      ...['NHSAMSP', 'GuangdongMSP', 'SichuanMSP'].map((m) => key('vote', pid, m)),
    ]) {
      expect(policy(k), JSON.stringify(k)).to.deep.equal(immutable);
    }
    // every key of the ledger carries a policy (none falls back to the chaincode-level one)
    for (const k of net.ledger.keys()) {
      expect(net.ledger.validationParameter(k), JSON.stringify(k)).to.not.equal(undefined);
    }
    // PEER principals only: a client certificate can never stand in for an endorsing peer
    const envelope = net.ledger.validationParameter(key('item', boraxId))!;
    expect(JSON.stringify(decodeSignaturePolicy(envelope))).to.not.contain('member');
    // even every organisation together cannot rewrite an immutable key
    const tx = net.ledger.begin(A.nhsaAdmin);
    await tx.putState(key('itemv', boraxId, pid), Buffer.from('{}'));
    expect(() => {
      tx.commit(new Set(['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP', 'AuditMSP']));
    }).to.throw(/ENDORSEMENT_POLICY_FAILURE/);
    // and one organisation alone cannot write a national key, nor create a key
    for (const [k, endorsers] of [
      [key('item', boraxId), ['NHSAMSP']],
      [key('item', boraxId), ['GuangdongMSP', 'SichuanMSP']],
      ['brand-new-key', ['GuangdongMSP']],
    ] as const) {
      const forged = net.ledger.begin(A.nhsaAdmin);
      await forged.putState(k, Buffer.from('{}'));
      expect(
        () => {
          forged.commit(new Set(endorsers));
        },
        `${k} by ${endorsers.join('+')}`,
      ).to.throw(/ENDORSEMENT_POLICY_FAILURE/);
    }
  });

  it('binds votes to the manifest, base version and governance version reviewed', async () => {
    const net = await bootstrapped();
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    const good = await reviewed(net, id);
    for (const stale of [
      { ...good, manifestHash: 'f'.repeat(64) },
      { ...good, baseVersion: 7 },
      { ...good, governanceVersion: 2 },
    ]) {
      await refusedWithoutWrites(net, 'STALE_REVIEW', () =>
        net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', stale),
      );
      await refusedWithoutWrites(net, 'STALE_REVIEW', () =>
        net.submit(A.gdApprover, 'Proposal:RejectProposal', stale),
      );
    }
    const r = await net.submit<{
      vote: { manifestHash: string; baseVersion: number; governanceVersion: number };
    }>(A.nhsaApprover, 'Proposal:ApproveProposal', good);
    expect(r.vote).to.include({ manifestHash: good.manifestHash, baseVersion: 0, governanceVersion: 1 });
  });

  it('applies and seals only chunks that match the manifest fixed at open', async () => {
    const net = await bootstrapped();
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([boraxItem]),
      upserts([ilaprazoleItem]),
    ]);
    for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
      await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
    }
    // chunk 1 rewritten after the approvals: refused now that chunks are immutable from AddChunk on…
    const chunkKey = key('chunk', id, '00001');
    const chunk = net.ledger.getJson<{ changes: { item: { remark: string | null } }[] }>(chunkKey)!;
    chunk.changes[0]!.item.remark = 'forged';
    const forge = net.ledger.begin(A.nhsaAdmin);
    await forge.putState(chunkKey, Buffer.from(JSON.stringify(chunk)));
    expect(() => {
      forge.commit(new Set(['NHSAMSP', 'GuangdongMSP']));
    }).to.throw(/ENDORSEMENT_POLICY_FAILURE/);
    // …but a ledger whose chunks an earlier chaincode created as owned keys could hold one
    net.ledger.seed(chunkKey, Buffer.from(JSON.stringify(chunk)));
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 });
    await refusedWithoutWrites(net, 'MANIFEST_MISMATCH', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 1 }),
    );
    await refusedWithoutWrites(net, 'CHUNKS_INCOMPLETE', () =>
      net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id }),
    );
  });

  it('refuses an explicit item id that does not fit the item kind and owner', async () => {
    const net = await bootstrapped();
    for (const [item, scope] of [
      [{ ...boraxItem, id: 'S-SN-1' }, { scope: 'national' }],
      [{ ...boraxItem, id: 'H-0011223344556677' }, { scope: 'national' }],
      [
        { ...shaanxiWardItem, id: 'S-GD-110900004' },
        { scope: 'provincial', province: 'Shaanxi' },
      ],
      [
        { ...shaanxiWardItem, id: 'D-0011223344556677' },
        { scope: 'provincial', province: 'Shaanxi' },
      ],
    ] as const) {
      const proposer = scope.scope === 'national' ? A.nhsaProposer : A.snProposer;
      const p = await net.submit<Proposal>(proposer, 'Proposal:CreateProposal', {
        ...scope,
        title: 't',
        rationale: 'r',
        effectiveFrom: '2025-01-01',
      });
      await refusedWithoutWrites(net, 'ID_MISMATCH', () =>
        net.submit(proposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 0,
          changes: [{ op: 'upsertItem', item }],
        }),
      );
    }
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
    await refusedWithoutWrites(net, 'FORBIDDEN_ROLE', async () =>
      net.submit(A.gdProposer, 'Proposal:ApproveProposal', await reviewed(net, id)),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', async () =>
      net.submit(A.auditApprover, 'Proposal:ApproveProposal', await reviewed(net, id)),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ROLE', async () =>
      net.submit(A.auditor, 'Proposal:RejectProposal', await reviewed(net, id)),
    );
    await net.submit(A.gdApprover, 'Proposal:ApproveProposal', await reviewed(net, id));
    await refusedWithoutWrites(net, 'ALREADY_VOTED', async () =>
      net.submit(A.gdApprover, 'Proposal:RejectProposal', await reviewed(net, id)),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.gdProposer, 'Proposal:WithdrawProposal', { proposalId: id }),
    );
    await refusedWithoutWrites(net, 'PROPOSAL_NOT_FOUND', () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', {
        proposalId: 'nope',
        manifestHash: '0'.repeat(64),
        baseVersion: 0,
        governanceVersion: 1,
      }),
    );
    await refusedWithoutWrites(net, 'INVALID_INPUT', () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', '{"proposalId":'),
    );
    await refusedWithoutWrites(net, 'INVALID_INPUT', async () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', { ...(await reviewed(net, id)), extra: 1 }),
    );
    await refusedWithoutWrites(net, 'INVALID_INPUT', () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', { proposalId: id }),
    );
  });

  it('is rejected once quorum becomes impossible, and can be withdrawn before it is applied', async () => {
    const net = await bootstrapped();
    const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    await net.submit(A.gdApprover, 'Proposal:RejectProposal', {
      ...(await reviewed(net, id)),
      comment: 'no',
    });
    const r = await net.submit<{ proposal: Proposal }>(
      A.scApprover,
      'Proposal:RejectProposal',
      await reviewed(net, id),
    );
    expect(r.proposal.status).to.equal('rejected');
    expect(net.ledger.events.at(-1)).to.deep.include({ name: 'ProposalRejected' });
    await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:WithdrawProposal', { proposalId: id }),
      'PROPOSAL_STATE',
    );

    const id2 = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
    const nhsaNo = await net.submit<{ proposal: Proposal }>(
      A.nhsaApprover,
      'Proposal:RejectProposal',
      await reviewed(net, id2),
    );
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
    await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
    const self = { msp: 'ShaanxiMSP', role: 'approver', cn: 'alice' };
    const proposerAlice = { msp: 'ShaanxiMSP', role: 'proposer', cn: 'alice' };
    const id = await draftAndOpen(net, proposerAlice, { scope: 'provincial', province: 'Shaanxi' }, [
      upserts([shaanxiWardItem]),
    ]);
    await refusedWithoutWrites(net, 'SELF_APPROVAL', async () =>
      net.submit(self, 'Proposal:ApproveProposal', await reviewed(net, id)),
    );

    const net2 = newNetwork();
    await net2.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput({ allowSelfApproval: true }));
    const id2 = await draftAndOpen(net2, proposerAlice, { scope: 'provincial', province: 'Shaanxi' }, [
      upserts([shaanxiWardItem]),
    ]);
    const ok = await net2.submit<{ proposal: Proposal }>(
      self,
      'Proposal:ApproveProposal',
      await reviewed(net2, id2),
    );
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
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', async () =>
      net.submit(A.gdApprover, 'Proposal:ApproveProposal', await reviewed(net, id)),
    );
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', async () =>
      net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', await reviewed(net, id)),
    );
    const r = await net.submit<{ proposal: Proposal }>(
      A.snApprover,
      'Proposal:ApproveProposal',
      await reviewed(net, id),
    );
    expect(r.proposal.status).to.equal('approved');
    await refusedWithoutWrites(net, 'FORBIDDEN_ORG', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 }),
    );
    const v = await applyAndSeal(net, A.snAdmin, id, 1);
    expect(v).to.include({ version: 1, scope: 'provincial', province: 'Shaanxi' });
    const shaanxiAndOne = {
      nOutOf: 2,
      rules: [
        { signedBy: 'ShaanxiMSP' },
        {
          nOutOf: 1,
          rules: [{ signedBy: 'NHSAMSP' }, { signedBy: 'GuangdongMSP' }, { signedBy: 'SichuanMSP' }],
        },
      ],
    };
    for (const k of [key('item', wardId), key('ovl', wardId, 'ShaanxiMSP')]) {
      expect(decodeSignaturePolicy(net.ledger.validationParameter(k)!), JSON.stringify(k)).to.deep.equal(
        shaanxiAndOne,
      );
    }
    for (const k of [
      key('itemv', wardId, id),
      key('ovlv', wardId, 'ShaanxiMSP', id),
      key('proposal', id),
      key('chunk', id, '00000'),
    ]) {
      expect(policyOrgs(net.ledger.validationParameter(k)!), JSON.stringify(k)).to.have.length(4);
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
    await net.submit(A.scApprover, 'Proposal:ApproveProposal', await reviewed(net, id));
    const before = net.ledger.get(key('ovl', boraxId, 'SichuanMSP'));
    await rejectsWith(
      () =>
        net.submit(
          A.scProposer,
          'Proposal:ApplyChunk',
          { proposalId: id, chunkIndex: 0 },
          { endorsers: new Set(['GuangdongMSP', 'NHSAMSP']) },
        ),
      'ENDORSEMENT_POLICY_FAILURE',
    );
    expect(net.ledger.get(key('ovl', boraxId, 'SichuanMSP'))).to.deep.equal(before);
    await rejectsWith(
      () =>
        net.submit(
          A.scProposer,
          'Proposal:ApplyChunk',
          { proposalId: id, chunkIndex: 0 },
          { endorsers: new Set(['SichuanMSP']) },
        ),
      'ENDORSEMENT_POLICY_FAILURE',
    );
    await net.submit(
      A.scProposer,
      'Proposal:ApplyChunk',
      { proposalId: id, chunkIndex: 0 },
      { endorsers: new Set(['SichuanMSP', 'GuangdongMSP']) },
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
        await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
      }
    }
    // both simulate against the same state; the second to commit fails validation
    const s1 = await net.simulate(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: p1, chunkIndex: 0 });
    const s2 = await net.simulate(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: p2, chunkIndex: 0 });
    s1.tx.commit(new Set(['NHSAMSP', 'GuangdongMSP']));
    expect(() => {
      s2.tx.commit(new Set(['NHSAMSP', 'GuangdongMSP']));
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
      await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, p1));
    }
    await net.submit(A.snApprover, 'Proposal:ApproveProposal', await reviewed(net, p2));
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
