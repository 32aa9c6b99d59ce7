import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { peer } from '@hyperledger/fabric-protos';
import {
  decodeBlock,
  definitionInForce,
  formatFinding,
  genesisHashOf,
  SqliteAuditStore,
  verifyIndependently,
} from '../../../gateway-client/src/audit';
import { localBuild, Reexecutor } from '../../../gateway-client/src/audit/reexecute';
import { ReplayedWorld, type StateView } from '../../../gateway-client/src/audit/trust';
import { issue } from './trust/support/pki';
import {
  catalogPolicy,
  chaincodeDefinitionWrites,
  endorserTx,
  org,
  SignedChain,
  stateData,
} from './trust/support/chain';
import type { BuiltTx } from './support/block-builder';
import { initInput } from '../support/members';

const EMPTY: StateView = { get: () => null, range: () => [] };

/** The `_lifecycle` writes of the catalog definition whose version is the local build's. */
function definitionWrites(version: string): { key: string; value: Uint8Array }[] {
  const endorsement = new peer.lifecycle.ChaincodeEndorsementInfo();
  endorsement.setVersion(version);
  endorsement.setEndorsementPlugin('escc');
  return [
    ...chaincodeDefinitionWrites('catalog', catalogPolicy()),
    {
      key: 'namespaces/fields/catalog/EndorsementInfo',
      value: stateData('bytes', endorsement.serializeBinary()),
    },
  ];
}

describe('independent verification with re-execution (crafted, signed chain)', function () {
  this.timeout(60_000);
  const build = localBuild();
  const admin = issue(org('NHSAMSP').ca, 'admin@NHSAMSP-catalog', 'admin', {
    attrs: { 'catalog.role': 'admin' },
  });
  const timestampMs = Date.UTC(2025, 0, 2, 3, 4, 5);

  /** A Governance:InitGovernance transaction carrying what the released code writes (or a forgery of it). */
  async function initGovernance(forge?: (value: string) => string): Promise<BuiltTx> {
    const nonce = randomBytes(24);
    const txId = createHash('sha256').update(nonce).update(admin.serialized).digest('hex');
    const reexecutor = await Reexecutor.fromChaincodeDir(build.chaincodeDir);
    const args = ['Governance:InitGovernance', JSON.stringify(initInput())];
    const honest = await reexecutor.reexecute({
      txId,
      channelId: 'catalog',
      timestamp: { seconds: Math.floor(timestampMs / 1000), nanos: (timestampMs % 1000) * 1e6 },
      creator: admin.serialized,
      args: args.map((a) => Buffer.from(a)),
      state: EMPTY,
    });
    expect(honest.status, honest.message).to.equal(200);
    return endorserTx({
      creator: admin,
      nonce,
      timestampMs,
      args,
      endorsers: [org('NHSAMSP').peer, org('GuangdongMSP').peer],
      responsePayload: honest.payload,
      ...(honest.event === null ? {} : { event: honest.event }),
      namespaces: [
        {
          namespace: 'catalog',
          writes: honest.writes.map((w) => ({
            key: w.key,
            value: forge === undefined ? w.value : Buffer.from(forge(Buffer.from(w.value).toString('utf8'))),
          })),
          metadataWrites: honest.metadataWrites.map((m) => ({ key: m.key, policy: m.value })),
        },
      ],
    });
  }

  /** Verifies a chain of a chaincode definition of build `version` (default: the local one), then `tx`. */
  async function verified(
    tx: BuiltTx,
    version = build.version,
  ): Promise<Awaited<ReturnType<typeof verifyIndependently>>> {
    const chain = new SignedChain();
    chain.append([
      endorserTx({
        creator: org('NHSAMSP').admin,
        chaincode: '_lifecycle',
        args: ['CommitChaincodeDefinition'],
        endorsers: [org('NHSAMSP').peer, org('GuangdongMSP').peer, org('SichuanMSP').peer],
        namespaces: [{ namespace: '_lifecycle', writes: definitionWrites(version) }],
      }).envelope,
    ]);
    chain.append([tx.envelope]);
    const store = new SqliteAuditStore();
    try {
      for (const block of chain.blocks) await store.writeBlock(decodeBlock(block));
      const genesis = chain.blocks[0]!;
      return await verifyIndependently(store, {
        trustedGenesisHash: genesisHashOf(genesis.serializeBinary()),
      });
    } finally {
      await store.close();
    }
  }

  it('re-executes an honest transaction and finds it identical', async () => {
    const result = await verified(await initGovernance());
    expect(result.findings.filter((f) => f.severity !== 'warning').map(formatFinding)).to.deep.equal([]);
    expect(result).to.include({ ok: true, reexecuted: 1, notReexecuted: 0 });
    expect(result.build?.version).to.equal(build.version);
  });

  it('reports a write the released code would not have made, with block, tx, creator, endorsers and key', async () => {
    const tx = await initGovernance((value) =>
      value.replace('"maxChunkChanges":250', '"maxChunkChanges":5000'),
    );
    const result = await verified(tx);
    expect(result.ok).to.equal(false);
    const finding = result.findings.find((f) => f.code === 'REEXECUTION');
    expect(finding, result.findings.map(formatFinding).join('\n')).to.not.equal(undefined);
    expect(finding).to.deep.include({
      block: 2,
      txIndex: 0,
      txId: tx.txId,
      creatorMsp: 'NHSAMSP',
      key: 'catalog.governance',
    });
    expect(finding?.endorsers).to.deep.equal(['NHSAMSP', 'GuangdongMSP']);
    expect(formatFinding(finding!)).to.match(
      /^REEXECUTION: block 2, tx 0, id [0-9a-f]{64}, creator NHSAMSP, endorsed by NHSAMSP\+GuangdongMSP, key "catalog.governance": /,
    );
  });

  it('reports NOT_REEXECUTED for a definition whose build is not the local one', async () => {
    const result = await verified(await initGovernance(), '000000000000');
    expect(result.ok).to.equal(false);
    expect(result.notReexecuted).to.equal(1);
    expect(result.findings.map((f) => f.code)).to.include('NOT_REEXECUTED');
  });

  it('reads the definition in force from the replayed _lifecycle state', () => {
    const world = new ReplayedWorld();
    expect(definitionInForce(world, 'catalog')).to.equal(null);
    world.namespace('_lifecycle').apply(
      definitionWrites('abcdefabcdef').map((w) => ({ key: w.key, isDelete: false, value: w.value })),
      [],
      { blockNum: 1, txNum: 0 },
    );
    expect(definitionInForce(world, 'catalog')).to.deep.equal({ sequence: 1, version: 'abcdefabcdef' });
  });
});
