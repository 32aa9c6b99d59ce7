/** JSON text of the catalog's values, which carry bigint block numbers (Fabric's). */

/** A `JSON.stringify` replacer that writes bigint values (block numbers) as numbers. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** `JSON.stringify(value)` with bigint as numbers ({@link bigintReplacer}); `indent` as JSON.stringify's. */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, bigintReplacer, indent);
}
