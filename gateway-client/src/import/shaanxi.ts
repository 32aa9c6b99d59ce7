/**
 * Shaanxi 2021 price lists (《陕西省医疗服务项目价格（2021版）》) → provincial catalog items.
 *
 * **Medical services** (`shaanxi-2021-medical-service-prices.csv`): only rows with `row_type` `item`
 * become `service` items; `category` rows (2/4/6-digit heading codes) are not items, their names
 * form the `categoryPath` of the items below them whose code starts with the heading code.
 *
 * | column | ItemInput |
 * |---|---|
 * | sheet | `section` |
 * | xlsx_row | `provenance.sourceRow` (unique within a sheet) |
 * | fin_class | `categoryCode` (财务分类 letter A–K) |
 * | code | `code` (verbatim) and the id `S-SN-<code>` |
 * | name | `name` (verbatim) |
 * | unit | `unit` (empty → null) |
 * | price_level3/2/1 | `prices.level3/level2/level1` as text (`待定` stays text; empty → null; all empty → `prices: null`) |
 * | content, exclusions, notes, price_special | `remark`, as labelled sections (see {@link composeServiceRemark}) |
 *
 * ItemInput has no fields for 项目内涵 / 除外内容 / 说明 / the 特定 price, so they are kept in `remark`
 * as `【项目内涵】…\n【除外内容】…\n【说明】…\n【特定最高限价】…` (empty parts left out), which
 * {@link parseServiceRemark} splits back exactly (none of the source texts contains `【`).
 *
 * **Special materials** (`shaanxi-2021-special-materials.csv`): a row whose code is a prefix of a later
 * row's code (HC001) is a group heading, not an item; the other rows (HC00101) become `material` items
 * with `section` `材料库`, `categoryCode` = fin_class and `categoryPath` = [group name].
 *
 * **Duplicate codes.** Two rows that yield the same item id (same code after the chaincode's
 * normalisation) are disambiguated deterministically in file order: the first keeps the id, the n-th
 * (n ≥ 2) gets `<id>--<n>`; every such case is reported in `duplicates`. The real 2021 files have
 * no duplicate codes.
 */
import {
  computeItemId,
  type ItemInput,
  type LevelPrices,
  type ProvinceInfo,
} from '@nrdl-catalog/chaincode/model';
import { ImportError, readCsvFile, type CsvOptions, type CsvRecord, type CsvTable } from './csv';

/** Edition label written to `provenance.edition`. */
export const SHAANXI_EDITION = 'Shaanxi-2021';
/** Source file name of the service price list. */
export const SERVICE_SOURCE = 'shaanxi-2021-medical-service-prices.csv';
/** Source file name of the special-materials list. */
export const MATERIAL_SOURCE = 'shaanxi-2021-special-materials.csv';
/** `section` of material items (the workbook sheet 材料库). */
export const MATERIAL_SECTION = '材料库';

/** Columns of the service price list, in file order. */
export const SERVICE_COLUMNS = [
  'sheet',
  'xlsx_row',
  'row_type',
  'fin_class',
  'code',
  'name',
  'unit',
  'price_special',
  'price_level3',
  'price_level2',
  'price_level1',
  'content',
  'exclusions',
  'notes',
] as const;
/** A column of the service price list. */
export type ServiceColumn = (typeof SERVICE_COLUMNS)[number];
/** One row of the service price list, values verbatim. */
export type ServiceRow = Readonly<Record<ServiceColumn, string>>;

/** Columns of the special-materials list, in file order. */
export const MATERIAL_COLUMNS = ['xlsx_row', 'fin_class', 'code', 'name'] as const;
/** A column of the special-materials list. */
export type MaterialColumn = (typeof MATERIAL_COLUMNS)[number];
/** One row of the special-materials list, values verbatim. */
export type MaterialRow = Readonly<Record<MaterialColumn, string>>;

/** Service text columns kept in `remark`, with their labels, in remark order. */
export const SERVICE_REMARK_LABELS: readonly (readonly [
  'content' | 'exclusions' | 'notes' | 'price_special',
  string,
])[] = [
  ['content', '项目内涵'],
  ['exclusions', '除外内容'],
  ['notes', '说明'],
  ['price_special', '特定最高限价'],
];

/** The service columns that live in `remark`. */
export type ServiceRemarkParts = Readonly<
  Record<'content' | 'exclusions' | 'notes' | 'price_special', string>
>;

/** Builds the labelled remark of a service row; null when all four parts are empty. */
export function composeServiceRemark(parts: ServiceRemarkParts): string | null {
  const segments = SERVICE_REMARK_LABELS.filter(([key]) => parts[key] !== '').map(
    ([key, label]) => `【${label}】${parts[key]}`,
  );
  return segments.length === 0 ? null : segments.join('\n');
}

