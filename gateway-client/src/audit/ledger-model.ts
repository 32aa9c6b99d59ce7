/**
 * Rebuilds the catalog's history from the audit store alone: replays the catalog writes of valid
 * transactions in ledger order (latest value per key), and at every sealed version recomputes the
 * whole-catalog LtHash digest from the item, overlay and rule records of the version's proposals,
 * exactly as the chaincode defines the digest (`chaincode/src/lib/digest.ts`, `model/workflow.ts`).
 * The lookup keys of the rules (`rulei`) must be exactly those the rule records imply
 * (`ruleLinks`): a missing, extra or altered lookup key is a {@link RuleLinkProblem}.
 */
import {
  canonicalJson,
  type Chunk,
  type DigestEntry,
  emptyLattice,
  entryVector,
  type Governance,
  GOVERNANCE_KEY,
  type ItemRecord,
  KEY_TYPES as T,
  latticeAdd,
  latticeDigest,
  latticeSub,
  lookupFamilyOf,
  lookupKeysOf,
  type LookupValue,
  type OverlayRecord,
  type PolicyRecord,
  type Proposal,
  type Rule,
  type RuleRecord,
  ruleLinks,
  type Version,
  type Vote,
} from '@nrdl-catalog/chaincode/model';
import { compositeKey } from './composite-key';
import type { AuditStore, StoredTransaction, StoredWrite } from './store';

/** Where something happened on the ledger. */
export interface TxRef {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly timestamp: string | null;
  readonly creatorMsp: string | null;
  readonly creatorSubject: string | null;
  readonly creatorRole: string | null;
  readonly function: string | null;
  readonly endorsers: readonly string[];
}

/** One change of the live catalog made by a sealed version. */
export interface EntryChange {
  readonly kind: 'item' | 'overlay' | 'rule' | 'policy';
  /** The item's id (the rule's id for a rule of the national rule base, the province's name for a payment policy). */
  readonly itemId: string;
  /** Province display name (overlays and payment policies only). */
  readonly province: string | null;
  /** Province MSP id from the overlay or payment-policy key (those only). */
  readonly mspId: string | null;
  readonly op: 'upsert' | 'remove' | 'set' | 'clear';
  /** The entry's data before the version (null if absent). */
  readonly before: unknown;
  /** The entry's data after the version (null if removed / cleared). */
  readonly after: unknown;
  readonly proposalId: string;
  /** The record key (`itemv` / `ovlv` / `rulev` / `ppolv`) and the transaction that wrote it (ApplyChunk). */
  readonly recordKey: string;
  readonly recordTx: TxRef;
}

/** A vote with the transaction that recorded it. */
export interface VoteInfo {
  readonly vote: Vote;
  /** The vote's state key. */
  readonly key: string;
  /** MSP id named by the vote key (`vote~<proposalId>~<msp>`). */
  readonly keyMsp: string;
  readonly tx: TxRef;
}

/** The state a proposal was approved in: governance then in force and the votes counted. */
export interface ApprovalSnapshot {
  readonly tx: TxRef;
  readonly governance: Governance | null;
  readonly votes: readonly VoteInfo[];
}

/** Everything the store says about one proposal. */
export interface ProposalInfo {
  readonly id: string;
  /** The first record written (CreateProposal) and its transaction. */
  readonly created: { readonly record: Proposal; readonly tx: TxRef };
  /** The latest record. */
  latest: Proposal;
  latestTx: TxRef;
  /** The transaction that moved it to `approved` (the deciding vote), if any. */
  approval: ApprovalSnapshot | null;
  /** Every vote, in ledger order. */
  readonly votes: VoteInfo[];
  /** Latest chunk records by index. */
  readonly chunks: Map<number, Chunk>;
}

/** A rule lookup key (`rulei`) that is not what the rule records of its proposal imply. */
export interface RuleLinkProblem {
  readonly key: string;
  readonly proposalId: string;
  readonly itemId: string;
  readonly ruleId: string;
  /** The value the rule records imply (null: no such key should exist). */
  readonly expected: unknown;
  /** The value written (null: the key is missing). */
  readonly found: unknown;
  /** The transaction that wrote the key (the sealing transaction when it is missing). */
  readonly tx: TxRef;
}

