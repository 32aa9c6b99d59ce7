/**
 * The auditors' whole independent check of a replayed channel: the raw blocks walked from a pinned
 * genesis block (signatures, policies, MVCC, validation flags — {@link verifyChain}) with every valid
 * catalog transaction re-executed by the released contract code over the replayed state and compared
 * byte for byte ({@link Reexecutor}). A transaction that colluding organisations endorsed but that the
 * real chaincode would not have written is reported with its block, id, creator, endorsers and the
 * first divergent key.
 */
import { common, peer } from '@hyperledger/fabric-protos';
import { blockHeaderHash } from './block-hash';
import type { AuditStore } from './store';
import {
  compareExecution,
  localBuild,
  Reexecutor,
  reexecutionPlan,
  type DeploymentRecord,
  type LocalBuild,
  type PlanRange,
} from './reexecute';
import {
  LIFECYCLE_NAMESPACE,
  verifyChain,
  type Finding,
  type ReplayedWorld,
  type ValidatedTransaction,
} from './trust';

/** Options of {@link verifyIndependently}. */
export interface IndependentVerifyOptions {
  /** Hex SHA-256 of block 0's header, obtained out of band. */
  readonly trustedGenesisHash: string;
  /** Chaincode (namespace) to verify (default `catalog`). */
  readonly chaincode?: string;
  /** The released chaincode package folder to re-execute with (default: the installed `@nrdl-catalog/chaincode`). */
  readonly chaincodeDir?: string;
  /** What each definition sequence ran (the deployment record). */
  readonly deployments?: readonly DeploymentRecord[];
  /** Channel name the deployment records are for. */
  readonly channel?: string;
  /** Skip re-execution (signatures, policies and flags only); default false. */
  readonly skipReexecution?: boolean;
  /** Called every `progressEvery` blocks (default 50). */
  readonly onProgress?: (blocks: number) => void;
}

/** Outcome of {@link verifyIndependently}. */
export interface IndependentVerification {
  readonly ok: boolean;
  readonly blocks: number;
  readonly transactions: number;
  /** Valid catalog transactions re-executed and found identical. */
  readonly reexecuted: number;
  /** Valid catalog transactions that could not be re-executed (their build is not the local one). */
  readonly notReexecuted: number;
  readonly findings: readonly Finding[];
  /** The local build re-execution used (null when skipped). */
  readonly build: LocalBuild | null;
}

/** The committed definition's sequence and version string, read from the replayed `_lifecycle` state. */
export function definitionInForce(
  world: ReplayedWorld,
  chaincode: string,
): { sequence: number; version: string } | null {
  const lifecycle = world.namespace(LIFECYCLE_NAMESPACE);
  const sequenceEntry = lifecycle.get(`namespaces/fields/${chaincode}/Sequence`);
  const endorsementEntry = lifecycle.get(`namespaces/fields/${chaincode}/EndorsementInfo`);
  if (sequenceEntry === null || endorsementEntry === null) return null;
  const sequence = peer.lifecycle.StateData.deserializeBinary(sequenceEntry.value).getInt64();
  const info = peer.lifecycle.ChaincodeEndorsementInfo.deserializeBinary(
    peer.lifecycle.StateData.deserializeBinary(endorsementEntry.value).getBytes_asU8(),
  );
  return { sequence, version: info.getVersion() };
}

function located(
  tx: ValidatedTransaction,
): Pick<Finding, 'block' | 'txIndex' | 'txId' | 'creatorMsp' | 'endorsers'> {
  return {
    block: tx.blockNumber,
    txIndex: tx.txIndex,
    txId: tx.txId,
    creatorMsp: tx.creatorMsp,
    endorsers: [...new Set(tx.endorsers.map((e) => e.mspId))],
  };
}

