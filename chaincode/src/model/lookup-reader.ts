/**
 * Reading the lookup keys (./lookup.ts): which items a name, a name + dosage form or an official
 * code names as of a version, and pages of SearchItems driven by a lookup range.
 *
 * A key of proposal P for item I is a hit as of version V when P sealed at or before V and P's entry
 * is I's entry in force at V (so renames and removals leave no hit). A key written by a reindex
 * (value `reindexedBy`) counts once that reindex proposal has sealed: until then the reindex is
 * unfinished, and every peer answers as if it had not started.
 */
import { raise } from '../lib/errors';
import type { Tx } from '../lib/tx';
import { summarise } from './items';
import {
  exactRange,
  LOOKUP,
  lookupTarget,
  lookupText,
  parseLookupKey,
  type LookupRange,
  type LookupValue,
} from './lookup';
import type { CoverageInput, Item, ItemSummary, LookupQuery } from './types';

/** An item's entry in force as of a version: the item (null: removed), its writer and the version that sealed it. */
export interface InForce {
  readonly item: Item | null;
  readonly proposalId: string;
  readonly version: number;
}

/** What resolving lookup keys needs from the reader of the transaction (a CoverageReader). */
export interface InForceSource {
  /** The head's hash the reader reads under (null: nothing sealed). */
  readonly head: string | null;
  sealedVersionOf(proposalId: string): number | null;
  inForce(itemId: string, version: number): Promise<InForce | null>;
}

/** An item a lookup found. */
export interface LookupMatch {
  readonly itemId: string;
  readonly item: Item;
  /** The version that sealed the entry in force. */
  readonly version: number;
}

/** Bounds of lookup reads (a constant object; tests lower them to reach the bounds cheaply). */
export const LOOKUP_LIMITS = {
  /** Lookup keys read per range query (well inside the peer's totalQueryLimit of 100,000). */
  rangePage: 500,
  /** Most lookup keys one coverage lookup reads (a name or a code has a handful). */
  matchKeys: 2000,
  /** Most lookup keys one SearchItems call examines; a page cut short by it says `truncated`. */
  scanBudget: 5000,
};

/** The query of a coverage line that names an item by `name` (+ `dosageForm`) or `code`; null for `itemId`. */
export function lookupQueryOf(line: CoverageInput): LookupQuery | null {
  if (line.code !== undefined) {
    return { code: line.code };
  }
  if (line.name !== undefined) {
    return { name: line.name, dosageForm: line.dosageForm ?? null };
  }
  return null;
}

/** The key range of a query: exact code, exact name, or exact name and form. */
export function lookupRangeOf(query: LookupQuery): LookupRange {
  if ('code' in query) {
    return exactRange(LOOKUP.code, [lookupText(query.code)]);
  }
  const name = lookupText(query.name);
  return query.dosageForm === null
    ? exactRange(LOOKUP.name, [name])
    : exactRange(LOOKUP.name, [name, lookupText(query.dosageForm)]);
}

/**
 * Ranges of lookup keys this process has read, per channel, valid for one head: a key counts only
 * once its proposal (or its reindex proposal) has sealed, which moves the head, so while the head is
 * the one a range was read under, the keys that count are the ones read.
 */
const RANGE_CACHE = new Map<
  string,
  { readonly head: string; readonly ranges: Map<string, readonly { key: string; value: LookupValue }[]> }
>();
/** Most ranges kept per channel (the map empties when full). */
export const RANGE_CACHE_LIMIT = 20_000;

/** Forgets the cached ranges (tests). */
export function clearLookupCache(): void {
  RANGE_CACHE.clear();
}

/** Every key of a range (at most `LOOKUP_LIMITS.matchKeys`), from {@link RANGE_CACHE} under the same head. */
async function rangeEntries(
  tx: Tx,
  head: string | null,
  range: LookupRange,
): Promise<readonly { key: string; value: LookupValue }[]> {
  const channel = tx.stub.getChannelID();
  let cache = RANGE_CACHE.get(channel);
  if (head !== null && cache?.head !== head) {
    cache = { head, ranges: new Map() };
    RANGE_CACHE.set(channel, cache);
  }
  const cached = head === null ? undefined : cache?.ranges.get(range.start);
  if (cached !== undefined) {
    return cached;
  }
  const out: { key: string; value: LookupValue }[] = [];
  let cursor = range.start;
  while (cursor !== '' && out.length < LOOKUP_LIMITS.matchKeys) {
    const page = await tx.range<LookupValue>(cursor, range.end, LOOKUP_LIMITS.rangePage);
    out.push(...page.entries);
    cursor = page.bookmark;
  }
  if (head !== null && cache !== undefined) {
    if (cache.ranges.size >= RANGE_CACHE_LIMIT) {
      cache.ranges.clear();
    }
    cache.ranges.set(range.start, out);
  }
  return out;
}

