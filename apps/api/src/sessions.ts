import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Idle time after which a browser session expires unless told otherwise (30 min). */
export const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;
/** Time after sign-in at which a session expires however busy it is (8 h). */
export const SESSION_LIFETIME_MS = 8 * 60 * 60_000;
/** Most sessions held at once; beyond, the least recently created one is dropped. */
export const MAX_SESSIONS = 10_000;

/** A browser session: who signed in with which API key's identity, and its CSRF token. */
export interface Session {
  /** The cookie value: 32 random bytes, base64url. */
  readonly id: string;
  /** The wallet identity (`<org>/<identity>`) the API key maps to. */
  readonly identity: string;
  readonly org: string;
  /** The identity's `catalog.role` certificate attribute (null when it carries none). */
  readonly role: string | null;
  /** The token state-changing requests on this session must send in `X-CSRF-Token`. */
  readonly csrfToken: string;
  /** Sign-in time (ms since the epoch). */
  readonly createdAt: number;
  /** Last request on the session (ms since the epoch). */
  lastSeenAt: number;
}

/** Why a session is no longer valid. */
export type ExpiryReason = 'idle' | 'lifetime';

/** What {@link SessionStore.touch} finds for a cookie value. */
export type SessionLookup =
  | { readonly state: 'valid'; readonly session: Session }
  | { readonly state: 'expired'; readonly reason: ExpiryReason }
  | { readonly state: 'unknown' };

/** Options of {@link SessionStore}. */
export interface SessionStoreOptions {
  /** Idle timeout (default {@link DEFAULT_SESSION_IDLE_MS}). */
  readonly idleMs?: number;
  /** Absolute lifetime (default {@link SESSION_LIFETIME_MS}). */
  readonly lifetimeMs?: number;
  /** The clock (default `Date.now`). */
  readonly now?: () => number;
  /** Most sessions held (default {@link MAX_SESSIONS}). */
  readonly maxSessions?: number;
}

/** Whether two tokens are equal, compared in constant time. */
export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The browser sessions of one API server, in memory: created from an API key's identity, valid
 * until idle for `idleMs` or older than `lifetimeMs`. An expired session is remembered as expired
 * (so the browser is told SESSION_EXPIRED, not merely unauthenticated) until its lifetime has
 * passed once more; then it is forgotten.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  public readonly idleMs: number;
  public readonly lifetimeMs: number;
  readonly #now: () => number;
  readonly #max: number;

  public constructor(options: Readonly<SessionStoreOptions> = {}) {
    this.idleMs = options.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.lifetimeMs = options.lifetimeMs ?? SESSION_LIFETIME_MS;
    this.#now = options.now ?? Date.now;
    this.#max = options.maxSessions ?? MAX_SESSIONS;
  }

  /** Number of sessions held (valid or remembered as expired). */
  public get size(): number {
    return this.#sessions.size;
  }

  /** A new session for `identity` (`<org>/<name>`). */
  public create(identity: string, role: string | null): Session {
    const now = this.#now();
    this.#sweep(now);
    while (this.#sessions.size >= this.#max) {
      const oldest = this.#sessions.keys().next();
      if (oldest.done === true) break;
      this.#sessions.delete(oldest.value);
    }
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      identity,
      org: identity.split('/')[0] ?? identity,
      role,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** When `session` expires if nothing more is asked on it (ms since the epoch). */
  public expiresAt(session: Session): number {
    return Math.min(session.lastSeenAt + this.idleMs, session.createdAt + this.lifetimeMs);
  }

  /** The session of a cookie value without counting it as activity. */
  public peek(id: string | undefined): SessionLookup {
    if (id === undefined || id === '') return { state: 'unknown' };
    const session = this.#sessions.get(id);
    if (session === undefined) return { state: 'unknown' };
    const now = this.#now();
    if (now >= session.createdAt + this.lifetimeMs) return { state: 'expired', reason: 'lifetime' };
    if (now >= session.lastSeenAt + this.idleMs) return { state: 'expired', reason: 'idle' };
    return { state: 'valid', session };
  }

  /** The session of a cookie value, its idle timer restarted when it is valid. */
  public touch(id: string | undefined): SessionLookup {
    const found = this.peek(id);
    if (found.state === 'valid') found.session.lastSeenAt = this.#now();
    return found;
  }

  /** Signs a session out; whether there was one. */
  public delete(id: string): boolean {
    return this.#sessions.delete(id);
  }

  /** Forgets every session. */
  public clear(): void {
    this.#sessions.clear();
  }

  /** Forgets the sessions that expired more than a lifetime ago. */
  #sweep(now: number): void {
    for (const [id, session] of this.#sessions)
      if (now >= this.expiresAt(session) + this.lifetimeMs) this.#sessions.delete(id);
  }
}
