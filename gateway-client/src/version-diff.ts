import type { Change, PaymentPolicy, Rule, Version } from '@nrdl-catalog/chaincode/model';
import { fieldDifferences, type FieldDifference } from './audit/json-diff';
import type { CatalogClient, ItemView } from './catalog-client';
import { CatalogClientError } from './errors';

/** One item, overlay or rule of the national rule base that differs between two versions. */
export interface VersionDiffEntry {
  readonly change: 'added' | 'removed' | 'changed';
  readonly kind: 'item' | 'overlay' | 'rule' | 'policy';
  /** The item's id (the rule's id for a rule, the province for a payment policy). */
  readonly itemId: string;
  readonly province: string | null;
  readonly name: string | null;
  readonly fields: readonly FieldDifference[];
}

/** How a record differs between two versions (null: absent there): no change when equal or absent in both. */
function compared(
  before: object | null,
  after: object | null,
): { change: VersionDiffEntry['change'] | null; fields: readonly FieldDifference[] } {
  if (before === null) return { change: after === null ? null : 'added', fields: [] };
  if (after === null) return { change: 'removed', fields: [] };
  const fields = fieldDifferences(before, after);
  return { change: fields.length > 0 ? 'changed' : null, fields };
}

async function itemAt(client: CatalogClient, itemId: string, version: number): Promise<ItemView | null> {
  if (version === 0) return null;
  try {
    return await client.getItem({ itemId, version });
  } catch (error) {
    if (error instanceof CatalogClientError && error.code === 'ITEM_NOT_FOUND') return null;
    throw error;
  }
}

async function ruleAt(client: CatalogClient, ruleId: string, version: number): Promise<Rule | null> {
  if (version === 0) return null;
  try {
    return (await client.getRule({ ruleId, version })).rule;
  } catch (error) {
    if (error instanceof CatalogClientError && error.code === 'RULE_NOT_FOUND') return null;
    throw error;
  }
}

async function policyAt(
  client: CatalogClient,
  province: string,
  version: number,
): Promise<PaymentPolicy | null> {
  if (version === 0) return null;
  try {
    return (await client.getPaymentPolicy({ province, version })).policy;
  } catch (error) {
    if (error instanceof CatalogClientError && error.code === 'POLICY_NOT_FOUND') return null;
    throw error;
  }
}

function targetOf(change: Change): { itemId: string } | { ruleId: string } | { policy: string } {
  switch (change.op) {
    case 'setPaymentPolicy':
      return { policy: change.policy.province };
    case 'clearPaymentPolicy':
      return { policy: change.province };
    case 'upsertItem':
      return { itemId: change.item.id ?? '' };
    case 'setOverlay':
      return { itemId: change.overlay.itemId };
    case 'upsertRule':
      return { ruleId: change.rule.id };
    case 'removeRule':
      return { ruleId: change.ruleId };
    default:
      return { itemId: change.itemId };
  }
}

/**
 * Differences between catalog versions `from` and `to` (from < to) through chaincode queries:
 * the items the proposals sealed in between touched, read as of both versions and compared field by
 * field. Costs O(changed items), not O(catalog). (The audit store answers the same from the blocks.)
 */
export async function diffCatalogVersions(
  client: CatalogClient,
  from: number,
  to: number,
): Promise<VersionDiffEntry[]> {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to <= from) {
    throw new CatalogClientError('INVALID_INPUT', `diff needs two versions a < b, got ${from} and ${to}`);
  }
  const touched = new Set<string>();
  const rules = new Set<string>();
  const policies = new Set<string>();
  for (let number = from + 1; number <= to; number += 1) {
    const version: Version = await client.getVersion({ version: number });
    for (const proposalId of version.proposalIds) {
      const shown = (await client.getProposal({ proposalId, includeChunks: true })) as {
        chunks: { changes?: Change[] }[];
      };
      for (const chunk of shown.chunks)
        for (const change of chunk.changes ?? []) {
          const target = targetOf(change);
          if ('ruleId' in target) rules.add(target.ruleId);
          else if ('policy' in target) policies.add(target.policy);
          else touched.add(target.itemId);
        }
    }
  }
  const entries: VersionDiffEntry[] = [];
  for (const itemId of [...touched].sort()) {
    const [before, after] = [await itemAt(client, itemId, from), await itemAt(client, itemId, to)];
    const name = after?.item.name ?? before?.item.name ?? null;
    const item = compared(before?.item ?? null, after?.item ?? null);
    if (item.change)
      entries.push({ change: item.change, kind: 'item', itemId, province: null, name, fields: item.fields });
    const provinces = new Set(
      [...(before?.overlays ?? []), ...(after?.overlays ?? [])].map((overlay) => overlay.province),
    );
    for (const province of [...provinces].sort()) {
      const old = before?.overlays.find((overlay) => overlay.province === province) ?? null;
      const now = after?.overlays.find((overlay) => overlay.province === province) ?? null;
      const { change, fields } = compared(old, now);
      if (change) entries.push({ change, kind: 'overlay', itemId, province, name, fields });
    }
  }
  for (const ruleId of [...rules].sort()) {
    const [before, after] = [await ruleAt(client, ruleId, from), await ruleAt(client, ruleId, to)];
    const name = after?.name ?? before?.name ?? null;
    const { change, fields } = compared(before, after);
    if (change) entries.push({ change, kind: 'rule', itemId: ruleId, province: null, name, fields });
  }
  for (const province of [...policies].sort()) {
    const [before, after] = [await policyAt(client, province, from), await policyAt(client, province, to)];
    const { change, fields } = compared(before, after);
    const named = after?.province ?? before?.province ?? province;
    if (change) entries.push({ change, kind: 'policy', itemId: named, province: named, name: null, fields });
  }
  return entries;
}
