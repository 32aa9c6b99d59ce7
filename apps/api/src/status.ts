import { errorText, message, type Lang } from '@nrdl-catalog/chaincode/messages';
import {
  CatalogClientError,
  localMessage,
  ChaincodeError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
} from '@nrdl-catalog/gateway-client';

/**
 * The one map from error to HTTP status, used by the error handler and by the OpenAPI document
 * (every operation declares the statuses listed in {@link operationErrorStatuses}).
 */

/** An error raised by the HTTP layer itself (not by the catalog client). */
export class ApiError extends Error {
  /**
   * @param message the English detail (the `{detail}` of the code's template, when it has one)
   * @param detailIn the detail in another language, when it is more than fixed English text (e.g. a
   *   chaincode refusal quoted by CATALOG_RULE)
   * @param template a variant of the code's message (`error.<template>` of the catalogue, e.g.
   *   `UNAUTHENTICATED.session`), when the code's own template is not the one to show
   */
  public constructor(
    public readonly code: ApiErrorCode,
    message: string,
    public readonly detailIn: ((lang: Lang) => string) | null = null,
    public readonly template: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Codes of the HTTP layer's own errors, with their status. */
export const API_ERROR_STATUS = {
  INVALID_INPUT: 400,
  BAD_URL: 400,
  /** A bookmark the previous page of this very query did not return (a schema cannot tell). */
  INVALID_BOOKMARK: 400,
  /** Well-formed, but against a cross-field rule of the catalog that no schema can state. */
  CATALOG_RULE: 422,
  UNAUTHENTICATED: 401,
  /** A browser session past its idle timeout or its absolute lifetime. */
  SESSION_EXPIRED: 401,
  /** A state-changing request on the session cookie without its CSRF token, or from another origin. */
  CSRF_TOKEN_INVALID: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RESPONSE_INVALID: 500,
  INTERNAL: 500,
  /** `GET /v1/events` on a server built without a catalog event source. */
  EVENTS_UNAVAILABLE: 503,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** Catalog-client codes whose status does not follow from the error class. */
const CLIENT_CODE_STATUS: Readonly<Record<string, number>> = {
  UNKNOWN_PROVINCE: 400,
  CHUNK_TOO_LARGE: 400,
  DEADLINE_EXCEEDED: 504,
  COMMIT_STATUS_TIMEOUT: 504,
  /** The read model search is served from cannot answer (yet, or any more: see the code). */
  READ_MODEL_BEHIND: 503,
  READ_MODEL_DIGEST_MISMATCH: 503,
  /** The audit endpoints have no audit store to answer from (the server was started without one). */
  AUDIT_STORE_UNAVAILABLE: 503,
};

/** Catalog-client error classes and their status, most specific first. */
const CLIENT_CLASS_STATUS: readonly (readonly [abstract new (...args: never[]) => Error, number])[] = [
  [InvalidInputError, 400],
  [NotFoundError, 404],
  [ForbiddenError, 403],
  [ConflictError, 409],
  /** Any other domain refusal of the chaincode (e.g. GOVERNANCE_NOT_INITIALISED). */
  [ChaincodeError, 422],
  /** Endorsement, ordering, commit or transport failures. */
  [CatalogClientError, 502],
];

/** Fastify's own error codes and the API code they are answered with. */
const FASTIFY_CODES: Readonly<Record<string, ApiErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'INVALID_INPUT',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_INPUT',
  FST_ERR_BAD_URL: 'BAD_URL',
  // A path parameter longer than the router takes is longer than its schema allows.
  FST_ERR_MAX_PARAM_LENGTH: 'INVALID_INPUT',
  FST_ERR_VALIDATION: 'INVALID_INPUT',
};

/** What an error is answered with. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: { code: string; message: string; transactionId?: string };
}

/**
 * The HTTP status and `{ code, message }` body for anything a handler or Fastify throws, the message
 * in `lang` (Chinese unless the request asked for English): `code` is the same in every language.
 */
export function answerFor(error: unknown, lang: Lang = 'zh'): ErrorAnswer {
  if (error instanceof ApiError)
    return {
      status: API_ERROR_STATUS[error.code],
      body: {
        code: error.code,
        message: errorText(lang, {
          code: error.code,
          text: error.detailIn?.(lang) ?? error.message,
          template: error.template,
        }),
      },
    };
  if (error instanceof CatalogClientError) {
    const status =
      CLIENT_CODE_STATUS[error.code] ??
      CLIENT_CLASS_STATUS.find(([type]) => error instanceof type)?.[1] ??
      502;
    const body = { code: error.code, message: localMessage(error, lang) };
    return {
      status,
      body: error.transactionId === undefined ? body : { ...body, transactionId: error.transactionId },
    };
  }
  const fastifyCode = (error as { code?: unknown } | null)?.code;
  const code = typeof fastifyCode === 'string' ? FASTIFY_CODES[fastifyCode] : undefined;
  if (code !== undefined)
    return {
      status: API_ERROR_STATUS[code],
      body: { code, message: errorText(lang, { code, text: (error as Error).message }) },
    };
  return {
    status: 500,
    body: {
      code: 'INTERNAL',
      message: message(lang, 'error.INTERNAL', { detail: message(lang, 'http.seeLog') }),
    },
  };
}

/** Description of each error status in the OpenAPI document. */
export const STATUS_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid input: query, path or body fails the schema, malformed URL, unknown province, a bookmark that is not from the previous page of the same query (INVALID_INPUT, BAD_URL, UNKNOWN_PROVINCE, CHUNK_TOO_LARGE, INVALID_BOOKMARK)',
  401: 'Missing or unknown x-api-key or session cookie (UNAUTHENTICATED), or a session past its idle timeout or lifetime (SESSION_EXPIRED)',
  403: "The caller's role or organisation may not do this (FORBIDDEN_ROLE, FORBIDDEN_ORG, SELF_APPROVAL, MEMBER_SUSPENDED, SCOPE_VIOLATION, ID_MISMATCH), or a state-changing request on the session cookie lacks its X-CSRF-Token or comes from another origin (CSRF_TOKEN_INVALID)",
  404: 'No such item, proposal, version or chunk (for the audit endpoints: no such version in the audit store)',
  409: 'Conflicts with the current state (PROPOSAL_STATE, VERSION_CONFLICT, ALREADY_VOTED, STALE_REVIEW, …)',
  413: 'Request body larger than the limit (PAYLOAD_TOO_LARGE)',
  415: 'Request body is not application/json (UNSUPPORTED_MEDIA_TYPE)',
  422: 'A cross-field rule of the catalog (CATALOG_RULE: a service or material item names its province, a drug or herbal item none; an agreement period or age range does not end before it starts), or another refusal of the chaincode (e.g. GOVERNANCE_NOT_INITIALISED, GOVERNANCE_INVALID)',
  500: 'Internal error of the API server (INTERNAL, RESPONSE_INVALID)',
  502: 'Endorsement, ordering, commit or gateway failure',
  503: 'The read model search is served from cannot answer: it holds no sealed version yet, or an older one than the chain (READ_MODEL_BEHIND), or its rows do not give the digest sealed on chain: stale or tampered with (READ_MODEL_DIGEST_MISMATCH); or this server has no catalog event source (EVENTS_UNAVAILABLE); or the audit endpoints have no audit store to answer from (AUDIT_STORE_UNAVAILABLE)',
  504: 'The gateway or the commit status did not answer in time (DEADLINE_EXCEEDED, COMMIT_STATUS_TIMEOUT)',
};

/**
 * Every error status an operation can answer: all statuses of the maps above except 405 (which
 * belongs to a path without the method, not to an operation), 413 and 415 only for operations with
 * a request body; the operations without an API key (health, document) can only fail with 500.
 */
export function operationErrorStatuses(options: {
  readonly authenticated: boolean;
  readonly body: boolean;
}): number[] {
  const all = new Set<number>([
    ...Object.values(API_ERROR_STATUS),
    ...Object.values(CLIENT_CODE_STATUS),
    ...CLIENT_CLASS_STATUS.map(([, status]) => status),
  ]);
  all.delete(405);
  if (!options.authenticated) return [500];
  if (!options.body) {
    all.delete(413);
    all.delete(415);
  }
  return [...all].sort((a, b) => a - b);
}
