/**
 * The search index of the read model in SQLite, beside the audit tables in the same database:
 *
 * - `rm_entries`: one row per live catalog entry (listed items and provincial overlays) with the
 *   entry's data as canonical JSON: what the version digest is recomputed from and what every
 *   answer is built from; for items also the normalised search keys (derived from the data).
 * - `rm_fts`: an FTS5 table with the trigram tokenizer over the search keys (external content:
 *   `rm_entries`), for queries of three characters or more.
 * - `rm_grams`: the distinct one- and two-character substrings of each item's name and pinyin keys,
 *   for shorter queries (the trigram tokenizer cannot match them).
 * - `rm_state`: the catalog version the rows reflect (its number, sealed digest, version hash and
 *   the block that sealed it).
 *
 * {@link SqliteSearchIndex.verify} recomputes the digest from `rm_entries` and checks that the
 * derived keys, the grams and the FTS index agree with the rows' data.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
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
import { MATCH_KINDS, type MatchKind, rankSql } from './rank';
import { chars, searchKeys, SHORT_QUERY, shortGrams, type SearchKeys } from './text';

/** The catalog version an index reflects. */
export interface IndexState {
  readonly version: number;
  /** The digest sealed with the version (as the audit replay read it). */
  readonly digest: string;
  readonly versionHash: string;
  /** Block of the sealing transaction. */
  readonly blockNumber: number;
}

/** One change of the live entries: `entry` null removes the entry under `key`. */
export interface EntryUpdate {
  /** `item|<id>` or `overlay|<id>|<province>` (the audit model's entry key). */
  readonly key: string;
  readonly entry: DigestEntry | null;
}

/** A search, its query already normalised. */
export interface IndexQuery {
  readonly q: string;
  readonly kind?: string;
  readonly class?: string;
  readonly section?: string;
  /** National items and the items of this province (other provinces' items are left out). */
  readonly province?: string;
  readonly limit: number;
  readonly offset: number;
}

/** One item found. */
export interface SearchHit {
  readonly itemId: string;
  readonly name: string;
  readonly dosageForm: string | null;
  readonly kind: string;
  readonly class: string | null;
  readonly section: string;
  readonly number: string | null;
  readonly province: string | null;
  readonly code: string | null;
  readonly codes: readonly string[];
  readonly fundPayable: boolean;
  readonly match: MatchKind;
}

/** The hits of one page and the number of all hits. */
export interface IndexPage {
  readonly total: number;
  readonly hits: readonly SearchHit[];
}

/** What {@link SqliteSearchIndex.verify} found. */
export interface IndexCheck {
  /** The digest of the entries in `rm_entries`. */
  readonly digest: string;
  readonly entries: number;
  /** Rows whose keys, grams or full-text index disagree with their data (empty when sound). */
  readonly problems: readonly string[];
}

