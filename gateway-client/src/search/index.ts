/** Search for people, served from an off-chain read model that follows the channel. */
export { MATCH_KINDS, matchKind, matchRank, type MatchKind, type RankedFields } from './rank';
export { normaliseQuery, pinyinKeys, searchKeys, shortGrams, type SearchKeys } from './text';
export {
  SqliteSearchIndex,
  type EntryUpdate,
  type IndexCheck,
  type IndexPage,
  type IndexQuery,
  type IndexState,
  type SearchHit,
} from './sqlite-index';
export {
  chainVersionsOf,
  parseSearchInput,
  SearchReadModel,
  type ChainVersions,
  type SearchAnswer,
  type SearchOptions,
  type VersionReader,
} from './read-model';
