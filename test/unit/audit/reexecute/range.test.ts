/**
 * Range scans of the replay stub against fabric-shim's own ChaincodeStub: the real stub computes
 * the range bounds and decodes the peer's protobuf responses (through its iterators, batched with
 * QueryStateNext); a minimal peer serves them from a key set sorted by UTF-8 bytes (LevelDB order)
 * with Fabric's pagination rules. Both must return the same keys in the same order.
 */
import '../../chaincode/support/quiet';
import { expect } from 'chai';
import { createRequire } from 'node:module';
import {
  ReplayStub,
  compareUtf8,
  createCompositeKey,
  splitCompositeKey,
} from '../../../../gateway-client/src/audit/reexecute';
import { clientIdentity } from '../support/certs';
import { MapState, byteOrder } from './support/history';

/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any -- fabric-shim internals are untyped JavaScript */
const shimRequire = createRequire(require.resolve('fabric-shim'));
const shim: any = shimRequire('./lib/chaincode.js');
const protos: any = shimRequire('@hyperledger/fabric-protos');

const BATCH = 3;

interface Kv {
  key: string;
  value: string;
}

/** The peer side of range queries (Fabric's handler + LevelDB), over a fixed key set. */
class OraclePeer {
  public readonly calls: { startKey: string; endKey: string }[] = [];
  readonly #pending = new Map<string, any[]>();
  #ids = 0;

  public constructor(private readonly state: Map<string, string>) {}

  #response(id: string, results: any[], paginated: boolean, bookmark: string, count: number): any {
    const response = new protos.peer.QueryResponse();
    response.setId(id);
    const batch = paginated ? results : results.slice(0, BATCH);
    const rest = paginated ? [] : results.slice(BATCH);
    response.setResultsList(batch);
    response.setHasMore(rest.length > 0);
    this.#pending.set(id, rest);
    if (paginated) {
      const md = new protos.peer.QueryResponseMetadata();
      md.setFetchedRecordsCount(count);
      md.setBookmark(bookmark);
      response.setMetadata(md.serializeBinary());
    }
    return response;
  }

  public handleGetStateByRange(
    _collection: string,
    startKey: string,
    endKey: string,
    channel: string,
    txId: string,
    metadataBytes?: Uint8Array,
  ): Promise<unknown> {
    this.calls.push({ startKey, endKey });
    const md =
      metadataBytes === undefined ? null : protos.peer.QueryMetadata.deserializeBinary(metadataBytes);
    const paginated = md !== null && !(md.getPagesize() === 0 && md.getBookmark() === '');
    const from = paginated && md.getBookmark() !== '' ? md.getBookmark() : startKey;
    const keys = [...this.state.keys()]
      .sort(byteOrder)
      .filter((k) => byteOrder(k, from) >= 0 && (endKey === '' || byteOrder(k, endKey) < 0));
    const page = paginated ? keys.slice(0, md.getPagesize()) : keys;
    const bookmark = paginated ? (keys[page.length] ?? '') : '';
    const results = page.map((key) => {
      const kv = new protos.ledger.queryresult.KV();
      kv.setNamespace('catalog');
      kv.setKey(key);
      kv.setValue(Buffer.from(this.state.get(key) ?? ''));
      const r = new protos.peer.QueryResultBytes();
      r.setResultbytes(kv.serializeBinary());
      return r;
    });
    const response = this.#response(String(this.#ids++), results, paginated, bookmark, page.length);
    const out: Record<string, unknown> = {
      iterator: new shim.Iterators.StateQueryIterator(this, channel, txId, response),
    };
    if (paginated) out.metadata = { bookmark, fetchedRecordsCount: page.length };
    return Promise.resolve(out);
  }

  public handleQueryStateNext(id: string): Promise<unknown> {
    const rest = this.#pending.get(id) ?? [];
    return Promise.resolve(this.#response(id, rest, false, '', 0));
  }

  public handleQueryStateClose(): Promise<void> {
    return Promise.resolve();
  }
}

function realStub(peer: OraclePeer): any {
  return new shim.ChaincodeStub(peer, 'catalog', 'tx1', { getArgsList_asU8: () => [] }, undefined);
}
/* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any */

const TRICKY = [
  'a',
  'b',
  'a\u0001',
  'ab',
  'é',
  '中',
  '\uE000',
  '\uFFFD',
  '\uFFFF',
  '😀',
  '𝔸',
  'z',
  'a\u{10ffff}',
];

function keySet(): Map<string, string> {
  const state = new Map<string, string>();
  let i = 0;
  const put = (key: string): void => {
    state.set(key, `v${i++}`);
  };
  for (const type of ['item', 'itemv', 'ovl', 'it']) {
    for (const a of TRICKY) {
      put(createCompositeKey(type, [a]));
      put(createCompositeKey(type, [a, 'x']));
      put(createCompositeKey(type, [a, '😀', 'y']));
    }
  }
  for (const k of ['catalog.head', 'a', 'b', '\u0001x', 'zz', '😀', '\uFFFF', '\uE000', 'é', 'governance']) {
    put(k);
  }
  return state;
}

