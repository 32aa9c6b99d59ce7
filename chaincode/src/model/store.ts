/**
 * Reading the catalog: governance, head, proposals, versions, and items/overlays as of a version.
 *
 * Item and overlay contents are immutable records keyed by (item[, province], proposal). A mutable
 * index key per item (and per item+province overlay) lists the proposals that wrote it. A record
 * becomes visible only once its proposal has sealed a version (`proposal.sealedVersion`), so readers
 * never see a half-applied version.
 */
import { raise } from '../lib/errors';
import {
  GOVERNANCE_KEY,
  HEAD_KEY,
  itemKey,
  itemRecordKey,
  overlayKey,
  overlayRecordKey,
  policyKey,
  policyRecordKey,
  proposalKey,
  ruleKey,
  ruleRecordKey,
  T,
  versionKey,
} from '../lib/keys';
import type { Tx } from '../lib/tx';
import type { PaymentPolicy } from './payment-policy';
import type {
  Governance,
  Head,
  Item,
  ItemKind,
  ItemRule,
  ItemSummary,
  Overlay,
  Proposal,
  Rule,
  RuleRole,
  Version,
} from './types';

/** One write of an item by a proposal. */
export interface ItemIndexEntry {
  readonly proposalId: string;
  readonly op: 'upsert' | 'remove';
  readonly summary: ItemSummary | null;
}

/** The mutable index of an item (key `item`). Carries the owner's key-level policy. */
export interface ItemIndex {
  readonly itemId: string;
  readonly ownerMsp: string;
  readonly kind: ItemKind;
  readonly entries: readonly ItemIndexEntry[];
}

/** One write of an overlay by a proposal. */
export interface OverlayIndexEntry {
  readonly proposalId: string;
  readonly op: 'set' | 'clear';
}

/** The mutable index of one province's overlay of an item (key `ovl`). Carries the province's policy. */
export interface OverlayIndex {
  readonly itemId: string;
  readonly province: string;
  readonly mspId: string;
  readonly entries: readonly OverlayIndexEntry[];
}

/** Immutable item record written by ApplyChunk (key `itemv`). */
export interface ItemRecord {
  readonly itemId: string;
  readonly proposalId: string;
  readonly op: 'upsert' | 'remove';
  readonly item: Item | null;
  readonly txId: string;
  readonly timestamp: string;
}

/** Immutable overlay record written by ApplyChunk (key `ovlv`). */
export interface OverlayRecord {
  readonly itemId: string;
  readonly province: string;
  readonly proposalId: string;
  readonly op: 'set' | 'clear';
  readonly overlay: Overlay | null;
  readonly txId: string;
  readonly timestamp: string;
}

/** One write of a rule by a (national) proposal. */
export interface RuleIndexEntry {
  readonly proposalId: string;
  readonly op: 'upsert' | 'remove';
}

/** The mutable index of a rule (key `rule`). Carries NHSA's key-level policy. */
export interface RuleIndex {
  readonly ruleId: string;
  readonly ownerMsp: string;
  readonly entries: readonly RuleIndexEntry[];
}

/** Immutable rule record written by ApplyChunk (key `rulev`). */
export interface RuleRecord {
  readonly ruleId: string;
  readonly proposalId: string;
  readonly op: 'upsert' | 'remove';
  readonly rule: Rule | null;
  readonly txId: string;
  readonly timestamp: string;
}

/**
 * Immutable lookup key of the rules of an item (key `rulei`: item, rule, proposal), written by the
 * ApplyChunk that writes the rule record, for every item the new rule names and every item the rule
 * it replaces named. `role` null (and `rule` null): from this proposal on the rule no longer names
 * the item. So the rules of an item as of a version are, per rule, its latest sealed link there —
 * one range scan, no rule record read.
 */
export interface RuleLink {
  readonly itemId: string;
  readonly ruleId: string;
  readonly proposalId: string;
  readonly role: RuleRole | null;
  readonly rule: Rule | null;
}

/** One write of a province's payment policy by one of its provincial proposals. */
export interface PolicyIndexEntry {
  readonly proposalId: string;
  readonly op: 'set' | 'clear';
}

/** The mutable index of a province's payment policy (key `ppol`). Carries the province's policy. */
export interface PolicyIndex {
  readonly province: string;
  readonly mspId: string;
  readonly entries: readonly PolicyIndexEntry[];
}

/** Immutable payment-policy record written by ApplyChunk (key `ppolv`). */
export interface PolicyRecord {
  readonly province: string;
  readonly proposalId: string;
  readonly op: 'set' | 'clear';
  readonly policy: PaymentPolicy | null;
  readonly txId: string;
  readonly timestamp: string;
}

