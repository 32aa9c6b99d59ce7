/**
 * Questions auditors ask, answered from the replayed store (never from chaincode queries, so they
 * work for any past version): an item's history, the catalog as of a date, the difference between
 * two versions, and the data of the audit report.
 */
import {
  CatalogError,
  type DigestEntry,
  type Item,
  normaliseProvince,
  type Overlay,
  type ProvinceMembers,
  type Proposal,
  type Scope,
} from '@nrdl-catalog/chaincode/model';
import { decodeError } from '@nrdl-catalog/chaincode/messages';
import { displayKey } from './composite-key';
import { fieldDifferences, type FieldDifference } from './json-diff';
import {
  entriesAt,
  type EntryChange,
  type LedgerModel,
  type ProposalInfo,
  type SealedVersion,
} from './ledger-model';
import type { AuditStore } from './store';

/** An identity that acted, with its certificate subject. */
export interface ActorInfo {
  readonly mspId: string;
  /** Fabric client id (`x509::subject::issuer`) as the chaincode recorded it. */
  readonly id: string;
  readonly role: string | null;
  /** Certificate subject of the transaction's creator, from the block. */
  readonly subject: string | null;
}

/** A vote with who cast it and where it is on the ledger. */
export interface VoteRecord {
  readonly decision: 'approve' | 'reject';
  readonly voter: ActorInfo;
  readonly comment: string | null;
  readonly txId: string;
  readonly block: number;
  readonly timestamp: string | null;
}

/** Summary of a proposal for history answers. */
export interface ProposalSummary {
  readonly id: string;
  readonly title: string;
  readonly rationale: string;
  readonly scope: Scope;
  readonly province: string | null;
  readonly status: Proposal['status'];
  readonly createdAt: string;
  readonly proposer: ActorInfo;
  readonly votes: readonly VoteRecord[];
  /** The approving votes. */
  readonly approvers: readonly VoteRecord[];
}

/** One change of an item (or one of its overlays) in one version. */
export interface ItemHistoryEntry {
  readonly version: number;
  readonly effectiveFrom: string;
  readonly kind: 'item' | 'overlay';
  readonly province: string | null;
  readonly op: EntryChange['op'];
  readonly before: unknown;
  readonly after: unknown;
  /** Fields that differ from the previous data (empty when the entry was added or removed). */
  readonly changedFields: readonly FieldDifference[];
  readonly proposal: ProposalSummary | null;
  /** The transaction that wrote the record (ApplyChunk). */
  readonly txId: string;
  readonly block: number;
  readonly timestamp: string | null;
  /** The transaction that sealed the version. */
  readonly sealTxId: string;
  readonly sealBlock: number;
  readonly sealedAt: string | null;
}

/** An item as it stood, with its provincial overlays. */
export interface CatalogItemAsOf {
  readonly itemId: string;
  readonly item: Item | null;
  readonly overlays: readonly { readonly province: string; readonly overlay: Overlay }[];
}

/** The catalog as it stood on a date. */
export interface AsOfResult {
  readonly date: string;
  /** Version in force (latest with effectiveFrom ≤ date), or null when none. */
  readonly version: number | null;
  readonly effectiveFrom: string | null;
  /** The province filtered on, by its canonical name (absent without a province filter or version). */
  readonly province?: string;
  readonly items: readonly CatalogItemAsOf[];
}

/** Filter of {@link catalogAsOf}. */
export interface AsOfFilter {
  readonly itemId?: string;
  /** Province, in any form the governance record lists: national items, that province's items and its overlays. */
  readonly province?: string;
}

/** An added or removed entry. */
export interface DiffEntry {
  readonly kind: 'item' | 'overlay' | 'rule' | 'policy';
  /** The item's id (the rule's id for a rule of the national rule base). */
  readonly itemId: string;
  readonly province: string | null;
  readonly data: unknown;
}

/** A changed entry with its differing fields. */
export interface DiffChange {
  readonly kind: 'item' | 'overlay' | 'rule' | 'policy';
  readonly itemId: string;
  readonly province: string | null;
  readonly fields: readonly FieldDifference[];
}

/** Difference between two versions. */
export interface VersionDiff {
  readonly from: number;
  readonly to: number;
  readonly added: readonly DiffEntry[];
  readonly removed: readonly DiffEntry[];
  readonly changed: readonly DiffChange[];
}

