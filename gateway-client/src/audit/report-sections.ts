/**
 * The report's sections besides the charts: summary cards, the verification banner and the tables
 * (versions, change log, invalid transactions, rejected and withdrawn proposals).
 */
import type { AuditReportData } from './history';
import { actorHtml, esc, fmt, textOf, time, truncate } from './report-format';
import type { ReportChange, ReportVersion } from './report-input';
import type { VerifyResult } from './verify';

/** A summary card: a number and what it counts (`alert`: shown in red). */
export function card(value: number, label: string, alert = false): string {
  return `<div class="card${alert ? ' alert' : ''}"><b>${esc(fmt(value))}</b><span>${esc(label)}</span></div>`;
}

/** What the store checks (`verifyStore`, the banner's result) cover. */
const STORE_CHECKS =
  'state digests, version hash chain, block hash chain and approvals under the governance rule in force';
/** What only the independent verification (`catalog audit verify`) checks. */
const INDEPENDENT_CHECKS =
  'orderer and endorsement signatures, endorsement policies, the peers’ validation flags and the re-execution of every catalog transaction';

/** The banner of the store checks' result; it says which checks ran and which did not. */
export function verifyBanner(verify: VerifyResult | null | undefined): string {
  if (verify === undefined || verify === null) {
    return '';
  }
  const scope =
    `<span class="detail">Store checks only (${STORE_CHECKS}), NOT an independent verification: ` +
    `${INDEPENDENT_CHECKS} were not checked for this report; <code>catalog audit verify</code> checks them.</span>`;
  if (verify.ok) {
    return (
      `<div class="banner ok" data-verify="ok" data-checks="store">✓ Store checks passed: ${fmt(verify.versions)} sealed versions and ` +
      `${fmt(verify.blocks)} blocks recomputed from the replayed writes match the chain${scope}</div>`
    );
  }
  const where = [
    verify.version === null ? null : `version ${verify.version}`,
    verify.itemId === undefined ? null : `item ${verify.itemId}`,
    verify.province === undefined ? null : `province ${verify.province}`,
    verify.block === null ? null : `block ${verify.block}`,
  ].filter((x) => x !== null);
  return (
    `<div class="banner bad" data-verify="mismatch" data-checks="store">✗ Store checks failed at ${esc(where.join(', '))}: ${esc(verify.field)}` +
    `<span class="detail">expected <code>${esc(truncate(textOf(verify.expected), 300))}</code>, found <code>${esc(truncate(textOf(verify.found), 300))}</code></span>` +
    `<span class="detail">${esc(verify.message)}</span>${scope}</div>`
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

/** The version table: one row per sealed version. */
export function versionTable(versions: readonly ReportVersion[]): string {
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

/** The change log, newest first, at most `max` rows. */
export function changeTable(changes: readonly ReportChange[], max: number): string {
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

/** The transactions the peers invalidated. */
export function invalidTable(data: AuditReportData): string {
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

/** The proposals rejected or withdrawn. */
export function unsuccessfulTable(data: AuditReportData): string {
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

/** A legend of colours and labels. */
export function legend(entries: readonly (readonly [string, string])[]): string {
  return `<div class="legend">${entries.map(([colour, label]) => `<span><i style="background:${colour}"></i>${esc(label)}</span>`).join('')}</div>`;
}
