/**
 * The reads behind CheckCoverage and CheckCoverageBatch, each done once per transaction.
 *
 * A check needs the governance record (to name the province), the version in force on the line's
 * date, the item as listed in it and the province's overlay. On a peer every state read is a round
 * trip over the chaincode's stream, so a {@link CoverageReader} reads the governance record and the
 * sealed versions once, and each item index, item record and overlay once however many lines ask
 * about them; equal lines are answered once.
 *
 * The sealed versions say which proposals are sealed and as which version (`proposalIds`; an
 * applied proposal never changes status), so no proposal record is read. They also say who could
 * have written an item or overlay, which lets most reads skip the index key:
 *
 * - every write of an item comes from a proposal of the item's owner (ApplyChunk refuses others,
 *   FORBIDDEN_ORG.itemOwner), and the owner is fixed by the id: `D-` / `H-` items are national
 *   (NHSA), `S-<code>-` / `M-<code>-` items belong to the province with that code (normaliseItem
 *   checks the prefix). When at most {@link PROBE_LIMIT} sealed versions of that owner are in force,
 *   their records are read directly, newest first — the first one found is the entry in force;
 * - an overlay of a province is written only by that province's provincial proposals
 *   (SCOPE_VIOLATION otherwise): with none sealed, there is no overlay and nothing is read; with one,
 *   its record is read directly.
 *
 * Otherwise (more versions of the owner, an id of no known owner, a version whose province the
 * member list does not name) the index key is read and its entries resolved as {@link entryAsOf}
 * does. The answers are the ones the index path gives, line by line.
 */
import { canonicalJson } from '../lib/canonical-json';
import { raise } from '../lib/errors';
import {
  itemKey,
  itemRecordKey,
  overlayKey,
  overlayRecordKey,
  policyKey,
  policyRecordKey,
  T,
} from '../lib/keys';
import { normaliseProvince, type ProvinceInfo } from '../lib/orgs';
import type { Tx } from '../lib/tx';
import { evaluateCoverage } from './coverage';
import { insuredParts, type PolicyInForce } from './payment-policy';
import {
  lookupMatches,
  lookupQueryOf,
  lookupRangeOf,
  type InForce,
  type InForceSource,
} from './lookup-reader';
import {
  allVersions,
  getHead,
  requireGovernance,
  type ItemIndex,
  type ItemRecord,
  type OverlayIndex,
  type OverlayRecord,
  type PolicyIndex,
  type PolicyRecord,
  rulesFromLinks,
  type RuleLink,
} from './store';
import type { CoverageInput, Governance, ItemRule, LookupQuery, Overlay, Version } from './types';

/**
 * Item and overlay records this chaincode process has read, across transactions, per channel. A
 * record key (`item record` / `overlay record`: item, proposal) is written once, by ApplyChunk, under
 * a key-level policy no endorser set satisfies, so a value read once is the value for good: a later
 * check answers from here instead of a round trip to the peer. Only records found are kept (a key
 * not there yet may be written later). Used by the coverage checks alone, which are evaluate-only
 * queries: no endorsed transaction's read set leaves out a read because of it. The coverage reader
 * asks only for records of sealed proposals — every record a sealed proposal will ever have is
 * written before it seals — so a record found missing stays missing too, and is kept as such.
 * Bounded: the least recently used record goes first.
 */
export class ImmutableRecordCache {
  readonly #values = new Map<string, unknown>();
  public hits = 0;
  public misses = 0;

  public constructor(public readonly capacity: number) {}

  /** The cached value of `key` on `channel`, or undefined. */
  public get(channel: string, key: string): unknown {
    const id = `${channel}\u0000${key}`;
    const value = this.#values.get(id);
    if (value === undefined) {
      this.misses += 1;
      return undefined;
    }
    this.hits += 1;
    // most recently used last
    this.#values.delete(id);
    this.#values.set(id, value);
    return value;
  }

