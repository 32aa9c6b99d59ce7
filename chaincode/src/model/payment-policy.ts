/**
 * Provincial payment policies (医保待遇) and cross-province care (异地就医), pure.
 *
 * The national rule for cross-province direct settlement is 就医地目录、参保地政策: what is covered —
 * the item, its restrictions, the treatment province's overlay (local terms, suspension) and its
 * provincial items — follows the province where the patient is treated (T); the fund's deductible
 * (起付标准), payment ratio and annual cap follow the province where the patient is insured (I). A
 * coverage answer for a patient whose context names `insuredProvince` says so field by field
 * (`scopeFrom`, `policyFrom`) and carries I's policy row for the patient (`paymentPolicy`). I = T is
 * the special case of same-province care: the coverage part of the answer is exactly today's.
 *
 * A policy is catalog content like an overlay: written by the province's own provincial proposals
 * (`setPaymentPolicy` / `clearPaymentPolicy`), versioned, in the version digest.
 */
import { raise } from '../lib/errors';
import { normaliseProvince } from '../lib/orgs';
import type { DefinitionOf } from './io';
import type { CoverageResult, Governance, PatientContext } from './types';

/** A payment policy as a `setPaymentPolicy` change supplies it. */
export type PaymentPolicyInput = DefinitionOf<'paymentPolicyInput'>;
/** One row of a payment policy as supplied. */
export type PaymentPolicyRowInput = DefinitionOf<'paymentPolicyRow'>;
/** Visit types of a payment policy: 住院, 普通门诊, 门诊慢特病. */
export type PolicyVisitType = PaymentPolicyRowInput['visitType'];
/** Insurance types a payment policy has rows for: 职工 (employee) and 居民 (resident) basic medical insurance. */
export type PolicyInsuranceType = PaymentPolicyRowInput['insuranceType'];

/** A stored policy row: every field present (null when not given), hospital levels sorted. */
export interface PaymentPolicyRow {
  readonly insuranceType: PolicyInsuranceType;
  readonly visitType: PolicyVisitType;
  readonly hospitalLevels: readonly (1 | 2 | 3)[];
  /** 起付标准, fen. */
  readonly deductibleFen: number;
  /** 统筹基金支付比例 for care in the insured province, basis points. */
  readonly fundRatioBp: number;
  /** 年度最高支付限额 of the fund, fen. */
  readonly annualCapFen: number;
  /** 乙类先行自付比例, basis points (used when the treatment province's overlay gives none for the item). */
  readonly classBSelfPayBp: number;
  /** Ratios for care in another province, when the policy gives them (null: the local ratio). */
  readonly crossProvince: {
    readonly registeredBp: number | null;
    readonly unregisteredBp: number | null;
  } | null;
  readonly note: string | null;
}

/** Where a policy's figures come from (a public document). */
export interface PolicyProvenance {
  readonly title: string;
  readonly documentNumber: string;
  readonly url: string | null;
  readonly date: string;
  readonly note: string | null;
}

/** A stored payment policy (what `setPaymentPolicy` stores); `province` is the canonical name. */
export interface PaymentPolicy {
  readonly province: string;
  readonly rows: readonly PaymentPolicyRow[];
  readonly provenance: PolicyProvenance;
}

/** Levels sorted ascending. */
const levelsOf = (levels: readonly (1 | 2 | 3)[]): (1 | 2 | 3)[] => [...levels].sort((a, b) => a - b);

/**
 * The stored form of a policy: the province becomes its canonical name, every field is filled, and
 * no two rows may answer the same (insurance type, visit type, hospital level):
 * INVALID_INPUT.policyRowOverlap otherwise.
 */
