import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CatalogClient, CatalogClientOptions } from '../../../gateway-client/src/catalog-client';
import { ENGLISH_ENV, runCatalog, tempDirPerSuite } from '../support/cli';

/** A client factory that records the options it is called with and answers a few reads. */
function recordingFactory(): {
  readonly connect: (options: Readonly<CatalogClientOptions>) => CatalogClient;
  readonly calls: Readonly<CatalogClientOptions>[];
} {
  const calls: Readonly<CatalogClientOptions>[] = [];
  const fake = {
    getGovernance: () => Promise.resolve({ version: 1, maxChunkChanges: 250 }),
    listProposals: () => Promise.resolve({ records: [], bookmark: '' }),
    getItem: () => Promise.resolve({ itemId: 'D-1', name: '复方硼砂' }),
    close: () => undefined,
  };
  return {
    calls,
    connect: (options) => {
      calls.push(options);
      return fake as unknown as CatalogClient;
    },
  };
}

describe('catalog --wallet, in both spellings, for every command', () => {
  const dir = tempDirPerSuite('catalog-wallet-');

  const commands: readonly (readonly string[])[] = [
    ['governance', 'show'],
    ['proposal', 'list'],
    ['item', 'D-1'],
  ];

  for (const command of commands) {
    for (const spelling of ['separate', 'joined'] as const) {
      it(`${command.join(' ')} --wallet${spelling === 'separate' ? ' X' : '=X'} connects with wallet X`, async () => {
        const wallet = path.join(dir(), 'other-wallet');
        const factory = recordingFactory();
        const walletArgs = spelling === 'separate' ? ['--wallet', wallet] : [`--wallet=${wallet}`];
        const run = await runCatalog([...command, ...walletArgs, '--as', 'nhsa/admin'], factory);
        expect(run.code, run.stderr).to.equal(0);
        expect(factory.calls).to.deep.equal([{ as: 'nhsa/admin', walletDir: wallet }]);
      });
    }
  }

  it('the wallet option may come before a subcommand, and --as=X is read too', async () => {
    const factory = recordingFactory();
    const run = await runCatalog(
      ['proposal', '--wallet', dir(), '--as=guangdong/approver', 'list', '--json'],
      factory,
    );
    expect(run.code, run.stderr).to.equal(0);
    expect(factory.calls).to.deep.equal([{ as: 'guangdong/approver', walletDir: dir() }]);
    expect(JSON.parse(run.stdout)).to.deep.equal({ records: [], bookmark: '' });
  });

  it('without --wallet the client gets $CATALOG_WALLET, else wallet/ in the working directory', async () => {
    const factory = recordingFactory();
    expect((await runCatalog(['governance', 'show'], factory, ENGLISH_ENV)).code).to.equal(0);
    const env = { ...ENGLISH_ENV, CATALOG_WALLET: 'elsewhere/w' };
    expect((await runCatalog(['governance', 'show'], factory, env)).code).to.equal(0);
    expect(factory.calls).to.deep.equal([
      { as: 'nhsa/proposer', walletDir: path.resolve('wallet') },
      { as: 'nhsa/proposer', walletDir: path.resolve('elsewhere', 'w') },
    ]);
  });

  it('refuses --wallet without a value in either spelling', async () => {
    for (const args of [['--wallet'], ['--wallet='], ['--wallet', '--json']]) {
      const run = await runCatalog(['governance', 'show', ...args], recordingFactory());
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/^--wallet needs a value/);
    }
  });

  for (const spelling of ['separate', 'joined'] as const) {
    it(`api-key (like serve) reads the API keys of the wallet given as --wallet${spelling === 'separate' ? ' X' : '=X'}`, async () => {
      const wallet = path.join(dir(), `keys-${spelling}`);
      mkdirSync(wallet, { recursive: true });
      writeFileSync(
        path.join(wallet, 'api-keys.json'),
        JSON.stringify({ [`key-${spelling}`]: 'nhsa/admin' }),
      );
      const walletArgs = spelling === 'separate' ? ['--wallet', wallet] : [`--wallet=${wallet}`];
      const run = await runCatalog(['api-key', 'nhsa/admin', ...walletArgs]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.equal(`key-${spelling}`);
    });
  }
});
