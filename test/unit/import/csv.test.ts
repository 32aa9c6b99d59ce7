import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ImportError,
  csvField,
  decodeText,
  guardCell,
  parseCsv,
  readCsvFile,
  toCsv,
  toCsvField,
  unguardCell,
} from '../../../gateway-client/src/import';
import { gb18030Bytes } from '../support/gb18030';
import { dataFile, nrdlRow } from './fixtures';

describe('import/csv', () => {
  it('maps the header to records and reports the line each record starts on', () => {
    const table = parseCsv('a,b\n1,"x\ny\nz"\n\n2,w\n3,"v"', { source: 't.csv' });
    expect(table.source).to.equal('t.csv');
    expect(table.columns).to.deep.equal(['a', 'b']);
    expect(table.records.map((r) => r.line)).to.deep.equal([2, 6, 7]);
    expect(table.records[0]?.values).to.deep.equal({ a: '1', b: 'x\ny\nz' });
    expect(csvField(table, table.records[2]!, 'b')).to.equal('v');
  });

  it('strips a BOM and keeps values verbatim (no trimming)', () => {
    const table = parseCsv('\uFEFFa,b\n  1 ,"2 "\n');
    expect(table.columns).to.deep.equal(['a', 'b']);
    expect(table.records[0]?.values).to.deep.equal({ a: '  1 ', b: '2 ' });
  });

  it('rejects a row with the wrong number of fields, naming the line', () => {
    expect(() => parseCsv('a,b\n1,2\n3\n', { source: 'bad.csv' }))
      .to.throw(ImportError, /^INVALID_INPUT: bad\.csv:3: malformed CSV/)
      .with.property('line', 3);
  });

  it('rejects an unclosed quote and a missing required column', () => {
    expect(() => parseCsv('a,b\n1,"2\n', { source: 'q.csv' })).to.throw(
      ImportError,
      /q\.csv:\d+: malformed CSV/,
    );
    expect(() => parseCsv('a,b\n1,2\n', { source: 'c.csv', requiredColumns: ['a', 'c'] })).to.throw(
      ImportError,
      "INVALID_INPUT: c.csv:1: missing column 'c'",
    );
    const table = parseCsv('a\n1\n');
    expect(() => csvField(table, table.records[0]!, 'zz')).to.throw(ImportError, /:2: missing column 'zz'/);
  });

  it('reports a missing file as an ImportError', () => {
    expect(() => readCsvFile(dataFile('no-such-file.csv'))).to.throw(
      ImportError,
      /no-such-file\.csv: cannot read file/,
    );
  });

  it('gives the starting line of real records that follow multi-line fields', () => {
    // row 111 has a four-line drug name; row 3405 follows rows with multi-line payment standards
    expect(nrdlRow('1').line).to.equal(2);
    expect(nrdlRow('111').line).to.equal(112);
    expect(nrdlRow('112').line).to.equal(116);
    expect(nrdlRow('3405').line).to.equal(3471);
  });

  describe('writing CSV (formula injection)', () => {
    const dangerous = ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1', '-', "'=1"];

    it('prefixes a cell that a spreadsheet could evaluate with a single quote', () => {
      expect(toCsvField('=1+1')).to.equal("'=1+1");
      expect(toCsvField('+86 20 1234')).to.equal("'+86 20 1234");
      expect(toCsvField('-5')).to.equal("'-5");
      expect(toCsvField('@user')).to.equal("'@user");
      expect(toCsvField('\t=1')).to.equal("'\t=1");
      expect(toCsvField('\r=1')).to.equal(`"'\r=1"`);
      expect(toCsvField('=A1,"x"')).to.equal(`"'=A1,""x"""`);
      expect(toCsvField("'=1")).to.equal("''=1");
      for (const plain of ['复方硼砂', '63.00元(10mg/支)', '1', '', "it's", 'a-b', 'x=y']) {
        expect(toCsvField(plain)).to.equal(plain);
      }
      expect(toCsvField(null)).to.equal('');
      for (const value of dangerous) expect(guardCell(value).startsWith("'")).to.equal(true);
    });

    it('reads its own output back to the values written', () => {
      const rows = dangerous.map((value, i) => ({ id: String(i), value }));
      const text = toCsv(['id', 'value'], rows);
      for (const line of text.split('\n').slice(1)) {
        expect(line).to.not.match(/^\d+,"?[=+\-@\t\r]/);
      }
      const table = parseCsv(text);
      expect(table.records.map((r) => r.values)).to.deep.equal(rows);
      for (const value of [...dangerous, 'plain', "'quoted", "''"]) {
        expect(unguardCell(guardCell(value))).to.equal(value);
      }
    });
  });
});

describe('import/csv: files as hospitals and bureaus save them (UTF-8 with or without BOM, GB18030 / GBK)', () => {
  const text = '药品名称,剂型\n阿莫西林,口服常释剂型\n';

  it('reads UTF-8, drops a byte order mark, and takes bytes that are not UTF-8 as GB18030', () => {
    expect(decodeText(Buffer.from(text, 'utf8'))).to.deep.equal({ text, encoding: 'utf-8' });
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).to.deep.equal({
      text,
      encoding: 'utf-8',
    });
    const gbk = gb18030Bytes(text);
    expect(gbk.equals(Buffer.from(text, 'utf8'))).to.equal(false);
    expect(decodeText(gbk)).to.deep.equal({ text, encoding: 'gb18030' });
    expect(decodeText(gbk, 'gb18030').text).to.equal(text);
    expect(() => decodeText(gbk, 'utf-8')).to.throw(TypeError);
  });

  it('parses a GB18030 CSV file and a UTF-8 one with BOM to the same records', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'csv-encoding-'));
    try {
      const gbkFile = path.join(dir, 'gbk.csv');
      const bomFile = path.join(dir, 'bom.csv');
      writeFileSync(gbkFile, gb18030Bytes(text));
      writeFileSync(bomFile, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
      const fromGbk = readCsvFile(gbkFile, { requiredColumns: ['药品名称'] });
      const fromBom = readCsvFile(bomFile, { requiredColumns: ['药品名称'] });
      expect(fromGbk.columns).to.deep.equal(['药品名称', '剂型']);
      expect(fromGbk.records).to.deep.equal(fromBom.records);
      expect(fromGbk.records[0]?.values).to.deep.equal({ 药品名称: '阿莫西林', 剂型: '口服常释剂型' });
      expect(() => readCsvFile(gbkFile, { encoding: 'utf-8' }))
        .to.throw(ImportError)
        .with.property('message')
        .that.matches(/^INVALID_INPUT: gbk\.csv: not valid utf-8 text \(try --encoding gb18030\)$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
