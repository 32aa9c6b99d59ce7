/**
 * What the fund pays, estimated: integer fen, ratios in basis points, each ratio's product rounded
 * half up once per line; the deductible and the annual cap carried from line to line and from what
 * the claim says was already paid; every figure names the rule and version it came from. The same
 * three-line claim is computed by hand in test/network/38-cross-province.test.ts.
 */
import { expect } from 'chai';
import type { CoverageResult, PaymentPolicyAnswer, PaymentPolicyRow } from '@nrdl-catalog/chaincode/model';
import {
  applyRatio,
  checkClaim,
  claimCsv,
  estimateSplit,
  roundHalfUp,
  yuanToFen,
  parseClaimLine,
  type ClaimClient,
  type SplitLine,
} from '@nrdl-catalog/gateway-client';
import { parseCsv } from '@nrdl-catalog/gateway-client/import';

const row: PaymentPolicyRow = {
  insuranceType: 'employee',
  visitType: 'inpatient',
  hospitalLevels: [3],
  deductibleFen: 80_000,
  fundRatioBp: 8500,
  annualCapFen: 30_000_000,
  classBSelfPayBp: 1000,
  crossProvince: { registeredBp: 8500, unregisteredBp: 7500 },
  note: null,
};

const policy = (over: Partial<PaymentPolicyAnswer> = {}): PaymentPolicyAnswer => ({
  province: 'Sichuan',
  proposalId: 'p-sc',
  listedInVersion: 3,
  provenance: {
    title: '示例数据，非真实标准',
    documentNumber: 'x',
    url: null,
    date: '2025-01-01',
    note: null,
  },
  visitType: 'inpatient',
  row,
  rowIndex: 0,
  missing: [],
  crossProvince: true,
  registered: true,
  ratioBasis: 'registered',
  fundRatioBp: 8500,
  ...over,
});

function coverage(
  itemId: string,
  cls: '甲' | '乙' | null,
  covered = true,
  extra: Partial<CoverageResult> & { paymentPolicy?: PaymentPolicyAnswer | null } = {},
): CoverageResult {
  return {
    province: 'Guangdong',
    itemId,
    date: '2025-06-01',
    name: itemId,
    kind: 'drug',
    covered,
    reason: covered ? 'COVERED' : 'NOT_IN_PROVINCE',
    class: cls,
    restriction: null,
    rule: null,
    rules: [],
    paymentStandard: null,
    agreementPeriod: null,
    provincial: null,
    catalogVersion: 4,
    versionEffectiveFrom: '2025-03-01',
    txId: 't',
    ...({ paymentPolicy: policy() } as object),
    ...extra,
  };
}

const line = (
  amountFen: number | null,
  c: CoverageResult | null,
  covered = c?.covered ?? false,
): SplitLine => ({
  amountFen,
  coverage: c,
  covered,
});

