/**
 * Read access to one chaincode namespace's world state as the auditors replayed it, as of just
 * before a given transaction (every earlier valid transaction applied, this one not yet).
 * Implemented by the replayed state of the independent verifier; read by re-execution and by the
 * endorsement-policy and MVCC checks.
 */

/** A committed version: the block and transaction index that last wrote the key. */
export interface KeyVersion {
  readonly blockNum: number;
  readonly txNum: number;
}

/** One key of the replayed state. */
export interface StateEntry {
  readonly key: string;
  readonly value: Uint8Array;
  readonly version: KeyVersion;
  /** Key-level metadata by name, e.g. `VALIDATION_PARAMETER` → SignaturePolicyEnvelope bytes. */
  readonly metadata: ReadonlyMap<string, Uint8Array>;
}

/** Read-only view of a namespace's state. */
export interface StateView {
  /** The key's entry, or null when it does not exist (never written, or deleted). */
  get(key: string): StateEntry | null;
  /**
   * Entries with `startKey <= key < endKey` (`endKey === ''` means no upper bound), in the order
   * Fabric uses: byte order of the keys' UTF-8 encodings (not JavaScript string order).
   */
  range(startKey: string, endKey: string): Iterable<StateEntry>;
}

/** Compares two keys as Fabric does: by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
