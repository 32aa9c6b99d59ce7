import { GatewayError, CommitError, CommitStatusError, EndorseError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { type ErrorCode, errorCodeOf } from '@nrdl-catalog/chaincode/model';
import { decodeError, errorText, type Lang, type Params } from '@nrdl-catalog/chaincode/messages';

/** What a coded error may carry beyond its code and English text. */
export interface ErrorOptions {
  readonly transactionId?: string;
  readonly cause?: unknown;
  /** Catalogue template of the message (`ITEM_NOT_FOUND`, `ITEM_NOT_FOUND.noOverlay`). */
  readonly template?: string | null;
  /** Parameters of the template. */
  readonly params?: Params;
}

/** Every error the catalog client throws. `code` is stable and machine-readable. */
export class CatalogClientError extends Error {
  /** A chaincode error code (`ITEM_NOT_FOUND`, …) or a transport code (`ENDORSE_FAILED`, `MVCC_READ_CONFLICT`, …). */
  public readonly code: string;
  /** The transaction the error belongs to, when one was created. */
  public readonly transactionId: string | undefined;
  /** The catalogue template of the message, when known (see {@link localMessage}). */
  public readonly template: string | null;
  /** The template's parameters. */
  public readonly params: Params;

  public constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message.startsWith(`${code}:`) ? message : `${code}: ${message}`, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.transactionId = options.transactionId;
    this.template = options.template ?? null;
    this.params = options.params ?? {};
  }
}

/**
 * The message of a coded error in `lang`: `CODE: text`, the code unchanged, the text rendered from
 * the catalogue (template and parameters as the chaincode or the client raised it; the code's own
 * template otherwise). Errors that are not {@link CatalogClientError}s keep their message.
 */
export function localMessage(error: unknown, lang: Lang): string {
  if (!(error instanceof CatalogClientError)) return error instanceof Error ? error.message : String(error);
  const prefix = `${error.code}: `;
  const text = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return `${prefix}${errorText(lang, { code: error.code, text, template: error.template, params: error.params })}`;
}

/** A domain error raised by the chaincode (or by the same input validation, client-side). */
export class ChaincodeError extends CatalogClientError {
  declare public readonly code: ErrorCode;
}

/** The input failed the shared JSON Schema (`INVALID_INPUT`); nothing was sent or changed. */
export class InvalidInputError extends ChaincodeError {}
/** The item, proposal, version or chunk asked for does not exist. */
export class NotFoundError extends ChaincodeError {}
/** The caller's role or organisation may not do this. */
export class ForbiddenError extends ChaincodeError {}
/** The request conflicts with the current state (proposal state, version conflict, double vote, …). */
export class ConflictError extends ChaincodeError {}

/**
 * The transaction failed outside the chaincode's logic: endorsement, ordering, validation at commit
 * (`code` is then the validation code name, e.g. `MVCC_READ_CONFLICT`, `ENDORSEMENT_POLICY_FAILURE`),
 * or the commit status could not be had in time (`COMMIT_STATUS_TIMEOUT`).
 */
export class TransactionError extends CatalogClientError {
  /** Block the transaction was committed in (for validation failures). */
  public readonly blockNumber: bigint | undefined;

  public constructor(code: string, message: string, options: ErrorOptions & { blockNumber?: bigint } = {}) {
    super(code, message, options);
    this.blockNumber = options.blockNumber;
  }
}

/**
 * The call was refused before the catalog's code ran, by fabric-shim's contract dispatch
 * (`UNKNOWN_TRANSACTION`: no such contract or transaction; `ARGUMENT_COUNT`: the wrong number of
 * arguments) or by the peer (`ACCESS_DENIED`: the creator is not a valid identity of a channel
 * member). Nothing ran and nothing changed.
 */
export class RefusedCallError extends CatalogClientError {}

/**
 * Refusals that fabric-shim or the peer raise before any chaincode code runs, by the text they
 * carry (fabric-shim 2.5 `chaincodefromcontract.js` / fabric-contract-api `contract.js`,
 * `datamarshall.js`; the peer's proposal check). The client gives each its own code.
 */
