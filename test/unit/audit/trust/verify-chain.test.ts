import { expect } from 'chai';
import { common, peer } from '@hyperledger/fabric-protos';
import {
  verifyChain,
  type ChainVerification,
  type Finding,
  type StateView,
  type ValidatedTransaction,
} from '../../../../gateway-client/src/audit/trust';
import { configEnvelope } from '../support/block-builder';
import {
  endorserTx,
  genesisConfig,
  org,
  outOf,
  SignedChain,
  withCatalogDefined,
  withNewApplicationOrg,
  configUpdateEnvelope,
  type TxSpec,
} from './support/chain';
import { createCa, issue } from './support/pki';

const V = peer.TxValidationCode;

function verify(
  chain: SignedChain,
  hook?: Parameters<typeof verifyChain>[1]['onValidTransaction'],
): Promise<ChainVerification> {
  return verifyChain(chain.raw(), {
    trustedGenesisHash: chain.genesisHash,
    ...(hook === undefined ? {} : { onValidTransaction: hook }),
  });
}

function errors(result: ChainVerification): Finding[] {
  return result.findings.filter((f) => f.severity !== 'warning');
}

function codes(result: ChainVerification): string[] {
  return errors(result).map((f) => f.code);
}

const nhsa = org('NHSAMSP');
const gd = org('GuangdongMSP');
const sc = org('SichuanMSP');
const sx = org('ShaanxiMSP');

/** A catalog write endorsed by two provinces' peers (satisfies the chaincode policy). */
function write(key: string, value: string, extra: Partial<TxSpec> = {}): TxSpec {
  return {
    creator: nhsa.client,
    args: ['Item:Put', key],
    endorsers: [nhsa.peer, gd.peer],
    namespaces: [{ namespace: 'catalog', writes: [{ key, value }] }],
    ...extra,
  };
}

function definedChain(): SignedChain {
  const chain = new SignedChain();
  withCatalogDefined(chain);
  return chain;
}

