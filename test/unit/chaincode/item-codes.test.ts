import { expect } from 'chai';
import { canonicalJson } from '@nrdl-catalog/chaincode/model';
import { normaliseItem } from '../../../chaincode/src/model/items';
import { parseInput } from '../../../chaincode/src/lib/validate';
import { boraxItem } from './support/fixtures';

const g = { provinces: [] };

describe('item codes (further official codes of an item)', () => {
  it('are stored sorted, and left out of the record when there are none', () => {
    const withCodes = normaliseItem(g, { ...boraxItem, codes: ['XB2', 'XA1'] });
    expect(withCodes.codes).to.deep.equal(['XA1', 'XB2']);
    const without = normaliseItem(g, boraxItem);
    const empty = normaliseItem(g, { ...boraxItem, codes: [] });
    expect('codes' in without).to.equal(false);
    expect(canonicalJson(empty)).to.equal(canonicalJson(without));
  });

  it('are validated: pattern, uniqueness', () => {
    const change = (codes: string[]): string =>
      JSON.stringify({
        proposalId: 'p1',
        chunkIndex: 0,
        changes: [{ op: 'upsertItem', item: { ...boraxItem, codes } }],
      });
    expect(() => parseInput('Proposal.AddChunk', change(['ZA04CAE0023010100166']))).not.to.throw();
    expect(() => parseInput('Proposal.AddChunk', change(['a b']))).to.throw(/INVALID_INPUT/);
    expect(() => parseInput('Proposal.AddChunk', change(['X1', 'X1']))).to.throw(/INVALID_INPUT/);
  });
});
