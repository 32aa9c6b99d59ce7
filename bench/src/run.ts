/**
 * `npm run bench` — the catalog's benchmark on the running network, written to bench/results/:
 *
 * 1. a bench channel beside `catalog` (same orderers, peers and chaincode), governance record,
 *    the whole NRDL 2024 + Shaanxi import timed, network RSS before and after;
 * 2. Caliper rounds (bench/src/plan.ts) through the Fabric gateway connector: the two floors,
 *    coverage, batches, claim, GetItem, search, ListVersions, the proposal lifecycle;
 * 3. our own measures: audit replay against a raw fetch-and-decode, verify, read-model search;
 * 4. with `--growth 2,4`: synthetic copies on channels of their own, coverage, import and replay again;
 * 5. the report: JSON, Markdown with every figure as a ratio to its floor, SVG charts, Caliper's HTML.
 *
 * `--smoke` (the test command): a small import, one short round of each workload, into a folder
 * given by `--out` — it shows the harness works, it measures nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  channelBlock,
  FABRIC_VERSION,
  loadTopology,
  networkPaths,
  networkStatus,
  type Topology,
} from '@nrdl-catalog/network';
import type { ImportList } from '@nrdl-catalog/gateway-client/import';
import {
  benchmarkConfig,
  BENCH_DIR,
  caliperInstalled,
  networkConfig,
  ROOT_DIR,
  runCaliper,
  type CaliperSummaryRow,
} from './caliper';
import { planRounds } from './plan';
import { buildReport, type BenchResults, type GrowthPoint, type RoundResult, writeReport } from './report';
import { peakDuring, snapshot } from './resources';
import { roundStats } from './stats';
import {
  ensureBenchChannel,
  importLists,
  realLists,
  syntheticDrugs,
  WALLET_DIR,
  writeFixtures,
  type ImportTiming,
} from './setup';

interface RunOptions {
  readonly smoke: boolean;
  readonly out: string;
  readonly repeats: number;
  readonly seconds: number;
  readonly growth: readonly number[];
  readonly channel: string | undefined;
}

/** Requests started in a round's first second are left out of our figures (see roundStats). */
const WARM_UP_MS = 1000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function stamp(): string {
  return new Date().toISOString().slice(0, 16).replace(/[-:T]/g, '').slice(0, 12);
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], {
      cwd: ROOT_DIR,
      encoding: 'utf8',
    }).trim();
  } catch {
    return 'unknown';
  }
}

/** Runs one audit measure in a child process (bench/src/audit-child.ts) and parses its JSON line. */
async function auditChild(args: readonly string[]): Promise<Record<string, number | boolean | string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=nrdl-source', '-r', 'ts-node/register', path.join(__dirname, 'audit-child.ts'), ...args],
      {
        cwd: ROOT_DIR,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0)
        reject(
          new Error(`audit measure ${args[0] ?? ''} failed: ${err.trim().split('\n').slice(-5).join(' | ')}`),
        );
      else
        resolve(
          JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Record<string, number | boolean | string>,
        );
    });
  });
}

/**
 * Replay, raw fetch-and-decode (alternating, `times` each), verify and the ledger model's search of
 * `channel`; with `readModel`, the search read model's latency at load 16 (`times` repeats of `seconds`).
 */
async function auditMeasures(
  channel: string,
  topology: Topology,
  workDir: string,
  names: string,
  times: number,
  readModel?: { readonly seconds: number },
): Promise<BenchResults['audit']> {
  const replays: Record<string, number | boolean | string>[] = [];
  const raws: Record<string, number | boolean | string>[] = [];
  let store = '';
  for (let i = 0; i < times; i += 1) {
    raws.push(await auditChild(['raw', channel]));
    store = path.join(workDir, `audit-${channel}-${i}.sqlite`);
    replays.push(await auditChild(['replay', channel, store]));
  }
  log(
    `  replay ${replays.map((r) => Number(r.ms).toFixed(0)).join(', ')} ms; raw ${raws.map((r) => Number(r.ms).toFixed(0)).join(', ')} ms`,
  );
  const genesis = channelBlock(topology, networkPaths());
  const verify = await auditChild(['verify', channel, store, genesis]);
  log(`  verify ${Number(verify.transactions)} transactions in ${Number(verify.ms).toFixed(0)} ms`);
  const search = await auditChild(['search', store, names]);
  if (readModel === undefined) return { replays, raws, verify, search };
  const measured = await auditChild([
    'read-model',
    channel,
    path.join(workDir, `read-model-${channel}.sqlite`),
    names,
    '16',
    String(readModel.seconds),
    String(times),
  ]);
  log(
    `  read-model search at load 16: p50 ${Number(measured.p50).toFixed(1)} ms, p99 ${Number(measured.p99).toFixed(1)} ms, ${Number(measured.throughput).toFixed(0)} searches/s`,
  );
  return { replays, raws, verify, search, readModel: measured };
}

