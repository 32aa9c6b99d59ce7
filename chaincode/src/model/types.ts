/**
 * Types of the records the chaincode stores and of the inputs/outputs of its transactions.
 * Input types (and the parts of records taken from inputs unchanged) are derived from the JSON
 * Schemas in `../schemas` (see `./io.ts`); the records the chaincode builds and the canonical JSON it
 * returns are written out here.
 */
import type { CreateProposalInput, DefinitionOf, ListProposalsInput } from './io';
import type { PaymentPolicy } from './payment-policy';

/** An item as the importer supplies it in an `upsertItem` change. */
export type ItemInput = DefinitionOf<'itemInput'>;
/** Provincial terms as a `setOverlay` change supplies them (absent fields are stored as null/false). */
export type OverlayInput = DefinitionOf<'overlayInput'>;
/** One change of a proposal. */
export type Change = DefinitionOf<'change'>;
/** Structured restrictions a patient context can be checked against (all present ones must hold). */
export type RestrictionRules = DefinitionOf<'rules'>;
/** A rule of the national rule base as a national proposal supplies it. */
export type RuleInput = DefinitionOf<'ruleInput'>;
export type RuleType = RuleInput['type'];
export type InsuranceType = NonNullable<PatientContext['insuranceType']>;
/** Patient context of a coverage question. */
export type PatientContext = DefinitionOf<'patient'>;
/** Input of CheckCoverage (and of one line of CheckCoverageBatch). */
export type CoverageInput = DefinitionOf<'coverageInput'>;
/** Fields a governance proposal may change. */
export type GovernanceUpdate = DefinitionOf<'governanceUpdate'>;

/** A search of the off-chain read model (see the `readModelSearch` schema). */
export type ReadModelSearchInput = DefinitionOf<'readModelSearch'>;

export type ItemKind = ItemInput['kind'];
export type DrugClass = NonNullable<ItemInput['class']>;
export type Sex = NonNullable<RestrictionRules['sex']>;
export type HospitalLevel = NonNullable<PatientContext['hospitalLevel']>;
export type VisitType = NonNullable<PatientContext['visitType']>;
/** Proposal scope. */
export type Scope = CreateProposalInput['scope'];
/** Status of a proposal (the schema's enum is the ListProposals filter, which accepts every status). */
export type ProposalStatus = NonNullable<ListProposalsInput['status']>;

/** 医保支付标准: the printed text, the parsed amount in yuan when there is one, and "企业申请价格保密". */
export type PaymentStandard = NonNullable<ItemInput['paymentStandard']>;

/** An inclusive date range, YYYY-MM-DD. */
export type Period = NonNullable<ItemInput['agreementPeriod']>;

/** Where the row came from. */
export interface Provenance {
  readonly edition: string;
  readonly sourceRow: string | null;
  readonly source: string | null;
}

/** Prices by hospital level (三级/二级/一级), kept as text ("待定" stays text). */
export type LevelPrices = NonNullable<ItemInput['prices']>;

/** A stored item (every field present; `province` is the display name of the owning province). */
export interface Item {
  readonly id: string;
  readonly kind: ItemKind;
  readonly section: string;
  readonly number: string | null;
  readonly class: DrugClass | null;
  readonly categoryCode: string | null;
  readonly categoryPath: readonly string[];
  readonly name: string;
  readonly dosageForm: string | null;
  readonly remark: string | null;
  readonly rules: RestrictionRules | null;
  readonly paymentStandard: PaymentStandard | null;
  readonly agreementPeriod: Period | null;
  readonly fundPayable: boolean;
  readonly provenance: Provenance;
  readonly province: string | null;
  readonly code: string | null;
  /** Further official codes (national drug codes, national service codes); absent when none. */
  readonly codes?: readonly string[];
  readonly unit: string | null;
  readonly prices: LevelPrices | null;
}

/** Provincial local terms for one (item, province). */
export interface Overlay {
  readonly itemId: string;
  readonly province: string;
  readonly prices: LevelPrices | null;
  /** Self-pay ratio (自付比例) for class 乙, 0..1. */
  readonly selfPayRatio: number | null;
  readonly restriction: string | null;
  readonly rules: RestrictionRules | null;
  readonly suspended: boolean;
}

/**
 * Approval rule of one scope: `national` — NHSA's approval is required; `provinces` — which
 * provinces must approve: none, the proposal's own province, a majority (> 1/2), two thirds (>= 2/3), all.
 */
export type ScopeRule = NonNullable<NonNullable<GovernanceUpdate['rules']>['national']>;

