/**
 * The NHSA rule base (医保基金智能监管 "两库" rule batches) as catalog data: reading the four rule-base
 * lists of `data/`, linking their drugs to NRDL items and their 15-digit national service codes to a
 * province's 9-digit service items, and turning every row into a `ruleInput` of the national rule
 * set (validated against the chaincode's schema, as the importers validate items). The linking
 * strategy, the counts and the age ranges are described in docs/rule-base.md.
 *
 * Drug names. The rule base names products with their dosage form (`盐酸利托君注射液`), the NRDL
 * generic names (`利托君`, dosage form `注射剂`) or, for Chinese patent medicines, names with the
 * alternative forms in brackets (`感冒清热颗粒(片、胶囊)`). A rule drug is linked, in this order:
 * 1. `exact`: its normalised name (NFKC, no whitespace) equals an NRDL name or one of the names an
 *    NRDL entry spells out (each line of a stacked name; `X颗粒(片、胶囊)` → `X颗粒`, `X片`, `X胶囊`);
 * 2. `qualifier`: the same after dropping a trailing bracketed qualifier that is no specification
 *    (`金锁固精丸(浓缩丸)`), or the bracketed alternative name itself;
 * 3. `stem`: the dosage-form suffix (or the `注射用` prefix) taken off (`依西美坦片` → `依西美坦`),
 *    keeping a specification in brackets (`…注射液(C6-24)` → `…(C6-24)`), confirmed by the form: only
 *    NRDL entries whose dosage form is one the suffix belongs to (`片` → 口服常释剂型) are linked;
 * 4. `salt`: as 3 after dropping a salt or ester part (`盐酸`, `枸橼酸`, a trailing `钠`).
 * A name whose generic drug is listed only in other forms is `formMismatch` (not linked: the NRDL
 * does not list that form); one with candidates but no form to decide by is `ambiguous` (not linked);
 * the rest are `unlinked`.
 *
 * Service codes. The national 15-digit code is `00` + the 9-digit national price-item code (which the
 * Shaanxi list uses, `code[2:11]`) + a 4-digit extension (`0000` the item itself, `0100`… a sub-item
 * or method, `0001`… a surcharge). A rule code is linked to the province's item when the names
 * confirm it: `exact` (normalised names equal, also for a letter sub-item such as `320100001a`),
 * `parent` (an extension whose name is the local item's name plus a bracketed qualifier: the local
 * list charges it under that item), `base` (equal once a bracketed qualifier is dropped from both).
 * Anything else is `nameMismatch` (the codes correspond, the names do not: not linked, reported) or
 * `noLocalCode`.
 */
import {
  type ItemInput,
  MAX_ITEM_CODES,
  type ProvinceInfo,
  type RuleInput,
  definitions,
} from '@nrdl-catalog/chaincode/model';
import { CATALOGUES, fill, type Lang, type MessageKey, type Params } from '@nrdl-catalog/chaincode/messages';
import { Ajv } from 'ajv';
import { ImportError, csvField, readCsvFile, type CsvTable } from './csv';
import { readNrdlFile, type NrdlEntry } from './nrdl';
import { readServiceFile, type ProvinceEntry, type ServiceRow } from './shaanxi';

/** File names of the rule-base lists in `data/`. */
export const RULE_BASE_FILES = {
  drugRestrictions: 'nhsa-rulebase-drug-restrictions.csv',
  drugCodes: 'nhsa-rulebase-drug-codes.csv',
  serviceRestrictions: 'nhsa-rulebase-service-item-restrictions.csv',
  duplicatePairs: 'nhsa-rulebase-service-duplicate-charge-pairs.csv',
} as const;

/**
 * Numeric age ranges (in completed years, 周岁, as patient ages are given) for the age groups the
 * rule base prints, with the public definition each relies on.
 */
export const AGE_GROUPS: Readonly<Record<string, { minAge: number; maxAge: number; ageSource: string }>> = {
  儿童: {
    minAge: 0,
    maxAge: 17,
    ageSource:
      '儿童 = 未满十八周岁 (0-17 周岁): 《中华人民共和国未成年人保护法》第二条 (未成年人是指未满十八周岁的公民); UN Convention on the Rights of the Child, art. 1',
  },
  新生儿: {
    minAge: 0,
    maxAge: 0.0767,
    ageSource:
      '新生儿 = 出生后 28 天内 (28/365 ≈ 0.0767 years): WHO definition of the neonatal period (the first 28 days of life); 《儿科学》 (人民卫生出版社)',
  },
  婴幼儿: {
    minAge: 0,
    maxAge: 2,
    ageSource:
      '婴幼儿 = 3 岁以下 (0-2 周岁): 《国务院办公厅关于促进3岁以下婴幼儿照护服务发展的指导意见》(国办发〔2019〕15号)',
  },
};

