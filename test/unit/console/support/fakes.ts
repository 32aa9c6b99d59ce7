/**
 * A fake API server (fetch) and a fake EventSource for the console's tests. Every JSON answer the
 * fake gives for an operation of the real API must fit that operation's response schema (an error
 * answer the Error schema), so the console is tested against what the server really sends.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { responseSchemas } from '../../../../apps/api/src/response-schemas';
import { routes } from '../../../../apps/api/src/routes';
import type { EventSourceFactory } from '../../../../apps/console/src/events';

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly credentials: RequestCredentials | undefined;
}

export type Reply = { readonly status?: number; readonly body?: unknown; readonly raw?: string };
export type Handler = (seen: Seen) => Reply | Promise<Reply>;

const ajv = new Ajv({ strict: false, allErrors: true });
for (const [name, schema] of Object.entries(responseSchemas)) ajv.addSchema({ $id: name, ...schema });
const operations = routes.map((route) => ({
  method: route.method,
  pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  response: route.response,
}));
const validators = new Map<string, ValidateFunction>();

/**
 * The schema an answer of `method path` with `status` must fit: none for paths outside `routes`
 * (the session, the event stream) and for a refusal that is not the API's own `{code, …}` (a proxy
 * or gateway in between may answer anything, which the console must survive).
 */
function schemaOf(method: string, path: string, status: number, body: unknown): string | undefined {
  const operation = operations.find((op) => op.method === method && op.pattern.test(path));
  if (operation === undefined) return undefined;
  if (status < 400) return operation.response;
  return body !== null && typeof body === 'object' && 'code' in body ? 'Error' : undefined;
}

/** Throws when the fake's answer is not one the real server could give. */
export function checkAnswer(method: string, path: string, status: number, body: unknown): void {
  const name = schemaOf(method, path, status, body);
  if (name === undefined) return;
  const validate = validators.get(name) ?? ajv.compile({ $ref: `${name}#` });
  validators.set(name, validate);
  if (!validate(body))
    throw new Error(
      `the fake's ${String(status)} answer to ${method} ${path} does not fit ${name}: ${ajv.errorsText(validate.errors)}`,
    );
}

/**
 * fetch answering from `routes` (`'GET /v1/search'` → handler; the longest matching route wins),
 * recording each call. Its answers are checked against the API's response schemas unless
 * `schemas: false` (only for tests of how requests are built, whose answers do not matter).
 */
export function fakeFetch(
  routes: Record<string, Handler | Reply>,
  { schemas = true }: { readonly schemas?: boolean } = {},
): {
  readonly fetchFn: (input: string, init: RequestInit) => Promise<Response>;
  readonly calls: Seen[];
} {
  const calls: Seen[] = [];
  const fetchFn = async (input: string, init: RequestInit): Promise<Response> => {
    const method = init.method ?? 'GET';
    const headers = { ...(init.headers as Record<string, string>) };
    const seen: Seen = {
      method,
      url: input,
      headers,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
    };
    calls.push(seen);
    const path = input.split('?')[0] ?? input;
    const key = Object.keys(routes)
      .filter((route) => {
        const [m, p] = route.split(' ');
        return (
          m === method && p !== undefined && (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : path === p)
        );
      })
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined)
      return new Response(JSON.stringify({ code: 'NOT_FOUND', message: `no fake for ${method} ${path}` }), {
        status: 404,
      });
    const route = routes[key];
    const reply = typeof route === 'function' ? await route(seen) : route;
    if (reply?.status === 204) return new Response(null, { status: 204 });
    if (schemas && reply?.raw === undefined)
      checkAnswer(method, path, reply?.status ?? 200, reply?.body ?? {});
    return new Response(reply?.raw ?? JSON.stringify(reply?.body ?? {}), { status: reply?.status ?? 200 });
  };
  return { fetchFn, calls };
}

/** An EventSource the test drives: `emit('version', {...})`. */
export class FakeEventSource {
  public static last: FakeEventSource | null = null;
  public onopen: ((this: EventSource, ev: Event) => unknown) | null = null;
  public onerror: ((this: EventSource, ev: Event) => unknown) | null = null;
  public closed = false;
  readonly #listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  public constructor(public readonly url: string) {
    FakeEventSource.last = this;
  }

  public addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }

  public close(): void {
    this.closed = true;
  }

  public open(): void {
    this.onopen?.call(this as unknown as EventSource, new Event('open'));
  }

  public fail(): void {
    this.onerror?.call(this as unknown as EventSource, new Event('error'));
  }

  public emit(type: string, data: unknown): void {
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    for (const listener of this.#listeners.get(type) ?? []) listener(new MessageEvent(type, { data: text }));
  }
}

export const fakeEventSource: EventSourceFactory = (url) =>
  new FakeEventSource(url) as unknown as ReturnType<EventSourceFactory>;