/** Collects the samples of every round Caliper ran. */
function collectRounds(
  samplesDir: string,
  caliper: readonly CaliperSummaryRow[],
  warmUpMs: number,
): RoundResult[] {
  if (!existsSync(samplesDir)) return [];
  return readdirSync(samplesDir).map((label) => {
    const workers = readdirSync(path.join(samplesDir, label)).map(
      (file) =>
        JSON.parse(readFileSync(path.join(samplesDir, label, file), 'utf8')) as {
          samples: [number, number, number][];
          extra: Record<string, number[]>;
        },
    );
    const extra: Record<string, number[]> = {};
    for (const worker of workers)
      for (const [name, values] of Object.entries(worker.extra)) (extra[name] ??= []).push(...values);
    const latencies = workers.flatMap((worker) =>
      worker.samples.filter((s) => s[2] === 1 && s[0] >= warmUpMs).map((s) => s[1]),
    );
    return {
      label,
      stats: roundStats(
        workers.map((worker) => worker.samples),
        warmUpMs,
      ),
      latencies: latencies.sort((a, b) => a - b),
      extra,
      caliper: caliper.find((row) => row.name === label) ?? null,
    };
  });
}

async function caliperRounds(
  topology: Topology,
  channel: string,
  fixtures: string,
  workDir: string,
  options: { repeats: number; seconds: number; smoke: boolean; only?: readonly string[]; tag: string },
): Promise<{ rounds: RoundResult[]; peak: Record<string, number>; report: string }> {
  const samplesDir = path.join(workDir, `samples-${options.tag}`);
  const reportFile = path.join(workDir, `caliper-${options.tag}.html`);
  const all = planRounds({
    repeats: options.repeats,
    seconds: options.seconds,
    lifecycles: options.smoke ? 1 : 5,
    smoke: options.smoke,
  });
  const rounds =
    options.only === undefined
      ? all
      : all.filter((round) => options.only?.some((name) => round.label.startsWith(`${name}-`)));
  log(`caliper: ${rounds.length} rounds on ${channel}`);
  const { result, peak } = await peakDuring(() =>
    runCaliper({
      workDir,
      network: networkConfig(topology, channel, WALLET_DIR),
      benchmark: benchmarkConfig(rounds, { channel, fixtures, samplesDir, workers: 1 }),
      reportFile,
      log: (line) => {
        log(`  ${line}`);
      },
    }),
  );
  return {
    rounds: collectRounds(samplesDir, result, options.smoke ? 0 : WARM_UP_MS),
    peak,
    report: reportFile,
  };
}

