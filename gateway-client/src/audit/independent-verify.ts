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
import {
  type DigestEntry,
  digestOfEntries,
  type Item,
  type Overlay,
  type Rule,
  type Version,
} from '@nrdl-catalog/chaincode/model';
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
  type ReplayedState,
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
  /**
   * What readers are shown at the head: the digest of every item and overlay as the released
   * code's `Catalog:GetItem` answers over the verified state (null when skipped or nothing sealed).
   */
  readonly readerView: { readonly version: number; readonly items: number; readonly digest: string } | null;
}

/** The context the reader-view queries run in (any valid creator; reads do not depend on it). */
interface QueryContext {
  readonly channelId: string;
  readonly creator: Uint8Array;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
}

const utf8 = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/**
 * Asks the released code, over the verified final state, what readers are shown at the head version:
 * every listed item with its overlays (`Catalog:GetItem`) and every rule in force (`Catalog:GetRule`), and checks that their digest is the one
 * the head version carries. Any later write to a proposal, head, version or lattice that changes
 * what readers see makes these differ.
 */
async function checkReaderView(
  reexecutor: Reexecutor,
  state: ReplayedState,
  context: QueryContext,
): Promise<{ view: IndependentVerification['readerView']; findings: Finding[] }> {
  const query = async (
    fn: string,
    arg: unknown,
  ): Promise<{ status: number; message: string; payload: Uint8Array }> =>
    reexecutor.reexecute({
      txId: 'audit-reader-view',
      channelId: context.channelId,
      timestamp: context.timestamp,
      creator: context.creator,
      args: [utf8(fn), utf8(JSON.stringify(arg))],
      state,
    });
  const head = await query('Catalog:GetVersion', {});
  if (head.status !== 200) {
    return /VERSION_NOT_FOUND/.test(head.message)
      ? { view: null, findings: [] }
      : {
          view: null,
          findings: [{ code: 'READER_VIEW', message: `Catalog:GetVersion failed: ${head.message}` }],
        };
  }
  const version = JSON.parse(Buffer.from(head.payload).toString('utf8')) as Version;
  const entries: DigestEntry[] = [];
  const findings: Finding[] = [];
  let items = 0;
  for (const entry of state.range('\u0000item\u0000', '\u0000item\u0001')) {
    const itemId = entry.key.split('\u0000')[2] ?? '';
    const shown = await query('Catalog:GetItem', { itemId, version: version.version });
    if (shown.status !== 200) {
      if (!/ITEM_NOT_FOUND/.test(shown.message)) {
        findings.push({
          code: 'READER_VIEW',
          message: `Catalog:GetItem ${itemId}: ${shown.message}`,
          key: entry.key,
        });
      }
      continue;
    }
    const answer = JSON.parse(Buffer.from(shown.payload).toString('utf8')) as {
      item: Item;
      overlays: Overlay[];
    };
    items += 1;
    entries.push({ type: 'item', itemId, data: answer.item });
    for (const overlay of answer.overlays) {
      entries.push({ type: 'overlay', itemId, province: overlay.province, data: overlay });
    }
  }
  for (const entry of state.range('\u0000rule\u0000', '\u0000rule\u0001')) {
    const ruleId = entry.key.split('\u0000')[2] ?? '';
    const shown = await query('Catalog:GetRule', { ruleId, version: version.version });
    if (shown.status !== 200) {
      if (!/RULE_NOT_FOUND/.test(shown.message)) {
        findings.push({
          code: 'READER_VIEW',
          message: `Catalog:GetRule ${ruleId}: ${shown.message}`,
          key: entry.key,
        });
      }
      continue;
    }
    const answer = JSON.parse(Buffer.from(shown.payload).toString('utf8')) as { rule: Rule };
    entries.push({ type: 'rule', ruleId, data: answer.rule });
  }
  for (const entry of state.range('\u0000ppol\u0000', '\u0000ppol\u0001')) {
    const mspId = entry.key.split('\u0000')[2] ?? '';
    const shown = await query('Catalog:GetPaymentPolicy', { province: mspId, version: version.version });
    if (shown.status !== 200) {
      if (!/POLICY_NOT_FOUND/.test(shown.message)) {
        findings.push({
          code: 'READER_VIEW',
          message: `Catalog:GetPaymentPolicy ${mspId}: ${shown.message}`,
          key: entry.key,
        });
      }
      continue;
    }
    const answer = JSON.parse(Buffer.from(shown.payload).toString('utf8')) as {
      province: string;
      policy: unknown;
    };
    entries.push({ type: 'policy', province: answer.province, data: answer.policy });
  }
  const digest = digestOfEntries(entries);
  if (digest !== version.digest) {
    findings.push({
      code: 'READER_VIEW',
      message:
        `what readers are shown at version ${String(version.version)} (${String(items)} items) has digest ${digest}, ` +
        `the version record says ${version.digest}`,
    });
  }
  return { view: { version: version.version, items, digest }, findings };
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
  const last: { context: QueryContext | null } = { context: null };
  const result = await verifyChain(store.rawBlocks(0), {
    trustedGenesisHash: options.trustedGenesisHash,
    namespace: chaincode,
    onValidTransaction: async (tx, stateBefore, world) => {
      if (options.onProgress !== undefined && tx.blockNumber !== blocksSeen) {
        blocksSeen = tx.blockNumber;
        if (tx.blockNumber % 50 === 0) options.onProgress(tx.blockNumber);
      }
      if (reexecutor === null || build === null) return [];
      if (tx.timestamp !== null) {
        last.context = {
          channelId: tx.channelId,
          creator: tx.creator,
          timestamp: { seconds: tx.timestamp.seconds, nanos: tx.timestamp.nanos },
        };
      }
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
  const findings = [...result.findings];
  let readerView: IndependentVerification['readerView'] = null;
  if (reexecutor !== null && last.context !== null) {
    const checked = await checkReaderView(reexecutor, result.state, last.context);
    readerView = checked.view;
    findings.push(...checked.findings);
  }
  return {
    ok: result.ok && !findings.some((f) => f.severity !== 'warning'),
    blocks: result.blocks,
    transactions: result.transactions,
    reexecuted,
    notReexecuted,
    findings,
    build,
    readerView,
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
