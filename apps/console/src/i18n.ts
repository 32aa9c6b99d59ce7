/**
 * The console's words: its `console.` keys of the one message catalogue
 * (`@nrdl-catalog/chaincode/messages`), the enumeration labels the CLI and the API use too, and the
 * language of the page (Chinese first, English on request; kept in localStorage).
 */
import { createContext, useContext } from 'react';
import {
  CATALOGUES,
  fill,
  isMessageKey,
  label,
  languageTag,
  type LabelGroup,
  type Lang,
  type MessageKey,
  type Params,
} from '@nrdl-catalog/chaincode/messages';

export type { Lang, LabelGroup };

/** A key of the console's section of the catalogue. */
export type ConsoleKey = Extract<MessageKey, `console.${string}`>;

/** The console message `key` in `lang`, its `{name}` placeholders filled from `params`. */
export function t(lang: Lang, key: ConsoleKey, params: Params = {}): string {
  return fill(CATALOGUES[lang][key], params, lang);
}

/** The console message of a dynamic key (`console.field.<name>`), or `fallback` when the catalogue has none. */
export function tOr(lang: Lang, key: string, fallback: string): string {
  return isMessageKey(key) ? CATALOGUES[lang][key] : fallback;
}

/** The label of an enumeration value in `lang` (`kind.drug` → 药品). */
export function labelOf(lang: Lang, group: LabelGroup, value: string | number | null | undefined): string {
  return label(lang, group, value);
}

/** The message `word.yes` / `word.no`. */
export function yesNo(lang: Lang, value: boolean): string {
  return CATALOGUES[lang][value ? 'word.yes' : 'word.no'];
}

const STORAGE_KEY = 'nrdl-console-lang';

/** The language kept from the last visit, else Chinese. */
export function initialLang(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage): Lang {
  return storage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
}

/** Keeps the language and sets `<html lang>` from it. */
export function applyLang(
  lang: Lang,
  storage: Pick<Storage, 'setItem'> | null = globalThis.localStorage,
): void {
  storage?.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = languageTag(lang);
}

/** The language of the page and its translator, for every component. */
export interface I18n {
  readonly lang: Lang;
  readonly t: (key: ConsoleKey, params?: Params) => string;
}

export function i18nOf(lang: Lang): I18n {
  return { lang, t: (key, params) => t(lang, key, params) };
}

export const I18nContext = createContext<I18n>(i18nOf('zh'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