/** Verifies a replayed store from its raw blocks, independent of any peer's word. */
export async function verifyIndependently(
  store: AuditStore,
  options: IndependentVerifyOptions,
): Promise<IndependentVerification> {
  const chaincode = options.chaincode ?? 'catalog';
  const skip = options.skipReexecution === true;
  const build = skip ? null : localBuild(options.chaincodeDir);
  const reexecutor = skip ? null : await Reexecutor.fromChaincodeDir(build?.chaincodeDir);
  const plans = new Map<string, PlanRange>();
  let reexecuted = 0;
  let notReexecuted = 0;
  let blocksSeen = -1;
  const result = await verifyChain(store.rawBlocks(0), {
    trustedGenesisHash: options.trustedGenesisHash,
    namespace: chaincode,
    onValidTransaction: async (tx, stateBefore, world) => {
      if (options.onProgress !== undefined && tx.blockNumber !== blocksSeen) {
        blocksSeen = tx.blockNumber;
        if (tx.blockNumber % 50 === 0) options.onProgress(tx.blockNumber);
      }
      if (reexecutor === null || build === null) return [];
      const definition = definitionInForce(world, chaincode);
      if (definition === null) {
        notReexecuted += 1;
        return [{ code: 'NOT_REEXECUTED', message: `no ${chaincode} definition in force`, ...located(tx) }];
      }
      const planKey = `${definition.sequence}/${definition.version}`;
      let plan = plans.get(planKey);
      if (plan === undefined) {
        const [range] = reexecutionPlan(
          [{ sequence: definition.sequence, version: definition.version, fromBlock: tx.blockNumber }],
          build,
          options.deployments ?? [],
          { chaincode, ...(options.channel === undefined ? {} : { channel: options.channel }) },
        );
        if (range === undefined) throw new Error('re-execution plan is empty');
        plan = range;
        plans.set(planKey, plan);
      }
      if (plan.status === 'NOT_REEXECUTED') {
        notReexecuted += 1;
        return [
          {
            code: 'NOT_REEXECUTED',
            message: `sequence ${definition.sequence} (version ${definition.version}): ${plan.reason ?? 'build not available'}`,
            ...located(tx),
          },
        ];
      }
      if (tx.timestamp === null) {
        return [
          { code: 'REEXECUTION', message: 'transaction has no timestamp to re-execute with', ...located(tx) },
        ];
      }
      const outcome = await reexecutor.reexecute({
        txId: tx.txId,
        channelId: tx.channelId,
        timestamp: { seconds: tx.timestamp.seconds, nanos: tx.timestamp.nanos },
        creator: tx.creator,
        args: tx.args,
        state: stateBefore,
      });
      const divergence = compareExecution(
        {
          writes: tx.writes,
          metadataWrites: tx.metadataWrites,
          event: tx.event,
          ...(tx.response === null ? {} : { response: tx.response }),
        },
        outcome,
      );
      if (divergence === null) {
        reexecuted += 1;
        return [];
      }
      const fn = Buffer.from(tx.args[0] ?? new Uint8Array()).toString('utf8');
      const key = divergence.key ?? tx.writes[0]?.key;
      return [
        {
          code: 'REEXECUTION',
          message:
            `${fn} re-executed with the released code (version ${build.version}) diverges at ${divergence.what}` +
            `${key === undefined ? '' : ` ${JSON.stringify(key)}`}: the code gives ${divergence.expected}, the ledger has ${divergence.actual}`,
          ...located(tx),
          ...(key === undefined ? {} : { key }),
        },
      ];
    },
  });
  return {
    ok: result.ok,
    blocks: result.blocks,
    transactions: result.transactions,
    reexecuted,
    notReexecuted,
    findings: result.findings,
    build,
  };
}

/** One line per finding: code, block/tx, creator, endorsers, key, message. */
export function formatFinding(f: Finding): string {
  const where = [
    f.block === undefined ? null : `block ${f.block}`,
    f.txIndex === undefined ? null : `tx ${f.txIndex}`,
    f.txId === undefined ? null : `id ${f.txId}`,
    f.creatorMsp === undefined ? null : `creator ${f.creatorMsp}`,
    f.endorsers === undefined ? null : `endorsed by ${f.endorsers.join('+') || 'nobody'}`,
    f.key === undefined ? null : `key ${JSON.stringify(f.key)}`,
  ].filter((part): part is string => part !== null);
  return `${f.code}${f.severity === 'warning' ? ' (warning)' : ''}: ${where.join(', ')}${where.length > 0 ? ': ' : ''}${f.message}`;
}

/** Hex SHA-256 of a serialized block's header (what `--trust` pins for block 0). */
export function genesisHashOf(blockBytes: Uint8Array): string {
  const header = common.Block.deserializeBinary(blockBytes).getHeader();
  if (header === undefined) throw new Error('not a block: it has no header');
  return Buffer.from(
    blockHeaderHash(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8()),
  ).toString('hex');
}
