/**
 * A short but complete catalog history produced by the REAL contracts on the in-memory peer
 * (support/catalog-history.ts, with a cross-province write refused with ENDORSEMENT_POLICY_FAILURE),
 * recorded as real-format blocks. Built once and shared by the tests.
 */
import type { common } from '@hyperledger/fabric-protos';
import { writeCatalogHistory, type CatalogHistory } from './catalog-history';
import { RecordingNetwork, recordedToChain } from './recording-network';

export { ids } from './catalog-history';

/** The recorded history. */
export interface Scenario extends CatalogHistory {
  readonly net: RecordingNetwork;
  readonly blocks: readonly common.Block[];
}

let built: Promise<Scenario> | null = null;

async function build(): Promise<Scenario> {
  const net = new RecordingNetwork();
  const history = await writeCatalogHistory(net, { refusedCrossProvinceWrite: true });
  return { ...history, net, blocks: recordedToChain(net.recorded, 3).blocks };
}

/** The scenario (built on first use). */
export function scenario(): Promise<Scenario> {
  built ??= build();
  return built;
}
