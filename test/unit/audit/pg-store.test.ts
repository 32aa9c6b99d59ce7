// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import { CatalogClientError } from '../../../gateway-client/src/errors';
import {
  decodeBlock,
  openAuditStoreAsync,
  parsePostgresLocation,
  PgAuditStore,
  redactPostgresUrl,
  SqliteAuditStore,
  type DecodedBlock,
} from '../../../gateway-client/src/audit';
import { runReplay } from '../../../apps/cli/src/audit-command';
import { CommandContext } from '../../../apps/cli/src/context';
import { runCli } from '../../../apps/cli/src/main';
import { FakeNetwork } from './support/fake-network';
import { postgresUnavailable, startPostgres, type TempPostgres } from './support/postgres';
import { scenario, type Scenario } from './support/scenario';
import { collect, fill, storeContract } from './support/store-contract';
import { verifyContract, type VerifyHarness } from './support/verify-contract';
import { capturing } from '../support/cli';

describe('PostgreSQL location parsing', () => {
  it('splits ?schema= off the connection string and hides passwords', () => {
    expect(
      parsePostgresLocation('postgres://a:b@127.0.0.1:5432/audit?schema=s1&sslmode=disable'),
    ).to.deep.equal({
      connectionString: 'postgres://a:b@127.0.0.1:5432/audit?sslmode=disable',
      schema: 's1',
    });
    expect(parsePostgresLocation('postgresql://127.0.0.1/audit')).to.deep.equal({
      connectionString: 'postgresql://127.0.0.1/audit',
      schema: null,
    });
    expect(redactPostgresUrl('postgres://auditor:secret@db/audit')).to.equal(
      'postgres://auditor:***@db/audit',
    );
    expect(() => parsePostgresLocation('mysql://db/audit')).to.throw(/not a PostgreSQL URL/);
  });

  it('refuses an unsafe schema name before connecting', async () => {
    try {
      await PgAuditStore.open('postgres://127.0.0.1:1/audit?schema=a;drop');
      expect.fail('expected an error');
    } catch (error) {
      expect((error as Error).message).to.match(/invalid PostgreSQL schema name/);
    }
  });

  it('reports an unreachable server without its password', async () => {
    try {
      await openAuditStoreAsync('postgres://auditor:secret@127.0.0.1:1/audit');
      expect.fail('expected an error');
    } catch (error) {
      const message = (error as Error).message;
      expect(message).to.match(
        /^PostgreSQL audit store postgres:\/\/auditor:\*\*\*@127\.0\.0\.1:1\/audit is unavailable/,
      );
      expect(message).to.not.contain('secret');
    }
  });
});

