/**
 * The inverse of the import mappings: catalog items back to rows of the source CSV columns, and a
 * field-by-field comparison with the source rows (used by the round-trip tests and by an export
 * command). Accepts stored `Item`s as well as `ItemInput`s (an `Item` is a complete `ItemInput`).
 *
 * Derived NRDL columns are rebuilt by the rules `SOURCES.md` states for them: `section` from
 * `section_std`; `no_primary` = the digits of `no`; `api_flag` = '' for 中药饮片, '1' for a ★ row,
 * else '0'; `category_name` = the last element of the category path; `xlsx_sheet` = the printed
 * list's sheet of the section when `no` is present, else ''. `xlsx_row` and `qa_note` are not held
 * by an item and come back empty.
 *
 * `…ToCsv` write the rows as CSV text with the formula guard of {@link toCsv} (a cell starting with
 * `=`, `+`, `-`, `@`, tab or CR gets a leading `'`); {@link parseCsv} removes it again, so an export
 * read back by the importer gives the same rows.
 */
import type { ItemInput } from '@nrdl-catalog/chaincode/model';
import { toCsv } from './csv';
import {
  CATEGORY_PATH_SEPARATOR,
  formatAgreementPeriod,
  NRDL_COLUMNS,
  NRDL_COLUMNS_NOT_HELD,
  nrdlSectionByStd,
  type NrdlColumn,
  type NrdlRow,
} from './nrdl';
import {
  MATERIAL_COLUMNS,
  parseServiceRemark,
  SERVICE_COLUMNS,
  type MaterialColumn,
  type MaterialRow,
  type ServiceRow,
} from './shaanxi';

/** A column whose exported value differs from the source. */
export interface FieldMismatch {
  readonly column: string;
  readonly source: string;
  readonly exported: string;
}

/**
 * Compares two rows field by field over `columns`, skipping `ignore`. Returns the differences
 * (empty when the rows are equal).
 */
export function compareRows<C extends string>(
  source: Readonly<Record<C, string>>,
  exported: Readonly<Record<C, string>>,
  columns: readonly C[],
  ignore: readonly C[] = [],
): FieldMismatch[] {
  return columns
    .filter((column) => !ignore.includes(column) && source[column] !== exported[column])
    .map((column) => ({ column, source: source[column], exported: exported[column] }));
}

function text(value: string | null | undefined): string {
  return value ?? '';
}

/** Rebuilds the `nrdl-2024-drugs.csv` row of an NRDL item (see the module comment). */
export function nrdlItemToRow(item: ItemInput): NrdlRow {
  const section = nrdlSectionByStd(item.section);
  if (section === undefined) {
    throw new Error(`item ${item.id ?? item.name} is not in an NRDL section ('${item.section}')`);
  }
  const no = text(item.number);
  const path = item.categoryPath ?? [];
  return {
    row_id: text(item.provenance.sourceRow),
    section: section.raw,
    section_std: section.std,
    no,
    no_primary: /\d+/u.exec(no)?.[0] ?? '',
    api_flag: item.kind === 'herbal' ? '' : no.startsWith('★') ? '1' : '0',
    class: text(item.class),
    category_code: text(item.categoryCode),
    category_name: path[path.length - 1] ?? '',
    category_path: path.join(CATEGORY_PATH_SEPARATOR),
    drug_name: item.name,
    dosage_form: text(item.dosageForm),
    remark: text(item.remark),
    payment_standard: text(item.paymentStandard?.text),
    agreement_period:
      item.agreementPeriod === null || item.agreementPeriod === undefined
        ? ''
        : formatAgreementPeriod(item.agreementPeriod),
    xlsx_sheet: no === '' ? '' : text(section.xlsxSheet),
    xlsx_row: '',
    qa_note: '',
  };
}

/** Differences between a source NRDL row and the export of its item, ignoring `ignore` columns. */
export function compareNrdlRow(
  source: NrdlRow,
  item: ItemInput,
  ignore: readonly NrdlColumn[] = NRDL_COLUMNS_NOT_HELD,
): FieldMismatch[] {
  return compareRows(source, nrdlItemToRow(item), NRDL_COLUMNS, ignore);
}

/** Rebuilds the service price list row of a `service` item (always `row_type` `item`). */
export function serviceItemToRow(item: ItemInput): ServiceRow {
  const parts = parseServiceRemark(item.remark);
  return {
    sheet: item.section,
    xlsx_row: text(item.provenance.sourceRow),
    row_type: 'item',
    fin_class: text(item.categoryCode),
    code: text(item.code),
    name: item.name,
    unit: text(item.unit),
    price_special: parts.price_special,
    price_level3: text(item.prices?.level3),
    price_level2: text(item.prices?.level2),
    price_level1: text(item.prices?.level1),
    content: parts.content,
    exclusions: parts.exclusions,
    notes: parts.notes,
  };
}

/** Differences between a source service row and the export of its item. */
export function compareServiceRow(source: ServiceRow, item: ItemInput): FieldMismatch[] {
  return compareRows(source, serviceItemToRow(item), SERVICE_COLUMNS);
}

/** Rebuilds the special-materials row of a `material` item. */
export function materialItemToRow(item: ItemInput): MaterialRow {
  return {
    xlsx_row: text(item.provenance.sourceRow),
    fin_class: text(item.categoryCode),
    code: text(item.code),
    name: item.name,
  };
}

/**
 * Rebuilds the whole special-materials list from its items, group rows included: a group row is
 * emitted before the first item of each group, with the group name from the item's category path,
 * the code = the item code without its last two characters (HC00101 → HC001), the item's fin_class,
 * and the line above the item's row (groups directly precede their items in the 2021 list).
 */
export function materialItemsToRows(items: readonly ItemInput[]): MaterialRow[] {
  const rows: MaterialRow[] = [];
  let lastGroup: string | null = null;
  for (const item of items) {
    const row = materialItemToRow(item);
    const groupName = item.categoryPath?.[0];
    const groupCode = row.code.slice(0, -2);
    if (groupName !== undefined && groupCode !== lastGroup) {
      rows.push({
        xlsx_row: String(Number(row.xlsx_row) - 1),
        fin_class: row.fin_class,
        code: groupCode,
        name: groupName,
      });
      lastGroup = groupCode;
    }
    rows.push(row);
  }
  return rows;
}

/** Differences between a source special-materials row and an exported one. */
export function compareMaterialRow(source: MaterialRow, exported: MaterialRow): FieldMismatch[] {
  return compareRows<MaterialColumn>(source, exported, MATERIAL_COLUMNS);
}

/** The NRDL export of `items` as CSV text (`nrdl-2024-drugs.csv` columns, formula-guarded). */
export function nrdlItemsToCsv(items: readonly ItemInput[]): string {
  return toCsv(NRDL_COLUMNS, items.map(nrdlItemToRow));
}

/** The service price list export of `items` as CSV text (formula-guarded). */
export function serviceItemsToCsv(items: readonly ItemInput[]): string {
  return toCsv(SERVICE_COLUMNS, items.map(serviceItemToRow));
}

/** The special-materials export of `items`, group rows included, as CSV text (formula-guarded). */
export function materialItemsToCsv(items: readonly ItemInput[]): string {
  return toCsv(MATERIAL_COLUMNS, materialItemsToRows(items));
}
