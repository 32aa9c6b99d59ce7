/**
 * The auditor's screens (all from `/v1/audit/…`, see PATHS in api.ts): the version timeline with
 * digests and the hash chain checked link by link, a chart of changes per version, the difference
 * between two versions, who proposed and approved what and when, invalid transactions, and the
 * latest verification with its time.
 */
import { useState, type SyntheticEvent, type ReactElement } from 'react';
import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import type { AuditDiff, AuditVersion } from './api';
import { ErrorText, Hash, Status, useApi, useLoad } from './common';
import { cellText } from './diff';
import { useLiveEvent } from './events';
import { labelOf, useI18n } from './i18n';

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

function changesOf(version: AuditVersion): number {
  return version.changeCount ?? version.changes ?? 0;
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
            <th scope="col">{t('console.col.hash')}</th>
            <th scope="col">{t('console.col.previous')}</th>
            <th scope="col">{t('console.col.chain')}</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version, index) => {
            const link = links[index] ?? 'start';
            return (
              <tr key={version.version} data-testid="version-row" className={`link-${link}`}>
                <td>{version.version}</td>
                <td>{version.effectiveFrom ?? '-'}</td>
                <td>{version.sealedAt ?? version.timestamp ?? '-'}</td>
                <td>
                  {version.scope === undefined ? '-' : labelOf(lang, 'scope', version.scope)}
                  {version.province === null || version.province === undefined
                    ? ''
                    : ` · ${version.province}`}
                </td>
                <td>{changesOf(version)}</td>
                <td>
                  <Hash value={version.digest} testId="digest" />
                </td>
                <td>
                  <Hash value={version.versionHash} />
                </td>
                <td>
                  <Hash value={version.previousVersionHash} />
                </td>
                <td data-testid="chain-link">{text[link]}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ChangesChart({ versions }: { readonly versions: readonly AuditVersion[] }): ReactElement {
  const { t } = useI18n();
  return (
    <figure className="chart">
      <Bar
        aria-label={t('console.audit.chart')}
        role="img"
        data={{
          labels: versions.map((v) => String(v.version)),
          datasets: [
            { label: t('console.col.changes'), data: versions.map(changesOf), backgroundColor: '#1f5fa8' },
          ],
        }}
        options={{ responsive: true, maintainAspectRatio: false, animation: false }}
      />
      <figcaption>{t('console.audit.chart')}</figcaption>
    </figure>
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
  const { t } = useI18n();
  const api = useApi();
  const versions = useLoad(() => api.auditVersions(), [api]);
  const proposals = useLoad(() => api.auditProposals(), [api]);
  const invalid = useLoad(() => api.auditInvalid(), [api]);
  const verify = useLoad(() => api.auditVerify(), [api]);
  useLiveEvent(['version'], () => {
    versions.reload();
    verify.reload();
  });
  useLiveEvent(['proposal'], () => {
    proposals.reload();
  });
  const [range, setRange] = useState({ from: '', to: '' });
  const [diff, setDiff] = useState<AuditDiff | null>(null);
  const [diffError, setDiffError] = useState<unknown>(null);
  const list = [...(versions.data ?? [])].sort((a, b) => a.version - b.version);

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
        <Status loaded={verify} />
        {verify.data === null ? null : (
          <div
            data-testid="verify-result"
            className={verify.data.ok ? 'answer covered' : 'answer not-covered'}
          >
            <p>
              <strong>
                {verify.data.ok ? t('console.audit.verifyOk') : t('console.audit.verifyFailed')}
              </strong>{' '}
              {t('console.audit.verifiedAt', { time: verify.data.checkedAt })}
            </p>
            <dl className="fields">
              {Object.entries(verify.data)
                .filter(([name]) => name !== 'ok' && name !== 'checkedAt')
                .map(([name, value]) => (
                  <div key={name} className="field">
                    <dt>{name}</dt>
                    <dd>{cellText(value)}</dd>
                  </div>
                ))}
            </dl>
          </div>
        )}
      </section>

      <section aria-labelledby="timeline-title">
        <h3 id="timeline-title">{t('console.audit.timeline')}</h3>
        <Status loaded={versions} />
        {list.length === 0 ? null : (
          <>
            <ChangesChart versions={list} />
            <Timeline versions={list} />
          </>
        )}
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
                </tr>
              </thead>
              <tbody>
                {proposals.data.map((p) => (
                  <tr key={p.id} data-testid="audit-proposal">
                    <td>
                      {p.id}: {p.title}
                    </td>
                    <td>{p.status}</td>
                    <td>
                      {p.proposer.mspId} · {p.createdAt}
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
                    <td>{String(tx.validationCode)}</td>
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
