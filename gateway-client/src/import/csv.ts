/**
 * Reading the source CSV files: UTF-8, one header row, RFC-4180 quoting (fields may hold line
 * breaks). Every record keeps the 1-based line of the file on which it starts, so that import errors
 * can point at the source row.
 *
 * Writing CSV ({@link toCsv}, {@link toCsvField}): every CSV the project writes neutralises formula
 * injection — a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
 * single quote (`'`), which spreadsheets show as text and do not evaluate. `-` is guarded too even
 * though real values (`-5`, `-`) start with it: a spreadsheet would evaluate `-1+1` or `-cmd|…`, so
 * the guard is applied uniformly. A cell that already starts with quotes followed by one of those
 * characters gets one more quote, so the guard can always be undone: {@link parseCsv} removes exactly
 * one leading quote from such a cell, and reading our own export gives back the values written. (The
 * source lists hold no cell of that shape.) A CSV file meant for people starts with {@link CSV_BOM},
 * the UTF-8 byte order mark, without which spreadsheet programs (Excel, WPS) read the file in the
 * system's legacy encoding and show Chinese as mojibake; {@link parseCsv} drops it again.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { fsReason } from '../display-path';

/** One data record of a CSV file. */
export interface CsvRecord {
  /** 1-based line of the file on which the record starts (the header is line 1). */
  readonly line: number;
  /** Field values by column name, verbatim (no trimming, no type conversion). */
  readonly values: Readonly<Record<string, string>>;
}

/** A parsed CSV file. */
export interface CsvTable {
  /** Name of the source (file name without directories), used in error messages. */
  readonly source: string;
  /** Column names from the header row, in file order. */
  readonly columns: readonly string[];
  /** Data records in file order. */
  readonly records: readonly CsvRecord[];
}

/** The encodings files come in: hospitals' and bureaus' spreadsheets are often saved as GB18030 / GBK. */
export const TEXT_ENCODINGS = ['auto', 'utf-8', 'gb18030'] as const;
export type TextEncodingName = (typeof TEXT_ENCODINGS)[number];

/** Text decoded from a file's bytes, and the encoding it was read as. */
export interface DecodedText {
  readonly text: string;
  readonly encoding: 'utf-8' | 'gb18030';
}

/**
 * Decodes a file's bytes: UTF-8 (a byte order mark is dropped) or GB18030 (which GBK and GB2312 are
 * subsets of). `auto` (the default) takes UTF-8 when the bytes are valid UTF-8, else GB18030 — GBK
 * text is almost never valid UTF-8, so the guess is safe. A forced `utf-8` refuses invalid bytes
 * rather than replacing them.
 */
