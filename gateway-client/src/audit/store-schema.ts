/**
 * The audit tables, defined once: columns with a logical type, rendered as the DDL of each
 * dialect (SQLite for {@link SqliteAuditStore}, PostgreSQL for `PgAuditStore`). Every statement is
 * `IF NOT EXISTS`, so opening an existing store leaves it as it is; columns added after a table's
 * first release are listed in {@link columnUpgrades}, which brings an older store up to date.
 */

/** A SQL dialect the audit store renders its tables in. */
export type Dialect = 'sqlite' | 'postgres';

/** The audit tables. */
export type AuditTable = 'blocks' | 'transactions' | 'writes' | 'metadata_writes' | 'trust' | 'checkpoint';

/**
 * What a column holds: `integer` (32-bit), `bigint` (block numbers), `flag` (0 / 1), `text`,
 * `bytes` (serialized blocks, values, keys with U+0000 in them).
 */
export type LogicalType = 'integer' | 'bigint' | 'flag' | 'text' | 'bytes';

/** One column of an audit table. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: LogicalType;
  /** NOT NULL (default: nullable). */
  readonly required?: boolean;
  /** The table's single-column primary key. */
  readonly primaryKey?: boolean;
  /** A CHECK constraint on the column (e.g. `id = 1` of a one-row table). */
  readonly check?: string;
  /** Added after the table's first release: an older store gets it through {@link columnUpgrades}. */
  readonly added?: boolean;
}

/** One audit table: its columns, composite primary key and indexes. */
export interface TableDefinition {
  readonly name: AuditTable;
  readonly columns: readonly ColumnDefinition[];
  /** A primary key over several columns. */
  readonly primaryKey?: readonly string[];
  readonly indexes?: readonly { readonly name: string; readonly columns: readonly string[] }[];
}

const TYPE_NAMES: Readonly<Record<Dialect, Readonly<Record<LogicalType, string>>>> = {
  // INTEGER PRIMARY KEY is SQLite's rowid alias; its integers are 64-bit anyway.
  sqlite: { integer: 'INTEGER', bigint: 'INTEGER', flag: 'INTEGER', text: 'TEXT', bytes: 'BLOB' },
  postgres: { integer: 'INTEGER', bigint: 'BIGINT', flag: 'SMALLINT', text: 'TEXT', bytes: 'BYTEA' },
};

const txKey = [
  { name: 'block_number', type: 'bigint', required: true },
  { name: 'tx_index', type: 'integer', required: true },
] as const satisfies readonly ColumnDefinition[];

const writeKey = [
  ...txKey,
  { name: 'write_index', type: 'integer', required: true },
] as const satisfies readonly ColumnDefinition[];

const oneRow = { name: 'id', type: 'integer', primaryKey: true, check: 'id = 1' } as const;

