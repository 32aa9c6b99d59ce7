/**
 * The national rule base on the real network: NHSA applies a small rule set (an age rule, a sex rule,
 * a claim-level quantity rule) through a national proposal approved by NHSA and two provinces; a
 * hospital's coverage check then answers RESTRICTED naming the rule for a patient outside it and
 * covered inside it; a later version removes the age rule, which then no longer applies — but still
 * does as of the earlier version.
 */
import { expect } from 'chai';
import type { Change, CoverageResult, RuleInput } from '@nrdl-catalog/chaincode/model';
import { CatalogClientError } from '../../gateway-client/src';
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

/** Proposes, approves (NHSA + Guangdong + Sichuan), applies and seals one national chunk; returns the version. */
async function nationalChange(changes: Change[], effectiveFrom: string, title: string): Promise<number> {
  const proposer = clientAs('nhsa/proposer');
  const created = await proposer.createProposal({
    scope: 'national',
    title,
    rationale: `test: ${title}`,
    effectiveFrom,
  });
  const proposalId = created.value.id;
  await proposer.addChunk({ proposalId, chunkIndex: 0, changes });
  await proposer.openProposal({ proposalId });
  await approveAs(proposalId);
  await proposer.applyChunk({ proposalId, chunkIndex: 0 });
  return (await proposer.sealVersion({ proposalId })).value.version;
}

function dayAfter(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('real network: the national rule base in coverage', function () {
  const tag = `${process.pid}-${Date.now().toString(36)}`;
  const childDrug = drugItem(uniqueName('儿童用药'));
  const womensDrug = drugItem(uniqueName('女性用药'));
  const childId = idOf(childDrug);
  const womensId = idOf(womensDrug);
  const source = { batch: 'test', file: 'drug-rules.csv', row: 1 };
  const ageRule: RuleInput = {
    id: `R-${tag}-AGE`,
    type: 'age',
    targets: [childId],
    maxAge: 17,
    ageSource: '儿童: under 18 (test)',
    value: '儿童',
    source,
  };
  const sexRule: RuleInput = {
    id: `R-${tag}-SEX`,
    type: 'sex',
    targets: [womensId],
    sex: 'female',
    value: '女',
    source: { ...source, row: 2 },
  };
  const quantityRule: RuleInput = {
    id: `R-${tag}-QTY`,
    type: 'quantity',
    targets: [childId],
    maxQuantity: 2,
    unit: '盒',
    periodDays: 30,
    source: { ...source, row: 3 },
  };
  let first = 0;
  let firstFrom = '';
  let secondFrom = '';
  const hospital = (): ReturnType<typeof clientAs> => clientAs('guangdong/hospital1');
  const check = (itemId: string, patient: Record<string, unknown>, date?: string): Promise<CoverageResult> =>
    hospital().checkCoverage({
      province: 'Guangdong',
      itemId,
      patient,
      ...(date === undefined ? {} : { date }),
    });

  before(async function () {
    await ensureCatalog();
    let headFrom = '2025-01-01';
    try {
      const head = await clientAs('audit/auditor').getVersion({});
      if (head.effectiveFrom > headFrom) headFrom = head.effectiveFrom;
    } catch (error) {
      if (!(error instanceof CatalogClientError && error.code === 'VERSION_NOT_FOUND')) throw error;
    }
    firstFrom = headFrom;
    secondFrom = dayAfter(headFrom, 10);
    const started = Date.now();
    first = await nationalChange(
      [
        ...upserts(childDrug, womensDrug),
        ...[ageRule, sexRule, quantityRule].map((rule): Change => ({ op: 'upsertRule', rule })),
      ],
      firstFrom,
      'rule base: age, sex, quantity',
    );
    console.log(
      `      national rule set applied and sealed as version ${first} in ${Date.now() - started} ms`,
    );
  });

  after(function () {
    closeClients();
  });

  it('an age-restricted drug for a patient outside the age → RESTRICTED naming the rule', async function () {
    const answer = await check(childId, { age: 40 });
    expect(answer).to.include({ covered: false, reason: 'RESTRICTED', catalogVersion: first });
    expect(answer.rule).to.deep.equal({
      source: 'ruleBase',
      ruleId: ageRule.id,
      field: 'age',
      value: { maxAge: 17 },
    });
  });

  it('the same drug inside the age → covered, with the quantity rule left to the claim', async function () {
    const answer = await check(childId, { age: 8 });
    expect(answer).to.include({ covered: true, reason: 'COVERED' });
    expect(answer.rules.map((r) => [r.ruleId, r.outcome])).to.deep.equal([
      [ageRule.id, 'passed'],
      [quantityRule.id, 'claim'],
    ]);
  });

  it('a sex-restricted item: male → RESTRICTED, female → covered, unknown → review', async function () {
    const { results } = await hospital().checkCoverageBatch({
      lines: [
        { province: 'Guangdong', itemId: womensId, patient: { sex: 'male' } },
        { province: 'Guangdong', itemId: womensId, patient: { sex: 'female' } },
        { province: 'Guangdong', itemId: womensId, patient: {} },
      ],
    });
    expect(results.map((r) => r.reason)).to.deep.equal(['RESTRICTED', 'COVERED', 'COVERED']);
    expect(results[0]?.rule).to.deep.include({ source: 'ruleBase', ruleId: sexRule.id, field: 'sex' });
    expect(results[2]?.rules.map((r) => r.outcome)).to.deep.equal(['review']);
  });

  it('GetItem and GetRule show the rules in force', async function () {
    const shown = await clientAs('audit/auditor').getItem({ itemId: childId });
    expect(shown.rules.map((r) => r.rule.id)).to.deep.equal([ageRule.id, quantityRule.id]);
    const rule = await clientAs('audit/auditor').getRule({ ruleId: sexRule.id });
    expect(rule).to.deep.include({ listedInVersion: first, ruleId: sexRule.id });
    expect(rule.rule.sex).to.equal('female');
  });

  it('a rule removed in a later version no longer applies, but still as of the earlier version', async function () {
    const second = await nationalChange(
      [{ op: 'removeRule', ruleId: ageRule.id }],
      secondFrom,
      'rule base: remove the age rule',
    );
    expect(second).to.be.greaterThan(first);
    const now = await check(childId, { age: 40 });
    expect(now).to.include({ covered: true, reason: 'COVERED', catalogVersion: second });
    expect(now.rules.map((r) => r.ruleId)).to.deep.equal([quantityRule.id]);
    const before = await check(childId, { age: 40 }, firstFrom);
    expect(before).to.include({ reason: 'RESTRICTED', catalogVersion: first });
    expect(before.rule).to.deep.include({ ruleId: ageRule.id });
  });
});
