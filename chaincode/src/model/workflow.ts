/**
 * The proposal workflow's state-changing logic (used by the Proposal and Governance contracts).
 */
import {
  decodeLattice,
  emptyLattice,
  encodeLattice,
  entryVector,
  latticeAdd,
  latticeDigest,
  latticeSub,
  sha256Json,
  type DigestEntry,
} from '../lib/digest';
import { raise } from '../lib/errors';
import {
  appliedKey,
  chunkKey,
  claimKey,
  HEAD_KEY,
  itemKey,
  itemRecordKey,
  latticeKey,
  overlayKey,
  overlayRecordKey,
  policyKey,
  policyRecordKey,
  proposalKey,
  ruleKey,
  ruleLinkKey,
  ruleRecordKey,
  T,
  versionKey,
  voteKey,
  type ChangeTarget,
} from '../lib/keys';
import { normaliseProvince } from '../lib/orgs';
import { KEEP_POLICY, type Tx } from '../lib/tx';
import { immutablePolicy, nationalPolicy, ownedPolicy } from './governance';
import { normaliseItem, normaliseOverlay, ownerMspOf, summarise } from './items';
import { normalisePaymentPolicy, type PaymentPolicy } from './payment-policy';
import { normaliseRule, ruleItems } from './rules';
import { lookupKeysOf, type LookupValue } from './lookup';
import {
  getHead,
  getItemIndex,
  getOverlayIndex,
  getPolicyIndex,
  getProposal,
  getRuleIndex,
  getVersion,
  itemAsOf,
  overlayAsOf,
  policyAsOf,
  ruleAsOf,
  type ItemIndex,
  type ItemIndexEntry,
  type ItemRecord,
  type OverlayIndex,
  type OverlayIndexEntry,
  type OverlayRecord,
  type PolicyIndex,
  type PolicyRecord,
  type RuleIndex,
  type RuleLink,
  type RuleRecord,
} from './store';
import type { Change, Governance, Head, Item, Overlay, Proposal, Rule, Version, Vote } from './types';

/** A change after normalisation, as stored in a chunk. */
export type StoredChange =
  | { readonly op: 'upsertItem'; readonly item: Item }
  | { readonly op: 'removeItem'; readonly itemId: string }
  | { readonly op: 'setOverlay'; readonly overlay: Overlay }
  | { readonly op: 'clearOverlay'; readonly itemId: string; readonly province: string }
  | { readonly op: 'upsertRule'; readonly rule: Rule }
  | { readonly op: 'removeRule'; readonly ruleId: string }
  | { readonly op: 'reindexItem'; readonly itemId: string }
  | { readonly op: 'setPaymentPolicy'; readonly policy: PaymentPolicy }
  | { readonly op: 'clearPaymentPolicy'; readonly province: string };

/**
 * A chunk of a proposal (key `chunk`), written once by AddChunk and never rewritten. `applied`,
 * `appliedTxId` and `delta` are false / null in every chunk this chaincode writes: ApplyChunk records
 * its outcome in the chunk's own {@link AppliedChunk} marker instead. A chunk applied by an earlier
 * chaincode (which rewrote the chunk record) carries them set, and still counts as applied.
 */
export interface Chunk {
  readonly proposalId: string;
  readonly index: number;
  readonly changes: readonly StoredChange[];
  readonly changeCount: number;
  readonly hash: string;
  readonly applied: boolean;
  readonly appliedTxId: string | null;
  /** Base64 LtHash delta of this chunk (sum of new entries minus sum of replaced ones). */
  readonly delta: string | null;
}

/**
 * What ApplyChunk writes for chunk `index` (key `chunkdone`, immutable): one key per chunk, so the
 * ApplyChunks of one proposal share no key and can commit in the same block. SealVersion folds the
 * deltas of these markers; it never reads the chunks' changes again.
 */
export interface AppliedChunk {
  readonly proposalId: string;
  readonly index: number;
  /** The chunk's hash, checked against the manifest by the ApplyChunk that wrote this marker. */
  readonly hash: string;
  readonly changeCount: number;
  readonly txId: string;
  readonly timestamp: string;
  /** Base64 LtHash delta of this chunk (sum of new entries minus sum of replaced ones). */
  readonly delta: string;
}

