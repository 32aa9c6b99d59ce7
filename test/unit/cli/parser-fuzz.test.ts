/**
 * Hostile files for the command line's parsers, in-process: the import lists (`import nrdl`,
 * `import province-items`), claim files (`claim check`, `coverage-batch`; JSON and CSV) and the text
 * decoder under them. Files are real lists and claims, broken on purpose: random bytes, invalid UTF-8
 * spliced in, GB18030, stray and unclosed quotes, rows with too many or too few fields, megabyte
 * fields, NUL bytes, byte order marks, JSON that is null, a number, deeply nested or missing its
 * lines. Every read either succeeds or fails with the CLI's own clear error (a UsageError, an
 * ImportError or a coded CatalogClientError) — never a TypeError, a RangeError or a parser's raw
 * exception.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogClientError } from '../../../gateway-client/src/errors';
import { decodeText, ImportError, parseCsv } from '../../../gateway-client/src/import/csv';
import { readImportList } from '../../../gateway-client/src/import/run-import';
import { readClaimDocument } from '../../../apps/cli/src/claim-command';
import { UsageError } from '../../../apps/cli/src/context';
import { readClaimFile } from '../../../apps/cli/src/query-commands';
import { envInt, report, SEED } from '../../support/fuzz-config';
import { gb18030Bytes } from '../support/gb18030';
import { MEMBERS } from '../support/members';

/** Cases per parser (the soak run multiplies them). */
const RUNS = Math.max(1, Math.round(envInt('FUZZ_RUNS', 1000) / 5));

const DATA = path.resolve(__dirname, '../../../data');

/** The first lines of a real list, as bytes. */
function head(file: string, lines: number): string {
  return readFileSync(path.join(DATA, file), 'utf8').split('\n').slice(0, lines).join('\n');
}

const NRDL = head('nrdl-2024-drugs.csv', 12);
const SERVICES = head('shaanxi-2021-medical-service-prices.csv', 12);
const MATERIALS = head('shaanxi-2021-special-materials.csv', 12);
const CLAIM_CSV =
  'itemId,date,age,sex,level,visit\nD-7233e7b335261587,2025-06-01,30,M,3,outpatient\nS-SN-110100001,2025-6-1,8,F,2,inpatient\n';
const CLAIM_JSON = JSON.stringify({
  province: 'Shaanxi',
  date: '2025-06-01',
  patient: { age: 30, sex: 'male' },
  lines: [
    { itemId: 'D-7233e7b335261587', quantity: 1 },
    { name: '阿莫西林', dosageForm: '颗粒剂' },
    { code: '110100001' },
  ],
});

/** One way of breaking a text file. */
const breakage: fc.Arbitrary<(text: string) => Buffer> = fc.oneof(
  fc.constant((text: string) => Buffer.from(text)),
  // a stray or unclosed quote somewhere
  fc.tuple(fc.nat(), fc.constantFrom('"', '""', '"a"b', '\n"', '",')).map(
    ([at, quote]) =>
      (text: string) =>
        Buffer.from(text.slice(0, at % (text.length + 1)) + quote + text.slice(at % (text.length + 1))),
  ),
  // invalid UTF-8 spliced in
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0x00]),
    )
    .map(([at, bytes]) => (text: string) => {
      const b = Buffer.from(text);
      const i = at % (b.length + 1);
      return Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]);
    }),
  // GB18030 bytes of the same text (what a spreadsheet program saves), or a BOM before it
  fc.constantFrom(
    (text: string) => gb18030Bytes(text),
    (text: string) => Buffer.from(`\uFEFF${text}`),
  ),
  // a huge field: a megabyte in one cell
  fc
    .tuple(fc.integer({ min: 1 << 16, max: 1 << 20 }), fc.boolean())
    .map(([size, quoted]) => (text: string) => {
      const [header = '', ...rest] = text.split('\n');
      const cell = quoted ? `"${'长'.repeat(size)}"` : 'x'.repeat(size);
      return Buffer.from([header, `${cell},${rest.join('\n')}`].join('\n'));
    }),
  // rows with too many or too few fields, CR line ends, blank lines
  fc.constantFrom(
    (text: string) => Buffer.from(text.replace(/\n/g, ',,,\n')),
    (text: string) => Buffer.from(text.replace(/,[^,\n]*\n/g, '\n')),
    (text: string) => Buffer.from(text.replace(/\n/g, '\r')),
    (text: string) => Buffer.from(text.replace(/\n/g, '\n\n\r\n')),
    (text: string) => Buffer.from(text.split('\n')[0] ?? ''),
    () => Buffer.alloc(0),
  ),
  // any bytes at all
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => () => Buffer.from(bytes)),
);

