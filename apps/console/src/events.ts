/**
 * Live updates: one EventSource on `GET /v1/events` (server-sent events `version` and `proposal`,
 * JSON data) for the whole page; views subscribe to the events that make them stale.
 */
import { createContext, useContext, useEffect, useRef } from 'react';
import { PATHS } from './api';

export type LiveEventType = 'version' | 'proposal';
export const LIVE_EVENT_TYPES: readonly LiveEventType[] = ['version', 'proposal'];

export type LiveListener = (type: LiveEventType, data: unknown) => void;

/** The event source constructor (the browser's EventSource; a fake in tests). */
export type EventSourceFactory = (url: string) => Pick<EventSource, 'addEventListener' | 'close'> & {
  onopen: EventSource['onopen'];
  onerror: EventSource['onerror'];
};

export class LiveEvents {
  readonly #listeners = new Set<LiveListener>();
  #source: ReturnType<EventSourceFactory> | null = null;

  public constructor(private readonly onState: (connected: boolean) => void = (): void => undefined) {}

  public start(factory: EventSourceFactory = (url) => new EventSource(url)): void {
    if (this.#source !== null) return;
    const source = factory(PATHS.events);
    source.onopen = (): void => {
      this.onState(true);
    };
    source.onerror = (): void => {
      this.onState(false);
    };
    for (const type of LIVE_EVENT_TYPES)
      source.addEventListener(type, (event: MessageEvent<string>) => {
        let data: unknown = null;
        try {
          data = JSON.parse(event.data);
        } catch {
          data = event.data;
        }
        for (const listener of [...this.#listeners]) listener(type, data);
      });
    this.#source = source;
  }

  public stop(): void {
    this.#source?.close();
    this.#source = null;
  }

  public subscribe(listener: LiveListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export const LiveContext = createContext<LiveEvents | null>(null);

/** Calls `onEvent` on each live event of the given types (the latest `onEvent`, without resubscribing). */
export function useLiveEvent(
  types: readonly LiveEventType[],
  onEvent: (type: LiveEventType, data: unknown) => void,
): void {
  const live = useContext(LiveContext);
  const latest = useRef(onEvent);
  latest.current = onEvent;
  const key = types.join(',');
  useEffect(() => {
    if (live === null) return undefined;
    const wanted = new Set(key.split(','));
    return live.subscribe((type, data) => {
      if (wanted.has(type)) latest.current(type, data);
    });
  }, [live, key]);
}
