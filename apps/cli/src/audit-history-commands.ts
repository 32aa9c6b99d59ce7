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

import { CliCodedError, UsageError, dateOption, str } from './context';
import { formatDate, formatTimestamp, table, textOf } from '@nrdl-catalog/gateway-client';
import { columns, labelCell, provinceNamer, recordText, t, type CliKey, type Lang } from './i18n';

/** Provinces as the command's language shows them. */
type ProvinceName = (name: string) => string;
import { noArguments, parseAuditCommand, withModel, type AuditSubcommand } from './audit-store-option';

/** What a sealed change did to an entry, as Chinese names it. */
const ENTRY_OPS: Readonly<Record<ItemHistoryEntry['op'], CliKey>> = {
  upsert: 'cli.history.op.upsert',
  remove: 'cli.history.op.remove',
  set: 'cli.history.op.set',
  clear: 'cli.history.op.clear',
};

function fieldChanges(lang: Lang, entry: ItemHistoryEntry): string {
  if (entry.changedFields.length > 0) {
    return entry.changedFields
      .map(
        (f) =>
          `${f.field === '' ? t(lang, 'cli.history.value') : f.field}: ${textOf(f.before)} → ${textOf(f.after)}`,
      )
      .join('; ');
  }
  if (entry.before === null) return t(lang, 'cli.change.added');
  if (entry.after === null) return t(lang, 'cli.change.removed');
  return t(lang, 'cli.change.unchanged');
}

/** The human rendering of `audit history` (dates and times, China Standard Time, as people read them in `lang`). */
export function historyText(
  lang: Lang,
  itemId: string,
  entries: readonly ItemHistoryEntry[],
  province: ProvinceName,
): string {
  const name = entries
    .map((e) => (e.after ?? e.before) as { name?: unknown } | null)
    .map((d) => (typeof d?.name === 'string' ? d.name : null))
    .find((n) => n !== null);
  const blocks = entries.map((e) => {
    const p = e.proposal;
    const record: Record<string, unknown> = {
      [t(lang, 'cli.history.change')]: fieldChanges(lang, e),
      [t(lang, 'cli.history.proposal')]:
        p === null
          ? null
          : `${p.id} "${p.title}" (${labelCell(lang, 'scope', p.scope) ?? ''}${p.province === null ? '' : ` ${province(p.province)}`})`,
      [t(lang, 'cli.history.proposer')]:
        p === null
          ? null
          : `${p.proposer.mspId} ${p.proposer.role ?? ''} ${p.proposer.subject ?? p.proposer.id}`.replace(
              /\s+/g,
              ' ',
            ),
      [t(lang, 'cli.history.approvers')]:
        p === null || p.approvers.length === 0
          ? null
          : p.approvers.map((a) => `${a.voter.mspId} ${a.voter.subject ?? a.voter.id}`).join('; '),
      [t(lang, 'cli.history.tx')]: t(lang, 'cli.history.inBlock', {
        tx: e.txId,
        block: e.block,
        time: formatTimestamp(e.timestamp, lang),
      }),
      [t(lang, 'cli.history.sealed')]: t(lang, 'cli.history.inBlock', {
        tx: e.sealTxId,
        block: e.sealBlock,
        time: formatTimestamp(e.sealedAt, lang),
      }),
    };
    const op = lang === 'en' ? e.op : t(lang, ENTRY_OPS[e.op]);
    const head =
      e.kind === 'overlay'
        ? t(lang, 'cli.history.headOverlay', {
            version: e.version,
            effectiveFrom: formatDate(e.effectiveFrom, lang),
            province: e.province === null ? '' : province(e.province),
            op,
          })
        : t(lang, 'cli.history.head', {
            version: e.version,
            effectiveFrom: formatDate(e.effectiveFrom, lang),
            op,
          });
    const body = recordText(lang, record, {})
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    return `${head}\n${body}`;
  });
  const title = t(lang, 'cli.history.title', {
    item: `${itemId}${name === undefined ? '' : ` ${name}`}`,
    count: entries.length,
  });
  return [title, ...blocks].join('\n\n');
}

