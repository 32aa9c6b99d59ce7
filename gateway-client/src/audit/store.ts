/**
 * The off-chain audit store: blocks, transactions (valid and invalid) and the catalog writes they
 * carry, plus the replay checkpoint. {@link SqliteAuditStore} keeps it in one SQLite file through
 * Node's built-in `node:sqlite` (no native npm module to build or trust); `PgAuditStore`
 * (pg-store.ts) keeps the same tables in PostgreSQL for larger deployments.
 */
import { CatalogClientError } from '../errors';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { DecodedBlock, DecodedTransaction } from './block-decoder';
import {
  blockValues,
  metadataWriteValues,
  num,
  str,
  toBlock,
  toCheckpoint,
  toMetadataWrite,
  toRawBlock,
  toTransaction,
  toWrite,
  transactionValues,
  writeValues,
  type RawBlock,
  type Row,
} from './store-rows';
import { columnUpgrades, renderSchema } from './store-schema';

export type { RawBlock } from './store-rows';

/** A stored block header. */
export interface StoredBlock {
  readonly number: number;
  readonly hash: string;
  readonly previousHash: string;
  readonly dataHash: string;
  /** Data hash recomputed from the envelopes at replay time. */
  readonly computedDataHash: string;
  readonly txCount: number;
  readonly receivedAt: string;
}

/** A stored write of the catalog namespace. */
export interface StoredWrite {
  readonly writeIndex: number;
  readonly key: string;
  readonly objectType: string | null;
  readonly attributes: readonly string[];
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** A stored key-level metadata write (endorsement policy change). */
export interface StoredMetadataWrite {
  readonly writeIndex: number;
  readonly key: string;
  readonly name: string;
  readonly value: Uint8Array;
}

/** A stored transaction with its writes. */
export interface StoredTransaction {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly type: string;
  readonly timestamp: string | null;
  readonly creatorMsp: string | null;
  readonly creatorSubject: string | null;
  readonly creatorRole: string | null;
  readonly validationCode: number;
  readonly validationName: string;
  readonly chaincode: string | null;
  readonly function: string | null;
  readonly args: readonly string[];
  readonly endorsers: readonly string[];
  readonly eventName: string | null;
  readonly writes: readonly StoredWrite[];
  readonly metadataWrites: readonly StoredMetadataWrite[];
}

/** Where replay resumes: the next block to read (and, optionally, the last transaction done in it). */
export interface StoreCheckpoint {
  readonly blockNumber: number;
  readonly transactionId: string | null;
}

/** Outcome of {@link AuditStore.writeBlock}. */
export interface WriteBlockResult {
  /** False when the block was already stored (the call was a no-op). */
  readonly written: boolean;
  /** Number of catalog writes in the block. */
  readonly writes: number;
}

/** One block of {@link AuditStore.writeBlocks}, with when it was received (default: now). */
export interface BlockToWrite {
  readonly block: DecodedBlock;
  readonly receivedAt?: string;
}

/** Filter of {@link AuditStore.transactions}. */
export interface TransactionFilter {
  /** Only transactions with validation code 0. */
  readonly validOnly?: boolean;
  /** Only invalid transactions. */
  readonly invalidOnly?: boolean;
  readonly fromBlock?: number;
  readonly toBlock?: number;
}

/** Row counts and size of a store. */
export interface StoreStats {
  readonly blocks: number;
  readonly transactions: number;
  readonly invalidTransactions: number;
  readonly writes: number;
  /** Highest stored block number + 1 (0 when empty). */
  readonly height: number;
  /** Bytes on disk (0 for an in-memory store). */
  readonly sizeBytes: number;
}

/** Thrown when a block number is stored already with a different header hash. */
export class BlockConflictError extends Error {
  /** @param blockNumber - the conflicting block. */
  public constructor(
    public readonly blockNumber: number,
    public readonly storedHash: string,
    public readonly newHash: string,
  ) {
    super(`block ${blockNumber} is stored with hash ${storedHash}, refusing a different block ${newHash}`);
    this.name = BlockConflictError.name;
  }
}

/**
 * Storage of replayed blocks. Writing a block is atomic and idempotent by (block number,
 * transaction index); the checkpoint advances in the same transaction.
 */
export interface AuditStore {
  /** Stores a decoded block and advances the checkpoint past it; a no-op for a block already stored. */
  writeBlock(block: DecodedBlock, receivedAt?: string): Promise<WriteBlockResult>;
  /**
   * Stores several blocks in ONE SQL transaction and, in that same transaction, advances the
   * checkpoint (never backwards) past the highest block of the batch, already stored ones included:
   * after a crash the store holds all of the batch and its checkpoint, or none of it. Blocks already
   * stored are no-ops. A block that conflicts with a stored one ({@link BlockConflictError}) rejects
   * the call after the blocks before it in the batch are committed (with the checkpoint past them),
   * as separate {@link writeBlock} calls would have left them. Results are in batch order.
   */
  writeBlocks(blocks: readonly BlockToWrite[]): Promise<WriteBlockResult[]>;
  /** The replay checkpoint, or null before the first block. */
  getCheckpoint(): Promise<StoreCheckpoint | null>;
  /** Moves the checkpoint (never backwards past a stored block). */
  setCheckpoint(checkpoint: StoreCheckpoint): Promise<void>;
  /** The pinned genesis block hash (hex), set by `catalog audit replay --trust`, or null. */
  getTrustedGenesis(): Promise<string | null>;
  /** Pins the genesis block hash this store is verified against; refuses to change a pinned one. */
  setTrustedGenesis(hash: string): Promise<void>;
  /** Every stored block header, ascending. */
  listBlocks(): Promise<StoredBlock[]>;
  /** Transactions with their writes in ledger order (block, then index). */
  transactions(filter?: TransactionFilter): AsyncIterable<StoredTransaction>;
  /**
   * The serialized `common.Block` of every stored block numbered `fromBlock` (default 0) or above,
   * ascending, one at a time (for the independent verifier, which trusts no decoded column).
   */
  rawBlocks(fromBlock?: number): AsyncIterable<RawBlock>;
  /** Row counts and size. */
  stats(): Promise<StoreStats>;
  /** Releases the store. */
  close(): Promise<void>;
}

/** Rows of `writes` per multi-row INSERT (8 parameters each, far below SQLite's limit). */
const WRITES_PER_INSERT = 16;

/** Page cache of a store file, in KiB (SQLite's default is 2 MiB; the write indexes want more). */
const CACHE_KIB = 32 * 1024;

/** Options of {@link SqliteAuditStore}. */
export interface SqliteStoreOptions {
  /** Database file, or `:memory:` (default). */
  readonly path?: string;
}

/** The SQLite audit store (node:sqlite `DatabaseSync`, WAL journal for files). */
export class SqliteAuditStore implements AuditStore {
  /** The underlying database, for ad-hoc SQL (reports, tests). */
  public readonly db: DatabaseSync;
  readonly #path: string;
  readonly #insertBlock: StatementSync;
  readonly #blockHash: StatementSync;
  readonly #insertTx: StatementSync;
  readonly #insertWrite: StatementSync;
  readonly #insertWrites: StatementSync;
  readonly #insertMeta: StatementSync;
  readonly #advanceCheckpoint: StatementSync;
  readonly #txWrites: StatementSync;
  readonly #txMeta: StatementSync;

