/**
 * The bench channel: created beside `catalog` on the running network (same orderers, peers and
 * chaincode), its governance record, the whole NRDL 2024 + Shaanxi import timed by our own code,
 * optional synthetic copies for the growth curve, and the fixtures the workloads draw from.
 * Nothing here writes to the `catalog` channel.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  CatalogClient,
  CatalogClientError,
  membersFromTopology,
  openConnection,
} from '@nrdl-catalog/gateway-client';
import { readImportList, runImport, type ImportList } from '@nrdl-catalog/gateway-client/import';
import { computeItemId, type ItemInput } from '@nrdl-catalog/chaincode/model';
import {
  loadTopology,
  networkAddChannel,
  networkPaths,
  StepReporter,
  type Topology,
} from '@nrdl-catalog/network';

import type { Fixtures, LifecycleItem } from './workloads/base';

/** The real lists the catalog is made of (data/, provenance in data/PROVENANCE.md). */
export const DATA_DIR = path.resolve(__dirname, '..', '..', 'data');
export const WALLET_DIR = networkPaths().walletDir;
/** The date coverage questions ask about (inside the imported lists' validity). */
export const BENCH_DATE = '2025-06-01';
const EFFECTIVE_FROM = '2025-01-01';

/** One list's import as timed. */
export interface ImportTiming {
  readonly list: string;
  readonly items: number;
  readonly chunks: number;
  readonly seconds: number;
  /** Bytes of the change sets submitted (JSON of every item input). */
  readonly bytes: number;
  readonly phaseSeconds: Readonly<Record<string, number>>;
  readonly synthetic: boolean;
}

/** The three real lists as the importer reads them (governance gives Shaanxi its canonical name). */
export function realLists(topology: Topology): ImportList[] {
  const members = membersFromTopology(topology);
  return [
    readImportList({ list: 'nrdl', file: path.join(DATA_DIR, 'nrdl-2024-drugs.csv') }),
    readImportList(
      {
        list: 'province-items',
        file: path.join(DATA_DIR, 'shaanxi-2021-medical-service-prices.csv'),
        province: 'Shaanxi',
        kind: 'service',
      },
      members,
    ),
    readImportList(
      {
        list: 'province-items',
        file: path.join(DATA_DIR, 'shaanxi-2021-special-materials.csv'),
        province: 'Shaanxi',
        kind: 'material',
      },
      members,
    ),
  ];
}

/**
 * SYNTHETIC national drugs for the growth curve: `count` copies of real NRDL rows, cycling, each
 * with a new name (`<name>（合成副本k）`) and so a new id, edition `SYNTHETIC`. Only ever imported on
 * a bench channel.
 */
export function syntheticDrugs(nrdl: readonly ItemInput[], count: number): ImportList {
  const items: ItemInput[] = [];
  for (let i = 0; i < count; i += 1) {
    const source = nrdl[i % nrdl.length];
    if (source === undefined) break;
    const copy = Math.floor(i / nrdl.length) + 1;
    const rest: { -readonly [K in keyof ItemInput]?: ItemInput[K] } = { ...source };
    delete rest.id;
    const name = `${source.name}（合成副本${copy}）`;
    const item = {
      ...(rest as ItemInput),
      name,
      provenance: {
        edition: 'SYNTHETIC',
        sourceRow: source.provenance.sourceRow ?? null,
        source: 'bench: synthetic copy',
      },
    };
    items.push({ ...item, id: computeItemId(item) });
  }
  return {
    items,
    scope: { scope: 'national' },
    title: `SYNTHETIC growth copies (${count} drugs)`,
    source: 'synthetic',
    duplicates: 0,
  };
}

function connect(as: string, channel: string): CatalogClient {
  return CatalogClient.connect({ as, channel, walletDir: WALLET_DIR });
}

/** Creates the bench channel (idempotent) and its governance record. */
export async function ensureBenchChannel(channel: string, log: (line: string) => void): Promise<Topology> {
  const { topology } = await networkAddChannel(channel, {
    reporter: new StepReporter(2, (line) => {
      log(line);
    }),
  });
  const admin = connect('nhsa/admin', channel);
  try {
    await admin.initGovernance(membersFromTopology(loadTopology()));
    log(`governance record created on ${channel}`);
  } catch (error) {
    if (!(error instanceof CatalogClientError && error.code === 'GOVERNANCE_EXISTS')) throw error;
  } finally {
    admin.close();
  }
  return topology;
}

/**
 * Imports `lists` on `channel`, timing each: national lists (by NHSA) and each province's lists (by
 * that province, one after another) run side by side — proposals of different scopes touch no key
 * in common until they seal, and a seal that meets another's is endorsed again by the client.
 * Returns the timings and the wall-clock seconds of the whole import.
 */
