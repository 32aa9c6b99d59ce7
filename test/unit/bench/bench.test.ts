import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchmarkConfig, parseCaliperReport } from '../../../bench/src/caliper';
import { parseLabel, planRounds, roundLabel } from '../../../bench/src/plan';
import {
  buildReport,
  lookupTargets,
  readModelTarget,
  operationFigures,
  writeReport,
  type BenchResults,
  type OperationFigure,
  type RoundResult,
} from '../../../bench/src/report';
import { searchQueries, timeSearches } from '../../../bench/src/read-model-measure';
import { statusField } from '../../../bench/src/resources';
import { codeOfProvincialId } from '../../../bench/src/workloads/operations';
import { parseOptions } from '../../../bench/src/run';
import { shuffle, syntheticDrugs } from '../../../bench/src/setup';
import { cdfPoints, quantile, ratio, roundStats, spread } from '../../../bench/src/stats';
import { lineChart } from '../../../bench/src/svg';
import type { ItemInput } from '@nrdl-catalog/chaincode/model';

function round(
  label: string,
  throughput: number,
  p50: number,
  p99: number,
  extra: Record<string, number[]> = {},
): RoundResult {
  return {
    label,
    stats: { requests: 100, failed: 0, throughput, p50, p90: p99, p99, max: p99, mean: p50 },
    latencies: [p50, p50, p99],
    extra,
    caliper: null,
  };
}

function results(
  rounds: RoundResult[],
  overrides: Partial<BenchResults> & { importSeconds?: number } = {},
): BenchResults {
  return {
    schema: 1,
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:20:00.000Z',
    smoke: false,
    commit: 'abc1234567',
    channel: 'bench-x',
    machine: {
      cpus: 2,
      cpuModel: 'test cpu',
      memoryGb: 24,
      node: 'v24.9.0',
      fabric: '3.1.5',
      platform: 'Linux',
    },
    versions: { '@hyperledger/caliper-core': '0.6.0', '@hyperledger/fabric-gateway': '1.12.1' },
    catalogItems: 10_096,
    itemRecordBytes: 500,
    imports: [
      {
        list: 'NRDL',
        items: 10_096,
        chunks: 21,
        seconds: 36,
        bytes: 5_000_000,
        phaseSeconds: { chunks: 20 },
        synthetic: false,
      },
    ],
    rounds,
    rss: {
      afterImport: { 'chaincode NHSAMSP': 140, 'peer0.nhsa': 160 },
      loadPeak: { 'chaincode NHSAMSP': 149 },
    },
    audit: {
      replays: [{ ms: 1000, blocks: 300, writes: 10_000, peakRssMb: 100 }],
      raws: [{ ms: 900, blocks: 300, peakRssMb: 90 }],
      verify: { transactions: 600, ms: 3000, reexecuted: 590, notReexecuted: 0, findings: 0 },
      search: { buildMs: 500, items: 10_000, msPerSearch: 0.5, searches: 200 },
    },
    growth: [],
    caliperReport: 'caliper-main.html',
    ...overrides,
  } as BenchResults;
}