const REFUSALS: readonly (readonly [RegExp, string])[] = [
  [/You've asked to invoke a function that does not exist: ?(.*)$/, 'UNKNOWN_TRANSACTION'],
  [/Contract name is not known: ?(.*)$/, 'UNKNOWN_TRANSACTION'],
  [/(Expected \d+ parameters, but \d+ have been supplied)/, 'ARGUMENT_COUNT'],
  [/(access denied.*)$/i, 'ACCESS_DENIED'],
];

/** The code and detail of a refusal in {@link REFUSALS}, or null. */
export function refusalOf(message: string): { code: string; detail: string } | null {
  for (const [pattern, code] of REFUSALS) {
    const match = pattern.exec(message);
    if (match !== null) return { code, detail: (match[1] ?? '').trim() || message };
  }
  return null;
}

const NOT_FOUND = new Set<ErrorCode>([
  'ITEM_NOT_FOUND',
  'RULE_NOT_FOUND',
  'POLICY_NOT_FOUND',
  'PROPOSAL_NOT_FOUND',
  'VERSION_NOT_FOUND',
  'CHUNK_NOT_FOUND',
]);
const FORBIDDEN = new Set<ErrorCode>([
  'FORBIDDEN_ROLE',
  'FORBIDDEN_ORG',
  'SELF_APPROVAL',
  'MEMBER_SUSPENDED',
  'SCOPE_VIOLATION',
  'ID_MISMATCH',
]);
const CONFLICT = new Set<ErrorCode>([
  'PROPOSAL_STATE',
  'VERSION_CONFLICT',
  'CHUNK_CONFLICT',
  'ALREADY_VOTED',
  'DUPLICATE_CHANGE',
  'GOVERNANCE_EXISTS',
  'CHUNKS_INCOMPLETE',
  'QUORUM_NOT_MET',
  'STALE_REVIEW',
  'MANIFEST_MISMATCH',
]);

/** The name of a transaction validation code, e.g. 11 → `MVCC_READ_CONFLICT`. */
export function validationCodeName(code: number): string {
  const entry = Object.entries(peer.TxValidationCode).find(([, value]) => value === code);
  return entry?.[0] ?? `VALIDATION_${code}`;
}

/**
 * Builds the typed error for a chaincode error code and message. A message that still carries the
 * chaincode's machine-readable part (`… [nrdl:{…}]`, e.g. the message of a {@link CatalogError} the
 * model threw in this process) loses it here; its template and parameters become the error's.
 */
export function chaincodeError(code: ErrorCode, message: string, options: ErrorOptions = {}): ChaincodeError {
  if (options.template == null) {
    const prefix = `${code}: `;
    const decoded = decodeError(message.startsWith(prefix) ? message : `${prefix}${message}`);
    if (decoded?.code === code && decoded.template !== null) {
      return chaincodeError(code, decoded.text, {
        ...options,
        template: decoded.template,
        params: decoded.params,
      });
    }
  }
  if (code === 'INVALID_INPUT') return new InvalidInputError(code, message, options);
  if (NOT_FOUND.has(code)) return new NotFoundError(code, message, options);
  if (FORBIDDEN.has(code)) return new ForbiddenError(code, message, options);
  if (CONFLICT.has(code)) return new ConflictError(code, message, options);
  return new ChaincodeError(code, message, options);
}

/**
 * The `CODE: text` part of a peer's message (`chaincode response 500, CODE: text [nrdl:{…}]`);
 * {@link chaincodeError} reads the template and parameters the chaincode appended.
 */
function codedMessage(message: string): { code: ErrorCode; text: string } | null {
  const code = errorCodeOf(message);
  if (code === null) return null;
  return { code, text: message.slice(message.indexOf(`${code}:`)) };
}

/** Turns anything the gateway throws into a {@link CatalogClientError}. */
export function toClientError(error: unknown, transactionId?: string): CatalogClientError {
  if (error instanceof CatalogClientError) return error;
  const txId = transactionId ?? (error as { transactionId?: string } | null)?.transactionId;
  const options = txId === undefined ? { cause: error } : { cause: error, transactionId: txId };
  if (error instanceof CommitError) {
    return new TransactionError(validationCodeName(error.code), error.message, options);
  }
  if (error instanceof GatewayError) {
    // grpc-js prefixes the status message with the gRPC code and its name (`5 NOT_FOUND: …`,
    // `13 INTERNAL: …`): those names are transport status, not chaincode codes.
    const status = error.message.replace(/^\d+ [A-Z_]+: /, '');
    const messages = [status, ...error.details.map((detail) => detail.message)];
    for (const message of messages) {
      const coded = codedMessage(message);
      if (coded) return chaincodeError(coded.code, coded.text, options);
    }
    // Refusals before the chaincode runs come from evaluating or endorsing a proposal only.
    const proposing = !(error instanceof CommitStatusError) && error.name !== 'SubmitError';
    for (const message of proposing ? messages : []) {
      const refused = refusalOf(message);
      if (refused) {
        return new RefusedCallError(refused.code, refused.detail, {
          ...options,
          template: refused.code,
          params: { detail: refused.detail },
        });
      }
    }
    const details = error.details.map((detail) => `${detail.mspId}: ${detail.message}`).join('; ');
    const text = details ? `${error.message} (${details})` : error.message;
    if (error instanceof EndorseError) return new TransactionError('ENDORSE_FAILED', text, options);
    if (error.name === 'SubmitError') return new TransactionError('SUBMIT_FAILED', text, options);
    if (error instanceof CommitStatusError)
      return new TransactionError('COMMIT_STATUS_FAILED', text, options);
    return new TransactionError(error.code === 4 ? 'DEADLINE_EXCEEDED' : 'GATEWAY_ERROR', text, options);
  }
  if (error instanceof Error) {
    // Also a CatalogError the model threw in this process: its message carries its template.
    const coded = codedMessage(error.message);
    if (coded) return chaincodeError(coded.code, coded.text, options);
    return new CatalogClientError('CLIENT_ERROR', error.message, options);
  }
  return new CatalogClientError('CLIENT_ERROR', String(error), options);
}
