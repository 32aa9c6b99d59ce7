/**
 * The off-chain read model that search is served from: the audit store (blocks followed from the
 * channel by the audit replay, same decoding, checkpointed and resumable) and, in the same database
 * (SQLite by default, PostgreSQL as an option), the search index of the live catalog as of the last
 * sealed version, rebuilt version by version from the auditors' ledger model (`buildLedgerModel`).
 *
 * Every answer names the catalog version it reflects. Before answering from rows it has not
 * checked yet (the first time, after it indexed a version, or whenever another connection changed
 * the database file), the read model recomputes the version digest from the index rows answers are
 * built from, checks the search keys against those rows, and compares the digest with the digest
 * sealed on chain for that version; any difference refuses the search with
 * `READ_MODEL_DIGEST_MISMATCH` (a stale or tampered index).
 */
import Ajv from 'ajv';
import {
  definitions,
  type Governance,
  GOVERNANCE_KEY,
  KEY_TYPES,
  normaliseProvince,
  type ReadModelSearchInput,
} from '@nrdl-catalog/chaincode/model';
import { CatalogClientError, InvalidInputError, toClientError } from '../errors';
import { digestEntry, entryKey, buildLedgerModel, type SealedVersion } from '../audit/ledger-model';
import { replayBlocks, type ReplayNetwork, type ReplayOptions, type ReplaySummary } from '../audit/replay';
import { PgAuditStore, type PgStoreOptions } from '../audit/pg-store';
import { type AuditStore, SqliteAuditStore } from '../audit/store';
import { PgSearchIndex } from './pg-index';
import {
  type EntryUpdate,
  type IndexCheck,
  type IndexPage,
  type IndexQuery,
  type IndexState,
  type SearchHit,
  SqliteSearchIndex,
} from './sqlite-index';
import { normaliseQuery } from './text';

/** What the read model reads from the chain itself (not from its store). */
export interface ChainVersions {
  /** The digest sealed on chain with `version`. */
  sealedDigest(version: number): Promise<string>;
  /** The newest sealed version on chain (null when none is sealed yet). */
  headVersion(): Promise<number | null>;
}

/** The part of a `CatalogClient` {@link chainVersionsOf} needs. */
export interface VersionReader {
  getVersion(input: { version?: number }): Promise<{ readonly version: number; readonly digest: string }>;
}

/** {@link ChainVersions} from the catalog client (sealed digests cached: versions never change). */
export function chainVersionsOf(client: VersionReader): ChainVersions {
  const digests = new Map<number, string>();
  return {
    async sealedDigest(version: number): Promise<string> {
      const known = digests.get(version);
      if (known !== undefined) {
        return known;
      }
      const record = await client.getVersion({ version });
      digests.set(version, record.digest);
      return record.digest;
    },
    async headVersion(): Promise<number | null> {
      try {
        return (await client.getVersion({})).version;
      } catch (error) {
        if (error instanceof CatalogClientError && error.code === 'VERSION_NOT_FOUND') {
          return null;
        }
        throw error;
      }
    },
  };
}

/** An answer of the read model. */
export interface SearchAnswer {
  /** The query as given and as matched (normalised). */
  readonly query: string;
  readonly normalised: string;
  /** The catalog version the answer reflects, and its digest (checked against the chain). */
  readonly catalogVersion: number;
  readonly digest: string;
  /** Hits in all; `hits` is the page from `offset`. */
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly hits: readonly SearchHit[];
}

/** Options of {@link SearchReadModel.search}. */
export interface SearchOptions {
  /** Refuse (READ_MODEL_BEHIND) when the read model holds an older version than this. */
  readonly atLeastVersion?: number | null;
}

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
const validateSearch = ajv.compile<ReadModelSearchInput>(definitions.readModelSearch);

/** Checks a search input against the shared `readModelSearch` schema; throws INVALID_INPUT. */
export function parseSearchInput(input: unknown): ReadModelSearchInput {
  if (validateSearch(input)) {
    return input;
  }
  const first = validateSearch.errors?.[0];
  const path = first === undefined || first.instancePath === '' ? '(root)' : first.instancePath;
  const extra =
    first?.keyword === 'additionalProperties'
      ? ` '${String((first.params as { additionalProperty?: string }).additionalProperty)}'`
      : '';
  const params = { schema: 'readModelSearch', path, detail: `${first?.message ?? 'is invalid'}${extra}` };
  throw new InvalidInputError('INVALID_INPUT', `readModelSearch: ${path} ${params.detail}`, {
    template: 'INVALID_INPUT.schema',
    params,
  });
}

