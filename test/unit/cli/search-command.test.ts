// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import path from 'node:path';
import type { Version } from '@nrdl-catalog/chaincode/model';
import { CommandContext, UsageError } from '../../../apps/cli/src/context';
import { runReadModelSearch, searchCommand } from '../../../apps/cli/src/search-command';
import { CatalogClientError } from '../../../gateway-client/src';
import { chainVersionsOf, type ChainVersions, type SearchAnswer } from '../../../gateway-client/src/search';
import { A } from '../chaincode/support/fixtures';
import { FakeNetwork } from '../audit/support/fake-network';
import { ids, scenario, type Scenario } from '../audit/support/scenario';
import { capturing, tempDirPerSuite } from '../support/cli';

describe('catalog search (read model)', () => {
  const dir = tempDirPerSuite('search-command-');
  let s: Scenario;
  let chain: ChainVersions;
  let last: Version;

  const context = (
    json: boolean,
    lang: 'en' | 'zh' = 'en',
  ): { ctx: CommandContext; c: ReturnType<typeof capturing> } => {
    const c = capturing();
    const refuse = (): never => {
      throw new Error('no network in this test');
    };
    return {
      c,
      ctx: new CommandContext(c.output, json, 'audit/auditor', undefined, false, refuse, {}, lang),
    };
  };

  before(async () => {
    s = await scenario();
    last = s.versions.at(-1)!;
    chain = chainVersionsOf({
      getVersion: (input) => s.net.evaluate<Version>(A.auditor, 'Catalog:GetVersion', input),
    });
  });

  it('follows the channel into the store, then answers with the version it reflects (--json)', async () => {
    const { ctx, c } = context(true);
    const store = path.join(dir(), 'json', 'search.sqlite');
    const code = await runReadModelSearch(ctx, new FakeNetwork(s.blocks), chain, {
      store,
      input: { q: '注射用', limit: 5 },
    });
    expect(code).to.equal(0);
    const answer = JSON.parse(c.stdout()) as SearchAnswer;
    expect(answer).to.deep.include({ catalogVersion: last.version, digest: last.digest, total: 1, limit: 5 });
    expect(answer.hits.map((h) => [h.itemId, h.match])).to.deep.equal([[ids.ilaprazole, 'prefix']]);
    // a second run reads only what is new (nothing) and answers the same
    const again = context(true);
    await runReadModelSearch(again.ctx, new FakeNetwork(s.blocks), chain, { store, input: { q: '注射用' } });
    expect((JSON.parse(again.c.stdout()) as SearchAnswer).hits).to.deep.equal(answer.hits);
  });

  it('prints a table with the match kind and the catalog version, in Chinese', async () => {
    const { ctx, c } = context(false, 'zh');
    await runReadModelSearch(ctx, new FakeNetwork(s.blocks), chain, {
      store: path.join(dir(), 'zh', 'search.sqlite'),
      input: { q: 'fp', limit: 1 },
    });
    const out = c.stdout();
    expect(out).to.match(/匹配/);
    expect(out).to.contain('复方硼砂');
    expect(out).to.contain('拼音码');
    expect(out).to.match(new RegExp(`共找到 \\d+ 项，显示第 1–1 项；目录第 ${last.version} 版`));
  });

  it('says where the next page starts, in English', async () => {
    const { ctx, c } = context(false);
    await runReadModelSearch(ctx, new FakeNetwork(s.blocks), chain, {
      store: ':memory:',
      input: { q: '片', limit: 1 },
    });
    expect(c.stdout()).to.match(/\d+ found, 1–1 shown; catalog version \d+ \(read model/);
  });

  it('refuses when the chain has sealed a newer version than the read model holds', async () => {
    const { ctx } = context(true);
    const ahead: ChainVersions = { ...chain, headVersion: () => Promise.resolve(last.version + 1) };
    const error = await runReadModelSearch(ctx, new FakeNetwork(s.blocks), ahead, {
      store: ':memory:',
      input: { q: '复方' },
    }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CatalogClientError);
    expect((error as CatalogClientError).code).to.equal('READ_MODEL_BEHIND');
  });

  it('refuses the on-chain options without --on-chain, and a search without text', async () => {
    const { ctx } = context(true);
    for (const [args, key] of [
      [['x', '--code', 'A1'], 'cli.usage.searchOnChainOnly'],
      [['x', '--prefix'], 'cli.usage.searchOnChainOnly'],
      [['--kind', 'drug'], 'cli.usage.searchText'],
    ] as const) {
      const error = await searchCommand(ctx, [...args]).catch((e: unknown) => e);
      expect(error, args.join(' ')).to.be.instanceOf(UsageError);
      expect((error as UsageError).key).to.equal(key);
    }
  });
});
