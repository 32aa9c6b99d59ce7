import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Item, ProvinceInfo } from '@nrdl-catalog/chaincode/model';
import { provinceOf } from '../../gateway-client/src/governance-members';
import { readNrdlFile, type NrdlEntry } from '../../gateway-client/src/import/nrdl';
import { readMaterialFile, readServiceFile } from '../../gateway-client/src/import/shaanxi';
import { NRDL_COLUMNS, NRDL_COLUMNS_NOT_HELD } from '../../gateway-client/src/import/nrdl';
import { compareNrdlRow } from '../../gateway-client/src/import/export';
import { clientAs, closeClients, ensureCatalog, mapPool } from './support/catalog';
import { REPO, runCatalog } from './support/cli';

const NRDL = path.join(REPO, 'data', 'nrdl-2024-drugs.csv');
const SERVICES = path.join(REPO, 'data', 'shaanxi-2021-medical-service-prices.csv');
const MATERIALS = path.join(REPO, 'data', 'shaanxi-2021-special-materials.csv');
const APPROVERS = 'nhsa/approver,guangdong/approver,sichuan/approver';

const EXPECTED_SECTIONS: Record<string, number> = {
  西药部分: 1955,
  中成药部分: 1444,
  '协议期内谈判药品部分-西药': 348,
  '协议期内谈判药品部分-中成药': 58,
  竞价药品部分: 21,
  '中药饮片部分-基金予以支付': 892,
  '中药饮片部分-不得纳入基金支付': 32,
};

interface ImportSummary {
  proposalId: string;
  status: string;
  resumed: boolean;
  version: { version: number } | null;
  items: number;
  sections: Record<string, number>;
}

/** Shaanxi's member record as the governance record on chain lists it. */
async function shaanxiOnChain(): Promise<ProvinceInfo> {
  return provinceOf(await clientAs('audit/auditor').getGovernance(), 'Shaanxi');
}

function parseSummary(stdout: string): ImportSummary {
  return JSON.parse(stdout) as ImportSummary;
}

