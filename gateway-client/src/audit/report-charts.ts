/**
 * The report's charts: inline SVG drawn here (no scripts), each `<svg data-chart="…">` with a
 * `<title>` and one `<rect class="bar">` per data point; and the bars of each chart from the report
 * data.
 */
import type { AuditReportData } from './history';
import { esc, fitWidth, fmt, formatDuration, time } from './report-format';

/** Colours of the bars and axes (the stylesheet uses them too). */
export const COLOURS = {
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
export interface Bar {
  readonly label: string;
  readonly value: number;
  /** Value as shown next to the bar (default: the number). */
  readonly display?: string;
  readonly colour: string;
  /** Hover text (default: label and display). */
  readonly tooltip?: string;
}

/** A chart: its id, title and bars. */
export interface ChartSpec {
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
export function columnChart(spec: ChartSpec): string {
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
export function rowChart(spec: ChartSpec, width: number, labelWidth: number): string {
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

/** The colour of a version's scope (national, provincial, governance). */
export function scopeColour(scope: string): string {
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

/** Bars of the changes-per-province chart. */
export function provinceBars(data: AuditReportData): Bar[] {
  return data.perProvince.map((p) => ({
    label: p.province,
    value: p.changes,
    colour: p.province === 'national' ? COLOURS.national : COLOURS.provincial,
    tooltip: `${p.province}: ${fmt(p.changes)} changes in ${p.versions} version(s)`,
  }));
}

/** Bars of the proposal-to-seal chart (one per sealed proposal with a known duration). */
export function durationBars(data: AuditReportData): Bar[] {
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
export function attemptBars(data: AuditReportData): Bar[] {
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