type Row = Record<string, unknown>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rm_entries (
  id INTEGER PRIMARY KEY,
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
CREATE INDEX IF NOT EXISTS rm_entries_type ON rm_entries (type, kind);
CREATE VIRTUAL TABLE IF NOT EXISTS rm_fts USING fts5(
  name_norm, pinyin_full, pinyin_initials, codes_norm, remark_norm,
  content = 'rm_entries', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TABLE IF NOT EXISTS rm_grams (
  gram TEXT NOT NULL,
  entry INTEGER NOT NULL,
  PRIMARY KEY (gram, entry)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rm_grams_entry ON rm_grams (entry);
CREATE TABLE IF NOT EXISTS rm_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  digest TEXT NOT NULL,
  version_hash TEXT NOT NULL,
  block_number INTEGER NOT NULL
);
`;

const KEY_COLUMNS = ['name_norm', 'pinyin_full', 'pinyin_initials', 'codes_norm', 'remark_norm'] as const;

function str(row: Row, column: string): string {
  const value = row[column];
  return typeof value === 'string' ? value : '';
}

function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function keyValues(keys: SearchKeys): string[] {
  return [keys.name, keys.pinyinFull, keys.pinyinInitials, keys.codes, keys.remark];
}

function itemOf(entry: DigestEntry): Item | null {
  return entry.type === 'item' ? (entry.data as Item) : null;
}

/** The entry a row holds (what enters the digest). */
function entryOfRow(row: Row): DigestEntry {
  const data: unknown = JSON.parse(str(row, 'data'));
  return entryFromColumns(str(row, 'type'), str(row, 'item_id'), str(row, 'province'), data);
}

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

/** An FTS5 phrase of `text` (quotes doubled). */
function phrase(text: string): string {
  return `"${text.replaceAll('"', '""')}"`;
}

const RANK = rankSql('e', '?1', {
  contains: (haystack, needle) => `instr(${haystack}, ${needle}) > 0`,
  startsWith: (haystack, needle) => `substr(${haystack}, 1, length(${needle})) = ${needle}`,
});

/** The read model's search index in a SQLite database (see the module comment). */
export class SqliteSearchIndex {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #byKey: StatementSync;
  readonly #delete: StatementSync;
  readonly #insertFts: StatementSync;
  readonly #deleteFts: StatementSync;
  readonly #insertGram: StatementSync;
  readonly #deleteGrams: StatementSync;

  /** Creates the index tables in `db` if they are missing. */
  public constructor(db: DatabaseSync) {
    this.#db = db;
    db.exec(SCHEMA);
    this.#insert = db.prepare(
      `INSERT INTO rm_entries (entry_key, type, item_id, province, data, kind, item_class, section,
         item_province, name_len, name_norm, pinyin_full, pinyin_initials, codes_norm, remark_norm)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#byKey = db.prepare(
      `SELECT id, type, ${KEY_COLUMNS.join(', ')} FROM rm_entries WHERE entry_key = ?`,
    );
    this.#delete = db.prepare('DELETE FROM rm_entries WHERE id = ?');
    this.#insertFts = db.prepare(
      `INSERT INTO rm_fts (rowid, ${KEY_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#deleteFts = db.prepare(
      `INSERT INTO rm_fts (rm_fts, rowid, ${KEY_COLUMNS.join(', ')}) VALUES ('delete', ?, ?, ?, ?, ?, ?)`,
    );
    this.#insertGram = db.prepare('INSERT OR IGNORE INTO rm_grams (gram, entry) VALUES (?, ?)');
    this.#deleteGrams = db.prepare('DELETE FROM rm_grams WHERE entry = ?');
  }

  /** The version the rows reflect, or null before the first. */
  public state(): IndexState | null {
    const row = this.#db.prepare('SELECT * FROM rm_state WHERE id = 1').get() as Row | undefined;
    if (row === undefined) {
      return null;
    }
    return {
      version: Number(row['version']),
      digest: str(row, 'digest'),
      versionHash: str(row, 'version_hash'),
      blockNumber: Number(row['block_number']),
    };
  }

  /**
   * Applies one sealed version's changes and records the version, in one transaction (a crash
   * leaves the index at the previous version or at this one, never between).
   */
  public applyVersion(state: IndexState, updates: readonly EntryUpdate[]): void {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      for (const update of updates) {
        this.#remove(update.key);
        if (update.entry !== null) {
          this.#add(update.key, update.entry);
        }
      }
      this.#db
        .prepare(
          `INSERT INTO rm_state (id, version, digest, version_hash, block_number) VALUES (1, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET version = excluded.version, digest = excluded.digest,
             version_hash = excluded.version_hash, block_number = excluded.block_number`,
        )
        .run(state.version, state.digest, state.versionHash, state.blockNumber);
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  #remove(key: string): void {
    const row = this.#byKey.get(key) as Row | undefined;
    if (row === undefined) {
      return;
    }
    const id = Number(row['id']);
    // every row is in the full-text index (an overlay's keys are NULL), as its integrity check expects
    this.#deleteFts.run(id, ...KEY_COLUMNS.map((c) => strOrNull(row[c])));
    this.#deleteGrams.run(id);
    this.#delete.run(id);
  }

  #add(key: string, entry: DigestEntry): void {
    const item = itemOf(entry);
    const keys = item === null ? null : searchKeys(item);
    const result = this.#insert.run(
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
    );
    const id = Number(result.lastInsertRowid);
    this.#insertFts.run(id, ...(keys === null ? [null, null, null, null, null] : keyValues(keys)));
    for (const gram of keys === null ? [] : shortGrams(keys)) {
      this.#insertGram.run(gram, id);
    }
  }

  /** The items matching `query`, best first (see rank.ts), one page of them. */
  public search(query: IndexQuery): IndexPage {
    const where: string[] = ["e.type = 'item'"];
    const params: (string | number)[] = [query.q];
    const filter = (column: string, value: string | undefined): void => {
      if (value !== undefined) {
        params.push(value);
        where.push(`e.${column} = ?${params.length}`);
      }
    };
    filter('kind', query.kind);
    filter('item_class', query.class);
    filter('section', query.section);
    if (query.province !== undefined) {
      params.push(query.province);
      where.push(`(e.item_province IS NULL OR e.item_province = ?${params.length})`);
    }
    let source: string;
    if (chars(query.q).length >= SHORT_QUERY) {
      params.push(phrase(query.q));
      source = `rm_fts JOIN rm_entries e ON e.id = rm_fts.rowid`;
      where.push(`rm_fts MATCH ?${params.length}`);
    } else {
      source = `rm_grams g JOIN rm_entries e ON e.id = g.entry`;
      where.push('g.gram = ?1');
    }
    params.push(query.limit, query.offset);
    const sql = `SELECT data, tier, COUNT(*) OVER () AS total FROM (
        SELECT e.data, e.name_len, e.kind, e.item_id, ${RANK} AS tier
        FROM ${source} WHERE ${where.join(' AND ')}
      ) WHERE tier IS NOT NULL
      ORDER BY tier, name_len, kind, item_id
      LIMIT ?${params.length - 1} OFFSET ?${params.length}`;
    const rows = this.#db.prepare(sql).all(...params) as Row[];
    const first = rows[0];
    const total = first === undefined ? this.#countBeyond(sql, params, query) : Number(first['total']);
    return { total, hits: rows.map(hitOf) };
  }

  /** The number of hits when the page asked for is past the last (the window count is not there). */
  #countBeyond(sql: string, params: readonly (string | number)[], query: IndexQuery): number {
    if (query.offset === 0) {
      return 0;
    }
    const all = params.slice(0, -2);
    const row = this.#db
      .prepare(`SELECT COUNT(*) AS n FROM (${sql.replace(/LIMIT[\s\S]*$/, '')})`)
      .get(...all) as Row;
    return Number(row['n']);
  }

  /**
   * Recomputes the digest of the rows' entries and checks every item row's keys, grams and
   * full-text entry against its data.
   */
  public verify(): IndexCheck {
    const lattice = emptyLattice();
    const problems: string[] = [];
    let entries = 0;
    const grams = this.#db.prepare('SELECT gram FROM rm_grams WHERE entry = ? ORDER BY gram');
    for (const row of this.#db.prepare('SELECT * FROM rm_entries ORDER BY id').iterate() as Iterable<Row>) {
      entries++;
      let entry: DigestEntry;
      try {
        entry = entryOfRow(row);
      } catch (error) {
        problems.push(`${str(row, 'entry_key')}: data is not JSON (${(error as Error).message})`);
        continue;
      }
      latticeAdd(lattice, entryVector(entry));
      const item = itemOf(entry);
      if (item === null) {
        continue;
      }
      const keys = searchKeys(item);
      const stored = KEY_COLUMNS.map((c) => str(row, c));
      const expected = keyValues(keys);
      const derived = [item.kind, item.class, item.section, item.province];
      const found = [row['kind'], row['item_class'], row['section'], row['item_province']].map(strOrNull);
      if (
        stored.some((v, i) => v !== expected[i]) ||
        derived.some((v, i) => v !== found[i]) ||
        Number(row['name_len']) !== chars(item.name).length ||
        entryId(entry) !== item.id
      ) {
        problems.push(`${str(row, 'entry_key')}: search keys do not match the record`);
        continue;
      }
      const have = (grams.all(Number(row['id'])) as Row[]).map((g) => str(g, 'gram'));
      if (canonicalJson(have) !== canonicalJson(shortGrams(keys))) {
        problems.push(`${str(row, 'entry_key')}: short-query index does not match the record`);
      }
    }
    const orphans = this.#db
      .prepare('SELECT COUNT(*) AS n FROM rm_grams WHERE entry NOT IN (SELECT id FROM rm_entries)')
      .get() as Row;
    if (Number(orphans['n']) > 0) {
      problems.push(`${String(orphans['n'])} short-query index rows belong to no record`);
    }
    try {
      this.#db.exec("INSERT INTO rm_fts (rm_fts, rank) VALUES ('integrity-check', 1)");
    } catch (error) {
      problems.push(`full-text index: ${(error as Error).message}`);
    }
    return { digest: latticeDigest(lattice), entries, problems };
  }

  /** SQLite's `data_version`: changes when another connection commits to the database. */
  public dataVersion(): number {
    return Number((this.#db.prepare('PRAGMA data_version').get() as Row)['data_version']);
  }
}
