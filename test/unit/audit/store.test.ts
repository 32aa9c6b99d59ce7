// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  BlockConflictError,
  decodeBlock,
  openAuditStore,
  SqliteAuditStore,
  StoreCheckpointer,
  type DecodedBlock,
} from '../../../gateway-client/src/audit';
import { scenario } from './support/scenario';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
  }
  return out;
}

describe('audit store (SQLite, node:sqlite)', () => {
  let decoded: DecodedBlock[];
  let dir: string;

  before(async () => {
    decoded = (await scenario()).blocks.map(decodeBlock);
    dir = mkdtempSync(path.join(tmpdir(), 'audit-store-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores blocks, transactions and writes, and re-writing a block is a no-op', async () => {
    const store = new SqliteAuditStore();
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
    const txs = await collect(store.transactions());
    expect(txs.map((t) => [t.blockNumber, t.txIndex])).to.deep.equal(
      decoded.slice(0, 4).flatMap((b) => b.transactions.map((t) => [b.number, t.index])),
    );
    const composite = txs.flatMap((t) => t.writes).find((w) => w.objectType !== null)!;
    expect(composite.key.startsWith('\u0000')).to.equal(true, 'composite keys keep their U+0000');
    expect(composite.key.endsWith('\u0000')).to.equal(true);
    await store.close();
  });

  it('refuses a different block under a stored block number', async () => {
    const store = new SqliteAuditStore();
    await store.writeBlock(decoded[0]!);
    const forged = { ...decoded[1]!, number: 0 };
    try {
      await store.writeBlock(forged);
      expect.fail('expected a conflict');
    } catch (error) {
      expect(error).to.be.instanceOf(BlockConflictError);
      expect((error as BlockConflictError).blockNumber).to.equal(0);
    }
    await store.close();
  });

  it('advances the checkpoint with each block and keeps it across reopening the file', async () => {
    const file = path.join(dir, 'audit.sqlite');
    const store = openAuditStore(file);
    expect(await store.getCheckpoint()).to.equal(null);
    await store.writeBlock(decoded[0]!);
    await store.writeBlock(decoded[1]!);
    expect(await store.getCheckpoint()).to.deep.equal({ blockNumber: 2, transactionId: null });
    await store.writeBlock(decoded[0]!);
    expect((await store.getCheckpoint())?.blockNumber).to.equal(2, 'never moves backwards');
    await store.close();

    const reopened = openAuditStore(file);
    const checkpointer = await StoreCheckpointer.open(reopened);
    expect(checkpointer.getBlockNumber()).to.equal(2n);
    await checkpointer.checkpointTransaction(2n, 'tx-a');
    expect(await reopened.getCheckpoint()).to.deep.equal({ blockNumber: 2, transactionId: 'tx-a' });
    await checkpointer.checkpointBlock(2n);
    expect(checkpointer.getBlockNumber()).to.equal(3n);
    expect(checkpointer.getTransactionId()).to.equal(undefined);
    expect((await reopened.stats()).sizeBytes).to.be.greaterThan(0);
    await reopened.close();
  });

  it('filters valid and invalid transactions', async () => {
    const store = new SqliteAuditStore();
    for (const b of decoded) {
      await store.writeBlock(b);
    }
    const invalid = await collect(store.transactions({ invalidOnly: true }));
    expect(invalid.map((t) => t.validationName)).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);
    const valid = await collect(store.transactions({ validOnly: true }));
    expect(valid.every((t) => t.validationCode === 0)).to.equal(true);
    expect(valid.length + invalid.length).to.equal((await store.stats()).transactions);
    await store.close();
  });

  it('refuses PostgreSQL URLs while no driver is installed', () => {
    expect(() => openAuditStore('postgres://auditor@localhost/audit')).to.throw(/pg/);
  });
});
