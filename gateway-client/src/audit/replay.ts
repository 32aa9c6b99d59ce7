/**
 * Replays full blocks from the peer's block events into an audit store, with a persistent
 * checkpoint, automatic reconnection (e.g. across a peer restart) and progress reporting.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { common } from '@hyperledger/fabric-protos';
import type { BlockEventsOptions, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { decodeBlock } from './block-decoder';
import { StoreCheckpointer } from './checkpointer';
import { BlockConflictError, type AuditStore } from './store';

/** What replay needs of a gateway `Network` (a fabric-gateway `Network` satisfies it). */
export interface ReplayNetwork {
  getName(): string;
  getBlockEvents(options?: BlockEventsOptions): Promise<CloseableAsyncIterable<common.Block>>;
  getContract(chaincodeName: string): {
    evaluateTransaction(name: string, ...args: string[]): Promise<Uint8Array>;
  };
}

/** Progress after each block. */
export interface ReplayProgress {
  /** Number of the block just stored. */
  readonly blockNumber: number;
  /** Last block replay will stop at (null when following). */
  readonly targetBlock: number | null;
  /** Blocks received in this run (including ones already stored). */
  readonly blocks: number;
  /** Catalog writes received in this run. */
  readonly writes: number;
  readonly elapsedMs: number;
  readonly blocksPerSecond: number;
  readonly writesPerSecond: number;
  /** Reconnections so far. */
  readonly reconnects: number;
}

/** Options of {@link replayBlocks}. */
export interface ReplayOptions {
  /** Block to start from when the store has no checkpoint (default 0). */
  readonly startBlock?: bigint | number;
  /** Keep following new blocks until aborted (default false: stop at the chain height seen at start). */
  readonly follow?: boolean;
  /** Stops the replay (it returns normally). */
  readonly signal?: AbortSignal;
  /** Called after each stored block. */
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Called when the stream fails, before waiting `delayMs` and reconnecting. */
  readonly onReconnect?: (error: unknown, attempt: number, delayMs: number) => void;
  /** First reconnect delay in ms (default 500, doubled per failure). */
  readonly reconnectMs?: number;
  /** Maximum reconnect delay in ms (default 30 000). */
  readonly maxReconnectMs?: number;
}

/** Outcome of {@link replayBlocks}. */
export interface ReplaySummary {
  /** Why it returned: reached the chain height seen at start, or aborted. */
  readonly stoppedBy: 'height' | 'abort';
  /** Next block to read (the checkpoint). */
  readonly nextBlock: number;
  readonly targetBlock: number | null;
  readonly blocks: number;
  /** Blocks newly written (the others were already stored). */
  readonly written: number;
  readonly writes: number;
  readonly elapsedMs: number;
  readonly blocksPerSecond: number;
  readonly writesPerSecond: number;
  readonly reconnects: number;
}

/** The channel height via qscc `GetChainInfo` (a `common.BlockchainInfo`). */
export async function getChainHeight(network: ReplayNetwork): Promise<number> {
  const bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
}

interface RunState {
  blocks: number;
  written: number;
  writes: number;
  reconnects: number;
  failures: number;
  readonly started: number;
}

function rate(n: number, ms: number): number {
  return ms <= 0 ? 0 : (n * 1000) / ms;
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

/**
 * Reads full blocks from `startBlock` (default 0, or the store's checkpoint) and writes them to the
 * store. Without `follow`, stops once the block that was the chain's last when the replay began is
 * stored. Stream errors (peer restart, network) are retried with exponential back-off; the store's
 * checkpoint makes the resumption gap-free and duplicate-free. A block that conflicts with a stored
 * one ({@link BlockConflictError}) stops the replay with that error.
 */
export async function replayBlocks(
  network: ReplayNetwork,
  store: AuditStore,
  options: ReplayOptions = {},
): Promise<ReplaySummary> {
  const checkpointer = await StoreCheckpointer.open(store);
  const startBlock = BigInt(options.startBlock ?? 0);
  const base = options.reconnectMs ?? 500;
  const max = options.maxReconnectMs ?? 30_000;
  const signal = options.signal;
  const aborted = (): boolean => signal?.aborted === true;
  const state: RunState = {
    blocks: 0,
    written: 0,
    writes: 0,
    reconnects: 0,
    failures: 0,
    started: performance.now(),
  };
  const next = (): bigint => checkpointer.getBlockNumber() ?? startBlock;

  const backOff = async (error: unknown): Promise<void> => {
    state.failures++;
    state.reconnects++;
    const delay = Math.min(base * 2 ** (state.failures - 1), max);
    options.onReconnect?.(error, state.failures, delay);
    await pause(delay, signal);
  };

  let target: number | null = null;
  while (options.follow !== true && target === null && !aborted()) {
    try {
      target = (await getChainHeight(network)) - 1;
    } catch (error) {
      await backOff(error);
    }
  }

  const summary = (stoppedBy: 'height' | 'abort'): ReplaySummary => {
    const elapsedMs = performance.now() - state.started;
    return {
      stoppedBy,
      nextBlock: Number(next()),
      targetBlock: target,
      blocks: state.blocks,
      written: state.written,
      writes: state.writes,
      elapsedMs,
      blocksPerSecond: rate(state.blocks, elapsedMs),
      writesPerSecond: rate(state.writes, elapsedMs),
      reconnects: state.reconnects,
    };
  };

  for (;;) {
    if (aborted()) {
      return summary('abort');
    }
    if (target !== null && Number(next()) > target) {
      return summary('height');
    }
    let stream: CloseableAsyncIterable<common.Block>;
    try {
      stream = await network.getBlockEvents({ checkpoint: checkpointer, startBlock: next() });
    } catch (error) {
      await backOff(error);
      continue;
    }
    const stop = (): void => {
      stream.close();
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const block of stream) {
        const decoded = decodeBlock(block);
        const expected = Number(next());
        if (decoded.number > expected) {
          throw new Error(`block ${expected} missing from the stream (got ${decoded.number})`);
        }
        const result = await store.writeBlock(decoded);
        await checkpointer.checkpointBlock(BigInt(decoded.number));
        state.failures = 0;
        state.blocks++;
        state.written += result.written ? 1 : 0;
        state.writes += result.writes;
        if (options.onProgress !== undefined) {
          const elapsedMs = performance.now() - state.started;
          options.onProgress({
            blockNumber: decoded.number,
            targetBlock: target,
            blocks: state.blocks,
            writes: state.writes,
            elapsedMs,
            blocksPerSecond: rate(state.blocks, elapsedMs),
            writesPerSecond: rate(state.writes, elapsedMs),
            reconnects: state.reconnects,
          });
        }
        if (target !== null && decoded.number >= target) {
          return summary('height');
        }
      }
      if (!aborted()) {
        await backOff(new Error('block event stream ended'));
      }
    } catch (error) {
      if (error instanceof BlockConflictError) {
        throw error;
      }
      if (!aborted()) {
        await backOff(error);
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      stream.close();
    }
  }
}
