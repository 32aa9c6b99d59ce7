/**
 * Lookups on chain, on the full catalog (NRDL 2024 + Shaanxi services and materials): 200 source rows
 * drawn with a fixed seed across every NRDL section and both Shaanxi lists are found by coverage by
 * name (and form) and by code — exactly the items the source rows describe — and name search answers
 * full pages.
 */
import { expect } from 'chai';
import {
  coverageResultsOf,
  normaliseIdText,
  type CoverageAnswer,
  type CoverageInput,
  type ItemInput,
  type ProvinceInfo,
} from '@nrdl-catalog/chaincode/model';
import { provinceOf } from '../../gateway-client/src/governance-members';
import { readNrdlFile } from '../../gateway-client/src/import/nrdl';
import { readMaterialFile, readServiceFile } from '../../gateway-client/src/import/shaanxi';
import { clientAs, closeClients, ensureCatalog } from './support/catalog';
import { runCatalog } from './support/cli';
import { ensureFullCatalog, MATERIALS_CSV, NRDL_CSV, SERVICES_CSV } from './support/full-catalog';

const DATE = '2025-03-01';
const SAMPLE = 200;

/** A small seeded generator (mulberry32): the same rows on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Row {
  readonly stratum: string;
  readonly item: ItemInput & { readonly id: string };
  readonly province: string;
}

const norm = (text: string | null | undefined): string => normaliseIdText(text ?? '');
const codesOf = (item: ItemInput): string[] =>
  [...new Set([item.code, ...(item.codes ?? [])].filter((c): c is string => !!c).map(norm))].sort();

describe('real network: lookups on chain (names, forms, codes) on the full catalog', function () {
  let shaanxi: ProvinceInfo;
  let all: Row[];
  let sample: Row[];

  before(async function () {
    await ensureCatalog();
    await ensureFullCatalog();
    shaanxi = provinceOf(await clientAs('audit/auditor').getGovernance(), 'Shaanxi');
    const nrdl = readNrdlFile(NRDL_CSV).map((e): Row => ({
      stratum: e.item.section,
      item: e.item as Row['item'],
      province: 'Guangdong',
    }));
    const provincial = (
      list: ReturnType<typeof readServiceFile> | ReturnType<typeof readMaterialFile>,
      stratum: string,
    ): Row[] =>
      // repeated codes got ids with a --<n> suffix: every entry is an item of its own
      list.entries.map((e) => ({ stratum, item: e.item as Row['item'], province: 'Shaanxi' }));
    all = [
      ...nrdl,
      ...provincial(readServiceFile(SERVICES_CSV, shaanxi), 'shaanxi-services'),
      ...provincial(readMaterialFile(MATERIALS_CSV, shaanxi), 'shaanxi-materials'),
    ];
    const strata = [...new Set(all.map((r) => r.stratum))].sort();
    expect(strata).to.have.length(9);
    const random = seeded(15);
    sample = [];
    // an even share per stratum; a stratum smaller than its share (竞价药品部分: 21) gives the rest to the others
    const bySize = strata
      .map((stratum) => all.filter((r) => r.stratum === stratum))
      .sort((a, b) => a.length - b.length);
    let left = SAMPLE;
    for (const [i, rows] of bySize.entries()) {
      const want = Math.min(rows.length, Math.floor(left / (bySize.length - i)));
      const picked = new Set<number>();
      while (picked.size < want) picked.add(Math.floor(random() * rows.length));
      sample.push(...[...picked].sort((a, b) => a - b).map((index) => rows[index]!));
      left -= want;
    }
    expect(sample).to.have.length(SAMPLE);
  });

  after(function () {
    closeClients();
  });

  /** The source rows with this name (and form), whatever their province: what a lookup must answer. */
  function expectedByName(row: Row, withForm: boolean): string[] {
    const ids = all
      .filter(
        (r) =>
          norm(r.item.name) === norm(row.item.name) &&
          (!withForm || norm(r.item.dosageForm) === norm(row.item.dosageForm)),
      )
      .map((r) => r.item.id);
    return [...new Set(ids)].sort();
  }

  function expectedByCode(code: string): string[] {
    return [...new Set(all.filter((r) => codesOf(r.item).includes(code)).map((r) => r.item.id))].sort();
  }

  async function answers(lines: CoverageInput[], as: string): Promise<CoverageAnswer[]> {
    const out: CoverageAnswer[] = [];
    for (let i = 0; i < lines.length; i += 50) {
      out.push(...(await clientAs(as).checkCoverageBatch({ lines: lines.slice(i, i + 50) })).results);
    }
    return out;
  }

  it('coverage by name, by name + form and by code finds exactly the items the 200 source rows describe', async function () {
    const hospital = (row: Row): string =>
      row.province === 'Shaanxi' ? 'shaanxi/hospital1' : 'guangdong/hospital1';
    const mismatches: string[] = [];
    for (const as of ['guangdong/hospital1', 'shaanxi/hospital1']) {
      const rows = sample.filter((row) => hospital(row) === as);
      const byName = await answers(
        rows.map((r) => ({ province: r.province, name: r.item.name, date: DATE })),
        as,
      );
      const withForm = rows.filter((r) => r.item.dosageForm != null);
      const byForm = await answers(
        withForm.map((r) => ({
          province: r.province,
          name: r.item.name,
          dosageForm: r.item.dosageForm ?? '',
          date: DATE,
        })),
        as,
      );
      const coded = rows.filter((r) => codesOf(r.item).length > 0);
      const byCode = await answers(
        coded.map((r) => ({ province: r.province, code: codesOf(r.item)[0] ?? '', date: DATE })),
        as,
      );
      const check = (
        what: string,
        row: Row,
        answer: CoverageAnswer | undefined,
        expected: string[],
      ): void => {
        const got =
          answer === undefined
            ? []
            : coverageResultsOf(answer)
                .map((r) => r.itemId)
                .sort();
        if (JSON.stringify(got) !== JSON.stringify(expected) || !got.includes(row.item.id)) {
          mismatches.push(
            `${what} ${row.stratum} ${row.item.name}: got ${got.join(',')} want ${expected.join(',')}`,
          );
        }
        if (answer !== undefined && 'matches' in answer) {
          for (const m of answer.matches) expect(m).to.have.property('dosageForm');
        }
      };
      rows.forEach((row, i) => {
        check('name', row, byName[i], expectedByName(row, false));
      });
      withForm.forEach((row, i) => {
        check('name+form', row, byForm[i], expectedByName(row, true));
      });
      coded.forEach((row, i) => {
        check('code', row, byCode[i], expectedByCode(codesOf(row.item)[0] ?? ''));
      });
    }
    expect(mismatches.slice(0, 10), `${String(mismatches.length)} mismatches`).to.deep.equal([]);
  });

  it('answers the names hospitals could not resolve before (CLI, every match with its form)', async function () {
    const cases: [string, string, string][] = [
      ['Shaanxi', '围产保健访视', 'shaanxi/hospital1'],
      ['Guangdong', '蜂蜜', 'guangdong/hospital1'],
      ['Guangdong', '二甲双胍恩格列净片(Ⅵ)', 'guangdong/hospital1'],
    ];
    for (const [province, name, as] of cases) {
      const run = await runCatalog([
        'coverage',
        '--province',
        province,
        '--name',
        name,
        '--date',
        DATE,
        '--as',
        as,
        '--json',
      ]);
      expect(run.code, `${name}: ${run.stderr}`).to.equal(0);
      const { results } = JSON.parse(run.stdout) as { results: { itemId: string; name: string }[] };
      const want = all
        .filter((r) => norm(r.item.name) === norm(name))
        .map((r) => r.item.id)
        .sort();
      expect(results.map((r) => r.itemId).sort(), name).to.deep.equal(want);
    }
  });

  it('SearchItems by prefix and exact name answers full pages and every match, and says how long it took', async function () {
    const auditor = clientAs('audit/auditor');
    const prefix = '二甲双胍恩格列净';
    const want = [
      ...new Set(all.filter((r) => norm(r.item.name).startsWith(norm(prefix))).map((r) => r.item.id)),
    ].sort();
    expect(want.length).to.be.greaterThan(1);
    // every page but the last is full, and the pages together hold every match exactly once
    const found: string[] = [];
    const names = new Map<string, string>();
    let bookmark = '';
    do {
      const page = await auditor.searchItems({
        namePrefix: prefix,
        pageSize: 2,
        ...(bookmark ? { bookmark } : {}),
      });
      if (page.bookmark !== '') expect(page.records).to.have.length(2);
      for (const r of page.records) names.set(r.itemId, r.name);
      found.push(...page.records.map((r) => r.itemId));
      bookmark = page.bookmark;
    } while (bookmark !== '');
    expect(new Set(found).size).to.equal(found.length);
    // every source row of that prefix (other suites may have added items of such names: those too)
    expect(found).to.include.members(want);
    for (const name of names.values()) expect(norm(name).startsWith(norm(prefix)), name).to.equal(true);
    const first = await auditor.searchItems({ namePrefix: prefix, pageSize: 10 });
    expect(first.records).to.have.length(Math.min(10, found.length));
    expect(first.truncated).to.equal(false);
    // latency of an exact-name search and of coverage by name, code and id (figures for the report)
    const row = sample.find((r) => r.province === 'Guangdong' && r.item.kind === 'drug')!;
    const time = async (label: string, fn: () => Promise<unknown>): Promise<number> => {
      const ms: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        await fn();
        ms.push(performance.now() - t0);
      }
      ms.sort((a, b) => a - b);
      const p50 = ms[10] ?? 0;
      console.log(`      ${label}: p50 ${p50.toFixed(1)} ms`);
      return p50;
    };
    const hospital = clientAs('guangdong/hospital1');
    await time('search exact name', () => auditor.searchItems({ exactName: row.item.name }));
    await time('search name prefix (2 chars)', () =>
      auditor.searchItems({ namePrefix: row.item.name.slice(0, 2), pageSize: 50 }),
    );
    await time('coverage by id', () =>
      hospital.checkCoverage({ province: 'Guangdong', itemId: row.item.id, date: DATE }),
    );
    await time('coverage by name', () =>
      hospital.checkCoverage({ province: 'Guangdong', name: row.item.name, date: DATE }),
    );
  });
});
