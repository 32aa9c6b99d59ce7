import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { isValidDate } from '@nrdl-catalog/chaincode/model';
import { langOfAcceptLanguage, languageTag, message, type Lang } from '@nrdl-catalog/chaincode/messages';
import { CatalogClient, chaincodeError } from '@nrdl-catalog/gateway-client';
import { describeCertificate, type AuditStore } from '@nrdl-catalog/gateway-client/audit';
import type { SearchReadModel } from '@nrdl-catalog/gateway-client/search';
import type { ApiKeyMap } from './api-keys';
import { AuditSource } from './audit-routes';
import { API_KEY_HEADER, callerOf, CSRF_HEADER, SESSION_COOKIE } from './auth';
import {
  consoleRoot,
  HTML_SECURITY_HEADERS,
  isApiPath,
  isConsolePage,
  registerConsole,
  CONSOLE_INDEX,
} from './console-static';
import { errorResponses, REQUEST_ID_HEADER, requestIdHeaderSchema } from './document-parts';
import { DEFAULT_HEARTBEAT_MS, EVENTS_PATH, EventStreams, registerEventStream } from './event-stream';
import { EventHub, type CatalogEventSource } from './events';
import { responseSchemas } from './response-schemas';
import { routes, type JsonSchema, type Route } from './routes';
import { registerSessionRoutes, SESSION_PATH } from './session-routes';
import { SessionStore, type Session } from './sessions';
import { ApiError, answerFor, operationErrorStatuses } from './status';

export { REQUEST_ID_HEADER } from './document-parts';

/** Limits of the server (see {@link DEFAULT_LIMITS}). */
export interface ApiLimits {
  /** Largest request body in bytes (413 beyond). */
  readonly bodyBytes: number;
  /** Most simultaneous connections; further ones are refused by the socket. */
  readonly maxConnections: number;
  /** Time to receive a whole request, headers and body (Node's `requestTimeout`; 408 beyond). */
  readonly requestTimeoutMs: number;
  /** Time to receive the headers (Node's `headersTimeout`, at most `requestTimeoutMs`). */
  readonly headersTimeoutMs: number;
  /** Idle time before a kept-alive connection is closed. */
  readonly keepAliveTimeoutMs: number;
}

/** The limits a server gets unless told otherwise. */
export const DEFAULT_LIMITS: ApiLimits = {
  bodyBytes: 8 * 1024 * 1024,
  maxConnections: 256,
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 20_000,
  keepAliveTimeoutMs: 5_000,
};

/** Options of {@link buildApi}. */
export interface ApiOptions {
  readonly keys: ApiKeyMap;
  /** The wallet folder the API's identities are loaded from (required unless `clientFor` is given). */
  readonly walletDir?: string;
  /** Structured log: one JSON line per request (and one per server error); silent when absent. */
  readonly log?: (line: string) => void;
  /** The client of a wallet identity (default: a CatalogClient connected as it, kept open). */
  readonly clientFor?: (identity: string) => CatalogClient;
  readonly limits?: Partial<ApiLimits>;
  /**
   * The read model `GET /v1/search` answers from (kept up to date by its owner, e.g. following the
   * channel in the background: see `catalog serve --read-model`); without one that operation
   * answers 503 READ_MODEL_BEHIND.
   */
  readonly readModel?: SearchReadModel;
  /**
   * Where the catalog's chaincode events come from, for `GET /v1/events` (one listener for all
   * subscribers, stopped when the server closes); without one that operation answers 503
   * EVENTS_UNAVAILABLE.
   */
  readonly events?: CatalogEventSource;
  /** Time between two heartbeat comments of an event stream (default 15 s). */
  readonly eventHeartbeatMs?: number;
  /**
   * The web console's build folder, served at `/` (default apps/console/dist; a folder without an
   * `index.html`, or null, serves no console: `/` is then a 404).
   */
  readonly consoleDir?: string | null;
  /** Idle timeout of a browser session (default 30 min; the absolute lifetime is 8 h). */
  readonly sessionIdleMs?: number;
  /** The clock of the sessions (default `Date.now`). */
  readonly now?: () => number;
  /**
   * The audit store the `/v1/audit/…` operations answer from: an opened store (e.g. from
   * `openAuditStoreAsync`), kept up to date by its owner following the channel (see
   * `catalog serve --audit-store`); without one those operations answer 503 AUDIT_STORE_UNAVAILABLE.
   * The server reads it and records verifications; it does not close it.
   */
  readonly auditStore?: AuditStore;
  /**
   * The `catalog.role` of a wallet identity: shown to the console's sessions and checked by the
   * operations only some roles may call (the audit endpoints). Default: the role attribute of the
   * certificate the identity's client signs with (the very attribute the chaincode reads), else
   * the role its wallet entry names.
   */
  readonly roleOf?: (identity: string) => string | null;
}

