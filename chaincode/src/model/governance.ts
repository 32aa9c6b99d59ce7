/**
 * Governance: who the members are, what each scope needs, quorum evaluation, key-level policies.
 */
import { raise } from '../lib/errors';
import { AUDIT_MSP, NATIONAL_MSP, PROVINCE_FORMS, normaliseProvince, provinceKey } from '../lib/orgs';
import { buildSignaturePolicy, oneAndKOfSpec, unsatisfiablePolicy, type PolicySpec } from '../lib/sbe';
import type { InitGovernanceInput } from './io';
import type { Governance, GovernanceUpdate, Proposal, ProvinceMember, ScopeRule, Tally, Vote } from './types';

/** Default chunk limit. */
export const DEFAULT_MAX_CHUNK_CHANGES = 250;

/**
 * The governance record InitGovernance writes (version 1): the members it is given (provinces,
 * national MSP, auditors; seeded from network/topology.json) and the default rules.
 */
export function initialGovernance(input: InitGovernanceInput, txId: string, timestamp: string): Governance {
  return {
    version: 1,
    nationalMsp: input.nationalMsp ?? NATIONAL_MSP,
    nationalNames: input.nationalNames === undefined ? null : { ...input.nationalNames },
    provinces: input.provinces.map((p) => ({
      name: p.name,
      mspId: p.mspId,
      code: p.code,
      division: p.division,
      zh: p.zh,
      zhShort: p.zhShort,
      abbr: p.abbr,
    })),
    suspended: [],
    auditors: [...(input.auditors ?? [AUDIT_MSP])],
    rules: {
      national: { national: true, provinces: 'majority' },
      provincial: { national: false, provinces: 'own' },
      governance: { national: true, provinces: 'twoThirds' },
    },
    maxChunkChanges: input.maxChunkChanges ?? DEFAULT_MAX_CHUNK_CHANGES,
    allowSelfApproval: input.allowSelfApproval ?? false,
    nationalKeyPolicy: { provinces: 1 },
    updatedByProposal: null,
    txId,
    timestamp,
  };
}

/** Words the scope arguments use; no province may be called by them. */
const SCOPE_WORDS = new Set(['national', 'governance']);

/**
 * Throws GOVERNANCE_INVALID unless the members can be told apart: at least one province; no MSP id
 * shared between the national organisation, a province and an auditor; and no form of a province's
 * name (name, MSP id, code, division, Chinese names, abbreviation; compared as
 * {@link normaliseProvince} compares them) that another province also answers to.
 */
export function checkMembers(g: Pick<Governance, 'nationalMsp' | 'provinces' | 'auditors'>): void {
  if (g.provinces.length === 0) {
    raise('GOVERNANCE_INVALID.noProvince', {});
  }
  /** Who holds an MSP id: the national organisation, a province (by name) or an auditor. */
  type Holder = { readonly province: string } | 'national' | 'auditor';
  const msps = new Map<string, Holder>([[g.nationalMsp, 'national']]);
  const claim = (mspId: string, who: Holder): void => {
    const other = msps.get(mspId);
    if (other === 'national') {
      if (who === 'auditor') raise('GOVERNANCE_INVALID.mspNationalAuditor', { mspId });
      if (who !== 'national')
        raise('GOVERNANCE_INVALID.mspNationalProvince', { mspId, province: who.province });
    } else if (other === 'auditor') {
      raise('GOVERNANCE_INVALID.mspAuditors', { mspId });
    } else if (other !== undefined) {
      if (who === 'auditor')
        raise('GOVERNANCE_INVALID.mspProvinceAuditor', { mspId, province: other.province });
      if (who !== 'national')
        raise('GOVERNANCE_INVALID.mspProvinces', { mspId, first: other.province, second: who.province });
    }
    msps.set(mspId, who);
  };
  const forms = new Map<string, ProvinceMember>();
  for (const p of g.provinces) {
    claim(p.mspId, { province: p.name });
    for (const form of PROVINCE_FORMS) {
      const key = provinceKey(p[form]);
      if (key === '') {
        raise('GOVERNANCE_INVALID.blankForm', { province: p.name, form });
      }
      if (SCOPE_WORDS.has(key)) {
        raise('GOVERNANCE_INVALID.scopeWord', { province: p.name, form, value: p[form] });
      }
      const other = forms.get(key);
      if (other !== undefined && other !== p) {
        raise('GOVERNANCE_INVALID.sharedForm', { value: p[form], first: other.name, second: p.name });
      }
      forms.set(key, p);
    }
  }
  for (const auditor of g.auditors) {
    claim(auditor, 'auditor');
  }
}