describe('bench: statistics', function () {
  it('quantiles are nearest-rank over sorted values, NaN when empty', function () {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(sorted, 0.5)).to.equal(50);
    expect(quantile(sorted, 0.99)).to.equal(99);
    expect(quantile(sorted, 1)).to.equal(100);
    expect(quantile([], 0.5)).to.be.NaN;
  });

  it('round stats: successful requests per second of each worker, summed; failures counted apart; warm-up left out', function () {
    const worker: [number, number, number][] = [
      [0, 100, 1],
      [500, 10, 1],
      [1000, 10, 1],
      [1500, 490, 1],
      [1600, 50, 0],
    ];
    const all = roundStats([worker, worker]);
    expect(all.requests).to.equal(10);
    expect(all.failed).to.equal(2);
    // 4 ok over 0..1990 ms per worker
    expect(all.throughput).to.be.closeTo((2 * 4 * 1000) / 1990, 1e-9);
    expect(all.p50).to.equal(10);
    const warm = roundStats([worker], 1000);
    expect(warm.requests).to.equal(3);
    expect(warm.throughput).to.be.closeTo((2 * 1000) / 990, 1e-9);
    expect(all.retried).to.equal(0);
  });

  it('round stats: a request refused and sent again (status 2) is counted as retried, neither success nor failure', function () {
    const stats = roundStats([
      [
        [0, 100, 2],
        [600, 100, 1],
        [800, 50, 0],
      ],
    ]);
    expect(stats).to.include({ requests: 2, failed: 1, retried: 1, p50: 100 });
    expect(stats.throughput).to.be.closeTo(1000 / 250, 1e-9);
  });

  it('spread gives median and range; ratio is NaN for a zero or missing floor', function () {
    expect(spread([3, 1, 2])).to.deep.equal({ median: 2, min: 1, max: 3, n: 3 });
    expect(spread([4, 1, 2, 3]).median).to.equal(2.5);
    expect(spread([Number.NaN]).n).to.equal(0);
    expect(ratio(1, 2)).to.equal(0.5);
    expect(ratio(1, 0)).to.be.NaN;
    expect(ratio(Number.NaN, 1)).to.be.NaN;
  });

  it('CDF points rise to 1 at the largest latency', function () {
    const points = cdfPoints([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3);
    expect(points[0]).to.deep.equal([1, 0.1]);
    expect(points.at(-1)).to.deep.equal([10, 1]);
    expect(cdfPoints([])).to.deep.equal([]);
  });
});

describe('bench: plan and Caliper configuration', function () {
  it('labels round-trip and the full plan interleaves repeats, floors beside every operation', function () {
    expect(roundLabel('batch-50', { type: 'fixed-load', load: 16 }, 2)).to.equal('batch-50-c16-r2');
    expect(parseLabel('batch-50-c16-r2')).to.deep.equal({ name: 'batch-50', rate: 'c16', repeat: 2 });
    expect(parseLabel('coverage-tps100-r1')).to.deep.equal({ name: 'coverage', rate: 'tps100', repeat: 1 });
    expect(parseLabel('nonsense')).to.equal(null);
    const rounds = planRounds({ repeats: 3, seconds: 6, lifecycles: 5, smoke: false });
    const labels = rounds.map((r) => r.label);
    expect(new Set(labels).size).to.equal(labels.length);
    expect(labels.indexOf('floor-evaluate-c16-r2')).to.be.greaterThan(labels.indexOf('search-c16-r1'));
    for (const repeat of [1, 2, 3]) {
      expect(labels).to.include(`floor-evaluate-c16-r${repeat}`);
      expect(labels).to.include(`coverage-c16-r${repeat}`);
      expect(labels).to.include(`floor-submit-c1-r${repeat}`);
      expect(labels).to.include(`lifecycle-c1-r${repeat}`);
    }
    const smoke = planRounds({ repeats: 1, seconds: 2, lifecycles: 1, smoke: true });
    expect(smoke.every((r) => r.label.endsWith('-r1'))).to.equal(true);
    expect(smoke.find((r) => r.workload === 'lifecycle')?.length).to.deep.equal({ transactions: 1 });
  });

  it('the benchmark configuration names our workload modules, their arguments and the rate controllers', function () {
    const rounds = planRounds({ repeats: 1, seconds: 2, lifecycles: 1, smoke: true });
    const config = benchmarkConfig(rounds, {
      channel: 'bench-1',
      fixtures: '/f.json',
      samplesDir: '/s',
      workers: 1,
    }) as {
      test: {
        workers: { number: number };
        rounds: {
          label: string;
          txDuration?: number;
          txNumber?: number;
          rateControl: { type: string; opts: Record<string, number> };
          workload: { module: string; arguments: Record<string, unknown> };
        }[];
      };
    };
    expect(config.test.workers.number).to.equal(1);
    const batch = config.test.rounds.find((r) => r.label === 'batch-50-c2-r1');
    expect(batch?.rateControl).to.deep.equal({
      type: 'fixed-load',
      opts: { transactionLoad: 2, startTps: 2 },
    });
    expect(batch?.txDuration).to.equal(2);
    expect(batch?.workload.module).to.match(/bench\/src\/workloads\/coverage-batch\.ts$/);
    expect(batch?.workload.arguments).to.deep.include({
      channel: 'bench-1',
      fixtures: '/f.json',
      size: 50,
      samplesDir: path.join('/s', 'batch-50-c2-r1'),
    });
    const full = benchmarkConfig(planRounds({ repeats: 1, seconds: 6, lifecycles: 5, smoke: false }), {
      channel: 'bench-1',
      fixtures: '/f.json',
      samplesDir: '/s',
      workers: 1,
    }) as { test: { rounds: { label: string; rateControl: unknown }[] } };
    const rate = full.test.rounds.find((r) => r.label === 'coverage-tps100-r1');
    expect(rate?.rateControl).to.deep.equal({ type: 'fixed-rate', opts: { tps: 100 } });
    expect(config.test.rounds.some((r) => r.label.includes('-tps'))).to.equal(false);
    expect(config.test.rounds.find((r) => r.label === 'lifecycle-c1-r1')?.txNumber).to.equal(1);
  });

  it("reads the summary table of Caliper's HTML report", function () {
    const html = `<div id="benchmarksummary"><table><tr><th>Name</th></tr>
      <tr> <td>coverage-c16-r1</td> <td>1500</td> <td>2</td> <td>251.3</td> <td>0.20</td> <td>0.01</td> <td>0.06</td> <td>250.1</td> </tr>
      </table></div>`;
    expect(parseCaliperReport(html)).to.deep.equal([
      {
        name: 'coverage-c16-r1',
        succ: 1500,
        fail: 2,
        sendRate: 251.3,
        maxLatency: 0.2,
        minLatency: 0.01,
        avgLatency: 0.06,
        throughput: 250.1,
      },
    ]);
    expect(parseCaliperReport('<html></html>')).to.deep.equal([]);
  });

  it('command line: full defaults, smoke defaults, refused values', function () {
    expect(parseOptions([])).to.deep.include({ smoke: false, repeats: 3, seconds: 6, growth: [2, 4] });
    expect(parseOptions(['--smoke'])).to.deep.include({ smoke: true, repeats: 1, seconds: 2, growth: [] });
    expect(parseOptions(['--growth', ''])).to.deep.include({ growth: [] });
    expect(parseOptions(['--growth', '1,2'])).to.deep.include({ growth: [2] });
    expect(() => parseOptions(['--repeats', '0'])).to.throw(/--repeats needs a positive integer/);
    expect(() => parseOptions(['--bogus'])).to.throw();
  });
});

