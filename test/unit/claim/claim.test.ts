import { expect } from 'chai';
import {
  type CheckCoverageBatchInput,
  type CoverageResult,
  MAX_BATCH_LINES,
  type RuleFinding,
  encodeErrorForTest,
} from './support';
import {
  MAX_CLAIM_LINES,
  TransactionError,
  chaincodeError,
  checkClaim,
  claimCsv,
  claimText,
  parseClaimLine,
  type ClaimClient,
  type ClaimResult,
} from '@nrdl-catalog/gateway-client';
import { parseCsv } from '@nrdl-catalog/gateway-client/import';

type Limits = RuleFinding['limits'];

function rule(
  ruleId: string,
  type: RuleFinding['type'],
  outcome: RuleFinding['outcome'],
  limits: Limits = {},
  extra: Partial<RuleFinding> = {},
): RuleFinding {
  return {
    ruleId,
    type,
    outcome,
    value: null,
    description: null,
    source: { batch: '第七批', file: 'rules.xlsx', row: Number(ruleId.replace(/\D/g, '') || 1) },
    limits,
    ...extra,
  };
}

function answer(itemId: string, version: number, rules: RuleFinding[] = [], covered = true): CoverageResult {
  return {
    province: 'Shaanxi',
    itemId,
    date: '2026-03-01',
    name: `name of ${itemId}`,
    kind: 'service',
    covered,
    reason: covered ? 'COVERED' : rules.some((r) => r.outcome === 'violated') ? 'RESTRICTED' : 'NOT_LISTED',
    class: null,
    restriction: null,
    rule: null,
    paymentStandard: null,
    agreementPeriod: null,
    provincial: null,
    catalogVersion: version,
    versionEffectiveFrom: '2026-01-01',
    txId: null,
    ...{ rules },
  };
}

/** A fake chain: answers each line from `rules` by item id, as catalog version `version`. */
function fakeClient(
  rules: Record<string, RuleFinding[]>,
  options: { version?: number; bad?: string[]; refuse?: 'transport' } = {},
): ClaimClient & { calls: Record<string, unknown>[] } {
  const calls: Record<string, unknown>[] = [];
  return {
    calls,
    checkCoverageBatch: (input: CheckCoverageBatchInput) => {
      const raw = input as unknown as { lines: Record<string, unknown>[]; atVersion?: number };
      calls.push(raw);
      if (options.refuse === 'transport')
        return Promise.reject(new TransactionError('ENDORSE_FAILED', 'down'));
      const bad = raw.lines.find((line) => options.bad?.includes(String(line.itemId ?? line.name)));
      if (bad !== undefined) {
        return Promise.reject(
          chaincodeError(
            'ITEM_NOT_FOUND',
            encodeErrorForTest('ITEM_NOT_FOUND', { itemId: String(bad.itemId) }),
          ),
        );
      }
      return Promise.resolve({
        results: raw.lines.map((line) => {
          const id = String(line.itemId ?? line.name ?? line.code);
          const found = rules[id] ?? [];
          return answer(
            id,
            raw.atVersion ?? options.version ?? 7,
            found,
            !found.some((r) => r.outcome === 'violated'),
          );
        }),
      });
    },
  };
}

const claim = (lines: unknown[], date = '2026-03-01') => ({
  province: 'Shaanxi',
  date,
  patient: { age: 30, sex: 'female' as const },
  lines,
});

