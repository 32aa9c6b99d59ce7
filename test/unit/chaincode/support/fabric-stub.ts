/**
 * An in-memory stand-in for the Fabric peer + shim, faithful where the chaincode depends on it:
 *
 * - reads see committed state only (a transaction never reads its own writes);
 * - range scans are sorted by UTF-8 bytes, simple-key scans exclude composite keys, composite keys use
 *   the shim's U+0000 separators and U+10FFFF end marker; paginated scans return
 *   `{ fetchedRecordsCount, bookmark }` and are refused in a transaction that also writes;
 * - key-level endorsement policies are recorded per key and (at commit) checked against the
 *   endorsing organisations; read sets and range results are re-validated at commit
 *   (MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT), so interleaved transactions behave as on a peer;
 * - one event per transaction (last setEvent wins), tx id, tx timestamp, creator and
 *   client identity with MSP id and `catalog.role`, and key history (newest first).
 */
import { createHash } from 'node:crypto';
import { Context, type Contract } from 'fabric-contract-api';
import type { ChaincodeStub, Iterators, StateQueryResponse } from 'fabric-shim';

type Scan = Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV>;
type PagedScan = Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<Iterators.KV>;
type History = Promise<Iterators.HistoryQueryIterator> & AsyncIterable<Iterators.KeyModification>;
import { decodeSignaturePolicy, type PolicySpec } from '../../../../chaincode/src/lib/sbe';
import { MEMBERS } from '../../support/members';

const NS = '\u0000';
const MAX = '\u{10ffff}';

/** Who submits a transaction. */
export interface Caller {
  readonly msp: string;
  readonly role?: string | null;
  /** Common name of the certificate (default `<role>@<msp>`). */
  readonly cn?: string;
}

interface Committed {
  value: Buffer;
  version: number;
}

interface HistoryEntry {
  txId: string;
  millis: number;
  value: Buffer;
  isDelete: boolean;
}

/** A chaincode event emitted by a committed transaction. */
export interface EmittedEvent {
  readonly txId: string;
  readonly name: string;
  readonly payload: unknown;
}

function cmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function iteratorOf<T>(items: T[]): Iterators.CommonIterator<T> {
  let i = 0;
  return {
    next: () => {
      const value = items[i];
      i++;
      return Promise.resolve(
        value === undefined ? { value: undefined as unknown as T, done: true } : { value, done: false },
      );
    },
    close: () => Promise.resolve(),
  };
}

function asyncResult<R, T>(result: R, items: T[]): Promise<R> & AsyncIterable<T> {
  const promise = Promise.resolve(result) as Promise<R> & AsyncIterable<T>;
  promise[Symbol.asyncIterator] = async function* () {
    for (const item of items) {
      await Promise.resolve();
      yield item;
    }
  };
  return promise;
}

/** True when the endorsing MSPs satisfy a decoded signature policy. */
export function satisfies(spec: PolicySpec, endorsers: ReadonlySet<string>): boolean {
  if ('signedBy' in spec) {
    return endorsers.has(spec.signedBy);
  }
  return spec.rules.filter((r) => satisfies(r, endorsers)).length >= spec.nOutOf;
}

/** The world state and history shared by every transaction of a test. */
let ledgers = 0;

export class Ledger {
  /**
   * The channel this ledger is: one name per ledger, because the chaincode keeps per-channel caches
   * of immutable records across transactions (RECORD_CACHE) and two test ledgers are two channels.
   */
  public readonly channel = `stub-channel-${++ledgers}`;
  readonly #state = new Map<string, Committed>();
  readonly #params = new Map<string, Buffer>();
  readonly #history = new Map<string, HistoryEntry[]>();
  #version = 0;
  #txCounter = 0;
  /** Committed keys in UTF-8 byte order, rebuilt lazily after a commit changed the key set. */
  #sorted: string[] | null = null;
  /**
   * State API calls made by the chaincode, per shim method (`getState`, `getStateByPartialCompositeKey`,
   * …), over every transaction of this ledger: what a benchmark or test counts as round trips to the
   * peer. {@link Ledger.resetCalls} starts a new count.
   */
  public readonly calls = new Map<string, number>();
  /** Wall clock of the simulated network (ms); each transaction advances it by one second. */
  public clock = Date.parse('2024-12-20T02:00:00Z');
  public readonly events: EmittedEvent[] = [];
  /** The catalog organisations of the chaincode-level endorsement policy (OutOf(2) of them). */
  public readonly catalogOrgs = new Set(CATALOG_ORGS);

