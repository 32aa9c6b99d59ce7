/**
 * Plain-text rendering for terminals, shared by the command-line tools (the catalog CLI, the network
 * tool): escaping of control and invisible formatting characters, display width (CJK characters
 * count double), aligned tables and `key: value` records.
 */

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

/**
 * `text` with every character that could drive a terminal shown as an escape: `\xNN` for C0, DEL and
 * C1 controls (ESC → `\x1b`), `\u{NNNN}` for bidi and other invisible formatting characters.
 * Characters in `keep` (e.g. `'\n'`) are left as they are.
 */
export function escapeControls(text: string, keep = ''): string {
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

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    width +=
      code >= 0x1100 &&
      (code <= 0x115f ||
        (code >= 0x2e80 && code <= 0xa4cf) ||
        (code >= 0xac00 && code <= 0xd7a3) ||
        (code >= 0xf900 && code <= 0xfaff) ||
        (code >= 0xfe30 && code <= 0xfe4f) ||
        (code >= 0xff00 && code <= 0xff60) ||
        (code >= 0xffe0 && code <= 0xffe6) ||
        code >= 0x20000)
        ? 2
        : 1;
  }
  return width;
}

/** A value as display text: `-` for null, JSON for objects. */
export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value);
}

function cell(value: unknown, max: number): string {
  const text = escapeControls(textOf(value).replace(/\s+/g, ' '));
  if (displayWidth(text) <= max) return text;
  let cut = '';
  for (const char of text) {
    if (displayWidth(cut + char) > max - 1) break;
    cut += char;
  }
  return `${cut}…`;
}

/**
 * Renders rows as an aligned text table (CJK characters count double width), truncating long
 * cells to `maxWidth` — except the columns named in `whole` (identifiers, hashes: a cut one is
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
  const pad = (text: string, index: number): string =>
    text + ' '.repeat(Math.max(0, (widths[index] ?? 0) - displayWidth(text)));
  const lines = [
    columns.map(pad).join('  ').trimEnd(),
    ...cells.map((row) => row.map(pad).join('  ').trimEnd()),
  ];
  return lines.join('\n');
}

/** Renders an object as `key: value` lines for one record (control characters escaped, line breaks too). */
export function keyValues(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record);
  const width = Math.max(...keys.map((key) => key.length));
  return keys
    .map((key) => {
      const value = record[key];
      const text = escapeControls(textOf(value));
      return `${escapeControls(key).padEnd(width)}  ${text}`;
    })
    .join('\n');
}
