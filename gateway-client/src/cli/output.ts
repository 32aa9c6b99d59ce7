/** Where command output goes; tests capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Output to the process's stdout / stderr. */
export const processOutput: Output = {
  out: (text) => {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  },
  err: (text) => {
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  },
};

/** JSON with bigint turned into numbers (block numbers), two-space indented. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2);
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
  const text = textOf(value).replace(/\s+/g, ' ');
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
 * cells to `maxWidth`.
 */
export function table(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  maxWidth = 40,
): string {
  const cells = rows.map((row) => columns.map((_, index) => cell(row[index], maxWidth)));
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

/** Renders an object as `key: value` lines for one record. */
export function keyValues(record: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(record);
  const width = Math.max(...keys.map((key) => key.length));
  return keys
    .map((key) => {
      const value = record[key];
      const text = textOf(value);
      return `${key.padEnd(width)}  ${text}`;
    })
    .join('\n');
}
