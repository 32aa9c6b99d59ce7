import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { raise } from '../lib/errors';
import { latticeKey, itemKey, overlayKey, T } from '../lib/keys';
import { normaliseProvince } from '../lib/orgs';
import { CanonicalText, decodeBookmark, encodeBookmark, runTx, type Tx } from '../lib/tx';
import { CoverageReader } from '../model/coverage-reader';
import type { SearchItemsInput } from '../model/io';
import { normaliseSearchText, summarise } from '../model/items';
import { exactRange, itemCodes, LOOKUP, lookupText, prefixRange, type LookupRange } from '../model/lookup';
import { lookupPage } from '../model/lookup-reader';
import { filteredPage } from '../model/paging';
import {
  entryAsOf,
  getHead,
  getItemIndex,
  getOverlayIndex,
  getPolicyIndex,
  getRuleIndex,
  getVersion,
  itemAsOf,
  overlayAsOf,
  policyAsOf,
  requireGovernance,
  resolveVersion,
  ruleAsOf,
  rulesOfItemAsOf,
  sealedVersionOf,
  type ItemIndex,
  type ItemRecord,
  type OverlayRecord,
} from '../model/store';
import type {
  HistoryChange,
  Item,
  ItemHistory,
  ItemSummary,
  Overlay,
  PaymentPolicyView,
  RuleView,
  Version,
} from '../model/types';
import { itemRecordKey, overlayRecordKey } from '../lib/keys';

/** The filters of a search, on the item in force (`code` also matches `codes` and the item id). */
async function searchMatcher(tx: Tx, a: SearchItemsInput): Promise<(s: ItemSummary, item?: Item) => boolean> {
  const name = a.name === undefined ? undefined : normaliseSearchText(a.name);
  const exact = a.exactName === undefined ? undefined : normaliseSearchText(a.exactName);
  const form = a.dosageForm === undefined ? undefined : normaliseSearchText(a.dosageForm);
  const prefix = a.namePrefix === undefined ? undefined : normaliseSearchText(a.namePrefix);
  const code = a.code === undefined ? undefined : normaliseSearchText(a.code);
  const province =
    a.province === undefined ? undefined : normaliseProvince(await requireGovernance(tx), a.province).name;
  return (s, item) => {
    const n = normaliseSearchText(s.name);
    const codes = item === undefined ? [s.code ?? ''] : itemCodes(item);
    return (
      (name === undefined || n.includes(name)) &&
      (exact === undefined || n === exact) &&
      (form === undefined || normaliseSearchText(s.dosageForm ?? '') === form) &&
      (prefix === undefined || n.startsWith(prefix)) &&
      (code === undefined || codes.includes(code) || s.itemId === a.code) &&
      (a.categoryCode === undefined || (s.categoryCode ?? '').startsWith(a.categoryCode)) &&
      (a.class === undefined || s.class === a.class) &&
      (a.section === undefined || s.section === a.section) &&
      (a.kind === undefined || s.kind === a.kind) &&
      (province === undefined || s.province === province)
    );
  };
}

/**
 * The lookup range that drives a search, with a test on each key's parts (the key holds the
 * normalised name), or null when no lookup filter is given (then every item key is scanned). The
 * most selective filter drives: code, then exact name (and form), name prefix, category prefix, and
 * last a name substring (every name key is examined, without reading the items of the others).
 */
function searchRange(
  a: SearchItemsInput,
): { range: LookupRange; keep: (parts: readonly string[]) => boolean } | null {
  const all = (): boolean => true;
  if (a.code !== undefined) {
    return { range: exactRange(LOOKUP.code, [lookupText(a.code)]), keep: all };
  }
  if (a.exactName !== undefined) {
    const parts = [lookupText(a.exactName)];
    if (a.dosageForm !== undefined) {
      parts.push(lookupText(a.dosageForm));
    }
    return { range: exactRange(LOOKUP.name, parts), keep: all };
  }
  if (a.namePrefix !== undefined) {
    return { range: prefixRange(LOOKUP.name, lookupText(a.namePrefix)), keep: all };
  }
  if (a.categoryCode !== undefined) {
    return { range: prefixRange(LOOKUP.category, lookupText(a.categoryCode)), keep: all };
  }
  if (a.name !== undefined) {
    const sub = lookupText(a.name);
    return { range: prefixRange(LOOKUP.name, ''), keep: (parts) => (parts[0] ?? '').includes(sub) };
  }
  return null;
}