const REMARK_SPLIT = new RegExp(`\\n(?=【(?:${SERVICE_REMARK_LABELS.map(([, l]) => l).join('|')})】)`, 'u');

/** Splits a remark made by {@link composeServiceRemark} back into its parts (missing parts are ''). */
export function parseServiceRemark(remark: string | null | undefined): ServiceRemarkParts {
  const parts = { content: '', exclusions: '', notes: '', price_special: '' };
  if (remark === null || remark === undefined || remark === '') {
    return parts;
  }
  for (const segment of remark.split(REMARK_SPLIT)) {
    const entry = SERVICE_REMARK_LABELS.find(([, label]) => segment.startsWith(`【${label}】`));
    if (entry === undefined) {
      throw new Error(`remark segment without a known label: '${segment.slice(0, 40)}'`);
    }
    parts[entry[0]] = segment.slice(entry[1].length + 2);
  }
  return parts;
}

function orNull(value: string): string | null {
  return value === '' ? null : value;
}

function rowOf<C extends string>(
  table: CsvTable,
  record: CsvRecord,
  columns: readonly C[],
): Readonly<Record<C, string>> {
  const row: Partial<Record<C, string>> = {};
  for (const column of columns) {
    const value = record.values[column];
    if (value === undefined) {
      throw new ImportError(table.source, record.line, `missing column '${column}'`);
    }
    row[column] = value;
  }
  return row as Record<C, string>;
}

/** Level prices of a service row; null when all three are empty. */
export function levelPricesOf(row: ServiceRow): LevelPrices | null {
  const prices = {
    level3: orNull(row.price_level3),
    level2: orNull(row.price_level2),
    level1: orNull(row.price_level1),
  };
  return prices.level3 === null && prices.level2 === null && prices.level1 === null ? null : prices;
}

/**
 * Maps one service `item` row (with the heading names above it) to a `service` item of province `p`
 * (its governance member record: canonical name and the two-letter code of the id).
 */
export function serviceRowToItem(
  row: ServiceRow,
  categoryPath: readonly string[],
  p: ProvinceInfo,
): ItemInput {
  if (row.row_type !== 'item') {
    throw new Error(`row_type '${row.row_type}' is not an item row`);
  }
  if (row.code === '' || row.name.trim() === '') {
    throw new Error('an item row needs a code and a name');
  }
  return {
    id: computeItemId({ kind: 'service', name: row.name, provinceCode: p.code, code: row.code }),
    kind: 'service',
    section: row.sheet,
    number: null,
    class: null,
    categoryCode: orNull(row.fin_class),
    categoryPath: [...categoryPath],
    name: row.name,
    dosageForm: null,
    remark: composeServiceRemark(row),
    rules: null,
    paymentStandard: null,
    agreementPeriod: null,
    fundPayable: true,
    provenance: { edition: SHAANXI_EDITION, sourceRow: row.xlsx_row, source: SERVICE_SOURCE },
    province: p.name,
    code: row.code,
    unit: orNull(row.unit),
    prices: levelPricesOf(row),
  };
}

/** Maps one special-material row (with the name of its group, if any) to a `material` item of `p`. */
export function materialRowToItem(row: MaterialRow, groupName: string | null, p: ProvinceInfo): ItemInput {
  if (row.code === '' || row.name.trim() === '') {
    throw new Error('a material row needs a code and a name');
  }
  return {
    id: computeItemId({ kind: 'material', name: row.name, provinceCode: p.code, code: row.code }),
    kind: 'material',
    section: MATERIAL_SECTION,
    number: null,
    class: null,
    categoryCode: orNull(row.fin_class),
    categoryPath: groupName === null ? [] : [groupName],
    name: row.name,
    dosageForm: null,
    remark: null,
    rules: null,
    paymentStandard: null,
    agreementPeriod: null,
    fundPayable: true,
    provenance: { edition: SHAANXI_EDITION, sourceRow: row.xlsx_row, source: MATERIAL_SOURCE },
    province: p.name,
    code: row.code,
    unit: null,
    prices: null,
  };
}

/** A source row with the item made from it and its line in the CSV file. */
export interface ProvinceEntry<R> {
  readonly line: number;
  readonly row: R;
  readonly item: ItemInput;
}

/** Rows that produced the same item id, and the ids they were given. */
export interface DuplicateId {
  /** The id all of them would have had. */
  readonly id: string;
  /** CSV lines, in file order. */
  readonly lines: readonly number[];
  /** Ids given, in file order: the first is `id`, then `id--2`, `id--3`, … */
  readonly assigned: readonly string[];
}

