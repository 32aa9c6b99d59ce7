/**
 * The pure parts of the scale run (`scripts/scale.ts`): the provinces it adds, the governance
 * arithmetic of n provinces (votes, endorsements, policy combinations), a least-squares line
 * through the measured points and its value at 32 provinces, and the table people read.
 */
import { displayWidth } from '@nrdl-catalog/gateway-client';

/** A province the scale run adds, as `npm run network:add-org` takes it. */
export interface ScaleProvince {
  readonly name: string;
  readonly mspId: string;
  readonly province: string;
  readonly zh: string;
  readonly abbr: string;
  readonly code: string;
  readonly division: string;
}

/** Provinces the run adds, in order, after the topology's own three (real names and division codes). */
export const SCALE_PROVINCES: readonly ScaleProvince[] = [
  {
    name: 'hubei',
    mspId: 'HubeiMSP',
    province: 'Hubei',
    zh: '湖北省',
    abbr: '鄂',
    code: 'HB',
    division: '420000',
  },
  {
    name: 'zhejiang',
    mspId: 'ZhejiangMSP',
    province: 'Zhejiang',
    zh: '浙江省',
    abbr: '浙',
    code: 'ZJ',
    division: '330000',
  },
  {
    name: 'jiangsu',
    mspId: 'JiangsuMSP',
    province: 'Jiangsu',
    zh: '江苏省',
    abbr: '苏',
    code: 'JS',
    division: '320000',
  },
  {
    name: 'henan',
    mspId: 'HenanMSP',
    province: 'Henan',
    zh: '河南省',
    abbr: '豫',
    code: 'HA',
    division: '410000',
  },
  {
    name: 'shandong',
    mspId: 'ShandongMSP',
    province: 'Shandong',
    zh: '山东省',
    abbr: '鲁',
    code: 'SD',
    division: '370000',
  },
  {
    name: 'hunan',
    mspId: 'HunanMSP',
    province: 'Hunan',
    zh: '湖南省',
    abbr: '湘',
    code: 'HN',
    division: '430000',
  },
  {
    name: 'fujian',
    mspId: 'FujianMSP',
    province: 'Fujian',
    zh: '福建省',
    abbr: '闽',
    code: 'FJ',
    division: '350000',
  },
  {
    name: 'anhui',
    mspId: 'AnhuiMSP',
    province: 'Anhui',
    zh: '安徽省',
    abbr: '皖',
    code: 'AH',
    division: '340000',
  },
  {
    name: 'jiangxi',
    mspId: 'JiangxiMSP',
    province: 'Jiangxi',
    zh: '江西省',
    abbr: '赣',
    code: 'JX',
    division: '360000',
  },
  {
    name: 'yunnan',
    mspId: 'YunnanMSP',
    province: 'Yunnan',
    zh: '云南省',
    abbr: '滇',
    code: 'YN',
    division: '530000',
  },
];

/** The `network:add-org` arguments of `p`. */
export function addOrgArgs(p: ScaleProvince): string[] {
  return [
    p.name,
    '--msp',
    p.mspId,
    '--province',
    p.province,
    '--zh',
    p.zh,
    '--abbr',
    p.abbr,
    '--code',
    p.code,
    '--division',
    p.division,
  ];
}

/** n choose k, exactly while it fits a double's integers (the sizes here do). */
export function combinations(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  let out = 1;
  for (let i = 1; i <= m; i += 1) out = (out * (n - m + i)) / i;
  return Math.round(out);
}

/** Fabric discovery's bound on the principal combinations it enumerates for one policy. */
export const DISCOVERY_COMBINATIONS_LIMIT = 10_000;

