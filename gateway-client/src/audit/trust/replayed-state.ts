/**
 * World state replayed by the verifier from the transactions it decided are valid (never from the
 * peers' flags): one {@link ReplayedState} per namespace, with Fabric's write semantics (a metadata
 * write replaces a key's whole metadata and bumps its version; a metadata write on a missing key is
 * dropped; a delete removes value and metadata), plus the state as of the start of the current
 * block, which is what Fabric's validators read for policies (the state database is only updated
 * when the block commits).
 */
import { compareKeys, type KeyVersion, type StateEntry, type StateView } from './state-view';

/**
 * Compares keys by their UTF-8 bytes (= code point order) without encoding them; equal to
 * {@link compareKeys}.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) {
      continue;
    }
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) {
      return x - y;
    }
    // a surrogate (code point >= U+10000) sorts after every BMP character
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}

/** One write of a transaction to a namespace. */
export interface KeyWrite {
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** One metadata write (the key's complete new metadata; no entries = remove the metadata). */
export interface KeyMetadataWrite {
  readonly key: string;
  readonly entries: readonly { readonly name: string; readonly value: Uint8Array }[];
}

function copy(bytes: Uint8Array): Uint8Array {
  // a copy, so a value does not keep its whole block alive
  return Uint8Array.prototype.slice.call(bytes);
}

/** The replayed state of one namespace. */
export class ReplayedState implements StateView {
  public readonly namespace: string;
  readonly #entries = new Map<string, StateEntry>();
  /** Keys in UTF-8 byte order. */
  readonly #sorted: string[] = [];
  /** Entries as they were at the start of the current block, for keys touched in it. */
  readonly #blockStart = new Map<string, StateEntry | null>();

  public constructor(namespace: string) {
    this.namespace = namespace;
  }

  /** Number of keys. */
  public get size(): number {
    return this.#entries.size;
  }

  /** {@inheritDoc StateView.get} */
  public get(key: string): StateEntry | null {
    return this.#entries.get(key) ?? null;
  }

  /** The entry as committed before the current block (what Fabric's validators read). */
  public committed(key: string): StateEntry | null {
    return this.#blockStart.has(key) ? (this.#blockStart.get(key) ?? null) : this.get(key);
  }

  /** True when a valid transaction of the current block wrote the key (value, delete or metadata). */
  public touchedInBlock(key: string): boolean {
    return this.#blockStart.has(key);
  }

  /** Forgets the block-start snapshot: call when a block is finished. */
  public endBlock(): void {
    this.#blockStart.clear();
  }

  #indexOf(key: string): { found: boolean; at: number } {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareUtf8(this.#sorted[mid] ?? '', key);
      if (c === 0) {
        return { found: true, at: mid };
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return { found: false, at: lo };
  }

  /** {@inheritDoc StateView.range} */
  public *range(startKey: string, endKey: string): Iterable<StateEntry> {
    for (let i = this.#indexOf(startKey).at; i < this.#sorted.length; i++) {
      const key = this.#sorted[i] ?? '';
      if (endKey !== '' && compareUtf8(key, endKey) >= 0) {
        return;
      }
      const entry = this.#entries.get(key);
      if (entry !== undefined) {
        yield entry;
      }
    }
  }

  /** Every entry in key order. */
  public entries(): Iterable<StateEntry> {
    return this.range('', '');
  }

  #remember(key: string): void {
    if (!this.#blockStart.has(key)) {
      this.#blockStart.set(key, this.get(key));
    }
  }

  #put(entry: StateEntry): void {
    if (!this.#entries.has(entry.key)) {
      const { at } = this.#indexOf(entry.key);
      this.#sorted.splice(at, 0, entry.key);
    }
    this.#entries.set(entry.key, entry);
  }

  #delete(key: string): void {
    if (this.#entries.delete(key)) {
      const { found, at } = this.#indexOf(key);
      if (found) {
        this.#sorted.splice(at, 1);
      }
    }
  }

  /**
   * Applies one valid transaction's writes and metadata writes to this namespace at `version`, as
   * Fabric's `applyWriteSet` does (per key: delete wins; value + metadata; value keeps the latest
   * metadata; metadata alone keeps the value, or is dropped for a missing key).
   */
  public apply(
    writes: readonly KeyWrite[],
    metadataWrites: readonly KeyMetadataWrite[],
    version: KeyVersion,
  ): void {
    const ops = new Map<
      string,
      { value?: Uint8Array; deleted: boolean; metadata?: Map<string, Uint8Array> }
    >();
    const op = (
      key: string,
    ): { value?: Uint8Array; deleted: boolean; metadata?: Map<string, Uint8Array> } => {
      let o = ops.get(key);
      if (o === undefined) {
        o = { deleted: false };
        ops.set(key, o);
      }
      return o;
    };
    for (const w of writes) {
      const o = op(w.key);
      if (w.isDelete) {
        o.deleted = true;
      } else {
        o.value = w.value;
      }
    }
    for (const m of metadataWrites) {
      op(m.key).metadata = new Map(m.entries.map((e) => [e.name, copy(e.value)]));
    }
    for (const [key, o] of ops) {
      const existing = this.get(key);
      if (o.deleted) {
        this.#remember(key);
        this.#delete(key);
        continue;
      }
      const value = o.value === undefined ? existing?.value : copy(o.value);
      if (value === undefined) {
        continue; // metadata for a key that does not exist
      }
      this.#remember(key);
      this.#put({ key, value, version, metadata: o.metadata ?? existing?.metadata ?? new Map() });
    }
  }
}

