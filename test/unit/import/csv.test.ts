import { expect } from 'chai';
import { ImportError, parseCsv, readCsvFile, csvField } from '../../../gateway-client/src/import';
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
});