function updatesOf(version: SealedVersion): EntryUpdate[] {
  return version.changes.map((change) => ({
    key: entryKey(change),
    entry: change.after === null ? null : digestEntry(change, change.after),
  }));
}

/** What the read model does in its database, whichever it is (SQLite or PostgreSQL). */
export interface ReadModelBackend {
  state(): Promise<IndexState | null>;
  applyVersion(state: IndexState, updates: readonly EntryUpdate[]): Promise<void>;
  search(query: IndexQuery): Promise<IndexPage>;
  verify(): Promise<IndexCheck>;
  /** Moves when another writer has changed the index (then its rows are checked again). */
  changeMarker(): Promise<number>;
  /** Block of the newest version record the store holds (null: none). */
  lastVersionBlock(): Promise<number | null>;
  /** The newest governance record of a valid transaction the store holds (null: none). */
  governance(): Promise<Governance | null>;
}

const utf8 = new TextDecoder();

function sqliteBackend(store: SqliteAuditStore, index: SqliteSearchIndex): ReadModelBackend {
  return {
    state: () => Promise.resolve(index.state()),
    applyVersion: (state, updates) => {
      index.applyVersion(state, updates);
      return Promise.resolve();
    },
    search: (query) => Promise.resolve(index.search(query)),
    verify: () => Promise.resolve(index.verify()),
    changeMarker: () => Promise.resolve(index.dataVersion()),
    lastVersionBlock: () => {
      const row = store.db
        .prepare('SELECT MAX(block_number) AS top FROM writes WHERE object_type = ?')
        .get(KEY_TYPES.version) as { top: number | bigint | null } | undefined;
      return Promise.resolve(row?.top === null || row?.top === undefined ? null : Number(row.top));
    },
    governance: () => {
      const row = store.db
        .prepare(
          `SELECT w.value FROM writes w JOIN transactions t
             ON t.block_number = w.block_number AND t.tx_index = w.tx_index
           WHERE w.key = ? AND t.validation_code = 0 AND w.is_delete = 0
           ORDER BY w.block_number DESC, w.tx_index DESC LIMIT 1`,
        )
        .get(Buffer.from(GOVERNANCE_KEY, 'utf8')) as { value: Uint8Array } | undefined;
      return Promise.resolve(row === undefined ? null : (JSON.parse(utf8.decode(row.value)) as Governance));
    },
  };
}

function pgBackend(store: PgAuditStore, index: PgSearchIndex): ReadModelBackend {
  return {
    state: () => index.state(),
    applyVersion: (state, updates) => index.applyVersion(state, updates),
    search: (query) => index.search(query),
    verify: () => index.verify(),
    changeMarker: () => index.changeMarker(),
    lastVersionBlock: async () => {
      const { rows } = await store.pool.query<{ top: string | null }>(
        `SELECT MAX(block_number) AS top FROM ${store.table('writes')} WHERE object_type = $1`,
        [KEY_TYPES.version],
      );
      const top = rows[0]?.top ?? null;
      return top === null ? null : Number(top);
    },
    governance: async () => {
      const { rows } = await store.pool.query<{ value: Buffer }>(
        `SELECT w.value FROM ${store.table('writes')} w JOIN ${store.table('transactions')} t
           ON t.block_number = w.block_number AND t.tx_index = w.tx_index
         WHERE w.key = $1 AND t.validation_code = 0 AND w.is_delete = 0
         ORDER BY w.block_number DESC, w.tx_index DESC LIMIT 1`,
        [Buffer.from(GOVERNANCE_KEY, 'utf8')],
      );
      const value = rows[0]?.value;
      return value === undefined ? null : (JSON.parse(utf8.decode(value)) as Governance);
    },
  };
}