/** Throws QUORUM_NOT_MET (still open, approvals missing) or PROPOSAL_STATE unless the status is allowed. */
export function requireStatus(p: Proposal, ...allowed: Proposal['status'][]): void {
  if (p.status === 'open' && allowed.includes('approved') && !allowed.includes('open')) {
    raise('QUORUM_NOT_MET.stillOpen', { proposalId: p.id });
  }
  if (!allowed.includes(p.status)) {
    raise('PROPOSAL_STATE', { proposalId: p.id, status: p.status, allowed });
  }
}

/** Statuses after which a proposal never changes again. */
const FINAL_STATUSES: ReadonlySet<Proposal['status']> = new Set(['applied', 'withdrawn', 'rejected']);

/**
 * Stores a proposal record. Created: the owner's policy (NHSA AND a province for national and
 * governance proposals, the province AND another organisation for provincial ones). Reaching a final
 * status: the unsatisfiable policy, so the record of an applied, withdrawn or rejected proposal can
 * never be rewritten. Otherwise the key keeps its policy.
 */
export function putProposal(tx: Tx, g: Governance, p: Proposal, creating = false): void {
  const policy = FINAL_STATUSES.has(p.status)
    ? immutablePolicy(g)
    : creating
      ? ownedPolicy(g, p.ownerMsp)
      : KEEP_POLICY;
  tx.put(proposalKey(tx.stub, p.id), p, policy);
}

/**
 * Normalises one change (provinces named in any form of the governance record's become canonical)
 * and checks it is inside the proposal's scope.
 */
export function normaliseChange(
  g: Pick<Governance, 'provinces'>,
  p: Proposal,
  change: Change,
): { stored: StoredChange; target: ChangeTarget } {
  switch (change.op) {
    case 'upsertItem': {
      const item = normaliseItem(g, change.item);
      const provincial = item.province !== null;
      if (p.scope === 'national' && provincial) {
        raise('SCOPE_VIOLATION.provincialItem', { itemId: item.id, kind: item.kind });
      }
      if (p.scope === 'provincial' && item.province !== p.province) {
        raise('SCOPE_VIOLATION.otherProvinceItem', { itemId: item.id, province: p.province });
      }
      return { stored: { op: 'upsertItem', item }, target: { type: 'item', itemId: item.id } };
    }
    case 'removeItem':
    case 'reindexItem':
      return { stored: change, target: { type: 'item', itemId: change.itemId } };
    case 'setOverlay': {
      const overlay = normaliseOverlay(g, change.overlay);
      if (p.scope !== 'provincial') {
        raise('SCOPE_VIOLATION.setOverlayNational', { province: overlay.province });
      }
      if (overlay.province !== p.province) {
        raise('SCOPE_VIOLATION.setOverlayOtherProvince', {
          province: overlay.province,
          proposalProvince: p.province,
        });
      }
      const mspId = normaliseProvince(g, overlay.province).mspId;
      return {
        stored: { op: 'setOverlay', overlay },
        target: { type: 'overlay', itemId: overlay.itemId, mspId },
      };
    }
    case 'clearOverlay': {
      const prov = normaliseProvince(g, change.province);
      if (p.scope !== 'provincial') {
        raise('SCOPE_VIOLATION.clearOverlayNational', { province: prov.name });
      }
      if (prov.name !== p.province) {
        raise('SCOPE_VIOLATION.clearOverlayOtherProvince', {
          province: prov.name,
          proposalProvince: p.province,
        });
      }
      return {
        stored: { op: 'clearOverlay', itemId: change.itemId, province: prov.name },
        target: { type: 'overlay', itemId: change.itemId, mspId: prov.mspId },
      };
    }
    case 'upsertRule':
    case 'removeRule': {
      const ruleId = change.op === 'upsertRule' ? change.rule.id : change.ruleId;
      if (p.scope !== 'national') {
        raise('SCOPE_VIOLATION.ruleNotNational', { ruleId, scope: p.scope });
      }
      const stored: StoredChange =
        change.op === 'upsertRule' ? { op: 'upsertRule', rule: normaliseRule(change.rule) } : change;
      return { stored, target: { type: 'rule', ruleId } };
    }
    case 'setPaymentPolicy':
    case 'clearPaymentPolicy': {
      const prov = normaliseProvince(
        g,
        change.op === 'setPaymentPolicy' ? change.policy.province : change.province,
      );
      if (p.scope !== 'provincial') {
        raise('SCOPE_VIOLATION.policyNotProvincial', { province: prov.name, scope: p.scope });
      }
      if (prov.name !== p.province) {
        raise('SCOPE_VIOLATION.policyOtherProvince', { province: prov.name, proposalProvince: p.province });
      }
      const stored: StoredChange =
        change.op === 'setPaymentPolicy'
          ? { op: 'setPaymentPolicy', policy: normalisePaymentPolicy(g, change.policy) }
          : { op: 'clearPaymentPolicy', province: prov.name };
      return { stored, target: { type: 'policy', mspId: prov.mspId } };
    }
  }
}

