/**
 * What the fund pays, estimated (异地就医 / same-province care alike): the split of a claim's amounts
 * between the basic medical insurance fund (统筹基金) and the patient, from each line's coverage
 * answer and the insured province's payment-policy row it carries (`paymentPolicy`, see the
 * chaincode's `model/payment-policy.ts`).
 *
 * Money is integer fen (分) throughout; ratios are integer basis points (1/10,000). Products are
 * taken in BigInt (an amount of up to 10^12 fen times 10,000 is beyond 2^53), and a product is
 * turned back into fen by rounding half up — once per ratio applied to a line, never again: each
 * line applies at most two ratios (the class-乙 self-pay ratio to its amount, the fund ratio to what
 * is left above the deductible) and rounds each product once; every other figure is an exact
 * integer sum, difference or minimum of those, and claim totals are sums of the line figures. So
 * `fundPays + patientPays = amount` holds exactly on every line and for the claim.
 *
 * Per line, in claim order (amount A):
 *
 * 1. `notCovered` — A when the line is not covered (or restricted) in the treatment province: the
 *    patient pays all of it; nothing else applies.
 * 2. `classBSelfPay` — for a class 乙 item, A × the 乙类先行自付比例: the treatment province's overlay
 *    ratio for the item when it gives one (就医地目录: the item's terms), else the insured
 *    province's row ratio.
 * 3. `deductible` — of what remains (政策范围内费用), the part that fills the deductible (起付标准)
 *    still open: the row's deductible minus `accumulated.deductibleFen` minus what earlier lines of
 *    the claim filled.
 * 4. `fundShare` — the rest × the fund ratio (the row's, or its cross-province ratio by
 *    registration), and `coinsurance`, the rest minus the fund share (the patient's share).
 * 5. `aboveCap` — the part of the fund share beyond the annual cap still open (the row's cap minus
 *    `accumulated.fundPaidFen` minus what earlier lines paid): the patient pays it (no serious
 *    illness insurance, 大病保险, is modelled).
 *
 * `fundPays = fundShare − aboveCap`; `patientPays = A − fundPays`.
 */
import type { CoverageResult, PaymentPolicyAnswer } from '@nrdl-catalog/chaincode/model';

/** Where a figure of the split comes from: the province, the rule (policy row or overlay) and the catalog version. */
export interface SplitSource {
  /** The province whose rule supplied the figure. */
  readonly province: string;
  /** `policy`: a row of the insured province's payment policy; `overlay`: the treatment province's terms for the item; `catalog`: the coverage answer. */
  readonly rule: 'policy' | 'overlay' | 'catalog';
  /** The policy row (0-based) for `policy`. */
  readonly rowIndex: number | null;
  /** The proposal that wrote the policy (`policy`), null otherwise. */
  readonly proposalId: string | null;
  /** The catalog version that sealed the rule (`policy`) or answered the line (`overlay`, `catalog`). */
  readonly version: number;
  /** The ratio applied (basis points), or the limit (fen) for the deductible and the cap; null when none. */
  readonly value: number | null;
}

/** The estimated split of one line (fen). */
export interface LineSplit {
  readonly amountFen: number;
  /** Not covered in the treatment province: the patient pays it all. */
  readonly notCoveredFen: number;
  /** 乙类先行自付. */
  readonly classBSelfPayFen: number;
  /** The part within the deductible (起付标准). */
  readonly deductibleFen: number;
  /** The fund's share at the ratio, before the cap. */
  readonly fundShareFen: number;
  /** The patient's share at the ratio (按比例自付). */
  readonly coinsuranceFen: number;
  /** The part of the fund share above the annual cap (the patient pays it). */
  readonly aboveCapFen: number;
  readonly fundPaysFen: number;
  readonly patientPaysFen: number;
  /** Where each figure came from (absent for figures that are zero by definition: a not-covered line has only `notCovered`). */
  readonly sources: {
    readonly notCovered?: SplitSource;
    readonly classBSelfPay?: SplitSource;
    readonly deductible?: SplitSource;
    readonly fundShare?: SplitSource;
    readonly aboveCap?: SplitSource;
  };
}