/** A read model in SQLite (what {@link SearchReadModel.open} returns). */
export type SqliteReadModel = SearchReadModel<SqliteAuditStore, SqliteSearchIndex>;

/** The read model (see the module comment); `S` and `I` are its store and index. */
export class SearchReadModel<S extends AuditStore = AuditStore, I = unknown> {
  /** The audit store the read model follows the channel into. */
  public readonly store: S;
  /** The search index (for ad-hoc checks and tests). */
  public readonly index: I;
  readonly #db: ReadModelBackend;
  readonly #chain: ChainVersions;
  /** The change marker and catalog version last verified (null: verify before the next answer). */
  #verified: { readonly marker: number; readonly version: number } | null = null;
  #refreshing: Promise<IndexState | null> = Promise.resolve(null);

  private constructor(store: S, index: I, backend: ReadModelBackend, chain: ChainVersions) {
    this.store = store;
    this.index = index;
    this.#db = backend;
    this.#chain = chain;
  }

  /** Opens (creating if needed) the read model in the SQLite file `path` (or `:memory:`). */
  public static open(
    path: string,
    chain: ChainVersions,
  ): SearchReadModel<SqliteAuditStore, SqliteSearchIndex> {
    const store = new SqliteAuditStore({ path });
    const index = new SqliteSearchIndex(store.db);
    return new SearchReadModel(store, index, sqliteBackend(store, index), chain);
  }

