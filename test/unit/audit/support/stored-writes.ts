/** Finding a stored catalog write, to tamper with it (verify tests, any store implementation). */
import type { AuditStore } from '../../../../gateway-client/src/audit';

/** Coordinates of a stored write (its primary key) and its JSON value. */
export interface StoredWriteRow {
  readonly block: number;
  readonly tx: number;
  readonly index: number;
  readonly value: Record<string, unknown>;
}

/** Finds a valid transaction's write by object type and attributes. */
export async function findWrite(
  store: AuditStore,
  objectType: string,
  attributes: readonly string[],
): Promise<StoredWriteRow> {
  for await (const tx of store.transactions({ validOnly: true })) {
    for (const w of tx.writes) {
      if (w.objectType === objectType && JSON.stringify(w.attributes) === JSON.stringify(attributes)) {
        const value = JSON.parse(Buffer.from(w.value).toString('utf8')) as Record<string, unknown>;
        return { block: tx.blockNumber, tx: tx.txIndex, index: w.writeIndex, value };
      }
    }
  }
  throw new Error(`no ${objectType} write ${attributes.join('~')}`);
}