describe('bench: data and resources', function () {
  it('synthetic drugs are marked SYNTHETIC, renamed, and get new distinct ids', function () {
    const real: ItemInput[] = [
      {
        kind: 'drug',
        section: '西药部分',
        name: '阿司匹林',
        dosageForm: '口服常释剂型',
        fundPayable: true,
        provenance: { edition: 'NRDL 2024', sourceRow: '1', source: 'x' },
      },
      {
        kind: 'drug',
        section: '西药部分',
        name: '布洛芬',
        dosageForm: '口服常释剂型',
        fundPayable: true,
        provenance: { edition: 'NRDL 2024', sourceRow: '2', source: 'x' },
      },
    ];
    const list = syntheticDrugs(real, 5);
    expect(list.items).to.have.length(5);
    expect(list.source).to.equal('synthetic');
    expect(new Set(list.items.map((item) => item.id)).size).to.equal(5);
    expect(list.items.every((item) => item.provenance.edition === 'SYNTHETIC')).to.equal(true);
    expect(list.items[2]?.name).to.equal('阿司匹林（合成副本2）');
  });

  it('shuffle is a fixed permutation', function () {
    const values = Array.from({ length: 50 }, (_, i) => i);
    expect(shuffle(values)).to.deep.equal(shuffle(values));
    expect(shuffle(values)).to.not.deep.equal(values);
    expect([...shuffle(values)].sort((a, b) => a - b)).to.deep.equal(values);
  });

  it('reads VmRSS and VmHWM from /proc status text', function () {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    expect(statusField(status, 'VmRSS')).to.equal(102_400);
    expect(statusField(status, 'VmHWM')).to.equal(204_800);
    expect(statusField('Name: x', 'VmRSS')).to.equal(null);
  });
});