/** The governance record, read once per transaction (every province argument is looked up in it). */
export async function getGovernance(tx: Tx): Promise<Governance | null> {
  const memoKey = 'governance';
  if (tx.memo.has(memoKey)) {
    return tx.memo.get(memoKey) as Governance | null;
  }
  const g = await tx.read<Governance>(GOVERNANCE_KEY);
  tx.memo.set(memoKey, g);
  return g;
}

export async function requireGovernance(tx: Tx): Promise<Governance> {
  return (await getGovernance(tx)) ?? raise('GOVERNANCE_NOT_INITIALISED', {});
}

export async function getHead(tx: Tx): Promise<Head | null> {
  return tx.read<Head>(HEAD_KEY);
}

/** A proposal, memoised per transaction. */
export async function getProposal(tx: Tx, proposalId: string): Promise<Proposal | null> {
  const memoKey = `proposal:${proposalId}`;
  if (tx.memo.has(memoKey)) {
    return tx.memo.get(memoKey) as Proposal | null;
  }
  const proposal = await tx.read<Proposal>(proposalKey(tx.stub, proposalId));
  tx.memo.set(memoKey, proposal);
  return proposal;
}

export async function requireProposal(tx: Tx, proposalId: string): Promise<Proposal> {
  return (await getProposal(tx, proposalId)) ?? raise('PROPOSAL_NOT_FOUND', { proposalId });
}

export async function getVersion(tx: Tx, version: number): Promise<Version | null> {
  return tx.read<Version>(versionKey(tx.stub, version));
}

/** All sealed versions, ascending. */
export async function allVersions(tx: Tx): Promise<Version[]> {
  const memoKey = 'versions';
  if (!tx.memo.has(memoKey)) {
    tx.memo.set(
      memoKey,
      (await tx.scan<Version>(T.version, [])).map((e) => e.value),
    );
  }
  return tx.memo.get(memoKey) as Version[];
}

/** The version in force on a date: the latest sealed one with effectiveFrom <= date (null if none). */
export async function versionInForce(tx: Tx, date: string): Promise<Version | null> {
  let found: Version | null = null;
  for (const v of await allVersions(tx)) {
    if (v.effectiveFrom <= date) {
      found = v;
    }
  }
  return found;
}

/**
 * Resolves the version a read is about: an explicit number, the version in force on a date, or the
 * head. Throws VERSION_NOT_FOUND when there is none.
 */
export async function resolveVersion(tx: Tx, sel: { version?: number; date?: string }): Promise<Version> {
  if (sel.version !== undefined) {
    return (
      (await getVersion(tx, sel.version)) ?? raise('VERSION_NOT_FOUND.notSealed', { version: sel.version })
    );
  }
  if (sel.date !== undefined) {
    return (await versionInForce(tx, sel.date)) ?? raise('VERSION_NOT_FOUND.notInForce', { date: sel.date });
  }
  const head = await getHead(tx);
  if (head === null) {
    return raise('VERSION_NOT_FOUND.noneSealed', {});
  }
  return (await getVersion(tx, head.version)) ?? raise('INTERNAL.headMissing', { version: head.version });
}

/** The version a proposal sealed, or null while it is unsealed (or was withdrawn/rejected). */
export async function sealedVersionOf(tx: Tx, proposalId: string): Promise<number | null> {
  const p = await getProposal(tx, proposalId);
  return p?.status === 'applied' ? p.sealedVersion : null;
}

/** The entry of an index that is in force as of `version`, with the version that sealed it. */
export async function entryAsOf<E extends { proposalId: string }>(
  tx: Tx,
  entries: readonly E[],
  version: number,
): Promise<{ entry: E; version: number } | null> {
  let best: { entry: E; version: number } | null = null;
  for (const entry of entries) {
    const sealed = await sealedVersionOf(tx, entry.proposalId);
    if (sealed !== null && sealed <= version && (best === null || sealed > best.version)) {
      best = { entry, version: sealed };
    }
  }
  return best;
}

export async function getItemIndex(tx: Tx, itemId: string): Promise<ItemIndex | null> {
  return tx.read<ItemIndex>(itemKey(tx.stub, itemId));
}

export async function getOverlayIndex(tx: Tx, itemId: string, mspId: string): Promise<OverlayIndex | null> {
  return tx.read<OverlayIndex>(overlayKey(tx.stub, itemId, mspId));
}

