/**
 * Lookup keys: immutable index keys an item's upsert writes next to its record, so names, official
 * codes and category codes are found by range scans instead of a scan of every item.
 *
 * A lookup key is a simple (not composite) state key, because prefixes are answered with a range
 * scan and the shim refuses range scans over composite keys:
 *
 * - `lk.name␁<name>␁<form>␁<itemId>␁<proposalId>` — normalised name and dosage form (empty when none);
 * - `lk.code␁<code>␁<itemId>␁<proposalId>` — the item's `code` and every one of its `codes`;
 * - `lk.cat␁<categoryCode>␁<itemId>␁<proposalId>` — the category code, for prefix search.
 *
 * (`␁` is U+0001, lower than every character a normalised text keeps, so a key range is also a
 * prefix range.) Texts are normalised as item ids are (NFKC, no whitespace, ASCII upper case; control
 * characters dropped). The value is `{ itemId, proposalId }`.
 *
 * Keys are versioned like records: the key of proposal P counts as of version V only if P sealed at
 * or before V and P's entry is the item's entry in force at V — a renamed or removed item leaves no
 * hit behind. Each key is written once, by the ApplyChunk of its proposal (or by a reindex of an
 * already sealed entry, see `reindexItem`), under the unsatisfiable policy.
 */
import { normaliseIdText } from '../lib/item-id';
import type { CoverageAnswer, CoverageResult, Item } from './types';

/** Separator of a lookup key's parts. */
export const LOOKUP_SEP = '\u0001';
/** Highest code point: a range [p, p + LOOKUP_END) holds every key starting with p. */
export const LOOKUP_END = '\u{10ffff}';

/** The lookup key families. */
export const LOOKUP = {
  name: 'lk.name',
  code: 'lk.code',
  category: 'lk.cat',
} as const;

export type LookupFamily = (typeof LOOKUP)[keyof typeof LOOKUP];

/** Text as a lookup key part: normalised like item ids, control characters removed. */
export function lookupText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters separate key parts
  return normaliseIdText(text).replace(/[\u0000-\u001f\u007f]/gu, '');
}

/** A lookup key from its family and parts. */
export function lookupKey(family: LookupFamily, parts: readonly string[]): string {
  return [family, ...parts].join(LOOKUP_SEP);
}

/** The parts of a lookup key (after the family), or null when it is not one of `family`. */
export function parseLookupKey(family: LookupFamily, key: string): string[] | null {
  const head = family + LOOKUP_SEP;
  return key.startsWith(head) ? key.slice(head.length).split(LOOKUP_SEP) : null;
}

/** The family a state key belongs to, or null when it is no lookup key. */
export function lookupFamilyOf(key: string): LookupFamily | null {
  for (const family of Object.values(LOOKUP)) {
    if (key.startsWith(family + LOOKUP_SEP)) {
      return family;
    }
  }
  return null;
}

/** The distinct normalised official codes of an item (`code` and `codes`), sorted. */
export function itemCodes(item: Pick<Item, 'code' | 'codes'>): string[] {
  const all = [item.code, ...(item.codes ?? [])].filter((c): c is string => c !== null && c !== '');
  return [...new Set(all.map(lookupText))].filter((c) => c !== '').sort();
}

/** The value of every lookup key; a key written by a reindex names the reindex proposal. */
export interface LookupValue {
  readonly itemId: string;
  readonly proposalId: string;
  readonly reindexedBy?: string;
}

/** Every lookup key the upsert of `item` by `proposalId` writes, sorted. */
export function lookupKeysOf(item: Item, proposalId: string): string[] {
  const keys = [
    lookupKey(LOOKUP.name, [lookupText(item.name), lookupText(item.dosageForm ?? ''), item.id, proposalId]),
  ];
  for (const code of itemCodes(item)) {
    keys.push(lookupKey(LOOKUP.code, [code, item.id, proposalId]));
  }
  if (item.categoryCode !== null && item.categoryCode !== '') {
    keys.push(lookupKey(LOOKUP.category, [lookupText(item.categoryCode), item.id, proposalId]));
  }
  return keys.sort();
}

/** A key range [start, end) of lookup keys. */
export interface LookupRange {
  readonly family: LookupFamily;
  readonly start: string;
  readonly end: string;
}

/** Keys whose parts begin with `parts` exactly (each a whole part). */
export function exactRange(family: LookupFamily, parts: readonly string[]): LookupRange {
  const start = lookupKey(family, parts) + LOOKUP_SEP;
  return { family, start, end: start + LOOKUP_END };
}

/** Keys whose first part starts with `prefix` (`''`: every key of the family). */
export function prefixRange(family: LookupFamily, prefix: string): LookupRange {
  const start = family + LOOKUP_SEP + prefix;
  return { family, start, end: start + LOOKUP_END };
}

/** Item id and proposal id of a lookup key (its last two parts). */
export function lookupTarget(parts: readonly string[]): LookupValue | null {
  const proposalId = parts.at(-1);
  const itemId = parts.at(-2);
  return itemId === undefined || proposalId === undefined || parts.length < 3 ? null : { itemId, proposalId };
}

/** The coverage results an answer holds: the matches of a lookup line, or the one result. */
export function coverageResultsOf(answer: CoverageAnswer): readonly CoverageResult[] {
  return 'matches' in answer ? answer.matches : [answer];
}