/** Options of {@link startApiServer}. */
export interface ApiServerOptions extends ApiOptions {
  readonly port: number;
  /** Interface to listen on (default 127.0.0.1: the API is not exposed unless asked to be). */
  readonly host?: string;
}

/** A running API server. */
export interface ApiServer {
  readonly server: Server;
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

/** The language a request's `Accept-Language` asks for (Chinese when it asks for neither). */
function requestLang(request: FastifyRequest): Lang {
  const header = request.headers['accept-language'];
  return langOfAcceptLanguage(Array.isArray(header) ? header.join(',') : header);
}

/** The Fastify path of an OpenAPI path (`/v1/items/{itemId}` → `/v1/items/:itemId`). */
function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

function pathPattern(path: string): RegExp {
  return new RegExp(`^${path.replace(/\{\w+\}/g, '[^/]+')}$`);
}

/** Whether every `%` escape of the URL (path and query) decodes. */
function wellFormedUrl(url: string): boolean {
  try {
    for (const part of url.split(/[?&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** The request id: the caller's `x-request-id` when it is a short token, else a new UUID. */
function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(header) ? header : randomUUID();
}

function ajvMessage(errors: readonly ErrorObject[] | null | undefined, where: string): string {
  const first = errors?.[0];
  const extra = (first?.params as { additionalProperty?: unknown } | undefined)?.additionalProperty;
  return `${where}${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}${
    typeof extra === 'string' ? ` '${extra}'` : ''
  }`;
}

function responsesOf(route: Route): Record<string, JsonSchema> {
  return {
    [String(route.status ?? 200)]: {
      description: route.status === 201 ? 'created' : 'success',
      $ref: `${route.response}#`,
      headers: requestIdHeaderSchema,
    },
    ...errorResponses(operationErrorStatuses({ authenticated: true, body: route.body !== undefined })),
  };
}

const noQuery: JsonSchema = { type: 'object', additionalProperties: false, properties: {} };

/**
 * The longest path parameter the routes accept: the router is told to take that many characters
 * (its default, 100, would turn a valid 128-character proposal id into a framework error), and a
 * longer one is a 400 like any value longer than its schema allows.
 */
const MAX_PATH_PARAMETER = Math.max(
  ...routes.flatMap((route) =>
    Object.values((route.params?.properties ?? {}) as Record<string, { maxLength?: number }>).map(
      (schema) => schema.maxLength ?? 0,
    ),
  ),
);

/**
 * Builds the catalog API on Fastify (not listening): every operation of {@link routes}, validated
 * with ajv from its schemas, answered through the client of the wallet identity the `x-api-key`
 * header maps to, and documented by @fastify/swagger from the same schemas at `/openapi.json`.
 *
 * - Bodies are validated as they are: no type coercion, no defaults, no removed properties
 *   (unknown properties are a 400). Query strings and path parameters are coerced (`limit=5` → 5).
 * - Responses are validated against their schema and then sent with JSON.stringify: a response
 *   that misses a required field is a 500 RESPONSE_INVALID (never silently sent), and nothing the
 *   client returned is dropped.
 * - Errors are `{ code, message }` with the status from status.ts; a known path with another
 *   method is a 405 with `Allow`; every response carries `x-request-id`, and one JSON log line per
 *   request names it.
 */
export async function buildApi(options: Readonly<ApiOptions>): Promise<FastifyInstance> {
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log;
  const app = Fastify({
    logger: log
      ? {
          level: 'info',
          stream: {
            write: (line: string): void => {
              log(line.trimEnd());
            },
          },
        }
      : false,
    // One line per request, written by the onResponse hook below (not Fastify's two).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestIdOf(req.headers[REQUEST_ID_HEADER]),
    bodyLimit: limits.bodyBytes,
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER },
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) },
    exposeHeadRoutes: false,
    // While closing, requests in flight still get { code, message } answers.
    return503OnClosing: false,
    frameworkErrors: (error, request, reply) => {
      const lang = requestLang(request);
      const answer = answerFor(error, lang);
      request.log.info(
        { method: request.method, url: request.url, statusCode: answer.status, code: answer.body.code },
        'request',
      );
      void (reply as FastifyReply)
        .code(answer.status)
        .header(REQUEST_ID_HEADER, request.id)
        .header('content-language', languageTag(lang))
        .header('vary', 'accept-language')
        .send(answer.body);
    },
  });
  app.server.maxConnections = limits.maxConnections;

  // Request parts: bodies exactly as sent; query strings and path parameters coerced from text.
  // `format: date` is the chaincode's own test of a calendar date.
  const requestAjv = {
    strict: true,
    allErrors: false,
    allowUnionTypes: true,
    discriminator: true,
    formats: { date: isValidDate },
  } as const;
  const bodyAjv = new Ajv({ ...requestAjv, coerceTypes: false, useDefaults: false, removeAdditional: false });
  const partAjv = new Ajv({ ...requestAjv, coerceTypes: true, useDefaults: false, removeAdditional: false });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodyAjv : partAjv).compile(schema),
  );
  app.setSchemaErrorFormatter(
    (errors, context) => new ApiError('INVALID_INPUT', ajvMessage(errors, context)),
  );

