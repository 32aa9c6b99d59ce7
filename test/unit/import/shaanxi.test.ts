import { expect } from 'chai';
import {
  MATERIAL_SOURCE,
  SERVICE_COLUMNS,
  SERVICE_SOURCE,
  SHAANXI_EDITION,
  compareMaterialRow,
  compareServiceRow,
  composeServiceRemark,
  disambiguateIds,
  materialItemsToRows,
  parseCsv,
  parseServiceRemark,
  serviceEntriesOf,
  type MaterialRow,
  type ProvinceEntry,
  type ServiceRow,
} from '../../../gateway-client/src/import';
import { computeItemId } from '@nrdl-catalog/chaincode/model';
import { HUBEI } from '../support/members';
import { countBy, materialCsv, materialImport, serviceCsv, serviceImport, SHAANXI } from './fixtures';

function serviceByCode(code: string): ProvinceEntry<ServiceRow> {
  const found = serviceImport().entries.find((e) => e.row.code === code);
  if (found === undefined) {
    throw new Error(`no service ${code}`);
  }
  return found;
}

describe('import/shaanxi services', () => {
  it('turns the 5,171 item rows into service items and skips the 307 category headings', () => {
    const { entries, headingRows, duplicates } = serviceImport();
    expect(serviceCsv().records).to.have.length(5478);
    expect(headingRows).to.equal(307);
    expect(entries).to.have.length(5171);
    expect(entries.every((e) => e.row.row_type === 'item' && e.item.kind === 'service')).to.equal(true);
    expect(duplicates).to.deep.equal([]);
    expect(new Set(entries.map((e) => e.item.id)).size).to.equal(5171);
    expect(countBy(entries, (e) => e.item.section)).to.deep.equal({
      综合类: 97 + 87,
      医技类: 1165 + 267,
      临床诊疗: 956 + 172,
      临床介入: 60 + 17,
      临床手术: 1825 + 259,
      临床康复: 74 + 8,
      中医类: 122 + 62,
    });
  });

  it('owns every item by Shaanxi with an S-SN-<code> id', () => {
    for (const e of serviceImport().entries) {
      expect(e.item.province).to.equal('Shaanxi');
      expect(e.item.id).to.equal(
        computeItemId({ kind: 'service', name: e.row.name, provinceCode: 'SN', code: e.row.code }),
      );
      expect(e.item.id).to.equal(`S-SN-${e.row.code.toUpperCase()}`);
    }
  });

  it('maps a priced item field by field', () => {
    const e = serviceByCode('110200001');
    expect(e.item).to.deep.equal({
      id: 'S-SN-110200001',
      kind: 'service',
      section: '综合类',
      number: null,
      class: null,
      categoryCode: 'C',
      categoryPath: ['(一)一般医疗服务', '2.诊查费'],
      name: '普通门诊诊查费',
      dosageForm: null,
      remark: '【项目内涵】指医护人员提供(技术劳务)的诊疗服务',
      rules: null,
      paymentStandard: null,
      agreementPeriod: null,
      fundPayable: true,
      provenance: { edition: SHAANXI_EDITION, sourceRow: '9', source: SERVICE_SOURCE },
      province: 'Shaanxi',
      code: '110200001',
      unit: '次',
      prices: { level3: '8', level2: '6.5', level1: '5' },
    });
  });

  it('keeps prices per level as text: 待定, missing levels, unpriced parents, the 特定 price', () => {
    const prices = countBy(serviceImport().entries, (e) =>
      e.item.prices === null || e.item.prices === undefined
        ? 'none'
        : [e.item.prices.level3, e.item.prices.level2, e.item.prices.level1].map((p) => p ?? '-').join('/'),
    );
    expect(prices['待定/待定/待定']).to.equal(68);
    expect(prices.none).to.equal(192);
    expect(serviceByCode('110900004').item.prices).to.deep.equal({
      level3: '待定',
      level2: '待定',
      level1: '待定',
    });
    expect(serviceByCode('110200007a').item.prices).to.deep.equal({
      level3: null,
      level2: null,
      level1: '10',
    });
    expect(serviceByCode('110200002').item.prices).to.equal(null);
    const surgery = serviceByCode('330100001');
    expect(surgery.item.prices).to.deep.equal({ level3: '50', level2: '40', level1: '32' });
    expect(parseServiceRemark(surgery.item.remark).price_special).to.equal('50');
  });

  it('keeps content, exclusions, notes and the 特定 price in a labelled remark that splits back exactly', () => {
    const parts = { content: ' a\n', exclusions: '', notes: '1.x\n2.y', price_special: '待定' };
    const remark = composeServiceRemark(parts);
    expect(remark).to.equal('【项目内涵】 a\n\n【说明】1.x\n2.y\n【特定最高限价】待定');
    expect(parseServiceRemark(remark)).to.deep.equal(parts);
    expect(composeServiceRemark({ content: '', exclusions: '', notes: '', price_special: '' })).to.equal(
      null,
    );
    expect(parseServiceRemark(null)).to.deep.equal({
      content: '',
      exclusions: '',
      notes: '',
      price_special: '',
    });
    expect(() => parseServiceRemark('free text')).to.throw(/without a known label/);
  });

  it('round-trips every item row through the export, field by field', () => {
    for (const e of serviceImport().entries) {
      expect(compareServiceRow(e.row, e.item), `${e.row.sheet}:${e.row.xlsx_row}`).to.deep.equal([]);
    }
  });

  it('disambiguates a repeated code deterministically and reports it', () => {
    const header = SERVICE_COLUMNS.join(',');
    const row = (r: Partial<ServiceRow>): string =>
      SERVICE_COLUMNS.map((c) => JSON.stringify(r[c] ?? '')).join(',');
    const base = { sheet: '综合类', row_type: 'item', fin_class: 'A', unit: '次', price_level3: '1' };
    const csv = [
      header,
      row({ ...base, xlsx_row: '1', row_type: 'category', code: '11', name: '(一)' }),
      row({ ...base, xlsx_row: '2', code: '110100001', name: '甲' }),
      row({ ...base, xlsx_row: '3', code: '110100002', name: '乙' }),
      row({ ...base, xlsx_row: '4', code: '110100001', name: '丙' }),
      row({ ...base, xlsx_row: '5', code: '110100001 ', name: '丁' }),
    ].join('\n');
    const first = serviceEntriesOf(parseCsv(csv, { source: 'dup.csv' }), SHAANXI);
    const again = serviceEntriesOf(parseCsv(csv, { source: 'dup.csv' }), SHAANXI);
    expect(first.entries.map((e) => e.item.id)).to.deep.equal([
      'S-SN-110100001',
      'S-SN-110100002',
      'S-SN-110100001--2',
      'S-SN-110100001--3',
    ]);
    expect(again.entries.map((e) => e.item.id)).to.deep.equal(first.entries.map((e) => e.item.id));
    expect(first.entries.map((e) => e.item.code)).to.deep.equal([
      '110100001',
      '110100002',
      '110100001',
      '110100001 ',
    ]);
    expect(first.duplicates).to.deep.equal([
      {
        id: 'S-SN-110100001',
        lines: [3, 5, 6],
        assigned: ['S-SN-110100001', 'S-SN-110100001--2', 'S-SN-110100001--3'],
      },
    ]);
    expect(first.entries[0]?.item.categoryPath).to.deep.equal(['(一)']);
  });

  it('refuses to disambiguate onto an id that is taken', () => {
    const entry = (line: number, id: string): ProvinceEntry<null> => ({
      line,
      row: null,
      item: { id, kind: 'service', section: 's', name: 'n', fundPayable: true, provenance: { edition: 'e' } },
    });
    expect(() => disambiguateIds([entry(2, 'S-SN-A'), entry(3, 'S-SN-A'), entry(4, 'S-SN-A--2')])).to.throw(
      /S-SN-A--2 is taken/,
    );
  });

  it('maps the list for whichever member record it is given (its name and code), and rejects an unknown row type', () => {
    const hubei = serviceEntriesOf(serviceCsv(), HUBEI).entries[0]?.item;
    expect(hubei?.province).to.equal('Hubei');
    expect(hubei?.id).to.match(/^S-HB-/);
    const csv = `${SERVICE_COLUMNS.join(',')}\n综合类,7,total,A,110100001,x,次,,1,1,1,,,`;
    expect(() => serviceEntriesOf(parseCsv(csv, { source: 's.csv' }), SHAANXI)).to.throw(
      /s\.csv:2: row_type 'total'/,
    );
  });
});