describe('claim check: lines', () => {
  it('validates each line and names the line of every problem', () => {
    const head = { province: 'Shaanxi', date: '2026-03-01' };
    expect(parseClaimLine(1, { itemId: 'S-SN-1' }, head)).to.deep.equal({
      line: 1,
      request: { province: 'Shaanxi', itemId: 'S-SN-1', date: '2026-03-01' },
      quantity: 1,
      date: '2026-03-01',
      time: null,
    });
    expect(
      parseClaimLine(2, { name: '阿莫西林', dosageForm: '口服常释剂型', quantity: '3', time: '08:30' }, head),
    ).to.deep.include({
      request: { province: 'Shaanxi', name: '阿莫西林', dosageForm: '口服常释剂型', date: '2026-03-01' },
      quantity: 3,
      time: '08:30',
    });
    expect(parseClaimLine(3, { code: 'XJ01CAA040A001010100084' }, { province: 'Shaanxi' })).to.deep.include({
      request: { province: 'Shaanxi', code: 'XJ01CAA040A001010100084' },
      date: null,
    });
    const problems: [unknown, string][] = [
      [{}, 'claim.error.item'],
      [{ itemId: 'a', code: 'b' }, 'claim.error.itemMany'],
      ['text', 'claim.error.notObject'],
      [{ itemId: 'a', quantity: 0 }, 'claim.error.quantity'],
      [{ itemId: 'a', quantity: 'two' }, 'claim.error.quantity'],
      [{ itemId: 'a', date: '2026-02-30' }, 'claim.error.date'],
      [{ itemId: 'a', time: '25:00' }, 'claim.error.time'],
    ];
    for (const [raw, key] of problems) {
      const result = parseClaimLine(9, raw, head);
      expect(result, key).to.include({ key, code: 'INVALID_INPUT' });
      expect((result as { message: string }).message).to.match(/^INVALID_INPUT: line 9: /);
    }
    const error = parseClaimLine(4, { itemId: 'a', quantity: -1 }, head);
    expect(claimText(error as never, 'zh')).to.equal('数量必须是大于 0 的数，实际为“-1”');
  });

  it('refuses a claim without lines or with more than 1,000', async () => {
    const client = fakeClient({});
    let failure: unknown;
    await checkClaim(client, claim([])).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain('at least one line');
    const many = Array.from({ length: MAX_CLAIM_LINES + 1 }, () => ({ itemId: 'S-SN-1' }));
    await checkClaim(client, claim(many)).catch((error: unknown) => (failure = error));
    expect(String(failure)).to.contain('at most 1000 lines, got 1001');
    expect(client.calls).to.have.length(0);
  });
});

describe('claim check: lines by name or code', () => {
  it('takes the one match, and answers no match or several (with their forms) as a coded line error', async () => {
    const matches = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        ...answer(`D-${String(i)}`, 7),
        dosageForm: `form ${String(i)}`,
      }));
    const client: ClaimClient = {
      checkCoverageBatch: (input: CheckCoverageBatchInput) => {
        const raw = input as unknown as { lines: { name?: string }[] };
        return Promise.resolve({
          results: raw.lines.map((line) => {
            const n = Number(line.name?.slice(1));
            return n === 1
              ? { ...answer('D-0', 7), dosageForm: 'form 0', query: { name: 'n1', dosageForm: null } }
              : {
                  province: 'Shaanxi',
                  date: '2026-03-01',
                  catalogVersion: 7,
                  query: { name: line.name, dosageForm: null },
                  matches: matches(n),
                };
          }),
        } as never);
      },
    };
    const result = await checkClaim(client, claim([{ name: 'n1' }, { name: 'n0' }, { name: 'n2' }]));
    const [one, none, two] = result.lines;
    expect(one?.status).to.equal('ok');
    expect(one?.coverage?.itemId).to.equal('D-0');
    expect(none?.status).to.equal('error');
    expect(none?.error?.code).to.equal('ITEM_NOT_FOUND');
    expect(two?.status).to.equal('error');
    expect(two?.error?.message).to.equal(
      'INVALID_INPUT: line 3: 2 items match (give dosageForm, or the itemId): D-0 form 0; D-1 form 1',
    );
  });
});

