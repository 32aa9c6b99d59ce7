/**
 * The PostgreSQL audit store, for deployments larger than one SQLite file: the same tables and the
 * same guarantees as {@link SqliteAuditStore} (one SQL transaction per block or batch of blocks, idempotent by block
 * number and transaction index, a different block under a stored number refused, transactions in
 * ledger order), through node-postgres (`pg`). The tables live in their own schema, `catalog_audit`
 * unless the URL says `?schema=…`, and are created on open.
 */
import { CatalogClientError } from '../errors';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { DecodedBlock } from './block-decoder';
import {
  BLOCK_COLUMNS,
  blockValues,
  METADATA_WRITE_COLUMNS,
  metadataWriteValues,
  num,
  str,
  toBlock,
  toCheckpoint,
  toMetadataWrite,
  toRawBlock,
  toTransaction,
  toWrite,
  TRANSACTION_COLUMNS,
  transactionValues,
  WRITE_COLUMNS,
  writeValues,
  type RawBlock,
  type Row,
  type SqlValue,
} from './store-rows';
import {
  BlockConflictError,
  type AuditStore,
  type BlockToWrite,
  type StoreCheckpoint,
  type StoredBlock,
  type StoredMetadataWrite,
  type StoredTransaction,
  type StoredWrite,
  type StoreStats,
  type TransactionFilter,
  type WriteBlockResult,
} from './store';
import { AUDIT_TABLES, columnUpgrades, renderSchema, type AuditTable } from './store-schema';

/** Schema of the audit tables unless the URL or the options name another. */
export const DEFAULT_PG_SCHEMA = 'catalog_audit';

export type { AuditTable } from './store-schema';

const TABLES: readonly AuditTable[] = AUDIT_TABLES.map((table) => table.name);

/** Options of {@link PgAuditStore.open}. */
export interface PgStoreOptions {
  /** Schema of the tables (wins over the URL's `?schema=`); default `catalog_audit`. */
  readonly schema?: string;
  /** Transactions read per page by {@link PgAuditStore.transactions} (default 500). */
  readonly pageSize?: number;
  /** Extra node-postgres pool settings (e.g. `max`, `ssl`); the connection string comes from the URL. */
  readonly pool?: Omit<PoolConfig, 'connectionString'>;
}

/** Blocks read per query by {@link PgAuditStore.rawBlocks} (blocks can be megabytes each). */
const RAW_PAGE = 16;

/** Rows per multi-row INSERT (PostgreSQL binds at most 65,535 parameters per statement). */
const INSERT_BATCH = 1000;

/** Shows a PostgreSQL URL without its password. */
export function redactPostgresUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(name)) {
    throw new Error(`invalid PostgreSQL schema name ${JSON.stringify(name)}: use letters, digits and _`);
  }
  return `"${name}"`;
}

/** Splits the store's `?schema=` off a PostgreSQL URL; the rest is node-postgres's connection string. */
export function parsePostgresLocation(url: string): { connectionString: string; schema: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a PostgreSQL URL: ${redactPostgresUrl(url)}`);
  }
  if (!/^postgres(ql)?:$/i.test(parsed.protocol)) {
    throw new Error(`not a PostgreSQL URL: ${redactPostgresUrl(url)}`);
  }
  const schema = parsed.searchParams.get('schema');
  if (schema === null) {
    return { connectionString: url, schema: null };
  }
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

function schemaSql(schema: string): string {
  const tableName = (table: AuditTable): string => `${schema}.${table}`;
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema};`,
    renderSchema('postgres', tableName),
    ...columnUpgrades('postgres', { tableName }),
  ].join('\n');
}

async function rollback(client: PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
  } catch {
    // the connection is gone; releasing it with the error discards it
  }
}

/** The PostgreSQL audit store; open it with {@link PgAuditStore.open}. */
export class PgAuditStore implements AuditStore {
  /** The connection pool, for ad-hoc SQL (reports, tests); tables are in {@link PgAuditStore.schema}. */
  public readonly pool: Pool;
  /** Schema of the tables (unquoted). */
  public readonly schema: string;
  readonly #s: string;
  readonly #pageSize: number;
  #closed = false;

  private constructor(pool: Pool, schema: string, pageSize: number) {
    this.pool = pool;
    this.schema = schema;
    this.#s = quoteIdent(schema);
    this.#pageSize = pageSize;
  }