/** A sealed version as replayed. */
export interface SealedVersion {
  readonly record: Version;
  /** The transaction that wrote the version record (SealVersion). */
  readonly tx: TxRef;
  /** The proposal records written by the sealing transaction. */
  readonly sealedProposals: readonly Proposal[];
  /** Live-catalog changes of the version, by key. */
  readonly changes: readonly EntryChange[];
  /** Digest recomputed from the replayed records. */
  readonly recomputedDigest: string;
  /** Rule lookup keys of the version's proposals that the rule records do not imply (empty when all agree). */
  readonly ruleLinkProblems: readonly RuleLinkProblem[];
  /** The lattice record written with the version (base64), if any. */
  readonly storedLattice: string | null;
  /** Governance in force when the version was sealed. */
  readonly governance: Governance | null;
  /** Chunks of the version's proposals as they stood at the seal. */
  readonly chunks: ReadonlyMap<string, readonly Chunk[]>;
}

/** A governance record written on chain. */
export interface GovernanceChange {
  readonly record: Governance;
  readonly tx: TxRef;
}

/** A value the store holds that is not what the chaincode writes (e.g. not JSON). */
export interface Anomaly {
  readonly tx: TxRef;
  readonly key: string;
  readonly message: string;
}

/** The replayed history. */
export interface LedgerModel {
  readonly versions: readonly SealedVersion[];
  readonly proposals: ReadonlyMap<string, ProposalInfo>;
  readonly governance: readonly GovernanceChange[];
  readonly anomalies: readonly Anomaly[];
  /** Live entries after the last version, keyed by {@link entryKey}. */
  readonly entries: ReadonlyMap<string, DigestEntry>;
  readonly validTransactions: number;
}

/** Key of a live catalog entry: `item|<id>`, `overlay|<id>|<province>`, `rule|<ruleId>` or `policy|<province>`. */
export function entryKey(entry: Pick<EntryChange, 'kind' | 'itemId' | 'province'>): string {
  return entry.kind === 'overlay'
    ? `overlay|${entry.itemId}|${entry.province ?? ''}`
    : `${entry.kind}|${entry.itemId}`;
}

/** The digest entry of a live catalog entry's data. */
export function digestEntry(
  change: Pick<EntryChange, 'kind' | 'itemId' | 'province'>,
  data: unknown,
): DigestEntry {
  switch (change.kind) {
    case 'item':
      return { type: 'item', itemId: change.itemId, data };
    case 'overlay':
      return { type: 'overlay', itemId: change.itemId, province: change.province ?? '', data };
    case 'rule':
      return { type: 'rule', ruleId: change.itemId, data };
    case 'policy':
      return { type: 'policy', province: change.province ?? change.itemId, data };
  }
}

/** The transaction reference of a stored transaction. */
export function txRefOf(tx: StoredTransaction): TxRef {
  return {
    blockNumber: tx.blockNumber,
    txIndex: tx.txIndex,
    txId: tx.txId,
    timestamp: tx.timestamp,
    creatorMsp: tx.creatorMsp,
    creatorSubject: tx.creatorSubject,
    creatorRole: tx.creatorRole,
    function: tx.function,
    endorsers: tx.endorsers,
  };
}

export interface StateValue {
  readonly bytes: Uint8Array;
  readonly tx: TxRef;
}

const utf8 = new TextDecoder();

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

class Builder {
  readonly state = new Map<string, StateValue>();
  readonly recordsByProposal = new Map<string, Set<string>>();
  /** Rule lookup keys written, by the proposal their key names. */
  readonly linksByProposal = new Map<string, Map<string, { bytes: Uint8Array; tx: TxRef }>>();
  readonly sealed = new Set<string>();
  readonly proposals = new Map<string, ProposalInfo>();
  readonly versions: SealedVersion[] = [];
  readonly governance: GovernanceChange[] = [];
  readonly anomalies: Anomaly[] = [];
  readonly entries = new Map<string, DigestEntry>();
  readonly lattice = emptyLattice();
  currentGovernance: Governance | null = null;
  validTransactions = 0;

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- caller names the JSON type
  parse<V>(write: StoredWrite, tx: TxRef): V | null {
    try {
      return JSON.parse(utf8.decode(write.value)) as V;
    } catch (error) {
      this.anomalies.push({ tx, key: write.key, message: `not JSON: ${(error as Error).message}` });
      return null;
    }
  }

