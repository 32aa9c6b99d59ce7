/**
 * The catalog's main job (`npm start`): bring the network up with the chaincode deployed, create
 * the governance record, import the NRDL 2024 list and Shaanxi's 2021 service-price and
 * special-materials lists when the catalog is empty, then the NHSA rule base (a national rule set
 * linked to those items), then serve the HTTP API and web console until interrupted: one API process
 * per organisation of the topology, each with only its own organisation's keys, on its own port
 * (scripts/serve-orgs.ts).
 * Fails in seconds with a clear message when Fabric is not found.
 */
import path from 'node:path';
import { loadApiKeys } from '@nrdl-catalog/api';
import {
  DEFAULT_API_PORT,
  importSummaryText,
  pendingNote,
  processOutput,
  progressReporter,
  quietSqliteWarning,
} from '@nrdl-catalog/cli';
import {
  CatalogClient,
  CatalogClientError,
  displayPath,
  membersFromTopology,
} from '@nrdl-catalog/gateway-client';
import {
  linkReportLines,
  readImportList,
  runImport,
  type ImportSource,
} from '@nrdl-catalog/gateway-client/import';
import {
  FabricNotFoundError,
  FabricVersionError,
  loadTopology,
  networkPaths,
  networkStatus,
  networkUp,
} from '@nrdl-catalog/network';
import { orgServers, startServer, waitHealthy, type RunningServer } from './serve-orgs';

const DATA = path.resolve(__dirname, '..', 'data');
const WALLET_DIR = networkPaths().walletDir;

/** Creates the governance record with the topology's members (once; from then on the chain holds the list). */
async function ensureGovernance(): Promise<void> {
  const admin = CatalogClient.connect({ as: 'nhsa/admin', walletDir: WALLET_DIR });
  try {
    const done = await admin.initGovernance(membersFromTopology(loadTopology()));
    process.stdout.write(
      `governance record created: ${done.value.provinces.map((p) => p.name).join(', ')} ` +
        '(defaults: national = NHSA + majority of provinces)\n',
    );
  } catch (error) {
    if (!(error instanceof CatalogClientError && error.code === 'GOVERNANCE_EXISTS')) throw error;
  } finally {
    admin.close();
  }
}

async function catalogIsEmpty(): Promise<boolean> {
  const auditor = CatalogClient.connect({ as: 'audit/auditor', walletDir: WALLET_DIR });
  try {
    return (await auditor.listVersions({ pageSize: 1 })).records.length === 0;
  } finally {
    auditor.close();
  }
}

/**
 * Imports one source list as `as` (unless $CATALOG_AS names another identity) on $CATALOG_CHANNEL
 * (else the profile's channel), approved by `approveAs`, with the CLI's progress and summary.
 */
async function importList(as: string, source: ImportSource, approveAs: readonly string[]): Promise<void> {
  const channel = process.env.CATALOG_CHANNEL;
  const connect = (identity: string): CatalogClient =>
    CatalogClient.connect({
      as: identity,
      walletDir: WALLET_DIR,
      ...(channel === undefined || channel === '' ? {} : { channel }),
    });
  const client = connect(process.env.CATALOG_AS ?? as);
  const approvers = approveAs.map(connect);
  const progress = progressReporter(processOutput);
  try {
    let list;
    if (source.list === 'rule-base') {
      list = readImportList(source, await client.getGovernance());
      for (const line of list.report === undefined ? [] : linkReportLines(list.report))
        processOutput.err(line);
    }
    const summary = await runImport({
      client,
      source: list ?? source,
      effectiveFrom: '2025-01-01',
      approvers,
      onProgress: progress.onProgress,
      onNote: (text) => {
        processOutput.err(text);
      },
    });
    progress.finish();
    processOutput.out(importSummaryText(summary));
    const pending = pendingNote(summary);
    if (pending !== null) processOutput.err(pending);
  } finally {
    progress.finish();
    for (const opened of [client, ...approvers]) opened.close();
  }
}

