import { fail } from './errors';

/** MSP id of the national healthcare security administration. */
export const NATIONAL_MSP = 'NHSAMSP';
/** MSP id of the read-only auditors; they never vote. */
export const AUDIT_MSP = 'AuditMSP';

/** A province that is a member of the network. */
export interface ProvinceInfo {
  readonly name: string;
  readonly mspId: string;
  /** Two-letter code used in service/material item ids. */
  readonly code: string;
}

/** The provinces of the network, in canonical order. */
export const PROVINCES: readonly ProvinceInfo[] = [
  { name: 'Guangdong', mspId: 'GuangdongMSP', code: 'GD' },
  { name: 'Sichuan', mspId: 'SichuanMSP', code: 'SC' },
  { name: 'Shaanxi', mspId: 'ShaanxiMSP', code: 'SN' },
];

/** Roles carried in the certificate attribute `catalog.role`. */
export const ROLES = ['admin', 'proposer', 'approver', 'hospital', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Normalises a province argument: accepts the display name (`Guangdong`), the MSP id (`GuangdongMSP`),
 * the two-letter code (`GD`) in any letter case, with surrounding whitespace. Throws UNKNOWN_PROVINCE.
 */
export function normaliseProvince(input: string): ProvinceInfo {
  const wanted = input.trim().toLowerCase();
  const found = PROVINCES.find(
    (p) =>
      p.name.toLowerCase() === wanted || p.mspId.toLowerCase() === wanted || p.code.toLowerCase() === wanted,
  );
  return found ?? fail('UNKNOWN_PROVINCE', `unknown province '${input}'`);
}

/** The province whose MSP id this is, or null (NHSA, auditors, strangers). */
export function provinceOfMsp(mspId: string): ProvinceInfo | null {
  return PROVINCES.find((p) => p.mspId === mspId) ?? null;
}
