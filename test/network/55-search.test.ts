/**
 * Search for people from the off-chain read model, on the real network with the full catalog
 * (NRDL 2024 + Shaanxi's lists): name search checked against the source CSVs for 50 queries,
 * pinyin (full and initials), one- and two-character queries, a follower killed mid-follow and
 * resumed (no gap, no duplicate), a tampered row refused by the digest check (library and CLI).
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CatalogClientError } from '../../gateway-client/src';
import { getChainHeight } from '../../gateway-client/src/audit';
import {
  chainVersionsOf,
  normaliseQuery,
  SearchReadModel,
  type SearchAnswer,
  type SearchHit,
  type SqliteReadModel,
} from '../../gateway-client/src/search';
import { clientAs, closeClients } from './support/catalog';
import { REPO, runCatalog } from './support/cli';
import { ensureFullCatalog, sourceItems } from './support/full-catalog';

const NAME_MATCHES = new Set(['exact', 'prefix', 'substring']);

/** Every hit whose name contains the query (name matches rank first, so paging stops at the first other). */
async function nameHits(model: SqliteReadModel, q: string): Promise<SearchHit[]> {
  const out: SearchHit[] = [];
  for (let offset = 0; ; offset += 200) {
    const answer = await model.search({ q, limit: 200, offset });
    const names = answer.hits.filter((hit) => NAME_MATCHES.has(hit.match));
    out.push(...names);
    if (names.length < answer.hits.length || answer.hits.length < 200) return out;
  }
}

/** 50 deterministic queries cut from the source names: 10 of one character, 10 of two, 30 longer. */
function queriesOf(names: readonly string[]): string[] {
  const sorted = [...new Set(names)].sort();
  const out = new Set<string>();
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const lengths = [...Array<number>(10).fill(1), ...Array<number>(10).fill(2), ...Array<number>(30).fill(0)];
  for (const wanted of lengths) {
    for (;;) {
      const name = Array.from(normaliseQuery(sorted[next(sorted.length)] ?? ''));
      const length = wanted === 0 ? 3 + next(4) : wanted;
      if (name.length < length) continue;
      const start = next(name.length - length + 1);
      const q = name.slice(start, start + length).join('');
      if (!out.has(q)) {
        out.add(q);
        break;
      }
    }
  }
  return [...out];
}

