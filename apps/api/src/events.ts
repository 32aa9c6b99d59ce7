import {
  listenCatalogEvents,
  type CatalogClient,
  type CatalogEvent,
  type ListenOptions,
} from '@nrdl-catalog/gateway-client';

/**
 * Where the catalog's chaincode events come from: `listen` delivers them to `onEvent`, in order,
 * until `signal` aborts (then it returns). The server calls it once, for all its subscribers.
 */
export interface CatalogEventSource {
  listen(onEvent: (event: CatalogEvent) => void, signal: AbortSignal): Promise<void>;
}

/**
 * The event source of a channel: {@link listenCatalogEvents} on `network` (reconnecting by itself;
 * from the next block unless `startBlock` says otherwise; the checkpoint in memory).
 */
export function networkEventSource(
  network: () => CatalogClient['network'],
  options: Pick<ListenOptions, 'onReconnect' | 'startBlock' | 'chaincode'> = {},
): CatalogEventSource {
  return {
    listen: (onEvent, signal) => listenCatalogEvents(network(), onEvent, { ...options, signal }),
  };
}

/** What happened to a proposal, as the console is told. */
export type ProposalAction = 'created' | 'opened' | 'voted' | 'applied' | 'withdrawn' | 'rejected';

/** One server-sent event: its type (`version` or `proposal`) and its JSON data. */
export interface ConsoleEvent {
  readonly type: 'version' | 'proposal';
  readonly data: Readonly<Record<string, unknown>>;
}

const PROPOSAL_ACTIONS: Readonly<Record<string, ProposalAction>> = {
  ProposalCreated: 'created',
  ProposalOpened: 'opened',
  ProposalWithdrawn: 'withdrawn',
};

function fields(payload: unknown): Record<string, unknown> {
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload)
    ? (payload as Record<string, unknown>)
    : {};
}

/**
 * The console events a chaincode event stands for: `VersionSealed` is a `version` event and the
 * `applied` event of its proposal; a vote (`ProposalApproved`, `ProposalRejected`) is `voted`, or
 * `rejected` when it left the proposal rejected; creation, opening and withdrawal are named so.
 * Chunk and governance events are none of the console's.
 */
export function consoleEventsOf(event: CatalogEvent): ConsoleEvent[] {
  const payload = fields(event.payload);
  const where = { transactionId: event.transactionId, blockNumber: Number(event.blockNumber) };
  const proposal = (action: ProposalAction, extra: Record<string, unknown> = {}): ConsoleEvent => ({
    type: 'proposal',
    data: { ...payload, ...extra, action, ...where },
  });
  switch (event.name) {
    case 'VersionSealed':
      return [{ type: 'version', data: { ...payload, ...where } }, proposal('applied')];
    case 'ProposalApproved':
    case 'ProposalRejected':
      return [
        proposal(payload.status === 'rejected' ? 'rejected' : 'voted', {
          decision: event.name === 'ProposalApproved' ? 'approve' : 'reject',
        }),
      ];
    default: {
      const action = PROPOSAL_ACTIONS[event.name];
      return action === undefined ? [] : [proposal(action)];
    }
  }
}

/** A subscriber of the {@link EventHub}. */
export type Subscriber = (event: ConsoleEvent) => void;

/**
 * One listener on the event source for every subscriber of a server (fan-out): started when the
 * first one subscribes, stopped by {@link close}. A listener that ends or fails by itself is
 * started again by the next subscription.
 */
export class EventHub {
  readonly #subscribers = new Set<Subscriber>();
  #listening: AbortController | null = null;
  #closed = false;

  public constructor(
    private readonly source: CatalogEventSource,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Number of subscribers now. */
  public get size(): number {
    return this.#subscribers.size;
  }

  /** Whether the listener runs. */
  public get listening(): boolean {
    return this.#listening !== null;
  }

  /** Adds a subscriber; the function returned removes it. */
  public subscribe(subscriber: Subscriber): () => void {
    this.#subscribers.add(subscriber);
    if (this.#listening === null && !this.#closed) this.#start();
    return () => {
      this.#subscribers.delete(subscriber);
    };
  }

  #start(): void {
    const controller = new AbortController();
    this.#listening = controller;
    const deliver = (event: CatalogEvent): void => {
      for (const consoleEvent of consoleEventsOf(event))
        for (const subscriber of [...this.#subscribers]) {
          try {
            subscriber(consoleEvent);
          } catch (error) {
            this.onError(error);
          }
        }
    };
    void this.source
      .listen(deliver, controller.signal)
      .catch((error: unknown) => {
        if (!controller.signal.aborted) this.onError(error);
      })
      .finally(() => {
        if (this.#listening === controller) this.#listening = null;
      });
  }

  /** Stops the listener and drops every subscriber. */
  public close(): void {
    this.#closed = true;
    this.#listening?.abort();
    this.#listening = null;
    this.#subscribers.clear();
  }
}