  /** Keeps a record read from the ledger (`null`: the sealed proposal wrote no such record). */
  public set(channel: string, key: string, value: unknown): void {
    const id = `${channel}\u0000${key}`;
    this.#values.delete(id);
    this.#values.set(id, value);
    if (this.#values.size > this.capacity) {
      const oldest = this.#values.keys().next();
      if (oldest.done !== true) this.#values.delete(oldest.value);
    }
  }

  public get size(): number {
    return this.#values.size;
  }

  public clear(): void {
    this.#values.clear();
    this.hits = 0;
    this.misses = 0;
  }
}

/** The process's record cache: up to 10,000 records (the national list twice over), some 10–20 MB of heap. */
export const RECORD_CACHE = new ImmutableRecordCache(10_000);

/**
 * The sealed versions of a channel as this process last read them, with the head they end at.
 * Version records are immutable and every seal rewrites the head (`versionHash` of the newest
 * version) in the same transaction, so while the head's hash is the cached one the cached list is
 * exactly what a scan of the version keys would return: a check reads the head key instead of
 * scanning every version.
 */
const VERSION_CACHE = new Map<
  string,
  { readonly versionHash: string; readonly versions: readonly Version[] }
>();

/** Every sealed version, ascending, and the head's hash: from {@link VERSION_CACHE} while the head has not moved. */
async function sealedVersions(tx: Tx): Promise<{ versions: readonly Version[]; head: string | null }> {
  const head = await getHead(tx);
  if (head === null) {
    return { versions: [], head: null };
  }
  const channel = tx.stub.getChannelID();
  const cached = VERSION_CACHE.get(channel);
  if (cached?.versionHash === head.versionHash) {
    return { versions: cached.versions, head: head.versionHash };
  }
  const versions = await allVersions(tx);
  if (versions.at(-1)?.versionHash === head.versionHash) {
    VERSION_CACHE.set(channel, { versionHash: head.versionHash, versions });
  }
  return { versions, head: head.versionHash };
}

/**
 * Item and overlay index keys this process has read, per channel, valid for one head. An index only
 * ever gains entries (ApplyChunk appends one per change) and an entry counts for a check only once
 * its proposal is sealed — which rewrites the head. While the head is the one an index was read
 * under, the entries that count are the ones read: the cached index answers as the key would. A new
 * head empties the channel's map.
 */
const INDEX_CACHE = new Map<string, { readonly head: string; readonly values: Map<string, unknown> }>();
/** Most index keys kept per channel (the map empties when full). */
export const INDEX_CACHE_LIMIT = 20_000;

/**
 * Whether any rule lookup key (`rulei`) exists, per channel, as read under one head. Lookup keys
 * are written only by ApplyChunk and count only once their proposal seals, which rewrites the head:
 * when none existed under this head, no item has a rule in force in any sealed version, and a check
 * scans nothing for rules until the head moves.
 */
const RULES_PRESENT = new Map<string, { readonly head: string; readonly present: boolean }>();

/** Forgets the sealed versions this process cached (tests). */
export function clearVersionCache(): void {
  VERSION_CACHE.clear();
  INDEX_CACHE.clear();
  RULES_PRESENT.clear();
}

/** Most sealed writers whose records are read directly before the index key is read instead. */
export const PROBE_LIMIT = 2;

/** A sealed proposal: its id and the version that sealed it. */
interface Sealed {
  readonly proposalId: string;
  readonly version: number;
}

/** Answers coverage lines of one transaction, reading each key at most once. */
export class CoverageReader implements InForceSource {
  readonly #tx: Tx;
  readonly #g: Governance;
  /** Sealed versions, ascending. */
  readonly #versions: readonly Version[];
  /** Version that sealed each proposal. */
  readonly #sealed = new Map<string, number>();
  /** Sealed proposals per writer (NHSA's MSP for national versions, the province's for provincial ones), ascending. */
  readonly #byOwner = new Map<string, Sealed[]>();
  /** False when a version names a province the member list does not: then every read goes through the index. */
  readonly #ownersKnown: boolean;
  /** Values read, by key (null: the key does not exist). */
  readonly #reads = new Map<string, unknown>();
  readonly #items = new Map<string, InForce | null>();
  readonly #overlays = new Map<string, Overlay | null>();
  readonly #policies = new Map<string, PolicyInForce | null>();
  readonly #itemRules = new Map<string, ItemRule[]>();
  #rulesPresent: boolean | null = null;
  readonly #answers = new Map<string, string>();

