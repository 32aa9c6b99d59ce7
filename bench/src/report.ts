/**
 * The benchmark's report: the JSON of everything measured, a Markdown summary in which every figure
 * stands beside its floor from the same run, the targets met or missed, the comparison with the
 * previous results file, and two SVG charts.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CaliperSummaryRow } from './caliper';
import { parseLabel, workloadPlans } from './plan';
import type { ImportTiming } from './setup';
import { cdfPoints, ratio, spread, type RoundStats, type Spread } from './stats';
import { lineChart, type Series } from './svg';

/** One Caliper round: our stats from every request's sample, Caliper's own summary row. */
export interface RoundResult {
  readonly label: string;
  readonly stats: RoundStats;
  /** Sorted latencies of the successful requests (ms); dropped from the JSON file. */
  readonly latencies?: readonly number[];
  readonly extra: Readonly<Record<string, readonly number[]>>;
  readonly caliper: CaliperSummaryRow | null;
}

type AuditRecord = Readonly<Record<string, number | boolean | string>>;

/** A catalog size of the growth curve. */
export interface GrowthPoint {
  readonly scale: number;
  readonly items: number;
  readonly channel: string;
  readonly imports: readonly ImportTiming[];
  /** Wall-clock seconds of the whole import (the lists of different scopes side by side). */
  readonly importSeconds: number;
  readonly rounds: readonly RoundResult[];
  readonly audit: BenchResults['audit'];
}

/** Everything one run measured (the JSON file). */
export interface BenchResults {
  readonly schema: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly smoke: boolean;
  readonly commit: string;
  readonly channel: string;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly versions: Readonly<Record<string, string>>;
  readonly catalogItems: number;
  readonly itemRecordBytes: number;
  readonly imports: readonly ImportTiming[];
  /** Wall-clock seconds of the whole import (the lists of different scopes side by side). */
  readonly importSeconds: number;
  readonly rounds: readonly RoundResult[];
  readonly rss: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly audit: {
    readonly replays: readonly AuditRecord[];
    readonly raws: readonly AuditRecord[];
    readonly verify: AuditRecord;
    readonly search: AuditRecord;
    /** The search read model at load 16 (absent from results written before it was measured). */
    readonly readModel?: AuditRecord;
  };
  readonly growth: readonly GrowthPoint[];
  readonly caliperReport: string;
}

/** An operation at one rate: the median and spread of its repeats. */
export interface OperationFigure {
  readonly name: string;
  readonly rate: string;
  readonly throughput: Spread;
  readonly p50: Spread;
  readonly p99: Spread;
  readonly failed: number;
  /** Requests sent again (lifecycle steps refused by a peer a block behind; see stats.ts). */
  readonly retried: number;
  readonly repeats: number;
}

/** A target, its measured value and whether it holds. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

/** The report's parts. */
export interface Report {
  readonly markdown: string;
  readonly svgs: Readonly<Record<string, string>>;
  readonly figures: readonly OperationFigure[];
  readonly targets: readonly TargetCheck[];
}

/** Median and spread per operation and rate over the repeats. */
export function operationFigures(rounds: readonly RoundResult[]): OperationFigure[] {
  const groups = new Map<string, RoundResult[]>();
  for (const round of rounds) {
    const parsed = parseLabel(round.label);
    if (parsed === null) continue;
    const key = `${parsed.name}@${parsed.rate}`;
    groups.set(key, [...(groups.get(key) ?? []), round]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const [name = '', rate = ''] = key.split('@');
    return {
      name,
      rate,
      throughput: spread(group.map((round) => round.stats.throughput)),
      p50: spread(group.map((round) => round.stats.p50)),
      p99: spread(group.map((round) => round.stats.p99)),
      failed: group.reduce((total, round) => total + round.stats.failed, 0),
      retried: group.reduce((total, round) => total + (round.stats.retried ?? 0), 0),
      repeats: group.length,
    };
  });
}

function find(figures: readonly OperationFigure[], name: string, rate: string): OperationFigure | undefined {
  return figures.find((figure) => figure.name === name && figure.rate === rate);
}

