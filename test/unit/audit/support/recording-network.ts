/**
 * Runs the REAL chaincode contracts on the chaincode tests' in-memory peer (reused, not copied) and
 * records every submitted transaction — committed or refused at validation — so it can be turned
 * into real-format blocks.
 */
import '../../chaincode/support/quiet';
import { peer } from '@hyperledger/fabric-protos';
import {
  CatalogContract,
  GovernanceContract,
  ProposalContract,
  SystemContract,
} from '@nrdl-catalog/chaincode';
import { ALL_ORGS, Network, type Caller, type TxStub } from '../../chaincode/support/fabric-stub';
import { configEnvelope, ChainBuilder, endorserEnvelope, type ReadSpec } from './block-builder';
import { clientIdentity, peerIdentity } from './certs';

/** One submitted transaction as the ordering service would have put it in a block. */
export interface RecordedTx {
  readonly stub: TxStub;
  readonly fn: string;
  readonly arg: string;
  readonly endorsers: readonly string[];
  readonly validationCode: number;
}

const CODES: Record<string, number> = {
  MVCC_READ_CONFLICT: peer.TxValidationCode.MVCC_READ_CONFLICT,
  PHANTOM_READ_CONFLICT: peer.TxValidationCode.PHANTOM_READ_CONFLICT,
  ENDORSEMENT_POLICY_FAILURE: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE,
};

/** A {@link Network} that records what it submits. */
export class RecordingNetwork extends Network {
  public readonly recorded: RecordedTx[] = [];

  public constructor() {
    super([new SystemContract(), new CatalogContract(), new ProposalContract(), new GovernanceContract()]);
  }

  /** Submits like {@link Network.submit} and records the transaction, valid or not. */
  public override async submit<T = Record<string, unknown>>(
    caller: Caller,
    name: string,
    arg: unknown = {},
    options: { txId?: string; endorsers?: ReadonlySet<string> } = {},
  ): Promise<T> {
    const json = typeof arg === 'string' ? arg : JSON.stringify(arg);
    const { tx, result } = await this.simulate(caller, name, json, options);
    const endorsers = [...(options.endorsers ?? ALL_ORGS)].filter((m) => m !== 'AuditMSP');
    try {
      tx.commit(new Set(endorsers));
    } catch (error) {
      const code = CODES[(error as Error).message.split(':')[0] ?? ''];
      if (code === undefined) {
        throw error;
      }
      this.recorded.push({ stub: tx, fn: name, arg: json, endorsers, validationCode: code });
      throw error;
    }
    this.recorded.push({
      stub: tx,
      fn: name,
      arg: json,
      endorsers,
      validationCode: peer.TxValidationCode.VALID,
    });
    return JSON.parse(result) as T;
  }
}

function readsOf(stub: TxStub): ReadSpec[] {
  return [...stub.readSet].map(([key, version]) => ({
    key,
    version: version === null ? null : { blockNum: version, txNum: 0 },
  }));
}

/** Turns recorded transactions into a chain: a genesis CONFIG block, then `perBlock` transactions per block. */
export function recordedToChain(recorded: readonly RecordedTx[], perBlock = 3): ChainBuilder {
  const chain = new ChainBuilder();
  const orderer = peerIdentity('NHSAMSP');
  chain.append([configEnvelope({ signer: orderer, timestampMs: Date.parse('2024-12-20T00:00:00Z') })]);
  for (let i = 0; i < recorded.length; i += perBlock) {
    const slice = recorded.slice(i, i + perBlock);
    chain.append(
      slice.map((r) =>
        endorserEnvelope({
          txId: r.stub.txId,
          timestampMs: r.stub.millis,
          creator: clientIdentity(r.stub.caller.msp, r.stub.caller.role ?? null, r.stub.caller.cn),
          fn: r.fn,
          args: [r.arg],
          endorsers: r.endorsers.map(peerIdentity),
          ...(r.stub.event === null ? {} : { event: r.stub.event }),
          reads: readsOf(r.stub),
          rangeQueries: r.stub.rangeReads.map((q) => ({
            startKey: q.start,
            endKey: q.end,
            reads: q.results.map((s) => {
              const at = s.lastIndexOf('@');
              return { key: s.slice(0, at), version: { blockNum: Number(s.slice(at + 1)), txNum: 0 } };
            }),
          })),
          writes: [...r.stub.writes].map(([key, value]) => ({ key, value })),
          metadataWrites: [...r.stub.params].map(([key, policy]) => ({ key, policy })),
        }),
      ),
      slice.map((r) => r.validationCode),
    );
  }
  return chain;
}