  /** Clears {@link Ledger.calls}. */
  public resetCalls(): void {
    this.calls.clear();
  }

  /** @internal Counts one state API call. */
  public count(api: string): void {
    this.calls.set(api, (this.calls.get(api) ?? 0) + 1);
  }

  /** Sets the simulated time (ISO string). */
  public setTime(iso: string): void {
    this.clock = Date.parse(iso);
  }

  public get(key: string): Buffer | undefined {
    return this.#state.get(key)?.value;
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- caller names the JSON type
  public getJson<T>(key: string): T | undefined {
    const v = this.get(key);
    return v === undefined ? undefined : (JSON.parse(v.toString('utf8')) as T);
  }

  public validationParameter(key: string): Buffer | undefined {
    return this.#params.get(key);
  }

  public keys(): string[] {
    return [...this.#state.keys()].sort(cmp);
  }

  /**
   * How many commits (and seeds) changed this ledger: a block height of sorts. Unchanged across a
   * refused call, as a peer's ledger height is.
   */
  public get height(): number {
    return this.#version;
  }

  /** A copy of the committed state (to prove that a refused call wrote nothing). */
  public snapshot(): Map<string, string> {
    return new Map([...this.#state].map(([k, v]) => [k, `${v.version}:${v.value.toString('base64')}`]));
  }

  public versionOf(key: string): number | null {
    return this.#state.get(key)?.version ?? null;
  }

  public historyOf(key: string): HistoryEntry[] {
    return [...(this.#history.get(key) ?? [])].reverse();
  }

  /** Starts a transaction (simulation) as `caller`. */
  public begin(caller: Caller, options: { txId?: string; readOnly?: boolean } = {}): TxStub {
    this.#txCounter++;
    this.clock += 1000;
    const txId = options.txId ?? createHash('sha256').update(`tx-${this.#txCounter}`).digest('hex');
    return new TxStub(this, caller, txId, this.clock, options.readOnly ?? false);
  }

  /**
   * Writes a committed value as it stands on a ledger written by an earlier chaincode, without the
   * validation of {@link commit} (key-level policies unchanged). For tests of older ledger layouts.
   */
  public seed(key: string, value: Buffer): void {
    this.#version++;
    if (!this.#state.has(key)) this.#sorted = null;
    this.#state.set(key, { value, version: this.#version });
  }

  /**
   * Removes a committed key and its policy without validation, as if an earlier chaincode had never
   * written it. For tests of older ledger layouts.
   */
  public unseed(key: string): void {
    this.#version++;
    if (this.#state.delete(key)) this.#sorted = null;
    this.#params.delete(key);
  }

  /** @internal Range over committed keys in [start, end). */
  public range(start: string, end: string): { key: string; value: Buffer; version: number }[] {
    this.#sorted ??= [...this.#state.keys()].sort(cmp);
    const keys = this.#sorted;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmp(keys[mid] ?? '', start) < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: { key: string; value: Buffer; version: number }[] = [];
    for (let i = lo; i < keys.length; i++) {
      const key = keys[i] ?? '';
      if (end !== '' && cmp(key, end) >= 0) break;
      const c = this.#state.get(key);
      if (c !== undefined) out.push({ key, value: c.value, version: c.version });
    }
    return out;
  }

  /** @internal Validates and commits a simulated transaction. */
  public commit(tx: TxStub, endorsers: ReadonlySet<string>): void {
    for (const [key, version] of tx.readSet) {
      if (this.versionOf(key) !== version) {
        throw new Error(`MVCC_READ_CONFLICT: ${JSON.stringify(key)}`);
      }
    }
    for (const r of tx.rangeReads) {
      const now = this.range(r.start, r.end).map((e) => `${e.key}@${e.version}`);
      if (now.join('|') !== r.results.join('|')) {
        throw new Error(`PHANTOM_READ_CONFLICT: ${JSON.stringify(r.start)}`);
      }
    }
    // Fabric's validation: a key with a key-level policy needs it (for value and metadata writes);
    // any other key needs the chaincode-level policy, OutOf(2) of the catalog organisations' peers.
    for (const key of new Set([...tx.writes.keys(), ...tx.params.keys()])) {
      const policy = this.#params.get(key);
      const ok =
        policy === undefined
          ? [...endorsers].filter((m) => this.catalogOrgs.has(m)).length >= 2
          : satisfies(decodeSignaturePolicy(policy), endorsers);
      if (!ok) {
        throw new Error(`ENDORSEMENT_POLICY_FAILURE: ${JSON.stringify(key)}`);
      }
    }
    this.#version++;
    for (const [key, value] of tx.writes) {
      const list = this.#history.get(key) ?? [];
      list.push({
        txId: tx.txId,
        millis: tx.millis,
        value: value ?? Buffer.alloc(0),
        isDelete: value === null,
      });
      this.#history.set(key, list);
      if (value === null) {
        if (this.#state.delete(key)) this.#sorted = null;
      } else {
        if (!this.#state.has(key)) this.#sorted = null;
        this.#state.set(key, { value, version: this.#version });
      }
    }
    for (const [key, policy] of tx.params) {
      this.#params.set(key, policy);
    }
    if (tx.event !== null) {
      this.events.push({
        txId: tx.txId,
        name: tx.event.name,
        payload: JSON.parse(tx.event.payload.toString('utf8')),
      });
    }
  }
}

/** The ChaincodeStub of one transaction. */
export class TxStub {
  public readonly writes = new Map<string, Buffer | null>();
  public readonly params = new Map<string, Buffer>();
  public readonly readSet = new Map<string, number | null>();
  public readonly rangeReads: { start: string; end: string; results: string[] }[] = [];
  public event: { name: string; payload: Buffer } | null = null;
  public usedPagination = false;
  public readonly identity: Context['clientIdentity'];

  public constructor(
    private readonly ledger: Ledger,
    public readonly caller: Caller,
    public readonly txId: string,
    public readonly millis: number,
    public readonly readOnly: boolean,
  ) {
    const cn = caller.cn ?? `${caller.role ?? 'user'}@${caller.msp}`;
    const id = `x509::/OU=client/CN=${cn}::/C=CN/O=${caller.msp}/CN=ca.${caller.msp}`;
    this.identity = {
      getMSPID: () => caller.msp,
      getID: () => id,
      getIDBytes: () => Buffer.from(id),
      getAttributeValue: (name: string) => (name === 'catalog.role' ? (caller.role ?? null) : null),
      assertAttributeValue: (name: string, value: string) => name === 'catalog.role' && caller.role === value,
    };
  }

  public getTxID(): string {
    return this.txId;
  }

  public getChannelID(): string {
    return this.ledger.channel;
  }

  public getTxTimestamp(): { seconds: { toString(): string }; nanos: number } {
    return {
      seconds: { toString: () => Math.floor(this.millis / 1000).toString() },
      nanos: (this.millis % 1000) * 1e6,
    };
  }

  public getDateTimestamp(): Date {
    return new Date(this.millis);
  }

  public getCreator(): { mspid: string; idBytes: Uint8Array } {
    return { mspid: this.caller.msp, idBytes: Buffer.from(this.identity.getID()) };
  }

  public getState(key: string): Promise<Uint8Array> {
    this.ledger.count('getState');
    this.readSet.set(key, this.ledger.versionOf(key));
    return Promise.resolve(this.ledger.get(key) ?? Buffer.alloc(0));
  }

  public putState(key: string, value: Uint8Array): Promise<void> {
    if (key === '') {
      return Promise.reject(new Error('key must not be empty'));
    }
    this.writes.set(key, Buffer.from(value));
    return Promise.resolve();
  }

  public deleteState(key: string): Promise<void> {
    this.writes.set(key, null);
    return Promise.resolve();
  }

  public setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    this.params.set(key, Buffer.from(ep));
    return Promise.resolve();
  }

  public getStateValidationParameter(key: string): Promise<Uint8Array> {
    this.ledger.count('getStateValidationParameter');
    return Promise.resolve(this.ledger.validationParameter(key) ?? Buffer.alloc(0));
  }

  public setEvent(name: string, payload: Uint8Array): void {
    if (name === '') {
      throw new Error('Event name must be a non-empty string');
    }
    this.event = { name, payload: Buffer.from(payload) };
  }

  public createCompositeKey(objectType: string, attributes: string[]): string {
    for (const part of [objectType, ...attributes]) {
      if (part === '') {
        throw new Error('object type or attribute not a non-zero length string');
      }
    }
    return NS + objectType + NS + attributes.map((a) => a + NS).join('');
  }

  public splitCompositeKey(key: string): { objectType: string | null; attributes: string[] } {
    if (key.length <= 1 || !key.startsWith(NS)) {
      return { objectType: null, attributes: [] };
    }
    const parts = key.slice(1).split(NS);
    parts.pop();
    return { objectType: parts[0] ?? null, attributes: parts.slice(1) };
  }

  #scan(start: string, end: string, limit?: { pageSize: number; bookmark: string }) {
    const all = this.ledger.range(limit !== undefined && limit.bookmark !== '' ? limit.bookmark : start, end);
    const page = limit === undefined ? all : all.slice(0, limit.pageSize);
    if (limit === undefined) {
      this.rangeReads.push({ start, end, results: all.map((e) => `${e.key}@${e.version}`) });
    } else {
      this.usedPagination = true;
    }
    const kvs: Iterators.KV[] = page.map((e) => ({ namespace: 'catalog', key: e.key, value: e.value }));
    const next = limit !== undefined && all.length > page.length ? (all[page.length]?.key ?? '') : '';
    return { kvs, metadata: { fetchedRecordsCount: kvs.length, bookmark: next } };
  }

  #checkSimple(...keys: string[]): void {
    for (const key of keys) {
      if (key.startsWith(NS)) {
        throw new Error(`first character of the key [${key}] contains a null character which is not allowed`);
      }
    }
  }

  public getStateByRange(startKey: string, endKey: string): Scan {
    this.ledger.count('getStateByRange');
    this.#checkSimple(startKey, endKey);
    const { kvs } = this.#scan(startKey === '' ? '\u0001' : startKey, endKey);
    return asyncResult(iteratorOf(kvs), kvs);
  }

  public getStateByRangeWithPagination(
    startKey: string,
    endKey: string,
    pageSize: number,
    bookmark = '',
  ): PagedScan {
    this.#checkSimple(startKey, endKey);
    this.ledger.count('getStateByRangeWithPagination');
    const { kvs, metadata } = this.#scan(startKey === '' ? '\u0001' : startKey, endKey, {
      pageSize,
      bookmark,
    });
    return asyncResult({ iterator: iteratorOf(kvs), metadata }, kvs);
  }

  public getStateByPartialCompositeKey(objectType: string, attributes: string[]): Scan {
    this.ledger.count('getStateByPartialCompositeKey');
    const prefix = this.createCompositeKey(objectType, attributes);
    const { kvs } = this.#scan(prefix, prefix + MAX);
    return asyncResult(iteratorOf(kvs), kvs);
  }

  public getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark = '',
  ): PagedScan {
    const prefix = this.createCompositeKey(objectType, attributes);
    this.ledger.count('getStateByPartialCompositeKeyWithPagination');
    const { kvs, metadata } = this.#scan(prefix, prefix + MAX, { pageSize, bookmark });
    return asyncResult({ iterator: iteratorOf(kvs), metadata }, kvs);
  }

  public getHistoryForKey(key: string): History {
    this.ledger.count('getHistoryForKey');
    const mods: Iterators.KeyModification[] = this.ledger.historyOf(key).map((h) => ({
      txId: h.txId,
      isDelete: h.isDelete,
      value: h.value,
      timestamp: {
        seconds: { toString: () => Math.floor(h.millis / 1000).toString() },
        nanos: (h.millis % 1000) * 1e6,
      } as unknown as Iterators.KeyModification['timestamp'],
    }));
    return asyncResult(iteratorOf(mods), mods);
  }

  /** A fabric-contract-api Context over this stub. */
  public context(): Context {
    const ctx = new Context();
    ctx.stub = this as unknown as ChaincodeStub;
    ctx.clientIdentity = this.identity;
    return ctx;
  }

  /** Commits (submit) after the Fabric checks; throws MVCC/phantom/endorsement failures. */
  public commit(endorsers: ReadonlySet<string>): void {
    if (this.usedPagination && this.writes.size > 0) {
      throw new Error('Paginated queries are supported only in a read-only transaction');
    }
    this.ledger.commit(this, endorsers);
  }
}

type ContractMethod = (ctx: Context, arg: string) => Promise<string>;

/**
 * The organisations whose peers endorse (the chaincode-level policy is OutOf(2) of these): the
 * topology's national and province organisations. {@link Network.joinPeers} adds more.
 */
export const CATALOG_ORGS: ReadonlySet<string> = new Set([
  MEMBERS.nationalMsp,
  ...MEMBERS.provinces.map((p) => p.mspId),
]);

/** Every organisation of the topology (the default endorsers). */
export const ALL_ORGS: ReadonlySet<string> = new Set([...CATALOG_ORGS, ...MEMBERS.auditors]);

/**
 * Runs contract transactions against a {@link Ledger}: `submit` commits on success and discards on
 * throw; `evaluate` never commits.
 */
export class Network {
  public readonly ledger = new Ledger();
  /** The organisations whose peers endorse a submit by default (every peer of the channel). */
  public readonly endorsers = new Set(ALL_ORGS);
  readonly #contracts = new Map<string, Contract>();

  /**
   * Peers of more catalog organisations join the channel (what adding a province's organisation
   * to the channel configuration and the chaincode endorsement policy does on a real network):
   * they endorse from now on and count for the chaincode-level OutOf(2).
   */
  public joinPeers(...mspIds: string[]): this {
    for (const mspId of mspIds) {
      this.endorsers.add(mspId);
      this.ledger.catalogOrgs.add(mspId);
    }
    return this;
  }

  public constructor(contracts: Contract[]) {
    for (const c of contracts) {
      this.#contracts.set(c.getName(), c);
    }
  }

  #method(name: string): { contract: Contract; fn: ContractMethod } {
    const [contractName = '', fnName = ''] = name.split(':');
    const contract = this.#contracts.get(contractName);
    const fn = (contract as unknown as Record<string, ContractMethod | undefined> | undefined)?.[fnName];
    if (contract === undefined || typeof fn !== 'function') {
      throw new Error(`no transaction ${name}`);
    }
    return { contract, fn };
  }

  /** Simulates `name` (`Contract:Fn`) as `caller` without committing; returns the stub and result. */
  public async simulate(
    caller: Caller,
    name: string,
    arg: unknown,
    options: { txId?: string } = {},
  ): Promise<{ tx: TxStub; result: string }> {
    const { contract, fn } = this.#method(name);
    const tx = this.ledger.begin(caller, options);
    const result = await fn.call(contract, tx.context(), typeof arg === 'string' ? arg : JSON.stringify(arg));
    return { tx, result };
  }

  /** Submits: simulate, then validate and commit. Returns the parsed result. */
  public async submit<T = Record<string, unknown>>(
    caller: Caller,
    name: string,
    arg: unknown = {},
    options: { txId?: string; endorsers?: ReadonlySet<string> } = {},
  ): Promise<T> {
    const { tx, result } = await this.simulate(caller, name, arg, options);
    tx.commit(options.endorsers ?? this.endorsers);
    return JSON.parse(result) as T;
  }

  /** Evaluates: simulate and discard. Returns the parsed result. */
  public async evaluate<T = Record<string, unknown>>(
    caller: Caller,
    name: string,
    arg: unknown = {},
  ): Promise<T> {
    const { result } = await this.simulate(caller, name, arg);
    return JSON.parse(result) as T;
  }
}
