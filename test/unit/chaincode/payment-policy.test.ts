/**
 * Provincial payment policies and cross-province care (异地就医): a province records its policy
 * through its own provincial proposal only, under its own key-level policy, versioned (as-of version
 * and date pick the version in force), in the digest; a coverage answer for a patient insured in I
 * and treated in T takes every catalog field from T and the payment policy from I, and says so; I = T
 * answers exactly as without an insured province.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import {
  computeItemId,
  decodeSignaturePolicy,
  digestOfEntries,
  fundRatioOf,
  insuredParts,
  normalisePaymentPolicy,
  policyOrgs,
  policyRowFor,
  type Change,
  type CoverageResult,
  type DigestEntry,
  type InsuredCoverageResult,
  type Item,
  type Overlay,
  type PaymentPolicy,
  type PaymentPolicyInput,
  type PaymentPolicyView,
  type Proposal,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { clearVersionCache } from '../../../chaincode/src/model/coverage-reader';
import { buildLedgerModel, entriesAt, verifyStore } from '../../../gateway-client/src/audit';
import { RecordingNetwork, recordedToChain } from '../audit/support/recording-network';
import { findWrite } from '../audit/support/stored-writes';
import { overwriteSqlite, sqliteStoreOf } from '../audit/support/verify-contract';
import { initInput } from '../support/members';
import { clientOn } from '../support/in-memory-client';
import { diffCatalogVersions } from '../../../gateway-client/src/version-diff';
import { MEMBERS } from '../support/members';
import type { Network } from './support/fabric-stub';
import {
  A,
  applyAndSeal,
  bootstrapped,
  boraxItem,
  draftAndOpen,
  nationalVersion,
  provincialVersion,
  rejectsWith,
  reviewed,
  upserts,
} from './support/fixtures';

const EXAMPLE = path.resolve(__dirname, '../../../docs/examples/policy-sichuan-example.json');

/** The example policy of docs/examples (示例数据，非真实标准). */
export function examplePolicy(): PaymentPolicyInput {
  const file = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as {
    changes: { op: string; policy: PaymentPolicyInput }[];
  };
  const [change] = file.changes;
  if (change === undefined) throw new Error('no change in the example');
  return change.policy;
}

const boraxId = computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' });
const gdServiceId = 'S-GD-310100001';
const gdService = {
  kind: 'service' as const,
  id: gdServiceId,
  section: '医疗服务项目',
  name: '示例诊查费',
  code: '310100001',
  province: 'Guangdong',
  unit: '次',
  fundPayable: true,
  provenance: { edition: 'GD-example' },
};

const policyChange = (policy: PaymentPolicyInput): Change => ({ op: 'setPaymentPolicy', policy });

async function check(
  net: Network,
  province: string,
  itemId: string,
  patient: Record<string, unknown>,
  date = '2025-06-01',
): Promise<InsuredCoverageResult> {
  return net.evaluate<InsuredCoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
    province,
    itemId,
    date,
    patient,
  });
}

