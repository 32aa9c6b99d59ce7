/**
 * The read model's search index in PostgreSQL, beside a `PgAuditStore`'s tables in its schema.
 * The same rows as the SQLite index (`rm_entries`, `rm_grams`, `rm_state`; see sqlite-index.ts),
 * without a full-text table: `pg_trgm` does not index CJK under the C locale, so one- and
 * two-character queries are answered from `rm_grams` (the distinct one- and two-character
 * substrings of the name and pinyin keys) and longer ones by `position()` over the normalised keys
 * of every item row (a catalog's few thousand rows; no locale involved, so Chinese matches as it is).
 * `rm_changes` counts the statements that wrote these tables (triggers), which tells the read
 * model when to check the rows again.
 */
import type { Pool, PoolClient } from 'pg';
import {
  canonicalJson,
  type DigestEntry,
  emptyLattice,
  entryVector,
  type Item,
  latticeAdd,
  latticeDigest,
} from '@nrdl-catalog/chaincode/model';
import { entryFromColumns, entryId } from './entries';
import { MATCH_KINDS, rankSql } from './rank';
import type { EntryUpdate, IndexCheck, IndexPage, IndexQuery, IndexState, SearchHit } from './sqlite-index';
import { chars, searchKeys, SHORT_QUERY, shortGrams, type SearchKeys } from './text';

type Row = Record<string, unknown>;

function quoteIdent(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(name)) throw new Error(`invalid PostgreSQL schema name ${name}`);
  return `"${name}"`;
}

function schemaSql(s: string): string {
  const touch = (table: string): string => `
    DROP TRIGGER IF EXISTS ${table}_touch ON ${s}.${table};
    CREATE TRIGGER ${table}_touch AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${s}.${table}
      FOR EACH STATEMENT EXECUTE FUNCTION ${s}.rm_touch();`;
  return `
    CREATE TABLE IF NOT EXISTS ${s}.rm_entries (
      id BIGSERIAL PRIMARY KEY,
      entry_key TEXT NOT NULL UNIQUE,
      type TEXT NOT NULL,
      item_id TEXT NOT NULL,
      province TEXT,
      data TEXT NOT NULL,
      kind TEXT,
      item_class TEXT,
      section TEXT,
      item_province TEXT,
      name_len INTEGER,
      name_norm TEXT,
      pinyin_full TEXT,
      pinyin_initials TEXT,
      codes_norm TEXT,
      remark_norm TEXT
    );
    CREATE TABLE IF NOT EXISTS ${s}.rm_grams (
      gram TEXT NOT NULL,
      entry BIGINT NOT NULL,
      PRIMARY KEY (gram, entry)
    );
    CREATE INDEX IF NOT EXISTS rm_grams_entry ON ${s}.rm_grams (entry);
    CREATE TABLE IF NOT EXISTS ${s}.rm_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      version INTEGER NOT NULL,
      digest TEXT NOT NULL,
      version_hash TEXT NOT NULL,
      block_number BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS ${s}.rm_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n BIGINT NOT NULL);
    INSERT INTO ${s}.rm_changes (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
    CREATE OR REPLACE FUNCTION ${s}.rm_touch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE ${s}.rm_changes SET n = n + 1 WHERE id = 1; RETURN NULL; END $$;
    ${touch('rm_entries')}
    ${touch('rm_grams')}
    ${touch('rm_state')}
  `;
}

const RANK = rankSql('e', '$1', {
  contains: (haystack, needle) => `position(${needle} in ${haystack}) > 0`,
  startsWith: (haystack, needle) => `left(${haystack}, char_length(${needle})) = ${needle}`,
});

function str(row: Row, column: string): string {
  const value = row[column];
  return typeof value === 'string' ? value : '';
}

function keyValues(keys: SearchKeys): string[] {
  return [keys.name, keys.pinyinFull, keys.pinyinInitials, keys.codes, keys.remark];
}

