/** Filtered, bookmark-paged scans over a composite-key type (evaluate-only). */
import { raise } from '../lib/errors';
import { encodeBookmark, type Tx } from '../lib/tx';
import type { Page } from './types';

/** Records examined per call at most; the bookmark lets the client continue. */
export const SCAN_BUDGET = 2000;

/**
 * Scans `objectType` keys from the raw `startKey` (inclusive; '' = beginning) and keeps what `map`
 * returns non-null, until `pageSize` records are found, the keys end, or the scan budget is spent.
 * The returned bookmark is the next unexamined key (opaque, base64url), '' when done.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- V is the stored JSON type
export async function filteredPage<V, R>(
  tx: Tx,
  objectType: string,
  pageSize: number,
  startKey: string,
  map: (value: V) => Promise<R | null>,
): Promise<Page<R> & { scanned: number }> {
  if (startKey !== '' && !startKey.startsWith(tx.stub.createCompositeKey(objectType, []))) {
    raise('INVALID_INPUT.bookmark', {});
  }
  const records: R[] = [];
  let scanned = 0;
  let cursor = startKey;
  for (;;) {
    const { entries, bookmark } = await tx.page<V>(objectType, [], pageSize, cursor);
    let i = 0;
    while (i < entries.length && records.length < pageSize) {
      const entry = entries[i];
      i++;
      scanned++;
      if (entry !== undefined) {
        const mapped = await map(entry.value);
        if (mapped !== null) {
          records.push(mapped);
        }
      }
    }
    if (records.length >= pageSize) {
      cursor = i < entries.length ? (entries[i]?.key ?? bookmark) : bookmark;
      break;
    }
    cursor = bookmark;
    if (bookmark === '' || scanned >= SCAN_BUDGET) {
      break;
    }
  }
  return { records, fetchedRecordsCount: records.length, bookmark: encodeBookmark(cursor), scanned };
}