export function decodeText(bytes: Uint8Array, encoding: TextEncodingName = 'auto'): DecodedText {
  const utf8 = (): string => new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  if (encoding === 'gb18030') return { text: new TextDecoder('gb18030').decode(bytes), encoding };
  if (encoding === 'utf-8') return { text: utf8(), encoding };
  try {
    return { text: utf8(), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** Options of {@link parseCsv} and {@link readCsvFile}. */
export interface CsvOptions {
  /** Name of the source for error messages (default `input.csv`, or the file name). */
  readonly source?: string;
  /** How {@link readCsvFile} decodes the file (default `auto`: UTF-8, else GB18030). */
  readonly encoding?: TextEncodingName;
  /** Columns the header must contain; a missing one is an {@link ImportError} on line 1. */
  readonly requiredColumns?: readonly string[];
}

/**
 * An error in a source file. The message starts with the code `INVALID_INPUT` (the code the catalog
 * uses for bad input), then `source:line`.
 */
export class ImportError extends Error {
  /** Always `INVALID_INPUT`. */
  public readonly code = 'INVALID_INPUT';
  /** Source name (file name). */
  public readonly source: string;
  /** 1-based line in the source, or null when the error is not tied to one line. */
  public readonly line: number | null;

  /** Creates the error; `line` null means "the file as a whole". */
  public constructor(source: string, line: number | null, message: string) {
    super(`INVALID_INPUT: ${source}${line === null ? '' : `:${line}`}: ${message}`);
    this.name = 'ImportError';
    this.source = source;
    this.line = line;
  }
}

/** The byte order mark a CSV file for spreadsheets starts with (U+FEFF, written as UTF-8 `EF BB BF`). */
export const CSV_BOM = '\uFEFF';

/** Characters a spreadsheet may treat as the start of a formula (or that hide one). */
const FORMULA_START = /^'*[=+\-@\t\r]/u;

/** The cell with the formula guard: a leading `'` when it could be read as a formula (see the module comment). */
export function guardCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** Undoes {@link guardCell}: drops the one leading `'` of a guarded cell; other cells are returned as is. */
export function unguardCell(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

/** One CSV field: the formula guard, then RFC 4180 quoting. `null` / `undefined` are empty. */
export function toCsvField(value: string | number | boolean | null | undefined): string {
  const text = guardCell(value === null || value === undefined ? '' : String(value));
  return /[",\r\n]/u.test(text) ? `"${text.replace(/"/gu, '""')}"` : text;
}

/** CSV text (header row, then one line per row, `\n` line ends) of `rows` over `columns`. */
export function toCsv<C extends string>(
  columns: readonly C[],
  rows: readonly Readonly<Record<C, string | number | boolean | null | undefined>>[],
): string {
  const lines = [columns.map(toCsvField).join(',')];
  for (const row of rows) lines.push(columns.map((column) => toCsvField(row[column])).join(','));
  return `${lines.join('\n')}\n`;
}

interface ParsedRecord {
  readonly record: Record<string, string>;
  readonly info: { readonly lines: number };
}

function countLineBreaks(values: Readonly<Record<string, string>>): number {
  let n = 0;
  for (const value of Object.values(values)) {
    for (const ch of value) {
      if (ch === '\n') {
        n += 1;
      }
    }
  }
  return n;
}

function errorLine(error: unknown): number | null {
  if (error !== null && typeof error === 'object' && 'lines' in error && typeof error.lines === 'number') {
    return error.lines;
  }
  return null;
}

/**
 * Parses CSV text (header row → records). Malformed input (unclosed quote, a row with the wrong
 * number of fields, a missing required column) throws an {@link ImportError} naming the line.
 * The formula guard of {@link toCsv} is removed from every cell ({@link unguardCell}).
 */
export function parseCsv(text: string | Buffer, options: CsvOptions = {}): CsvTable {
  const source = options.source ?? 'input.csv';
  let columns: string[] = [];
  let parsed: ParsedRecord[];
  try {
    parsed = parse<ParsedRecord>(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      columns: (header: string[]) => {
        columns = header;
        return header;
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportError(source, errorLine(error), `malformed CSV: ${message}`);
  }
  for (const required of options.requiredColumns ?? []) {
    if (!columns.includes(required)) {
      throw new ImportError(source, 1, `missing column '${required}'`);
    }
  }
  const records = parsed.map((p): CsvRecord => ({
    line: p.info.lines - countLineBreaks(p.record),
    values: Object.fromEntries(
      Object.entries(p.record).map(([column, value]) => [column, unguardCell(value)]),
    ),
  }));
  return { source, columns, records };
}

/** Reads and parses a CSV file; see {@link parseCsv}. The source name defaults to the file name. */
export function readCsvFile(path: string, options: CsvOptions = {}): CsvTable {
  const source = options.source ?? basename(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new ImportError(source, null, `cannot read file: ${fsReason(error)}`);
  }
  let text: string;
  try {
    text = decodeText(bytes, options.encoding).text;
  } catch {
    throw new ImportError(
      source,
      null,
      `not valid ${options.encoding ?? 'UTF-8'} text (try --encoding gb18030)`,
    );
  }
  return parseCsv(text, { ...options, source });
}

/** The value of `column` in `record`; throws an {@link ImportError} if the column is absent. */
export function csvField(table: CsvTable, record: CsvRecord, column: string): string {
  const value = record.values[column];
  if (value === undefined) {
    throw new ImportError(table.source, record.line, `missing column '${column}'`);
  }
  return value;
}