const jsonBreakage: fc.Arbitrary<(text: string) => Buffer> = fc.oneof(
  breakage,
  fc
    .constantFrom(
      'null',
      '0',
      '"lines"',
      '[]',
      '{}',
      '{"lines":null}',
      '{"lines":{}}',
      '{"lines":[null,1,"x",[],{}]}',
      '{"changes":7}',
    )
    .map((text) => () => Buffer.from(text)),
  fc
    .integer({ min: 100, max: 50_000 })
    .map((depth) => () => Buffer.from(`{"lines":${'['.repeat(depth)}${']'.repeat(depth)}}`)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => () => Buffer.from(JSON.stringify(value))),
);

/** Null when `error` is one of the CLI's clear errors; else what it is. */
function unclear(error: unknown): string | null {
  if (error instanceof UsageError || error instanceof ImportError || error instanceof CatalogClientError) {
    return error.message.length > 0 && !/Cannot read propert|undefined|is not a function/.test(error.message)
      ? null
      : `unclear message: ${error.message.slice(0, 200)}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : `threw ${String(error)}`;
}

describe('CLI parsers: hostile files (fast-check, in-process)', function () {
  let dir: string;

  before(function () {
    dir = mkdtempSync(path.join(os.tmpdir(), 'parser-fuzz-'));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const targets: readonly {
    readonly what: string;
    readonly seedText: string;
    readonly extension: string;
    readonly breaks: fc.Arbitrary<(text: string) => Buffer>;
    readonly read: (file: string) => unknown;
  }[] = [
    {
      what: 'import nrdl (readImportList)',
      seedText: NRDL,
      extension: '.csv',
      breaks: breakage,
      read: (file) => readImportList({ list: 'nrdl', file }),
    },
    {
      what: 'import province-items, services',
      seedText: SERVICES,
      extension: '.csv',
      breaks: breakage,
      read: (file) =>
        readImportList({ list: 'province-items', file, province: 'Shaanxi', kind: 'service' }, MEMBERS),
    },
    {
      what: 'import province-items, materials (forced UTF-8)',
      seedText: MATERIALS,
      extension: '.csv',
      breaks: breakage,
      read: (file) =>
        readImportList(
          { list: 'province-items', file, province: '陕西', kind: 'material', encoding: 'utf-8' },
          MEMBERS,
        ),
    },
    {
      what: 'claim check, CSV claim (readClaimDocument)',
      seedText: CLAIM_CSV,
      extension: '.csv',
      breaks: breakage,
      read: (file) => readClaimDocument(file),
    },
    {
      what: 'claim check, JSON claim (readClaimDocument)',
      seedText: CLAIM_JSON,
      extension: '.json',
      breaks: jsonBreakage,
      read: (file) => readClaimDocument(file),
    },
    {
      what: 'coverage-batch, CSV claim (readClaimFile)',
      seedText: CLAIM_CSV,
      extension: '.csv',
      breaks: breakage,
      read: (file) => readClaimFile(file, 'Shaanxi'),
    },
    {
      what: 'coverage-batch, JSON claim (readClaimFile, forced GB18030)',
      seedText: CLAIM_JSON,
      extension: '.json',
      breaks: jsonBreakage,
      read: (file) => readClaimFile(file, 'Shaanxi', 'gb18030'),
    },
  ];

  for (const target of targets) {
    it(`${target.what}: ${String(RUNS)} broken files — read, or refused with a clear error`, function () {
      this.timeout(Math.max(60_000, RUNS * 100));
      const file = path.join(dir, `case${target.extension}`);
      let refused = 0;
      let accepted = 0;
      const started = Date.now();
      fc.assert(
        fc.property(target.breaks, (broken) => {
          writeFileSync(file, broken(target.seedText));
          try {
            target.read(file);
            accepted += 1;
          } catch (error) {
            refused += 1;
            const problem = unclear(error);
            if (problem !== null) throw new Error(problem);
          }
        }),
        { numRuns: RUNS, seed: SEED },
      );
      report({
        suite: 'CLI parsers (in-process)',
        target: target.what,
        cases: RUNS,
        refused,
        accepted,
        failures: 0,
        ms: Date.now() - started,
        note: "every file read, or refused with the CLI's own clear error",
      });
      expect(refused + accepted).to.be.greaterThan(0);
    });
  }

  it('decodeText: any bytes decode under auto and gb18030; forced utf-8 refuses invalid bytes with a TypeError of the decoder only', function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(typeof decodeText(bytes).text).to.equal('string');
        expect(typeof decodeText(bytes, 'gb18030').text).to.equal('string');
        try {
          decodeText(bytes, 'utf-8');
        } catch (error) {
          expect((error as Error).name).to.equal('TypeError');
          expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).to.throw();
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('parseCsv: any text parses or is an ImportError naming the line', function () {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        try {
          parseCsv(`a,b,c\n${text}`);
        } catch (error) {
          expect(error).to.be.instanceOf(ImportError);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