  /** Opens (creating if needed) a store. */
  public constructor(options: SqliteStoreOptions = {}) {
    this.#path = options.path ?? ':memory:';
    this.db = new DatabaseSync(this.#path);
    if (this.#path !== ':memory:') {
      this.db.exec(
        `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -${CACHE_KIB};`,
      );
    }
    this.db.exec(renderSchema('sqlite'));
    // a store created by an older release (e.g. before blocks kept their serialized bytes)
    const columns = this.db.prepare('SELECT name FROM pragma_table_info(?)');
    const has = (table: string, column: string): boolean =>
      (columns.all(table) as Row[]).some((c) => str(c, 'name') === column);
    for (const upgrade of columnUpgrades('sqlite', { has })) {
      this.db.exec(upgrade);
    }
    this.#insertBlock = this.db.prepare(
      `INSERT OR IGNORE INTO blocks (number, hash, previous_hash, data_hash, computed_data_hash, tx_count, received_at, raw)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#blockHash = this.db.prepare('SELECT hash FROM blocks WHERE number = ?');
    this.#insertTx = this.db.prepare(
      `INSERT OR IGNORE INTO transactions (block_number, tx_index, tx_id, type, timestamp, creator_msp,
         creator_subject, creator_role, validation_code, validation_name, chaincode, function, args_json,
         endorsers_json, event_name, decode_error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertWrite = this.db.prepare(
      `INSERT OR IGNORE INTO writes (block_number, tx_index, write_index, key, object_type, attrs_json, is_delete, value)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertWrites = this.db.prepare(
      `INSERT OR IGNORE INTO writes (block_number, tx_index, write_index, key, object_type, attrs_json, is_delete, value)
       VALUES ${Array.from({ length: WRITES_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.#insertMeta = this.db.prepare(
      `INSERT OR IGNORE INTO metadata_writes (block_number, tx_index, write_index, key, name, value)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#advanceCheckpoint = this.db.prepare(
      `INSERT INTO checkpoint (id, block_number, tx_id) VALUES (1, ?, NULL)
       ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, tx_id = NULL
       WHERE excluded.block_number > checkpoint.block_number`,
    );
    this.#txWrites = this.db.prepare(
      'SELECT * FROM writes WHERE block_number = ? AND tx_index = ? ORDER BY write_index',
    );
    this.#txMeta = this.db.prepare(
      'SELECT * FROM metadata_writes WHERE block_number = ? AND tx_index = ? ORDER BY write_index',
    );
  }

  /** {@inheritDoc AuditStore.writeBlock} */
  public writeBlock(
    block: DecodedBlock,
    receivedAt: string = new Date().toISOString(),
  ): Promise<WriteBlockResult> {
    const existing = this.#blockHash.get(block.number) as Row | undefined;
    const writes = block.transactions.reduce((n, tx) => n + tx.writes.length, 0);
    if (existing !== undefined) {
      if (str(existing, 'hash') !== block.hash) {
        return Promise.reject(new BlockConflictError(block.number, str(existing, 'hash'), block.hash));
      }
      return Promise.resolve({ written: false, writes });
    }
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const inserted = this.#insertBlock.run(...blockValues(block, receivedAt));
      for (const tx of block.transactions) {
        this.#writeTransaction(block.number, tx);
      }
      this.#advanceCheckpoint.run(block.number + 1);
      this.db.exec('COMMIT');
      return Promise.resolve({ written: Number(inserted.changes) > 0, writes });
    } catch (error) {
      this.db.exec('ROLLBACK');
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** {@inheritDoc AuditStore.writeBlocks} */
  public writeBlocks(blocks: readonly BlockToWrite[]): Promise<WriteBlockResult[]> {
    const results: WriteBlockResult[] = [];
    let conflict: BlockConflictError | null = null;
    let next = -1;
    if (blocks.length === 0) {
      return Promise.resolve(results);
    }
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const { block, receivedAt } of blocks) {
        const writes = block.transactions.reduce((n, tx) => n + tx.writes.length, 0);
        const existing = this.#blockHash.get(block.number) as Row | undefined;
        if (existing !== undefined) {
          if (str(existing, 'hash') !== block.hash) {
            conflict = new BlockConflictError(block.number, str(existing, 'hash'), block.hash);
            break;
          }
          results.push({ written: false, writes });
        } else {
          this.#insertBlock.run(...blockValues(block, receivedAt ?? new Date().toISOString()));
          for (const tx of block.transactions) {
            this.#writeTransaction(block.number, tx);
          }
          results.push({ written: true, writes });
        }
        next = Math.max(next, block.number + 1);
      }
      if (next >= 0) {
        this.#advanceCheckpoint.run(next);
      }
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return conflict === null ? Promise.resolve(results) : Promise.reject(conflict);
  }

  #writeTransaction(blockNumber: number, tx: DecodedTransaction): void {
    this.#insertTx.run(...transactionValues(blockNumber, tx));
    const rows = writeValues(blockNumber, tx);
    let at = 0;
    // a chunk's hundreds of writes: several rows per statement (fewer calls into SQLite)
    for (; at + WRITES_PER_INSERT <= rows.length; at += WRITES_PER_INSERT) {
      this.#insertWrites.run(...rows.slice(at, at + WRITES_PER_INSERT).flat());
    }
    for (; at < rows.length; at++) {
      this.#insertWrite.run(...(rows[at] ?? []));
    }
    for (const values of metadataWriteValues(blockNumber, tx)) {
      this.#insertMeta.run(...values);
    }
  }

  /** {@inheritDoc AuditStore.getCheckpoint} */
  public getCheckpoint(): Promise<StoreCheckpoint | null> {
    const row = this.db.prepare('SELECT block_number, tx_id FROM checkpoint WHERE id = 1').get() as
      Row | undefined;
    return Promise.resolve(toCheckpoint(row));
  }

  /** {@inheritDoc AuditStore.getTrustedGenesis} */
  public getTrustedGenesis(): Promise<string | null> {
    const row = this.db.prepare('SELECT genesis_hash FROM trust WHERE id = 1').get() as Row | undefined;
    return Promise.resolve(row === undefined ? null : str(row, 'genesis_hash'));
  }

  /** {@inheritDoc AuditStore.setTrustedGenesis} */
  public async setTrustedGenesis(hash: string): Promise<void> {
    const pinned = await this.getTrustedGenesis();
    if (pinned !== null && pinned !== hash) {
      throw new CatalogClientError(
        'TRUST_MISMATCH',
        `this store is pinned to genesis ${pinned}, not ${hash}: another channel's (or a rebuilt network's) store; use a new --store`,
      );
    }
    this.db.prepare('INSERT OR IGNORE INTO trust (id, genesis_hash) VALUES (1, ?)').run(hash);
  }

  /** {@inheritDoc AuditStore.setCheckpoint} */
  public setCheckpoint(checkpoint: StoreCheckpoint): Promise<void> {
    const top = this.db.prepare('SELECT MAX(number) AS top FROM blocks').get() as Row;
    const floor = top['top'] === null ? 0 : num(top, 'top') + 1;
    this.db
      .prepare(
        `INSERT INTO checkpoint (id, block_number, tx_id) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, tx_id = excluded.tx_id`,
      )
      .run(Math.max(floor, checkpoint.blockNumber), checkpoint.transactionId);
    return Promise.resolve();
  }

  /** {@inheritDoc AuditStore.listBlocks} */
  public listBlocks(): Promise<StoredBlock[]> {
    return Promise.resolve(
      (this.db.prepare('SELECT * FROM blocks ORDER BY number').all() as Row[]).map(toBlock),
    );
  }

  /** {@inheritDoc AuditStore.transactions} */
  public async *transactions(filter: TransactionFilter = {}): AsyncIterable<StoredTransaction> {
    const where: string[] = ['block_number >= ?', 'block_number <= ?'];
    if (filter.validOnly === true) {
      where.push('validation_code = 0');
    }
    if (filter.invalidOnly === true) {
      where.push('validation_code <> 0');
    }
    const rows = this.db
      .prepare(`SELECT * FROM transactions WHERE ${where.join(' AND ')} ORDER BY block_number, tx_index`)
      .all(filter.fromBlock ?? 0, filter.toBlock ?? Number.MAX_SAFE_INTEGER) as Row[];
    for (const row of rows) {
      const block = num(row, 'block_number');
      const index = num(row, 'tx_index');
      const writes = (this.#txWrites.all(block, index) as Row[]).map(toWrite);
      const meta = (this.#txMeta.all(block, index) as Row[]).map(toMetadataWrite);
      yield toTransaction(row, writes, meta);
      await Promise.resolve();
    }
  }

  /** {@inheritDoc AuditStore.rawBlocks} */
  public async *rawBlocks(fromBlock = 0): AsyncIterable<RawBlock> {
    // one row at a time: a history's blocks need not fit in memory together
    const rows = this.db
      .prepare('SELECT number, raw FROM blocks WHERE number >= ? ORDER BY number')
      .iterate(fromBlock);
    for (const row of rows) {
      yield toRawBlock(row);
      await Promise.resolve();
    }
  }

  /** {@inheritDoc AuditStore.stats} */
  public stats(): Promise<StoreStats> {
    const count = (sql: string): number => num(this.db.prepare(sql).get() as Row, 'n');
    const top = this.db.prepare('SELECT MAX(number) AS top FROM blocks').get() as Row;
    let sizeBytes = 0;
    if (this.#path !== ':memory:') {
      const pages = count('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()');
      sizeBytes = pages;
    }
    return Promise.resolve({
      blocks: count('SELECT COUNT(*) AS n FROM blocks'),
      transactions: count('SELECT COUNT(*) AS n FROM transactions'),
      invalidTransactions: count('SELECT COUNT(*) AS n FROM transactions WHERE validation_code <> 0'),
      writes: count('SELECT COUNT(*) AS n FROM writes'),
      height: top['top'] === null ? 0 : num(top, 'top') + 1,
      sizeBytes,
    });
  }

  /** {@inheritDoc AuditStore.close} */
  public close(): Promise<void> {
    if (this.db.isOpen) {
      this.db.close();
    }
    return Promise.resolve();
  }
}

/** True for a PostgreSQL URL (`postgres://…` or `postgresql://…`). */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the SQLite audit store at `location`: a file path or `:memory:`. PostgreSQL URLs need a
 * connection first, so they are opened by `openAuditStoreAsync` (which takes both kinds).
 */
export function openAuditStore(location: string): AuditStore {
  if (isPostgresLocation(location)) {
    throw new Error('PostgreSQL audit stores open asynchronously: use openAuditStoreAsync(url)');
  }
  return new SqliteAuditStore({ path: location });
}