/**
 * Checks a change against the current head when it is added (ownership, existence of what is
 * removed). ApplyChunk re-checks against the state at apply time.
 */
export async function precheckChange(
  tx: Tx,
  g: Governance,
  p: Proposal,
  change: StoredChange,
  head: Head | null,
): Promise<void> {
  const headVersion = head?.version ?? 0;
  if (change.op === 'reindexItem') {
    await reindexTarget(tx, p, change.itemId);
  } else if (change.op === 'upsertItem' || change.op === 'removeItem') {
    const itemId = change.op === 'upsertItem' ? change.item.id : change.itemId;
    const index = await getItemIndex(tx, itemId);
    if (index !== null && index.ownerMsp !== p.ownerMsp) {
      raise('FORBIDDEN_ORG.itemOwner', { itemId, owner: index.ownerMsp });
    }
    if (change.op === 'removeItem') {
      const current = headVersion > 0 ? await itemAsOf(tx, itemId, headVersion) : null;
      if (current?.item == null) {
        raise('ITEM_NOT_FOUND.notListed', { itemId });
      }
    }
  } else if (change.op === 'clearOverlay') {
    const mspId = normaliseProvince(g, change.province).mspId;
    const current = headVersion > 0 ? await overlayAsOf(tx, change.itemId, mspId, headVersion) : null;
    if (current === null) {
      raise('ITEM_NOT_FOUND.noOverlay', { itemId: change.itemId, province: change.province });
    }
  } else if (change.op === 'removeRule') {
    const current = headVersion > 0 ? await ruleAsOf(tx, change.ruleId, headVersion) : null;
    if (current?.rule == null) {
      raise('RULE_NOT_FOUND.notListed', { ruleId: change.ruleId });
    }
  } else if (change.op === 'clearPaymentPolicy') {
    const mspId = normaliseProvince(g, change.province).mspId;
    const current = headVersion > 0 ? await policyAsOf(tx, mspId, headVersion) : null;
    if (current?.policy == null) {
      raise('POLICY_NOT_FOUND.notSet', { province: change.province });
    }
  }
}

/**
 * The key an apply replaces: an item, (with `province`) one province's overlay of an item, or (with
 * `ruleId`, `itemId` empty) a rule.
 */
interface ReplacedKey {
  readonly itemId: string;
  readonly province?: string;
  readonly ruleId?: string;
  /** A province's payment policy (`itemId` empty). */
  readonly policy?: string;
}

