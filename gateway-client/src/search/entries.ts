/** How a read model's row stores a digest entry (the same in the SQLite and the PostgreSQL index). */
import type { DigestEntry } from '@nrdl-catalog/chaincode/model';

/** The id column of an entry: the item's id, a rule's id, or a payment policy's province (both enter the digest too). */
export function entryId(entry: DigestEntry): string {
  return entry.type === 'rule' ? entry.ruleId : entry.type === 'policy' ? entry.province : entry.itemId;
}

/** The digest entry a row's columns describe. */
export function entryFromColumns(type: string, id: string, province: string, data: unknown): DigestEntry {
  switch (type) {
    case 'item':
      return { type: 'item', itemId: id, data };
    case 'rule':
      return { type: 'rule', ruleId: id, data };
    case 'policy':
      return { type: 'policy', province: province === '' ? id : province, data };
    default:
      return { type: 'overlay', itemId: id, province, data };
  }
}
