/**
 * Chaincode entry point (`@nrdl-catalog/chaincode`): the contracts the peer's chaincode process
 * serves. The shared model — schemas, types, error codes and pure functions (item ids, digest,
 * coverage) — is `@nrdl-catalog/chaincode/model` (`./shared.ts`), which does not load fabric-shim.
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

/** Contracts served by `fabric-chaincode-node start`; the first (System, as before) is the default contract; call the others by name (`Catalog:GetItem`). */
export const contracts: (typeof Contract)[] = [
  SystemContract,
  CatalogContract,
  ProposalContract,
  GovernanceContract,
];
