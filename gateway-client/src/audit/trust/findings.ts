/**
 * What the independent verifier reports: one finding per thing it could not accept (or could not
 * check), naming where on the ledger it is.
 */

/** Finding codes. */
export type FindingCode =
  | 'GENESIS_MISMATCH'
  | 'UNDECODABLE_BLOCK'
  | 'BLOCK_NUMBER'
  | 'HASH_CHAIN'
  | 'DATA_HASH'
  | 'BLOCK_METADATA'
  | 'BAD_BLOCK_SIGNATURE'
  | 'BLOCK_VALIDATION_POLICY'
  | 'CONFIG'
  | 'CONFIG_UPDATE'
  | 'BAD_CREATOR_SIGNATURE'
  | 'BAD_ENDORSEMENT_SIGNATURE'
  | 'UNKNOWN_IDENTITY'
  | 'CERT_NOT_VALID_AT_TX_TIME'
  | 'ENDORSEMENT_POLICY'
  | 'ENDORSEMENTS_DISAGREE'
  | 'MVCC'
  | 'PHANTOM'
  | 'VALIDATION_FLAG_MISMATCH'
  | 'REEXECUTION'
  | 'NOT_IMPLEMENTED';

/**
 * `error` findings make the verification fail. `warning` findings are facts worth reading that do
 * not contradict the ledger (e.g. a bad signature in a transaction the peers also rejected, or a
 * certificate used outside its validity period, which Fabric's committer does not check).
 */
export type FindingSeverity = 'error' | 'warning';

/** One finding. */
export interface Finding {
  readonly code: FindingCode | (string & NonNullable<unknown>);
  readonly message: string;
  /** Defaults to `error`. */
  readonly severity?: FindingSeverity;
  readonly block?: number;
  readonly txIndex?: number;
  readonly txId?: string;
  readonly creatorMsp?: string;
  /** MSP ids of the endorsing organisations. */
  readonly endorsers?: readonly string[];
  readonly key?: string;
}

/** True when the finding makes the verification fail. */
export function isError(finding: Finding): boolean {
  return finding.severity !== 'warning';
}
