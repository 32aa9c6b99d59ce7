import {
  checkpointers,
  type ChaincodeEvent,
  type Checkpointer,
  type Network,
} from '@hyperledger/fabric-gateway';
import { setTimeout as sleep } from 'node:timers/promises';

/** A chaincode event with its payload decoded from canonical JSON. */
export interface CatalogEvent {
  readonly name: string;
  readonly payload: unknown;
  readonly transactionId: string;
  readonly blockNumber: bigint;
}

/** Options of {@link listenCatalogEvents}. */
export interface ListenOptions {
  /** Chaincode name (default `catalog`). */
  readonly chaincode?: string;
  /** File that keeps the checkpoint across runs; in memory when absent. */
  readonly checkpointFile?: string;
  /** Block to start from when there is no checkpoint yet (default: the next block). */
  readonly startBlock?: bigint;
  /** Stops listening when aborted. */
  readonly signal?: AbortSignal;
  /** Reconnect back-off in milliseconds (default 1000, doubled up to 30 s). */
  readonly reconnectMs?: number;
  /** Called on each connection failure before reconnecting. */
  readonly onReconnect?: (error: unknown, attempt: number) => void;
}

const decoder = new TextDecoder();

function decode(event: ChaincodeEvent): CatalogEvent {
  let payload: unknown = null;
  try {
    payload = JSON.parse(decoder.decode(event.payload));
  } catch {
    payload = decoder.decode(event.payload);
  }
  return {
    name: event.eventName,
    payload,
    transactionId: event.transactionId,
    blockNumber: event.blockNumber,
  };
}

/**
 * Delivers every catalog chaincode event to `onEvent`, in order, checkpointing after each one so a
 * restart (of this process or of the peer) resumes with no gap and no duplicate. Reconnects by
 * itself when the stream breaks; returns when `signal` aborts.
 */
export async function listenCatalogEvents(
  network: Network,
  onEvent: (event: CatalogEvent) => Promise<void> | void,
  options: Readonly<ListenOptions> = {},
): Promise<void> {
  const checkpointer: Checkpointer =
    options.checkpointFile === undefined
      ? checkpointers.inMemory()
      : await checkpointers.file(options.checkpointFile);
  const base = options.reconnectMs ?? 1000;
  let failures = 0;
  const backOff = async (reason: unknown): Promise<void> => {
    failures += 1;
    options.onReconnect?.(reason, failures);
    await sleep(Math.min(base * 2 ** (failures - 1), 30_000), undefined, { signal: options.signal }).catch(
      () => undefined,
    );
  };
  while (!options.signal?.aborted) {
    const events = await network
      .getChaincodeEvents(options.chaincode ?? 'catalog', {
        checkpoint: checkpointer,
        ...(options.startBlock === undefined ? {} : { startBlock: options.startBlock }),
      })
      .catch((error: unknown) => error);
    if (events instanceof Error || events === null || typeof events !== 'object') {
      await backOff(events);
      continue;
    }
    const stream = events as Awaited<ReturnType<Network['getChaincodeEvents']>>;
    const stop = (): void => {
      stream.close();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    let received = false;
    try {
      for await (const event of stream) {
        failures = 0;
        received = true;
        await onEvent(decode(event));
        await checkpointer.checkpointChaincodeEvent(event);
      }
      // The peer ended the stream without an error: reconnect, but a stream that ends before
      // delivering anything is backed off like a failure, so a peer that keeps closing it at once
      // is not hammered.
      if (!options.signal?.aborted && !received) await backOff(new Error('event stream ended'));
    } catch (error) {
      if (options.signal?.aborted) break;
      await backOff(error);
    } finally {
      options.signal?.removeEventListener('abort', stop);
      stream.close();
    }
  }
}
