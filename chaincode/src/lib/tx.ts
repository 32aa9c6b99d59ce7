/**
 * Per-transaction helper. Reads go to committed state (as in Fabric, a transaction never sees its
 * own writes); writes, key-level policies and the event are buffered and only handed to the stub by
 * {@link Tx.flush} after every check passed, so a rejected call writes nothing.
 */
import type { Context } from 'fabric-contract-api';
import type { InputOf } from '../model/io';
import type { Actor } from '../model/types';
import { canonicalJson } from './canonical-json';
import { CatalogError, raise } from './errors';
import { txDate, txIsoTime } from './time';
import { parseInput } from './validate';
import type { SchemaName } from '../schemas';

/**
 * Marks a write of a key that already exists and keeps the key-level policy it got when it was
 * created. Every other write names the policy its key gets: a key is never created without one.
 */
export const KEEP_POLICY = 'keep' as const;

/** The key-level policy of a write: policy bytes to set, or {@link KEEP_POLICY}. */
export type WritePolicy = Uint8Array | typeof KEEP_POLICY;

/** A key and its decoded JSON value. */
export interface Entry<V> {
  readonly key: string;
  readonly value: V;
}

export class Tx {
  public readonly ctx: Context;
  public readonly stub: Context['stub'];
  public readonly txId: string;
  public readonly time: string;
  public readonly date: string;
  public readonly caller: Actor;
  /** Per-transaction memo for derived reads (e.g. proposals looked up many times). */
  public readonly memo = new Map<string, unknown>();
  readonly #writes = new Map<string, string>();
  readonly #policies = new Map<string, Uint8Array>();
  readonly #kept = new Set<string>();
  readonly #existing = new Set<string>();
  #event: { name: string; payload: string } | null = null;

  public constructor(ctx: Context) {
    this.ctx = ctx;
    this.stub = ctx.stub;
    this.txId = ctx.stub.getTxID();
    this.time = txIsoTime(ctx);
    this.date = txDate(ctx);
    this.caller = {
      mspId: ctx.clientIdentity.getMSPID(),
      id: ctx.clientIdentity.getID(),
      role: ctx.clientIdentity.getAttributeValue('catalog.role'),
    };
  }

  /** Reads and decodes a committed JSON value, or null when the key does not exist. */
  public async read<V>(key: string): Promise<V | null> {
    const bytes = await this.stub.getState(key);
    if (bytes.length === 0) {
      return null;
    }
    this.#existing.add(key);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as V;
  }

  /**
   * Buffers a canonical-JSON write. `policy` becomes the key's endorsement policy (in the same
   * transaction, so a key is never created without one); {@link KEEP_POLICY} rewrites an existing
   * key under the policy it has, and fails at flush if the key does not exist.
   */
  public put(key: string, value: unknown, policy: WritePolicy): void {
    this.#writes.set(key, canonicalJson(value));
    if (policy === KEEP_POLICY) {
      this.#policies.delete(key);
      this.#kept.add(key);
    } else {
      this.#kept.delete(key);
      this.#policies.set(key, policy);
    }
  }

  /** Sets the transaction's single chaincode event (ids only, never whole records). */
  public emit(name: string, payload: Record<string, unknown>): void {
    this.#event = { name, payload: canonicalJson(payload) };
  }

  /** Number of buffered writes (for tests and diagnostics). */
  public get pendingWrites(): number {
    return this.#writes.size;
  }

