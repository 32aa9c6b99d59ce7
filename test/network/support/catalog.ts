import { setTimeout as sleep } from 'node:timers/promises';
import {
  CatalogClient,
  CatalogClientError,
  membersFromTopology,
  reviewedOf,
} from '../../../gateway-client/src';
import { loadTopology } from '../../../network/src/topology';
import { type Change, computeItemId, type ItemInput, type VoteInput } from '@nrdl-catalog/chaincode/model';
import { ensureNetwork, WALLET_DIR } from './network';

const clients = new Map<string, CatalogClient>();

/** A shared client per identity for the whole test run (closed by {@link closeClients}). */
export function clientAs(as: string): CatalogClient {
  let client = clients.get(as);
  if (!client) {
    client = CatalogClient.connect({ as, walletDir: WALLET_DIR });
    clients.set(as, client);
  }
  return client;
}

/** Closes every client opened by {@link clientAs}. */
export function closeClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}

/** Network up, chaincode deployed, governance record present (created by NHSA's admin if missing). */
export async function ensureCatalog(): Promise<void> {
  await ensureNetwork();
  try {
    await clientAs('nhsa/admin').initGovernance(membersFromTopology(loadTopology()));
  } catch (error) {
    if (!(error instanceof CatalogClientError && error.code === 'GOVERNANCE_EXISTS')) throw error;
  }
}

/** A name no earlier test run used (the same network may be reused across runs). */
export function uniqueName(base: string): string {
  return `${base}-${process.pid}-${Date.now().toString(36)}`;
}

/** A national western-drug item with the fields the NRDL carries. */
export function drugItem(name: string, extra: Partial<ItemInput> = {}): ItemInput {
  return {
    kind: 'drug',
    section: '西药部分',
    number: '9001',
    class: '乙',
    categoryCode: 'XA01',
    categoryPath: ['消化道和代谢方面的药物', '口腔科制剂'],
    name,
    dosageForm: '口服常释剂型',
    remark: null,
    fundPayable: true,
    provenance: { edition: 'TEST', sourceRow: null, source: 'test' },
    ...extra,
  };
}

/** The stable id the chaincode gives `item`. */
export function idOf(item: ItemInput): string {
  return computeItemId({ kind: item.kind, name: item.name, dosageForm: item.dosageForm ?? null });
}

/** `upsertItem` changes for `items`. */
export function upserts(...items: ItemInput[]): Change[] {
  return items.map((item) => ({ op: 'upsertItem', item }));
}

/** Maps `items` through `fn` with at most `limit` calls in flight, keeping order. */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The approvers whose votes make a national proposal pass under the default governance. */
export const NATIONAL_APPROVERS = ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'] as const;

/**
 * A vote input for `proposalId` bound to what the chain shows now (manifest, base, governance
 * version). Read from NHSA's peer, which may not yet have committed the block of an open done
 * through another organisation's gateway: a proposal without a manifest is read again (up to 2 s).
 */
export async function review(proposalId: string): Promise<VoteInput> {
  for (let tries = 1; ; tries += 1) {
    const { proposal } = await clientAs('nhsa/proposer').getProposal({ proposalId });
    try {
      return { proposalId, ...reviewedOf(proposal) };
    } catch (error) {
      if (tries >= 8) throw error;
      await sleep(250);
    }
  }
}

/** Votes to approve `proposalId` as each of `approvers`, in order. */
export async function approveAs(
  proposalId: string,
  approvers: readonly string[] = NATIONAL_APPROVERS,
): Promise<void> {
  const input = await review(proposalId);
  for (const as of approvers) await clientAs(as).approveProposal(input);
}
