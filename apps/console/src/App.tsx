/**
 * The console's shell: sign-in with an API key (the session then lives in an HttpOnly cookie), the
 * caller's identity, organisation and role, the language switch, the views the role may use, and one
 * live-event connection for all of them.
 */
import { useEffect, useMemo, useRef, useState, type SyntheticEvent, type ReactElement } from 'react';
import { Api, ApiError, type FetchFn, type Session } from './api';
import { Audit } from './Audit';
import { CreateProposal, ProposalView, Proposals } from './Bureau';
import { ApiContext, ErrorText } from './common';
import { LiveContext, LiveEvents, useLiveEvent, type EventSourceFactory } from './events';
import { ClaimCheck, Coverage, ItemPage, Search } from './Hospital';
import { applyLang, i18nOf, I18nContext, initialLang, labelOf, useI18n, type Lang } from './i18n';
import { can } from './roles';

export type View =
  | { readonly name: 'search' }
  | { readonly name: 'item'; readonly itemId: string }
  | { readonly name: 'coverage' }
  | { readonly name: 'claim' }
  | { readonly name: 'proposals' }
  | { readonly name: 'proposal'; readonly proposalId: string }
  | { readonly name: 'create' }
  | { readonly name: 'audit' };

type Tab = 'search' | 'coverage' | 'claim' | 'proposals' | 'create' | 'audit';

/** The tabs a role sees (reads for everyone; proposals for bureaus and auditors; the rest by role). */
export function tabsOf(role: string): Tab[] {
  const tabs: Tab[] = ['search', 'coverage', 'claim'];
  if (can(role, 'proposals')) tabs.push('proposals');
  if (can(role, 'create')) tabs.push('create');
  if (can(role, 'audit')) tabs.push('audit');
  return tabs;
}

function firstView(role: string): View {
  if (can(role, 'audit')) return { name: 'audit' };
  if (can(role, 'vote') || can(role, 'create')) return { name: 'proposals' };
  return { name: 'search' };
}

const TAB_KEYS = {
  search: 'console.nav.search',
  coverage: 'console.nav.coverage',
  claim: 'console.nav.claim',
  proposals: 'console.nav.proposals',
  create: 'console.nav.create',
  audit: 'console.nav.audit',
} as const;

function SignIn({
  api,
  onSession,
}: {
  readonly api: Api;
  readonly onSession: (session: Session) => void;
}): ReactElement {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.signIn(key.trim());
      setKey('');
      onSession(session);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="sign-in-title" className="card sign-in">
      <h2 id="sign-in-title">{t('console.signIn.title')}</h2>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          {t('console.signIn.key')}
          <input
            type="password"
            required
            autoComplete="current-password"
            data-testid="sign-in-key"
            value={key}
            onChange={(event) => {
              setKey(event.target.value);
            }}
          />
        </label>
        <p className="muted">{t('console.signIn.hint')}</p>
        <button type="submit" data-testid="sign-in-submit" disabled={busy}>
          {t('console.signIn.submit')}
        </button>
      </form>
      <ErrorText error={error} />
    </section>
  );
}

function LiveStatus({ connected }: { readonly connected: boolean | null }): ReactElement | null {
  const { t } = useI18n();
  const [last, setLast] = useState<string | null>(null);
  useLiveEvent(['version', 'proposal'], (type) => {
    setLast(type);
  });
  if (connected === null) return null;
  return (
    <p className="live muted" role="status" data-testid="live-status">
      {connected ? t('console.live.on') : t('console.live.off')}
      {last === null ? '' : ` · ${t('console.live.event', { event: last })}`}
    </p>
  );
}

export interface AppProps {
  /** fetch (the browser's by default). */
  readonly fetchFn?: FetchFn;
  /** EventSource constructor (the browser's by default). */
  readonly eventSource?: EventSourceFactory;
}

