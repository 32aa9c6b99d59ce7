/**
 * `catalog audit genesis-hash` and `catalog audit verify` in-process on a signed chain built like the
 * ordering service's (genesis block, then the catalog chaincode definition), replayed into an SQLite
 * audit store: the independent verification that passes, the pinned and the given trust anchors,
 * --store-only, and the refusals.
 */
import { expect } from 'chai';
import { peer } from '@hyperledger/fabric-protos';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeBlock, SqliteAuditStore } from '../../../gateway-client/src/audit';
import { CHINESE_ENV, runCatalog, tempDirPerSuite, usageRefusal, type CliRun } from '../support/cli';
import { endorserTx, org, SignedChain, withCatalogDefined } from '../audit/trust/support/chain';

function audit(args: readonly string[]): Promise<CliRun> {
  return runCatalog(['audit', ...args]);
}

describe('catalog audit genesis-hash and verify (in-process, signed chain)', function () {
  this.timeout(60_000);
  const dir = tempDirPerSuite('catalog-audit-verify-cli-');
  const chain = new SignedChain();
  withCatalogDefined(chain);
  let genesisFile: string;
  let pinnedStore: string;
  let unpinnedStore: string;

  /** An SQLite store holding `blocks`, with `trust` pinned (or none). */
  async function storeOf(name: string, trust: string | null, blocks = chain.blocks): Promise<string> {
    const file = path.join(dir(), name);
    const store = new SqliteAuditStore({ path: file });
    try {
      for (const block of blocks) await store.writeBlock(decodeBlock(block));
      if (trust !== null) await store.setTrustedGenesis(trust);
    } finally {
      await store.close();
    }
    return file;
  }

  before(async () => {
    const genesis = chain.blocks[0];
    if (genesis === undefined) throw new Error('no genesis block');
    genesisFile = path.join(dir(), 'catalog.block');
    writeFileSync(genesisFile, genesis.serializeBinary());
    pinnedStore = await storeOf('pinned.sqlite', chain.genesisHash);
    unpinnedStore = await storeOf('unpinned.sqlite', null);
  });

  describe('genesis-hash', () => {
    it('prints the header hash of a block file, and the file with it as JSON', async () => {
      expect(await audit(['genesis-hash', genesisFile])).to.deep.equal({
        code: 0,
        stdout: chain.genesisHash,
        stderr: '',
      });
      const json = await audit(['genesis-hash', genesisFile, '--json']);
      expect(JSON.parse(json.stdout)).to.deep.equal({ file: genesisFile, hash: chain.genesisHash });
    });

    it('refuses a missing argument, two arguments or an unreadable file (exit 2)', async () => {
      const usage = 'usage: catalog audit genesis-hash <block file>';
      for (const [args, message] of [
        [[], usage],
        [[genesisFile, genesisFile], usage],
        [['no-such.block'], 'cannot read block file no-such.block'],
      ] as const) {
        expect(await audit(['genesis-hash', ...args]), args.join(' ')).to.deep.equal(usageRefusal(message));
      }
    });
  });

  describe('verify', () => {
    it('verifies independently from the genesis hash the store was replayed with', async () => {
      const done = await audit(['verify', '--store', pinnedStore, '--no-reexecute']);
      expect(done.code, done.stderr).to.equal(0);
      const lines = done.stdout.split('\n');
      expect(lines[0]).to.match(
        /^OK: 0 sealed versions and 2 blocks verified \(\d+ valid transactions replayed from .*pinned\.sqlite\)$/,
      );
      expect(lines[1]).to.equal(
        `    verified independently from genesis ${chain.genesisHash.slice(0, 16)}…: 2 blocks, 2 transactions; ` +
          'signatures, endorsement policies, MVCC and validation flags checked; re-execution skipped (--no-reexecute)',
      );
      expect(done.stderr.split('\n').filter((line) => line !== '')).to.satisfy((notes: string[]) =>
        notes.every((line) => /^verify {6}block \d+$/.test(line)),
      );
    });

    it('says so in Chinese with --lang zh or a Chinese locale', async () => {
      const done = await runCatalog(
        ['audit', 'verify', '--store', pinnedStore, '--no-reexecute'],
        {},
        CHINESE_ENV,
      );
      expect(done.code, done.stderr).to.equal(0);
      const lines = done.stdout.split('\n');
      expect(lines[0]).to.match(
        /^通过：已核验 0 个封版版本和 2 个区块（从 .*pinned\.sqlite 重放了 \d+ 笔有效交易）$/,
      );
      expect(lines[1]).to.equal(
        `    已从创世区块 ${chain.genesisHash.slice(0, 16)}… 起独立核验：2 个区块，2 笔交易；签名、背书策略、MVCC 与校验标志均已检查；` +
          '未重新执行（--no-reexecute）',
      );
      const reexecuted = await runCatalog(['audit', 'verify', '--store', pinnedStore, '--lang', 'zh']);
      expect(reexecuted.stdout.split('\n')[1]).to.match(/已用构建 \S+ 重新执行 \d+ 笔目录交易，结果一致$/);
      const refused = await runCatalog(['audit', 'verify', '--store', unpinnedStore], {}, CHINESE_ENV);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/^TRUST_NOT_PINNED: 没有可信的创世哈希：/);
      const other = 'a'.repeat(64);
      const mismatch = await runCatalog(
        ['audit', 'verify', '--store', pinnedStore, '--trust', other],
        {},
        CHINESE_ENV,
      );
      expect(mismatch.stderr).to.equal(
        `TRUST_MISMATCH: --trust ${other} 与本审计库重放时固定的创世哈希 ${chain.genesisHash} 不同`,
      );
      const storeOnly = await runCatalog(
        ['audit', 'verify', '--store', unpinnedStore, '--store-only'],
        {},
        CHINESE_ENV,
      );
      expect(storeOnly.stdout).to.match(/^通过（仅审计库自检，并非独立核验）：已核验/);
      expect(await runCatalog(['audit', 'genesis-hash'], {}, CHINESE_ENV)).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: '用法：catalog audit genesis-hash <block file>\n（运行 "catalog --help" 查看用法）',
      });
    });

    it('re-executes the catalog transactions with the local build by default', async () => {
      const done = await audit(['verify', '--store', pinnedStore]);
      expect(done.code, done.stderr).to.equal(0);
      expect(done.stdout.split('\n')[1]).to.match(
        /; 0 catalog transactions re-executed with build \S+, identical$/,
      );
    });

    it('lists the warnings of a chain whose peers rejected a transaction for the same reason', async () => {
      const warned = new SignedChain();
      withCatalogDefined(warned);
      const nhsa = org('NHSAMSP');
      warned.append(
        [
          endorserTx({
            creator: nhsa.client,
            args: ['Item:Put', 'item~1'],
            endorsers: [nhsa.peer, org('GuangdongMSP').peer],
            namespaces: [{ namespace: 'catalog', writes: [{ key: 'item~1', value: 'v1' }] }],
            tamperCreatorSignature: true,
          }).envelope,
        ],
        { codes: [peer.TxValidationCode.BAD_CREATOR_SIGNATURE] },
      );
      const file = await storeOf('warned.sqlite', warned.genesisHash, warned.blocks);
      const done = await audit(['verify', '--store', file, '--no-reexecute']);
      expect(done.code, done.stderr).to.equal(0);
      const lines = done.stdout.split('\n');
      expect(lines[0]).to.match(/^OK: 0 sealed versions and 3 blocks verified/);
      expect(lines[2]).to.equal(
        '    1 warnings: transactions the peers rejected too, or facts that contradict nothing (--json lists them), e.g.',
      );
      expect(lines[3]).to.match(/^ {4}BAD_CREATOR_SIGNATURE \(warning\): block 2, tx 0, /);
      expect(lines).to.have.length(4);
    });

    for (const [which, store] of [
      ['pinned', (): string => pinnedStore],
      ['unpinned', (): string => unpinnedStore],
    ] as const) {
      it(`verifies the ${which} store against --trust, and prints the summary as JSON`, async () => {
        const args = ['verify', '--store', store(), '--trust', chain.genesisHash, '--no-reexecute'];
        const done = await audit(args);
        expect(done.code, done.stderr).to.equal(0);
        expect(done.stdout).to.match(/^OK: /);
        const json = await audit([...args, '--json']);
        expect(json.code, json.stderr).to.equal(0);
        const summary = JSON.parse(json.stdout) as Record<string, unknown>;
        expect(summary).to.deep.include({ ok: true, genesis: chain.genesisHash, blocks: 2, transactions: 2 });
        expect(summary.store).to.deep.include({ ok: true, versions: 0, blocks: 2 });
      });
    }

    it('refuses a --trust other than the pinned genesis hash with TRUST_MISMATCH', async () => {
      const other = 'f'.repeat(64);
      expect(await audit(['verify', '--store', pinnedStore, '--trust', other])).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: `TRUST_MISMATCH: --trust ${other} differs from the genesis hash ${chain.genesisHash} this store was replayed with`,
      });
    });

    it('refuses to verify an unpinned store without --trust (TRUST_NOT_PINNED), unless --store-only', async () => {
      const refused = await audit(['verify', '--store', unpinnedStore]);
      expect(refused.code).to.equal(1);
      expect(refused.stdout).to.equal('');
      expect(refused.stderr).to.equal(
        'TRUST_NOT_PINNED: no trusted genesis hash: replay with --trust <hash> (catalog audit genesis-hash <block file>) or pass --trust; --store-only checks the store alone',
      );
      const storeOnly = await audit(['verify', '--store', unpinnedStore, '--store-only']);
      expect(storeOnly.code, storeOnly.stderr).to.equal(0);
      expect(storeOnly.stdout).to.match(
        /^OK \(store checks only, NOT an independent verification\): 0 sealed versions and 2 blocks verified /,
      );
      const json = JSON.parse(
        (await audit(['verify', '--store', unpinnedStore, '--store-only', '--json'])).stdout,
      ) as {
        independent: boolean;
      };
      expect(json.independent).to.equal(false);
    });

    it('refuses an argument, a --trust that is not a SHA-256 (exit 2)', async () => {
      for (const [args, message] of [
        [['extra'], 'unexpected argument "extra"'],
        [['--trust', 'ABC'], '--trust takes the hex SHA-256 of the genesis block header, got "ABC"'],
      ] as const) {
        expect(await audit(['verify', ...args, '--store', pinnedStore]), args.join(' ')).to.deep.equal(
          usageRefusal(message),
        );
      }
    });
  });
});