describe('real network: importing the NRDL 2024 and Shaanxi lists', function () {
  const entries: NrdlEntry[] = readNrdlFile(NRDL);
  const byRow = new Map(entries.map((entry) => [entry.row.row_id, entry]));
  const idOfRow = (rowId: string): string => {
    const id = byRow.get(rowId)?.item.id;
    if (id === undefined) throw new Error(`no source row ${rowId}`);
    return id;
  };

  before(async function () {
    await ensureCatalog();
  });

  after(function () {
    closeClients();
  });

  it('imports all 4,750 NRDL rows as one chunked national proposal, approved and sealed (catalog import nrdl)', async function () {
    const run = await runCatalog([
      'import',
      'nrdl',
      NRDL,
      '--effective-from',
      '2025-01-01',
      '--approve-as',
      APPROVERS,
      '--json',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const summary = parseSummary(run.stdout);
    expect(summary.status).to.equal('applied');
    expect(summary.items).to.equal(4750);
    expect(summary.sections).to.deep.equal(EXPECTED_SECTIONS);
    expect(summary.version?.version).to.be.a('number');
    if (!summary.resumed) expect(run.stderr).to.match(/chunks +19\/19/);
  });

  it('holds on chain exactly the per-section counts of the source file', async function () {
    const auditor = clientAs('audit/auditor');
    for (const [section, expected] of Object.entries(EXPECTED_SECTIONS)) {
      let count = 0;
      let bookmark = '';
      for (;;) {
        const page = await auditor.searchItems({ section, pageSize: 200, ...(bookmark ? { bookmark } : {}) });
        count += page.records
          .filter((item) => item.itemId.startsWith('D-') || item.itemId.startsWith('H-'))
          .filter((item) => byRow.has(rowOf(item.itemId))).length;
        if (!page.bookmark) break;
        bookmark = page.bookmark;
      }
      expect(count, section).to.equal(expected);
    }
  });

  const rowOfId = new Map<string, string>();
  function rowOf(itemId: string): string {
    if (rowOfId.size === 0) for (const entry of entries) rowOfId.set(entry.item.id ?? '', entry.row.row_id);
    return rowOfId.get(itemId) ?? '';
  }

  it('round-trips every source field of every NRDL row through an export of the chain', async function () {
    const auditor = clientAs('audit/auditor');
    const found = await mapPool(entries, 8, async (entry) => {
      const got = (await auditor.getItem({ itemId: entry.item.id ?? '' })) as unknown as { item: Item };
      return compareNrdlRow(entry.row, got.item, NRDL_COLUMNS_NOT_HELD).map(
        (mismatch) => `row ${entry.row.row_id} ${JSON.stringify(mismatch)}`,
      );
    });
    const mismatches = found.flat();
    expect(mismatches.slice(0, 5), `${mismatches.length} mismatches`).to.deep.equal([]);
    expect(NRDL_COLUMNS.length - NRDL_COLUMNS_NOT_HELD.length).to.be.greaterThan(15);
  });

  describe('coverage answers as the source says', function () {
    const hospital = (): ReturnType<typeof clientAs> => clientAs('guangdong/hospital1');

    it('a class 甲 western drug with no restriction is covered', async function () {
      const answer = await hospital().checkCoverage({
        province: 'Guangdong',
        itemId: idOfRow('1'),
        date: '2025-03-01',
      });
      expect(answer).to.include({
        covered: true,
        reason: 'COVERED',
        class: '甲',
        restriction: null,
        name: '复方硼砂',
      });
    });

    it('a negotiated drug carries its payment standard and is covered only inside its agreement period', async function () {
      const itemId = idOfRow('3401');
      const inside = await hospital().checkCoverage({ province: 'Guangdong', itemId, date: '2026-06-30' });
      expect(inside).to.include({
        covered: true,
        reason: 'COVERED',
        class: '乙',
        restriction: '限活动性良性胃溃疡。',
      });
      expect(inside.paymentStandard).to.deep.equal({
        text: '4.15元(奥美拉唑40mg和碳酸氢钠1680mg/袋)',
        amount: 4.15,
        confidential: false,
      });
      expect(inside.agreementPeriod).to.deep.equal({ from: '2025-01-01', to: '2026-12-31' });
      const after = await hospital().checkCoverage({ province: 'Guangdong', itemId, date: '2027-01-01' });
      expect(after).to.include({ covered: false, reason: 'AGREEMENT_EXPIRED' });
    });

    it('a confidential negotiated price is flagged, not guessed', async function () {
      const answer = await hospital().checkCoverage({
        province: 'Sichuan',
        itemId: idOfRow('3402'),
        date: '2025-05-01',
      });
      expect(answer.paymentStandard).to.deep.equal({
        text: '企业申请价格保密',
        amount: null,
        confidential: true,
      });
      expect(answer.covered).to.equal(true);
    });

    it('a negotiated patent medicine and a bid-price drug expire after 2025-12-31', async function () {
      for (const row of ['3751', '3806']) {
        const inside = await hospital().checkCoverage({
          province: 'Guangdong',
          itemId: idOfRow(row),
          date: '2025-12-31',
        });
        expect(inside.reason, row).to.equal('COVERED');
        const after = await hospital().checkCoverage({
          province: 'Guangdong',
          itemId: idOfRow(row),
          date: '2026-01-01',
        });
        expect(after.reason, row).to.equal('AGREEMENT_EXPIRED');
      }
    });

    it('herbal slices: fund-payable ones are covered, excluded ones never', async function () {
      const paid = await hospital().checkCoverage({
        province: 'Guangdong',
        itemId: idOfRow('3827'),
        date: '2025-03-01',
      });
      expect(paid).to.include({ covered: true, reason: 'COVERED', kind: 'herbal' });
      const excluded = await hospital().checkCoverage({
        province: 'Guangdong',
        itemId: idOfRow('4719'),
        date: '2025-03-01',
      });
      expect(excluded).to.include({ covered: false, reason: 'EXCLUDED', kind: 'herbal' });
    });

    it('a structured hospital-level restriction answers RESTRICTED for a level-1 hospital only', async function () {
      const itemId = idOfRow('1984');
      const level1 = await hospital().checkCoverage({
        province: 'Guangdong',
        itemId,
        date: '2025-03-01',
        patient: { hospitalLevel: 1 },
      });
      expect(level1).to.include({
        covered: false,
        reason: 'RESTRICTED',
        restriction: '限二级及以上医疗机构。',
      });
      const level3 = await hospital().checkCoverage({
        province: 'Guangdong',
        itemId,
        date: '2025-03-01',
        patient: { hospitalLevel: 3 },
      });
      expect(level3).to.include({ covered: true, reason: 'COVERED' });
    });

    it('before the first version in force the answer is NOT_YET_EFFECTIVE', async function () {
      const answer = await hospital().checkCoverage({
        province: 'Guangdong',
        itemId: idOfRow('1'),
        date: '2020-01-01',
      });
      expect(answer).to.include({ covered: false, reason: 'NOT_YET_EFFECTIVE' });
    });
  });

  it('imports the Shaanxi service-price list; its items are covered in Shaanxi only, prices kept as text', async function () {
    const run = await runCatalog([
      'import',
      'province-items',
      SERVICES,
      '--province',
      'Shaanxi',
      '--effective-from',
      '2025-01-01',
      '--approve-as',
      'shaanxi/approver',
      '--json',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const summary = parseSummary(run.stdout);
    const source = readServiceFile(SERVICES, await shaanxiOnChain());
    expect(summary.items).to.equal(source.entries.length);
    const pending = source.entries.find((entry) => entry.item.prices?.level3 === '待定');
    const priced = source.entries.find(
      (entry) =>
        entry.item.prices?.level3 !== undefined &&
        entry.item.prices.level3 !== '待定' &&
        entry.item.prices.level3 !== null,
    );
    for (const entry of [pending, priced]) {
      if (!entry) throw new Error('sample rows missing');
      const itemId = entry.item.id ?? '';
      const inShaanxi = await clientAs('shaanxi/hospital1').checkCoverage({
        province: 'Shaanxi',
        itemId,
        date: '2025-03-01',
      });
      expect(inShaanxi, itemId).to.include({ covered: true, reason: 'COVERED', kind: 'service' });
      const inSichuan = await clientAs('sichuan/hospital1').checkCoverage({
        province: 'Sichuan',
        itemId,
        date: '2025-03-01',
      });
      expect(inSichuan, itemId).to.include({ covered: false, reason: 'NOT_IN_PROVINCE' });
      const item = (await clientAs('audit/auditor').getItem({ itemId })) as unknown as { item: Item };
      expect(item.item.prices).to.deep.equal(entry.item.prices);
    }
  });

  it('imports the Shaanxi special-materials list as Shaanxi-owned material items', async function () {
    const run = await runCatalog([
      'import',
      'province-items',
      MATERIALS,
      '--province',
      'shaanxi',
      '--kind',
      'material',
      '--effective-from',
      '2025-01-01',
      '--approve-as',
      'shaanxi/approver',
      '--json',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const source = readMaterialFile(MATERIALS, await shaanxiOnChain());
    expect(parseSummary(run.stdout)).to.include({ status: 'applied', items: source.entries.length });
    const first = source.entries[0];
    if (!first) throw new Error('no material rows');
    const item = (await clientAs('audit/auditor').getItem({ itemId: first.item.id ?? '' })) as unknown as {
      item: Item;
    };
    expect(item.item).to.include({ kind: 'material', province: 'Shaanxi', name: first.item.name });
  });

  it('resumes a killed import: the re-run finishes the same proposal and creates no duplicate', async function () {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'nrdl-resume-'));
    try {
      const tag = `R${process.pid}${Date.now().toString(36)}`;
      const header = NRDL_COLUMNS.join(',');
      const quote = (value: string): string =>
        /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
      const rows = entries
        .filter((entry) => entry.row.section_std === '西药部分')
        .slice(0, 300)
        .map((entry) =>
          NRDL_COLUMNS.map((column) =>
            quote(column === 'drug_name' ? `${entry.row.drug_name}${tag}` : entry.row[column]),
          ).join(','),
        );
      const file = path.join(tmp, 'subset.csv');
      writeFileSync(file, `${header}\n${rows.join('\n')}\n`);
      const args = [
        'import',
        'nrdl',
        file,
        '--effective-from',
        '2025-01-01',
        '--chunk-size',
        '20',
        '--approve-as',
        APPROVERS,
        '--json',
      ];
      const killed = await runCatalog(args, (stderr) => /chunks +6\/15/.test(stderr));
      expect(killed.code, 'first run killed half-way').to.equal(null);
      const finished = await runCatalog(args);
      expect(finished.code, finished.stderr).to.equal(0);
      const summary = parseSummary(finished.stdout);
      expect(summary).to.include({ resumed: true, status: 'applied', items: 300 });
      const again = parseSummary((await runCatalog(args)).stdout);
      expect(again).to.include({ resumed: true, status: 'applied', proposalId: summary.proposalId });
      expect(again.version?.version).to.equal(summary.version?.version);
      const listed = await clientAs('audit/auditor').searchItems({ name: tag, pageSize: 200 });
      let total = listed.records.length;
      let bookmark = listed.bookmark;
      while (bookmark) {
        const next = await clientAs('audit/auditor').searchItems({ name: tag, pageSize: 200, bookmark });
        total += next.records.length;
        bookmark = next.bookmark;
      }
      expect(total, 'every row once').to.equal(300);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
