/**
 * How a search hit matched, in rank order: the whole name, its start, anywhere in it, its pinyin
 * (full or initials), an official code, the remark. Hits of one kind are ordered by name length,
 * item kind and item id (a total, stable order).
 */

/** The match kinds, best first. */
export const MATCH_KINDS = ['exact', 'prefix', 'substring', 'pinyin', 'code', 'remark'] as const;

/** How a hit matched the query. */
export type MatchKind = (typeof MATCH_KINDS)[number];

/** The fields a match is decided on (normalised search keys). */
export interface RankedFields {
  readonly name: string;
  readonly pinyinFull: string;
  readonly pinyinInitials: string;
  readonly codes: string;
  readonly remark: string;
}

/**
 * How `fields` match the normalised query `q`, or null when they do not. Queries of one or two
 * characters match names and pinyin only.
 */
export function matchKind(fields: RankedFields, q: string): MatchKind | null {
  if (q === '') {
    return null;
  }
  if (fields.name === q) return 'exact';
  if (fields.name.startsWith(q)) return 'prefix';
  if (fields.name.includes(q)) return 'substring';
  if (fields.pinyinInitials.includes(q) || fields.pinyinFull.includes(q)) return 'pinyin';
  if (Array.from(q).length < 3) return null;
  if (fields.codes.includes(q)) return 'code';
  if (fields.remark.includes(q)) return 'remark';
  return null;
}

/** The rank of a match kind (0 = best). */
export function matchRank(kind: MatchKind): number {
  return MATCH_KINDS.indexOf(kind);
}

/**
 * The SQL expression of {@link matchKind}'s rank over columns `name_norm`, `pinyin_full`,
 * `pinyin_initials`, `codes_norm`, `remark_norm` of `alias`, the normalised query bound as every
 * `param` (e.g. `?1`, `$1`), `position(needle, haystack)` and `prefix(haystack, needle)` as the
 * dialect writes them. NULL when nothing matches.
 */
export function rankSql(
  alias: string,
  param: string,
  dialect: {
    readonly contains: (haystack: string, needle: string) => string;
    readonly startsWith: (haystack: string, needle: string) => string;
  },
): string {
  const c = (column: string): string => `${alias}.${column}`;
  return `CASE
    WHEN ${c('name_norm')} = ${param} THEN 0
    WHEN ${dialect.startsWith(c('name_norm'), param)} THEN 1
    WHEN ${dialect.contains(c('name_norm'), param)} THEN 2
    WHEN ${dialect.contains(c('pinyin_initials'), param)} OR ${dialect.contains(c('pinyin_full'), param)} THEN 3
    WHEN ${dialect.contains(c('codes_norm'), param)} THEN 4
    WHEN ${dialect.contains(c('remark_norm'), param)} THEN 5
  END`;
}
