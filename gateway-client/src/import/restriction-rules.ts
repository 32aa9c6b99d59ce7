/**
 * Conservative extraction of machine-checkable restriction rules from the free-text remark
 * (备注 / 限定支付范围) of a catalog row.
 *
 * Only patterns whose meaning is unambiguous are recognised, and only at the very start of the
 * remark, right after `限` (so that the restriction applies to the whole row):
 *
 * | remark starts with | rule |
 * |---|---|
 * | `限N岁及以上`, `限N岁和N岁以上`, `限N岁及N岁以上`, `限≥N岁`, `限N周岁及以上` | `minAge: N` |
 * | `限N岁以下`, `限N周岁以下` | `maxAge: N` (以下 includes N, as in PRC Civil Code art. 1259) |
 * | `限A-B岁`, `限A至B岁`, `限A岁至B岁` (not followed by 以上/以下) | `minAge: A, maxAge: B` |
 * | `限女性` / `限男性` | `sex: 'female'` / `sex: 'male'` |
 * | `限门诊` / `限住院` (not `限门诊或…`, `限住院或…`) | `visitTypes: ['outpatient']` / `['inpatient']` |
 * | `限二级及以上医疗机构` | `hospitalLevels: [2, 3]` |
 * | `限三级医疗机构`, `限三级及以上医疗机构` | `hospitalLevels: [3]` |
 *
 * An age pattern is dropped when the rest of the remark mentions another age (`岁`), because the
 * remark then lists alternatives (e.g. `限成人和12岁及以上儿童…，或…`). Everything else – `限儿童`,
 * `限成人`, enumerated lists (`限：1.…`), `限急诊或住院患者`, ages in the middle of the text – yields
 * no rule. The free text always stays available as the restriction.
 */
import type { HospitalLevel, RestrictionRules, Sex, VisitType } from '@nrdl-catalog/chaincode/model';

/** The result of reading one remark. */
export interface RestrictionReading {
  /** The remark verbatim, or null when it is empty. */
  readonly restriction: string | null;
  /** Rules recognised in it, or null when none was recognised. */
  readonly rules: RestrictionRules | null;
}

interface MutableRules {
  sex?: Sex;
  minAge?: number;
  maxAge?: number;
  hospitalLevels?: readonly HospitalLevel[];
  visitTypes?: readonly VisitType[];
}

const YEARS = '(?:周岁|岁)';
const MIN_AGE = new RegExp(
  `^限(?:(\\d{1,3})${YEARS}(?:及|和)(?:\\1${YEARS})?以上|≥\\s*(\\d{1,3})\\s*${YEARS})`,
  'u',
);
const MAX_AGE = new RegExp(`^限(\\d{1,3})${YEARS}以下`, 'u');
const AGE_RANGE = new RegExp(
  `^限(\\d{1,3})${YEARS}?\\s*(?:-|－|~|～|至)\\s*(\\d{1,3})${YEARS}(?!以上|以下|及以上|及以下)`,
  'u',
);
const SEX = /^限(女性|男性)/u;
const VISIT = /^限(门诊|住院)(?!或|和|及|、)/u;
const LEVEL_2_UP = /^限二级及以上医疗机构/u;
const LEVEL_3 = /^限三级(?:及以上)?医疗机构/u;

function ageRules(remark: string): MutableRules {
  const min = MIN_AGE.exec(remark);
  const max = min === null ? MAX_AGE.exec(remark) : null;
  const range = min === null && max === null ? AGE_RANGE.exec(remark) : null;
  const match = min ?? max ?? range;
  if (match === null || remark.slice(match[0].length).includes('岁')) {
    return {};
  }
  if (min !== null) {
    return { minAge: Number(min[1] ?? min[2]) };
  }
  if (max !== null) {
    return { maxAge: Number(max[1]) };
  }
  const from = Number(range?.[1]);
  const to = Number(range?.[2]);
  return from <= to ? { minAge: from, maxAge: to } : {};
}

/**
 * Extracts the structured rules of a remark (see the module comment for the recognised patterns).
 * Returns null when no unambiguous pattern is found.
 */
export function extractRestrictionRules(remark: string | null | undefined): RestrictionRules | null {
  const text = (remark ?? '').trim();
  if (!text.startsWith('限')) {
    return null;
  }
  const rules: MutableRules = ageRules(text);
  const sex = SEX.exec(text);
  if (sex !== null) {
    rules.sex = sex[1] === '女性' ? 'female' : 'male';
  }
  const visit = VISIT.exec(text);
  if (visit !== null) {
    rules.visitTypes = visit[1] === '门诊' ? ['outpatient'] : ['inpatient'];
  }
  if (LEVEL_2_UP.test(text)) {
    rules.hospitalLevels = [2, 3];
  } else if (LEVEL_3.test(text)) {
    rules.hospitalLevels = [3];
  }
  return Object.keys(rules).length > 0 ? rules : null;
}

/** Reads a remark: the verbatim text as the restriction plus the rules recognised in it. */
export function readRestriction(remark: string | null | undefined): RestrictionReading {
  const restriction = remark === undefined || remark === null || remark === '' ? null : remark;
  return { restriction, rules: extractRestrictionRules(restriction) };
}
