/**
 * Renders the audit report ({@link auditReportData}) as ONE self-contained HTML file: inline CSS,
 * inline SVG charts drawn here (no scripts, fonts or anything fetched from elsewhere), every text
 * escaped. Charts are `<svg data-chart="…">` elements with a `<title>`; each data point is one
 * `<rect class="bar">`.
 */
import { proposalSummary, type AuditReportData, type ActorInfo } from './history';
import { fieldDifferences } from './json-diff';
import type { LedgerModel } from './ledger-model';
import type { VerifyResult } from './verify';

/** One sealed version as the report's version table shows it. */
export interface ReportVersion {
  readonly version: number;
  readonly effectiveFrom: string;
  readonly sealedAt: string | null;
  readonly scope: string;
  readonly province: string | null;
  readonly changes: number;
  readonly digest: string;
  readonly versionHash: string;
  readonly proposalIds: readonly string[];
  readonly titles: readonly string[];
  /** Proposers (MSP id and certificate subject). */
  readonly proposers: readonly ReportActor[];
  /** Approving organisations (MSP id and certificate subject). */
  readonly approvers: readonly ReportActor[];
  readonly sealTxId: string;
  readonly sealBlock: number;
}

/** Who acted. */
export interface ReportActor {
  readonly mspId: string;
  readonly role: string | null;
  readonly subject: string | null;
}

/** One change of the catalog, for the change log table. */
export interface ReportChange {
  readonly version: number;
  readonly kind: 'item' | 'overlay';
  readonly op: string;
  readonly itemId: string;
  /** Item name (from the item's data, for overlays too), or null when unknown. */
  readonly itemName: string | null;
  readonly province: string | null;
  /** Changed fields (`a.b`), empty for additions and removals. */
  readonly fields: readonly string[];
}

/** Everything the HTML report shows. */
export interface AuditReportInput {
  readonly data: AuditReportData;
  readonly versions: readonly ReportVersion[];
  readonly changes: readonly ReportChange[];
}

/** Rendering options. */
export interface RenderReportOptions {
  /** Result of `verifyStore`, shown as a banner at the top. */
  readonly verify?: VerifyResult | null;
  /** Page title (default "Catalog audit report"). */
  readonly title?: string;
  /** When the report was generated (ISO 8601), shown in the header. */
  readonly generatedAt?: string;
  /** Where the data came from (store path), shown in the header. */
  readonly source?: string;
  /** Most rows of the change log (default 500). */
  readonly maxChangeRows?: number;
}

function actorOf(actor: ActorInfo): ReportActor {
  return { mspId: actor.mspId, role: actor.role, subject: actor.subject };
}

function nameOf(data: unknown): string | null {
  if (data !== null && typeof data === 'object' && 'name' in data) {
    const name = data.name;
    return typeof name === 'string' ? name : null;
  }
  return null;
}

/** Adds the version table and change log (from the replayed model) to the report data. */
export function auditReportInput(data: AuditReportData, model: LedgerModel): AuditReportInput {
  const names = new Map<string, string>();
  for (const v of model.versions) {
    for (const c of v.changes) {
      const name = c.kind === 'item' ? (nameOf(c.after) ?? nameOf(c.before)) : null;
      if (name !== null) {
        names.set(c.itemId, name);
      }
    }
  }
  const versions = model.versions.map((v): ReportVersion => {
    const summaries = v.record.proposalIds
      .map((pid) => proposalSummary(model, pid))
      .filter((p) => p !== null);
    return {
      version: v.record.version,
      effectiveFrom: v.record.effectiveFrom,
      sealedAt: v.tx.timestamp,
      scope: v.record.scope,
      province: v.record.province,
      changes: v.changes.length,
      digest: v.record.digest,
      versionHash: v.record.versionHash,
      proposalIds: v.record.proposalIds,
      titles: summaries.map((p) => p.title),
      proposers: summaries.map((p) => actorOf(p.proposer)),
      approvers: summaries.flatMap((p) => p.approvers.map((a) => actorOf(a.voter))),
      sealTxId: v.tx.txId,
      sealBlock: v.tx.blockNumber,
    };
  });
  const changes = model.versions.flatMap((v) =>
    v.changes.map((c): ReportChange => ({
      version: v.record.version,
      kind: c.kind,
      op: c.op,
      itemId: c.itemId,
      itemName: names.get(c.itemId) ?? null,
      province: c.province,
      fields:
        c.before === null || c.after === null ? [] : fieldDifferences(c.before, c.after).map((d) => d.field),
    })),
  );
  return { data, versions, changes };
}

