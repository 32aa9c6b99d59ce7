/**
 * Rules of the national rule base (NHSA 两库) as catalog content: normalisation of an `upsertRule`
 * change, the items a rule names, and how a rule applies to one coverage line (pure).
 *
 * A rule is decided on the line (`sex`, `age`, `insuranceType`, `hospitalLevel`, `visitType`:
 * `passed` / `violated`, or `review` when the patient field it needs is absent) or over the whole
 * claim (`paymentDays`, `quantity`, `course`, `operation`, `duplicateCharge`: `claim`, decided by the
 * client across the claim's lines).
 */
import { raise } from '../lib/errors';
import type { ItemRule, PatientContext, Rule, RuleFinding, RuleInput, RuleRole, RuleType } from './types';

const sorted = <V extends string | number>(xs: readonly V[] | undefined): V[] =>
  [...(xs ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** A list of conditions as stored: sorted, null when not given. */
const conditionList = <V extends string | number>(xs: readonly V[] | undefined): V[] | null =>
  xs === undefined ? null : sorted(xs);

/** The fields each rule type needs (any one of a group): INVALID_INPUT.ruleField otherwise. */
const NEEDS: Readonly<Record<RuleType, readonly (readonly (keyof RuleInput)[])[]>> = {
  sex: [['sex']],
  age: [['minAge', 'maxAge']],
  insuranceType: [['insuranceTypes']],
  hospitalLevel: [['hospitalLevels']],
  visitType: [['visitTypes']],
  paymentDays: [['paymentDays']],
  quantity: [['maxQuantity'], ['periodDays', 'periodHours']],
  course: [['paymentDays', 'periodDays', 'maxQuantity']],
  operation: [['group']],
  duplicateCharge: [['pairedWith']],
};

/**
 * The stored form of a rule: checks the fields its type needs (INVALID_INPUT.ruleField), the age
 * range (INVALID_INPUT.ruleAgeRange) and that no item is both a target and paired with itself
 * (INVALID_INPUT.rulePairedTarget); fills every field.
 */
export function normaliseRule(input: RuleInput): Rule {
  for (const group of NEEDS[input.type]) {
    if (!group.some((field) => input[field] !== undefined)) {
      raise('INVALID_INPUT.ruleField', { ruleId: input.id, type: input.type, field: group.join(' | ') });
    }
  }
  if (input.minAge !== undefined && input.maxAge !== undefined && input.minAge > input.maxAge) {
    raise('INVALID_INPUT.ruleAgeRange', { ruleId: input.id, minAge: input.minAge, maxAge: input.maxAge });
  }
  const both = (input.pairedWith ?? []).find((id) => input.targets.includes(id));
  if (both !== undefined) {
    raise('INVALID_INPUT.rulePairedTarget', { ruleId: input.id, itemId: both });
  }
  return {
    id: input.id,
    type: input.type,
    name: input.name ?? null,
    targets: sorted(input.targets),
    codes: sorted(input.codes),
    sex: input.sex ?? null,
    minAge: input.minAge ?? null,
    maxAge: input.maxAge ?? null,
    ageSource: input.ageSource ?? null,
    insuranceTypes: conditionList(input.insuranceTypes),
    hospitalLevels: conditionList(input.hospitalLevels),
    visitTypes: conditionList(input.visitTypes),
    paymentDays: input.paymentDays ?? null,
    maxQuantity: input.maxQuantity ?? null,
    unit: input.unit ?? null,
    periodDays: input.periodDays ?? null,
    periodHours: input.periodHours ?? null,
    group: input.group ?? null,
    pairedWith: sorted(input.pairedWith),
    pairedCodes: sorted(input.pairedCodes),
    frequency: input.frequency ?? null,
    value: input.value ?? null,
    description: input.description ?? null,
    source: { batch: input.source.batch, file: input.source.file, row: input.source.row },
  };
}

/** The items a rule names and how: its targets, and the items a duplicate charge pairs them with. */
export function ruleItems(rule: Rule | null): Map<string, RuleRole> {
  const out = new Map<string, RuleRole>();
  if (rule === null) {
    return out;
  }
  for (const id of rule.targets) {
    out.set(id, 'target');
  }
  for (const id of rule.pairedWith) {
    out.set(id, 'paired');
  }
  return out;
}

/** A rule's conditions and limits (the non-null ones), as a finding lists them. */
export function ruleLimits(rule: Rule): RuleFinding['limits'] {
  const limits: Record<string, unknown> = {};
  const fields = [
    'sex',
    'minAge',
    'maxAge',
    'insuranceTypes',
    'hospitalLevels',
    'visitTypes',
    'paymentDays',
    'maxQuantity',
    'unit',
    'periodDays',
    'periodHours',
    'group',
    'frequency',
  ] as const;
  for (const field of fields) {
    if (rule[field] !== null) {
      limits[field] = rule[field];
    }
  }
  if (rule.pairedWith.length > 0) {
    limits.pairedWith = rule.pairedWith;
  }
  return limits;
}

/** Whether the patient context passes a line rule: true / false, or null when the field it needs is absent. */
function passes(rule: Rule, patient: PatientContext): boolean | null {
  switch (rule.type) {
    case 'sex':
      return patient.sex === undefined ? null : patient.sex === rule.sex;
    case 'age':
      return patient.age === undefined
        ? null
        : (rule.minAge === null || patient.age >= rule.minAge) &&
            (rule.maxAge === null || patient.age <= rule.maxAge);
    case 'insuranceType':
      return patient.insuranceType === undefined
        ? null
        : (rule.insuranceTypes ?? []).includes(patient.insuranceType);
    case 'hospitalLevel':
      return patient.hospitalLevel === undefined
        ? null
        : (rule.hospitalLevels ?? []).includes(patient.hospitalLevel);
    case 'visitType':
      return patient.visitType === undefined ? null : (rule.visitTypes ?? []).includes(patient.visitType);
    default:
      return null;
  }
}

/** Rule types decided over the whole claim, not on one line. */
export const CLAIM_RULE_TYPES: ReadonlySet<RuleType> = new Set([
  'paymentDays',
  'quantity',
  'course',
  'operation',
  'duplicateCharge',
]);

/** How one rule applies to a line with this patient context. */
export function ruleFinding(rule: Rule, patient: PatientContext): RuleFinding {
  const verdict = CLAIM_RULE_TYPES.has(rule.type) ? 'claim' : passes(rule, patient);
  return {
    ruleId: rule.id,
    type: rule.type,
    outcome: verdict === 'claim' ? 'claim' : verdict === null ? 'review' : verdict ? 'passed' : 'violated',
    value: rule.value,
    description: rule.description,
    source: rule.source,
    limits: ruleLimits(rule),
  };
}

/** The findings of the rules in force for an item, sorted by rule id. */
export function ruleFindings(rules: readonly ItemRule[], patient: PatientContext): RuleFinding[] {
  return [...rules]
    .sort((a, b) => (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0))
    .map((r) => ruleFinding(r.rule, patient));
}
