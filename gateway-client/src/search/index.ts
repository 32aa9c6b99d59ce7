/** Search for people, served from an off-chain read model that follows the channel. */
export { MATCH_KINDS, matchKind, matchRank, type MatchKind, type RankedFields } from './rank';
export { normaliseQuery, pinyinKeys, searchKeys, SHORT_QUERY, shortGrams, type SearchKeys } from './text';
export {
  SqliteSearchIndex,
  type EntryUpdate,
  type IndexCheck,
  type IndexPage,
  type IndexQuery,
  type IndexState,
  type SearchHit,
} from './sqlite-index';
export { PgSearchIndex } from './pg-index';
export {
  chainVersionsOf,
  openReadModel,
  parseSearchInput,
  SearchReadModel,
  type ChainVersions,
  type ReadModelBackend,
  type SqliteReadModel,
  type SearchAnswer,
  type SearchOptions,
  type VersionReader,
} from './read-model';