/** The item a lookup key names as of `version`, or null when the key is no hit there. */
async function hitOf(
  src: InForceSource,
  family: LookupRange['family'],
  key: string,
  value: LookupValue,
  version: number,
): Promise<LookupMatch | null> {
  const target = lookupTarget(parseLookupKey(family, key) ?? []);
  if (target === null) {
    return null;
  }
  const sealed = src.sealedVersionOf(target.proposalId);
  if (sealed === null || sealed > version) {
    return null;
  }
  if (value.reindexedBy !== undefined && src.sealedVersionOf(value.reindexedBy) === null) {
    return null;
  }
  const found = await src.inForce(target.itemId, version);
  return found?.item != null && found.proposalId === target.proposalId
    ? { itemId: target.itemId, item: found.item, version: found.version }
    : null;
}

/** The items a range names as of `version`, in key order (each once). */
export async function lookupMatches(
  tx: Tx,
  src: InForceSource,
  range: LookupRange,
  version: number,
): Promise<LookupMatch[]> {
  const out: LookupMatch[] = [];
  const seen = new Set<string>();
  for (const { key, value } of await rangeEntries(tx, src.head, range)) {
    const hit = await hitOf(src, range.family, key, value, version);
    if (hit !== null && !seen.has(hit.itemId)) {
      seen.add(hit.itemId);
      out.push(hit);
    }
  }
  return out;
}

/** A page of SearchItems answered from a lookup range. */
export interface LookupPage {
  readonly records: (ItemSummary & { listedInVersion: number })[];
  /** The next unexamined key ('' when the range is done). */
  readonly next: string;
  /** True when the scan budget ended the page before it was full and more keys remain. */
  readonly truncated: boolean;
}

/**
 * One page of items of `range` in force as of `version`, from the raw key `startKey` ('' = the
 * range's start): keys whose parts `keep` refuses are skipped unread, items `accept` refuses are left
 * out. Ends when the page is full, the range ends, or `LOOKUP_LIMITS.scanBudget` keys were examined.
 */
export async function lookupPage(
  tx: Tx,
  src: InForceSource,
  range: LookupRange,
  a: {
    readonly startKey: string;
    readonly pageSize: number;
    readonly version: number;
    readonly keep: (parts: readonly string[]) => boolean;
    readonly accept: (item: Item) => boolean;
  },
): Promise<LookupPage> {
  if (a.startKey !== '' && (a.startKey < range.start || a.startKey >= range.end)) {
    raise('INVALID_INPUT.bookmark', {});
  }
  const records: (ItemSummary & { listedInVersion: number })[] = [];
  let cursor = a.startKey === '' ? range.start : a.startKey;
  let scanned = 0;
  for (;;) {
    const page = await tx.range<LookupValue>(
      cursor,
      range.end,
      Math.min(LOOKUP_LIMITS.rangePage, LOOKUP_LIMITS.scanBudget - scanned),
    );
    for (const [i, { key, value }] of page.entries.entries()) {
      scanned++;
      const parts = parseLookupKey(range.family, key) ?? [];
      if (a.keep(parts)) {
        const hit = await hitOf(src, range.family, key, value, a.version);
        if (hit !== null && a.accept(hit.item)) {
          records.push({ ...summarise(hit.item), listedInVersion: hit.version });
        }
      }
      if (records.length >= a.pageSize) {
        return { records, next: page.entries[i + 1]?.key ?? page.bookmark, truncated: false };
      }
    }
    cursor = page.bookmark;
    if (cursor === '') {
      return { records, next: '', truncated: false };
    }
    if (scanned >= LOOKUP_LIMITS.scanBudget) {
      return { records, next: cursor, truncated: true };
    }
  }
}
