/**
 * `catalog audit history` and `catalog audit as-of`: who changed an item, when and approved by whom;
 * the catalog as it stood on a date. Both answer from the audit store alone.
 */
import { CatalogError } from '@nrdl-catalog/chaincode/model';
import {
  type AsOfFilter,
  type AsOfResult,
  catalogAsOf,
  itemHistory,
  type ItemHistoryEntry,
} from '@nrdl-catalog/gateway-client/audit';
import { CatalogClientError } from '@nrdl-catalog/gateway-client';
import { UsageError, dateOption, str } from './context';
import { keyValues, table, textOf } from '@nrdl-catalog/gateway-client';
import type { Lang } from '@nrdl-catalog/chaincode/messages';
import { DEFAULT_LANG, formatDate, formatTimestamp } from '@nrdl-catalog/gateway-client';
import { noArguments, parseAuditCommand, withModel, type AuditSubcommand } from './audit-store-option';

function fieldChanges(entry: ItemHistoryEntry): string {
  if (entry.changedFields.length > 0) {
    return entry.changedFields
      .map((f) => `${f.field === '' ? '(value)' : f.field}: ${textOf(f.before)} → ${textOf(f.after)}`)
      .join('; ');
  }
  if (entry.before === null) return 'added';
  if (entry.after === null) return 'removed';
  return 'unchanged';
}

/** The human rendering of `audit history` (dates and times, China Standard Time, as people read them in `lang`). */
export function historyText(
  itemId: string,
  entries: readonly ItemHistoryEntry[],
  lang: Lang = DEFAULT_LANG,
): string {
  const name = entries
    .map((e) => (e.after ?? e.before) as { name?: unknown } | null)
    .map((d) => (typeof d?.name === 'string' ? d.name : null))
    .find((n) => n !== null);
  const blocks = entries.map((e) => {
    const p = e.proposal;
    const record: Record<string, unknown> = {
      change: fieldChanges(e),
      proposal:
        p === null ? null : `${p.id} "${p.title}" (${p.scope}${p.province === null ? '' : ` ${p.province}`})`,
      proposer:
        p === null
          ? null
          : `${p.proposer.mspId} ${p.proposer.role ?? ''} ${p.proposer.subject ?? p.proposer.id}`.replace(
              /\s+/g,
              ' ',
            ),
      approvers:
        p === null || p.approvers.length === 0
          ? null
          : p.approvers.map((a) => `${a.voter.mspId} ${a.voter.subject ?? a.voter.id}`).join('; '),
      tx: `${e.txId} (block ${e.block}, ${formatTimestamp(e.timestamp, lang)})`,
      sealed: `${e.sealTxId} (block ${e.sealBlock}, ${formatTimestamp(e.sealedAt, lang)})`,
    };
    const head =
      `version ${e.version} (effective ${formatDate(e.effectiveFrom, lang)}): ${e.kind === 'overlay' ? `overlay ${e.province ?? ''} ` : ''}` +
      e.op;
    const body = keyValues(record)
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    return `${head}\n${body}`;
  });
  return [`${itemId}${name === undefined ? '' : ` ${name}`}: ${entries.length} change(s)`, ...blocks].join(
    '\n\n',
  );
}

/** `catalog audit history <itemId> [--store S]` */
export const historyCommand: AuditSubcommand = async (ctx, args, paths) => {
  const { positionals, store } = parseAuditCommand(args, paths);
  const [itemId, extra] = positionals;
  if (itemId === undefined || itemId === '') throw new UsageError('audit history needs an <itemId>');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const entries = await withModel(store, (model) => itemHistory(model, itemId));
  if (entries.length === 0) {
    throw new CatalogClientError('ITEM_NOT_FOUND', `item ${itemId} has no sealed change in the audit store`);
  }
  ctx.print(entries, () => historyText(itemId, entries));
  return 0;
};

function percent(value: unknown): string | null {
  return typeof value === 'number' ? `${Math.round(value * 1000) / 10}%` : null;
}

/** `--item` / `--province` of `as-of` (the province in any form the store's governance record lists). */
function asOfFilter(values: Record<string, unknown>): AsOfFilter {
  const itemId = str(values, 'item');
  const provinceGiven = str(values, 'province');
  if (itemId === undefined && provinceGiven === undefined) {
    throw new UsageError('audit as-of needs --item <id> or --province P');
  }
  return {
    ...(itemId === undefined ? {} : { itemId }),
    ...(provinceGiven === undefined ? {} : { province: provinceGiven }),
  };
}

/** The human rendering of `audit as-of` (dates as people read them in `lang`). */
export function asOfText(
  date: string,
  filter: AsOfFilter,
  result: AsOfResult,
  lang: Lang = DEFAULT_LANG,
): string {
  if (result.version === null) return `no catalog version was in force on ${formatDate(date, lang)}`;
  const rows = result.items.map((entry) => {
    const item = entry.item;
    const overlays = entry.overlays
      .map((o) =>
        [
          o.province,
          percent(o.overlay.selfPayRatio) === null
            ? null
            : `self-pay ${percent(o.overlay.selfPayRatio) ?? ''}`,
          o.overlay.suspended ? 'suspended' : null,
          o.overlay.restriction,
        ]
          .filter((x) => x !== null)
          .join(' '),
      )
      .join('; ');
    return [
      entry.itemId,
      item?.name ?? '(overlay only)',
      item?.dosageForm ?? item?.kind ?? null,
      item?.class ?? null,
      item?.province ?? (item === null ? null : 'national'),
      item?.paymentStandard?.text ?? null,
      overlays === '' ? null : overlays,
    ];
  });
  const { itemId, province } = filter;
  return [
    `catalog as of ${formatDate(date, lang)}: version ${result.version} (effective ${formatDate(result.effectiveFrom, lang)}), ${result.items.length} item(s)` +
      `${itemId === undefined ? '' : `, item ${itemId}`}${province === undefined ? '' : `, province ${province}`}`,
    rows.length === 0
      ? '(no matching item)'
      : table(['ITEM', 'NAME', 'FORM', 'CLASS', 'PROVINCE', 'PAYMENT STANDARD', 'OVERLAYS'], rows, 36),
  ].join('\n');
}

/** `catalog audit as-of --date D (--item ID | --province P) [--store S]` */
export const asOfCommand: AuditSubcommand = async (ctx, args, paths) => {
  const { values, positionals, store } = parseAuditCommand(args, paths, {
    date: { type: 'string' },
    item: { type: 'string' },
    province: { type: 'string' },
  });
  noArguments(positionals);
  const date = dateOption(values, 'date');
  if (date === undefined) throw new UsageError('--date YYYY-MM-DD is required');
  const filter = asOfFilter(values);
  const result = await withModel(store, (model) => {
    try {
      return catalogAsOf(model, date, filter);
    } catch (error) {
      if (error instanceof CatalogError && error.code === 'UNKNOWN_PROVINCE')
        throw new UsageError(error.message);
      throw error;
    }
  });
  ctx.print(result, () =>
    asOfText(
      date,
      {
        ...filter,
        ...(result.province === undefined ? {} : { province: result.province }),
      },
      result,
    ),
  );
  return 0;
};
