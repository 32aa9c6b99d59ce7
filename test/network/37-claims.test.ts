/**
 * The NHSA rule base on the real network: imported through `catalog import rule-base` as one
 * national proposal (after the NRDL and Shaanxi's service list, which it links to), then claims
 * checked with the claim check (`checkClaim`, as `catalog claim check` and POST /v1/claims/check
 * use it). Needs the chaincode side of the rule base (change op upsertRule, rule findings on
 * coverage answers).
 */
import { expect } from 'chai';
import path from 'node:path';
import { checkClaim, type ClaimResult } from '../../gateway-client/src';
import { clientAs, closeClients } from './support/catalog';
import { ensureFullCatalog, NATIONAL_APPROVE_AS } from './support/full-catalog';
import { REPO, runCatalog } from './support/cli';
import { peersInStep } from './support/network';

const DATA = path.join(REPO, 'data');
/** 儿童清肺口服液 (rule R-d1-age-2, 限定年龄对象 儿童: 0-17). */
const CHILD_DRUG = 'D-8aa3615afa0242d3';
/** 阿帕他胺片 (rule R-d1-sex-2, 限定性别对象 男). */
const MALE_DRUG = 'D-043b1473d8a6b200';
/** 阴茎海绵体造影 (rule R-s1-sex-2, male only). */
const MALE_SERVICE = 'S-SN-210103028';
/** 急诊监护费 (R-s8-1-qty-4: once a day; R-p7-dup-2: not with 急诊诊查费 on one day). */
const EMERGENCY_MONITORING = 'S-SN-110300001';
/** 急诊诊查费. */
const EMERGENCY_VISIT = 'S-SN-110200003';
/** 平衡试验 (R-s8-4-qty-6: once in 14 days). */
const BALANCE_TEST = 'S-SN-310401022';

function line(result: ClaimResult, n: number): ClaimResult['lines'][number] {
  const found = result.lines.find((l) => l.line === n);
  if (found === undefined) throw new Error(`no line ${n}`);
  return found;
}