  /** The head's hash this transaction reads under (null: nothing sealed). */
  readonly #head: string | null;

  private constructor(tx: Tx, g: Governance, versions: readonly Version[], head: string | null) {
    this.#head = head;
    this.#tx = tx;
    this.#g = g;
    this.#versions = versions;
    let known = true;
    for (const v of versions) {
      const owner =
        v.scope === 'national'
          ? g.nationalMsp
          : (g.provinces.find((p) => p.name === v.province)?.mspId ?? null);
      if (owner === null) {
        known = false;
      }
      for (const proposalId of v.proposalIds) {
        this.#sealed.set(proposalId, v.version);
        if (owner !== null) {
          const list = this.#byOwner.get(owner) ?? [];
          list.push({ proposalId, version: v.version });
          this.#byOwner.set(owner, list);
        }
      }
    }
    this.#ownersKnown = known;
  }

  /** Reads the governance record (GOVERNANCE_NOT_INITIALISED without one) and the sealed versions. */
  public static async open(tx: Tx): Promise<CoverageReader> {
    const g = await requireGovernance(tx);
    const { versions, head } = await sealedVersions(tx);
    return new CoverageReader(tx, g, versions, head);
  }

  /** The head's hash this reader reads under (null: nothing sealed). */
  public get head(): string | null {
    return this.#head;
  }

  /** The version that sealed a proposal, or null when it is not sealed. */
  public sealedVersionOf(proposalId: string): number | null {
    return this.#sealed.get(proposalId) ?? null;
  }

  /**
   * The canonical JSON answers to `lines`, in order: what `canonicalJson(evaluateCoverage(…))` gives
   * for each line on its own. Provinces are checked first, in line order (UNKNOWN_PROVINCE names the
   * first unknown one). A line naming an item by `name` (+ `dosageForm`) or `code` is resolved on
   * chain (see {@link CoverageReader.resolved}). `atVersion` limits every line to versions up to it
   * (VERSION_NOT_FOUND when it is not sealed).
   */
  public async answers(lines: readonly CoverageInput[], atVersion?: number): Promise<string[]> {
    return (await this.resolved(lines, atVersion)).map((a) => a.text);
  }

