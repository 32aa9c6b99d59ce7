/**
 * Plain-text rendering for terminals, shared by the command-line tools (the catalog CLI, the network
 * tool): escaping of control and invisible formatting characters, display width (the `string-width`
 * package: CJK and full-width characters and emoji count double, combining marks nothing), aligned
 * tables and `key: value` records. Over-long cells are cut between grapheme clusters
 * (`Intl.Segmenter`), never inside a character, a combining sequence, an emoji sequence or an escape.
 */
import stringWidth from 'string-width';

/**
 * Whether a character could drive or deceive a terminal: C0 controls, DEL, C1 controls (CSI, OSC, …),
 * and invisible formatting characters (bidi overrides and isolates, zero-width characters, line and
 * paragraph separators, BOM, interlinear annotation).
 */
function isUnsafeChar(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff ||
    (code >= 0xfff9 && code <= 0xfffb)
  );
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * An emoji ZWJ sequence (👨‍👩‍👧, 🏳️‍🌈, 👩🏽‍💻): pictographs joined by ZERO WIDTH JOINERs, each with an optional
 * emoji presentation selector or skin-tone modifier. Its joiners are shown as they are (the sequence
 * draws one visible emoji); a joiner anywhere else is escaped like the other invisible characters.
 */
const EMOJI_ZWJ_SEQUENCE =
  /^\p{Extended_Pictographic}[\u{fe0f}\p{Emoji_Modifier}]*(?:\u{200d}\p{Extended_Pictographic}[\u{fe0f}\p{Emoji_Modifier}]*)+$/u;

function escapeChars(text: string, keep: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (!isUnsafeChar(code) || keep.includes(char)) out += char;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u{${code.toString(16)}}`;
  }
  return out;
}

/**
 * `text` as its grapheme clusters (what a reader sees as one character), each escaped as
 * {@link escapeControls} does: the units a cell may be cut between.
 */
function escapedClusters(text: string, keep = ''): string[] {
  const units: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    units.push(EMOJI_ZWJ_SEQUENCE.test(segment) ? segment : escapeChars(segment, keep));
  }
  return units;
}

/**
 * `text` with every character that could drive a terminal shown as an escape: `\xNN` for C0, DEL and
 * C1 controls (ESC → `\x1b`), `\u{NNNN}` for bidi and other invisible formatting characters (the
 * joiners of an emoji ZWJ sequence excepted). Characters in `keep` (e.g. `'\n'`) are left as they are.
 */
export function escapeControls(text: string, keep = ''): string {
  return escapedClusters(text, keep).join('');
}

/**
 * JSON text with the unsafe characters JSON.stringify leaves raw (C1 controls, bidi and other
 * invisible formatting characters) written as `\uNNNN` escapes: still the same JSON value (such
 * characters only occur inside strings), but nothing a terminal acts on.
 */
export function jsonSafe(json: string): string {
  let out = '';
  for (const char of json) {
    const code = char.codePointAt(0) ?? 0;
    out += code > 0x7e && isUnsafeChar(code) ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

/**
 * The number of terminal columns `text` takes (`string-width`): 2 for CJK ideographs, kana, hangul,
 * full-width forms and emoji, 0 for combining marks and other zero-width characters, 1 otherwise
 * (East Asian ambiguous characters such as `…` count 1, as most terminals show them).
 */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` padded with spaces to `width` columns. */
function padTo(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** A value as display text: `-` for null, JSON for objects. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value);
}

const ELLIPSIS = '…';

/**
 * `units` (escaped grapheme clusters) as text at most `max` columns wide: whole when they fit, else
 * the clusters that fit followed by `…` (its width counted).
 */
function fit(units: readonly string[], max: number): string {
  const whole = units.join('');
  if (displayWidth(whole) <= max) return whole;
  const room = max - displayWidth(ELLIPSIS);
  let cut = '';
  let width = 0;
  for (const unit of units) {
    const next = displayWidth(unit);
    if (width + next > room) break;
    cut += unit;
    width += next;
  }
  return `${cut}${ELLIPSIS}`;
}

function cell(value: unknown, max: number): string {
  return fit(escapedClusters(textOf(value).replace(/\s+/g, ' ')), max);
}

/**
 * `text` cut to at most `max` terminal columns between grapheme clusters, with `…` when something
 * was cut; control characters escaped as in a table cell ({@link escapeControls}).
 */
export function truncateToWidth(text: string, max: number): string {
  return fit(escapedClusters(text), max);
}

/**
 * Renders rows as an aligned text table (columns aligned by display width: CJK characters count
 * double, see {@link displayWidth}), cutting long cells to `maxWidth` columns between grapheme
 * clusters, `…` included — except the columns named in `whole` (identifiers, hashes: a cut one is
 * useless). Line breaks and tabs in a cell become spaces; other control characters and escape
 * sequences are shown escaped ({@link escapeControls}), so chain data cannot rewrite the terminal.
 */
export function table(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  maxWidth = 40,
  whole: readonly string[] = [],
): string {
  const limits = columns.map((title) => (whole.includes(title) ? Infinity : maxWidth));
  const cells = rows.map((row) => columns.map((_, index) => cell(row[index], limits[index] ?? maxWidth)));
  const widths = columns.map((title, index) =>
    Math.max(displayWidth(title), ...cells.map((row) => displayWidth(row[index] ?? ''))),
  );
  const pad = (text: string, index: number): string => padTo(text, widths[index] ?? 0);
  const lines = [
    columns.map(pad).join('  ').trimEnd(),
    ...cells.map((row) => row.map(pad).join('  ').trimEnd()),
  ];
  return lines.join('\n');
}

/**
 * Renders an object as `key: value` lines for one record, the values aligned by display width (control
 * characters escaped, line breaks too).
 */
export function keyValues(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record).map((key) => ({ key, shown: escapeControls(key) }));
  const width = Math.max(...keys.map(({ shown }) => displayWidth(shown)));
  return keys
    .map(({ key, shown }) => `${padTo(shown, width)}  ${escapeControls(textOf(record[key]))}`)
    .join('\n');
}