/** The item as listed in `version` (null when never listed or removed), with the version that wrote it. */
export async function itemAsOf(
  tx: Tx,
  itemId: string,
  version: number,
): Promise<{ item: Item | null; record: ItemRecord; version: number } | null> {
  const index = await getItemIndex(tx, itemId);
  if (index === null) {
    return null;
  }
  const found = await entryAsOf(tx, index.entries, version);
  if (found === null) {
    return null;
  }
  const record =
    (await tx.read<ItemRecord>(itemRecordKey(tx.stub, itemId, found.entry.proposalId))) ??
    raise('INTERNAL.recordMissing', { itemId, proposalId: found.entry.proposalId });
  return { item: record.item, record, version: found.version };
}

/** One province's overlay of an item as of `version` (null when none or cleared). */
export async function overlayAsOf(
  tx: Tx,
  itemId: string,
  mspId: string,
  version: number,
): Promise<Overlay | null> {
  const index = await getOverlayIndex(tx, itemId, mspId);
  if (index === null) {
    return null;
  }
  const found = await entryAsOf(tx, index.entries, version);
  if (found === null) {
    return null;
  }
  const record = await tx.read<OverlayRecord>(
    overlayRecordKey(tx.stub, itemId, mspId, found.entry.proposalId),
  );
  return record?.overlay ?? null;
}

export async function getRuleIndex(tx: Tx, ruleId: string): Promise<RuleIndex | null> {
  return tx.read<RuleIndex>(ruleKey(tx.stub, ruleId));
}

/** The rule as of `version` (null when never written or removed), with its record and the version that wrote it. */
export async function ruleAsOf(
  tx: Tx,
  ruleId: string,
  version: number,
): Promise<{ rule: Rule | null; record: RuleRecord; version: number } | null> {
  const index = await getRuleIndex(tx, ruleId);
  const found = index === null ? null : await entryAsOf(tx, index.entries, version);
  if (found === null) {
    return null;
  }
  const record =
    (await tx.read<RuleRecord>(ruleRecordKey(tx.stub, ruleId, found.entry.proposalId))) ??
    raise('INTERNAL.ruleRecordMissing', { ruleId, proposalId: found.entry.proposalId });
  return { rule: record.rule, record, version: found.version };
}

/**
 * The rules in force for an item as of a version, by rule id, from the item's lookup keys: per rule,
 * the link of the latest proposal sealed as a version <= `version` (`sealedOf` says which version
 * sealed a proposal, null while unsealed).
 */
export function rulesFromLinks(
  links: readonly RuleLink[],
  version: number,
  sealedOf: (proposalId: string) => number | null,
): ItemRule[] {
  const best = new Map<string, { link: RuleLink; version: number }>();
  for (const link of links) {
    const sealed = sealedOf(link.proposalId);
    const current = best.get(link.ruleId);
    if (sealed !== null && sealed <= version && (current === undefined || sealed > current.version)) {
      best.set(link.ruleId, { link, version: sealed });
    }
  }
  const out: ItemRule[] = [];
  for (const { link } of [...best.values()].sort((a, b) => (a.link.ruleId < b.link.ruleId ? -1 : 1))) {
    if (link.role !== null && link.rule !== null) {
      out.push({ role: link.role, rule: link.rule });
    }
  }
  return out;
}

/** The rules in force for an item as of `version` (one range scan of its lookup keys). */
export async function rulesOfItemAsOf(tx: Tx, itemId: string, version: number): Promise<ItemRule[]> {
  const links = (await tx.scan<RuleLink>(T.ruleLink, [itemId])).map((e) => e.value);
  const sealed = new Map<string, number | null>();
  for (const link of links) {
    if (!sealed.has(link.proposalId)) {
      sealed.set(link.proposalId, await sealedVersionOf(tx, link.proposalId));
    }
  }
  return rulesFromLinks(links, version, (id) => sealed.get(id) ?? null);
}

export async function getPolicyIndex(tx: Tx, mspId: string): Promise<PolicyIndex | null> {
  return tx.read<PolicyIndex>(policyKey(tx.stub, mspId));
}

/** A province's payment policy as of `version` (null when never set or cleared), with its record and the version that wrote it. */
export async function policyAsOf(
  tx: Tx,
  mspId: string,
  version: number,
): Promise<{ policy: PaymentPolicy | null; record: PolicyRecord; version: number } | null> {
  const index = await getPolicyIndex(tx, mspId);
  const found = index === null ? null : await entryAsOf(tx, index.entries, version);
  if (found === null) {
    return null;
  }
  const record =
    (await tx.read<PolicyRecord>(policyRecordKey(tx.stub, mspId, found.entry.proposalId))) ??
    raise('INTERNAL.policyRecordMissing', {
      province: index?.province ?? mspId,
      proposalId: found.entry.proposalId,
    });
  return { policy: record.policy, record, version: found.version };
}