function key(type: string, ...attrs: string[]): string {
  return `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
}

describe('payment policies (医保待遇) and cross-province care (异地就医)', function () {
  this.timeout(30_000);
  let net: Network;
  let v1: Version;

  before(async () => {
    clearVersionCache();
    net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])], '2025-01-01');
    await provincialVersion(net, 'Guangdong', [
      { op: 'upsertItem', item: gdService },
      { op: 'setOverlay', overlay: { itemId: boraxId, province: 'Guangdong', selfPayRatio: 0.05 } },
    ]);
    v1 = await provincialVersion(net, 'Sichuan', [policyChange(examplePolicy())], '2025-03-01');
  });

  describe('recording a policy', () => {
    it("is Sichuan's own provincial proposal: sealed as a provincial version, under Sichuan's key policy", () => {
      expect(v1).to.include({ scope: 'provincial', province: 'Sichuan' });
      expect(decodeSignaturePolicy(net.ledger.validationParameter(key('ppol', 'SichuanMSP'))!)).to.deep.equal(
        {
          nOutOf: 2,
          rules: [
            { signedBy: 'SichuanMSP' },
            {
              nOutOf: 1,
              rules: [{ signedBy: 'NHSAMSP' }, { signedBy: 'GuangdongMSP' }, { signedBy: 'ShaanxiMSP' }],
            },
          ],
        },
      );
      const [pid] = v1.proposalIds;
      // the version record is immutable: no set of endorsers satisfies its policy
      expect(
        policyOrgs(net.ledger.validationParameter(key('ppolv', 'SichuanMSP', pid ?? ''))!),
      ).to.have.length(4);
    });

    it('is read back by GetPaymentPolicy in any form of the province, normalised', async () => {
      const view = await net.evaluate<PaymentPolicyView>(A.gdHospital, 'Catalog:GetPaymentPolicy', {
        province: '川',
      });
      expect(view).to.include({
        province: 'Sichuan',
        listedInVersion: v1.version,
        catalogVersion: v1.version,
      });
      expect(view.policy).to.deep.equal(normalisePaymentPolicy(MEMBERS, examplePolicy()));
      expect(view.policy.rows[2]).to.deep.include({
        crossProvince: { registeredBp: null, unregisteredBp: 4000 },
        note: null,
      });
      expect(view.changes).to.deep.equal([{ version: v1.version, proposalId: v1.proposalIds[0], op: 'set' }]);
    });

    it('is part of the version digest', async () => {
      const entries: DigestEntry[] = [];
      const { item, overlays } = await net.evaluate<{ item: Item; overlays: Overlay[] }>(
        A.auditor,
        'Catalog:GetItem',
        { itemId: boraxId },
      );
      entries.push({ type: 'item', itemId: boraxId, data: item });
      for (const o of overlays)
        entries.push({ type: 'overlay', itemId: boraxId, province: o.province, data: o });
      const gd = await net.evaluate<{ item: Item }>(A.auditor, 'Catalog:GetItem', { itemId: gdServiceId });
      entries.push({ type: 'item', itemId: gdServiceId, data: gd.item });
      const withoutPolicy = digestOfEntries(entries);
      const policy = normalisePaymentPolicy(MEMBERS, examplePolicy());
      entries.push({ type: 'policy', province: 'Sichuan', data: policy });
      expect(v1.digest).to.equal(digestOfEntries(entries));
      expect(v1.digest).to.not.equal(withoutPolicy);
    });

    it('answers POLICY_NOT_FOUND for a province without one, and before its version', async () => {
      const none = await rejectsWith(
        () => net.evaluate(A.gdHospital, 'Catalog:GetPaymentPolicy', { province: 'Guangdong' }),
        'POLICY_NOT_FOUND',
      );
      expect(none).to.include('Guangdong');
      await rejectsWith(
        () =>
          net.evaluate(A.gdHospital, 'Catalog:GetPaymentPolicy', { province: 'Sichuan', date: '2025-02-01' }),
        'POLICY_NOT_FOUND',
      );
      await rejectsWith(
        () =>
          net.evaluate(A.gdHospital, 'Catalog:GetPaymentPolicy', {
            province: 'Sichuan',
            version: 1,
            date: '2025-02-01',
          }),
        'INVALID_INPUT',
      );
      await rejectsWith(
        () => net.evaluate(A.gdHospital, 'Catalog:GetPaymentPolicy', { province: 'Atlantis' }),
        'UNKNOWN_PROVINCE',
      );
    });
  });

  describe('refusals', () => {
    const draft = { title: 'policy', rationale: 'unit test', effectiveFrom: '2025-04-01' };
    async function drafted(proposer: typeof A.gdProposer, scope: object): Promise<string> {
      return (await net.submit<Proposal>(proposer, 'Proposal:CreateProposal', { ...scope, ...draft })).id;
    }

    it("refuses Guangdong writing Sichuan's policy: another province's proposal (FORBIDDEN_ORG) or its own (SCOPE_VIOLATION)", async () => {
      await rejectsWith(
        () => drafted(A.gdProposer, { scope: 'provincial', province: 'Sichuan' }),
        'FORBIDDEN_ORG',
      );
      const gd = await drafted(A.gdProposer, { scope: 'provincial', province: 'Guangdong' });
      const message = await rejectsWith(
        () =>
          net.submit(A.gdProposer, 'Proposal:AddChunk', {
            proposalId: gd,
            chunkIndex: 0,
            changes: [policyChange(examplePolicy())],
          }),
        'SCOPE_VIOLATION',
      );
      expect(message).to.include('policyOtherProvince');
      const clear = await rejectsWith(
        () =>
          net.submit(A.gdProposer, 'Proposal:AddChunk', {
            proposalId: gd,
            chunkIndex: 0,
            changes: [{ op: 'clearPaymentPolicy', province: 'Sichuan' }],
          }),
        'SCOPE_VIOLATION',
      );
      expect(clear).to.include('policyOtherProvince');
    });

    it('refuses a policy in a national proposal (SCOPE_VIOLATION.policyNotProvincial)', async () => {
      const national = await drafted(A.nhsaProposer, { scope: 'national' });
      const message = await rejectsWith(
        () =>
          net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
            proposalId: national,
            chunkIndex: 0,
            changes: [policyChange(examplePolicy())],
          }),
        'SCOPE_VIOLATION',
      );
      expect(message).to.include('policyNotProvincial');
    });

    it('refuses two changes of one policy, overlapping rows, a bad row and clearing a policy never set', async () => {
      const sc = await drafted(A.scProposer, { scope: 'provincial', province: 'Sichuan' });
      const add = (changes: Change[]): Promise<unknown> =>
        net.submit(A.scProposer, 'Proposal:AddChunk', { proposalId: sc, chunkIndex: 0, changes });
      expect(
        await rejectsWith(
          () => add([policyChange(examplePolicy()), { op: 'clearPaymentPolicy', province: 'SC' }]),
          'DUPLICATE_CHANGE',
        ),
      ).to.include('DUPLICATE_CHANGE.policy');
      const policy = examplePolicy();
      const [first] = policy.rows;
      const overlap = {
        ...policy,
        rows: [...policy.rows, { ...first!, hospitalLevels: [2, 3] as (1 | 2 | 3)[] }],
      };
      expect(await rejectsWith(() => add([policyChange(overlap)]), 'INVALID_INPUT')).to.include(
        'policyRowOverlap',
      );
      const badRatio = { ...policy, rows: [{ ...first!, fundRatioBp: 10_001 }] };
      await rejectsWith(() => add([policyChange(badRatio)]), 'INVALID_INPUT');
      const noProvenance = { province: 'Sichuan', rows: policy.rows } as unknown as PaymentPolicyInput;
      await rejectsWith(() => add([policyChange(noProvenance)]), 'INVALID_INPUT');
      const gd = await drafted(A.gdProposer, { scope: 'provincial', province: 'Guangdong' });
      expect(
        await rejectsWith(
          () =>
            net.submit(A.gdProposer, 'Proposal:AddChunk', {
              proposalId: gd,
              chunkIndex: 0,
              changes: [{ op: 'clearPaymentPolicy', province: 'Guangdong' }],
            }),
          'POLICY_NOT_FOUND',
        ),
      ).to.include('POLICY_NOT_FOUND.notSet');
    });
  });

  describe('coverage with two provinces (就医地目录、参保地政策)', () => {
    const worker = { insuranceType: 'employee', hospitalLevel: 3, visitType: 'inpatient' };

    it('I = T answers exactly as without an insured province, plus the policy parts', async () => {
      const plain = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
        province: 'Sichuan',
        itemId: boraxId,
        date: '2025-06-01',
        patient: worker,
      });
      const same = await check(net, 'Sichuan', boraxId, { ...worker, insuredProvince: 'Sichuan' });
      const { insuredProvince, scopeFrom, policyFrom, policyStatus, paymentPolicy, ...rest } = same;
      expect(rest).to.deep.equal(plain);
      expect({ insuredProvince, policyStatus }).to.deep.equal({
        insuredProvince: 'Sichuan',
        policyStatus: 'found',
      });
      expect(scopeFrom.province).to.equal('Sichuan');
      expect(policyFrom).to.deep.equal({ province: 'Sichuan', fields: ['paymentPolicy'] });
      expect(paymentPolicy).to.deep.include({
        crossProvince: false,
        registered: null,
        ratioBasis: 'local',
        fundRatioBp: 8500,
        rowIndex: 0,
        listedInVersion: v1.version,
      });
    });

    it('takes every catalog field from T (item, restriction, overlay, provincial items) and the policy from I', async () => {
      const here = await check(net, 'Guangdong', boraxId, {
        ...worker,
        insuredProvince: '四川',
        registered: true,
      });
      const plain = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
        province: 'Guangdong',
        itemId: boraxId,
        date: '2025-06-01',
        patient: worker,
      });
      for (const field of here.scopeFrom.fields) {
        expect(here[field], field).to.deep.equal(plain[field]);
      }
      expect(here.provincial).to.include({ province: 'Guangdong', selfPayRatio: 0.05 });
      expect(here.scopeFrom).to.deep.equal({
        province: 'Guangdong',
        fields: [
          'agreementPeriod',
          'class',
          'covered',
          'paymentStandard',
          'provincial',
          'reason',
          'restriction',
          'rule',
          'rules',
        ],
      });
      expect(here.policyFrom.province).to.equal('Sichuan');
      expect(here.paymentPolicy).to.deep.include({
        province: 'Sichuan',
        crossProvince: true,
        registered: true,
        ratioBasis: 'registered',
        fundRatioBp: 8500,
        visitType: 'inpatient',
      });
      // a Guangdong service item: covered when treated in Guangdong, NOT_IN_PROVINCE in Sichuan
      const gd = await check(net, 'Guangdong', gdServiceId, { ...worker, insuredProvince: 'Sichuan' });
      expect(gd).to.include({ covered: true, reason: 'COVERED', insuredProvince: 'Sichuan' });
      const sc = await check(net, 'Sichuan', gdServiceId, { ...worker, insuredProvince: 'Sichuan' });
      expect(sc).to.include({ covered: false, reason: 'NOT_IN_PROVINCE' });
    });

    it('applies the registered / unregistered ratio of the row, and says what the context lacks', async () => {
      const unregistered = await check(net, 'Guangdong', boraxId, {
        ...worker,
        insuredProvince: 'Sichuan',
        registered: false,
      });
      expect(unregistered.paymentPolicy).to.include({ ratioBasis: 'unregistered', fundRatioBp: 7500 });
      const unknown = await check(net, 'Guangdong', boraxId, { ...worker, insuredProvince: 'Sichuan' });
      expect(unknown.paymentPolicy).to.include({
        registered: null,
        ratioBasis: 'unregistered',
        fundRatioBp: 7500,
      });
      const chronic = await check(net, 'Guangdong', boraxId, {
        insuranceType: 'employee',
        hospitalLevel: 2,
        visitType: 'outpatient',
        chronic: true,
        insuredProvince: 'Sichuan',
        registered: true,
      });
      // the chronic row gives no registered ratio: the local one applies
      expect(chronic.paymentPolicy).to.include({
        visitType: 'chronicOutpatient',
        rowIndex: 3,
        fundRatioBp: 8000,
      });
      const vague = await check(net, 'Guangdong', boraxId, { insuredProvince: 'Sichuan' });
      expect(vague.policyStatus).to.equal('found');
      expect(vague.paymentPolicy).to.deep.include({
        row: null,
        rowIndex: null,
        missing: ['insuranceType', 'visitType', 'hospitalLevel'],
        ratioBasis: null,
        fundRatioBp: null,
      });
      const noRow = await check(net, 'Guangdong', boraxId, {
        ...worker,
        insuranceType: 'maternity',
        insuredProvince: 'Sichuan',
      });
      expect(noRow.paymentPolicy).to.deep.include({ row: null, missing: [] });
    });

    it('answers policyStatus none for a province without a policy, and before the policy is in force', async () => {
      const gd = await check(net, 'Sichuan', boraxId, { ...worker, insuredProvince: 'Guangdong' });
      expect(gd).to.include({ policyStatus: 'none', paymentPolicy: null, covered: true });
      const early = await check(
        net,
        'Guangdong',
        boraxId,
        { ...worker, insuredProvince: 'Sichuan' },
        '2025-02-01',
      );
      expect(early).to.include({ policyStatus: 'none', paymentPolicy: null });
      const nothing = await check(
        net,
        'Guangdong',
        boraxId,
        { ...worker, insuredProvince: 'Sichuan' },
        '2024-06-01',
      );
      expect(nothing).to.include({ reason: 'NOT_YET_EFFECTIVE', policyStatus: 'none' });
      await rejectsWith(
        () => check(net, 'Guangdong', boraxId, { insuredProvince: 'Atlantis' }),
        'UNKNOWN_PROVINCE',
      );
    });

    it('a national drug suspended in T is not covered in T for a patient insured elsewhere', async () => {
      const local = await bootstrapped();
      await nationalVersion(local, [upserts([boraxItem])], '2025-01-01');
      await provincialVersion(local, 'Guangdong', [
        { op: 'setOverlay', overlay: { itemId: boraxId, province: 'Guangdong', suspended: true } },
      ]);
      await provincialVersion(local, 'Sichuan', [policyChange(examplePolicy())]);
      const there = await check(local, 'Guangdong', boraxId, { ...worker, insuredProvince: 'Sichuan' });
      expect(there).to.include({ covered: false, reason: 'PROVINCE_SUSPENDED', policyStatus: 'found' });
      const home = await check(local, 'Sichuan', boraxId, { ...worker, insuredProvince: 'Sichuan' });
      expect(home).to.include({ covered: true, reason: 'COVERED' });
    });

    it('the batch answers each line as CheckCoverage does', async () => {
      const lines = [
        {
          province: 'Guangdong',
          itemId: boraxId,
          date: '2025-06-01',
          patient: { ...worker, insuredProvince: 'SC' },
        },
        { province: 'Guangdong', itemId: gdServiceId, date: '2025-06-01', patient: worker },
        {
          province: 'Sichuan',
          code: '310100001',
          date: '2025-06-01',
          patient: { ...worker, insuredProvince: 'SC' },
        },
      ];
      const { results } = await net.evaluate<{ results: unknown[] }>(
        A.gdHospital,
        'Catalog:CheckCoverageBatch',
        {
          lines,
        },
      );
      for (const [i, line] of lines.entries()) {
        clearVersionCache();
        const single = await net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', line);
        expect(results[i], String(i)).to.deep.equal(single);
      }
    });
  });

  describe('versions', () => {
    it('as-of version and date pick the policy version in force; a clear removes it', async () => {
      const local = await bootstrapped();
      await nationalVersion(local, [upserts([boraxItem])], '2025-01-01');
      const first = await provincialVersion(local, 'Sichuan', [policyChange(examplePolicy())], '2025-01-01');
      const policy = examplePolicy();
      const raised = { ...policy, rows: policy.rows.map((r) => ({ ...r, fundRatioBp: 9000 })) };
      const second = await provincialVersion(local, 'Sichuan', [policyChange(raised)], '2025-07-01');
      const at = async (sel: object): Promise<PaymentPolicyView> =>
        local.evaluate<PaymentPolicyView>(A.gdHospital, 'Catalog:GetPaymentPolicy', {
          province: 'Sichuan',
          ...sel,
        });
      expect((await at({ date: '2025-03-15' })).policy.rows[0]?.fundRatioBp).to.equal(8500);
      expect((await at({ date: '2025-03-15' })).listedInVersion).to.equal(first.version);
      expect((await at({ date: '2025-07-01' })).policy.rows[0]?.fundRatioBp).to.equal(9000);
      expect((await at({ version: first.version })).listedInVersion).to.equal(first.version);
      const head = await at({});
      expect(head.listedInVersion).to.equal(second.version);
      expect(head.changes.map((c) => c.version)).to.deep.equal([first.version, second.version]);
      const worker = {
        insuranceType: 'employee',
        hospitalLevel: 3,
        visitType: 'inpatient',
        insuredProvince: 'Sichuan',
      };
      const between = await check(local, 'Guangdong', boraxId, worker, '2025-03-15');
      expect(between.paymentPolicy).to.include({ listedInVersion: first.version, fundRatioBp: 7500 });
      const later = await check(local, 'Guangdong', boraxId, worker, '2025-08-01');
      expect(later.paymentPolicy?.listedInVersion).to.equal(second.version);
      // a pending second change of the same policy conflicts at apply
      const id = await draftAndOpen(local, A.scProposer, { scope: 'provincial', province: 'Sichuan' }, [
        [{ op: 'clearPaymentPolicy', province: 'Sichuan' }],
      ]);
      await local.submit(A.scApprover, 'Proposal:ApproveProposal', await reviewed(local, id));
      const cleared = await applyAndSeal(local, A.scProposer, id, 1);
      await rejectsWith(() => at({}), 'POLICY_NOT_FOUND');
      expect((await at({ version: second.version })).policy.rows[0]?.fundRatioBp).to.equal(9000);
      const gone = await check(local, 'Guangdong', boraxId, worker, '2025-08-01');
      expect(gone.policyStatus).to.equal('none');
      expect(cleared.digest).to.not.equal(second.digest);
    });

    it('refuses a change of a policy changed after the proposal was opened (VERSION_CONFLICT)', async () => {
      const local = await bootstrapped();
      await provincialVersion(local, 'Sichuan', [policyChange(examplePolicy())]);
      const a = await draftAndOpen(local, A.scProposer, { scope: 'provincial', province: 'Sichuan' }, [
        [policyChange(examplePolicy())],
      ]);
      const b = await draftAndOpen(local, A.scProposer, { scope: 'provincial', province: 'Sichuan' }, [
        [{ op: 'clearPaymentPolicy', province: 'Sichuan' }],
      ]);
      for (const id of [a, b]) {
        await local.submit(A.scApprover, 'Proposal:ApproveProposal', await reviewed(local, id));
      }
      await local.submit(A.scProposer, 'Proposal:ApplyChunk', { proposalId: a, chunkIndex: 0 });
      const pending = await rejectsWith(
        () => local.submit(A.scProposer, 'Proposal:ApplyChunk', { proposalId: b, chunkIndex: 0 }),
        'VERSION_CONFLICT',
      );
      expect(pending).to.include('policyPending');
      await local.submit(A.scProposer, 'Proposal:SealVersion', { proposalId: a });
      const changed = await rejectsWith(
        () => local.submit(A.scProposer, 'Proposal:ApplyChunk', { proposalId: b, chunkIndex: 0 }),
        'VERSION_CONFLICT',
      );
      expect(changed).to.include('policyChanged');
    });
  });

  describe("the auditors' model", () => {
    let recorded: RecordingNetwork;
    const versions: Version[] = [];

    before(async () => {
      clearVersionCache();
      recorded = new RecordingNetwork();
      await recorded.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
      versions.push(await nationalVersion(recorded, [upserts([boraxItem])], '2025-01-01'));
      versions.push(
        await provincialVersion(recorded, 'Sichuan', [policyChange(examplePolicy())], '2025-02-01'),
      );
      const policy = examplePolicy();
      const changed = { ...policy, rows: policy.rows.slice(0, 2) };
      versions.push(await provincialVersion(recorded, 'Sichuan', [policyChange(changed)], '2025-03-01'));
      versions.push(
        await provincialVersion(
          recorded,
          'Sichuan',
          [{ op: 'clearPaymentPolicy', province: 'Sichuan' }],
          '2025-04-01',
        ),
      );
    });

    it('replays the policy versions and recomputes every digest with them', async () => {
      const store = await sqliteStoreOf(recordedToChain(recorded.recorded, 3).blocks);
      expect(await verifyStore(store)).to.deep.include({ ok: true });
      const model = await buildLedgerModel(store);
      expect(model.versions.map((v) => v.recomputedDigest)).to.deep.equal(versions.map((v) => v.digest));
      const policyAt = (version: number): DigestEntry[] =>
        [...entriesAt(model, version).values()].filter((e) => e.type === 'policy');
      expect(policyAt(2).map((e) => (e.data as PaymentPolicy).rows.length)).to.deep.equal([7]);
      expect(policyAt(3).map((e) => (e.data as PaymentPolicy).rows.length)).to.deep.equal([2]);
      expect(policyAt(4)).to.deep.equal([]);
      const change = model.versions[2]?.changes.find((c) => c.kind === 'policy');
      expect(change).to.deep.include({
        kind: 'policy',
        itemId: 'Sichuan',
        province: 'Sichuan',
        mspId: 'SichuanMSP',
        op: 'set',
      });
      await store.close();
    });

    it('the version diff names the policy added, changed and removed, field by field', async () => {
      const client = clientOn(recorded, A.auditor);
      const [, set, changed, cleared] = versions.map((v) => v.version);
      expect(await diffCatalogVersions(client, set! - 1, set!)).to.deep.equal([
        { change: 'added', kind: 'policy', itemId: 'Sichuan', province: 'Sichuan', name: null, fields: [] },
      ]);
      const diff = await diffCatalogVersions(client, set!, changed!);
      expect(diff.map((d) => [d.change, d.kind, d.itemId])).to.deep.equal([['changed', 'policy', 'Sichuan']]);
      expect(diff[0]?.fields.length).to.be.greaterThan(0);
      expect((await diffCatalogVersions(client, changed!, cleared!)).map((d) => d.change)).to.deep.equal([
        'removed',
      ]);
    });

    it('flags a tampered policy record', async () => {
      const store = await sqliteStoreOf(recordedToChain(recorded.recorded, 3).blocks);
      const pid = versions[1]?.proposalIds[0] ?? '';
      const row = await findWrite(store, 'ppolv', ['SichuanMSP', pid]);
      const stored = row.value['policy'] as PaymentPolicy;
      const rows = stored.rows.map((r, i) => (i === 0 ? { ...r, fundRatioBp: 9900 } : r));
      await overwriteSqlite(store, row, { ...row.value, policy: { ...stored, rows } });
      const result = await verifyStore(store);
      expect(result.ok).to.equal(false);
      await store.close();
    });
  });

  describe('the composition rule (pure)', () => {
    const policy: PaymentPolicy = normalisePaymentPolicy(MEMBERS, examplePolicy());
    const row = policy.rows[0]!;

    it('fund ratio: local in I; registered, unregistered or unknown elsewhere, falling back unregistered → registered → local', () => {
      expect(fundRatioOf(row, false, true)).to.deep.equal({ ratioBasis: 'local', fundRatioBp: 8500 });
      expect(fundRatioOf(row, true, true)).to.deep.equal({ ratioBasis: 'registered', fundRatioBp: 8500 });
      expect(fundRatioOf(row, true, false)).to.deep.equal({ ratioBasis: 'unregistered', fundRatioBp: 7500 });
      expect(fundRatioOf(row, true, null)).to.deep.equal({ ratioBasis: 'unregistered', fundRatioBp: 7500 });
      const bare = { ...row, crossProvince: null };
      expect(fundRatioOf(bare, true, false)).to.deep.equal({ ratioBasis: 'unregistered', fundRatioBp: 8500 });
      const onlyRegistered = { ...row, crossProvince: { registeredBp: 8000, unregisteredBp: null } };
      expect(fundRatioOf(onlyRegistered, true, false).fundRatioBp).to.equal(8000);
    });

    it('row: by insurance type, visit type (chronic outpatient) and hospital level', () => {
      expect(
        policyRowFor(policy, { insuranceType: 'resident', visitType: 'inpatient', hospitalLevel: 1 })
          .rowIndex,
      ).to.equal(5);
      expect(
        policyRowFor(policy, { insuranceType: 'employee', visitType: 'outpatient', hospitalLevel: 1 })
          .rowIndex,
      ).to.equal(2);
      expect(
        policyRowFor(policy, {
          insuranceType: 'employee',
          visitType: 'outpatient',
          chronic: true,
          hospitalLevel: 1,
        }).rowIndex,
      ).to.equal(3);
      // chronic means nothing for an inpatient stay
      expect(
        policyRowFor(policy, {
          insuranceType: 'employee',
          visitType: 'inpatient',
          chronic: true,
          hospitalLevel: 3,
        }).rowIndex,
      ).to.equal(0);
      expect(policyRowFor(policy, { visitType: 'inpatient' }).missing).to.deep.equal([
        'insuranceType',
        'hospitalLevel',
      ]);
    });

    it('parts: T names the scope, I the policy; no policy → none', () => {
      const parts = insuredParts('Guangdong', 'Sichuan', {}, null);
      expect(parts).to.deep.include({
        insuredProvince: 'Sichuan',
        policyStatus: 'none',
        paymentPolicy: null,
      });
      expect(parts.scopeFrom.province).to.equal('Guangdong');
      expect(parts.policyFrom.province).to.equal('Sichuan');
    });
  });
});