/** Version and metadata of a private-data key known only by its hash (collections). */
export interface HashedEntry {
  readonly version: KeyVersion;
  readonly metadata: ReadonlyMap<string, Uint8Array>;
}

/** Every namespace's replayed state, plus the hashed keys of private data collections. */
export class ReplayedWorld {
  readonly #namespaces = new Map<string, ReplayedState>();
  readonly #hashed = new Map<string, HashedEntry>();
  readonly #hashedBlockStart = new Map<string, HashedEntry | null>();

  /** The state of a namespace (created empty on first use). */
  public namespace(name: string): ReplayedState {
    let state = this.#namespaces.get(name);
    if (state === undefined) {
      state = new ReplayedState(name);
      this.#namespaces.set(name, state);
    }
    return state;
  }

  /** Names of the namespaces written so far. */
  public namespaces(): string[] {
    return [...this.#namespaces.keys()].sort(compareKeys);
  }

  static #hashedKey(ns: string, coll: string, keyHash: Uint8Array): string {
    return `${ns}\u0000${coll}\u0000${Buffer.from(keyHash).toString('hex')}`;
  }

  /** A hashed key's current entry. */
  public hashed(ns: string, coll: string, keyHash: Uint8Array): HashedEntry | null {
    return this.#hashed.get(ReplayedWorld.#hashedKey(ns, coll, keyHash)) ?? null;
  }

  /** A hashed key's entry as committed before the current block. */
  public hashedCommitted(ns: string, coll: string, keyHash: Uint8Array): HashedEntry | null {
    const k = ReplayedWorld.#hashedKey(ns, coll, keyHash);
    return this.#hashedBlockStart.has(k)
      ? (this.#hashedBlockStart.get(k) ?? null)
      : (this.#hashed.get(k) ?? null);
  }

  /** True when a valid transaction of the current block wrote the hashed key. */
  public hashedTouchedInBlock(ns: string, coll: string, keyHash: Uint8Array): boolean {
    return this.#hashedBlockStart.has(ReplayedWorld.#hashedKey(ns, coll, keyHash));
  }

  /** Applies hashed writes / metadata writes of a valid transaction. */
  public applyHashed(
    ns: string,
    coll: string,
    writes: readonly { keyHash: Uint8Array; isDelete: boolean }[],
    metadataWrites: readonly {
      keyHash: Uint8Array;
      entries: readonly { name: string; value: Uint8Array }[];
    }[],
    version: KeyVersion,
  ): void {
    const ops = new Map<string, { written: boolean; deleted: boolean; metadata?: Map<string, Uint8Array> }>();
    const op = (k: string): { written: boolean; deleted: boolean; metadata?: Map<string, Uint8Array> } => {
      let o = ops.get(k);
      if (o === undefined) {
        o = { written: false, deleted: false };
        ops.set(k, o);
      }
      return o;
    };
    for (const w of writes) {
      const o = op(ReplayedWorld.#hashedKey(ns, coll, w.keyHash));
      if (w.isDelete) {
        o.deleted = true;
      } else {
        o.written = true;
      }
    }
    for (const m of metadataWrites) {
      op(ReplayedWorld.#hashedKey(ns, coll, m.keyHash)).metadata = new Map(
        m.entries.map((e) => [e.name, copy(e.value)]),
      );
    }
    for (const [k, o] of ops) {
      const existing = this.#hashed.get(k) ?? null;
      if (!this.#hashedBlockStart.has(k) && (o.deleted || o.written || existing !== null)) {
        this.#hashedBlockStart.set(k, existing);
      }
      if (o.deleted) {
        this.#hashed.delete(k);
      } else if (o.written || existing !== null) {
        this.#hashed.set(k, { version, metadata: o.metadata ?? existing?.metadata ?? new Map() });
      }
    }
  }

  /** Ends the current block in every namespace. */
  public endBlock(): void {
    for (const state of this.#namespaces.values()) {
      state.endBlock();
    }
    this.#hashedBlockStart.clear();
  }
}
