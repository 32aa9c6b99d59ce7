import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  coverageResultsOf,
  type CoverageInput,
  type CoverageResult,
  type Governance,
  type InsuredCoverageResult,
  type Item,
  type Overlay,
  MAX_BATCH_LINES,
  MAX_CHUNK_CHANGES,
  type PatientContext,
  type RestrictionRules,
  type ScopeRule,
} from '@nrdl-catalog/chaincode/model';
import { label } from '@nrdl-catalog/chaincode/messages';
import {
  displayPath,
  fsReason,
  type GovernanceMembers,
  MembersError,
  parsePatient,
  PATIENT_FIELDS,
  type PatientField,
  PatientInputError,
  readTopologyMembers,
  type ItemView,
} from '@nrdl-catalog/gateway-client';
import {
  CliCodedError,
  CommandContext,
  UsageError,
  dateOption,
  int,
  parseCommand,
  required,
  str,
} from './context';
import { table, textOf } from '@nrdl-catalog/gateway-client';
import {
  codeCell,
  columns,
  labelCell,
  recordText,
  t,
  yesNo,
  type CliKey,
  type FieldNames,
  type Lang,
} from './i18n';
import { TEXT_ENCODINGS, decodeText, type TextEncodingName } from '@nrdl-catalog/gateway-client/import';
import { CROSS_OPTIONS, crossPatient, crossProvinceText } from './cross-province';

const COVERAGE_COLUMNS: readonly CliKey[] = [
  'cli.col.item',
  'cli.col.name',
  'cli.col.kind',
  'cli.col.class',
  'cli.col.covered',
  'cli.col.reason',
  'cli.col.version',
  'cli.col.restriction',
];

function coverageRow(lang: Lang, result: CoverageResult): unknown[] {
  return [
    result.itemId,
    result.name,
    labelCell(lang, 'kind', result.kind),
    result.class,
    yesNo(lang, result.covered),
    codeCell(lang, 'reason', result.reason),
    result.catalogVersion,
    result.restriction,
  ];
}

/** Patient context from `--age --sex --level --visit` (parsed by {@link parsePatient}). */
export function patientFrom(values: Record<string, unknown>): PatientContext | undefined {
  const fields: Partial<Record<PatientField, string>> = {};
  for (const field of PATIENT_FIELDS) {
    const value = str(values, field);
    if (value !== undefined) fields[field] = value;
  }
  try {
    return parsePatient(fields);
  } catch (error) {
    if (error instanceof PatientInputError) throw patientUsageError(error, fields[error.field] ?? '');
    throw error;
  }
}

/** A patient option that does not parse, as a usage error of the catalogue. */
function patientUsageError(error: PatientInputError, value: string): UsageError {
  if (error.field === 'sex') return new UsageError('cli.usage.sex', { value });
  if (error.field === 'visit') return new UsageError('cli.usage.visit', { value });
  const range = /from (\d+) to (\d+)/.exec(error.detail);
  return range === null
    ? new UsageError(`--${error.detail}`)
    : new UsageError('cli.usage.intRange', {
        name: error.field,
        min: range[1] ?? '',
        max: range[2] ?? '',
        value,
      });
}

/**
 * `catalog coverage --province P (--item ID | --name N [--form F] | --code C) [--date D] [patient…]`.
 * A name or code is resolved on chain: every item it names answers, each with its dosage form.
 */
