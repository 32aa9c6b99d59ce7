/**
 * The bureaus' screens: proposals by status with each organisation's vote, a proposal's change set
 * as a field-by-field diff against the head, votes bound to the manifest shown, withdraw, apply,
 * and a new proposal from an uploaded file of changes.
 */
import { useEffect, useRef, useState, type SyntheticEvent, type ReactElement } from 'react';
import type { Change, ProposalStatus } from '@nrdl-catalog/chaincode/model';
import type { Session, Submitted } from './api';
import { ErrorText, Status, useApi, useLoad } from './common';
import { cellText, fieldChanges, type FieldChange } from './diff';
import { useLiveEvent } from './events';
import { InputError, parseChanges, readFile } from './files';
import { labelOf, useI18n, yesNo } from './i18n';
import { can } from './roles';

const STATUSES: readonly ProposalStatus[] = ['open', 'approved', 'draft', 'applied', 'rejected', 'withdrawn'];

export function Proposals({ onOpen }: { readonly onOpen: (proposalId: string) => void }): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const [status, setStatus] = useState<ProposalStatus>('open');
  const list = useLoad(async () => {
    const page = await api.proposals(status);
    return Promise.all(page.records.map((proposal) => api.proposal(proposal.id)));
  }, [api, status]);
  useLiveEvent(['proposal', 'version'], () => {
    list.reload();
  });

  return (
    <section aria-labelledby="proposals-title">
      <h2 id="proposals-title">{t('console.proposals.title')}</h2>
      <label>
        {t('console.proposals.status')}
        <select
          value={status}
          onChange={(event) => {
            setStatus(event.target.value as ProposalStatus);
          }}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {labelOf(lang, 'status', s)}
            </option>
          ))}
        </select>
      </label>
      <Status loaded={list} />
      {list.data === null ? null : list.data.length === 0 ? (
        <p>{t('console.proposals.none')}</p>
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.col.proposal')}</th>
                <th scope="col">{t('console.col.title')}</th>
                <th scope="col">{t('console.col.scope')}</th>
                <th scope="col">{t('console.col.status')}</th>
                <th scope="col">{t('console.col.changes')}</th>
                <th scope="col">{t('console.col.votes')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map(({ proposal, votes }) => (
                <tr key={proposal.id} data-testid="proposal-row">
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        onOpen(proposal.id);
                      }}
                    >
                      {t('console.proposals.open')} {proposal.id}
                    </button>
                  </td>
                  <td>{proposal.title}</td>
                  <td>
                    {labelOf(lang, 'scope', proposal.scope)}
                    {proposal.province === null ? '' : ` · ${proposal.province}`}
                  </td>
                  <td>{labelOf(lang, 'status', proposal.status)}</td>
                  <td>{proposal.changeCount ?? '-'}</td>
                  <td>
                    {votes.length === 0
                      ? t('console.proposal.noVotes')
                      : votes.map((vote) => (
                          <span key={vote.mspId} className={`vote vote-${vote.decision}`}>
                            {vote.mspId}:{' '}
                            {vote.decision === 'approve'
                              ? t('console.proposal.approve')
                              : t('console.proposal.reject')}
                          </span>
                        ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** One change with what it replaces, field by field. */
export interface ChangeDiff {
  readonly change: Change;
  readonly target: string;
  readonly fields: readonly FieldChange[];
  readonly state: 'added' | 'removed' | 'changed';
}

const DIFF_PAGE = 20;

function targetOf(change: Change): string {
  const c = change as Record<string, unknown> & { op: string };
  const item = c.item as { id?: string; name?: string } | undefined;
  const overlay = c.overlay as { itemId?: string; province?: string } | undefined;
  const rule = c.rule as { id?: string } | undefined;
  const policy = c.policy as { province?: string } | undefined;
  if (item !== undefined) return item.id ?? item.name ?? '-';
  if (overlay !== undefined) return `${overlay.itemId ?? '-'} / ${overlay.province ?? '-'}`;
  if (rule !== undefined) return rule.id ?? '-';
  if (policy !== undefined) return policy.province ?? '-';
  const parts = [c.itemId, c.ruleId, c.province].filter((part): part is string => typeof part === 'string');
  return parts.length === 0 ? '-' : parts.join(' / ');
}

/** What the change replaces at the head (null when nothing: a new entry, or a kind the API does not read back). */
async function currentOf(api: ReturnType<typeof useApi>, change: Change): Promise<unknown> {
  const c = change as Record<string, unknown>;
  const read = async <T,>(load: () => Promise<T>): Promise<T | null> => {
    try {
      return await load();
    } catch (error) {
      if (typeof error === 'object' && error !== null && (error as { status?: unknown }).status === 404)
        return null;
      throw error;
    }
  };
  if (change.op === 'upsertItem') {
    const id = (c.item as { id?: string }).id;
    return id === undefined ? null : ((await read(() => api.item(id)))?.item ?? null);
  }
  if (change.op === 'removeItem' || change.op === 'reindexItem')
    return (await read(() => api.item(String(c.itemId))))?.item ?? null;
  if (change.op === 'setOverlay' || change.op === 'clearOverlay') {
    const overlay = (c.overlay ?? c) as { itemId: string; province: string };
    const view = await read(() => api.item(overlay.itemId, overlay.province));
    return view?.overlays.find((o) => o.province.toLowerCase() === overlay.province.toLowerCase()) ?? null;
  }
  return null;
}

function proposedOf(change: Change): unknown {
  const c = change as Record<string, unknown>;
  if (
    change.op === 'removeItem' ||
    change.op === 'clearOverlay' ||
    change.op === 'removeRule' ||
    change.op === 'clearPaymentPolicy'
  )
    return null;
  return c.item ?? c.overlay ?? c.rule ?? c.policy ?? null;
}

/** The diffs of `changes` against the head. */
export async function diffChanges(
  api: ReturnType<typeof useApi>,
  changes: readonly Change[],
): Promise<ChangeDiff[]> {
  return Promise.all(
    changes.map(async (change) => {
      const before = await currentOf(api, change);
      // reindexing writes lookup keys only: the record stays as it is
      const after = change.op === 'reindexItem' ? before : proposedOf(change);
      const fields = fieldChanges(before, after);
      const state = after === null ? 'removed' : before === null ? 'added' : 'changed';
      return { change, target: targetOf(change), fields, state };
    }),
  );
}

export function DiffTable({ diffs }: { readonly diffs: readonly ChangeDiff[] }): ReactElement {
  const { t, lang } = useI18n();
  return (
    <div className="diff">
      {diffs.map((diff, index) => (
        <article key={index} className={`change change-${diff.state}`} data-testid="change-diff">
          <h4>
            {labelOf(lang, 'op', diff.change.op)} · {diff.target}{' '}
            {diff.state === 'added' ? (
              <span className="badge added">{t('console.proposal.added')}</span>
            ) : diff.state === 'removed' ? (
              <span className="badge removed">{t('console.proposal.removed')}</span>
            ) : null}
          </h4>
          {diff.fields.length === 0 ? (
            <p>{t('console.proposal.unchanged')}</p>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('console.col.field')}</th>
                    <th scope="col">{t('console.col.before')}</th>
                    <th scope="col">{t('console.col.after')}</th>
                  </tr>
                </thead>
                <tbody>
                  {diff.fields.map((field) => (
                    <tr key={field.field} data-testid="diff-field">
                      <th scope="row">{field.field}</th>
                      <td className="before">{cellText(field.before)}</td>
                      <td className="after">{cellText(field.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </article>
      ))}
    </div>
  );
}

export function ProposalView({
  proposalId,
  session,
  onBack,
}: {
  readonly proposalId: string;
  readonly session: Session;
  readonly onBack: () => void;
}): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const detail = useLoad(() => api.proposal(proposalId), [api, proposalId]);
  const [page, setPage] = useState(0);
  const changes: Change[] = (detail.data?.chunks ?? []).flatMap((chunk) => [...(chunk.changes ?? [])]);
  const shown = changes.slice(page * DIFF_PAGE, (page + 1) * DIFF_PAGE);
  const diffs = useLoad(() => diffChanges(api, shown), [api, detail.data, page]);
  const [comment, setComment] = useState('');
  const [outcome, setOutcome] = useState<Submitted | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [reasonMissing, setReasonMissing] = useState(false);
  useLiveEvent(['proposal', 'version'], (_type, data) => {
    const id = (data as { proposalId?: unknown } | null)?.proposalId;
    if (id === undefined || id === proposalId) detail.reload();
  });

  const act = async (run: () => Promise<Submitted>): Promise<void> => {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await run());
      detail.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const proposal = detail.data?.proposal;
  const vote = (decision: 'approve' | 'reject'): void => {
    if (proposal === undefined) return;
    if (decision === 'reject' && comment.trim() === '') {
      setReasonMissing(true);
      return;
    }
    setReasonMissing(false);
    // the vote binds to the manifest, base and governance version of the change set shown
    void act(() =>
      api.vote(proposalId, decision, {
        manifestHash: proposal.manifestHash ?? '',
        baseVersion: proposal.baseVersion ?? 0,
        governanceVersion: proposal.governanceVersion ?? 0,
        ...(comment.trim() === '' ? {} : { comment: comment.trim() }),
      }),
    );
  };

  return (
    <section aria-labelledby="proposal-title" className="proposal">
      <button type="button" className="no-print" onClick={onBack}>
        {t('console.proposal.back')}
      </button>
      <Status loaded={detail} />
      {detail.data === null || proposal === undefined ? null : (
        <>
          <h2 id="proposal-title">
            {t('console.proposal.title', { id: proposal.id })}: {proposal.title}
          </h2>
          <p>
            {t('console.proposal.summary', {
              scope:
                labelOf(lang, 'scope', proposal.scope) +
                (proposal.province === null ? '' : ` · ${proposal.province}`),
              status: labelOf(lang, 'status', proposal.status),
              from: proposal.effectiveFrom,
              changes: proposal.changeCount ?? changes.length,
              chunks: proposal.chunkCount ?? detail.data.chunks.length,
            })}
          </p>
          <p className="muted">
            {t('console.proposal.proposer', { org: proposal.proposer.mspId, identity: proposal.proposer.id })}
          </p>
          <p className="muted" data-testid="manifest">
            {t('console.proposal.manifest', {
              hash: proposal.manifestHash ?? '-',
              base: proposal.baseVersion ?? '-',
              governance: proposal.governanceVersion ?? '-',
            })}
          </p>
          <h3>{t('console.proposal.votes')}</h3>
          {detail.data.votes.length === 0 ? (
            <p>{t('console.proposal.noVotes')}</p>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('console.col.org')}</th>
                    <th scope="col">{t('console.col.decision')}</th>
                    <th scope="col">{t('console.col.comment')}</th>
                    <th scope="col">{t('console.col.time')}</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.data.votes.map((v) => (
                    <tr key={v.mspId} data-testid="vote-row">
                      <td>{v.mspId}</td>
                      <td>
                        {v.decision === 'approve'
                          ? t('console.proposal.approve')
                          : t('console.proposal.reject')}
                      </td>
                      <td>{v.comment ?? '-'}</td>
                      <td>{v.timestamp}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {detail.data.tally === null ? null : (
            <p data-testid="tally">
              {t('console.proposal.tally', {
                approvals: [...detail.data.tally.approvals],
                rejections: [...detail.data.tally.rejections],
                needed: detail.data.tally.provincesNeeded,
                national: yesNo(lang, detail.data.tally.requiredNational),
                met: yesNo(lang, detail.data.tally.met),
              })}
            </p>
          )}
          <div className="no-print actions-panel">
            {can(session.role, 'vote') && proposal.status === 'open' ? (
              <>
                <label className="wide">
                  {t('console.proposal.comment')}
                  <textarea
                    rows={2}
                    value={comment}
                    onChange={(event) => {
                      setComment(event.target.value);
                    }}
                  />
                </label>
                <button
                  type="button"
                  data-testid="approve-button"
                  disabled={busy}
                  onClick={() => {
                    vote('approve');
                  }}
                >
                  {t('console.proposal.approve')}
                </button>
                <button
                  type="button"
                  data-testid="reject-button"
                  disabled={busy}
                  onClick={() => {
                    vote('reject');
                  }}
                >
                  {t('console.proposal.reject')}
                </button>
              </>
            ) : null}
            {can(session.role, 'withdraw') && ['draft', 'open', 'approved'].includes(proposal.status) ? (
              <button
                type="button"
                data-testid="withdraw-button"
                disabled={busy}
                onClick={() => void act(() => api.withdraw(proposalId, comment.trim()))}
              >
                {t('console.proposal.withdraw')}
              </button>
            ) : null}
            {can(session.role, 'apply') && proposal.status === 'approved' ? (
              <button
                type="button"
                data-testid="apply-button"
                disabled={busy}
                onClick={() => void act(() => api.apply(proposalId))}
              >
                {t('console.proposal.apply')}
              </button>
            ) : null}
            <button
              type="button"
              data-testid="print-button"
              onClick={() => {
                window.print();
              }}
            >
              {t('console.proposal.print')}
            </button>
          </div>
          {reasonMissing ? (
            <p role="alert" className="error">
              {t('console.proposal.reasonRequired')}
            </p>
          ) : null}
          <ErrorText error={error} />
          {outcome === null ? null : (
            <p role="status" data-testid="action-result">
              {t('console.proposal.done', { block: outcome.blockNumber, tx: outcome.transactionId })}
            </p>
          )}
          <h3>{t('console.proposal.changes')}</h3>
          {changes.length === 0 ? null : (
            <p>
              {t('console.proposal.page', {
                from: page * DIFF_PAGE + 1,
                to: page * DIFF_PAGE + shown.length,
                total: changes.length,
              })}
            </p>
          )}
          <Status loaded={diffs} />
          {diffs.data === null ? null : <DiffTable diffs={diffs.data} />}
          <div className="no-print">
            {page > 0 ? (
              <button
                type="button"
                onClick={() => {
                  setPage((p) => p - 1);
                }}
              >
                {t('console.proposal.prev')}
              </button>
            ) : null}
            {(page + 1) * DIFF_PAGE < changes.length ? (
              <button
                type="button"
                onClick={() => {
                  setPage((p) => p + 1);
                }}
              >
                {t('console.proposal.next')}
              </button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}

export function CreateProposal({
  session,
  onOpen,
}: {
  readonly session: Session;
  readonly onOpen: (proposalId: string) => void;
}): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const [form, setForm] = useState({ title: '', rationale: '', scope: 'national', effectiveFrom: '' });
  const [changes, setChanges] = useState<Change[] | null>(null);
  const [inputError, setInputError] = useState<InputError | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [progress, setProgress] = useState<{ done: number; total: number | null } | null>(null);
  const [created, setCreated] = useState<{ id: string; status: string; resumed: boolean } | null>(null);
  // the chunk size of the governance record in force (the bar is indeterminate until it is known)
  const governance = useLoad(() => api.governance(), [api]);
  const size = governance.data?.maxChunkChanges ?? null;
  const chunks = (count: number): number | null => (size === null ? null : Math.ceil(count / size));
  const seen = useRef(new Set<number>());
  const submitting = progress !== null && created === null;

  // ChunkAdded events of the proposal being filled advance the bar
  useLiveEvent(['proposal'], (_type, data) => {
    if (!submitting) return;
    const index = (data as { chunkIndex?: unknown } | null)?.chunkIndex;
    if (typeof index !== 'number') return;
    seen.current.add(index);
    setProgress((p) => (p === null ? p : { ...p, done: Math.min(seen.current.size, p.total ?? Infinity) }));
  });

  useEffect(() => {
    seen.current = new Set();
  }, [changes]);

  const set =
    (name: keyof typeof form) =>
    (event: { target: { value: string } }): void => {
      setForm((f) => ({ ...f, [name]: event.target.value }));
    };

  const onFile = async (file: File): Promise<void> => {
    setInputError(null);
    setChanges(null);
    try {
      setChanges(parseChanges(await readFile(file)));
    } catch (failure) {
      if (failure instanceof InputError) setInputError(failure);
      else setError(failure);
    }
  };

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (changes === null) {
      setInputError(new InputError('console.create.noChanges'));
      return;
    }
    setError(null);
    setCreated(null);
    seen.current = new Set();
    setProgress({ done: 0, total: chunks(changes.length) });
    try {
      const answer = await api.createProposal({
        title: form.title.trim(),
        ...(form.rationale.trim() === '' ? {} : { rationale: form.rationale.trim() }),
        scope: form.scope.trim(),
        effectiveFrom: form.effectiveFrom,
        changes,
      });
      setProgress((p) => (p === null ? p : { total: p.total ?? p.done, done: p.total ?? p.done }));
      setCreated({ id: answer.proposalId, status: answer.status, resumed: answer.resumed });
    } catch (failure) {
      setProgress(null);
      setError(failure);
    }
  };

  if (!can(session.role, 'create')) return <></>;
  return (
    <section aria-labelledby="create-title">
      <h2 id="create-title">{t('console.create.title')}</h2>
      <form className="form-grid" onSubmit={(event) => void submit(event)}>
        <label>
          {t('console.create.name')}
          <input required maxLength={200} value={form.title} onChange={set('title')} />
        </label>
        <label>
          {t('console.create.scope')}
          <input required value={form.scope} onChange={set('scope')} />
        </label>
        <label>
          {t('console.create.effectiveFrom')}
          <input required type="date" value={form.effectiveFrom} onChange={set('effectiveFrom')} />
        </label>
        <label className="wide">
          {t('console.create.rationale')}
          <textarea rows={3} value={form.rationale} onChange={set('rationale')} />
        </label>
        <label className="wide">
          {t('console.create.file')}
          <input
            type="file"
            accept=".csv,.json,text/csv,application/json"
            data-testid="changes-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file !== undefined) void onFile(file);
            }}
          />
        </label>
        {changes === null ? null : (
          <p className="wide" data-testid="changes-parsed">
            {t('console.create.parsed', { count: changes.length, chunks: chunks(changes.length), size })}
          </p>
        )}
        <div className="actions">
          <button type="submit" disabled={submitting}>
            {t('console.create.submit')}
          </button>
        </div>
      </form>
      {progress === null ? null : (
        <label>
          {t('console.create.progress')} ({progress.done}/{progress.total ?? '?'})
          {progress.total === null ? (
            <progress data-testid="create-progress" />
          ) : (
            <progress data-testid="create-progress" max={progress.total} value={progress.done} />
          )}
        </label>
      )}
      {inputError === null ? null : (
        <p role="alert" className="error">
          {t(inputError.key, inputError.params)}
        </p>
      )}
      <ErrorText error={error} />
      {created === null ? null : (
        <p role="status" data-testid="create-result">
          {t(created.resumed ? 'console.create.resumed' : 'console.create.created', {
            id: created.id,
            status: labelOf(lang, 'status', created.status),
          })}{' '}
          <button
            type="button"
            className="link"
            onClick={() => {
              onOpen(created.id);
            }}
          >
            {t('console.proposals.open')}
          </button>
        </p>
      )}
    </section>
  );
}
