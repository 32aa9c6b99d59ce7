/**
 * Chaincode entry point: the contracts the peer's chaincode process serves.
 */
import { SystemContract } from './contracts/system-contract';

export { SystemContract } from './contracts/system-contract';
export { canonicalJson } from './lib/canonical-json';

/** Contracts served by `fabric-chaincode-node start`; the first is the default contract. */
export const contracts: (typeof SystemContract)[] = [SystemContract];
