import { raise } from './errors';
import type { ProvinceMember } from '../model/types';

/**
 * MSP id of the national healthcare security administration when InitGovernance names none; the
 * InitGovernance caller must belong to it (before a governance record exists, nothing else says
 * who NHSA is).
 */
export const NATIONAL_MSP = 'NHSAMSP';
/** MSP id of the read-only auditors when InitGovernance names none; they never vote. */
export const AUDIT_MSP = 'AuditMSP';

/** A province that is a member of the network: one entry of the governance record's `provinces`. */
export type ProvinceInfo = ProvinceMember;

/** What province look-ups need of a governance record: its member list. */
export interface ProvinceMembers {
  readonly provinces: readonly ProvinceInfo[];
}

/** The fields of a member record that name the province, in the order they are listed. */
export const PROVINCE_FORMS = ['name', 'mspId', 'code', 'division', 'zh', 'zhShort', 'abbr'] as const;

/** Roles carried in the certificate attribute `catalog.role`. */
export const ROLES = ['admin', 'proposer', 'approver', 'hospital', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * How two spellings of a province are compared: Unicode NFKC (full-width letters, digits and spaces
 * become ASCII), surrounding whitespace removed, lower case.
 */
export function provinceKey(value: string): string {
  return value.normalize('NFKC').trim().toLowerCase();
}

/**
 * Every form of a province's name, as written in its member record (name, MSP id, codes, Chinese
 * names); a form a record lacks (one written before the member records had it) is left out.
 */
export function provinceForms(p: ProvinceInfo): string[] {
  return PROVINCE_FORMS.map((form) => p[form]).filter((value) => typeof value === 'string');
}

/** Look-up tables per member list (a governance record is read-only once parsed). */
const INDEXES = new WeakMap<readonly ProvinceInfo[], Map<string, ProvinceInfo>>();

function indexOf(provinces: readonly ProvinceInfo[]): Map<string, ProvinceInfo> {
  let index = INDEXES.get(provinces);
  if (index === undefined) {
    index = new Map();
    for (const p of provinces) {
      for (const form of provinceForms(p)) {
        const key = provinceKey(form);
        if (!index.has(key)) index.set(key, p);
      }
    }
    INDEXES.set(provinces, index);
  }
  return index;
}

/**
 * How an unknown province argument is quoted in an error: JSON-escaped (no control character reaches
 * a message or a terminal), at most 40 characters, without the JSON quotes (the template has its own).
 */
function quoted(input: string): string {
  const chars = Array.from(input);
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : input).slice(1, -1);
}

/**
 * The member a province argument names, in any form the governance record lists: canonical name
 * (`Guangdong`), MSP id (`GuangdongMSP`), two-letter code (`GD`), administrative division code
 * (`440000`), Chinese name (`广东省`), short name (`广东`) or one-character abbreviation (`粤`);
 * compared by {@link provinceKey}. Throws UNKNOWN_PROVINCE naming the members.
 */
export function normaliseProvince(g: ProvinceMembers, input: string): ProvinceInfo {
  return (
    indexOf(g.provinces).get(provinceKey(input)) ??
    raise('UNKNOWN_PROVINCE', { province: quoted(input), expected: g.provinces.map((p) => p.name) })
  );
}

/** The province whose MSP id this is, or null (NHSA, auditors, strangers). */
export function provinceOfMsp(g: ProvinceMembers, mspId: string): ProvinceInfo | null {
  return g.provinces.find((p) => p.mspId === mspId) ?? null;
}