/**
 * A province of the network as the governance record lists it: every form people name it by. The
 * chaincode accepts any of them wherever a province is asked for and stores `name`.
 */
export interface ProvinceMember {
  /** Canonical name, what records store (`Guangdong`). */
  readonly name: string;
  /** MSP id of the province's organisation (`GuangdongMSP`). */
  readonly mspId: string;
  /** Two-letter code of its service/material item ids (`GD`, as in `S-GD-…`). */
  readonly code: string;
  /** Six-digit administrative division code (`440000`). */
  readonly division: string;
  /** Chinese name (`广东省`). */
  readonly zh: string;
  /** Chinese short name (`广东`). */
  readonly zhShort: string;
  /** One-character abbreviation (`粤`). */
  readonly abbr: string;
}

/** The on-chain governance record. */
export interface Governance {
  readonly version: number;
  readonly nationalMsp: string;
  /** Display names of the national organisation (null when InitGovernance gave none). */
  readonly nationalNames: { readonly en: string; readonly zh: string } | null;
  /** The member provinces: the one list of provinces (seeded from network/topology.json). */
  readonly provinces: readonly ProvinceMember[];
  /**
   * MSP ids of member provinces whose votes and writes governance has suspended (their data stays
   * readable and verifiable). Absent in records written before membership could change: none.
   */
  readonly suspended?: readonly string[];
  readonly auditors: readonly string[];
  readonly rules: {
    readonly national: ScopeRule;
    readonly provincial: ScopeRule;
    readonly governance: ScopeRule;
  };
  readonly maxChunkChanges: number;
  readonly allowSelfApproval: boolean;
  /** Key-level policy put on newly created national catalog keys: NHSA alone, or NHSA and k provinces. */
  readonly nationalKeyPolicy: { readonly provinces: number };
  readonly updatedByProposal: string | null;
  readonly txId: string;
  readonly timestamp: string;
}

/** Who did something. */
export interface Actor {
  readonly mspId: string;
  readonly id: string;
  readonly role: string | null;
}

/** A change proposal (change contents live in chunk records). */
export interface Proposal {
  readonly id: string;
  readonly scope: Scope;
  readonly province: string | null;
  readonly ownerMsp: string;
  readonly title: string;
  readonly rationale: string;
  readonly effectiveFrom: string;
  readonly governance: GovernanceUpdate | null;
  readonly proposer: Actor;
  readonly status: ProposalStatus;
  readonly createdAt: string;
  readonly createdTxId: string;
  readonly updatedAt: string;
  readonly updatedTxId: string;
  /** Catalog version current when the proposal was opened; changes are checked against it. */
  readonly baseVersion: number | null;
  readonly chunkCount: number | null;
  readonly changeCount: number | null;
  /** SHA-256 over the ordered chunk hashes, fixed when the proposal is opened. */
  readonly manifestHash: string | null;
  /** The chunk hashes the manifest covers, in chunk order (fixed at open; ApplyChunk/SealVersion check them). */
  readonly chunkHashes: readonly string[] | null;
  /** Governance version in force when the proposal was opened; votes and governance changes bind to it. */
  readonly governanceVersion: number | null;
  readonly sealedVersion: number | null;
  readonly statusReason: string | null;
}

/** A vote of one organisation. */
export interface Vote {
  readonly proposalId: string;
  readonly mspId: string;
  readonly decision: 'approve' | 'reject';
  /** What the approver reviewed: the vote counts only for this manifest, base and governance version. */
  readonly manifestHash: string;
  readonly baseVersion: number;
  readonly governanceVersion: number;
  readonly voter: Actor;
  readonly comment: string | null;
  readonly txId: string;
  readonly timestamp: string;
}

/** Quorum evaluation of a proposal. */
export interface Tally {
  readonly requiredNational: boolean;
  readonly eligibleProvinces: readonly string[];
  readonly provincesNeeded: number;
  readonly approvals: readonly string[];
  readonly rejections: readonly string[];
  readonly met: boolean;
  readonly impossible: boolean;
}

/** A sealed catalog version. */
export interface Version {
  readonly version: number;
  readonly parent: number;
  readonly proposalIds: readonly string[];
  readonly scope: Scope;
  readonly province: string | null;
  readonly changeCount: number;
  readonly effectiveFrom: string;
  readonly requestedEffectiveFrom: string;
  readonly txId: string;
  readonly timestamp: string;
  /** Hex SHA-256 of the LtHash lattice of the whole catalog state after this version. */
  readonly digest: string;
  readonly previousVersionHash: string | null;
  /** Hex SHA-256 of the canonical JSON of this record without `versionHash`. */
  readonly versionHash: string;
}

