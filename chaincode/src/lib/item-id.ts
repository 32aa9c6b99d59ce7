/**
 * Item ids that stay the same across catalog editions.
 *
 * - `drug`: `D-` + 16 hex digits of SHA-256 over `drug`, the normalised generic name and the
 *   normalised dosage form. The section, number, class, category and source row are NOT part of the
 *   id: they change between editions (numbering restarts, negotiated drugs move into the regular
 *   list, categories are reorganised) while the drug stays the same.
 * - `herbal`: `H-` + 16 hex digits over `herbal` and the normalised name (a slice keeps its id when
 *   it moves between the fund-payable and the excluded list).
 * - `service` / `material`: `S-<PROV>-<code>` / `M-<PROV>-<code>` from the owning province's
 *   two-letter code and the item's official code (national or provincial price-item code), which is
 *   stable by construction. Without a code, 16 hex digits over the normalised name replace it.
 *
 * Normalisation: Unicode NFKC (full-width brackets, digits and letters become ASCII), all whitespace
 * removed, ASCII letters upper-cased.
 */
import { createHash } from 'node:crypto';

/** Source fields the id derives from. */
export interface ItemIdSource {
  readonly kind: 'drug' | 'herbal' | 'service' | 'material';
  readonly name: string;
  readonly dosageForm?: string | null;
  /** Two-letter province code (GD, SC, SN) for service and material items. */
  readonly provinceCode?: string | null;
  readonly code?: string | null;
}

/** NFKC, whitespace removed, ASCII upper case. */
export function normaliseIdText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

function hash16(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u001f'), 'utf8').digest('hex').slice(0, 16);
}

/** Pattern every item id matches. */
export const ITEM_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

/** Computes the stable item id of a source row. */
export function computeItemId(source: ItemIdSource): string {
  const name = normaliseIdText(source.name);
  switch (source.kind) {
    case 'drug':
      return `D-${hash16('drug', name, normaliseIdText(source.dosageForm ?? ''))}`;
    case 'herbal':
      return `H-${hash16('herbal', name)}`;
    case 'service':
    case 'material': {
      const prov = normaliseIdText(source.provinceCode ?? '');
      if (!/^[A-Z]{2}$/.test(prov)) {
        throw new Error(`a ${source.kind} item id needs a two-letter province code, got '${prov}'`);
      }
      const code = normaliseIdText(source.code ?? '').replace(/[^A-Z0-9.-]/g, '');
      const tail = code.length > 0 ? code.slice(0, 56) : hash16(source.kind, name);
      return `${source.kind === 'service' ? 'S' : 'M'}-${prov}-${tail}`;
    }
  }
}