describe('claim check: batches', () => {
  it('asks in batches of at most 200 and pins every later batch to the first batch’s version', async () => {
    const client = fakeClient({}, { version: 12 });
    const lines = Array.from({ length: 450 }, (_, i) => ({ itemId: `S-SN-${i}` }));
    const result = await checkClaim(client, claim(lines));
    expect(client.calls.map((c) => (c.lines as unknown[]).length)).to.deep.equal([MAX_BATCH_LINES, 200, 50]);
    expect(client.calls.map((c) => c.atVersion)).to.deep.equal([undefined, 12, 12]);
    expect(result.catalogVersion).to.equal(12);
    expect(result.summary).to.deep.include({ lines: 450, errors: 0, batches: 3 });
    expect(result.lines.every((line) => line.coverage?.catalogVersion === 12)).to.equal(true);
  });

  it('answers bad lines with coded errors by line number, and still answers the rest', async () => {
    const client = fakeClient({}, { bad: ['D-missing'] });
    const result = await checkClaim(
      client,
      claim([{ itemId: 'S-SN-1' }, { itemId: 'D-missing' }, { quantity: 2 }, { itemId: 'S-SN-2' }]),
      { batchSize: 10 },
    );
    expect(result.lines.map((l) => l.status)).to.deep.equal(['ok', 'error', 'error', 'ok']);
    expect(result.lines[1]?.error).to.include({ code: 'ITEM_NOT_FOUND', key: 'error.ITEM_NOT_FOUND' });
    expect(result.lines[1]?.error?.message).to.equal('ITEM_NOT_FOUND: line 2: no item D-missing');
    expect(claimText(result.lines[1]?.error ?? { key: '', params: {} }, 'zh')).to.equal('没有项目 D-missing');
    expect(result.lines[2]?.error?.message).to.equal(
      'INVALID_INPUT: line 3: give one of itemId, name or code',
    );
    // one refused batch, then the three valid lines one by one, pinned to the first answer's version
    expect(client.calls.map((c) => (c.lines as unknown[]).length)).to.deep.equal([3, 1, 1, 1]);
    expect(client.calls.map((c) => c.atVersion)).to.deep.equal([undefined, undefined, 7, 7]);
    expect(result.summary.errors).to.equal(2);
  });

  it('lets a transport failure through (nothing was answered)', async () => {
    let failure: unknown;
    await checkClaim(fakeClient({}, { refuse: 'transport' }), claim([{ itemId: 'a' }])).catch(
      (error: unknown) => (failure = error),
    );
    expect(failure).to.be.instanceOf(TransactionError);
  });
});

