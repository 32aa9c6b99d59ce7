// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import {
  decodeBlock,
  fetchAndDecode,
  replayBlocks,
  SqliteAuditStore,
  type AuditStore,
  type BlockToWrite,
  type WriteBlockResult,
} from '../../../gateway-client/src/audit';
import { FakeNetwork } from './support/fake-network';
import { syntheticChain } from './support/synthetic-chain';

/** Delegates to a SQLite store, recording every batch and the checkpoint it committed. */
class SpyStore extends SqliteAuditStore {
  public readonly batches: number[][] = [];
  public readonly committed: { checkpoint: number | undefined; blocks: number; top: number }[] = [];
  /** Called with the batch index before it is written; may replace the batch. */
  public intercept: ((batch: readonly BlockToWrite[], index: number) => readonly BlockToWrite[]) | null =
    null;

  public override async writeBlocks(blocks: readonly BlockToWrite[]): Promise<WriteBlockResult[]> {
    const batch = this.intercept?.(blocks, this.batches.length) ?? blocks;
    this.batches.push(blocks.map((b) => b.block.number));
    const results = await super.writeBlocks(batch);
    const stats = await this.stats();
    this.committed.push({
      checkpoint: (await this.getCheckpoint())?.blockNumber,
      blocks: stats.blocks,
      top: stats.height,
    });
    return results;
  }
}

async function dump(store: AuditStore): Promise<unknown> {
  const rows: unknown[] = [];
  for await (const tx of store.transactions()) {
    rows.push([tx.blockNumber, tx.txIndex, tx.txId, tx.validationName, tx.writes.length]);
  }
  return { blocks: (await store.listBlocks()).map((b) => [b.number, b.hash]), rows };
}

/** A network that reports a chain height below the blocks it can serve (more arrived after it was asked). */
class GrowingNetwork extends FakeNetwork {
  public constructor(
    blocks: readonly common.Block[],
    private readonly height: number,
  ) {
    super(blocks);
  }

  public override getContract(): {
    evaluateTransaction(name: string, ...args: string[]): Promise<Uint8Array>;
  } {
    return {
      evaluateTransaction: (): Promise<Uint8Array> => {
        const info = new common.BlockchainInfo();
        info.setHeight(this.height);
        return Promise.resolve(info.serializeBinary());
      },
    };
  }
}

