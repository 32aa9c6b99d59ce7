/**
 * Terminal tables for Chinese text (gateway-client/src/text.ts): columns line up by display width
 * (string-width: CJK, full-width forms and emoji two columns, combining marks none), and over-long
 * cells are cut between grapheme clusters — never inside a character, a combining sequence, an emoji
 * ZWJ sequence or an escape — with the ellipsis counted in the width.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  displayWidth,
  escapeControls,
  keyValues,
  table,
  truncateToWidth,
} from '../../../gateway-client/src/text';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemesOf(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment);
}

/** The display column each cell of `line` starts at (cells are separated by two or more spaces). */
function columnStarts(line: string): number[] {
  const starts: number[] = [];
  let cursor = 0;
  for (const part of line.split(/ {2,}/u)) {
    const at = line.indexOf(part, cursor);
    starts.push(displayWidth(line.slice(0, at)));
    cursor = at + part.length;
  }
  return starts;
}

const FAMILY = '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}'; // 👨‍👩‍👧
const RAINBOW = '\u{1f3f3}\ufe0f\u200d\u{1f308}'; // 🏳️‍🌈
const CODER = '\u{1f469}\u{1f3fd}\u200d\u{1f4bb}'; // 👩🏽‍💻
const E_ACUTE = 'e\u0301'; // é as e + COMBINING ACUTE ACCENT
const VIET = 'e\u0302\u0301'; // ế as e + two combining marks

describe('text: display width (string-width)', () => {
  it('counts CJK, full-width forms, hangul and emoji double, combining marks nothing', () => {
    expect(displayWidth('abc')).to.equal(3);
    expect(displayWidth('注射用艾普拉唑钠')).to.equal(16);
    expect(displayWidth('ＡＢＣ１２３')).to.equal(12);
    expect(displayWidth('，。（）')).to.equal(8);
    expect(displayWidth('한국어')).to.equal(6);
    expect(displayWidth('\u{1f44d}')).to.equal(2);
    expect(displayWidth(FAMILY)).to.equal(2);
    expect(displayWidth(RAINBOW)).to.equal(2);
    expect(displayWidth(CODER)).to.equal(2);
    expect(displayWidth(`caf${E_ACUTE}`)).to.equal(4);
    expect(displayWidth(VIET)).to.equal(1);
    expect(displayWidth('𠀀')).to.equal(2); // CJK Extension B, outside the BMP
    expect(displayWidth('…')).to.equal(1);
    expect(displayWidth('')).to.equal(0);
  });
});

describe('text: tables of mixed Chinese, ASCII, full-width, emoji and combining text', () => {
  const rows = [
    ['D-1', '注射用艾普拉唑钠', '10mg/支', '¥58.00'],
    ['D-22', 'Amoxicillin', 'ＡＢＣ１２３', '甲'],
    ['M-3', `${FAMILY}家庭装${RAINBOW}`, `caf${E_ACUTE}`, CODER],
    ['X', `ti${VIET}ng Vi${VIET}t`, '한국어', '-'],
    ['长编号-0001', '\u{1f44d}ok', '，。（）', 'ASCII'],
  ];

  it('starts every column at the same display column on every line', () => {
    const text = table(['ITEM', '名称', 'FORM', 'PRICE'], rows);
    const lines = text.split('\n');
    expect(lines).to.have.length(rows.length + 1);
    const header = columnStarts(lines[0] ?? '');
    expect(header).to.have.length(4);
    for (const line of lines) expect(columnStarts(line), line).to.deep.equal(header);
    // each column is as wide as its widest cell, plus the two-space gap
    expect(header).to.deep.equal([0, 11 + 2, 11 + 2 + 16 + 2, 11 + 2 + 16 + 2 + 12 + 2]);
    // no trailing blanks, and the grapheme clusters come through whole
    for (const line of lines) expect(line).to.equal(line.trimEnd());
    expect(text).to.contain(FAMILY).and.contain(RAINBOW).and.contain(CODER).and.contain(`caf${E_ACUTE}`);
  });

  it('cuts over-long cells to the width, ellipsis included, and the columns still line up', () => {
    const long = [
      ['1', '注射用艾普拉唑钠注射用艾普拉唑钠'],
      ['2', `a${FAMILY.repeat(5)}`],
      ['3', E_ACUTE.repeat(12)],
      ['4', 'ＡＢＣ１２３ＡＢＣ１２３'],
      ['5', 'short'],
    ];
    const text = table(['N', 'NAME'], long, 9);
    const lines = text.split('\n');
    const header = columnStarts(lines[0] ?? '');
    for (const line of lines) expect(columnStarts(line), line).to.deep.equal(header);
    const cells = lines.slice(1).map((line) => line.slice(line.indexOf('  ') + 2).trimEnd());
    expect(cells).to.deep.equal([
      '注射用艾…',
      `a${FAMILY}${FAMILY}${FAMILY}…`,
      `${E_ACUTE.repeat(8)}…`,
      'ＡＢＣ１…',
      'short',
    ]);
    for (const cell of cells) expect(displayWidth(cell)).to.be.at.most(9);
  });

  it('leaves the whole columns uncut', () => {
    const id = 'f326ccf5f6c6b55742c6d9eea7d25fbe41be14e5cb73ef382e771805801237f7';
    const text = table(['ID', 'NAME'], [[id, '复方硼砂含漱液复方硼砂含漱液']], 8, ['ID']);
    expect(text.split('\n')[1]).to.equal(`${id}  复方硼…`);
  });

  it('aligns key/value records with Chinese keys by display width', () => {
    const text = keyValues({ 名称: '复方硼砂', itemId: 'D-1', 支付标准: '¥58.00' });
    const starts = text.split('\n').map((line) => columnStarts(line)[1]);
    expect(starts).to.deep.equal([10, 10, 10]);
  });
});

