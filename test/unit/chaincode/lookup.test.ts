import { expect } from 'chai';
import {
  computeItemId,
  decodeSignaturePolicy,
  type CoverageResult,
  type Item,
  type ItemInput,
  type ItemSummary,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { normaliseItem } from '../../../chaincode/src/model/items';
import {
  itemCodes,
  LOOKUP,
  lookupFamilyOf,
  lookupKeysOf,
  lookupText,
} from '../../../chaincode/src/model/lookup';
import { LOOKUP_LIMITS } from '../../../chaincode/src/model/lookup-reader';
import {
  A,
  boraxItem,
  bootstrapped,
  draftAndOpen,
  nationalVersion,
  provincialVersion,
  rejectsWith,
  reviewed,
  shaanxiWardItem,
  syntheticDrug,
  upserts,
} from './support/fixtures';
import type { Network } from './support/fabric-stub';

/** Two dosage forms of one name, the name with full-width brackets as in the NRDL CSV. */
const metforminTablet: ItemInput = {
  kind: 'drug',
  section: '西药部分',
  number: '120',
  class: '乙',
  categoryCode: 'XA10BD',
  name: '二甲双胍恩格列净片（Ⅵ）',
  dosageForm: '缓释控释剂型',
  fundPayable: true,
  codes: ['XA10BDE191A002010100483', 'XA10BDE191A002020100483'],
  provenance: { edition: 'NRDL-2024', sourceRow: '120' },
};
const metforminOther: ItemInput = {
  ...metforminTablet,
  dosageForm: '口服常释剂型',
  codes: ['XA10BDE191A001'],
};
const ids = {
  tablet: computeItemId({ kind: 'drug', name: metforminTablet.name, dosageForm: '缓释控释剂型' }),
  other: computeItemId({ kind: 'drug', name: metforminTablet.name, dosageForm: '口服常释剂型' }),
  borax: computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' }),
};

type Found = ItemSummary & { listedInVersion: number };
interface SearchPage {
  records: Found[];
  bookmark: string;
  truncated: boolean;
  catalogVersion: number;
}

function search(net: Network, input: Record<string, unknown>): Promise<SearchPage> {
  return net.evaluate<SearchPage>(A.gdHospital, 'Catalog:SearchItems', input);
}

/** Every page of a search. */
async function searchAll(net: Network, input: Record<string, unknown>): Promise<Found[]> {
  const out: Found[] = [];
  let bookmark = '';
  do {
    const page = await search(net, { ...input, ...(bookmark === '' ? {} : { bookmark }) });
    out.push(...page.records);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return out;
}

function lookupKeysIn(net: Network): string[] {
  return net.ledger.keys().filter((k) => lookupFamilyOf(k) !== null);
}

describe('lookup keys (names, codes, categories on chain)', () => {
  describe('derivation', () => {
    const g = { provinces: [] };
    it('normalises names and forms as item ids do (NFKC, no whitespace, upper case)', () => {
      expect(lookupText(' 二甲双胍恩格列净片（Ⅵ） ')).to.equal('二甲双胍恩格列净片(VI)');
      expect(lookupText('a\u0001b\u0000c')).to.equal('ABC');
    });

    it('writes one name key, one key per distinct code and one category key per upsert', () => {
      const item = normaliseItem(g, { ...metforminTablet, code: 'xa10bde191a002010100483' });
      expect(itemCodes(item)).to.deep.equal(['XA10BDE191A002010100483', 'XA10BDE191A002020100483']);
      const keys = lookupKeysOf(item, 'p1');
      expect(keys).to.have.length(4);
      expect(keys.map((k) => k.split('\u0001')[0])).to.deep.equal([
        LOOKUP.category,
        LOOKUP.code,
        LOOKUP.code,
        LOOKUP.name,
      ]);
      expect(keys).to.include(
        ['lk.name', '二甲双胍恩格列净片(VI)', '缓释控释剂型', item.id, 'p1'].join('\u0001'),
      );
      const plain: Item = normaliseItem(g, { ...boraxItem, categoryCode: null });
      expect(lookupKeysOf(plain, 'p1').map(lookupFamilyOf)).to.deep.equal([LOOKUP.name]);
      expect(lookupFamilyOf('\u0000item\u0000x\u0000')).to.equal(null);
    });
  });

  describe('on the ledger', () => {
    let net: Network;
    let v1: Version;
    before(async () => {
      net = await bootstrapped();
      v1 = await nationalVersion(net, [upserts([metforminTablet, metforminOther, boraxItem])]);
    });

    it('are written by ApplyChunk under the unsatisfiable policy, valued { itemId, proposalId }', () => {
      const keys = lookupKeysIn(net);
      // borax: name + category; each metformin form: name + category + its codes
      expect(keys).to.have.length(2 + 4 + 3);
      const immutable = {
        nOutOf: 5,
        rules: ['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP'].map((m) => ({ signedBy: m })),
      };
      for (const k of keys) {
        expect(decodeSignaturePolicy(net.ledger.validationParameter(k)!)).to.deep.equal(immutable);
        expect(net.ledger.getJson<{ proposalId: string }>(k)?.proposalId).to.equal(v1.proposalIds[0]);
      }
    });

    it('SearchItems by exact name answers every dosage form; a form narrows it', async () => {
      const all = await search(net, { exactName: '二甲双胍恩格列净片(Ⅵ)' });
      expect(all.records.map((r) => r.itemId).sort()).to.deep.equal([ids.tablet, ids.other].sort());
      expect(all.truncated).to.equal(false);
      expect(all.bookmark).to.equal('');
      const one = await search(net, { exactName: '二甲双胍恩格列净片 (Ⅵ)', dosageForm: '口服常释剂型' });
      expect(one.records.map((r) => r.itemId)).to.deep.equal([ids.other]);
      expect(one.records[0]?.listedInVersion).to.equal(1);
      expect((await search(net, { exactName: '二甲双胍' })).records).to.deep.equal([]);
    });

    it('SearchItems by code (code or codes), by name prefix, category prefix and substring', async () => {
      expect(
        (await search(net, { code: 'XA10BDE191A002020100483' })).records.map((r) => r.itemId),
      ).to.deep.equal([ids.tablet]);
      expect((await search(net, { code: ids.borax })).records.map((r) => r.itemId)).to.deep.equal([
        ids.borax,
      ]);
      expect((await search(net, { namePrefix: '二甲双胍' })).records).to.have.length(2);
      expect((await search(net, { categoryCode: 'XA10' })).records).to.have.length(2);
      expect((await search(net, { name: '恩格列净' })).records).to.have.length(2);
      expect((await search(net, { name: '恩格列净', dosageForm: '缓释控释剂型' })).records).to.have.length(1);
      expect((await search(net, { namePrefix: '二甲双胍', kind: 'herbal' })).records).to.deep.equal([]);
    });

    it('refuses a bookmark of another range', async () => {
      const page = await search(net, { namePrefix: '二', pageSize: 1 });
      expect(page.bookmark).to.not.equal('');
      await rejectsWith(() => search(net, { code: 'X', bookmark: page.bookmark }), 'INVALID_INPUT');
    });

    it('CheckCoverage by name answers every match with its form, unless the form narrows it', async () => {
      const both = await net.evaluate<{ matches: (CoverageResult & { dosageForm: string })[] }>(
        A.gdHospital,
        'Catalog:CheckCoverage',
        { province: 'Guangdong', name: '二甲双胍恩格列净片（Ⅵ）', date: '2025-02-01' },
      );
      expect(both.matches.map((m) => [m.itemId, m.dosageForm, m.reason]).sort()).to.deep.equal(
        [
          [ids.tablet, '缓释控释剂型', 'COVERED'],
          [ids.other, '口服常释剂型', 'COVERED'],
        ].sort(),
      );
      const one = await net.evaluate<CoverageResult & { dosageForm: string; query: unknown }>(
        A.gdHospital,
        'Catalog:CheckCoverage',
        {
          province: 'Guangdong',
          name: '二甲双胍恩格列净片(Ⅵ)',
          dosageForm: '缓释控释剂型',
          date: '2025-02-01',
        },
      );
      expect([one.itemId, one.covered, one.dosageForm]).to.deep.equal([ids.tablet, true, '缓释控释剂型']);
      expect(one.query).to.deep.equal({ name: '二甲双胍恩格列净片(Ⅵ)', dosageForm: '缓释控释剂型' });
      const byId = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
        province: 'Guangdong',
        itemId: ids.tablet,
        date: '2025-02-01',
      });
      expect(one).to.deep.equal({ ...byId, dosageForm: '缓释控释剂型', query: one.query });
    });

    it('CheckCoverage by code; ITEM_NOT_FOUND when nothing matches; exactly one of itemId, name, code', async () => {
      const one = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
        province: 'Guangdong',
        code: 'XA10BDE191A001',
        date: '2025-02-01',
      });
      expect(one.itemId).to.equal(ids.other);
      // before any version is in force there is nothing to resolve the name in
      await rejectsWith(
        () =>
          net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', { province: 'Guangdong', name: '复方硼砂' }),
        'VERSION_NOT_FOUND',
      );
      await rejectsWith(
        () =>
          net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', {
            province: 'Guangdong',
            name: '蜂蜜',
            date: '2025-02-01',
          }),
        'ITEM_NOT_FOUND',
      );
      await rejectsWith(
        () =>
          net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', {
            province: 'Guangdong',
            code: 'NOPE',
            date: '2025-02-01',
          }),
        'ITEM_NOT_FOUND',
      );
      for (const bad of [
        { province: 'Guangdong' },
        { province: 'Guangdong', itemId: ids.other, name: 'x' },
        { province: 'Guangdong', code: 'X', dosageForm: 'y' },
      ]) {
        await rejectsWith(() => net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', bad), 'INVALID_INPUT');
      }
    });

    it('the batch answers lookup lines in order, none as an empty match list', async () => {
      const { results } = await net.evaluate<{ results: Record<string, unknown>[] }>(
        A.gdHospital,
        'Catalog:CheckCoverageBatch',
        {
          lines: [
            { province: 'Guangdong', code: 'XA10BDE191A001', date: '2025-03-01' },
            { province: 'Guangdong', name: '蜂蜜', date: '2025-03-01' },
            { province: 'Guangdong', itemId: ids.borax, date: '2025-03-01' },
            { province: 'Guangdong', name: '蜂蜜', date: '2024-03-01' },
          ],
        },
      );
      expect(results[0]?.itemId).to.equal(ids.other);
      expect(results[1]).to.deep.equal({
        catalogVersion: 1,
        date: '2025-03-01',
        matches: [],
        province: 'Guangdong',
        query: { dosageForm: null, name: '蜂蜜' },
      });
      expect(results[2]?.itemId).to.equal(ids.borax);
      expect(results[3]).to.deep.include({ catalogVersion: 0, matches: [] });
    });
  });

  describe('as of a version', () => {
    it('a renamed or removed item leaves no hit at the head, and is found as of the old version', async () => {
      const net = await bootstrapped();
      await nationalVersion(net, [upserts([metforminTablet, boraxItem])], '2025-01-01');
      await nationalVersion(
        net,
        [
          [
            { op: 'upsertItem', item: { ...boraxItem, id: ids.borax, name: '复方硼砂含漱液' } },
            { op: 'removeItem', itemId: ids.tablet },
          ],
        ],
        '2025-06-01',
      );
      expect((await search(net, { exactName: '复方硼砂' })).records).to.deep.equal([]);
      expect((await search(net, { exactName: '复方硼砂', version: 1 })).records).to.have.length(1);
      expect((await search(net, { exactName: '复方硼砂含漱液' })).records[0]?.listedInVersion).to.equal(2);
      expect((await search(net, { code: 'XA10BDE191A002020100483' })).records).to.deep.equal([]);
      // coverage follows the version in force on the date, or the atVersion pin
      const line = { province: 'Guangdong', name: '复方硼砂' };
      const at = (date: string, atVersion?: number): Promise<{ results: { itemId?: string }[] }> =>
        net.evaluate(A.gdHospital, 'Catalog:CheckCoverageBatch', {
          lines: [{ ...line, date }],
          ...(atVersion === undefined ? {} : { atVersion }),
        });
      expect((await at('2025-03-01')).results[0]?.itemId).to.equal(ids.borax);
      expect((await at('2025-07-01')).results[0])
        .to.have.property('matches')
        .that.deep.equals([]);
      expect((await at('2025-07-01', 1)).results[0]?.itemId).to.equal(ids.borax);
      await rejectsWith(() => at('2025-07-01', 3), 'VERSION_NOT_FOUND');
    });

    it('a provincial item is found by its code in its province', async () => {
      const net = await bootstrapped();
      await provincialVersion(net, 'Shaanxi', upserts([shaanxiWardItem]));
      const r = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
        province: 'Shaanxi',
        code: '110900004',
        date: '2025-02-01',
      });
      expect([r.reason, r.itemId]).to.deep.equal(['COVERED', 'S-SN-110900004']);
    });
  });

  describe('pages', () => {
    const saved = { ...LOOKUP_LIMITS };
    afterEach(() => Object.assign(LOOKUP_LIMITS, saved));

    it('prefix pages are full whatever the range page, and page through every match once', async () => {
      const net = await bootstrapped();
      const items = Array.from({ length: 70 }, (_, i) => syntheticDrug(i));
      await nationalVersion(net, [upserts(items)]);
      LOOKUP_LIMITS.rangePage = 7;
      const first = await search(net, { namePrefix: '测试药品', pageSize: 30 });
      expect(first.records).to.have.length(30);
      expect(first.truncated).to.equal(false);
      const all = await searchAll(net, { namePrefix: '测试药品', pageSize: 30 });
      expect(new Set(all.map((r) => r.itemId)).size).to.equal(70);
      // a filter the index does not hold: pages stay full while the budget lasts
      const injections = await searchAll(net, { namePrefix: '测试', dosageForm: '注射剂', pageSize: 20 });
      expect(injections).to.have.length(35);
    });

    it('a page the scan budget cuts short says truncated, with the bookmark to go on', async () => {
      const net = await bootstrapped();
      await nationalVersion(net, [upserts(Array.from({ length: 40 }, (_, i) => syntheticDrug(i)))]);
      LOOKUP_LIMITS.scanBudget = 10;
      LOOKUP_LIMITS.rangePage = 4;
      // substring "品3": 测试药品3, 测试药品30..39 — 11 of the 40 name keys
      const page = await search(net, { name: '品3', pageSize: 50 });
      expect(page.truncated).to.equal(true);
      expect(page.bookmark).to.not.equal('');
      const all = await searchAll(net, { name: '品3', pageSize: 50 });
      expect(all.map((r) => r.name).sort()).to.deep.equal(
        ['测试药品3', ...Array.from({ length: 10 }, (_, i) => `测试药品3${String(i)}`)].sort(),
      );
    });

    it('the item-key scan (no lookup filter) says truncated too', async () => {
      const net = await bootstrapped();
      await nationalVersion(net, [upserts(Array.from({ length: 5 }, (_, i) => syntheticDrug(i)))]);
      const page = await search(net, { class: '甲', pageSize: 5 });
      expect(page.truncated).to.equal(false);
      expect(page.records).to.have.length(2);
    });
  });

  describe('reindex', () => {
    it('gives items applied without lookup keys their keys, once the reindex proposal seals', async () => {
      const net = await bootstrapped();
      const v1 = await nationalVersion(net, [upserts([metforminTablet, boraxItem])]);
      const written = lookupKeysIn(net);
      for (const k of written) {
        net.ledger.unseed(k);
      }
      expect((await search(net, { exactName: '复方硼砂' })).records).to.deep.equal([]);
      const changes = [
        { op: 'reindexItem', itemId: ids.tablet },
        { op: 'reindexItem', itemId: ids.borax },
      ] as const;
      const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [changes], '2025-02-01');
      for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
        await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
      }
      await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: id, chunkIndex: 0 });
      // the keys are there under the original proposal, but count only once the reindex seals
      expect(lookupKeysIn(net)).to.deep.equal(written);
      expect(net.ledger.getJson<{ reindexedBy: string }>(written[0]!)?.reindexedBy).to.equal(id);
      expect((await search(net, { exactName: '复方硼砂' })).records).to.deep.equal([]);
      const v2 = await net.submit<Version>(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: id });
      expect(v2.digest).to.equal(v1.digest);
      const found = await search(net, { exactName: '复方硼砂', version: 1 });
      expect(found.records.map((r) => [r.itemId, r.listedInVersion])).to.deep.equal([[ids.borax, 1]]);
      // repeating it writes nothing
      const again = await nationalVersion(net, [[{ op: 'reindexItem', itemId: ids.borax }]], '2025-03-01');
      expect(again.digest).to.equal(v1.digest);
      expect(lookupKeysIn(net)).to.deep.equal(written);
    });

    it('a province reindexes only its own items; an unknown item is refused', async () => {
      const net = await bootstrapped();
      await nationalVersion(net, [upserts([boraxItem])]);
      const open = (itemId: string): Promise<string> =>
        draftAndOpen(net, A.gdProposer, { scope: 'provincial', province: 'Guangdong' }, [
          [{ op: 'reindexItem', itemId }],
        ]);
      await rejectsWith(() => open(ids.borax), 'FORBIDDEN_ORG');
      await rejectsWith(() => open('S-GD-404'), 'ITEM_NOT_FOUND');
    });
  });
});
