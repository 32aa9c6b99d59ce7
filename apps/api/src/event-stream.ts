/**
 * `GET /v1/events`: the catalog's live events as server-sent events (`text/event-stream`), fed by
 * the server's one {@link EventHub}: `event: version` when a version is sealed, `event: proposal`
 * when a proposal is created, opened, voted on, applied, withdrawn or rejected, each with JSON data,
 * and a comment line every heartbeat so proxies and browsers keep the stream open.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { message } from '@nrdl-catalog/chaincode/messages';
import type { EventHub, ConsoleEvent } from './events';
import type { SessionStore } from './sessions';
import { ApiError } from './status';

/** The path of the event stream. */
export const EVENTS_PATH = '/v1/events';
/** Time between two heartbeat comments unless told otherwise. */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** The text of one server-sent event. */
export function sseFrame(event: ConsoleEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

interface Stream {
  readonly sessionId: string | null;
  end(): void;
}

/** The open event streams of a server. */
export class EventStreams {
  readonly #streams = new Set<Stream>();

  /** Number of open streams. */
  public get size(): number {
    return this.#streams.size;
  }

  /** Opens the stream of a request on `raw` (already authenticated), until either side closes it. */
  public open(options: {
    readonly raw: ServerResponse;
    readonly headers: OutgoingHttpHeaders;
    readonly hub: EventHub;
    readonly sessionId: string | null;
    readonly sessions: SessionStore;
    readonly heartbeatMs: number;
    readonly onEnd: () => void;
  }): void {
    const { raw } = options;
    raw.writeHead(200, {
      ...options.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    // The first bytes flush the headers: the browser's EventSource is open from here on.
    raw.write(': connected\n\n');
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      unsubscribe();
      this.#streams.delete(stream);
      if (!raw.writableEnded) raw.end();
      options.onEnd();
    };
    const stream: Stream = { sessionId: options.sessionId, end };
    const unsubscribe = options.hub.subscribe((event) => {
      raw.write(sseFrame(event));
    });
    const heartbeat = setInterval(() => {
      // A stream on a session ends with it (expired, or signed out elsewhere).
      if (options.sessionId !== null && options.sessions.peek(options.sessionId).state !== 'valid') end();
      else raw.write(': heartbeat\n\n');
    }, options.heartbeatMs);
    heartbeat.unref();
    this.#streams.add(stream);
    raw.on('close', end);
  }

  /** Ends the streams of a session (it signed out). */
  public endSession(sessionId: string): void {
    for (const stream of [...this.#streams]) if (stream.sessionId === sessionId) stream.end();
  }

  /** Ends every stream (the server closes). */
  public endAll(): void {
    for (const stream of [...this.#streams]) stream.end();
  }
}

/** Options of {@link registerEventStream}. */
export interface EventStreamOptions {
  readonly hub: EventHub | null;
  readonly streams: EventStreams;
  readonly sessions: SessionStore;
  readonly heartbeatMs: number;
  /** Authenticates the request (API key or session cookie), as every /v1 operation. */
  readonly authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** The identity the request was authenticated as (for the log line). */
  readonly identityOf: (request: FastifyRequest) => string | undefined;
  /** The session id the request was authenticated by (null for an API key). */
  readonly sessionIdOf: (request: FastifyRequest) => string | null;
}

/** Registers `GET /v1/events` (kept out of the OpenAPI document: it is a stream, not JSON). */
export function registerEventStream(app: FastifyInstance, options: Readonly<EventStreamOptions>): void {
  app.get(
    EVENTS_PATH,
    { schema: { hide: true }, onRequest: options.authenticate },
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (options.hub === null)
        throw new ApiError('EVENTS_UNAVAILABLE', message('en', 'error.EVENTS_UNAVAILABLE'));
      const started = Date.now();
      const hub = options.hub;
      reply.hijack();
      options.streams.open({
        raw: reply.raw,
        headers: reply.getHeaders() as OutgoingHttpHeaders,
        hub,
        sessionId: options.sessionIdOf(request),
        sessions: options.sessions,
        heartbeatMs: options.heartbeatMs,
        onEnd: () => {
          request.log.info(
            {
              method: request.method,
              url: request.url,
              statusCode: 200,
              ms: Date.now() - started,
              identity: options.identityOf(request),
              subscribers: hub.size,
            },
            'event stream closed',
          );
        },
      });
      return Promise.resolve();
    },
  );
}
