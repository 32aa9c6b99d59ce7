/**
 * NRDL 2024 (国家医保药品目录 2024) rows → catalog items.
 *
 * Mapping of `nrdl-2024-drugs.csv` columns to {@link ItemInput} fields:
 *
 * | column | ItemInput | notes |
 * |---|---|---|
 * | row_id | `provenance.sourceRow` | with `edition: 'NRDL-2024'`, `source: 'nrdl-2024-drugs.csv'` |
 * | section_std | `section` | the standardised section name; `section` (the API label) maps 1:1 to it |
 * | no | `number` | verbatim (`12`, `★(12)`, full-width `★（389）`); empty → null |
 * | class | `class` | 甲 / 乙; empty (中药饮片) → null |
 * | category_code | `categoryCode` | empty → null |
 * | category_path | `categoryPath` | split on ` > `; empty → [] |
 * | drug_name | `name` | verbatim, may contain line breaks |
 * | dosage_form | `dosageForm` | empty → null |
 * | remark | `remark` (+ `rules`) | verbatim; rules via {@link extractRestrictionRules} |
 * | payment_standard | `paymentStandard` | see {@link parsePaymentStandard} |
 * | agreement_period | `agreementPeriod` | see {@link parseAgreementPeriod} |
 *
 * Derived columns that the export rebuilds from the above (see `export.ts`): `section`, `no_primary`,
 * `api_flag`, `category_name` (the last element of the path) and `xlsx_sheet`. Not held by
 * ItemInput at all: `xlsx_row` and `qa_note` ({@link NRDL_COLUMNS_NOT_HELD}).
 *
 * `kind` is `herbal` for the two 中药饮片 sections and `drug` otherwise; `fundPayable` is false only for
 * 不得纳入基金支付范围的中药饮片. The id is the chaincode's `computeItemId` of (kind, name, dosage form).
 */
import {
  computeItemId,
  type DrugClass,
  type ItemInput,
  type ItemKind,
  type PaymentStandard,
  type Period,
} from '@nrdl-catalog/chaincode/model';
import { ImportError, readCsvFile, type CsvOptions, type CsvRecord, type CsvTable } from './csv';
import { extractRestrictionRules } from './restriction-rules';

/** Edition label written to `provenance.edition`. */
export const NRDL_EDITION = 'NRDL-2024';
/** Source file name written to `provenance.source`. */
export const NRDL_SOURCE = 'nrdl-2024-drugs.csv';

/** The columns of `nrdl-2024-drugs.csv`, in file order. */
export const NRDL_COLUMNS = [
  'row_id',
  'section',
  'section_std',
  'no',
  'no_primary',
  'api_flag',
  'class',
  'category_code',
  'category_name',
  'category_path',
  'drug_name',
  'dosage_form',
  'remark',
  'payment_standard',
  'agreement_period',
  'xlsx_sheet',
  'xlsx_row',
  'qa_note',
] as const;

/** A column of `nrdl-2024-drugs.csv`. */
export type NrdlColumn = (typeof NRDL_COLUMNS)[number];

/** One row of `nrdl-2024-drugs.csv`, values verbatim. */
export type NrdlRow = Readonly<Record<NrdlColumn, string>>;

/** Columns no ItemInput field can hold (the export leaves them empty). */
export const NRDL_COLUMNS_NOT_HELD: readonly NrdlColumn[] = ['xlsx_row', 'qa_note'];

/** One section of the list and how its rows map. */
export interface NrdlSection {
  /** `section` column (the API's label). */
  readonly raw: string;
  /** `section_std` column; this is the item's `section`. */
  readonly std: string;
  readonly kind: ItemKind;
  readonly fundPayable: boolean;
  /** Sheet of the printed list (yao.xlsx) that numbers this section's rows; null for 中药饮片. */
  readonly xlsxSheet: string | null;
}

/** The seven sections of the NRDL 2024 file. */
export const NRDL_SECTIONS: readonly NrdlSection[] = [
  { raw: '西药部分', std: '西药部分', kind: 'drug', fundPayable: true, xlsxSheet: '西药部分' },
  { raw: '中成药部分', std: '中成药部分', kind: 'drug', fundPayable: true, xlsxSheet: '中成药部分' },
  { raw: '西药', std: '协议期内谈判药品部分-西药', kind: 'drug', fundPayable: true, xlsxSheet: '协议西药' },
  {
    raw: '中成药',
    std: '协议期内谈判药品部分-中成药',
    kind: 'drug',
    fundPayable: true,
    xlsxSheet: '协议中成药',
  },
  { raw: '竞价药品部分', std: '竞价药品部分', kind: 'drug', fundPayable: true, xlsxSheet: '竞价药品部分' },
  {
    raw: '基金予以支付的中药饮片',
    std: '中药饮片部分-基金予以支付',
    kind: 'herbal',
    fundPayable: true,
    xlsxSheet: null,
  },
  {
    raw: '不得纳入基金支付范围的中药饮片',
    std: '中药饮片部分-不得纳入基金支付',
    kind: 'herbal',
    fundPayable: false,
    xlsxSheet: null,
  },
];

/** The section whose `section_std` (= item `section`) is `std`, or undefined. */
export function nrdlSectionByStd(std: string): NrdlSection | undefined {
  return NRDL_SECTIONS.find((s) => s.std === std);
}

/** The text that marks a confidential payment standard. */
export const CONFIDENTIAL_PRICE = '企业申请价格保密';

const YUAN = /(\d+(?:\.\d+)?)\s*元/u;

/**
 * Parses a 医保支付标准: `text` verbatim; `amount` is the FIRST yuan amount in the text
 * (`'38.35元(...)'` → 38.35; several strengths separated by `'；\n'` → the first strength's price), or
 * null when there is none (confidential, or `见备注2(...)`); `confidential` is true exactly when the
 * text is `企业申请价格保密`. Empty text → null (no payment standard).
 */