/** The catalog head (the only serialised key; written when a version seals). */
export interface Head {
  readonly version: number;
  readonly effectiveFrom: string;
  readonly digest: string;
  readonly versionHash: string;
  readonly txId: string;
}

export type CoverageReason =
  | 'COVERED'
  | 'NOT_LISTED'
  | 'EXCLUDED'
  | 'NOT_YET_EFFECTIVE'
  | 'AGREEMENT_EXPIRED'
  | 'PROVINCE_SUSPENDED'
  | 'NOT_IN_PROVINCE'
  | 'RESTRICTED';

/** The answer to "is this covered here, on this date?". */
export interface CoverageResult {
  readonly province: string;
  readonly itemId: string;
  readonly date: string;
  readonly name: string | null;
  readonly kind: ItemKind | null;
  readonly covered: boolean;
  readonly reason: CoverageReason;
  readonly class: DrugClass | null;
  readonly restriction: string | null;
  /**
   * The rule the patient context violated (RESTRICTED only): a structured rule of the item or of the
   * province's overlay, or a rule of the national rule base (`ruleBase`: its id, type and limits).
   */
  readonly rule:
    | {
        readonly source: 'item' | 'province';
        readonly field: keyof RestrictionRules;
        readonly value: unknown;
      }
    | {
        readonly source: 'ruleBase';
        readonly ruleId: string;
        readonly field: RuleType;
        readonly value: RuleFinding['limits'];
      }
    | null;
  /** How each rule of the national rule base in force for the item applies (sorted by ruleId; [] when none). */
  readonly rules: readonly RuleFinding[];
  readonly paymentStandard: PaymentStandard | null;
  readonly agreementPeriod: Period | null;
  readonly provincial: Overlay | null;
  readonly catalogVersion: number;
  readonly versionEffectiveFrom: string | null;
  readonly txId: string | null;
}

/**
 * How a rule of the national rule base applied to one coverage line: `passed` / `violated` (the
 * patient context decides it), `review` (it needs a judgement the data cannot give, e.g. a diagnosis
 * or a missing patient field), `claim` (it is decided over the whole claim: quantity per period,
 * fund-paid days, operation group, duplicate charges — the client evaluates it across the lines).
 * (Contract shared by the chaincode's coverage answers and the client's claim check.)
 */
export interface RuleFinding {
  readonly ruleId: string;
  readonly type: RuleType;
  readonly outcome: 'passed' | 'violated' | 'review' | 'claim';
  /** The restriction value as printed (儿童, 二级, 14天), or null. */
  readonly value: string | null;
  readonly description: string | null;
  readonly source: { readonly batch: string; readonly file: string; readonly row: number };
  /** The rule's conditions and limits (the fields of its RuleInput other than id, type, name, targets, codes, source). */
  readonly limits: {
    readonly sex?: Sex;
    readonly minAge?: number;
    readonly maxAge?: number;
    readonly insuranceTypes?: readonly InsuranceType[];
    readonly hospitalLevels?: readonly HospitalLevel[];
    readonly visitTypes?: readonly VisitType[];
    readonly paymentDays?: number;
    readonly maxQuantity?: number;
    readonly unit?: string | null;
    readonly periodDays?: number;
    readonly periodHours?: number;
    readonly group?: string;
    readonly pairedWith?: readonly string[];
    readonly frequency?: string;
  };
}

/**
 * A stored rule of the national rule base (what `upsertRule` stores, normaliseRule): every field of
 * {@link RuleInput} present — a condition or limit not given is null, a list of ids or codes not
 * given is empty; lists sorted.
 */
export interface Rule {
  readonly id: string;
  readonly type: RuleType;
  readonly name: string | null;
  readonly targets: readonly string[];
  readonly codes: readonly string[];
  readonly sex: Sex | null;
  readonly minAge: number | null;
  readonly maxAge: number | null;
  readonly ageSource: string | null;
  readonly insuranceTypes: readonly InsuranceType[] | null;
  readonly hospitalLevels: readonly HospitalLevel[] | null;
  readonly visitTypes: readonly VisitType[] | null;
  readonly paymentDays: number | null;
  readonly maxQuantity: number | null;
  readonly unit: string | null;
  readonly periodDays: number | null;
  readonly periodHours: number | null;
  readonly group: string | null;
  readonly pairedWith: readonly string[];
  readonly pairedCodes: readonly string[];
  readonly frequency: string | null;
  readonly value: string | null;
  readonly description: string | null;
  readonly source: { readonly batch: string; readonly file: string; readonly row: number };
}