describe('text: cutting by grapheme cluster', () => {
  it('never splits a character, a combining sequence or an emoji ZWJ sequence', () => {
    expect(truncateToWidth('注射用', 4)).to.equal('注…'); // 注 (2) + … (1); 射 would make 5
    expect(truncateToWidth('注射用', 6)).to.equal('注射用');
    expect(truncateToWidth(`${FAMILY}${FAMILY}`, 3)).to.equal(`${FAMILY}…`);
    expect(truncateToWidth(`${FAMILY}${FAMILY}`, 2)).to.equal('…');
    expect(truncateToWidth(`ab${VIET}${VIET}cd`, 4)).to.equal(`ab${VIET}…`);
    expect(truncateToWidth('𠀀𠀀𠀀', 5)).to.equal('𠀀𠀀…');
  });

  it('never splits an escape of a control character', () => {
    // ESC is shown as \x1b (four columns): it goes whole or not at all
    expect(truncateToWidth('ab\u001bcd', 5)).to.equal('ab…');
    expect(truncateToWidth('ab\u001bcd', 7)).to.equal('ab\\x1b…');
    expect(truncateToWidth('ab\u001bcd', 8)).to.equal('ab\\x1bcd');
  });

  it('keeps emoji ZWJ sequences whole and escapes joiners anywhere else', () => {
    expect(escapeControls(`${FAMILY} ${RAINBOW} ${CODER}`)).to.equal(`${FAMILY} ${RAINBOW} ${CODER}`);
    expect(escapeControls('a\u200db')).to.equal('a\\u{200d}b');
    expect(escapeControls('\u{1f44d}\u200d')).to.equal('\u{1f44d}\\u{200d}');
    expect(escapeControls('\u200d\u{1f44d}')).to.equal('\\u{200d}\u{1f44d}');
  });

  it('cuts any text to at most the width, at a grapheme boundary of its escaped form (property)', () => {
    const texts = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc
        .array(
          fc.constantFrom(
            '注',
            'ａ',
            'a',
            ' ',
            FAMILY,
            RAINBOW,
            CODER,
            E_ACUTE,
            VIET,
            '\u001b',
            '\u200d',
            '한',
          ),
          { maxLength: 20 },
        )
        .map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(texts, fc.integer({ min: 1, max: 24 }), (text, max) => {
        const whole = escapeControls(text);
        const cut = truncateToWidth(text, max);
        expect(displayWidth(cut)).to.be.at.most(max);
        if (cut === whole) return;
        expect(cut.endsWith('…')).to.equal(true);
        const kept = cut.slice(0, -1);
        expect(whole.startsWith(kept)).to.equal(true);
        const keptClusters = graphemesOf(kept);
        expect(graphemesOf(whole).slice(0, keptClusters.length)).to.deep.equal(keptClusters);
      }),
      { numRuns: 500 },
    );
  });
});