  /** Opens (creating if needed) the read model in PostgreSQL (`postgres://…[?schema=name]`). */
  public static async openPostgres(
    url: string,
    chain: ChainVersions,
    options: PgStoreOptions = {},
  ): Promise<SearchReadModel<PgAuditStore, PgSearchIndex>> {
    const store = await PgAuditStore.open(url, options);
    try {
      const index = await PgSearchIndex.open(store.pool, store.schema);
      return new SearchReadModel(store, index, pgBackend(store, index), chain);
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  /** The version the index reflects (null before the first). */
  public state(): Promise<IndexState | null> {
    return this.#db.state();
  }

  /** Replays the channel up to its current height, then indexes the versions sealed since. */
  public async catchUp(
    network: ReplayNetwork,
    options: Omit<ReplayOptions, 'follow'> = {},
  ): Promise<ReplaySummary> {
    const summary = await replayBlocks(network, this.store, { ...options, follow: false });
    await this.refresh();
    return summary;
  }

  /**
   * Follows the channel until `options.signal` aborts, indexing each newly sealed version as its
   * block is stored and checking it at once (its rows against the digest sealed on chain, as every
   * answer needs), so the first search after a new version does not wait for that check;
   * `onRefresh` reports every version indexed and checked, `onRefreshError` a failure of either.
   */
  public async follow(
    network: ReplayNetwork,
    options: Omit<ReplayOptions, 'follow'> & {
      readonly onRefresh?: (state: IndexState) => void;
      /** A version could not be indexed (the next block retries). */
      readonly onRefreshError?: (error: unknown) => void;
    } = {},
  ): Promise<ReplaySummary> {
    let last = (await this.state())?.version ?? 0;
    const summary = await replayBlocks(network, this.store, {
      ...options,
      follow: true,
      onProgress: (progress) => {
        options.onProgress?.(progress);
        this.refresh()
          .then(async (state) => {
            if (state !== null && state.version !== last) {
              last = state.version;
              await this.check();
              options.onRefresh?.(state);
            }
          })
          .catch((error: unknown) => options.onRefreshError?.(error));
      },
    });
    await this.refresh();
    return summary;
  }

  /**
   * Indexes the versions the store holds beyond the index's (one store transaction per version);
   * refreshes run one after another.
   */
  public refresh(): Promise<IndexState | null> {
    this.#refreshing = this.#refreshing.catch(() => null).then(() => this.#refresh());
    return this.#refreshing;
  }

  async #refresh(): Promise<IndexState | null> {
    const current = await this.#db.state();
    const top = await this.#db.lastVersionBlock();
    if (top === null || (current !== null && top <= current.blockNumber)) {
      return current;
    }
    const model = await buildLedgerModel(this.store);
    let state = current;
    for (const version of model.versions) {
      if (version.record.version <= (state?.version ?? 0)) {
        continue;
      }
      const next: IndexState = {
        version: version.record.version,
        digest: version.record.digest,
        versionHash: version.record.versionHash,
        blockNumber: version.tx.blockNumber,
      };
      await this.#db.applyVersion(next, updatesOf(version));
      state = next;
    }
    this.#verified = null;
    return state;
  }

  /** Checks the index before it answers (see the module comment); returns the version it reflects. */
  public async check(options: SearchOptions = {}): Promise<IndexState> {
    const state = await this.#db.state();
    if (state === null) {
      throw new CatalogClientError('READ_MODEL_BEHIND', 'the read model holds no sealed version yet', {
        template: 'READ_MODEL_BEHIND.empty',
      });
    }
    const head = options.atLeastVersion ?? null;
    if (head !== null && state.version < head) {
      throw new CatalogClientError(
        'READ_MODEL_BEHIND',
        `the read model holds version ${state.version}, the chain has sealed version ${head}`,
        { params: { version: state.version, head } },
      );
    }
    const marker = await this.#db.changeMarker();
    if (this.#verified?.marker === marker && this.#verified.version === state.version) {
      return state;
    }
    const checked = await this.#db.verify();
    const problem = checked.problems[0];
    if (problem !== undefined) {
      throw new CatalogClientError(
        'READ_MODEL_DIGEST_MISMATCH',
        `the read model's index does not match its records (${problem})`,
        { template: 'READ_MODEL_DIGEST_MISMATCH.index', params: { detail: problem } },
      );
    }
    const sealed = await this.#chain.sealedDigest(state.version);
    if (checked.digest !== sealed || state.digest !== sealed) {
      throw new CatalogClientError(
        'READ_MODEL_DIGEST_MISMATCH',
        `version ${state.version} is sealed on chain with digest ${sealed}, the read model's rows give ${checked.digest}`,
        { params: { version: state.version, expected: sealed, found: checked.digest } },
      );
    }
    this.#verified = { marker, version: state.version };
    return state;
  }

  /** The newest version sealed on chain (for {@link SearchOptions.atLeastVersion}). */
  public headVersion(): Promise<number | null> {
    return this.#chain.headVersion();
  }

  /**
   * The province a filter names, in any form the governance record lists (`Shaanxi`, `陕西`, `陕`,
   * `SN`, …), read from the replayed record; UNKNOWN_PROVINCE otherwise.
   */
  async #province(input: string): Promise<string> {
    const governance = (await this.#db.governance()) ?? ({ provinces: [] } as unknown as Governance);
    try {
      return normaliseProvince(governance, input).name;
    } catch (error) {
      throw toClientError(error);
    }
  }

  /** Searches the catalog version the read model holds (see rank.ts for the order). */
  public async search(input: unknown, options: SearchOptions = {}): Promise<SearchAnswer> {
    const parsed = parseSearchInput(input);
    const normalised = normaliseQuery(parsed.q);
    const state = await this.check(options);
    const query =
      parsed.province === undefined ? parsed : { ...parsed, province: await this.#province(parsed.province) };
    const limit = query.limit ?? 20;
    const offset = query.offset ?? 0;
    const page = await this.#db.search({
      q: normalised,
      limit,
      offset,
      ...(query.kind === undefined ? {} : { kind: query.kind }),
      ...(query.class === undefined ? {} : { class: query.class }),
      ...(query.section === undefined ? {} : { section: query.section }),
      ...(query.province === undefined ? {} : { province: query.province }),
    });
    return {
      query: parsed.q,
      normalised,
      catalogVersion: state.version,
      digest: state.digest,
      total: page.total,
      offset,
      limit,
      hits: page.hits,
    };
  }

  /** Closes the database. */
  public async close(): Promise<void> {
    await this.#refreshing.catch(() => null);
    await this.store.close();
  }
}

/** Opens the read model at `location`: a PostgreSQL URL (`postgres://…`), else a SQLite file. */
export async function openReadModel(location: string, chain: ChainVersions): Promise<SearchReadModel> {
  return /^postgres(ql)?:\/\//i.test(location)
    ? SearchReadModel.openPostgres(location, chain)
    : SearchReadModel.open(location, chain);
}