/** Number of provinces a rule needs out of `n` members. */
export function provincesNeeded(rule: ScopeRule, n: number): number {
  switch (rule.provinces) {
    case 'none':
      return 0;
    case 'own':
      return 1;
    case 'majority':
      return Math.floor(n / 2) + 1;
    case 'twoThirds':
      return Math.ceil((2 * n) / 3);
    case 'all':
      return n;
  }
}

/** Throws GOVERNANCE_INVALID unless the members can be told apart and the rules keep the catalog's guarantees. */
export function checkGovernance(g: Governance): void {
  checkMembers(g);
  const { national, provincial, governance } = g.rules;
  if (provincial.provinces !== 'own') {
    raise('GOVERNANCE_INVALID.provincialOwn', {});
  }
  for (const [name, rule] of [
    ['national', national],
    ['governance', governance],
  ] as const) {
    if (rule.provinces === 'own') {
      raise('GOVERNANCE_INVALID.noOwnProvince', { scope: name });
    }
    if (!rule.national && rule.provinces === 'none') {
      raise('GOVERNANCE_INVALID.noApproval', { scope: name });
    }
  }
  const members = new Set(g.provinces.map((p) => p.mspId));
  const suspended = suspendedOf(g);
  for (const mspId of suspended) {
    if (!members.has(mspId)) raise('GOVERNANCE_INVALID.suspendedNotMember', { mspId });
  }
  if (new Set(suspended).size !== suspended.length) {
    raise('GOVERNANCE_INVALID.suspendedTwice', {});
  }
  if (suspended.length >= g.provinces.length) {
    raise('GOVERNANCE_INVALID.noActiveProvince', {});
  }
  if (g.nationalKeyPolicy.provinces < 1) {
    raise('GOVERNANCE_INVALID.keyPolicyMin', {});
  }
  if (g.nationalKeyPolicy.provinces > g.provinces.length) {
    raise('GOVERNANCE_INVALID.keyPolicyMax', {
      count: g.nationalKeyPolicy.provinces,
      total: g.provinces.length,
    });
  }
}

/** MSP ids of the member provinces whose votes and writes are suspended (none in older records). */
export function suspendedOf(g: Pick<Governance, 'suspended'>): readonly string[] {
  return g.suspended ?? [];
}

/** The member provinces whose votes and writes count (not suspended). */
export function activeProvinces(g: Pick<Governance, 'provinces' | 'suspended'>): ProvinceMember[] {
  const suspended = suspendedOf(g);
  return g.provinces.filter((p) => !suspended.includes(p.mspId));
}

/**
 * Throws MEMBER_SUSPENDED when `mspId` is a province whose votes and writes governance suspended
 * (every catalog write of a proposal it owns, and its votes; reads and withdrawing stay open).
 */
export function requireActiveMember(g: Governance, mspId: string): void {
  if (suspendedOf(g).includes(mspId)) {
    const province = g.provinces.find((p) => p.mspId === mspId);
    raise('MEMBER_SUSPENDED', { org: mspId, province: province?.name ?? mspId, version: g.version });
  }
}

/**
 * Membership after an update: `addProvinces` appended (in their order), then `suspendProvinces`
 * and `reinstateProvinces` (any form of a member's name; an added province can be named) applied.
 * Suspending a suspended province, reinstating an active one or naming one in both is
 * GOVERNANCE_INVALID; so is a new province that shares an MSP id or a name form (checkMembers).
 */