/** The sealed ones of a record's index entries, with the version that sealed each, oldest first. */
async function sealedChanges<O extends string>(
  tx: Tx,
  entries: readonly { readonly proposalId: string; readonly op: O }[],
): Promise<{ version: number; proposalId: string; op: O }[]> {
  const changes: { version: number; proposalId: string; op: O }[] = [];
  for (const entry of entries) {
    const sealed = await sealedVersionOf(tx, entry.proposalId);
    if (sealed !== null) changes.push({ version: sealed, proposalId: entry.proposalId, op: entry.op });
  }
  return changes.sort((x, y) => x.version - y.version);
}

/**
 * Read-only catalog queries (all evaluate-only): items as of a version or date, coverage, search,
 * history and versions.
 */
@Info({ title: 'Catalog', description: 'Catalog queries: items, coverage, search, history, versions' })
export class CatalogContract extends Contract {
  public constructor() {
    super('Catalog');
  }

  /**
   * An item as listed in a version (`version`), the version in force on `date`, or the head; with the
   * provincial overlays (one `province`, or all). ITEM_NOT_FOUND when not listed there.
   */
  @Transaction(false)
  @Returns('string')
  public async GetItem(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.GetItem', input, async (tx, a) => {
      if (a.version !== undefined && a.date !== undefined) {
        raise('INVALID_INPUT.versionOrDate', {});
      }
      const version = await resolveVersion(tx, a);
      const found = await itemAsOf(tx, a.itemId, version.version);
      if (found?.item == null) {
        raise('ITEM_NOT_FOUND.notInVersion', { itemId: a.itemId, version: version.version });
      }
      const g = await requireGovernance(tx);
      const provinces = a.province === undefined ? g.provinces : [normaliseProvince(g, a.province)];
      const overlays: Overlay[] = [];
      for (const p of provinces) {
        const o = await overlayAsOf(tx, a.itemId, p.mspId, version.version);
        if (o !== null) {
          overlays.push(o);
        }
      }
      return {
        catalogVersion: version.version,
        versionEffectiveFrom: version.effectiveFrom,
        versionTxId: version.txId,
        itemId: a.itemId,
        item: found.item,
        listedInVersion: found.version,
        proposalId: found.record.proposalId,
        overlays,
        rules: await rulesOfItemAsOf(tx, a.itemId, version.version),
      };
    });
  }

  /**
   * A rule of the national rule base as of a version (`version`), the version in force on `date`, or
   * the head, with every sealed change of the rule (oldest first). RULE_NOT_FOUND when it is not in
   * force there.
   */
  @Transaction(false)
  @Returns('string')
  public async GetRule(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.GetRule', input, async (tx, a): Promise<RuleView> => {
      if (a.version !== undefined && a.date !== undefined) {
        raise('INVALID_INPUT.versionOrDate', {});
      }
      const version = await resolveVersion(tx, a);
      const found = await ruleAsOf(tx, a.ruleId, version.version);
      if (found?.rule == null) {
        raise('RULE_NOT_FOUND.notInVersion', { ruleId: a.ruleId, version: version.version });
      }
      const changes = await sealedChanges(tx, (await getRuleIndex(tx, a.ruleId))?.entries ?? []);
      return {
        catalogVersion: version.version,
        versionEffectiveFrom: version.effectiveFrom,
        ruleId: a.ruleId,
        rule: found.rule,
        listedInVersion: found.version,
        proposalId: found.record.proposalId,
        changes,
      };
    });
  }

  /**
   * A province's payment policy (医保待遇) as of a version (`version`), the version in force on
   * `date`, or the head, with every sealed change of it (oldest first). POLICY_NOT_FOUND when the
   * province has none in force there.
   */
  @Transaction(false)
  @Returns('string')
  public async GetPaymentPolicy(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.GetPaymentPolicy', input, async (tx, a): Promise<PaymentPolicyView> => {
      if (a.version !== undefined && a.date !== undefined) {
        raise('INVALID_INPUT.versionOrDate', {});
      }
      const province = normaliseProvince(await requireGovernance(tx), a.province);
      const version = await resolveVersion(tx, a);
      const found = await policyAsOf(tx, province.mspId, version.version);
      if (found?.policy == null) {
        raise('POLICY_NOT_FOUND.notInVersion', { province: province.name, version: version.version });
      }
      const changes = await sealedChanges(tx, (await getPolicyIndex(tx, province.mspId))?.entries ?? []);
      return {
        catalogVersion: version.version,
        versionEffectiveFrom: version.effectiveFrom,
        province: province.name,
        policy: found.policy,
        listedInVersion: found.version,
        proposalId: found.record.proposalId,
        changes,
      };
    });
  }

  /** Items matching every given filter, as of `version` (default head); paged with a bookmark. */
  @Transaction(false)
  @Returns('string')
  public async SearchItems(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.SearchItems', input, async (tx, a) => {
      const head = await getHead(tx);
      const asOf = a.version ?? head?.version ?? 0;
      if (a.version !== undefined && (await getVersion(tx, a.version)) === null) {
        raise('VERSION_NOT_FOUND.notSealed', { version: a.version });
      }
      const matches = await searchMatcher(tx, a);
      const pageSize = a.pageSize ?? 50;
      const driven = searchRange(a);
      if (driven !== null) {
        const reader = await CoverageReader.open(tx);
        const page = await lookupPage(tx, reader, driven.range, {
          startKey: decodeBookmark(a.bookmark),
          pageSize,
          version: asOf,
          keep: driven.keep,
          accept: (item) => matches(summarise(item), item),
        });
        const records: (ItemSummary & { listedInVersion: number })[] = [...page.records];
        // an item id given as `code` names that item too (first page only)
        if (a.code !== undefined && (a.bookmark ?? '') === '' && !records.some((r) => r.itemId === a.code)) {
          const byId = asOf > 0 ? await reader.inForce(a.code, asOf) : null;
          if (byId?.item != null && matches(summarise(byId.item), byId.item)) {
            records.unshift({ ...summarise(byId.item), listedInVersion: byId.version });
          }
        }
        return {
          records,
          fetchedRecordsCount: records.length,
          bookmark: encodeBookmark(page.next),
          truncated: page.truncated,
          catalogVersion: asOf,
        };
      }
      const page = await filteredPage<ItemIndex, ItemSummary & { listedInVersion: number }>(
        tx,
        T.item,
        pageSize,
        decodeBookmark(a.bookmark),
        async (index) => {
          const found = await entryAsOf(tx, index.entries, asOf);
          const summary = found?.entry.summary ?? null;
          return summary !== null && found !== null && matches(summary)
            ? { ...summary, listedInVersion: found.version }
            : null;
        },
      );
      return {
        ...page,
        truncated: page.bookmark !== '' && page.records.length < pageSize,
        catalogVersion: asOf,
      };
    });
  }

  /** Coverage of one item in one province on a date (default: the transaction's date, CST). */
  @Transaction(false)
  @Returns('string')
  public async CheckCoverage(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.CheckCoverage', input, async (tx, a): Promise<CanonicalText> => {
      const [answer] = await (await CoverageReader.open(tx)).resolved([a]);
      if (answer?.matches === 0 && !answer.inForce) {
        raise('VERSION_NOT_FOUND.notInForce', { date: a.date ?? tx.date });
      }
      if (answer?.matches === 0) {
        if (a.code !== undefined) {
          raise('ITEM_NOT_FOUND.byCode', { code: a.code, province: a.province });
        }
        raise('ITEM_NOT_FOUND.byName', {
          name: a.name ?? '',
          dosageForm: a.dosageForm ?? '',
          province: a.province,
        });
      }
      return new CanonicalText(answer?.text ?? '');
    });
  }

  /** Coverage of up to 200 lines. Returns { results: CoverageResult[] } in input order. */
  @Transaction(false)
  @Returns('string')
  public async CheckCoverageBatch(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.CheckCoverageBatch', input, async (tx, a): Promise<CanonicalText> => {
      const answers = await (await CoverageReader.open(tx)).answers(a.lines, a.atVersion);
      // canonicalJson({ results }) of the parsed answers, without parsing them back
      return new CanonicalText(`{"results":[${answers.join(',')}]}`);
    });
  }

  /**
   * Every sealed change of an item (and of one province's overlay when `province` is given), oldest
   * first, plus the ledger history (tx ids) of the item's index key.
   */
  @Transaction(false)
  @Returns('string')
  public async GetItemHistory(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.GetItemHistory', input, async (tx, a): Promise<ItemHistory> => {
      const index = (await getItemIndex(tx, a.itemId)) ?? raise('ITEM_NOT_FOUND', { itemId: a.itemId });
      const versions = new Map<number, Version | null>();
      const versionOf = async (n: number): Promise<Version | null> => {
        if (!versions.has(n)) {
          versions.set(n, await getVersion(tx, n));
        }
        return versions.get(n) ?? null;
      };
      const changes: HistoryChange[] = [];
      for (const entry of index.entries) {
        const sealed = await sealedVersionOf(tx, entry.proposalId);
        if (sealed === null) {
          continue;
        }
        const rec = await tx.read<ItemRecord>(itemRecordKey(tx.stub, a.itemId, entry.proposalId));
        changes.push({
          version: sealed,
          effectiveFrom: (await versionOf(sealed))?.effectiveFrom ?? null,
          proposalId: entry.proposalId,
          op: entry.op,
          item: rec?.item ?? null,
          txId: rec?.txId ?? null,
        });
      }
      const prov =
        a.province === undefined ? null : normaliseProvince(await requireGovernance(tx), a.province);
      let overlayChanges: HistoryChange[] | null = null;
      if (prov !== null) {
        overlayChanges = [];
        for (const entry of (await getOverlayIndex(tx, a.itemId, prov.mspId))?.entries ?? []) {
          const sealed = await sealedVersionOf(tx, entry.proposalId);
          if (sealed === null) {
            continue;
          }
          const rec = await tx.read<OverlayRecord>(
            overlayRecordKey(tx.stub, a.itemId, prov.mspId, entry.proposalId),
          );
          overlayChanges.push({
            version: sealed,
            effectiveFrom: (await versionOf(sealed))?.effectiveFrom ?? null,
            proposalId: entry.proposalId,
            op: entry.op,
            overlay: rec?.overlay ?? null,
            txId: rec?.txId ?? null,
          });
        }
        overlayChanges.sort((x, y) => x.version - y.version);
      }
      changes.sort((x, y) => x.version - y.version);
      const ledger: ItemHistory['ledger'][number][] = [];
      const keys = [itemKey(tx.stub, a.itemId)];
      if (prov !== null) {
        keys.push(overlayKey(tx.stub, a.itemId, prov.mspId));
      }
      for (const key of keys) {
        for await (const mod of tx.stub.getHistoryForKey(key)) {
          const ms = Number(mod.timestamp.seconds.toString()) * 1000 + Math.floor(mod.timestamp.nanos / 1e6);
          ledger.push({
            key: key === keys[0] ? 'item' : 'overlay',
            txId: mod.txId,
            timestamp: new Date(ms).toISOString(),
            isDelete: mod.isDelete,
          });
        }
      }
      return { itemId: a.itemId, ownerMsp: index.ownerMsp, changes, overlayChanges, ledger };
    });
  }

  /** A sealed version (by number, in force on a date, or the head); `includeLattice` adds the LtHash state. */
  @Transaction(false)
  @Returns('string')
  public async GetVersion(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.GetVersion', input, async (tx, a) => {
      if (a.version !== undefined && a.date !== undefined) {
        raise('INVALID_INPUT.versionOrDate', {});
      }
      const version = await resolveVersion(tx, a);
      if (a.includeLattice !== true) {
        return version;
      }
      const stored = await tx.read<{ lattice: string }>(latticeKey(tx.stub, version.version));
      return { ...version, lattice: stored?.lattice ?? null };
    });
  }

  /** Sealed versions in ascending order, paged. */
  @Transaction(false)
  @Returns('string')
  public async ListVersions(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Catalog.ListVersions', input, (tx, a) =>
      filteredPage<Version, Version>(tx, T.version, a.pageSize ?? 50, decodeBookmark(a.bookmark), (v) =>
        Promise.resolve(v),
      ),
    );
  }
}
