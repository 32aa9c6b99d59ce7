/**
 * Cross-province care (异地就医) on the command line: the options that name the insured province,
 * the registration status and a chronic-disease outpatient visit (`--insured`, `--registered` /
 * `--unregistered`, `--chronic`, `--insurance`), the lines that say which province supplied what
 * (就医地目录、参保地政策), and the table of the estimated fund split.
 */
import type {
  InsuranceType,
  InsuredCoverageResult,
  PatientContext,
  PaymentPolicyAnswer,
} from '@nrdl-catalog/chaincode/model';
import { table, type ClaimResult, type LineEstimate } from '@nrdl-catalog/gateway-client';
import { UsageError, str } from './context';
import { columns, t, type CliKey, type Lang } from './i18n';

/** The options of {@link crossPatient}, for `parseCommand`. */
export const CROSS_OPTIONS = {
  insurance: { type: 'string' },
  insured: { type: 'string' },
  registered: { type: 'boolean' },
  unregistered: { type: 'boolean' },
  chronic: { type: 'boolean' },
} as const;

const INSURANCE_TYPES: readonly InsuranceType[] = ['employee', 'resident', 'workInjury', 'maternity'];

/** The patient fields of `--insurance --insured --registered|--unregistered --chronic` (absent ones left out). */
export function crossPatient(values: Record<string, unknown>): Partial<PatientContext> {
  const insurance = str(values, 'insurance');
  if (insurance !== undefined && !INSURANCE_TYPES.includes(insurance as InsuranceType)) {
    throw new UsageError('cli.usage.insurance', { list: INSURANCE_TYPES.join(', '), value: insurance });
  }
  if (values.registered === true && values.unregistered === true) {
    throw new UsageError('cli.usage.registered');
  }
  const insured = str(values, 'insured');
  return {
    ...(insurance === undefined ? {} : { insuranceType: insurance as InsuranceType }),
    ...(insured === undefined ? {} : { insuredProvince: insured }),
    ...(values.registered === true ? { registered: true } : {}),
    ...(values.unregistered === true ? { registered: false } : {}),
    ...(values.chronic === true ? { chronic: true } : {}),
  };
}

/** Fen as yuan, `¥1,234.56`, from the integer (no floating-point division). */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '-';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.trunc(abs / 100).toLocaleString('en-US');
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** Basis points as a percentage, `85.00%`. */
export function formatBp(bp: number | null | undefined): string {
  if (bp === null || bp === undefined) return '-';
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;
}

/** The lines saying which province supplied the catalog and which the payment policy. */
export function crossProvinceText(lang: Lang, answer: InsuredCoverageResult): string {
  const lines = [
    t(lang, 'cli.cross.provinces', {
      treatment: answer.scopeFrom.province,
      insured: answer.policyFrom.province,
    }),
  ];
  const policy: PaymentPolicyAnswer | null = answer.paymentPolicy;
  if (policy === null) {
    lines.push(t(lang, 'cli.cross.policyNone', { insured: answer.insuredProvince, date: answer.date }));
    return lines.join('\n');
  }
  const document = `${policy.provenance.documentNumber} ${policy.provenance.title}`;
  const row = policy.row;
  if (row === null) {
    const missing =
      policy.missing.length === 0 ? '' : t(lang, 'cli.cross.missing', { fields: policy.missing.join(', ') });
    lines.push(
      t(lang, 'cli.cross.policyNoRow', {
        insured: policy.province,
        version: policy.listedInVersion,
        document,
        missing,
      }),
    );
    return lines.join('\n');
  }
  lines.push(
    t(lang, 'cli.cross.policyFound', {
      insured: policy.province,
      version: policy.listedInVersion,
      document,
      row: policy.rowIndex ?? '-',
      insurance: row.insuranceType,
      visit: row.visitType,
      levels: row.hospitalLevels.join(','),
      deductible: formatFen(row.deductibleFen),
      ratio: formatBp(policy.fundRatioBp),
      basis: t(lang, BASIS_KEYS[policy.ratioBasis ?? 'local']),
      cap: formatFen(row.annualCapFen),
      classB: formatBp(row.classBSelfPayBp),
    }),
  );
  return lines.join('\n');
}

/** The first answer of a claim that names an insured province (they all name the same). */
export function insuredAnswer(result: ClaimResult): InsuredCoverageResult | null {
  for (const line of result.lines) {
    const coverage = line.coverage as InsuredCoverageResult | null;
    if (coverage?.insuredProvince !== undefined) return coverage;
  }
  return null;
}

const BASIS_KEYS: Readonly<Record<NonNullable<PaymentPolicyAnswer['ratioBasis']>, CliKey>> = {
  local: 'cli.cross.basis.local',
  registered: 'cli.cross.basis.registered',
  unregistered: 'cli.cross.basis.unregistered',
};

const GAP_KEYS: Readonly<Record<Exclude<LineEstimate['status'], 'estimated'>, CliKey>> = {
  noAmount: 'cli.split.status.noAmount',
  noPolicy: 'cli.split.status.noPolicy',
  noRow: 'cli.split.status.noRow',
  noAnswer: 'cli.split.status.noAnswer',
};

const SPLIT_COLUMNS: readonly CliKey[] = [
  'cli.col.line',
  'cli.col.amount',
  'cli.col.notCovered',
  'cli.col.classB',
  'cli.col.deductible',
  'cli.col.coinsurance',
  'cli.col.aboveCap',
  'cli.col.fund',
  'cli.col.patient',
];

function estimateRow(lang: Lang, line: number | string, estimate: LineEstimate | undefined): unknown[] {
  if (estimate === undefined || estimate.status !== 'estimated') {
    return [line, t(lang, GAP_KEYS[estimate?.status ?? 'noAmount']), '', '', '', '', '', '', ''];
  }
  const split = estimate.split;
  return [
    line,
    formatFen(split.amountFen),
    formatFen(split.notCoveredFen),
    formatFen(split.classBSelfPayFen),
    formatFen(split.deductibleFen),
    formatFen(split.coinsuranceFen),
    formatFen(split.aboveCapFen),
    formatFen(split.fundPaysFen),
    formatFen(split.patientPaysFen),
  ];
}

/** The split table of a claim (empty text when the claim gives no amounts). */
export function splitText(lang: Lang, result: ClaimResult): string {
  const split = result.split;
  if (split === undefined) return '';
  const rows = result.lines.map((line) => estimateRow(lang, line.line, line.estimate));
  const totals = split.totals;
  rows.push([
    t(lang, 'cli.split.total'),
    formatFen(totals.amountFen),
    formatFen(totals.notCoveredFen),
    formatFen(totals.classBSelfPayFen),
    formatFen(totals.deductibleFen),
    formatFen(totals.coinsuranceFen),
    formatFen(totals.aboveCapFen),
    formatFen(totals.fundPaysFen),
    formatFen(totals.patientPaysFen),
  ]);
  const parts = [t(lang, 'cli.split.title'), table(columns(lang, SPLIT_COLUMNS), rows)];
  if (split.remaining !== null) {
    parts.push(
      t(lang, 'cli.split.remaining', {
        deductible: formatFen(split.remaining.deductibleFen),
        cap: formatFen(split.remaining.annualCapFen),
      }),
    );
  }
  return parts.join('\n');
}
