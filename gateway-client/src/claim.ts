/**
 * The claim check: a claim (patient context, province, date, and up to {@link MAX_CLAIM_LINES}
 * lines naming an item by id, name or code, with a quantity and a date) is validated line by line,
 * asked of the chain with CheckCoverageBatch in batches of at most {@link MAX_BATCH_LINES} lines —
 * every later batch pinned (`atVersion`) to the catalog version that answered the first — and the
 * claim-level rules are then decided over the whole claim from the per-line answers:
 *
 * - `duplicateCharge`: a rule's item and an item it is paired with present together — on the same
 *   date (单日), anywhere in the claim (单次就诊: a claim is one visit), or within hours (6小时,
 *   同一小时: needs the lines' times, else REVIEW);
 * - `quantity`: the quantities of the lines a rule applies to, summed over any window of the rule's
 *   `periodDays` consecutive dates (a sliding window), above `maxQuantity`;
 * - `paymentDays`: a drug's lines spanning more dates (first to last, inclusive) than the fund pays;
 * - `operation`: two or more operations of one primary/secondary group → REVIEW (the second and
 *   later are charged at a reduced rate, which the data cannot price);
 * - `course`: a course limit (total days, intervals) → REVIEW, with the rule's description (and a
 *   violation when the claim's own lines already span more than its fund-paid days);
 * - any other rule the chain marks `claim` → REVIEW (never a guess).
 *
 * A bad line is answered with a coded error and its line number; the other lines are still asked.
 * When the chain refuses a whole batch, its lines are asked one by one so that only the bad ones fail;
 * when it refuses every line for the same reason (a bad patient context, a caller without access),
 * the claim itself is refused with that error.
 * Pure apart from the client calls; {@link claimCsv} exports the answer.
 */
import {
  type CheckCoverageBatchInput,
  type CoverageResult,
  isValidDate,
  MAX_BATCH_LINES,
  type PatientContext,
  type RuleFinding,
} from '@nrdl-catalog/chaincode/model';
import { CATALOGUES, fill, isMessageKey, type Lang } from '@nrdl-catalog/chaincode/messages';
import { CatalogClientError, ChaincodeError, InvalidInputError } from './errors';
import { estimateSplit, yuanToFen, type ClaimSplit, type LineEstimate } from './fund-split';
import { CSV_BOM, toCsv } from './import/csv';

/** Most lines of one claim. */
export const MAX_CLAIM_LINES = 1000;

/** A line of a claim as given (JSON object or CSV row): one of itemId, name (+ dosageForm), code. */
export interface ClaimLineInput {
  readonly itemId?: unknown;
  readonly name?: unknown;
  readonly dosageForm?: unknown;
  readonly code?: unknown;
  readonly quantity?: unknown;
  readonly date?: unknown;
  /** HH:MM, for the rules counted in hours. */
  readonly time?: unknown;
  /** The line's amount (price × quantity) in yuan, at most two decimals; or `amountFen` in fen. */
  readonly amount?: unknown;
  readonly amountFen?: unknown;
}

/** What the fund already paid, and the deductible already filled, this year (fen): the start of the split's cap and deductible. */
export interface ClaimAccumulated {
  readonly fundPaidFen?: number;
  readonly deductibleFen?: number;
}

/** A claim: where, when and for whom, and its lines. */
export interface ClaimInput {
  readonly province: string;
  /** YYYY-MM-DD, the date of lines that give none. */
  readonly date?: string;
  readonly patient?: PatientContext;
  readonly lines: readonly unknown[];
  /** Already paid this year (for the estimated split; default nothing). */
  readonly accumulated?: ClaimAccumulated;
}

/** A catalogue key and parameters of a claim message (rendered by the CLI and the API). */
export interface ClaimMessage {
  readonly key: string;
  readonly params: Readonly<Record<string, string | number | readonly (string | number)[]>>;
}

/** A line's coded error. */
export interface ClaimLineError extends ClaimMessage {
  readonly code: string;
  /** The English text, `CODE: line N: …`. */
  readonly message: string;
}

/** One line, validated. */
export interface ClaimLine {
  /** 1-based line number in the claim. */
  readonly line: number;
  /** What the chain is asked (province, date, patient, and itemId / name / code). */
  readonly request: Readonly<Record<string, unknown>>;
  readonly quantity: number;
  readonly date: string | null;
  readonly time: string | null;
  /** The line's amount in fen, when the claim gives one. */
  readonly amountFen?: number;
}

