/**
 * The recorded history the re-execution tests share: the audit tests' catalog history
 * (../../support/catalog-history.ts) with a System ping and six more drugs in the national update,
 * recorded transaction by transaction. Built once.
 */
import { writeCatalogHistory } from '../../support/catalog-history';
import { RecordingHistory } from './history';

async function build(): Promise<RecordingHistory> {
  const net = new RecordingHistory();
  await writeCatalogHistory(net, { ping: true, syntheticDrugs: 6 });
  return net;
}

let built: Promise<RecordingHistory> | null = null;

/** The shared recorded history. */
export function history(): Promise<RecordingHistory> {
  built ??= build();
  return built;
}
