// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { openAuditStore, openAuditStoreAsync, SqliteAuditStore } from '../../../gateway-client/src/audit';
import { storeContract } from './support/store-contract';

describe('audit store (SQLite, node:sqlite)', () => {
  let dir: string;
  let files = 0;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'audit-store-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  storeContract({
    fresh: () => Promise.resolve(new SqliteAuditStore()),
    persistent: () => {
      const file = path.join(dir, `audit-${++files}.sqlite`);
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
});
