/**
 * Replays full blocks from the peer's block events into an audit store, with a persistent
 * checkpoint, automatic reconnection (e.g. across a peer restart) and progress reporting. Blocks
 * are stored in batches, each with its checkpoint in one store transaction.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { common } from '@hyperledger/fabric-protos';
import type { BlockEventsOptions, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { decodeBlock, type DecodedBlock } from './block-decoder';
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
  /** Called after each stored block (in ledger order, once its batch is committed). */
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Called when the stream fails, before waiting `delayMs` and reconnecting. */
  readonly onReconnect?: (error: unknown, attempt: number, delayMs: number) => void;
  /** First reconnect delay in ms (default 500, doubled per failure). */
  readonly reconnectMs?: number;
  /** Maximum reconnect delay in ms (default 30 000). */
  readonly maxReconnectMs?: number;
  /** Most blocks stored in one store transaction (default 64; 1 stores each block on its own). */
  readonly batchBlocks?: number;
  /** Serialized bytes after which a batch is stored (default 16 MiB). */
  readonly batchBytes?: number;
  /** Longest a received block waits for its batch to be stored, in ms (default 500). */
  readonly batchMs?: number;
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

/** A decoded block waiting for its batch to be stored. */
interface Pending {
  readonly block: DecodedBlock;
  readonly receivedAt: string;
}

/**
 * True when `promise` settles before the event loop next polls for I/O (the stream had the block
 * buffered already), false when it would have to wait for the network.
 */
async function settlesBeforeIo(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  const mark = (): void => {
    settled = true;
  };
  promise.then(mark, mark);
  await new Promise<void>((resolve) => setImmediate(resolve));
  return settled;
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
 *
 * Blocks are stored in batches: one store transaction ({@link AuditStore.writeBlocks}) holds up to
 * `batchBlocks` blocks (or `batchBytes`) and moves the checkpoint past them in that same transaction,
 * so a crash loses at most the uncommitted batch, which the next run reads again from the checkpoint
 * (gap-free, duplicate-free). A batch is stored as soon as the stream has no further block ready (a
 * caught-up or following replay stores each block as it comes), after `batchMs`, at the target, and
 * before a reconnection or an abort. Memory holds one batch, whatever the history's length.
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
  const batchBlocks = Math.max(1, options.batchBlocks ?? 64);
  const batchBytes = options.batchBytes ?? 16 * 2 ** 20;
  const batchMs = options.batchMs ?? 500;
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

  /** Blocks received and decoded but not yet stored (at most one batch). */
  let pending: Pending[] = [];
  let pendingBytes = 0;
  let pendingSince = 0;

  /** Stores the pending blocks in one store transaction (checkpoint included), then reports them. */
  const flush = async (): Promise<void> => {
    if (pending.length === 0) {
      return;
    }
    const batch = pending;
    pending = [];
    pendingBytes = 0;
    const results = await store.writeBlocks(batch);
    let top = -1;
    batch.forEach(({ block }, i) => {
      const result = results[i];
      top = Math.max(top, block.number);
      state.failures = 0;
      state.blocks++;
      state.written += result?.written === true ? 1 : 0;
      state.writes += result?.writes ?? 0;
      if (options.onProgress !== undefined) {
        const elapsedMs = performance.now() - state.started;
        options.onProgress({
          blockNumber: block.number,
          targetBlock: target,
          blocks: state.blocks,
          writes: state.writes,
          elapsedMs,
          blocksPerSecond: rate(state.blocks, elapsedMs),
          writesPerSecond: rate(state.writes, elapsedMs),
          reconnects: state.reconnects,
        });
      }
    });
    checkpointer.storedUpTo(BigInt(top + 1));
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
    const blocks = stream[Symbol.asyncIterator]();
    try {
      let expected = Number(next());
      for (;;) {
        const reading = blocks.next();
        // a batch waits for blocks the stream already has, never for the peer to produce one
        if (pending.length > 0 && !(await settlesBeforeIo(reading))) {
          await flush();
        }
        const item = await reading;
        if (item.done === true) {
          break;
        }
        const decoded = decodeBlock(item.value);
        if (decoded.number > expected) {
          throw new Error(`block ${expected} missing from the stream (got ${decoded.number})`);
        }
        expected = Math.max(expected, decoded.number + 1);
        if (pending.length === 0) {
          pendingSince = performance.now();
        }
        pending.push({ block: decoded, receivedAt: new Date().toISOString() });
        pendingBytes += decoded.raw.length;
        const atTarget = target !== null && decoded.number >= target;
        if (
          atTarget ||
          pending.length >= batchBlocks ||
          pendingBytes >= batchBytes ||
          performance.now() - pendingSince >= batchMs
        ) {
          await flush();
        }
        if (atTarget) {
          return summary('height');
        }
      }
      await flush();
      if (!aborted()) {
        await backOff(new Error('block event stream ended'));
      }
    } catch (error) {
      if (error instanceof BlockConflictError) {
        throw error;
      }
      // the blocks received intact before the failure are kept (the stream resumes after them)
      await flush().catch((flushError: unknown) => {
        if (flushError instanceof BlockConflictError) {
          throw flushError;
        }
        pending = [];
        pendingBytes = 0;
      });
      if (!aborted()) {
        await backOff(error);
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      stream.close();
      blocks.return?.().catch(() => undefined);
    }
  }
}
