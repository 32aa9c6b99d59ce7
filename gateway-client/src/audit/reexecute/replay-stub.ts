/**
 * An in-memory `ChaincodeStub` for re-executing one recorded transaction: the peer side of the
 * chaincode shim protocol, as the catalog contracts see it. Reads come from a {@link StateView} (the
 * auditors' replayed state just before the transaction) and never see the transaction's own writes,
 * as in Fabric; writes, key-level metadata writes and the event are recorded and returned in the
 * order Fabric puts them in a read/write set (keys by UTF-8 bytes).
 *
 * Behaviour that the chaincode can observe follows fabric-shim 2.5 (`lib/stub.js`, `lib/iterators.js`)
 * and the Fabric 3 peer (`core/chaincode/handler.go`, the transaction simulator):
 *
 * - composite keys are `\u0000type\u0000attr\u0000…`; a partial composite key scan covers
 *   `[prefix, prefix + U+10FFFF)`; a simple-key range with an empty start key starts at `\u0001`
 *   (so composite keys are excluded) and keys starting with `\u0000` are refused;
 * - results come in UTF-8 byte order; at most `totalQueryLimit` results per query (peer default
 *   100000); a paginated query returns at most `pageSize` results, resumes at the bookmark (the first
 *   key of the next page, `''` when exhausted), and may not be mixed with writes in one transaction;
 * - `putState` with an empty value is a delete (Fabric records `is_delete` for an empty value);
 *   the last write / metadata write / event of the transaction wins;
 * - `getTxTimestamp()` returns `{ nanos, seconds: Long (unsigned) }`, `getDateTimestamp()` a `Date`,
 *   `getCreator()` `{ mspid, idBytes }` decoded from the serialized identity, so the
 *   fabric-shim `ClientIdentity` parses the real X.509 certificate.
 *
 * What the recorded ledger cannot provide is refused with a clear error instead of being invented:
 * history queries, rich (CouchDB) queries, private data and chaincode-to-chaincode calls.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { common, msp } from '@hyperledger/fabric-protos';
import type {
  ChaincodeProposal,
  ChaincodeResponse,
  ChaincodeStub,
  Iterators,
  SerializedIdentity,
  SplitCompositekey,
  StateQueryResponse,
  Timestamp,
} from 'fabric-shim';
import type { StateEntry, StateView } from '../trust/state-view';

/** Metadata name of a key-level endorsement policy. */
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

/** The peer's default `ledger.state.totalQueryLimit`. */
export const DEFAULT_TOTAL_QUERY_LIMIT = 100_000;

const COMPOSITE_NS = '\u0000';
const MAX_UNICODE_RUNE = '\u{10ffff}';
const EMPTY_KEY_SUBSTITUTE = '\u0001';

/** A key written (or deleted) by the transaction. */
export interface ReplayWrite {
  readonly key: string;
  readonly isDelete: boolean;
  /** The value written (empty for a delete). */
  readonly value: Uint8Array;
}

/** A key-level metadata entry written by the transaction (e.g. `VALIDATION_PARAMETER`). */
export interface ReplayMetadataWrite {
  readonly key: string;
  readonly name: string;
  readonly value: Uint8Array;
}

/** The transaction's chaincode event. */
export interface ReplayEvent {
  readonly name: string;
  readonly payload: Uint8Array;
}

/** What identifies and drives one transaction. */
export interface ReplayTransaction {
  readonly txId: string;
  readonly channelId: string;
  /** Channel header timestamp of the transaction (client time). */
  readonly timestamp: { readonly seconds: bigint | number; readonly nanos: number };
  /** `msp.SerializedIdentity` bytes of the submitter (signature header `creator`). */
  readonly creator: Uint8Array;
  /** ChaincodeInput args: the function (`Contract:Fn`) first, then the parameters. */
  readonly args: readonly Uint8Array[];
  /** Committed state just before the transaction. */
  readonly state: StateView;
  /** Signature header nonce, when known (only `getBinding()` and `getSignedProposal()` use it). */
  readonly nonce?: Uint8Array;
}

/** A factory for unsigned 64-bit `Long`s (the `long` package fabric-shim uses). */
export interface LongFactory {
  fromNumber(value: number, unsigned?: boolean): Timestamp['seconds'];
}

