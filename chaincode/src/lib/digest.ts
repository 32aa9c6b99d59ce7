/**
 * Whole-catalog digest: an LtHash (lattice hash, Bellare–Micciancio / Lewi et al.) over the set of
 * live catalog entries (listed items, provincial overlays, the rules of the national rule base and
 * the provinces' payment policies).
 *
 * Each entry is expanded with SHAKE-256 to 1024 unsigned 16-bit words; the lattice is the
 * element-wise sum of all entries' vectors modulo 2^16. Adding or removing an entry is one vector
 * addition or subtraction, so a version updates the lattice in O(changed entries), and the result
 * does not depend on the order of updates. The published digest is SHA-256 of the lattice bytes
 * (little-endian words).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** Number of 16-bit words in a lattice. */
export const LATTICE_WORDS = 1024;

/** One entry of the catalog state as it enters the digest. */
export type DigestEntry =
  | { readonly type: 'item'; readonly itemId: string; readonly data: unknown }
  | { readonly type: 'overlay'; readonly itemId: string; readonly province: string; readonly data: unknown }
  | { readonly type: 'rule'; readonly ruleId: string; readonly data: unknown }
  | { readonly type: 'policy'; readonly province: string; readonly data: unknown };

/** The bytes hashed for an entry: canonical JSON of a tagged tuple. */
export function entryBytes(entry: DigestEntry): Buffer {
  const tuple =
    entry.type === 'item'
      ? ['item', entry.itemId, entry.data]
      : entry.type === 'overlay'
        ? ['overlay', entry.itemId, entry.province, entry.data]
        : entry.type === 'rule'
          ? ['rule', entry.ruleId, entry.data]
          : ['policy', entry.province, entry.data];
  return Buffer.from(canonicalJson(tuple), 'utf8');
}

/** A fresh all-zero lattice (the digest state of the empty catalog). */
export function emptyLattice(): Uint16Array {
  return new Uint16Array(LATTICE_WORDS);
}

/** The hash-expanded vector of one entry. */
export function entryVector(entry: DigestEntry): Uint16Array {
  const bytes = createHash('shake256', { outputLength: LATTICE_WORDS * 2 })
    .update(entryBytes(entry))
    .digest();
  const out = new Uint16Array(LATTICE_WORDS);
  for (let i = 0; i < LATTICE_WORDS; i++) {
    out[i] = bytes.readUInt16LE(i * 2);
  }
  return out;
}

/** `target += v` (mod 2^16), in place; returns target. */
export function latticeAdd(target: Uint16Array, v: Uint16Array): Uint16Array {
  for (let i = 0; i < LATTICE_WORDS; i++) {
    target[i] = ((target[i] ?? 0) + (v[i] ?? 0)) & 0xffff;
  }
  return target;
}

/** `target -= v` (mod 2^16), in place; returns target. */
export function latticeSub(target: Uint16Array, v: Uint16Array): Uint16Array {
  for (let i = 0; i < LATTICE_WORDS; i++) {
    target[i] = ((target[i] ?? 0) - (v[i] ?? 0)) & 0xffff;
  }
  return target;
}

/** Little-endian bytes of a lattice. */
export function latticeBytes(lattice: Uint16Array): Buffer {
  const out = Buffer.alloc(LATTICE_WORDS * 2);
  for (let i = 0; i < LATTICE_WORDS; i++) {
    out.writeUInt16LE(lattice[i] ?? 0, i * 2);
  }
  return out;
}

/** Base64 encoding of a lattice (how lattices and chunk deltas are stored). */
export function encodeLattice(lattice: Uint16Array): string {
  return latticeBytes(lattice).toString('base64');
}

/** Inverse of {@link encodeLattice}. */
export function decodeLattice(text: string): Uint16Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== LATTICE_WORDS * 2) {
    throw new Error(`lattice must be ${LATTICE_WORDS * 2} bytes, got ${bytes.length}`);
  }
  const out = new Uint16Array(LATTICE_WORDS);
  for (let i = 0; i < LATTICE_WORDS; i++) {
    out[i] = bytes.readUInt16LE(i * 2);
  }
  return out;
}

/** The published digest of a lattice: hex SHA-256 of its bytes. */
export function latticeDigest(lattice: Uint16Array): string {
  return createHash('sha256').update(latticeBytes(lattice)).digest('hex');
}

/** Lattice of a whole set of entries, computed from scratch (what an auditor does). */
export function latticeOf(entries: Iterable<DigestEntry>): Uint16Array {
  const lattice = emptyLattice();
  for (const entry of entries) {
    latticeAdd(lattice, entryVector(entry));
  }
  return lattice;
}

/** Digest of a whole set of entries, computed from scratch. */
export function digestOfEntries(entries: Iterable<DigestEntry>): string {
  return latticeDigest(latticeOf(entries));
}

/** Hex SHA-256 of a value's canonical JSON (used for chunk hashes and the version hash chain). */
export function sha256Json(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
