/**
 * The behaviour every audit store must show, as mocha tests parametrised by the implementation:
 * store.test.ts runs them on SQLite, pg-store.test.ts on PostgreSQL.
 */
import '../../chaincode/support/quiet';
import { expect } from 'chai';
import {
  BlockConflictError,
  decodeBlock,
  StoreCheckpointer,
  type AuditStore,
  type DecodedBlock,
  type StoredTransaction,
} from '../../../../gateway-client/src/audit';
import { scenario } from './scenario';

/** How to get stores of the implementation under test. */
export interface StoreUnderTest {
  /** A new, empty store. */
  fresh(): Promise<AuditStore>;
  /** A new, empty location that survives closing: returns how to (re)open it. */
  persistent(): Promise<() => Promise<AuditStore>>;
}

/** Drains an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
  }
  return out;
}

/** Stores the blocks in order. */
export async function fill(store: AuditStore, blocks: readonly DecodedBlock[]): Promise<AuditStore> {
  for (const b of blocks) {
    await store.writeBlock(b, '2025-01-01T00:00:00.000Z');
  }
  return store;
}

/** What a transaction must read back as, from what was decoded. */
function expectedTransactions(blocks: readonly DecodedBlock[]): [number, number, string, number][] {
  return blocks.flatMap((b) =>
    b.transactions.map((t): [number, number, string, number] => [b.number, t.index, t.txId, t.writes.length]),
  );
}

function shape(txs: readonly StoredTransaction[]): [number, number, string, number][] {
  return txs.map((t) => [t.blockNumber, t.txIndex, t.txId, t.writes.length]);
}

