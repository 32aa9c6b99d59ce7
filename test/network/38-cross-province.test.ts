/**
 * Cross-province care (异地就医) on the real network: Sichuan records the example payment policy
 * (docs/examples/policy-sichuan-example.json, 示例数据，非真实标准) through its own provincial proposal
 * with `catalog propose` — Guangdong cannot write it —, then a patient insured in Sichuan is treated
 * in Guangdong: the catalog (items, overlays, provincial items) comes from Guangdong, the payment
 * policy from Sichuan (就医地目录、参保地政策), and the estimated split of a three-line claim is the
 * hand computation below. As-of dates pick the policy version in force.
 */
import { expect } from 'chai';
import path from 'node:path';
import type {
  Change,
  InsuredCoverageResult,
  ItemInput,
  PaymentPolicyInput,
  PatientContext,
} from '@nrdl-catalog/chaincode/model';
import { checkClaim } from '../../gateway-client/src';
import { CatalogClientError } from '../../gateway-client/src/errors';
import {
  approveAs,
  clientAs,
  closeClients,
  drugItem,
  ensureCatalog,
  idOf,
  uniqueName,
  upserts,
} from './support/catalog';
import { REPO, runCatalog } from './support/cli';

const EXAMPLE = path.join(REPO, 'docs', 'examples', 'policy-sichuan-example.json');

