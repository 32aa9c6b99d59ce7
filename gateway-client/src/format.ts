/**
 * Dates, times and money as people read and type them — Chinese first. The chain, the HTTP API and
 * `--json` keep ISO dates (`2025-06-01`), ISO timestamps and numbers; these functions are for what
 * a person sees (tables, records) and for what a person types on a command line or in a form.
 *
 * - {@link formatMoney}: yuan with two decimals and thousands separators, `¥1,234.50`.
 * - {@link formatDate}: a calendar date, `2025年6月1日` (zh) or `2025-06-01` (en).
 * - {@link formatTimestamp}: an instant in China Standard Time (Asia/Shanghai: UTC+8, no summer time
 *   since 1991), `2025年6月1日 08:00:00` (zh) or `2025-06-01 08:00:00 CST` (en).
 * - {@link parseHumanDate}: `2025/6/1`, `2025.6.1`, `2025年6月1日`, full-width digits … → `2025-06-01`.
 */
import type { Lang } from '@nrdl-catalog/chaincode/messages';

/** The language of human output when the caller does not choose one: Chinese. */
export const DEFAULT_LANG: Lang = 'zh';

/** The time zone timestamps are shown in: China Standard Time (UTC+8 all year since 1991). */
export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

/** Amounts with two decimals and thousands separators, in each language's number format. */
const YUAN: Readonly<Record<Lang, Intl.NumberFormat>> = {
  zh: new Intl.NumberFormat('zh-CN', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    numberingSystem: 'latn',
  }),
  en: new Intl.NumberFormat('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    numberingSystem: 'latn',
  }),
};

/**
 * An amount in yuan as people read it: `¥12.30`, `¥1,234.50`, `-¥5.00` (two decimals, thousands
 * separators; Chinese and English write it alike). `null`, `undefined` or a value that is not a finite
 * number → `-`.
 */
export function formatMoney(amount: number | null | undefined, lang: Lang = DEFAULT_LANG): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '-';
  const text = YUAN[lang].format(Math.abs(amount));
  return amount < 0 && /[1-9]/u.test(text) ? `-¥${text}` : `¥${text}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/u;

/** Whether year / month / day name a day of the Gregorian calendar (2025-02-30 does not). */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // setUTCFullYear: years below 100 are not 19xx
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A calendar date (ISO `YYYY-MM-DD`, as the chain stores it) as people read it: `2025年6月1日` in
 * Chinese, `2025-06-01` in English. No time zone is involved: the date is the date. `null` /
 * `undefined` → `-`; text that is not an ISO calendar date is returned as it is.
 */
export function formatDate(date: string | null | undefined, lang: Lang = DEFAULT_LANG): string {
  if (date === null || date === undefined) return '-';
  const match = ISO_DATE.exec(date);
  if (match === null) return date;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isCalendarDate(year, month, day)) return date;
  return lang === 'zh' ? `${year}年${month}月${day}日` : date;
}

const CST_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: DISPLAY_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  numberingSystem: 'latn',
});

/**
 * An instant (an ISO 8601 timestamp such as the chain's `2025-06-01T00:00:00Z`, or a Date) in China
 * Standard Time: `2025年6月1日 08:00:00` in Chinese, `2025-06-01 08:00:00 CST` in English. `null` /
 * `undefined` → `-`; text that is not a timestamp is returned as it is.
 */
export function formatTimestamp(value: string | Date | null | undefined, lang: Lang = DEFAULT_LANG): string {
  if (value === null || value === undefined) return '-';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return typeof value === 'string' ? value : '-';
  const parts: Record<string, number> = {};
  for (const part of CST_PARTS.formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const [year, month, day] = [parts.year ?? 0, parts.month ?? 0, parts.day ?? 0];
  const time = [parts.hour, parts.minute, parts.second].map((n) => String(n ?? 0).padStart(2, '0')).join(':');
  return lang === 'zh' ? `${year}年${month}月${day}日 ${time}` : `${isoDate(year, month, day)} ${time} CST`;
}

/** `2025-06-01`, `2025/6/1`, `2025.6.1` (the same separator twice). */
const SEPARATED = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/u;
/** `2025年6月1日`, `2025年06月01日` (also `…1号`, or no closing 日), spaces allowed between the parts. */
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/u;
/** `20250601`. */
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/u;

/**
 * A calendar date as people type it, as ISO `YYYY-MM-DD`; null when the text is not one. Accepted:
 * `2025-06-01`, `2025-6-1`, `2025/6/1`, `2025.6.1`, `20250601`, `2025年6月1日`, `2025年06月01日`
 * (`号` for `日`, or neither), in full-width characters too (`２０２５－０６－０１`, `２０２５年６月１日`:
 * the text is NFKC-normalised first), spaces around it ignored. A date that is not on the calendar
 * (`2025-02-30`, `2025/13/1`) is null, never rolled over to another day.
 */
export function parseHumanDate(text: string): string | null {
  const normal = text.normalize('NFKC').trim();
  const separated = SEPARATED.exec(normal);
  const parts = separated
    ? [separated[1], separated[3], separated[4]]
    : (CHINESE.exec(normal)?.slice(1, 4) ?? COMPACT.exec(normal)?.slice(1, 4));
  if (parts === undefined) return null;
  const [year, month, day] = parts.map(Number);
  if (year === undefined || month === undefined || day === undefined) return null;
  return isCalendarDate(year, month, day) ? isoDate(year, month, day) : null;
}