/** Settings of the simulated peer. */
export interface ReplayStubOptions {
  /** MSP id returned by `getMspID()` (the endorsing peer's); unset: `getMspID()` throws. */
  readonly peerMspId?: string;
  /** Maximum results of one range query (peer `ledger.state.totalQueryLimit`). */
  readonly totalQueryLimit?: number;
  /** `Long` implementation for `getTxTimestamp()`; default: the one next to fabric-shim. */
  readonly long?: LongFactory;
}

/** UTF-8 byte order of two strings (as Go's string comparison), without encoding them. */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      // UTF-16 puts surrogates (U+D800..U+DFFF, i.e. code points >= U+10000) below U+E000..U+FFFF;
      // UTF-8 puts them above. Shift both ranges so code unit order equals code point order.
      if (x >= 0xd800 && y >= 0xd800) {
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function checkCompositePart(part: unknown): void {
  if (typeof part !== 'string' || part.length === 0) {
    throw new Error('object type or attribute not a non-zero length string');
  }
}

/** Builds a composite key exactly as fabric-shim's `createCompositeKey` does (same validation). */
export function createCompositeKey(objectType: string, attributes: readonly string[]): string {
  checkCompositePart(objectType);
  const list: unknown = attributes;
  if (!Array.isArray(list)) {
    throw new Error('attributes must be an array');
  }
  let key = COMPOSITE_NS + objectType + COMPOSITE_NS;
  for (const attribute of attributes) {
    checkCompositePart(attribute);
    key += attribute + COMPOSITE_NS;
  }
  return key;
}

/** Splits a composite key exactly as fabric-shim's `splitCompositeKey` does. */
export function splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
  if (compositeKey.length <= 1 || !compositeKey.startsWith(COMPOSITE_NS)) {
    return { objectType: null, attributes: [] };
  }
  const parts = compositeKey.slice(1).split(COMPOSITE_NS);
  const objectType = parts[0] ?? null;
  parts.pop();
  return { objectType, attributes: parts.length > 1 ? parts.slice(1) : [] };
}

/** The `[start, end)` range fabric-shim scans for a partial composite key. */
export function partialCompositeKeyRange(
  objectType: string,
  attributes: readonly string[],
): { startKey: string; endKey: string } {
  const startKey = createCompositeKey(objectType, attributes);
  return { startKey, endKey: startKey + MAX_UNICODE_RUNE };
}

/**
 * fabric-shim refuses simple-key ranges that start with U+0000 by returning a bare rejected promise
 * (not async-iterable: `for await` over it fails with a TypeError, `await` with this message).
 */
function checkSimpleKeys(...keys: string[]): (Promise<never> & AsyncIterable<never>) | null {
  for (const key of keys) {
    if (key.startsWith(COMPOSITE_NS)) {
      const refused = Promise.reject(
        new Error(`first character of the key [${key}] contains a null character which is not allowed`),
      );
      // Marked handled (the shim's process logs it as an unhandled rejection, nothing more).
      refused.catch(() => undefined);
      return refused as Promise<never> & AsyncIterable<never>;
    }
  }
  return null;
}

let defaultLong: LongFactory | null = null;

function longFactory(): LongFactory {
  if (defaultLong === null) {
    const shimRequire = createRequire(require.resolve('fabric-shim/package.json'));
    defaultLong = shimRequire('long') as LongFactory;
  }
  return defaultLong;
}

type Kv = Iterators.KV;
type Done<T> = Iterators.NextResult<T>;
type ScanResult = Promise<Iterators.StateQueryIterator> & AsyncIterable<Kv>;
type PagedScanResult = Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<Kv>;

const DONE = { done: true } as Done<never>;

function kvOf(entry: StateEntry): Kv {
  // fabric-shim's iterator yields `{ key, value: Buffer }` (no namespace).
  return { key: entry.key, value: Buffer.from(entry.value) } as unknown as Kv;
}

/** A state query iterator over a lazily consumed range, at most `limit` results. */
class RangeIterator implements Iterators.StateQueryIterator {
  readonly #source: Iterator<StateEntry>;
  #left: number;
  #closed = false;

  public constructor(source: Iterable<StateEntry>, limit: number) {
    this.#source = source[Symbol.iterator]();
    this.#left = limit;
  }

  public next(): Promise<Done<Kv>> {
    if (this.#closed || this.#left <= 0) {
      return Promise.resolve(DONE);
    }
    const r = this.#source.next();
    if (r.done === true) {
      this.#left = 0;
      return Promise.resolve(DONE);
    }
    this.#left--;
    return Promise.resolve({ value: kvOf(r.value), done: false });
  }