/** Why a line has no estimate: no amount given, no policy of the insured province on the ledger, no row for the patient, no coverage answer. */
export type SplitGap = 'noAmount' | 'noPolicy' | 'noRow' | 'noAnswer';

/** A line's estimate or the reason there is none. */
export type LineEstimate =
  | { readonly status: 'estimated'; readonly split: LineSplit }
  | { readonly status: SplitGap; readonly split: null };

/** Totals of the estimated lines (fen). */
export interface SplitTotals {
  readonly amountFen: number;
  readonly notCoveredFen: number;
  readonly classBSelfPayFen: number;
  readonly deductibleFen: number;
  readonly fundShareFen: number;
  readonly coinsuranceFen: number;
  readonly aboveCapFen: number;
  readonly fundPaysFen: number;
  readonly patientPaysFen: number;
}

/** The claim's estimate: per line, and the totals of the lines estimated. */
export interface ClaimSplit {
  /** `estimated`: every line; `partial`: some lines have no estimate (see their status); `none`: no line. */
  readonly status: 'estimated' | 'partial' | 'none';
  readonly lines: readonly LineEstimate[];
  readonly totals: SplitTotals;
  /** What the claim said was already paid this year (fen). */
  readonly accumulated: { readonly fundPaidFen: number; readonly deductibleFen: number };
  /** What is left after the claim: of the deductible, and of the annual cap (from the last line's row; null when none). */
  readonly remaining: { readonly deductibleFen: number; readonly annualCapFen: number } | null;
}

/** What the split needs of a line. */
export interface SplitLine {
  /** The line's amount (price × quantity), fen; null when the claim gives none. */
  readonly amountFen: number | null;
  /** The chain's answer (null when the line has none). */
  readonly coverage: CoverageResult | null;
  /** Whether the line counts as covered (a restricted line does not). */
  readonly covered: boolean;
}

const BP = 10_000n;

/** round(n / d) half up, for n ≥ 0, d > 0 (BigInt). */
export function roundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

/** amount × bp / 10,000, rounded half up once, in fen. */
export function applyRatio(amountFen: number, bp: number): number {
  return Number(roundHalfUp(BigInt(amountFen) * BigInt(bp), BP));
}

const min = (a: number, b: number): number => (a < b ? a : b);

function policyOf(coverage: CoverageResult | null): PaymentPolicyAnswer | null {
  return (coverage as { paymentPolicy?: PaymentPolicyAnswer | null } | null)?.paymentPolicy ?? null;
}

function emptyTotals(): SplitTotals {
  return {
    amountFen: 0,
    notCoveredFen: 0,
    classBSelfPayFen: 0,
    deductibleFen: 0,
    fundShareFen: 0,
    coinsuranceFen: 0,
    aboveCapFen: 0,
    fundPaysFen: 0,
    patientPaysFen: 0,
  };
}

/** The class-乙 self-pay ratio of a line: the treatment province's overlay ratio, else the policy row's. */
function classBRatio(
  coverage: CoverageResult,
  policy: PaymentPolicyAnswer,
): { bp: number; source: SplitSource } {
  const overlayRatio = coverage.provincial?.selfPayRatio ?? null;
  if (overlayRatio !== null) {
    return {
      bp: Math.round(overlayRatio * 10_000),
      source: {
        province: coverage.province,
        rule: 'overlay',
        rowIndex: null,
        proposalId: null,
        version: coverage.catalogVersion,
        value: Math.round(overlayRatio * 10_000),
      },
    };
  }
  const bp = policy.row?.classBSelfPayBp ?? 0;
  return { bp, source: policySource(policy, bp) };
}

function policySource(policy: PaymentPolicyAnswer, value: number | null): SplitSource {
  return {
    province: policy.province,
    rule: 'policy',
    rowIndex: policy.rowIndex,
    proposalId: policy.proposalId,
    version: policy.listedInVersion,
    value,
  };
}

/**
 * The estimated split of a claim's lines (see the module comment), in line order, with the
 * deductible and the cap carried from line to line.
 */