/**
 * Runs one `catalog serve --org <org>` per organisation of the topology (as child processes of this
 * one, their output prefixed with the organisation), prints each one's console URL and keys file,
 * and waits until they stop (Ctrl-C stops them all).
 */
async function serveEveryOrganisation(): Promise<void> {
  const keysFile = path.join(WALLET_DIR, 'api-keys.json');
  // created here, once, before the servers read it (each keeps its own organisation's keys)
  loadApiKeys(keysFile, WALLET_DIR);
  const servers = orgServers(
    loadTopology().orgs.map((org) => ({ name: org.name, kind: org.kind })),
    // GET /v1/search answers from each server's read model, which follows the channel in the background
    { basePort: DEFAULT_API_PORT, keysFile, readModelDir: 'audit' },
  );
  const run = path.resolve(__dirname, '..', 'apps', 'cli', 'src', 'run.ts');
  const running: RunningServer[] = servers.map((server) =>
    startServer(process.execPath, [...process.execArgv, run], server, (line) => {
      process.stdout.write(`${line}\n`);
    }),
  );
  const stopAll = (): void => {
    for (const { child } of running) if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    await Promise.all(running.map(({ server, exited }) => waitHealthy(server.url, exited, 180_000)));
  } catch (error) {
    stopAll();
    await Promise.all(running.map(({ exited }) => exited));
    throw error;
  }
  const width = Math.max(...servers.map((server) => server.org.length));
  process.stdout.write(
    '\nweb console and API of each organisation (sign in with an API key of that organisation):\n',
  );
  for (const server of servers)
    process.stdout.write(
      `  ${server.org.padEnd(width)}  ${server.url}/   API keys: ${displayPath(keysFile)} (${server.org}/… only; npx catalog api-key ${server.org}/<identity>)\n`,
    );
  const codes = await Promise.all(running.map(({ exited }) => exited));
  if (codes.some((code) => code !== 0))
    throw new Error(`an API server failed (exit codes ${codes.join(', ')})`);
}

async function main(): Promise<void> {
  quietSqliteWarning();
  await networkUp();
  const status = await networkStatus();
  const healthy = status.nodes.filter((node) => node.healthy).length;
  process.stdout.write(
    `\nnetwork: ${healthy}/${status.nodes.length} nodes healthy, chaincode sequence ${status.chaincode?.sequence ?? '-'}\n`,
  );
  await ensureGovernance();
  if (await catalogIsEmpty()) {
    process.stdout.write('catalog is empty: importing NRDL 2024 and the Shaanxi 2021 lists\n');
    await importList('nhsa/proposer', { list: 'nrdl', file: path.join(DATA, 'nrdl-2024-drugs.csv') }, [
      'nhsa/approver',
      'guangdong/approver',
      'sichuan/approver',
    ]);
    for (const [file, kind] of [
      ['shaanxi-2021-medical-service-prices.csv', 'service'],
      ['shaanxi-2021-special-materials.csv', 'material'],
    ] as const) {
      await importList(
        'shaanxi/proposer',
        { list: 'province-items', file: path.join(DATA, file), province: 'Shaanxi', kind },
        ['shaanxi/approver'],
      );
    }
    // the rule base links to the NRDL items and Shaanxi's service items imported above
    await importList('nhsa/proposer', { list: 'rule-base', file: DATA, province: 'Shaanxi' }, [
      'nhsa/approver',
      'guangdong/approver',
      'sichuan/approver',
    ]);
  } else {
    process.stdout.write('catalog already holds sealed versions: skipping the import\n');
  }
  process.stdout.write(
    '\nstarting one HTTP API and web console per organisation (Ctrl-C stops them; the network keeps running until `npm run network:down`)\n',
  );
  await serveEveryOrganisation();
}

main().catch((error: unknown) => {
  const known = error instanceof FabricNotFoundError || error instanceof FabricVersionError;
  const text =
    error instanceof Error
      ? known || !process.env.NRDL_DEBUG
        ? error.message
        : (error.stack ?? error.message)
      : String(error);
  process.stderr.write(`catalog: ${text}\n`);
  process.exitCode = 1;
});