  // Responses: validated against their schema, then JSON.stringify (no field dropped or added).
  const responseAjv = new Ajv({ strict: false, allErrors: false });
  for (const [name, schema] of Object.entries(responseSchemas)) {
    responseAjv.addSchema({ $id: name, ...schema });
    app.addSchema({ $id: name, ...schema });
  }
  const validators = new Map<string, ValidateFunction>();
  app.setSerializerCompiler(({ schema, method, url, httpStatus }) => {
    const key = JSON.stringify(schema);
    const validate = validators.get(key) ?? responseAjv.compile(schema as JsonSchema);
    validators.set(key, validate);
    return (data: unknown): string => {
      if (!validate(data))
        throw new ApiError(
          'RESPONSE_INVALID',
          ajvMessage(validate.errors, `${method} ${url} ${httpStatus} response`),
        );
      return JSON.stringify(data);
    };
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, bytes, done) => {
    let body: string;
    try {
      // JSON is UTF-8 (RFC 8259): bytes that are not are refused, not replaced by U+FFFD.
      body = new TextDecoder('utf-8', { fatal: true }).decode(bytes as Buffer);
    } catch {
      done(new ApiError('INVALID_INPUT', 'request body is not UTF-8 text'), undefined);
      return;
    }
    if (body.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(body));
    } catch (error) {
      done(new ApiError('INVALID_INPUT', `request body is not JSON: ${(error as Error).message}`), undefined);
    }
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'National drug and reimbursement catalog API',
        version: '1.0.0',
        description:
          'Coverage checks, catalog search, proposals and approvals over the catalog chaincode; for auditors, the history and verification of the catalog from their own replay of the ledger (/v1/audit/…, answered from the audit store, never from a peer). Every request but /healthz names its caller with an x-api-key header, mapped to a wallet identity. Errors are { code, message }: the code is the same in every language; the message is Chinese unless the Accept-Language header prefers English, and every answer says which in Content-Language (zh-CN or en). Dates, provinces and codes in queries and bodies are as the schemas say (ISO dates; a province in any form the governance record lists).',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/', description: 'this server' }],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'apiKey',
            in: 'header',
            name: API_KEY_HEADER,
            description: 'an API key of this server',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: `the browser session set by POST ${SESSION_PATH} (HttpOnly, SameSite=Strict); a POST, PUT, PATCH or DELETE on it must also send the session's csrfToken in the ${CSRF_HEADER} header, and an Origin, when sent, equal to this server's own (else 403 CSRF_TOKEN_INVALID)`,
          },
        },
      },
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transformObject: (documentObject) => {
      const document = (documentObject as { openapiObject: Record<string, unknown> }).openapiObject;
      // An empty body is read as {}: a body whose schema requires nothing is optional.
      const paths = document.paths as Record<
        string,
        Record<string, { requestBody?: Record<string, unknown> }>
      >;
      for (const operations of Object.values(paths))
        for (const operation of Object.values(operations)) {
          const body = operation.requestBody as
            { required: boolean; content: Record<string, { schema: { required?: unknown[] } }> } | undefined;
          if (body && !(body.content['application/json']?.schema.required?.length ?? 0))
            body.required = false;
        }
      return document;
    },
  });

  const identities = new WeakMap<FastifyRequest, string>();
  const errorCodes = new WeakMap<FastifyRequest, string>();
  const clients = new Map<string, CatalogClient>();
  const clientFor =
    options.clientFor ??
    ((identity: string): CatalogClient => {
      let client = clients.get(identity);
      if (!client) {
        if (options.walletDir === undefined) throw new Error('buildApi: give walletDir or clientFor');
        client = CatalogClient.connect({ as: identity, walletDir: options.walletDir });
        clients.set(identity, client);
      }
      return client;
    });
  app.addHook('onClose', () => {
    for (const client of clients.values()) client.close();
    clients.clear();
  });
  // read once per identity: the certificate an identity signs with does not change while the server runs
  const roles = new Map<string, string | null>();
  const roleOf =
    options.roleOf ??
    ((identity: string): string | null => {
      if (!roles.has(identity)) {
        const wallet = clientFor(identity).connection.identity;
        roles.set(identity, describeCertificate(wallet.identity.credentials)?.role ?? wallet.role);
      }
      return roles.get(identity) ?? null;
    });
  /** Refuses a caller whose role may not call the route, as the chaincode refuses one (FORBIDDEN_ROLE). */
  const checkRole = (route: Route, identity: string): void => {
    if (route.roles === undefined) return;
    const role = roleOf(identity);
    if (role !== null && route.roles.includes(role)) return;
    const roleList = [...route.roles];
    throw role === null
      ? chaincodeError('FORBIDDEN_ROLE', message('en', 'error.FORBIDDEN_ROLE.noRole', { roles: roleList }), {
          template: 'FORBIDDEN_ROLE.noRole',
          params: { roles: roleList },
        })
      : chaincodeError('FORBIDDEN_ROLE', message('en', 'error.FORBIDDEN_ROLE', { role, roles: roleList }), {
          template: 'FORBIDDEN_ROLE',
          params: { role, roles: roleList },
        });
  };
  const audit = options.auditStore === undefined ? null : new AuditSource(options.auditStore);

  await app.register(fastifyCookie);
  const sessions = new SessionStore({
    ...(options.sessionIdleMs === undefined ? {} : { idleMs: options.sessionIdleMs }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const sessionOfRequest = new WeakMap<FastifyRequest, Session>();
  const hub =
    options.events === undefined
      ? null
      : new EventHub(options.events, (error) => {
          app.log.error({ err: error }, 'catalog event listener failed');
        });
  const streams = new EventStreams();
  // Event streams never end by themselves: end them (and the listener) before the server waits
  // for its connections to close.
  app.addHook('preClose', () => {
    streams.endAll();
    hub?.close();
    sessions.clear();
  });
  const root = consoleRoot(options.consoleDir);
  if (root !== null) await registerConsole(app, root);
  // Every HTML answer (the console's pages) carries the console's security headers.
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html'))
      for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) void reply.header(name, value);
    return payload;
  });

  app.addHook('onRequest', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    void reply.header('content-language', languageTag(requestLang(request)));
    void reply.header('vary', 'accept-language');
    // Path parameters with a malformed escape are refused by the router (frameworkErrors above);
    // this also refuses them in the query string, which the parser would pass on undecoded.
    if (!wellFormedUrl(request.url))
      throw new ApiError('BAD_URL', `'${request.url}' has a malformed % escape`);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        identity: identities.get(request),
        code: errorCodes.get(request),
      },
      'request',
    );
  });
  app.setErrorHandler((error, request, reply) => {
    // A path the console's static files refuse (a NUL byte, a dot-dot escape) is no page: answered as
    // any unknown path is (404, or 400 for an operation's path with a parameter out of range).
    if ((error as { code?: unknown }).code === 'FST_STATIC_FORBIDDEN_PATH') {
      reply.callNotFound();
      return;
    }
    const answer = answerFor(error, requestLang(request));
    errorCodes.set(request, answer.body.code);
    if (answer.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(answer.status).send(answer.body);
  });

  const known: { pattern: RegExp; method: string }[] = [
    ...routes.map((route) => ({ pattern: pathPattern(route.path), method: route.method })),
    ...['GET', 'POST', 'DELETE'].map((method) => ({ pattern: pathPattern(SESSION_PATH), method })),
    { pattern: pathPattern(EVENTS_PATH), method: 'GET' },
    { pattern: /^\/healthz$/, method: 'GET' },
    { pattern: /^\/openapi\.json$/, method: 'GET' },
  ];
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // The console is a single-page application: its page paths are answered with its index.html.
    if (root !== null && isConsolePage(request, path)) {
      void reply.sendFile(CONSOLE_INDEX);
      return;
    }
    const allowed = known.filter((k) => k.pattern.test(path)).map((k) => k.method);
    // A path of an operation of this very method that the router did not take has a parameter
    // longer than any the operations accept (the console's wildcard route saw it first).
    if (allowed.includes(request.method)) {
      const answer = answerFor(
        new ApiError('INVALID_INPUT', `${path}: a path parameter is out of the operation's range`),
        requestLang(request),
      );
      errorCodes.set(request, answer.body.code);
      void reply.code(answer.status).send(answer.body);
      return;
    }
    const noConsole =
      root === null &&
      allowed.length === 0 &&
      (path === '/' || (!isApiPath(path) && isConsolePage(request, path)));
    const code = allowed.length > 0 ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND';
    errorCodes.set(request, code);
    if (allowed.length > 0) void reply.header('allow', [...new Set(allowed)].join(', '));
    void reply.code(allowed.length > 0 ? 405 : 404).send({
      code,
      message: noConsole
        ? message(requestLang(request), 'http.noConsole')
        : message(requestLang(request), allowed.length > 0 ? 'error.METHOD_NOT_ALLOWED' : 'http.noRoute', {
            method: request.method,
            path,
          }),
    });
  });

  // The API key or the session cookie (with the CSRF checks), before the body is read and before
  // any client is asked anything.
  const authenticate = (request: FastifyRequest, reply: FastifyReply): Promise<void> =>
    new Promise((resolve) => {
      // a refusal thrown here rejects the promise
      const caller = callerOf(request, reply, options.keys, sessions);
      identities.set(request, caller.identity);
      if (caller.session !== null) sessionOfRequest.set(request, caller.session);
      resolve();
    });
  const emptyBodyIsObject = (request: FastifyRequest): Promise<void> => {
    if (request.body === undefined) request.body = {};
    return Promise.resolve();
  };

  for (const route of routes) {
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      schema: {
        operationId: route.operationId,
        summary: route.summary,
        security: [{ apiKey: [] }, { session: [] }],
        querystring: route.query ?? noQuery,
        ...(route.params ? { params: route.params } : {}),
        ...(route.body ? { body: route.body } : {}),
        ...(route.exclusive ? { 'x-exclusive-parameters': route.exclusive } : {}),
        ...(route.oneOfParameters ? { 'x-one-of-parameters': route.oneOfParameters } : {}),
        response: responsesOf(route),
      },
      onRequest: authenticate,
      ...(route.body ? { preValidation: emptyBodyIsObject } : {}),
      handler: async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
        const identity = identities.get(request) ?? '';
        checkRole(route, identity);
        const result = await route.handle({
          client: clientFor(identity),
          readModel: options.readModel ?? null,
          audit,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, unknown>,
          body: request.body,
        });
        void reply.code(route.status ?? 200);
        return result;
      },
    });
  }

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'health',
        summary: 'Liveness (no API key needed)',
        security: [],
        response: {
          '200': { description: 'the server is up', $ref: 'Health#', headers: requestIdHeaderSchema },
          ...errorResponses(operationErrorStatuses({ authenticated: false, body: false })),
        },
      },
    },
    () => Promise.resolve({ status: 'ok' }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, () => Promise.resolve(app.swagger()));

  registerSessionRoutes(app, {
    keys: options.keys,
    sessions,
    roleOf,
    onSignOut: (session) => {
      streams.endSession(session.id);
    },
    identify: (request, identity) => {
      identities.set(request, identity);
    },
  });
  registerEventStream(app, {
    hub,
    streams,
    sessions,
    heartbeatMs: options.eventHeartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    authenticate,
    identityOf: (request) => identities.get(request),
    sessionIdOf: (request) => sessionOfRequest.get(request)?.id ?? null,
  });
  return app;
}

/**
 * Serves the catalog API ({@link buildApi}) on `host:port` (127.0.0.1 unless told otherwise; port 0
 * picks a free one) until {@link ApiServer.close}.
 */
export async function startApiServer(options: Readonly<ApiServerOptions>): Promise<ApiServer> {
  const app = await buildApi(options);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server: app.server,
    app,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      await app.close();
    },
  };
}