/** How a line came out. */
export type ClaimLineStatus = 'ok' | 'notCovered' | 'restricted' | 'review' | 'flagged' | 'error';

/** The answer for one line. */
export interface ClaimLineResult {
  readonly line: number;
  readonly status: ClaimLineStatus;
  readonly quantity: number | null;
  readonly date: string | null;
  readonly coverage: CoverageResult | null;
  /** Every rule that applied to the line, with its source (from the chain's answer). */
  readonly rules: readonly RuleFinding[];
  readonly error: ClaimLineError | null;
  /** The line's amount (fen) and its estimated split: only in a claim that gives amounts. */
  readonly amountFen?: number | null;
  readonly estimate?: LineEstimate;
}

/** What a claim-level finding is about. */
export type ClaimFindingKind =
  | 'duplicateCharge'
  | 'duplicateChargeTimes'
  | 'quantity'
  | 'quantityTimes'
  | 'quantityHours'
  | 'paymentDays'
  | 'operation'
  | 'course'
  | 'unknownRule';

/** A finding over the whole claim. */
export interface ClaimFinding extends ClaimMessage {
  readonly kind: ClaimFindingKind;
  /** `violated`: the claim breaks the rule; `review`: a person has to decide. */
  readonly outcome: 'violated' | 'review';
  readonly ruleIds: readonly string[];
  readonly lines: readonly number[];
  readonly sources: readonly RuleFinding['source'][];
}

/** The answer to a claim. */
export interface ClaimResult {
  readonly province: string;
  /** The catalog version every batch was answered from (null when no line was answered). */
  readonly catalogVersion: number | null;
  readonly lines: readonly ClaimLineResult[];
  readonly findings: readonly ClaimFinding[];
  readonly summary: {
    readonly lines: number;
    readonly errors: number;
    readonly byStatus: Readonly<Record<ClaimLineStatus, number>>;
    readonly findings: number;
    readonly batches: number;
  };
  /** The insured province (参保地) of the patient context, when it names one. */
  readonly insuredProvince?: string;
  /** What the fund pays, estimated (see ./fund-split.ts): only in a claim that gives amounts. */
  readonly split?: ClaimSplit;
}

/** What the claim check needs of a client. */
export interface ClaimClient {
  checkCoverageBatch(input: CheckCoverageBatchInput): Promise<{ results: CoverageResult[] }>;
}

/** The English text of a claim message (the catalogue's template, parameters filled). */
export function claimText(message: ClaimMessage, lang: Lang = 'en'): string {
  return isMessageKey(message.key) ? fill(CATALOGUES[lang][message.key], message.params, lang) : message.key;
}

function fillEnglish(key: string, params: ClaimMessage['params']): string {
  return claimText({ key, params });
}

function lineError(line: number, key: string, params: ClaimMessage['params'] = {}): ClaimLineError {
  return {
    code: 'INVALID_INPUT',
    key,
    params: { line, ...params },
    message: `INVALID_INPUT: line ${line}: ${fillEnglish(key, params)}`,
  };
}

