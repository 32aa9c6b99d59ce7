/**
 * What the long soak suites (test/soak/*, run only by `npm run soak`) share: failures counted by
 * their registered code, latency quantiles, reads pinned to one peer, each peer's catalog state read
 * item by item with its digest recomputed, full listings of versions and proposals, and waiting for
 * the network after a fault.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { common } from '@hyperledger/fabric-protos';
import {
  type DigestEntry,
  digestOfEntries,
  canonicalJson,
  type Governance,
  type Proposal,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { isMessageKey } from '@nrdl-catalog/chaincode/messages';
import {
  type CatalogClient,
  CatalogClientError,
  type ProposalDetails,
  toClientError,
} from '../../../gateway-client/src';
import { clientAs, mapPool } from '../../network/support/catalog';
import { waitForDiscovery } from '../../network/support/network';

/** One identity per peer of the topology: its reads go to that peer (its own gateway, targeted). */
export const PEER_READERS = [
  'nhsa/proposer',
  'guangdong/hospital1',
  'sichuan/hospital1',
  'shaanxi/hospital1',
  'audit/auditor',
] as const;

/** Codes that mean "something unexpected", not a refusal the catalog or the network explains. */
const UNCODED = new Set(['CLIENT_ERROR', 'INTERNAL', 'GATEWAY_ERROR']);

/**
 * The registered code of a failure — a {@link CatalogClientError} whose code has its message in
 * the catalogue (`error.<CODE>`), other than the catch-alls — or null for an uncoded failure.
 */
export function registeredCode(error: unknown): string | null {
  if (!(error instanceof CatalogClientError)) return null;
  if (UNCODED.has(error.code) || !isMessageKey(`error.${error.code}`)) return null;
  return error.code;
}

/** Counts by key, printed in descending order. */
export class Tally {
  readonly #counts = new Map<string, number>();

