/**
 * `catalog claim check <claim.json|claim.csv>`: checks a whole claim (see gateway-client's claim
 * check) — each line's coverage and every rule that applied, then the claim-level findings — as
 * tables for people (Chinese first), JSON for machines (`--json`), and CSV with `--csv out.csv`.
 *
 * A JSON claim is `{ province?, date?, patient?: { age, sex, hospitalLevel, visitType,
 * insuranceType }, lines: [...] }` or an array of lines; a CSV claim has one line per row (columns
 * itemId | name [+ dosageForm] | code, quantity, date, time). The options give or override the
 * claim's province, date and patient.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { PatientContext } from '@nrdl-catalog/chaincode/model';
import {
  checkClaim,
  claimCsv,
  claimText,
  displayPath,
  fsReason,
  table,
  type ClaimLineStatus,
  type ClaimResult,
} from '@nrdl-catalog/gateway-client';
import { decodeText, type TextEncodingName } from '@nrdl-catalog/gateway-client/import';
import { CommandContext, UsageError, dateOption, parseCommand, str } from './context';
import { codeCell, columns, t, type CliKey, type Lang } from './i18n';
import { CROSS_OPTIONS, crossPatient, crossProvinceText, insuredAnswer, splitText } from './cross-province';
import { encodingOption, patientFrom } from './query-commands';

/** The catalogue key of each line status. */
const STATUS_KEYS: Readonly<Record<ClaimLineStatus, CliKey>> = {
  ok: 'cli.claim.status.ok',
  notCovered: 'cli.claim.status.notCovered',
  restricted: 'cli.claim.status.restricted',
  review: 'cli.claim.status.review',
  flagged: 'cli.claim.status.flagged',
  error: 'cli.claim.status.error',
};

/** A claim file's header (what the file says of the whole claim) and its raw lines. */
export interface ClaimDocument {
  readonly province?: string;
  readonly date?: string;
  readonly patient?: PatientContext;
  readonly lines: readonly unknown[];
  /** Already paid this year, fen (`{ fundPaidFen, deductibleFen }`), for the estimated split. */
  readonly accumulated?: { readonly fundPaidFen?: number; readonly deductibleFen?: number };
}

/** Reads a claim file: JSON (`{…, lines}` or an array of lines) or CSV (one line per row). */
export function readClaimDocument(file: string, encoding: TextEncodingName = 'auto'): ClaimDocument {
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
    try {
      const lines = parseCsv<Record<string, string>>(text, {
        columns: true,
        skip_empty_lines: true,
        trim: true,
        bom: true,
      });
      return { lines };
    } catch (error) {
      throw new UsageError('cli.usage.notCsv', { file: displayPath(file), detail: (error as Error).message });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError('cli.usage.notJson', { file: displayPath(file), detail: (error as Error).message });
  }
  if (Array.isArray(parsed)) return { lines: parsed };
  const doc = (parsed ?? {}) as Record<string, unknown>;
  if (!Array.isArray(doc.lines)) throw new UsageError('cli.usage.claimLines', { file: displayPath(file) });
  return {
    lines: doc.lines,
    ...(typeof doc.province === 'string' ? { province: doc.province } : {}),
    ...(typeof doc.date === 'string' ? { date: doc.date } : {}),
    ...(doc.patient !== null && typeof doc.patient === 'object' ? { patient: doc.patient } : {}),
    ...(doc.accumulated !== null && typeof doc.accumulated === 'object'
      ? { accumulated: doc.accumulated }
      : {}),
  };
}

function lineRows(lang: Lang, result: ClaimResult): unknown[][] {
  return result.lines.map((line) => [
    line.line,
    line.coverage?.itemId ?? null,
    line.coverage?.name ?? null,
    line.quantity,
    line.date ?? line.coverage?.date ?? null,
    t(lang, STATUS_KEYS[line.status]),
    codeCell(lang, 'reason', line.coverage?.reason),
    line.rules.map((rule) => `${rule.ruleId}:${rule.outcome}`).join(' '),
    line.error === null
      ? (line.coverage?.restriction ?? null)
      : `${line.error.code}: ${claimText(line.error, lang)}`,
  ]);
}

/** The human rendering of a claim's answer: the lines, the findings, the summary. */
export function claimResultText(lang: Lang, result: ClaimResult): string {
  const insured = insuredAnswer(result);
  const split = splitText(lang, result);
  const parts = [
    ...(insured === null ? [] : [crossProvinceText(lang, insured), '']),
    table(
      columns(lang, [
        'cli.col.line',
        'cli.col.item',
        'cli.col.name',
        'cli.col.quantity',
        'cli.col.date',
        'cli.col.status',
        'cli.col.reason',
        'cli.col.rules',
        'cli.col.message',
      ]),
      lineRows(lang, result),
    ),
    '',
    result.findings.length === 0
      ? t(lang, 'cli.claim.noFindings')
      : table(
          columns(lang, [
            'cli.col.finding',
            'cli.col.status',
            'cli.col.lines',
            'cli.col.rules',
            'cli.col.message',
          ]),
          result.findings.map((finding) => [
            finding.kind,
            t(lang, finding.outcome === 'review' ? 'cli.claim.status.review' : 'cli.claim.status.flagged'),
            finding.lines.join(','),
            finding.ruleIds.join(' '),
            claimText(finding, lang),
          ]),
        ),
    '',
    ...(split === '' ? [] : [split, '']),
    t(lang, 'cli.claim.summary', {
      lines: result.summary.lines,
      errors: result.summary.errors,
      findings: result.summary.findings,
      version: result.catalogVersion ?? '-',
      batches: result.summary.batches,
    }),
  ];
  return parts.join('\n');
}

/**
 * `catalog claim check <file> [--province P] [--date D] [patient…] [--insurance T] [--insured P]
 * [--registered|--unregistered] [--chronic] [--csv out.csv]`
 */
export async function claimCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const [what, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    province: { type: 'string' },
    date: { type: 'string' },
    age: { type: 'string' },
    sex: { type: 'string' },
    level: { type: 'string' },
    visit: { type: 'string' },
    ...CROSS_OPTIONS,
    csv: { type: 'string' },
    encoding: { type: 'string' },
  });
  const [file] = positionals;
  if (what !== 'check' || file === undefined) throw new UsageError('cli.usage.claim');
  const doc = readClaimDocument(file, encodingOption(values));
  const province = str(values, 'province') ?? doc.province;
  if (province === undefined) throw new UsageError('cli.usage.required', { name: 'province' });
  const date = dateOption(values, 'date') ?? doc.date;
  const patient: PatientContext = {
    ...doc.patient,
    ...patientFrom(values),
    ...crossPatient(values),
  };
  const result = await checkClaim(ctx.client(), {
    province,
    ...(date === undefined ? {} : { date }),
    ...(Object.keys(patient).length > 0 ? { patient } : {}),
    ...(doc.accumulated === undefined ? {} : { accumulated: doc.accumulated }),
    lines: doc.lines,
  });
  const csv = str(values, 'csv');
  if (csv !== undefined) {
    try {
      writeFileSync(csv, claimCsv(result, ctx.lang));
    } catch (error) {
      throw new UsageError('cli.usage.cannotWrite', { file: displayPath(csv), reason: fsReason(error) });
    }
    ctx.note(ctx.t('cli.claim.csvWritten', { file: displayPath(csv) }));
  }
  ctx.print(result, () => claimResultText(ctx.lang, result));
  return result.summary.errors > 0 ? 1 : 0;
}
