/**
 * Dates, times and money for people (gateway-client/src/format.ts): what tables show, and the dates
 * people type.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  DEFAULT_LANG,
  formatDate,
  formatMoney,
  formatTimestamp,
  parseHumanDate,
} from '../../../gateway-client/src';

describe('format: money', () => {
  it('writes yuan with two decimals and thousands separators, in both languages', () => {
    expect(formatMoney(12.3, 'zh')).to.equal('¥12.30');
    expect(formatMoney(12.3, 'en')).to.equal('¥12.30');
    expect(formatMoney(1234.5, 'zh')).to.equal('¥1,234.50');
    expect(formatMoney(1234.5, 'en')).to.equal('¥1,234.50');
    expect(formatMoney(1234567.891, 'zh')).to.equal('¥1,234,567.89');
    expect(formatMoney(0, 'zh')).to.equal('¥0.00');
    expect(formatMoney(58)).to.equal('¥58.00');
    expect(formatMoney(0.005, 'en')).to.equal('¥0.01');
  });

  it('puts the sign before the yuan sign, and writes - for no amount', () => {
    expect(formatMoney(-5, 'zh')).to.equal('-¥5.00');
    expect(formatMoney(-0.001, 'zh')).to.equal('¥0.00');
    expect(formatMoney(null, 'zh')).to.equal('-');
    expect(formatMoney(undefined, 'en')).to.equal('-');
    expect(formatMoney(Number.NaN, 'zh')).to.equal('-');
    expect(formatMoney(Number.POSITIVE_INFINITY, 'zh')).to.equal('-');
  });
});

describe('format: calendar dates', () => {
  it('shows an ISO date as people read it: 2025年6月1日 in Chinese, 2025-06-01 in English', () => {
    expect(DEFAULT_LANG).to.equal('zh');
    expect(formatDate('2025-06-01', 'zh')).to.equal('2025年6月1日');
    expect(formatDate('2025-12-31', 'zh')).to.equal('2025年12月31日');
    expect(formatDate('2025-06-01')).to.equal('2025年6月1日');
    expect(formatDate('2025-06-01', 'en')).to.equal('2025-06-01');
    expect(formatDate('2024-02-29', 'zh')).to.equal('2024年2月29日');
  });

  it('writes - for no date and leaves text that is not an ISO calendar date as it is', () => {
    expect(formatDate(null, 'zh')).to.equal('-');
    expect(formatDate(undefined, 'en')).to.equal('-');
    expect(formatDate('2025-02-30', 'zh')).to.equal('2025-02-30');
    expect(formatDate('soon', 'zh')).to.equal('soon');
    expect(formatDate('2025-06-01T00:00:00Z', 'zh')).to.equal('2025-06-01T00:00:00Z');
  });
});

describe('format: timestamps in China Standard Time', () => {
  it('shows an instant in Asia/Shanghai (UTC+8): zh 2025年6月1日 08:00:00, en … CST', () => {
    expect(formatTimestamp('2025-06-01T00:00:00Z', 'zh')).to.equal('2025年6月1日 08:00:00');
    expect(formatTimestamp('2025-06-01T00:00:00Z', 'en')).to.equal('2025-06-01 08:00:00 CST');
    expect(formatTimestamp('2025-06-01T00:00:00.999Z')).to.equal('2025年6月1日 08:00:00');
    expect(formatTimestamp(new Date(Date.UTC(2025, 4, 31, 16, 30, 5)), 'en')).to.equal(
      '2025-06-01 00:30:05 CST',
    );
    // the day changes at 16:00 UTC; an offset in the input is honoured
    expect(formatTimestamp('2025-12-31T16:00:00Z', 'zh')).to.equal('2026年1月1日 00:00:00');
    expect(formatTimestamp('2025-06-01T08:00:00+08:00', 'zh')).to.equal('2025年6月1日 08:00:00');
    expect(formatTimestamp('2024-12-20T02:00:16.000Z', 'en')).to.equal('2024-12-20 10:00:16 CST');
  });

  it('agrees with UTC+8 for any instant since 1992 (China kept summer time 1986–1991) (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1992, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const shifted = new Date(ms + 8 * 3600 * 1000).toISOString(); // UTC+8 read as UTC
        const expected = `${shifted.slice(0, 10)} ${shifted.slice(11, 19)} CST`;
        expect(formatTimestamp(new Date(ms), 'en')).to.equal(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('writes - for no time and leaves text that is not a timestamp as it is', () => {
    expect(formatTimestamp(null, 'zh')).to.equal('-');
    expect(formatTimestamp(undefined, 'en')).to.equal('-');
    expect(formatTimestamp('not a time', 'zh')).to.equal('not a time');
    expect(formatTimestamp(new Date(Number.NaN), 'zh')).to.equal('-');
  });
});

describe('format: dates as people type them (parseHumanDate)', () => {
  const forms: [string, string][] = [
    ['2025-06-01', '2025-06-01'],
    ['2025-6-1', '2025-06-01'],
    ['2025/6/1', '2025-06-01'],
    ['2025/06/01', '2025-06-01'],
    ['2025.6.1', '2025-06-01'],
    ['20250601', '2025-06-01'],
    ['2025年6月1日', '2025-06-01'],
    ['2025年06月01日', '2025-06-01'],
    ['2025年6月1号', '2025-06-01'],
    ['2025年6月1', '2025-06-01'],
    ['2025 年 6 月 1 日', '2025-06-01'],
    ['  2025-06-01\t', '2025-06-01'],
    ['２０２５－０６－０１', '2025-06-01'],
    ['２０２５／６／１', '2025-06-01'],
    ['２０２５．６．１', '2025-06-01'],
    ['２０２５年６月１日', '2025-06-01'],
    ['\u30002025年12月31日\u3000', '2025-12-31'],
    ['2024-02-29', '2024-02-29'],
    ['2024年2月29日', '2024-02-29'],
  ];
  for (const [typed, iso] of forms) {
    it(`reads ${JSON.stringify(typed)} as ${iso}`, () => {
      expect(parseHumanDate(typed)).to.equal(iso);
    });
  }

  const bad = [
    '',
    'tomorrow',
    '2025-02-30',
    '2025-2-29',
    '2025年2月29日',
    '2025/13/1',
    '2025.0.1',
    '2025-06-00',
    '2025-06-32',
    '0000-01-01',
    '25-06-01',
    '2025-06',
    '2025-6/1',
    '2025/6.1',
    '2025-06-01T00:00:00Z',
    '2025-006-01',
    '２０２５－０２－３０',
    '2025年6月',
    '六月一日',
    '2025061',
  ];
  for (const typed of bad) {
    it(`refuses ${JSON.stringify(typed)}`, () => {
      expect(parseHumanDate(typed)).to.equal(null);
    });
  }

  it('reads back every ISO calendar date it writes (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (d) => {
          const iso = d.toISOString().slice(0, 10);
          expect(parseHumanDate(iso)).to.equal(iso);
          const [y, m, day] = iso.split('-').map(Number);
          expect(parseHumanDate(`${y}年${m}月${day}日`)).to.equal(iso);
          expect(parseHumanDate(formatDate(iso, 'zh'))).to.equal(iso);
        },
      ),
      { numRuns: 300 },
    );
  });
});