export function estimateSplit(
  lines: readonly SplitLine[],
  accumulated: { readonly fundPaidFen?: number; readonly deductibleFen?: number } = {},
): ClaimSplit {
  const acc = { fundPaidFen: accumulated.fundPaidFen ?? 0, deductibleFen: accumulated.deductibleFen ?? 0 };
  let deductibleSoFar = acc.deductibleFen;
  let paidSoFar = acc.fundPaidFen;
  let lastRow: { deductibleFen: number; annualCapFen: number } | null = null;
  const totals: Record<keyof SplitTotals, number> = { ...emptyTotals() };
  const out: LineEstimate[] = lines.map((line): LineEstimate => {
    if (line.coverage === null) return { status: 'noAnswer', split: null };
    if (line.amountFen === null) return { status: 'noAmount', split: null };
    const amount = line.amountFen;
    const coverage = line.coverage;
    const policy = policyOf(coverage);
    if (!line.covered) {
      const split: LineSplit = {
        amountFen: amount,
        notCoveredFen: amount,
        classBSelfPayFen: 0,
        deductibleFen: 0,
        fundShareFen: 0,
        coinsuranceFen: 0,
        aboveCapFen: 0,
        fundPaysFen: 0,
        patientPaysFen: amount,
        sources: {
          notCovered: {
            province: coverage.province,
            rule: 'catalog',
            rowIndex: null,
            proposalId: null,
            version: coverage.catalogVersion,
            value: null,
          },
        },
      };
      add(totals, split);
      return { status: 'estimated', split };
    }
    if (policy === null) return { status: 'noPolicy', split: null };
    const row = policy.row;
    if (row === null || policy.fundRatioBp === null) return { status: 'noRow', split: null };
    lastRow = row;
    const classB = coverage.class === '乙' ? classBRatio(coverage, policy) : null;
    const classBFen = classB === null ? 0 : applyRatio(amount, classB.bp);
    const inScope = amount - classBFen;
    const deductibleOpen = Math.max(0, row.deductibleFen - deductibleSoFar);
    const deductibleFen = min(inScope, deductibleOpen);
    deductibleSoFar += deductibleFen;
    const above = inScope - deductibleFen;
    const fundShareFen = applyRatio(above, policy.fundRatioBp);
    const capOpen = Math.max(0, row.annualCapFen - paidSoFar);
    const fundPaysFen = min(fundShareFen, capOpen);
    paidSoFar += fundPaysFen;
    const split: LineSplit = {
      amountFen: amount,
      notCoveredFen: 0,
      classBSelfPayFen: classBFen,
      deductibleFen,
      fundShareFen,
      coinsuranceFen: above - fundShareFen,
      aboveCapFen: fundShareFen - fundPaysFen,
      fundPaysFen,
      patientPaysFen: amount - fundPaysFen,
      sources: {
        ...(classB === null ? {} : { classBSelfPay: classB.source }),
        deductible: policySource(policy, row.deductibleFen),
        fundShare: policySource(policy, policy.fundRatioBp),
        aboveCap: policySource(policy, row.annualCapFen),
      },
    };
    add(totals, split);
    return { status: 'estimated', split };
  });
  const estimated = out.filter((l) => l.status === 'estimated').length;
  const finalRow = lastRow as { deductibleFen: number; annualCapFen: number } | null;
  return {
    status: estimated === 0 ? 'none' : estimated === out.length ? 'estimated' : 'partial',
    lines: out,
    totals,
    accumulated: acc,
    remaining:
      finalRow === null
        ? null
        : {
            deductibleFen: Math.max(0, finalRow.deductibleFen - deductibleSoFar),
            annualCapFen: Math.max(0, finalRow.annualCapFen - paidSoFar),
          },
  };
}

function add(totals: Record<keyof SplitTotals, number>, split: LineSplit): void {
  for (const key of Object.keys(totals) as (keyof SplitTotals)[]) totals[key] += split[key];
}

/**
 * An amount in yuan as text or number (`12`, `12.5`, `12.50`; at most two decimals, not negative) in
 * fen, exactly (no floating-point arithmetic); null when it is not such an amount.
 */
export function yuanToFen(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : null;
  if (text === null) return null;
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/u.exec(text);
  if (m === null) return null;
  const [, whole = '0', cents = ''] = m;
  return Number(whole) * 100 + Number(cents.padEnd(2, '0'));
}