export async function coverageCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    province: { type: 'string' },
    item: { type: 'string' },
    name: { type: 'string' },
    form: { type: 'string' },
    code: { type: 'string' },
    date: { type: 'string' },
    age: { type: 'string' },
    sex: { type: 'string' },
    level: { type: 'string' },
    visit: { type: 'string' },
    ...CROSS_OPTIONS,
  });
  const province = required(values, 'province');
  const item = str(values, 'item');
  const name = str(values, 'name');
  const code = str(values, 'code');
  const form = str(values, 'form');
  if ([item, name, code].filter((v) => v !== undefined).length !== 1) {
    throw new UsageError('cli.usage.itemOrName');
  }
  const date = dateOption(values, 'date');
  const cross = crossPatient(values);
  const patient =
    Object.keys(cross).length === 0 ? patientFrom(values) : { ...patientFrom(values), ...cross };
  const base = { province, ...(date ? { date } : {}), ...(patient ? { patient } : {}) };
  let results: readonly CoverageResult[];
  if (item !== undefined) {
    results = [await ctx.client().checkCoverage({ ...base, itemId: item })];
  } else {
    const line =
      code !== undefined
        ? { ...base, code }
        : { ...base, name: name ?? '', ...(form === undefined ? {} : { dosageForm: form }) };
    const { results: answers } = await ctx.client().checkCoverageBatch({ lines: [line] });
    results = answers[0] === undefined ? [] : coverageResultsOf(answers[0]);
    if (results.length === 0) {
      const what = code ?? name ?? '';
      ctx.print({ results: [] }, () => ctx.t('cli.coverage.noItemNamed', { name: what }));
      throw form
        ? new CliCodedError('ITEM_NOT_FOUND', 'cli.coverage.noItemNamedInForm', { name: what, form })
        : new CliCodedError('ITEM_NOT_FOUND', 'cli.coverage.noItemNamed', { name: what });
    }
  }
  const insured = results.find(
    (r): r is InsuredCoverageResult => (r as Partial<InsuredCoverageResult>).insuredProvince !== undefined,
  );
  ctx.print({ results }, () =>
    [
      ...(insured === undefined ? [] : [crossProvinceText(ctx.lang, insured)]),
      table(
        columns(ctx.lang, COVERAGE_COLUMNS),
        results.map((result) => coverageRow(ctx.lang, result)),
      ),
    ].join('\n'),
  );
  return 0;
}

/** One line of a claim file, with its source line number, or the reason it is invalid. */
export type ClaimLine =
  { line: number; input: CoverageInput } | { line: number; error: string; problem: UsageError };

/** A claim line's problem as a table shows it (a field's option named without its `--`). */
function lineProblem(lang: Lang, line: number, problem: UsageError): string {
  return `INVALID_INPUT: ${t(lang, 'cli.batch.lineError', { line, detail: problem.text(lang).replace(/^--/, '') })}`;
}

/** The `--encoding` of a command that reads a file: `auto` (default: UTF-8, else GB18030), `utf-8`, `gb18030` (or `gbk`). */
export function encodingOption(values: Record<string, unknown>): TextEncodingName {
  const given = str(values, 'encoding')?.toLowerCase();
  if (given === undefined) return 'auto';
  const name = given === 'gbk' || given === 'gb2312' ? 'gb18030' : given === 'utf8' ? 'utf-8' : given;
  const known = TEXT_ENCODINGS.find((encoding) => encoding === name);
  if (known === undefined) {
    throw new UsageError('cli.usage.encoding', { list: TEXT_ENCODINGS.join(', '), value: given });
  }
  return known;
}

/**
 * Reads a claim file (JSON array / `{ "lines": [...] }`, or CSV with a header) into coverage lines.
 * The file may be UTF-8 (with or without a byte order mark) or GB18030 / GBK, as spreadsheet
 * programs save it ({@link decodeText}).
 */
export function readClaimFile(
  file: string,
  province: string,
  encoding: TextEncodingName = 'auto',
): ClaimLine[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new UsageError('cli.usage.cannotRead', { file: displayPath(file), reason: fsReason(error) });
  }
  let text: string;
  try {
    text = decodeText(bytes, encoding).text;
  } catch {
    throw new UsageError('cli.usage.notText', { file: displayPath(file), encoding });
  }
  if (file.toLowerCase().endsWith('.csv')) {
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parseCsv<{ record: Record<string, string>; info: { lines: number } }>(text, {
        columns: true,
        skip_empty_lines: true,
        info: true,
        trim: true,
      });
    } catch (error) {
      throw new UsageError('cli.usage.notCsv', { file: displayPath(file), detail: (error as Error).message });
    }
    return records.map(({ record, info }) => claimLine(info.lines, record, province));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError('cli.usage.notJson', { file: displayPath(file), detail: (error as Error).message });
  }
  const lines = Array.isArray(parsed)
    ? parsed
    : parsed !== null && typeof parsed === 'object'
      ? (parsed as { lines?: unknown }).lines
      : undefined;
  if (!Array.isArray(lines)) throw new UsageError('cli.usage.claimLines', { file: displayPath(file) });
  return lines.map((entry: unknown, index) =>
    claimLine(index + 1, (entry ?? {}) as Record<string, unknown>, province),
  );
}