/** What the governance defaults ask of n provinces (NHSA + majority for national, NHSA + ⌈2n/3⌉ for governance). */
export interface GovernanceArithmetic {
  readonly provinces: number;
  /** Application organisations of the channel: NHSA, the provinces, the auditors. */
  readonly channelOrgs: number;
  /** Admin signatures of a channel configuration update (MAJORITY of /Channel/Application/Admins). */
  readonly configSignatures: number;
  /** Vote transactions of a national change: NHSA + a majority of provinces. */
  readonly nationalVotes: number;
  /** Vote transactions of a governance change: NHSA + two thirds of provinces. */
  readonly governanceVotes: number;
  /** Endorsements of an item write (national key policy: NHSA + 1 province). */
  readonly itemEndorsements: number;
  /** Endorsements of a write to the governance key (NHSA + ⌈2n/3⌉ provinces' peers). */
  readonly governanceEndorsements: number;
  /** Principal combinations discovery enumerates for the governance key policy. */
  readonly governanceCombinations: number;
  /** Principal combinations of the chaincode-level OutOf(2, NHSA and every province). */
  readonly chaincodeCombinations: number;
  /** The largest k for which "NHSA + k of n provinces" stays within discovery's bound. */
  readonly maxDiscoverableK: number;
}

/** The governance arithmetic of `n` provinces under the default rules. */
export function governanceArithmetic(n: number): GovernanceArithmetic {
  const channelOrgs = n + 2;
  const majority = Math.floor(n / 2) + 1;
  const twoThirds = Math.ceil((2 * n) / 3);
  let maxK = 0;
  while (maxK < n && combinations(n, maxK + 1) <= DISCOVERY_COMBINATIONS_LIMIT) maxK += 1;
  return {
    provinces: n,
    channelOrgs,
    configSignatures: Math.floor(channelOrgs / 2) + 1,
    nationalVotes: 1 + majority,
    governanceVotes: 1 + twoThirds,
    itemEndorsements: 2,
    governanceEndorsements: 1 + twoThirds,
    governanceCombinations: combinations(n, twoThirds),
    chaincodeCombinations: combinations(n + 1, 2),
    maxDiscoverableK: maxK,
  };
}

/** A least-squares line y = intercept + slope·x, and how well it fits (r², 1 for an exact line). */
export interface LinearFit {
  readonly intercept: number;
  readonly slope: number;
  readonly r2: number;
  readonly points: number;
}

/** The least-squares line through `points` (at least two distinct x). */
export function fitLinear(points: readonly (readonly [number, number])[]): LinearFit {
  const n = points.length;
  if (n < 2) throw new Error(`a line needs two points or more, got ${String(n)}`);
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) throw new Error('a line needs two distinct x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { intercept, slope, r2, points: n };
}

/** The fitted line's value at `x`. */
export function predict(fit: LinearFit, x: number): number {
  return fit.intercept + fit.slope * x;
}

