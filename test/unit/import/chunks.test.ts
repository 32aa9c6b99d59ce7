import { expect } from 'chai';
import {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  splitIntoChunks,
  chunkMatches,
  type ChunkPlan,
  fingerprint,
  planChunks,
  upsertChanges,
  changeKeyCount,
  splitByKeys,
  MAX_CHUNK_KEYS,
} from '../../../gateway-client/src/import';
import {
  canonicalJson,
  type Change,
  DEFAULT_MAX_CHUNK_CHANGES,
  MAX_CHUNK_CHANGES,
} from '@nrdl-catalog/chaincode/model';
import { createHash } from 'node:crypto';
import { nrdlEntries } from './fixtures';

describe('import/chunks', () => {
  const changes = (): Change[] => upsertChanges(nrdlEntries().map((e) => e.item));
  let cached: ChunkPlan | undefined;
  const nrdlPlan = (): ChunkPlan => (cached ??= planChunks(changes()));

  it('defaults to the chaincode governance chunk limit and refuses sizes outside 1..schema maximum', () => {
    expect(DEFAULT_CHUNK_SIZE).to.equal(DEFAULT_MAX_CHUNK_CHANGES);
    expect(MAX_CHUNK_SIZE).to.equal(MAX_CHUNK_CHANGES);
    expect(() => splitIntoChunks([1], 0)).to.throw(RangeError);
    expect(() => splitIntoChunks([1], 1.5)).to.throw(RangeError);
    expect(() => splitIntoChunks([1], MAX_CHUNK_CHANGES + 1)).to.throw(RangeError);
  });

  it('splits in order into chunks of at most N', () => {
    expect(splitIntoChunks([1, 2, 3, 4, 5], 2)).to.deep.equal([[1, 2], [3, 4], [5]]);
    expect(splitIntoChunks([], 2)).to.deep.equal([]);
    const all = changes();
    const plan = nrdlPlan();
    expect(plan.chunkSize).to.equal(250);
    expect(plan.changeCount).to.equal(4750);
    expect(plan.chunks).to.have.length(19);
    expect(plan.chunks.map((c) => c.index)).to.deep.equal([...Array(19).keys()]);
    expect(plan.chunks.every((c) => c.changes.length === 250)).to.equal(true);
    expect(plan.chunks.flatMap((c) => c.changes)).to.deep.equal(all);
    expect(splitIntoChunks(all, 300).map((c) => c.length)).to.deep.equal([
      ...Array<number>(15).fill(300),
      250,
    ]);
  });

  it('fingerprints are sha256 of canonical JSON, independent of key order', () => {
    const a = { op: 'removeItem', itemId: 'D-1' };
    const b = { itemId: 'D-1', op: 'removeItem' };
    expect(fingerprint(a)).to.equal(fingerprint(b));
    expect(fingerprint(a)).to.equal(createHash('sha256').update(canonicalJson(a)).digest('hex'));
    expect(fingerprint(a)).to.match(/^[0-9a-f]{64}$/);
  });

  it('rebuilds the same plan on a second run (resume), and the manifest follows the chunk hashes', () => {
    const first = nrdlPlan();
    const second = planChunks(changes());
    expect(second.fingerprint).to.equal(first.fingerprint);
    expect(second.manifest).to.equal(first.manifest);
    expect(second.chunks.map((c) => c.fingerprint)).to.deep.equal(first.chunks.map((c) => c.fingerprint));
    expect(new Set(first.chunks.map((c) => c.fingerprint)).size).to.equal(19);
    expect(first.manifest).to.equal(fingerprint(first.chunks.map((c) => c.fingerprint)));
    expect(first.fingerprint).to.equal(fingerprint(changes()));
    // the whole-set fingerprint does not depend on the chunk size, the manifest does
    const head = changes().slice(0, 10);
    const by5 = planChunks(head, 5);
    const by3 = planChunks(head, 3);
    expect(by3.fingerprint).to.equal(by5.fingerprint);
    expect(by3.manifest).to.not.equal(by5.manifest);
  });

  it('detects whether a stored chunk holds exactly the planned changes', () => {
    const plan = nrdlPlan();
    const c0 = plan.chunks[0]!;
    // a stored copy parsed back from JSON (other key order, same content) matches
    expect(chunkMatches(c0, JSON.parse(canonicalJson(c0.changes)) as Change[])).to.equal(true);
    expect(chunkMatches(c0, c0.changes.slice(1))).to.equal(false);
    expect(chunkMatches(c0, [...c0.changes].reverse())).to.equal(false);
    const edited = c0.changes.map((c, i) =>
      i === 7 && c.op === 'upsertItem' ? { ...c, item: { ...c.item, remark: 'changed' } } : c,
    );
    expect(chunkMatches(c0, edited)).to.equal(false);
    const set = changes();
    set.pop();
    expect(fingerprint(set)).to.not.equal(plan.fingerprint);
  });
});

describe('chunks: keys per transaction', () => {
  const item = (i: number, codes = 0): Change => ({
    op: 'upsertItem',
    item: {
      kind: 'drug',
      section: 'S',
      name: `N${String(i)}`,
      categoryCode: 'XA',
      fundPayable: true,
      provenance: { edition: 'E' },
      ...(codes === 0 ? {} : { codes: Array.from({ length: codes }, (_, c) => `C${String(c)}`) }),
    },
  });

  it('counts the keys ApplyChunk writes: index, record, name, category and one per code', () => {
    expect(changeKeyCount(item(0))).to.equal(4);
    expect(changeKeyCount(item(0, 10))).to.equal(14);
    expect(changeKeyCount({ op: 'removeItem', itemId: 'D-1' })).to.equal(2);
    // a rule: index, record and a lookup key per item it names
    const rule = {
      id: 'R-t-1',
      type: 'duplicateCharge' as const,
      targets: ['S-SN-1', 'S-SN-2'],
      pairedWith: ['S-SN-3'],
      source: { batch: 'b', file: 'f', row: 2 },
    };
    expect(changeKeyCount({ op: 'upsertRule', rule })).to.equal(5);
    expect(changeKeyCount({ op: 'upsertRule', rule: { ...rule, pairedWith: undefined } })).to.equal(4);
  });

  it('cuts a chunk before it would write more than MAX_CHUNK_KEYS keys; ordinary items keep the size', () => {
    const ordinary = Array.from({ length: 600 }, (_, i) => item(i));
    expect(splitByKeys(ordinary, 250).map((c) => c.length)).to.deep.equal([250, 250, 100]);
    expect(planChunks(ordinary, 250).chunks.map((c) => c.changes.length)).to.deep.equal([250, 250, 100]);
    const coded = Array.from({ length: 10 }, (_, i) => item(i, 996));
    const chunks = splitByKeys(coded, 250);
    expect(chunks.map((c) => c.length)).to.deep.equal([4, 4, 2]);
    for (const c of chunks) {
      expect(c.reduce((n, change) => n + changeKeyCount(change), 0)).to.be.at.most(MAX_CHUNK_KEYS);
    }
    expect(splitByKeys([item(0, 5000)], 250, 100)).to.have.length(1);
  });
});