function claimLine(line: number, raw: Record<string, unknown>, province: string): ClaimLine {
  const itemId = raw.itemId ?? raw.item;
  if (typeof itemId !== 'string' || itemId.trim() === '') {
    const problem = new UsageError('cli.batch.itemIdMissing');
    return { line, error: problem.message, problem };
  }
  const values: Record<string, unknown> = {};
  for (const key of PATIENT_FIELDS) {
    const value =
      raw[key] ?? (key === 'level' ? raw.hospitalLevel : key === 'visit' ? raw.visitType : undefined);
    if (value !== undefined && value !== null && value !== '') values[key] = textOf(value);
  }
  try {
    const patient = patientFrom(values);
    const date =
      raw.date === undefined || raw.date === '' ? undefined : dateOption({ date: raw.date }, 'date');
    return {
      line,
      input: { province, itemId: itemId.trim(), ...(date ? { date } : {}), ...(patient ? { patient } : {}) },
    };
  } catch (error) {
    const problem = error instanceof UsageError ? error : new UsageError((error as Error).message);
    return { line, error: problem.message.replace(/^--/, ''), problem };
  }
}

/** `catalog coverage-batch --province P --file claim.json|claim.csv` */
export async function coverageBatchCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    province: { type: 'string' },
    file: { type: 'string' },
    encoding: { type: 'string' },
  });
  const province = required(values, 'province');
  const lines = readClaimFile(required(values, 'file'), province, encodingOption(values));
  const valid = lines.filter((line): line is { line: number; input: CoverageInput } => 'input' in line);
  const answers = new Map<number, CoverageResult>();
  for (let start = 0; start < valid.length; start += MAX_BATCH_LINES) {
    const slice = valid.slice(start, start + MAX_BATCH_LINES);
    const { results } = await ctx.client().checkCoverageBatch({ lines: slice.map((line) => line.input) });
    slice.forEach((line, index) => {
      const result = results[index];
      // claim lines name items by id: each answer is one CoverageResult
      if (result) answers.set(line.line, result as CoverageResult);
    });
  }
  const results = lines.map((line) =>
    'error' in line
      ? { line: line.line, error: `INVALID_INPUT: line ${line.line}: ${line.error}` }
      : { line: line.line, ...answers.get(line.line) },
  );
  ctx.print({ results }, () =>
    table(
      columns(ctx.lang, ['cli.col.line', ...COVERAGE_COLUMNS]),
      lines.map((line) =>
        'error' in line
          ? [line.line, lineProblem(ctx.lang, line.line, line.problem)]
          : [line.line, ...coverageRow(ctx.lang, { ...answers.get(line.line) } as CoverageResult)],
      ),
    ),
  );
  return lines.some((line) => 'error' in line) ? 1 : 0;
}