/** Per-version figures of the report. */
export interface VersionReportRow {
  readonly version: number;
  readonly effectiveFrom: string;
  readonly sealedAt: string | null;
  readonly scope: Scope;
  readonly province: string | null;
  readonly proposalIds: readonly string[];
  readonly changes: number;
  readonly itemsAdded: number;
  readonly itemsChanged: number;
  readonly itemsRemoved: number;
  readonly overlaysSet: number;
  readonly overlaysCleared: number;
}

/** Data of the audit report (the HTML renderer draws it). */
export interface AuditReportData {
  readonly summary: {
    readonly blocks: number;
    readonly transactions: number;
    readonly validTransactions: number;
    readonly invalidTransactions: number;
    readonly versions: number;
    readonly items: number;
    readonly overlays: number;
  };
  readonly perVersion: readonly VersionReportRow[];
  /** Changes per province (`national` for national items). */
  readonly perProvince: readonly {
    readonly province: string;
    readonly versions: number;
    readonly changes: number;
  }[];
  /** Time from proposal creation to seal. */
  readonly proposalToSeal: readonly {
    readonly proposalId: string;
    readonly title: string;
    readonly version: number;
    readonly createdAt: string;
    readonly sealedAt: string | null;
    readonly durationMs: number | null;
  }[];
  /** Proposals that ended rejected or withdrawn. */
  readonly unsuccessfulProposals: readonly {
    readonly proposalId: string;
    readonly title: string;
    readonly status: Proposal['status'];
    readonly reason: string | null;
    readonly scope: Scope;
    readonly province: string | null;
  }[];
  /** Transactions the peers invalidated (e.g. ENDORSEMENT_POLICY_FAILURE), with what they tried to write. */
  readonly invalidTransactions: readonly {
    readonly block: number;
    readonly txIndex: number;
    readonly txId: string;
    readonly validationCode: number;
    readonly validationName: string;
    readonly function: string | null;
    readonly creatorMsp: string | null;
    readonly creatorSubject: string | null;
    readonly timestamp: string | null;
    readonly endorsers: readonly string[];
    readonly attemptedWrites: readonly string[];
  }[];
}

function voteRecords(info: ProposalInfo): VoteRecord[] {
  return info.votes.map((v) => ({
    decision: v.vote.decision,
    voter: {
      mspId: v.vote.mspId,
      id: v.vote.voter.id,
      role: v.vote.voter.role,
      subject: v.tx.creatorSubject,
    },
    comment: v.vote.comment,
    txId: v.tx.txId,
    block: v.tx.blockNumber,
    timestamp: v.tx.timestamp,
  }));
}

/** A proposal's summary with proposer and votes (null for an unknown id). */
export function proposalSummary(model: LedgerModel, proposalId: string): ProposalSummary | null {
  const info = model.proposals.get(proposalId);
  if (info === undefined) {
    return null;
  }
  const p = info.latest;
  const votes = voteRecords(info);
  return {
    id: p.id,
    title: p.title,
    rationale: p.rationale,
    scope: p.scope,
    province: p.province,
    status: p.status,
    createdAt: p.createdAt,
    proposer: { ...info.created.record.proposer, subject: info.created.tx.creatorSubject },
    votes,
    approvers: votes.filter((v) => v.decision === 'approve'),
  };
}

/** Every sealed change of an item and of its provincial overlays, oldest first. */
export function itemHistory(model: LedgerModel, itemId: string): ItemHistoryEntry[] {
  const out: ItemHistoryEntry[] = [];
  for (const v of model.versions) {
    for (const c of v.changes) {
      if (c.kind === 'rule' || c.kind === 'policy' || c.itemId !== itemId) {
        continue;
      }
      out.push({
        version: v.record.version,
        effectiveFrom: v.record.effectiveFrom,
        kind: c.kind,
        province: c.province,
        op: c.op,
        before: c.before,
        after: c.after,
        changedFields: c.before === null || c.after === null ? [] : fieldDifferences(c.before, c.after),
        proposal: proposalSummary(model, c.proposalId),
        txId: c.recordTx.txId,
        block: c.recordTx.blockNumber,
        timestamp: c.recordTx.timestamp,
        sealTxId: v.tx.txId,
        sealBlock: v.tx.blockNumber,
        sealedAt: v.tx.timestamp,
      });
    }
  }
  return out;
}