describe('claim check: claim-level rules', () => {
  const dup = (frequency: string, periodHours?: number): RuleFinding =>
    rule('R-p7-dup-2', 'duplicateCharge', 'claim', {
      pairedWith: ['S-SN-B'],
      frequency,
      ...(periodHours === undefined ? {} : { periodHours }),
    });

  const run = (rules: Record<string, RuleFinding[]>, lines: unknown[]): Promise<ClaimResult> =>
    checkClaim(fakeClient(rules), claim(lines));

  it('flags a duplicate-charge pair on the same day (单日), not on different days', async () => {
    const rules = { 'S-SN-A': [dup('单日')] };
    const same = await run(rules, [{ itemId: 'S-SN-A' }, { itemId: 'S-SN-C' }, { itemId: 'S-SN-B' }]);
    expect(same.findings).to.have.length(1);
    expect(same.findings[0]).to.deep.include({
      kind: 'duplicateCharge',
      outcome: 'violated',
      ruleIds: ['R-p7-dup-2'],
      lines: [1, 3],
      sources: [{ batch: '第七批', file: 'rules.xlsx', row: 72 }],
    });
    expect(claimText(same.findings[0] ?? { key: '', params: {} }, 'en')).to.equal(
      'lines 1, 3: name of S-SN-A, name of S-SN-B may not be charged together (单日; rule R-p7-dup-2)',
    );
    expect(same.lines.map((l) => l.status)).to.deep.equal(['flagged', 'ok', 'flagged']);
    const apart = await run(rules, [
      { itemId: 'S-SN-A', date: '2026-03-01' },
      { itemId: 'S-SN-B', date: '2026-03-02' },
    ]);
    expect(apart.findings).to.deep.equal([]);
    // the pair alone (without its partner) is no finding
    expect((await run(rules, [{ itemId: 'S-SN-A' }])).findings).to.deep.equal([]);
  });

  it('flags a 单次就诊 pair anywhere in the claim', async () => {
    const result = await run({ 'S-SN-A': [dup('单次就诊')] }, [
      { itemId: 'S-SN-A', date: '2026-03-01' },
      { itemId: 'S-SN-B', date: '2026-03-05' },
    ]);
    expect(result.findings.map((f) => [f.kind, f.lines])).to.deep.equal([['duplicateCharge', [1, 2]]]);
  });

  it('decides hour-based pairs from line times, and asks for review without them', async () => {
    const rules = { 'S-SN-A': [dup('6小时', 6)] };
    const untimed = await run(rules, [{ itemId: 'S-SN-A' }, { itemId: 'S-SN-B' }]);
    expect(untimed.findings.map((f) => [f.kind, f.outcome])).to.deep.equal([
      ['duplicateChargeTimes', 'review'],
    ]);
    expect(untimed.lines.map((l) => l.status)).to.deep.equal(['review', 'review']);
    const within = await run(rules, [
      { itemId: 'S-SN-A', time: '08:00' },
      { itemId: 'S-SN-B', time: '13:59' },
    ]);
    expect(within.findings.map((f) => f.kind)).to.deep.equal(['duplicateCharge']);
    const beyond = await run(rules, [
      { itemId: 'S-SN-A', time: '08:00' },
      { itemId: 'S-SN-B', time: '14:00' },
    ]);
    expect(beyond.findings).to.deep.equal([]);
    const sameHour = { 'S-SN-A': [dup('同一小时', 1)] };
    expect(
      (
        await run(sameHour, [
          { itemId: 'S-SN-A', time: '08:05' },
          { itemId: 'S-SN-B', time: '08:55' },
        ])
      ).findings,
    ).to.have.length(1);
    expect(
      (
        await run(sameHour, [
          { itemId: 'S-SN-A', time: '08:55' },
          { itemId: 'S-SN-B', time: '09:05' },
        ])
      ).findings,
    ).to.have.length(0);
  });

  it('sums quantities over a sliding window of the rule’s period', async () => {
    const once14 = {
      'S-SN-Q': [rule('R-s8-4-qty-6', 'quantity', 'claim', { maxQuantity: 1, periodDays: 14 })],
    };
    const twice = await run(once14, [
      { itemId: 'S-SN-Q', date: '2026-03-01' },
      { itemId: 'S-SN-Q', date: '2026-03-14' },
      { itemId: 'S-SN-Q', date: '2026-04-10' },
    ]);
    expect(twice.findings.map((f) => [f.kind, f.lines, f.params.total])).to.deep.equal([
      ['quantity', [1, 2], 2],
    ]);
    expect(twice.lines.map((l) => l.status)).to.deep.equal(['flagged', 'flagged', 'ok']);
    const spaced = await run(once14, [
      { itemId: 'S-SN-Q', date: '2026-03-01' },
      { itemId: 'S-SN-Q', date: '2026-03-15' },
    ]);
    expect(spaced.findings).to.deep.equal([]);
    const perDay = {
      'S-SN-D': [rule('R-s8-1-qty-3', 'quantity', 'claim', { maxQuantity: 24, unit: '小时', periodDays: 1 })],
    };
    const over = await run(perDay, [
      { itemId: 'S-SN-D', quantity: 20 },
      { itemId: 'S-SN-D', quantity: 5 },
    ]);
    expect(claimText(over.findings[0] ?? { key: '', params: {} }, 'zh')).to.equal(
      '第 1、2 行：1 天内共 25 小时，最多 24（规则 R-s8-1-qty-3）',
    );
    const hourly = { 'S-SN-H': [rule('R-x-qty-1', 'quantity', 'claim', { maxQuantity: 1, periodHours: 6 })] };
    const untimed = await run(hourly, [{ itemId: 'S-SN-H' }, { itemId: 'S-SN-H' }]);
    expect(untimed.findings.map((f) => [f.kind, f.outcome])).to.deep.equal([['quantityTimes', 'review']]);
    const timed = await run(hourly, [
      { itemId: 'S-SN-H', time: '01:00' },
      { itemId: 'S-SN-H', time: '03:00' },
      { itemId: 'S-SN-H', time: '09:00' },
    ]);
    expect(timed.findings.map((f) => [f.kind, f.lines])).to.deep.equal([['quantityHours', [1, 2]]]);
  });

  it('flags drug lines spanning more days than the fund pays', async () => {
    const days14 = { 'D-1': [rule('R-d6-days-2', 'paymentDays', 'claim', { paymentDays: 14 })] };
    const within = await run(days14, [
      { itemId: 'D-1', date: '2026-03-01' },
      { itemId: 'D-1', date: '2026-03-14' },
    ]);
    expect(within.findings).to.deep.equal([]);
    const beyond = await run(days14, [
      { itemId: 'D-1', date: '2026-03-01' },
      { itemId: 'D-1', date: '2026-03-15' },
    ]);
    expect(beyond.findings.map((f) => [f.kind, f.params.days, f.params.max])).to.deep.equal([
      ['paymentDays', 15, 14],
    ]);
  });

  it('asks for review of two operations of one group, and of course limits and unknown claim rules', async () => {
    const op = (id: string) => [rule(id, 'operation', 'claim', { group: '肝胆手术组' })];
    const two = await run({ 'S-SN-O1': op('R-s2-op-3'), 'S-SN-O2': op('R-s2-op-4') }, [
      { itemId: 'S-SN-O1' },
      { itemId: 'S-SN-O2' },
    ]);
    expect(two.findings.map((f) => [f.kind, f.outcome, f.ruleIds, f.lines])).to.deep.equal([
      ['operation', 'review', ['R-s2-op-3', 'R-s2-op-4'], [1, 2]],
    ]);
    expect((await run({ 'S-SN-O1': op('R-s2-op-3') }, [{ itemId: 'S-SN-O1' }])).findings).to.deep.equal([]);
    const course = await run(
      { 'S-SN-K': [rule('R-s8-3-course-2', 'course', 'review', {}, { description: '总时间不超过90天' })] },
      [{ itemId: 'S-SN-K' }],
    );
    expect(course.findings.map((f) => [f.kind, f.outcome, f.params.description])).to.deep.equal([
      ['course', 'review', '总时间不超过90天'],
    ]);
    expect(course.lines[0]?.status).to.equal('review');
    const long = await run(
      {
        'S-SN-K': [
          rule(
            'R-s8-3-course-5',
            'course',
            'claim',
            { paymentDays: 30 },
            { description: '支付不超过30天。' },
          ),
        ],
      },
      [
        { itemId: 'S-SN-K', date: '2026-03-01' },
        { itemId: 'S-SN-K', date: '2026-04-15' },
      ],
    );
    expect(long.findings.map((f) => [f.kind, f.outcome])).to.deep.equal([
      ['course', 'review'],
      ['paymentDays', 'violated'],
    ]);
    expect(long.lines.map((l) => l.status)).to.deep.equal(['flagged', 'flagged']);
    const odd = await run({ 'S-SN-U': [rule('R-u-1', 'sex', 'claim')] }, [{ itemId: 'S-SN-U' }]);
    expect(odd.findings.map((f) => f.kind)).to.deep.equal(['unknownRule']);
    const freq = await run({ 'S-SN-A': [dup('每周')] }, [{ itemId: 'S-SN-A' }, { itemId: 'S-SN-B' }]);
    expect(freq.findings.map((f) => f.kind)).to.deep.equal(['unknownRule']);
  });

  it('marks a line restricted when a patient rule is violated, naming the rule', async () => {
    const result = await run(
      { 'D-kid': [rule('R-d1-age-2', 'age', 'violated', { minAge: 0, maxAge: 17 }, { value: '儿童' })] },
      [{ itemId: 'D-kid' }],
    );
    expect(result.lines[0]).to.deep.include({ status: 'restricted' });
    expect(result.lines[0]?.rules.map((r) => r.ruleId)).to.deep.equal(['R-d1-age-2']);
  });
});