/** `catalog search <text> [--province] [--kind] [--class] [--section] [--limit N] [--bookmark B]` */
export async function searchCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    province: { type: 'string' },
    kind: { type: 'string' },
    class: { type: 'string' },
    section: { type: 'string' },
    code: { type: 'string' },
    category: { type: 'string' },
    prefix: { type: 'boolean' },
    limit: { type: 'string' },
    bookmark: { type: 'string' },
  });
  const text = positionals.join(' ').trim();
  const kind = str(values, 'kind');
  const drugClass = str(values, 'class');
  const input = {
    ...(text ? (values.prefix === true ? { namePrefix: text } : { name: text }) : {}),
    ...(str(values, 'province') ? { province: str(values, 'province') } : {}),
    ...(kind ? { kind: kind as 'drug' } : {}),
    ...(drugClass ? { class: drugClass as '甲' } : {}),
    ...(str(values, 'section') ? { section: str(values, 'section') } : {}),
    ...(str(values, 'code') ? { code: str(values, 'code') } : {}),
    ...(str(values, 'category') ? { categoryCode: str(values, 'category') } : {}),
    pageSize: int(values, 'limit', 1, 200) ?? 20,
    ...(str(values, 'bookmark') ? { bookmark: str(values, 'bookmark') } : {}),
  };
  const page = await ctx.client().searchItems(input);
  const provinceName = await ctx.provinceNames();
  ctx.print(page, () => {
    const body = table(
      columns(ctx.lang, [
        'cli.col.item',
        'cli.col.name',
        'cli.col.form',
        'cli.col.kind',
        'cli.col.class',
        'cli.col.section',
        'cli.col.number',
        'cli.col.province',
      ]),
      page.records.map((item) => [
        item.itemId,
        item.name,
        item.dosageForm,
        labelCell(ctx.lang, 'kind', item.kind),
        item.class,
        item.section,
        item.number,
        item.province === null ? null : provinceName(item.province),
      ]),
    );
    return page.bookmark ? `${body}\n\n${ctx.t('cli.search.more', { bookmark: page.bookmark })}` : body;
  });
  return 0;
}

/** `catalog item <id> [--version N | --date D] [--province P]` */
export async function itemCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    version: { type: 'string' },
    date: { type: 'string' },
    province: { type: 'string' },
  });
  const [itemId] = positionals;
  if (!itemId) throw new UsageError('cli.usage.itemNeedsId');
  const version = int(values, 'version', 1, 1_000_000_000);
  const date = dateOption(values, 'date');
  if (version !== undefined && date !== undefined) throw new UsageError('cli.usage.versionOrDate');
  const province = str(values, 'province');
  const item = await ctx.client().getItem({
    itemId,
    ...(version !== undefined ? { version } : {}),
    ...(date ? { date } : {}),
    ...(province ? { province } : {}),
  });
  const provinceName = await ctx.provinceNames();
  ctx.print(item, () => itemText(ctx.lang, item, provinceName));
  return 0;
}

/** The fields of `catalog item` in Chinese (the item's own fields shown one a line). */
const ITEM_FIELDS: FieldNames = {
  itemId: 'cli.field.itemId',
  name: 'cli.field.name',
  kind: ['cli.field.kind', 'kind'],
  class: 'cli.field.class',
  dosageForm: 'cli.field.dosageForm',
  section: 'cli.field.section',
  number: 'cli.field.number',
  categoryCode: 'cli.field.categoryCode',
  province: 'cli.field.owner',
  code: 'cli.field.code',
  unit: 'cli.field.unit',
  prices: 'cli.field.prices',
  paymentStandard: 'cli.field.paymentStandard',
  agreementPeriod: 'cli.field.agreementPeriod',
  remark: 'cli.field.remark',
  rules: 'cli.field.itemRules',
  fundPayable: ['cli.field.fundPayable', 'boolean'],
  overlays: 'cli.field.overlays',
  catalogVersion: 'cli.field.catalogVersion',
  versionEffectiveFrom: 'cli.field.versionEffectiveFrom',
  listedInVersion: 'cli.field.listedInVersion',
  proposalId: 'cli.field.proposalId',
  versionTxId: 'cli.field.versionTxId',
};

/**
 * `catalog item` as `key: value` lines: in English the answer's fields as they are; in Chinese the
 * item's own fields one a line (prices, periods and provinces readable), then each province's terms.
 */
