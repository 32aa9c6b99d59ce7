import { expect } from 'chai';
import { escapeControls, jsonSafe, keyValues, table } from '../../../gateway-client/src/text';
import { toJson } from '../../../apps/cli/src/output';

/** The C0 controls but the line feed, DEL, the C1 controls and the bidi / invisible characters in `text`. */
function unsafe(text: string): string[] {
  return Array.from(text).filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (
      (code <= 0x1f && code !== 0x0a) ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x061c ||
      (code >= 0x200b && code <= 0x200f) ||
      (code >= 0x2028 && code <= 0x202e) ||
      (code >= 0x2060 && code <= 0x2069) ||
      code === 0xfeff
    );
  });
}

describe('CLI output (terminal safety)', () => {
  // An item name as a malicious proposer could store it: clear screen, window title, cursor home,
  // a fake line, an 8-bit CSI and a right-to-left override.
  const evil = '复方硼砂\u001b[2J\u001b]0;pwned\u0007\u001b[H\rOK\u009b31m\u202egnp.exe';

  it('escapes control characters and escape sequences in table cells', () => {
    const text = table(['ITEM', 'NAME'], [['D-1', evil]], 200);
    expect(unsafe(text)).to.deep.equal([]);
    expect(text).to.contain('复方硼砂\\x1b[2J\\x1b]0;pwned\\x07\\x1b[H OK\\x9b31m\\u{202e}gnp.exe');
    expect(text.split('\n')).to.have.length(2);
  });

  it('keeps ordinary text, CJK alignment and line-break folding as they were', () => {
    const text = table(
      ['NAME', 'FORM'],
      [
        ['注射用艾普拉唑钠', 'a\nb\tc'],
        ['x', 'y'],
      ],
    );
    expect(text.split('\n')).to.deep.equal([
      'NAME              FORM',
      '注射用艾普拉唑钠  a b c',
      'x                 y',
    ]);
  });

  it('escapes control characters (line breaks included) in key/value output', () => {
    const text = keyValues({ name: `${evil}\nstatus  OK`, ['k\u001b[1m']: 1 });
    expect(unsafe(text)).to.deep.equal([]);
    expect(text.split('\n')).to.have.length(2);
    expect(text).to.contain('\\x0astatus  OK').and.contain('k\\x1b[1m');
  });

  it('escapeControls keeps what it is told to keep and leaves other characters alone', () => {
    expect(escapeControls('a\nb\u0000c', '\n')).to.equal('a\nb\\x00c');
    expect(escapeControls('a\nb')).to.equal('a\\x0ab');
    expect(escapeControls('\u{1f600} 𠀀 ok')).to.equal('\u{1f600} 𠀀 ok');
    expect(escapeControls('\u2066x\u2069')).to.equal('\\u{2066}x\\u{2069}');
  });

  it('JSON output carries C1 and bidi characters as \\u escapes and still parses to the same value', () => {
    const value = { name: evil, n: 1n };
    const json = toJson(value);
    expect(unsafe(json)).to.deep.equal([]);
    expect(json).to.contain('\\u009b').and.contain('\\u202e').and.contain('\\u001b');
    expect(JSON.parse(json)).to.deep.equal({ name: evil, n: 1 });
    expect(jsonSafe('"\u0085"')).to.equal('"\\u0085"');
  });
});