export function normalisePaymentPolicy(
  g: Pick<Governance, 'provinces'>,
  input: PaymentPolicyInput,
): PaymentPolicy {
  const province = normaliseProvince(g, input.province).name;
  const seen = new Map<string, number>();
  const rows = input.rows.map((row, index): PaymentPolicyRow => {
    for (const level of row.hospitalLevels) {
      const key = `${row.insuranceType}|${row.visitType}|${String(level)}`;
      const other = seen.get(key);
      if (other !== undefined) {
        raise('INVALID_INPUT.policyRowOverlap', {
          province,
          row: index,
          otherRow: other,
          insuranceType: row.insuranceType,
          visitType: row.visitType,
          level,
        });
      }
      seen.set(key, index);
    }
    const cross = row.crossProvince;
    return {
      insuranceType: row.insuranceType,
      visitType: row.visitType,
      hospitalLevels: levelsOf(row.hospitalLevels),
      deductibleFen: row.deductibleFen,
      fundRatioBp: row.fundRatioBp,
      annualCapFen: row.annualCapFen,
      classBSelfPayBp: row.classBSelfPayBp,
      crossProvince:
        cross === undefined
          ? null
          : { registeredBp: cross.registeredBp ?? null, unregisteredBp: cross.unregisteredBp ?? null },
      note: row.note ?? null,
    };
  });
  const p = input.provenance;
  return {
    province,
    rows,
    provenance: {
      title: p.title,
      documentNumber: p.documentNumber,
      url: p.url ?? null,
      date: p.date,
      note: p.note ?? null,
    },
  };
}

/** The policy visit type of a patient context: inpatient, or outpatient (chronic: 门诊慢特病); null when not given. */
export function policyVisitTypeOf(patient: PatientContext): PolicyVisitType | null {
  if (patient.visitType === undefined) return null;
  if (patient.visitType === 'inpatient') return 'inpatient';
  return patient.chronic === true ? 'chronicOutpatient' : 'outpatient';
}

/** How the fund ratio of an answer was chosen. */
export type RatioBasis = 'local' | 'registered' | 'unregistered';

/** The policy in force for the insured province, as the coverage reader found it. */
export interface PolicyInForce {
  readonly policy: PaymentPolicy;
  readonly proposalId: string;
  /** The catalog version that sealed it. */
  readonly version: number;
}

/** The payment policy part of a coverage answer: I's policy row for this patient and the ratio that applies. */
export interface PaymentPolicyAnswer {
  /** The insured province (I). */
  readonly province: string;
  readonly proposalId: string;
  /** The catalog version that sealed this policy. */
  readonly listedInVersion: number;
  readonly provenance: PolicyProvenance;
  /** The policy visit type the patient context gives (null when it gives no visit type). */
  readonly visitType: PolicyVisitType | null;
  /** The row for the patient (null when the context does not say enough, or no row answers it). */
  readonly row: PaymentPolicyRow | null;
  /** Its position in the policy's rows (the rule's number, 0-based). */
  readonly rowIndex: number | null;
  /** Patient fields a row needs that the context does not give. */
  readonly missing: readonly ('insuranceType' | 'visitType' | 'hospitalLevel')[];
  /** Whether the patient is treated outside the insured province. */
  readonly crossProvince: boolean;
  /** The registration status the context gives (null: not given; only cross-province care asks). */
  readonly registered: boolean | null;
  /** Which of the row's ratios applies: the local one, or the cross-province one for registered / unregistered patients. */
  readonly ratioBasis: RatioBasis | null;
  /** The fund payment ratio that applies, basis points (null without a row). */
  readonly fundRatioBp: number | null;
}

/** Fields of a coverage answer that come from the treatment province (T) — its catalog, overlay and items. */
export const SCOPE_FIELDS = [
  'agreementPeriod',
  'class',
  'covered',
  'paymentStandard',
  'provincial',
  'reason',
  'restriction',
  'rule',
  'rules',
] as const;
/** Fields of a coverage answer that come from the insured province (I) — its payment policy. */
export const POLICY_FIELDS = ['paymentPolicy'] as const;

