import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  type CoverageInput,
  type CoverageResult,
  type ItemSummary,
  MAX_BATCH_LINES,
  MAX_CHUNK_CHANGES,
  type PatientContext,
} from '@nrdl-catalog/chaincode/model';
import {
  CatalogClientError,
  displayPath,
  fsReason,
  type GovernanceMembers,
  MembersError,
  parsePatient,
  PATIENT_FIELDS,
  type PatientField,
  PatientInputError,
  readTopologyMembers,
} from '@nrdl-catalog/gateway-client';
import { CommandContext, UsageError, dateOption, int, parseCommand, required, str } from './context';
import { keyValues, table, textOf } from '@nrdl-catalog/gateway-client';
import { TEXT_ENCODINGS, decodeText, type TextEncodingName } from '@nrdl-catalog/gateway-client/import';

const COVERAGE_COLUMNS = ['ITEM', 'NAME', 'KIND', 'CLASS', 'COVERED', 'REASON', 'VERSION', 'RESTRICTION'];

function coverageRow(result: CoverageResult): unknown[] {
  return [
    result.itemId,
    result.name,
    result.kind,
    result.class,
    result.covered ? 'yes' : 'no',
    result.reason,
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
    if (error instanceof PatientInputError) throw new UsageError(`--${error.detail}`);
    throw error;
  }
}

/** Every item whose generic name is exactly `name` (and dosage form `form`, when given). */
async function itemsNamed(
  ctx: CommandContext,
  name: string,
  form: string | undefined,
): Promise<ItemSummary[]> {
  const found: ItemSummary[] = [];
  let bookmark = '';
  for (let page = 0; page < 50; page += 1) {
    const result = await ctx.client().searchItems({ name, pageSize: 200, ...(bookmark ? { bookmark } : {}) });
    found.push(...result.records);
    if (!result.bookmark || result.records.length === 0) break;
    bookmark = result.bookmark;
  }
  const norm = (text: string | null): string => (text ?? '').normalize('NFKC').replace(/\s+/g, '');
  return found.filter(
    (item) => norm(item.name) === norm(name) && (form === undefined || norm(item.dosageForm) === norm(form)),
  );
}

/** `catalog coverage --province P (--item ID | --name N [--form F]) [--date D] [patient…]` */
export async function coverageCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    province: { type: 'string' },
    item: { type: 'string' },
    name: { type: 'string' },
    form: { type: 'string' },
    date: { type: 'string' },
    age: { type: 'string' },
    sex: { type: 'string' },
    level: { type: 'string' },
    visit: { type: 'string' },
  });
  const province = required(values, 'province');
  const item = str(values, 'item');
  const name = str(values, 'name');
  if ((item === undefined) === (name === undefined))
    throw new UsageError('give exactly one of --item or --name');
  const date = dateOption(values, 'date');
  const patient = patientFrom(values);
  const base = { province, ...(date ? { date } : {}), ...(patient ? { patient } : {}) };
  let results: CoverageResult[];
  if (item !== undefined) {
    results = [await ctx.client().checkCoverage({ ...base, itemId: item })];
  } else {
    const matches = await itemsNamed(ctx, name ?? '', str(values, 'form'));
    if (matches.length === 0) {
      ctx.print({ results: [] }, () => `no item named "${name ?? ''}"`);
      throw new CatalogClientError(
        'ITEM_NOT_FOUND',
        `no item named "${name ?? ''}"${str(values, 'form') ? ` in form ${str(values, 'form') ?? ''}` : ''}`,
      );
    }
    results = [];
    for (let start = 0; start < matches.length; start += MAX_BATCH_LINES) {
      const lines = matches
        .slice(start, start + MAX_BATCH_LINES)
        .map((match) => ({ ...base, itemId: match.itemId }));
      results.push(...(await ctx.client().checkCoverageBatch({ lines })).results);
    }
  }
  ctx.print({ results }, () => table(COVERAGE_COLUMNS, results.map(coverageRow)));
  return 0;
}

/** One line of a claim file, with its source line number, or the reason it is invalid. */
export type ClaimLine = { line: number; input: CoverageInput } | { line: number; error: string };

