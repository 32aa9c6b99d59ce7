/**
 * Benchmark (`npm run bench`): the cost of the version digest kept incrementally (what SealVersion
 * does: O(changed entries)) against recomputing it from the whole catalog (what a naive design or a
 * full audit does), on the real NRDL 2024 list. Prints times and their ratio from the same run.
 */
import path from 'node:path';
import {
  decodeLattice,
  type DigestEntry,
  digestOfEntries,
  encodeLattice,
  entryVector,
  latticeAdd,
  latticeDigest,
  latticeOf,
  latticeSub,
} from '@nrdl-catalog/chaincode/model';
import { readNrdlFile } from '@nrdl-catalog/gateway-client/import';

function time<T>(runs: number, work: () => T): { ms: number; result: T } {
  let result = work();
  const started = performance.now();
  for (let i = 0; i < runs; i += 1) result = work();
  return { ms: (performance.now() - started) / runs, result };
}

const entries: DigestEntry[] = readNrdlFile(path.resolve(__dirname, '..', 'data', 'nrdl-2024-drugs.csv')).map(
  (entry) => ({
    type: 'item',
    itemId: entry.item.id ?? '',
    data: entry.item,
  }),
);
const stored = encodeLattice(latticeOf(entries));
const changed = entries.slice(0, 250);
const updated = changed.map((entry): DigestEntry => ({
  ...entry,
  data: { ...(entry.data as object), remark: 'changed' },
}));

const full = time(3, () => digestOfEntries([...updated, ...entries.slice(250)]));
const incremental = time(20, () => {
  const lattice = decodeLattice(stored);
  for (const [index, entry] of changed.entries()) {
    latticeSub(lattice, entryVector(entry));
    const next = updated[index];
    if (next) latticeAdd(lattice, entryVector(next));
  }
  return latticeDigest(lattice);
});
if (full.result !== incremental.result)
  throw new Error('incremental digest differs from the full recomputation');
const memory = process.memoryUsage();
const rows = [
  ['catalog entries', String(entries.length)],
  ['changed entries', String(changed.length)],
  ['full recomputation (baseline)', `${full.ms.toFixed(1)} ms`],
  ['incremental update (SealVersion)', `${incremental.ms.toFixed(1)} ms`],
  ['ratio baseline / incremental', `${(full.ms / incremental.ms).toFixed(1)}x`],
  ['lattice size', `${Buffer.from(stored, 'base64').length} bytes`],
  ['heap used', `${(memory.heapUsed / 1024 / 1024).toFixed(0)} MiB`],
];
for (const [label, value] of rows) process.stdout.write(`${(label ?? '').padEnd(34)} ${value ?? ''}\n`);