/** Defines the shared audit store tests (call inside a `describe`). */
export function storeContract(subject: StoreUnderTest): void {
  let decoded: DecodedBlock[];

  before(async () => {
    decoded = (await scenario()).blocks.map(decodeBlock);
  });

  it('stores blocks, transactions and writes, and re-writing a block is a no-op', async () => {
    const store = await subject.fresh();
    for (const b of decoded.slice(0, 4)) {
      expect((await store.writeBlock(b)).written).to.equal(true);
    }
    const before = await store.stats();
    expect(await store.writeBlock(decoded[2]!)).to.deep.include({ written: false });
    expect(await store.stats()).to.deep.equal(before);
    expect(before.blocks).to.equal(4);
    expect(before.transactions).to.equal(decoded.slice(0, 4).reduce((n, b) => n + b.transactions.length, 0));
    expect(before.writes).to.equal(
      decoded.slice(0, 4).reduce((n, b) => n + b.transactions.reduce((m, t) => m + t.writes.length, 0), 0),
    );
    expect(before.height).to.equal(4);
    const txs = await collect(store.transactions());
    expect(txs.map((t) => [t.blockNumber, t.txIndex])).to.deep.equal(
      decoded.slice(0, 4).flatMap((b) => b.transactions.map((t) => [b.number, t.index])),
    );
    const composite = txs.flatMap((t) => t.writes).find((w) => w.objectType !== null)!;
    expect(composite.key.startsWith('\u0000')).to.equal(true, 'composite keys keep their U+0000');
    expect(composite.key.endsWith('\u0000')).to.equal(true);
    await store.close();
  });

  it('reads back every field of every block and transaction as decoded', async () => {
    const store = await fill(await subject.fresh(), decoded);
    const blocks = await store.listBlocks();
    expect(blocks.map((b) => [b.number, b.hash, b.previousHash, b.dataHash, b.txCount])).to.deep.equal(
      decoded.map((b) => [b.number, b.hash, b.previousHash, b.dataHash, b.transactions.length]),
    );
    expect(blocks.every((b) => b.receivedAt === '2025-01-01T00:00:00.000Z')).to.equal(true);
    const stored = await collect(store.transactions());
    const source = decoded.flatMap((b) => b.transactions);
    expect(stored).to.have.length(source.length);
    stored.forEach((t, i) => {
      const d = source[i]!;
      expect(t).to.deep.include({
        txId: d.txId,
        type: d.type,
        timestamp: d.timestamp,
        creatorMsp: d.creator?.mspId ?? null,
        creatorSubject: d.creator?.subject ?? null,
        creatorRole: d.creator?.role ?? null,
        validationCode: d.validationCode,
        validationName: d.validationName,
        chaincode: d.chaincode,
        function: d.function,
        args: d.args,
        endorsers: d.endorsers,
        eventName: d.eventName,
      });
      expect(
        t.writes.map((w) => [w.writeIndex, w.key, w.objectType, w.attributes, w.isDelete]),
      ).to.deep.equal(d.writes.map((w, j) => [j, w.key, w.objectType, w.attributes, w.isDelete]));
      t.writes.forEach((w, j) => {
        expect(Buffer.from(w.value).equals(Buffer.from(d.writes[j]!.value))).to.equal(true);
      });
      expect(
        t.metadataWrites.map((m) => [m.key, m.name, Buffer.from(m.value).toString('hex')]),
      ).to.deep.equal(
        d.metadataWrites.flatMap((m) =>
          m.entries.map((e) => [m.key, e.name, Buffer.from(e.value).toString('hex')]),
        ),
      );
    });
    await store.close();
  });

  it('refuses a different block under a stored block number', async () => {
    const store = await subject.fresh();
    await store.writeBlock(decoded[0]!);
    const forged = { ...decoded[1]!, number: 0 };
    try {
      await store.writeBlock(forged);
      expect.fail('expected a conflict');
    } catch (error) {
      expect(error).to.be.instanceOf(BlockConflictError);
      expect((error as BlockConflictError).blockNumber).to.equal(0);
      expect((error as BlockConflictError).storedHash).to.equal(decoded[0]!.hash);
    }
    expect((await store.stats()).transactions).to.equal(decoded[0]!.transactions.length);
    expect(await store.writeBlock(decoded[1]!)).to.deep.include({ written: true }, 'usable after a conflict');
    await store.close();
  });

  it('advances the checkpoint with each block and keeps it across reopening', async () => {
    const open = await subject.persistent();
    const store = await open();
    expect(await store.getCheckpoint()).to.equal(null);
    await store.writeBlock(decoded[0]!);
    await store.writeBlock(decoded[1]!);
    expect(await store.getCheckpoint()).to.deep.equal({ blockNumber: 2, transactionId: null });
    await store.writeBlock(decoded[0]!);
    expect((await store.getCheckpoint())?.blockNumber).to.equal(2, 'never moves backwards');
    await store.close();

    const reopened = await open();
    const checkpointer = await StoreCheckpointer.open(reopened);
    expect(checkpointer.getBlockNumber()).to.equal(2n);
    await checkpointer.checkpointTransaction(2n, 'tx-a');
    expect(await reopened.getCheckpoint()).to.deep.equal({ blockNumber: 2, transactionId: 'tx-a' });
    await checkpointer.checkpointBlock(2n);
    expect(checkpointer.getBlockNumber()).to.equal(3n);
    expect(checkpointer.getTransactionId()).to.equal(undefined);
    await reopened.setCheckpoint({ blockNumber: 0, transactionId: null });
    expect(await reopened.getCheckpoint()).to.deep.equal(
      { blockNumber: 2, transactionId: null },
      'never behind a stored block',
    );
    expect((await reopened.stats()).sizeBytes).to.be.greaterThan(0);
    expect((await reopened.stats()).blocks).to.equal(2);
    await reopened.close();
  });

  it('filters valid and invalid transactions', async () => {
    const store = await fill(await subject.fresh(), decoded);
    const invalid = await collect(store.transactions({ invalidOnly: true }));
    expect(invalid.map((t) => t.validationName)).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);
    const valid = await collect(store.transactions({ validOnly: true }));
    expect(valid.every((t) => t.validationCode === 0)).to.equal(true);
    expect(valid.length + invalid.length).to.equal((await store.stats()).transactions);
    expect((await store.stats()).invalidTransactions).to.equal(1);
    await store.close();
  });

  it('filters by block range, in ledger order', async () => {
    const store = await fill(await subject.fresh(), decoded);
    expect(shape(await collect(store.transactions({ fromBlock: 3, toBlock: 6 })))).to.deep.equal(
      expectedTransactions(decoded.slice(3, 7)),
    );
    expect(shape(await collect(store.transactions({ fromBlock: decoded.length })))).to.deep.equal([]);
    expect(shape(await collect(store.transactions({ toBlock: 0 })))).to.deep.equal(
      expectedTransactions(decoded.slice(0, 1)),
    );
    await store.close();
  });

  it('writes a batch of blocks in one transaction with the checkpoint past it', async () => {
    const store = await subject.fresh();
    const batch = (from: number, to: number): { block: DecodedBlock }[] =>
      decoded.slice(from, to).map((block) => ({ block }));
    const first = await store.writeBlocks(batch(0, 5));
    expect(first.map((r) => r.written)).to.deep.equal([true, true, true, true, true]);
    expect(await store.getCheckpoint()).to.deep.equal({ blockNumber: 5, transactionId: null });
    const again = await store.writeBlocks(batch(3, 7));
    expect(again.map((r) => r.written)).to.deep.equal([false, false, true, true]);
    expect(again.map((r) => r.writes)).to.deep.equal(
      decoded.slice(3, 7).map((b) => b.transactions.reduce((n, t) => n + t.writes.length, 0)),
    );
    expect((await store.getCheckpoint())?.blockNumber).to.equal(7);
    expect(shape(await collect(store.transactions()))).to.deep.equal(
      expectedTransactions(decoded.slice(0, 7)),
    );
    expect(await store.writeBlocks([])).to.deep.equal([]);
    await store.close();
  });

  it('stores nothing of a batch that fails midway (the checkpoint stays)', async () => {
    const store = await subject.fresh();
    await store.writeBlock(decoded[0]!);
    // a block that fails while the batch's SQL transaction is open, after two blocks went in
    const broken = Object.defineProperty({ ...decoded[3]! }, 'raw', {
      get: (): Uint8Array => {
        throw new Error('disk full');
      },
    });
    try {
      await store.writeBlocks([decoded[1]!, decoded[2]!, broken, decoded[4]!].map((block) => ({ block })));
      expect.fail('expected the batch to fail');
    } catch (error) {
      expect((error as Error).message).to.equal('disk full');
    }
    expect((await store.stats()).blocks).to.equal(1);
    expect(await store.getCheckpoint()).to.deep.equal({ blockNumber: 1, transactionId: null });
    await store.close();
  });

  it('commits the blocks of a batch before a conflicting one, then refuses it', async () => {
    const store = await subject.fresh();
    await store.writeBlock(decoded[2]!);
    const forged = { ...decoded[4]!, number: 2 };
    try {
      await store.writeBlocks([decoded[0]!, decoded[1]!, forged, decoded[3]!].map((block) => ({ block })));
      expect.fail('expected a conflict');
    } catch (error) {
      expect(error).to.be.instanceOf(BlockConflictError);
      expect((error as BlockConflictError).blockNumber).to.equal(2);
    }
    expect((await store.listBlocks()).map((b) => b.number)).to.deep.equal([0, 1, 2]);
    expect((await store.getCheckpoint())?.blockNumber).to.equal(3);
    await store.close();
  });

  it('keeps ledger order when blocks arrive out of order', async () => {
    const store = await subject.fresh();
    for (const b of [...decoded].reverse()) {
      await store.writeBlock(b);
    }
    expect((await store.listBlocks()).map((b) => b.number)).to.deep.equal(decoded.map((b) => b.number));
    expect(shape(await collect(store.transactions()))).to.deep.equal(expectedTransactions(decoded));
    await store.close();
  });
}