  apply(stored: StoredTransaction): void {
    const tx = txRefOf(stored);
    this.validTransactions++;
    const governanceBefore = this.currentGovernance;
    for (const w of stored.writes) {
      if (w.isDelete) {
        this.state.delete(w.key);
      } else {
        this.state.set(w.key, { bytes: w.value, tx });
      }
      if (w.objectType === T.ruleLink && !w.isDelete) {
        this.#link(w, tx);
      }
      if (
        (w.objectType === T.itemRecord ||
          w.objectType === T.overlayRecord ||
          w.objectType === T.ruleRecord ||
          w.objectType === T.policyRecord) &&
        !w.isDelete
      ) {
        const pid = w.attributes[w.attributes.length - 1] ?? '';
        const set = this.recordsByProposal.get(pid) ?? new Set<string>();
        set.add(w.key);
        this.recordsByProposal.set(pid, set);
      }
    }
    const sealedProposals: Proposal[] = [];
    for (const w of stored.writes) {
      if (w.isDelete) {
        continue;
      }
      if (w.key === GOVERNANCE_KEY) {
        const g = this.parse<Governance>(w, tx);
        if (g !== null) {
          this.currentGovernance = g;
          this.governance.push({ record: g, tx });
        }
      } else if (w.objectType === T.vote) {
        this.#vote(w, tx);
      } else if (w.objectType === T.chunk) {
        const chunk = this.parse<Chunk>(w, tx);
        const info = this.proposals.get(w.attributes[0] ?? '');
        if (chunk !== null && info !== undefined) {
          info.chunks.set(Number(w.attributes[1]), chunk);
        }
      }
    }
    for (const w of stored.writes) {
      if (!w.isDelete && w.objectType === T.proposal) {
        const p = this.#proposal(w, tx, governanceBefore);
        if (p !== null) {
          sealedProposals.push(p);
        }
      }
    }
    for (const w of stored.writes) {
      if (!w.isDelete && w.objectType === T.version) {
        this.#seal(stored, w, tx, sealedProposals);
      }
    }
  }

