/**
 * CheckCoverage and CheckCoverageBatch on the full catalog (NRDL 2024, Shaanxi services and
 * materials, overlays, a second national version): every batch answer is byte for byte the single
 * check of its line, both are what the reference reading (index keys and proposal records, as
 * store.ts resolves them) gives, and each key is read at most once per transaction.
 */
import { expect } from 'chai';
import { computeItemId, evaluateCoverage, type CoverageInput } from '@nrdl-catalog/chaincode/model';
import { canonicalJson } from '../../../chaincode/src/lib/canonical-json';
import { normaliseProvince } from '../../../chaincode/src/lib/orgs';
import { Tx } from '../../../chaincode/src/lib/tx';
import {
  clearVersionCache,
  ImmutableRecordCache,
  RECORD_CACHE,
} from '../../../chaincode/src/model/coverage-reader';
import { itemAsOf, overlayAsOf, requireGovernance, versionInForce } from '../../../chaincode/src/model/store';
import { coverageLines, HOSPITAL, loadCatalog, type LoadedCatalog } from './support/catalog';
import type { Network } from './support/fabric-stub';
import {
  A,
  bootstrapped,
  nationalVersion,
  provincialVersion,
  syntheticDrug,
  upserts,
} from './support/fixtures';

/** The answer as the chaincode computed it before CoverageReader: one line, read through the index keys. */
async function reference(net: Network, line: CoverageInput): Promise<string> {
  const tx = new Tx(net.ledger.begin(HOSPITAL, { readOnly: true }).context());
  const province = normaliseProvince(await requireGovernance(tx), line.province);
  const date = line.date ?? tx.date;
  const itemId = line.itemId ?? '';
  const version = await versionInForce(tx, date);
  const found = version === null ? null : await itemAsOf(tx, itemId, version.version);
  const overlay = version === null ? null : await overlayAsOf(tx, itemId, province.mspId, version.version);
  return canonicalJson(
    evaluateCoverage({
      province: province.name,
      itemId,
      date,
      patient: line.patient ?? {},
      version,
      item: found?.item ?? null,
      overlay,
    }),
  );
}

async function single(net: Network, line: CoverageInput): Promise<string> {
  return (await net.simulate(HOSPITAL, 'Catalog:CheckCoverage', line)).result;
}

async function batch(net: Network, lines: readonly CoverageInput[]): Promise<string> {
  return (await net.simulate(HOSPITAL, 'Catalog:CheckCoverageBatch', { lines })).result;
}

/** Checks the three readings agree on `lines`; returns the reasons seen. */
async function agree(net: Network, lines: readonly CoverageInput[]): Promise<Set<string>> {
  const singles: string[] = [];
  for (const line of lines) {
    const answer = await single(net, line);
    expect(answer, JSON.stringify(line)).to.equal(await reference(net, line));
    singles.push(answer);
  }
  expect(await batch(net, lines)).to.equal(`{"results":[${singles.join(',')}]}`);
  return new Set(singles.map((s) => (JSON.parse(s) as { reason: string }).reason));
}

