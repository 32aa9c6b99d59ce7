/**
 * The benchmark harness works (it measures nothing here): `bench/src/run.ts --smoke` on the running
 * network makes a throwaway bench channel, imports a slice of the real lists there, runs one short
 * Caliper round of every workload through the Fabric gateway connector, the audit measures, and
 * writes the report. The full run is `npm run bench`, never a timed test.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { workloadPlans } from '../../bench/src/plan';
import { ensureNetwork } from './support/network';

const ROOT = path.resolve(__dirname, '..', '..');
const CALIPER = path.join(ROOT, 'bench', 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js');

describe('real network: benchmark harness (smoke round of each workload)', function () {
  let out: string;

  before(function () {
    if (!existsSync(CALIPER)) {
      throw new Error(
        'Caliper is not installed: run `npm ci --prefix bench` (the test command does when it is missing)',
      );
    }
    out = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
  });

  after(function () {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('runs every workload once through Caliper, without a failed request, and writes the report', async function () {
    this.timeout(900_000);
    await ensureNetwork();
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--conditions=nrdl-source', '-r', 'ts-node/register', 'bench/src/run.ts', '--smoke', '--out', out],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 64 * 1024 * 1024 },
    ).catch((error: unknown) => {
      // The run's own error line (`bench: …`) first, then the end of what it printed.
      const stderr = (error as { stderr?: string }).stderr ?? '';
      const reason = stderr
        .split('\n')
        .filter((line) => line.startsWith('bench: ') && !line.startsWith('bench: channel '));
      throw new Error(
        `the smoke run failed: ${reason.join(' | ') || 'no error line'}\n${stderr.split('\n').slice(-40).join('\n')}`,
      );
    });
    expect(stdout).to.match(/^report: smoke-\d+\.md/m);
    const json = readdirSync(out).find((name) => name.endsWith('.json'));
    expect(json, 'results JSON').to.not.equal(undefined);
    const results = JSON.parse(readFileSync(path.join(out, json ?? ''), 'utf8')) as {
      smoke: boolean;
      rounds: {
        label: string;
        stats: { requests: number; failed: number };
        caliper: { succ: number } | null;
      }[];
      imports: { items: number }[];
      audit: { replays: { blocks: number }[]; raws: { blocks: number }[]; verify: { ok: boolean } };
    };
    expect(results.smoke).to.equal(true);
    const operations = results.rounds.map((round) => round.label.replace(/-(c|tps)\d+-r\d+$/, ''));
    // every workload of the plan ran, and the lifecycle
    expect([...new Set(operations)].sort()).to.deep.equal(
      [...new Set([...workloadPlans(true).map((plan) => plan.name), 'lifecycle'])].sort(),
    );
    expect(operations).to.include.members([
      'coverage-name',
      'coverage-code',
      'coverage-provincial',
      'search-exact',
      'search-prefix',
    ]);
    for (const round of results.rounds) {
      expect(round.stats.requests, `${round.label} sent requests`).to.be.greaterThan(0);
      // Caliper's connector logs why a request failed: name it in the message
      const why = stderr
        .split('\n')
        .filter((line) => line.includes('Failed to perform'))
        .slice(0, 3)
        .join(' | ');
      expect(round.stats.failed, `${round.label} failed requests: ${why}`).to.equal(0);
      // Caliper counted the same round through its connector
      expect(round.caliper?.succ ?? 0, `${round.label} in Caliper's report`).to.be.greaterThan(0);
    }
    expect(results.imports.map((timing) => timing.items)).to.deep.equal([150, 40, 40]);
    expect(results.audit.replays[0]?.blocks).to.equal(results.audit.raws[0]?.blocks);
    expect(results.audit.verify.ok).to.equal(true);
    const dir = path.join(out, (json ?? '').slice(0, -'.json'.length));
    for (const file of ['latency-cdf.svg', 'throughput.svg', 'caliper-main.html']) {
      expect(existsSync(path.join(dir, file)), file).to.equal(true);
    }
  });
});
