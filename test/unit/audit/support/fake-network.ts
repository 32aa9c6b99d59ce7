/**
 * A stand-in for a gateway Network's block events and qscc: serves prepared blocks from the
 * requested position, can break the stream once at a given block (a peer restart) or refuse to
 * connect, and in follow mode waits for appended blocks until closed.
 */
import type { BlockEventsOptions, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import type { ReplayNetwork } from '../../../../gateway-client/src/audit/replay';

/** Options of {@link FakeNetwork}. */
export interface FakeNetworkOptions {
  /** Break the stream (once each) just before delivering these block numbers. */
  readonly breakBefore?: readonly number[];
  /** Refuse this many connection attempts first. */
  readonly refuseConnections?: number;
}

export class FakeNetwork implements ReplayNetwork {
  public readonly blocks: common.Block[];
  /** Start block of every stream opened. */
  public readonly starts: number[] = [];
  readonly #breakBefore: Set<number>;
  #refuse: number;
  #wake: (() => void) | null = null;

  public constructor(blocks: readonly common.Block[], options: FakeNetworkOptions = {}) {
    this.blocks = [...blocks];
    this.#breakBefore = new Set(options.breakBefore ?? []);
    this.#refuse = options.refuseConnections ?? 0;
  }

  public getName(): string {
    return 'catalog';
  }

  public getContract(): { evaluateTransaction(name: string, ...args: string[]): Promise<Uint8Array> } {
    return {
      evaluateTransaction: (name: string): Promise<Uint8Array> => {
        if (name !== 'GetChainInfo') {
          return Promise.reject(new Error(`unexpected qscc call ${name}`));
        }
        const info = new common.BlockchainInfo();
        info.setHeight(this.blocks.length);
        return Promise.resolve(info.serializeBinary());
      },
    };
  }

  /** Adds a block (wakes a following stream). */
  public append(block: common.Block): void {
    this.blocks.push(block);
    this.#wake?.();
  }

  public getBlockEvents(options: BlockEventsOptions = {}): Promise<CloseableAsyncIterable<common.Block>> {
    if (this.#refuse > 0) {
      this.#refuse--;
      return Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
    }
    const start = Number(options.checkpoint?.getBlockNumber() ?? options.startBlock ?? 0);
    this.starts.push(start);
    let closed = false;
    const close = (): void => {
      closed = true;
      this.#wake?.();
    };
    const next = async (n: number): Promise<common.Block | null> => {
      while (!closed && n >= this.blocks.length) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
      return closed ? null : (this.blocks[n] ?? null);
    };
    const breaks = this.#breakBefore;
    const iterable: CloseableAsyncIterable<common.Block> = {
      close,
      [Symbol.dispose]: close,
      async *[Symbol.asyncIterator](): AsyncIterator<common.Block> {
        for (let n = start; ; n++) {
          if (breaks.delete(n)) {
            throw new Error('14 UNAVAILABLE: peer went away');
          }
          const block = await next(n);
          if (block === null) {
            return;
          }
          yield block;
        }
      },
    };
    return Promise.resolve(iterable);
  }
}
