/**
 * Splitting a change set into proposal chunks, with deterministic fingerprints so that an interrupted
 * import can be resumed: re-running the import rebuilds the same plan, and each chunk's fingerprint
 * tells whether a chunk already stored in a half-finished proposal holds exactly the same changes.
 *
 * Fingerprints are the chaincode's `sha256Json` (hex SHA-256 of the canonical JSON: keys sorted, no
 * whitespace, undefined members dropped). `manifest` is built the way the chaincode builds a proposal's
 * `manifestHash` (SHA-256 of the canonical JSON of the ordered chunk hashes), so it equals the on-chain
 * value whenever the chaincode stores the changes as given.
 */
import {
  type Change,
  DEFAULT_MAX_CHUNK_CHANGES,
  type ItemInput,
  MAX_CHUNK_CHANGES,
  sha256Json,
} from '@nrdl-catalog/chaincode/model';

/** Default chunk size: the chaincode's default governance limit of changes per chunk (250). */
export const DEFAULT_CHUNK_SIZE: number = DEFAULT_MAX_CHUNK_CHANGES;

/** Hard upper bound of a chunk size: the chaincode schema's maximum (500). */
export const MAX_CHUNK_SIZE: number = MAX_CHUNK_CHANGES;

/** One chunk of a plan. */
export interface ChunkPlanEntry {
  /** 0-based chunk index (the `chunkIndex` of AddChunk). */
  readonly index: number;
  readonly changes: readonly Change[];
  /** sha256 of the canonical JSON of `changes`. */
  readonly fingerprint: string;
}

/** A change set split into chunks. */
export interface ChunkPlan {
  readonly chunkSize: number;
  readonly changeCount: number;
  /** sha256 of the canonical JSON of the whole ordered change list (independent of the chunk size). */
  readonly fingerprint: string;
  /** sha256 of the canonical JSON of the ordered chunk fingerprints (like the chaincode's manifestHash). */
  readonly manifest: string;
  readonly chunks: readonly ChunkPlanEntry[];
}

/** Deterministic fingerprint of any JSON value: hex sha256 of its canonical JSON. */
export function fingerprint(value: unknown): string {
  return sha256Json(value);
}

/** `upsertItem` changes of the items, in the given order. */
export function upsertChanges(items: readonly ItemInput[]): Change[] {
  return items.map((item): Change => ({ op: 'upsertItem', item }));
}

/**
 * Splits `items` into consecutive chunks of at most `size` (order kept, last chunk may be shorter).
 * Throws a RangeError unless `size` is an integer in 1..{@link MAX_CHUNK_SIZE}.
 */
export function splitIntoChunks<T>(items: readonly T[], size: number = DEFAULT_CHUNK_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1 || size > MAX_CHUNK_SIZE) {
    throw new RangeError(`chunk size must be an integer in 1..${MAX_CHUNK_SIZE}, got ${size}`);
  }
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}

/**
 * Most state keys one chunk's ApplyChunk may write: an upsert writes its index, record and lookup
 * keys (one per official code), so an item with hundreds of `codes` counts for hundreds of changes.
 * Chunks of ordinary items (4–5 keys each) never reach it.
 */
export const MAX_CHUNK_KEYS = 4000;

/**
 * The state keys ApplyChunk writes for one change (index, record, and an upsert's lookup keys; a
 * rule's lookup key per item it names).
 */
export function changeKeyCount(change: Change): number {
  if (change.op === 'upsertRule') {
    return 2 + change.rule.targets.length + (change.rule.pairedWith?.length ?? 0);
  }
  if (change.op !== 'upsertItem') return 2;
  const { item } = change;
  const codes = new Set([item.code, ...(item.codes ?? [])].filter((c) => c !== null && c !== undefined));
  return 3 + codes.size + (item.categoryCode === null || item.categoryCode === undefined ? 0 : 1);
}

/**
 * Splits changes into consecutive chunks of at most `size` changes and at most `maxKeys` written
 * keys ({@link changeKeyCount}; a change above the budget alone makes a chunk of its own).
 */
export function splitByKeys(
  changes: readonly Change[],
  size: number = DEFAULT_CHUNK_SIZE,
  maxKeys: number = MAX_CHUNK_KEYS,
): Change[][] {
  const out: Change[][] = [];
  for (const bySize of splitIntoChunks(changes, size)) {
    let current: Change[] = [];
    let keys = 0;
    for (const change of bySize) {
      const n = changeKeyCount(change);
      if (current.length > 0 && keys + n > maxKeys) {
        out.push(current);
        current = [];
        keys = 0;
      }
      current.push(change);
      keys += n;
    }
    if (current.length > 0) out.push(current);
  }
  return out;
}

/**
 * Splits a change set into chunks of at most `size` changes (and {@link MAX_CHUNK_KEYS} written keys)
 * and fingerprints the set and every chunk.
 */
export function planChunks(changes: readonly Change[], size: number = DEFAULT_CHUNK_SIZE): ChunkPlan {
  const chunks = splitByKeys(changes, size).map((c, index): ChunkPlanEntry => ({
    index,
    changes: c,
    fingerprint: fingerprint(c),
  }));
  return {
    chunkSize: size,
    changeCount: changes.length,
    fingerprint: fingerprint(changes),
    manifest: fingerprint(chunks.map((c) => c.fingerprint)),
    chunks,
  };
}

/** Whether a stored chunk (e.g. read back from a half-finished proposal) holds exactly `entry`'s changes. */
export function chunkMatches(entry: ChunkPlanEntry, storedChanges: readonly Change[]): boolean {
  return fingerprint(storedChanges) === entry.fingerprint;
}