describe('import/shaanxi special materials', () => {
  it('turns the 175 HC00101-style rows into material items; the 40 HC001 groups are headings', () => {
    const { entries, headingRows, duplicates } = materialImport();
    expect(entries.length + headingRows).to.equal(215);
    expect(headingRows).to.equal(40);
    expect(entries).to.have.length(175);
    expect(duplicates).to.deep.equal([]);
    expect(entries.every((e) => /^HC\d{5}$/.test(e.row.code))).to.equal(true);
    expect(new Set(entries.map((e) => e.item.id)).size).to.equal(175);
  });

  it('maps a material row with its group as the category', () => {
    const e = materialImport().entries[0];
    expect(e?.item).to.deep.equal({
      id: 'M-SN-HC00101',
      kind: 'material',
      section: '材料库',
      number: null,
      class: null,
      categoryCode: 'K',
      categoryPath: [
        '留置针、肝素帽、三通、留置及置管贴膜、输液接头、胰岛素笔用注射针头（可外带）、导管冲洗器、动脉采血器、延长管、静脉营养袋。',
      ],
      name: '留置针',
      dosageForm: null,
      remark: null,
      rules: null,
      paymentStandard: null,
      agreementPeriod: null,
      fundPayable: true,
      provenance: { edition: SHAANXI_EDITION, sourceRow: '6', source: MATERIAL_SOURCE },
      province: 'Shaanxi',
      code: 'HC00101',
      unit: null,
      prices: null,
    });
  });

  it('round-trips the whole list, group rows included, through the export', () => {
    const source = materialCsv().records.map((r) => r.values as MaterialRow);
    const exported = materialItemsToRows(materialImport().entries.map((e) => e.item));
    expect(exported).to.have.length(215);
    source.forEach((row, i) => {
      expect(compareMaterialRow(row, exported[i]!), `xlsx_row ${row.xlsx_row}`).to.deep.equal([]);
    });
  });
});
