/**
 * The CLI's side of "Chinese first": dates typed as people type them (`dateOption`), dates and
 * times shown as people read them in the language passed (Chinese by default), and the byte order
 * mark of CSV output kept off the terminal.
 */
import { expect } from 'chai';
import type { Proposal, Version } from '@nrdl-catalog/chaincode/model';
import type { ItemHistoryEntry } from '../../../gateway-client/src/audit';
import type { ImportSummary } from '../../../gateway-client/src/import';
import { UsageError, dateOption } from '../../../apps/cli/src/context';
import { asOfText, historyText } from '../../../apps/cli/src/audit-history-commands';
import { importSummaryText } from '../../../apps/cli/src/import-command';
import { processOutput } from '../../../apps/cli/src/output';
import { proposalRows, versionRows } from '../../../apps/cli/src/proposal-commands';

describe('CLI dates typed as people type them (dateOption)', () => {
  const typed = [
    '2025-06-01',
    '2025/6/1',
    '2025.6.1',
    '2025年6月1日',
    '2025年06月01日',
    '２０２５－０６－０１',
    '２０２５年６月１日',
  ];
  for (const value of typed) {
    it(`--date ${value} is 2025-06-01`, () => {
      expect(dateOption({ date: value }, 'date')).to.equal('2025-06-01');
    });
  }

  it('is undefined when the option is not given', () => {
    expect(dateOption({}, 'date')).to.equal(undefined);
  });

  for (const value of ['2025-02-30', '2025年2月30日', '２０２５－１３－０１', 'yesterday', '']) {
    it(`refuses ${JSON.stringify(value)} with the usual usage error`, () => {
      expect(() => dateOption({ 'effective-from': value }, 'effective-from'))
        .to.throw(UsageError)
        .with.property('message', `--effective-from must be a date YYYY-MM-DD, got "${value}"`);
    });
  }
});

describe('CLI dates and times shown as people read them, in the language passed', () => {
  const version = {
    version: 2,
    scope: 'provincial',
    province: 'Guangdong',
    changeCount: 1,
    effectiveFrom: '2025-03-01',
    timestamp: '2025-02-28T16:30:00.000Z',
    digest: 'ab'.repeat(32),
    txId: 'cd'.repeat(32),
  } as unknown as Version;
  const proposal = {
    id: 'p1',
    status: 'applied',
    scope: 'national',
    province: null,
    title: 't',
    changeCount: 4,
    effectiveFrom: '2025-01-01',
    sealedVersion: 1,
  } as unknown as Proposal;

  const same = (name: string): string => name;

  it('version and proposal rows: dates as people read them in Chinese, ISO in English', () => {
    const zhVersion = versionRows('zh', [version], same)[0] ?? [];
    expect(zhVersion).to.include('2025年3月1日').and.include('2025年3月1日 00:30:00');
    const enVersion = versionRows('en', [version], same)[0] ?? [];
    expect(enVersion).to.include('2025-03-01').and.include('2025-03-01 00:30:00 CST');
    expect(proposalRows('zh', [proposal], same)[0]).to.include('2025年1月1日');
    expect(proposalRows('en', [proposal], same)[0]).to.include('2025-01-01');
  });

  it('import summary, audit history and as-of', () => {
    const summary = {
      proposalId: 'p1',
      status: 'applied',
      resumed: false,
      version: { version: 3, effectiveFrom: '2025-06-01' },
      items: 1,
      chunks: 1,
      sections: { 西药部分: 1 },
      seconds: 1,
      phaseSeconds: {},
    } as unknown as ImportSummary;
    expect(importSummaryText(summary, 'zh').split('\n')[0]).to.contain('2025年6月1日');
    expect(importSummaryText(summary, 'en')).to.match(/effective 2025-06-01\n/);
    const entry = {
      version: 3,
      effectiveFrom: '2025-06-01',
      kind: 'item',
      province: null,
      op: 'upsert',
      before: null,
      after: { name: '复方硼砂' },
      changedFields: [],
      proposal: null,
      txId: 'tx1',
      block: 7,
      timestamp: '2025-05-31T16:00:00Z',
      sealTxId: 'tx2',
      sealBlock: 8,
      sealedAt: null,
    } as unknown as ItemHistoryEntry;
    const zh = historyText('zh', 'D-1', [entry], same);
    expect(zh).to.contain('2025年6月1日').and.contain('2025年6月1日 00:00:00');
    const en = historyText('en', 'D-1', [entry], same);
    expect(en).to.contain('version 3 (effective 2025-06-01)');
    expect(en).to.contain('tx1 (block 7, 2025-06-01 00:00:00 CST)').and.contain('tx2 (block 8, -)');
    const none = { date: '2024-12-31', version: null, effectiveFrom: null, items: [] };
    expect(asOfText('zh', '2024-12-31', { province: 'GD' }, none, same)).to.contain('2024年12月31日');
    expect(asOfText('en', '2024-12-31', { province: 'GD' }, none, same)).to.equal(
      'no catalog version was in force on 2024-12-31',
    );
  });
});

describe('CLI output of CSV on a terminal', () => {
  /** What `processOutput.out(text)` writes to stdout when stdout is (or is not) a terminal. */
  function written(isTTY: boolean, text: string): string {
    const stdout = process.stdout as NodeJS.WriteStream & { isTTY: boolean };
    const saved = ['isTTY', 'write'].map(
      (key) => [key, Object.getOwnPropertyDescriptor(stdout, key)] as const,
    );
    const chunks: string[] = [];
    stdout.isTTY = isTTY;
    stdout.write = (chunk: string): boolean => {
      chunks.push(chunk);
      return true;
    };
    try {
      processOutput.out(text);
    } finally {
      for (const [key, descriptor] of saved) {
        if (descriptor === undefined) Reflect.deleteProperty(stdout, key);
        else Object.defineProperty(stdout, key, descriptor);
      }
    }
    return chunks.join('');
  }

  it('keeps the byte order mark for a file or a pipe, and leaves it out on a terminal', () => {
    expect(written(false, '\uFEFFchange,name\nadded,复方硼砂')).to.equal(
      '\uFEFFchange,name\nadded,复方硼砂\n',
    );
    expect(written(true, '\uFEFFchange,name\nadded,复方硼砂')).to.equal('change,name\nadded,复方硼砂\n');
    // any other BOM is still shown escaped on a terminal
    expect(written(true, 'a\uFEFFb')).to.equal('a\\u{feff}b\n');
  });
});