/** The audit tables, in creation order. */
export const AUDIT_TABLES: readonly TableDefinition[] = [
  {
    name: 'blocks',
    columns: [
      { name: 'number', type: 'bigint', primaryKey: true },
      { name: 'hash', type: 'text', required: true },
      { name: 'previous_hash', type: 'text', required: true },
      { name: 'data_hash', type: 'text', required: true },
      { name: 'computed_data_hash', type: 'text', required: true },
      { name: 'tx_count', type: 'integer', required: true },
      { name: 'received_at', type: 'text', required: true },
      // the serialized common.Block, for the independent verifier
      { name: 'raw', type: 'bytes', added: true },
    ],
  },
  {
    name: 'transactions',
    columns: [
      ...txKey,
      { name: 'tx_id', type: 'text', required: true },
      { name: 'type', type: 'text', required: true },
      { name: 'timestamp', type: 'text' },
      { name: 'creator_msp', type: 'text' },
      { name: 'creator_subject', type: 'text' },
      { name: 'creator_role', type: 'text' },
      { name: 'validation_code', type: 'integer', required: true },
      { name: 'validation_name', type: 'text', required: true },
      { name: 'chaincode', type: 'text' },
      { name: 'function', type: 'text' },
      { name: 'args_json', type: 'text', required: true },
      { name: 'endorsers_json', type: 'text', required: true },
      { name: 'event_name', type: 'text' },
      { name: 'decode_error', type: 'text' },
    ],
    primaryKey: ['block_number', 'tx_index'],
    indexes: [{ name: 'transactions_tx_id', columns: ['tx_id'] }],
  },
  {
    name: 'writes',
    columns: [
      ...writeKey,
      { name: 'key', type: 'bytes', required: true },
      { name: 'object_type', type: 'text' },
      { name: 'attrs_json', type: 'text', required: true },
      { name: 'is_delete', type: 'flag', required: true },
      { name: 'value', type: 'bytes', required: true },
    ],
    primaryKey: ['block_number', 'tx_index', 'write_index'],
    indexes: [{ name: 'writes_key', columns: ['object_type', 'key'] }],
  },
  {
    name: 'metadata_writes',
    columns: [
      ...writeKey,
      { name: 'key', type: 'bytes', required: true },
      { name: 'name', type: 'text', required: true },
      { name: 'value', type: 'bytes', required: true },
    ],
    primaryKey: ['block_number', 'tx_index', 'write_index'],
  },
  {
    name: 'trust',
    columns: [oneRow, { name: 'genesis_hash', type: 'text', required: true }],
  },
  {
    name: 'checkpoint',
    columns: [
      oneRow,
      { name: 'block_number', type: 'bigint', required: true },
      { name: 'tx_id', type: 'text' },
    ],
  },
];

/** How a statement names a table: as it is (SQLite) or schema-qualified (PostgreSQL). */
export type TableName = (table: AuditTable) => string;

function columnSql(dialect: Dialect, column: ColumnDefinition): string {
  return [
    column.name,
    TYPE_NAMES[dialect][column.type],
    ...(column.primaryKey === true ? ['PRIMARY KEY'] : []),
    ...(column.check === undefined ? [] : [`CHECK (${column.check})`]),
    ...(column.required === true ? ['NOT NULL'] : []),
  ].join(' ');
}

/** `CREATE TABLE / INDEX IF NOT EXISTS` of every audit table, in `dialect`. */
export function renderSchema(dialect: Dialect, tableName: TableName = (table) => table): string {
  return AUDIT_TABLES.map((table) => {
    const lines = [
      ...table.columns.map((column) => columnSql(dialect, column)),
      ...(table.primaryKey === undefined ? [] : [`PRIMARY KEY (${table.primaryKey.join(', ')})`]),
    ];
    return [
      `CREATE TABLE IF NOT EXISTS ${tableName(table.name)} (\n  ${lines.join(',\n  ')}\n);`,
      ...(table.indexes ?? []).map(
        (index) =>
          `CREATE INDEX IF NOT EXISTS ${index.name} ON ${tableName(table.name)} (${index.columns.join(', ')});`,
      ),
    ].join('\n');
  }).join('\n');
}

/**
 * `ALTER TABLE … ADD COLUMN` for the columns added after their table's first release, so a store
 * created by an older release opens: PostgreSQL says `IF NOT EXISTS`; SQLite cannot, so there the
 * statements are only for the columns `has(table, column)` says are missing.
 */
export function columnUpgrades(
  dialect: Dialect,
  options: { readonly tableName?: TableName; readonly has?: (table: AuditTable, column: string) => boolean },
): string[] {
  const tableName = options.tableName ?? ((table: AuditTable): string => table);
  return AUDIT_TABLES.flatMap((table) =>
    table.columns
      .filter((column) => column.added === true)
      .filter((column) => dialect === 'postgres' || options.has?.(table.name, column.name) !== true)
      .map(
        (column) =>
          `ALTER TABLE ${tableName(table.name)} ADD COLUMN ${dialect === 'postgres' ? 'IF NOT EXISTS ' : ''}${columnSql(dialect, column)};`,
      ),
  );
}