function membersAfter(g: Governance, update: GovernanceUpdate): Pick<Governance, 'provinces' | 'suspended'> {
  const provinces: ProvinceMember[] = [...g.provinces, ...(update.addProvinces ?? []).map((p) => ({ ...p }))];
  const withNew = { provinces };
  const suspendMsps = (update.suspendProvinces ?? []).map((n) => normaliseProvince(withNew, n).mspId);
  const reinstateMsps = (update.reinstateProvinces ?? []).map((n) => normaliseProvince(withNew, n).mspId);
  const before = suspendedOf(g);
  for (const mspId of suspendMsps) {
    if (before.includes(mspId)) raise('GOVERNANCE_INVALID.alreadySuspended', { mspId });
    if (reinstateMsps.includes(mspId)) raise('GOVERNANCE_INVALID.suspendAndReinstate', { mspId });
  }
  for (const mspId of reinstateMsps) {
    if (!before.includes(mspId)) raise('GOVERNANCE_INVALID.notSuspended', { mspId });
  }
  const suspended = [...before.filter((m) => !reinstateMsps.includes(m)), ...suspendMsps];
  return { provinces, suspended: [...new Set(suspended)] };
}

/** The governance record after a governance proposal's update. */
export function applyGovernanceUpdate(
  g: Governance,
  update: GovernanceUpdate,
  proposalId: string,
  txId: string,
  timestamp: string,
): Governance {
  const membership =
    update.addProvinces === undefined &&
    update.suspendProvinces === undefined &&
    update.reinstateProvinces === undefined
      ? {}
      : membersAfter(g, update);
  const next: Governance = {
    ...g,
    ...membership,
    version: g.version + 1,
    rules: { ...g.rules, ...(update.rules ?? {}) },
    maxChunkChanges: update.maxChunkChanges ?? g.maxChunkChanges,
    allowSelfApproval: update.allowSelfApproval ?? g.allowSelfApproval,
    nationalKeyPolicy: update.nationalKeyPolicy ?? g.nationalKeyPolicy,
    updatedByProposal: proposalId,
    txId,
    timestamp,
  };
  checkGovernance(next);
  return next;
}

/** The approval rule of a proposal's scope. */
export function ruleFor(g: Governance, proposal: Pick<Proposal, 'scope'>): ScopeRule {
  return g.rules[proposal.scope];
}

/** The MSP ids of the provinces eligible to vote on a proposal. */
export function eligibleProvinces(g: Governance, proposal: Pick<Proposal, 'scope' | 'province'>): string[] {
  const rule = ruleFor(g, proposal);
  if (rule.provinces === 'none') {
    return [];
  }
  const active = activeProvinces(g);
  if (rule.provinces === 'own') {
    const own = active.find((p) => p.name === proposal.province);
    return own === undefined ? [] : [own.mspId];
  }
  return active.map((p) => p.mspId);
}

/** May this organisation vote on the proposal? */
export function mayVote(
  g: Governance,
  proposal: Pick<Proposal, 'scope' | 'province'>,
  mspId: string,
): boolean {
  if (mspId === g.nationalMsp) {
    return ruleFor(g, proposal).national;
  }
  return eligibleProvinces(g, proposal).includes(mspId);
}

/** Evaluates the votes against the scope's rule. */
export function tally(
  g: Governance,
  proposal: Pick<Proposal, 'scope' | 'province' | 'manifestHash' | 'governanceVersion'>,
  votes: readonly Vote[],
): Tally {
  const rule = ruleFor(g, proposal);
  const eligible = eligibleProvinces(g, proposal);
  const needed = rule.provinces === 'own' ? eligible.length : provincesNeeded(rule, eligible.length);
  // A vote counts only for the content it reviewed: the manifest and governance version of the proposal.
  const counted = votes.filter(
    (v) =>
      (v.mspId === g.nationalMsp || eligible.includes(v.mspId)) &&
      v.manifestHash === proposal.manifestHash &&
      v.governanceVersion === proposal.governanceVersion,
  );
  const approvals = counted.filter((v) => v.decision === 'approve').map((v) => v.mspId);
  const rejections = counted.filter((v) => v.decision === 'reject').map((v) => v.mspId);
  const provinceApprovals = approvals.filter((m) => eligible.includes(m)).length;
  const provinceRejections = rejections.filter((m) => eligible.includes(m)).length;
  const nationalOk = !rule.national || approvals.includes(g.nationalMsp);
  const met = nationalOk && provinceApprovals >= needed && (rule.national || needed > 0);
  const impossible =
    (rule.national && rejections.includes(g.nationalMsp)) || eligible.length - provinceRejections < needed;
  return {
    requiredNational: rule.national,
    eligibleProvinces: eligible,
    provincesNeeded: needed,
    approvals: [...approvals].sort(),
    rejections: [...rejections].sort(),
    met,
    impossible: !met && impossible,
  };
}