describe('bench: report', function () {
  const rounds = [1, 2, 3].flatMap((r) => [
    round(`floor-evaluate-c16-r${r}`, 300 + r, 50, 100),
    round(`coverage-c16-r${r}`, 280 + r, 52, 110),
    round(`batch-50-c16-r${r}`, 60, 250, 400),
    round(`floor-submit-c1-r${r}`, 3, 300, 400),
    round(`floor-submit-c16-r${r}`, 40, 350, 500),
    round(`lifecycle-c1-r${r}`, 1, 300, 500, { 'vote-to-read': [650, 700], lifecycle: [3000] }),
  ]);

  it('median and spread per operation and rate', function () {
    const figures = operationFigures(rounds);
    const coverage = figures.find((f) => f.name === 'coverage' && f.rate === 'c16');
    expect(coverage?.throughput).to.deep.equal({ median: 282, min: 281, max: 283, n: 3 });
    expect(coverage?.repeats).to.equal(3);
  });

  it('checks every target against its floor from the same run', function () {
    const report = buildReport(results(rounds), null);
    const met = Object.fromEntries(report.targets.map((t) => [t.target, t.met]));
    expect(met['coverage throughput ≥ 0.9× the evaluate floor (load 16)']).to.equal(true);
    expect(met["coverage p99 ≤ 1.2× the evaluate floor's (load 16)"]).to.equal(true);
    // 60 × 50 = 3000 lines/s against 282 single checks/s
    expect(met['50-line batch ≥ 10× single-check lines/s (load 16)']).to.equal(true);
    expect(met['import of the 10096 items ≤ 40 s end to end']).to.equal(true);
    // 675 ms against 2 × 300 ms
    expect(met['deciding vote → first hospital read, p50 ≤ 1.2× two sequential floor submits']).to.equal(
      true,
    );
    expect(met['replay ≥ 0.8× raw fetch-and-decode']).to.equal(true);
    expect(met['every chaincode process ≤ 150 MB RSS with the full catalog']).to.equal(true);
    expect(report.markdown).to.include('| coverage | c16 | 282.0 (281.0–283.0) | 0.93 |');
    expect(report.markdown).to.include('replay runs at **0.90×** the raw speed');
    expect(report.svgs['latency-cdf.svg']).to.match(/^<svg /);
  });

  it('a missed target says no; a missing measure is neither met nor missed', function () {
    const slow = results(rounds, {
      imports: [
        {
          list: 'NRDL',
          items: 10_096,
          chunks: 21,
          seconds: 72,
          bytes: 5_000_000,
          phaseSeconds: {},
          synthetic: false,
        },
      ],
      importSeconds: 72,
    });
    const report = buildReport(slow, null);
    expect(report.targets.find((t) => t.target.startsWith('import of'))?.met).to.equal(false);
    expect(report.markdown).to.include('| **no** |');
    const none = buildReport(results([]), null);
    expect(none.targets.find((t) => t.target.startsWith('coverage throughput'))?.met).to.equal(null);
  });

  it('compares with the previous results and writes JSON, Markdown and charts', function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    try {
      const previous = results(
        rounds.map((r) => ({ ...r, stats: { ...r.stats, throughput: r.stats.throughput / 2 } })),
      );
      const report = buildReport(results(rounds), previous);
      expect(report.markdown).to.include('## Against the previous results');
      expect(report.markdown).to.match(/\| coverage \| c16 \| 141\.0 → 282\.0 \(2\.00×\)/);
      const base = path.join(dir, '2026-12-01-abc1234567');
      mkdirSync(base);
      const summary = writeReport(base, results(rounds), report);
      expect(summary).to.match(/targets met/);
      const json = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as {
        rounds: RoundResult[];
        targets: unknown[];
      };
      expect(json.rounds[0]).to.not.have.property('latencies');
      // 8 targets, the four lookup targets (coverage by name / code, search by exact name / prefix)
      // and the read model's
      expect(json.targets).to.have.length(13);
      expect(existsSync(path.join(base, 'throughput.svg'))).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('charts: a log-scale CDF and a linear chart, with legends', function () {
    const svg = lineChart({
      title: 't <1>',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'a',
          points: [
            [1, 0.5],
            [10, 1],
          ],
        },
      ],
      logX: true,
      yMax: 1,
    });
    expect(svg).to.include('t &lt;1&gt;');
    expect(svg).to.include('<polyline');
    const empty = lineChart({ title: 'e', xLabel: 'x', yLabel: 'y', series: [{ name: 'none', points: [] }] });
    expect(empty).to.not.include('<polyline');
  });
});