/** `catalog audit history <itemId> [--store S]` */
export const historyCommand: AuditSubcommand = async (ctx, args, paths) => {
  const { positionals, store } = parseAuditCommand(args, paths);
  const [itemId, extra] = positionals;
  if (itemId === undefined || itemId === '') throw new UsageError('cli.usage.historyItem');
  if (extra !== undefined) throw new UsageError('cli.usage.unexpectedArgument', { value: extra });
  const { entries, province } = await withModel(store, (model) => ({
    entries: itemHistory(model, itemId),
    province: provinceNamer(ctx.lang, model.governance.at(-1)?.record),
  }));
  if (entries.length === 0) {
    throw new CliCodedError('ITEM_NOT_FOUND', 'cli.history.none', { item: itemId });
  }
  ctx.print(entries, () => historyText(ctx.lang, itemId, entries, province));
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
    throw new UsageError('cli.usage.asOfFilter');
  }
  return {
    ...(itemId === undefined ? {} : { itemId }),
    ...(provinceGiven === undefined ? {} : { province: provinceGiven }),
  };
}

/** The human rendering of `audit as-of` (dates as people read them in `lang`). */
export function asOfText(
  lang: Lang,
  date: string,
  filter: AsOfFilter,
  result: AsOfResult,
  provinceName: ProvinceName,
): string {
  if (result.version === null) return t(lang, 'cli.asOf.noVersion', { date: formatDate(date, lang) });
  const rows = result.items.map((entry) => {
    const item = entry.item;
    const overlays = entry.overlays
      .map((o) =>
        [
          provinceName(o.province),
          percent(o.overlay.selfPayRatio) === null
            ? null
            : t(lang, 'cli.asOf.selfPay', { percent: percent(o.overlay.selfPayRatio) ?? '' }),
          o.overlay.suspended ? t(lang, 'cli.asOf.suspended') : null,
          o.overlay.restriction,
        ]
          .filter((x) => x !== null)
          .join(' '),
      )
      .join('; ');
    return [
      entry.itemId,
      item?.name ?? t(lang, 'cli.asOf.overlayOnly'),
      item?.dosageForm ?? labelCell(lang, 'kind', item?.kind),
      item?.class ?? null,
      (item?.province == null ? null : provinceName(item.province)) ??
        (item === null ? null : labelCell(lang, 'scope', 'national')),
      item?.paymentStandard?.text ?? null,
      overlays === '' ? null : overlays,
    ];
  });
  const { itemId, province } = filter;
  return [
    t(lang, 'cli.asOf.title', {
      date: formatDate(date, lang),
      version: result.version,
      effectiveFrom: formatDate(result.effectiveFrom, lang),
      count: result.items.length,
    }) +
      (itemId === undefined ? '' : t(lang, 'cli.asOf.item', { item: itemId })) +
      (province === undefined ? '' : t(lang, 'cli.asOf.province', { province: provinceName(province) })),
    rows.length === 0
      ? t(lang, 'cli.asOf.noItem')
      : table(
          columns(lang, [
            'cli.col.item',
            'cli.col.name',
            'cli.col.form',
            'cli.col.class',
            'cli.col.province',
            'cli.col.paymentStandard',
            'cli.col.overlays',
          ]),
          rows,
          36,
        ),
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
  if (date === undefined) throw new UsageError('cli.usage.dateRequired');
  const filter = asOfFilter(values);
  let provinceName: ProvinceName = (name) => name;
  const result = await withModel(store, (model) => {
    provinceName = provinceNamer(ctx.lang, model.governance.at(-1)?.record);
    try {
      return catalogAsOf(model, date, filter);
    } catch (error) {
      if (error instanceof CatalogError && error.code === 'UNKNOWN_PROVINCE')
        throw new UsageError(error.message); // the chaincode's words
      throw error;
    }
  });
  ctx.print(result, () =>
    asOfText(
      ctx.lang,
      date,
      {
        ...filter,
        ...(result.province === undefined ? {} : { province: result.province }),
      },
      result,
      provinceName,
    ),
  );
  return 0;
};