/** MSP ids of the catalog organisations whose peers endorse: NHSA, then the provinces. */
export function catalogMsps(g: Pick<Governance, 'nationalMsp' | 'provinces'>): string[] {
  return [g.nationalMsp, ...g.provinces.map((p) => p.mspId)];
}

/** How many provinces a national key's policy needs besides NHSA (governance, at least 1). */
export function nationalKeyProvinces(g: Governance): number {
  return Math.max(1, g.nationalKeyPolicy.provinces);
}

/** Policy spec of national keys: NHSA's peer AND k provinces' peers (k from governance, ≥ 1). */
export function nationalPolicySpec(g: Governance): PolicySpec {
  return oneAndKOfSpec(
    g.nationalMsp,
    g.provinces.map((p) => p.mspId),
    nationalKeyProvinces(g),
  );
}

/** Policy bytes of national keys (items, records, versions, head, national and governance proposals…). */
export function nationalPolicy(g: Governance): Uint8Array {
  return memoised(`national:${nationalKeyProvinces(g)}:${catalogMsps(g).join(',')}`, () =>
    buildSignaturePolicy(nationalPolicySpec(g)),
  );
}

/**
 * Policy bytes depend only on the member list (and k), so they are serialised once per process
 * rather than once per key written (an ApplyChunk of 250 items writes 500 keys).
 */
const POLICY_CACHE = new Map<string, Uint8Array>();

function memoised(key: string, build: () => Uint8Array): Uint8Array {
  let bytes = POLICY_CACHE.get(key);
  if (bytes === undefined) {
    bytes = build();
    POLICY_CACHE.set(key, bytes);
  }
  return bytes;
}

/** Policy spec of an organisation's own keys: its peer AND one other catalog organisation's peer. */
export function ownedPolicySpec(g: Governance, ownerMsp: string): PolicySpec {
  if (ownerMsp === g.nationalMsp) {
    return nationalPolicySpec(g);
  }
  return oneAndKOfSpec(
    ownerMsp,
    catalogMsps(g).filter((m) => m !== ownerMsp),
    1,
  );
}

/** Policy bytes of a province's keys (its items, overlays, provincial proposals); NHSA's are national. */
export function ownedPolicy(g: Governance, ownerMsp: string): Uint8Array {
  return ownerMsp === g.nationalMsp
    ? nationalPolicy(g)
    : memoised(`owned:${ownerMsp}:${catalogMsps(g).join(',')}`, () =>
        buildSignaturePolicy(ownedPolicySpec(g, ownerMsp)),
      );
}

/** Policy of keys that never change after creation: no set of catalog peers can satisfy it. */
export function immutablePolicy(g: Pick<Governance, 'nationalMsp' | 'provinces'>): Uint8Array {
  const msps = catalogMsps(g);
  return memoised(`immutable:${msps.join(',')}`, () => unsatisfiablePolicy(msps));
}

/** Policy spec of the governance key: NHSA (if the governance rule needs it) and the rule's province count. */
export function governancePolicySpec(g: Governance): PolicySpec {
  const rule = g.rules.governance;
  const k = Math.max(1, provincesNeeded(rule, g.provinces.length));
  const provinceMsps = g.provinces.map((p) => p.mspId);
  if (!rule.national) {
    return { nOutOf: Math.max(2, k), rules: provinceMsps.map((m) => ({ signedBy: m })) };
  }
  return oneAndKOfSpec(g.nationalMsp, provinceMsps, k);
}

/** Policy bytes of the governance key (an N-of-M SignaturePolicyEnvelope over peers). */
export function governancePolicy(g: Governance): Uint8Array {
  return buildSignaturePolicy(governancePolicySpec(g));
}