/** Throws the VERSION_CONFLICT of an item or of an overlay. */
function conflict(
  what: ReplacedKey,
  reason:
    | { readonly kind: 'written'; readonly proposalId: string }
    | { readonly kind: 'pending'; readonly otherProposalId: string }
    | { readonly kind: 'changed'; readonly version: number; readonly baseVersion: number },
): never {
  const { itemId, province, ruleId, policy } = what;
  if (policy !== undefined) {
    switch (reason.kind) {
      case 'written':
        return raise('VERSION_CONFLICT.policyWritten', { province: policy, proposalId: reason.proposalId });
      case 'pending':
        return raise('VERSION_CONFLICT.policyPending', {
          province: policy,
          otherProposalId: reason.otherProposalId,
        });
      case 'changed':
        return raise('VERSION_CONFLICT.policyChanged', {
          province: policy,
          version: reason.version,
          baseVersion: reason.baseVersion,
        });
    }
  }
  if (ruleId !== undefined) {
    switch (reason.kind) {
      case 'written':
        return raise('VERSION_CONFLICT.ruleWritten', { ruleId, proposalId: reason.proposalId });
      case 'pending':
        return raise('VERSION_CONFLICT.rulePending', { ruleId, otherProposalId: reason.otherProposalId });
      case 'changed':
        return raise('VERSION_CONFLICT.ruleChanged', {
          ruleId,
          version: reason.version,
          baseVersion: reason.baseVersion,
        });
    }
  }
  switch (reason.kind) {
    case 'written':
      return province === undefined
        ? raise('VERSION_CONFLICT.itemWritten', { itemId, proposalId: reason.proposalId })
        : raise('VERSION_CONFLICT.overlayWritten', { itemId, province, proposalId: reason.proposalId });
    case 'pending':
      return province === undefined
        ? raise('VERSION_CONFLICT.itemPending', { itemId, otherProposalId: reason.otherProposalId })
        : raise('VERSION_CONFLICT.overlayPending', {
            itemId,
            province,
            otherProposalId: reason.otherProposalId,
          });
    case 'changed': {
      const { version, baseVersion } = reason;
      return province === undefined
        ? raise('VERSION_CONFLICT.itemChanged', { itemId, version, baseVersion })
        : raise('VERSION_CONFLICT.overlayChanged', { itemId, province, version, baseVersion });
    }
  }
}

/**
 * The state an apply replaces. Fails with VERSION_CONFLICT when another proposal has an unsealed
 * change of the same key, or sealed one after this proposal was opened (no lost updates).
 */
async function replacedEntry<E extends { proposalId: string }>(
  tx: Tx,
  p: Proposal,
  entries: readonly E[],
  what: ReplacedKey,
): Promise<{ entry: E; version: number } | null> {
  let best: { entry: E; version: number } | null = null;
  for (const entry of entries) {
    const other = await getProposal(tx, entry.proposalId);
    if (other === null || other.status === 'withdrawn' || other.status === 'rejected') {
      continue;
    }
    if (other.id === p.id) {
      conflict(what, { kind: 'written', proposalId: p.id });
    }
    if (other.status !== 'applied' || other.sealedVersion === null) {
      conflict(what, { kind: 'pending', otherProposalId: other.id });
    }
    if (other.sealedVersion > (p.baseVersion ?? 0)) {
      conflict(what, { kind: 'changed', version: other.sealedVersion, baseVersion: p.baseVersion ?? 0 });
    }
    if (best === null || other.sealedVersion > best.version) {
      best = { entry, version: other.sealedVersion };
    }
  }
  return best;
}

/**
 * Applies a rule change: the rule record, the rule's index (NHSA's policy at creation) and a lookup
 * key for every item the new rule or the rule it replaces names (see {@link RuleLink}).
 */
async function applyRuleChange(
  tx: Tx,
  g: Governance,
  p: Proposal,
  change: Extract<StoredChange, { op: 'upsertRule' | 'removeRule' }>,
): Promise<{ removed: DigestEntry | null; added: DigestEntry | null }> {
  const ruleId = change.op === 'upsertRule' ? change.rule.id : change.ruleId;
  const index = await getRuleIndex(tx, ruleId);
  const replaced = await replacedEntry(tx, p, index?.entries ?? [], { itemId: '', ruleId });
  let old: Rule | null = null;
  if (replaced !== null) {
    const rec = await tx.read<RuleRecord>(ruleRecordKey(tx.stub, ruleId, replaced.entry.proposalId));
    old = rec?.rule ?? null;
  }
  if (change.op === 'removeRule' && old === null) {
    raise('VERSION_CONFLICT.ruleRemoved', { ruleId });
  }
  const rule = change.op === 'upsertRule' ? change.rule : null;
  const op = rule === null ? 'remove' : 'upsert';
  const nextIndex: RuleIndex = {
    ruleId,
    ownerMsp: index?.ownerMsp ?? g.nationalMsp,
    entries: [...(index?.entries ?? []), { proposalId: p.id, op }],
  };
  const record: RuleRecord = { ruleId, proposalId: p.id, op, rule, txId: tx.txId, timestamp: tx.time };
  tx.put(ruleKey(tx.stub, ruleId), nextIndex, index === null ? ownedPolicy(g, g.nationalMsp) : KEEP_POLICY);
  tx.put(ruleRecordKey(tx.stub, ruleId, p.id), record, immutablePolicy(g));
  for (const link of ruleLinks(ruleId, p.id, old, rule)) {
    tx.put(ruleLinkKey(tx.stub, link.itemId, ruleId, p.id), link, immutablePolicy(g));
  }
  return {
    removed: old === null ? null : { type: 'rule', ruleId, data: old },
    added: rule === null ? null : { type: 'rule', ruleId, data: rule },
  };
}