const stringOf = (value: unknown): string | undefined => {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/**
 * Validates one line (`line` is its 1-based number): an item (exactly one of itemId, name, code; a
 * dosage form only with a name), a quantity > 0 (default 1), a date YYYY-MM-DD (default the
 * claim's), a time HH:MM (optional).
 */
export function parseClaimLine(
  line: number,
  raw: unknown,
  claim: Omit<ClaimInput, 'lines'>,
): ClaimLine | ClaimLineError {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return lineError(line, 'claim.error.notObject');
  }
  const input = raw as ClaimLineInput & { item?: unknown };
  const itemId = stringOf(input.itemId ?? input.item);
  const name = stringOf(input.name);
  const code = stringOf(input.code);
  const given = [itemId, name, code].filter((value) => value !== undefined).length;
  if (given === 0) return lineError(line, 'claim.error.item');
  if (given > 1) return lineError(line, 'claim.error.itemMany');
  const quantityText = stringOf(input.quantity);
  const quantity = quantityText === undefined ? 1 : Number(quantityText);
  if (!Number.isFinite(quantity) || quantity <= 0) {
    return lineError(line, 'claim.error.quantity', { value: quantityText ?? '' });
  }
  const date = stringOf(input.date) ?? claim.date;
  if (date !== undefined && !isValidDate(date)) return lineError(line, 'claim.error.date', { value: date });
  const time = stringOf(input.time);
  if (time !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/u.test(time)) {
    return lineError(line, 'claim.error.time', { value: time });
  }
  const amount = amountOf(input);
  if (typeof amount === 'object') return lineError(line, amount.key, amount.params);
  const dosageForm = stringOf(input.dosageForm);
  const item =
    itemId !== undefined
      ? { itemId }
      : name !== undefined
        ? { name, ...(dosageForm === undefined ? {} : { dosageForm }) }
        : { code };
  return {
    line,
    request: {
      province: claim.province,
      ...item,
      ...(date === undefined ? {} : { date }),
      ...(claim.patient === undefined ? {} : { patient: claim.patient }),
    },
    quantity,
    date: date ?? null,
    time: time ?? null,
    ...(amount === undefined ? {} : { amountFen: amount }),
  };
}

/** A line's amount in fen (`amount` in yuan or `amountFen`), undefined when it gives none, or the error. */
function amountOf(
  input: ClaimLineInput,
): number | undefined | { key: string; params: ClaimMessage['params'] } {
  const yuan = stringOf(input.amount);
  const fen = stringOf(input.amountFen);
  if (yuan !== undefined && fen !== undefined) return { key: 'claim.error.amountMany', params: {} };
  if (yuan !== undefined) {
    return yuanToFen(yuan) ?? { key: 'claim.error.amount', params: { value: yuan } };
  }
  if (fen !== undefined) {
    const n = Number(fen);
    return /^\d{1,15}$/u.test(fen) && Number.isSafeInteger(n)
      ? n
      : { key: 'claim.error.amount', params: { value: fen } };
  }
  return undefined;
}

/** Options of {@link checkClaim}. */
export interface CheckClaimOptions {
  /** Lines per CheckCoverageBatch, 1 to {@link MAX_BATCH_LINES} (default the maximum). */
  readonly batchSize?: number;
}

function rulesOf(result: CoverageResult): readonly RuleFinding[] {
  // `rules` is in every answer of a chaincode with the rule base; older answers have none
  const rules: unknown = (result as { rules?: unknown }).rules;
  return Array.isArray(rules) ? (rules as RuleFinding[]) : [];
}

function chainError(line: number, error: CatalogClientError): ClaimLineError {
  const text = error.message.replace(/^[A-Z_]+: /u, '');
  return {
    code: error.code,
    key: error.template === null ? 'claim.error.chain' : `error.${error.template}`,
    params: { line, detail: text, ...(error.params as ClaimMessage['params']) },
    message: `${error.code}: line ${line}: ${text}`,
  };
}

/**
 * Checks a claim against the chain (see the module comment). Throws an {@link InvalidInputError}
 * for a claim with no line or more than {@link MAX_CLAIM_LINES}; bad lines are answered, not thrown.
 */