/** How a rule drug name was linked (see the module comment). */
export type DrugLinkMethod = 'exact' | 'qualifier' | 'stem' | 'salt';
/** Why a rule drug name was not linked. */
export type DrugUnlinked = 'formMismatch' | 'ambiguous' | 'unlinked';
/** How a national service code was linked. */
export type ServiceLinkMethod = 'exact' | 'parent' | 'base';
/** Why a national service code was not linked. */
export type ServiceUnlinked = 'nameMismatch' | 'noLocalCode';

/** The link of one rule drug name. */
export interface DrugLink {
  readonly name: string;
  readonly status: DrugLinkMethod | DrugUnlinked;
  /** The NRDL items (ids) linked, or the candidates found when not linked. */
  readonly itemIds: readonly string[];
  readonly nrdlNames: readonly string[];
}

/** The link of one national service code. */
export interface ServiceLink {
  readonly code: string;
  readonly name: string;
  readonly status: ServiceLinkMethod | ServiceUnlinked;
  /** The local code tried (`code[2:11]`, or its letter sub-item). */
  readonly localCode: string;
  readonly localName: string | null;
  readonly itemId: string | null;
}

/** A source row that produced no rule, and why. */
export interface SkippedRow {
  readonly file: string;
  readonly row: number;
  readonly name: string;
  readonly reason: string;
}

/** Counts and examples of the linking (the `linkReport` the import prints). */
export interface LinkReport {
  readonly drugs: {
    readonly names: number;
    readonly linked: number;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly examples: Readonly<Record<string, readonly DrugLink[]>>;
    /** NRDL items that get national drug codes, and how many codes in all. */
    readonly itemsWithCodes: number;
    readonly codes: number;
    /** Codes left off an item beyond the schema's limit per item. */
    readonly codesDropped: number;
  };
  readonly services: {
    readonly codes: number;
    readonly linked: number;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly examples: Readonly<Record<string, readonly ServiceLink[]>>;
  };
  /** Rules made, per rule type. */
  readonly rules: Readonly<Record<string, number>>;
  /** Rules that need a judgement the data cannot give (answered REVIEW). */
  readonly review: number;
  /** Source rows that produced no rule (an unlinked target, an unknown restriction type). */
  readonly skipped: { readonly count: number; readonly byReason: Readonly<Record<string, number>> };
  /** Every restriction type in the files, with the rule type it became (or `reported`). */
  readonly restrictionTypes: Readonly<Record<string, string>>;
}

/** The rule set made from the rule base. */
export interface RuleBase {
  readonly rules: RuleInput[];
  /** NRDL items with the national drug codes of their linked rules added (`codes`). */
  readonly codedItems: ItemInput[];
  readonly drugLinks: readonly DrugLink[];
  readonly serviceLinks: readonly ServiceLink[];
  readonly skipped: readonly SkippedRow[];
  readonly report: LinkReport;
}

/** The parsed rule-base tables. */
export interface RuleBaseTables {
  readonly drugRestrictions: CsvTable;
  readonly drugCodes: CsvTable;
  readonly serviceRestrictions: CsvTable;
  readonly duplicatePairs: CsvTable;
}

const DRUG_RESTRICTION_COLUMNS = [
  'batch',
  'source_file',
  'xlsx_row',
  'drug_generic_name',
  'description',
  'restriction_type',
  'restriction_value',
] as const;
const DRUG_CODE_COLUMNS = ['batch', 'drug_generic_name', 'drug_code', 'restriction_type'] as const;
const SERVICE_COLUMNS = [
  'batch',
  'source_file',
  'xlsx_row',
  'item_name',
  'item_code',
  'restriction_type',
  'restriction_value',
  'limit_quantity',
  'limit_unit',
  'cycle_days',
  'description',
] as const;
const PAIR_COLUMNS = [
  'batch',
  'source_file',
  'xlsx_row',
  'frequency',
  'main_item_name',
  'main_item_code',
  'secondary_item_name',
  'secondary_item_code',
  'remark',
] as const;

/** Reads the four rule-base lists from a folder (`data/`). */
export function readRuleBaseTables(folder: string): RuleBaseTables {
  const read = (file: string, columns: readonly string[]): CsvTable =>
    readCsvFile(`${folder}/${file}`, { requiredColumns: columns });
  return {
    drugRestrictions: read(RULE_BASE_FILES.drugRestrictions, DRUG_RESTRICTION_COLUMNS),
    drugCodes: read(RULE_BASE_FILES.drugCodes, DRUG_CODE_COLUMNS),
    serviceRestrictions: read(RULE_BASE_FILES.serviceRestrictions, SERVICE_COLUMNS),
    duplicatePairs: read(RULE_BASE_FILES.duplicatePairs, PAIR_COLUMNS),
  };
}

// ---- names ----

/** A name for comparison: NFKC (full-width brackets, Ⅰ → I), no whitespace, upper case. */
export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, '').toUpperCase();
}

