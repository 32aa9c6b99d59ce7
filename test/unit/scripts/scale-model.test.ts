import { expect } from 'chai';
import {
  addOrgArgs,
  combinations,
  DISCOVERY_COMBINATIONS_LIMIT,
  extrapolate,
  fitLinear,
  formatNumber,
  formatTable,
  governanceArithmetic,
  parseScaleArgs,
  predict,
  SCALE_PROVINCES,
  upTimes,
} from '../../../scripts/scale-model';
import { parseAddOrg } from '../../../network/src/add-org';

describe('scripts/scale-model: the pure parts of the scale run', function () {
  describe('combinations and the governance arithmetic', function () {
    it('counts n choose k exactly', function () {
      expect(combinations(5, 2)).to.equal(10);
      expect(combinations(32, 22)).to.equal(64_512_240);
      expect(combinations(33, 2)).to.equal(528);
      expect(combinations(4, 0)).to.equal(1);
      expect(combinations(4, 5)).to.equal(0);
      expect(combinations(-1, 0)).to.equal(0);
      expect(combinations(3.5, 1)).to.equal(0);
    });

    it('gives the votes, endorsements and combinations of 3 provinces', function () {
      expect(governanceArithmetic(3)).to.deep.equal({
        provinces: 3,
        channelOrgs: 5,
        configSignatures: 3,
        nationalVotes: 3,
        governanceVotes: 3,
        itemEndorsements: 2,
        governanceEndorsements: 3,
        governanceCombinations: 3,
        chaincodeCombinations: 6,
        maxDiscoverableK: 3,
      });
    });

    it('at 32 provinces: 18 national votes, 23 endorsements of the governance key, ≈ 6×10⁷ combinations (over discovery’s bound)', function () {
      const at32 = governanceArithmetic(32);
      expect(at32.nationalVotes).to.equal(18);
      expect(at32.governanceVotes).to.equal(23);
      expect(at32.governanceEndorsements).to.equal(23);
      expect(at32.governanceCombinations).to.equal(64_512_240);
      expect(at32.governanceCombinations).to.be.greaterThan(DISCOVERY_COMBINATIONS_LIMIT);
      expect(at32.chaincodeCombinations).to.equal(528);
      expect(at32.configSignatures).to.equal(18);
      expect(at32.maxDiscoverableK).to.equal(3); // C(32,3) = 4,960; C(32,4) = 35,960
    });
  });

  describe('the least-squares line', function () {
    it('fits an exact line with r² = 1 and predicts on it', function () {
      const fit = fitLinear([
        [3, 10],
        [5, 14],
        [7, 18],
      ]);
      expect(fit.slope).to.be.closeTo(2, 1e-12);
      expect(fit.intercept).to.be.closeTo(4, 1e-12);
      expect(fit.r2).to.be.closeTo(1, 1e-12);
      expect(predict(fit, 32)).to.be.closeTo(68, 1e-9);
    });

    it('fits noisy points with r² below 1, and a flat series with r² = 1', function () {
      const noisy = fitLinear([
        [3, 1],
        [4, 3],
        [5, 2],
        [6, 4],
      ]);
      expect(noisy.slope).to.be.closeTo(0.8, 1e-12);
      expect(noisy.r2).to.be.closeTo(0.64, 1e-12);
      expect(
        fitLinear([
          [3, 2],
          [7, 2],
        ]).r2,
      ).to.equal(1);
    });

    it('refuses fewer than two points or a single x', function () {
      expect(() => fitLinear([[3, 1]])).to.throw(/two points/);
      expect(() =>
        fitLinear([
          [3, 1],
          [3, 2],
        ]),
      ).to.throw(/distinct/);
    });

    it('extrapolates every series with two distinct x values, skipping the others', function () {
      const out = extrapolate(
        [
          {
            quantity: 'config',
            unit: 'bytes',
            points: [
              [3, 30_000],
              [4, 40_000],
            ],
          },
          { quantity: 'one point', unit: 's', points: [[3, 1]] },
        ],
        32,
      );
      expect(out).to.have.length(1);
      expect(out[0]?.quantity).to.equal('config');
      expect(out[0]?.value).to.be.closeTo(320_000, 1e-6);
      expect(out[0]?.at).to.equal(32);
    });
  });

  describe('the table people read', function () {
    it('formats numbers: integers grouped, others to fixed decimals, missing as a dash', function () {
      expect(formatNumber(12345)).to.equal('12,345');
      expect(formatNumber(1.25, 1)).to.equal('1.3');
      expect(formatNumber(0.5, 2)).to.equal('0.50');
      expect(formatNumber(null)).to.equal('–');
      expect(formatNumber(undefined)).to.equal('–');
      expect(formatNumber(NaN)).to.equal('–');
    });

    it('pads columns, right-aligns numeric ones and left-aligns text (wide characters counted twice)', function () {
      const table = formatTable(
        ['province', 'bytes'],
        [
          ['湖北', '1,234'],
          ['Guangdong', '5'],
        ],
      );
      expect(table.split('\n')).to.deep.equal([
        '| province  | bytes |',
        '|-----------|------:|',
        '| 湖北      | 1,234 |',
        '| Guangdong |     5 |',
      ]);
    });

    it('keeps a table of headers alone, and short rows filled', function () {
      expect(formatTable(['a'], [])).to.equal('| a   |\n|-----|');
      expect(formatTable(['a', 'b'], [['x']]).split('\n')[2]).to.equal('| x   |     |');
    });
  });

  describe('the command line and the provinces it adds', function () {
    it('has defaults and reads every option', function () {
      expect(parseScaleArgs([])).to.deep.equal({
        provinces: 7,
        seconds: 8,
        concurrency: 16,
        out: 'bench/results/scale',
        finalImport: true,
      });
      expect(
        parseScaleArgs([
          '--provinces',
          '5',
          '--seconds',
          '3',
          '--concurrency',
          '4',
          '--out',
          'x',
          '--no-final-import',
        ]),
      ).to.deep.equal({ provinces: 5, seconds: 3, concurrency: 4, out: 'x', finalImport: false });
    });

    it('refuses what it cannot do', function () {
      expect(() => parseScaleArgs(['--provinces', '2'])).to.throw(/integer ≥ 3/);
      expect(() => parseScaleArgs(['--provinces'])).to.throw(/integer/);
      expect(() => parseScaleArgs(['--seconds', 'x'])).to.throw(/integer ≥ 1/);
      expect(() => parseScaleArgs(['--out'])).to.throw(/folder/);
      expect(() => parseScaleArgs(['--fast'])).to.throw(/unknown option --fast/);
      expect(() => parseScaleArgs(['--provinces', String(4 + SCALE_PROVINCES.length)])).to.throw(
        /at most 13/,
      );
    });

    it('lists distinct provinces whose arguments network:add-org accepts', function () {
      expect(new Set(SCALE_PROVINCES.map((p) => p.code)).size).to.equal(SCALE_PROVINCES.length);
      expect(new Set(SCALE_PROVINCES.map((p) => p.division)).size).to.equal(SCALE_PROVINCES.length);
      for (const p of SCALE_PROVINCES) {
        const parsed = parseAddOrg(addOrgArgs(p));
        expect(parsed.up).to.equal(true);
        expect(parsed.province).to.include({
          name: p.name,
          mspId: p.mspId,
          code: p.code,
          division: p.division,
        });
        expect(parsed.province.zhShort).to.equal(p.zh.replace(/省$/u, ''));
      }
    });
  });

  describe('the times of a network:up run', function () {
    it('reads the step durations and splits the channel step into configuration update and join', function () {
      const times = upTimes([
        { atMs: 0, line: '[5/8] start peers ...' },
        { atMs: 900, line: '[5/8] start peers: done in 0.9s' },
        { atMs: 1000, line: '[6/8] create and join channel catalog ...' },
        {
          atMs: 4000,
          line: '      HubeiMSP added to channel catalog (signed by NHSAMSP, GuangdongMSP, SichuanMSP)',
        },
        { atMs: 6500, line: '      peer0.hubei joined catalog' },
        { atMs: 6600, line: '[6/8] create and join channel catalog: done in 5.6s' },
        { atMs: 7000, line: '[7/8] deploy chaincode ...' },
        { atMs: 19000, line: '[7/8] deploy chaincode: done in 12.0s' },
      ]);
      expect(times.steps).to.deep.equal({
        'start peers': 0.9,
        'create and join channel catalog': 5.6,
        'deploy chaincode': 12,
      });
      expect(times.configUpdateSeconds).to.equal(3);
      expect(times.joinSeconds).to.equal(2.5);
      expect(times.chaincodeSeconds).to.equal(12);
    });

    it('leaves the parts it did not see unknown', function () {
      expect(upTimes([{ atMs: 0, line: '      peer0.nhsa joined catalog' }])).to.deep.equal({
        steps: {},
        configUpdateSeconds: null,
        joinSeconds: null,
        chaincodeSeconds: null,
      });
    });
  });
});
