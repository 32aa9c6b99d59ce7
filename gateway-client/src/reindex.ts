/**
 * Reindexing an existing catalog: one proposal of `reindexItem` changes, chunked like any other, that
 * makes the chaincode write the lookup keys (names, codes, categories) of items applied before lookup
 * keys existed. It changes no item and no digest; each chunk is one ApplyChunk, so an interrupted
 * reindex resumes where it stopped ({@link driveProposal}).
 */
import { type Change, type ItemKind, sha256Json } from '@nrdl-catalog/chaincode/model';
import type { CatalogClient } from './catalog-client';
import type { ProposalPlan, ProposalTarget } from './workflow';

/** The kinds a scope owns: national proposals reindex drugs and herbal slices, a province its services and materials. */
function kindsOf(target: ProposalTarget): ItemKind[] {
  return target.scope === 'national' ? ['drug', 'herbal'] : ['service', 'material'];
}

/**
 * The ids of every item listed at the head that `target` owns, sorted. Pages through the item keys
 * (a page the chaincode's scan budget cuts short is `truncated`: go on with its bookmark).
 */
export async function reindexTargets(client: CatalogClient, target: ProposalTarget): Promise<string[]> {
  if (target.scope === 'governance') {
    throw new RangeError('a governance proposal reindexes nothing');
  }
  const ids = new Set<string>();
  for (const kind of kindsOf(target)) {
    let bookmark = '';
    do {
      const page = await client.searchItems({
        kind,
        pageSize: 200,
        ...(target.province === undefined ? {} : { province: target.province }),
        ...(bookmark === '' ? {} : { bookmark }),
      });
      for (const record of page.records) {
        if ((record.province === null) === (target.scope === 'national')) ids.add(record.itemId);
      }
      bookmark = page.bookmark;
    } while (bookmark !== '');
  }
  return [...ids].sort();
}

/** The reindex proposal of `itemIds`: `reindexItem` changes in chunks of `chunkSize`. */
export function reindexPlan(
  target: ProposalTarget,
  itemIds: readonly string[],
  effectiveFrom: string,
  chunkSize: number,
): ProposalPlan {
  const changes: Change[] = itemIds.map((itemId) => ({ op: 'reindexItem', itemId }));
  const chunks: Change[][] = [];
  for (let i = 0; i < changes.length; i += chunkSize) {
    chunks.push(changes.slice(i, i + chunkSize));
  }
  return {
    ...target,
    title: `Reindex lookup keys (${String(itemIds.length)} items)`,
    rationale: 'writes the lookup keys of items applied before lookup keys existed; no item changes',
    effectiveFrom,
    chunks,
    fingerprint: sha256Json(changes),
  };
}