export function App({ fetchFn, eventSource }: AppProps): ReactElement {
  const [lang, setLang] = useState<Lang>(initialLang);
  const langRef = useRef(lang);
  langRef.current = lang;
  const api = useMemo(() => new Api(() => langRef.current, fetchFn), [fetchFn]);
  const [session, setSession] = useState<Session | null>(null);
  const [checked, setChecked] = useState(false);
  const [view, setView] = useState<View>({ name: 'search' });
  const [province, setProvince] = useState('');
  const [connected, setConnected] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = useMemo(() => new LiveEvents(setConnected), []);
  const i18n = useMemo(() => i18nOf(lang), [lang]);

  useEffect(() => {
    applyLang(lang);
  }, [lang]);

  // a session cookie from an earlier visit
  useEffect(() => {
    let current = true;
    api
      .session()
      .then(
        (found) => {
          if (current) {
            setSession(found);
            setView(firstView(found.role));
          }
        },
        (failure: unknown) => {
          if (current && !(failure instanceof ApiError && failure.status === 401)) setError(failure);
        },
      )
      .finally(() => {
        if (current) setChecked(true);
      });
    return () => {
      current = false;
    };
  }, [api]);

  useEffect(() => {
    if (session === null) return undefined;
    live.start(eventSource);
    return () => {
      live.stop();
      setConnected(null);
    };
  }, [live, session, eventSource]);

  const signOut = async (): Promise<void> => {
    setError(null);
    try {
      await api.signOut();
      setSession(null);
      setView({ name: 'search' });
    } catch (failure) {
      setError(failure);
    }
  };

  const tabs = session === null ? [] : tabsOf(session.role);
  const active: Tab = view.name === 'item' ? 'search' : view.name === 'proposal' ? 'proposals' : view.name;

  return (
    <I18nContext.Provider value={i18n}>
      <ApiContext.Provider value={api}>
        <LiveContext.Provider value={live}>
          <a className="skip" href="#main">
            {i18n.t('console.app.skip')}
          </a>
          <header className="top no-print">
            <h1>{i18n.t('console.app.title')}</h1>
            <div className="top-tools">
              <button
                type="button"
                data-testid="lang-switch"
                lang={lang === 'zh' ? 'en' : 'zh-CN'}
                aria-label={`${i18n.t('console.lang.label')}: ${i18n.t('console.lang.other')}`}
                onClick={() => {
                  setLang((l) => (l === 'zh' ? 'en' : 'zh'));
                }}
              >
                {i18n.t('console.lang.other')}
              </button>
              {session === null ? null : (
                <>
                  <dl className="who" data-testid="session">
                    <dt>{i18n.t('console.session.identity')}</dt>
                    <dd data-testid="session-identity">{session.identity}</dd>
                    <dt>{i18n.t('console.session.org')}</dt>
                    <dd data-testid="session-org">{session.org}</dd>
                    <dt>{i18n.t('console.session.role')}</dt>
                    <dd>
                      <span className="badge" data-testid="role-badge">
                        {labelOf(lang, 'role', session.role)}
                      </span>
                    </dd>
                  </dl>
                  <button type="button" data-testid="sign-out" onClick={() => void signOut()}>
                    {i18n.t('console.signOut')}
                  </button>
                </>
              )}
            </div>
          </header>
          {session === null ? null : (
            <nav aria-label={i18n.t('console.nav.label')} className="tabs no-print">
              <ul>
                {tabs.map((tab) => (
                  <li key={tab}>
                    <button
                      type="button"
                      data-testid={`nav-${tab}`}
                      aria-current={active === tab ? 'page' : undefined}
                      onClick={() => {
                        setView({ name: tab } as View);
                      }}
                    >
                      {i18n.t(TAB_KEYS[tab])}
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <main id="main" tabIndex={-1}>
            <ErrorText error={error} />
            {session === null ? (
              checked ? (
                <SignIn
                  api={api}
                  onSession={(found) => {
                    setSession(found);
                    setView(firstView(found.role));
                  }}
                />
              ) : null
            ) : (
              <>
                <LiveStatus connected={connected} />
                {view.name === 'search' ? (
                  <Search
                    province={province}
                    onProvince={setProvince}
                    onOpen={(itemId) => {
                      setView({ name: 'item', itemId });
                    }}
                  />
                ) : null}
                {view.name === 'item' ? (
                  <ItemPage
                    itemId={view.itemId}
                    province={province}
                    onBack={() => {
                      setView({ name: 'search' });
                    }}
                  />
                ) : null}
                {view.name === 'coverage' ? <Coverage province={province} /> : null}
                {view.name === 'claim' ? <ClaimCheck province={province} /> : null}
                {view.name === 'proposals' ? (
                  <Proposals
                    onOpen={(proposalId) => {
                      setView({ name: 'proposal', proposalId });
                    }}
                  />
                ) : null}
                {view.name === 'proposal' ? (
                  <ProposalView
                    proposalId={view.proposalId}
                    session={session}
                    onBack={() => {
                      setView({ name: 'proposals' });
                    }}
                  />
                ) : null}
                {view.name === 'create' ? (
                  <CreateProposal
                    session={session}
                    onOpen={(proposalId) => {
                      setView({ name: 'proposal', proposalId });
                    }}
                  />
                ) : null}
                {view.name === 'audit' ? <Audit /> : null}
              </>
            )}
          </main>
          <footer className="no-print">
            <p className="muted">{i18n.t('console.app.footer')}</p>
          </footer>
        </LiveContext.Provider>
      </ApiContext.Provider>
    </I18nContext.Provider>
  );
}