  /**
   * The answers to `lines` with the number of items each lookup line matched (null for an `itemId`
   * line) and whether a version was in force on its date. A lookup line matching one item answers that item's CoverageResult with its `dosageForm`
   * and the `query`; matching none or several, it answers `{ query, province, date, catalogVersion,
   * matches }` with every match's CoverageResult (each with its `dosageForm`), in key order.
   */
  public async resolved(
    lines: readonly CoverageInput[],
    atVersion?: number,
  ): Promise<{ text: string; matches: number | null; inForce: boolean }[]> {
    if (atVersion !== undefined && !this.#versions.some((v) => v.version === atVersion)) {
      raise('VERSION_NOT_FOUND.notSealed', { version: atVersion });
    }
    const checked = lines.map((line) => {
      const province = normaliseProvince(this.#g, line.province);
      const insured = line.patient?.insuredProvince;
      // checked in line order too, so UNKNOWN_PROVINCE names the first unknown province of the lines
      if (insured !== undefined) normaliseProvince(this.#g, insured);
      return { line, province };
    });
    const out: { text: string; matches: number | null; inForce: boolean }[] = [];
    for (const { line, province } of checked) {
      const query = lookupQueryOf(line);
      if (query === null) {
        const text = await this.#answer(line, line.itemId ?? '', province, atVersion);
        out.push({ text, matches: null, inForce: true });
      } else {
        out.push(await this.#lookupAnswer(line, query, province, atVersion));
      }
    }
    return out;
  }

  async #lookupAnswer(
    line: CoverageInput,
    query: LookupQuery,
    province: ProvinceInfo,
    atVersion: number | undefined,
  ): Promise<{ text: string; matches: number; inForce: boolean }> {
    const date = line.date ?? this.#tx.date;
    const version = this.#inForce(date, atVersion);
    const found =
      version === null ? [] : await lookupMatches(this.#tx, this, lookupRangeOf(query), version.version);
    const results: string[] = [];
    for (const m of found) {
      const text = await this.#answer(line, m.itemId, province, atVersion);
      // the item's CoverageResult with its dosage form (canonical: keys stay sorted)
      results.push(canonicalJson({ ...(JSON.parse(text) as object), dosageForm: m.item.dosageForm }));
    }
    const [only] = results;
    if (results.length === 1 && only !== undefined) {
      return { text: canonicalJson({ ...(JSON.parse(only) as object), query }), matches: 1, inForce: true };
    }
    const text = canonicalJson({
      catalogVersion: version?.version ?? 0,
      date,
      matches: results.map((r) => JSON.parse(r) as unknown),
      province: province.name,
      query,
    });
    return { text, matches: results.length, inForce: version !== null };
  }

  async #answer(
    line: CoverageInput,
    itemId: string,
    province: ProvinceInfo,
    atVersion: number | undefined,
  ): Promise<string> {
    const date = line.date ?? this.#tx.date;
    const patient = line.patient ?? {};
    const key = `${province.mspId}\u0000${itemId}\u0000${date}\u0000${String(atVersion)}\u0000${canonicalJson(patient)}`;
    const known = this.#answers.get(key);
    if (known !== undefined) {
      return known;
    }
    const version = this.#inForce(date, atVersion);
    const item = version === null ? null : ((await this.inForce(itemId, version.version))?.item ?? null);
    const overlay =
      version === null || item === null ? null : await this.#overlayAt(itemId, province, version.version);
    const rules = version === null || item === null ? [] : await this.#rulesAt(itemId, version.version);
    const result = evaluateCoverage({
      province: province.name,
      itemId,
      date,
      patient,
      version,
      item,
      overlay,
      rules,
    });
    // 就医地目录、参保地政策: with an insured province the answer adds that province's payment policy
    const insured =
      patient.insuredProvince === undefined ? null : normaliseProvince(this.#g, patient.insuredProvince);
    const answer = canonicalJson(
      insured === null
        ? result
        : {
            ...result,
            ...insuredParts(
              province.name,
              insured.name,
              patient,
              version === null ? null : await this.#policyAt(insured, version.version),
            ),
          },
    );
    this.#answers.set(key, answer);
    return answer;
  }

  /** The latest sealed version with effectiveFrom <= date (as {@link versionInForce}). */
  #inForce(date: string, atVersion?: number): Version | null {
    let found: Version | null = null;
    for (const v of this.#versions) {
      if (v.effectiveFrom <= date && (atVersion === undefined || v.version <= atVersion)) {
        found = v;
      }
    }
    return found;
  }

  async #read<V>(key: string): Promise<V | null> {
    if (this.#reads.has(key)) {
      return this.#reads.get(key) as V | null;
    }
    const value = await this.#tx.read<V>(key);
    this.#reads.set(key, value);
    return value;
  }

  /** An index key's value: from {@link INDEX_CACHE} when it was read under this head. */
  async #readIndex<V>(key: string): Promise<V | null> {
    const head = this.#head;
    if (head === null) {
      return this.#read<V>(key);
    }
    const channel = this.#tx.stub.getChannelID();
    let cache = INDEX_CACHE.get(channel);
    if (cache?.head !== head) {
      cache = { head, values: new Map() };
      INDEX_CACHE.set(channel, cache);
    }
    if (cache.values.has(key)) {
      return cache.values.get(key) as V | null;
    }
    const value = await this.#read<V>(key);
    if (cache.values.size >= INDEX_CACHE_LIMIT) {
      cache.values.clear();
    }
    cache.values.set(key, value);
    return value;
  }

