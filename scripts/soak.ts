/**
 * `npm run soak`: the hostile-input suites of the test command at soak counts — 10,000 cases per
 * transaction on the in-memory peer (and the CLI and HTTP parsers in proportion), 500 per
 * transaction on the real network — plus the access matrix, the fault suite, the operations suite
 * (backup and restore, a peer joined from a snapshot) and the long suites (concurrency, long
 * faults); then rewrites the
 * soak table of docs/reliability.md from what every suite reported (cases tried, refusals, what
 * happened, data lost). The real-network suites need Fabric (and bring the network up, or reuse a
 * running one); without Fabric they are skipped and the table says so.
 *
 * Then the long suites of test/soak/: the concurrency soak (`SOAK_CONCURRENCY_SECONDS`, default
 * 600; `SOAK_PROPOSERS` 50, `SOAK_HOSPITALS` 200) and the long faults (`SOAK_IMPORT_ROWS` 1000).
 *
 * Counts: `SOAK_RUNS` (default 10000) and `SOAK_NETWORK_RUNS` (default 500); `FUZZ_SEED` as usual.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { envInt, type FuzzReport } from '../test/support/fuzz-config';
import { RELIABILITY_DOC, writeAccessMatrix, writeSoakTable } from './reliability-doc';

const ROOT = path.resolve(__dirname, '..');
const MOCHA = path.join(ROOT, 'node_modules', '.bin', 'mocha');

const UNIT_SUITES = [
  'test/unit/chaincode/fuzz.test.ts',
  'test/unit/cli/parser-fuzz.test.ts',
  'test/unit/http/hostile-bodies.test.ts',
];
const NETWORK_SUITES = [
  'test/network/62-access-matrix.test.ts',
  'test/network/64-hostile-input.test.ts',
  'test/network/66-faults.test.ts',
  // operations that stop nodes or add a peer: backup / restore, a peer joined from a snapshot
  'test/ops/ledger-ops.test.ts',
];
/** The long suites only the soak runs (test/soak/, which the test command's mocha configs do not pick up). */
const SOAK_SUITES = ['test/soak/concurrency.test.ts', 'test/soak/long-faults.test.ts'];

function mocha(files: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): number {
  const result = spawnSync(
    MOCHA,
    [
      '--no-config',
      '-r',
      'ts-node/register',
      '--timeout',
      String(timeoutMs),
      '--node-option',
      'conditions=nrdl-source',
      '--node-option',
      'disable-warning=ExperimentalWarning',
      ...files,
    ],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  return result.status ?? 1;
}

function fabricFound(): string | null {
  try {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'ts-node'), ['scripts/fabric-check.ts'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    return null;
  } catch {
    return 'no Fabric v3.1.5 found; set FABRIC_HOME';
  }
}

function main(): number {
  const unitRuns = envInt('SOAK_RUNS', 10_000);
  const networkRuns = envInt('SOAK_NETWORK_RUNS', 500);
  const concurrencySeconds = envInt('SOAK_CONCURRENCY_SECONDS', 600);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'soak-'));
  const reportFile = path.join(dir, 'report.jsonl');
  const env = {
    ...process.env,
    FUZZ_RUNS: String(unitRuns),
    FUZZ_NETWORK_RUNS: String(networkRuns),
    FUZZ_REPORT: reportFile,
    SOAK_CONCURRENCY_SECONDS: String(concurrencySeconds),
  };
  const failed: string[] = [];
  try {
    for (const suite of UNIT_SUITES) {
      process.stdout.write(`\n== soak: ${suite} (${String(unitRuns)} runs)\n`);
      if (mocha([suite], env, 24 * 3_600_000) !== 0) failed.push(suite);
    }
    const skipped = fabricFound();
    if (skipped === null) {
      for (const suite of NETWORK_SUITES) {
        process.stdout.write(`\n== soak: ${suite} (${String(networkRuns)} runs per transaction)\n`);
        if (mocha([suite], env, 24 * 3_600_000) !== 0) failed.push(suite);
      }
      for (const suite of SOAK_SUITES) {
        process.stdout.write(`\n== soak: ${suite} (${String(concurrencySeconds)} s of concurrency)\n`);
        if (mocha([suite], env, 24 * 3_600_000) !== 0) failed.push(suite);
      }
    } else {
      process.stdout.write(`\nreal-network soak suites: SKIPPED — ${skipped}\n`);
    }
    let reports: FuzzReport[] = [];
    try {
      reports = readFileSync(reportFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as FuzzReport);
    } catch {
      reports = [];
    }
    const commit = execFileSync('git', ['rev-parse', '--short=10', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    writeAccessMatrix();
    writeSoakTable(reports, {
      commit,
      date: new Date().toISOString().slice(0, 10),
      unitRuns,
      networkRuns,
      concurrencySeconds,
      networkSkipped: skipped,
      failedSuites: failed,
    });
    process.stdout.write(
      `\nsoak: ${String(reports.reduce((n, r) => n + r.cases, 0))} cases in ${String(reports.length)} targets; ` +
        `${failed.length === 0 ? 'every suite passed' : `FAILED: ${failed.join(', ')}`}; table written to ${path.relative(ROOT, RELIABILITY_DOC)}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return failed.length === 0 ? 0 : 1;
}

process.exitCode = main();
