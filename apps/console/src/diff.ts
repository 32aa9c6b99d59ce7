/**
 * Field-by-field differences of JSON records (items, overlays), by dotted leaf path
 * (`paymentStandard.amount`); arrays and scalars compare as whole values.
 */
export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Every leaf of a value by dotted path (`{}` for a scalar at the root: path ''). */
export function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!isRecord(value)) {
    out.set(prefix, value);
    return out;
  }
  for (const key of Object.keys(value).sort()) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    const child = value[key];
    if (isRecord(child) && Object.keys(child).length > 0)
      for (const [p, v] of leaves(child, path)) out.set(p, v);
    else out.set(path, child);
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The fields that differ between `before` and `after` (absent and null count as the same). */
export function fieldChanges(before: unknown, after: unknown): FieldChange[] {
  const a = before === undefined || before === null ? new Map<string, unknown>() : leaves(before);
  const b = after === undefined || after === null ? new Map<string, unknown>() : leaves(after);
  const fields = [...new Set([...a.keys(), ...b.keys()])].sort();
  return fields
    .filter((field) => !same(a.get(field), b.get(field)))
    .map((field) => ({ field, before: a.get(field) ?? null, after: b.get(field) ?? null }));
}

/** A value as a table cell shows it. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