  public close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#source.return?.();
    }
    return Promise.resolve();
  }
}

/** An iterator over results already fetched (a page). */
class ListIterator implements Iterators.StateQueryIterator {
  readonly #items: Kv[];
  #at = 0;

  public constructor(items: Kv[]) {
    this.#items = items;
  }

  public next(): Promise<Done<Kv>> {
    const value = this.#items[this.#at];
    if (value === undefined) {
      return Promise.resolve(DONE);
    }
    this.#at++;
    return Promise.resolve({ value, done: false });
  }

  public close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Makes the promise of an iterator (or of `{ iterator }`) async-iterable the way fabric-shim does:
 * the iterator is closed when exhausted or when the loop exits early.
 */
function asyncIterableOf<R extends Iterators.StateQueryIterator | { iterator: Iterators.StateQueryIterator }>(
  promise: Promise<R>,
): Promise<R> & AsyncIterable<Kv> {
  const result = promise as Promise<R> & AsyncIterable<Kv>;
  result[Symbol.asyncIterator] = (): AsyncIterator<Kv> => {
    let iterator: Iterators.StateQueryIterator | null = null;
    const get = async (): Promise<Iterators.StateQueryIterator> => {
      if (iterator === null) {
        const resolved = await promise;
        iterator = 'iterator' in resolved ? resolved.iterator : resolved;
      }
      return iterator;
    };
    return {
      next: async (): Promise<IteratorResult<Kv>> => {
        const it = await get();
        const r = await it.next();
        if (r.done) {
          await it.close();
          return { done: true, value: undefined };
        }
        return { done: false, value: r.value };
      },
      return: async (): Promise<IteratorResult<Kv>> => {
        await (await get()).close();
        return { done: true, value: undefined };
      },
    };
  };
  return result;
}

/** Runs `fn` and turns its result or exception into a promise (fabric-shim rejects, never throws). */
function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function unsupported(what: string): Error {
  return new Error(`${what} is not available when re-executing from the ledger`);
}

/** The replayed stub of one transaction. */
export class ReplayStub implements ChaincodeStub {
  readonly #tx: ReplayTransaction;
  readonly #state: StateView;
  readonly #options: ReplayStubOptions;
  readonly #limit: number;
  readonly #bufferArgs: Buffer[];
  readonly #args: string[];
  readonly #creator: SerializedIdentity;
  readonly #creatorBytes: Uint8Array;
  readonly #writes = new Map<string, ReplayWrite>();
  readonly #metadata = new Map<string, ReplayMetadataWrite>();
  #event: ReplayEvent | null = null;
  #wrote = false;
  #paginated = false;

  public constructor(tx: ReplayTransaction, options: ReplayStubOptions = {}) {
    this.#tx = tx;
    this.#state = tx.state;
    this.#options = options;
    this.#limit = options.totalQueryLimit ?? DEFAULT_TOTAL_QUERY_LIMIT;
    this.#bufferArgs = tx.args.map((a) => Buffer.from(a));
    this.#args = this.#bufferArgs.map((a) => a.toString());
    this.#creatorBytes = tx.creator;
    let identity: msp.SerializedIdentity;
    try {
      identity = msp.SerializedIdentity.deserializeBinary(tx.creator);
    } catch (error) {
      throw new Error(`Decoding SerializedIdentity failed: ${(error as Error).message}`);
    }
    this.#creator = { mspid: identity.getMspid(), idBytes: identity.getIdBytes_asU8() };
  }

  // ---- what the transaction produced ----

