// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import type { Version } from '@nrdl-catalog/chaincode/model';
import { CatalogClientError } from '../../../gateway-client/src';
import type { PgAuditStore } from '../../../gateway-client/src/audit';
import {
  chainVersionsOf,
  type ChainVersions,
  type PgSearchIndex,
  SearchReadModel,
  type SqliteReadModel,
} from '../../../gateway-client/src/search';
import { A } from '../chaincode/support/fixtures';
import { FakeNetwork } from '../audit/support/fake-network';
import { postgresUnavailable, startPostgres, type TempPostgres } from '../audit/support/postgres';
import { ids, scenario, type Scenario } from '../audit/support/scenario';

const QUERIES = [
  '复',
  '复方',
  '复方硼砂',
  '注射用',
  'FFPS',
  'ZSYAPLZ',
  'apl',
  '艾普拉唑钠',
  '溃疡',
  '床位',
  'x',
  '硼',
  '不存在的药',
];

describe('read model in PostgreSQL (Chinese without pg_trgm)', () => {
  let server: TempPostgres | undefined;
  let s: Scenario;
  let chain: ChainVersions;
  let sqlite: SqliteReadModel | undefined;
  let pg: SearchReadModel<PgAuditStore, PgSearchIndex> | undefined;
  let schemas = 0;
  const url = (): string => `${server!.url}?schema=search_t${++schemas}`;

  before(async function () {
    this.timeout(120_000);
    const why = await postgresUnavailable();
    if (why !== null) {
      process.stderr.write(`      skipping the PostgreSQL read model tests: ${why}\n`);
      this.skip();
    }
    server = await startPostgres();
    s = await scenario();
    chain = chainVersionsOf({
      getVersion: (input) => s.net.evaluate<Version>(A.auditor, 'Catalog:GetVersion', input),
    });
    sqlite = SearchReadModel.open(':memory:', chain);
    await sqlite.catchUp(new FakeNetwork(s.blocks));
    pg = await SearchReadModel.openPostgres(url(), chain);
    await pg.catchUp(new FakeNetwork(s.blocks));
  });

  after(async function () {
    this.timeout(60_000);
    await pg?.close();
    await sqlite?.close();
    await server?.stop();
  });

  it('indexes the same version, with the digest sealed on chain', async () => {
    expect(await pg!.state()).to.deep.equal(await sqlite!.state());
    expect((await pg!.index.verify()).problems).to.deep.equal([]);
    expect((await pg!.index.verify()).digest).to.equal(s.versions.at(-1)?.digest);
  });

  it('answers every query exactly as the SQLite index does: Chinese of 1, 2, 3+ characters, pinyin, codes', async () => {
    for (const q of QUERIES) {
      for (const filters of [{}, { kind: 'drug' }, { province: '川' }, { limit: 1, offset: 1 }]) {
        const input = { q, ...filters };
        expect(await pg!.search(input), JSON.stringify(input)).to.deep.equal(await sqlite!.search(input));
      }
    }
    expect((await pg!.search({ q: '艾普拉唑' })).hits.map((h) => h.itemId)).to.deep.equal([ids.ilaprazole]);
    expect((await pg!.search({ q: '复方', offset: 50 })).total).to.equal(1);
  });

  it('refuses once another connection changes a row (the change counter moves)', async () => {
    const model = await SearchReadModel.openPostgres(url(), chain);
    await model.catchUp(new FakeNetwork(s.blocks));
    expect((await model.search({ q: '复方' })).total).to.equal(1);
    const other = model.store.pool;
    const table = `"${model.store.schema}".rm_entries`;
    await other.query(
      `UPDATE ${table} SET data = replace(data, '"fundPayable":true', '"fundPayable":false') WHERE item_id = $1`,
      [ids.borax],
    );
    const refusal = await model.search({ q: '复方' }).catch((error: unknown) => error);
    expect(refusal).to.be.instanceOf(CatalogClientError);
    expect((refusal as CatalogClientError).code).to.equal('READ_MODEL_DIGEST_MISMATCH');
    await other.query(
      `UPDATE ${table} SET data = replace(data, '"fundPayable":false', '"fundPayable":true')`,
    );
    await other.query(`UPDATE ${table} SET name_norm = '甘草' WHERE item_id = $1`, [ids.borax]);
    await other.query(`INSERT INTO "${model.store.schema}".rm_grams (gram, entry) VALUES ('X', 99999)`);
    expect((await model.index.verify()).problems).to.deep.equal([
      `item|${ids.borax}: search keys do not match the record`,
      '1 short-query index entries belong to no record',
    ]);
    await other.query(`UPDATE ${table} SET data = 'not json' WHERE item_id = $1`, [ids.borax]);
    expect((await model.index.verify()).problems[0]).to.match(/: data is not JSON/);
    await model.close();
  });

  it('rolls a failed version back', async () => {
    const model = await SearchReadModel.openPostgres(url(), chain);
    const state = { version: 1, digest: 'd', versionHash: 'h', blockNumber: 1 };
    const bad = { key: 'item|X', entry: { type: 'item' as const, itemId: 'X', data: {} } };
    const failed = await model.index.applyVersion(state, [bad]).catch((error: unknown) => error);
    expect(failed).to.be.instanceOf(Error);
    expect(await model.state()).to.equal(null);
    await model.close();
  });
});