async function run(options: RunOptions): Promise<string> {
  if (!caliperInstalled()) throw new Error('Caliper is not installed: run `npm ci --prefix bench`');
  const status = await networkStatus();
  if (!status.nodes.every((node) => node.healthy) || !status.chaincode) {
    throw new Error('the network is not up: run `npm run network:up` (or `npm start`) first');
  }
  const commit = gitCommit();
  const started = new Date();
  const channel = options.channel ?? `bench-${stamp()}${options.smoke ? '-smoke' : ''}`;
  const workDir = path.join(
    options.out,
    options.smoke ? `smoke-${stamp()}` : `${started.toISOString().slice(0, 10)}-${commit}`,
  );
  mkdirSync(workDir, { recursive: true });
  log(`bench: channel ${channel}, output ${path.relative(ROOT_DIR, workDir) || workDir}`);

  const rssIdle = snapshot();
  const topology = await ensureBenchChannel(channel, log);
  const lists = realLists(loadTopology());
  const imported: ImportList[] = options.smoke
    ? lists.map((list) => ({
        ...list,
        items: list.items.slice(0, list.scope.scope === 'national' ? 150 : 40),
      }))
    : lists;
  const rssBeforeImport = snapshot();
  let importTimings: ImportTiming[] = [];
  let importSeconds = Number.NaN;
  let importPeak: Record<string, number> = {};
  if (options.channel === undefined) {
    log('import:');
    const measured = await peakDuring(() => importLists(channel, imported, log));
    importTimings = measured.result.timings;
    importSeconds = measured.result.seconds;
    importPeak = measured.peak;
  }
  const rssAfterImport = snapshot();
  const fixturesFile = path.join(workDir, 'fixtures.json');
  const fixtures = await writeFixtures(fixturesFile, channel, topology, imported);
  const namesFile = path.join(workDir, 'names.json');
  writeFileSync(namesFile, JSON.stringify({ names: fixtures.names }));

  const main = await caliperRounds(topology, channel, fixturesFile, workDir, { ...options, tag: 'main' });
  log('audit:');
  const audit = await auditMeasures(channel, topology, workDir, namesFile, options.smoke ? 1 : 3, {
    seconds: options.seconds,
  });

  const growth: GrowthPoint[] = [];
  const baseItems = imported.reduce((total, list) => total + list.items.length, 0);
  const baseCoverage = main.rounds.filter(
    (round) => round.label.startsWith('coverage-c16-') || round.label.startsWith('floor-evaluate-c16-'),
  );
  growth.push({
    scale: 1,
    items: baseItems,
    channel,
    imports: importTimings,
    importSeconds,
    rounds: baseCoverage,
    audit,
  });
  for (const scale of options.growth) {
    const grown = `${channel}-x${scale}`;
    log(`growth ×${scale}: channel ${grown}`);
    const grownTopology = await ensureBenchChannel(grown, log);
    const synthetic = syntheticDrugs(lists[0]?.items ?? [], (scale - 1) * baseItems);
    const grownImport = await importLists(grown, [...imported, synthetic], log);
    const grownFixtures = path.join(workDir, `fixtures-x${scale}.json`);
    await writeFixtures(grownFixtures, grown, grownTopology, [...imported, synthetic]);
    const rounds = await caliperRounds(grownTopology, grown, grownFixtures, workDir, {
      ...options,
      repeats: Math.min(options.repeats, 2),
      only: ['floor-evaluate', 'coverage'],
      tag: `x${scale}`,
    });
    const grownAudit = await auditMeasures(grown, grownTopology, workDir, namesFile, 1);
    growth.push({
      scale,
      items: baseItems + synthetic.items.length,
      channel: grown,
      imports: grownImport.timings,
      importSeconds: grownImport.seconds,
      rounds: rounds.rounds.filter((round) => round.label.includes('-c16-')),
      audit: grownAudit,
    });
  }

  const results: BenchResults = {
    schema: 1,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    smoke: options.smoke,
    commit,
    channel,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      fabric: FABRIC_VERSION,
      platform: `${os.type()} ${os.release()}`,
    },
    versions: benchVersions(),
    catalogItems: baseItems,
    itemRecordBytes: fixtures.itemRecordBytes,
    imports: importTimings,
    importSeconds,
    rounds: main.rounds,
    rss: {
      idle: rssIdle,
      beforeImport: rssBeforeImport,
      afterImport: rssAfterImport,
      importPeak,
      loadPeak: main.peak,
      end: snapshot(),
    },
    audit,
    growth,
    caliperReport: path.basename(main.report),
  };
  const previous = options.smoke ? null : latestResults(options.out, workDir);
  const report = buildReport(results, previous);
  return writeReport(workDir, results, report);
}

function benchVersions(): Record<string, string> {
  const version = (pkg: string): string => {
    try {
      return (
        JSON.parse(readFileSync(path.join(BENCH_DIR, 'node_modules', pkg, 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
    } catch {
      return 'missing';
    }
  };
  return {
    '@hyperledger/caliper-core': version('@hyperledger/caliper-core'),
    '@hyperledger/caliper-fabric': version('@hyperledger/caliper-fabric'),
    '@hyperledger/fabric-gateway': version('@hyperledger/fabric-gateway'),
    '@grpc/grpc-js': version('@grpc/grpc-js'),
  };
}

/** The newest earlier full results file in `dir` (not the one being written). */
function latestResults(dir: string, current: string): BenchResults | null {
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter(
      (name) =>
        /^\d{4}-\d{2}-\d{2}-[0-9a-f]+\.json$/.test(name) && path.join(dir, name.slice(0, -5)) !== current,
    )
    .sort();
  const last = files.at(-1);
  return last === undefined ? null : (JSON.parse(readFileSync(path.join(dir, last), 'utf8')) as BenchResults);
}

/** Parses the command line (exported for tests). */
export function parseOptions(argv: readonly string[]): RunOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      repeats: { type: 'string' },
      seconds: { type: 'string' },
      growth: { type: 'string' },
      channel: { type: 'string' },
    },
    strict: true,
  });
  const smoke = values.smoke;
  const int = (text: string | undefined, fallback: number, name: string): number => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} needs a positive integer, got ${text}`);
    return value;
  };
  const growth =
    values.growth === undefined
      ? smoke
        ? []
        : [2, 4]
      : values.growth === ''
        ? []
        : values.growth.split(',').map((part) => int(part, 0, 'growth'));
  return {
    smoke,
    out: path.resolve(values.out ?? path.join(BENCH_DIR, 'results')),
    repeats: int(values.repeats, smoke ? 1 : 3, 'repeats'),
    seconds: int(values.seconds, smoke ? 2 : 6, 'seconds'),
    growth: growth.filter((scale) => scale > 1),
    channel: values.channel,
  };
}

if (require.main === module) {
  Promise.resolve()
    .then(() => run(parseOptions(process.argv.slice(2))))
    .then(
      (summary) => {
        process.stdout.write(`${summary}\n`);
      },
      (error: unknown) => {
        process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
}

export { run };
