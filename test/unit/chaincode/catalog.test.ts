import { expect } from 'chai';
import {
  computeItemId,
  type CoverageResult,
  type Item,
  type Proposal,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import {
  A,
  avapritinibItem,
  boraxItem,
  bootstrapped,
  draftAndOpen,
  ejiaoItem,
  ilaprazoleItem,
  nationalVersion,
  provincialVersion,
  rejectsWith,
  shaanxiWardItem,
  syntheticDrug,
  upserts,
} from './support/fixtures';
import type { Network } from './support/fabric-stub';

const ids = {
  borax: computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' }),
  ilaprazole: computeItemId({ kind: 'drug', name: '注射用艾普拉唑钠' }),
  avapritinib: computeItemId({ kind: 'drug', name: '阿伐替尼片' }),
  ejiao: computeItemId({ kind: 'herbal', name: '阿胶' }),
  ward: computeItemId({ kind: 'service', name: 'x', provinceCode: 'SN', code: '110900004' }),
  future: computeItemId({ kind: 'drug', name: '未来药' }),
};

describe('coverage', () => {
  let net: Network;
  let v1: Version;
  let v2: Version;

  before(async () => {
    net = await bootstrapped();
    v1 = await nationalVersion(
      net,
      [
        upserts([
          boraxItem,
          ilaprazoleItem,
          avapritinibItem,
          ejiaoItem,
          {
            kind: 'drug',
            section: '协议期内谈判药品部分-西药',
            class: '乙',
            name: '未来药',
            agreementPeriod: { from: '2025-01-01', to: '2026-12-31' },
            fundPayable: true,
            provenance: { edition: 'NRDL-2024' },
          },
        ]),
      ],
      '2024-01-01',
    );
    v2 = await provincialVersion(
      net,
      'Guangdong',
      [
        {
          op: 'setOverlay',
          overlay: { itemId: ids.borax, province: 'Guangdong', suspended: true, restriction: '暂停' },
        },
        {
          op: 'setOverlay',
          overlay: {
            itemId: ids.ilaprazole,
            province: 'Guangdong',
            rules: { hospitalLevels: [3] },
            selfPayRatio: 0.1,
            prices: { level3: '60.00', level2: null, level1: null },
          },
        },
      ],
      '2024-03-01',
    );
    await provincialVersion(net, 'Shaanxi', [{ op: 'upsertItem', item: shaanxiWardItem }], '2024-03-01');
  });

  const check = (line: Record<string, unknown>): Promise<CoverageResult> =>
    net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', line);

  it('NOT_YET_EFFECTIVE before the first version is in force', async () => {
    const c = await check({ province: 'Sichuan', itemId: ids.borax, date: '2023-12-31' });
    expect(c).to.deep.include({
      covered: false,
      reason: 'NOT_YET_EFFECTIVE',
      catalogVersion: 0,
      txId: null,
      name: null,
    });
  });

  it('COVERED with class, restriction text, payment standard and version facts', async () => {
    const c = await check({
      province: 'Sichuan',
      itemId: ids.avapritinib,
      date: '2024-06-01',
      patient: { age: 40 },
    });
    expect(c).to.deep.include({
      covered: true,
      reason: 'COVERED',
      class: '乙',
      kind: 'drug',
      name: '阿伐替尼片',
      catalogVersion: 3,
      versionEffectiveFrom: '2024-03-01',
      paymentStandard: { text: '企业申请价格保密', amount: null, confidential: true },
      agreementPeriod: { from: '2024-01-01', to: '2025-12-31' },
      provincial: null,
      rule: null,
    });
    expect(c.restriction).to.match(/^限携带/);
    expect(Object.keys(c).sort()).to.deep.equal(
      [
        'agreementPeriod',
        'catalogVersion',
        'class',
        'covered',
        'date',
        'itemId',
        'kind',
        'name',
        'paymentStandard',
        'province',
        'provincial',
        'reason',
        'restriction',
        'rule',
        'rules',
        'txId',
        'versionEffectiveFrom',
      ].sort(),
    );
  });

  it('uses the version in force on the date', async () => {
    const early = await check({ province: 'Guangdong', itemId: ids.borax, date: '2024-02-01' });
    expect(early).to.include({ reason: 'COVERED', catalogVersion: 1, txId: v1.txId });
    const late = await check({ province: 'Guangdong', itemId: ids.borax, date: '2024-03-01' });
    expect(late).to.include({ reason: 'PROVINCE_SUSPENDED', catalogVersion: 3 });
    expect(late.provincial).to.include({ suspended: true, restriction: '暂停' });
    expect(late.restriction).to.equal('暂停');
  });

  it('NOT_LISTED, EXCLUDED, AGREEMENT_EXPIRED, NOT_YET_EFFECTIVE (agreement), NOT_IN_PROVINCE', async () => {
    expect(await check({ province: 'Sichuan', itemId: 'D-0123456789abcdef', date: '2024-06-01' })).to.include(
      {
        reason: 'NOT_LISTED',
        covered: false,
        catalogVersion: 3,
      },
    );
    expect(await check({ province: 'Sichuan', itemId: ids.ejiao, date: '2024-06-01' })).to.include({
      reason: 'EXCLUDED',
      kind: 'herbal',
    });
    expect(await check({ province: 'Sichuan', itemId: ids.ilaprazole, date: '2026-01-01' })).to.include({
      reason: 'AGREEMENT_EXPIRED',
    });
    expect(await check({ province: 'Sichuan', itemId: ids.future, date: '2024-12-31' })).to.include({
      reason: 'NOT_YET_EFFECTIVE',
    });
    expect(await check({ province: 'Sichuan', itemId: ids.future, date: '2025-01-01' })).to.include({
      reason: 'COVERED',
    });
    expect(await check({ province: 'Guangdong', itemId: ids.ward, date: '2024-06-01' })).to.include({
      reason: 'NOT_IN_PROVINCE',
    });
    expect(await check({ province: 'ShaanxiMSP', itemId: ids.ward, date: '2024-06-01' })).to.include({
      reason: 'COVERED',
      province: 'Shaanxi',
    });
  });

  it('RESTRICTED when the patient context violates a structured rule (item or province)', async () => {
    const visit = await check({
      province: 'Sichuan',
      itemId: ids.ilaprazole,
      date: '2024-06-01',
      patient: { visitType: 'outpatient' },
    });
    expect(visit).to.deep.include({
      reason: 'RESTRICTED',
      covered: false,
      rule: { source: 'item', field: 'visitTypes', value: ['inpatient'] },
    });
    const age = await check({
      province: 'Sichuan',
      itemId: ids.avapritinib,
      date: '2024-06-01',
      patient: { age: 12 },
    });
    expect(age.rule).to.deep.equal({ source: 'item', field: 'minAge', value: 18 });
    const level = await check({
      province: 'guangdong',
      itemId: ids.ilaprazole,
      date: '2024-06-01',
      patient: { visitType: 'inpatient', hospitalLevel: 2 },
    });
    expect(level).to.deep.include({
      reason: 'RESTRICTED',
      rule: { source: 'province', field: 'hospitalLevels', value: [3] },
    });
    const ok = await check({
      province: 'guangdong',
      itemId: ids.ilaprazole,
      date: '2024-06-01',
      patient: { visitType: 'inpatient', hospitalLevel: 3 },
    });
    expect(ok.reason).to.equal('COVERED');
    expect(ok.provincial).to.include({ selfPayRatio: 0.1 });
    // in Sichuan (no overlay) the hospital level does not matter
    const sc = await check({
      province: 'Sichuan',
      itemId: ids.ilaprazole,
      date: '2024-06-01',
      patient: { hospitalLevel: 1 },
    });
    expect(sc.reason).to.equal('COVERED');
  });

  it('answers up to 200 lines in one batch, defaulting the date to the transaction date', async () => {
    net.ledger.setTime('2024-06-30T17:00:00Z'); // 2024-07-01 in China Standard Time
    const batch = await net.evaluate<{ results: CoverageResult[] }>(
      A.gdHospital,
      'Catalog:CheckCoverageBatch',
      {
        lines: [
          { province: 'Guangdong', itemId: ids.borax },
          { province: 'Sichuan', itemId: ids.borax },
          { province: 'Sichuan', itemId: ids.ejiao, date: '2023-01-01' },
        ],
      },
    );
    expect(batch.results.map((r) => r.reason)).to.deep.equal([
      'PROVINCE_SUSPENDED',
      'COVERED',
      'NOT_YET_EFFECTIVE',
    ]);
    expect(batch.results[0]!.date).to.equal('2024-07-01');
    const lines = Array.from({ length: 201 }, () => ({ province: 'Sichuan', itemId: ids.borax }));
    await rejectsWith(
      () => net.evaluate(A.gdHospital, 'Catalog:CheckCoverageBatch', { lines }),
      'INVALID_INPUT',
    );
    await rejectsWith(
      () =>
        net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', {
          province: 'Sichuan',
          itemId: ids.borax,
          date: '2024-02-30',
        }),
      'INVALID_INPUT',
    );
    await rejectsWith(
      () => net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', { province: 'Tibet', itemId: ids.borax }),
      'UNKNOWN_PROVINCE',
    );
  });

  it('reads items as of a version or a date, with overlays', async () => {
    const atV1 = await net.evaluate<{ item: Item; overlays: unknown[]; catalogVersion: number }>(
      A.auditor,
      'Catalog:GetItem',
      {
        itemId: ids.borax,
        version: 1,
      },
    );
    expect(atV1.overlays).to.deep.equal([]);
    expect(atV1.item).to.include({ name: '复方硼砂', class: '甲', number: '1', categoryCode: 'XA01' });
    const atV2 = await net.evaluate<{ overlays: { province: string }[]; listedInVersion: number }>(
      A.auditor,
      'Catalog:GetItem',
      {
        itemId: ids.borax,
        version: 2,
      },
    );
    expect(atV2.overlays.map((o) => o.province)).to.deep.equal(['Guangdong']);
    expect(atV2.listedInVersion).to.equal(1);
    const byDate = await net.evaluate<{ catalogVersion: number }>(A.auditor, 'Catalog:GetItem', {
      itemId: ids.borax,
      date: '2024-02-15',
      province: 'Sichuan',
    });
    expect(byDate.catalogVersion).to.equal(1);
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetItem', { itemId: ids.borax, version: 9 }),
      'VERSION_NOT_FOUND',
    );
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetItem', { itemId: ids.borax, date: '2020-01-01' }),
      'VERSION_NOT_FOUND',
    );
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetItem', { itemId: ids.borax, date: '2024-02-15', version: 1 }),
      'INVALID_INPUT',
    );
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetItem', { itemId: 'D-unknown' }),
      'ITEM_NOT_FOUND',
    );
    const head = await net.evaluate<Version>(A.auditor, 'Catalog:GetVersion', {});
    expect(head.version).to.equal(3);
    const inForce = await net.evaluate<Version>(A.auditor, 'Catalog:GetVersion', { date: '2024-02-29' });
    expect(inForce.version).to.equal(1);
    expect(v2.version).to.equal(2);
  });

  it('returns an item history with versions and ledger transactions', async () => {
    const h = await net.evaluate<{
      changes: { version: number; op: string }[];
      overlayChanges: { version: number; op: string }[];
      ledger: { key: string; txId: string }[];
    }>(A.auditor, 'Catalog:GetItemHistory', { itemId: ids.borax, province: 'Guangdong' });
    expect(h.changes.map((c) => [c.version, c.op])).to.deep.equal([[1, 'upsert']]);
    expect(h.overlayChanges.map((c) => [c.version, c.op])).to.deep.equal([[2, 'set']]);
    expect(h.ledger.map((l) => l.key)).to.deep.equal(['item', 'overlay']);
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetItemHistory', { itemId: 'D-unknown' }),
      'ITEM_NOT_FOUND',
    );
  });
});

