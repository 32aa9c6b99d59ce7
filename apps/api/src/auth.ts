/**
 * Who calls: an API key in `x-api-key`, or the browser session cookie `nrdl_session` — and, for a
 * state-changing request on the cookie, the CSRF checks (the session's token in `X-CSRF-Token`, and
 * an `Origin`, when sent, that is this server's own).
 */
import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { message, type Lang } from '@nrdl-catalog/chaincode/messages';
import { identityForKey, type ApiKeyMap } from './api-keys';
import { sameToken, type ExpiryReason, type Session, type SessionStore } from './sessions';
import { ApiError } from './status';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'nrdl_session';
/** Header a state-changing request on the session cookie carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';
/** Header of the API key. */
export const API_KEY_HEADER = 'x-api-key';

/** Methods that change state: on the session cookie they need the CSRF token. */
export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The caller of a request: its wallet identity, and its session when it came with the cookie. */
export interface Caller {
  readonly identity: string;
  readonly session: Session | null;
}

/** This server's own origin as the request reached it (`http://127.0.0.1:21080`). */
export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`.toLowerCase();
}

/** Options of the session cookie for `request`: `Secure` only when the request came over https. */
export function sessionCookieOptions(request: FastifyRequest): {
  httpOnly: true;
  sameSite: 'strict';
  path: '/';
  secure: boolean;
} {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure: request.protocol === 'https' };
}

function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request));
}

/** Refuses (403 CSRF_TOKEN_INVALID) a request whose `Origin` header is not this server's origin. */
export function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  const own = ownOrigin(request);
  if (origin.toLowerCase() !== own)
    throw new ApiError('CSRF_TOKEN_INVALID', message('en', 'http.csrfOrigin', { origin, own }), (lang) =>
      message(lang, 'http.csrfOrigin', { origin, own }),
    );
}

function unauthenticated(variant: boolean): ApiError {
  return variant
    ? new ApiError(
        'UNAUTHENTICATED',
        message('en', 'error.UNAUTHENTICATED.session'),
        null,
        'UNAUTHENTICATED.session',
      )
    : new ApiError('UNAUTHENTICATED', message('en', 'error.UNAUTHENTICATED'));
}

function expired(reason: ExpiryReason, sessions: SessionStore): ApiError {
  const why = (lang: Lang): string =>
    reason === 'idle'
      ? message(lang, 'http.sessionIdle', { minutes: Math.round(sessions.idleMs / 60_000) })
      : message(lang, 'http.sessionLifetime', { hours: Math.round(sessions.lifetimeMs / 3_600_000) });
  return new ApiError(
    'SESSION_EXPIRED',
    message('en', 'error.SESSION_EXPIRED', { reason: why('en') }),
    (lang) => message(lang, 'error.SESSION_EXPIRED', { reason: why(lang) }),
  );
}

/**
 * The session of the request's cookie, its idle timer restarted. Refuses with 401 UNAUTHENTICATED
 * (no cookie, or one of no session), 401 SESSION_EXPIRED, or — for a state-changing method — 403
 * CSRF_TOKEN_INVALID when the Origin is foreign or `X-CSRF-Token` is not the session's token
 * (compared in constant time). A refused request does not count as activity; an unknown or expired
 * cookie is cleared.
 */
export function sessionOf(request: FastifyRequest, reply: FastifyReply, sessions: SessionStore): Session {
  const id = request.cookies[SESSION_COOKIE];
  if (id === undefined) throw unauthenticated(true);
  const found = sessions.peek(id);
  if (found.state !== 'valid') {
    clearSessionCookie(request, reply);
    throw found.state === 'expired' ? expired(found.reason, sessions) : unauthenticated(true);
  }
  if (STATE_CHANGING_METHODS.has(request.method)) {
    checkOrigin(request);
    const token = request.headers[CSRF_HEADER];
    if (typeof token !== 'string' || !sameToken(token, found.session.csrfToken))
      throw new ApiError('CSRF_TOKEN_INVALID', message('en', 'http.csrfToken'), (lang) =>
        message(lang, 'http.csrfToken'),
      );
  }
  sessions.touch(id);
  return found.session;
}

/**
 * The caller of a request: by its `x-api-key` when it sends one (no CSRF check: a browser cannot be
 * made to send that header cross-site), else by its session cookie ({@link sessionOf}); neither is a
 * 401 UNAUTHENTICATED.
 */
export function callerOf(
  request: FastifyRequest,
  reply: FastifyReply,
  keys: ApiKeyMap,
  sessions: SessionStore,
): Caller {
  const header = request.headers[API_KEY_HEADER];
  if (header !== undefined) {
    const identity = identityForKey(keys, Array.isArray(header) ? header[0] : header);
    if (identity === null) throw unauthenticated(false);
    return { identity, session: null };
  }
  if (request.cookies[SESSION_COOKIE] === undefined) throw unauthenticated(false);
  const session = sessionOf(request, reply, sessions);
  return { identity: session.identity, session };
}

/** What `POST` and `GET /v1/session` answer. */
export interface SessionAnswer {
  readonly identity: string;
  readonly org: string;
  readonly role: string | null;
  readonly csrfToken: string;
  /** When the session expires if nothing more is asked on it (ISO 8601, UTC). */
  readonly expiresAt: string;
}

export function sessionAnswer(sessions: SessionStore, session: Session): SessionAnswer {
  return {
    identity: session.identity,
    org: session.org,
    role: session.role,
    csrfToken: session.csrfToken,
    expiresAt: new Date(sessions.expiresAt(session)).toISOString(),
  };
}