function itemText(lang: Lang, view: ItemView, provinceName: (name: string) => string): string {
  if (lang === 'en') return recordText(lang, view as unknown as Record<string, unknown>, {});
  const item = view.item;
  const prices = (p: Item['prices']): string | null =>
    p === null
      ? null
      : (['level3', 'level2', 'level1'] as const)
          .filter((level) => p[level] !== null)
          .map((level) => `${label(lang, 'level', level.slice(-1))} ${p[level] ?? ''}`)
          .join('；');
  const overlay = (o: Overlay): string =>
    [
      `${provinceName(o.province)}：`,
      [
        o.selfPayRatio === null
          ? null
          : t(lang, 'cli.item.selfPay', { percent: `${Math.round(o.selfPayRatio * 1000) / 10}%` }),
        o.suspended ? label(lang, 'reason', 'PROVINCE_SUSPENDED') : null,
        o.restriction,
        prices(o.prices),
      ]
        .filter((x) => x !== null && x !== '')
        .join('，'),
    ].join('');
  return recordText(
    lang,
    {
      itemId: view.itemId,
      name: item.name,
      kind: item.kind,
      class: item.class,
      dosageForm: item.dosageForm,
      section: item.section,
      number: item.number,
      categoryCode: item.categoryCode,
      province: item.province === null ? label(lang, 'scope', 'national') : provinceName(item.province),
      code: item.code,
      unit: item.unit,
      prices: prices(item.prices),
      paymentStandard: item.paymentStandard?.text ?? null,
      agreementPeriod:
        item.agreementPeriod === null ? null : t(lang, 'cli.item.period', item.agreementPeriod),
      remark: item.remark,
      rules: item.rules === null ? null : rulesText(lang, item.rules),
      fundPayable: item.fundPayable,
      overlays: view.overlays.length === 0 ? null : view.overlays.map(overlay).join('；'),
      catalogVersion: view.catalogVersion,
      versionEffectiveFrom: view.versionEffectiveFrom,
      listedInVersion: view.listedInVersion,
      proposalId: view.proposalId,
      versionTxId: view.versionTxId,
    },
    ITEM_FIELDS,
  );
}

/** An item's structured payment restrictions in words (`限住院；年龄不低于 18 岁`). */
function rulesText(lang: Lang, rules: RestrictionRules): string {
  return [
    rules.sex === undefined ? null : t(lang, 'cli.rules.sex', { sex: label(lang, 'sex', rules.sex) }),
    rules.minAge === undefined ? null : t(lang, 'cli.rules.minAge', { age: rules.minAge }),
    rules.maxAge === undefined ? null : t(lang, 'cli.rules.maxAge', { age: rules.maxAge }),
    rules.hospitalLevels === undefined
      ? null
      : t(lang, 'cli.rules.levels', { levels: rules.hospitalLevels.map((l) => label(lang, 'level', l)) }),
    rules.visitTypes === undefined
      ? null
      : t(lang, 'cli.rules.visits', { visits: rules.visitTypes.map((v) => label(lang, 'visit', v)) }),
  ]
    .filter((x) => x !== null)
    .join('；');
}

/** The fields of `catalog governance show` in Chinese. */
const GOVERNANCE_FIELDS: FieldNames = {
  version: 'cli.field.governanceVersion',
  nationalMsp: 'cli.field.nationalMsp',
  nationalNames: 'cli.field.nationalNames',
  provinces: 'cli.field.provinces',
  suspended: 'cli.field.suspended',
  auditors: 'cli.field.auditors',
  rules: 'cli.field.rules',
  maxChunkChanges: 'cli.field.maxChunkChanges',
  allowSelfApproval: ['cli.field.allowSelfApproval', 'boolean'],
  nationalKeyPolicy: 'cli.field.nationalKeyPolicy',
  updatedByProposal: 'cli.field.updatedByProposal',
  txId: 'cli.field.txId',
  timestamp: 'cli.field.timestamp',
};

/** Where `governance init` reads the members from when `--topology` is not given (working directory). */
export const DEFAULT_TOPOLOGY = path.join('network', 'topology.json');

