/**
 * Benchmark of audit replay against its floor, in process: a synthetic but realistic chain
 * (test/unit/audit/support/synthetic-chain.ts: up to 100 certified, endorsed catalog transactions
 * per block) is written once to a temp file; a fake network serves it like a peer's Deliver stream
 * (read from disk and deserialized per block, nothing kept). Per history length (1×, 2×, 4× the
 * blocks) a fresh child process times `fetchAndDecode` (the floor) and `replayBlocks` into a new
 * SQLite file store, and samples RSS during replay, which must not grow with the history.
 *
 *   node --conditions=nrdl-source -r ts-node/register scripts/bench-replay.ts [--blocks 300] [--max-tx 100] [--scales 1,2,4]
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BlockEventsOptions, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import {
  fetchAndDecode,
  replayBlocks,
  SqliteAuditStore,
  type ReplayNetwork,
} from '../gateway-client/src/audit';
import { syntheticBlocks } from '../test/unit/audit/support/synthetic-chain';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

/** Serialized blocks in a file, each behind a 4-byte length. */
interface ChainFile {
  readonly file: string;
  readonly offsets: readonly number[];
}

function writeChain(file: string, blocks: number, maxTransactions: number): ChainFile {
  const fd = openSync(file, 'w');
  const offsets: number[] = [];
  let at = 0;
  try {
    for (const block of syntheticBlocks({ blocks, maxTransactions })) {
      const bytes = block.serializeBinary();
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      offsets.push(at);
      at += writeSync(fd, length) + writeSync(fd, bytes);
    }
  } finally {
    closeSync(fd);
  }
  return { file, offsets };
}

/** Serves the first `height` blocks of a chain file like block events of a gateway Network. */
class FileNetwork implements ReplayNetwork {
  readonly #chain: ChainFile;
  readonly #height: number;

  public constructor(chain: ChainFile, height: number) {
    this.#chain = chain;
    this.#height = height;
  }

  public getName(): string {
    return 'catalog';
  }

  public getContract(): { evaluateTransaction(name: string, ...args: string[]): Promise<Uint8Array> } {
    return {
      evaluateTransaction: (): Promise<Uint8Array> => {
        const info = new common.BlockchainInfo();
        info.setHeight(this.#height);
        return Promise.resolve(info.serializeBinary());
      },
    };
  }

  public getBlockEvents(options: BlockEventsOptions = {}): Promise<CloseableAsyncIterable<common.Block>> {
    const start = Number(options.checkpoint?.getBlockNumber() ?? options.startBlock ?? 0);
    const { file, offsets } = this.#chain;
    const height = this.#height;
    let closed = false;
    const close = (): void => {
      closed = true;
    };
    return Promise.resolve({
      close,
      [Symbol.dispose]: close,
      async *[Symbol.asyncIterator](): AsyncIterator<common.Block> {
        const fd = openSync(file, 'r');
        try {
          for (let n = start; n < height && !closed; n++) {
            const length = Buffer.alloc(4);
            readSync(fd, length, 0, 4, offsets[n] ?? 0);
            const bytes = Buffer.alloc(length.readUInt32BE());
            readSync(fd, bytes, 0, bytes.length, (offsets[n] ?? 0) + 4);
            // a gRPC message arrives on its own turn of the event loop
            await new Promise<void>((resolve) => setImmediate(resolve));
            yield common.Block.deserializeBinary(bytes);
          }
        } finally {
          closeSync(fd);
        }
      },
    });
  }
}

interface Measurement {
  readonly height: number;
  readonly transactions: number;
  readonly writes: number;
  readonly floorMs: number;
  readonly replayMs: number;
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly rssAfterMb: number;
}

const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

/** One history length, in this (child) process. */
async function measure(chain: ChainFile, height: number, dir: string): Promise<Measurement> {
  const network = new FileNetwork(chain, height);
  // warm-up (JIT, file cache)
  await fetchAndDecode(new FileNetwork(chain, Math.min(height, 30)));
  const floor = await fetchAndDecode(network);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const store = new SqliteAuditStore({ path: path.join(dir, `replay-${height}.sqlite`) });
  const summary = await replayBlocks(network, store, {
    onProgress: (p) => {
      if (p.blocks % 10 === 0) {
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      }
    },
  });
  const stats = await store.stats();
  await store.close();
  if (stats.blocks !== height || summary.nextBlock !== height || stats.writes !== floor.writes) {
    throw new Error(
      `replay stored ${stats.blocks} blocks / ${stats.writes} writes of ${height} / ${floor.writes}`,
    );
  }
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  global.gc?.();
  return {
    height,
    transactions: floor.transactions,
    writes: floor.writes,
    floorMs: floor.elapsedMs,
    replayMs: summary.elapsedMs,
    rssBeforeMb: mb(rssBefore),
    rssPeakMb: mb(rssPeak),
    rssAfterMb: mb(process.memoryUsage().rss),
  };
}

async function main(): Promise<void> {
  const child = option('child', '');
  if (child !== '') {
    const { file, offsets, height, dir } = JSON.parse(child) as ChainFile & { height: number; dir: string };
    process.stdout.write(JSON.stringify(await measure({ file, offsets }, height, dir)));
    return;
  }
  const blocks = Number(option('blocks', '300'));
  const maxTransactions = Number(option('max-tx', '100'));
  const scales = option('scales', '1,2,4').split(',').map(Number);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-replay-'));
  try {
    const longest = blocks * Math.max(...scales);
    const generating = performance.now();
    const chain = writeChain(path.join(dir, 'chain.bin'), longest, maxTransactions);
    process.stderr.write(
      `built ${longest} blocks in ${((performance.now() - generating) / 1000).toFixed(1)} s\n`,
    );
    const rows: Measurement[] = [];
    for (const scale of scales) {
      const args = [
        ...process.execArgv,
        '--expose-gc',
        __filename,
        '--child',
        JSON.stringify({ ...chain, height: blocks * scale, dir }),
      ];
      const out = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
      rows.push(JSON.parse(out) as Measurement);
    }
    console.log(
      ['blocks', 'txs', 'writes', 'fetch+decode ms', 'replay ms', 'ratio', 'RSS before/peak/after MB'].join(
        ' | ',
      ),
    );
    for (const r of rows) {
      console.log(
        [
          r.height,
          r.transactions,
          r.writes,
          r.floorMs.toFixed(0),
          r.replayMs.toFixed(0),
          `${(r.floorMs / r.replayMs).toFixed(2)}x`,
          `${r.rssBeforeMb} / ${r.rssPeakMb} / ${r.rssAfterMb}`,
        ].join(' | '),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
