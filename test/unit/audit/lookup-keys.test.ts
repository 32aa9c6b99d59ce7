import { expect } from 'chai';
import { lookupKeysOf, type Chunk, type ItemRecord } from '@nrdl-catalog/chaincode/model';
import {
  checkLookupKeys,
  type ProposalInfo,
  type StateValue,
  type TxRef,
} from '../../../gateway-client/src/audit/ledger-model';
import { normaliseItem } from '../../../chaincode/src/model/items';
import { boraxItem } from '../chaincode/support/fixtures';

const txRef = (txId: string): TxRef => ({
  blockNumber: 1,
  txIndex: 0,
  txId,
  timestamp: null,
  creatorMsp: null,
  creatorSubject: null,
  creatorRole: null,
  function: null,
  endorsers: [],
});
const bytes = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

describe('audit: lookup keys', () => {
  const item = normaliseItem({ provinces: [] }, { ...boraxItem, codes: ['XA1'] });
  const record: ItemRecord = {
    itemId: item.id,
    proposalId: 'p1',
    op: 'upsert',
    item,
    txId: 'apply',
    timestamp: '',
  };
  const recordKey = `\u0000itemv\u0000${item.id}\u0000p1\u0000`;
  const keys = lookupKeysOf(item, 'p1');

  function state(extra: [string, unknown, string][] = [], written = 'apply'): Map<string, StateValue> {
    const out = new Map<string, StateValue>([[recordKey, { bytes: bytes(record), tx: txRef('apply') }]]);
    for (const key of keys) {
      out.set(key, { bytes: bytes({ itemId: item.id, proposalId: 'p1' }), tx: txRef(written) });
    }
    for (const [key, value, txId] of extra) {
      out.set(key, { bytes: bytes(value), tx: txRef(txId) });
    }
    return out;
  }

  it('accepts the keys the chaincode derives from the record, written with it', () => {
    expect(keys).to.have.length(3);
    expect(checkLookupKeys(state(), new Map())).to.deep.equal([]);
  });

  it('flags a forged key: another name, no record, written apart from the record', () => {
    const forged = `lk.name\u0001蜂蜜\u0001\u0001${item.id}\u0001p1`;
    const orphan = `lk.code\u0001X\u0001D-0\u0001p9`;
    const found = checkLookupKeys(
      state([
        [forged, { itemId: item.id, proposalId: 'p1' }, 'apply'],
        [orphan, { itemId: 'D-0', proposalId: 'p9' }, 'x'],
        ['lk.cat\u0001bad', 'not json{', 'x'],
      ]),
      new Map(),
    ).map((a) => [a.key, a.message]);
    expect(found).to.have.length(3);
    expect(found.map(([, m]) => m).join('\n'))
      .to.match(/is not one the record/)
      .and.match(/names no item record/);
    expect(checkLookupKeys(state([], 'later'), new Map())).to.have.length(keys.length);
  });

  it('accepts keys a reindex proposal wrote later, naming it', () => {
    const reindexed = new Map(state([], 'later'));
    for (const key of keys) {
      reindexed.set(key, {
        bytes: bytes({ itemId: item.id, proposalId: 'p1', reindexedBy: 'p2' }),
        tx: txRef('later'),
      });
    }
    const chunk = { changes: [{ op: 'reindexItem', itemId: item.id }] } as unknown as Chunk;
    const proposals = new Map([['p2', { chunks: new Map([[0, chunk]]) } as unknown as ProposalInfo]]);
    expect(checkLookupKeys(reindexed, proposals)).to.deep.equal([]);
    expect(checkLookupKeys(reindexed, new Map())).to.have.length(keys.length);
  });
});