const f1 = (value: number): string => (Number.isFinite(value) ? value.toFixed(1) : '–');
const f2 = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '–');
const f0 = (value: number): string => (Number.isFinite(value) ? value.toFixed(0) : '–');
const range = (s: Spread, digits = 1): string =>
  s.n > 1 ? ` (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '';

function extraValues(rounds: readonly RoundResult[], name: string): number[] {
  return rounds.flatMap((round) => [...(round.extra[name] ?? [])]);
}

function num(record: AuditRecord | undefined, field: string): number {
  const value = record?.[field];
  return typeof value === 'number' ? value : Number.NaN;
}

/**
 * The lookup targets (load 16): coverage by exact name or code within 20 % of coverage by id, and
 * SearchItems by exact name or prefix at half the evaluate floor's throughput or more.
 */
export function lookupTargets(figures: readonly OperationFigure[]): TargetCheck[] {
  const throughput = (name: string): number => find(figures, name, 'c16')?.throughput.median ?? Number.NaN;
  const byId = throughput('coverage');
  const floor = throughput('floor-evaluate');
  return [
    check(
      'coverage-name throughput ≥ 0.8× coverage by id (load 16)',
      ratio(throughput('coverage-name'), byId),
      (v) => v >= 0.8,
      f2,
    ),
    // coverage-code asks Shaanxi's peer about Shaanxi items: rated against the same items by id there
    check(
      'coverage-code throughput ≥ 0.8× coverage of the same items by id (coverage-provincial, load 16)',
      ratio(throughput('coverage-code'), throughput('coverage-provincial')),
      (v) => v >= 0.8,
      f2,
    ),
    ...(['search-exact', 'search-prefix'] as const).map((name) =>
      check(
        `${name} throughput ≥ 0.5× the evaluate floor (load 16)`,
        ratio(throughput(name), floor),
        (v) => v >= 0.5,
        f2,
      ),
    ),
  ];
}

/**
 * Issue 15's read-model target: the search read model's p99 at load 16 against one `GetItem`'s
 * (the Caliper round at the same load), ≤ 1.5×; unmeasured (–) when either is missing.
 */
export function readModelTarget(
  figures: readonly OperationFigure[],
  readModel: AuditRecord | undefined,
): TargetCheck {
  const getItem = find(figures, 'get-item', 'c16')?.p99.median ?? Number.NaN;
  const p99 = readModel === undefined ? Number.NaN : num(readModel, 'p99');
  return check(
    'read-model search p99 ≤ 1.5× one GetItem p99 (load 16)',
    ratio(p99, getItem),
    (v) => v <= 1.5,
    f2,
  );
}

/** The Markdown summary, the targets and the charts of `results` (compared with `previous` when given). */
export function buildReport(results: BenchResults, previous: BenchResults | null): Report {
  const figures = operationFigures(results.rounds);
  const size = new Map(workloadPlans(false).map((plan) => [plan.name, plan.size ?? 1]));
  const lines: string[] = [];
  const push = (...more: string[]): void => {
    lines.push(...more);
  };
  const m = results.machine;
  push(
    `# Benchmark ${results.startedAt.slice(0, 10)} (commit ${results.commit})${results.smoke ? ' — SMOKE RUN, measures nothing' : ''}`,
    '',
    `Machine: ${String(m.cpus)} × ${String(m.cpuModel)}, ${String(m.memoryGb)} GiB, ${String(m.platform)}; Node ${String(m.node)}; Fabric ${String(m.fabric)} (all 13 nodes and the 5 chaincode processes on this machine, beside the load generator). ` +
      `Caliper ${results.versions['@hyperledger/caliper-core'] ?? '?'} with its fabric-gateway connector (fabric-gateway ${results.versions['@hyperledger/fabric-gateway'] ?? '?'}), one worker. ` +
      `Channel \`${results.channel}\` (a bench channel, never \`catalog\`), ${results.catalogItems} items (NRDL 2024 + Shaanxi 2021 services and materials). ` +
      `Run ${results.startedAt} → ${results.finishedAt}. Caliper's own report: [${results.caliperReport}](${results.startedAt.slice(0, 10)}-${results.commit}/${results.caliperReport}).`,
    '',
    'Every figure is the median of the repeats, (min–max) beside it; ratios are against the floor measured in the same run at the same load: ' +
      "**evaluate floor** = `System:GetPing`, one GetState; **submit floor** = `System:Ping`, one PutState of an item record's size, endorsed by two organisations and committed.",
    '',
  );

  // operations
  push(
    '## Operations (Caliper rounds)',
    '',
    '| Operation | Load | Throughput (op/s) | × floor | p50 ms | p99 ms | p99 × floor | Lines/s | Failed |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const figure of figures) {
    const floorName =
      figure.name === 'floor-submit' || figure.name === 'lifecycle' ? 'floor-submit' : 'floor-evaluate';
    const floor = find(figures, floorName, figure.rate);
    const lineCount = size.get(figure.name) ?? 1;
    push(
      `| ${figure.name} | ${figure.rate} | ${f1(figure.throughput.median)}${range(figure.throughput)} | ${f2(ratio(figure.throughput.median, floor?.throughput.median ?? Number.NaN))} | ${f1(figure.p50.median)} | ${f1(figure.p99.median)}${range(figure.p99)} | ${f2(ratio(figure.p99.median, floor?.p99.median ?? Number.NaN))} | ${lineCount > 1 ? f0(figure.throughput.median * lineCount) : ''} | ${figure.failed}${figure.retried > 0 ? ` (${figure.retried} retried)` : ''} |`,
    );
  }
  push('');

  const evalFloor = find(figures, 'floor-evaluate', 'c16');
  const coverage = find(figures, 'coverage', 'c16');
  const batch50 = find(figures, 'batch-50', 'c16');
  const submitFloor1 = find(figures, 'floor-submit', 'c1');
  const submitFloor16 = find(figures, 'floor-submit', 'c16');
  const lifecycleRounds = results.rounds.filter((round) => round.label.startsWith('lifecycle-'));
  const voteToRead = spread(extraValues(lifecycleRounds, 'vote-to-read'));
  const lifecycle = spread(extraValues(lifecycleRounds, 'lifecycle'));
  push(
    '## Proposal lifecycle',
    '',
    `create → chunk → open → 3 votes → apply → seal, one item updated: p50 ${f0(lifecycle.median)} ms (${f0(lifecycle.min)}–${f0(lifecycle.max)}, ${lifecycle.n} proposals). ` +
      `Deciding vote committed → first hospital read of the new version: p50 ${f0(voteToRead.median)} ms (${f0(voteToRead.min)}–${f0(voteToRead.max)}), ` +
      `against two sequential submit-floor transactions: 2 × ${f0(submitFloor1?.p50.median ?? Number.NaN)} ms = ${f0(2 * (submitFloor1?.p50.median ?? Number.NaN))} ms ` +
      `(${f2(ratio(voteToRead.median, 2 * (submitFloor1?.p50.median ?? Number.NaN)))}×).`,
    '',
  );

  // import
  const listSeconds = results.imports.reduce((total, timing) => total + timing.seconds, 0);
  const importSeconds = Number.isFinite(results.importSeconds) ? results.importSeconds : listSeconds;
  const importBytes = results.imports.reduce((total, timing) => total + timing.bytes, 0);
  const importItems = results.imports.reduce((total, timing) => total + timing.items, 0);
  const floorBytesPerSecond = (submitFloor16?.throughput.median ?? Number.NaN) * results.itemRecordBytes;
  push(
    '## Import (our own timing)',
    '',
    '| List | Items | Chunks | Seconds | Items/s | Phases (s) |',
    '|---|---|---|---|---|---|',
  );
  for (const timing of results.imports) {
    const phases = Object.entries(timing.phaseSeconds)
      .map(([phase, seconds]) => `${phase} ${seconds.toFixed(1)}`)
      .join(', ');
    push(
      `| ${timing.list}${timing.synthetic ? ' (SYNTHETIC)' : ''} | ${timing.items} | ${timing.chunks} | ${f1(timing.seconds)} | ${f0(timing.items / timing.seconds)} | ${phases} |`,
    );
  }
  push(
    '',
    `All ${importItems} items in ${f1(importSeconds)} s end to end, the national list and Shaanxi's lists side by side (${f1(listSeconds)} s one after another): ${f0(importBytes / importSeconds / 1024)} KiB/s of change sets, ` +
      `${f2(ratio(importBytes / importSeconds, floorBytesPerSecond))}× the submit floor's ${f0(floorBytesPerSecond / 1024)} KiB/s (${f1(submitFloor16?.throughput.median ?? Number.NaN)} submits/s × ${results.itemRecordBytes} B at load 16).`,
    '',
  );

  // audit
  const replayMs = spread(results.audit.replays.map((r) => num(r, 'ms')));
  const rawMs = spread(results.audit.raws.map((r) => num(r, 'ms')));
  const verify = results.audit.verify;
  const search = results.audit.search;
  const blocks = num(results.audit.replays[0], 'blocks');
  push(
    '## Audit (our own timing, each in a process of its own)',
    '',
    `Replay of the whole history (${f0(blocks)} blocks, ${f0(num(results.audit.replays[0], 'writes'))} writes) into a new SQLite store: ${f0(replayMs.median)} ms${range(replayMs, 0)}; ` +
      `raw fetch-and-decode of the same blocks, storing nothing: ${f0(rawMs.median)} ms${range(rawMs, 0)} — replay runs at **${f2(ratio(rawMs.median, replayMs.median))}×** the raw speed. ` +
      `Peak RSS: replay ${f0(num(results.audit.replays[0], 'peakRssMb'))} MB, raw ${f0(num(results.audit.raws[0], 'peakRssMb'))} MB.`,
    '',
    `Independent verify (signatures, policies, re-execution of every catalog transaction): ${f0(num(verify, 'transactions'))} transactions in ${f0(num(verify, 'ms'))} ms = ${f0((num(verify, 'transactions') * 1000) / num(verify, 'ms'))} tx/s ` +
      `(${f0(num(verify, 'reexecuted'))} re-executed, ${f0(num(verify, 'notReexecuted'))} not, ${f0(num(verify, 'findings'))} findings).`,
    '',
    `Read-model search (the auditors' ledger model built from the store in ${f0(num(search, 'buildMs'))} ms, the catalog as of a date, ${f0(num(search, 'items'))} entries): ${f2(num(search, 'msPerSearch'))} ms per name search over ${f0(num(search, 'searches'))} names, against ${f1(find(figures, 'search', 'c16')?.p50.median ?? Number.NaN)} ms p50 for the on-chain search.`,
    '',
    ...(results.audit.readModel === undefined
      ? []
      : [
          `Search read model (\`GET /v1/search\`'s store, brought to the chain's head in ${f0(num(results.audit.readModel, 'catchUpMs'))} ms, catalog version ${f0(num(results.audit.readModel, 'catalogVersion'))}): ` +
            `${f0(num(results.audit.readModel, 'searches'))} searches from 16 callers at once (whole names, their first 2 and first 4 characters in turn), ` +
            `${f0(num(results.audit.readModel, 'throughput'))} searches/s, p50 ${f1(num(results.audit.readModel, 'p50'))} ms, p99 ${f1(num(results.audit.readModel, 'p99'))} ms ` +
            `(${f1(num(results.audit.readModel, 'p99Min'))}–${f1(num(results.audit.readModel, 'p99Max'))}), against ${f1(find(figures, 'get-item', 'c16')?.p99.median ?? Number.NaN)} ms p99 for one \`GetItem\` at load 16.`,
        ]),
    '',
  );

  // resources
  const rssNames = [...new Set(Object.values(results.rss).flatMap((snap) => Object.keys(snap)))].sort();
  const phases = ['idle', 'beforeImport', 'afterImport', 'importPeak', 'loadPeak', 'end'] as const;
  push(
    '## Resident memory (MB)',
    '',
    `| Process | ${phases.join(' | ')} |`,
    `|---|${phases.map(() => '---').join('|')}|`,
  );
  for (const name of rssNames)
    push(`| ${name} | ${phases.map((phase) => f0(results.rss[phase]?.[name] ?? Number.NaN)).join(' | ')} |`);
  push('');

  // growth
  if (results.growth.length > 1) {
    push(
      '## How cost grows with the catalog (SYNTHETIC copies beyond 1×, each size on a channel of its own)',
      '',
      '| Size | Items | Coverage op/s (c16) | × floor | Coverage p99 ms | Import s | Import items/s | Replay ms | Replay ms/block | Replay peak RSS MB |',
      '|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const point of results.growth) {
      const pointFigures = operationFigures(point.rounds);
      const cov = find(pointFigures, 'coverage', 'c16');
      const floor = find(pointFigures, 'floor-evaluate', 'c16');
      const seconds = Number.isFinite(point.importSeconds)
        ? point.importSeconds
        : point.imports.reduce((total, timing) => total + timing.seconds, 0);
      const items = point.imports.reduce((total, timing) => total + timing.items, 0);
      const replay = spread(point.audit.replays.map((r) => num(r, 'ms')));
      push(
        `| ${point.scale}× | ${point.items} | ${f1(cov?.throughput.median ?? Number.NaN)} | ${f2(ratio(cov?.throughput.median ?? Number.NaN, floor?.throughput.median ?? Number.NaN))} | ${f1(cov?.p99.median ?? Number.NaN)} | ${f1(seconds)} | ${f0(items / seconds)} | ${f0(replay.median)} | ${f1(replay.median / num(point.audit.replays[0], 'blocks'))} | ${f0(num(point.audit.replays[0], 'peakRssMb'))} |`,
      );
    }
    push('');
  }

  // capacity
  const perPeakSingle = coverage?.throughput.median ?? Number.NaN;
  const perPeakBatch = (batch50?.throughput.median ?? Number.NaN) * 50;
  push(
    '## Capacity, as a province would read it',
    '',
    `One provincial peer (Guangdong's, sharing 2 cores with the whole network) answered ${f0(perPeakSingle)} single coverage checks/s and ${f0(perPeakBatch)} lines/s in 50-line claims. ` +
      `The national peak of ≈ 16,000 lines/s is ≈ 500 per provincial peer over 32 provinces: ${perPeakBatch >= 500 ? 'met' : 'not met'} here with claims sent as batches ` +
      `(${f0(perPeakBatch / 500)}× the need), ${perPeakSingle >= 500 ? 'met' : 'not met'} line by line; e.g. ${f0(perPeakBatch / 2)} hospitals each checking 2 lines/s per peer.`,
    '',
  );

  // targets
  const chaincodeMax = Math.max(
    0,
    ...(['afterImport', 'loadPeak', 'importPeak'] as const).flatMap((phase) =>
      Object.entries(results.rss[phase] ?? {})
        .filter(([name]) => name.startsWith('chaincode'))
        .map(([, mb]) => mb),
    ),
  );
  const speed = ratio(rawMs.median, replayMs.median);
  const targets: TargetCheck[] = [
    check(
      'coverage throughput ≥ 0.9× the evaluate floor (load 16)',
      ratio(coverage?.throughput.median ?? Number.NaN, evalFloor?.throughput.median ?? Number.NaN),
      (v) => v >= 0.9,
      f2,
    ),
    check(
      "coverage p99 ≤ 1.2× the evaluate floor's (load 16)",
      ratio(coverage?.p99.median ?? Number.NaN, evalFloor?.p99.median ?? Number.NaN),
      (v) => v <= 1.2,
      f2,
    ),
    check(
      '50-line batch ≥ 10× single-check lines/s (load 16)',
      ratio(perPeakBatch, perPeakSingle),
      (v) => v >= 10,
      f2,
    ),
    check(
      `import of the ${importItems} items ≤ 40 s end to end`,
      importItems > 0 ? importSeconds : Number.NaN,
      (v) => v <= 40,
      (v) => `${f1(v)} s`,
    ),
    check(
      "import ≥ 0.7× the submit floor's bytes/s",
      ratio(importBytes / importSeconds, floorBytesPerSecond),
      (v) => v >= 0.7,
      f2,
    ),
    check(
      'deciding vote → first hospital read, p50 ≤ 1.2× two sequential floor submits',
      ratio(voteToRead.median, 2 * (submitFloor1?.p50.median ?? Number.NaN)),
      (v) => v <= 1.2,
      f2,
    ),
    ...lookupTargets(figures),
    readModelTarget(figures, results.audit.readModel),
    check('replay ≥ 0.8× raw fetch-and-decode', speed, (v) => v >= 0.8, f2),
    check(
      'every chaincode process ≤ 150 MB RSS with the full catalog',
      chaincodeMax,
      (v) => v <= 150,
      (v) => `${f0(v)} MB`,
    ),
  ];
  push('## Targets', '', '| Target | Measured | Met |', '|---|---|---|');
  for (const target of targets)
    push(
      `| ${target.target} | ${target.measured} | ${target.met === null ? '–' : target.met ? 'yes' : '**no**'} |`,
    );
  push('');

  if (previous !== null) {
    const before = operationFigures(previous.rounds);
    push(
      `## Against the previous results (${previous.startedAt.slice(0, 10)}, commit ${previous.commit})`,
      '',
      '| Operation | Load | Throughput before → now | p99 before → now |',
      '|---|---|---|---|',
    );
    for (const figure of figures) {
      const old = find(before, figure.name, figure.rate);
      if (old === undefined) continue;
      push(
        `| ${figure.name} | ${figure.rate} | ${f1(old.throughput.median)} → ${f1(figure.throughput.median)} (${f2(ratio(figure.throughput.median, old.throughput.median))}×) | ${f1(old.p99.median)} → ${f1(figure.p99.median)} |`,
      );
    }
    const oldSeconds = Number.isFinite(previous.importSeconds)
      ? previous.importSeconds
      : previous.imports.reduce((total, timing) => total + timing.seconds, 0);
    push(
      '',
      previous.imports.length > 0 && importItems > 0
        ? `Import ${f1(oldSeconds)} s → ${f1(importSeconds)} s.`
        : 'Import: not measured in both runs.',
      '',
    );
  }

  push(
    '## Charts',
    '',
    '![Latency CDF](' + `${results.startedAt.slice(0, 10)}-${results.commit}/latency-cdf.svg)`,
    '',
    '![Throughput against concurrency](' +
      `${results.startedAt.slice(0, 10)}-${results.commit}/throughput.svg)`,
    '',
  );
  return { markdown: `${lines.join('\n')}\n`, svgs: charts(results, figures), figures, targets };
}

