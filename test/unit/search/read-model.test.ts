// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Version } from '@nrdl-catalog/chaincode/model';
import { CatalogClientError, InvalidInputError, localMessage } from '../../../gateway-client/src';
import { buildLedgerModel } from '../../../gateway-client/src/audit';
import {
  chainVersionsOf,
  SearchReadModel,
  type ChainVersions,
  type IndexState,
  type SqliteReadModel,
} from '../../../gateway-client/src/search';
import { A } from '../chaincode/support/fixtures';
import { FakeNetwork } from '../audit/support/fake-network';
import { ids, scenario, type Scenario } from '../audit/support/scenario';

async function rejection(promise: Promise<unknown>): Promise<CatalogClientError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(CatalogClientError);
    return error as CatalogClientError;
  }
  throw new Error('expected a rejection');
}

describe('read model (search served off chain)', () => {
  let s: Scenario;
  let chain: ChainVersions;
  let dir: string;
  let last: Version;

  before(async () => {
    s = await scenario();
    last = s.versions.at(-1)!;
    chain = chainVersionsOf({
      getVersion: (input) => s.net.evaluate<Version>(A.auditor, 'Catalog:GetVersion', input),
    });
    dir = mkdtempSync(path.join(tmpdir(), 'read-model-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows the blocks into its store and indexes the live catalog of the last sealed version', async () => {
    const model = SearchReadModel.open(':memory:', chain);
    const summary = await model.catchUp(new FakeNetwork(s.blocks));
    expect(summary.nextBlock).to.equal(s.blocks.length);
    expect(await model.state()).to.deep.include({ version: last.version, digest: last.digest });
    const answer = await model.search({ q: '艾普拉唑' });
    expect(answer).to.deep.include({ catalogVersion: last.version, digest: last.digest, total: 1 });
    expect(answer.hits[0]).to.deep.include({ itemId: ids.ilaprazole, match: 'substring' });
    expect((await model.search({ q: 'zsyaplz' })).hits.map((h) => [h.itemId, h.match])).to.deep.equal([
      [ids.ilaprazole, 'pinyin'],
    ]);
    expect((await model.search({ q: '小茴香' })).total, 'removed in the last version').to.equal(0);
    // provinces in any form the replayed governance record lists
    expect((await model.search({ q: '复方硼砂', province: '川' })).total).to.equal(1);
    const unknown = await rejection(model.search({ q: '复方', province: 'Atlantis' }));
    expect(unknown.code).to.equal('UNKNOWN_PROVINCE');
    const ledger = await buildLedgerModel(model.store);
    expect(model.index.verify().entries).to.equal(ledger.entries.size);
    expect(await model.headVersion()).to.equal(last.version);
    await model.close();
  });

  it('resumes after a stop: the index equals one built in a single run, no gap, no duplicate', async () => {
    const file = path.join(dir, 'resume.sqlite');
    const half = Math.floor(s.blocks.length / 2);
    const first = SearchReadModel.open(file, chain);
    await first.catchUp(new FakeNetwork(s.blocks.slice(0, half)));
    const midway = await first.state();
    await first.close();
    const again = SearchReadModel.open(file, chain);
    await again.catchUp(new FakeNetwork(s.blocks));
    const whole = SearchReadModel.open(':memory:', chain);
    await whole.catchUp(new FakeNetwork(s.blocks));
    expect(midway?.version ?? 0).to.be.below(last.version);
    const rows = (m: SqliteReadModel): unknown =>
      m.store.db.prepare('SELECT entry_key, data FROM rm_entries ORDER BY entry_key').all();
    expect(rows(again)).to.deep.equal(rows(whole));
    expect(await again.state()).to.deep.equal(await whole.state());
    const blocks = (await again.store.listBlocks()).map((b) => b.number);
    expect(blocks).to.deep.equal(s.blocks.map((_, i) => i));
    await again.close();
    await whole.close();
  });

  it('indexes versions as it follows new blocks and checks each at once, until aborted', async () => {
    const net = new FakeNetwork(s.blocks.slice(0, 3));
    // the sealed digests the model asks the chain for: each asks once a version is checked
    const asked: number[] = [];
    const counted: ChainVersions = {
      sealedDigest: (version) => {
        asked.push(version);
        return chain.sealedDigest(version);
      },
      headVersion: () => chain.headVersion(),
    };
    const model = SearchReadModel.open(':memory:', counted);
    const abort = new AbortController();
    const seen: IndexState[] = [];
    let following: Promise<unknown> = Promise.resolve();
    const done = new Promise<void>((resolve) => {
      following = model.follow(net, {
        signal: abort.signal,
        onRefresh: (state) => {
          seen.push(state);
          if (state.version === last.version) resolve();
        },
      });
    });
    for (const block of s.blocks.slice(3)) net.append(block);
    await done;
    abort.abort();
    expect(await following).to.deep.include({ stoppedBy: 'abort' });
    expect(seen.map((v) => v.version)).to.include(last.version);
    // the newest version was checked when it was indexed: the search asks the chain nothing more
    expect(asked.at(-1)).to.equal(last.version);
    const before = asked.length;
    expect((await model.search({ q: '阿伐替尼' })).hits[0]?.itemId).to.equal(ids.avapritinib);
    expect(asked).to.have.length(before);
    await model.close();
  });

  it('refuses (READ_MODEL_DIGEST_MISMATCH) once a row it answers from is changed in the file', async () => {
    const file = path.join(dir, 'tamper.sqlite');
    const model = SearchReadModel.open(file, chain);
    await model.catchUp(new FakeNetwork(s.blocks));
    expect((await model.search({ q: '复方硼砂' })).total).to.equal(1);
    const other = new DatabaseSync(file);
    // what a person is told: fund-payable or not (no search key changes)
    other
      .prepare(
        `UPDATE rm_entries SET data = replace(data, '"fundPayable":true', '"fundPayable":false') WHERE item_id = ?`,
      )
      .run(ids.borax);
    const error = await rejection(model.search({ q: '复方' }));
    expect(error.code).to.equal('READ_MODEL_DIGEST_MISMATCH');
    expect(error.params).to.include({ version: last.version, expected: last.digest });
    expect(localMessage(error, 'zh')).to.match(
      /^READ_MODEL_DIGEST_MISMATCH: 检索库已过期或被篡改：第 \d+ 版/,
    );
    // a key changed apart from its record: the search keys no longer match the data
    other
      .prepare(
        `UPDATE rm_entries SET data = replace(data, '"fundPayable":false', '"fundPayable":true'), name_norm = '甘草' WHERE item_id = ?`,
      )
      .run(ids.borax);
    const index = await rejection(model.search({ q: '甘草' }));
    expect(index.code).to.equal('READ_MODEL_DIGEST_MISMATCH');
    expect(index.template).to.equal('READ_MODEL_DIGEST_MISMATCH.index');
    other.close();
    await model.close();
  });

  it('refuses rows that do not give the digest sealed on chain (a stale or foreign index)', async () => {
    const model = SearchReadModel.open(':memory:', {
      ...chain,
      sealedDigest: () => Promise.resolve('0'.repeat(64)),
    });
    await model.catchUp(new FakeNetwork(s.blocks));
    const error = await rejection(model.search({ q: '复方硼砂' }));
    expect(error.code).to.equal('READ_MODEL_DIGEST_MISMATCH');
    expect(error.params).to.include({ expected: '0'.repeat(64), found: last.digest });
    await model.close();
  });

  it('refuses (READ_MODEL_BEHIND) before its first version and when the chain is ahead', async () => {
    const empty = SearchReadModel.open(':memory:', chain);
    const none = await rejection(empty.search({ q: '复方' }));
    expect([none.code, none.template]).to.deep.equal(['READ_MODEL_BEHIND', 'READ_MODEL_BEHIND.empty']);
    expect(await empty.refresh()).to.equal(null);
    await empty.close();
    const model = SearchReadModel.open(':memory:', chain);
    await model.catchUp(new FakeNetwork(s.blocks));
    const behind = await rejection(model.search({ q: '复方' }, { atLeastVersion: last.version + 1 }));
    expect(behind.code).to.equal('READ_MODEL_BEHIND');
    expect(localMessage(behind, 'en')).to.equal(
      `READ_MODEL_BEHIND: the read model is behind the chain: it holds version ${last.version}, the chain has sealed version ${last.version + 1}`,
    );
    expect((await model.search({ q: '复方' }, { atLeastVersion: last.version })).total).to.equal(1);
    await model.close();
  });

  it('validates its input with the shared readModelSearch schema', async () => {
    const model = SearchReadModel.open(':memory:', chain);
    for (const input of [{ q: '' }, { q: '   ' }, { q: 'x', page: 2 }, { q: 'x', limit: 0 }, null]) {
      const error = await rejection(model.search(input));
      expect(error, JSON.stringify(input)).to.be.instanceOf(InvalidInputError);
      expect(error.template).to.equal('INVALID_INPUT.schema');
    }
    expect((await rejection(model.search({ q: 'x', page: 2 }))).message).to.include("'page'");
    await model.close();
  });

  it('reads sealed digests from the chain once per version, and no head before the first seal', async () => {
    let calls = 0;
    const versions = chainVersionsOf({
      getVersion: (input) => {
        calls++;
        if (input.version === undefined) {
          return Promise.reject(
            new CatalogClientError('VERSION_NOT_FOUND', 'no version has been sealed yet'),
          );
        }
        return Promise.resolve({ version: input.version, digest: `d${input.version}` });
      },
    });
    expect(await versions.sealedDigest(2)).to.equal('d2');
    expect(await versions.sealedDigest(2)).to.equal('d2');
    expect(calls).to.equal(1);
    expect(await versions.headVersion()).to.equal(null);
    const failing = chainVersionsOf({ getVersion: () => Promise.reject(new Error('down')) });
    await failing.headVersion().then(
      () => expect.fail('no head'),
      (error: unknown) => expect((error as Error).message).to.equal('down'),
    );
  });
});