/** The version in force on a date (YYYY-MM-DD): the latest sealed one with effectiveFrom ≤ date. */
export function versionInForce(model: LedgerModel, date: string): SealedVersion | null {
  let found: SealedVersion | null = null;
  for (const v of model.versions) {
    if (v.record.effectiveFrom <= date) {
      found = v;
    }
  }
  return found;
}

function groupEntries(
  entries: Iterable<DigestEntry>,
): Map<string, { item: Item | null; overlays: Map<string, Overlay> }> {
  const byItem = new Map<string, { item: Item | null; overlays: Map<string, Overlay> }>();
  for (const e of entries) {
    if (e.type === 'rule' || e.type === 'policy') {
      continue;
    }
    const slot = byItem.get(e.itemId) ?? { item: null, overlays: new Map<string, Overlay>() };
    if (e.type === 'item') {
      slot.item = e.data as Item;
    } else {
      slot.overlays.set(e.province, e.data as Overlay);
    }
    byItem.set(e.itemId, slot);
  }
  return byItem;
}

/**
 * The member list a province filter is looked up in: the latest governance record the store holds
 * (a province that joined later is still found in the versions before it), else the one in force
 * when `version` was sealed; null for a store without either.
 */
function membersOf(model: LedgerModel, version: SealedVersion | null): ProvinceMembers | null {
  return model.governance.at(-1)?.record ?? version?.governance ?? null;
}

/**
 * The canonical name of a province argument. UNKNOWN_PROVINCE otherwise: a {@link CatalogError}
 * with the template and parameters the model raised, whose message is `CODE: English text` without
 * the machine-readable part only a peer's answer needs (callers in this process print it).
 */
function provinceName(members: ProvinceMembers, input: string): string {
  try {
    return normaliseProvince(members, input).name;
  } catch (error) {
    if (!(error instanceof CatalogError) || error.template === null) throw error;
    const text = decodeError(error.message)?.text ?? error.message;
    throw new CatalogError(error.code, text, error.template, error.params);
  }
}

/**
 * The catalog (items with their overlays) in force on `date`, optionally for one item or province
 * (in any form the governance record in the store lists; UNKNOWN_PROVINCE otherwise).
 */
export function catalogAsOf(model: LedgerModel, date: string, filter: AsOfFilter = {}): AsOfResult {
  const v = versionInForce(model, date);
  const members = membersOf(model, v);
  const province =
    filter.province === undefined || (members === null && v === null)
      ? null
      : provinceName(members ?? { provinces: [] }, filter.province);
  const named = province === null ? {} : { province };
  if (v === null) {
    return { date, version: null, effectiveFrom: null, ...named, items: [] };
  }
  const items: CatalogItemAsOf[] = [];
  const grouped = groupEntries(entriesAt(model, v.record.version).values());
  for (const itemId of [...grouped.keys()].sort()) {
    const slot = grouped.get(itemId);
    if (slot === undefined || (filter.itemId !== undefined && itemId !== filter.itemId)) {
      continue;
    }
    if (
      province !== null &&
      slot.item !== null &&
      slot.item.province !== null &&
      slot.item.province !== province
    ) {
      continue;
    }
    const overlays = [...slot.overlays.entries()]
      .filter(([name]) => province === null || name === province)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, overlay]) => ({ province: name, overlay }));
    if (slot.item === null && overlays.length === 0) {
      continue;
    }
    items.push({ itemId, item: slot.item, overlays });
  }
  return { date, version: v.record.version, effectiveFrom: v.record.effectiveFrom, ...named, items };
}

function describe(entry: DigestEntry): DiffEntry {
  return {
    kind: entry.type,
    itemId: entry.type === 'rule' ? entry.ruleId : entry.type === 'policy' ? entry.province : entry.itemId,
    province: entry.type === 'overlay' || entry.type === 'policy' ? entry.province : null,
    data: entry.data,
  };
}

/** Items and overlays added, removed and changed (field by field) from version `from` to `to`. */
export function diffVersions(model: LedgerModel, from: number, to: number): VersionDiff {
  const known = new Set([0, ...model.versions.map((v) => v.record.version)]);
  for (const v of [from, to]) {
    if (!known.has(v)) {
      throw new Error(`version ${v} is not in the audit store`);
    }
  }
  const a = entriesAt(model, from);
  const b = entriesAt(model, to);
  const added: DiffEntry[] = [];
  const removed: DiffEntry[] = [];
  const changed: DiffChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const before = a.get(key);
    const after = b.get(key);
    if (before === undefined && after !== undefined) {
      added.push(describe(after));
    } else if (after === undefined && before !== undefined) {
      removed.push(describe(before));
    } else if (before !== undefined && after !== undefined) {
      const fields = fieldDifferences(before.data, after.data);
      if (fields.length > 0) {
        const d = describe(after);
        changed.push({ kind: d.kind, itemId: d.itemId, province: d.province, fields });
      }
    }
  }
  return { from, to, added, removed, changed };
}

