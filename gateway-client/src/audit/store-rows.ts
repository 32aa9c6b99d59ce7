/**
 * Row mapping shared by the audit stores (SQLite and PostgreSQL): the column values written for a
 * decoded block, and the stored objects read back from result rows. Both stores use the same column
 * names, so a row means the same thing whichever database it came from.
 */
import type { DecodedBlock, DecodedTransaction } from './block-decoder';
import type {
  StoreCheckpoint,
  StoredBlock,
  StoredMetadataWrite,
  StoredTransaction,
  StoredWrite,
} from './store';

/** A result row, by column name. */
export type Row = Record<string, unknown>;

/** A value bound to a statement parameter. */
export type SqlValue = string | number | null | Uint8Array;

/** Columns of `blocks`, in the order of {@link blockValues}. */
export const BLOCK_COLUMNS = [
  'number',
  'hash',
  'previous_hash',
  'data_hash',
  'computed_data_hash',
  'tx_count',
  'received_at',
  'raw',
] as const;

/** Columns of `transactions`, in the order of {@link transactionValues}. */
export const TRANSACTION_COLUMNS = [
  'block_number',
  'tx_index',
  'tx_id',
  'type',
  'timestamp',
  'creator_msp',
  'creator_subject',
  'creator_role',
  'validation_code',
  'validation_name',
  'chaincode',
  'function',
  'args_json',
  'endorsers_json',
  'event_name',
  'decode_error',
] as const;

/** Columns of `writes`, in the order of {@link writeValues}. */
export const WRITE_COLUMNS = [
  'block_number',
  'tx_index',
  'write_index',
  'key',
  'object_type',
  'attrs_json',
  'is_delete',
  'value',
] as const;

/** Columns of `metadata_writes`, in the order of {@link metadataWriteValues}. */
export const METADATA_WRITE_COLUMNS = [
  'block_number',
  'tx_index',
  'write_index',
  'key',
  'name',
  'value',
] as const;

export function str(row: Row, column: string): string {
  const v = row[column];
  return typeof v === 'string' ? v : String(v);
}

export function strOrNull(row: Row, column: string): string | null {
  const v = row[column];
  return v === null || v === undefined ? null : str(row, column);
}

/** A number column (PostgreSQL BIGINT and COUNT arrive as decimal strings). */
export function num(row: Row, column: string): number {
  return Number(row[column]);
}

/** A BLOB / BYTEA column as a plain `Uint8Array` (node-postgres returns Buffers). */
export function bytes(row: Row, column: string): Uint8Array {
  const v = row[column];
  if (!(v instanceof Uint8Array)) {
    return new Uint8Array();
  }
  // a copy: small Buffers are views of Node's shared allocation pool
  return Buffer.isBuffer(v) ? new Uint8Array(v) : v;
}

/** Keys are stored as UTF-8 BLOBs: composite keys contain U+0000, which SQLite text would cut. */
export function keyBytes(key: string): Uint8Array {
  return Buffer.from(key, 'utf8');
}

export function keyText(row: Row, column: string): string {
  return Buffer.from(bytes(row, column)).toString('utf8');
}