/** What a coverage answer for a patient with `insuredProvince` adds to the same-province answer. */
export interface InsuredParts {
  /** The insured province (I), canonical name. */
  readonly insuredProvince: string;
  readonly scopeFrom: { readonly province: string; readonly fields: typeof SCOPE_FIELDS };
  readonly policyFrom: { readonly province: string; readonly fields: typeof POLICY_FIELDS };
  /** `found`: I has a payment policy in force on the date; `none`: it has none on the ledger. */
  readonly policyStatus: 'found' | 'none';
  readonly paymentPolicy: PaymentPolicyAnswer | null;
}

/**
 * The fund ratio of a row: the local ratio for care in the insured province; for care elsewhere the
 * row's cross-province ratio for registered patients (已备案), or for unregistered ones (未备案) —
 * a registration status not given counts as 未备案. A ratio the row does not give falls back to the
 * next: unregistered → registered → local.
 */
export function fundRatioOf(
  row: PaymentPolicyRow,
  crossProvince: boolean,
  registered: boolean | null,
): { ratioBasis: RatioBasis; fundRatioBp: number } {
  if (!crossProvince) return { ratioBasis: 'local', fundRatioBp: row.fundRatioBp };
  const registeredBp = row.crossProvince?.registeredBp ?? row.fundRatioBp;
  if (registered === true) return { ratioBasis: 'registered', fundRatioBp: registeredBp };
  return { ratioBasis: 'unregistered', fundRatioBp: row.crossProvince?.unregisteredBp ?? registeredBp };
}

/** The row of a policy for a patient context, or what the context lacks to pick one. */
export function policyRowFor(
  policy: PaymentPolicy,
  patient: PatientContext,
): { row: PaymentPolicyRow | null; rowIndex: number | null; missing: PaymentPolicyAnswer['missing'] } {
  const visitType = policyVisitTypeOf(patient);
  const missing: ('insuranceType' | 'visitType' | 'hospitalLevel')[] = [];
  if (patient.insuranceType === undefined) missing.push('insuranceType');
  if (visitType === null) missing.push('visitType');
  if (patient.hospitalLevel === undefined) missing.push('hospitalLevel');
  if (missing.length > 0) return { row: null, rowIndex: null, missing };
  const index = policy.rows.findIndex(
    (row) =>
      row.insuranceType === patient.insuranceType &&
      row.visitType === visitType &&
      patient.hospitalLevel !== undefined &&
      row.hospitalLevels.includes(patient.hospitalLevel),
  );
  return index < 0
    ? { row: null, rowIndex: null, missing: [] }
    : { row: policy.rows[index] ?? null, rowIndex: index, missing: [] };
}

/** The payment-policy part of an answer for a patient insured in `insured` and treated in `treatment`. */
export function insuredParts(
  treatment: string,
  insured: string,
  patient: PatientContext,
  found: PolicyInForce | null,
): InsuredParts {
  const crossProvince = insured !== treatment;
  let answer: PaymentPolicyAnswer | null = null;
  if (found !== null) {
    const { row, rowIndex, missing } = policyRowFor(found.policy, patient);
    const registered = crossProvince ? (patient.registered ?? null) : null;
    const ratio = row === null ? null : fundRatioOf(row, crossProvince, registered);
    answer = {
      province: insured,
      proposalId: found.proposalId,
      listedInVersion: found.version,
      provenance: found.policy.provenance,
      visitType: policyVisitTypeOf(patient),
      row,
      rowIndex,
      missing,
      crossProvince,
      registered,
      ratioBasis: ratio?.ratioBasis ?? null,
      fundRatioBp: ratio?.fundRatioBp ?? null,
    };
  }
  return {
    insuredProvince: insured,
    scopeFrom: { province: treatment, fields: SCOPE_FIELDS },
    policyFrom: { province: insured, fields: POLICY_FIELDS },
    policyStatus: found === null ? 'none' : 'found',
    paymentPolicy: answer,
  };
}

/** A coverage answer with the insured province's parts (what CheckCoverage answers when `insuredProvince` is given). */
export type InsuredCoverageResult = CoverageResult & InsuredParts;
