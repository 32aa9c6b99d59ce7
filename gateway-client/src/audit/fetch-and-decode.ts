/**
 * The floor of audit replay: read the same full blocks from the peer's block events and decode them
 * exactly as {@link replayBlocks} does, storing nothing. A benchmark runs it against the same network
 * to learn how fast replay could possibly be (replay's extra cost is the store and its checkpoint).
 */
import type { common } from '@hyperledger/fabric-protos';
import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { decodeBlock } from './block-decoder';
import { getChainHeight, type ReplayNetwork } from './replay';

/** Options of {@link fetchAndDecode}. */
export interface FetchAndDecodeOptions {
  /** First block to read (default 0). */
  readonly startBlock?: bigint | number;
  /** Stops reading (it returns what was read so far). */
  readonly signal?: AbortSignal;
}

/** Outcome of {@link fetchAndDecode}. */
export interface FetchAndDecodeSummary {
  /** Blocks read and decoded. */
  readonly blocks: number;
  /** Transactions decoded (valid and invalid). */
  readonly transactions: number;
  /** Catalog writes decoded. */
  readonly writes: number;
  readonly elapsedMs: number;
  readonly blocksPerSecond: number;
}

/**
 * Reads full blocks from `startBlock` (default 0) up to the block that was the chain's last when it
 * began (the stop-at-height rule of {@link replayBlocks} without `follow`) and decodes each with
 * {@link decodeBlock}, keeping nothing. No checkpoint and no reconnection: a stream error is thrown.
 */
export async function fetchAndDecode(
  network: ReplayNetwork,
  options: FetchAndDecodeOptions = {},
): Promise<FetchAndDecodeSummary> {
  const started = performance.now();
  const startBlock = BigInt(options.startBlock ?? 0);
  const signal = options.signal;
  let blocks = 0;
  let transactions = 0;
  let writes = 0;
  const summary = (): FetchAndDecodeSummary => {
    const elapsedMs = performance.now() - started;
    return { blocks, transactions, writes, elapsedMs, blocksPerSecond: rate(blocks, elapsedMs) };
  };
  const target = (await getChainHeight(network)) - 1;
  if (signal?.aborted === true || Number(startBlock) > target) {
    return summary();
  }
  const stream: CloseableAsyncIterable<common.Block> = await network.getBlockEvents({ startBlock });
  const stop = (): void => {
    stream.close();
  };
  signal?.addEventListener('abort', stop, { once: true });
  try {
    let expected = Number(startBlock);
    for await (const block of stream) {
      const decoded = decodeBlock(block);
      if (decoded.number !== expected) {
        throw new Error(`expected block ${expected} from the stream, got ${decoded.number}`);
      }
      expected++;
      blocks++;
      transactions += decoded.transactions.length;
      for (const tx of decoded.transactions) {
        writes += tx.writes.length;
      }
      if (decoded.number >= target) {
        break;
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    stream.close();
  }
  return summary();
}

function rate(n: number, ms: number): number {
  return ms <= 0 ? 0 : (n * 1000) / ms;
}
