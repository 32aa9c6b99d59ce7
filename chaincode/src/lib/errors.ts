import {
  codeOfTemplate,
  decodeError,
  encodeError,
  type ErrorTemplate,
  type Params,
  type ParamsOf,
} from '../messages';

/**
 * The single registry of error codes. Every error the chaincode throws has the message
 * `CODE: human readable text`, because only the message reaches a Fabric client.
 */
export const ERROR_CODES = {
  INVALID_INPUT: 'The argument is not valid JSON or does not match the transaction schema',
  UNKNOWN_PROVINCE: 'The province is not a member of the catalog network',
  ITEM_NOT_FOUND: 'No such item (or it is not listed in the requested version)',
  RULE_NOT_FOUND: 'No such rule of the national rule base (or it is not in force in the requested version)',
  POLICY_NOT_FOUND: 'The province has no payment policy in force (in the requested version)',
  VERSION_NOT_FOUND: 'No such catalog version, or no version is in force at the requested date',
  PROPOSAL_NOT_FOUND: 'No such proposal',
  PROPOSAL_STATE: 'The proposal is not in a state that allows this operation',
  CHUNK_TOO_LARGE: 'A chunk carries more changes than governance allows',
  CHUNK_CONFLICT: 'A chunk with this index already exists with different content',
  CHUNK_NOT_FOUND: 'No such chunk in the proposal',
  CHUNKS_INCOMPLETE: 'Chunks are missing (open) or not yet applied (seal)',
  DUPLICATE_CHANGE: 'The proposal already changes this item, overlay or rule',
  SCOPE_VIOLATION: "The change is outside the proposal's scope",
  FORBIDDEN_ROLE: "The caller's catalog.role does not allow this operation",
  FORBIDDEN_ORG: "The caller's organisation may not perform this operation",
  SELF_APPROVAL: 'The proposer may not approve its own proposal',
  MEMBER_SUSPENDED: "Governance has suspended the organisation's votes and writes",
  ALREADY_VOTED: 'This organisation has already voted on the proposal',
  STALE_REVIEW:
    'The vote names a manifest, base version or governance version other than the proposal has now',
  MANIFEST_MISMATCH: 'A chunk does not match the manifest fixed when the proposal was opened',
  ID_MISMATCH: "An explicit item id does not match the item's kind and owning province",
  QUORUM_NOT_MET: 'The approvals required by governance are not (yet) present',
  VERSION_CONFLICT: 'The item changed (or has a pending change) since the proposal was opened',
  GOVERNANCE_NOT_INITIALISED: 'The governance record does not exist yet',
  GOVERNANCE_EXISTS: 'The governance record already exists',
  GOVERNANCE_INVALID: 'The governance rules are not acceptable',
  NOT_FOUND: 'No such record (diagnostic records of the System contract)',
  INTERNAL: 'Unexpected internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * An error whose message starts with a stable code from {@link ERROR_CODES}, followed by its English
 * text and the template and parameters a client renders in Chinese or English
 * (`@nrdl-catalog/chaincode/messages`). The chaincode throws these only through {@link raise}, so
 * every refusal names a catalogue template.
 */
export class CatalogError extends Error {
  public readonly code: ErrorCode;
  /** The message template (`ITEM_NOT_FOUND.noOverlay`), null for a plain-text error. */
  public readonly template: ErrorTemplate | null;
  public readonly params: Params;

  public constructor(
    code: ErrorCode,
    message: string,
    template: ErrorTemplate | null = null,
    params: Params = {},
  ) {
    super(message.startsWith(`${code}: `) ? message : `${code}: ${message}`);
    this.name = 'CatalogError';
    this.code = code;
    this.template = template;
    this.params = params;
  }
}

/** Templates of the chaincode's own codes. */
export type ChaincodeTemplate = Extract<ErrorTemplate, ErrorCode | `${ErrorCode}.${string}`>;

/**
 * Throws the coded error of a catalogue template: `raise('ITEM_NOT_FOUND', { itemId })`. The code is
 * the template's first part; the message is the English text plus the machine-readable template and
 * parameters.
 */
export function raise<T extends ChaincodeTemplate>(template: T, params: ParamsOf<`error.${T}`>): never {
  const code = codeOfTemplate(template) as ErrorCode;
  throw new CatalogError(code, encodeError(template, params), template, params);
}

/** Extracts the code from an error message of the form `CODE: text` (as seen by clients), or null. */
export function errorCodeOf(message: string): ErrorCode | null {
  const code = decodeError(message)?.code;
  return code !== undefined && code in ERROR_CODES ? (code as ErrorCode) : null;
}