function replayStub(state: Map<string, string>): ReplayStub {
  const view = new MapState();
  for (const [k, v] of state) view.set(k, Buffer.from(v));
  return new ReplayStub({
    txId: 'tx1',
    channelId: 'catalog',
    timestamp: { seconds: 1, nanos: 0 },
    creator: clientIdentity('NHSAMSP', 'admin').serialized,
    args: [],
    state: view,
  });
}

interface Scannable {
  getStateByPartialCompositeKey(t: string, a: string[]): AsyncIterable<{ key: string; value: Uint8Array }>;
  getStateByRange(s: string, e: string): AsyncIterable<{ key: string; value: Uint8Array }>;
}

async function collect(iterable: AsyncIterable<{ key: string; value: Uint8Array }>): Promise<Kv[]> {
  const out: Kv[] = [];
  for await (const kv of iterable) out.push({ key: kv.key, value: Buffer.from(kv.value).toString() });
  return out;
}

interface Pager {
  getStateByPartialCompositeKeyWithPagination(
    t: string,
    a: string[],
    size: number,
    bookmark: string,
  ): Promise<{
    iterator: { next(): Promise<{ done: boolean; value?: { key: string; value: Uint8Array } }> };
    metadata: { bookmark: string; fetchedRecordsCount: number };
  }>;
  getStateByRangeWithPagination(
    s: string,
    e: string,
    size: number,
    bookmark: string,
  ): ReturnType<Pager['getStateByPartialCompositeKeyWithPagination']>;
}

async function pages(
  page: (bookmark: string) => ReturnType<Pager['getStateByRangeWithPagination']>,
): Promise<unknown[]> {
  const out: unknown[] = [];
  let bookmark = '';
  for (let n = 0; n < 100; n++) {
    const { iterator, metadata } = await page(bookmark);
    const keys: string[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) keys.push(r.value!.key);
    out.push({ keys, metadata: { ...metadata } });
    bookmark = metadata.bookmark;
    if (bookmark === '') break;
  }
  return out;
}

