/**
 * Field-by-field comparison of JSON values (catalog items and overlays), using canonical JSON for
 * equality so key order never matters.
 */
import { canonicalJson } from '@nrdl-catalog/chaincode/model';

/** One differing field: a dotted path (`paymentStandard.amount`; `''` for the whole value). */
export interface FieldDifference {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** True when two JSON values are equal (canonical JSON). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/**
 * Every leaf field that differs between `before` and `after`, in sorted key order. Objects are
 * compared recursively; arrays and scalars as whole values.
 */
export function fieldDifferences(before: unknown, after: unknown, path = ''): FieldDifference[] {
  if (jsonEqual(before, after)) {
    return [];
  }
  if (!isRecord(before) || !isRecord(after)) {
    return [{ field: path, before: before ?? null, after: after ?? null }];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys.flatMap((key) =>
    fieldDifferences(before[key], after[key], path === '' ? key : `${path}.${key}`),
  );
}
