/**
 * `POST`, `GET` and `DELETE /v1/session`: a browser exchanges an API key for a session cookie
 * (HttpOnly, SameSite=Strict, Secure over https) and a CSRF token, reads it back, signs out.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { message } from '@nrdl-catalog/chaincode/messages';
import { identityForKey, type ApiKeyMap } from './api-keys';
import {
  checkOrigin,
  CSRF_HEADER,
  SESSION_COOKIE,
  sessionAnswer,
  sessionCookieOptions,
  sessionOf,
  type SessionAnswer,
} from './auth';
import { errorResponses, requestIdHeaderSchema } from './document-parts';
import type { Session, SessionStore } from './sessions';
import { ApiError } from './status';

/** The path of the session operations. */
export const SESSION_PATH = '/v1/session';

/** Options of {@link registerSessionRoutes}. */
export interface SessionRoutesOptions {
  readonly keys: ApiKeyMap;
  readonly sessions: SessionStore;
  /** The `catalog.role` of a wallet identity (null when it has none). */
  readonly roleOf: (identity: string) => string | null;
  /** Called when a session signs out (its event streams are ended). */
  readonly onSignOut: (session: Session) => void;
  /** Records the identity of a request, for the log line. */
  readonly identify: (request: FastifyRequest, identity: string) => void;
}

const CSRF_NOTE = `State-changing requests on the cookie must send the session's csrfToken in the ${CSRF_HEADER} header (and an Origin, when sent, equal to this server's own); otherwise 403 CSRF_TOKEN_INVALID.`;

/** Registers the session operations on `app` (which has @fastify/cookie). */
export function registerSessionRoutes(app: FastifyInstance, options: Readonly<SessionRoutesOptions>): void {
  const { keys, sessions } = options;
  const expiry = `Sessions expire after ${String(Math.round(sessions.idleMs / 60_000))} min without a request and ${String(Math.round(sessions.lifetimeMs / 3_600_000))} h after sign-in (401 SESSION_EXPIRED).`;
  const sessionResponse = (status: string, description: string): Record<string, unknown> => ({
    [status]: { description, $ref: 'Session#', headers: requestIdHeaderSchema },
  });

  app.post(
    SESSION_PATH,
    {
      schema: {
        operationId: 'createSession',
        summary: 'Sign in: exchange an API key for a browser session',
        description: `Sets the ${SESSION_COOKIE} cookie (HttpOnly, SameSite=Strict, Path=/, Secure over https) and answers the session with its CSRF token. Every /v1 operation then accepts the cookie instead of x-api-key. ${CSRF_NOTE} ${expiry}`,
        security: [],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['apiKey'],
          properties: {
            apiKey: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description: 'an API key of this server (as sent in x-api-key)',
            },
          },
        },
        response: {
          ...sessionResponse('201', 'signed in: the cookie is set'),
          ...errorResponses([400, 401, 403, 413, 415, 500]),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply): Promise<SessionAnswer> => {
      checkOrigin(request);
      const identity = identityForKey(keys, (request.body as { apiKey: string }).apiKey);
      if (identity === null) throw new ApiError('UNAUTHENTICATED', message('en', 'error.UNAUTHENTICATED'));
      options.identify(request, identity);
      const session = sessions.create(identity, options.roleOf(identity));
      void reply.setCookie(SESSION_COOKIE, session.id, {
        ...sessionCookieOptions(request),
        maxAge: Math.floor(sessions.lifetimeMs / 1000),
      });
      void reply.code(201);
      return Promise.resolve(sessionAnswer(sessions, session));
    },
  );

  app.get(
    SESSION_PATH,
    {
      schema: {
        operationId: 'getSession',
        summary: 'The current browser session (who is signed in, its CSRF token, when it expires)',
        description: `Answers the session of the ${SESSION_COOKIE} cookie and restarts its idle timer. ${expiry}`,
        security: [{ session: [] }],
        response: { ...sessionResponse('200', 'signed in'), ...errorResponses([401, 500]) },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply): Promise<SessionAnswer> => {
      const session = sessionOf(request, reply, sessions);
      options.identify(request, session.identity);
      return Promise.resolve(sessionAnswer(sessions, session));
    },
  );

  app.delete(
    SESSION_PATH,
    {
      schema: {
        operationId: 'deleteSession',
        summary: 'Sign out: end the browser session',
        description: `Ends the session of the ${SESSION_COOKIE} cookie (and its event streams) and clears the cookie. ${CSRF_NOTE}`,
        security: [{ session: [] }],
        response: {
          '204': { description: 'signed out: the cookie is cleared', headers: requestIdHeaderSchema },
          ...errorResponses([401, 403, 500]),
        },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      const session = sessionOf(request, reply, sessions);
      options.identify(request, session.identity);
      sessions.delete(session.id);
      options.onSignOut(session);
      void reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(request));
      await reply.code(204).send();
    },
  );
}
