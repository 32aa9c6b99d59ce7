import { expect } from 'chai';
import {
  ImportError,
  csvField,
  guardCell,
  parseCsv,
  readCsvFile,
  toCsv,
  toCsvField,
  unguardCell,
} from '../../../gateway-client/src/import';
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