describe('coverage on the full catalog (CoverageReader)', function () {
  this.timeout(120000);
  let c: LoadedCatalog;

  before(async () => {
    c = await loadCatalog();
  });

  it('answers batch line i byte for byte as CheckCoverage(line i), as the index reading does', async () => {
    const lines: CoverageInput[] = [
      ...coverageLines(c, 200, 3),
      { province: 'Guangdong', itemId: c.overlaid.suspended },
      { province: '粤', itemId: c.overlaid.rules, patient: { hospitalLevel: 2 } },
      { province: 'Sichuan', itemId: c.overlaid.rules, patient: { age: 70 } },
      { province: 'GD', itemId: c.overlaid.restriction, date: '2025-02-28' },
      { province: 'GD', itemId: c.overlaid.restriction, date: '2025-03-01' },
      { province: 'Shaanxi', itemId: c.removed, date: '2025-06-30' },
      { province: 'Shaanxi', itemId: c.removed },
      { province: 'Sichuan', itemId: c.changed, patient: { sex: 'male' } },
      { province: 'Sichuan', itemId: c.changed, date: '2025-06-30', patient: { sex: 'male' } },
      { province: 'Guangdong', itemId: c.shaanxiIds[0] ?? '' },
      { province: '陕', itemId: c.shaanxiIds[c.shaanxiIds.length - 1] ?? '' },
      { province: 'Shaanxi', itemId: 'S-SN-NO-SUCH-CODE' },
      { province: 'Shaanxi', itemId: 'S-ZZ-110100001' },
      { province: 'Guangdong', itemId: 'X-not-an-item' },
    ];
    const reasons = new Set<string>();
    for (let i = 0; i < lines.length; i += 50) {
      for (const r of await agree(c.net, lines.slice(i, i + 50))) reasons.add(r);
    }
    expect([...reasons].sort()).to.deep.equal([
      'AGREEMENT_EXPIRED',
      'COVERED',
      'EXCLUDED',
      'NOT_IN_PROVINCE',
      'NOT_LISTED',
      'NOT_YET_EFFECTIVE',
      'PROVINCE_SUSPENDED',
      'RESTRICTED',
    ]);
  });

  it('reads each key at most once per transaction, and few keys per line', async () => {
    const lines = coverageLines(c, 50, 5);
    RECORD_CACHE.clear();
    clearVersionCache();
    c.net.ledger.resetCalls();
    const { tx } = await c.net.simulate(HOSPITAL, 'Catalog:CheckCoverageBatch', { lines });
    const reads = c.net.ledger.calls.get('getState') ?? 0;
    expect(reads).to.equal(tx.readSet.size);
    expect(c.net.ledger.calls.get('getStateByPartialCompositeKey')).to.equal(1);
    // governance, head + at most two records per line (item, overlay); repeated items are read once
    expect(reads).to.be.below(2 + 2 * lines.length);
    RECORD_CACHE.clear();
    clearVersionCache();
    c.net.ledger.resetCalls();
    await single(c.net, { province: 'Guangdong', itemId: c.nationalIds[100] ?? '' });
    // governance, head, the drug's records of the two national versions (newest first), Guangdong's overlay record
    expect(c.net.ledger.calls.get('getState')).to.equal(5);
    expect(c.net.ledger.calls.get('getStateByPartialCompositeKey')).to.equal(1);
    c.net.ledger.resetCalls();
    await single(c.net, { province: 'Sichuan', itemId: 'D-0000000000000000', date: '2025-02-01' });
    // governance, head and one record probe: no proposal, index or overlay key, no scan of the versions
    expect(c.net.ledger.calls.get('getState')).to.equal(3);
    expect(c.net.ledger.calls.get('getStateByPartialCompositeKey') ?? 0).to.equal(0);
  });

  it('answers records read once from the process cache in later transactions, per channel', async () => {
    RECORD_CACHE.clear();
    clearVersionCache();
    const line = { province: 'Guangdong', itemId: c.nationalIds[200] ?? '' };
    c.net.ledger.resetCalls();
    const first = await single(c.net, line);
    expect(c.net.ledger.calls.get('getState')).to.equal(5);
    expect(c.net.ledger.calls.get('getStateByPartialCompositeKey')).to.equal(1);
    c.net.ledger.resetCalls();
    expect(await single(c.net, line)).to.equal(first);
    // only the governance record and the head: the drug's records (found or not), the overlay record
    // and the sealed versions (the head has not moved) come from the process's caches
    expect(c.net.ledger.calls.get('getState')).to.equal(2);
    expect(c.net.ledger.calls.get('getStateByPartialCompositeKey') ?? 0).to.equal(0);
    expect(RECORD_CACHE.hits).to.be.greaterThan(0);
    // another channel (ledger) answers from its own state: nothing sealed there yet
    const other = await bootstrapped();
    const answer = JSON.parse(await single(other, line)) as { reason: string };
    expect(answer.reason).to.equal('NOT_YET_EFFECTIVE');
  });

  it('the record cache keeps at most its capacity, dropping the least recently used', () => {
    const cache = new ImmutableRecordCache(2);
    cache.set('ch', 'a', 1);
    cache.set('ch', 'b', null);
    expect(cache.get('ch', 'a')).to.equal(1);
    cache.set('ch', 'c', 3);
    expect(cache.size).to.equal(2);
    expect(cache.get('ch', 'b')).to.equal(undefined);
    expect(cache.get('ch', 'a')).to.equal(1);
    expect(cache.get('other', 'a')).to.equal(undefined);
    cache.set('ch', 'b', null);
    expect(cache.get('ch', 'b')).to.equal(null);
    expect(cache.get('ch', 'c')).to.equal(undefined);
  });

  it('names the first unknown province of a batch before reading any item', async () => {
    c.net.ledger.resetCalls();
    const lines = [
      { province: 'Guangdong', itemId: c.nationalIds[0] ?? '' },
      { province: 'Atlantis', itemId: c.nationalIds[1] ?? '' },
      { province: 'Narnia', itemId: c.nationalIds[2] ?? '' },
    ];
    let message = '';
    try {
      await batch(c.net, lines);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).to.match(/^UNKNOWN_PROVINCE: .*Atlantis/);
    // the governance record and the head only
    expect(c.net.ledger.calls.get('getState')).to.equal(2);
  });
});