/** A number for people: integers with thousands separators, others to `digits` decimals. */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A Markdown table with padded columns (numbers right-aligned, text left-aligned). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = displayWidth;
  const widths = headers.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const numeric = headers.map(
    (_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d,.]+( ?[a-zA-Z%×]*)?$|^–$/u.test(r[i] ?? '')),
  );
  const pad = (s: string, i: number): string => {
    const fill = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(s)));
    return numeric[i] === true ? fill + s : s + fill;
  };
  const line = (cells: readonly string[]): string =>
    `| ${headers.map((_, i) => pad(cells[i] ?? '', i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] === true ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** One measured quantity's line through the points and its value at `at` provinces. */
export interface Extrapolation {
  readonly quantity: string;
  readonly unit: string;
  readonly fit: LinearFit;
  readonly at: number;
  readonly value: number;
}

/** Fits every series (name → points of [provinces, value]) and evaluates it at `at` provinces. */
export function extrapolate(
  series: readonly {
    readonly quantity: string;
    readonly unit: string;
    readonly points: readonly (readonly [number, number])[];
  }[],
  at: number,
): Extrapolation[] {
  return series
    .filter((s) => new Set(s.points.map(([x]) => x)).size >= 2)
    .map((s) => {
      const fit = fitLinear(s.points);
      return { quantity: s.quantity, unit: s.unit, fit, at, value: predict(fit, at) };
    });
}

/** Parses `--provinces N` and the other options of `npm run bench:scale`. */
export interface ScaleOptions {
  readonly provinces: number;
  readonly seconds: number;
  readonly concurrency: number;
  readonly out: string;
  readonly finalImport: boolean;
}

/** The options of the command line (`--provinces 7 --seconds 8 --concurrency 16 --out DIR --no-final-import`). */
export function parseScaleArgs(argv: readonly string[], startProvinces = 3): ScaleOptions {
  const options: {
    provinces: number;
    seconds: number;
    concurrency: number;
    out: string;
    finalImport: boolean;
  } = {
    provinces: 7,
    seconds: 8,
    concurrency: 16,
    out: 'bench/results/scale',
    finalImport: true,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = argv[i + 1];
    const int = (name: string, min: number): number => {
      const n = Number(value);
      if (value === undefined || !Number.isInteger(n) || n < min)
        throw new Error(`${name} needs an integer ≥ ${String(min)}`);
      i += 1;
      return n;
    };
    if (arg === '--provinces') options.provinces = int('--provinces', startProvinces);
    else if (arg === '--seconds') options.seconds = int('--seconds', 1);
    else if (arg === '--concurrency') options.concurrency = int('--concurrency', 1);
    else if (arg === '--out') {
      if (value === undefined) throw new Error('--out needs a folder');
      options.out = value;
      i += 1;
    } else if (arg === '--no-final-import') options.finalImport = false;
    else
      throw new Error(
        `unknown option ${String(arg)} (--provinces N --seconds S --concurrency C --out DIR --no-final-import)`,
      );
  }
  if (options.provinces - startProvinces > SCALE_PROVINCES.length) {
    throw new Error(
      `--provinces: at most ${String(startProvinces + SCALE_PROVINCES.length)} (${String(SCALE_PROVINCES.length)} provinces to add are listed)`,
    );
  }
  return options;
}

/** A progress line of `network:up` with the time it was printed (ms, any clock). */
export interface TimedLine {
  readonly atMs: number;
  readonly line: string;
}

/** What one `network:up` spent: seconds per step, and the channel step split into its parts. */
export interface UpTimes {
  readonly steps: Readonly<Record<string, number>>;
  /** From the channel step's start to the "added to channel" line (configuration update signed and applied). */
  readonly configUpdateSeconds: number | null;
  /** From there to the new peer's "joined" line. */
  readonly joinSeconds: number | null;
  /** The chaincode step: install on the new peer, every organisation approving the next sequence, commit, warm-up. */
  readonly chaincodeSeconds: number | null;
}

/** Reads the step durations of a `network:up` run from its progress lines (StepReporter's format). */
export function upTimes(lines: readonly TimedLine[]): UpTimes {
  const steps: Record<string, number> = {};
  let channelStart: number | null = null;
  let added: number | null = null;
  let joined: number | null = null;
  for (const { atMs, line } of lines) {
    const done = /^\[\d+\/\d+\] (.+): done in ([\d.]+)s$/u.exec(line);
    if (done?.[1] !== undefined && done[2] !== undefined) {
      steps[done[1]] = Number(done[2]);
      continue;
    }
    if (/^\[\d+\/\d+\] create and join channel .+ \.\.\.$/u.test(line)) channelStart = atMs;
    else if (/ added to channel /u.test(line)) added = atMs;
    else if (added !== null && /^\s*peer0\.\S+ joined /u.test(line)) joined = atMs;
  }
  const chaincode = Object.entries(steps).find(([title]) => title === 'deploy chaincode');
  return {
    steps,
    configUpdateSeconds: channelStart !== null && added !== null ? (added - channelStart) / 1000 : null,
    joinSeconds: added !== null && joined !== null ? (joined - added) / 1000 : null,
    chaincodeSeconds: chaincode === undefined ? null : chaincode[1],
  };
}
