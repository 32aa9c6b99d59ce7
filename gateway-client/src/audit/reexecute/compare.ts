/**
 * Byte-for-byte comparison of what a transaction carried on the ledger with what the released
 * chaincode produces when it is re-executed. Reports the first divergence: response status, then
 * writes in key order (UTF-8 bytes), then key-level metadata (endorsement policies), then the event,
 * then the response message and payload.
 *
 * In a divergence, `expected` is what the released code produced and `actual` what the ledger
 * recorded: `extra-write` is a key the ledger wrote that the code does not write, `missing-write` a
 * key the code writes that the ledger does not.
 */
import type { DecodedTransaction } from '../block-decoder';
import type { ReexecutionResult } from './reexecute';
import { compareUtf8, type ReplayEvent, type ReplayMetadataWrite, type ReplayWrite } from './replay-stub';

/** A chaincode response: status, message and payload. */
export interface ChaincodeResponse {
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
}

/** What one transaction carried on the ledger (catalog namespace only). */
export interface RecordedExecution {
  readonly writes: readonly ReplayWrite[];
  readonly metadataWrites: readonly ReplayMetadataWrite[];
  readonly event: ReplayEvent | null;
  /**
   * The chaincode response the endorsers signed (proposal response payload), when available;
   * absent or null: only the status rule applies (a committed valid transaction must succeed).
   */
  readonly response?: ChaincodeResponse | null;
}

/** Kind of a divergence. */
export type DivergenceKind =
  'write' | 'delete' | 'missing-write' | 'extra-write' | 'metadata' | 'event' | 'response' | 'status';

/** The first difference between the ledger and the re-execution. */
export interface ExecutionDivergence {
  readonly what: DivergenceKind;
  /** The state key concerned (writes and metadata). */
  readonly key?: string;
  /** What the released code produced (preview). */
  readonly expected: string;
  /** What the ledger recorded (preview). */
  readonly actual: string;
}

const PREVIEW_CHARS = 160;
const PREVIEW_HEX_BYTES = 48;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A short printable rendering of bytes: UTF-8 text when it is text, else hex. */
export function previewBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) {
    return '(empty)';
  }
  let text: string | null = null;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = null;
  }
  // eslint-disable-next-line no-control-regex -- control characters mark binary data
  if (text !== null && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) {
    return text.length <= PREVIEW_CHARS ? text : `${text.slice(0, PREVIEW_CHARS)}… (${bytes.length} bytes)`;
  }
  const hex = Buffer.from(bytes.subarray(0, PREVIEW_HEX_BYTES)).toString('hex');
  return bytes.length <= PREVIEW_HEX_BYTES ? `hex:${hex}` : `hex:${hex}… (${bytes.length} bytes)`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Where two strings differ first (a preview of both around that point) for long near-equal values. */
function pairPreview(expected: Uint8Array, actual: Uint8Array): { expected: string; actual: string } {
  const e = previewBytes(expected);
  const a = previewBytes(actual);
  if (e !== a || expected.length <= PREVIEW_HEX_BYTES) {
    return { expected: e, actual: a };
  }
  // Same prefix preview: show the bytes around the first difference instead.
  let i = 0;
  while (i < expected.length && i < actual.length && expected[i] === actual[i]) {
    i++;
  }
  const from = Math.max(0, i - 16);
  const around = (bytes: Uint8Array): string =>
    `…@${from}: ${previewBytes(bytes.subarray(from, from + PREVIEW_HEX_BYTES))}`;
  return { expected: around(expected), actual: around(actual) };
}

function writeText(w: { isDelete: boolean; value: Uint8Array } | undefined): string {
  if (w === undefined) {
    return '(no write)';
  }
  return w.isDelete ? '(delete)' : previewBytes(w.value);
}

function byKey<T extends { key: string }>(items: readonly T[], name?: (t: T) => string): T[] {
  return [...items].sort(
    (a, b) => compareUtf8(a.key, b.key) || (name === undefined ? 0 : compareUtf8(name(a), name(b))),
  );
}

function compareWrites(
  expected: ReexecutionResult['writes'],
  actual: RecordedExecution['writes'],
): ExecutionDivergence | null {
  const e = byKey(expected);
  const a = byKey(actual);
  let i = 0;
  let j = 0;
  while (i < e.length || j < a.length) {
    const x = e[i];
    const y = a[j];
    const order = x === undefined ? 1 : y === undefined ? -1 : compareUtf8(x.key, y.key);
    if (order < 0 && x !== undefined) {
      return { what: 'missing-write', key: x.key, expected: writeText(x), actual: writeText(undefined) };
    }
    if (order > 0 && y !== undefined) {
      return { what: 'extra-write', key: y.key, expected: writeText(undefined), actual: writeText(y) };
    }
    if (x === undefined || y === undefined) {
      break;
    }
    if (x.isDelete !== y.isDelete) {
      return { what: 'delete', key: x.key, expected: writeText(x), actual: writeText(y) };
    }
    if (!x.isDelete && !sameBytes(x.value, y.value)) {
      return { what: 'write', key: x.key, ...pairPreview(x.value, y.value) };
    }
    i++;
    j++;
  }
  return null;
}

