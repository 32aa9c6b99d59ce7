/** Pieces every view uses: the API of the page, loading state, refusals shown as `CODE: message`. */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactElement,
} from 'react';
import { Api, errorLine } from './api';
import { useI18n } from './i18n';

export const ApiContext = createContext<Api | null>(null);

export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside ApiContext');
  return api;
}

export interface Loaded<T> {
  readonly data: T | null;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Runs `load` now and on `reload()`; only the latest run's answer is kept. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: unknown; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  });
  const run = useRef(0);
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback((): void => {
    const id = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    latest.current().then(
      (data) => {
        if (id === run.current) setState({ data, error: null, loading: false });
      },
      (error: unknown) => {
        if (id === run.current) setState({ data: null, error, loading: false });
      },
    );
  }, []);
  useEffect(reload, deps);
  return { ...state, reload };
}

/** A refusal or failure, plainly. */
export function ErrorText({ error }: { readonly error: unknown }): ReactElement | null {
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className="error">
      {errorLine(error)}
    </p>
  );
}

/** What a view shows while loading, on a refusal, or its content. */
export function Status({ loaded }: { readonly loaded: Loaded<unknown> }): ReactElement | null {
  const { t } = useI18n();
  if (loaded.error !== null) return <ErrorText error={loaded.error} />;
  if (loaded.loading && loaded.data === null) return <p aria-live="polite">{t('console.loading')}</p>;
  return null;
}

/** The first 12 characters of a hash (the whole one in its title). */
export function Hash({
  value,
  testId,
}: {
  readonly value: string | null | undefined;
  readonly testId?: string;
}): ReactElement {
  if (value === null || value === undefined || value === '') return <span>-</span>;
  return (
    <code className="hash" title={value} data-testid={testId}>
      {value.slice(0, 12)}…
    </code>
  );
}