function dayAfter(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** One provincial proposal of `as`'s province through apply and seal; returns the version. */
async function provincialChange(
  province: 'Guangdong' | 'Sichuan',
  changes: Change[],
  effectiveFrom: string,
  title: string,
): Promise<number> {
  const org = province.toLowerCase();
  const proposer = clientAs(`${org}/proposer`);
  const created = await proposer.createProposal({
    scope: 'provincial',
    province,
    title,
    rationale: title,
    effectiveFrom,
  });
  const proposalId = created.value.id;
  await proposer.addChunk({ proposalId, chunkIndex: 0, changes });
  await proposer.openProposal({ proposalId });
  await approveAs(proposalId, [`${org}/approver`]);
  await proposer.applyChunk({ proposalId, chunkIndex: 0 });
  return (await proposer.sealVersion({ proposalId })).value.version;
}

async function nationalChange(changes: Change[], effectiveFrom: string, title: string): Promise<number> {
  const proposer = clientAs('nhsa/proposer');
  const created = await proposer.createProposal({
    scope: 'national',
    title,
    rationale: title,
    effectiveFrom,
  });
  const proposalId = created.value.id;
  await proposer.addChunk({ proposalId, chunkIndex: 0, changes });
  await proposer.openProposal({ proposalId });
  await approveAs(proposalId);
  await proposer.applyChunk({ proposalId, chunkIndex: 0 });
  return (await proposer.sealVersion({ proposalId })).value.version;
}

async function examplePolicy(): Promise<PaymentPolicyInput> {
  const { readFile } = await import('node:fs/promises');
  const file = JSON.parse(await readFile(EXAMPLE, 'utf8')) as { changes: { policy: PaymentPolicyInput }[] };
  const policy = file.changes[0]?.policy;
  if (policy === undefined) throw new Error('no policy in the example');
  return policy;
}

describe('real network: cross-province care (就医地目录、参保地政策)', function () {
  const jia = drugItem(uniqueName('异地甲类药'), { class: '甲' });
  const yi = drugItem(uniqueName('异地乙类药'), { class: '乙' });
  const suspended = drugItem(uniqueName('广东暂停药'), { class: '甲' });
  const code = `X${process.pid}${Date.now().toString(36)}`.slice(0, 20).toUpperCase();
  const gdService: ItemInput = {
    kind: 'service',
    section: '医疗服务项目',
    name: uniqueName('广东诊查费'),
    code,
    province: 'Guangdong',
    unit: '次',
    fundPayable: true,
    provenance: { edition: 'TEST', sourceRow: null, source: 'test' },
  };
  const gdServiceId = `S-GD-${code}`;
  /** A Sichuan-insured worker in a 三级 hospital, admitted; registered with Sichuan (已备案). */
  const worker: PatientContext = {
    age: 40,
    sex: 'male',
    insuranceType: 'employee',
    hospitalLevel: 3,
    visitType: 'inpatient',
    insuredProvince: 'Sichuan',
    registered: true,
  };
  let v1From = '';
  let v2From = '';
  let policyV1 = 0;
  let policyV2 = 0;
  const started = Date.now();

  const check = (
    province: string,
    itemId: string,
    date: string,
    patient = worker,
  ): Promise<InsuredCoverageResult> =>
    clientAs('guangdong/hospital1').checkCoverage({
      province,
      itemId,
      date,
      patient,
    }) as Promise<InsuredCoverageResult>;

  before(async function () {
    await ensureCatalog();
    let headFrom = '2025-01-01';
    try {
      const head = await clientAs('audit/auditor').getVersion({});
      if (head.effectiveFrom > headFrom) headFrom = head.effectiveFrom;
    } catch (error) {
      if (!(error instanceof CatalogClientError && error.code === 'VERSION_NOT_FOUND')) throw error;
    }
    v1From = headFrom;
    v2From = dayAfter(headFrom, 20);
    await nationalChange(upserts(jia, yi, suspended), v1From, 'cross-province test drugs');
    await provincialChange(
      'Guangdong',
      [
        { op: 'upsertItem', item: gdService },
        { op: 'setOverlay', overlay: { itemId: idOf(suspended), province: 'Guangdong', suspended: true } },
      ],
      v1From,
      'cross-province test: a Guangdong service item and a suspension',
    );
    console.log(`      test catalog sealed in ${Date.now() - started} ms`);
  });

  after(function () {
    console.log(`      suite took ${Date.now() - started} ms`);
    closeClients();
  });

  it("Guangdong cannot write Sichuan's policy: not through a Sichuan proposal, not in its own", async function () {
    const gd = clientAs('guangdong/proposer');
    try {
      await gd.createProposal({
        scope: 'provincial',
        province: 'Sichuan',
        title: 'not ours',
        rationale: 'test',
        effectiveFrom: v1From,
      });
      expect.fail('Guangdong created a Sichuan proposal');
    } catch (error) {
      expect((error as CatalogClientError).code).to.equal('FORBIDDEN_ORG');
    }
    const own = await gd.createProposal({
      scope: 'provincial',
      province: 'Guangdong',
      title: uniqueName('Sichuan policy in a Guangdong proposal'),
      rationale: 'test: refused',
      effectiveFrom: v1From,
    });
    try {
      await gd.addChunk({
        proposalId: own.value.id,
        chunkIndex: 0,
        changes: [{ op: 'setPaymentPolicy', policy: await examplePolicy() }],
      });
      expect.fail('Guangdong added Sichuan policy');
    } catch (error) {
      expect((error as CatalogClientError).code).to.equal('SCOPE_VIOLATION');
      expect((error as CatalogClientError).template).to.equal('SCOPE_VIOLATION.policyOtherProvince');
    } finally {
      await gd.withdrawProposal({ proposalId: own.value.id, reason: 'test done' });
    }
  });

  it('Sichuan records the example policy through its own proposal (catalog propose)', async function () {
    const t0 = Date.now();
    const run = await runCatalog([
      'propose',
      '--file',
      EXAMPLE,
      '--scope',
      'Sichuan',
      '--title',
      uniqueName('示例医保待遇'),
      '--effective-from',
      v1From,
      '--as',
      'sichuan/proposer',
      '--approve-as',
      'sichuan/approver',
      '--apply',
      '--json',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const view = await clientAs('guangdong/hospital1').getPaymentPolicy({ province: '川' });
    expect(view.province).to.equal('Sichuan');
    expect(view.policy.provenance.title).to.contain('示例数据，非真实标准');
    policyV1 = view.listedInVersion;
    console.log(`      policy v1 sealed as version ${policyV1} in ${Date.now() - t0} ms (CLI, one process)`);
  });

  it('a Guangdong service item: covered for a Sichuan-insured patient treated in Guangdong, NOT_IN_PROVINCE in Sichuan', async function () {
    const here = await check('Guangdong', gdServiceId, v2From);
    expect(here).to.include({
      covered: true,
      reason: 'COVERED',
      insuredProvince: 'Sichuan',
      policyStatus: 'found',
    });
    expect(here.scopeFrom.province).to.equal('Guangdong');
    expect(here.policyFrom.province).to.equal('Sichuan');
    expect(here.paymentPolicy).to.deep.include({
      crossProvince: true,
      ratioBasis: 'registered',
      fundRatioBp: 8500,
    });
    const home = await check('Sichuan', gdServiceId, v2From);
    expect(home).to.include({ covered: false, reason: 'NOT_IN_PROVINCE' });
  });

  it('a national drug Guangdong suspends: not covered in Guangdong for a Sichuan-insured patient', async function () {
    const there = await check('Guangdong', idOf(suspended), v2From);
    expect(there).to.include({ covered: false, reason: 'PROVINCE_SUSPENDED', policyStatus: 'found' });
    expect(there.provincial).to.include({ province: 'Guangdong', suspended: true });
    const home = await check('Sichuan', idOf(suspended), v2From, { ...worker, registered: undefined });
    expect(home).to.include({ covered: true, reason: 'COVERED' });
    expect(home.paymentPolicy).to.include({ crossProvince: false, ratioBasis: 'local' });
  });

  it('the estimated split of a three-line claim equals the hand computation', async function () {
    const result = await checkClaim(clientAs('guangdong/hospital1'), {
      province: 'Guangdong',
      date: v2From,
      patient: worker,
      lines: [
        { itemId: idOf(jia), amount: '1234.56' },
        { itemId: idOf(yi), amountFen: 50005 },
        { itemId: idOf(suspended), amount: '88.00' },
      ],
    });
    // Sichuan's example row 0 (employee, inpatient, 三级): deductible 800.00 元, 85 % for a registered
    // patient treated elsewhere, cap 300,000.00 元, class 乙 self-pay 10 %. Nothing paid yet this year.
    // line 1 (甲, 123456 fen): deductible 80000; fund = round(43456 × 0.85 = 36937.6) = 36938; patient 86518
    // line 2 (乙, 50005 fen): 乙类先行自付 round(5000.5) = 5001; deductible already met;
    //         fund = round(45004 × 0.85 = 38253.4) = 38253; patient 50005 − 38253 = 11752
    // line 3 (suspended in Guangdong, 8800 fen): not covered, the patient pays 8800
    const hand = {
      fund: [36_938, 38_253, 0],
      patient: [86_518, 11_752, 8_800],
    };
    expect(result.insuredProvince).to.equal('Sichuan');
    expect(result.lines.map((l) => l.estimate?.split?.fundPaysFen)).to.deep.equal(hand.fund);
    expect(result.lines.map((l) => l.estimate?.split?.patientPaysFen)).to.deep.equal(hand.patient);
    expect(result.lines[1]?.estimate?.split).to.deep.include({ classBSelfPayFen: 5_001, deductibleFen: 0 });
    expect(result.split?.totals).to.deep.include({
      amountFen: 182_261,
      notCoveredFen: 8_800,
      deductibleFen: 80_000,
      fundPaysFen: 36_938 + 38_253,
      patientPaysFen: 86_518 + 11_752 + 8_800,
    });
    expect(result.lines[0]?.estimate?.split?.sources.fundShare).to.deep.include({
      province: 'Sichuan',
      rule: 'policy',
      rowIndex: 0,
      version: policyV1,
      value: 8500,
    });
  });

  it('as-of dates pick the policy version in force (v1, then v2, asked between)', async function () {
    const policy = await examplePolicy();
    const raised: PaymentPolicyInput = {
      ...policy,
      rows: policy.rows.map((r) => ({ ...r, fundRatioBp: 9000 })),
    };
    policyV2 = await provincialChange(
      'Sichuan',
      [{ op: 'setPaymentPolicy', policy: raised }],
      v2From,
      uniqueName('示例医保待遇 v2'),
    );
    const hospital = clientAs('guangdong/hospital1');
    const between = dayAfter(v1From, 10);
    const asOf = await hospital.getPaymentPolicy({ province: 'Sichuan', date: between });
    expect(asOf.listedInVersion).to.equal(policyV1);
    expect(asOf.policy.rows[0]?.fundRatioBp).to.equal(8500);
    const now = await hospital.getPaymentPolicy({ province: 'Sichuan', date: v2From });
    expect(now.listedInVersion).to.equal(policyV2);
    const early = await check('Guangdong', idOf(jia), between, { ...worker, registered: false });
    expect(early.paymentPolicy).to.include({ listedInVersion: policyV1, fundRatioBp: 7500 });
    const late = await check('Guangdong', idOf(jia), v2From, { ...worker, registered: false });
    // v2 raised the local ratio only: the row's unregistered ratio stays 75 %
    expect(late.paymentPolicy).to.include({ listedInVersion: policyV2, fundRatioBp: 7500 });
    const local = await check('Sichuan', idOf(jia), v2From, { ...worker, registered: undefined });
    expect(local.paymentPolicy).to.include({
      listedInVersion: policyV2,
      fundRatioBp: 9000,
      ratioBasis: 'local',
    });
  });
});
