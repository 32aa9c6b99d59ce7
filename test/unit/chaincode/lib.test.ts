import { expect } from 'chai';
import { common, msp } from '@hyperledger/fabric-protos';
import { KeyEndorsementPolicy } from 'fabric-shim';
import {
  allOfPolicy,
  buildSignaturePolicy,
  CatalogError,
  computeItemId,
  decodeLattice,
  decodeSignaturePolicy,
  type DigestEntry,
  digestOfEntries,
  emptyLattice,
  encodeLattice,
  entryVector,
  ERROR_CODES,
  errorCodeOf,
  evaluateCoverage,
  initialGovernance,
  latticeAdd,
  latticeDigest,
  latticeOf,
  latticeSub,
  nationalAndProvincesSpec,
  normaliseProvince,
  policyOrgs,
  tally,
  type Vote,
} from '@nrdl-catalog/chaincode/model';
import { parseInput } from '../../../chaincode/src/lib/validate';
import { isValidDate } from '../../../chaincode/src/lib/time';
import { initInput, member, MEMBERS } from '../support/members';

describe('N-of-M signature policies', () => {
  it('builds NHSA AND 2-of-3 provinces, decodable with plain protobuf', () => {
    const bytes = buildSignaturePolicy(
      nationalAndProvincesSpec('NHSAMSP', ['GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP'], 2),
    );
    // decode independently of our decoder
    const env = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
    const names = env
      .getIdentitiesList()
      .map((p) => msp.MSPRole.deserializeBinary(p.getPrincipal_asU8()).getMspIdentifier());
    expect(names).to.deep.equal(['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP']);
    const rule = env.getRule()!;
    expect(rule.getNOutOf()!.getN()).to.equal(2);
    const [nhsa, provinces] = rule.getNOutOf()!.getRulesList();
    expect(nhsa!.getSignedBy()).to.equal(0);
    expect(provinces!.getNOutOf()!.getN()).to.equal(2);
    expect(
      provinces!
        .getNOutOf()!
        .getRulesList()
        .map((r) => r.getSignedBy()),
    ).to.deep.equal([1, 2, 3]);
    // and with ours, and fabric-shim sees the orgs
    expect(decodeSignaturePolicy(bytes)).to.deep.equal({
      nOutOf: 2,
      rules: [
        { signedBy: 'NHSAMSP' },
        {
          nOutOf: 2,
          rules: [{ signedBy: 'GuangdongMSP' }, { signedBy: 'SichuanMSP' }, { signedBy: 'ShaanxiMSP' }],
        },
      ],
    });
    expect(new KeyEndorsementPolicy(bytes).listOrgs()).to.have.members([
      'NHSAMSP',
      'GuangdongMSP',
      'SichuanMSP',
      'ShaanxiMSP',
    ]);
  });

  it('builds single-org policies with KeyEndorsementPolicy and refuses impossible thresholds', () => {
    expect(decodeSignaturePolicy(allOfPolicy('SichuanMSP'))).to.deep.equal({
      nOutOf: 1,
      rules: [{ signedBy: 'SichuanMSP' }],
    });
    expect(policyOrgs(allOfPolicy('GuangdongMSP'))).to.deep.equal(['GuangdongMSP']);
    expect(nationalAndProvincesSpec('NHSAMSP', ['A'], 0)).to.deep.equal({ signedBy: 'NHSAMSP' });
    expect(() => buildSignaturePolicy({ nOutOf: 3, rules: [{ signedBy: 'A' }, { signedBy: 'B' }] })).to.throw(
      /invalid NOutOf/,
    );
    const reused = decodeSignaturePolicy(
      buildSignaturePolicy({ nOutOf: 1, rules: [{ signedBy: 'A' }, { signedBy: 'A' }] }),
    );
    expect(reused).to.deep.equal({ nOutOf: 1, rules: [{ signedBy: 'A' }, { signedBy: 'A' }] });
  });
});

