/**
 * The web console's static files, served at `/` by @fastify/static from the console's build folder,
 * with the single-page-application fallback (a page path the browser asks for as HTML gets
 * `index.html`) and the security headers of every HTML answer.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where the console's build is unless told otherwise: `apps/console/dist` beside this package. */
export const DEFAULT_CONSOLE_DIR = path.resolve(
  path.dirname(require.resolve('@nrdl-catalog/api/package.json')),
  '..',
  'console',
  'dist',
);

/** The console's entry page. */
export const CONSOLE_INDEX = 'index.html';

/** Content-Security-Policy of the console's pages: its own scripts, styles and API only. */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The headers every HTML answer carries. */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * The console folder to serve: `dir` (the default when undefined) when it holds an `index.html`,
 * else null (the server then serves no console). `null` asks for none.
 */
export function consoleRoot(dir: string | null | undefined): string | null {
  if (dir === null) return null;
  const root = path.resolve(dir ?? DEFAULT_CONSOLE_DIR);
  try {
    return statSync(root).isDirectory() && existsSync(path.join(root, CONSOLE_INDEX)) ? root : null;
  } catch {
    return null;
  }
}

/** Whether a path is the API's (`/v1`, `/v1/…`) rather than the console's. */
export function isApiPath(urlPath: string): boolean {
  return urlPath === '/v1' || urlPath.startsWith('/v1/');
}

/**
 * Whether a request not found is a console page the browser navigates to: a GET that accepts
 * text/html, outside /v1, of a path whose last segment names no file (`/proposals/p1`, not
 * `/assets/app.js`).
 */
export function isConsolePage(request: FastifyRequest, urlPath: string): boolean {
  if (request.method !== 'GET' || isApiPath(urlPath)) return false;
  const last = urlPath.split('/').pop() ?? '';
  const accept = request.headers.accept ?? '';
  return !last.includes('.') && /(^|,)\s*text\/html\s*(;|,|$)/i.test(accept);
}

/** Serves `root` at `/` (its `index.html` for `/`). */
export async function registerConsole(app: FastifyInstance, root: string): Promise<void> {
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    index: [CONSOLE_INDEX],
    wildcard: true,
    dotfiles: 'ignore',
    // Pages are checked again on each visit; hashed assets may be cached by the browser.
    setHeaders: (reply, filePath) => {
      if (filePath.endsWith('.html')) void reply.header('cache-control', 'no-cache');
    },
  });
}