export async function checkClaim(
  client: ClaimClient,
  claim: ClaimInput,
  options: CheckClaimOptions = {},
): Promise<ClaimResult> {
  if (claim.lines.length === 0) {
    throw new InvalidInputError('INVALID_INPUT', fillEnglish('claim.error.noLines', {}));
  }
  if (claim.lines.length > MAX_CLAIM_LINES) {
    throw new InvalidInputError(
      'INVALID_INPUT',
      fillEnglish('claim.error.tooManyLines', { max: MAX_CLAIM_LINES, count: claim.lines.length }),
    );
  }
  const size = Math.min(Math.max(1, Math.trunc(options.batchSize ?? MAX_BATCH_LINES)), MAX_BATCH_LINES);
  const parsed = claim.lines.map((raw, index) => parseClaimLine(index + 1, raw, claim));
  const valid = parsed.filter((line): line is ClaimLine => 'request' in line);
  const answers = new Map<number, CoverageResult>();
  const errors = new Map<number, ClaimLineError>();
  for (const line of parsed) if (!('request' in line)) errors.set(Number(line.params.line), line);
  const refusals: ChaincodeError[] = [];
  /**
   * Keeps a line's answer. A line by name or code that matched no item, or several (dosage forms:
   * give `dosageForm`), gets a coded error naming the forms instead of a guess.
   */
  const settle = (line: ClaimLine, result: CoverageResult): void => {
    const matches = (result as { matches?: readonly (CoverageResult & { dosageForm?: string | null })[] })
      .matches;
    if (matches === undefined) {
      answers.set(line.line, result);
      return;
    }
    const [only] = matches;
    if (matches.length === 1 && only !== undefined) {
      answers.set(line.line, only);
      return;
    }
    const forms = matches.map((m) => `${m.itemId} ${m.dosageForm ?? '-'}`).join('; ');
    errors.set(
      line.line,
      matches.length === 0
        ? { ...lineError(line.line, 'claim.error.noMatch'), code: 'ITEM_NOT_FOUND' }
        : lineError(line.line, 'claim.error.ambiguous', { count: matches.length, forms }),
    );
  };
  let pin: number | null = null;
  let batches = 0;
  const ask = async (lines: readonly ClaimLine[]): Promise<CoverageResult[]> => {
    batches += 1;
    const input = {
      lines: lines.map((line) => line.request),
      ...(pin === null ? {} : { atVersion: pin }),
    } as unknown as CheckCoverageBatchInput;
    const { results } = await client.checkCoverageBatch(input);
    const first = results[0];
    if (pin === null && first !== undefined) pin = first.catalogVersion;
    return results;
  };
  for (let start = 0; start < valid.length; start += size) {
    const slice = valid.slice(start, start + size);
    try {
      const results = await ask(slice);
      slice.forEach((line, index) => {
        const result = results[index];
        if (result !== undefined) settle(line, result);
      });
    } catch (error) {
      if (!(error instanceof ChaincodeError)) throw error;
      // the chain refused the batch: ask each line alone, so that only the bad lines fail
      for (const line of slice) {
        try {
          const [result] = await ask([line]);
          if (result !== undefined) settle(line, result);
        } catch (lineFailure) {
          if (!(lineFailure instanceof ChaincodeError)) throw lineFailure;
          errors.set(line.line, chainError(line.line, lineFailure));
          refusals.push(lineFailure);
        }
      }
    }
  }
  // every line refused for one reason (a bad patient context, no access, no governance): the claim
  // itself is refused, not each of its lines
  const [firstRefusal] = refusals;
  if (
    firstRefusal !== undefined &&
    // a line the schema refuses is that line's error, reported by its number
    !(firstRefusal instanceof InvalidInputError) &&
    answers.size === 0 &&
    refusals.length === valid.length &&
    refusals.every((refusal) => refusal.code === firstRefusal.code)
  ) {
    throw firstRefusal;
  }
  const findings = claimFindings(
    valid.flatMap((line) => {
      const coverage = answers.get(line.line);
      return coverage === undefined ? [] : [{ ...line, coverage }];
    }),
  );
  const flagged = new Set(findings.filter((f) => f.outcome === 'violated').flatMap((f) => f.lines));
  const reviewed = new Set(findings.filter((f) => f.outcome === 'review').flatMap((f) => f.lines));
  const lines: ClaimLineResult[] = parsed.map((entry, index) => {
    const number = index + 1;
    const coverage = answers.get(number) ?? null;
    const error = errors.get(number) ?? null;
    const rules = coverage === null ? [] : rulesOf(coverage);
    const valid = 'request' in entry ? entry : null;
    let status: ClaimLineStatus;
    if (coverage === null) status = 'error';
    else if (coverage.reason === 'RESTRICTED' || rules.some((r) => r.outcome === 'violated'))
      status = 'restricted';
    else if (!coverage.covered) status = 'notCovered';
    else if (flagged.has(number)) status = 'flagged';
    else if (reviewed.has(number) || rules.some((r) => r.outcome === 'review')) status = 'review';
    else status = 'ok';
    return {
      line: number,
      status,
      quantity: valid?.quantity ?? null,
      date: valid?.date ?? null,
      coverage,
      rules,
      error: coverage === null ? (error ?? lineError(number, 'claim.error.noAnswer')) : null,
    };
  });
  const byStatus: Record<ClaimLineStatus, number> = {
    ok: 0,
    notCovered: 0,
    restricted: 0,
    review: 0,
    flagged: 0,
    error: 0,
  };
  for (const line of lines) byStatus[line.status] += 1;
  const withAmounts = valid.some((line) => line.amountFen !== undefined);
  const amounts = parsed.map((entry) => ('request' in entry ? (entry.amountFen ?? null) : null));
  const split = withAmounts
    ? estimateSplit(
        lines.map((line, index) => ({
          amountFen: amounts[index] ?? null,
          coverage: line.coverage,
          covered: line.coverage?.covered === true && line.status !== 'restricted',
        })),
        claim.accumulated,
      )
    : null;
  const insured = claim.patient?.insuredProvince;
  const insuredName = lines.find(
    (line) => (line.coverage as { insuredProvince?: string } | null)?.insuredProvince !== undefined,
  )?.coverage as { insuredProvince?: string } | undefined;
  return {
    province: claim.province,
    catalogVersion: pin,
    lines:
      split === null
        ? lines
        : lines.map((line, index) => ({
            ...line,
            amountFen: amounts[index] ?? null,
            ...(split.lines[index] === undefined ? {} : { estimate: split.lines[index] }),
          })),
    findings,
    summary: { lines: lines.length, errors: byStatus.error, byStatus, findings: findings.length, batches },
    ...(insured === undefined ? {} : { insuredProvince: insuredName?.insuredProvince ?? insured }),
    ...(split === null ? {} : { split }),
  };
}