/** The governance update of `governance propose`: members added (from the topology), suspended, reinstated. */
function membershipUpdate(values: Record<string, unknown>): Record<string, unknown> {
  const list = (name: string): string[] =>
    (str(values, name) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  const update: Record<string, unknown> = {};
  const added = list('add-province');
  if (added.length > 0) {
    const file = path.resolve(str(values, 'topology') ?? DEFAULT_TOPOLOGY);
    let members: GovernanceMembers;
    try {
      members = readTopologyMembers(file);
    } catch (error) {
      if (error instanceof MembersError) throw new UsageError(error.message);
      throw error;
    }
    update.addProvinces = added.map((name) => {
      const key = name.toLowerCase();
      const found = members.provinces.find(
        (p) => p.name.toLowerCase() === key || p.mspId.toLowerCase() === key,
      );
      if (found === undefined)
        throw new UsageError('cli.usage.governanceProvince', { province: name, file: displayPath(file) });
      return found;
    });
  }
  if (list('suspend').length > 0) update.suspendProvinces = list('suspend');
  if (list('reinstate').length > 0) update.reinstateProvinces = list('reinstate');
  if (Object.keys(update).length === 0) throw new UsageError('cli.usage.governance');
  return update;
}

/**
 * `catalog governance show | init [--topology FILE] [--max-chunk N] | propose --add-province P |
 * --suspend P | --reinstate P [--title T] [--effective-from D]`
 */
export async function governanceCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    'max-chunk': { type: 'string' },
    topology: { type: 'string' },
    'add-province': { type: 'string' },
    suspend: { type: 'string' },
    reinstate: { type: 'string' },
    title: { type: 'string' },
    rationale: { type: 'string' },
    'effective-from': { type: 'string' },
  });
  if (positionals[0] === 'propose') {
    const governance = membershipUpdate(values);
    const client = ctx.client();
    const title = str(values, 'title') ?? ctx.t('cli.governance.membershipTitle', {});
    const created = await client.createProposal({
      scope: 'governance',
      title,
      rationale: str(values, 'rationale') ?? title,
      effectiveFrom: dateOption(values, 'effective-from') ?? new Date().toISOString().slice(0, 10),
      governance,
    });
    const opened = await client.openProposal({ proposalId: created.value.id });
    ctx.print(opened.value, () =>
      ctx.t('cli.governance.proposed', { id: opened.value.id, manifest: opened.value.manifestHash ?? '-' }),
    );
    return 0;
  }
  if (positionals[0] === 'init') {
    const maxChunkChanges = int(values, 'max-chunk', 1, MAX_CHUNK_CHANGES);
    // the members come from the topology the channel was made from, and from the chain afterwards
    const file = path.resolve(str(values, 'topology') ?? DEFAULT_TOPOLOGY);
    let members: GovernanceMembers;
    try {
      members = readTopologyMembers(file);
    } catch (error) {
      if (error instanceof MembersError) throw new UsageError(error.message); // the library's words
      throw error;
    }
    const done = await ctx
      .client()
      .initGovernance({ ...members, ...(maxChunkChanges === undefined ? {} : { maxChunkChanges }) });
    ctx.print(done, () =>
      ctx.t('cli.governance.created', {
        tx: done.transactionId,
        provinces: done.value.provinces.map((p) => (ctx.lang === 'zh' ? p.zh : p.name)),
        national: done.value.nationalMsp,
      }),
    );
    return 0;
  }
  if (positionals[0] !== 'show') throw new UsageError('cli.usage.governance');
  const governance = await ctx.client().getGovernance();
  ctx.print(governance, () => governanceText(ctx.lang, governance));
  return 0;
}

/**
 * The governance record as `key: value` lines; in Chinese the members by their Chinese names (with
 * their canonical name and MSP) and the approval rules by their labels.
 */
function governanceText(lang: Lang, governance: Governance): string {
  if (lang === 'en') return recordText(lang, governance as unknown as Record<string, unknown>, {});
  const rule = (r: ScopeRule): string =>
    [r.national ? t(lang, 'cli.governance.national') : null, label(lang, 'rule', r.provinces)]
      .filter((x) => x !== null)
      .join(' + ');
  return recordText(
    lang,
    {
      ...governance,
      provinces: governance.provinces.map((p) => `${p.zh}（${p.name}，${p.mspId}）`).join('、'),
      suspended: (governance.suspended ?? [])
        .map((msp) => governance.provinces.find((p) => p.mspId === msp)?.zh ?? msp)
        .join('、'),
      rules: (['national', 'provincial', 'governance'] as const)
        .map((scope) => `${label(lang, 'scope', scope)}：${rule(governance.rules[scope])}`)
        .join('；'),
      nationalNames: governance.nationalNames?.zh ?? null,
    },
    GOVERNANCE_FIELDS,
  );
}
