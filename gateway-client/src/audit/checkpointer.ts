/**
 * A fabric-gateway {@link Checkpointer} persisted in the audit store, so a replay resumes after the
 * last stored block (the store advances the checkpoint in the same SQL transaction as the block).
 */
import type { ChaincodeEvent, Checkpointer } from '@hyperledger/fabric-gateway';
import type { AuditStore } from './store';

/** Checkpointer over an {@link AuditStore}; create it with {@link StoreCheckpointer.open}. */
export class StoreCheckpointer implements Checkpointer {
  readonly #store: AuditStore;
  #blockNumber: bigint | undefined;
  #transactionId: string | undefined;

  private constructor(store: AuditStore, blockNumber: bigint | undefined, transactionId: string | undefined) {
    this.#store = store;
    this.#blockNumber = blockNumber;
    this.#transactionId = transactionId;
  }

  /** Loads the store's checkpoint. */
  public static async open(store: AuditStore): Promise<StoreCheckpointer> {
    const cp = await store.getCheckpoint();
    return new StoreCheckpointer(
      store,
      cp === null ? undefined : BigInt(cp.blockNumber),
      cp?.transactionId ?? undefined,
    );
  }

  /** Records that `blockNumber` is fully processed: the next block to read is `blockNumber + 1`. */
  public async checkpointBlock(blockNumber: bigint): Promise<void> {
    const next = blockNumber + 1n;
    if (this.#blockNumber === undefined || next >= this.#blockNumber) {
      this.#blockNumber = next;
      this.#transactionId = undefined;
      await this.#store.setCheckpoint({ blockNumber: Number(next), transactionId: null });
    }
  }

  /**
   * Notes that the store itself has moved its checkpoint to `next` (as {@link AuditStore.writeBlocks}
   * does in the transaction that stores the blocks), without writing it again; never moves backwards.
   */
  public storedUpTo(next: bigint): void {
    if (this.#blockNumber === undefined || next > this.#blockNumber) {
      this.#blockNumber = next;
      this.#transactionId = undefined;
    }
  }

  /** Records the last processed transaction of a block that is not finished yet. */
  public async checkpointTransaction(blockNumber: bigint, transactionId: string): Promise<void> {
    this.#blockNumber = blockNumber;
    this.#transactionId = transactionId;
    await this.#store.setCheckpoint({ blockNumber: Number(blockNumber), transactionId });
  }

  /** Checkpoints the transaction of a chaincode event. */
  public async checkpointChaincodeEvent(event: ChaincodeEvent): Promise<void> {
    await this.checkpointTransaction(event.blockNumber, event.transactionId);
  }

  /** The next block to read, or undefined when nothing is checkpointed. */
  public getBlockNumber(): bigint | undefined {
    return this.#blockNumber;
  }

  /** The last processed transaction within {@link getBlockNumber}, if any. */
  public getTransactionId(): string | undefined {
    return this.#transactionId;
  }
}
