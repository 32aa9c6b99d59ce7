/**
 * One audit measure in a process of its own, so its peak RSS (VmHWM) is its own:
 * `audit-child.ts replay|raw <channel> <store.sqlite>` replays the channel's whole history into a
 * new SQLite store, or fetches and decodes every block storing nothing (the floor);
 * `audit-child.ts verify <channel> <store.sqlite> <genesis.block>` verifies that store on its own
 * (re-executing every catalog transaction); `audit-child.ts search <store.sqlite>` builds the
 * auditors' read model from it and times name searches over the catalog as of a date;
 * `audit-child.ts read-model <channel> <store.sqlite> <names.json> [concurrency] [seconds] [repeats]`
 * brings the search read model (what `GET /v1/search` answers from) up to the channel's head, then
 * times searches from `concurrency` callers at once (the load of the Caliper rounds) for `seconds`,
 * `repeats` times: latency from call to answer, digest check included.
 * Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { CatalogClient, openConnection } from '@nrdl-catalog/gateway-client';
import {
  buildLedgerModel,
  catalogAsOf,
  fetchAndDecode,
  genesisHashOf,
  replayBlocks,
  SqliteAuditStore,
  verifyIndependently,
} from '@nrdl-catalog/gateway-client/audit';
import { chainVersionsOf, SearchReadModel } from '@nrdl-catalog/gateway-client/search';
import { rssOf } from './resources';
import { searchQueries, timeSearches } from './read-model-measure';
import { spread } from './stats';
import { BENCH_DATE, WALLET_DIR } from './setup';

async function main(): Promise<Record<string, unknown>> {
  const [mode, ...args] = process.argv.slice(2);
  const peak = (): number => rssOf(process.pid, 'VmHWM') ?? Number.NaN;
  if (mode === 'replay' || mode === 'raw') {
    const [channel = '', file = ''] = args;
    const connection = openConnection({ as: 'audit/auditor', channel, walletDir: WALLET_DIR });
    try {
      const started = performance.now();
      if (mode === 'raw') {
        const floor = await fetchAndDecode(connection.network);
        return {
          mode,
          blocks: floor.blocks,
          transactions: floor.transactions,
          ms: performance.now() - started,
          peakRssMb: peak(),
        };
      }
      const store = new SqliteAuditStore({ path: file });
      try {
        const summary = await replayBlocks(connection.network, store);
        return {
          mode,
          blocks: summary.blocks,
          writes: summary.writes,
          ms: performance.now() - started,
          peakRssMb: peak(),
        };
      } finally {
        await store.close();
      }
    } finally {
      connection.close();
    }
  }
  if (mode === 'verify') {
    const [channel = '', file = '', genesis = ''] = args;
    const store = new SqliteAuditStore({ path: file });
    try {
      const started = performance.now();
      const result = await verifyIndependently(store, {
        trustedGenesisHash: genesisHashOf(readFileSync(genesis)),
        channel,
      });
      const ms = performance.now() - started;
      return {
        mode,
        ok: result.ok,
        blocks: result.blocks,
        transactions: result.transactions,
        reexecuted: result.reexecuted,
        notReexecuted: result.notReexecuted,
        findings: result.findings.filter((finding) => finding.severity !== 'warning').length,
        ms,
        peakRssMb: peak(),
      };
    } finally {
      await store.close();
    }
  }
  if (mode === 'search') {
    const [file = ''] = args;
    const names = JSON.parse(readFileSync(args[1] ?? '', 'utf8')) as { names: string[] };
    const store = new SqliteAuditStore({ path: file });
    try {
      const built = performance.now();
      const model = await buildLedgerModel(store);
      const buildMs = performance.now() - built;
      const asOf = catalogAsOf(model, BENCH_DATE, { province: 'Guangdong' });
      const queries = names.names.slice(0, 200);
      const started = performance.now();
      let hits = 0;
      for (const query of queries) {
        hits += asOf.items.filter((entry) => entry.item?.name.includes(query) === true).length;
      }
      const ms = performance.now() - started;
      return {
        mode,
        buildMs,
        searches: queries.length,
        hits,
        msPerSearch: ms / queries.length,
        items: asOf.items.length,
        peakRssMb: peak(),
      };
    } finally {
      await store.close();
    }
  }
  if (mode === 'read-model') {
    const [channel = '', file = '', namesFile = '', c = '16', s = '6', r = '3'] = args;
    const names = (JSON.parse(readFileSync(namesFile, 'utf8')) as { names: string[] }).names;
    const client = CatalogClient.connect({ as: 'audit/auditor', channel, walletDir: WALLET_DIR });
    const model = SearchReadModel.open(file, chainVersionsOf(client));
    try {
      const caughtUp = performance.now();
      await model.catchUp(client.network);
      const catchUpMs = performance.now() - caughtUp;
      const repeats = await timeSearches(model, searchQueries(names), Number(c), Number(s) * 1000, Number(r));
      const p99 = spread(repeats.map((repeat) => repeat.p99));
      return {
        mode,
        concurrency: Number(c),
        catchUpMs,
        catalogVersion: (await model.state())?.version ?? 0,
        searches: repeats.reduce((total, repeat) => total + repeat.searches, 0),
        throughput: spread(repeats.map((repeat) => repeat.throughput)).median,
        p50: spread(repeats.map((repeat) => repeat.p50)).median,
        p99: p99.median,
        p99Min: p99.min,
        p99Max: p99.max,
        peakRssMb: peak(),
      };
    } finally {
      await model.close();
      client.close();
    }
  }
  throw new Error(`usage: audit-child.ts replay|raw|verify|search|read-model …`);
}

main().then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
