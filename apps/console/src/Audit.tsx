/**
 * The auditor's screens (all from `/v1/audit/…` of the auditors' own instance, answered from their
 * replay store; see PATHS in api.ts): the latest verification with its time (and a run on demand),
 * the summary and the four charts of the HTML audit report, the version timeline with digests
 * (recomputed by the auditors) and the hash chain checked link by link, the difference between two
 * versions, who proposed and approved what and when, and the invalid transactions by their
 * validation code's name.
 */
import { useState, type SyntheticEvent, type ReactElement } from 'react';
import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import {
  REPORT_CHARTS,
  type AuditDiff,
  type AuditReport,
  type AuditVerification,
  type AuditVersion,
  type ChartBar,
} from './api';
import { ErrorText, Hash, Status, useApi, useLoad } from './common';
import { cellText } from './diff';
import { useLiveEvent } from './events';
import { labelOf, t, useI18n, type ConsoleKey } from './i18n';
import type { Lang } from '@nrdl-catalog/chaincode/messages';

ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip);

/** How a version links to the one before it in the timeline. */
export type Link = 'start' | 'ok' | 'broken';

/** Each version's link: its previousVersionHash must be the versionHash of the version before it. */
export function chainLinks(versions: readonly AuditVersion[]): Link[] {
  return versions.map((version, index) => {
    const previous = versions[index - 1];
    if (previous === undefined || previous.version !== version.version - 1) return 'start';
    return version.previousVersionHash === previous.versionHash ? 'ok' : 'broken';
  });
}

/** Whom the approvals of a version's proposals came from (one MSP id each). */
function approversOf(version: AuditVersion): string[] {
  const ids = version.proposals.flatMap((p) =>
    p.approvers.filter((vote) => vote.decision === 'approve').map((vote) => vote.voter.mspId),
  );
  return [...new Set(ids)];
}