/** Items of one provincial list plus the duplicate-code report. */
export interface ProvinceImport<R> {
  readonly entries: readonly ProvinceEntry<R>[];
  readonly duplicates: readonly DuplicateId[];
  /** Source rows that are headings (service categories / material groups), not items. */
  readonly headingRows: number;
}

/**
 * Gives every entry a unique id: the first of equal ids keeps it, the n-th becomes `<id>--<n>`.
 * Throws if a disambiguated id is itself taken.
 */
export function disambiguateIds<R>(entries: readonly ProvinceEntry<R>[]): {
  entries: ProvinceEntry<R>[];
  duplicates: DuplicateId[];
} {
  const groups = new Map<string, number[]>();
  entries.forEach((e, i) => {
    const id = e.item.id ?? '';
    groups.set(id, [...(groups.get(id) ?? []), i]);
  });
  const taken = new Set(groups.keys());
  const out = [...entries];
  const duplicates: DuplicateId[] = [];
  for (const [id, indexes] of groups) {
    if (indexes.length < 2) {
      continue;
    }
    const assigned = [id];
    indexes.slice(1).forEach((index, k) => {
      const newId = `${id}--${k + 2}`;
      if (taken.has(newId)) {
        throw new Error(`cannot disambiguate ${id}: ${newId} is taken`);
      }
      taken.add(newId);
      assigned.push(newId);
      const e = out[index];
      if (e !== undefined) {
        out[index] = { ...e, item: { ...e.item, id: newId } };
      }
    });
    duplicates.push({
      id,
      lines: indexes.map((i) => entries[i]?.line ?? 0),
      assigned,
    });
  }
  return { entries: out, duplicates };
}

function wrap<T>(table: CsvTable, record: CsvRecord, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof ImportError) {
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new ImportError(table.source, record.line, message);
  }
}

/** Maps a parsed service price table: `item` rows → service items; headings build the category path. */
export function serviceEntriesOf(table: CsvTable, p: ProvinceInfo): ProvinceImport<ServiceRow> {
  const headings: { sheet: string; code: string; name: string }[] = [];
  const entries: ProvinceEntry<ServiceRow>[] = [];
  let headingRows = 0;
  for (const record of table.records) {
    const row = rowOf(table, record, SERVICE_COLUMNS);
    if (row.row_type === 'category') {
      headingRows += 1;
      while (headings.length > 0) {
        const top = headings[headings.length - 1];
        if (top !== undefined && top.sheet === row.sheet && row.code.startsWith(top.code)) {
          break;
        }
        headings.pop();
      }
      headings.push({ sheet: row.sheet, code: row.code, name: row.name });
      continue;
    }
    const path = headings
      .filter((h) => h.sheet === row.sheet && row.code.startsWith(h.code))
      .map((h) => h.name);
    entries.push({ line: record.line, row, item: wrap(table, record, () => serviceRowToItem(row, path, p)) });
  }
  return { ...disambiguateIds(entries), headingRows };
}

/** Maps a parsed special-materials table: group rows are headings, the other rows material items. */
export function materialEntriesOf(table: CsvTable, p: ProvinceInfo): ProvinceImport<MaterialRow> {
  const rows = table.records.map((record) => ({ record, row: rowOf(table, record, MATERIAL_COLUMNS) }));
  const isGroup = (code: string): boolean =>
    rows.some((r) => r.row.code !== code && r.row.code.startsWith(code) && code !== '');
  const entries: ProvinceEntry<MaterialRow>[] = [];
  let group: MaterialRow | null = null;
  let headingRows = 0;
  for (const { record, row } of rows) {
    if (isGroup(row.code)) {
      headingRows += 1;
      group = row;
      continue;
    }
    const groupName = group !== null && row.code.startsWith(group.code) ? group.name : null;
    entries.push({
      line: record.line,
      row,
      item: wrap(table, record, () => materialRowToItem(row, groupName, p)),
    });
  }
  return { ...disambiguateIds(entries), headingRows };
}

/** Reads and maps the service price list (decoded as `options.encoding` says, default `auto`). */
export function readServiceFile(
  path: string,
  province: ProvinceInfo,
  options: Pick<CsvOptions, 'encoding'> = {},
): ProvinceImport<ServiceRow> {
  return serviceEntriesOf(readCsvFile(path, { ...options, requiredColumns: SERVICE_COLUMNS }), province);
}

/** Reads and maps the special-materials list (decoded as `options.encoding` says, default `auto`). */
export function readMaterialFile(
  path: string,
  province: ProvinceInfo,
  options: Pick<CsvOptions, 'encoding'> = {},
): ProvinceImport<MaterialRow> {
  return materialEntriesOf(readCsvFile(path, { ...options, requiredColumns: MATERIAL_COLUMNS }), province);
}
