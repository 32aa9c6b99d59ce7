/**
 * `catalog audit diff <versionA> <versionB>`: entries added, removed and changed field by field
 * between two sealed versions, as a table, CSV or JSON, from the audit store alone.
 */
import {
  diffVersions,
  entriesAt,
  type LedgerModel,
  type VersionDiff,
} from '@nrdl-catalog/gateway-client/audit';
import { CatalogClientError } from '@nrdl-catalog/gateway-client';
import { CSV_BOM, toCsvField } from '@nrdl-catalog/gateway-client/import';
import { UsageError, str } from './context';
import { table, textOf } from '@nrdl-catalog/gateway-client';
import { columns, provinceNamer, t, type Lang } from './i18n';
import { changeLabel, entryLabel } from './proposal-commands';
import { toJson } from './output';
import { parseAuditCommand, withModel, type AuditSubcommand } from './audit-store-option';

/** One CSV field (RFC 4180 quoting, formula-injection guard of the shared CSV writer). */
function csvField(value: unknown): string {
  return toCsvField(value === null || value === undefined ? '' : textOf(value));
}

function dataName(data: unknown): string | null {
  const name = (data as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : null;
}

/** The diff with the item's name on every entry (overlays and changed fields too). */
interface NamedDiff {
  readonly diff: VersionDiff;
  readonly names: ReadonlyMap<string, string>;
  /** Provinces as the command's language shows them (Chinese names from the store's governance record). */
  readonly province?: (name: string) => string;
}

function namesOf(model: LedgerModel, versions: readonly number[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const version of versions) {
    for (const entry of entriesAt(model, version).values()) {
      if (entry.type !== 'item') continue;
      const name = dataName(entry.data);
      if (name !== null) names.set(entry.itemId, name);
    }
  }
  return names;
}

/**
 * The diff as CSV rows: one per added / removed entry and one per changed field. The text starts with
 * the UTF-8 byte order mark, so that spreadsheet programs show the Chinese names correctly.
 */
export function diffCsv({ diff, names }: NamedDiff): string {
  const header = ['change', 'kind', 'itemId', 'province', 'name', 'field', 'before', 'after'];
  const name = (itemId: string): string | null => names.get(itemId) ?? null;
  const rows: unknown[][] = [
    ...diff.added.map((d) => ['added', d.kind, d.itemId, d.province, name(d.itemId), '', null, d.data]),
    ...diff.removed.map((d) => ['removed', d.kind, d.itemId, d.province, name(d.itemId), '', d.data, null]),
    ...diff.changed.flatMap((c) =>
      c.fields.map((f) => [
        'changed',
        c.kind,
        c.itemId,
        c.province,
        name(c.itemId),
        f.field,
        f.before,
        f.after,
      ]),
    ),
  ];
  return CSV_BOM + [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n');
}

function diffText(lang: Lang, { diff, names, province = (p) => p }: NamedDiff): string {
  const shown = (name: string | null): string | null => (name === null ? null : province(name));
  const sections = [
    t(lang, 'cli.auditDiff.title', {
      from: diff.from,
      to: diff.to,
      added: diff.added.length,
      removed: diff.removed.length,
      changed: diff.changed.length,
    }),
  ];
  const entries = (title: string, list: VersionDiff['added']): void => {
    if (list.length === 0) return;
    sections.push(
      `\n${title} (${list.length})`,
      table(
        columns(lang, ['cli.col.entry', 'cli.col.item', 'cli.col.province', 'cli.col.name']),
        list.map((d) => [entryLabel(lang, d.kind), d.itemId, shown(d.province), names.get(d.itemId)]),
      ),
    );
  };
  entries(changeLabel(lang, 'added'), diff.added);
  entries(changeLabel(lang, 'removed'), diff.removed);
  if (diff.changed.length > 0) {
    sections.push(
      `\n${changeLabel(lang, 'changed')} (${diff.changed.length})`,
      table(
        columns(lang, [
          'cli.col.entry',
          'cli.col.item',
          'cli.col.name',
          'cli.col.province',
          'cli.col.field',
          'cli.col.before',
          'cli.col.after',
        ]),
        diff.changed.flatMap((c) =>
          c.fields.map((f) => [
            entryLabel(lang, c.kind),
            c.itemId,
            names.get(c.itemId),
            shown(c.province),
            f.field,
            f.before,
            f.after,
          ]),
        ),
      ),
    );
  }
  return sections.join('\n');
}

function versionArg(value: string | undefined, name: string): number {
  if (value === undefined) throw new UsageError('cli.usage.auditDiff');
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError('cli.usage.auditDiffVersion', { name, value });
  return n;
}

/** `catalog audit diff <versionA> <versionB> [--format table|csv|json] [--store S]` */
export const diffCommand: AuditSubcommand = async (ctx, args, paths) => {
  const { values, positionals, store } = parseAuditCommand(args, paths, { format: { type: 'string' } });
  const [a, b, extra] = positionals;
  const from = versionArg(a, 'versionA');
  const to = versionArg(b, 'versionB');
  if (extra !== undefined) throw new UsageError('cli.usage.unexpectedArgument', { value: extra });
  const format = str(values, 'format') ?? (ctx.json ? 'json' : 'table');
  if (!['table', 'csv', 'json'].includes(format)) {
    throw new UsageError('cli.usage.format', { value: format });
  }
  const named = await withModel(store, (model): NamedDiff => {
    try {
      return {
        diff: diffVersions(model, from, to),
        names: namesOf(model, [from, to]),
        province: provinceNamer(ctx.lang, model.governance.at(-1)?.record),
      };
    } catch (error) {
      throw new CatalogClientError('VERSION_NOT_FOUND', (error as Error).message, { cause: error });
    }
  });
  if (format === 'csv') ctx.out.out(diffCsv(named));
  else if (format === 'json') ctx.out.out(toJson(named.diff));
  else ctx.out.out(diffText(ctx.lang, named));
  return 0;
};