describe('bench: lookup targets', function () {
  it('rates coverage by name / code against coverage by id and searches against the evaluate floor', function () {
    const fig = (name: string, throughput: number): OperationFigure =>
      ({
        name,
        rate: 'c16',
        throughput: { median: throughput, min: throughput, max: throughput, n: 1 },
      }) as unknown as OperationFigure;
    const targets = lookupTargets([
      fig('coverage', 100),
      fig('floor-evaluate', 120),
      fig('coverage-name', 85),
      fig('coverage-code', 70),
      fig('coverage-provincial', 100),
      fig('search-exact', 61),
    ]);
    expect(targets.map((t) => [t.measured, t.met])).to.deep.equal([
      ['0.85', true],
      ['0.70', false],
      ['0.51', true],
      ['–', null],
    ]);
    expect(codeOfProvincialId('S-SN-110900004--2')).to.equal('110900004');
    expect(codeOfProvincialId('M-SN-C1234')).to.equal('C1234');
  });
});

describe('bench: the search read model measure', function () {
  it('asks each name whole, by its first two and by its first four characters', function () {
    expect(searchQueries(['阿莫西林胶囊', '蜂蜜'])).to.deep.equal([
      '阿莫西林胶囊',
      '阿莫',
      '阿莫西林',
      '蜂蜜',
      '蜂蜜',
      '蜂蜜',
    ]);
  });

  it('keeps the callers busy for the time given and reports every answer, in order of the queries', async function () {
    const asked: string[] = [];
    let inFlight = 0;
    let most = 0;
    const searcher = {
      search: async (input: { q: string }): Promise<unknown> => {
        asked.push(input.q);
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        return {};
      },
    };
    const repeats = await timeSearches(searcher, ['a', 'b', 'c'], 4, 60, 2);
    expect(repeats).to.have.length(2);
    expect(most).to.equal(4);
    // one warm-up search, then the queries in turn
    expect(asked.slice(0, 5)).to.deep.equal(['a', 'a', 'b', 'c', 'a']);
    for (const repeat of repeats) {
      expect(repeat.searches).to.be.greaterThan(4);
      expect(repeat.p99).to.be.at.least(repeat.p50);
      expect(repeat.p50).to.be.at.least(1);
      expect(repeat.throughput).to.be.greaterThan(0);
    }
    expect(1 + repeats[0]!.searches + repeats[1]!.searches).to.be.at.most(asked.length);
    await timeSearches(searcher, [], 1, 1, 1).then(
      () => expect.fail('no queries must be refused'),
      (error: unknown) => expect(String(error)).to.include('no names'),
    );
  });

  it("rates the read model's p99 against GetItem's at load 16, unmeasured when either is missing", function () {
    const getItem = {
      name: 'get-item',
      rate: 'c16',
      p99: { median: 100, min: 90, max: 110, n: 3 },
    } as unknown as OperationFigure;
    expect(readModelTarget([getItem], { p99: 120 })).to.include({ measured: '1.20', met: true });
    expect(readModelTarget([getItem], { p99: 151 })).to.include({ measured: '1.51', met: false });
    expect(readModelTarget([getItem], undefined)).to.include({ measured: '–', met: null });
    expect(readModelTarget([], { p99: 10 }).met).to.equal(null);
  });

  it('the report gives the read model its sentence when it was measured', function () {
    const base = results([]);
    const withModel = {
      ...base,
      audit: {
        ...base.audit,
        readModel: {
          catchUpMs: 4000,
          catalogVersion: 3,
          searches: 9000,
          throughput: 500,
          p50: 20,
          p99: 40,
          p99Min: 35,
          p99Max: 45,
        },
      },
    } as BenchResults;
    expect(buildReport(withModel, null).markdown).to.match(
      /Search read model .*p99 40\.0 ms \(35\.0–45\.0\)/,
    );
    expect(buildReport(base, null).markdown).to.not.include('Search read model');
  });
});

describe('bench: retried requests in the report', function () {
  it("the table's Failed column says how many requests were sent again", function () {
    const plain = round('lifecycle-c1-r1', 1, 900, 1000);
    const lifecycle: RoundResult = { ...plain, stats: { ...plain.stats, retried: 2 } };
    const markdown = buildReport(results([lifecycle]), null).markdown;
    expect(markdown).to.match(/\| lifecycle \| c1 \|.*\| 0 \(2 retried\) \|/);
  });
});
