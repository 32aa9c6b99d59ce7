// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import { peer } from '@hyperledger/fabric-protos';
import { decodeBlock, describeCertificate, splitKey, compositeKey } from '../../../gateway-client/src/audit';
import { allOfPolicy } from '@nrdl-catalog/chaincode/model';
import { ChainBuilder, configEnvelope, endorserEnvelope } from './support/block-builder';
import { clientIdentity, peerIdentity } from './support/certs';

const itemKey = compositeKey('item', ['D-0123456789abcdef']);
const recordKey = compositeKey('itemv', ['D-0123456789abcdef', 'p1']);
const at = Date.parse('2025-01-02T03:04:05.678Z');

function sampleChain(): ChainBuilder {
  const chain = new ChainBuilder();
  chain.append([configEnvelope({ signer: peerIdentity('NHSAMSP'), timestampMs: at - 1000 })]);
  chain.append(
    [
      endorserEnvelope({
        txId: 'tx-valid',
        timestampMs: at,
        creator: clientIdentity('NHSAMSP', 'proposer', 'alice'),
        fn: 'Proposal:ApplyChunk',
        args: ['{"proposalId":"p1","chunkIndex":0}'],
        endorsers: [peerIdentity('NHSAMSP'), peerIdentity('GuangdongMSP')],
        event: { name: 'ChunkApplied', payload: Buffer.from('{"proposalId":"p1"}') },
        reads: [
          { key: 'catalog.governance', version: { blockNum: 1, txNum: 0 } },
          { key: itemKey, version: null },
        ],
        rangeQueries: [
          {
            startKey: compositeKey('vote', ['p1']),
            endKey: `${compositeKey('vote', ['p1'])}\u{10ffff}`,
            reads: [{ key: compositeKey('vote', ['p1', 'NHSAMSP']), version: { blockNum: 0, txNum: 3 } }],
          },
        ],
        writes: [
          { key: itemKey, value: Buffer.from('{"itemId":"D-0123456789abcdef"}') },
          { key: recordKey, value: Buffer.from('{"op":"upsert"}') },
          { key: compositeKey('pchg', ['p1', 'item', 'x']), value: null },
        ],
        metadataWrites: [{ key: itemKey, policy: allOfPolicy('NHSAMSP') }],
        otherNamespaceWrite: 'namespaces/fields/catalog/Sequence',
      }),
      endorserEnvelope({
        txId: 'tx-refused',
        timestampMs: at + 1000,
        creator: clientIdentity('SichuanMSP', 'proposer', 'bob'),
        fn: 'Proposal:ApplyChunk',
        args: ['{"proposalId":"p2","chunkIndex":0}'],
        endorsers: [peerIdentity('GuangdongMSP')],
        writes: [
          { key: compositeKey('ovl', ['D-0123456789abcdef', 'SichuanMSP']), value: Buffer.from('{}') },
        ],
      }),
    ],
    [peer.TxValidationCode.VALID, peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE],
  );
  return chain;
}

describe('audit block decoder', () => {
  const chain = sampleChain();
  const [genesis, block] = chain.blocks.map(decodeBlock);

  it('decodes header hashes that chain and a data hash that matches the envelopes', () => {
    expect(genesis!.number).to.equal(0);
    expect(block!.number).to.equal(1);
    expect(block!.previousHash).to.equal(genesis!.hash);
    expect(block!.dataHash).to.equal(block!.computedDataHash);
    expect(genesis!.transactions[0]!.type).to.equal('CONFIG');
  });

  it('decodes an endorser transaction: id, time, creator, function, endorsers, event', () => {
    const tx = block!.transactions[0]!;
    expect(tx).to.include({
      index: 0,
      txId: 'tx-valid',
      channel: 'catalog',
      type: 'ENDORSER_TRANSACTION',
      timestamp: '2025-01-02T03:04:05.678Z',
      validationCode: 0,
      validationName: 'VALID',
      chaincode: 'catalog',
      function: 'Proposal:ApplyChunk',
      eventName: 'ChunkApplied',
      decodeError: null,
    });
    expect(tx.args).to.deep.equal(['{"proposalId":"p1","chunkIndex":0}']);
    expect(tx.creator).to.include({
      mspId: 'NHSAMSP',
      subject: '/C=CN/O=NHSAMSP/OU=client/CN=alice',
      role: 'proposer',
    });
    expect(tx.creator?.attributes).to.deep.equal({ 'catalog.role': 'proposer', 'hf.EnrollmentID': 'alice' });
    expect(tx.endorsers).to.deep.equal(['NHSAMSP', 'GuangdongMSP']);
    expect(tx.endorsements[1]?.subject).to.equal('/C=CN/O=GuangdongMSP/OU=peer/CN=peer0.GuangdongMSP');
    expect(Buffer.from(tx.eventPayload ?? []).toString()).to.equal('{"proposalId":"p1"}');
  });

  it('keeps the catalog read/write set only, with composite keys split', () => {
    const tx = block!.transactions[0]!;
    expect(tx.writes.map((w) => [w.objectType, w.attributes, w.isDelete])).to.deep.equal([
      ['item', ['D-0123456789abcdef'], false],
      ['itemv', ['D-0123456789abcdef', 'p1'], false],
      ['pchg', ['p1', 'item', 'x'], true],
    ]);
    expect(Buffer.from(tx.writes[1]!.value).toString()).to.equal('{"op":"upsert"}');
    expect(tx.reads).to.deep.equal([
      { key: 'catalog.governance', objectType: null, attributes: [], version: { blockNum: 1, txNum: 0 } },
      { key: itemKey, objectType: 'item', attributes: ['D-0123456789abcdef'], version: null },
    ]);
    expect(tx.rangeQueries[0]?.reads?.[0]).to.include({ objectType: 'vote' });
    expect(tx.metadataWrites).to.have.length(1);
    expect(tx.metadataWrites[0]).to.include({ key: itemKey, objectType: 'item' });
    expect(tx.metadataWrites[0]!.entries[0]!.name).to.equal('VALIDATION_PARAMETER');
    expect(Buffer.from(tx.metadataWrites[0]!.entries[0]!.value)).to.deep.equal(
      Buffer.from(allOfPolicy('NHSAMSP')),
    );
  });

  it('records an invalid transaction with its validation code and attempted writes', () => {
    const tx = block!.transactions[1]!;
    expect(tx).to.include({
      txId: 'tx-refused',
      validationCode: 10,
      validationName: 'ENDORSEMENT_POLICY_FAILURE',
    });
    expect(tx.creator?.mspId).to.equal('SichuanMSP');
    expect(tx.endorsers).to.deep.equal(['GuangdongMSP']);
    expect(tx.writes[0]?.attributes).to.deep.equal(['D-0123456789abcdef', 'SichuanMSP']);
  });

  it('splits composite keys like the shim and leaves simple keys alone', () => {
    expect(splitKey(compositeKey('vote', ['p', 'NHSAMSP']))).to.deep.equal({
      objectType: 'vote',
      attributes: ['p', 'NHSAMSP'],
    });
    expect(splitKey('catalog.head')).to.deep.equal({ objectType: null, attributes: [] });
  });

  it('returns null for a certificate it cannot parse', () => {
    expect(describeCertificate(Buffer.from('not a certificate'))).to.equal(null);
  });
});
