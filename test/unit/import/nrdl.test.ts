import { expect } from 'chai';
import {
  CONFIDENTIAL_PRICE,
  ImportError,
  NRDL_COLUMNS,
  NRDL_COLUMNS_NOT_HELD,
  NRDL_EDITION,
  NRDL_SOURCE,
  compareNrdlRow,
  formatAgreementPeriod,
  nrdlEntriesOf,
  nrdlItemToRow,
  nrdlItemsToCsv,
  nrdlRowToItem,
  parseAgreementPeriod,
  parseCsv,
  parsePaymentStandard,
  type NrdlRow,
} from '../../../gateway-client/src/import';
import { computeItemId } from '@nrdl-catalog/chaincode/model';
import { countBy, nrdlEntries, nrdlRow } from './fixtures';

describe('import/nrdl', () => {
  it('maps all 4,750 rows with the per-section counts of the source', () => {
    const entries = nrdlEntries();
    expect(entries).to.have.length(4750);
    expect(countBy(entries, (e) => e.item.section)).to.deep.equal({
      西药部分: 1955,
      中成药部分: 1444,
      '协议期内谈判药品部分-西药': 348,
      '协议期内谈判药品部分-中成药': 58,
      竞价药品部分: 21,
      '中药饮片部分-基金予以支付': 892,
      '中药饮片部分-不得纳入基金支付': 32,
    });
    expect(countBy(entries, (e) => `${e.item.kind}/${e.item.fundPayable}`)).to.deep.equal({
      'drug/true': 3826,
      'herbal/true': 892,
      'herbal/false': 32,
    });
    expect(countBy(entries, (e) => e.item.class ?? 'none')).to.deep.equal({ 甲: 767, 乙: 3059, none: 924 });
  });

  it('gives 4,750 distinct ids, each the chaincode computeItemId of (kind, name, dosage form)', () => {
    const entries = nrdlEntries();
    const ids = new Set(entries.map((e) => e.item.id));
    expect(ids.size, 'id collisions in the NRDL 2024 file').to.equal(4750);
    for (const e of entries) {
      expect(e.item.id).to.equal(
        computeItemId({ kind: e.item.kind, name: e.row.drug_name, dosageForm: e.item.dosageForm }),
      );
      expect(e.item.id).to.match(e.item.kind === 'drug' ? /^D-[0-9a-f]{16}$/ : /^H-[0-9a-f]{16}$/);
    }
  });

  it('maps a negotiated row field by field', () => {
    const e = nrdlRow('3468');
    expect(e.item).to.deep.equal({
      id: computeItemId({ kind: 'drug', name: '门冬氨酸钾镁木糖醇注射液', dosageForm: null }),
      kind: 'drug',
      section: '协议期内谈判药品部分-西药',
      number: '69',
      class: '乙',
      categoryCode: e.row.category_code,
      categoryPath: e.row.category_path.split(' > '),
      name: '门冬氨酸钾镁木糖醇注射液',
      dosageForm: null,
      remark: '限洋地黄中毒引起的心律失常患者。',
      rules: null,
      paymentStandard: {
        text: '38.35元(250ml:门冬氨酸1.7g与钾0.228g与镁84mg与木糖醇12.5g/袋)',
        amount: 38.35,
        confidential: false,
      },
      agreementPeriod: { from: '2025-01-01', to: '2026-12-31' },
      fundPayable: true,
      provenance: { edition: NRDL_EDITION, sourceRow: '3468', source: NRDL_SOURCE },
      province: null,
      code: null,
      unit: null,
      prices: null,
    });
    expect(e.item.categoryPath?.length).to.be.greaterThan(1);
  });

  it('keeps numbers verbatim, including ★ repeats and full-width brackets', () => {
    expect(nrdlRow('1').item.number).to.equal('1');
    expect(nrdlRow('525').item.number).to.equal('★（389）');
    expect(nrdlRow('1984').item.number).to.equal('★(14)');
    expect(nrdlEntries().filter((e) => e.item.number?.startsWith('★'))).to.have.length(667);
    // the two rows whose number the printed list gives elsewhere, and all herbal rows, have none
    expect(nrdlEntries().filter((e) => e.item.number === null)).to.have.length(2 + 892 + 32);
  });

  it('parses payment standards: amounts, several strengths, confidential prices', () => {
    const withStandard = nrdlEntries().filter((e) => e.item.paymentStandard != null);
    expect(withStandard).to.have.length(427);
    expect(withStandard.filter((e) => e.item.paymentStandard?.confidential)).to.have.length(254);
    expect(withStandard.filter((e) => e.item.paymentStandard?.amount != null)).to.have.length(172);
    expect(countBy(withStandard, (e) => e.item.section)).to.deep.equal({
      '协议期内谈判药品部分-西药': 348,
      '协议期内谈判药品部分-中成药': 58,
      竞价药品部分: 21,
    });
    // several strengths separated by '；\n': the first strength's price
    expect(nrdlRow('3405').item.paymentStandard).to.deep.equal({
      text: '13.60元(1ml:12.5mg/支)；\n66.82元(5ml:100mg/支)',
      amount: 13.6,
      confidential: false,
    });
    expect(nrdlRow('3806').item.paymentStandard?.amount).to.equal(3.49);
    expect(nrdlRow('3764').item.paymentStandard).to.deep.equal({
      text: CONFIDENTIAL_PRICE,
      amount: null,
      confidential: true,
    });
    // no yuan amount at all
    expect(nrdlRow('3747').item.paymentStandard).to.deep.equal({
      text: '见备注2(每粒胶囊含碘[131I]的放射性活度为37-3700MBq)',
      amount: null,
      confidential: false,
    });
    // the corrupted API value (qa_note) is kept verbatim and is not a confidential price
    expect(nrdlRow('3666').item.paymentStandard).to.deep.equal({
      text: '8.68元(每贴(14cm企业申请价格保密10cm)含膏体13g,含酮洛芬30mg)',
      amount: 8.68,
      confidential: false,
    });
    expect(parsePaymentStandard('')).to.equal(null);
  });

  it('parses the three agreement periods of the list', () => {
    const periods = countBy(
      nrdlEntries().filter((e) => e.item.agreementPeriod != null),
      (e) => `${e.item.agreementPeriod?.from}..${e.item.agreementPeriod?.to}`,
    );
    expect(periods).to.deep.equal({
      '2025-01-01..2026-12-31': 213,
      '2024-01-01..2025-12-31': 198,
      '2025-01-01..2025-12-31': 16,
    });
    expect(parseAgreementPeriod('2025年1月1日至2026年12月31日')).to.deep.equal({
      from: '2025-01-01',
      to: '2026-12-31',
    });
    expect(parseAgreementPeriod('')).to.equal(null);
    expect(() => parseAgreementPeriod('2025年2月30日至2026年12月31日')).to.throw(/not an agreement period/);
    expect(() => parseAgreementPeriod('2026年1月1日至2025年12月31日')).to.throw(/not an agreement period/);
    expect(() => parseAgreementPeriod('长期')).to.throw(/not an agreement period/);
    expect(formatAgreementPeriod({ from: '2024-01-01', to: '2025-12-31' })).to.equal(
      '2024年1月1日至2025年12月31日',
    );
  });

  it('marks only the 32 excluded herbal slices as not fund-payable', () => {
    const excluded = nrdlEntries().filter((e) => !e.item.fundPayable);
    expect(excluded).to.have.length(32);
    expect(
      excluded.every((e) => e.item.kind === 'herbal' && e.item.section === '中药饮片部分-不得纳入基金支付'),
    ).to.equal(true);
    const ejiao = nrdlRow('4719').item;
    expect(ejiao).to.include({ kind: 'herbal', name: '阿胶', fundPayable: false, class: null, number: null });
    expect(ejiao.id).to.equal(computeItemId({ kind: 'herbal', name: '阿胶' }));
    expect(nrdlRow('3827').item).to.include({ kind: 'herbal', name: '一枝黄花', fundPayable: true });
  });

  it('keeps names with line breaks verbatim', () => {
    const multi = nrdlEntries().filter((e) => e.item.name.includes('\n'));
    expect(multi).to.have.length(42);
    expect(nrdlRow('111').item.name).to.equal(
      '复方聚乙二醇电解质Ⅰ\n复方聚乙二醇电解质Ⅱ\n复方聚乙二醇电解质Ⅲ\n复方聚乙二醇电解质Ⅳ',
    );
    expect(nrdlRow('111').item.dosageForm).to.equal('口服散剂');
  });

  it('attaches the rules found in the remark', () => {
    expect(nrdlRow('3274').item.rules).to.deep.equal({ sex: 'female' });
    expect(nrdlRow('1984').item.rules).to.deep.equal({ hospitalLevels: [2, 3] });
    expect(nrdlRow('1984').item.remark).to.equal('限二级及以上医疗机构。');
  });

  it('round-trips every row through the export, field by field', () => {
    const held = NRDL_COLUMNS.filter((c) => !NRDL_COLUMNS_NOT_HELD.includes(c));
    expect(held).to.have.length(16);
    for (const e of nrdlEntries()) {
      const diff = compareNrdlRow(e.row, e.item);
      expect(diff, `row_id ${e.row.row_id}`).to.deep.equal([]);
    }
  });

  it('round-trips the CSV text of the export through the importer', () => {
    const entries = nrdlEntries();
    const table = parseCsv(nrdlItemsToCsv(entries.map((e) => e.item)), { source: 'export.csv' });
    const back = nrdlEntriesOf(table);
    expect(back).to.have.length(entries.length);
    back.forEach((e, i) => {
      expect(e.item, `row_id ${e.row.row_id}`).to.deep.equal(entries[i]?.item);
    });
  });

  it('guards a formula-like drug name in the CSV export and reads it back unchanged', () => {
    const source = nrdlRow('3468').item;
    const names = ['=HYPERLINK("http://evil","点击")', '-1+1', '@SUM(1)'];
    const text = nrdlItemsToCsv(names.map((name) => ({ ...source, name })));
    expect(text).to.contain(`,"'=HYPERLINK(""http://evil"",""点击"")",`);
    expect(text).to.contain(`,'-1+1,`).and.contain(`,'@SUM(1),`);
    expect(text).to.not.match(/,"?[=@]|,-1\+1/);
    expect(parseCsv(text).records.map((r) => r.values['drug_name'])).to.deep.equal(names);
  });

  it('loses only xlsx_row and qa_note, which no item field holds', () => {
    const e = nrdlRow('3666');
    expect(compareNrdlRow(e.row, e.item, []).map((d) => d.column)).to.deep.equal(['xlsx_row', 'qa_note']);
    const exported = nrdlItemToRow(e.item);
    expect(exported.xlsx_sheet).to.equal('协议西药');
    expect(exported.api_flag).to.equal('0');
  });

  describe('bad rows', () => {
    const good: NrdlRow = nrdlRow('3468').row;
    const csvOf = (rows: readonly NrdlRow[]): string =>
      [
        NRDL_COLUMNS.join(','),
        ...rows.map((r) => NRDL_COLUMNS.map((c) => JSON.stringify(r[c])).join(',')),
      ].join('\n');

    it('rejects an unknown section, a bad class and a bad period, naming the line', () => {
      expect(() => nrdlRowToItem({ ...good, section: '西药部分' })).to.throw(/unknown section/);
      expect(() => nrdlRowToItem({ ...good, class: '丙' })).to.throw(/class must be/);
      const table = parseCsv(
        csvOf([good, { ...good, row_id: '9', drug_name: 'x', agreement_period: '2025年' }]),
        {
          source: 'bad.csv',
        },
      );
      expect(() => nrdlEntriesOf(table))
        .to.throw(ImportError, /^INVALID_INPUT: bad\.csv:3: not an agreement period/)
        .with.property('line', 3);
    });

    it('fails loudly on an id collision', () => {
      const table = parseCsv(csvOf([good, { ...good, row_id: '2', no: '★(69)' }]), { source: 'dup.csv' });
      expect(() => nrdlEntriesOf(table)).to.throw(
        ImportError,
        /dup\.csv:3: item id D-[0-9a-f]+ collides with the row on line 2/,
      );
    });

    it('rejects a file without the NRDL columns', () => {
      expect(() => nrdlEntriesOf(parseCsv('row_id,section\n1,西药部分\n', { source: 'x.csv' }))).to.throw(
        ImportError,
        "x.csv:2: missing column 'section_std'",
      );
    });
  });
});