/** How a rule names an item: one of its `targets`, or (duplicateCharge) one of its `pairedWith`. */
export type RuleRole = 'target' | 'paired';

/** A rule in force for an item, and how it names the item. */
export interface ItemRule {
  readonly role: RuleRole;
  readonly rule: Rule;
}

/** What `Catalog:GetRule` answers: a rule as of a version, and every sealed change of it. */
export interface RuleView {
  readonly catalogVersion: number;
  readonly versionEffectiveFrom: string;
  readonly ruleId: string;
  readonly rule: Rule;
  readonly listedInVersion: number;
  readonly proposalId: string;
  readonly changes: readonly { readonly version: number; readonly proposalId: string; readonly op: string }[];
}

/** What `Catalog:GetPaymentPolicy` answers: a province's payment policy as of a version, and every sealed change of it. */
export interface PaymentPolicyView {
  readonly catalogVersion: number;
  readonly versionEffectiveFrom: string;
  readonly province: string;
  readonly policy: PaymentPolicy;
  readonly listedInVersion: number;
  readonly proposalId: string;
  readonly changes: readonly { readonly version: number; readonly proposalId: string; readonly op: string }[];
}

/** What a coverage line named by `name` (+ `dosageForm`) or `code` asked (echoed in the answer). */
export type LookupQuery =
  { readonly name: string; readonly dosageForm: string | null } | { readonly code: string };

/** The answer to a lookup line that matched exactly one item: its CoverageResult, form and the query. */
export interface LookupCoverageResult extends CoverageResult {
  readonly dosageForm: string | null;
  readonly query: LookupQuery;
}

/** The answer to a lookup line that matched no item or several: every match, each with its form. */
export interface CoverageMatches {
  readonly province: string;
  readonly date: string;
  /** The version the name or code was resolved in (0: none in force on the date). */
  readonly catalogVersion: number;
  readonly query: LookupQuery;
  readonly matches: readonly (CoverageResult & { readonly dosageForm: string | null })[];
}

/** Any answer of CheckCoverage / CheckCoverageBatch. */
export type CoverageAnswer = CoverageResult | LookupCoverageResult | CoverageMatches;

/** A page of SearchItems: `truncated` when the scan budget ended it before it was full (go on with the bookmark). */
export interface SearchPage extends Page<ItemSummary & { readonly listedInVersion: number }> {
  readonly truncated: boolean;
  readonly catalogVersion: number;
}

/** Summary of an item as returned by SearchItems. */
export interface ItemSummary {
  readonly itemId: string;
  readonly kind: ItemKind;
  readonly name: string;
  readonly dosageForm: string | null;
  readonly section: string;
  readonly number: string | null;
  readonly class: DrugClass | null;
  readonly categoryCode: string | null;
  readonly province: string | null;
  readonly code: string | null;
  readonly fundPayable: boolean;
}

/** A page of results. */
export interface Page<T> {
  readonly records: readonly T[];
  readonly fetchedRecordsCount: number;
  /** Pass back to get the next page; empty when there is none. */
  readonly bookmark: string;
}

/** What `Proposal:AddChunk` answers. */
export interface ChunkAdded {
  readonly proposalId: string;
  readonly chunkIndex: number;
  readonly changeCount: number;
  readonly hash: string;
  readonly alreadyAdded: boolean;
}

/** What `Proposal:ApproveProposal` / `RejectProposal` answer. */
export interface VoteResult {
  readonly proposal: Proposal;
  readonly vote: Vote;
  readonly tally: Tally;
}

/** What `Proposal:ApplyChunk` answers. */
export interface ChunkApplied {
  readonly proposalId: string;
  readonly chunkIndex: number;
  readonly changeCount: number;
  readonly alreadyApplied: boolean;
}

/** One sealed change of an item or overlay in `Catalog:GetItemHistory`. */
export interface HistoryChange {
  readonly version: number;
  readonly effectiveFrom: string | null;
  readonly proposalId: string;
  readonly op: string;
  readonly item?: Item | null;
  readonly overlay?: Overlay | null;
  readonly txId: string | null;
}

/** What `Catalog:GetItemHistory` answers. */
export interface ItemHistory {
  readonly itemId: string;
  readonly ownerMsp: string;
  readonly changes: readonly HistoryChange[];
  /** The province's overlay changes, when a province was asked for (else null). */
  readonly overlayChanges: readonly HistoryChange[] | null;
  /** `getHistoryForKey` of the index keys. */
  readonly ledger: readonly { key: 'item' | 'overlay'; txId: string; timestamp: string; isDelete: boolean }[];
}
