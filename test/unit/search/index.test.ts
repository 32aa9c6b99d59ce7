import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { digestOfEntries, type DigestEntry, type Item } from '@nrdl-catalog/chaincode/model';
import {
  MATCH_KINDS,
  matchKind,
  matchRank,
  pinyinKeys,
  searchKeys,
  shortGrams,
  SqliteSearchIndex,
  type IndexQuery,
} from '../../../gateway-client/src/search';

function item(id: string, name: string, extra: Partial<Item> = {}): Item {
  return {
    id,
    kind: 'drug',
    section: '西药',
    number: null,
    class: '乙',
    categoryCode: null,
    categoryPath: [],
    name,
    dosageForm: '片剂',
    remark: null,
    rules: null,
    paymentStandard: null,
    agreementPeriod: null,
    fundPayable: true,
    provenance: { edition: 'test', sourceRow: null, source: null },
    province: null,
    code: null,
    unit: null,
    prices: null,
    ...extra,
  };
}

const ITEMS: readonly Item[] = [
  item('D-01', '阿莫西林胶囊'),
  item('D-02', '阿莫西林'),
  item('D-03', '注射用阿莫西林钠克拉维酸钾'),
  item('D-04', '阿莫西林克拉维酸钾片'),
  item('D-05', '盐酸氨溴索片', { remark: '限阿莫西林过敏患者' }),
  item('D-06', '氨茶碱片', { code: 'AMXL0001' }),
  item('D-07', '二甲双胍恩格列净片(Ⅵ)'),
  item('S-01', '特殊防护病房床位费', {
    kind: 'service',
    class: null,
    section: '医疗服务',
    code: '110900004',
  }),
  item('P-01', '陕西阿莫西林颗粒', { province: 'Shaanxi', kind: 'material', class: null }),
  item('P-02', '广东阿莫西林颗粒', { province: 'Guangdong', kind: 'material', class: null }),
];

const entries = (items: readonly Item[]): Extract<DigestEntry, { type: 'item' }>[] =>
  items.map((i) => ({ type: 'item', itemId: i.id, data: i }));

function indexOf(items: readonly Item[] = ITEMS): { db: DatabaseSync; index: SqliteSearchIndex } {
  const db = new DatabaseSync(':memory:');
  const index = new SqliteSearchIndex(db);
  index.applyVersion(
    { version: 1, digest: digestOfEntries(entries(items)), versionHash: 'h1', blockNumber: 5 },
    entries(items).map((e) => ({ key: `item|${e.itemId}`, entry: e })),
  );
  return { db, index };
}

const query = (q: string, more: Partial<IndexQuery> = {}): IndexQuery => ({
  q,
  limit: 50,
  offset: 0,
  ...more,
});