describe('claim check: CSV export', () => {
  it('writes a row per line and per finding, with a byte order mark, and reads back', async () => {
    const result = await checkClaim(
      fakeClient({
        'S-SN-A': [
          rule('R-p7-dup-2', 'duplicateCharge', 'claim', { pairedWith: ['S-SN-B'], frequency: '单日' }),
        ],
      }),
      claim([{ itemId: 'S-SN-A' }, { itemId: 'S-SN-B' }, { name: '' }]),
    );
    const csv = claimCsv(result, 'zh');
    expect(csv.startsWith('\uFEFF')).to.equal(true);
    const table = parseCsv(csv);
    expect(table.records.map((r) => r.values.record)).to.deep.equal(['line', 'line', 'line', 'finding']);
    expect(table.records[0]?.values).to.deep.include({
      line: '1',
      itemId: 'S-SN-A',
      status: 'flagged',
      rules: 'R-p7-dup-2:claim',
      sources: 'rules.xlsx#72',
    });
    expect(table.records[2]?.values).to.deep.include({
      status: 'error',
      message: '请给出 itemId、name 或 code 之一',
    });
    expect(table.records[3]?.values).to.deep.include({
      finding: 'duplicateCharge',
      lines: '1; 2',
      ruleIds: 'R-p7-dup-2',
    });
    expect(table.records[3]?.values.message).to.contain('不得同时收费');
  });
});