  #link(w: StoredWrite, tx: TxRef): void {
    const [itemId = '', ruleId = '', pid = ''] = w.attributes;
    if (this.sealed.has(pid)) {
      this.anomalies.push({
        tx,
        key: w.key,
        message: `rule lookup key of ${itemId}/${ruleId} written after proposal ${pid} sealed`,
      });
      return;
    }
    const links = this.linksByProposal.get(pid) ?? new Map<string, { bytes: Uint8Array; tx: TxRef }>();
    links.set(w.key, { bytes: w.value, tx });
    this.linksByProposal.set(pid, links);
  }

  /** Compares the lookup keys written for a proposal with those its rule changes imply. */
  #checkLinks(pid: string, changes: readonly EntryChange[], sealTx: TxRef): RuleLinkProblem[] {
    const expected = new Map<string, unknown>();
    for (const c of changes) {
      if (c.kind === 'rule' && c.proposalId === pid) {
        for (const link of ruleLinks(c.itemId, pid, c.before as Rule | null, c.after as Rule | null)) {
          expected.set(compositeKey(T.ruleLink, [link.itemId, link.ruleId, pid]), link);
        }
      }
    }
    const problems: RuleLinkProblem[] = [];
    const written = this.linksByProposal.get(pid) ?? new Map<string, { bytes: Uint8Array; tx: TxRef }>();
    const where = (key: string): { itemId: string; ruleId: string } => {
      const [itemId = '', ruleId = ''] = key.slice(1, -1).split('\u0000').slice(1);
      return { itemId, ruleId };
    };
    for (const [key, { bytes, tx }] of written) {
      let found: unknown;
      try {
        found = JSON.parse(utf8.decode(bytes));
      } catch {
        found = utf8.decode(bytes);
      }
      const want = expected.get(key);
      if (want === undefined || canonicalJson(want) !== canonicalJson(found)) {
        problems.push({ key, proposalId: pid, ...where(key), expected: want ?? null, found, tx });
      }
    }
    for (const [key, want] of expected) {
      if (!written.has(key)) {
        problems.push({ key, proposalId: pid, ...where(key), expected: want, found: null, tx: sealTx });
      }
    }
    this.linksByProposal.delete(pid);
    return problems;
  }

  #vote(w: StoredWrite, tx: TxRef): void {
    const vote = this.parse<Vote>(w, tx);
    const pid = w.attributes[0] ?? '';
    const info = this.proposals.get(pid);
    if (vote === null) {
      return;
    }
    if (info === undefined) {
      this.anomalies.push({ tx, key: w.key, message: `vote on unknown proposal ${pid}` });
      return;
    }
    info.votes.push({ vote, key: w.key, keyMsp: w.attributes[1] ?? '', tx });
  }

  #proposal(w: StoredWrite, tx: TxRef, governanceBefore: Governance | null): Proposal | null {
    const p = this.parse<Proposal>(w, tx);
    if (p === null) {
      return null;
    }
    const pid = w.attributes[0] ?? p.id;
    let info = this.proposals.get(pid);
    if (info === undefined) {
      info = {
        id: pid,
        created: { record: p, tx },
        latest: p,
        latestTx: tx,
        approval: null,
        votes: [],
        chunks: new Map(),
      };
      this.proposals.set(pid, info);
    }
    info.latest = p;
    info.latestTx = tx;
    if (p.status === 'approved' && info.approval === null) {
      const votes = info.votes.filter((v) => this.state.get(v.key)?.tx.txId === v.tx.txId);
      info.approval = { tx, governance: governanceBefore, votes };
    }
    return p.status === 'applied' ? p : null;
  }

  #seal(stored: StoredTransaction, w: StoredWrite, tx: TxRef, sealedProposals: readonly Proposal[]): void {
    const record = this.parse<Version>(w, tx);
    if (record === null) {
      return;
    }
    const changes: EntryChange[] = [];
    const chunks = new Map<string, Chunk[]>();
    for (const pid of stringList(record.proposalIds)) {
      const keys = [...(this.recordsByProposal.get(pid) ?? [])].sort();
      for (const key of keys) {
        const change = this.#recordChange(key, pid);
        if (change !== null) {
          changes.push(change);
        }
      }
      const info = this.proposals.get(pid);
      chunks.set(
        pid,
        info === undefined ? [] : [...info.chunks.entries()].sort(([a], [b]) => a - b).map(([, c]) => c),
      );
    }
    for (const change of changes) {
      this.#applyEntry(change);
    }
    const ruleLinkProblems: RuleLinkProblem[] = [];
    for (const pid of stringList(record.proposalIds)) {
      ruleLinkProblems.push(...this.#checkLinks(pid, changes, tx));
      this.sealed.add(pid);
    }
    const latticeWrite = stored.writes.find((x) => x.objectType === T.lattice && !x.isDelete);
    const lattice = latticeWrite === undefined ? null : this.parse<{ lattice?: string }>(latticeWrite, tx);
    this.versions.push({
      record,
      tx,
      sealedProposals,
      changes,
      recomputedDigest: latticeDigest(this.lattice),
      ruleLinkProblems,
      storedLattice: lattice?.lattice ?? null,
      governance: this.currentGovernance,
      chunks,
    });
  }

  #recordChange(key: string, proposalId: string): EntryChange | null {
    const stored = this.state.get(key);
    if (stored === undefined) {
      return null;
    }
    const isItem = key.startsWith(`\u0000${T.itemRecord}\u0000`);
    const isRule = key.startsWith(`\u0000${T.ruleRecord}\u0000`);
    const isPolicy = key.startsWith(`\u0000${T.policyRecord}\u0000`);
    let value: ItemRecord | OverlayRecord | RuleRecord | PolicyRecord;
    try {
      value = JSON.parse(utf8.decode(stored.bytes)) as ItemRecord | OverlayRecord | RuleRecord | PolicyRecord;
    } catch (error) {
      this.anomalies.push({ tx: stored.tx, key, message: `not JSON: ${(error as Error).message}` });
      return null;
    }
    const attrs = key.slice(1, -1).split('\u0000').slice(1);
    const itemId = attrs[0] ?? '';
    if (isPolicy) {
      const r = value as PolicyRecord;
      const province = r.province;
      return {
        kind: 'policy',
        itemId: province,
        province,
        mspId: itemId,
        op: r.op,
        before: this.entries.get(entryKey({ kind: 'policy', itemId: province, province }))?.data ?? null,
        after: r.op === 'clear' ? null : r.policy,
        proposalId,
        recordKey: key,
        recordTx: stored.tx,
      };
    }
    if (isRule) {
      const r = value as RuleRecord;
      return {
        kind: 'rule',
        itemId,
        province: null,
        mspId: null,
        op: r.op,
        before: this.entries.get(entryKey({ kind: 'rule', itemId, province: null }))?.data ?? null,
        after: r.op === 'remove' ? null : r.rule,
        proposalId,
        recordKey: key,
        recordTx: stored.tx,
      };
    }
    if (isItem) {
      const r = value as ItemRecord;
      const after = r.op === 'remove' ? null : r.item;
      const before = this.entries.get(entryKey({ kind: 'item', itemId, province: null }))?.data ?? null;
      return {
        kind: 'item',
        itemId,
        province: null,
        mspId: null,
        op: r.op,
        before,
        after,
        proposalId,
        recordKey: key,
        recordTx: stored.tx,
      };
    }
    const r = value as OverlayRecord;
    const after = r.op === 'clear' ? null : r.overlay;
    const before =
      this.entries.get(entryKey({ kind: 'overlay', itemId, province: r.province }))?.data ?? null;
    return {
      kind: 'overlay',
      itemId,
      province: r.province,
      mspId: attrs[1] ?? null,
      op: r.op,
      before,
      after,
      proposalId,
      recordKey: key,
      recordTx: stored.tx,
    };
  }

  #applyEntry(change: EntryChange): void {
    const key = entryKey(change);
    const old = this.entries.get(key);
    if (old !== undefined) {
      latticeSub(this.lattice, entryVector(old));
      this.entries.delete(key);
    }
    if (change.after !== null) {
      const entry = digestEntry(change, change.after);
      latticeAdd(this.lattice, entryVector(entry));
      this.entries.set(key, entry);
    }
  }
}