/** Variant spellings the two lists use for the same word (显象/显像, 兰光/蓝光, 实验/试验). */
const VARIANTS: readonly (readonly [RegExp, string])[] = [
  [/象/gu, '像'],
  [/兰光/gu, '蓝光'],
  [/实验/gu, '试验'],
];

/** A service name for comparison: {@link normaliseName}, variants folded, punctuation dropped. */
export function serviceNameKey(name: string): string {
  let text = normaliseName(name);
  for (const [pattern, replacement] of VARIANTS) text = text.replace(pattern, replacement);
  return text.replace(/[()[\]【】,，、·:：;；/\-－—_.。'"“”]/gu, '');
}

/** The name without a trailing bracketed qualifier (`尿妊娠试验(乳胶凝集法)` → `尿妊娠试验`). */
function withoutQualifier(name: string): string {
  return normaliseName(name).replace(/\([^()]*\)$/u, '');
}

/** Dosage-form suffixes of product names, longest first, with the NRDL dosage forms they belong to. */
const FORM_SUFFIXES: readonly (readonly [string, readonly string[]])[] = [
  ['阴道泡腾片', ['阴道泡腾片']],
  ['阴道软胶囊', ['阴道软胶囊']],
  ['阴道胶囊', ['阴道胶囊']],
  ['肠溶缓释片', ['肠溶缓释片', '缓释控释剂型']],
  ['口腔崩解片', ['口腔崩解片']],
  ['阴道片', ['阴道片']],
  ['阴道栓', ['栓剂']],
  ['口崩片', ['口腔崩解片']],
  ['咀嚼片', ['咀嚼片', '口服常释剂型']],
  ['缓释片', ['缓释控释剂型']],
  ['控释片', ['缓释控释剂型']],
  ['缓释胶囊', ['缓释控释剂型']],
  ['肠溶片', ['口服常释剂型']],
  ['肠溶胶囊', ['口服常释剂型']],
  ['分散片', ['口服常释剂型']],
  ['软胶囊', ['口服常释剂型']],
  ['胶囊', ['口服常释剂型']],
  ['注射液', ['注射剂']],
  ['眼用凝胶', ['眼用凝胶剂']],
  ['滴眼液', ['滴眼剂']],
  ['滴鼻液', ['滴鼻剂']],
  ['滴耳液', ['滴耳剂']],
  ['灌肠液', ['灌肠剂']],
  ['口服溶液', ['口服液体剂', '口服溶液剂']],
  ['口服液', ['口服液体剂']],
  ['干混悬剂', ['口服混悬剂']],
  ['混悬液', ['口服混悬剂']],
  ['喷雾剂', ['吸入剂', '外用液体剂']],
  ['气雾剂', ['吸入剂']],
  ['吸入剂', ['吸入剂']],
  ['乳膏', ['乳膏剂', '软膏剂']],
  ['软膏', ['软膏剂']],
  ['眼膏', ['眼膏剂']],
  ['凝胶', ['凝胶剂']],
  ['贴剂', ['贴剂']],
  ['贴片', ['贴剂']],
  ['颗粒', ['颗粒剂']],
  ['溶液', ['外用液体剂', '溶液剂']],
  ['洗液', ['外用液体剂']],
  ['搽剂', ['外用液体剂']],
  ['片', ['口服常释剂型']],
  ['栓', ['栓剂']],
  ['散', ['口服散剂']],
  // Chinese patent medicine forms: the NRDL lists these without a dosage form, so they link only to
  // an entry named by the stem alone that has no dosage form either.
  ['合剂', []],
  ['糖浆', []],
  ['丸', []],
];

/** Dosage-form words of Chinese patent medicine names (for `X颗粒(片、胶囊)`). */
const PATENT_FORMS = [
  ...FORM_SUFFIXES.map(([suffix]) => suffix),
  '浓缩丸',
  '水蜜丸',
  '滴丸',
  '丸',
  '合剂',
  '糖浆',
  '煎膏',
  '膏',
  '茶',
  '酊',
  '露',
  '酒',
].sort((a, b) => b.length - a.length);

/** Salt and ester parts of product names (prefixes), and trailing cations. */
const SALTS = [
  '对甲苯磺酸',
  '门冬氨酸',
  '葡萄糖酸',
  '重酒石酸',
  '环戊丙酸',
  '枸橼酸',
  '马来酸',
  '甲磺酸',
  '富马酸',
  '酒石酸',
  '琥珀酸',
  '氢溴酸',
  '苯磺酸',
  '甲硫酸',
  '苹果酸',
  '十一酸',
  '盐酸',
  '硫酸',
  '磷酸',
  '醋酸',
  '乳酸',
  '草酸',
  '硝酸',
  '丙酸',
  '戊酸',
  '庚酸',
];
const CATIONS = ['钠', '钾', '钙', '镁'];

function formSuffix(name: string): { stem: string; forms: readonly string[] } | null {
  if (name.startsWith('注射用') && name.length > 3) return { stem: name.slice(3), forms: ['注射剂'] };
  for (const [suffix, forms] of FORM_SUFFIXES) {
    if (name.endsWith(suffix) && name.length > suffix.length) {
      return { stem: name.slice(0, -suffix.length), forms };
    }
  }
  return null;
}

function withoutSalt(stem: string): string {
  for (const salt of SALTS) {
    if (stem.startsWith(salt) && stem.length > salt.length + 1) return stem.slice(salt.length);
  }
  for (const salt of SALTS) {
    if (stem.endsWith(salt) && stem.length > salt.length + 1) return stem.slice(0, -salt.length);
  }
  for (const cation of CATIONS) {
    if (stem.endsWith(cation) && stem.length > 2) return stem.slice(0, -1);
  }
  return stem;
}

/** Whether a bracketed part is a specification (`C6-24`, `18AA-I`, `2%`), which must not be dropped. */
function isSpecification(text: string): boolean {
  return /[0-9A-Z%]/u.test(text);
}

/** The names an NRDL entry is listed under (see the module comment). */
export function nrdlNameKeys(drugName: string): string[] {
  const keys = new Set<string>();
  for (const line of drugName.split(/\r?\n/u)) {
    const name = normaliseName(line);
    if (name === '') continue;
    keys.add(name);
    const match = /^(.+?)\(([^()]+)\)$/u.exec(name);
    const head = match?.[1];
    const inner = match?.[2];
    if (head === undefined || inner === undefined) continue;
    const alternatives = inner.split(/[、,]/u).filter((part) => part !== '');
    if (!alternatives.every((part) => PATENT_FORMS.some((form) => part.endsWith(form)))) continue;
    const form = PATENT_FORMS.find((f) => head.endsWith(f) && head.length > f.length);
    keys.add(head);
    if (form === undefined) continue;
    const stem = head.slice(0, -form.length);
    for (const part of alternatives) keys.add(part.startsWith(stem) ? part : stem + part);
  }
  return [...keys];
}

/** Links rule drug names to NRDL items. */
export class DrugLinker {
  readonly #byName = new Map<string, ItemInput[]>();

  public constructor(items: readonly ItemInput[]) {
    for (const item of items) {
      if (item.kind !== 'drug' || item.id === undefined) continue;
      for (const key of nrdlNameKeys(item.name)) {
        const list = this.#byName.get(key) ?? [];
        list.push(item);
        this.#byName.set(key, list);
      }
    }
  }

  /** The link of one rule drug name (see the module comment for the steps). */
  public link(name: string): DrugLink {
    const result = (status: DrugLink['status'], items: readonly ItemInput[]): DrugLink => ({
      name,
      status,
      itemIds: [...new Set(items.map((item) => item.id ?? ''))],
      nrdlNames: [...new Set(items.map((item) => item.name))],
    });
    const normalised = normaliseName(name);
    const exact = this.#byName.get(normalised);
    if (exact !== undefined) return result('exact', exact);
    const match = /^(.+?)\(([^()]+)\)$/u.exec(normalised);
    let base = normalised;
    let specification = '';
    if (match?.[1] !== undefined && match[2] !== undefined) {
      base = match[1];
      if (isSpecification(match[2])) {
        specification = `(${match[2]})`;
      } else {
        const found = this.#byName.get(base) ?? this.#byName.get(match[2]);
        if (found !== undefined) return result('qualifier', found);
      }
    }
    const suffix = formSuffix(base);
    if (suffix === null) return result('unlinked', []);
    const stems: [DrugLinkMethod, string][] = [['stem', suffix.stem]];
    const saltless = withoutSalt(suffix.stem);
    if (saltless !== suffix.stem) stems.push(['salt', saltless]);
    for (const [method, stem] of stems) {
      const candidates = this.#byName.get(stem + specification);
      if (candidates === undefined) continue;
      const inForm = candidates.filter(
        (item) =>
          item.dosageForm !== null && item.dosageForm !== undefined && suffix.forms.includes(item.dosageForm),
      );
      if (inForm.length > 0) return result(method, inForm);
      if (candidates.every((item) => item.dosageForm === null || item.dosageForm === undefined)) {
        return candidates.length === 1 ? result(method, candidates) : result('ambiguous', candidates);
      }
      return result('formMismatch', candidates);
    }
    return result('unlinked', []);
  }
}

/** Links 15-digit national service codes to a province's 9-digit service items. */
export class ServiceLinker {
  readonly #byCode = new Map<string, { name: string; itemId: string }>();
  readonly #subItems = new Map<string, { code: string; name: string; itemId: string }[]>();

  public constructor(entries: readonly ProvinceEntry<ServiceRow>[]) {
    for (const entry of entries) {
      const code = entry.row.code;
      const value = { name: entry.row.name, itemId: entry.item.id ?? '' };
      this.#byCode.set(code, value);
      const parent = /^(\d{9})[a-z]+$/u.exec(code)?.[1];
      if (parent !== undefined) {
        const list = this.#subItems.get(parent) ?? [];
        list.push({ code, ...value });
        this.#subItems.set(parent, list);
      }
    }
  }

  /** The link of one national code named `name` in the rule base. */
  public link(code: string, name: string): ServiceLink {
    const localCode = code.slice(2, 11);
    const key = serviceNameKey(name);
    const sub = (this.#subItems.get(localCode) ?? []).find((s) => serviceNameKey(s.name) === key);
    if (sub !== undefined) {
      return { code, name, status: 'exact', localCode: sub.code, localName: sub.name, itemId: sub.itemId };
    }
    const local = /^00\d{13}$/u.test(code) ? this.#byCode.get(localCode) : undefined;
    if (local === undefined) {
      return { code, name, status: 'noLocalCode', localCode, localName: null, itemId: null };
    }
    const localKey = serviceNameKey(local.name);
    const linked = (status: ServiceLinkMethod): ServiceLink => ({
      code,
      name,
      status,
      localCode,
      localName: local.name,
      itemId: local.itemId,
    });
    if (localKey === key) return linked('exact');
    if (!code.endsWith('0000') && serviceNameKey(withoutQualifier(name)) === localKey)
      return linked('parent');
    if (serviceNameKey(withoutQualifier(name)) === serviceNameKey(withoutQualifier(local.name))) {
      return linked('base');
    }
    return { code, name, status: 'nameMismatch', localCode, localName: local.name, itemId: null };
  }
}

// ---- rules ----

const CHINESE_DIGITS: Readonly<Record<string, string>> = {
  一: '1',
  二: '2',
  三: '3',
  四: '4',
  五: '5',
  六: '6',
  七: '7',
  八: '8',
  九: '9',
};

/** `第八批-1` → `8-1` (the batch in a rule id). */
export function batchCode(batch: string): string {
  return batch
    .replace(/^第/u, '')
    .replace(/批/u, '')
    .replace(/[一二三四五六七八九]/gu, (digit) => CHINESE_DIGITS[digit] ?? digit)
    .replace(/[^A-Za-z0-9-]/gu, '');
}

/** A rule's id: deterministic from its file kind, batch, type and source row (`R-d1-sex-2`). */
export function ruleId(kind: 'd' | 's' | 'p', batch: string, type: string, row: number): string {
  return `R-${kind}${batchCode(batch)}-${type}-${row}`;
}

const text = (value: string): string | null => {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
};

type RuleFields = Omit<RuleInput, 'id' | 'type' | 'name' | 'targets' | 'codes' | 'source'>;
type Restriction = { type: RuleInput['type']; fields: RuleFields; review?: true } | { unhandled: string };

function ageRule(value: string, description: string): Restriction {
  const group = AGE_GROUPS[value.trim()];
  if (group !== undefined) return { type: 'age', fields: { ...group, value: value.trim() } };
  // 法定就业年龄 (and any other printed age without a number) has no numeric range: the legal working
  // age depends on sex, occupation and the retirement reform. An age rule needs a range, so the row
  // is reported for review instead of guessed.
  return { unhandled: `age without a numeric range (review): ${text(value) ?? text(description) ?? ''}` };
}

/** The fund-paid days a course description states (`支付不超过30天`, `不超过一年`), or undefined. */
export function courseDays(description: string): number | undefined {
  const days = /不超过(\d+)天/u.exec(description)?.[1];
  if (days !== undefined) return Number(days);
  return /不超过一年/u.test(description) ? 365 : undefined;
}

/** The rule type and fields of a drug restriction row. */
export function drugRestriction(type: string, value: string): Restriction {
  const v = value.trim();
  switch (type) {
    case '限定性别对象':
      if (v === '女') return { type: 'sex', fields: { sex: 'female', value: v } };
      if (v === '男') return { type: 'sex', fields: { sex: 'male', value: v } };
      return { unhandled: `${type}=${v}` };
    case '限定年龄对象':
      return ageRule(v, '');
    case '限定机构等级': {
      const level = { 一级: 1, 二级: 2, 三级: 3 }[v];
      if (level === undefined) return { unhandled: `${type}=${v}` };
      // "二级" is "二级及以上" in the rows' descriptions: that level and above.
      const levels = ([1, 2, 3] as const).filter((l) => l >= level);
      return { type: 'hospitalLevel', fields: { hospitalLevels: levels, value: v } };
    }
    case '限定就医方式':
      if (v === '住院') return { type: 'visitType', fields: { visitTypes: ['inpatient'], value: v } };
      if (v === '门诊') return { type: 'visitType', fields: { visitTypes: ['outpatient'], value: v } };
      return { unhandled: `${type}=${v}` };
    case '限定支付疗程': {
      const days = /^(\d+)天$/u.exec(v)?.[1];
      if (days === undefined) return { unhandled: `${type}=${v}` };
      return { type: 'paymentDays', fields: { paymentDays: Number(days), value: v } };
    }
    case '限定保险类型': {
      const insurance = { 工伤: 'workInjury', 生育: 'maternity' } as const;
      const kind = v === '工伤' || v === '生育' ? insurance[v] : undefined;
      if (kind === undefined) return { unhandled: `${type}=${v}` };
      return { type: 'insuranceType', fields: { insuranceTypes: [kind], value: v } };
    }
    default:
      return { unhandled: type };
  }
}

/** The rule type and fields of a service restriction row. */
export function serviceRestriction(
  type: string,
  value: string,
  quantity: string,
  unit: string,
  cycleDays: string,
  description: string,
): Restriction {
  const v = value.trim();
  switch (type) {
    case '限定性别对象':
      return drugRestriction(type, v);
    case '限定年龄对象':
    case '限定年龄':
      return ageRule(v, description);
    case '限定主次操作':
      if (v === '') return { unhandled: `${type} without a group` };
      return { type: 'operation', fields: { group: v, value: v }, review: true };
    case '限定频次': {
      const max = Number(quantity);
      if (!(max > 0) || !['日', '天', '小时'].includes(unit))
        return { unhandled: `${type}=${quantity}${unit}` };
      // "1 日" / "1 天": once per day; "24 小时": at most 24 hours charged per day.
      return {
        type: 'quantity',
        fields: { maxQuantity: max, unit, periodDays: 1, value: `${quantity}${unit}` },
      };
    }
    case '限定周期': {
      const days = Number(cycleDays);
      if (!Number.isInteger(days) || days < 1) return { unhandled: `${type} without cycle days` };
      const max = Number(quantity === '' ? '1' : quantity);
      return { type: 'quantity', fields: { maxQuantity: max, periodDays: days, value: `${max}/${days}天` } };
    }
    case '限定疗程': {
      // the limit is in the description; the course itself (total days, intervals) needs review
      const days = courseDays(description);
      if (days === undefined) return { unhandled: `${type} without a number of days` };
      return { type: 'course', fields: { paymentDays: days, value: `${days}天` }, review: true };
    }
    default:
      return { unhandled: type };
  }
}

/** How a duplicate-charge frequency is decided: the same day, the whole claim (visit), or hours. */
export function pairFrequency(frequency: string): RuleFields {
  if (frequency === '6小时') return { frequency, periodHours: 6 };
  if (frequency === '同一小时') return { frequency, periodHours: 1 };
  return { frequency };
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validateRule = ajv.compile(definitions.ruleInput);

/** Throws unless `rule` matches the chaincode's `ruleInput` schema. */
export function assertRule(rule: RuleInput, source: string, line: number): void {
  const value: unknown = rule;
  if (!validateRule(value)) {
    const error = validateRule.errors?.[0];
    throw new ImportError(
      source,
      line,
      `rule ${rule.id}: ${error?.instancePath ?? ''} ${error?.message ?? 'does not match the schema'}`,
    );
  }
}

const TYPE_SLUG: Readonly<Record<string, string>> = {
  sex: 'sex',
  age: 'age',
  insuranceType: 'ins',
  hospitalLevel: 'level',
  visitType: 'visit',
  paymentDays: 'days',
  quantity: 'qty',
  course: 'course',
  operation: 'op',
  duplicateCharge: 'dup',
};

/** Options of {@link buildRuleBase}. */
export interface RuleBaseInput {
  readonly tables: RuleBaseTables;
  /** The NRDL items (as the NRDL importer makes them). */
  readonly nrdl: readonly ItemInput[];
  /** The province's service price items (as the Shaanxi importer makes them). */
  readonly services: readonly ProvinceEntry<ServiceRow>[];
  /** How many examples per status the report keeps (default 5). */
  readonly examples?: number;
}

function counts(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const value of values) out[value] = (out[value] ?? 0) + 1;
  return out;
}

function examplesOf<L extends { status: string }>(links: readonly L[], n: number): Record<string, L[]> {
  const out: Record<string, L[]> = {};
  for (const link of links) {
    const list = (out[link.status] ??= []);
    if (list.length < n) list.push(link);
  }
  return out;
}

/**
 * Links the rule base and makes the national rule set: one rule per source row (a drug row, a
 * service row, a duplicate-charge pair) whose targets are linked, every rule validated against the
 * chaincode's schema; the NRDL items of linked drug rules with their national drug codes.
 */
export function buildRuleBase(input: RuleBaseInput): RuleBase {
  const { tables } = input;
  const n = input.examples ?? 5;
  const drugs = new DrugLinker(input.nrdl);
  const services = new ServiceLinker(input.services);
  const rules: RuleInput[] = [];
  const skipped: SkippedRow[] = [];
  const restrictionTypes: Record<string, string> = {};
  let review = 0;

  // national drug codes per (batch, name, restriction type)
  const codesOf = new Map<string, string[]>();
  for (const record of tables.drugCodes.records) {
    const get = (column: string): string => csvField(tables.drugCodes, record, column);
    const key = `${get('batch')}|${get('drug_generic_name')}|${get('restriction_type')}`;
    const list = codesOf.get(key) ?? [];
    const code = get('drug_code').trim();
    if (code !== '' && !list.includes(code)) list.push(code);
    codesOf.set(key, list);
  }

  const drugLinks = new Map<string, DrugLink>();
  const itemCodes = new Map<string, Set<string>>();
  for (const record of tables.drugRestrictions.records) {
    const get = (column: string): string => csvField(tables.drugRestrictions, record, column);
    const name = get('drug_generic_name').trim();
    const row = Number(get('xlsx_row'));
    const file = get('source_file');
    const restriction = drugRestriction(get('restriction_type'), get('restriction_value'));
    if ('unhandled' in restriction) {
      restrictionTypes[get('restriction_type')] = 'reported';
      skipped.push({ file, row, name, reason: `unhandled restriction ${restriction.unhandled}` });
      continue;
    }
    restrictionTypes[get('restriction_type')] = restriction.type;
    const link = drugLinks.get(name) ?? drugs.link(name);
    drugLinks.set(name, link);
    const linked = ['exact', 'qualifier', 'stem', 'salt'].includes(link.status);
    if (!linked) {
      skipped.push({ file, row, name, reason: `drug ${link.status}` });
      continue;
    }
    const codes = (codesOf.get(`${get('batch')}|${name}|${get('restriction_type')}`) ?? []).slice(
      0,
      MAX_ITEM_CODES,
    );
    for (const itemId of link.itemIds) {
      const set = itemCodes.get(itemId) ?? new Set<string>();
      for (const code of codes) set.add(code);
      itemCodes.set(itemId, set);
    }
    const rule: RuleInput = {
      id: ruleId('d', get('batch'), TYPE_SLUG[restriction.type] ?? restriction.type, row),
      type: restriction.type,
      name,
      targets: link.itemIds.slice(0, 200),
      ...(codes.length > 0 ? { codes } : {}),
      ...restriction.fields,
      description: text(get('description')),
      source: { batch: get('batch'), file, row },
    };
    assertRule(rule, tables.drugRestrictions.source, record.line);
    if (restriction.review === true) review += 1;
    rules.push(rule);
  }

  const serviceLinks = new Map<string, ServiceLink>();
  const serviceLink = (code: string, name: string): ServiceLink => {
    const key = `${code}|${name}`;
    const found = serviceLinks.get(key) ?? services.link(code, name);
    serviceLinks.set(key, found);
    return found;
  };
  for (const record of tables.serviceRestrictions.records) {
    const get = (column: string): string => csvField(tables.serviceRestrictions, record, column);
    const name = get('item_name').trim();
    const code = get('item_code').trim();
    const row = Number(get('xlsx_row'));
    const file = get('source_file');
    const restriction = serviceRestriction(
      get('restriction_type'),
      get('restriction_value'),
      get('limit_quantity').trim(),
      get('limit_unit').trim(),
      get('cycle_days').trim(),
      get('description'),
    );
    if ('unhandled' in restriction) {
      restrictionTypes[get('restriction_type')] = 'reported';
      skipped.push({ file, row, name, reason: `unhandled restriction ${restriction.unhandled}` });
      continue;
    }
    restrictionTypes[get('restriction_type')] = restriction.type;
    const link = serviceLink(code, name);
    if (link.itemId === null) {
      skipped.push({ file, row, name, reason: `service ${link.status}` });
      continue;
    }
    const rule: RuleInput = {
      id: ruleId('s', get('batch'), TYPE_SLUG[restriction.type] ?? restriction.type, row),
      type: restriction.type,
      name,
      targets: [link.itemId],
      codes: [code],
      ...restriction.fields,
      description: text(get('description')),
      source: { batch: get('batch'), file, row },
    };
    assertRule(rule, tables.serviceRestrictions.source, record.line);
    if (restriction.review === true) review += 1;
    rules.push(rule);
  }

  for (const record of tables.duplicatePairs.records) {
    const get = (column: string): string => csvField(tables.duplicatePairs, record, column);
    const row = Number(get('xlsx_row'));
    const file = get('source_file');
    const mainCode = get('main_item_code').trim();
    const secondaryCode = get('secondary_item_code').trim();
    const main = serviceLink(mainCode, get('main_item_name').trim());
    const secondary = serviceLink(secondaryCode, get('secondary_item_name').trim());
    restrictionTypes['重复收费'] = 'duplicateCharge';
    if (main.itemId === null || secondary.itemId === null) {
      const which = main.itemId === null ? main : secondary;
      skipped.push({ file, row, name: which.name, reason: `service ${which.status}` });
      continue;
    }
    if (main.itemId === secondary.itemId) {
      skipped.push({ file, row, name: main.name, reason: 'pair links to one item' });
      continue;
    }
    const rule: RuleInput = {
      id: ruleId('p', get('batch'), 'dup', row),
      type: 'duplicateCharge',
      name: get('main_item_name').trim(),
      targets: [main.itemId],
      codes: [mainCode],
      pairedWith: [secondary.itemId],
      pairedCodes: [secondaryCode],
      ...pairFrequency(get('frequency').trim()),
      value: `${get('main_item_name').trim()} / ${get('secondary_item_name').trim()}`,
      description: text(get('remark')),
      source: { batch: get('batch'), file, row },
    };
    assertRule(rule, tables.duplicatePairs.source, record.line);
    rules.push(rule);
  }

  let codesDropped = 0;
  const codedItems: ItemInput[] = [];
  for (const item of input.nrdl) {
    const added = item.id === undefined ? undefined : itemCodes.get(item.id);
    if (added === undefined || added.size === 0) continue;
    const all = [...new Set([...(item.codes ?? []), ...added])].sort();
    codesDropped += Math.max(0, all.length - MAX_ITEM_CODES);
    codedItems.push({ ...item, codes: all.slice(0, MAX_ITEM_CODES) });
  }

  const drugList = [...drugLinks.values()];
  const serviceList = [...new Map([...serviceLinks.values()].map((link) => [link.code, link])).values()];
  const report: LinkReport = {
    drugs: {
      names: drugList.length,
      linked: drugList.filter(
        (link) => link.itemIds.length > 0 && ['exact', 'qualifier', 'stem', 'salt'].includes(link.status),
      ).length,
      byStatus: counts(drugList.map((link) => link.status)),
      examples: examplesOf(drugList, n),
      itemsWithCodes: codedItems.length,
      codes: codedItems.reduce((sum, item) => sum + (item.codes?.length ?? 0), 0),
      codesDropped,
    },
    services: {
      codes: serviceList.length,
      linked: serviceList.filter((link) => link.itemId !== null).length,
      byStatus: counts(serviceList.map((link) => link.status)),
      examples: examplesOf(serviceList, n),
    },
    rules: counts(rules.map((rule) => rule.type)),
    review,
    skipped: { count: skipped.length, byReason: counts(skipped.map((s) => s.reason)) },
    restrictionTypes,
  };
  return { rules, codedItems, drugLinks: drugList, serviceLinks: serviceList, skipped, report };
}

/** Reads `data/` (the rule base, the NRDL and the province's service list) and builds the rule set. */
export function readRuleBase(folder: string, province: ProvinceInfo): RuleBase {
  return buildRuleBase({
    tables: readRuleBaseTables(folder),
    nrdl: readNrdlFile(`${folder}/nrdl-2024-drugs.csv`).map((entry: NrdlEntry) => entry.item),
    services: readServiceFile(`${folder}/shaanxi-2021-medical-service-prices.csv`, province).entries,
  });
}

/** The report as text lines in `lang` (the import's printed summary). */
export function linkReportLines(report: LinkReport, lang: Lang = 'en'): string[] {
  const sep = lang === 'zh' ? '，' : ', ';
  const pairs = (record: Readonly<Record<string, number>>): string =>
    Object.entries(record)
      .map(([key, value]) => `${key} ${value}`)
      .join(sep);
  const say = (key: MessageKey, params: Params): string => fill(CATALOGUES[lang][key], params, lang);
  const lines = [
    say('import.ruleBase.drugs', {
      names: report.drugs.names,
      linked: report.drugs.linked,
      detail: pairs(report.drugs.byStatus),
    }),
    say('import.ruleBase.codes', { items: report.drugs.itemsWithCodes, codes: report.drugs.codes }),
    say('import.ruleBase.services', {
      codes: report.services.codes,
      linked: report.services.linked,
      detail: pairs(report.services.byStatus),
    }),
    say('import.ruleBase.rules', {
      rules: Object.values(report.rules).reduce((a, b) => a + b, 0),
      detail: pairs(report.rules),
      review: report.review,
    }),
    say('import.ruleBase.skipped', { count: report.skipped.count, detail: pairs(report.skipped.byReason) }),
  ];
  for (const link of report.services.examples.nameMismatch ?? []) {
    lines.push(
      say('import.ruleBase.nameMismatch', {
        code: link.code,
        name: link.name,
        localCode: link.localCode,
        localName: link.localName ?? '',
      }),
    );
  }
  for (const link of report.drugs.examples.unlinked ?? []) {
    lines.push(say('import.ruleBase.drugUnlinked', { name: link.name }));
  }
  for (const link of report.drugs.examples.formMismatch ?? []) {
    lines.push(say('import.ruleBase.formMismatch', { name: link.name, nrdl: link.nrdlNames.join(sep) }));
  }
  return lines;
}
