/**
 * The Chinese and English names of provinces, added by the client to the chaincode's answers (which
 * keep the one canonical form, `Guangdong`). The names come from the governance record on chain —
 * the one list of organisations — never from a copy in the client.
 */
import type { Governance, ProvinceMember } from '@nrdl-catalog/chaincode/model';
import type { Lang } from '@nrdl-catalog/chaincode/messages';

/** Every name of one province, as its member record lists them. */
export interface ProvinceNames {
  /** Canonical English name (`Guangdong`), as the chaincode stores it. */
  readonly en: string;
  /** Chinese name (`广东省`). */
  readonly zh: string;
  /** Chinese short name (`广东`). */
  readonly zhShort: string;
  /** One-character abbreviation (`粤`). */
  readonly abbr: string;
  /** 6-digit administrative division code (`440000`). */
  readonly division: string;
}

/** The names of `province` (its canonical name, as in answers), or null when it is not a member. */
export function provinceNames(
  governance: Pick<Governance, 'provinces'>,
  province: string | null | undefined,
): ProvinceNames | null {
  if (province === null || province === undefined) return null;
  const member: ProvinceMember | undefined = governance.provinces.find((p) => p.name === province);
  if (member === undefined) return null;
  return {
    en: member.name,
    zh: member.zh,
    zhShort: member.zhShort,
    abbr: member.abbr,
    division: member.division,
  };
}

/** A province as people read it in `lang`: `广东省` in Chinese, `Guangdong` in English (as given when unknown). */
export function provinceName(
  governance: Pick<Governance, 'provinces'>,
  province: string | null | undefined,
  lang: Lang,
): string {
  if (province === null || province === undefined) return '-';
  const names = provinceNames(governance, province);
  if (names === null) return province;
  return lang === 'zh' ? names.zh : names.en;
}

/**
 * `value` with `provinceNames` next to its `province` (null when it names none or an unknown
 * one). Used on coverage answers, items, item summaries and overlays.
 */
export function withProvinceNames<T extends { readonly province?: string | null }>(
  value: T,
  governance: Pick<Governance, 'provinces'>,
): T & { readonly provinceNames: ProvinceNames | null } {
  return { ...value, provinceNames: provinceNames(governance, value.province) };
}