/**
 * Every lookup key (`lk.name` / `lk.code` / `lk.cat`, see chaincode/src/model/lookup.ts) must be one
 * the chaincode derives from an item record: the upsert record of the key's item and proposal lists
 * it among `lookupKeysOf(record.item, proposalId)`, its value names that item and proposal, and it
 * was written with the record (the same ApplyChunk) or by a reindex — a proposal whose chunks hold
 * `reindexItem` of that item, named in the value (`reindexedBy`). Anything else is forged.
 */
export function checkLookupKeys(
  state: ReadonlyMap<string, StateValue>,
  proposals: ReadonlyMap<string, ProposalInfo>,
): Anomaly[] {
  const out: Anomaly[] = [];
  const derived = new Map<string, Set<string>>();
  const reindexes = (pid: string, itemId: string): boolean =>
    [...(proposals.get(pid)?.chunks.values() ?? [])].some((chunk) =>
      chunk.changes.some((c) => c.op === 'reindexItem' && c.itemId === itemId),
    );
  for (const [key, stored] of state) {
    if (lookupFamilyOf(key) === null) {
      continue;
    }
    const flag = (message: string): void => {
      out.push({ tx: stored.tx, key, message: `lookup key ${message}` });
    };
    let value: LookupValue;
    try {
      value = JSON.parse(utf8.decode(stored.bytes)) as LookupValue;
    } catch {
      flag('is not JSON');
      continue;
    }
    const recordKey = `\u0000${T.itemRecord}\u0000${value.itemId}\u0000${value.proposalId}\u0000`;
    const record = state.get(recordKey);
    let keys = derived.get(recordKey);
    if (keys === undefined && record !== undefined) {
      try {
        const r = JSON.parse(utf8.decode(record.bytes)) as ItemRecord;
        keys = new Set(r.item === null ? [] : lookupKeysOf(r.item, value.proposalId));
      } catch {
        keys = new Set();
      }
      derived.set(recordKey, keys);
    }
    if (record === undefined || keys === undefined) {
      flag(`names no item record (${value.itemId}, ${value.proposalId})`);
    } else if (!keys.has(key)) {
      flag(`is not one the record of ${value.itemId} by ${value.proposalId} derives`);
    } else if (
      value.reindexedBy === undefined
        ? record.tx.txId !== stored.tx.txId
        : !reindexes(value.reindexedBy, value.itemId)
    ) {
      flag(
        value.reindexedBy === undefined
          ? `was not written with the record of ${value.itemId}`
          : `names ${value.reindexedBy}, which does not reindex ${value.itemId}`,
      );
    }
  }
  return out;
}

/** Replays the store's valid transactions into a {@link LedgerModel}. */
export async function buildLedgerModel(store: AuditStore): Promise<LedgerModel> {
  const builder = new Builder();
  for await (const tx of store.transactions({ validOnly: true })) {
    builder.apply(tx);
  }
  builder.anomalies.push(...checkLookupKeys(builder.state, builder.proposals));
  return {
    versions: builder.versions,
    proposals: builder.proposals,
    governance: builder.governance,
    anomalies: builder.anomalies,
    entries: builder.entries,
    validTransactions: builder.validTransactions,
  };
}

/** The live catalog entries after `version` (0 = empty), replayed from the model's version changes. */
export function entriesAt(model: LedgerModel, version: number): Map<string, DigestEntry> {
  const entries = new Map<string, DigestEntry>();
  for (const v of model.versions) {
    if (v.record.version > version) {
      break;
    }
    for (const change of v.changes) {
      const key = entryKey(change);
      if (change.after === null) {
        entries.delete(key);
      } else {
        entries.set(key, digestEntry(change, change.after));
      }
    }
  }
  return entries;
}