describe('real network: the NHSA rule base and the claim check', function () {
  before(async function () {
    // the rule base links to the NRDL items and Shaanxi's service items: import them when absent
    await ensureFullCatalog();
  });

  after(function () {
    closeClients();
  });

  it('imports the rule base as one national proposal, applied and sealed (catalog import rule-base)', async function () {
    const run = await runCatalog([
      'import',
      'rule-base',
      DATA,
      '--province',
      'Shaanxi',
      '--effective-from',
      '2025-01-01',
      '--approve-as',
      NATIONAL_APPROVE_AS,
      '--json',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout) as { status: string; rules: number; items: number };
    expect(summary).to.include({ status: 'applied', rules: 2059, items: 291 });
    expect(run.stderr).to.contain('drug names: 889, linked 373');
    // the import committed at the submitting organisation's peer; the auditors' peer follows
    await peersInStep();
    // the drug rule's national codes became codes of the NRDL item
    const view = (await clientAs('audit/auditor').getItem({ itemId: CHILD_DRUG })) as unknown as {
      item: { codes?: string[] };
    };
    expect(view.item.codes).to.include('ZA04CAE0023010100166');
  });

  it('an age-restricted drug: RESTRICTED naming the rule outside the age, covered inside it', async function () {
    const hospital = clientAs('shaanxi/hospital1');
    const ask = (age: number): Promise<ClaimResult> =>
      checkClaim(hospital, {
        province: 'Shaanxi',
        date: '2025-06-01',
        patient: { age },
        lines: [{ itemId: CHILD_DRUG }],
      });
    const adult = line(await ask(30), 1);
    expect(adult.status).to.equal('restricted');
    expect(adult.coverage).to.include({ covered: false, reason: 'RESTRICTED' });
    expect(adult.rules.find((r) => r.ruleId === 'R-d1-age-2')).to.deep.include({
      outcome: 'violated',
      value: '儿童',
      source: { batch: '第一批', file: '【第一批】药品规则库(限定年龄对象).xlsx', row: 2 },
    });
    const child = line(await ask(8), 1);
    expect(child.coverage).to.include({ covered: true, reason: 'COVERED' });
    expect(child.rules.find((r) => r.ruleId === 'R-d1-age-2')?.outcome).to.equal('passed');
  });

  it('sex-restricted items: RESTRICTED for the other sex', async function () {
    const result = await checkClaim(clientAs('shaanxi/hospital1'), {
      province: 'Shaanxi',
      date: '2025-06-01',
      patient: { age: 60, sex: 'female' },
      lines: [{ itemId: MALE_DRUG }, { itemId: MALE_SERVICE }],
    });
    expect(result.lines.map((l) => [l.status, l.coverage?.reason])).to.deep.equal([
      ['restricted', 'RESTRICTED'],
      ['restricted', 'RESTRICTED'],
    ]);
    expect(line(result, 1).rules.map((r) => [r.ruleId, r.outcome])).to.deep.include([
      'R-d1-sex-2',
      'violated',
    ]);
    expect(line(result, 2).rules.map((r) => [r.ruleId, r.outcome])).to.deep.include([
      'R-s1-sex-2',
      'violated',
    ]);
  });

  it('one claim: a duplicate-charge pair and quantities over their period’s limit are flagged, pinned to one version', async function () {
    const result = await checkClaim(clientAs('shaanxi/hospital1'), {
      province: 'Shaanxi',
      date: '2025-06-01',
      patient: { age: 45, sex: 'male', hospitalLevel: 3, visitType: 'outpatient' },
      lines: [
        { itemId: EMERGENCY_MONITORING, quantity: 1 },
        { itemId: EMERGENCY_VISIT, quantity: 1 },
        { itemId: EMERGENCY_MONITORING, quantity: 1 },
        { itemId: BALANCE_TEST, date: '2025-06-01' },
        { itemId: BALANCE_TEST, date: '2025-06-10' },
        { itemId: 'S-SN-000000000' },
        { quantity: 1 },
      ],
    });
    const kinds = result.findings.map((f) => [f.kind, f.ruleIds.join(','), f.lines.join(',')]);
    expect(kinds).to.deep.include(['duplicateCharge', 'R-p7-dup-2', '1,2']);
    expect(kinds).to.deep.include(['duplicateCharge', 'R-p7-dup-2', '2,3']);
    expect(kinds).to.deep.include(['quantity', 'R-s8-1-qty-4', '1,3']);
    expect(kinds).to.deep.include(['quantity', 'R-s8-4-qty-6', '4,5']);
    const pair = result.findings.find((f) => f.kind === 'duplicateCharge');
    expect(pair?.sources[0]).to.deep.include({ batch: '第七批' });
    expect(line(result, 1).status).to.equal('flagged');
    // an unknown item is answered (not listed), a bad line is a coded error; the rest are answered
    expect(line(result, 6).coverage?.covered).to.equal(false);
    expect(line(result, 7).error?.message).to.equal(
      'INVALID_INPUT: line 7: give one of itemId, name or code',
    );
    const versions = new Set(
      result.lines.flatMap((l) => (l.coverage === null ? [] : [l.coverage.catalogVersion])),
    );
    expect([...versions]).to.deep.equal([result.catalogVersion]);
  });

  it('a claim of more than 200 lines is asked in batches, every batch at the first batch’s version', async function () {
    const lines = Array.from({ length: 450 }, (_, i) => ({
      itemId: i % 2 === 0 ? EMERGENCY_VISIT : CHILD_DRUG,
    }));
    const result = await checkClaim(clientAs('shaanxi/hospital1'), {
      province: 'Shaanxi',
      date: '2025-06-01',
      patient: { age: 8 },
      lines,
    });
    expect(result.summary).to.deep.include({ lines: 450, errors: 0, batches: 3 });
    const versions = new Set(result.lines.map((l) => l.coverage?.catalogVersion));
    expect([...versions]).to.deep.equal([result.catalogVersion]);
  });
});
