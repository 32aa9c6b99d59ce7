/** The hospital's screens: search as you type, an item's page, coverage, a claim check. */
import { useEffect, useState, type SyntheticEvent, type ReactElement } from 'react';
import type { CoverageResult, CoverageMatches, HistoryChange, ItemKind } from '@nrdl-catalog/chaincode/model';
import { codeWithLabel, message } from '@nrdl-catalog/chaincode/messages';
import { ApiError, type ClaimAnswer, type CoverageQuery, type ItemView, type SearchAnswer } from './api';
import { ErrorText, Status, useApi, useLoad } from './common';
import { cellText } from './diff';
import { InputError, parseClaim, readFile } from './files';
import { labelOf, tOr, useI18n, yesNo, type ConsoleKey } from './i18n';
import { useLiveEvent } from './events';

/** How long typing must pause before the search runs. */
export const SEARCH_DEBOUNCE_MS = 250;
const PAGE = 20;
const KINDS: readonly ItemKind[] = ['drug', 'herbal', 'service', 'material'];

export function Search({
  onOpen,
  province,
  onProvince,
}: {
  readonly onOpen: (itemId: string) => void;
  readonly province: string;
  readonly onProvince: (province: string) => void;
}): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const [text, setText] = useState('');
  const [kind, setKind] = useState<ItemKind | ''>('');
  const [limit, setLimit] = useState(PAGE);
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [refresh, setRefresh] = useState(0);
  useLiveEvent(['version'], () => {
    setRefresh((n) => n + 1);
  });

  useEffect(() => {
    const q = text.trim();
    if (q === '') {
      setAnswer(null);
      setError(null);
      return undefined;
    }
    let current = true;
    const timer = setTimeout(() => {
      api
        .search({ q, kind: kind === '' ? undefined : kind, province: province.trim() || undefined, limit })
        .then(
          (found) => {
            if (current) {
              setAnswer(found);
              setError(null);
            }
          },
          (failure: unknown) => {
            if (current) setError(failure);
          },
        );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [api, text, kind, province, limit, refresh]);

  return (
    <section aria-labelledby="search-title">
      <h2 id="search-title">{t('console.search.title')}</h2>
      <div className="form-row">
        <label>
          {t('console.search.label')}
          <input
            type="search"
            data-testid="search-input"
            value={text}
            autoComplete="off"
            onChange={(event) => {
              setText(event.target.value);
              setLimit(PAGE);
            }}
          />
        </label>
        <label>
          {t('console.search.kind')}
          <select
            value={kind}
            onChange={(event) => {
              setKind(event.target.value as ItemKind | '');
            }}
          >
            <option value="">{t('console.search.any')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {labelOf(lang, 'kind', k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('console.search.province')}
          <input
            value={province}
            onChange={(event) => {
              onProvince(event.target.value);
            }}
          />
        </label>
      </div>
      <ErrorText error={error} />
      {answer === null ? null : (
        <>
          <p aria-live="polite">
            {answer.total === 0
              ? t('console.search.none')
              : t('console.search.summary', {
                  total: answer.total,
                  version: answer.catalogVersion,
                  digest: answer.digest.slice(0, 12),
                })}
          </p>
          {answer.hits.length === 0 ? null : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('console.col.name')}</th>
                    <th scope="col">{t('console.col.form')}</th>
                    <th scope="col">{t('console.col.kind')}</th>
                    <th scope="col">{t('console.col.class')}</th>
                    <th scope="col">{t('console.col.section')}</th>
                    <th scope="col">{t('console.col.province')}</th>
                    <th scope="col">{t('console.col.match')}</th>
                  </tr>
                </thead>
                <tbody>
                  {answer.hits.map((hit) => (
                    <tr key={hit.itemId} data-testid="search-result">
                      <td>
                        <button
                          type="button"
                          className="link"
                          onClick={() => {
                            onOpen(hit.itemId);
                          }}
                        >
                          {hit.name}
                        </button>
                        <div className="muted">{hit.itemId}</div>
                      </td>
                      <td>{hit.dosageForm ?? '-'}</td>
                      <td>{labelOf(lang, 'kind', hit.kind)}</td>
                      <td>{hit.class ?? '-'}</td>
                      <td>{labelOf(lang, 'section', hit.section)}</td>
                      <td>{provinceText(lang, hit.province, hit.provinceNames)}</td>
                      <td>{tOr(lang, `console.match.${hit.match}`, hit.match)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {answer.total > answer.hits.length + answer.offset ? (
            <button
              type="button"
              onClick={() => {
                setLimit((n) => n + PAGE);
              }}
            >
              {t('console.search.more')}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

function provinceText(
  lang: 'zh' | 'en',
  province: string | null,
  names: { readonly zh: string } | null | undefined,
): string {
  if (province === null) return '-';
  return lang === 'zh' && names !== null && names !== undefined ? names.zh : province;
}

/** The payment standard as shown: its text, or 价格保密 when the price is confidential. */
export function paymentText(
  lang: 'zh' | 'en',
  standard:
    | { readonly text: string; readonly amount: number | null; readonly confidential: boolean }
    | null
    | undefined,
): string {
  if (standard === null || standard === undefined) return '-';
  if (standard.confidential) return message(lang, 'word.confidential');
  if (standard.text !== '') return standard.text;
  return standard.amount === null ? '-' : String(standard.amount);
}

function periodText(
  t: (key: ConsoleKey, params?: Record<string, string>) => string,
  period: { readonly from: string; readonly to: string } | null | undefined,
): string {
  return period === null || period === undefined
    ? '-'
    : t('console.item.period', { from: period.from, to: period.to });
}

const ITEM_FIELDS = [
  'id',
  'name',
  'kind',
  'section',
  'number',
  'class',
  'categoryCode',
  'categoryPath',
  'dosageForm',
  'remark',
  'paymentStandard',
  'agreementPeriod',
  'fundPayable',
  'province',
  'code',
  'codes',
  'unit',
  'prices',
  'rules',
  'provenance',
] as const;

export function ItemPage({
  itemId,
  province,
  onBack,
}: {
  readonly itemId: string;
  readonly province: string;
  readonly onBack: () => void;
}): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const [termsProvince, setTermsProvince] = useState(province);
  const asked = termsProvince.trim() || undefined;
  const view = useLoad(() => api.item(itemId, asked), [api, itemId, asked]);
  const history = useLoad(() => api.itemHistory(itemId, asked), [api, itemId, asked]);
  useLiveEvent(['version'], () => {
    view.reload();
    history.reload();
  });
  const data: ItemView | null = view.data;
  const item = data?.item;
  const restriction = data?.overlays.find((o) => o.restriction !== null)?.restriction ?? item?.remark ?? null;
  const historyRows: HistoryChange[] = [
    ...(history.data?.changes ?? []),
    ...(history.data?.overlayChanges ?? []),
  ].sort((a, b) => a.version - b.version);

  return (
    <section aria-labelledby="item-title">
      <button type="button" onClick={onBack}>
        {t('console.item.back')}
      </button>
      <Status loaded={view} />
      {item === undefined || data === null ? null : (
        <>
          <h2 id="item-title" data-testid="item-title">
            {item.name}
            {item.dosageForm === null ? '' : ` · ${item.dosageForm}`}
          </h2>
          <p className="muted">
            {t('console.item.asOf', {
              version: data.catalogVersion,
              from: data.versionEffectiveFrom ?? '-',
              listed: data.listedInVersion,
              proposal: data.proposalId,
            })}
          </p>
          <dl className="facts">
            <dt>{t('console.field.class')}</dt>
            <dd data-testid="item-class">{item.class === null ? '-' : labelOf(lang, 'class', item.class)}</dd>
            <dt>{t('console.item.restriction')}</dt>
            <dd data-testid="item-restriction">{restriction ?? '-'}</dd>
            <dt>{t('console.item.paymentStandard')}</dt>
            <dd data-testid="item-payment">{paymentText(lang, item.paymentStandard)}</dd>
            <dt>{t('console.item.agreement')}</dt>
            <dd data-testid="item-agreement">{periodText(t, item.agreementPeriod)}</dd>
          </dl>
          <label>
            {t('console.item.province')}
            <input
              value={termsProvince}
              onChange={(event) => {
                setTermsProvince(event.target.value);
              }}
            />
          </label>
          <h3>{t('console.item.provincial')}</h3>
          {data.overlays.length === 0 ? (
            <p>{t('console.item.provincialNone')}</p>
          ) : (
            <div className="table-wrap" tabIndex={0}>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('console.field.province')}</th>
                    <th scope="col">{t('console.field.restriction')}</th>
                    <th scope="col">{t('console.field.selfPayRatio')}</th>
                    <th scope="col">{t('console.field.prices')}</th>
                    <th scope="col">{t('console.field.suspended')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.overlays.map((overlay) => (
                    <tr key={overlay.province} data-testid="overlay-row">
                      <td>{provinceText(lang, overlay.province, overlay.provinceNames)}</td>
                      <td>{overlay.restriction ?? '-'}</td>
                      <td>{overlay.selfPayRatio === null ? '-' : String(overlay.selfPayRatio)}</td>
                      <td>{cellText(overlay.prices)}</td>
                      <td>{yesNo(lang, overlay.suspended)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>{t('console.item.fields')}</h3>
          <dl className="fields">
            {ITEM_FIELDS.map((field) => {
              const value: unknown = (item as unknown as Record<string, unknown>)[field];
              let text: string;
              if (field === 'kind') text = labelOf(lang, 'kind', item.kind);
              else if (field === 'section') text = labelOf(lang, 'section', item.section);
              else if (field === 'paymentStandard') text = paymentText(lang, item.paymentStandard);
              else if (field === 'agreementPeriod') text = periodText(t, item.agreementPeriod);
              else if (field === 'fundPayable') text = yesNo(lang, item.fundPayable);
              else if (field === 'categoryPath' || field === 'codes')
                text = Array.isArray(value) && value.length > 0 ? value.map(String).join(' / ') : '-';
              else text = cellText(value);
              return (
                <div key={field} className="field">
                  <dt>{tOr(lang, `console.field.${field}`, field)}</dt>
                  <dd>{text}</dd>
                </div>
              );
            })}
          </dl>
          {data.rules === undefined || data.rules.length === 0 ? null : (
            <>
              <h3>{t('console.item.rules')}</h3>
              <ul>
                {data.rules.map((entry, index) => (
                  <li key={index}>
                    {entry.role}: {cellText(entry.rule)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      <h3>{t('console.item.history')}</h3>
      <Status loaded={history} />
      {historyRows.length === 0 ? null : (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('console.col.version')}</th>
                <th scope="col">{t('console.col.effectiveFrom')}</th>
                <th scope="col">{t('console.col.op')}</th>
                <th scope="col">{t('console.col.proposal')}</th>
                <th scope="col">{t('console.col.tx')}</th>
              </tr>
            </thead>
            <tbody>
              {historyRows.map((change, index) => (
                <tr key={`${String(change.version)}-${String(index)}`} data-testid="history-row">
                  <td>{change.version}</td>
                  <td>{change.effectiveFrom ?? '-'}</td>
                  <td>
                    {labelOf(lang, 'op', change.op)}
                    {change.overlay === undefined || change.overlay === null
                      ? ''
                      : ` (${change.overlay.province})`}
                  </td>
                  <td>{change.proposalId}</td>
                  <td>
                    <code>{change.txId === null ? '-' : change.txId.slice(0, 12)}</code>
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

type By = 'itemId' | 'name' | 'code';

/** A coverage answer: covered or not, why, and the terms that applied. */
export function CoverageAnswerView({ answer }: { readonly answer: CoverageResult }): ReactElement {
  const { t, lang } = useI18n();
  return (
    <div data-testid="coverage-result" className={answer.covered ? 'answer covered' : 'answer not-covered'}>
      <p className="verdict">
        <strong>{answer.covered ? t('console.coverage.covered') : t('console.coverage.notCovered')}</strong>{' '}
        {codeWithLabel(lang, 'reason', answer.reason)}
      </p>
      <dl className="facts">
        <dt>{t('console.col.item')}</dt>
        <dd>
          {answer.name ?? '-'} ({answer.itemId})
        </dd>
        <dt>{t('console.field.class')}</dt>
        <dd>{answer.class === null ? '-' : labelOf(lang, 'class', answer.class)}</dd>
        <dt>{t('console.item.restriction')}</dt>
        <dd>{answer.restriction ?? '-'}</dd>
        <dt>{t('console.item.paymentStandard')}</dt>
        <dd>{paymentText(lang, answer.paymentStandard)}</dd>
        <dt>{t('console.item.agreement')}</dt>
        <dd>
          {answer.agreementPeriod === null
            ? '-'
            : t('console.item.period', { from: answer.agreementPeriod.from, to: answer.agreementPeriod.to })}
        </dd>
      </dl>
      <p className="muted">
        {t('console.coverage.version', {
          version: answer.catalogVersion,
          from: answer.versionEffectiveFrom ?? '-',
          date: answer.date,
        })}
      </p>
    </div>
  );
}

function isMatches(answer: unknown): answer is CoverageMatches {
  return (
    typeof answer === 'object' && answer !== null && Array.isArray((answer as { matches?: unknown }).matches)
  );
}

export function Coverage({ province: initialProvince }: { readonly province: string }): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const [form, setForm] = useState({
    province: initialProvince,
    by: 'itemId' as By,
    item: '',
    date: '',
    age: '',
    sex: '',
    level: '',
    visit: '',
    insurance: '',
  });
  const [answer, setAnswer] = useState<CoverageResult | CoverageMatches | null>(null);
  const [error, setError] = useState<unknown>(null);
  const set =
    (name: keyof typeof form) =>
    (event: { target: { value: string } }): void => {
      setForm((f) => ({ ...f, [name]: event.target.value }));
    };

  const ask = async (override?: string): Promise<void> => {
    const query: CoverageQuery = {
      province: form.province.trim(),
      ...(override === undefined ? { [form.by]: form.item.trim() } : { itemId: override }),
      ...(form.date === '' ? {} : { date: form.date }),
      ...(form.age === '' ? {} : { age: Number(form.age) }),
      ...(form.sex === '' ? {} : { sex: form.sex as 'M' | 'F' }),
      ...(form.level === '' ? {} : { level: Number(form.level) as 1 | 2 | 3 }),
      ...(form.visit === '' ? {} : { visit: form.visit as 'inpatient' | 'outpatient' }),
      ...(form.insurance === '' ? {} : { insurance: form.insurance as 'employee' }),
    };
    setError(null);
    try {
      setAnswer(await api.coverage(query));
    } catch (failure) {
      setAnswer(null);
      setError(failure);
    }
  };
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    void ask();
  };

  return (
    <section aria-labelledby="coverage-title">
      <h2 id="coverage-title">{t('console.coverage.title')}</h2>
      <form onSubmit={submit} className="form-grid">
        <label>
          {t('console.coverage.province')}
          <input required value={form.province} onChange={set('province')} />
        </label>
        <label>
          {t('console.coverage.by')}
          <select value={form.by} onChange={set('by')}>
            <option value="itemId">{t('console.coverage.byItemId')}</option>
            <option value="name">{t('console.coverage.byName')}</option>
            <option value="code">{t('console.coverage.byCode')}</option>
          </select>
        </label>
        <label>
          {t('console.coverage.item')}
          <input required value={form.item} onChange={set('item')} data-testid="coverage-item" />
        </label>
        <label>
          {t('console.coverage.date')}
          <input type="date" value={form.date} onChange={set('date')} />
        </label>
        <label>
          {t('console.coverage.age')}
          <input type="number" min={0} max={150} value={form.age} onChange={set('age')} />
        </label>
        <label>
          {t('console.coverage.sex')}
          <select value={form.sex} onChange={set('sex')}>
            <option value="">{t('console.search.any')}</option>
            <option value="M">{labelOf(lang, 'sex', 'male')}</option>
            <option value="F">{labelOf(lang, 'sex', 'female')}</option>
          </select>
        </label>
        <label>
          {t('console.coverage.level')}
          <select value={form.level} onChange={set('level')}>
            <option value="">{t('console.search.any')}</option>
            {[1, 2, 3].map((level) => (
              <option key={level} value={String(level)}>
                {labelOf(lang, 'level', level)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('console.coverage.visit')}
          <select value={form.visit} onChange={set('visit')}>
            <option value="">{t('console.search.any')}</option>
            <option value="outpatient">{labelOf(lang, 'visit', 'outpatient')}</option>
            <option value="inpatient">{labelOf(lang, 'visit', 'inpatient')}</option>
          </select>
        </label>
        <label>
          {t('console.coverage.insurance')}
          <select value={form.insurance} onChange={set('insurance')}>
            <option value="">{t('console.search.any')}</option>
            {(['employee', 'resident', 'workInjury', 'maternity'] as const).map((name) => (
              <option key={name} value={name}>
                {t(`console.coverage.insurance.${name}`)}
              </option>
            ))}
          </select>
        </label>
        <div className="actions">
          <button type="submit">{t('console.coverage.submit')}</button>
        </div>
      </form>
      <ErrorText error={error} />
      {answer === null ? null : isMatches(answer) ? (
        <div data-testid="coverage-result">
          <p>{t('console.coverage.matches', { count: answer.matches.length })}</p>
          <ul>
            {answer.matches.map((match) => (
              <li key={match.itemId}>
                <button type="button" className="link" onClick={() => void ask(match.itemId)}>
                  {match.name ?? match.itemId} · {match.dosageForm ?? '-'} ({match.itemId})
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <CoverageAnswerView answer={answer} />
      )}
    </section>
  );
}

export function ClaimCheck({ province: initialProvince }: { readonly province: string }): ReactElement {
  const { t, lang } = useI18n();
  const api = useApi();
  const [province, setProvince] = useState(initialProvince);
  const [date, setDate] = useState('');
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<ClaimAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [inputError, setInputError] = useState<InputError | null>(null);

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setInputError(null);
    let lines;
    try {
      lines = parseClaim(text);
    } catch (failure) {
      if (failure instanceof InputError) {
        setInputError(failure);
        return;
      }
      throw failure;
    }
    try {
      setAnswer(await api.checkClaim({ province: province.trim(), ...(date === '' ? {} : { date }), lines }));
    } catch (failure) {
      setAnswer(null);
      setError(failure);
    }
  };

  return (
    <section aria-labelledby="claim-title">
      <h2 id="claim-title">{t('console.claim.title')}</h2>
      <form onSubmit={(event) => void submit(event)} className="form-grid">
        <label>
          {t('console.claim.province')}
          <input
            required
            value={province}
            onChange={(event) => {
              setProvince(event.target.value);
            }}
          />
        </label>
        <label>
          {t('console.claim.date')}
          <input
            type="date"
            value={date}
            onChange={(event) => {
              setDate(event.target.value);
            }}
          />
        </label>
        <label className="wide">
          {t('console.claim.text')}
          <textarea
            rows={8}
            value={text}
            data-testid="claim-text"
            onChange={(event) => {
              setText(event.target.value);
            }}
          />
        </label>
        <label className="wide">
          {t('console.claim.file')}
          <input
            type="file"
            accept=".csv,.json,text/csv,application/json"
            data-testid="claim-file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file !== undefined) void readFile(file).then(setText, setError);
            }}
          />
        </label>
        <div className="actions">
          <button type="submit">{t('console.claim.submit')}</button>
        </div>
      </form>
      {inputError === null ? null : (
        <p role="alert" className="error">
          {t(inputError.key, inputError.params)}
        </p>
      )}
      <ErrorText error={error} />
      {answer === null ? null : (
        <div data-testid="claim-result">
          <p>
            {t('console.claim.summary', {
              lines: answer.summary.lines,
              errors: answer.summary.errors,
              findings: answer.summary.findings,
              version: answer.catalogVersion,
            })}
          </p>
          <h3>{t('console.claim.lines')}</h3>
          <div className="table-wrap" tabIndex={0}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('console.col.line')}</th>
                  <th scope="col">{t('console.col.result')}</th>
                  <th scope="col">{t('console.col.item')}</th>
                  <th scope="col">{t('console.col.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.lines.map((line) => {
                  const coverage = line.coverage as (CoverageResult & { reason: string }) | null;
                  return (
                    <tr key={line.line} data-testid="claim-line" className={`status-${line.status}`}>
                      <td>{line.line}</td>
                      <td>{t(`console.claim.status.${line.status}`)}</td>
                      <td>{coverage === null ? '-' : `${coverage.name ?? ''} (${coverage.itemId})`}</td>
                      <td>
                        {line.error !== null
                          ? `${line.error.code}: ${line.error.text?.[lang] ?? line.error.message}`
                          : coverage === null || !('reason' in coverage)
                            ? '-'
                            : codeWithLabel(lang, 'reason', coverage.reason)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <h3>{t('console.claim.findings')}</h3>
          {answer.findings.length === 0 ? (
            <p>{t('console.none')}</p>
          ) : (
            <ul>
              {answer.findings.map((finding, index) => (
                <li key={index} data-testid="claim-finding" className={`finding-${finding.outcome}`}>
                  {finding.text[lang]}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

/** Whether an error is the API's "not found" (an item not yet in the catalog). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
