import { expect } from 'chai';
import { splitIntoChunks, upsertChanges } from '../../../gateway-client/src/import';
import { parseInput } from '@nrdl-catalog/chaincode/model';
import { readCsvFile } from '../../../gateway-client/src/import';
import { dataFile, materialImport, nrdlEntries, serviceImport } from './fixtures';

describe('import: changes the chaincode accepts', () => {
  it('every chunk of the three lists passes the Proposal.AddChunk schema', () => {
    const lists = [
      nrdlEntries().map((e) => e.item),
      serviceImport().entries.map((e) => e.item),
      materialImport().entries.map((e) => e.item),
    ];
    let checked = 0;
    for (const items of lists) {
      splitIntoChunks(upsertChanges(items)).forEach((changes, chunkIndex) => {
        const json = JSON.stringify({ proposalId: 'import-test', chunkIndex, changes });
        expect(() => parseInput('Proposal.AddChunk', json), `chunk ${chunkIndex}`).to.not.throw();
        checked += changes.length;
      });
    }
    expect(checked).to.equal(4750 + 5171 + 175);
  });

  it('the category file has the 904 headings of the five numbered parts', () => {
    const table = readCsvFile(dataFile('nrdl-2024-categories.csv'));
    const bySheet: Record<string, number> = {};
    for (const r of table.records) {
      const sheet = r.values.sheet ?? '';
      bySheet[sheet] = (bySheet[sheet] ?? 0) + 1;
    }
    expect(table.records).to.have.length(904);
    expect(bySheet).to.deep.equal({
      西药部分: 429,
      中成药部分: 149,
      协议西药: 220,
      协议中成药: 57,
      竞价药品部分: 49,
    });
  });
});