const KEY_COLUMNS = ['name_norm', 'pinyin_full', 'pinyin_initials', 'codes_norm', 'remark_norm'] as const;

function hitOf(row: Row): SearchHit {
  const item = JSON.parse(str(row, 'data')) as Item;
  return {
    itemId: item.id,
    name: item.name,
    dosageForm: item.dosageForm,
    kind: item.kind,
    class: item.class,
    section: item.section,
    number: item.number,
    province: item.province,
    code: item.code,
    codes: item.codes ?? [],
    fundPayable: item.fundPayable,
    match: MATCH_KINDS[Number(row['tier'])] ?? 'remark',
  };
}

/** The read model's search index in PostgreSQL (see the module comment). */
export class PgSearchIndex {
  readonly #pool: Pool;
  readonly #s: string;

  private constructor(pool: Pool, schema: string) {
    this.#pool = pool;
    this.#s = quoteIdent(schema);
  }

  /** Creates the index tables in `schema` (the audit store's) if they are missing. */
  public static async open(pool: Pool, schema: string): Promise<PgSearchIndex> {
    const index = new PgSearchIndex(pool, schema);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`catalog-search:${schema}`]);
      await client.query(schemaSql(index.#s));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return index;
  }

  /** The version the rows reflect, or null before the first. */
  public async state(): Promise<IndexState | null> {
    const { rows } = await this.#pool.query<Row>(`SELECT * FROM ${this.#s}.rm_state WHERE id = 1`);
    const row = rows[0];
    return row === undefined
      ? null
      : {
          version: Number(row['version']),
          digest: str(row, 'digest'),
          versionHash: str(row, 'version_hash'),
          blockNumber: Number(row['block_number']),
        };
  }

  /** One sealed version's changes and the version, in one transaction. */
  public async applyVersion(state: IndexState, updates: readonly EntryUpdate[]): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      for (const update of updates) {
        await client.query(
          `DELETE FROM ${this.#s}.rm_grams WHERE entry IN (SELECT id FROM ${this.#s}.rm_entries WHERE entry_key = $1)`,
          [update.key],
        );
        await client.query(`DELETE FROM ${this.#s}.rm_entries WHERE entry_key = $1`, [update.key]);
        if (update.entry !== null) await this.#add(client, update.key, update.entry);
      }
      await client.query(
        `INSERT INTO ${this.#s}.rm_state (id, version, digest, version_hash, block_number) VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, digest = excluded.digest,
           version_hash = excluded.version_hash, block_number = excluded.block_number`,
        [state.version, state.digest, state.versionHash, state.blockNumber],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async #add(client: PoolClient, key: string, entry: DigestEntry): Promise<void> {
    const item = entry.type === 'item' ? (entry.data as Item) : null;
    const keys = item === null ? null : searchKeys(item);
    const { rows } = await client.query<Row>(
      `INSERT INTO ${this.#s}.rm_entries (entry_key, type, item_id, province, data, kind, item_class, section,
         item_province, name_len, ${KEY_COLUMNS.join(', ')})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
      [
        key,
        entry.type,
        entryId(entry),
        entry.type === 'overlay' ? entry.province : null,
        canonicalJson(entry.data),
        item?.kind ?? null,
        item?.class ?? null,
        item?.section ?? null,
        item?.province ?? null,
        item === null ? null : chars(item.name).length,
        ...(keys === null ? [null, null, null, null, null] : keyValues(keys)),
      ],
    );
    const grams = keys === null ? [] : shortGrams(keys);
    if (grams.length > 0) {
      await client.query(
        `INSERT INTO ${this.#s}.rm_grams (gram, entry) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING`,
        [grams, rows[0]?.['id']],
      );
    }
  }

  /** The items matching `query` (normalised), best first, one page of them. */
  public async search(query: IndexQuery): Promise<IndexPage> {
    const short = chars(query.q).length < SHORT_QUERY;
    const params: unknown[] = short ? [query.q, query.q] : [query.q];
    const where = short ? ["e.type = 'item'", 'g.gram = $2'] : ["e.type = 'item'"];
    const filter = (column: string, value: string | undefined): void => {
      if (value !== undefined) {
        params.push(value);
        where.push(`e.${column} = $${params.length}`);
      }
    };
    filter('kind', query.kind);
    filter('item_class', query.class);
    filter('section', query.section);
    if (query.province !== undefined) {
      params.push(query.province);
      where.push(`(e.item_province IS NULL OR e.item_province = $${params.length})`);
    }
    params.push(query.limit, query.offset);
    const { rows } = await this.#pool.query<Row>(
      `SELECT data, tier, COUNT(*) OVER () AS total FROM (
         SELECT e.data, e.name_len, e.kind, e.item_id, ${RANK} AS tier
         FROM ${short ? `${this.#s}.rm_grams g JOIN ${this.#s}.rm_entries e ON e.id = g.entry` : `${this.#s}.rm_entries e`}
         WHERE ${where.join(' AND ')}
       ) t WHERE tier IS NOT NULL
       ORDER BY tier, name_len, kind COLLATE "C", item_id COLLATE "C"
       LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    let total = Number(rows[0]?.['total'] ?? 0);
    if (rows.length === 0 && query.offset > 0) {
      total = (await this.search({ ...query, offset: 0, limit: 1 })).total;
    }
    return { total, hits: rows.map(hitOf) };
  }

  /** The digest of the rows' entries, and rows whose keys or grams disagree with their data. */
  public async verify(): Promise<IndexCheck> {
    const lattice = emptyLattice();
    const problems: string[] = [];
    const { rows } = await this.#pool.query<Row>(`SELECT * FROM ${this.#s}.rm_entries ORDER BY id`);
    const gramRows = await this.#pool.query<Row>(
      `SELECT entry, array_agg(gram) AS grams FROM ${this.#s}.rm_grams GROUP BY entry`,
    );
    const grams = new Map(gramRows.rows.map((r) => [String(r['entry']), (r['grams'] as string[]).sort()]));
    for (const row of rows) {
      let data: unknown;
      try {
        data = JSON.parse(str(row, 'data'));
      } catch (error) {
        problems.push(`${str(row, 'entry_key')}: data is not JSON (${(error as Error).message})`);
        continue;
      }
      const entry = entryFromColumns(str(row, 'type'), str(row, 'item_id'), str(row, 'province'), data);
      latticeAdd(lattice, entryVector(entry));
      const id = String(row['id']);
      const have = grams.get(id) ?? [];
      grams.delete(id);
      if (entry.type !== 'item') continue;
      const item = data as Item;
      const keys = searchKeys(item);
      const derived = [item.kind, item.class, item.section, item.province, ...keyValues(keys)];
      const found = ['kind', 'item_class', 'section', 'item_province', ...KEY_COLUMNS].map((c) =>
        typeof row[c] === 'string' ? row[c] : null,
      );
      if (
        derived.some((v, i) => v !== found[i]) ||
        Number(row['name_len']) !== chars(item.name).length ||
        entry.itemId !== item.id
      ) {
        problems.push(`${str(row, 'entry_key')}: search keys do not match the record`);
      } else if (canonicalJson(have) !== canonicalJson(shortGrams(keys))) {
        problems.push(`${str(row, 'entry_key')}: short-query index does not match the record`);
      }
    }
    if (grams.size > 0) problems.push(`${grams.size} short-query index entries belong to no record`);
    return { digest: latticeDigest(lattice), entries: rows.length, problems };
  }

  /** Moves whenever a statement writes the index tables (anyone's). */
  public async changeMarker(): Promise<number> {
    const { rows } = await this.#pool.query<Row>(`SELECT n FROM ${this.#s}.rm_changes WHERE id = 1`);
    return Number(rows[0]?.['n'] ?? 0);
  }
}