describe('LtHash digest', () => {
  const entries: DigestEntry[] = [
    { type: 'item', itemId: 'D-1', data: { name: 'a' } },
    { type: 'item', itemId: 'D-2', data: { name: 'b' } },
    { type: 'overlay', itemId: 'D-1', province: 'Sichuan', data: { suspended: true } },
  ];

  it('is order independent and updates incrementally', () => {
    const forward = digestOfEntries(entries);
    expect(digestOfEntries([...entries].reverse())).to.equal(forward);
    const lattice = latticeOf(entries.slice(0, 2));
    latticeAdd(lattice, entryVector(entries[2]!));
    expect(latticeDigest(lattice)).to.equal(forward);
    latticeSub(lattice, entryVector(entries[0]!));
    expect(latticeDigest(lattice)).to.equal(digestOfEntries(entries.slice(1)));
    latticeSub(lattice, entryVector(entries[1]!));
    latticeSub(lattice, entryVector(entries[2]!));
    expect(latticeDigest(lattice)).to.equal(latticeDigest(emptyLattice()));
  });

  it('depends on content and key order does not matter; lattices round-trip', () => {
    expect(digestOfEntries([{ type: 'item', itemId: 'D-1', data: { a: 1, b: 2 } }])).to.equal(
      digestOfEntries([{ type: 'item', itemId: 'D-1', data: { b: 2, a: 1 } }]),
    );
    expect(digestOfEntries([{ type: 'item', itemId: 'D-1', data: { a: 1 } }])).to.not.equal(
      digestOfEntries([{ type: 'item', itemId: 'D-1', data: { a: 2 } }]),
    );
    const l = latticeOf(entries);
    expect(decodeLattice(encodeLattice(l))).to.deep.equal(l);
    expect(() => decodeLattice('AAAA')).to.throw(/lattice must be/);
  });
});

describe('item ids', () => {
  it('are stable across editions and normalise width and whitespace', () => {
    const a = computeItemId({ kind: 'drug', name: '多种微量元素注射液(Ⅲ)', dosageForm: null });
    const b = computeItemId({ kind: 'drug', name: ' 多种微量元素注射液（Ⅲ）', dosageForm: '' });
    expect(a)
      .to.equal(b)
      .and.match(/^D-[0-9a-f]{16}$/);
    expect(
      computeItemId({ kind: 'drug', name: '二甲双胍\n二甲双胍Ⅱ', dosageForm: '口服常释剂型' }),
    ).to.not.equal(computeItemId({ kind: 'drug', name: '二甲双胍\n二甲双胍Ⅱ', dosageForm: '缓释控释剂型' }));
    expect(computeItemId({ kind: 'herbal', name: '阿胶' })).to.match(/^H-[0-9a-f]{16}$/);
    expect(computeItemId({ kind: 'service', name: '病房', provinceCode: 'sn', code: '320100001a' })).to.equal(
      'S-SN-320100001A',
    );
    expect(computeItemId({ kind: 'material', name: '留置针', provinceCode: 'SN', code: 'HC00101' })).to.equal(
      'M-SN-HC00101',
    );
    expect(computeItemId({ kind: 'material', name: '留置针', provinceCode: 'SN' })).to.match(
      /^M-SN-[0-9a-f]{16}$/,
    );
    expect(() => computeItemId({ kind: 'service', name: 'x' })).to.throw(/province code/);
  });
});