/**
 * Applies a payment-policy change: the policy record (immutable) and the province's policy index
 * (the province's policy at creation: it and one other organisation).
 */
async function applyPolicyChange(
  tx: Tx,
  g: Governance,
  p: Proposal,
  change: Extract<StoredChange, { op: 'setPaymentPolicy' | 'clearPaymentPolicy' }>,
): Promise<{ removed: DigestEntry | null; added: DigestEntry | null }> {
  const province = normaliseProvince(
    g,
    change.op === 'setPaymentPolicy' ? change.policy.province : change.province,
  );
  const index = await getPolicyIndex(tx, province.mspId);
  const replaced = await replacedEntry(tx, p, index?.entries ?? [], { itemId: '', policy: province.name });
  let old: PaymentPolicy | null = null;
  if (replaced !== null) {
    const rec = await tx.read<PolicyRecord>(
      policyRecordKey(tx.stub, province.mspId, replaced.entry.proposalId),
    );
    old = rec?.policy ?? null;
  }
  if (change.op === 'clearPaymentPolicy' && old === null) {
    raise('VERSION_CONFLICT.policyCleared', { province: province.name });
  }
  const policy = change.op === 'setPaymentPolicy' ? change.policy : null;
  const op = policy === null ? 'clear' : 'set';
  const nextIndex: PolicyIndex = {
    province: province.name,
    mspId: province.mspId,
    entries: [...(index?.entries ?? []), { proposalId: p.id, op }],
  };
  const record: PolicyRecord = {
    province: province.name,
    proposalId: p.id,
    op,
    policy,
    txId: tx.txId,
    timestamp: tx.time,
  };
  tx.put(
    policyKey(tx.stub, province.mspId),
    nextIndex,
    index === null ? ownedPolicy(g, province.mspId) : KEEP_POLICY,
  );
  tx.put(policyRecordKey(tx.stub, province.mspId, p.id), record, immutablePolicy(g));
  return {
    removed: old === null ? null : { type: 'policy', province: province.name, data: old },
    added: policy === null ? null : { type: 'policy', province: province.name, data: policy },
  };
}

/**
 * The lookup keys a rule change writes (item id order): one per item the new rule (`after`) or the
 * replaced one (`before`) names, with the new rule where it still names the item. The auditors'
 * model derives them the same way from the rule records.
 */
export function ruleLinks(
  ruleId: string,
  proposalId: string,
  before: Rule | null,
  after: Rule | null,
): RuleLink[] {
  const now = ruleItems(after);
  const items = new Set([...ruleItems(before).keys(), ...now.keys()]);
  return [...items].sort().map((itemId) => {
    const role = now.get(itemId) ?? null;
    return { itemId, ruleId, proposalId, role, rule: role === null ? null : after };
  });
}

/** Writes the lookup keys of an upsert (see ./lookup.ts), each under the unsatisfiable policy. */
function putLookupKeys(tx: Tx, g: Governance, item: Item, proposalId: string): void {
  const value: LookupValue = { itemId: item.id, proposalId };
  for (const key of lookupKeysOf(item, proposalId)) {
    tx.put(key, value, immutablePolicy(g));
  }
}

