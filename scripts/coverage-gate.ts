/**
 * The coverage gate of the test command: reads c8's `coverage-summary.json` and checks that the
 * line coverage of each named package folder (e.g. `gateway-client`, `apps/cli`) reaches the
 * threshold on its own.
 * Usage: ts-node scripts/coverage-gate.ts <coverage-summary.json> <percent> <package>...
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Totals {
  readonly lines: { readonly total: number; readonly covered: number };
}

function main(argv: readonly string[]): number {
  const [file, threshold, ...packages] = argv;
  if (file === undefined || threshold === undefined || packages.length === 0) {
    process.stderr.write('usage: coverage-gate <coverage-summary.json> <percent> <package>...\n');
    return 2;
  }
  const summary = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Totals>;
  const root = process.cwd();
  let failed = false;
  for (const pkg of packages) {
    let total = 0;
    let covered = 0;
    for (const [name, totals] of Object.entries(summary)) {
      if (name === 'total') continue;
      const relative = path.relative(root, name).split(path.sep).join('/');
      if (!relative.startsWith(`${pkg}/`)) continue;
      total += totals.lines.total;
      covered += totals.lines.covered;
    }
    const percent = total === 0 ? 0 : (100 * covered) / total;
    const ok = total > 0 && percent >= Number(threshold);
    failed ||= !ok;
    process.stdout.write(
      `line coverage of ${pkg}/: ${percent.toFixed(2)} % (${String(covered)}/${String(total)}) ${ok ? 'ok' : `BELOW ${threshold} %`}\n`,
    );
  }
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