describe('provinces, errors, validation', () => {
  it('normalises province spellings from the governance record (test/unit/chaincode/provinces.test.ts has all)', () => {
    for (const s of ['Guangdong', 'GuangdongMSP', 'guangdong', ' GD ', '粤', '440000']) {
      expect(normaliseProvince(MEMBERS, s)).to.deep.equal(member('Guangdong'));
    }
    expect(() => normaliseProvince(MEMBERS, 'NHSAMSP')).to.throw(/^UNKNOWN_PROVINCE: /);
  });

  it('formats every error as CODE: message', () => {
    const e = new CatalogError('QUORUM_NOT_MET', 'need 2');
    expect(e.message).to.equal('QUORUM_NOT_MET: need 2');
    expect(errorCodeOf('chaincode response 500, VERSION_CONFLICT: x')).to.equal('VERSION_CONFLICT');
    expect(errorCodeOf('nothing here')).to.equal(null);
    expect(Object.keys(ERROR_CODES)).to.include.members([
      'INVALID_INPUT',
      'FORBIDDEN_ORG',
      'GOVERNANCE_EXISTS',
    ]);
  });

  it('validates inputs against the shared schemas', () => {
    expect(() => parseInput('Catalog.GetItem', '[]')).to.throw(/^INVALID_INPUT: /);
    expect(() => parseInput('Catalog.GetItem', '{"itemId":"x","zz":1}')).to.throw(/'zz'/);
    expect(() =>
      parseInput(
        'Proposal.AddChunk',
        JSON.stringify({ proposalId: 'p', chunkIndex: 0, changes: [{ op: 'nope' }] }),
      ),
    ).to.throw(/^INVALID_INPUT: /);
    expect(isValidDate('2024-02-29')).to.equal(true);
    expect(isValidDate('2023-02-29')).to.equal(false);
    expect(isValidDate('2023-2-1')).to.equal(false);
  });
});

describe('quorum and coverage rules (pure)', () => {
  const g = initialGovernance(initInput(), 'tx', '2024-01-01T00:00:00.000Z');
  const manifest = 'a'.repeat(64);
  const vote = (mspId: string, decision: 'approve' | 'reject', manifestHash = manifest): Vote => ({
    proposalId: 'p',
    mspId,
    decision,
    manifestHash,
    baseVersion: 0,
    governanceVersion: 1,
    voter: { mspId, id: mspId, role: 'approver' },
    comment: null,
    txId: 't',
    timestamp: 't',
  });

  it('national needs NHSA and a majority; auditors never count', () => {
    const p = { scope: 'national' as const, province: null, manifestHash: manifest, governanceVersion: 1 };
    expect(tally(g, p, [vote('GuangdongMSP', 'approve'), vote('SichuanMSP', 'approve')]).met).to.equal(false);
    expect(
      tally(g, p, [
        vote('NHSAMSP', 'approve'),
        vote('SichuanMSP', 'approve'),
        vote('GuangdongMSP', 'approve'),
      ]).met,
    ).to.equal(true);
    expect(
      tally(g, p, [vote('NHSAMSP', 'approve'), vote('SichuanMSP', 'approve'), vote('AuditMSP', 'approve')])
        .met,
    ).to.equal(false);
    const t = tally(g, p, [
      vote('NHSAMSP', 'approve'),
      vote('SichuanMSP', 'reject'),
      vote('ShaanxiMSP', 'reject'),
    ]);
    expect(t).to.deep.include({ met: false, impossible: true });
  });

  it('a vote for another manifest or governance version does not count', () => {
    const p = { scope: 'national' as const, province: null, manifestHash: manifest, governanceVersion: 1 };
    const other = 'b'.repeat(64);
    const t = tally(g, p, [
      vote('NHSAMSP', 'approve'),
      vote('SichuanMSP', 'approve'),
      vote('GuangdongMSP', 'approve', other),
    ]);
    expect(t.met).to.equal(false);
    expect(t.approvals).to.deep.equal(['NHSAMSP', 'SichuanMSP']);
    const stale = { ...vote('GuangdongMSP', 'approve'), governanceVersion: 2 };
    expect(tally(g, p, [vote('NHSAMSP', 'approve'), vote('SichuanMSP', 'approve'), stale]).met).to.equal(
      false,
    );
  });

  it('reports RESTRICTED only for violated structured rules', () => {
    const facts = {
      province: 'Sichuan',
      itemId: 'D-1',
      date: '2024-06-01',
      version: null,
      item: null,
      overlay: null,
    };
    expect(evaluateCoverage({ ...facts, patient: {} }).reason).to.equal('NOT_YET_EFFECTIVE');
  });
});