describe('re-execution: range scans as fabric-shim performs them', () => {
  const state = keySet();

  it('uses the same bounds as fabric-shim for partial composite keys', async () => {
    const peer = new OraclePeer(state);
    const real = realStub(peer) as Scannable;
    await collect(real.getStateByPartialCompositeKey('item', ['a']));
    expect(peer.calls).to.deep.equal([
      { startKey: '\u0000item\u0000a\u0000', endKey: '\u0000item\u0000a\u0000\u{10ffff}' },
    ]);
  });

  for (const [type, attrs] of [
    ['item', []],
    ['item', ['a']],
    ['itemv', ['😀']],
    ['it', []],
    ['ovl', ['\uFFFF']],
    ['ovl', ['a', 'x']],
    ['none', []],
  ] as const) {
    it(`returns the same keys in the same order: ${type} [${attrs.join(', ')}]`, async () => {
      const real = realStub(new OraclePeer(state)) as Scannable;
      const expected = await collect(real.getStateByPartialCompositeKey(type, [...attrs]));
      const actual = await collect(replayStub(state).getStateByPartialCompositeKey(type, [...attrs]));
      expect(actual).to.deep.equal(expected);
      if (type !== 'none') expect(actual.length).to.be.greaterThan(0);
    });
  }

  it('orders by UTF-8 bytes, not UTF-16 code units (😀 after U+FFFF, although JS sorts it first)', async () => {
    const keys = (await collect(replayStub(state).getStateByPartialCompositeKey('item', []))).map(
      (kv) => kv.key,
    );
    const attrs = keys.map((k) => splitCompositeKey(k).attributes[0]);
    expect(attrs.indexOf('😀')).to.be.greaterThan(attrs.indexOf('\uFFFF'));
    expect(attrs.indexOf('\uFFFF')).to.be.greaterThan(attrs.indexOf('\uE000'));
    // The partial key range ends below U+10FFFF: a key whose attribute starts with it is outside
    // 'item' ['a'] but the composite key 'a' + U+10FFFF is a different attribute, inside 'item' [].
    expect(attrs).to.include('a\u{10ffff}');
  });

  for (const [start, end] of [
    ['', ''],
    ['a', 'z'],
    ['', '😀'],
    ['\uE000', ''],
    ['b', 'b'],
  ] as const) {
    it(`getStateByRange(${JSON.stringify(start)}, ${JSON.stringify(end)}) matches and excludes composite keys`, async () => {
      const real = realStub(new OraclePeer(state)) as Scannable;
      const expected = await collect(real.getStateByRange(start, end));
      const actual = await collect(replayStub(state).getStateByRange(start, end));
      expect(actual).to.deep.equal(expected);
      expect(actual.some((kv) => kv.key.startsWith('\u0000'))).to.equal(false);
    });
  }

  it('refuses a composite start key in a simple range, as fabric-shim does', async () => {
    const key = createCompositeKey('item', ['a']);
    // fabric-shim leaves its bare rejected promise unhandled and logs it; keep the output clean.
    const unhandled = (
      shimRequire('./lib/logger.js') as { getLogger(n: string): { silent: boolean } }
    ).getLogger('_');
    unhandled.silent = true;
    try {
      await compareRefusals(key);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      unhandled.silent = false;
    }
  });

  async function compareRefusals(key: string): Promise<void> {
    const message = async (f: () => Promise<unknown>): Promise<string> =>
      f().then(
        () => 'no error',
        (e: unknown) => `${(e as Error).name}: ${(e as Error).message}`,
      );
    for (const [start, end] of [
      [key, ''],
      ['a', key],
    ]) {
      const real = realStub(new OraclePeer(state)) as Scannable;
      const mine = replayStub(state);
      // `await` the promise …
      const awaited = await message(() => Promise.resolve(mine.getStateByRange(start!, end!)));
      expect(awaited).to.equal(await message(() => Promise.resolve(real.getStateByRange(start!, end!))));
      expect(awaited).to.match(/null character/);
      // … or iterate it: fabric-shim's rejected promise is not async-iterable.
      const iterated = await message(() => collect(mine.getStateByRange(start!, end!)));
      expect(iterated).to.equal(await message(() => collect(real.getStateByRange(start!, end!))));
    }
  }

  for (const size of [1, 4, 7, 1000]) {
    it(`pages partial composite keys and ranges identically (page size ${size})`, async () => {
      const real = realStub(new OraclePeer(state)) as Pager;
      const mine = replayStub(state) as unknown as Pager;
      expect(
        await pages((b) => mine.getStateByPartialCompositeKeyWithPagination('item', [], size, b)),
      ).to.deep.equal(
        await pages((b) => real.getStateByPartialCompositeKeyWithPagination('item', [], size, b)),
      );
      const realRange = realStub(new OraclePeer(state)) as Pager;
      const mineRange = replayStub(state) as unknown as Pager;
      expect(await pages((b) => mineRange.getStateByRangeWithPagination('', '', size, b))).to.deep.equal(
        await pages((b) => realRange.getStateByRangeWithPagination('', '', size, b)),
      );
    });
  }

  it('refuses writes after a paginated query (Fabric: read-only transactions only)', async () => {
    const stub = replayStub(state);
    await stub.getStateByPartialCompositeKeyWithPagination('item', [], 2, '');
    let message = '';
    await stub.putState('k', Buffer.from('v')).catch((e: unknown) => (message = (e as Error).message));
    expect(message).to.match(/paginated/);
  });

  it('builds and splits composite keys exactly like fabric-shim', () => {
    const real = realStub(new OraclePeer(state)) as {
      createCompositeKey(t: string, a: string[]): string;
      splitCompositeKey(k: string): unknown;
    };
    for (const [t, a] of [
      ['item', ['x']],
      ['claim', ['p1', 'ovl', 'i1', 'SichuanMSP']],
      ['version', []],
      ['t', ['😀', '\uFFFF']],
    ] as const) {
      const key = createCompositeKey(t, [...a]);
      expect(key).to.equal(real.createCompositeKey(t, [...a]));
      expect(splitCompositeKey(key)).to.deep.equal(real.splitCompositeKey(key));
    }
    for (const k of ['plain', '\u0000', '\u0000x', '\u0000x\u0000', '']) {
      expect(splitCompositeKey(k), JSON.stringify(k)).to.deep.equal(real.splitCompositeKey(k));
    }
    const err = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(err(() => createCompositeKey('item', ['']))).to.equal(
      err(() => real.createCompositeKey('item', [''])),
    );
    expect(err(() => createCompositeKey('', []))).to.equal(err(() => real.createCompositeKey('', [])));
  });

  it('compares keys by UTF-8 bytes (compareUtf8 agrees with Buffer.compare)', () => {
    const alphabet = [
      'a',
      'z',
      '\u0000',
      '\u0001',
      '\u007f',
      'é',
      '\u07ff',
      '\u0800',
      '中',
      '\uE000',
      '\uFFFD',
      '\uFFFF',
      '😀',
      '𝔸',
      '\u{10ffff}',
    ];
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const word = (): string => Array.from({ length: rnd(5) }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const a = word();
      const b = word();
      expect(Math.sign(compareUtf8(a, b)), `${JSON.stringify(a)} vs ${JSON.stringify(b)}`).to.equal(
        Math.sign(byteOrder(a, b)),
      );
    }
  });

  it('returns writes in UTF-8 byte order whatever the order they were made in', async () => {
    const stub = replayStub(state);
    const keys = [...state.keys()].reverse();
    for (const k of keys) await stub.putState(k, Buffer.from('x'));
    expect(stub.writes().map((w) => w.key)).to.deep.equal([...keys].sort(byteOrder));
  });
});