// ---------------------------------------------------------------------------------------------
// Escaping and formatting

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const esc = escapeHtml;

function textOf(value: unknown): string {
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

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Cuts `text` to about `px` pixels of 12px text (CJK characters are about twice as wide). */
function fitWidth(text: string, px: number): string {
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
function time(iso: string | null | undefined): string {
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

function commonName(subject: string | null): string | null {
  if (subject === null) {
    return null;
  }
  const m = /(?:^|[/,]\s*)CN=([^/,]+)/.exec(subject);
  return m?.[1] ?? null;
}

function actorHtml(actor: ReportActor): string {
  const cn = commonName(actor.subject);
  const label = cn === null ? actor.mspId : `${actor.mspId} · ${cn}`;
  return `<span class="actor" title="${esc(actor.subject ?? actor.mspId)}">${esc(label)}</span>`;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

// ---------------------------------------------------------------------------------------------
// Charts

const COLOURS = {
  national: '#2563eb',
  provincial: '#0d9488',
  governance: '#7c3aed',
  duration: '#d97706',
  invalid: '#dc2626',
  rejected: '#9a3412',
  withdrawn: '#64748b',
  axis: '#94a3b8',
  grid: '#e2e8f0',
  text: '#334155',
} as const;

/** One bar of a chart. */
interface Bar {
  readonly label: string;
  readonly value: number;
  /** Value as shown next to the bar (default: the number). */
  readonly display?: string;
  readonly colour: string;
  /** Hover text (default: label and display). */
  readonly tooltip?: string;
}

interface ChartSpec {
  /** `data-chart` attribute. */
  readonly id: string;
  /** The svg's `<title>`. */
  readonly title: string;
  readonly bars: readonly Bar[];
  /** Shown instead of bars when there are none. */
  readonly empty: string;
}

/** A "nice" axis for values up to `value`: a step of 1, 2 or 5 × 10^k (at least 1) and its top. */
function niceScale(value: number): { max: number; step: number } {
  if (value <= 0) {
    return { max: 1, step: 1 };
  }
  const raw = value / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, ([1, 2, 5, 10].find((m) => raw <= m * power) ?? 10) * power);
  return { max: Math.ceil(value / step) * step, step };
}

function svgOpen(spec: ChartSpec, width: number, height: number): string {
  return (
    `<svg class="chart" data-chart="${esc(spec.id)}" viewBox="0 0 ${width} ${height}" ` +
    `width="100%" role="img" preserveAspectRatio="xMinYMin meet" style="max-width:${width}px">` +
    `<title>${esc(spec.title)}</title>`
  );
}

function emptyChart(spec: ChartSpec, width = 1000): string {
  return `${svgOpen(spec, width, 80)}<text x="${width / 2}" y="46" text-anchor="middle" class="empty">${esc(spec.empty)}</text></svg>`;
}

function barRect(bar: Bar, x: number, y: number, w: number, h: number): string {
  const tip = bar.tooltip ?? `${bar.label}: ${bar.display ?? fmt(bar.value)}`;
  return (
    `<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(w, 0).toFixed(1)}" ` +
    `height="${Math.max(h, 0).toFixed(1)}" rx="3" fill="${bar.colour}" data-label="${esc(bar.label)}" ` +
    `data-value="${bar.value}"><title>${esc(tip)}</title></rect>`
  );
}

/** Vertical bars with a value axis; labels under the bars. */
function columnChart(spec: ChartSpec): string {
  if (spec.bars.length === 0) {
    return emptyChart(spec);
  }
  const left = 48;
  const right = 12;
  const top = 18;
  const plotHeight = 220;
  const width = Math.max(1000, left + right + 14 * spec.bars.length);
  const height = top + plotHeight + 40;
  const slot = (width - left - right) / spec.bars.length;
  const { max, step } = niceScale(Math.max(...spec.bars.map((b) => b.value)));
  const y = (v: number): number => top + plotHeight - (v / max) * plotHeight;
  const parts: string[] = [svgOpen(spec, width, height)];
  for (let v = 0; v <= max; v += step) {
    parts.push(
      `<line class="grid" x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`,
      `<text class="tick" x="${left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(fmt(v))}</text>`,
    );
  }
  const barWidth = Math.min(64, slot * 0.64);
  const labelEvery = Math.ceil(spec.bars.length / 40);
  spec.bars.forEach((bar, i) => {
    const x = left + slot * i + (slot - barWidth) / 2;
    const centre = (x + barWidth / 2).toFixed(1);
    parts.push(barRect(bar, x, y(bar.value), barWidth, top + plotHeight - y(bar.value)));
    if (spec.bars.length <= 40) {
      parts.push(
        `<text class="value" x="${centre}" y="${(y(bar.value) - 5).toFixed(1)}" text-anchor="middle">${esc(bar.display ?? fmt(bar.value))}</text>`,
      );
    }
    if (i % labelEvery === 0) {
      parts.push(
        `<text class="label" x="${centre}" y="${top + plotHeight + 20}" text-anchor="middle">${esc(fitWidth(bar.label, slot))}</text>`,
      );
    }
  });
  parts.push(
    `<line class="axis" x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}"/>`,
    '</svg>',
  );
  return parts.join('');
}

/** Horizontal bars, one row per bar, label on the left and value on the right. */
function rowChart(spec: ChartSpec, width: number, labelWidth: number): string {
  if (spec.bars.length === 0) {
    return emptyChart(spec, width);
  }
  const rowHeight = 30;
  const top = 8;
  const plotWidth = width - labelWidth - 80;
  const height = top * 2 + rowHeight * spec.bars.length;
  const max = Math.max(...spec.bars.map((b) => b.value), 0) || 1;
  const parts: string[] = [svgOpen(spec, width, height)];
  spec.bars.forEach((bar, i) => {
    const y = top + rowHeight * i;
    const w = Math.max(2, (bar.value / max) * plotWidth);
    parts.push(
      `<text class="label" x="${labelWidth - 10}" y="${y + rowHeight / 2 + 4}" text-anchor="end">${esc(fitWidth(bar.label, labelWidth - 10))}</text>`,
      barRect(bar, labelWidth, y + 5, w, rowHeight - 10),
      `<text class="value" x="${(labelWidth + w + 6).toFixed(1)}" y="${y + rowHeight / 2 + 4}">${esc(bar.display ?? fmt(bar.value))}</text>`,
    );
  });
  parts.push(
    `<line class="axis" x1="${labelWidth}" x2="${labelWidth}" y1="${top}" y2="${height - top}"/>`,
    '</svg>',
  );
  return parts.join('');
}

function scopeColour(scope: string): string {
  return scope === 'national'
    ? COLOURS.national
    : scope === 'provincial'
      ? COLOURS.provincial
      : COLOURS.governance;
}

/** Bars of the changes-per-version chart (one per sealed version). */
export function versionBars(data: AuditReportData): Bar[] {
  return data.perVersion.map((v) => ({
    label: `v${v.version}`,
    value: v.changes,
    colour: scopeColour(v.scope),
    tooltip:
      `version ${v.version} (${v.scope}${v.province === null ? '' : ` ${v.province}`}), effective ${v.effectiveFrom}: ` +
      `${fmt(v.changes)} changes — ${v.itemsAdded} added, ${v.itemsChanged} changed, ${v.itemsRemoved} removed, ` +
      `${v.overlaysSet} overlays set, ${v.overlaysCleared} cleared`,
  }));
}

function provinceBars(data: AuditReportData): Bar[] {
  return data.perProvince.map((p) => ({
    label: p.province,
    value: p.changes,
    colour: p.province === 'national' ? COLOURS.national : COLOURS.provincial,
    tooltip: `${p.province}: ${fmt(p.changes)} changes in ${p.versions} version(s)`,
  }));
}

function durationBars(data: AuditReportData): Bar[] {
  return data.proposalToSeal
    .filter((p) => p.durationMs !== null)
    .map((p) => ({
      label: `v${p.version} ${p.title}`,
      value: Math.max(0, p.durationMs ?? 0),
      display: formatDuration(p.durationMs ?? 0),
      colour: COLOURS.duration,
      tooltip: `${p.title} (${p.proposalId}): proposed ${time(p.createdAt)}, sealed ${time(p.sealedAt)} as version ${p.version} — ${formatDuration(p.durationMs ?? 0)}`,
    }));
}

/** Rejected and invalid attempts by kind: validation codes, then rejected / withdrawn proposals. */
function attemptBars(data: AuditReportData): Bar[] {
  const counts = new Map<string, number>();
  for (const tx of data.invalidTransactions) {
    counts.set(tx.validationName, (counts.get(tx.validationName) ?? 0) + 1);
  }
  const bars: Bar[] = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => ({
      label: name,
      value: n,
      colour: COLOURS.invalid,
      tooltip: `${name}: ${n} transaction(s) invalidated by the peers`,
    }));
  for (const status of ['rejected', 'withdrawn'] as const) {
    const n = data.unsuccessfulProposals.filter((p) => p.status === status).length;
    if (n > 0) {
      bars.push({
        label: `proposal ${status}`,
        value: n,
        colour: status === 'rejected' ? COLOURS.rejected : COLOURS.withdrawn,
        tooltip: `${n} proposal(s) ${status}`,
      });
    }
  }
  return bars;
}

// ---------------------------------------------------------------------------------------------
// Page

const CSS = `
:root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--paper:#ffffff;--bg:#f8fafc;--ok:#15803d;--bad:#b91c1c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei",sans-serif}
main{max-width:1120px;margin:0 auto;padding:32px 24px 64px}
header h1{margin:0 0 4px;font-size:28px;letter-spacing:-.01em}
header p{margin:0;color:var(--muted)}
h2{font-size:19px;margin:40px 0 6px}
h2+p.note{margin-top:0}
p.note{color:var(--muted);margin:4px 0 12px;font-size:14px}
.banner{margin:24px 0;padding:14px 18px;border-radius:10px;border:1px solid;font-weight:600}
.banner.ok{background:#f0fdf4;border-color:#bbf7d0;color:var(--ok)}
.banner.bad{background:#fef2f2;border-color:#fecaca;color:var(--bad)}
.banner .detail{display:block;font-weight:400;color:var(--ink);margin-top:4px;font-size:14px;word-break:break-all}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:12px;margin:24px 0}
.card{background:var(--paper);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card b{display:block;font-size:24px;font-variant-numeric:tabular-nums}
.card span{color:var(--muted);font-size:13px}
.card.alert b{color:var(--bad)}
.panel{background:var(--paper);border:1px solid var(--line);border-radius:10px;padding:16px 18px;overflow-x:auto}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px}
.grid2 h2{margin-top:24px}
svg.chart{display:block;height:auto;font-size:12px}
svg.chart text{fill:${COLOURS.text}}
svg.chart .tick,svg.chart .empty{fill:var(--muted)}
svg.chart .value{font-weight:600;font-variant-numeric:tabular-nums}
svg.chart .grid{stroke:${COLOURS.grid};stroke-width:1}
svg.chart .axis{stroke:${COLOURS.axis};stroke-width:1}
svg.chart rect.bar:hover{opacity:.8}
.legend{display:flex;gap:16px;flex-wrap:wrap;font-size:13px;color:var(--muted);margin:8px 0 0}
.legend i{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:6px;vertical-align:-1px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;white-space:nowrap}
tbody tr:hover{background:#f1f5f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
.actor{display:inline-block;margin:0 8px 2px 0;white-space:nowrap}
.pill{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;background:#eef2ff;color:#3730a3}
.pill.provincial{background:#f0fdfa;color:#115e59}
.pill.governance{background:#f5f3ff;color:#5b21b6}
.pill.bad{background:#fef2f2;color:var(--bad)}
footer{margin-top:48px;color:var(--muted);font-size:13px}
@media print{body{background:#fff}.panel,.card{break-inside:avoid}}
`;

function card(value: number, label: string, alert = false): string {
  return `<div class="card${alert ? ' alert' : ''}"><b>${esc(fmt(value))}</b><span>${esc(label)}</span></div>`;
}

function verifyBanner(verify: VerifyResult | null | undefined): string {
  if (verify === undefined || verify === null) {
    return '';
  }
  if (verify.ok) {
    return (
      `<div class="banner ok" data-verify="ok">✓ Verified: ${fmt(verify.versions)} sealed versions and ` +
      `${fmt(verify.blocks)} blocks recomputed from the replayed writes match the chain` +
      `<span class="detail">State digests, version hash chain, block hash chain and approvals under the governance rule in force were all checked.</span></div>`
    );
  }
  const where = [
    verify.version === null ? null : `version ${verify.version}`,
    verify.itemId === undefined ? null : `item ${verify.itemId}`,
    verify.province === undefined ? null : `province ${verify.province}`,
    verify.block === null ? null : `block ${verify.block}`,
  ].filter((x) => x !== null);
  return (
    `<div class="banner bad" data-verify="mismatch">✗ Verification failed at ${esc(where.join(', '))}: ${esc(verify.field)}` +
    `<span class="detail">expected <code>${esc(truncate(textOf(verify.expected), 300))}</code>, found <code>${esc(truncate(textOf(verify.found), 300))}</code></span>` +
    `<span class="detail">${esc(verify.message)}</span></div>`
  );
}

function table(
  headers: readonly string[],
  rows: readonly string[][],
  numeric: readonly number[] = [],
): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${cell}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

function scopePill(scope: string, province: string | null): string {
  const cls = scope === 'national' ? '' : ` ${scope === 'provincial' ? 'provincial' : 'governance'}`;
  return `<span class="pill${cls}">${esc(province === null ? scope : `${scope} · ${province}`)}</span>`;
}

function versionTable(versions: readonly ReportVersion[]): string {
  if (versions.length === 0) {
    return '<p class="note">No sealed version in the store.</p>';
  }
  const rows = versions.map((v) => [
    `<b>${v.version}</b>`,
    esc(v.effectiveFrom),
    scopePill(v.scope, v.province),
    esc(fmt(v.changes)),
    v.titles.map((t) => esc(t)).join('<br>') || '–',
    v.proposers.map(actorHtml).join('') || '–',
    v.approvers.map(actorHtml).join('') || '–',
    `<code title="${esc(v.digest)}">${esc(v.digest.slice(0, 12))}</code>`,
    `<code title="${esc(v.versionHash)}">${esc(v.versionHash.slice(0, 12))}</code>`,
    `<span title="${esc(`tx ${v.sealTxId}`)}">${esc(time(v.sealedAt))}<br><span class="mono">block ${v.sealBlock}</span></span>`,
  ]);
  return table(
    [
      '#',
      'Effective',
      'Scope',
      'Changes',
      'Proposal',
      'Proposer',
      'Approvers',
      'Digest',
      'Version hash',
      'Sealed',
    ],
    rows,
    [3],
  );
}

function changeTable(changes: readonly ReportChange[], max: number): string {
  if (changes.length === 0) {
    return '<p class="note">No catalog change sealed yet.</p>';
  }
  const shown = changes.slice(-max).reverse();
  const rows = shown.map((c) => [
    `<b>${c.version}</b>`,
    esc(c.itemName ?? '–'),
    `<code>${esc(truncate(c.itemId, 20))}</code>`,
    esc(c.kind === 'overlay' ? `overlay ${c.op}` : c.op),
    esc(c.province ?? '–'),
    esc(c.fields.length === 0 ? '–' : truncate(c.fields.join(', '), 120)),
  ]);
  const more =
    changes.length > shown.length
      ? `<p class="note">Showing the latest ${fmt(shown.length)} of ${fmt(changes.length)} changes; <code>catalog audit history &lt;itemId&gt;</code> gives any item's full history.</p>`
      : '';
  return `${more}${table(['Version', 'Item', 'Id', 'Change', 'Province', 'Fields changed'], rows)}`;
}

function invalidTable(data: AuditReportData): string {
  if (data.invalidTransactions.length === 0) {
    return '<p class="note">No transaction was invalidated by the peers.</p>';
  }
  const rows = data.invalidTransactions.map((tx) => [
    `<span class="pill bad">${esc(tx.validationName)}</span>`,
    esc(tx.function ?? '–'),
    actorHtml({ mspId: tx.creatorMsp ?? '?', role: null, subject: tx.creatorSubject }),
    esc(tx.endorsers.join(', ') || '–'),
    tx.attemptedWrites.map((w) => `<code>${esc(truncate(w, 60))}</code>`).join('<br>') || '–',
    `${esc(time(tx.timestamp))}<br><span class="mono" title="${esc(tx.txId)}">block ${tx.block} · tx ${tx.txIndex}</span>`,
  ]);
  return table(['Validation', 'Function', 'Submitted by', 'Endorsed by', 'Attempted writes', 'When'], rows);
}

function unsuccessfulTable(data: AuditReportData): string {
  if (data.unsuccessfulProposals.length === 0) {
    return '<p class="note">No proposal was rejected or withdrawn.</p>';
  }
  const rows = data.unsuccessfulProposals.map((p) => [
    `<span class="pill bad">${esc(p.status)}</span>`,
    esc(p.title),
    scopePill(p.scope, p.province),
    esc(p.reason ?? '–'),
    `<code>${esc(truncate(p.proposalId, 24))}</code>`,
  ]);
  return table(['Status', 'Title', 'Scope', 'Reason', 'Proposal'], rows);
}

function legend(entries: readonly (readonly [string, string])[]): string {
  return `<div class="legend">${entries.map(([colour, label]) => `<span><i style="background:${colour}"></i>${esc(label)}</span>`).join('')}</div>`;
}

/** Renders the report as one self-contained HTML document. */
export function renderAuditReportHtml(input: AuditReportInput, options: RenderReportOptions = {}): string {
  const { data } = input;
  const title = options.title ?? 'Catalog audit report';
  const s = data.summary;
  const subtitle = [
    options.generatedAt === undefined ? null : `Generated ${time(options.generatedAt)}`,
    options.source === undefined ? null : `from ${options.source}`,
    'replayed from the ledger’s blocks, independent of any bureau database',
  ]
    .filter((x) => x !== null)
    .join(' · ');
  const scopes = [...new Set(data.perVersion.map((v) => v.scope))];
  const body = [
    `<header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p></header>`,
    verifyBanner(options.verify),
    '<section class="cards">',
    card(s.versions, 'sealed versions'),
    card(s.items, 'items in force'),
    card(s.overlays, 'provincial overlays'),
    card(s.blocks, 'blocks'),
    card(s.validTransactions, 'valid transactions'),
    card(s.invalidTransactions, 'invalid transactions', s.invalidTransactions > 0),
    '</section>',
    '<h2>Changes per version</h2><p class="note">Catalog entries added, changed or removed by each sealed version.</p>',
    `<div class="panel">${columnChart({ id: 'changes-per-version', title: 'Changes per version', bars: versionBars(data), empty: 'No sealed version yet' })}`,
    `${legend(scopes.map((sc) => [scopeColour(sc), sc] as const))}</div>`,
    '<div class="grid2"><div>',
    '<h2>Changes per province</h2><p class="note">National items vs. each province’s own items and overlays.</p>',
    `<div class="panel">${rowChart({ id: 'changes-per-province', title: 'Changes per province', bars: provinceBars(data), empty: 'No change yet' }, 480, 110)}</div>`,
    '</div><div>',
    '<h2>Rejected and invalid attempts</h2><p class="note">Transactions the peers refused (e.g. ENDORSEMENT_POLICY_FAILURE) and proposals that were rejected or withdrawn.</p>',
    `<div class="panel">${rowChart({ id: 'rejected-attempts', title: 'Rejected and invalid attempts', bars: attemptBars(data), empty: 'None — every attempt succeeded' }, 480, 200)}</div>`,
    '</div></div>',
    '<h2>Time from proposal to seal</h2><p class="note">From the proposal’s creation to the transaction that sealed its version.</p>',
    `<div class="panel">${rowChart({ id: 'proposal-to-seal', title: 'Time from proposal to seal', bars: durationBars(data), empty: 'No sealed proposal yet' }, 1000, 300)}</div>`,
    '<h2>Versions</h2><p class="note">Hover a digest or hash for its full value, an identity for its certificate subject.</p>',
    `<div class="panel">${versionTable(input.versions)}</div>`,
    '<h2>Invalid transactions</h2>',
    `<div class="panel">${invalidTable(data)}</div>`,
    '<h2>Rejected and withdrawn proposals</h2>',
    `<div class="panel">${unsuccessfulTable(data)}</div>`,
    '<h2>Change log</h2><p class="note">Newest first.</p>',
    `<div class="panel">${changeTable(input.changes, options.maxChangeRows ?? 500)}</div>`,
    `<footer>${esc(`${fmt(s.transactions)} transactions in ${fmt(s.blocks)} blocks. Produced by catalog audit report.`)}</footer>`,
  ].join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body><main>',
    body,
    '</main></body>',
    '</html>',
    '',
  ].join('\n');
}

/** Convenience: {@link auditReportInput} then {@link renderAuditReportHtml}. */
export function renderAuditReport(
  data: AuditReportData,
  model: LedgerModel,
  options: RenderReportOptions = {},
): string {
  return renderAuditReportHtml(auditReportInput(data, model), options);
}
