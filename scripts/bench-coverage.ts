/**
 * Micro-benchmark of coverage checks (`node --conditions=nrdl-source -r ts-node/register
 * scripts/bench-coverage.ts`): the full catalog (NRDL 2024 + Shaanxi services and materials, with
 * overlays and a second version) on the in-memory peer of the unit tests, then single
 * `CheckCoverage` calls and 50- and 200-line `CheckCoverageBatch` calls. Prints the state calls
 * the chaincode makes (each a round trip to the peer on a real network; a range query costs two:
 * open and close) and the in-process time per line.
 *
 * The in-process time has no gRPC, no peer and no gateway in it, so it shows the chaincode's own
 * CPU only; the call counts are what scale on the real network.
 */
import { coverageLines, HOSPITAL, loadCatalog } from '../test/unit/chaincode/support/catalog';
import type { Network } from '../test/unit/chaincode/support/fabric-stub';
import type { CoverageInput } from '@nrdl-catalog/chaincode/model';

interface Run {
  readonly label: string;
  readonly perCall: Readonly<Record<string, number>>;
  readonly roundTrips: number;
  readonly msPerLine: number;
}

function roundTrips(calls: ReadonlyMap<string, number>): number {
  let n = 0;
  for (const [api, count] of calls) n += api === 'getState' ? count : 2 * count;
  return n;
}

async function measure(
  net: Network,
  label: string,
  calls: readonly { name: string; arg: unknown; lines: number }[],
): Promise<Run> {
  for (const c of calls.slice(0, 3)) await net.evaluate(HOSPITAL, c.name, c.arg); // warm up
  net.ledger.resetCalls();
  let lines = 0;
  const started = performance.now();
  for (const c of calls) {
    await net.evaluate(HOSPITAL, c.name, c.arg);
    lines += c.lines;
  }
  const ms = performance.now() - started;
  const perCall: Record<string, number> = {};
  for (const [api, count] of net.ledger.calls) perCall[api] = count / calls.length;
  return {
    label,
    perCall,
    roundTrips: roundTrips(net.ledger.calls) / calls.length,
    msPerLine: ms / lines,
  };
}

function batches(
  lines: readonly CoverageInput[],
  size: number,
): { name: string; arg: unknown; lines: number }[] {
  const out: { name: string; arg: unknown; lines: number }[] = [];
  for (let i = 0; i + size <= lines.length; i += size) {
    out.push({ name: 'Catalog:CheckCoverageBatch', arg: { lines: lines.slice(i, i + size) }, lines: size });
  }
  return out;
}

async function main(): Promise<void> {
  const loadStarted = performance.now();
  const catalog = await loadCatalog();
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const singles = coverageLines(catalog, 1000, 7).map((line) => ({
    name: 'Catalog:CheckCoverage',
    arg: line,
    lines: 1,
  }));
  const runs = [
    await measure(catalog.net, 'single CheckCoverage', singles),
    await measure(catalog.net, 'batch of 50 lines', batches(coverageLines(catalog, 2000, 11), 50)),
    await measure(catalog.net, 'batch of 200 lines', batches(coverageLines(catalog, 2000, 13), 200)),
  ];
  process.stdout.write(`catalog: ${catalog.itemCount} items, loaded in ${loadSeconds.toFixed(1)} s\n`);
  for (const r of runs) {
    const apis = Object.entries(r.perCall)
      .map(([api, n]) => `${api} ${n.toFixed(2)}`)
      .join(', ');
    process.stdout.write(
      `${r.label.padEnd(22)} per call: ${apis}; round trips ${r.roundTrips.toFixed(2)}; ` +
        `${(r.msPerLine * 1000).toFixed(1)} us/line\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
