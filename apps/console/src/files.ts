/**
 * Reading what people paste or upload: claim lines and proposal changes, as CSV with a header row
 * (papaparse) or as JSON. A refusal names its catalogue message ({@link InputError}), so the page
 * shows it in its language.
 */
import Papa from 'papaparse';
import type { Change } from '@nrdl-catalog/chaincode/model';
import type { ClaimLine } from './api';
import type { ConsoleKey } from './i18n';
import type { Params } from '@nrdl-catalog/chaincode/messages';

/** Input the console cannot read, with the message that says why. */
export class InputError extends Error {
  public constructor(
    public readonly key: ConsoleKey,
    public readonly params: Params = {},
  ) {
    super(key);
    this.name = 'InputError';
  }
}

function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text);
}

function parseJson(text: string, onError: (detail: string) => InputError): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw onError(error instanceof Error ? error.message : String(error));
  }
}

/** The rows of a CSV text with a header row (blank lines skipped, cells trimmed). */
function csvRows(
  text: string,
  onError: (row: number, detail: string) => InputError,
): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => header.trim(),
    transform: (value) => value.trim(),
  });
  // one column has no delimiter to detect: not an error of the text
  const first = parsed.errors.find((error) => error.code !== 'UndetectableDelimiter');
  if (first !== undefined) throw onError((first.row ?? 0) + 2, first.message);
  return parsed.data;
}

const CLAIM_TEXT = ['itemId', 'name', 'dosageForm', 'code', 'date', 'time', 'amount'] as const;
const CLAIM_NUMBERS = ['quantity', 'amountFen'] as const;

/** Claim lines from CSV (columns itemId|name|code, dosageForm, quantity, date, time, amount, amountFen) or JSON. */
export function parseClaim(text: string): ClaimLine[] {
  if (text.trim() === '') throw new InputError('console.claim.noLines');
  let lines: ClaimLine[];
  if (looksLikeJson(text)) {
    const value = parseJson(text, (detail) => new InputError('console.claim.parseError', { detail }));
    const list = Array.isArray(value) ? value : (value as { lines?: unknown }).lines;
    if (!Array.isArray(list)) throw new InputError('console.claim.notArray');
    lines = list as ClaimLine[];
  } else {
    const rows = csvRows(
      text,
      (row, detail) => new InputError('console.claim.parseError', { detail: `${String(row)}: ${detail}` }),
    );
    lines = rows.map((row, index) => {
      const line: Record<string, string | number> = {};
      for (const name of CLAIM_TEXT) {
        const value = row[name];
        if (value !== undefined && value !== '') line[name] = value;
      }
      for (const name of CLAIM_NUMBERS) {
        const value = row[name];
        if (value === undefined || value === '') continue;
        const number = Number(value);
        if (!Number.isFinite(number))
          throw new InputError('console.claim.parseError', {
            detail: `${String(index + 2)}: ${name} "${value}"`,
          });
        line[name] = number;
      }
      return line;
    });
  }
  if (lines.length === 0) throw new InputError('console.claim.noLines');
  return lines;
}

/** Columns whose cells are numbers (the rest are text, booleans, null or JSON). */
const NUMERIC_FIELDS = new Set(['amount', 'selfPayRatio', 'minAge', 'maxAge', 'maxDays', 'maxQuantity']);

function cellValue(column: string, cell: string): unknown {
  if (/^[[{]/.test(cell)) return JSON.parse(cell) as unknown;
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (cell === 'null') return null;
  const last = column.split('.').pop() ?? column;
  if (NUMERIC_FIELDS.has(last)) {
    const number = Number(cell);
    if (!Number.isFinite(number)) throw new Error(`${column}: "${cell}" is not a number`);
    return number;
  }
  return cell;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const next = target[head];
  const child = next !== null && typeof next === 'object' ? (next as Record<string, unknown>) : {};
  target[head] = child;
  setPath(child, rest, value);
}

/**
 * Changes from JSON (an array, or `{ "changes": [...] }`) or from CSV: a column `op` and one column
 * per field by dotted path (`item.name`, `item.paymentStandard.text`, `overlay.restriction`,
 * `itemId`); empty cells are left out, `true`/`false`/`null` and cells starting with `{` or `[`
 * (JSON) keep their type. The API checks each change against the schema.
 */
export function parseChanges(text: string): Change[] {
  if (text.trim() === '') throw new InputError('console.create.noChanges');
  let changes: unknown[];
  if (looksLikeJson(text)) {
    const value = parseJson(
      text,
      (detail) => new InputError('console.create.parseError', { row: 1, detail }),
    );
    const list = Array.isArray(value) ? value : (value as { changes?: unknown }).changes;
    if (!Array.isArray(list)) throw new InputError('console.create.parseError', { row: 1, detail: '[ … ]' });
    changes = list;
  } else {
    const rows = csvRows(text, (row, detail) => new InputError('console.create.parseError', { row, detail }));
    changes = rows.map((row, index) => {
      const change: Record<string, unknown> = {};
      for (const [column, cell] of Object.entries(row)) {
        if (cell === '' || column === '') continue;
        try {
          setPath(change, column.split('.'), cellValue(column, cell));
        } catch (error) {
          throw new InputError('console.create.parseError', {
            row: index + 2,
            detail: error instanceof Error ? error.message : String(error),
          });
        }
      }
      if (typeof change.op !== 'string')
        throw new InputError('console.create.parseError', { row: index + 2, detail: 'op' });
      return change;
    });
  }
  if (changes.length === 0) throw new InputError('console.create.noChanges');
  return changes as Change[];
}

/** The text of an uploaded file (UTF-8). */
export function readFile(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = (): void => {
      resolve(typeof reader.result === 'string' ? reader.result : '');
    };
    reader.onerror = (): void => {
      reject(reader.error ?? new Error('FileReader'));
    };
    reader.readAsText(file, 'utf-8');
  });
}