function check(
  target: string,
  value: number,
  ok: (value: number) => boolean,
  show: (value: number) => string,
): TargetCheck {
  return { target, measured: show(value), met: Number.isFinite(value) ? ok(value) : null };
}

function charts(results: BenchResults, figures: readonly OperationFigure[]): Record<string, string> {
  const cdf: Series[] = [];
  for (const name of [
    'floor-evaluate',
    'coverage',
    'batch-50',
    'claim-12',
    'get-item',
    'search',
    'floor-submit',
  ]) {
    const round = results.rounds.find((r) => r.label.startsWith(`${name}-c16-`));
    if (round?.latencies === undefined) continue;
    cdf.push({ name, points: cdfPoints(round.latencies) });
  }
  const throughput: Series[] = ['floor-evaluate', 'coverage', 'floor-submit'].map((name) => ({
    name,
    points: figures
      .filter((figure) => figure.name === name && figure.rate.startsWith('c'))
      .map((figure): [number, number] => [Number(figure.rate.slice(1)), figure.throughput.median])
      .sort((a, b) => a[0] - b[0]),
  }));
  return {
    'latency-cdf.svg': lineChart({
      title: 'Latency CDF at load 16 (first repeat)',
      xLabel: 'latency (ms, log scale)',
      yLabel: 'fraction of requests',
      series: cdf,
      logX: true,
      yMax: 1,
    }),
    'throughput.svg': lineChart({
      title: 'Throughput against concurrency (median of repeats)',
      xLabel: 'requests in flight',
      yLabel: 'operations per second',
      series: throughput,
    }),
  };
}

/** A round without its latency list (the JSON file keeps the stats, not every sample). */
function withoutLatencies(round: RoundResult): RoundResult {
  return { label: round.label, stats: round.stats, extra: round.extra, caliper: round.caliper };
}

/** Writes `<dir>.json`, `<dir>.md` and the charts into `<dir>/`; returns the summary to print. */
export function writeReport(dir: string, results: BenchResults, report: Report): string {
  const slim = {
    ...results,
    rounds: results.rounds.map(withoutLatencies),
    growth: results.growth.map((point) => ({
      ...point,
      rounds: point.rounds.map(withoutLatencies),
    })),
  };
  writeFileSync(`${dir}.json`, `${JSON.stringify({ ...slim, targets: report.targets }, null, 2)}\n`);
  writeFileSync(`${dir}.md`, report.markdown);
  for (const [name, svg] of Object.entries(report.svgs)) writeFileSync(path.join(dir, name), svg);
  const met = report.targets.filter((target) => target.met === true).length;
  return `report: ${path.basename(dir)}.md (${met}/${report.targets.length} targets met), ${path.basename(dir)}.json, charts and Caliper's HTML in ${path.basename(dir)}/`;
}