  public add(key: string, n = 1): void {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + n);
  }

  public get total(): number {
    let n = 0;
    for (const value of this.#counts.values()) n += value;
    return n;
  }

  public get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  public entries(): [string, number][] {
    return [...this.#counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  /** `CODE ×n, …` (or `none`). */
  public toString(): string {
    const parts = this.entries().map(([key, n]) => `${key} ×${n.toLocaleString('en-US')}`);
    return parts.length === 0 ? 'none' : parts.join(', ');
  }
}

/** The `q` quantile (0..1) of `values` (nearest rank), 0 when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Evaluates `name` on the caller's own peer only (its gateway, with that organisation as the target). */
export async function evaluateOn<T>(client: CatalogClient, name: string, input: unknown): Promise<T> {
  try {
    const bytes = await client.connection.contract.evaluate(name, {
      arguments: [JSON.stringify(input)],
      endorsingOrganizations: [client.connection.identity.mspId],
    });
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  } catch (error) {
    throw toClientError(error);
  }
}

/** The channel's height on the caller's own peer. */
export async function heightOn(client: CatalogClient): Promise<number> {
  const network = client.connection.network;
  try {
    const bytes = await network.getContract('qscc').evaluate('GetChainInfo', {
      arguments: [network.getName()],
      endorsingOrganizations: [client.connection.identity.mspId],
    });
    return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
  } catch (error) {
    throw toClientError(error);
  }
}

/** Waits until every peer reports the same channel height twice in a row (at most `timeoutMs`). */
export async function settledHeight(timeoutMs = 180_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: number[] = [];
  for (;;) {
    // a peer just restarted may not accept connections yet (its client reconnects with backoff):
    // that is "not settled yet" until the deadline, not a failure
    let heights: number[];
    try {
      heights = await Promise.all(PEER_READERS.map((as) => heightOn(clientAs(as))));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      last = [];
      await sleep(1000);
      continue;
    }
    const same = heights.every((h) => h === heights[0]);
    if (same && last.length > 0 && last.every((h) => h === heights[0])) return heights[0] ?? 0;
    if (Date.now() > deadline)
      throw new Error(`the peers do not agree on the channel height: ${heights.join(', ')}`);
    last = same ? heights : [];
    await sleep(1000);
  }
}

/** One peer's catalog state as of a version, read entry by entry from that peer. */
export interface PeerState {
  readonly reader: string;
  readonly mspId: string;
  readonly height: number;
  readonly headVersion: number;
  readonly headDigest: string;
  /** The digest recomputed from every entry this peer answered. */
  readonly digest: string;
  readonly items: number;
  readonly overlays: number;
  readonly rules: number;
  readonly policies: number;
  readonly ms: number;
}

interface ItemAnswer {
  readonly item: unknown;
  readonly overlays: readonly { readonly province: string }[];
  readonly rules: readonly { readonly rule: { readonly id: string } }[];
}

/**
 * Reads every item (with its overlays and the rules in force for it) listed in `version`, and every
 * province's payment policy, from `reader`'s own peer, and recomputes the catalog digest from them.
 */
export async function peerState(reader: string, version: number): Promise<PeerState> {
  const started = Date.now();
  const client = clientAs(reader);
  const head = await evaluateOn<Version>(client, 'Catalog:GetVersion', {});
  const height = await heightOn(client);
  const ids: string[] = [];
  for (let bookmark = ''; ;) {
    const page = await evaluateOn<{ records: { itemId: string }[]; bookmark: string }>(
      client,
      'Catalog:SearchItems',
      { version, pageSize: 200, ...(bookmark === '' ? {} : { bookmark }) },
    );
    ids.push(...page.records.map((record) => record.itemId));
    if (page.bookmark === '') break;
    bookmark = page.bookmark;
  }
  const entries: DigestEntry[] = [];
  const rules = new Map<string, string>();
  let overlays = 0;
  const answers = await mapPool(ids, 8, (itemId) =>
    evaluateOn<ItemAnswer>(client, 'Catalog:GetItem', { itemId, version }),
  );
  for (const [index, answer] of answers.entries()) {
    const itemId = ids[index] ?? '';
    entries.push({ type: 'item', itemId, data: answer.item });
    for (const overlay of answer.overlays) {
      entries.push({ type: 'overlay', itemId, province: overlay.province, data: overlay });
      overlays += 1;
    }
    for (const { rule } of answer.rules) {
      const text = canonicalJson(rule);
      const seen = rules.get(rule.id);
      if (seen !== undefined && seen !== text)
        throw new Error(`${reader}: rule ${rule.id} differs between the items it applies to`);
      rules.set(rule.id, text);
    }
  }
  for (const [ruleId, text] of rules) entries.push({ type: 'rule', ruleId, data: JSON.parse(text) });
  const governance = await evaluateOn<Governance>(client, 'Governance:GetGovernance', {});
  let policies = 0;
  for (const province of governance.provinces) {
    try {
      const view = await evaluateOn<{ province: string; policy: unknown }>(
        client,
        'Catalog:GetPaymentPolicy',
        { province: province.name, version },
      );
      entries.push({ type: 'policy', province: view.province, data: view.policy });
      policies += 1;
    } catch (error) {
      if (!(error instanceof CatalogClientError && error.code === 'POLICY_NOT_FOUND')) throw error;
    }
  }
  return {
    reader,
    mspId: client.connection.identity.mspId,
    height,
    headVersion: head.version,
    headDigest: head.digest,
    digest: digestOfEntries(entries),
    items: ids.length,
    overlays,
    rules: rules.size,
    policies,
    ms: Date.now() - started,
  };
}

/** Every sealed version, read through `client` (all pages). */
export async function allVersions(client: CatalogClient): Promise<Version[]> {
  const out: Version[] = [];
  for (let bookmark = ''; ;) {
    const page = await client.listVersions({ pageSize: 200, ...(bookmark === '' ? {} : { bookmark }) });
    out.push(...page.records);
    if (!page.bookmark) break;
    bookmark = page.bookmark;
  }
  return out;
}

/** Every proposal, read through `client` (all pages). */
export async function allProposals(client: CatalogClient): Promise<Proposal[]> {
  const out: Proposal[] = [];
  for (let bookmark = ''; ;) {
    const page = await client.listProposals({ pageSize: 200, ...(bookmark === '' ? {} : { bookmark }) });
    out.push(...page.records);
    if (!page.bookmark) break;
    bookmark = page.bookmark;
  }
  return out;
}

/** Every proposal with its votes and chunks (the full listing a restart must leave unchanged). */
export async function fullListing(
  client: CatalogClient,
): Promise<{ versions: Version[]; proposals: ProposalDetails[] }> {
  const versions = await allVersions(client);
  const proposals = await allProposals(client);
  const details = await mapPool(proposals, 8, (proposal) => client.getProposal({ proposalId: proposal.id }));
  details.sort((a, b) => a.proposal.id.localeCompare(b.proposal.id));
  return { versions, proposals: details };
}

/** Calls `fn` until it succeeds (at most `timeoutMs`, 1 s apart). */
export async function untilOk<T>(
  fn: () => Promise<T>,
  timeoutMs = 180_000,
): Promise<{ value: T; attempts: number; ms: number; errors: string[] }> {
  const started = Date.now();
  const errors: string[] = [];
  for (let attempts = 1; ; attempts += 1) {
    try {
      return { value: await fn(), attempts, ms: Date.now() - started, errors };
    } catch (error) {
      errors.push(toClientError(error).message.slice(0, 200));
      if (Date.now() - started > timeoutMs)
        throw new Error(`no success in ${String(timeoutMs)} ms: ${errors.slice(-3).join(' | ')}`);
      await sleep(1000);
    }
  }
}

/** After a restart: waits until every catalog organisation's gateway can plan a write again. */
export async function networkReady(): Promise<void> {
  await waitForDiscovery(180_000);
}