describe('search and listing', () => {
  it('pages through filtered items with a bookmark', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [
      upserts([...Array.from({ length: 40 }, (_, i) => syntheticDrug(i)), boraxItem, ejiaoItem]),
    ]);
    await provincialVersion(net, 'Shaanxi', [{ op: 'upsertItem', item: shaanxiWardItem }]);
    const seen: string[] = [];
    let bookmark = '';
    let pages = 0;
    do {
      const page = await net.evaluate<{
        records: { itemId: string; class: string }[];
        bookmark: string;
        fetchedRecordsCount: number;
      }>(A.gdHospital, 'Catalog:SearchItems', { class: '甲', pageSize: 4, bookmark });
      expect(page.fetchedRecordsCount).to.equal(page.records.length);
      expect(page.records.length).to.be.at.most(4);
      page.records.forEach((r) => {
        expect(r.class).to.equal('甲');
        seen.push(r.itemId);
      });
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '');
    expect(seen).to.have.length(15); // 14 synthetic (i % 3 === 0) + 复方硼砂
    expect(new Set(seen).size).to.equal(15);
    expect(pages).to.be.within(4, 5);
    const search = (q: Record<string, unknown>) =>
      net.evaluate<{ records: { name: string }[] }>(A.gdHospital, 'Catalog:SearchItems', {
        pageSize: 200,
        ...q,
      });
    expect((await search({ namePrefix: '复方' })).records.map((r) => r.name)).to.deep.equal(['复方硼砂']);
    expect((await search({ name: '药品3' })).records).to.have.length(11); // 3, 30..39
    expect((await search({ kind: 'herbal' })).records.map((r) => r.name)).to.deep.equal(['阿胶']);
    expect((await search({ province: 'SN' })).records.map((r) => r.name)).to.deep.equal([
      '特殊防护病房床位费',
    ]);
    expect((await search({ code: '110900004' })).records).to.have.length(1);
    expect((await search({ categoryCode: 'XA' })).records.map((r) => r.name).sort()).to.deep.equal([
      '复方硼砂',
      '测试药品0',
      '测试药品20',
    ]);
    expect((await search({ section: '西药部分', version: 1 })).records).to.have.length(41);
    await rejectsWith(() => search({ version: 7 }), 'VERSION_NOT_FOUND');
    await rejectsWith(
      () => search({ bookmark: Buffer.from('\u0000proposal\u0000x').toString('base64url') }),
      'INVALID_INPUT',
    );
  });

  it('lists proposals by status and scope, paged', async () => {
    const net = await bootstrapped();
    await nationalVersion(net, [upserts([boraxItem])]);
    await draftAndOpen(net, A.gdProposer, { scope: 'provincial', province: 'Guangdong' }, [
      [{ op: 'setOverlay', overlay: { itemId: ids.borax, province: 'Guangdong' } }],
    ]);
    await net.submit(A.snProposer, 'Proposal:CreateProposal', {
      scope: 'provincial',
      province: 'Shaanxi',
      title: 't',
      rationale: 'r',
      effectiveFrom: '2025-01-01',
    });
    const list = (q: Record<string, unknown>) =>
      net.evaluate<{ records: Proposal[]; bookmark: string }>(A.auditor, 'Proposal:ListProposals', q);
    expect((await list({})).records).to.have.length(3);
    expect((await list({ status: 'applied' })).records.map((p) => p.scope)).to.deep.equal(['national']);
    expect(
      (await list({ scope: 'provincial', province: 'guangdong' })).records.map((p) => p.status),
    ).to.deep.equal(['open']);
    const first = await list({ pageSize: 2 });
    expect(first.records).to.have.length(2);
    const second = await list({ pageSize: 2, bookmark: first.bookmark });
    expect(second.records).to.have.length(1);
    expect(second.bookmark).to.equal('');
    const versions = await net.evaluate<{ records: Version[] }>(A.auditor, 'Catalog:ListVersions', {
      pageSize: 1,
    });
    expect(versions.records.map((v) => v.version)).to.deep.equal([1]);
    const withChunks = await net.evaluate<{ chunks: { changes?: unknown[] }[] }>(
      A.auditor,
      'Proposal:GetProposal',
      {
        proposalId: second.records[0]!.id,
        includeChunks: true,
      },
    );
    expect(withChunks.chunks).to.be.an('array');
  });

  it('has no versions before the first seal', async () => {
    const net = await bootstrapped();
    await rejectsWith(() => net.evaluate(A.auditor, 'Catalog:GetVersion', {}), 'VERSION_NOT_FOUND');
    const empty = await net.evaluate<{ records: unknown[]; catalogVersion: number }>(
      A.auditor,
      'Catalog:SearchItems',
      {},
    );
    expect(empty).to.deep.include({ records: [], catalogVersion: 0 });
  });
});
