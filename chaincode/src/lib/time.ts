import type { Context } from 'fabric-contract-api';

/** Catalog dates are calendar dates in China Standard Time (UTC+8, no daylight saving). */
const CST_OFFSET_MS = 8 * 3600 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds since the epoch of the transaction timestamp (the only clock the chaincode uses). */
export function txMillis(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  return Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1_000_000);
}

/** ISO-8601 UTC timestamp of the transaction. */
export function txIsoTime(ctx: Context): string {
  return new Date(txMillis(ctx)).toISOString();
}

/** The transaction's calendar date (YYYY-MM-DD) in China Standard Time. */
export function txDate(ctx: Context): string {
  return new Date(txMillis(ctx) + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** True when `value` is a real calendar date written YYYY-MM-DD. */
export function isValidDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (m === null) {
    return false;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}