describe('coverage through the index keys (many versions of one owner)', () => {
  it('answers as the index reading does when more than two versions wrote an owner’s items', async () => {
    const net = await bootstrapped();
    const drugs = [0, 1, 2].map(syntheticDrug);
    const ids = drugs.map((d) =>
      computeItemId({ kind: 'drug', name: d.name, dosageForm: d.dosageForm ?? null }),
    );
    await nationalVersion(net, [upserts(drugs)], '2025-01-01');
    await nationalVersion(net, [upserts([{ ...(drugs[1] ?? drugs[0]!), remark: 'v2' }])], '2025-02-01');
    await nationalVersion(net, [[{ op: 'removeItem', itemId: ids[2] ?? '' }]], '2025-03-01');
    await provincialVersion(net, 'Guangdong', [
      { op: 'setOverlay', overlay: { itemId: ids[0] ?? '', province: 'Guangdong', suspended: true } },
    ]);
    await provincialVersion(
      net,
      'Guangdong',
      [{ op: 'setOverlay', overlay: { itemId: ids[1] ?? '', province: 'Guangdong', rules: { minAge: 18 } } }],
      '2025-04-01',
    );
    net.ledger.setTime('2025-06-01T00:00:00Z');
    const lines: CoverageInput[] = [];
    for (const itemId of [...ids, 'D-ffffffffffffffff']) {
      for (const date of ['2025-01-15', '2025-02-15', '2025-03-15', '2025-05-01']) {
        for (const province of ['Guangdong', 'Sichuan']) {
          lines.push({ province, itemId, date, patient: { age: 12 } });
        }
      }
    }
    const reasons = await agree(net, lines);
    expect(reasons).to.include.members(['COVERED', 'NOT_LISTED', 'PROVINCE_SUSPENDED', 'RESTRICTED']);
    expect(A.gdHospital).to.deep.equal(HOSPITAL);
  });

  it('a new seal makes the cached indexes and versions stale: the next check reads them again', async () => {
    const net = await bootstrapped();
    const drugs = [10, 11, 12].map(syntheticDrug);
    const ids = drugs.map((d) =>
      computeItemId({ kind: 'drug', name: d.name, dosageForm: d.dosageForm ?? null }),
    );
    for (const effectiveFrom of ['2025-01-01', '2025-01-02', '2025-01-03']) {
      await nationalVersion(net, [upserts(drugs)], effectiveFrom);
    }
    net.ledger.setTime('2025-06-01T00:00:00Z');
    const line = { province: 'Sichuan', itemId: ids[0] ?? '', patient: { age: 10 } };
    const before = JSON.parse(await single(net, line)) as { reason: string };
    expect(before.reason).to.equal('COVERED');
    // warm: governance and head only (the index path: three national versions wrote the drug)
    net.ledger.resetCalls();
    await single(net, line);
    expect(net.ledger.calls.get('getState')).to.equal(2);
    // a fourth version restricts the drug to adults: the head moves, the cached index is stale
    await nationalVersion(
      net,
      [upserts([{ ...(drugs[0] ?? drugs[1]!), rules: { minAge: 18 } }])],
      '2025-05-01',
    );
    net.ledger.setTime('2025-06-02T00:00:00Z');
    const after = JSON.parse(await single(net, line)) as { reason: string };
    expect(after.reason).to.equal('RESTRICTED');
    expect(await single(net, line)).to.equal(await reference(net, line));
  });
});
