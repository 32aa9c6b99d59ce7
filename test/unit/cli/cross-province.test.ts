/**
 * `catalog claim check` and `catalog coverage` for a patient insured in one province and treated in
 * another (in-process, real contracts): Sichuan records the example policy through its own proposal
 * with `catalog propose`; the answers name both provinces and the table shows the split.
 */
import { expect } from 'chai';
import path from 'node:path';
import type { InsuredCoverageResult } from '@nrdl-catalog/chaincode/model';
import type { ClaimResult } from '@nrdl-catalog/gateway-client';
import { tempDirPerSuite } from '../support/cli';
import { ITEM, seededCatalog, type SeededCatalog } from './support/catalog-network';

const EXAMPLE = path.resolve(__dirname, '../../../docs/examples/policy-sichuan-example.json');

describe('catalog claim check and coverage across provinces (in-process, real contracts)', () => {
  const dir = tempDirPerSuite('catalog-xprov-cli-');
  let c: SeededCatalog;

  before(async () => {
    c = await seededCatalog(dir());
    await c.json([
      'propose',
      '--as',
      'sichuan/proposer',
      '--scope',
      'Sichuan',
      '--file',
      EXAMPLE,
      '--title',
      '示例医保待遇',
      '--effective-from',
      '2025-03-01',
      '--approve-as',
      'sichuan/approver',
      '--apply',
    ]);
  });

  it('claim check: both provinces, the policy row and the split per line and in total', async () => {
    const claim = c.file('xclaim.json', {
      province: 'Guangdong',
      date: '2025-06-01',
      patient: { age: 40, sex: 'male', hospitalLevel: 3, visitType: 'inpatient', insuranceType: 'employee' },
      accumulated: { fundPaidFen: 0, deductibleFen: 0 },
      lines: [
        { itemId: ITEM.borax, amount: '1234.56' },
        { itemId: ITEM.ilaprazole, amountFen: 50005 },
        { itemId: ITEM.fennel, amount: 88 },
      ],
    });
    const args = ['claim', 'check', claim, '--insured', 'Sichuan', '--registered'];
    const result = await c.json<ClaimResult>(args);
    expect(result.insuredProvince).to.equal('Sichuan');
    expect(result.split?.status).to.equal('estimated');
    const totals = result.split?.totals;
    expect((totals?.fundPaysFen ?? 0) + (totals?.patientPaysFen ?? 0)).to.equal(123456 + 50005 + 8800);
    const first = result.lines[0]?.coverage as InsuredCoverageResult | null;
    expect(first?.paymentPolicy).to.deep.include({
      province: 'Sichuan',
      ratioBasis: 'registered',
      fundRatioBp: 8500,
    });
    const text = await c.run(args);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.contain('treated in Guangdong').and.to.contain('insured in Sichuan');
    expect(text.stdout).to.match(/deductible ¥800\.00, fund 85\.00% \(cross-province, registered 已备案\)/);
    expect(text.stdout).to.match(/^total +¥1,822\.61 /m);
    const zh = await c.run(args, { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).to.contain('就医地 Guangdong').and.to.contain('基金支付');
  });

  it('coverage: --insured names the policy; a claim without amounts has no split; bad options are usage errors', async () => {
    const coverage = await c.json<{ results: InsuredCoverageResult[] }>([
      'coverage',
      '--province',
      'Guangdong',
      '--item',
      ITEM.borax,
      '--date',
      '2025-06-01',
      '--insured',
      '川',
      '--unregistered',
      '--insurance',
      'employee',
      '--level',
      '3',
      '--visit',
      'outpatient',
      '--chronic',
    ]);
    expect(coverage.results[0]?.paymentPolicy).to.deep.include({
      visitType: 'chronicOutpatient',
      ratioBasis: 'unregistered',
      fundRatioBp: 7000,
    });
    const table = await c.run([
      'coverage',
      '--province',
      'Guangdong',
      '--item',
      ITEM.borax,
      '--insured',
      'Guangdong',
    ]);
    expect(table.stdout).to.contain('payment policy of Guangdong: none on the ledger');
    const vague = await c.run([
      'coverage',
      '--province',
      'Guangdong',
      '--item',
      ITEM.borax,
      '--insured',
      'SC',
      '--date',
      '2025-06-01',
    ]);
    expect(vague.stdout).to.contain('no row for this patient (give insuranceType, visitType, hospitalLevel)');
    const plain = await c.json<ClaimResult>([
      'claim',
      'check',
      c.file('p.json', { province: 'Guangdong', lines: [{ itemId: ITEM.borax }] }),
    ]);
    expect(plain).to.not.have.property('split');
    const both = await c.run([
      'coverage',
      '--province',
      'Guangdong',
      '--item',
      ITEM.borax,
      '--registered',
      '--unregistered',
    ]);
    expect(both.code).to.equal(2);
    const insurance = await c.run([
      'coverage',
      '--province',
      'Guangdong',
      '--item',
      ITEM.borax,
      '--insurance',
      'x',
    ]);
    expect(insurance.code).to.equal(2);
  });
});