  /** Hands the buffered writes, policies and event to the stub, in key order. */
  public async flush(): Promise<void> {
    for (const key of [...this.#kept].sort()) {
      if (!this.#existing.has(key) && (await this.stub.getState(key)).length === 0) {
        raise('INTERNAL.noKeyPolicy', { key: JSON.stringify(key) });
      }
    }
    for (const key of [...this.#writes.keys()].sort()) {
      await this.stub.putState(key, Buffer.from(this.#writes.get(key) ?? '', 'utf8'));
    }
    for (const key of [...this.#policies.keys()].sort()) {
      const policy = this.#policies.get(key);
      if (policy !== undefined) {
        await this.stub.setStateValidationParameter(key, policy);
      }
    }
    if (this.#event !== null) {
      this.stub.setEvent(this.#event.name, Buffer.from(this.#event.payload, 'utf8'));
    }
  }

  /** All committed entries under a partial composite key, in key order (phantom-checked in submit). */
  public async scan<V>(objectType: string, attributes: string[]): Promise<Entry<V>[]> {
    const out: Entry<V>[] = [];
    for await (const kv of this.stub.getStateByPartialCompositeKey(objectType, attributes)) {
      this.#existing.add(kv.key);
      out.push({ key: kv.key, value: JSON.parse(Buffer.from(kv.value).toString('utf8')) as V });
    }
    return out;
  }

  /** One page of a partial composite key scan (evaluate-only in Fabric). */
  public async page<V>(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark: string,
  ): Promise<{ entries: Entry<V>[]; bookmark: string }> {
    const { iterator, metadata } = await this.stub.getStateByPartialCompositeKeyWithPagination(
      objectType,
      attributes,
      pageSize,
      bookmark,
    );
    const entries: Entry<V>[] = [];
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        entries.push({
          key: r.value.key,
          value: JSON.parse(Buffer.from(r.value.value).toString('utf8')) as V,
        });
      }
    } finally {
      await iterator.close();
    }
    const done = entries.length < pageSize || metadata.bookmark === '';
    return { entries, bookmark: done ? '' : metadata.bookmark };
  }
  /**
   * One page of a range scan over simple keys, [startKey, endKey) (evaluate-only in Fabric). At most
   * `pageSize` entries; `bookmark` is the next key ('' when the range is done).
   */
  public async range<V>(
    startKey: string,
    endKey: string,
    pageSize: number,
  ): Promise<{ entries: Entry<V>[]; bookmark: string }> {
    const { iterator, metadata } = await this.stub.getStateByRangeWithPagination(
      startKey,
      endKey,
      pageSize,
      '',
    );
    const entries: Entry<V>[] = [];
    try {
      for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
        entries.push({
          key: r.value.key,
          value: JSON.parse(Buffer.from(r.value.value).toString('utf8')) as V,
        });
      }
    } finally {
      await iterator.close();
    }
    const done = entries.length < pageSize || metadata.bookmark === '';
    return { entries, bookmark: done ? '' : metadata.bookmark };
  }
}

/** A transaction's answer already serialised as canonical JSON: {@link runTx} returns its text as is. */
export class CanonicalText {
  public constructor(public readonly text: string) {}
}

/**
 * Runs one transaction: parse + validate the single JSON argument, run the body, flush writes,
 * return canonical JSON (a {@link CanonicalText} as it is). Any error that is not already coded becomes `INTERNAL: ...`. The body gets
 * the input typed by its schema (`InputOf<N>`).
 */
export async function runTx<N extends SchemaName, O>(
  ctx: Context,
  schema: N,
  json: string,
  body: (tx: Tx, input: InputOf<N>) => Promise<O>,
): Promise<string> {
  try {
    const input = parseInput(schema, json);
    const tx = new Tx(ctx);
    const out = await body(tx, input);
    await tx.flush();
    return out instanceof CanonicalText ? out.text : canonicalJson(out);
  } catch (err) {
    if (err instanceof CatalogError) {
      throw err;
    }
    raise('INTERNAL', { detail: err instanceof Error ? err.message : String(err) });
  }
}

/** Encodes a raw state key as an opaque, printable bookmark. */
export function encodeBookmark(key: string): string {
  return key === '' ? '' : Buffer.from(key, 'utf8').toString('base64url');
}

/** Inverse of {@link encodeBookmark}. */
export function decodeBookmark(bookmark: string | undefined): string {
  return bookmark === undefined || bookmark === '' ? '' : Buffer.from(bookmark, 'base64url').toString('utf8');
}
