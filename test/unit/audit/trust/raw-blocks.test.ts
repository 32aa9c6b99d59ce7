import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { common } from '@hyperledger/fabric-protos';
import {
  decodeBlock,
  PgAuditStore,
  SqliteAuditStore,
  type AuditStore,
} from '../../../../gateway-client/src/audit';
import { verifyChain } from '../../../../gateway-client/src/audit/trust';
import { postgresUnavailable, startPostgres, type TempPostgres } from '../support/postgres';
import { endorserTx, org, SignedChain, withCatalogDefined } from './support/chain';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) {
    out.push(x);
  }
  return out;
}

function chainOf(blocks: number): SignedChain {
  const chain = new SignedChain();
  withCatalogDefined(chain);
  for (let i = 0; chain.blocks.length < blocks; i++) {
    chain.append([
      endorserTx({
        creator: org('NHSAMSP').client,
        endorsers: [org('NHSAMSP').peer, org('SichuanMSP').peer],
        namespaces: [{ namespace: 'catalog', writes: [{ key: `item~${i}`, value: `v${i}` }] }],
      }).envelope,
    ]);
  }
  return chain;
}

/** The raw-block behaviour both stores must show. */
function rawBlockContract(open: () => Promise<AuditStore>): void {
  it('keeps every block serialized, yields them ascending from any block, idempotently', async () => {
    const chain = chainOf(5);
    const store = await open();
    try {
      // out of order, and twice
      for (const i of [0, 2, 1, 4, 3, 2]) {
        await store.writeBlock(decodeBlock(chain.blocks[i]!), '2025-01-01T00:00:00.000Z');
      }
      const all = await collect(store.rawBlocks());
      expect(all.map((b) => b.number)).to.deep.equal([0, 1, 2, 3, 4]);
      all.forEach((b, i) => {
        expect(
          Buffer.from(b.bytes).equals(Buffer.from(chain.blocks[i]!.serializeBinary())),
          `block ${i}`,
        ).to.equal(true);
      });
      expect((await collect(store.rawBlocks(3))).map((b) => b.number)).to.deep.equal([3, 4]);
      expect(await collect(store.rawBlocks(9))).to.deep.equal([]);
      expect((await store.getCheckpoint())?.blockNumber).to.equal(5);
      const result = await verifyChain(store.rawBlocks(), { trustedGenesisHash: chain.genesisHash });
      expect(result.findings).to.deep.equal([]);
      expect(result.ok).to.equal(true);
      expect(result.state.size).to.equal(3);
    } finally {
      await store.close();
    }
  });
}

describe('raw blocks in the audit store', function () {
  this.timeout(60_000);

  it('decodeBlock keeps the serialized block', () => {
    const block = chainOf(3).blocks[2]!;
    const decoded = decodeBlock(block);
    expect(Buffer.from(decoded.raw).equals(Buffer.from(block.serializeBinary()))).to.equal(true);
    expect(common.Block.deserializeBinary(decoded.raw).getHeader()?.getNumber()).to.equal(2);
  });

  describe('SQLite', () => {
    rawBlockContract(() => Promise.resolve(new SqliteAuditStore()));

    it('adds the raw column to a store created before it, and names the blocks stored without bytes', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'raw-blocks-'));
      try {
        const file = path.join(dir, 'old.sqlite');
        const old = new DatabaseSync(file);
        old.exec(`CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, previous_hash TEXT NOT NULL,
          data_hash TEXT NOT NULL, computed_data_hash TEXT NOT NULL, tx_count INTEGER NOT NULL, received_at TEXT NOT NULL);
          INSERT INTO blocks VALUES (0, 'h', '', 'd', 'd', 1, 'now');`);
        old.close();
        const store = new SqliteAuditStore({ path: file });
        try {
          const chain = chainOf(3);
          await store.writeBlock(decodeBlock(chain.blocks[1]!));
          expect((await collect(store.rawBlocks(1))).map((b) => b.number)).to.deep.equal([1]);
          let message = '';
          try {
            await collect(store.rawBlocks());
          } catch (error) {
            message = (error as Error).message;
          }
          expect(message).to.match(/block 0 was stored without its raw bytes/);
        } finally {
          await store.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('PostgreSQL', () => {
    let server: TempPostgres | undefined;
    let schemas = 0;

    before(async function () {
      this.timeout(120_000);
      const why = await postgresUnavailable();
      if (why !== null) {
        process.stderr.write(`      skipping the PostgreSQL raw-block tests: ${why}\n`);
        this.skip();
      }
      server = await startPostgres();
    });

    after(async function () {
      this.timeout(60_000);
      await server?.stop();
    });

    rawBlockContract(() => PgAuditStore.open(`${server!.url}?schema=raw_t${++schemas}`));

    it('pages through more blocks than one query returns', async () => {
      const chain = chainOf(40);
      const store = await PgAuditStore.open(`${server!.url}?schema=raw_t${++schemas}`);
      try {
        for (const block of chain.blocks) {
          await store.writeBlock(decodeBlock(block));
        }
        expect((await collect(store.rawBlocks())).map((b) => b.number)).to.deep.equal(
          chain.blocks.map((_, i) => i),
        );
        expect((await collect(store.rawBlocks(17))).length).to.equal(23);
        const result = await verifyChain(store.rawBlocks(), { trustedGenesisHash: chain.genesisHash });
        expect(result.ok).to.equal(true);
        expect(result.blocks).to.equal(40);
      } finally {
        await store.close();
      }
    });
  });
});