/** The `--encoding` of a command that reads a file: `auto` (default: UTF-8, else GB18030), `utf-8`, `gb18030` (or `gbk`). */
export function encodingOption(values: Record<string, unknown>): TextEncodingName {
  const given = str(values, 'encoding')?.toLowerCase();
  if (given === undefined) return 'auto';
  const name = given === 'gbk' || given === 'gb2312' ? 'gb18030' : given === 'utf8' ? 'utf-8' : given;
  const known = TEXT_ENCODINGS.find((encoding) => encoding === name);
  if (known === undefined) {
    throw new UsageError(`--encoding must be one of ${TEXT_ENCODINGS.join(', ')} (or gbk), got "${given}"`);
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
    throw new UsageError(`cannot read ${displayPath(file)}: ${fsReason(error)}`);
  }
  let text: string;
  try {
    text = decodeText(bytes, encoding).text;
  } catch {
    throw new UsageError(`${displayPath(file)} is not valid ${encoding} text (try --encoding gb18030)`);
  }
  if (file.toLowerCase().endsWith('.csv')) {
    const records = parseCsv<{ record: Record<string, string>; info: { lines: number } }>(text, {
      columns: true,
      skip_empty_lines: true,
      info: true,
      trim: true,
    });
    return records.map(({ record, info }) => claimLine(info.lines, record, province));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${displayPath(file)} is not valid JSON: ${(error as Error).message}`);
  }
  const lines = Array.isArray(parsed) ? parsed : (parsed as { lines?: unknown }).lines;
  if (!Array.isArray(lines))
    throw new UsageError(`${displayPath(file)} must hold an array of lines or { "lines": [...] }`);
  return lines.map((entry: unknown, index) =>
    claimLine(index + 1, (entry ?? {}) as Record<string, unknown>, province),
  );
}

function claimLine(line: number, raw: Record<string, unknown>, province: string): ClaimLine {
  const itemId = raw.itemId ?? raw.item;
  if (typeof itemId !== 'string' || itemId.trim() === '') return { line, error: 'itemId is missing' };
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
    return { line, error: (error as Error).message.replace(/^--/, '') };
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
      if (result) answers.set(line.line, result);
    });
  }
  const results = lines.map((line) =>
    'error' in line
      ? { line: line.line, error: `INVALID_INPUT: line ${line.line}: ${line.error}` }
      : { line: line.line, ...answers.get(line.line) },
  );
  ctx.print({ results }, () =>
    table(
      ['LINE', ...COVERAGE_COLUMNS],
      results.map((result) =>
        'error' in result
          ? [result.line, result.error]
          : [result.line, ...coverageRow(result as CoverageResult)],
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
  ctx.print(page, () => {
    const body = table(
      ['ITEM', 'NAME', 'FORM', 'KIND', 'CLASS', 'SECTION', 'NO', 'PROVINCE'],
      page.records.map((item) => [
        item.itemId,
        item.name,
        item.dosageForm,
        item.kind,
        item.class,
        item.section,
        item.number,
        item.province,
      ]),
    );
    return page.bookmark ? `${body}\n\nmore: --bookmark ${page.bookmark}` : body;
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
  if (!itemId) throw new UsageError('catalog item <id> needs an item id');
  const version = int(values, 'version', 1, 1_000_000_000);
  const date = dateOption(values, 'date');
  if (version !== undefined && date !== undefined) throw new UsageError('give --version or --date, not both');
  const province = str(values, 'province');
  const item = await ctx.client().getItem({
    itemId,
    ...(version !== undefined ? { version } : {}),
    ...(date ? { date } : {}),
    ...(province ? { province } : {}),
  });
  ctx.print(item, () => keyValues(item as unknown as Record<string, unknown>));
  return 0;
}

/** Where `governance init` reads the members from when `--topology` is not given (working directory). */
export const DEFAULT_TOPOLOGY = path.join('network', 'topology.json');

/** `catalog governance show | init [--topology FILE] [--max-chunk N]` */
export async function governanceCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    'max-chunk': { type: 'string' },
    topology: { type: 'string' },
  });
  if (positionals[0] === 'init') {
    const maxChunkChanges = int(values, 'max-chunk', 1, MAX_CHUNK_CHANGES);
    // the members come from the topology the channel was made from, and from the chain afterwards
    const file = path.resolve(str(values, 'topology') ?? DEFAULT_TOPOLOGY);
    let members: GovernanceMembers;
    try {
      members = readTopologyMembers(file);
    } catch (error) {
      if (error instanceof MembersError) throw new UsageError(error.message);
      throw error;
    }
    const done = await ctx
      .client()
      .initGovernance({ ...members, ...(maxChunkChanges === undefined ? {} : { maxChunkChanges }) });
    ctx.print(
      done,
      () =>
        `governance record created (tx ${done.transactionId}): ` +
        `${done.value.provinces.map((p) => p.name).join(', ')} with ${done.value.nationalMsp}`,
    );
    return 0;
  }
  if (positionals[0] !== 'show')
    throw new UsageError('usage: catalog governance show | init [--topology FILE] [--max-chunk N]');
  const governance = await ctx.client().getGovernance();
  ctx.print(governance, () => keyValues(governance as unknown as Record<string, unknown>));
  return 0;
}