describe('audit store (PostgreSQL, pg)', function () {
  let server: TempPostgres | undefined;
  let schemas = 0;

  /** The server's URL with a new (or the given) schema. */
  const url = (schema = `audit_t${++schemas}`): string => `${server!.url}?schema=${schema}`;

  before(async function () {
    this.timeout(120_000);
    const why = await postgresUnavailable();
    if (why !== null) {
      process.stderr.write(`      skipping the PostgreSQL audit store tests: ${why}\n`);
      this.skip();
    }
    server = await startPostgres();
  });

  after(async function () {
    this.timeout(60_000);
    await server?.stop();
  });

  describe('behaves like the SQLite store', () => {
    storeContract({
      fresh: () => PgAuditStore.open(url()),
      persistent: () => {
        const location = url();
        return Promise.resolve(() => PgAuditStore.open(location));
      },
    });
  });

  describe('PostgreSQL specifics', () => {
    let decoded: DecodedBlock[];

    before(async () => {
      decoded = (await scenario()).blocks.map(decodeBlock);
    });

    it('opens through openAuditStoreAsync, in the URL schema or catalog_audit', async () => {
      const named = await openAuditStoreAsync(url('audit_named'));
      expect(named).to.be.instanceOf(PgAuditStore);
      await named.writeBlock(decoded[0]!);
      const plain = await openAuditStoreAsync(server!.url);
      if (!(plain instanceof PgAuditStore)) {
        throw new Error('expected a PgAuditStore');
      }
      expect(plain.schema).to.equal('catalog_audit');
      expect((await plain.stats()).blocks).to.equal(0, 'schemas are separate stores');
      const tables = await plain.pool.query<{ schema: string; table: string }>(
        `SELECT table_schema AS schema, table_name AS table FROM information_schema.tables
         WHERE table_schema IN ('audit_named', 'catalog_audit') ORDER BY 1, 2`,
      );
      const expected = ['blocks', 'checkpoint', 'metadata_writes', 'transactions', 'trust', 'writes'];
      expect(tables.rows).to.deep.equal([
        ...expected.map((table) => ({ schema: 'audit_named', table })),
        ...expected.map((table) => ({ schema: 'catalog_audit', table })),
      ]);
      const types = await plain.pool.query<{ column: string; type: string }>(
        `SELECT column_name AS column, data_type AS type FROM information_schema.columns
         WHERE table_schema = 'catalog_audit' AND table_name = 'writes' AND column_name IN ('key', 'value')
         ORDER BY 1`,
      );
      expect(types.rows).to.deep.equal([
        { column: 'key', type: 'bytea' },
        { column: 'value', type: 'bytea' },
      ]);
      await named.close();
      await plain.close();
      await plain.close();
    });

    it('opens a schema of an older release: adds the raw column and the trust table', async () => {
      const schema = `audit_old${++schemas}`;
      const setup = await PgAuditStore.open(url(`${schema}_setup`));
      await setup.pool.query(`CREATE SCHEMA ${schema};
        CREATE TABLE ${schema}.blocks (number BIGINT PRIMARY KEY, hash TEXT NOT NULL, previous_hash TEXT NOT NULL,
          data_hash TEXT NOT NULL, computed_data_hash TEXT NOT NULL, tx_count INTEGER NOT NULL, received_at TEXT NOT NULL);
        INSERT INTO ${schema}.blocks VALUES (0, 'h', '', 'd', 'd', 1, 'now');`);
      await setup.close();
      for (let open = 0; open < 2; open += 1) {
        const store = await PgAuditStore.open(url(schema));
        const columns = await store.pool.query<{ column: string; type: string }>(
          `SELECT column_name AS column, data_type AS type FROM information_schema.columns
           WHERE table_schema = $1 AND table_name = 'blocks' AND column_name IN ('number', 'raw') ORDER BY 1`,
          [schema],
        );
        expect(columns.rows).to.deep.equal([
          { column: 'number', type: 'bigint' },
          { column: 'raw', type: 'bytea' },
        ]);
        expect((await store.listBlocks()).map((b) => b.hash)).to.deep.equal(['h']);
        await store.setTrustedGenesis('ab'.repeat(32));
        expect(await store.getTrustedGenesis()).to.equal('ab'.repeat(32));
        const refused = await store.setTrustedGenesis('cd'.repeat(32)).then(
          () => null,
          (error: unknown) => error,
        );
        expect(refused).to.be.instanceOf(CatalogClientError).and.to.include({ code: 'TRUST_MISMATCH' });
        await store.close();
      }
    });

    it('pages through transactions (keyset) exactly as SQLite returns them, with every filter', async () => {
      const sqlite = await fill(new SqliteAuditStore(), decoded);
      const location = url();
      await fill(await PgAuditStore.open(location), decoded).then((s) => s.close());
      for (const pageSize of [1, 2, 7, 500]) {
        const pg = await PgAuditStore.open(location, { pageSize });
        for (const filter of [{}, { validOnly: true }, { invalidOnly: true }, { fromBlock: 2, toBlock: 9 }]) {
          expect(await collect(pg.transactions(filter))).to.deep.equal(
            await collect(sqlite.transactions(filter)),
            `pageSize ${pageSize}, filter ${JSON.stringify(filter)}`,
          );
        }
        expect(await pg.listBlocks()).to.deep.equal(await sqlite.listBlocks());
        const pgStats = await pg.stats();
        expect(pgStats.sizeBytes).to.be.greaterThan(0);
        expect({ ...pgStats, sizeBytes: 0 }).to.deep.equal({ ...(await sqlite.stats()), sizeBytes: 0 });
        await pg.close();
      }
      await sqlite.close();
    });

    it('stores a block once when two writers race for it', async () => {
      const location = url();
      const a = await PgAuditStore.open(location);
      const b = await PgAuditStore.open(location);
      for (const block of decoded) {
        const results = await Promise.all([a.writeBlock(block), b.writeBlock(block)]);
        expect(results.map((r) => r.written).sort()).to.deep.equal([false, true], `block ${block.number}`);
      }
      const stats = await a.stats();
      expect(stats.blocks).to.equal(decoded.length);
      expect(stats.transactions).to.equal(decoded.reduce((n, d) => n + d.transactions.length, 0));
      expect(await a.getCheckpoint()).to.deep.equal({ blockNumber: decoded.length, transactionId: null });
      await a.close();
      await b.close();
    });

    it('writes a block in one SQL transaction: a failure leaves nothing behind', async () => {
      const store = await PgAuditStore.open(url());
      await store.writeBlock(decoded[0]!);
      // make the last statement of the next block's transaction (the checkpoint upsert) fail
      await store.pool.query(
        `ALTER TABLE ${store.table('checkpoint')} ADD CONSTRAINT small CHECK (block_number < 2)`,
      );
      try {
        await store.writeBlock(decoded[1]!);
        expect.fail('expected the checkpoint constraint to fail the block');
      } catch (error) {
        expect((error as Error).message).to.match(/small/);
      }
      const stats = await store.stats();
      expect([stats.blocks, stats.transactions]).to.deep.equal([1, decoded[0]!.transactions.length]);
      await store.pool.query(`ALTER TABLE ${store.table('checkpoint')} DROP CONSTRAINT small`);
      expect(await store.writeBlock(decoded[1]!)).to.deep.include({ written: true });
      expect(await store.getCheckpoint()).to.deep.equal({ blockNumber: 2, transactionId: null });
      await store.close();
    });
  });

  describe('verify over a PostgreSQL store', () => {
    let s: Scenario;

    before(async () => {
      s = await scenario();
    });

    const harness: VerifyHarness<PgAuditStore> = {
      storeOf: async (blocks) => {
        const store = await PgAuditStore.open(url());
        for (const b of blocks) {
          await store.writeBlock(decodeBlock(b));
        }
        return store;
      },
      overwrite: async (store, row, value) => {
        const result = await store.pool.query(
          `UPDATE ${store.table('writes')} SET value = $1
           WHERE block_number = $2 AND tx_index = $3 AND write_index = $4`,
          [Buffer.from(JSON.stringify(value)), row.block, row.tx, row.index],
        );
        expect(result.rowCount).to.equal(1);
      },
    };

    verifyContract(harness, () => s);

    it('keeps the invalid transaction of the scenario with its validation code', async () => {
      const store = await harness.storeOf(s.blocks);
      const invalid = await collect(store.transactions({ invalidOnly: true }));
      expect(invalid.map((t) => t.validationName)).to.deep.equal(['ENDORSEMENT_POLICY_FAILURE']);
      await store.close();
    });

    it('replays and verifies through the CLI with --store <postgres-url>', async () => {
      const location = url();
      const c = capturing();
      const ctx = new CommandContext(c.output, true, 'audit/auditor', undefined, false);
      const code = await runReplay(ctx, new FakeNetwork(s.blocks, { breakBefore: [4] }), {
        store: location,
        reconnectMs: 1,
      });
      expect(code, c.stderr()).to.equal(0);
      expect(JSON.parse(c.stdout())).to.include({
        stoppedBy: 'height',
        nextBlock: s.blocks.length,
        invalidTransactions: 1,
        reconnects: 1,
      });
      c.clear();
      expect(
        await runCli(['audit', 'verify', '--store-only', '--store', location], c.output, {
          LANG: 'en_US.UTF-8',
        }),
      ).to.equal(0);
      expect(c.stdout()).to.match(
        new RegExp(
          `^OK \\(store checks only[^)]*\\): 4 sealed versions and ${s.blocks.length} blocks verified`,
        ),
      );
    });
  });
});
