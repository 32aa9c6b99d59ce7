// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import path from 'node:path';
import { expect } from 'chai';
import { CatalogClientError } from '../../../gateway-client/src/errors';
import { DatabaseSync } from 'node:sqlite';
import { openAuditStore, openAuditStoreAsync, SqliteAuditStore } from '../../../gateway-client/src/audit';
import { AUDIT_TABLES, columnUpgrades, renderSchema } from '../../../gateway-client/src/audit/store-schema';
import { tempDirPerSuite } from '../support/cli';
import { storeContract } from './support/store-contract';

describe('audit store (SQLite, node:sqlite)', () => {
  const dir = tempDirPerSuite('audit-store-');
  let files = 0;

  storeContract({
    fresh: () => Promise.resolve(new SqliteAuditStore()),
    persistent: () => {
      const file = path.join(dir(), `audit-${++files}.sqlite`);
      return Promise.resolve(() => Promise.resolve(openAuditStore(file)));
    },
  });

  it('opens files and :memory: through openAuditStoreAsync too', async () => {
    const store = await openAuditStoreAsync(':memory:');
    expect(store).to.be.instanceOf(SqliteAuditStore);
    await store.close();
  });

  it('sends PostgreSQL URLs to openAuditStoreAsync', () => {
    expect(() => openAuditStore('postgres://auditor@localhost/audit')).to.throw(/openAuditStoreAsync/);
    expect(() => openAuditStore('postgresql://auditor@localhost/audit')).to.throw(/openAuditStoreAsync/);
  });

  it('creates every table of the shared definition with its columns', async () => {
    const store = new SqliteAuditStore();
    for (const table of AUDIT_TABLES) {
      const columns = store.db.prepare('SELECT name, type FROM pragma_table_info(?)').all(table.name);
      expect(
        columns.map((c) => c['name']),
        table.name,
      ).to.deep.equal(table.columns.map((c) => c.name));
    }
    const blocks = store.db.prepare('SELECT name, type FROM pragma_table_info(?)').all('blocks');
    expect(blocks.find((c) => c['name'] === 'number')).to.include({ type: 'INTEGER' });
    expect(blocks.find((c) => c['name'] === 'raw')).to.include({ type: 'BLOB' });
    await store.close();
  });

  it('opens a store of an older release: adds the raw column and the trust table', async () => {
    const file = path.join(dir(), 'old-release.sqlite');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, previous_hash TEXT NOT NULL,
      data_hash TEXT NOT NULL, computed_data_hash TEXT NOT NULL, tx_count INTEGER NOT NULL, received_at TEXT NOT NULL);
      INSERT INTO blocks VALUES (0, 'h', '', 'd', 'd', 1, 'now');`);
    old.close();
    for (let open = 0; open < 2; open += 1) {
      const store = new SqliteAuditStore({ path: file });
      const columns = store.db.prepare('SELECT name FROM pragma_table_info(?)').all('blocks');
      expect(columns.map((c) => c['name'])).to.include('raw');
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

  it('renders the one definition per dialect (INTEGER / BLOB in SQLite, BIGINT / BYTEA in PostgreSQL)', () => {
    const sqlite = renderSchema('sqlite');
    const postgres = renderSchema('postgres', (table) => `"s".${table}`);
    expect(sqlite).to.contain('CREATE TABLE IF NOT EXISTS blocks (\n  number INTEGER PRIMARY KEY,');
    expect(sqlite).to.contain('  raw BLOB\n');
    expect(sqlite).to.contain('  is_delete INTEGER NOT NULL,');
    expect(postgres).to.contain('CREATE TABLE IF NOT EXISTS "s".blocks (\n  number BIGINT PRIMARY KEY,');
    expect(postgres).to.contain('  raw BYTEA\n');
    expect(postgres).to.contain('  is_delete SMALLINT NOT NULL,');
    expect(postgres).to.contain('CREATE INDEX IF NOT EXISTS writes_key ON "s".writes (object_type, key);');
    for (const ddl of [sqlite, postgres]) {
      expect(ddl.match(/CREATE TABLE IF NOT EXISTS/g)).to.have.length(AUDIT_TABLES.length);
      expect(ddl).to.contain('id INTEGER PRIMARY KEY CHECK (id = 1)');
      expect(ddl).to.not.match(/CREATE TABLE (?!IF NOT EXISTS)/);
    }
    expect(columnUpgrades('postgres', { tableName: (table) => `"s".${table}` })).to.deep.equal([
      'ALTER TABLE "s".blocks ADD COLUMN IF NOT EXISTS raw BYTEA;',
    ]);
    expect(columnUpgrades('sqlite', { has: () => false })).to.deep.equal([
      'ALTER TABLE blocks ADD COLUMN raw BLOB;',
    ]);
    expect(columnUpgrades('sqlite', { has: () => true })).to.deep.equal([]);
  });
});