/** The index of an item a proposal may reindex: listed once, and owned by the proposal's owner. */
async function reindexTarget(tx: Tx, p: Proposal, itemId: string): Promise<ItemIndex> {
  const index = (await getItemIndex(tx, itemId)) ?? raise('ITEM_NOT_FOUND', { itemId });
  if (index.ownerMsp !== p.ownerMsp) {
    raise('FORBIDDEN_ORG.itemOwner', { itemId, owner: index.ownerMsp });
  }
  return index;
}

/**
 * Reindexes an item: writes the lookup keys of every sealed upsert of it that lacks them (items
 * applied before lookup keys existed), under the proposal ids that wrote them. Changes no item and
 * no digest; keys already there are left alone, so a reindex may be repeated.
 */
async function reindexItem(tx: Tx, g: Governance, p: Proposal, itemId: string): Promise<void> {
  const index = await reindexTarget(tx, p, itemId);
  for (const entry of index.entries) {
    const writer = await getProposal(tx, entry.proposalId);
    if (entry.op !== 'upsert' || writer?.status !== 'applied') {
      continue;
    }
    const record = await tx.read<ItemRecord>(itemRecordKey(tx.stub, itemId, entry.proposalId));
    if (record?.item == null) {
      continue;
    }
    const value: LookupValue = { itemId, proposalId: entry.proposalId, reindexedBy: p.id };
    for (const key of lookupKeysOf(record.item, entry.proposalId)) {
      if ((await tx.stub.getState(key)).length === 0) {
        tx.put(key, value, immutablePolicy(g));
      }
    }
  }
}

/** Applies one stored change: writes record + index, returns the digest entries it removes/adds. */
async function applyChange(
  tx: Tx,
  g: Governance,
  p: Proposal,
  change: StoredChange,
): Promise<{ removed: DigestEntry | null; added: DigestEntry | null }> {
  if (change.op === 'upsertRule' || change.op === 'removeRule') {
    return applyRuleChange(tx, g, p, change);
  }
  if (change.op === 'setPaymentPolicy' || change.op === 'clearPaymentPolicy') {
    return applyPolicyChange(tx, g, p, change);
  }
  if (change.op === 'reindexItem') {
    await reindexItem(tx, g, p, change.itemId);
    return { removed: null, added: null };
  }
  if (change.op === 'upsertItem' || change.op === 'removeItem') {
    const itemId = change.op === 'upsertItem' ? change.item.id : change.itemId;
    const index = await getItemIndex(tx, itemId);
    if (index !== null && index.ownerMsp !== p.ownerMsp) {
      raise('FORBIDDEN_ORG.itemOwner', { itemId, owner: index.ownerMsp });
    }
    const replaced = await replacedEntry(tx, p, index?.entries ?? [], { itemId });
    let old: Item | null = null;
    if (replaced !== null) {
      const rec = await tx.read<ItemRecord>(itemRecordKey(tx.stub, itemId, replaced.entry.proposalId));
      old = rec?.item ?? null;
    }
    if (change.op === 'removeItem' && old === null) {
      raise('VERSION_CONFLICT.itemRemoved', { itemId });
    }
    const item = change.op === 'upsertItem' ? change.item : null;
    const ownerMsp = index?.ownerMsp ?? (item === null ? p.ownerMsp : ownerMspOf(g, item));
    const entry: ItemIndexEntry = {
      proposalId: p.id,
      op: item === null ? 'remove' : 'upsert',
      summary: item === null ? null : summarise(item),
    };
    const nextIndex: ItemIndex = {
      itemId,
      ownerMsp,
      kind: item?.kind ?? index?.kind ?? 'drug',
      entries: [...(index?.entries ?? []), entry],
    };
    const record: ItemRecord = {
      itemId,
      proposalId: p.id,
      op: entry.op,
      item,
      txId: tx.txId,
      timestamp: tx.time,
    };
    tx.put(itemKey(tx.stub, itemId), nextIndex, index === null ? ownedPolicy(g, ownerMsp) : KEEP_POLICY);
    tx.put(itemRecordKey(tx.stub, itemId, p.id), record, immutablePolicy(g));
    if (item !== null) {
      putLookupKeys(tx, g, item, p.id);
    }
    return {
      removed: old === null ? null : { type: 'item', itemId, data: old },
      added: item === null ? null : { type: 'item', itemId, data: item },
    };
  }
  const itemId = change.op === 'setOverlay' ? change.overlay.itemId : change.itemId;
  const province = normaliseProvince(
    g,
    change.op === 'setOverlay' ? change.overlay.province : change.province,
  );
  const index = await getOverlayIndex(tx, itemId, province.mspId);
  const replaced = await replacedEntry(tx, p, index?.entries ?? [], { itemId, province: province.name });
  let old: Overlay | null = null;
  if (replaced !== null) {
    const rec = await tx.read<OverlayRecord>(
      overlayRecordKey(tx.stub, itemId, province.mspId, replaced.entry.proposalId),
    );
    old = rec?.overlay ?? null;
  }
  if (change.op === 'clearOverlay' && old === null) {
    raise('VERSION_CONFLICT.overlayCleared', { itemId, province: province.name });
  }
  const overlay = change.op === 'setOverlay' ? change.overlay : null;
  const entry: OverlayIndexEntry = { proposalId: p.id, op: overlay === null ? 'clear' : 'set' };
  const nextIndex: OverlayIndex = {
    itemId,
    province: province.name,
    mspId: province.mspId,
    entries: [...(index?.entries ?? []), entry],
  };
  const record: OverlayRecord = {
    itemId,
    province: province.name,
    proposalId: p.id,
    op: entry.op,
    overlay,
    txId: tx.txId,
    timestamp: tx.time,
  };
  tx.put(
    overlayKey(tx.stub, itemId, province.mspId),
    nextIndex,
    index === null ? ownedPolicy(g, province.mspId) : KEEP_POLICY,
  );
  tx.put(overlayRecordKey(tx.stub, itemId, province.mspId, p.id), record, immutablePolicy(g));
  return {
    removed: old === null ? null : { type: 'overlay', itemId, province: province.name, data: old },
    added: overlay === null ? null : { type: 'overlay', itemId, province: province.name, data: overlay },
  };
}