export async function importLists(
  channel: string,
  lists: readonly ImportList[],
  log: (line: string) => void,
): Promise<{ timings: ImportTiming[]; seconds: number }> {
  const lanes = new Map<string, ImportList[]>();
  for (const list of lists) {
    const lane = list.scope.scope === 'national' ? 'national' : (list.scope.province ?? '');
    lanes.set(lane, [...(lanes.get(lane) ?? []), list]);
  }
  const started = performance.now();
  // Every lane runs to its end before a failure is reported, so the error is the last thing the
  // run prints (not buried under the other lanes' progress) and no import is left half-done.
  const settled = await Promise.allSettled(
    [...lanes.values()].map(async (lane) => {
      const done: ImportTiming[] = [];
      for (const list of lane) {
        try {
          done.push(await importList(channel, list, log));
        } catch (error) {
          throw new Error(
            `import of ${list.title} failed: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
      }
      return done;
    }),
  );
  const failed = settled.find((lane) => lane.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  const timings = settled.flatMap((lane) => (lane.status === 'fulfilled' ? lane.value : []));
  return { timings, seconds: (performance.now() - started) / 1000 };
}

async function importList(
  channel: string,
  list: ImportList,
  log: (line: string) => void,
): Promise<ImportTiming> {
  const national = list.scope.scope === 'national';
  const client = connect(national ? 'nhsa/proposer' : 'shaanxi/proposer', channel);
  const approvers = (
    national ? ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'] : ['shaanxi/approver']
  ).map((as) => connect(as, channel));
  try {
    const started = performance.now();
    let lastPhase = '';
    const summary = await runImport({
      client,
      source: list,
      effectiveFrom: EFFECTIVE_FROM,
      approvers,
      onProgress: (progress) => {
        if (progress.phase !== lastPhase) {
          lastPhase = progress.phase;
          log(`  ${list.title}: ${progress.phase} (${progress.done}/${progress.total})`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    if (summary.version === null)
      throw new Error(`import of ${list.title} ended ${summary.status}, not sealed`);
    log(`  ${list.title}: ${summary.items} items in ${seconds.toFixed(1)} s`);
    return {
      list: list.title,
      items: summary.items,
      chunks: summary.chunks,
      seconds,
      bytes: list.items.reduce((total, item) => total + Buffer.byteLength(JSON.stringify(item)), 0),
      phaseSeconds: summary.phaseSeconds,
      synthetic: list.source === 'synthetic',
    };
  } finally {
    for (const opened of [client, ...approvers]) opened.close();
  }
}

/** Records one ping (the GetState floor reads it back) and returns its key parts. */
export async function recordPing(channel: string): Promise<{ mspId: string; txId: string }> {
  const connection = openConnection({ as: 'nhsa/admin', channel, walletDir: WALLET_DIR });
  try {
    const bytes = await connection.contract.submitTransaction(
      'System:Ping',
      'bench: the GetState floor reads this',
    );
    const record = JSON.parse(Buffer.from(bytes).toString('utf8')) as { mspId: string; txId: string };
    return { mspId: record.mspId, txId: record.txId };
  } finally {
    connection.close();
  }
}

/** Bytes of the stored record `GetItem` answers for a typical drug (canonical JSON). */
async function itemRecordBytes(channel: string, itemId: string): Promise<number> {
  const reader = connect('guangdong/hospital1', channel);
  try {
    const view = await reader.getItem({ itemId });
    return Buffer.byteLength(JSON.stringify(view.item));
  } finally {
    reader.close();
  }
}

/** Writes the workloads' fixtures for `channel` from the lists imported there. */
export async function writeFixtures(
  file: string,
  channel: string,
  topology: Topology,
  lists: readonly ImportList[],
): Promise<Fixtures> {
  const national = lists.filter((list) => list.scope.scope === 'national' && list.source !== 'synthetic');
  const provincial = lists.filter((list) => list.scope.scope === 'provincial');
  const drugs = national.flatMap((list) => list.items);
  const idOf = (item: ItemInput): string => item.id ?? computeItemId(item);
  const drugIds = shuffle(drugs.map(idOf));
  const first = drugIds[0];
  if (first === undefined) throw new Error('no national items to benchmark');
  const lifecycleItems: LifecycleItem[] = drugs
    .filter((_, index) => index % 97 === 0)
    .slice(0, 40)
    .map((item) => ({ itemId: idOf(item), item: { ...item, id: idOf(item) } }));
  const fixtures: Fixtures = {
    channel,
    chaincode: topology.chaincode.name,
    mspOf: Object.fromEntries(topology.orgs.map((org) => [org.name, org.mspId])),
    drugIds,
    provincialIds: shuffle(provincial.flatMap((list) => list.items).map(idOf)),
    names: shuffle(drugs.map((item) => item.name)).slice(0, 500),
    ping: await recordPing(channel),
    itemRecordBytes: await itemRecordBytes(channel, first),
    date: BENCH_DATE,
    lifecycleItems,
  };
  writeFileSync(file, JSON.stringify(fixtures));
  return fixtures;
}

/** A fixed permutation (so runs compare): a linear congruential shuffle with a constant seed. */
export function shuffle<T>(values: readonly T[]): T[] {
  const out = [...values];
  let seed = 20_241_201;
  for (let i = out.length - 1; i > 0; i -= 1) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}
