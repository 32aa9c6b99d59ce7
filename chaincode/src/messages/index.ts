/**
 * The catalog's message catalogue — `@nrdl-catalog/chaincode/messages`: one catalogue per language
 * (`en.ts`, `zh.ts`), the rendering of a message from its key and parameters, the choice of language
 * (locale environment, `Accept-Language`) and the wire form of coded errors. The chaincode, the
 * client library, the CLI, the HTTP API and the web console all read their words from here.
 *
 * Pure data and string functions: no Node or Fabric module is loaded, so a browser bundle can use it.
 */
import { en, type MessageKey } from './en';
import { zh } from './zh';

export { en, zh, type MessageKey };

/** The interface languages. Chinese comes first: it is the default wherever nothing else is asked for. */
export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** The catalogues by language. */
export const CATALOGUES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { zh, en };

/** Value of a message parameter. */
export type ParamValue = string | number | boolean | null;
/** Parameters of a message: the `{name}` placeholders of its template. */
export type Params = Readonly<Record<string, ParamValue | readonly ParamValue[]>>;

type PlaceholdersOf<T extends string> = T extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PlaceholdersOf<Rest>
  : never;

/** The parameters the English template of `K` names (the Chinese one names the same). */
export type ParamsOf<K extends MessageKey> = [PlaceholdersOf<(typeof en)[K]>] extends [never]
  ? Params
  : Readonly<Record<PlaceholdersOf<(typeof en)[K]>, ParamValue | readonly ParamValue[]>> & Params;

/** Whether `key` is a key of the catalogue. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/** The placeholder names of a template, in order of appearance (each once). */
export function placeholders(template: string): string[] {
  return [...new Set([...template.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? ''))];
}

function paramText(value: ParamValue | readonly ParamValue[] | undefined, lang: Lang): string {
  if (value === undefined || value === null) return '-';
  if (Array.isArray(value))
    return value.map((v) => paramText(v as ParamValue, lang)).join(lang === 'zh' ? '、' : ', ');
  return String(value);
}

/** Fills a template's `{name}` placeholders (a missing parameter shows as `{name}`). */
export function fill(template: string, params: Params, lang: Lang = 'en'): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? paramText(params[name], lang) : whole,
  );
}

/** The message `key` in `lang`, its placeholders filled from `params`. */
export function message<K extends MessageKey>(lang: Lang, key: K, params?: ParamsOf<K>): string {
  return fill(CATALOGUES[lang][key], params ?? {}, lang);
}

/** Groups of enumeration labels in the catalogue (`reason.COVERED`, `kind.drug`, …). */
export type LabelGroup =
  | 'reason'
  | 'kind'
  | 'class'
  | 'status'
  | 'scope'
  | 'op'
  | 'rule'
  | 'role'
  | 'sex'
  | 'visit'
  | 'level'
  | 'section';

/** The label of an enumeration value (`label('zh', 'reason', 'COVERED')` → `可报销`); the value itself when unlisted. */
export function label(lang: Lang, group: LabelGroup, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const key = `${group}.${String(value)}`;
  return isMessageKey(key) ? CATALOGUES[lang][key] : String(value);
}

/** A code with its label: `COVERED 可报销` in Chinese, `COVERED (covered)` in English (the CLI shows English cells as bare codes). */
export function codeWithLabel(lang: Lang, group: LabelGroup, value: string): string {
  const text = label(lang, group, value);
  if (text === value) return value;
  return lang === 'zh' ? `${value} ${text}` : `${value} (${text})`;
}

/** The language a POSIX locale name asks for (`zh_CN.UTF-8` → zh, `en_US` → en), null when none. */
export function langOfLocale(locale: string | undefined): Lang | null {
  if (locale === undefined || locale === '') return null;
  const base = locale.toLowerCase().split(/[._@]/)[0] ?? '';
  if (base === 'c' || base === 'posix') return 'en';
  if (base === 'zh' || base.startsWith('zh-')) return 'zh';
  return 'en';
}

/**
 * The interface language from the environment, as POSIX orders it: `LC_ALL`, then `LC_MESSAGES`,
 * then `LANG`. Chinese where the locale is Chinese, English otherwise (also when none is set).
 */
export function langOfEnv(env: Readonly<Record<string, string | undefined>>): Lang {
  return langOfLocale(env.LC_ALL) ?? langOfLocale(env.LC_MESSAGES) ?? langOfLocale(env.LANG) ?? 'en';
}

/** `zh`/`en` (also `zh-CN`, `en-GB`, `中文`), else null. */
export function parseLang(value: string): Lang | null {
  const v = value.trim().toLowerCase();
  if (v === '中文' || v === 'zh' || v.startsWith('zh-') || v.startsWith('zh_')) return 'zh';
  if (v === 'english' || v === 'en' || v.startsWith('en-') || v.startsWith('en_')) return 'en';
  return null;
}

