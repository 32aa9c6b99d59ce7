/**
 * Renders the audit report ({@link auditReportData}) as ONE self-contained HTML file: inline CSS,
 * inline SVG charts drawn here (no scripts, fonts or anything fetched from elsewhere), every text
 * escaped. Charts are `<svg data-chart="…">` elements with a `<title>`; each data point is one
 * `<rect class="bar">`. The page is laid out here from its parts: the report's input
 * (report-input.ts), charts (report-charts.ts), sections and banner (report-sections.ts),
 * stylesheet (report-style.ts) and escaping and formatting helpers (report-format.ts).
 */
import type { AuditReportData } from './history';
import type { LedgerModel } from './ledger-model';
import {
  attemptBars,
  columnChart,
  durationBars,
  provinceBars,
  rowChart,
  scopeColour,
  versionBars,
} from './report-charts';
import { esc, fmt, time } from './report-format';
import { auditReportInput, type AuditReportInput } from './report-input';
import {
  card,
  changeTable,
  invalidTable,
  legend,
  unsuccessfulTable,
  verifyBanner,
  versionTable,
} from './report-sections';
import { REPORT_CSS } from './report-style';
import type { VerifyResult } from './verify';

/** Rendering options. */
export interface RenderReportOptions {
  /** Result of `verifyStore`, shown as a banner at the top (which says it covers the store checks only). */
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
    `<style>${REPORT_CSS}</style>`,
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