export function parsePaymentStandard(text: string): PaymentStandard | null {
  if (text === '') {
    return null;
  }
  const match = YUAN.exec(text);
  return {
    text,
    amount: match?.[1] === undefined ? null : Number(match[1]),
    confidential: text === CONFIDENTIAL_PRICE,
  };
}

const CN_DATE = '(\\d{4})年(\\d{1,2})月(\\d{1,2})日';
const CN_PERIOD = new RegExp(`^${CN_DATE}至${CN_DATE}$`, 'u');

function isoDate(y: string, m: string, d: string): string | null {
  const iso = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : null;
}

/**
 * Parses an agreement period `2025年1月1日至2026年12月31日` → `{ from: '2025-01-01', to: '2026-12-31' }`.
 * Empty text → null. Any other text (or an impossible date, or from > to) throws an Error.
 */
export function parseAgreementPeriod(text: string): Period | null {
  if (text === '') {
    return null;
  }
  const m = CN_PERIOD.exec(text.trim());
  const from = m === null ? null : isoDate(m[1] ?? '', m[2] ?? '', m[3] ?? '');
  const to = m === null ? null : isoDate(m[4] ?? '', m[5] ?? '', m[6] ?? '');
  if (from === null || to === null || from > to) {
    throw new Error(`not an agreement period: '${text}'`);
  }
  return { from, to };
}

/** Formats a period the way the source prints it: `2025年1月1日至2026年12月31日` (no zero padding). */
export function formatAgreementPeriod(period: Period): string {
  const cn = (iso: string): string => {
    const [y, m, d] = iso.split('-');
    return `${y ?? ''}年${Number(m)}月${Number(d)}日`;
  };
  return `${cn(period.from)}至${cn(period.to)}`;
}

/** Separator of the levels of `category_path`. */
export const CATEGORY_PATH_SEPARATOR = ' > ';

function orNull(value: string): string | null {
  return value === '' ? null : value;
}

function drugClass(value: string): DrugClass | null {
  if (value === '甲' || value === '乙') {
    return value;
  }
  if (value === '') {
    return null;
  }
  throw new Error(`class must be 甲, 乙 or empty, got '${value}'`);
}

/** Reads the NRDL columns of a CSV record (missing columns are an error). */
export function nrdlRowOf(table: CsvTable, record: CsvRecord): NrdlRow {
  const row: Partial<Record<NrdlColumn, string>> = {};
  for (const column of NRDL_COLUMNS) {
    const value = record.values[column];
    if (value === undefined) {
      throw new ImportError(table.source, record.line, `missing column '${column}'`);
    }
    row[column] = value;
  }
  return row as NrdlRow;
}

/**
 * Maps one NRDL row to an {@link ItemInput} (see the module comment). Throws an Error for an unknown
 * section, a bad class or an unparseable agreement period.
 */
export function nrdlRowToItem(row: NrdlRow): ItemInput {
  const section = nrdlSectionByStd(row.section_std);
  if (section?.raw !== row.section) {
    throw new Error(`unknown section '${row.section}' / '${row.section_std}'`);
  }
  if (row.drug_name.trim() === '') {
    throw new Error('drug_name is empty');
  }
  const dosageForm = orNull(row.dosage_form);
  const remark = orNull(row.remark);
  return {
    id: computeItemId({ kind: section.kind, name: row.drug_name, dosageForm }),
    kind: section.kind,
    section: section.std,
    number: orNull(row.no),
    class: drugClass(row.class),
    categoryCode: orNull(row.category_code),
    categoryPath: row.category_path === '' ? [] : row.category_path.split(CATEGORY_PATH_SEPARATOR),
    name: row.drug_name,
    dosageForm,
    remark,
    rules: extractRestrictionRules(remark),
    paymentStandard: parsePaymentStandard(row.payment_standard),
    agreementPeriod: parseAgreementPeriod(row.agreement_period),
    fundPayable: section.fundPayable,
    provenance: { edition: NRDL_EDITION, sourceRow: row.row_id, source: NRDL_SOURCE },
    province: null,
    code: null,
    unit: null,
    prices: null,
  };
}

/** An NRDL row with the item made from it and its line in the CSV file. */
export interface NrdlEntry {
  readonly line: number;
  readonly row: NrdlRow;
  readonly item: ItemInput;
}

/**
 * Maps every record of a parsed NRDL table. A bad row throws an {@link ImportError} with its line;
 * so does a second row with the same item id (ids must be unique in one import).
 */
export function nrdlEntriesOf(table: CsvTable): NrdlEntry[] {
  const seen = new Map<string, number>();
  return table.records.map((record): NrdlEntry => {
    const row = nrdlRowOf(table, record);
    let item: ItemInput;
    try {
      item = nrdlRowToItem(row);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ImportError(table.source, record.line, message);
    }
    const id = item.id ?? '';
    const first = seen.get(id);
    if (first !== undefined) {
      throw new ImportError(
        table.source,
        record.line,
        `item id ${id} collides with the row on line ${first}`,
      );
    }
    seen.set(id, record.line);
    return { line: record.line, row, item };
  });
}

/**
 * Reads `nrdl-2024-drugs.csv` (or a file with the same columns) and maps every row. The file is
 * decoded as `options.encoding` says (default `auto`: UTF-8, else GB18030; see `decodeText`).
 */
export function readNrdlFile(path: string, options: Pick<CsvOptions, 'encoding'> = {}): NrdlEntry[] {
  return nrdlEntriesOf(readCsvFile(path, { ...options, requiredColumns: NRDL_COLUMNS }));
}
