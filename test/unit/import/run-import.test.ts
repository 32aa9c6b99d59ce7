/**
 * The import use case (gateway-client/src/import/run-import.ts) against the REAL contracts on the
 * in-memory peer, called as a library and through `catalog import` (output and exit codes as the
 * network test test/network/30-import.test.ts expects them).
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ChunkSizeError,
  readImportList,
  runImport,
  type ImportSummary,
} from '../../../gateway-client/src/import/run-import';
import type { Progress } from '../../../gateway-client/src/workflow';
import { bootstrapped } from '../chaincode/support/fixtures';
import { runCatalog, tempDirPerSuite, type CliRun } from '../support/cli';
import { callerOf, clientOn, inMemoryFactory } from '../support/in-memory-client';
import { dataFile } from './fixtures';
import { HUBEI, MEMBERS } from '../support/members';
import { CatalogClientError, ChaincodeError, InvalidInputError } from '../../../gateway-client/src/errors';
import { gb18030Bytes } from '../support/gb18030';

const APPROVERS = ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'];

/** The header and the first `rows` lines of a source file in `data/` (none with line breaks in a cell). */
function headOf(name: string, rows: number, dir: string): string {
  const lines = readFileSync(dataFile(name), 'utf8').split('\n');
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.slice(0, rows + 1).join('\n')}\n`);
  return file;
}

describe('import use case (library and catalog import)', () => {
  const dir = tempDirPerSuite('run-import-');
  let nrdl: string;
  let materials: string;

  before(() => {
    nrdl = headOf('nrdl-2024-drugs.csv', 24, dir());
    materials = headOf('shaanxi-2021-special-materials.csv', 12, dir());
  });

  it('reads a list into items, scope and title', () => {
    const list = readImportList({ list: 'nrdl', file: nrdl });
    expect(list.items).to.have.length(24);
    expect(list).to.deep.include({
      scope: { scope: 'national' },
      title: 'NRDL 2024 (nrdl-2024-drugs.csv)',
      source: 'nrdl-2024-drugs.csv',
      duplicates: 0,
    });
    const shaanxi = readImportList({ list: 'province-items', file: materials, province: 'Shaanxi' }, MEMBERS);
    expect(shaanxi.scope).to.deep.equal({ scope: 'provincial', province: 'Shaanxi' });
    expect(shaanxi.title).to.equal('Shaanxi special materials (shaanxi-2021-special-materials.csv)');
    // the province in any form of the governance record; its code in the ids
    const byAbbr = readImportList({ list: 'province-items', file: materials, province: '陕' }, MEMBERS);
    expect(byAbbr.scope).to.deep.equal({ scope: 'provincial', province: 'Shaanxi' });
    expect(byAbbr.items).to.deep.equal(shaanxi.items);
    const hubei = readImportList(
      { list: 'province-items', file: materials, province: '鄂' },
      { provinces: [...MEMBERS.provinces, HUBEI] },
    );
    expect(hubei.scope).to.deep.equal({ scope: 'provincial', province: 'Hubei' });
    expect(hubei.items[0]).to.deep.include({ id: 'M-HB-HC00101', province: 'Hubei' });
    expect(() => readImportList({ list: 'province-items', file: materials, province: '鄂' }, MEMBERS))
      .to.throw(ChaincodeError)
      .with.property('code', 'UNKNOWN_PROVINCE');
    expect(() => readImportList({ list: 'province-items', file: materials, province: 'Shaanxi' }))
      .to.throw(InvalidInputError)
      .with.property('message')
      .that.matches(/named by the governance record/);
  });

  /** A copy of `file` saved as GB18030 (as Chinese spreadsheet programs save CSV). */
  function asGb18030(file: string, name: string): string {
    const copy = path.join(dir(), name);
    writeFileSync(copy, gb18030Bytes(readFileSync(file, 'utf8')));
    return copy;
  }

  it('reads GB18030 / GBK lists: by guess, or with the encoding given; a forced UTF-8 refuses them', () => {
    const gbkNrdl = asGb18030(nrdl, 'nrdl-gbk.csv');
    const gbkMaterials = asGb18030(materials, 'shaanxi-special-materials-gbk.csv');
    const utf8 = readImportList({ list: 'nrdl', file: nrdl });
    expect(readImportList({ list: 'nrdl', file: gbkNrdl }).items).to.deep.equal(utf8.items);
    expect(readImportList({ list: 'nrdl', file: gbkNrdl, encoding: 'gb18030' }).items).to.deep.equal(
      utf8.items,
    );
    expect(utf8.items.some((item) => /[\u4e00-\u9fff]/u.test(item.name))).to.equal(true);
    const shaanxi = readImportList({ list: 'province-items', file: materials, province: 'Shaanxi' }, MEMBERS);
    const fromGbk = readImportList(
      { list: 'province-items', file: gbkMaterials, province: 'Shaanxi', encoding: 'gb18030' },
      MEMBERS,
    );
    expect(fromGbk.items).to.deep.equal(shaanxi.items);
    expect(() => readImportList({ list: 'nrdl', file: gbkNrdl, encoding: 'utf-8' }))
      .to.throw(CatalogClientError)
      .with.property('message')
      .that.matches(/^INVALID_INPUT: nrdl-gbk\.csv: not valid utf-8 text \(try --encoding gb18030\)$/);
    expect(() =>
      readImportList(
        {
          list: 'province-items',
          file: gbkMaterials,
          province: 'Shaanxi',
          kind: 'material',
          encoding: 'utf-8',
        },
        MEMBERS,
      ),
    ).to.throw(CatalogClientError, /not valid utf-8 text/);
  });

  it('catalog import takes --encoding auto|utf-8|gb18030|gbk and dates as people type them', async () => {
    const net = await bootstrapped();
    const gbkMaterials = asGb18030(materials, 'shaanxi-2021-special-materials-gbk.csv');
    const run = (args: readonly string[]): Promise<CliRun> =>
      runCatalog(['import', ...args], inMemoryFactory(net));
    const done = await run([
      'province-items',
      gbkMaterials,
      '--province',
      'SN',
      '--encoding',
      'GBK',
      '--effective-from',
      '２０２５年１月１日',
      '--approve-as',
      'shaanxi/approver',
      '--json',
    ]);
    expect(done.code, done.stderr).to.equal(0);
    const summary = JSON.parse(done.stdout) as ImportSummary;
    const items = readImportList(
      { list: 'province-items', file: materials, province: 'Shaanxi' },
      MEMBERS,
    ).items;
    expect(summary).to.deep.include({ status: 'applied', items: items.length });
    expect(summary.version?.effectiveFrom).to.equal('2025-01-01');
    const forced = await run([
      'nrdl',
      asGb18030(nrdl, 'n.csv'),
      '--encoding',
      'utf-8',
      '--effective-from',
      '2025/1/1',
    ]);
    expect(forced.code).to.equal(1);
    expect(forced.stderr).to.match(/^INVALID_INPUT: n\.csv: not valid utf-8 text \(try --encoding gb18030\)/);
    const bad = await run(['nrdl', nrdl, '--encoding', 'latin1', '--effective-from', '2025-01-01']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/^--encoding must be one of auto, utf-8, gb18030 \(or gbk\), got "latin1"/);
    const badDate = await run(['nrdl', nrdl, '--effective-from', '2025年2月30日']);
    expect(badDate.code).to.equal(2);
    expect(badDate.stderr).to.match(/^--effective-from must be a date YYYY-MM-DD, got "2025年2月30日"/);
  });

  it('imports, approves, applies and seals a list as a library call, and a re-run resumes it', async () => {
    const net = await bootstrapped();
    const progress: Progress[] = [];
    const notes: string[] = [];
    const options = {
      client: clientOn(net, callerOf('nhsa/proposer')),
      approvers: APPROVERS.map((as) => clientOn(net, callerOf(as))),
      source: { list: 'nrdl', file: nrdl } as const,
      effectiveFrom: '2025-01-01',
      chunkSize: 10,
      onProgress: (p: Progress) => progress.push(p),
      onNote: (text: string) => notes.push(text),
    };
    const summary: ImportSummary = await runImport(options);
    expect(summary).to.deep.include({ status: 'applied', resumed: false, items: 24, chunks: 3 });
    expect(summary.sections).to.deep.equal({ 西药部分: 24 });
    expect(summary.version?.version).to.equal(1);
    expect(summary.version?.effectiveFrom).to.equal('2025-01-01');
    expect(notes).to.deep.equal(['importing 24 items from nrdl-2024-drugs.csv as 3 chunks of ≤ 10']);
    expect(progress.filter((p) => p.phase === 'chunks').at(-1)).to.include({ done: 3, total: 3 });
    const again = await runImport(options);
    expect(again).to.deep.include({ proposalId: summary.proposalId, resumed: true, status: 'applied' });
  });

  it("refuses a chunk size above the governance's maximum before proposing anything", async () => {
    const net = await bootstrapped();
    try {
      await runImport({
        client: clientOn(net, callerOf('nhsa/proposer')),
        source: { list: 'nrdl', file: nrdl },
        effectiveFrom: '2025-01-01',
        chunkSize: 100_000,
      });
      expect.fail('expected a ChunkSizeError');
    } catch (error) {
      expect(error).to.be.instanceOf(ChunkSizeError);
      expect(error).to.include({ code: 'INVALID_INPUT', chunkSize: 100_000 });
    }
  });

  it('catalog import nrdl --json prints the summary and the chunk progress, exit 0', async () => {
    const net = await bootstrapped();
    const factory = inMemoryFactory(net);
    const run = await runCatalog(
      ['import', 'nrdl', nrdl, '--effective-from', '2025-01-01', '--approve-as', APPROVERS.join(',')].concat([
        '--chunk-size',
        '8',
        '--json',
      ]),
      factory,
    );
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout) as ImportSummary;
    expect(summary).to.deep.include({ status: 'applied', items: 24, chunks: 3, sections: { 西药部分: 24 } });
    expect(summary.version?.version).to.be.a('number');
    expect(run.stderr).to.match(/chunks +3\/3/);
    expect(factory.identities).to.deep.equal(['nhsa/proposer', ...APPROVERS]);
  });

  it('catalog import province-items (province in any form) runs as the province proposer and prints the human summary', async () => {
    const net = await bootstrapped();
    const factory = inMemoryFactory(net);
    const run = await runCatalog(
      ['import', 'province-items', materials, '--province', '陕西', '--effective-from', '2025-01-01'].concat([
        '--approve-as',
        'shaanxi/approver',
      ]),
      factory,
    );
    expect(run.code, run.stderr).to.equal(0);
    // the default identity reads the governance record (to find the province), then its proposer runs
    expect(factory.identities).to.deep.equal(['nhsa/proposer', 'shaanxi/proposer', 'shaanxi/approver']);
    expect(run.stdout).to.match(/^proposal \S+: applied, sealed as version 1 effective 2025-01-01\n/);
    expect(run.stdout).to.match(/\n\d+ items in 1 chunks, \d+\.\d s \(/);
    expect(run.stdout).to.match(/\nSECTION +ITEMS\n/);
  });

  it('catalog import: a pending proposal is noted, bad options exit 2, unreadable files exit 1', async () => {
    const net = await bootstrapped();
    const run = (args: readonly string[]): Promise<CliRun> =>
      runCatalog(['import', ...args], inMemoryFactory(net));
    const pending = await run(['nrdl', nrdl, '--effective-from', '2025-01-01']);
    expect(pending.code).to.equal(0);
    expect(pending.stderr).to.match(/proposal is open: it needs approvals before it can be applied/);
    const big = await run(['nrdl', nrdl, '--effective-from', '2025-01-01', '--chunk-size', '0']);
    expect(big.code).to.equal(2);
    expect(big.stderr).to.match(/^--chunk-size must be an integer from 1 to \d+, got "0"/);
    const noDate = await run(['nrdl', nrdl]);
    expect(noDate.code).to.equal(2);
    expect(noDate.stderr).to.match(/^--effective-from YYYY-MM-DD is required/);
    const kind = await run(['province-items', materials, '--province', 'Shaanxi', '--kind', 'drug']);
    expect(kind.code).to.equal(2);
    const unknown = await run([
      'province-items',
      materials,
      '--province',
      'Hubei',
      '--effective-from',
      '2025-01-01',
    ]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/^UNKNOWN_PROVINCE: unknown province "Hubei"; the members are Guangdong/);
    const missing = await run(['nrdl', path.join(dir(), 'missing.csv'), '--effective-from', '2025-01-01']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^INVALID_INPUT: missing\.csv: cannot read file/);
  });
});
