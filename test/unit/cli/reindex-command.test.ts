/**
 * `catalog reindex` and `catalog coverage --name/--code`, in-process against the real contracts: a
 * catalog whose items were applied before lookup keys existed (their keys removed from the in-memory
 * ledger) is found by name only after the reindex proposal seals, and its digest is unchanged.
 */
import { expect } from 'chai';
import type { CoverageResult, Version } from '@nrdl-catalog/chaincode/model';
import { lookupFamilyOf } from '../../../chaincode/src/model/lookup';
import { tempDirPerSuite } from '../support/cli';
import { ITEM, NATIONAL_APPROVERS, seededCatalog, type SeededCatalog } from './support/catalog-network';

describe('catalog reindex (in-process, real contracts)', () => {
  const dir = tempDirPerSuite('catalog-reindex-cli-');
  let c: SeededCatalog;

  before(async () => {
    c = await seededCatalog(dir());
  });

  const byName = ['coverage', '--province', 'Guangdong', '--name', '复方硼砂', '--date', '2025-04-01'];

  it('writes the lookup keys of items applied without them; coverage by name finds them afterwards', async () => {
    const keys = c.net.ledger.keys().filter((k) => lookupFamilyOf(k) !== null);
    expect(keys.length).to.be.greaterThan(3);
    for (const k of keys) c.net.ledger.unseed(k);
    const missing = await c.run([...byName, '--json']);
    expect(missing.code).to.equal(1);
    expect(JSON.parse(missing.stdout)).to.deep.equal({ results: [] });

    const before = await c.json<Version>(['version', 'show']);
    const done = await c.json<{ proposalId: string; items: number; version: Version }>([
      'reindex',
      '--effective-from',
      '2025-04-01',
      '--approve-as',
      NATIONAL_APPROVERS,
    ]);
    expect(done.items).to.equal(4);
    expect(done.version.digest).to.equal(before.digest);
    expect(c.net.ledger.keys().filter((k) => lookupFamilyOf(k) !== null)).to.deep.equal(keys);

    const { results } = await c.json<{ results: CoverageResult[] }>(byName);
    expect(results.map((r) => [r.itemId, r.covered])).to.deep.equal([[ITEM.borax, true]]);
    // Guangdong owns none of the national items: nothing to reindex
    const none = await c.json<{ items: number }>([
      'reindex',
      '--as',
      'guangdong/proposer',
      '--scope',
      'guangdong',
    ]);
    expect(none.items).to.equal(0);
    const refused = await c.run(['reindex', '--scope', 'governance']);
    expect(refused.code).to.equal(2);
  });

  it('coverage --code answers the item with that code; exactly one of --item, --name, --code', async () => {
    const none = await c.run([
      'coverage',
      '--province',
      'Guangdong',
      '--code',
      'NOPE',
      '--date',
      '2025-04-01',
    ]);
    expect(none.code).to.equal(1);
    expect(none.stderr).to.contain('ITEM_NOT_FOUND');
    const both = await c.run(['coverage', '--province', 'Guangdong', '--code', 'X', '--name', 'Y']);
    expect(both.code).to.equal(2);
  });
});