  /** Writes in read/write-set order (keys by UTF-8 bytes). */
  public writes(): ReplayWrite[] {
    return [...this.#writes.values()].sort((a, b) => compareUtf8(a.key, b.key));
  }

  /** Key-level metadata writes, by key then name. */
  public metadataWrites(): ReplayMetadataWrite[] {
    return [...this.#metadata.values()].sort(
      (a, b) => compareUtf8(a.key, b.key) || compareUtf8(a.name, b.name),
    );
  }

  /** The event (last `setEvent`), or null. */
  public event(): ReplayEvent | null {
    return this.#event;
  }

  // ---- invocation ----

  public getArgs(): string[] {
    return this.#args;
  }

  public getStringArgs(): string[] {
    return this.#args;
  }

  /** The arguments as Buffers (what the contract dispatcher reads). */
  public getBufferArgs(): Buffer[] {
    return this.#bufferArgs;
  }

  public getFunctionAndParameters(): { params: string[]; fcn: string } {
    const [fcn = '', ...params] = this.#args;
    return { fcn, params };
  }

  public getTxID(): string {
    return this.#tx.txId;
  }

  public getChannelID(): string {
    return this.#tx.channelId;
  }

  public getCreator(): SerializedIdentity {
    return this.#creator;
  }

  public getMspID(): string {
    if (this.#options.peerMspId === undefined) {
      throw new Error('getMspID: the endorsing peer is not known when re-executing (set peerMspId)');
    }
    return this.#options.peerMspId;
  }

  public getTransient(): Map<string, Uint8Array> {
    // The transient map never reaches the ledger.
    return new Map();
  }

  public getTxTimestamp(): Timestamp {
    return {
      nanos: this.#tx.timestamp.nanos,
      seconds: (this.#options.long ?? longFactory()).fromNumber(Number(this.#tx.timestamp.seconds), true),
    };
  }

  public getDateTimestamp(): Date {
    return new Date(Number(this.#tx.timestamp.seconds) * 1000 + this.#tx.timestamp.nanos / 1_000_000);
  }

  /**
   * A minimal decoded proposal: channel header (type, channel, tx id, timestamp, epoch 0) and
   * signature header (creator, nonce when known). The proposal signature, payload and transient
   * map are not on the ledger and are empty.
   */
  public getSignedProposal(): ChaincodeProposal.SignedProposal {
    return {
      signature: new Uint8Array(0),
      proposal: {
        header: {
          channelHeader: {
            // fabric-shim-api declares HeaderType as an ambient enum with the protobuf's values.
            // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
            type: common.HeaderType.ENDORSER_TRANSACTION,
            version: 0,
            timestamp: this.getTxTimestamp(),
            channelId: this.#tx.channelId,
            txId: this.#tx.txId,
            epoch: 0,
            extension: new Uint8Array(0),
            tlsCertHash: new Uint8Array(0),
          },
          signatureHeader: { creator: this.#creator, nonce: this.#tx.nonce ?? new Uint8Array(0) },
        },
        payload: { input: new Uint8Array(0), transientMap: new Map() },
      },
    };
  }

  /** SHA-256 over nonce, creator and epoch (0), hex, as fabric-shim computes it; needs the nonce. */
  public getBinding(): string {
    if (this.#tx.nonce === undefined) {
      throw unsupported('getBinding without the signature header nonce');
    }
    return createHash('sha256')
      .update(this.#tx.nonce)
      .update(this.#creatorBytes)
      .update(Buffer.alloc(8))
      .digest('hex');
  }

  // ---- state ----

  public getState(key: string): Promise<Uint8Array> {
    const entry = this.#state.get(key);
    return Promise.resolve(entry === null ? Buffer.alloc(0) : Buffer.from(entry.value));
  }

  #beforeWrite(): void {
    if (this.#paginated) {
      throw new Error('transaction has already performed a paginated query. Writes are not allowed');
    }
    this.#wrote = true;
  }

  public putState(key: string, value: Uint8Array | string): Promise<void> {
    return attempt(() => {
      this.#beforeWrite();
      const bytes = Buffer.from(value as Uint8Array);
      this.#writes.set(key, { key, isDelete: bytes.length === 0, value: bytes });
    });
  }

  public deleteState(key: string): Promise<void> {
    return attempt(() => {
      this.#beforeWrite();
      this.#writes.set(key, { key, isDelete: true, value: Buffer.alloc(0) });
    });
  }

  public setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    return attempt(() => {
      this.#beforeWrite();
      this.#metadata.set(key, { key, name: VALIDATION_PARAMETER, value: Buffer.from(ep) });
    });
  }

  /** The committed key-level policy, or `undefined` when the key has none (as fabric-shim). */
  public getStateValidationParameter(key: string): Promise<Uint8Array> {
    const value = this.#state.get(key)?.metadata.get(VALIDATION_PARAMETER);
    return Promise.resolve((value === undefined ? undefined : Buffer.from(value)) as Uint8Array);
  }

  #range(startKey: string, endKey: string): Iterators.StateQueryIterator {
    return new RangeIterator(this.#state.range(startKey, endKey), this.#limit);
  }

  #page(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark: string,
  ): StateQueryResponse<Iterators.StateQueryIterator> {
    if (this.#wrote) {
      throw new Error('transaction has already performed write(s). Paginated queries are not allowed');
    }
    this.#paginated = true;
    const size = Math.trunc(pageSize);
    if (size === 0 && bookmark === '') {
      // The peer treats this as an ordinary (unpaginated) query and sends no metadata.
      return { iterator: this.#range(startKey, endKey) } as StateQueryResponse<Iterators.StateQueryIterator>;
    }
    const limit = size > 0 && size < this.#limit ? size : this.#limit;
    const items: Kv[] = [];
    let next = '';
    for (const entry of this.#state.range(bookmark === '' ? startKey : bookmark, endKey)) {
      if (items.length === limit) {
        next = entry.key;
        break;
      }
      items.push(kvOf(entry));
    }
    return {
      iterator: new ListIterator(items),
      metadata: { fetchedRecordsCount: items.length, bookmark: next },
    };
  }

  public getStateByRange(startKey: string, endKey: string): ScanResult {
    const start = startKey === '' ? EMPTY_KEY_SUBSTITUTE : startKey;
    const refused = checkSimpleKeys(start, endKey);
    if (refused !== null) {
      return refused;
    }
    return asyncIterableOf(attempt(() => this.#range(start, endKey)));
  }

  public getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark?: string,
  ): PagedScanResult {
    const start = startKey === '' ? EMPTY_KEY_SUBSTITUTE : startKey;
    const refused = checkSimpleKeys(start, endKey);
    if (refused !== null) {
      return refused;
    }
    return asyncIterableOf(attempt(() => this.#page(start, endKey, pageSize, bookmark ?? '')));
  }

  public getStateByPartialCompositeKey(objectType: string, attributes: string[]): ScanResult {
    const { startKey, endKey } = partialCompositeKeyRange(objectType, attributes);
    return asyncIterableOf(Promise.resolve(this.#range(startKey, endKey)));
  }

  public getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark?: string,
  ): PagedScanResult {
    const { startKey, endKey } = partialCompositeKeyRange(objectType, attributes);
    return asyncIterableOf(attempt(() => this.#page(startKey, endKey, pageSize, bookmark ?? '')));
  }

  public createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes);
  }

  public splitCompositeKey(compositeKey: string): SplitCompositekey {
    return splitCompositeKey(compositeKey) as SplitCompositekey;
  }

  public setEvent(name: string, payload: Uint8Array): void {
    if (typeof name !== 'string' || name === '') {
      throw new Error('Event name must be a non-empty string');
    }
    this.#event = { name, payload: Buffer.from(payload) };
  }

  // ---- not replayable from the ledger ----

  public getHistoryForKey(): Promise<Iterators.HistoryQueryIterator> &
    AsyncIterable<Iterators.KeyModification> {
    throw unsupported('getHistoryForKey (key history is evaluate-only and not re-executed)');
  }

  public getQueryResult(): ScanResult {
    throw unsupported('getQueryResult (rich queries)');
  }

  public getQueryResultWithPagination(): PagedScanResult {
    throw unsupported('getQueryResultWithPagination (rich queries)');
  }

  public invokeChaincode(): Promise<ChaincodeResponse> {
    return Promise.reject(unsupported('invokeChaincode'));
  }

  public getPrivateData(): Promise<Uint8Array> {
    return Promise.reject(unsupported('private data'));
  }

  public getPrivateDataHash(): Promise<Uint8Array> {
    return Promise.reject(unsupported('private data'));
  }

  public putPrivateData(): Promise<void> {
    return Promise.reject(unsupported('private data'));
  }

  public deletePrivateData(): Promise<void> {
    return Promise.reject(unsupported('private data'));
  }

  public purgePrivateData(): Promise<void> {
    return Promise.reject(unsupported('private data'));
  }

  public setPrivateDataValidationParameter(): Promise<void> {
    return Promise.reject(unsupported('private data'));
  }

  public getPrivateDataValidationParameter(): Promise<Uint8Array> {
    return Promise.reject(unsupported('private data'));
  }

  public getPrivateDataByRange(): ScanResult {
    throw unsupported('private data');
  }

  public getPrivateDataByPartialCompositeKey(): ScanResult {
    throw unsupported('private data');
  }

  public getPrivateDataQueryResult(): ScanResult {
    throw unsupported('private data');
  }
}