export function Timeline({ versions }: { readonly versions: readonly AuditVersion[] }): ReactElement {
  const { t, lang } = useI18n();
  const links = chainLinks(versions);
  const text: Record<Link, string> = {
    start: t('console.audit.chainStart'),
    ok: t('console.audit.chainOk'),
    broken: t('console.audit.chainBroken'),
  };
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('console.col.version')}</th>
            <th scope="col">{t('console.col.effectiveFrom')}</th>
            <th scope="col">{t('console.col.sealedAt')}</th>
            <th scope="col">{t('console.col.scope')}</th>
            <th scope="col">{t('console.col.changes')}</th>
            <th scope="col">{t('console.col.digest')}</th>
            <th scope="col">{t('console.col.recomputed')}</th>
            <th scope="col">{t('console.col.hash')}</th>
            <th scope="col">{t('console.col.previous')}</th>
            <th scope="col">{t('console.col.chain')}</th>
            <th scope="col">{t('console.col.sealedBy')}</th>
            <th scope="col">{t('console.col.approvers')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version, index) => {
            const link = links[index] ?? 'start';
            const digestOk = version.recomputedDigest === version.digest;
            return (
              <tr key={version.version} data-testid="version-row" className={`link-${link}`}>
                <td>{version.version}</td>
                <td>{version.effectiveFrom}</td>
                <td>{version.timestamp ?? '-'}</td>
                <td>
                  {labelOf(lang, 'scope', version.scope)}
                  {version.province === null || version.province === undefined
                    ? ''
                    : ` · ${version.province}`}
                </td>
                <td>{version.changeCount ?? '-'}</td>
                <td>
                  <Hash value={version.digest} testId="digest" />
                </td>
                <td data-testid="digest-check" className={digestOk ? 'vote-approve' : 'link-broken'}>
                  {digestOk ? t('console.audit.digestOk') : t('console.audit.digestMismatch')}
                </td>
                <td>
                  <Hash value={version.versionHash} />
                </td>
                <td>
                  <Hash value={version.previousVersionHash} />
                </td>
                <td data-testid="chain-link">{text[link]}</td>
                <td>{version.sealedBy.mspId ?? '-'}</td>
                <td data-testid="version-approvers">{approversOf(version).join(', ') || '-'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The title of each chart of the report, by its data-chart id. */
const CHART_TITLES: Record<(typeof REPORT_CHARTS)[number], ConsoleKey> = {
  'changes-per-version': 'console.audit.chart',
  'changes-per-province': 'console.audit.chartProvince',
  'rejected-attempts': 'console.audit.chartAttempts',
  'proposal-to-seal': 'console.audit.chartDuration',
};

/**
 * A bar's label in the page's language: `national` and `proposal rejected|withdrawn` by the
 * catalogue's labels, a province by its Chinese short name (from the governance record) in Chinese;
 * anything else (version numbers, validation codes, titles) as the report gives it.
 */
export function barLabel(
  lang: Lang,
  label: string,
  provinces: ReadonlyMap<string, string> = new Map(),
): string {
  if (label === 'national') return labelOf(lang, 'scope', 'national');
  const outcome = /^proposal (rejected|withdrawn)$/.exec(label)?.[1];
  if (outcome !== undefined) return `${t(lang, 'console.col.proposal')} ${labelOf(lang, 'status', outcome)}`;
  return lang === 'zh' ? (provinces.get(label) ?? label) : label;
}

/** One chart of the report, drawn from its bars (a row chart but for changes per version). */
function ReportChart({
  id,
  bars,
  provinces,
}: {
  readonly id: (typeof REPORT_CHARTS)[number];
  readonly bars: readonly ChartBar[];
  readonly provinces: ReadonlyMap<string, string>;
}): ReactElement {
  const { t, lang } = useI18n();
  const title = t(CHART_TITLES[id]);
  const labels = bars.map((bar) => barLabel(lang, bar.label, provinces));
  return (
    <figure className="chart" data-chart={id}>
      {bars.length === 0 ? (
        <p className="chart-empty">{t('console.audit.chartEmpty')}</p>
      ) : (
        <Bar
          aria-label={title}
          role="img"
          data={{
            labels,
            datasets: [
              {
                label: title,
                data: bars.map((bar) => bar.value),
                backgroundColor: bars.map((bar) => bar.colour),
              },
            ],
          }}
          options={{
            indexAxis: id === 'changes-per-version' ? 'x' : 'y',
            responsive: true,
            maintainAspectRatio: false,
            animation: false,
            plugins: {
              tooltip: {
                callbacks: {
                  // the report's hover texts are English: in Chinese, the bar's label and value
                  label: (item) => {
                    const bar = bars[item.dataIndex];
                    if (lang === 'en' && bar?.tooltip !== undefined) return bar.tooltip;
                    return `${labels[item.dataIndex] ?? ''}: ${bar?.display ?? String(item.raw)}`;
                  },
                },
              },
            },
          }}
        />
      )}
      <figcaption>{title}</figcaption>
    </figure>
  );
}

/** The report's summary figures, in its order. */
const SUMMARY = [
  'blocks',
  'transactions',
  'validTransactions',
  'invalidTransactions',
  'versions',
  'items',
  'overlays',
] as const;

/** The summary figures and the four charts of the HTML audit report, from `/v1/audit/report`. */
export function ReportCharts({
  report,
  provinces = new Map(),
}: {
  readonly report: AuditReport;
  /** Chinese short names by canonical province name. */
  readonly provinces?: ReadonlyMap<string, string>;
}): ReactElement {
  const { t } = useI18n();
  return (
    <div data-testid="audit-report">
      <p>{t('console.audit.atHeight', { height: report.blockHeight })}</p>
      <dl className="fields summary" data-testid="audit-summary">
        {SUMMARY.map((name) => (
          <div key={name} className="field">
            <dt>{t(`console.audit.summary.${name}`)}</dt>
            <dd>{report.summary[name]}</dd>
          </div>
        ))}
      </dl>
      <div className="charts">
        {REPORT_CHARTS.map((id) => (
          <ReportChart
            key={id}
            id={id}
            bars={report.charts.find((chart) => chart.id === id)?.bars ?? []}
            provinces={provinces}
          />
        ))}
      </div>
    </div>
  );
}

/** A verification of the store: its outcome, time, what the store checks covered, findings. */
function Verification({ result }: { readonly result: AuditVerification }): ReactElement {
  const { t } = useI18n();
  const findings = result.independent?.findings ?? [];
  return (
    <div data-testid="verify-result" className={result.ok ? 'answer covered' : 'answer not-covered'}>
      <p>
        <strong>{result.ok ? t('console.audit.verifyOk') : t('console.audit.verifyFailed')}</strong>{' '}
        {t('console.audit.verifiedAt', { time: result.finishedAt })}
      </p>
      <ul className="plain">
        <li>
          {t('console.audit.storeCheck', {
            versions: result.store.versions ?? '-',
            blocks: result.store.blocks ?? '-',
            valid: result.store.validTransactions ?? '-',
            height: result.blockHeight,
          })}
          {result.store.message === undefined ? '' : ` — ${result.store.message}`}
        </li>
        <li>
          {result.independent === null
            ? t('console.audit.noIndependent')
            : t('console.audit.independent', {
                genesis: result.independent.genesis.slice(0, 12),
                blocks: result.independent.blocks,
                transactions: result.independent.transactions,
              })}
        </li>
        {findings.map((finding, index) => (
          <li key={`${finding.code}-${String(index)}`} data-testid="verify-finding" className="error">
            {finding.code}: {finding.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function DiffView({ diff }: { readonly diff: AuditDiff }): ReactElement {
  const { t } = useI18n();
  return (
    <div data-testid="audit-diff">
      <p>
        {t('console.audit.diffSummary', {
          added: diff.added.length,
          removed: diff.removed.length,
          changed: diff.changed.length,
        })}
      </p>
      <div className="table-wrap" tabIndex={0}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('console.col.item')}</th>
              <th scope="col">{t('console.col.field')}</th>
              <th scope="col">{t('console.col.before')}</th>
              <th scope="col">{t('console.col.after')}</th>
            </tr>
          </thead>
          <tbody>
            {diff.added.map((entry) => (
              <tr key={`a-${entry.kind}-${entry.itemId}-${entry.province ?? ''}`} className="added">
                <td>
                  {entry.kind} {entry.itemId} {entry.province ?? ''}
                </td>
                <td>{t('console.proposal.added')}</td>
                <td>-</td>
                <td>{cellText(entry.data)}</td>
              </tr>
            ))}
            {diff.removed.map((entry) => (
              <tr key={`r-${entry.kind}-${entry.itemId}-${entry.province ?? ''}`} className="removed">
                <td>
                  {entry.kind} {entry.itemId} {entry.province ?? ''}
                </td>
                <td>{t('console.proposal.removed')}</td>
                <td>{cellText(entry.data)}</td>
                <td>-</td>
              </tr>
            ))}
            {diff.changed.flatMap((entry) =>
              entry.fields.map((field) => (
                <tr
                  key={`c-${entry.kind}-${entry.itemId}-${entry.province ?? ''}-${field.field}`}
                  data-testid="audit-diff-field"
                >
                  <td>
                    {entry.kind} {entry.itemId} {entry.province ?? ''}
                  </td>
                  <td>{field.field}</td>
                  <td className="before">{cellText(field.before)}</td>
                  <td className="after">{cellText(field.after)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function Audit(): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const versions = useLoad(() => api.auditVersions(), [api]);
  const proposals = useLoad(() => api.auditProposals(), [api]);
  const invalid = useLoad(() => api.auditInvalid(), [api]);
  const latest = useLoad(() => api.auditLatestVerification(), [api]);
  const report = useLoad(() => api.auditReport(), [api]);
  const governance = useLoad(() => api.governance(), [api]);
  const provinces = new Map((governance.data?.provinces ?? []).map((p) => [p.name, p.zhShort]));
  const [verified, setVerified] = useState<AuditVerification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  useLiveEvent(['version'], () => {
    versions.reload();
    report.reload();
    invalid.reload();
  });
  useLiveEvent(['proposal'], () => {
    proposals.reload();
    report.reload();
  });
  const [range, setRange] = useState({ from: '', to: '' });
  const [diff, setDiff] = useState<AuditDiff | null>(null);
  const [diffError, setDiffError] = useState<unknown>(null);
  const list = [...(versions.data ?? [])].sort((a, b) => a.version - b.version);
  const shown = verified ?? latest.data;

  const verifyNow = async (): Promise<void> => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setVerified(await api.auditVerify());
    } catch (failure) {
      setVerifyError(failure);
    } finally {
      setVerifying(false);
    }
  };

  const compare = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setDiffError(null);
    try {
      setDiff(await api.auditDiff(Number(range.from), Number(range.to)));
    } catch (failure) {
      setDiff(null);
      setDiffError(failure);
    }
  };

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('console.audit.title')}</h2>

      <section aria-labelledby="verify-title" className="card">
        <h3 id="verify-title">{t('console.audit.verify')}</h3>
        <Status loaded={latest} />
        {shown === null ? (
          latest.loading || latest.error !== null ? null : (
            <p>{t('console.audit.notVerified')}</p>
          )
        ) : (
          <Verification result={shown} />
        )}
        <button type="button" data-testid="verify-now" disabled={verifying} onClick={() => void verifyNow()}>
          {verifying ? t('console.audit.verifying') : t('console.audit.verifyNow')}
        </button>
        <ErrorText error={verifyError} />
      </section>

      <section aria-labelledby="charts-title">
        <h3 id="charts-title">{t('console.audit.charts')}</h3>
        <Status loaded={report} />
        {report.data === null ? null : <ReportCharts report={report.data} provinces={provinces} />}
      </section>

      <section aria-labelledby="timeline-title">
        <h3 id="timeline-title">{t('console.audit.timeline')}</h3>
        <Status loaded={versions} />
        {list.length === 0 ? null : <Timeline versions={list} />}
      </section>

      <section aria-labelledby="diff-title">
        <h3 id="diff-title">{t('console.audit.diff')}</h3>
        <form className="form-row" onSubmit={(event) => void compare(event)}>
          <label>
            {t('console.audit.from')}
            <input
              required
              type="number"
              min={0}
              value={range.from}
              data-testid="diff-from"
              onChange={(event) => {
                setRange((r) => ({ ...r, from: event.target.value }));
              }}
            />
          </label>
          <label>
            {t('console.audit.to')}
            <input
              required
              type="number"
              min={1}
              value={range.to}
              data-testid="diff-to"
              onChange={(event) => {
                setRange((r) => ({ ...r, to: event.target.value }));
              }}
            />
          </label>
          <button type="submit">{t('console.audit.compare')}</button>
        </form>
        <ErrorText error={diffError} />
        {diff === null ? null : <DiffView diff={diff} />}
      </section>

      <section aria-labelledby="approvals-title">
        <h3 id="approvals-title">{t('console.audit.approvals')}</h3>
        <Status loaded={proposals} />
        {proposals.data === null ? null : proposals.data.length === 0 ? (
          <p>{t('console.none')}</p>
        ) : (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('console.col.proposal')}</th>
                  <th scope="col">{t('console.col.status')}</th>
                  <th scope="col">{t('console.col.proposer')}</th>
                  <th scope="col">{t('console.col.approvers')}</th>
                  <th scope="col">{t('console.col.sealed')}</th>
                </tr>
              </thead>
              <tbody>
                {proposals.data.map((p) => (
                  <tr key={p.proposalId} data-testid="audit-proposal">
                    <td>
                      {p.proposalId}: {p.title}
                    </td>
                    <td>
                      {labelOf(lang, 'status', p.status)}
                      {p.statusReason === null || p.statusReason === undefined ? '' : ` (${p.statusReason})`}
                    </td>
                    <td>
                      {p.proposer?.mspId ?? '-'} · {p.createdAt}
                    </td>
                    <td>
                      <ul className="plain">
                        {p.votes.map((vote) => (
                          <li key={vote.txId}>
                            {vote.voter.mspId}:{' '}
                            {vote.decision === 'approve'
                              ? t('console.proposal.approve')
                              : t('console.proposal.reject')}{' '}
                            · {vote.timestamp ?? '-'}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {p.applied === null
                        ? '-'
                        : t('console.audit.appliedAs', {
                            version: p.applied.version ?? '-',
                            time: p.applied.timestamp ?? '-',
                          })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="invalid-title">
        <h3 id="invalid-title">{t('console.audit.invalid')}</h3>
        <Status loaded={invalid} />
        {invalid.data === null ? null : invalid.data.length === 0 ? (
          <p>{t('console.none')}</p>
        ) : (
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('console.col.block')}</th>
                  <th scope="col">{t('console.col.tx')}</th>
                  <th scope="col">{t('console.col.code')}</th>
                  <th scope="col">{t('console.col.function')}</th>
                  <th scope="col">{t('console.col.org')}</th>
                  <th scope="col">{t('console.col.time')}</th>
                </tr>
              </thead>
              <tbody>
                {invalid.data.map((tx) => (
                  <tr key={tx.txId} data-testid="invalid-row">
                    <td>{tx.block}</td>
                    <td>
                      <Hash value={tx.txId} />
                    </td>
                    <td title={String(tx.validationCode)}>{tx.validationName}</td>
                    <td>{tx.function ?? '-'}</td>
                    <td>{tx.creatorMsp ?? '-'}</td>
                    <td>{tx.timestamp ?? '-'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
