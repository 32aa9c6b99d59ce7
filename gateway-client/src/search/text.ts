/**
 * The search keys of an item: its name, pinyin (full and initials), codes and remark, normalised
 * as the chaincode normalises names for search (NFKC, whitespace removed, upper-case ASCII).
 *
 * Pinyin comes from `pinyin-pro` without tones. A polyphonic character is indexed in the reading
 * the library chooses by default (it reads common words in context: 重组 is ZHONGZU, 银行 YINHANG);
 * that reading is what is indexed and searched.
 */
import { type Item, normaliseIdText } from '@nrdl-catalog/chaincode/model';
import { pinyin } from 'pinyin-pro';

/** Text normalisation of names and queries (the chaincode's `normaliseSearchText`). */
export function normaliseQuery(text: string): string {
  return normaliseIdText(text);
}

/** Letters and digits only (pinyin keys carry nothing else). */
function alnum(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** Full pinyin without tones (`AMOXILINJIAONANG`) and initials (`AMXLJN`) of a normalised text. */
export function pinyinKeys(normalised: string): { readonly full: string; readonly initials: string } {
  if (normalised === '') {
    return { full: '', initials: '' };
  }
  const full = pinyin(normalised, { toneType: 'none', type: 'array', nonZh: 'consecutive' });
  const initials = pinyin(normalised, {
    pattern: 'first',
    toneType: 'none',
    type: 'array',
    nonZh: 'consecutive',
  });
  return { full: alnum(full.join('')), initials: alnum(initials.join('')) };
}

/** The searchable fields of an item, normalised. */
export interface SearchKeys {
  readonly name: string;
  readonly pinyinFull: string;
  readonly pinyinInitials: string;
  /** The item's official codes, normalised, separated by `|`. */
  readonly codes: string;
  readonly remark: string;
}

/** Keys computed so far, by their inputs (pinyin is the costly part; a catalog's names repeat). */
const computed = new Map<string, SearchKeys>();
const MAX_CACHED = 100_000;

type KeyInput = Pick<Item, 'name' | 'code' | 'remark'> & { codes?: readonly string[] };

/** The search keys of an item record (computed once per distinct input in a process). */
export function searchKeys(item: KeyInput): SearchKeys {
  const cacheKey = JSON.stringify([item.name, item.code, item.codes ?? [], item.remark]);
  const known = computed.get(cacheKey);
  if (known !== undefined) {
    return known;
  }
  const keys = keysOf(item);
  if (computed.size >= MAX_CACHED) {
    computed.clear();
  }
  computed.set(cacheKey, keys);
  return keys;
}

function keysOf(item: KeyInput): SearchKeys {
  const name = normaliseQuery(item.name);
  const { full, initials } = pinyinKeys(name);
  const codes = [...(item.code === null ? [] : [item.code]), ...(item.codes ?? [])].map(normaliseQuery);
  return {
    name,
    pinyinFull: full,
    pinyinInitials: initials,
    codes: [...new Set(codes)].join('|'),
    remark: item.remark === null ? '' : normaliseQuery(item.remark),
  };
}

/** Characters of a string (code points, as SQLite and the trigram tokenizer count them). */
export function chars(text: string): string[] {
  return Array.from(text);
}

/** Queries shorter than this are matched against names and pinyin only (see {@link shortGrams}). */
export const SHORT_QUERY = 3;

/**
 * The distinct one- and two-character substrings of the name and pinyin keys: the index of queries
 * too short for trigrams. Codes and remark text are matched from three characters on (one or two
 * characters of a code or a remark would match most of the catalog, and index nothing useful).
 */
export function shortGrams(keys: SearchKeys): string[] {
  const out = new Set<string>();
  for (const field of [keys.name, keys.pinyinFull, keys.pinyinInitials]) {
    const cs = chars(field);
    cs.forEach((c, i) => {
      out.add(c);
      const next = cs[i + 1];
      if (next !== undefined) {
        out.add(c + next);
      }
    });
  }
  return [...out].sort();
}