describe('read-model search index', () => {
  it('keys: NFKC names, pinyin without tones in full and by initials, codes and remark', () => {
    expect(pinyinKeys('阿莫西林')).to.deep.equal({ full: 'AMOXILIN', initials: 'AMXL' });
    const keys = searchKeys({
      name: '二甲双胍恩格列净片(Ⅵ)',
      code: 'x1',
      codes: ['X1', 'Y2'],
      remark: '限 成人',
    });
    expect(keys).to.deep.equal({
      name: '二甲双胍恩格列净片(VI)',
      pinyinFull: 'ERJIASHUANGGUAENGELIEJINGPIANVI',
      pinyinInitials: 'EJSGEGLJPVI',
      codes: 'X1|Y2',
      remark: '限成人',
    });
    expect(pinyinKeys('')).to.deep.equal({ full: '', initials: '' });
    expect(
      shortGrams({ name: '阿莫', pinyinFull: '', pinyinInitials: 'AM', codes: '', remark: '' }),
    ).to.deep.equal(['A', 'AM', 'M', '莫', '阿', '阿莫']);
  });

  it('ranks exact name > prefix > substring > pinyin > code > remark, ties by name length, kind, id', () => {
    const { index } = indexOf();
    const page = index.search(query('阿莫西林'));
    expect(page.hits.map((h) => [h.itemId, h.match])).to.deep.equal([
      ['D-02', 'exact'],
      ['D-01', 'prefix'],
      ['D-04', 'prefix'],
      ['P-01', 'substring'],
      ['P-02', 'substring'],
      ['D-03', 'substring'],
      ['D-05', 'remark'],
    ]);
    expect(page.total).to.equal(7);
    const initials = index.search(query('AMXL'));
    expect(initials.hits.map((h) => [h.itemId, h.match])).to.deep.equal([
      ['D-02', 'pinyin'],
      ['D-01', 'pinyin'],
      ['P-01', 'pinyin'],
      ['D-04', 'pinyin'],
      ['D-03', 'pinyin'],
      ['D-06', 'code'],
    ]);
    // the library's default reading in context: 广东阿… is read GUANGDONG'E (东阿, a place name)
    expect(searchKeys(ITEMS[9]!).pinyinInitials).to.equal('GDEMXLKL');
    expect(index.search(query('AMOXILIN')).hits[0]).to.deep.include({ itemId: 'D-02', match: 'pinyin' });
    expect(index.search(query('110900004')).hits.map((h) => [h.itemId, h.match])).to.deep.equal([
      ['S-01', 'code'],
    ]);
  });

  it('agrees with the reference ranking (matchKind) on every query', () => {
    const { index } = indexOf();
    for (const q of ['阿', '阿莫', '林', 'AM', 'A', '片', 'XL', '克拉维', 'VI', '(V', '110', '过敏', 'ZZZ']) {
      const expected = ITEMS.map((i) => ({ i, kind: matchKind(searchKeys(i), q) }))
        .filter((x) => x.kind !== null)
        .sort(
          (a, b) =>
            matchRank(a.kind ?? 'remark') - matchRank(b.kind ?? 'remark') ||
            Array.from(a.i.name).length - Array.from(b.i.name).length ||
            a.i.kind.localeCompare(b.i.kind) ||
            a.i.id.localeCompare(b.i.id),
        )
        .map((x) => [x.i.id, x.kind]);
      expect(
        index.search(query(q)).hits.map((h) => [h.itemId, h.match]),
        q,
      ).to.deep.equal(expected);
    }
    expect(matchKind(searchKeys(ITEMS[0]!), '')).to.equal(null);
    expect(MATCH_KINDS).to.have.length(6);
  });

  it('answers one- and two-character queries (below the trigram tokenizer) correctly', () => {
    const { index } = indexOf();
    // names and pinyin only: D-05 has 阿莫 in its remark, which two characters do not search
    expect(index.search(query('阿莫')).hits.map((h) => h.itemId)).to.not.include('D-05');
    expect(index.search(query('阿莫')).total).to.equal(6);
    expect(index.search(query('阿莫西')).hits.map((h) => h.itemId)).to.include('D-05');
    expect(index.search(query('钾')).hits.map((h) => h.itemId)).to.deep.equal(['D-04', 'D-03']);
    expect(index.search(query('费')).hits.map((h) => h.itemId)).to.deep.equal(['S-01']);
    expect(index.search(query('鑫')).total).to.equal(0);
  });

  it('filters by kind, class, section and province (national items and the province’s own)', () => {
    const { index } = indexOf();
    const ids = (q: IndexQuery): string[] => index.search(q).hits.map((h) => h.itemId);
    expect(ids(query('颗粒', { province: 'Shaanxi' }))).to.deep.equal(['P-01']);
    expect(ids(query('阿莫西林', { province: 'Guangdong' }))).to.not.include('P-01');
    expect(ids(query('阿莫西林', { kind: 'material' }))).to.deep.equal(['P-01', 'P-02']);
    expect(ids(query('床位', { section: '医疗服务' }))).to.deep.equal(['S-01']);
    expect(ids(query('片', { class: '甲' }))).to.deep.equal([]);
  });

  it('pages with limit and offset and counts all hits, also past the last page', () => {
    const { index } = indexOf();
    const first = index.search(query('阿莫西林', { limit: 3 }));
    const second = index.search(query('阿莫西林', { limit: 3, offset: 3 }));
    expect(first.hits.map((h) => h.itemId)).to.deep.equal(['D-02', 'D-01', 'D-04']);
    expect(second.hits.map((h) => h.itemId)).to.deep.equal(['P-01', 'P-02', 'D-03']);
    expect(index.search(query('阿莫西林', { offset: 40 }))).to.deep.equal({ total: 7, hits: [] });
    expect(index.search(query('"引号"'))).to.deep.equal({ total: 0, hits: [] });
  });

  it('applies removals and replacements, and its digest is the catalog digest of its rows', () => {
    const { index } = indexOf();
    expect(index.verify()).to.deep.equal({
      digest: digestOfEntries(entries(ITEMS)),
      entries: 10,
      problems: [],
    });
    const renamed = item('D-01', '阿莫西林分散片');
    const overlay: DigestEntry = {
      type: 'overlay',
      itemId: 'D-02',
      province: 'Shaanxi',
      data: { selfPayRatio: 0.1 },
    };
    index.applyVersion({ version: 2, digest: 'd2', versionHash: 'h2', blockNumber: 9 }, [
      { key: 'item|D-05', entry: null },
      { key: 'item|D-01', entry: { type: 'item', itemId: 'D-01', data: renamed } },
      { key: 'overlay|D-02|Shaanxi', entry: overlay },
      { key: 'item|D-99', entry: null },
    ]);
    const live = [
      ...entries(ITEMS.filter((i) => i.id !== 'D-05' && i.id !== 'D-01')),
      entries([renamed])[0]!,
      overlay,
    ];
    expect(index.verify()).to.deep.equal({ digest: digestOfEntries(live), entries: 10, problems: [] });
    expect(index.state()).to.deep.equal({ version: 2, digest: 'd2', versionHash: 'h2', blockNumber: 9 });
    expect(index.search(query('分散')).hits.map((h) => h.itemId)).to.deep.equal(['D-01']);
    expect(index.search(query('过敏')).total).to.equal(0);
    expect(index.search(query('胶囊')).total).to.equal(0);
  });

  it('finds rows whose keys, grams or full-text entries were changed apart from their data', () => {
    const { db, index } = indexOf();
    db.prepare("UPDATE rm_entries SET name_norm = '别的药' WHERE item_id = 'D-06'").run();
    db.prepare(
      "DELETE FROM rm_grams WHERE entry = (SELECT id FROM rm_entries WHERE item_id = 'D-07') AND gram = '双'",
    ).run();
    db.prepare("INSERT INTO rm_grams (gram, entry) VALUES ('X', 999)").run();
    db.prepare("UPDATE rm_entries SET kind = 'herbal' WHERE item_id = 'D-02'").run();
    const check = index.verify();
    expect(check.problems).to.deep.equal([
      'item|D-02: search keys do not match the record',
      'item|D-06: search keys do not match the record',
      'item|D-07: short-query index does not match the record',
      '1 short-query index rows belong to no record',
      'full-text index: database disk image is malformed',
    ]);
    const fts = indexOf();
    fts.db
      .prepare(
        "INSERT INTO rm_fts (rowid, name_norm, pinyin_full, pinyin_initials, codes_norm, remark_norm) VALUES (1, '假', '', '', '', '')",
      )
      .run();
    expect(fts.index.verify().problems.at(-1)).to.match(/^full-text index: /);
    const broken = indexOf();
    broken.db.prepare("UPDATE rm_entries SET data = 'not json' WHERE item_id = 'D-01'").run();
    expect(broken.index.verify().problems).to.deep.equal([
      `item|D-01: data is not JSON (${(() => {
        try {
          JSON.parse('not json');
        } catch (e) {
          return (e as Error).message;
        }
        return '';
      })()})`,
    ]);
  });

  it('rolls a failed version back entirely', () => {
    const { index } = indexOf();
    const bad = { type: 'item', itemId: 'D-77', data: {} } as DigestEntry;
    expect(() => {
      index.applyVersion({ version: 2, digest: 'd2', versionHash: 'h2', blockNumber: 9 }, [
        { key: 'item|D-01', entry: null },
        { key: 'item|D-77', entry: bad },
      ]);
    }).to.throw();
    expect(index.state()?.version).to.equal(1);
    expect(index.search(query('阿莫西林胶囊')).total).to.equal(1);
  });
});