/**
 * Applies every change of a chunk and writes its {@link AppliedChunk} marker with the digest delta.
 * The chunk record itself is left as AddChunk wrote it.
 */
export async function applyChunk(tx: Tx, g: Governance, p: Proposal, chunk: Chunk): Promise<AppliedChunk> {
  const delta = emptyLattice();
  for (const change of chunk.changes) {
    const { removed, added } = await applyChange(tx, g, p, change);
    if (removed !== null) {
      latticeSub(delta, entryVector(removed));
    }
    if (added !== null) {
      latticeAdd(delta, entryVector(added));
    }
  }
  const marker: AppliedChunk = {
    proposalId: p.id,
    index: chunk.index,
    hash: chunk.hash,
    changeCount: chunk.changeCount,
    txId: tx.txId,
    timestamp: tx.time,
    delta: encodeLattice(delta),
  };
  tx.put(appliedKey(tx.stub, p.id, chunk.index), marker, immutablePolicy(g));
  return marker;
}

/** All chunks of a proposal, in index order. */
export async function chunksOf(tx: Tx, proposalId: string): Promise<Chunk[]> {
  return (await tx.scan<Chunk>(T.chunk, [proposalId])).map((e) => e.value);
}

/** The applied markers of a proposal by chunk index (one range scan of at most 10,000 small keys). */
export async function appliedOf(tx: Tx, proposalId: string): Promise<Map<number, AppliedChunk>> {
  const out = new Map<number, AppliedChunk>();
  for (const { value } of await tx.scan<AppliedChunk>(T.applied, [proposalId])) {
    out.set(value.index, value);
  }
  return out;
}

/**
 * The applied marker of chunk `index`, or one made from a chunk record an earlier chaincode marked
 * applied in place; null while the chunk is not applied.
 */