describe('audit replay in batches, and its fetch-and-decode floor', () => {
  let blocks: common.Block[];
  let clean: unknown;
  let dir: string;

  before(async () => {
    blocks = syntheticChain({ blocks: 40, maxTransactions: 6, chunkEvery: 7 });
    const store = new SqliteAuditStore();
    await replayBlocks(new FakeNetwork(blocks), store, { batchBlocks: 1 });
    clean = await dump(store);
    await store.close();
    dir = mkdtempSync(path.join(tmpdir(), 'replay-batch-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetchAndDecode reads and decodes up to the height seen at start, storing nothing', async () => {
    const decoded = blocks.map(decodeBlock);
    const all = await fetchAndDecode(new FakeNetwork(blocks));
    expect(all).to.include({
      blocks: blocks.length,
      transactions: decoded.reduce((n, b) => n + b.transactions.length, 0),
      writes: decoded.reduce((n, b) => n + b.transactions.reduce((m, t) => m + t.writes.length, 0), 0),
    });
    expect(all.blocksPerSecond).to.be.greaterThan(0);
    expect(all.elapsedMs).to.be.greaterThan(0);

    const net = new GrowingNetwork(blocks, 25);
    const part = await fetchAndDecode(net, { startBlock: 10 });
    expect(part.blocks).to.equal(15);
    expect(net.starts).to.deep.equal([10]);
    expect(part.transactions).to.equal(decoded.slice(10, 25).reduce((n, b) => n + b.transactions.length, 0));

    expect((await fetchAndDecode(new FakeNetwork(blocks), { startBlock: blocks.length })).blocks).to.equal(0);
    const controller = new AbortController();
    controller.abort();
    expect((await fetchAndDecode(new FakeNetwork(blocks), { signal: controller.signal })).blocks).to.equal(0);
  });

  it('stores blocks in batches, each committed with its checkpoint, reporting every block in order', async () => {
    const store = new SpyStore();
    const seen: number[] = [];
    const summary = await replayBlocks(new FakeNetwork(blocks), store, {
      batchBlocks: 8,
      onProgress: (p) => seen.push(p.blockNumber),
    });
    expect(summary).to.include({ stoppedBy: 'height', nextBlock: blocks.length, written: blocks.length });
    expect(seen).to.deep.equal(blocks.map((_, i) => i));
    expect(store.batches.length).to.be.lessThan(blocks.length / 4, 'blocks were batched');
    expect(store.batches.every((b) => b.length <= 8)).to.equal(true);
    expect(store.batches.flat()).to.deep.equal(blocks.map((_, i) => i));
    for (const c of store.committed) {
      expect(c.checkpoint).to.equal(c.top, 'the checkpoint is just past the stored blocks');
      expect(c.blocks).to.equal(c.top, 'no gap');
    }
    expect(await dump(store)).to.deep.equal(clean);
    await store.close();
  });

  it('honours the byte and time limits of a batch', async () => {
    const bySize = new SpyStore();
    await replayBlocks(new FakeNetwork(blocks), bySize, { batchBlocks: 1000, batchBytes: 1 });
    expect(bySize.batches.every((b) => b.length === 1)).to.equal(true);
    const byTime = new SpyStore();
    await replayBlocks(new FakeNetwork(blocks), byTime, { batchBlocks: 1000, batchMs: 0 });
    expect(byTime.batches.every((b) => b.length === 1)).to.equal(true);
    expect(await dump(byTime)).to.deep.equal(clean);
    await bySize.close();
    await byTime.close();
  });

  it('resumes after a crash in the middle of a batch with no gap and no duplicate', async () => {
    const file = path.join(dir, 'crash.sqlite');
    const store = new SpyStore({ path: file });
    const controller = new AbortController();
    // the third batch fails after some of its blocks went into the SQL transaction; the process "dies"
    store.intercept = (batch, index): readonly BlockToWrite[] => {
      if (index !== 2) {
        return batch;
      }
      controller.abort();
      return batch.map((entry, i) =>
        i === 3
          ? {
              block: Object.defineProperty({ ...entry.block }, 'raw', {
                get: (): Uint8Array => {
                  throw new Error('killed');
                },
              }),
            }
          : entry,
      );
    };
    const first = await replayBlocks(new FakeNetwork(blocks), store, {
      batchBlocks: 6,
      signal: controller.signal,
    });
    expect(first.stoppedBy).to.equal('abort');
    expect(store.batches).to.have.length(3);
    const survived = store.batches[0]!.length + store.batches[1]!.length;
    expect(first.nextBlock).to.equal(survived);
    await store.close();

    // a new process opens the file: exactly the committed batches and their checkpoint
    const reopened = new SqliteAuditStore({ path: file });
    expect(await reopened.getCheckpoint()).to.deep.equal({ blockNumber: survived, transactionId: null });
    expect((await reopened.stats()).blocks).to.equal(survived);
    const net = new FakeNetwork(blocks);
    const second = await replayBlocks(net, reopened, { batchBlocks: 6 });
    expect(net.starts).to.deep.equal([survived]);
    expect(second).to.include({ written: blocks.length - survived, nextBlock: blocks.length });
    expect(await dump(reopened)).to.deep.equal(clean);
    await reopened.close();
  });

  it('keeps the blocks of a batch received before the stream broke, and resumes after them', async () => {
    const store = new SpyStore();
    const net = new FakeNetwork(blocks, { breakBefore: [13, 29] });
    const summary = await replayBlocks(net, store, { batchBlocks: 8, reconnectMs: 1 });
    expect(summary.reconnects).to.equal(2);
    expect(net.starts).to.deep.equal([0, 13, 29]);
    expect(await dump(store)).to.deep.equal(clean);
    await store.close();
  });
});
