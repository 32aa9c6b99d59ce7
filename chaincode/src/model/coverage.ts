/**
 * Coverage semantics (pure): given the version in force, the item as listed in it and the
 * province's overlay, answer "is this covered here, on this date?".
 *
 * Order of checks: no version in force -> NOT_YET_EFFECTIVE; item absent/removed -> NOT_LISTED;
 * provincial item of another province -> NOT_IN_PROVINCE; not fund-payable (excluded herbal
 * slices) -> EXCLUDED; agreement period not started -> NOT_YET_EFFECTIVE, ended -> AGREEMENT_EXPIRED;
 * suspended by the province -> PROVINCE_SUSPENDED; a structured rule (item's, then province's)
 * violated by the patient context -> RESTRICTED; a rule of the national rule base in force for the
 * item violated (rule id order) -> RESTRICTED; otherwise COVERED. Free-text restrictions are
 * returned, never interpreted. Every answer lists how each rule of the rule base in force for the
 * item applies (`rules`, see ./rules.ts).
 */
import { ruleFindings } from './rules';
import type {
  CoverageReason,
  CoverageResult,
  Item,
  ItemRule,
  Overlay,
  PatientContext,
  RestrictionRules,
  Version,
} from './types';

/** The first structured rule the patient context violates; absent context never violates. */
export function violatedRule(
  rules: RestrictionRules | null,
  patient: PatientContext,
): { field: keyof RestrictionRules; value: unknown } | null {
  if (rules === null) {
    return null;
  }
  if (rules.sex !== undefined && patient.sex !== undefined && patient.sex !== rules.sex) {
    return { field: 'sex', value: rules.sex };
  }
  if (rules.minAge !== undefined && patient.age !== undefined && patient.age < rules.minAge) {
    return { field: 'minAge', value: rules.minAge };
  }
  if (rules.maxAge !== undefined && patient.age !== undefined && patient.age > rules.maxAge) {
    return { field: 'maxAge', value: rules.maxAge };
  }
  if (
    rules.hospitalLevels !== undefined &&
    patient.hospitalLevel !== undefined &&
    !rules.hospitalLevels.includes(patient.hospitalLevel)
  ) {
    return { field: 'hospitalLevels', value: rules.hospitalLevels };
  }
  if (
    rules.visitTypes !== undefined &&
    patient.visitType !== undefined &&
    !rules.visitTypes.includes(patient.visitType)
  ) {
    return { field: 'visitTypes', value: rules.visitTypes };
  }
  return null;
}

/** Inputs of {@link evaluateCoverage}. */
export interface CoverageFacts {
  readonly province: string;
  readonly itemId: string;
  readonly date: string;
  readonly patient: PatientContext;
  readonly version: Version | null;
  readonly item: Item | null;
  readonly overlay: Overlay | null;
  /** The rules of the national rule base in force for the item in `version` (none when absent). */
  readonly rules?: readonly ItemRule[];
}

function joinRestrictions(item: Item | null, overlay: Overlay | null): string | null {
  const parts = [item?.remark ?? null, overlay?.restriction ?? null].filter((s): s is string => s !== null);
  return parts.length === 0 ? null : parts.join('\n');
}

/** Applies the coverage rules. */
export function evaluateCoverage(f: CoverageFacts): CoverageResult {
  const { item, overlay, version } = f;
  const findings = item === null ? [] : ruleFindings(f.rules ?? [], f.patient);
  const base = {
    province: f.province,
    itemId: f.itemId,
    date: f.date,
    name: item?.name ?? null,
    kind: item?.kind ?? null,
    class: item?.class ?? null,
    restriction: joinRestrictions(item, overlay),
    paymentStandard: item?.paymentStandard ?? null,
    agreementPeriod: item?.agreementPeriod ?? null,
    provincial: item === null ? null : overlay,
    catalogVersion: version?.version ?? 0,
    versionEffectiveFrom: version?.effectiveFrom ?? null,
    txId: version?.txId ?? null,
  };
  const answer = (reason: CoverageReason, rule: CoverageResult['rule'] = null): CoverageResult => ({
    ...base,
    covered: reason === 'COVERED',
    reason,
    rule,
    rules: findings,
  });
  if (version === null) {
    return answer('NOT_YET_EFFECTIVE');
  }
  if (item === null) {
    return answer('NOT_LISTED');
  }
  if (item.province !== null && item.province !== f.province) {
    return answer('NOT_IN_PROVINCE');
  }
  if (!item.fundPayable) {
    return answer('EXCLUDED');
  }
  if (item.agreementPeriod !== null) {
    if (f.date < item.agreementPeriod.from) {
      return answer('NOT_YET_EFFECTIVE');
    }
    if (f.date > item.agreementPeriod.to) {
      return answer('AGREEMENT_EXPIRED');
    }
  }
  if (overlay?.suspended === true) {
    return answer('PROVINCE_SUSPENDED');
  }
  const itemRule = violatedRule(item.rules, f.patient);
  if (itemRule !== null) {
    return answer('RESTRICTED', { source: 'item', ...itemRule });
  }
  const provinceRule = violatedRule(overlay?.rules ?? null, f.patient);
  if (provinceRule !== null) {
    return answer('RESTRICTED', { source: 'province', ...provinceRule });
  }
  const violated = findings.find((r) => r.outcome === 'violated');
  if (violated !== undefined) {
    return answer('RESTRICTED', {
      source: 'ruleBase',
      ruleId: violated.ruleId,
      field: violated.type,
      value: violated.limits,
    });
  }
  return answer('COVERED');
}
