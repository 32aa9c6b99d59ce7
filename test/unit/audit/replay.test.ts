// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import type { common } from '@hyperledger/fabric-protos';
import {
  getChainHeight,
  replayBlocks,
  SqliteAuditStore,
  type AuditStore,
  type ReplayProgress,
} from '../../../gateway-client/src/audit';
import { FakeNetwork } from './support/fake-network';
import { scenario } from './support/scenario';

async function dump(store: AuditStore): Promise<unknown> {
  const rows: unknown[] = [];
  for await (const tx of store.transactions()) {
    rows.push([tx.blockNumber, tx.txIndex, tx.txId, tx.validationName, tx.writes.length]);
  }
  return { blocks: (await store.listBlocks()).map((b) => [b.number, b.hash]), rows };
}

describe('audit replay', () => {
  let blocks: readonly common.Block[];
  let clean: unknown;

  before(async () => {
    blocks = (await scenario()).blocks;
    const store = new SqliteAuditStore();
    await replayBlocks(new FakeNetwork(blocks), store);
    clean = await dump(store);
    await store.close();
  });

  it('reads the chain height with qscc GetChainInfo', async () => {
    expect(await getChainHeight(new FakeNetwork(blocks))).to.equal(blocks.length);
  });

  it('replays from block 0 to the height seen at start, reporting blocks/s', async () => {
    const store = new SqliteAuditStore();
    const progress: ReplayProgress[] = [];
    const summary = await replayBlocks(new FakeNetwork(blocks), store, {
      onProgress: (p) => progress.push(p),
    });
    expect(summary).to.include({
      stoppedBy: 'height',
      nextBlock: blocks.length,
      blocks: blocks.length,
      written: blocks.length,
    });
    expect(summary.blocksPerSecond).to.be.greaterThan(0);
    expect(progress.map((p) => p.blockNumber)).to.deep.equal(blocks.map((_, i) => i));
    expect(progress.at(-1)?.targetBlock).to.equal(blocks.length - 1);
    expect((await store.stats()).blocks).to.equal(blocks.length);
    await store.close();
  });

  it('reconnects after the stream breaks (peer restart) with no gap and no duplicate', async () => {
    const store = new SqliteAuditStore();
    const net = new FakeNetwork(blocks, { breakBefore: [3, 7], refuseConnections: 1 });
    const errors: string[] = [];
    const summary = await replayBlocks(net, store, {
      reconnectMs: 1,
      onReconnect: (e) => errors.push((e as Error).message),
    });
    expect(summary.reconnects).to.equal(3);
    expect(errors).to.have.length(3);
    expect(net.starts).to.deep.equal([0, 3, 7]);
    expect(await dump(store)).to.deep.equal(clean);
    await store.close();
  });

  it('resumes from the store checkpoint', async () => {
    const store = new SqliteAuditStore();
    const first = new FakeNetwork(blocks.slice(0, 5));
    await replayBlocks(first, store);
    const second = new FakeNetwork(blocks);
    const summary = await replayBlocks(second, store, { startBlock: 0 });
    expect(second.starts).to.deep.equal([5]);
    expect(summary.blocks).to.equal(blocks.length - 5);
    expect(await dump(store)).to.deep.equal(clean);
    await store.close();
  });

  it('follows new blocks until aborted', async () => {
    const store = new SqliteAuditStore();
    const net = new FakeNetwork(blocks.slice(0, 4));
    const controller = new AbortController();
    const seen: number[] = [];
    const running = replayBlocks(net, store, {
      follow: true,
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.blockNumber);
        const next = blocks[p.blockNumber + 1];
        if (next === undefined) {
          controller.abort();
        } else if (p.blockNumber + 1 >= net.blocks.length) {
          setImmediate(() => {
            net.append(next);
          });
        }
      },
    });
    const summary = await running;
    expect(summary.stoppedBy).to.equal('abort');
    expect(summary.targetBlock).to.equal(null);
    expect(seen).to.deep.equal(blocks.map((_, i) => i));
    expect(await dump(store)).to.deep.equal(clean);
    await store.close();
  });
});