describe('fund split: money arithmetic', () => {
  it('rounds half up, in BigInt, once', () => {
    expect([
      roundHalfUp(4n, 10n),
      roundHalfUp(5n, 10n),
      roundHalfUp(15n, 10n),
      roundHalfUp(0n, 10n),
    ]).to.deep.equal([0n, 1n, 2n, 0n]);
    expect(applyRatio(50_005, 1000)).to.equal(5001); // 5000.5 → 5001
    expect(applyRatio(43_456, 8500)).to.equal(36_938); // 36937.6 → 36938
    expect(applyRatio(45_004, 8500)).to.equal(38_253); // 38253.4 → 38253
    expect(applyRatio(1, 5000)).to.equal(1); // half a fen rounds up
    expect(applyRatio(1, 4999)).to.equal(0);
    // beyond 2^53 as a product: 10^12 fen × 9999 bp, exact
    expect(applyRatio(1_000_000_000_000, 9999)).to.equal(999_900_000_000);
    expect(applyRatio(999_999_999_999, 3333)).to.equal(333_300_000_000); // 333299999999.6667 → …300000000
  });

  it('reads yuan exactly (at most two decimals) and refuses anything else', () => {
    expect(['12', '12.5', '12.50', '0.01', 1234.56, '  7.3 '].map(yuanToFen)).to.deep.equal([
      1200, 1250, 1250, 1, 123_456, 730,
    ]);
    expect(['-1', '1.234', '1e3', '', 'abc', null, {}, Number.NaN].map(yuanToFen)).to.deep.equal([
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it('splits the three-line claim of the network test exactly as computed by hand', () => {
    const split = estimateSplit([
      line(123_456, coverage('D-jia', '甲')),
      line(50_005, coverage('D-yi', '乙')),
      line(8_800, coverage('S-SC-1', null, false)),
    ]);
    const [one, two, three] = split.lines.map((l) => l.split);
    // 1: class 甲, 1234.56 元: the deductible 800 元 first, then 85 % of 434.56 元
    expect(one).to.deep.include({
      amountFen: 123_456,
      classBSelfPayFen: 0,
      deductibleFen: 80_000,
      fundShareFen: 36_938,
      coinsuranceFen: 6_518,
      aboveCapFen: 0,
      fundPaysFen: 36_938,
      patientPaysFen: 86_518,
    });
    // 2: class 乙, 500.05 元: 10 % self-pay first (500.05 → 50.01 元), the deductible already filled
    expect(two).to.deep.include({
      classBSelfPayFen: 5_001,
      deductibleFen: 0,
      fundShareFen: 38_253,
      coinsuranceFen: 6_751,
      fundPaysFen: 38_253,
      patientPaysFen: 11_752,
    });
    // 3: not covered where treated: the patient pays it all
    expect(three).to.deep.include({ notCoveredFen: 8_800, fundPaysFen: 0, patientPaysFen: 8_800 });
    expect(split.status).to.equal('estimated');
    expect(split.totals).to.deep.equal({
      amountFen: 182_261,
      notCoveredFen: 8_800,
      classBSelfPayFen: 5_001,
      deductibleFen: 80_000,
      fundShareFen: 75_191,
      coinsuranceFen: 13_269,
      aboveCapFen: 0,
      fundPaysFen: 75_191,
      patientPaysFen: 107_070,
    });
    expect(split.remaining).to.deep.equal({ deductibleFen: 0, annualCapFen: 30_000_000 - 75_191 });
    // every figure names its rule and version
    expect(one?.sources.fundShare).to.deep.equal({
      province: 'Sichuan',
      rule: 'policy',
      rowIndex: 0,
      proposalId: 'p-sc',
      version: 3,
      value: 8500,
    });
    expect(one?.sources.deductible?.value).to.equal(80_000);
    expect(two?.sources.classBSelfPay).to.deep.include({ rule: 'policy', value: 1000 });
    expect(three?.sources).to.deep.equal({
      notCovered: {
        province: 'Guangdong',
        rule: 'catalog',
        rowIndex: null,
        proposalId: null,
        version: 4,
        value: null,
      },
    });
  });

  it('holds fundPays + patientPays = amount, and the parts sum to it, on every line', () => {
    const amounts = [1, 2, 3, 99, 100, 101, 12_345, 79_999, 80_000, 80_001, 1_000_000, 999_999_999];
    const split = estimateSplit(
      amounts.map((a, i) => line(a, coverage(`D-${i}`, i % 2 === 0 ? '乙' : '甲'))),
    );
    for (const l of split.lines) {
      const s = l.split!;
      expect(s.fundPaysFen + s.patientPaysFen).to.equal(s.amountFen);
      expect(
        s.notCoveredFen +
          s.classBSelfPayFen +
          s.deductibleFen +
          s.coinsuranceFen +
          s.aboveCapFen +
          s.fundPaysFen,
      ).to.equal(s.amountFen);
      expect(Number.isInteger(s.fundPaysFen)).to.equal(true);
    }
  });

  it('fills the deductible across lines and from what was already filled', () => {
    const small = estimateSplit([line(30_000, coverage('a', '甲')), line(70_000, coverage('b', '甲'))]);
    expect(small.lines.map((l) => l.split?.deductibleFen)).to.deep.equal([30_000, 50_000]);
    expect(small.lines[0]?.split).to.deep.include({ fundShareFen: 0, patientPaysFen: 30_000 });
    expect(small.lines[1]?.split?.fundShareFen).to.equal(applyRatio(20_000, 8500));
    const met = estimateSplit([line(10_000, coverage('a', '甲'))], { deductibleFen: 80_000 });
    expect(met.lines[0]?.split).to.deep.include({ deductibleFen: 0, fundShareFen: 8_500 });
    const over = estimateSplit([line(10_000, coverage('a', '甲'))], { deductibleFen: 999_999 });
    expect(over.lines[0]?.split?.deductibleFen).to.equal(0);
    expect(met.accumulated).to.deep.equal({ fundPaidFen: 0, deductibleFen: 80_000 });
  });

  it('stops the fund at the annual cap: the rest is above the cap', () => {
    const split = estimateSplit([line(123_456, coverage('a', '甲')), line(50_005, coverage('b', '乙'))], {
      fundPaidFen: 29_990_000,
    });
    expect(split.lines[0]?.split).to.deep.include({
      fundShareFen: 36_938,
      fundPaysFen: 10_000,
      aboveCapFen: 26_938,
    });
    expect(split.lines[1]?.split).to.deep.include({
      fundShareFen: 38_253,
      fundPaysFen: 0,
      aboveCapFen: 38_253,
    });
    expect(split.remaining).to.deep.equal({ deductibleFen: 0, annualCapFen: 0 });
    const exact = estimateSplit([line(180_000, coverage('a', '甲'))], { fundPaidFen: 30_000_000 - 85_000 });
    expect(exact.lines[0]?.split).to.deep.include({
      fundShareFen: 85_000,
      fundPaysFen: 85_000,
      aboveCapFen: 0,
    });
  });

  it("takes the class-乙 ratio from the treatment province's overlay when it gives one", () => {
    const overlay = {
      itemId: 'b',
      province: 'Guangdong',
      prices: null,
      selfPayRatio: 0.05,
      restriction: null,
      rules: null,
      suspended: false,
    };
    const split = estimateSplit([line(50_005, coverage('b', '乙', true, { provincial: overlay }))], {
      deductibleFen: 80_000,
    });
    expect(split.lines[0]?.split?.classBSelfPayFen).to.equal(2_500); // 2500.25 → 2500
    expect(split.lines[0]?.split?.sources.classBSelfPay).to.deep.equal({
      province: 'Guangdong',
      rule: 'overlay',
      rowIndex: null,
      proposalId: null,
      version: 4,
      value: 500,
    });
  });

  it('says why a line has no estimate: no amount, no policy, no row, no answer', () => {
    const split = estimateSplit([
      line(null, coverage('a', '甲')),
      line(100, coverage('a', '甲', true, { paymentPolicy: null })),
      line(
        100,
        coverage('a', '甲', true, {
          paymentPolicy: policy({ row: null, rowIndex: null, fundRatioBp: null }),
        }),
      ),
      line(100, null),
      line(100, coverage('a', '甲')),
    ]);
    expect(split.lines.map((l) => l.status)).to.deep.equal([
      'noAmount',
      'noPolicy',
      'noRow',
      'noAnswer',
      'estimated',
    ]);
    expect(split.status).to.equal('partial');
    expect(estimateSplit([line(null, null)]).status).to.equal('none');
    expect(estimateSplit([line(null, null)]).remaining).to.equal(null);
  });
});

describe('fund split in the claim check', () => {
  const answers: Record<string, CoverageResult> = {
    'D-jia': coverage('D-jia', '甲'),
    'D-yi': coverage('D-yi', '乙'),
    'S-SC-1': coverage('S-SC-1', null, false),
  };
  const client: ClaimClient = {
    checkCoverageBatch: (input) => {
      const lines = (input as unknown as { lines: { itemId: string }[] }).lines;
      return Promise.resolve({
        results: lines.map((l) => ({ ...answers[l.itemId]!, insuredProvince: 'Sichuan' }) as CoverageResult),
      });
    },
  };

  it('reads amount (yuan) or amountFen per line and refuses both or a bad one', () => {
    const head = { province: 'Guangdong' };
    expect(parseClaimLine(1, { itemId: 'D-1', amount: '12.30' }, head)).to.deep.include({ amountFen: 1230 });
    expect(parseClaimLine(1, { itemId: 'D-1', amountFen: 1230 }, head)).to.deep.include({ amountFen: 1230 });
    expect(parseClaimLine(1, { itemId: 'D-1', amount: '1.234' }, head)).to.include({
      key: 'claim.error.amount',
    });
    expect(parseClaimLine(1, { itemId: 'D-1', amountFen: '1.5' }, head)).to.include({
      key: 'claim.error.amount',
    });
    expect(parseClaimLine(1, { itemId: 'D-1', amount: 1, amountFen: 100 }, head)).to.include({
      key: 'claim.error.amountMany',
    });
    expect(parseClaimLine(1, { itemId: 'D-1' }, head)).to.not.have.property('amountFen');
  });

  it('adds the split per line and for the claim, and nothing to a claim without amounts', async () => {
    const patient = {
      insuranceType: 'employee',
      hospitalLevel: 3,
      visitType: 'inpatient',
      insuredProvince: '川',
      registered: true,
    } as const;
    const result = await checkClaim(client, {
      province: 'Guangdong',
      date: '2025-06-01',
      patient,
      lines: [
        { itemId: 'D-jia', amount: '1234.56' },
        { itemId: 'D-yi', amountFen: 50_005 },
        { itemId: 'S-SC-1', amount: 88 },
      ],
    });
    expect(result.insuredProvince).to.equal('Sichuan');
    expect(result.split?.totals).to.deep.include({ fundPaysFen: 75_191, patientPaysFen: 107_070 });
    expect(result.lines.map((l) => [l.amountFen, l.estimate?.status])).to.deep.equal([
      [123_456, 'estimated'],
      [50_005, 'estimated'],
      [8_800, 'estimated'],
    ]);
    const csv = parseCsv(claimCsv(result, 'en'));
    expect(csv.records.map((r) => [r.values.record, r.values.estimate, r.values.fundPaysFen])).to.deep.equal([
      ['line', 'estimated', '36938'],
      ['line', 'estimated', '38253'],
      ['line', 'estimated', '0'],
      ['split', 'estimated', '75191'],
    ]);
    const plain = await checkClaim(client, { province: 'Guangdong', lines: [{ itemId: 'D-jia' }] });
    expect(plain).to.not.have.property('split');
    expect(plain).to.not.have.property('insuredProvince');
    expect(plain.lines[0]).to.not.have.property('estimate');
  });
});
