/**
 * Fabric composite keys (`\u0000objectType\u0000attr1\u0000attr2\u0000`), split as the shim does.
 */

/** A state key split into its object type and attributes (both empty for a simple key). */
export interface SplitKey {
  /** Object type of a composite key, or null for a simple key such as `catalog.head`. */
  readonly objectType: string | null;
  /** Attributes of a composite key (empty for a simple key). */
  readonly attributes: readonly string[];
}

const NS = '\u0000';

/** Splits a composite key; a simple key gives `{ objectType: null, attributes: [] }`. */
export function splitKey(key: string): SplitKey {
  if (key.length <= 1 || !key.startsWith(NS)) {
    return { objectType: null, attributes: [] };
  }
  const parts = key.slice(1).split(NS);
  parts.pop();
  const [objectType = null, ...attributes] = parts;
  return { objectType, attributes };
}

/** Builds a composite key (inverse of {@link splitKey}). */
export function compositeKey(objectType: string, attributes: readonly string[]): string {
  return NS + objectType + NS + attributes.map((a) => a + NS).join('');
}

/** A printable rendering of a key: `type~attr~attr`, or the simple key itself. */
export function displayKey(key: string): string {
  const { objectType, attributes } = splitKey(key);
  // lookup keys (`lk.name␁…`) are simple keys whose parts are separated by U+0001
  return objectType === null ? key.replaceAll('\u0001', '~') : [objectType, ...attributes].join('~');
}