export async function appliedChunk(
  tx: Tx,
  proposalId: string,
  index: number,
  chunk?: Chunk | null,
): Promise<AppliedChunk | null> {
  const marker = await tx.read<AppliedChunk>(appliedKey(tx.stub, proposalId, index));
  if (marker !== null) {
    return marker;
  }
  const record = chunk === undefined ? await tx.read<Chunk>(chunkKey(tx.stub, proposalId, index)) : chunk;
  return record === null ? null : legacyApplied(record);
}

/** The marker of a chunk record applied in place by an earlier chaincode, else null. */
export function legacyApplied(chunk: Chunk): AppliedChunk | null {
  if (!chunk.applied) {
    return null;
  }
  return {
    proposalId: chunk.proposalId,
    index: chunk.index,
    hash: chunk.hash,
    changeCount: chunk.changeCount,
    txId: chunk.appliedTxId ?? '',
    timestamp: '',
    delta:
      chunk.delta ?? raise('INTERNAL.deltaMissing', { index: chunk.index, proposalId: chunk.proposalId }),
  };
}

/** All votes on a proposal, in MSP order. */
export async function votesOf(tx: Tx, proposalId: string): Promise<Vote[]> {
  return (await tx.scan<Vote>(T.vote, [proposalId])).map((e) => e.value);
}

/** Writes one vote; a vote never changes, so its key carries the unsatisfiable policy. */
export function putVote(tx: Tx, g: Governance, vote: Vote): void {
  tx.put(voteKey(tx.stub, vote.proposalId, vote.mspId), vote, immutablePolicy(g));
}

/** Seals the next catalog version from an approved proposal whose chunks are all applied. */
export async function sealVersion(
  tx: Tx,
  g: Governance,
  p: Proposal,
  applied: readonly AppliedChunk[],
): Promise<Version> {
  const head = await getHead(tx);
  const parent = head?.version ?? 0;
  const parentVersion = parent > 0 ? await getVersion(tx, parent) : null;
  let lattice = emptyLattice();
  if (parent > 0) {
    const stored = await tx.read<{ lattice: string }>(latticeKey(tx.stub, parent));
    lattice = decodeLattice(stored?.lattice ?? raise('INTERNAL.latticeMissing', { version: parent }));
  }
  for (const marker of applied) {
    latticeAdd(lattice, decodeLattice(marker.delta));
  }
  const effectiveFrom =
    parentVersion !== null && parentVersion.effectiveFrom > p.effectiveFrom
      ? parentVersion.effectiveFrom
      : p.effectiveFrom;
  const unhashed: Omit<Version, 'versionHash'> = {
    version: parent + 1,
    parent,
    proposalIds: [p.id],
    scope: p.scope,
    province: p.province,
    changeCount: p.changeCount ?? 0,
    effectiveFrom,
    requestedEffectiveFrom: p.effectiveFrom,
    txId: tx.txId,
    timestamp: tx.time,
    digest: latticeDigest(lattice),
    previousVersionHash: parentVersion?.versionHash ?? null,
  };
  const version: Version = { ...unhashed, versionHash: sha256Json(unhashed) };
  const nextHead: Head = {
    version: version.version,
    effectiveFrom: version.effectiveFrom,
    digest: version.digest,
    versionHash: version.versionHash,
    txId: tx.txId,
  };
  tx.put(versionKey(tx.stub, version.version), version, immutablePolicy(g));
  tx.put(
    latticeKey(tx.stub, version.version),
    { version: version.version, lattice: encodeLattice(lattice) },
    immutablePolicy(g),
  );
  tx.put(HEAD_KEY, nextHead, head === null ? nationalPolicy(g) : KEEP_POLICY);
  return version;
}

/**
 * Stores a chunk and the per-proposal claims of its targets. The chunk is never rewritten (ApplyChunk
 * writes its own marker), so it is immutable from the start.
 */
export function putChunk(
  tx: Tx,
  g: Governance,
  p: Proposal,
  chunk: Chunk,
  targets: readonly ChangeTarget[],
): void {
  tx.put(chunkKey(tx.stub, p.id, chunk.index), chunk, immutablePolicy(g));
  for (const target of targets) {
    tx.put(claimKey(tx.stub, p.id, target), { chunkIndex: chunk.index }, immutablePolicy(g));
  }
}