function jsonArray(row: Row, column: string): string[] {
  const parsed = JSON.parse(str(row, column)) as unknown;
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

/** Values of a block's `blocks` row. */
export function blockValues(block: DecodedBlock, receivedAt: string): SqlValue[] {
  return [
    block.number,
    block.hash,
    block.previousHash,
    block.dataHash,
    block.computedDataHash,
    block.transactions.length,
    receivedAt,
    block.raw,
  ];
}

/** A stored serialized block, as `AuditStore.rawBlocks` yields it. */
export interface RawBlock {
  readonly number: number;
  readonly bytes: Uint8Array;
}

/** Maps a `number, raw` row; a block stored before the `raw` column existed has no bytes to verify. */
export function toRawBlock(row: Row): RawBlock {
  const number = num(row, 'number');
  if (!(row['raw'] instanceof Uint8Array)) {
    throw new Error(
      `block ${number} was stored without its raw bytes (before the raw column existed): replay it into a new store`,
    );
  }
  return { number, bytes: bytes(row, 'raw') };
}

/** Values of a transaction's `transactions` row. */
export function transactionValues(blockNumber: number, tx: DecodedTransaction): SqlValue[] {
  return [
    blockNumber,
    tx.index,
    tx.txId,
    tx.type,
    tx.timestamp,
    tx.creator?.mspId ?? null,
    tx.creator?.subject ?? null,
    tx.creator?.role ?? null,
    tx.validationCode,
    tx.validationName,
    tx.chaincode,
    tx.function,
    JSON.stringify(tx.args),
    JSON.stringify(tx.endorsers),
    tx.eventName,
    tx.decodeError,
  ];
}

/** Values of a transaction's `writes` rows, numbered in read/write-set order. */
export function writeValues(blockNumber: number, tx: DecodedTransaction): SqlValue[][] {
  return tx.writes.map((w, i) => [
    blockNumber,
    tx.index,
    i,
    keyBytes(w.key),
    w.objectType,
    JSON.stringify(w.attributes),
    w.isDelete ? 1 : 0,
    w.value,
  ]);
}

/** Values of a transaction's `metadata_writes` rows: one per entry, numbered across its keys. */
export function metadataWriteValues(blockNumber: number, tx: DecodedTransaction): SqlValue[][] {
  const rows: SqlValue[][] = [];
  for (const m of tx.metadataWrites) {
    for (const entry of m.entries) {
      rows.push([blockNumber, tx.index, rows.length, keyBytes(m.key), entry.name, entry.value]);
    }
  }
  return rows;
}

export function toBlock(row: Row): StoredBlock {
  return {
    number: num(row, 'number'),
    hash: str(row, 'hash'),
    previousHash: str(row, 'previous_hash'),
    dataHash: str(row, 'data_hash'),
    computedDataHash: str(row, 'computed_data_hash'),
    txCount: num(row, 'tx_count'),
    receivedAt: str(row, 'received_at'),
  };
}

export function toWrite(row: Row): StoredWrite {
  return {
    writeIndex: num(row, 'write_index'),
    key: keyText(row, 'key'),
    objectType: strOrNull(row, 'object_type'),
    attributes: jsonArray(row, 'attrs_json'),
    isDelete: num(row, 'is_delete') !== 0,
    value: bytes(row, 'value'),
  };
}

export function toMetadataWrite(row: Row): StoredMetadataWrite {
  return {
    writeIndex: num(row, 'write_index'),
    key: keyText(row, 'key'),
    name: str(row, 'name'),
    value: bytes(row, 'value'),
  };
}

export function toTransaction(
  row: Row,
  writes: StoredWrite[],
  metadataWrites: StoredMetadataWrite[],
): StoredTransaction {
  return {
    blockNumber: num(row, 'block_number'),
    txIndex: num(row, 'tx_index'),
    txId: str(row, 'tx_id'),
    type: str(row, 'type'),
    timestamp: strOrNull(row, 'timestamp'),
    creatorMsp: strOrNull(row, 'creator_msp'),
    creatorSubject: strOrNull(row, 'creator_subject'),
    creatorRole: strOrNull(row, 'creator_role'),
    validationCode: num(row, 'validation_code'),
    validationName: str(row, 'validation_name'),
    chaincode: strOrNull(row, 'chaincode'),
    function: strOrNull(row, 'function'),
    args: jsonArray(row, 'args_json'),
    endorsers: jsonArray(row, 'endorsers_json'),
    eventName: strOrNull(row, 'event_name'),
    writes,
    metadataWrites,
  };
}

export function toCheckpoint(row: Row | undefined): StoreCheckpoint | null {
  return row === undefined
    ? null
    : { blockNumber: num(row, 'block_number'), transactionId: strOrNull(row, 'tx_id') };
}