// ---- claim-level rules ----

/** A line with its chain answer, as the claim-level rules see it. */
export interface AnsweredLine {
  readonly line: number;
  readonly quantity: number;
  readonly date: string | null;
  readonly time: string | null;
  readonly coverage: CoverageResult;
}

const DAY_MS = 86_400_000;

function dayNumber(date: string | null): number {
  return date === null ? 0 : Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

function minuteOf(line: AnsweredLine): number | null {
  if (line.time === null) return null;
  const [h = 0, m = 0] = line.time.split(':').map(Number);
  return dayNumber(line.date) * 1440 + h * 60 + m;
}

interface Applied {
  readonly line: AnsweredLine;
  readonly rule: RuleFinding;
}

function finding(
  kind: ClaimFindingKind,
  outcome: ClaimFinding['outcome'],
  rules: readonly RuleFinding[],
  lines: readonly number[],
  params: ClaimMessage['params'],
): ClaimFinding {
  const unique = [...new Map(rules.map((rule) => [rule.ruleId, rule])).values()];
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  return {
    kind,
    outcome,
    ruleIds: unique.map((rule) => rule.ruleId),
    lines: sorted,
    sources: unique.map((rule) => rule.source),
    key: `claim.finding.${kind}`,
    params: { rule: unique.map((rule) => rule.ruleId).join(', '), lines: sorted, ...params },
  };
}

function nameOf(line: AnsweredLine): string {
  return line.coverage.name ?? line.coverage.itemId;
}

function duplicateFindings(
  rule: RuleFinding,
  applied: readonly Applied[],
  all: readonly AnsweredLine[],
): ClaimFinding[] {
  const paired = new Set(rule.limits.pairedWith ?? []);
  const mains = applied.filter((a) => !paired.has(a.line.coverage.itemId)).map((a) => a.line);
  const partners = all.filter((line) => paired.has(line.coverage.itemId));
  const frequency = rule.limits.frequency ?? '';
  const hours = rule.limits.periodHours;
  const out: ClaimFinding[] = [];
  for (const main of mains) {
    for (const partner of partners) {
      if (partner.line === main.line) continue;
      const names = [nameOf(main), nameOf(partner)];
      const pair = [main.line, partner.line];
      if (hours !== undefined) {
        const a = minuteOf(main);
        const b = minuteOf(partner);
        if (a === null || b === null) {
          if (main.date === partner.date) {
            out.push(finding('duplicateChargeTimes', 'review', [rule], pair, { names, frequency }));
          }
          continue;
        }
        const together =
          frequency === '同一小时' ? Math.floor(a / 60) === Math.floor(b / 60) : Math.abs(a - b) < hours * 60;
        if (together) out.push(finding('duplicateCharge', 'violated', [rule], pair, { names, frequency }));
        continue;
      }
      if (frequency === '单日' && main.date !== partner.date) continue;
      if (frequency !== '单日' && frequency !== '单次就诊') {
        out.push(finding('unknownRule', 'review', [rule], pair, { type: rule.type }));
        continue;
      }
      out.push(finding('duplicateCharge', 'violated', [rule], pair, { names, frequency }));
    }
  }
  return out;
}

function quantityFindings(rule: RuleFinding, applied: readonly Applied[]): ClaimFinding[] {
  const max = rule.limits.maxQuantity;
  if (max === undefined)
    return [
      finding(
        'unknownRule',
        'review',
        [rule],
        applied.map((a) => a.line.line),
        { type: rule.type },
      ),
    ];
  const unit = rule.limits.unit ?? '';
  const lines = applied.map((a) => a.line);
  const hours = rule.limits.periodHours;
  const windowed = (
    position: (line: AnsweredLine) => number,
    span: number,
    kind: 'quantity' | 'quantityHours',
    period: ClaimMessage['params'],
  ): ClaimFinding[] => {
    const sorted = [...lines].sort((a, b) => position(a) - position(b) || a.line - b.line);
    const out: ClaimFinding[] = [];
    let reported: Set<number> = new Set();
    for (const first of sorted) {
      const inWindow = sorted.filter(
        (l) => position(l) >= position(first) && position(l) < position(first) + span,
      );
      const total = inWindow.reduce((sum, l) => sum + l.quantity, 0);
      if (total <= max || inWindow.every((l) => reported.has(l.line))) continue;
      reported = new Set([...reported, ...inWindow.map((l) => l.line)]);
      out.push(
        finding(
          kind,
          'violated',
          [rule],
          inWindow.map((l) => l.line),
          { total, max, unit, ...period },
        ),
      );
    }
    return out;
  };
  if (hours !== undefined) {
    if (lines.some((line) => line.time === null)) {
      const total = lines.reduce((sum, l) => sum + l.quantity, 0);
      return total > max
        ? [
            finding(
              'quantityTimes',
              'review',
              [rule],
              lines.map((l) => l.line),
              { max, unit, hours },
            ),
          ]
        : [];
    }
    return windowed((l) => minuteOf(l) ?? 0, hours * 60, 'quantityHours', { hours });
  }
  const days = rule.limits.periodDays ?? 1;
  return windowed((l) => dayNumber(l.date), days, 'quantity', { days });
}

function paymentDayFindings(rule: RuleFinding, applied: readonly Applied[]): ClaimFinding[] {
  const max = rule.limits.paymentDays;
  const numbers = applied.map((a) => dayNumber(a.line.date));
  if (max === undefined || numbers.length === 0) return [];
  const days = Math.max(...numbers) - Math.min(...numbers) + 1;
  if (days <= max) return [];
  return [
    finding(
      'paymentDays',
      'violated',
      [rule],
      applied.map((a) => a.line.line),
      { days, max },
    ),
  ];
}

/**
 * The claim-level findings of answered lines: every `claim` rule finding of the chain's answers,
 * decided over all the lines (see the module comment), plus every `course` / `operation` rule.
 */
export function claimFindings(lines: readonly AnsweredLine[]): ClaimFinding[] {
  const byRule = new Map<string, { rule: RuleFinding; applied: Applied[] }>();
  for (const line of lines) {
    for (const rule of rulesOf(line.coverage)) {
      if (rule.outcome !== 'claim' && rule.type !== 'course' && rule.type !== 'operation') continue;
      const entry = byRule.get(rule.ruleId) ?? { rule, applied: [] };
      if (!entry.applied.some((a) => a.line.line === line.line)) entry.applied.push({ line, rule });
      byRule.set(rule.ruleId, entry);
    }
  }
  const findings: ClaimFinding[] = [];
  const groups = new Map<string, Applied[]>();
  for (const { rule, applied } of byRule.values()) {
    switch (rule.type) {
      case 'duplicateCharge':
        findings.push(...duplicateFindings(rule, applied, lines));
        break;
      case 'quantity':
        findings.push(...quantityFindings(rule, applied));
        break;
      case 'paymentDays':
        findings.push(...paymentDayFindings(rule, applied));
        break;
      case 'operation': {
        const group = rule.limits.group ?? rule.value ?? rule.ruleId;
        groups.set(group, [...(groups.get(group) ?? []), ...applied]);
        break;
      }
      case 'course':
        // a course beyond its fund-paid days within this claim is a violation; the course as a whole
        // (intervals, one disease episode) is always for review
        findings.push(...paymentDayFindings(rule, applied));
        findings.push(
          finding(
            'course',
            'review',
            [rule],
            applied.map((a) => a.line.line),
            {
              description: rule.description ?? rule.value ?? '',
            },
          ),
        );
        break;
      default:
        findings.push(
          finding(
            'unknownRule',
            'review',
            [rule],
            applied.map((a) => a.line.line),
            { type: rule.type },
          ),
        );
    }
  }
  for (const [group, applied] of groups) {
    const distinct = new Set(applied.map((a) => a.line.line));
    if (distinct.size < 2) continue;
    findings.push(
      finding(
        'operation',
        'review',
        applied.map((a) => a.rule),
        [...distinct],
        { group, count: distinct.size },
      ),
    );
  }
  return findings.sort((a, b) => (a.lines[0] ?? 0) - (b.lines[0] ?? 0) || a.kind.localeCompare(b.kind));
}

// ---- export ----

/** Columns of {@link claimCsv}. */
export const CLAIM_CSV_COLUMNS = [
  'record',
  'line',
  'itemId',
  'name',
  'quantity',
  'date',
  'status',
  'covered',
  'reason',
  'catalogVersion',
  'rules',
  'finding',
  'outcome',
  'ruleIds',
  'lines',
  'sources',
  'message',
  'amountFen',
  'estimate',
  'fundPaysFen',
  'patientPaysFen',
] as const;

type CsvColumn = (typeof CLAIM_CSV_COLUMNS)[number];

/**
 * The answer as CSV (with the byte order mark spreadsheets need): one `line` row per claim line
 * (its coverage, every rule that applied as `ruleId:outcome`, its error, its amount and estimated
 * split in fen), one `split` row with the claim's totals when lines give amounts, then one `finding`
 * row per claim-level finding (the rules, the lines, the sources, the text in `lang`).
 */
export function claimCsv(result: ClaimResult, lang: Lang = 'zh'): string {
  const rows: Record<CsvColumn, string | number | boolean | null>[] = [];
  const empty = Object.fromEntries(CLAIM_CSV_COLUMNS.map((c) => [c, null])) as Record<
    CsvColumn,
    string | number | boolean | null
  >;
  for (const line of result.lines) {
    rows.push({
      ...empty,
      record: 'line',
      line: line.line,
      itemId: line.coverage?.itemId ?? null,
      name: line.coverage?.name ?? null,
      quantity: line.quantity,
      date: line.date ?? line.coverage?.date ?? null,
      status: line.status,
      covered: line.coverage?.covered ?? null,
      reason: line.coverage?.reason ?? null,
      catalogVersion: line.coverage?.catalogVersion ?? null,
      rules: line.rules.map((rule) => `${rule.ruleId}:${rule.outcome}`).join('; '),
      sources: line.rules.map((rule) => `${rule.source.file}#${rule.source.row}`).join('; '),
      message: line.error === null ? (line.coverage?.restriction ?? null) : claimText(line.error, lang),
      amountFen: line.amountFen ?? null,
      estimate: line.estimate?.status ?? null,
      fundPaysFen: line.estimate?.split?.fundPaysFen ?? null,
      patientPaysFen: line.estimate?.split?.patientPaysFen ?? null,
    });
  }
  if (result.split !== undefined) {
    rows.push({
      ...empty,
      record: 'split',
      amountFen: result.split.totals.amountFen,
      estimate: result.split.status,
      fundPaysFen: result.split.totals.fundPaysFen,
      patientPaysFen: result.split.totals.patientPaysFen,
    });
  }
  for (const finding of result.findings) {
    rows.push({
      ...empty,
      record: 'finding',
      finding: finding.kind,
      outcome: finding.outcome,
      ruleIds: finding.ruleIds.join('; '),
      lines: finding.lines.join('; '),
      sources: finding.sources.map((source) => `${source.file}#${source.row}`).join('; '),
      message: claimText(finding, lang),
    });
  }
  return CSV_BOM + toCsv(CLAIM_CSV_COLUMNS, rows);
}