function provinceOfChange(c: EntryChange): string {
  if (c.kind === 'overlay') {
    return c.province ?? 'unknown';
  }
  const data = (c.after ?? c.before) as Partial<Item> | null;
  return data?.province ?? 'national';
}

function versionRow(v: SealedVersion): VersionReportRow {
  const count = (pred: (c: EntryChange) => boolean): number => v.changes.filter(pred).length;
  return {
    version: v.record.version,
    effectiveFrom: v.record.effectiveFrom,
    sealedAt: v.tx.timestamp,
    scope: v.record.scope,
    province: v.record.province,
    proposalIds: v.record.proposalIds,
    changes: v.changes.length,
    itemsAdded: count((c) => c.kind === 'item' && c.before === null && c.after !== null),
    itemsChanged: count((c) => c.kind === 'item' && c.before !== null && c.after !== null),
    itemsRemoved: count((c) => c.kind === 'item' && c.after === null),
    overlaysSet: count((c) => c.kind === 'overlay' && c.after !== null),
    overlaysCleared: count((c) => c.kind === 'overlay' && c.after === null),
  };
}

/** Everything the audit report shows, from the store and its replayed model. */
export async function auditReportData(store: AuditStore, model: LedgerModel): Promise<AuditReportData> {
  const stats = await store.stats();
  const perProvince = new Map<string, { versions: Set<number>; changes: number }>();
  for (const v of model.versions) {
    for (const c of v.changes) {
      const name = provinceOfChange(c);
      const slot = perProvince.get(name) ?? { versions: new Set<number>(), changes: 0 };
      slot.versions.add(v.record.version);
      slot.changes++;
      perProvince.set(name, slot);
    }
  }
  const proposalToSeal = model.versions.flatMap((v) =>
    v.record.proposalIds.map((pid) => {
      const info = model.proposals.get(pid);
      const createdAt = info?.created.record.createdAt ?? '';
      const sealedAt = v.tx.timestamp;
      return {
        proposalId: pid,
        title: info?.created.record.title ?? '',
        version: v.record.version,
        createdAt,
        sealedAt,
        durationMs:
          sealedAt === null || createdAt === '' ? null : Date.parse(sealedAt) - Date.parse(createdAt),
      };
    }),
  );
  const unsuccessfulProposals = [...model.proposals.values()]
    .filter((i) => i.latest.status === 'rejected' || i.latest.status === 'withdrawn')
    .map((i) => ({
      proposalId: i.id,
      title: i.latest.title,
      status: i.latest.status,
      reason: i.latest.statusReason,
      scope: i.latest.scope,
      province: i.latest.province,
    }));
  const invalidTransactions: AuditReportData['invalidTransactions'][number][] = [];
  for await (const tx of store.transactions({ invalidOnly: true })) {
    invalidTransactions.push({
      block: tx.blockNumber,
      txIndex: tx.txIndex,
      txId: tx.txId,
      validationCode: tx.validationCode,
      validationName: tx.validationName,
      function: tx.function,
      creatorMsp: tx.creatorMsp,
      creatorSubject: tx.creatorSubject,
      timestamp: tx.timestamp,
      endorsers: tx.endorsers,
      attemptedWrites: tx.writes.map((w) => displayKey(w.key)),
    });
  }
  const live = [...model.entries.values()];
  return {
    summary: {
      blocks: stats.blocks,
      transactions: stats.transactions,
      validTransactions: stats.transactions - stats.invalidTransactions,
      invalidTransactions: stats.invalidTransactions,
      versions: model.versions.length,
      items: live.filter((e) => e.type === 'item').length,
      overlays: live.filter((e) => e.type === 'overlay').length,
    },
    perVersion: model.versions.map(versionRow),
    perProvince: [...perProvince.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([province, s]) => ({ province, versions: s.versions.size, changes: s.changes })),
    proposalToSeal,
    unsuccessfulProposals,
    invalidTransactions,
  };
}