function compareMetadata(
  expected: ReexecutionResult['metadataWrites'],
  actual: RecordedExecution['metadataWrites'],
): ExecutionDivergence | null {
  const e = byKey(expected, (m) => m.name);
  const a = byKey(actual, (m) => m.name);
  const text = (m: { name: string; value: Uint8Array } | undefined): string =>
    m === undefined ? '(no metadata write)' : `${m.name}=${previewBytes(m.value)}`;
  let i = 0;
  let j = 0;
  while (i < e.length || j < a.length) {
    const x = e[i];
    const y = a[j];
    const order =
      x === undefined ? 1 : y === undefined ? -1 : compareUtf8(x.key, y.key) || compareUtf8(x.name, y.name);
    if (order < 0 && x !== undefined) {
      return { what: 'metadata', key: x.key, expected: text(x), actual: text(undefined) };
    }
    if (order > 0 && y !== undefined) {
      return { what: 'metadata', key: y.key, expected: text(undefined), actual: text(y) };
    }
    if (x === undefined || y === undefined) {
      break;
    }
    if (!sameBytes(x.value, y.value)) {
      return { what: 'metadata', key: x.key, expected: text(x), actual: text(y) };
    }
    i++;
    j++;
  }
  return null;
}

function eventText(ev: { name: string; payload: Uint8Array } | null): string {
  return ev === null ? '(no event)' : `${ev.name} ${previewBytes(ev.payload)}`;
}

function statusText(status: number, message: string): string {
  return message === '' ? String(status) : `${status} ${message}`;
}

/**
 * The first divergence between a committed-valid transaction as recorded and its re-execution, or
 * null when they agree byte for byte. A re-execution that fails (status >= 400) is a divergence.
 */
export function compareExecution(
  recorded: RecordedExecution,
  reexecuted: ReexecutionResult,
): ExecutionDivergence | null {
  const response = recorded.response ?? null;
  if (reexecuted.status >= 400) {
    return {
      what: 'status',
      expected: statusText(reexecuted.status, reexecuted.message),
      actual: response === null ? 'committed as valid' : statusText(response.status, response.message),
    };
  }
  if (response !== null && response.status !== reexecuted.status) {
    return {
      what: 'status',
      expected: statusText(reexecuted.status, reexecuted.message),
      actual: statusText(response.status, response.message),
    };
  }
  const write = compareWrites(reexecuted.writes, recorded.writes);
  if (write !== null) {
    return write;
  }
  const metadata = compareMetadata(reexecuted.metadataWrites, recorded.metadataWrites);
  if (metadata !== null) {
    return metadata;
  }
  const e = reexecuted.event;
  const a = recorded.event;
  if (
    (e === null) !== (a === null) ||
    (e !== null && a !== null && (e.name !== a.name || !sameBytes(e.payload, a.payload)))
  ) {
    return { what: 'event', expected: eventText(e), actual: eventText(a) };
  }
  if (response !== null) {
    if (response.message !== reexecuted.message) {
      return {
        what: 'response',
        expected: `message ${reexecuted.message}`,
        actual: `message ${response.message}`,
      };
    }
    if (!sameBytes(response.payload, reexecuted.payload)) {
      return { what: 'response', ...pairPreview(reexecuted.payload, response.payload) };
    }
  }
  return null;
}

/**
 * The recorded side of a decoded block transaction (catalog namespace writes, metadata writes,
 * event); pass the endorsed chaincode response when the caller has decoded it.
 */
export function recordedFromDecoded(
  tx: DecodedTransaction,
  response?: RecordedExecution['response'],
): RecordedExecution {
  return {
    writes: tx.writes.map((w) => ({ key: w.key, isDelete: w.isDelete, value: w.value })),
    metadataWrites: tx.metadataWrites.flatMap((m) =>
      m.entries.map((entry) => ({ key: m.key, name: entry.name, value: entry.value })),
    ),
    event:
      tx.eventName === null ? null : { name: tx.eventName, payload: tx.eventPayload ?? new Uint8Array(0) },
    ...(response === undefined ? {} : { response }),
  };
}
