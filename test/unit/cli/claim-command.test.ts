/**
 * `catalog claim check` in-process against the real contracts on the in-memory peer (the seeded
 * catalog), and `catalog import rule-base --dry-run` on the real data files.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClaimResult } from '@nrdl-catalog/gateway-client';
import { parseCsv } from '@nrdl-catalog/gateway-client/import';
import { runCatalog, tempDirPerSuite } from '../support/cli';
import { ITEM, seededCatalog, type SeededCatalog } from './support/catalog-network';

const CHINESE_ENV = { LANG: 'zh_CN.UTF-8' };

describe('catalog claim check (in-process, real contracts)', () => {
  const dir = tempDirPerSuite('catalog-claim-cli-');
  let c: SeededCatalog;

  before(async () => {
    c = await seededCatalog(dir());
  });

  it('answers a JSON claim: each line, bad lines by number, the summary; exits 1 when a line is bad', async () => {
    const claim = c.file('claim.json', {
      province: 'Guangdong',
      date: '2025-04-01',
      patient: { age: 12, sex: 'male', insuranceType: 'employee' },
      lines: [
        { itemId: ITEM.borax, quantity: 2 },
        { itemId: ITEM.avapritinib },
        { quantity: 1 },
        { itemId: ITEM.borax, date: '2025-02-30' },
      ],
    });
    const json = await c.run(['claim', 'check', claim, '--json']);
    expect(json.code, json.stderr).to.equal(1);
    const result = JSON.parse(json.stdout) as ClaimResult;
    expect(result.lines.map((l) => [l.line, l.status, l.coverage?.reason ?? l.error?.code])).to.deep.equal([
      [1, 'ok', 'COVERED'],
      [2, 'restricted', 'RESTRICTED'],
      [3, 'error', 'INVALID_INPUT'],
      [4, 'error', 'INVALID_INPUT'],
    ]);
    expect(result.catalogVersion).to.equal(2);
    expect(result.summary).to.deep.include({ lines: 4, errors: 2, batches: 1 });
    const zh = await c.run(['claim', 'check', claim], CHINESE_ENV);
    expect(zh.code).to.equal(1);
    const lines = zh.stdout.split('\n');
    expect(lines[0]).to.match(/^行号 +项目编号 +名称 +数量 +日期 +状态 +结论 +规则 +说明$/);
    expect(lines[1]).to.contain('通过').and.to.contain('COVERED 可报销');
    expect(lines[2]).to.match(/^2 .* 限制支付 +RESTRICTED 不符合限定支付范围 /);
    expect(lines[3]).to.match(/^3 .* 错误 .* INVALID_INPUT: 请给出 itemId、name 或 c…$/);
    expect(lines[4]).to.match(/^4 .* INVALID_INPUT: 日期必须是 YYYY-MM-DD 格…$/);
    expect(zh.stdout).to.contain('整单未发现问题');
    expect(zh.stdout).to.match(/费用单：4 行（2 行有错误），整单发现 0 项；目录版本 2，共 1 批/);
  });

  it('reads a CSV claim with the claim context from the options, and writes the results as CSV', async () => {
    const claim = path.join(dir(), 'claim.csv');
    writeFileSync(
      claim,
      ['itemId,quantity,date', `${ITEM.ilaprazole},1,2025-02-01`, `${ITEM.borax},3,`, ''].join('\n'),
    );
    const out = path.join(dir(), 'result.csv');
    const done = await c.run([
      'claim',
      'check',
      claim,
      '--province',
      'Sichuan',
      '--date',
      '2025-03-01',
      '--visit',
      'outpatient',
      '--insurance',
      'resident',
      '--csv',
      out,
    ]);
    expect(done.code, done.stderr).to.equal(0);
    expect(done.stderr).to.contain('results written to');
    const table = parseCsv(readFileSync(out, 'utf8'));
    expect(
      table.records.map((r) => [
        r.values.line,
        r.values.itemId,
        r.values.quantity,
        r.values.date,
        r.values.reason,
      ]),
    ).to.deep.equal([
      ['1', ITEM.ilaprazole, '1', '2025-02-01', 'RESTRICTED'],
      ['2', ITEM.borax, '3', '2025-03-01', 'COVERED'],
    ]);
  });

  it('refuses a claim without a province, an unknown insurance type, and a bad command', async () => {
    const claim = c.file('no-province.json', [{ itemId: ITEM.borax }]);
    const missing = await c.run(['claim', 'check', claim]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('--province is required');
    const insurance = await c.run([
      'claim',
      'check',
      claim,
      '--province',
      'Guangdong',
      '--insurance',
      'private',
    ]);
    expect(insurance.code).to.equal(2);
    expect(insurance.stderr).to.contain(
      '--insurance must be one of employee, resident, workInjury, maternity',
    );
    const usage = await c.run(['claim', 'verify', claim]);
    expect(usage.code).to.equal(2);
    expect(usage.stderr).to.contain('usage: catalog claim check');
  });
});

describe('catalog import rule-base --dry-run (real data files, no network)', function () {
  // reads and links the full NRDL, Shaanxi and rule-base lists (a few seconds, more on a busy machine)
  this.timeout(120_000);
  it('prints the link report and the plan, in Chinese and as JSON', async () => {
    const data = path.resolve(__dirname, '../../../data');
    const topology = path.resolve(__dirname, '../../../network/topology.json');
    const zh = await runCatalog(
      ['import', 'rule-base', data, '--dry-run', '--topology', topology],
      {},
      CHINESE_ENV,
    );
    expect(zh.code, zh.stderr).to.equal(0);
    expect(zh.stdout).to.contain('药品名称：889 个，已关联 373 个');
    expect(zh.stdout).to.contain('名称不符：001204000070000 小儿头皮静脉输液 ≠ 120400007 小儿静脉输液');
    expect(zh.stdout).to.contain('试运行：2059 条规则、291 个带国家医保药品代码的目录药品，分 12 块');
    const json = await runCatalog(
      ['import', 'rule-base', data, '--dry-run', '--topology', topology, '--json'],
      {},
    );
    const summary = JSON.parse(json.stdout) as { rules: number; items: number; chunks: number };
    expect(summary).to.include({ rules: 2059, items: 291, chunks: 12 });
  });
});