describe('real network: search from the read model', function () {
  let dir: string;
  let model: SqliteReadModel;
  let head: number;

  before(async function () {
    await ensureFullCatalog();
    dir = mkdtempSync(path.join(os.tmpdir(), 'nrdl-search-'));
    const auditor = clientAs('audit/auditor');
    model = SearchReadModel.open(path.join(dir, 'search.sqlite'), chainVersionsOf(auditor));
    const started = performance.now();
    const summary = await model.catchUp(auditor.network);
    console.log(
      `      read model: ${summary.blocks} blocks, ${summary.writes} writes caught up in ${Math.round(performance.now() - started)} ms`,
    );
    head = (await auditor.getVersion({})).version;
  });

  after(async function () {
    await model.close();
    closeClients();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the head version, its digest recomputed from its rows equal to the one sealed on chain', async function () {
    const state = await model.check({ atLeastVersion: head });
    expect(state.version).to.equal(head);
    expect(state.digest).to.equal((await clientAs('audit/auditor').getVersion({ version: head })).digest);
  });

  it('finds by name every item whose name contains the query (50 queries checked against the source CSVs)', async function () {
    const items = await sourceItems();
    const ids = new Set(items.map((item) => item.id ?? ''));
    const queries = queriesOf(items.map((item) => item.name));
    expect(queries).to.have.length(50);
    let slowest = 0;
    for (const q of queries) {
      const expected = new Set(
        items.filter((item) => normaliseQuery(item.name).includes(q)).map((item) => item.id ?? ''),
      );
      const started = performance.now();
      const hits = await nameHits(model, q);
      slowest = Math.max(slowest, performance.now() - started);
      const found = new Set(hits.map((hit) => hit.itemId));
      for (const id of expected) expect(found.has(id), `${q}: ${id} missing`).to.equal(true);
      for (const hit of hits) {
        expect(normaliseQuery(hit.name), q).to.contain(q);
        // items of other suites have other names; every listed item of the source files is expected
        if (ids.has(hit.itemId)) expect(expected.has(hit.itemId), `${q}: ${hit.itemId} extra`).to.equal(true);
      }
    }
    console.log(`      50 queries (10 of 1 char, 10 of 2), slowest complete answer ${slowest.toFixed(1)} ms`);
  });

  it('finds drugs by pinyin initials and full pinyin; one- and two-character queries work', async function () {
    const amxl = await model.search({ q: 'AMXL', limit: 200 });
    const names = amxl.hits.filter((hit) => hit.match === 'pinyin').map((hit) => hit.name);
    expect(names.length).to.be.greaterThan(0);
    expect(names.some((name) => name.startsWith('阿莫西林'))).to.equal(true);
    const full = await model.search({ q: 'amoxilin', limit: 200 });
    expect(full.hits.filter((hit) => hit.match === 'pinyin').map((hit) => hit.name)).to.include.members(
      names.filter((name) => name.startsWith('阿莫西林')),
    );
    const one = await model.search({ q: '铂', limit: 200 });
    expect(one.total).to.be.greaterThan(0);
    expect(one.hits.every((hit) => hit.match !== 'substring' || hit.name.includes('铂'))).to.equal(true);
    const two = await model.search({ q: '西林', limit: 5 });
    expect(two.hits[0]?.name).to.contain('西林');
    expect(two).to.include({ catalogVersion: head });
  });

  it('resumes a follower killed mid-follow: the same blocks and rows as a full replay, no gap, no duplicate', async function () {
    const file = path.join(dir, 'killed.sqlite');
    const height = await getChainHeight(clientAs('audit/auditor').network);
    const killAt = Math.floor(height / 2);
    const child = spawn(
      process.execPath,
      [
        '--conditions=nrdl-source',
        '--disable-warning=ExperimentalWarning',
        '-r',
        'ts-node/register/transpile-only',
        path.join(REPO, 'test', 'network', 'support', 'search-follower.ts'),
        file,
      ],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const killedAt = await new Promise<number>((resolve, reject) => {
      let seen = '';
      child.stdout.on('data', (data: Buffer) => {
        seen += data.toString();
        const blocks = [...seen.matchAll(/^block (\d+)$/gm)].map((m) => Number(m[1]));
        const top = Math.max(-1, ...blocks);
        if (top >= killAt && child.pid !== undefined) {
          process.kill(child.pid, 'SIGKILL');
          resolve(top);
        }
      });
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`follower exited (${code}) before it was killed`));
      });
    });
    expect(killedAt).to.be.below(height - 1);
    const resumed = SearchReadModel.open(file, chainVersionsOf(clientAs('audit/auditor')));
    const checkpoint = await resumed.store.getCheckpoint();
    // every block printed was committed with its checkpoint; the rest is read again
    expect(checkpoint?.blockNumber ?? 0).to.be.within(killedAt + 1, height - 1);
    await resumed.catchUp(clientAs('audit/auditor').network);
    const blocks = (m: SqliteReadModel): unknown =>
      m.store.db.prepare('SELECT number, hash FROM blocks ORDER BY number').all();
    const counts = (m: SqliteReadModel): unknown =>
      m.store.db
        .prepare(
          `SELECT (SELECT COUNT(*) FROM transactions) AS txs, (SELECT COUNT(*) FROM writes) AS writes,
             (SELECT COUNT(*) FROM rm_entries) AS entries, (SELECT COUNT(*) FROM rm_grams) AS grams`,
        )
        .get();
    const rows = (m: SqliteReadModel): unknown =>
      m.store.db.prepare('SELECT entry_key, data FROM rm_entries ORDER BY entry_key').all();
    // the full replay may have read later blocks (other suites): compare up to the same block
    await model.catchUp(clientAs('audit/auditor').network);
    await resumed.catchUp(clientAs('audit/auditor').network);
    const numbers = (await resumed.store.listBlocks()).map((b) => b.number);
    expect(numbers).to.deep.equal(numbers.map((_, i) => i));
    expect(blocks(resumed)).to.deep.equal(blocks(model));
    expect(counts(resumed)).to.deep.equal(counts(model));
    expect(rows(resumed)).to.deep.equal(rows(model));
    expect(await resumed.state()).to.deep.equal(await model.state());
    await resumed.close();
  });

  it('refuses to answer once a row it serves from is tampered with, with a clear message (library and CLI)', async function () {
    const file = path.join(dir, 'tampered.sqlite');
    const tampered = SearchReadModel.open(file, chainVersionsOf(clientAs('audit/auditor')));
    await tampered.catchUp(clientAs('audit/auditor').network);
    const before: SearchAnswer = await tampered.search({ q: '阿莫西林' });
    expect(before.total).to.be.greaterThan(0);
    const db = new DatabaseSync(file);
    const changed = db
      .prepare(
        `UPDATE rm_entries SET data = replace(data, '"fundPayable":true', '"fundPayable":false')
         WHERE id = (SELECT id FROM rm_entries WHERE type = 'item' AND data LIKE '%"fundPayable":true%' LIMIT 1)`,
      )
      .run();
    db.close();
    expect(Number(changed.changes)).to.equal(1);
    try {
      await tampered.search({ q: '阿莫西林' });
      expect.fail('a tampered read model answered');
    } catch (error) {
      expect(error).to.be.instanceOf(CatalogClientError);
      expect((error as CatalogClientError).code).to.equal('READ_MODEL_DIGEST_MISMATCH');
    }
    await tampered.close();
    const cli = await runCatalog(['search', '阿莫西林', '--store', file, '--as', 'audit/auditor'], {
      LANG: 'zh_CN.UTF-8',
    });
    expect(cli.code).to.equal(1);
    expect(cli.stderr).to.match(
      /READ_MODEL_DIGEST_MISMATCH: 检索库已过期或被篡改：第 \d+ 版在链上封存的摘要为 [0-9a-f]{64}/,
    );
    expect(cli.stdout).to.equal('');
  });

  it('catalog search answers from the read model with the version it reflects (--json)', async function () {
    const run = await runCatalog([
      'search',
      'AMXL',
      '--store',
      path.join(dir, 'cli.sqlite'),
      '--json',
      '--as',
      'guangdong/hospital1',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const answer = JSON.parse(run.stdout) as SearchAnswer;
    expect(answer.catalogVersion).to.be.at.least(head);
    expect(answer.hits.some((hit) => hit.name.startsWith('阿莫西林'))).to.equal(true);
  });
});
