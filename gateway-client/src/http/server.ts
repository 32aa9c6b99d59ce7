import Ajv, { type ValidateFunction } from 'ajv';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CatalogClient } from '../catalog-client';
import {
  CatalogClientError,
  ChaincodeError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '../errors';
import { identityForKey, type ApiKeyMap } from './api-keys';
import { openApiDocument } from './openapi';
import { routes, type Route } from './routes';

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  readonly port: number;
  readonly host?: string;
  readonly keys: ApiKeyMap;
  readonly walletDir?: string;
  /** Request log lines (method, path, status, ms); silent when absent. */
  readonly log?: (line: string) => void;
}

/** A running API server. */
export interface ApiServer {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

/** HTTP status for an error. */
export function statusFor(error: CatalogClientError): number {
  if (
    error instanceof InvalidInputError ||
    error.code === 'UNKNOWN_PROVINCE' ||
    error.code === 'CHUNK_TOO_LARGE'
  )
    return 400;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof ConflictError) return 409;
  if (error instanceof ChaincodeError) return 422;
  if (error.code === 'DEADLINE_EXCEEDED' || error.code === 'COMMIT_STATUS_TIMEOUT') return 504;
  return 502;
}

interface Compiled {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
  readonly body: ValidateFunction | undefined;
  readonly query: ValidateFunction | undefined;
}

function compile(route: Route, ajv: Ajv): Compiled {
  const names: string[] = [];
  const pattern = new RegExp(
    '^' +
      route.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      }) +
      '$',
  );
  const query = route.query
    ? ajv.compile({
        type: 'object',
        additionalProperties: false,
        required: Object.entries(route.query)
          .filter(([, p]) => p.required === true)
          .map(([name]) => name),
        properties: Object.fromEntries(
          Object.entries(route.query).map(([name, p]) => [
            name,
            p.type === 'integer'
              ? { type: 'string', pattern: '^[0-9]{1,10}$' }
              : p.enum
                ? { enum: p.enum }
                : { type: 'string', maxLength: 200 },
          ]),
        ),
      })
    : ajv.compile({ type: 'object', maxProperties: 0 });
  return { route, pattern, names, body: route.body ? ajv.compile(route.body) : undefined, query };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  transactionId?: string,
): void {
  send(res, status, transactionId ? { code, message, transactionId } : { code, message });
}

async function readBody(req: IncomingMessage, limit = 8 * 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new InvalidInputError('INVALID_INPUT', `request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new InvalidInputError('INVALID_INPUT', `request body is not JSON: ${(error as Error).message}`);
  }
}

function ajvMessage(validate: ValidateFunction, where: string): string {
  const first = validate.errors?.[0];
  return `${where}${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}${
    first?.keyword === 'additionalProperties'
      ? ` '${String((first.params as { additionalProperty?: string }).additionalProperty)}'`
      : ''
  }`;
}

/**
 * Serves the catalog over HTTP/JSON: every request names its caller with an `x-api-key` header,
 * mapped to a wallet identity, and runs as that identity through the Fabric Gateway. Query and
 * body are validated before any chaincode call; errors are `{ code, message }`.
 */
export async function startApiServer(options: Readonly<ApiServerOptions>): Promise<ApiServer> {
  const ajv = new Ajv({ allErrors: false, strict: false });
  const compiled = routes.map((route) => compile(route, ajv));
  const document = openApiDocument(routes);
  const clients = new Map<string, CatalogClient>();
  const clientFor = (identity: string): CatalogClient => {
    let client = clients.get(identity);
    if (!client) {
      client = CatalogClient.connect(
        options.walletDir ? { as: identity, walletDir: options.walletDir } : { as: identity },
      );
      clients.set(identity, client);
    }
    return client;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<number> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') {
      send(res, 200, { status: 'ok' });
      return 200;
    }
    if (req.method === 'GET' && url.pathname === '/openapi.json') {
      send(res, 200, document);
      return 200;
    }
    const candidates = compiled.filter((c) => c.pattern.test(url.pathname));
    const match = candidates.find((c) => c.route.method === req.method);
    if (!match) {
      const status = candidates.length > 0 ? 405 : 404;
      sendError(
        res,
        status,
        status === 405 ? 'METHOD_NOT_ALLOWED' : 'NOT_FOUND',
        `${req.method ?? ''} ${url.pathname} is not an operation of this API`,
      );
      return status;
    }
    const header = req.headers['x-api-key'];
    const identity = identityForKey(options.keys, Array.isArray(header) ? header[0] : header);
    if (identity === null) {
      sendError(res, 401, 'UNAUTHENTICATED', 'missing or unknown x-api-key');
      return 401;
    }
    const groups = match.pattern.exec(url.pathname) ?? [];
    const params = Object.fromEntries(
      match.names.map((name, index) => [name, decodeURIComponent(groups[index + 1] ?? '')]),
    );
    const query = Object.fromEntries(url.searchParams.entries());
    if (match.query && !match.query(query))
      throw new InvalidInputError('INVALID_INPUT', ajvMessage(match.query, 'query'));
    const body = req.method === 'POST' ? await readBody(req) : undefined;
    if (match.body && !match.body(body ?? {}))
      throw new InvalidInputError('INVALID_INPUT', ajvMessage(match.body, 'body'));
    const result = await match.route.handle({ client: clientFor(identity), params, query, body });
    const status = match.route.status ?? 200;
    send(res, status, result);
    return status;
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    handle(req, res)
      .catch((error: unknown) => {
        if (error instanceof CatalogClientError) {
          const status = statusFor(error);
          sendError(res, status, error.code, error.message, error.transactionId);
          return status;
        }
        sendError(res, 500, 'INTERNAL', error instanceof Error ? error.message : String(error));
        return 500;
      })
      .then(
        (status) => {
          options.log?.(
            `${req.method ?? ''} ${req.url ?? ''} ${status} ${(performance.now() - started).toFixed(0)}ms`,
          );
        },
        () => undefined,
      );
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    url: `http://${host}:${port}`,
    close: async () => {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      for (const client of clients.values()) client.close();
    },
  };
}
