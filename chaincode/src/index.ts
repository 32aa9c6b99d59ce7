/**
 * Chaincode entry point: the contracts the peer's chaincode process serves, plus the schemas, types,
 * error codes and pure functions (item ids, digest, coverage) shared with clients and auditors.
 */
import type { Contract } from 'fabric-contract-api';
import { CatalogContract } from './contracts/catalog-contract';
import { GovernanceContract } from './contracts/governance-contract';
import { ProposalContract } from './contracts/proposal-contract';
import { SystemContract } from './contracts/system-contract';

export { SystemContract } from './contracts/system-contract';
export { CatalogContract } from './contracts/catalog-contract';
export { ProposalContract } from './contracts/proposal-contract';
export { GovernanceContract } from './contracts/governance-contract';
export { canonicalJson } from './lib/canonical-json';
export {
  schemas,
  definitions,
  MAX_CHUNK_CHANGES,
  MAX_BATCH_LINES,
  MAX_PAGE_SIZE,
  type SchemaName,
} from './schemas';
export { ERROR_CODES, CatalogError, errorCodeOf, type ErrorCode } from './lib/errors';
export {
  AUDIT_MSP,
  NATIONAL_MSP,
  PROVINCES,
  ROLES,
  normaliseProvince,
  provinceOfMsp,
  type ProvinceInfo,
  type Role,
} from './lib/orgs';
export { computeItemId, normaliseIdText, ITEM_ID_PATTERN, type ItemIdSource } from './lib/item-id';
export {
  LATTICE_WORDS,
  decodeLattice,
  digestOfEntries,
  emptyLattice,
  encodeLattice,
  entryBytes,
  entryVector,
  latticeAdd,
  latticeDigest,
  latticeOf,
  latticeSub,
  sha256Json,
  type DigestEntry,
} from './lib/digest';
export {
  allOfPolicy,
  buildSignaturePolicy,
  decodeSignaturePolicy,
  nationalAndProvincesSpec,
  policyOrgs,
  type PolicySpec,
} from './lib/sbe';
export { evaluateCoverage, violatedRule, type CoverageFacts } from './model/coverage';
export { DEFAULT_MAX_CHUNK_CHANGES, defaultGovernance, tally } from './model/governance';
export type * from './model/types';
export type * from './model/io';

/** Contracts served by `fabric-chaincode-node start`; the first (System, as before) is the default contract; call the others by name (`Catalog:GetItem`). */
export const contracts: (typeof Contract)[] = [
  SystemContract,
  CatalogContract,
  ProposalContract,
  GovernanceContract,
];