/**
 * The language an HTTP `Accept-Language` header prefers among ours (quality values honoured, `*`
 * meaning any); Chinese when the header is absent or names neither.
 */
export function langOfAcceptLanguage(header: string | undefined): Lang {
  if (header === undefined || header.trim() === '') return 'zh';
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...attrs] = part.trim().split(';');
      const q = attrs.map((a) => /^\s*q\s*=\s*(\S*)\s*$/i.exec(a)?.[1]).find((v) => v !== undefined);
      const quality = q === undefined ? 1 : Number(q);
      return { tag: tag.trim(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((r) => r.quality > 0 && r.tag !== '')
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const range of ranges) {
    if (range.tag === '*') return 'zh';
    const lang = parseLang(range.tag);
    if (lang !== null) return lang;
  }
  return 'zh';
}

/** The BCP 47 tag of a language, for `Content-Language` and `<html lang>`. */
export function languageTag(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

// ---------------------------------------------------------------------------------------------
// Coded errors on the wire
// ---------------------------------------------------------------------------------------------

/** The keys of error templates without their `error.` prefix: `ITEM_NOT_FOUND`, `ITEM_NOT_FOUND.noOverlay`. */
export type ErrorTemplate = MessageKey extends infer K ? (K extends `error.${infer T}` ? T : never) : never;

/** Marks the machine-readable part of an error message: `CODE: text [nrdl:{"m":…,"p":…}]`. */
const DETAIL_OPEN = ' [nrdl:';

/** The code of an error template (`ITEM_NOT_FOUND.noOverlay` → `ITEM_NOT_FOUND`). */
export function codeOfTemplate(template: string): string {
  return template.split('.')[0] ?? template;
}

/**
 * The one-string form of a coded error, as the chaincode throws it: `CODE: <English text>` (what a
 * person reading a peer log sees) followed by ` [nrdl:{"m":"<template>","p":{…}}]`, from which a
 * client renders the message in any language.
 */
export function encodeError<T extends ErrorTemplate>(template: T, params: ParamsOf<`error.${T}`>): string {
  const key = `error.${template}` as MessageKey;
  const text = fill(en[key], params, 'en');
  return `${codeOfTemplate(template)}: ${text}${DETAIL_OPEN}${JSON.stringify({ m: template, p: params })}]`;
}

/** A coded error read back from its one-string form. */
export interface DecodedError {
  readonly code: string;
  /** The English text (without the machine-readable part). */
  readonly text: string;
  /** The template, when the message carried one the catalogue knows. */
  readonly template: ErrorTemplate | null;
  readonly params: Params;
}

/**
 * Splits `CODE: text [nrdl:{…}]` (anywhere in `message`, e.g. after a peer's `chaincode response
 * 500, `) into its parts; null when `message` holds no `CODE: ` at all. A message without the
 * machine-readable part (older chaincode, client-side errors) decodes with `template: null`.
 */
export function decodeError(message: string): DecodedError | null {
  const match = /(?:^|\s)([A-Z][A-Z_]+):\s/.exec(message);
  if (match?.[1] === undefined) return null;
  const code = match[1];
  let text = message.slice(match.index + match[0].length);
  let template: ErrorTemplate | null = null;
  let params: Params = {};
  const at = text.lastIndexOf(DETAIL_OPEN);
  if (at >= 0 && text.endsWith(']')) {
    try {
      const detail = JSON.parse(text.slice(at + DETAIL_OPEN.length, -1)) as { m?: unknown; p?: unknown };
      if (
        typeof detail.m === 'string' &&
        codeOfTemplate(detail.m) === code &&
        isMessageKey(`error.${detail.m}`) &&
        typeof detail.p === 'object' &&
        detail.p !== null &&
        !Array.isArray(detail.p)
      ) {
        template = detail.m as ErrorTemplate;
        params = detail.p as Params;
        text = text.slice(0, at);
      }
    } catch {
      // not our detail: the text stays as it is
    }
  }
  return { code, text, template, params };
}

/**
 * The text of a coded error in `lang`: its template rendered with its parameters when it has one,
 * else the code's own template when that needs no parameters, else the text it came with.
 */
export function errorText(
  lang: Lang,
  error: {
    readonly code: string;
    readonly text: string;
    readonly template?: string | null;
    readonly params?: Params;
  },
): string {
  const params = error.params ?? {};
  if (error.template != null) {
    const key = `error.${error.template}`;
    if (isMessageKey(key)) return fill(CATALOGUES[lang][key], params, lang);
  }
  const base = `error.${error.code}`;
  if (isMessageKey(base)) {
    const template = CATALOGUES[lang][base];
    const names = placeholders(template);
    if (names.every((name) => Object.hasOwn(params, name))) return fill(template, params, lang);
    if (names.length === 1 && names[0] === 'detail') return fill(template, { detail: error.text }, lang);
  }
  return error.text;
}
