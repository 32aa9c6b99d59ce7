/** Escaping and formatting helpers of the HTML audit report: every text from the ledger goes through {@link escapeHtml}. */
import type { ReportActor } from './report-input';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Short name of {@link escapeHtml} for the templates. */
export const esc = escapeHtml;

/** A value as text: `–` for none, strings as they are, anything else as JSON. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) {
    return '–';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value.toString();
  }
  return JSON.stringify(value);
}

/** `text` cut to `max` characters (code points), with `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Cuts `text` to about `px` pixels of 12px text (CJK characters are about twice as wide). */
export function fitWidth(text: string, px: number): string {
  let used = 0;
  let out = '';
  for (const char of text) {
    const w = (char.codePointAt(0) ?? 0) >= 0x2e80 ? 12 : 7;
    if (used + w > px - 8) {
      return `${out}…`;
    }
    used += w;
    out += char;
  }
  return out;
}

/** `2025-01-02T03:04:05.678Z` → `2025-01-02 03:04:05 UTC`. */
export function time(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') {
    return '–';
  }
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m === null ? iso : `${m[1] ?? ''} ${m[2] ?? ''} UTC`;
}

/** A duration in ms as `850 ms`, `12.3 s`, `4.5 min`, `3.2 h` or `2.1 d`. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (abs < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  if (abs < 3_600_000) {
    return `${(ms / 60_000).toFixed(1)} min`;
  }
  if (abs < 86_400_000) {
    return `${(ms / 3_600_000).toFixed(1)} h`;
  }
  return `${(ms / 86_400_000).toFixed(1)} d`;
}

/** A number with thousands separators. */
export function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function commonName(subject: string | null): string | null {
  if (subject === null) {
    return null;
  }
  const m = /(?:^|[/,]\s*)CN=([^/,]+)/.exec(subject);
  return m?.[1] ?? null;
}

/** An identity as `MSP · CN`, its certificate subject on hover. */
export function actorHtml(actor: ReportActor): string {
  const cn = commonName(actor.subject);
  const label = cn === null ? actor.mspId : `${actor.mspId} · ${cn}`;
  return `<span class="actor" title="${esc(actor.subject ?? actor.mspId)}">${esc(label)}</span>`;
}
