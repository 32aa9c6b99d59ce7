/**
 * The CLI's words in the language of the command (`--lang`, else the locale): its `cli.` keys of the
 * message catalogue (`@nrdl-catalog/chaincode/messages`), enumeration codes with their labels, and
 * `key: value` records. English output is what it always was: codes stay bare, records are
 * {@link keyValues}; only Chinese adds labels.
 */
import {
  CATALOGUES,
  codeWithLabel,
  fill,
  label,
  message,
  type Lang,
  type LabelGroup,
  type MessageKey,
  type Params,
} from '@nrdl-catalog/chaincode/messages';
import type { Governance } from '@nrdl-catalog/chaincode/model';
import { keyValues, provinceName, table } from '@nrdl-catalog/gateway-client';

export type { Lang };

/** A key of the CLI's section of the catalogue. */
export type CliKey = Extract<MessageKey, `cli.${string}`>;

/** The CLI message `key` in `lang`, its `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: CliKey, params: Params = {}): string {
  return fill(CATALOGUES[lang][key], params, lang);
}

/** Column titles in `lang`. */
export function columns(lang: Lang, keys: readonly CliKey[]): string[] {
  return keys.map((key) => t(lang, key));
}

/** An enumeration code in a table cell: bare in English (as always), `COVERED 可报销` in Chinese. */
export function codeCell(lang: Lang, group: LabelGroup, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return lang === 'en' ? value : codeWithLabel(lang, group, value);
}

/** An enumeration value shown by its label in Chinese (`drug` → `药品`), bare in English. */
export function labelCell(lang: Lang, group: LabelGroup, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return lang === 'en' ? value : label(lang, group, value);
}

/** yes / no, 是 / 否. */
export function yesNo(lang: Lang, value: boolean): string {
  return message(lang, value ? 'word.yes' : 'word.no');
}

/**
 * How provinces are shown: by the Chinese names of the governance record's members in Chinese, as
 * the chain stores them (`Guangdong`) in English or without a record; a name not listed as it is.
 */
export function provinceNamer(
  lang: Lang,
  governance: Pick<Governance, 'provinces'> | null | undefined,
): (name: string) => string {
  if (lang === 'en' || governance === null || governance === undefined) return (name) => name;
  return (name) => provinceName(governance, name, lang);
}

/** How record fields are named and shown in Chinese: their title and, for enumerations, their label group. */
export interface FieldNames {
  readonly [field: string]: CliKey | readonly [CliKey, LabelGroup | 'province' | 'boolean'];
}

/**
 * A record as `key: value` lines: in English exactly {@link keyValues}; in Chinese the keys named
 * in `fields` by their titles, enumerations by their labels (coverage reasons with their codes:
 * `COVERED 可报销`), provinces by their Chinese names
 * (`province`), booleans as 是/否, aligned by display width.
 */
export function recordText(
  lang: Lang,
  record: Readonly<Record<string, unknown>>,
  fields: FieldNames,
  province: (name: string) => string = (name) => name,
): string {
  if (lang === 'en') return keyValues(record);
  const rows = Object.entries(record).map(([key, value]) => {
    const field = fields[key];
    if (field === undefined) return [key, value];
    if (typeof field === 'string')
      return [t(lang, field), typeof value === 'boolean' ? yesNo(lang, value) : value];
    const [title, kind] = field;
    let shown = value;
    if (kind === 'boolean' && typeof value === 'boolean') shown = yesNo(lang, value);
    else if (kind === 'province' && typeof value === 'string') shown = province(value);
    else if (kind === 'reason' && typeof value === 'string') shown = codeCell(lang, kind, value);
    else if (kind !== 'boolean' && kind !== 'province' && typeof value === 'string')
      shown = labelCell(lang, kind, value);
    return [t(lang, title), shown];
  });
  // a table without its (empty) title line: columns aligned by display width, no cell cut
  return table(['', ''], rows, Infinity).split('\n').slice(1).join('\n');
}