  /**
   * Connects to `url` (`postgres://user:password@host:port/database[?schema=name]`), creates the
   * schema and tables if needed and returns the store. Fails (and holds no connection) when the
   * server cannot be reached.
   */
  public static async open(url: string, options: PgStoreOptions = {}): Promise<PgAuditStore> {
    const location = parsePostgresLocation(url);
    const schema = options.schema ?? location.schema ?? DEFAULT_PG_SCHEMA;
    const quoted = quoteIdent(schema);
    const pageSize = options.pageSize ?? 500;
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new Error(`pageSize must be a positive integer, not ${pageSize}`);
    }
    const pool = new Pool({
      max: 4,
      connectionTimeoutMillis: 10_000,
      application_name: 'catalog-audit',
      ...options.pool,
      connectionString: location.connectionString,
    });
    // An idle client whose server went away: the next query gets a new connection (or the error).
    pool.on('error', () => undefined);
    const store = new PgAuditStore(pool, schema, pageSize);
    try {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // concurrent openers would race on CREATE SCHEMA / CREATE TABLE IF NOT EXISTS
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`catalog-audit:${schema}`]);
        await client.query(schemaSql(quoted));
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        await rollback(client);
        client.release(error instanceof Error ? error : true);
        throw error;
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`PostgreSQL audit store ${redactPostgresUrl(url)} is unavailable: ${message}`, {
        cause: error,
      });
    }
    return store;
  }

  /** The schema-qualified, quoted name of an audit table, for ad-hoc SQL. */
  public table(name: AuditTable): string {
    return `${this.#s}.${name}`;
  }

  /** {@inheritDoc AuditStore.writeBlock} */
  public async writeBlock(
    block: DecodedBlock,
    receivedAt: string = new Date().toISOString(),
  ): Promise<WriteBlockResult> {
    const writes = block.transactions.reduce((n, tx) => n + tx.writes.length, 0);
    const client = await this.pool.connect();
    let failed: Error | undefined;
    try {
      await client.query('BEGIN');
      const inserted = await this.#insert(client, 'blocks', BLOCK_COLUMNS, [blockValues(block, receivedAt)]);
      if (inserted === 0) {
        // stored already (by an earlier call or a concurrent writer that has committed by now)
        const existing = await client.query<Row>(
          `SELECT hash FROM ${this.table('blocks')} WHERE number = $1`,
          [block.number],
        );
        await client.query('ROLLBACK');
        const storedHash = str(existing.rows[0] ?? { hash: '' }, 'hash');
        if (storedHash !== block.hash) {
          throw new BlockConflictError(block.number, storedHash, block.hash);
        }
        return { written: false, writes };
      }
      await this.#insert(
        client,
        'transactions',
        TRANSACTION_COLUMNS,
        block.transactions.map((tx) => transactionValues(block.number, tx)),
      );
      await this.#insert(
        client,
        'writes',
        WRITE_COLUMNS,
        block.transactions.flatMap((tx) => writeValues(block.number, tx)),
      );
      await this.#insert(
        client,
        'metadata_writes',
        METADATA_WRITE_COLUMNS,
        block.transactions.flatMap((tx) => metadataWriteValues(block.number, tx)),
      );
      await client.query(
        `INSERT INTO ${this.table('checkpoint')} AS c (id, block_number, tx_id) VALUES (1, $1, NULL)
         ON CONFLICT (id) DO UPDATE SET block_number = EXCLUDED.block_number, tx_id = NULL
         WHERE EXCLUDED.block_number > c.block_number`,
        [block.number + 1],
      );
      await client.query('COMMIT');
      return { written: true, writes };
    } catch (error) {
      if (!(error instanceof BlockConflictError)) {
        failed = error instanceof Error ? error : new Error(String(error));
        await rollback(client);
      }
      throw error;
    } finally {
      client.release(failed);
    }
  }

  /**
   * {@inheritDoc AuditStore.writeBlocks}
   *
   * The block rows go in one by one (each tells whether its number was free); the transactions,
   * writes and metadata writes of the new blocks then go in as multi-row INSERTs over the batch.
   */
  public async writeBlocks(blocks: readonly BlockToWrite[]): Promise<WriteBlockResult[]> {
    const results: WriteBlockResult[] = [];
    if (blocks.length === 0) {
      return results;
    }
    const client = await this.pool.connect();
    let failed: Error | undefined;
    let conflict: BlockConflictError | null = null;
    try {
      await client.query('BEGIN');
      const added: DecodedBlock[] = [];
      let next = -1;
      for (const { block, receivedAt } of blocks) {
        const writes = block.transactions.reduce((n, tx) => n + tx.writes.length, 0);
        const row = blockValues(block, receivedAt ?? new Date().toISOString());
        const inserted = await this.#insert(client, 'blocks', BLOCK_COLUMNS, [row]);
        if (inserted === 0) {
          const existing = await client.query<Row>(
            `SELECT hash FROM ${this.table('blocks')} WHERE number = $1`,
            [block.number],
          );
          const storedHash = str(existing.rows[0] ?? { hash: '' }, 'hash');
          if (storedHash !== block.hash) {
            conflict = new BlockConflictError(block.number, storedHash, block.hash);
            break;
          }
        } else {
          added.push(block);
        }
        results.push({ written: inserted > 0, writes });
        next = Math.max(next, block.number + 1);
      }
      const txs = added.flatMap((b) => b.transactions.map((tx) => ({ number: b.number, tx })));
      await this.#insert(
        client,
        'transactions',
        TRANSACTION_COLUMNS,
        txs.map(({ number, tx }) => transactionValues(number, tx)),
      );
      await this.#insert(
        client,
        'writes',
        WRITE_COLUMNS,
        txs.flatMap(({ number, tx }) => writeValues(number, tx)),
      );
      await this.#insert(
        client,
        'metadata_writes',
        METADATA_WRITE_COLUMNS,
        txs.flatMap(({ number, tx }) => metadataWriteValues(number, tx)),
      );
      if (next >= 0) {
        await client.query(
          `INSERT INTO ${this.table('checkpoint')} AS c (id, block_number, tx_id) VALUES (1, $1, NULL)
           ON CONFLICT (id) DO UPDATE SET block_number = EXCLUDED.block_number, tx_id = NULL
           WHERE EXCLUDED.block_number > c.block_number`,
          [next],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      failed = error instanceof Error ? error : new Error(String(error));
      await rollback(client);
      throw error;
    } finally {
      client.release(failed);
    }
    if (conflict !== null) {
      throw conflict;
    }
    return results;
  }

  /** Multi-row `INSERT … ON CONFLICT DO NOTHING` in batches; returns the number of rows inserted. */
  async #insert(
    client: PoolClient,
    table: AuditTable,
    columns: readonly string[],
    rows: readonly SqlValue[][],
  ): Promise<number> {
    let inserted = 0;
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      const batch = rows.slice(start, start + INSERT_BATCH);
      const values: SqlValue[] = [];
      const tuples = batch.map((row) => {
        const placeholders = row.map((value) => {
          values.push(value);
          return `$${values.length}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      const result = await client.query(
        `INSERT INTO ${this.table(table)} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT DO NOTHING`,
        values,
      );
      inserted += result.rowCount ?? 0;
    }
    return inserted;
  }

  /** {@inheritDoc AuditStore.getCheckpoint} */
  public async getCheckpoint(): Promise<StoreCheckpoint | null> {
    const result = await this.pool.query<Row>(
      `SELECT block_number, tx_id FROM ${this.table('checkpoint')} WHERE id = 1`,
    );
    return toCheckpoint(result.rows[0]);
  }

  /** {@inheritDoc AuditStore.getTrustedGenesis} */
  public async getTrustedGenesis(): Promise<string | null> {
    const result = await this.pool.query<Row>(`SELECT genesis_hash FROM ${this.table('trust')} WHERE id = 1`);
    const row = result.rows[0];
    return row === undefined ? null : str(row, 'genesis_hash');
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
    await this.pool.query(
      `INSERT INTO ${this.table('trust')} (id, genesis_hash) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`,
      [hash],
    );
  }

  /** {@inheritDoc AuditStore.setCheckpoint} */
  public async setCheckpoint(checkpoint: StoreCheckpoint): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.table('checkpoint')} (id, block_number, tx_id)
       VALUES (1, GREATEST($1::BIGINT, (SELECT COALESCE(MAX(number) + 1, 0) FROM ${this.table('blocks')})), $2)
       ON CONFLICT (id) DO UPDATE SET block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id`,
      [checkpoint.blockNumber, checkpoint.transactionId],
    );
  }

  /** {@inheritDoc AuditStore.listBlocks} */
  public async listBlocks(): Promise<StoredBlock[]> {
    const result = await this.pool.query<Row>(`SELECT * FROM ${this.table('blocks')} ORDER BY number`);
    return result.rows.map(toBlock);
  }

  /**
   * {@inheritDoc AuditStore.transactions}
   *
   * Reads a page of transactions at a time (keyset pagination on (block_number, tx_index)), with
   * the writes of the page in one range query each, so memory stays bounded on any history.
   */
  public async *transactions(filter: TransactionFilter = {}): AsyncIterable<StoredTransaction> {
    const where = ['(block_number, tx_index) > ($1::BIGINT, $2::INTEGER)', 'block_number <= $3::BIGINT'];
    if (filter.validOnly === true) {
      where.push('validation_code = 0');
    }
    if (filter.invalidOnly === true) {
      where.push('validation_code <> 0');
    }
    const pageSql = `SELECT * FROM ${this.table('transactions')} WHERE ${where.join(' AND ')}
      ORDER BY block_number, tx_index LIMIT ${this.#pageSize}`;
    const toBlockNumber = filter.toBlock ?? Number.MAX_SAFE_INTEGER;
    // start just before (fromBlock, 0)
    let cursor: [number, number] = [filter.fromBlock ?? 0, -1];
    for (;;) {
      const page = (await this.pool.query<Row>(pageSql, [cursor[0], cursor[1], toBlockNumber])).rows;
      const first = page[0];
      const last = page[page.length - 1];
      if (first === undefined || last === undefined) {
        return;
      }
      const range = [
        num(first, 'block_number'),
        num(first, 'tx_index'),
        num(last, 'block_number'),
        num(last, 'tx_index'),
      ];
      const writes = await this.#childrenOf('writes', range, toWrite);
      const meta = await this.#childrenOf('metadata_writes', range, toMetadataWrite);
      for (const row of page) {
        const key = `${num(row, 'block_number')}:${num(row, 'tx_index')}`;
        yield toTransaction(row, writes.get(key) ?? [], meta.get(key) ?? []);
      }
      cursor = [num(last, 'block_number'), num(last, 'tx_index')];
      if (page.length < this.#pageSize) {
        return;
      }
    }
  }

  /**
   * {@inheritDoc AuditStore.rawBlocks}
   *
   * Reads a few blocks per query (keyset pagination on the block number), so memory stays bounded.
   */
  public async *rawBlocks(fromBlock = 0): AsyncIterable<RawBlock> {
    const sql = `SELECT number, raw FROM ${this.table('blocks')} WHERE number >= $1::BIGINT
      ORDER BY number LIMIT ${RAW_PAGE}`;
    let next = fromBlock;
    for (;;) {
      const page = (await this.pool.query<Row>(sql, [next])).rows;
      for (const row of page) {
        const block = toRawBlock(row);
        next = block.number + 1;
        yield block;
      }
      if (page.length < RAW_PAGE) {
        return;
      }
    }
  }

  /** Rows of a child table between two transactions (inclusive), grouped by `block:tx`. */
  async #childrenOf<T extends StoredWrite | StoredMetadataWrite>(
    table: 'writes' | 'metadata_writes',
    range: readonly number[],
    map: (row: Row) => T,
  ): Promise<Map<string, T[]>> {
    const result = await this.pool.query<Row>(
      `SELECT * FROM ${this.table(table)}
       WHERE (block_number, tx_index) >= ($1::BIGINT, $2::INTEGER) AND (block_number, tx_index) <= ($3::BIGINT, $4::INTEGER)
       ORDER BY block_number, tx_index, write_index`,
      [...range],
    );
    const grouped = new Map<string, T[]>();
    for (const row of result.rows) {
      const key = `${num(row, 'block_number')}:${num(row, 'tx_index')}`;
      const list = grouped.get(key);
      if (list === undefined) {
        grouped.set(key, [map(row)]);
      } else {
        list.push(map(row));
      }
    }
    return grouped;
  }

  /** {@inheritDoc AuditStore.stats} */
  public async stats(): Promise<StoreStats> {
    const size = TABLES.map((t) => `pg_total_relation_size('${this.table(t)}')`).join(' + ');
    const result = await this.pool.query<Row>(
      `SELECT (SELECT COUNT(*) FROM ${this.table('blocks')}) AS blocks,
              (SELECT COUNT(*) FROM ${this.table('transactions')}) AS transactions,
              (SELECT COUNT(*) FROM ${this.table('transactions')} WHERE validation_code <> 0) AS invalid,
              (SELECT COUNT(*) FROM ${this.table('writes')}) AS writes,
              (SELECT MAX(number) FROM ${this.table('blocks')}) AS top,
              ${size} AS size_bytes`,
    );
    const row = result.rows[0] ?? {};
    return {
      blocks: num(row, 'blocks'),
      transactions: num(row, 'transactions'),
      invalidTransactions: num(row, 'invalid'),
      writes: num(row, 'writes'),
      height: row['top'] === null || row['top'] === undefined ? 0 : num(row, 'top') + 1,
      sizeBytes: num(row, 'size_bytes'),
    };
  }

  /** {@inheritDoc AuditStore.close} */
  public async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    await this.pool.end();
  }
}