  /** A record key's value: from the process's {@link RECORD_CACHE} when it was read before. */
  async #readRecord<V>(key: string): Promise<V | null> {
    const channel = this.#tx.stub.getChannelID();
    const cached = RECORD_CACHE.get(channel, key);
    if (cached !== undefined) {
      return cached as V | null;
    }
    const value = await this.#read<V>(key);
    RECORD_CACHE.set(channel, key, value);
    return value;
  }

  /** Proposals of `owner` sealed as version <= `version`, newest first. */
  #writers(owner: string, version: number): Sealed[] {
    return (this.#byOwner.get(owner) ?? []).filter((s) => s.version <= version).reverse();
  }

  /** The owner an item id implies (NHSA for `D-`/`H-`, the province of `S-<code>-`/`M-<code>-`), or null. */
  #ownerOfId(itemId: string): string | null {
    if (itemId.startsWith('D-') || itemId.startsWith('H-')) {
      return this.#g.nationalMsp;
    }
    const m = /^[SM]-([A-Z]{2})-/.exec(itemId);
    const code = m?.[1];
    return code === undefined ? null : (this.#g.provinces.find((p) => p.code === code)?.mspId ?? null);
  }

  /** The entry of an index in force as of `version` (as {@link entryAsOf}, with the sealed versions read once). */
  #entryAsOf<E extends { proposalId: string }>(entries: readonly E[], version: number): E | null {
    let best: { entry: E; version: number } | null = null;
    for (const entry of entries) {
      const sealed = this.#sealed.get(entry.proposalId) ?? null;
      if (sealed !== null && sealed <= version && (best === null || sealed > best.version)) {
        best = { entry, version: sealed };
      }
    }
    return best?.entry ?? null;
  }

  /**
   * The entry of an item in force as of `version` (null when never listed): the item (null when
   * removed), the proposal that wrote it and the version that sealed it — as {@link itemAsOf}.
   */
  public async inForce(itemId: string, version: number): Promise<InForce | null> {
    const memo = `${itemId}\u0000${String(version)}`;
    if (this.#items.has(memo)) {
      return this.#items.get(memo) ?? null;
    }
    const stub = this.#tx.stub;
    let found: InForce | null = null;
    const owner = this.#ownersKnown ? this.#ownerOfId(itemId) : null;
    const writers = owner === null ? null : this.#writers(owner, version);
    if (writers !== null && writers.length <= PROBE_LIMIT) {
      for (const w of writers) {
        const record = await this.#readRecord<ItemRecord>(itemRecordKey(stub, itemId, w.proposalId));
        if (record !== null) {
          found = { item: record.item, proposalId: w.proposalId, version: w.version };
          break;
        }
      }
    } else {
      const index = await this.#readIndex<ItemIndex>(itemKey(stub, itemId));
      const entry = index === null ? null : this.#entryAsOf(index.entries, version);
      if (entry !== null) {
        const record =
          (await this.#readRecord<ItemRecord>(itemRecordKey(stub, itemId, entry.proposalId))) ??
          raise('INTERNAL.recordMissing', { itemId, proposalId: entry.proposalId });
        found = {
          item: record.item,
          proposalId: entry.proposalId,
          version: this.#sealed.get(entry.proposalId) ?? 0,
        };
      }
    }
    this.#items.set(memo, found);
    return found;
  }

  /** Whether any rule lookup key exists (from {@link RULES_PRESENT} while the head has not moved). */
  async #anyRules(): Promise<boolean> {
    if (this.#rulesPresent !== null) {
      return this.#rulesPresent;
    }
    const head = this.#head;
    let present: boolean;
    if (head === null) {
      present = false;
    } else {
      const channel = this.#tx.stub.getChannelID();
      const cached = RULES_PRESENT.get(channel);
      if (cached?.head === head) {
        present = cached.present;
      } else {
        present = (await this.#tx.page(T.ruleLink, [], 1, '')).entries.length > 0;
        RULES_PRESENT.set(channel, { head, present });
      }
    }
    this.#rulesPresent = present;
    return present;
  }

  /**
   * The rules of the national rule base in force for an item as of `version` (as
   * {@link rulesOfItemAsOf}): one range scan of the item's lookup keys, kept per head like an index
   * key (links of unsealed proposals in it count only once sealed, which moves the head).
   */
  async #rulesAt(itemId: string, version: number): Promise<ItemRule[]> {
    const memo = `${itemId}\u0000${version}`;
    const known = this.#itemRules.get(memo);
    if (known !== undefined) {
      return known;
    }
    let rules: ItemRule[] = [];
    if (await this.#anyRules()) {
      const key = `${T.ruleLink}\u0000${itemId}`;
      const links = await this.#cached<RuleLink[]>(key, async () =>
        (await this.#tx.scan<RuleLink>(T.ruleLink, [itemId])).map((e) => e.value),
      );
      rules = rulesFromLinks(links, version, (id) => this.#sealed.get(id) ?? null);
    }
    this.#itemRules.set(memo, rules);
    return rules;
  }

  /** A value computed once per head and channel (in {@link INDEX_CACHE}); `head` is not null here. */
  async #cached<V>(key: string, load: () => Promise<V>): Promise<V> {
    const head = this.#head ?? '';
    const channel = this.#tx.stub.getChannelID();
    let cache = INDEX_CACHE.get(channel);
    if (cache?.head !== head) {
      cache = { head, values: new Map() };
      INDEX_CACHE.set(channel, cache);
    }
    if (cache.values.has(key)) {
      return cache.values.get(key) as V;
    }
    const value = await load();
    if (cache.values.size >= INDEX_CACHE_LIMIT) {
      cache.values.clear();
    }
    cache.values.set(key, value);
    return value;
  }

  /**
   * A province's payment policy as of `version` (null when none or cleared), as {@link policyAsOf}:
   * only its provincial proposals write it, so with none sealed nothing is read.
   */
  async #policyAt(province: ProvinceInfo, version: number): Promise<PolicyInForce | null> {
    const memo = `policy\u0000${province.mspId}\u0000${version}`;
    if (this.#policies.has(memo)) {
      return this.#policies.get(memo) ?? null;
    }
    const stub = this.#tx.stub;
    let found: PolicyInForce | null = null;
    const writers = this.#ownersKnown ? this.#writers(province.mspId, version) : null;
    if (writers === null || writers.length > 0) {
      const index = await this.#readIndex<PolicyIndex>(policyKey(stub, province.mspId));
      const entry = index === null ? null : this.#entryAsOf(index.entries, version);
      if (entry !== null) {
        const record = await this.#readRecord<PolicyRecord>(
          policyRecordKey(stub, province.mspId, entry.proposalId),
        );
        if (record?.policy != null) {
          found = {
            policy: record.policy,
            proposalId: entry.proposalId,
            version: this.#sealed.get(entry.proposalId) ?? 0,
          };
        }
      }
    }
    this.#policies.set(memo, found);
    return found;
  }

  /** One province's overlay of an item as of `version` (null when none or cleared), as {@link overlayAsOf}. */
  async #overlayAt(itemId: string, province: ProvinceInfo, version: number): Promise<Overlay | null> {
    const memo = `${itemId}\u0000${province.mspId}\u0000${version}`;
    if (this.#overlays.has(memo)) {
      return this.#overlays.get(memo) ?? null;
    }
    const stub = this.#tx.stub;
    const writers = this.#ownersKnown ? this.#writers(province.mspId, version) : null;
    let overlay: Overlay | null = null;
    if (writers?.length === 1) {
      const [w] = writers;
      if (w !== undefined) {
        overlay =
          (
            await this.#readRecord<OverlayRecord>(
              overlayRecordKey(stub, itemId, province.mspId, w.proposalId),
            )
          )?.overlay ?? null;
      }
    } else if (writers === null || writers.length > 1) {
      const index = await this.#readIndex<OverlayIndex>(overlayKey(stub, itemId, province.mspId));
      const entry = index === null ? null : this.#entryAsOf(index.entries, version);
      if (entry !== null) {
        overlay =
          (
            await this.#readRecord<OverlayRecord>(
              overlayRecordKey(stub, itemId, province.mspId, entry.proposalId),
            )
          )?.overlay ?? null;
      }
    }
    this.#overlays.set(memo, overlay);
    return overlay;
  }
}