describe('independent ledger verifier (verifyChain)', function () {
  this.timeout(60_000);

  describe('a correctly signed chain', () => {
    it('verifies OK, replays the state and hands each valid catalog transaction to the hook', async () => {
      const chain = definedChain();
      const t1 = endorserTx(
        write('item~1', 'v1', {
          event: { name: 'ItemPut', payload: Buffer.from('{"id":1}') },
          timestampMs: Date.UTC(2025, 5, 1, 12),
        }),
      );
      const t2 = endorserTx({
        creator: gd.client,
        args: ['Item:Put', 'item~2'],
        endorsers: [sc.peer, sx.peer],
        namespaces: [
          {
            namespace: 'catalog',
            reads: [{ key: 'item~1', version: null }],
            writes: [{ key: 'item~2', value: 'v2' }],
          },
        ],
      });
      chain.append([t1.envelope]);
      // t3 reads item~1 at the version t1 gave it, in the same block as t2
      const t3 = endorserTx({
        creator: sc.client,
        args: ['Item:Put', 'item~3'],
        endorsers: [gd.peer, sx.peer],
        namespaces: [
          {
            namespace: 'catalog',
            reads: [{ key: 'item~1', version: { blockNum: 2, txNum: 0 } }],
            rangeQueries: [
              {
                startKey: 'item~',
                endKey: 'item~z',
                reads: [{ key: 'item~1', version: { blockNum: 2, txNum: 0 } }],
              },
            ],
            writes: [{ key: 'item~3', value: 'v3' }],
          },
        ],
      });
      // t2 reads item~1 as absent: stale (it exists since block 2) → MVCC_READ_CONFLICT, and flagged so
      chain.append([t2.envelope, t3.envelope], { codes: [V.MVCC_READ_CONFLICT, V.VALID] });
      const seen: { tx: ValidatedTransaction; before: string[] }[] = [];
      const result = await verify(chain, (tx: ValidatedTransaction, state: StateView) => {
        seen.push({ tx, before: [...state.range('', '')].map((e) => e.key) });
        return [];
      });
      expect(errors(result), JSON.stringify(result.findings, null, 1)).to.deep.equal([]);
      expect(result.ok).to.equal(true);
      expect(result.blocks).to.equal(4);
      expect(result.transactions).to.equal(5);
      expect(
        [...result.state.entries()].map((e) => [e.key, Buffer.from(e.value).toString(), e.version]),
      ).to.deep.equal([
        ['item~1', 'v1', { blockNum: 2, txNum: 0 }],
        ['item~3', 'v3', { blockNum: 3, txNum: 1 }],
      ]);
      expect(seen.map((s) => [s.tx.blockNumber, s.tx.txIndex, s.before])).to.deep.equal([
        [2, 0, []],
        [3, 1, ['item~1']],
      ]);
      const first = seen[0]?.tx;
      expect(first?.txId).to.equal(t1.txId);
      expect(first?.channelId).to.equal('catalog');
      expect(first?.chaincode).to.equal('catalog');
      expect(first?.creatorMsp).to.equal('NHSAMSP');
      expect(first?.timestamp).to.deep.equal({
        seconds: Date.UTC(2025, 5, 1, 12) / 1000,
        nanos: 0,
        iso: '2025-06-01T12:00:00.000Z',
      });
      expect(first?.args.map((a) => Buffer.from(a).toString())).to.deep.equal(['Item:Put', 'item~1']);
      expect(first?.endorsers).to.deep.equal([
        { mspId: 'NHSAMSP', role: 'peer' },
        { mspId: 'GuangdongMSP', role: 'peer' },
      ]);
      expect(first?.writes.map((w) => [w.key, w.isDelete, Buffer.from(w.value).toString()])).to.deep.equal([
        ['item~1', false, 'v1'],
      ]);
      expect(first?.event?.name).to.equal('ItemPut');
      expect(first?.response?.status).to.equal(200);
      expect(Buffer.from(first?.creator ?? []).equals(Buffer.from(nhsa.client.serialized))).to.equal(true);
    });

    it('reports the hook findings', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1')).envelope]);
      const result = await verify(chain, () => [{ code: 'REEXECUTION', message: 'writes differ' }]);
      expect(result.ok).to.equal(false);
      expect(result.findings.map((f) => [f.code, f.block, f.txIndex])).to.deep.equal([['REEXECUTION', 2, 0]]);
    });
  });

  describe('genesis and block checks', () => {
    it('fails when block 0 is not the pinned genesis block', async () => {
      const chain = definedChain();
      const result = await verifyChain(chain.raw(), { trustedGenesisHash: '00'.repeat(32) });
      expect(result.ok).to.equal(false);
      expect(codes(result)).to.deep.equal(['GENESIS_MISMATCH']);
      expect(result.blocks).to.equal(0);
    });

    it('catches a block signed by a peer or a client of an orderer organisation', async () => {
      for (const signer of [nhsa.peer, gd.client, sc.admin]) {
        const chain = definedChain();
        chain.append([endorserTx(write('item~1', 'v1')).envelope], { signers: [signer] });
        const result = await verify(chain);
        expect(codes(result), signer.cn).to.deep.equal(['BLOCK_VALIDATION_POLICY']);
        expect(result.findings[0]?.block).to.equal(2);
      }
    });

    it('accepts orderer signatures of any orderer org, and catches orderers of an application-only org', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1')).envelope], { signers: [sc.orderer, gd.orderer] });
      expect((await verify(chain)).ok).to.equal(true);
      const bad = definedChain();
      bad.append([endorserTx(write('item~1', 'v1')).envelope], { signers: [sx.orderer] });
      expect(codes(await verify(bad))).to.deep.equal(['BLOCK_VALIDATION_POLICY']);
    });

    it('catches a tampered block signature', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1')).envelope], { tamperSignature: true });
      expect(codes(await verify(chain))).to.deep.equal(['BAD_BLOCK_SIGNATURE', 'BLOCK_VALIDATION_POLICY']);
    });

    it('catches a broken hash chain and a wrong data hash', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1')).envelope], { previousHash: Buffer.alloc(32, 7) });
      expect(codes(await verify(chain))).to.deep.equal(['HASH_CHAIN']);
      const tampered = definedChain();
      const block = tampered.append([endorserTx(write('item~1', 'v1')).envelope]);
      block.getData()?.setDataList([endorserTx(write('item~1', 'forged')).envelope]);
      expect(codes(await verify(tampered))).to.include('DATA_HASH');
    });

    it('refuses a config update without the update it came from', async () => {
      const chain = definedChain();
      const next = genesisConfig();
      next.setSequence(1);
      chain.append([configEnvelope({ config: next, signer: nhsa.orderer })]);
      chain.append([endorserTx(write('item~1', 'v1')).envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal(['CONFIG_UPDATE']);
      expect(result.findings[0]?.block).to.equal(2);
      expect(result.findings[0]?.message).to.include('carries no update');
      expect(result.blocks).to.equal(4);
    });

    it('adopts an organisation added with a majority of the application admins (3 of 4), and then accepts its transactions', async () => {
      const hubei = org('HubeiMSP');
      const chain = definedChain();
      const { next, writeSet } = withNewApplicationOrg('HubeiMSP');
      const lastUpdate = configUpdateEnvelope(writeSet, [nhsa.admin, gd.admin, sc.admin]);
      chain.append([configEnvelope({ config: next, signer: nhsa.orderer, lastUpdate })]);
      // the new organisation's creator and peer are known from here on
      chain.append([
        endorserTx(write('item~1', 'v1', { creator: hubei.client, endorsers: [nhsa.peer, gd.peer] }))
          .envelope,
      ]);
      const result = await verify(chain);
      expect(errors(result)).to.deep.equal([]);
      expect(result.ok).to.equal(true);
    });

    it('catches an organisation added without enough admin signatures, or with signatures that do not count', async () => {
      for (const signers of [
        [nhsa.admin, gd.admin],
        [nhsa.admin, gd.admin, sc.client],
        [nhsa.admin, nhsa.admin, gd.admin],
      ]) {
        const chain = definedChain();
        const { next, writeSet } = withNewApplicationOrg('HubeiMSP');
        const lastUpdate = configUpdateEnvelope(writeSet, signers);
        chain.append([configEnvelope({ config: next, signer: nhsa.orderer, lastUpdate })]);
        const result = await verify(chain);
        expect(codes(result)).to.deep.equal(['CONFIG_UPDATE']);
        expect(result.findings[0]?.message).to.include('/Channel/Application/Admins is not satisfied');
      }
      const other = definedChain();
      const { next, writeSet } = withNewApplicationOrg('HubeiMSP');
      const lastUpdate = configUpdateEnvelope(writeSet, [nhsa.admin, gd.admin, sc.admin], 'otherchannel');
      other.append([configEnvelope({ config: next, signer: nhsa.orderer, lastUpdate })]);
      const result = await verify(other);
      expect(codes(result)).to.deep.equal(['CONFIG_UPDATE']);
      expect(result.findings[0]?.message).to.include('names channel otherchannel');
    });
  });

  describe('creator and endorsement signatures', () => {
    it('catches a tampered creator signature flagged VALID', async () => {
      const chain = definedChain();
      const tx = endorserTx(write('item~1', 'v1', { tamperCreatorSignature: true }));
      chain.append([tx.envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal(['BAD_CREATOR_SIGNATURE', 'VALIDATION_FLAG_MISMATCH']);
      const finding = errors(result)[1];
      expect(finding).to.include({ block: 2, txIndex: 0, txId: tx.txId, creatorMsp: 'NHSAMSP' });
      expect(finding?.endorsers).to.deep.equal(['NHSAMSP', 'GuangdongMSP']);
      expect(result.state.get('item~1')).to.equal(null);
    });

    it('agrees with a peer that flagged the tampered creator signature (a warning only)', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1', { tamperCreatorSignature: true })).envelope], {
        codes: [V.BAD_CREATOR_SIGNATURE],
      });
      const result = await verify(chain);
      expect(result.ok).to.equal(true);
      expect(result.findings.map((f) => [f.code, f.severity])).to.deep.equal([
        ['BAD_CREATOR_SIGNATURE', 'warning'],
      ]);
    });

    it('rejects a high-S creator signature', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1', { highSCreator: true })).envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal(['BAD_CREATOR_SIGNATURE', 'VALIDATION_FLAG_MISMATCH']);
      expect(errors(result)[0]?.message).to.match(/high-S/);
    });

    it('catches a tampered endorsement signature that leaves the policy unsatisfied', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1', { tamperEndorsements: [1] })).envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal([
        'BAD_ENDORSEMENT_SIGNATURE',
        'ENDORSEMENT_POLICY',
        'VALIDATION_FLAG_MISMATCH',
      ]);
      expect(errors(result)[2]?.message).to.match(/ENDORSEMENT_POLICY_FAILURE/);
    });

    it('catches a creator whose certificate was not issued by its MSP', async () => {
      const rogue = issue(createCa('NHSAMSP'), 'mallory', 'client');
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1', { creator: rogue })).envelope]);
      expect(codes(await verify(chain))).to.deep.equal(['UNKNOWN_IDENTITY', 'VALIDATION_FLAG_MISMATCH']);
    });

    it('does not count client certificates as peer endorsements', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1', { endorsers: [nhsa.client, gd.client] })).envelope]);
      expect(codes(await verify(chain))).to.deep.equal(['ENDORSEMENT_POLICY', 'VALIDATION_FLAG_MISMATCH']);
    });

    it('counts two endorsements by the same peer once', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1', { endorsers: [nhsa.peer, nhsa.peer] })).envelope]);
      expect(codes(await verify(chain))).to.deep.equal(['ENDORSEMENT_POLICY', 'VALIDATION_FLAG_MISMATCH']);
      // two peers of one org are two signers, but OutOf(2, one principal per org) needs two orgs
      const two = definedChain();
      two.append([endorserTx(write('item~1', 'v1', { endorsers: [nhsa.peer, nhsa.peer1] })).envelope]);
      expect(codes(await verify(two))).to.deep.equal(['ENDORSEMENT_POLICY', 'VALIDATION_FLAG_MISMATCH']);
    });
  });

  describe('endorsement policies', () => {
    const shaanxiOnly = outOf(1, [['ShaanxiMSP', 'peer']]);

    /** Writes item~1 and sets its key-level policy to Shaanxi's peer (under the chaincode-level policy). */
    function setShaanxiOnly(): Uint8Array {
      return endorserTx({
        creator: nhsa.client,
        endorsers: [nhsa.peer, gd.peer],
        namespaces: [
          {
            namespace: 'catalog',
            writes: [{ key: 'item~1', value: 'v1' }],
            metadataWrites: [{ key: 'item~1', policy: shaanxiOnly }],
          },
        ],
      }).envelope;
    }

    function withKeyPolicy(): SignedChain {
      const chain = definedChain();
      chain.append([setShaanxiOnly()]); // block 2
      return chain;
    }

    it('catches a VALID transaction whose endorsers do not satisfy the key-level policy', async () => {
      const chain = withKeyPolicy();
      const tx = endorserTx(write('item~1', 'v2'));
      chain.append([tx.envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal(['ENDORSEMENT_POLICY', 'VALIDATION_FLAG_MISMATCH']);
      expect(errors(result)[1]).to.include({
        block: 3,
        txIndex: 0,
        txId: tx.txId,
        creatorMsp: 'NHSAMSP',
        key: 'item~1',
      });
      expect(Buffer.from(result.state.get('item~1')?.value ?? []).toString()).to.equal('v1');
      expect(result.state.get('item~1')?.metadata.has('VALIDATION_PARAMETER')).to.equal(true);
    });

    it('accepts the write when the key-level policy is satisfied (even without the chaincode-level one)', async () => {
      const chain = withKeyPolicy();
      chain.append([endorserTx(write('item~1', 'v2', { endorsers: [sx.peer] })).envelope]);
      const result = await verify(chain);
      expect(errors(result)).to.deep.equal([]);
      expect(Buffer.from(result.state.get('item~1')?.value ?? []).toString()).to.equal('v2');
      expect(result.state.get('item~1')?.version).to.deep.equal({ blockNum: 3, txNum: 0 });
    });

    it('requires the current key-level policy for a metadata write too', async () => {
      const chain = withKeyPolicy();
      chain.append([
        endorserTx({
          creator: nhsa.client,
          endorsers: [nhsa.peer, gd.peer],
          namespaces: [{ namespace: 'catalog', metadataWrites: [{ key: 'item~1', policy: null }] }],
        }).envelope,
      ]);
      expect(codes(await verify(chain))).to.deep.equal(['ENDORSEMENT_POLICY', 'VALIDATION_FLAG_MISMATCH']);
    });

    it("follows Fabric's rule for a key whose policy changed earlier in the same block", async () => {
      const build = (codes: number[]): SignedChain => {
        const chain = definedChain();
        chain.append(
          [
            setShaanxiOnly(),
            // satisfies both the old (chaincode-level) and the new policy, yet Fabric refuses it
            endorserTx(write('item~1', 'v2', { endorsers: [sx.peer, gd.peer] })).envelope,
            endorserTx(write('item~2', 'v1')).envelope,
          ],
          { codes },
        );
        return chain;
      };
      const flaggedValid = await verify(build([V.VALID, V.VALID, V.VALID]));
      expect(codes(flaggedValid)).to.deep.equal(['ENDORSEMENT_POLICY', 'VALIDATION_FLAG_MISMATCH']);
      expect(errors(flaggedValid)[1]).to.include({ block: 2, txIndex: 1, key: 'item~1' });
      const asFabric = await verify(build([V.VALID, V.ENDORSEMENT_POLICY_FAILURE, V.VALID]));
      expect(errors(asFabric)).to.deep.equal([]);
      expect(Buffer.from(asFabric.state.get('item~1')?.value ?? []).toString()).to.equal('v1');
      expect(asFabric.state.get('item~2')).to.not.equal(null);
    });

    it('ignores a same-block policy change by a transaction that failed endorsement', async () => {
      const chain = definedChain();
      chain.append(
        [
          endorserTx({
            creator: nhsa.client,
            endorsers: [nhsa.peer],
            namespaces: [{ namespace: 'catalog', metadataWrites: [{ key: 'item~1', policy: shaanxiOnly }] }],
          }).envelope,
          endorserTx(write('item~1', 'v2')).envelope,
        ],
        { codes: [V.ENDORSEMENT_POLICY_FAILURE, V.VALID] },
      );
      expect(errors(await verify(chain))).to.deep.equal([]);
    });

    it('checks _lifecycle writes against LifecycleEndorsement, and catalog needs a committed definition', async () => {
      const chain = new SignedChain();
      chain.append([
        endorserTx({
          creator: nhsa.admin,
          chaincode: '_lifecycle',
          endorsers: [nhsa.peer, gd.peer],
          namespaces: [
            { namespace: '_lifecycle', writes: [{ key: 'namespaces/metadata/catalog', value: 'x' }] },
          ],
        }).envelope,
      ]);
      chain.append([endorserTx(write('item~1', 'v1')).envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal([
        'ENDORSEMENT_POLICY',
        'VALIDATION_FLAG_MISMATCH',
        'VALIDATION_FLAG_MISMATCH',
      ]);
      expect(errors(result)[2]?.message).to.match(/INVALID_CHAINCODE/);
    });
  });

  describe('MVCC, phantoms and duplicates', () => {
    it('catches an MVCC-stale read flagged VALID', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1')).envelope]);
      chain.append([endorserTx(write('item~1', 'v2')).envelope]);
      const stale = endorserTx({
        ...write('item~2', 'x'),
        namespaces: [
          {
            namespace: 'catalog',
            reads: [{ key: 'item~1', version: { blockNum: 2, txNum: 0 } }],
            writes: [{ key: 'item~2', value: 'x' }],
          },
        ],
      });
      chain.append([stale.envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal(['MVCC', 'VALIDATION_FLAG_MISMATCH']);
      expect(errors(result)[1]).to.include({ block: 4, txIndex: 0, txId: stale.txId, key: 'item~1' });
      expect(errors(result)[1]?.message).to.match(/MVCC_READ_CONFLICT/);
      expect(result.state.get('item~2')).to.equal(null);
    });

    it('catches a read of a key written earlier in the same block', async () => {
      const chain = definedChain();
      chain.append([
        endorserTx(write('item~1', 'v1')).envelope,
        endorserTx({
          ...write('item~2', 'x'),
          namespaces: [
            {
              namespace: 'catalog',
              reads: [{ key: 'item~1', version: null }],
              writes: [{ key: 'item~2', value: 'x' }],
            },
          ],
        }).envelope,
      ]);
      expect(codes(await verify(chain))).to.deep.equal(['MVCC', 'VALIDATION_FLAG_MISMATCH']);
    });

    it('catches a phantom in a range query, and reports Merkle-summarised ranges as not implemented', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1')).envelope, endorserTx(write('item~2', 'v1')).envelope]);
      chain.append([
        endorserTx({
          ...write('item~9', 'x'),
          namespaces: [
            {
              namespace: 'catalog',
              rangeQueries: [
                {
                  startKey: 'item~',
                  endKey: 'item~5',
                  reads: [{ key: 'item~1', version: { blockNum: 2, txNum: 0 } }],
                },
              ],
              writes: [{ key: 'item~9', value: 'x' }],
            },
          ],
        }).envelope,
      ]);
      expect(codes(await verify(chain))).to.deep.equal(['PHANTOM', 'VALIDATION_FLAG_MISMATCH']);
      const merkle = definedChain();
      merkle.append([
        endorserTx({
          ...write('item~9', 'x'),
          namespaces: [
            {
              namespace: 'catalog',
              rangeQueries: [{ startKey: 'a', endKey: 'b', reads: 'merkle' }],
              writes: [{ key: 'item~9', value: 'x' }],
            },
          ],
        }).envelope,
      ]);
      expect(codes(await verify(merkle))).to.deep.equal(['NOT_IMPLEMENTED']);
    });

    it('invalidates a duplicate transaction id like Fabric', async () => {
      const chain = definedChain();
      const first = endorserTx(write('item~1', 'v1'));
      chain.append([first.envelope]);
      chain.append([endorserTx(write('item~2', 'v1', { nonce: first.nonce })).envelope]);
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal(['VALIDATION_FLAG_MISMATCH']);
      expect(errors(result)[0]?.message).to.match(/DUPLICATE_TXID/);
      const sameBlock = definedChain();
      sameBlock.append(
        [
          endorserTx(write('item~1', 'v1', { nonce: first.nonce })).envelope,
          endorserTx(write('item~2', 'v1', { nonce: first.nonce })).envelope,
        ],
        { codes: [V.VALID, V.DUPLICATE_TXID] },
      );
      const ok = await verify(sameBlock);
      expect(errors(ok)).to.deep.equal([]);
      expect(ok.state.get('item~2')).to.equal(null);
    });

    it('does not apply transactions it finds invalid, whatever the peer flagged', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1', { endorsers: [nhsa.peer] })).envelope]);
      const result = await verify(chain);
      expect(result.state.get('item~1')).to.equal(null);
      expect(codes(result)).to.deep.equal(['ENDORSEMENT_POLICY', 'VALIDATION_FLAG_MISMATCH']);
    });

    it('flags a peer that rejected a valid transaction', async () => {
      const chain = definedChain();
      chain.append([endorserTx(write('item~1', 'v1')).envelope], { codes: [V.MVCC_READ_CONFLICT] });
      const result = await verify(chain);
      expect(codes(result)).to.deep.equal(['VALIDATION_FLAG_MISMATCH']);
      expect(result.state.get('item~1')).to.not.equal(null);
    });
  });

  it('uses the namespace option', async () => {
    const chain = definedChain();
    chain.append([endorserTx(write('item~1', 'v1')).envelope]);
    const result = await verifyChain(chain.raw(), {
      trustedGenesisHash: chain.genesisHash,
      namespace: '_lifecycle',
    });
    expect(result.ok).to.equal(true);
    expect(result.state.get('namespaces/metadata/catalog')).to.not.equal(null);
    expect(result.world.namespace('catalog').size).to.equal(1);
  });

  it('keeps a block of the chain it cannot decode from passing', async () => {
    const chain = definedChain();
    const blocks = async function* (): AsyncIterable<{ number: number; bytes: Uint8Array }> {
      for await (const b of chain.raw()) {
        yield b;
      }
      yield { number: 2, bytes: Buffer.from('not a block') };
    };
    const result = await verifyChain(blocks(), { trustedGenesisHash: chain.genesisHash });
    expect(result.ok).to.equal(false);
    expect(codes(result)[0]).to.be.oneOf(['UNDECODABLE_BLOCK', 'BLOCK_NUMBER']);
  });

  it('sees the common.Block of every block', () => {
    expect(definedChain().blocks[0]).to.be.instanceOf(common.Block);
  });
});
