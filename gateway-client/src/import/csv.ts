/**
 * Reading the source CSV files: UTF-8, one header row, RFC-4180 quoting (fields may hold line
 * breaks). Every record keeps the 1-based line of the file on which it starts, so that import errors
 * can point at the source row.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';

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

/** Options of {@link parseCsv} and {@link readCsvFile}. */
export interface CsvOptions {
  /** Name of the source for error messages (default `input.csv`, or the file name). */
  readonly source?: string;
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
    values: p.record,
  }));
  return { source, columns, records };
}

/** Reads and parses a CSV file; see {@link parseCsv}. The source name defaults to the file name. */
export function readCsvFile(path: string, options: CsvOptions = {}): CsvTable {
  let text: Buffer;
  try {
    text = readFileSync(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportError(options.source ?? basename(path), null, `cannot read file: ${message}`);
  }
  return parseCsv(text, { ...options, source: options.source ?? basename(path) });
}

/** The value of `column` in `record`; throws an {@link ImportError} if the column is absent. */
export function csvField(table: CsvTable, record: CsvRecord, column: string): string {
  const value = record.values[column];
  if (value === undefined) {
    throw new ImportError(table.source, record.line, `missing column '${column}'`);
  }
  return value;
}
