/**
 * The auditors' independent ledger verifier ("trust no peer"): walks raw blocks from block 0, whose
 * header hash the caller pins, and decides for itself what is valid — block signatures against the
 * orderers' BlockValidation policy of the config in force, the header hash chain and data hashes,
 * every transaction's creator and endorsement signatures and identities, the endorsement policy of
 * every key written (key-level, chaincode-level from the replayed `_lifecycle` definitions,
 * LifecycleEndorsement), MVCC and phantom reads against the state it replays itself, duplicate
 * transaction ids — and compares the validation code it computes with the flag the peer recorded.
 */
import type { ChaincodeResponse, RecordedExecution } from '../reexecute/compare';
import { common, peer } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from '../block-hash';
import { checkConfigUpdate } from './config-update';
import { configFromBlock, configFromEnvelope, type ChannelConfig } from './channel-config';
import { isError, type Finding } from './findings';
import { LIFECYCLE_NAMESPACE } from './lifecycle';
import { IdentityResolver, type NodeRole, type ResolvedIdentity } from './msp';
import { evaluateConfigPolicy, validIdentities, type SignedData } from './policy';
import { ReplayedState, ReplayedWorld } from './replayed-state';
import type { StateView } from './state-view';
import {
  analyseTransaction,
  type ParsedNamespace,
  type TxAnalysis,
  type TxContext,
  type TxTimestamp,
} from './transaction';

const V = peer.TxValidationCode;

/** Policy every block after the genesis block must satisfy with its signatures. */
export const BLOCK_VALIDATION_POLICY = '/Channel/Orderer/BlockValidation';

/** A transaction the verifier decided is valid, with everything re-executing it needs. */
export interface ValidatedTransaction {
  readonly blockNumber: number;
  readonly txIndex: number;
  readonly txId: string;
  readonly channelId: string;
  /** Channel header timestamp (the client's, which the chaincode's `GetTxTimestamp` returns). */
  readonly timestamp: TxTimestamp | null;
  /** The creator's serialized `msp.SerializedIdentity`. */
  readonly creator: Uint8Array;
  readonly creatorMsp: string;
  readonly chaincode: string;
  /** ChaincodeInput args, function name first. */
  readonly args: readonly Uint8Array[];
  /** Endorsing identities in endorsement order. */
  readonly endorsers: readonly { readonly mspId: string; readonly role: NodeRole | null }[];
  /** Recorded writes of the verified namespace, in read/write-set order. */
  readonly writes: RecordedExecution['writes'];
  /** Recorded metadata writes of the verified namespace, one row per entry. */
  readonly metadataWrites: RecordedExecution['metadataWrites'];
  readonly event: RecordedExecution['event'];
  /** The chaincode's response as endorsed. */
  readonly response: ChaincodeResponse | null;
  /**
   * Always true for a well-formed transaction: every endorsement of a Fabric transaction signs the
   * one ProposalResponsePayload the envelope carries, so endorsers cannot disagree inside it; a
   * tampered payload shows up as bad endorsement signatures instead.
   */
  readonly endorsementsAgree: boolean;
}

/** Re-execution hook: called for every valid transaction of the verified namespace. */
export type ValidTransactionHook = (
  tx: ValidatedTransaction,
  stateBefore: StateView,
  /** Every namespace as of the same point (e.g. `_lifecycle`, for the chaincode definition in force). */
  world: ReplayedWorld,
) => Promise<Finding[]> | Finding[];

/** Options of {@link verifyChain}. */
export interface VerifyChainOptions {
  /** Hex SHA-256 of block 0's header (as `blockHeaderHash` computes it). */
  readonly trustedGenesisHash: string;
  /** Chaincode namespace to replay and hand to the hook (default `catalog`). */
  readonly namespace?: string;
  /**
   * Called with the state as of just before the transaction (every earlier valid transaction
   * applied, including earlier ones of the same block); the view is only valid during the call.
   */
  readonly onValidTransaction?: ValidTransactionHook;
}

/** Result of {@link verifyChain}. */
export interface ChainVerification {
  /** True when no error finding was made. */
  readonly ok: boolean;
  /** Blocks read. */
  readonly blocks: number;
  /** Transactions (envelopes) read. */
  readonly transactions: number;
  readonly findings: Finding[];
  /** Final replayed state of the verified namespace. */
  readonly state: ReplayedState;
  /** Final replayed state of every namespace (including `_lifecycle`). */
  readonly world: ReplayedWorld;
  /** The channel config in force after the last block, or null if block 0 could not be read. */
  readonly config: ChannelConfig | null;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function codeName(code: number): string {
  const entry = Object.entries(V).find(([, c]) => c === code);
  return entry === undefined ? `UNKNOWN_${code}` : entry[0];
}

function roleName(identity: ResolvedIdentity): string {
  return `${identity.mspId}.${identity.role ?? (identity.valid ? 'member' : 'invalid')}`;
}

/** Checks the SIGNATURES metadata of a block against BlockValidation of `config`. */
export function verifyBlockSignatures(
  block: common.Block,
  config: ChannelConfig,
  resolver: IdentityResolver,
): Finding[] {
  const header = block.getHeader();
  const number = header?.getNumber() ?? -1;
  const findings: Finding[] = [];
  const raw = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES];
  if (header === undefined || raw === undefined || raw.length === 0) {
    return [{ code: 'BLOCK_VALIDATION_POLICY', message: `block ${number} has no signatures`, block: number }];
  }
  let metadata: common.Metadata;
  try {
    metadata = common.Metadata.deserializeBinary(raw);
  } catch (error) {
    return [
      {
        code: 'BAD_BLOCK_SIGNATURE',
        message: `undecodable SIGNATURES metadata: ${(error as Error).message}`,
        block: number,
      },
    ];
  }
  const headerBytes = blockHeaderBytes(
    header.getNumber(),
    header.getPreviousHash_asU8(),
    header.getDataHash_asU8(),
  );
  const signed: SignedData[] = [];
  for (const signature of metadata.getSignaturesList()) {
    const signatureHeader = signature.getSignatureHeader_asU8();
    if (signatureHeader.length === 0) {
      findings.push({
        code: 'NOT_IMPLEMENTED',
        message: `block ${number}: a signature identified by consenter id (BFT IdentifierHeader) is not verified`,
        block: number,
      });
      continue;
    }
    let creator: Uint8Array;
    try {
      creator = common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8();
    } catch {
      findings.push({
        code: 'BAD_BLOCK_SIGNATURE',
        message: `block ${number}: undecodable signature header`,
        block: number,
      });
      continue;
    }
    signed.push({
      identity: creator,
      // what the orderer signs: metadata value ‖ signature header ‖ ASN.1 block header
      data: Buffer.concat([metadata.getValue_asU8(), signatureHeader, headerBytes]),
      signature: signature.getSignature_asU8(),
    });
  }
  const { identities, rejected } = validIdentities(signed, resolver);
  for (const r of rejected) {
    if (r.kind !== 'duplicate') {
      findings.push({
        code: r.kind === 'signature' ? 'BAD_BLOCK_SIGNATURE' : 'UNKNOWN_IDENTITY',
        message: `block ${number}: signature ${r.index} by ${r.mspId || '?'}: ${r.reason}`,
        block: number,
      });
    }
  }
  const outcome = evaluateConfigPolicy(config, BLOCK_VALIDATION_POLICY, identities, resolver);
  const signers = identities.map(roleName);
  if (!outcome.found) {
    findings.push({
      code: 'BLOCK_VALIDATION_POLICY',
      message: `the config has no ${BLOCK_VALIDATION_POLICY} policy`,
      block: number,
    });
  } else if (!outcome.satisfied) {
    findings.push({
      code: outcome.unsupported === null ? 'BLOCK_VALIDATION_POLICY' : 'NOT_IMPLEMENTED',
      message: `block ${number}: signers [${signers.join(', ')}] do not satisfy ${BLOCK_VALIDATION_POLICY}${
        outcome.unsupported === null ? '' : ` (${outcome.unsupported})`
      }`,
      block: number,
      endorsers: [...new Set(identities.map((i) => i.mspId))],
    });
  }
  return findings;
}

type MvccOutcome =
  { code: number; reason: string; key: string | null } | { code: null; reason: string; key: string | null };

function sameVersion(
  a: { blockNum: number; txNum: number } | null,
  b: { blockNum: number; txNum: number } | null,
): boolean {
  return a === null || b === null ? a === b : a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/** MVCC and phantom validation of a transaction against the replayed state (Fabric's `validateTx`). */
function mvcc(rwset: readonly ParsedNamespace[], world: ReplayedWorld): MvccOutcome {
  for (const ns of rwset) {
    const state = world.namespace(ns.namespace);
    for (const read of ns.reads) {
      if (state.touchedInBlock(read.key)) {
        return {
          code: V.MVCC_READ_CONFLICT,
          reason: `key ${read.key} was written by an earlier valid transaction of this block`,
          key: read.key,
        };
      }
      const current = state.get(read.key)?.version ?? null;
      if (!sameVersion(current, read.version)) {
        return {
          code: V.MVCC_READ_CONFLICT,
          reason: `key ${read.key} was read at version ${JSON.stringify(read.version)} but the state has ${JSON.stringify(current)}`,
          key: read.key,
        };
      }
    }
    for (const rq of ns.rangeQueries) {
      if (rq.reads === null) {
        return {
          code: null,
          reason: `range query [${rq.startKey}, ${rq.endKey}) recorded as Merkle hashes: phantom validation of Merkle summaries is not implemented`,
          key: rq.startKey,
        };
      }
      const actual = [...state.range(rq.startKey, rq.endKey)];
      if (!rq.itrExhausted && rq.endKey !== '') {
        const last = state.get(rq.endKey);
        if (last !== null) {
          actual.push(last);
        }
      }
      const phantom = (why: string, key: string): MvccOutcome => ({
        code: V.PHANTOM_READ_CONFLICT,
        reason: `range query [${rq.startKey}, ${rq.endKey}): ${why}`,
        key,
      });
      for (let i = 0; i < Math.max(actual.length, rq.reads.length); i++) {
        const got = actual[i];
        const recorded = rq.reads[i];
        if (got === undefined || recorded === undefined) {
          return phantom(
            got === undefined ? `key ${recorded?.key ?? '?'} is gone` : `key ${got.key} appeared`,
            got?.key ?? recorded?.key ?? '',
          );
        }
        if (got.key !== recorded.key || !sameVersion(got.version, recorded.version)) {
          return phantom(
            `recorded ${recorded.key}@${JSON.stringify(recorded.version)}, state has ${got.key}@${JSON.stringify(got.version)}`,
            recorded.key,
          );
        }
      }
    }
    for (const coll of ns.collections) {
      for (const read of coll.reads) {
        const key = `${coll.name}:${hex(read.keyHash)}`;
        if (world.hashedTouchedInBlock(ns.namespace, coll.name, read.keyHash)) {
          return {
            code: V.MVCC_READ_CONFLICT,
            reason: `private key ${key} was written earlier in this block`,
            key,
          };
        }
        const current = world.hashed(ns.namespace, coll.name, read.keyHash)?.version ?? null;
        if (!sameVersion(current, read.version)) {
          return { code: V.MVCC_READ_CONFLICT, reason: `private key ${key} read at a stale version`, key };
        }
      }
    }
  }
  return { code: V.VALID, reason: '', key: null };
}

function applyTransaction(
  rwset: readonly ParsedNamespace[],
  world: ReplayedWorld,
  version: { blockNum: number; txNum: number },
): void {
  for (const ns of rwset) {
    if (ns.writes.length > 0 || ns.metadataWrites.length > 0) {
      world.namespace(ns.namespace).apply(ns.writes, ns.metadataWrites, version);
    }
    for (const coll of ns.collections) {
      world.applyHashed(
        ns.namespace,
        coll.name,
        coll.writes.map((w) => ({ keyHash: w.keyHash, isDelete: w.isDelete || w.isPurge })),
        coll.metadataWrites,
        version,
      );
    }
  }
}

function validatedTransaction(
  analysis: TxAnalysis,
  blockNumber: number,
  txIndex: number,
  namespace: string,
): ValidatedTransaction {
  const ns = analysis.rwset?.find((n) => n.namespace === namespace);
  return {
    blockNumber,
    txIndex,
    txId: analysis.txId,
    channelId: analysis.channelId,
    timestamp: analysis.timestamp,
    creator: analysis.creatorBytes,
    creatorMsp: analysis.creator?.mspId ?? '',
    chaincode: analysis.chaincode ?? '',
    args: analysis.args,
    endorsers: analysis.endorsers.map((e) => ({ mspId: e.mspId, role: e.role })),
    writes: (ns?.writes ?? []).map((w) => ({ key: w.key, isDelete: w.isDelete, value: w.value })),
    metadataWrites: (ns?.metadataWrites ?? []).flatMap((m) =>
      m.entries.map((e) => ({ key: m.key, name: e.name, value: e.value })),
    ),
    event: analysis.event,
    response: analysis.response,
    endorsementsAgree: true,
  };
}

/** Metadata-written keys of a namespace (public keys, and `coll\0hexhash` for collections). */
function metadataKeys(ns: ParsedNamespace): string[] {
  return [
    ...ns.metadataWrites.map((m) => `\u0000${m.key}`),
    ...ns.collections.flatMap((c) => c.metadataWrites.map((m) => `${c.name}\u0000${hex(m.keyHash)}`)),
  ];
}

/**
 * Verifies a chain of raw blocks from block 0. Stops at a genesis mismatch, an undecodable block or
 * a gap in the numbering; every other problem is a finding and the walk goes on.
 */
export async function verifyChain(
  blocks: AsyncIterable<{ number: number; bytes: Uint8Array }>,
  options: VerifyChainOptions,
): Promise<ChainVerification> {
  const namespace = options.namespace ?? 'catalog';
  const findings: Finding[] = [];
  const world = new ReplayedWorld();
  const ledgerTxIds = new Set<string>();
  const reportedUnsupported = new Set<string>();
  const chain: { config: ChannelConfig | null; resolver: IdentityResolver | null } = {
    config: null,
    resolver: null,
  };
  let channelId = '';
  let previousHash: Buffer | null = null;
  let expected = 0;
  let transactions = 0;

  const reportUnsupported = (block: number): void => {
    for (const message of chain.resolver?.unsupported ?? []) {
      if (!reportedUnsupported.has(message)) {
        reportedUnsupported.add(message);
        findings.push({ code: 'NOT_IMPLEMENTED', message, block });
      }
    }
  };
  const adopt = (next: ChannelConfig, block: number): void => {
    chain.config = next;
    chain.resolver = new IdentityResolver(next);
    for (const problem of next.problems) {
      findings.push({
        code: 'CONFIG',
        message: `config sequence ${next.sequence}: ${problem}`,
        block,
        severity: 'warning',
      });
    }
    reportUnsupported(block);
  };

  walk: for await (const item of blocks) {
    let block: common.Block;
    try {
      block = common.Block.deserializeBinary(item.bytes);
    } catch (error) {
      findings.push({
        code: 'UNDECODABLE_BLOCK',
        message: `block ${item.number}: ${(error as Error).message}`,
        block: item.number,
      });
      break;
    }
    const header = block.getHeader();
    if (header === undefined) {
      findings.push({
        code: 'UNDECODABLE_BLOCK',
        message: `block ${item.number} has no header`,
        block: item.number,
      });
      break;
    }
    const number = header.getNumber();
    if (number !== expected || item.number !== number) {
      findings.push({
        code: 'BLOCK_NUMBER',
        message: `expected block ${expected}, got a block numbered ${number} (stored as ${item.number})`,
        block: item.number,
      });
      break;
    }
    const hash = blockHeaderHash(number, header.getPreviousHash_asU8(), header.getDataHash_asU8());
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    if (!blockDataHash(envelopes).equals(header.getDataHash_asU8())) {
      findings.push({
        code: 'DATA_HASH',
        message: `block ${number}: the data hash does not match the envelopes`,
        block: number,
      });
    }
    const metadataList = block.getMetadata()?.getMetadataList_asU8() ?? [];

    if (number === 0) {
      if (hash.toString('hex') !== options.trustedGenesisHash.trim().toLowerCase()) {
        findings.push({
          code: 'GENESIS_MISMATCH',
          message: `block 0 has header hash ${hash.toString('hex')}, not the pinned ${options.trustedGenesisHash}`,
          block: 0,
        });
        break;
      }
      let genesis: ReturnType<typeof configFromBlock>;
      try {
        genesis = configFromBlock(block);
      } catch (error) {
        genesis = null;
        findings.push({ code: 'CONFIG', message: `block 0: ${(error as Error).message}`, block: 0 });
      }
      if (genesis === null) {
        findings.push({ code: 'CONFIG', message: 'block 0 is not a config block', block: 0 });
        break;
      }
      channelId = genesis.channelId;
      adopt(genesis.config, 0);
      transactions += envelopes.length;
      previousHash = hash;
      expected++;
      continue;
    }

    const current = chain.config;
    const currentResolver = chain.resolver;
    if (current === null || currentResolver === null) {
      break;
    }
    if (previousHash === null || !previousHash.equals(header.getPreviousHash_asU8())) {
      findings.push({
        code: 'HASH_CHAIN',
        message: `block ${number}: previous hash ${hex(header.getPreviousHash_asU8())} is not the hash of block ${number - 1}`,
        block: number,
      });
    }
    if (metadataList.length < 5) {
      findings.push({
        code: 'BLOCK_METADATA',
        message: `block ${number} has ${metadataList.length} metadata entries, not 5`,
        block: number,
      });
    }
    findings.push(...verifyBlockSignatures(block, current, currentResolver));

    const filter = metadataList[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
    if (filter.length !== envelopes.length) {
      findings.push({
        code: 'BLOCK_METADATA',
        message: `block ${number}: TRANSACTIONS_FILTER has ${filter.length} flags for ${envelopes.length} transactions`,
        block: number,
      });
    }
    const validTxIdsInBlock = new Set<string>();
    const blockTxIds: string[] = [];
    /** `ns\0coll\0key` → first tx of this block whose VSCC-valid metadata write touched it. */
    const policyUpdates = new Map<string, number>();
    let pendingConfig: ChannelConfig | null = null;

    for (let i = 0; i < envelopes.length; i++) {
      const envelope = envelopes[i] ?? new Uint8Array();
      transactions++;
      const peerCode = filter[i] ?? V.NOT_VALIDATED;
      const ctx: TxContext = {
        config: current,
        resolver: currentResolver,
        channelId,
        blockNumber: number,
        txIndex: i,
        txIdInLedger: (txId) => ledgerTxIds.has(txId),
        committedMetadata: (ns, coll, key) =>
          coll === ''
            ? (world.namespace(ns).committed(key)?.metadata ?? null)
            : (world.hashedCommitted(ns, coll, Buffer.from(key, 'hex'))?.metadata ?? null),
        policyUpdatedInBlock: (ns, coll, key) => policyUpdates.get(`${ns}\u0000${coll}\u0000${key}`) ?? null,
        lifecycle: (key) => world.namespace(LIFECYCLE_NAMESPACE).committed(key),
      };
      let analysis: TxAnalysis;
      try {
        analysis = analyseTransaction(envelope, ctx);
      } catch (error) {
        findings.push({
          code: 'NOT_IMPLEMENTED',
          message: `block ${number} tx ${i}: the verifier failed on this transaction: ${(error as Error).message}`,
          block: number,
          txIndex: i,
        });
        continue;
      }
      const isEndorser = analysis.headerType === common.HeaderType.ENDORSER_TRANSACTION;
      if (analysis.txId !== '' && isEndorser) {
        blockTxIds.push(analysis.txId);
      }
      // Fabric's dependency rule: a VSCC-valid metadata write makes later writes of the key in this block fail
      for (const ns of analysis.rwset ?? []) {
        if (analysis.vsccPassed.has(ns.namespace)) {
          for (const k of metadataKeys(ns)) {
            const id = `${ns.namespace}\u0000${k}`;
            if (!policyUpdates.has(id)) {
              policyUpdates.set(id, i);
            }
          }
        }
      }
      if (analysis.code === V.VALID && isEndorser) {
        if (validTxIdsInBlock.has(analysis.txId)) {
          analysis.code = V.DUPLICATE_TXID;
          analysis.reason = 'duplicate transaction id in the same block';
        } else {
          validTxIdsInBlock.add(analysis.txId);
        }
      }
      if (analysis.code === V.VALID && isEndorser && analysis.rwset !== null) {
        const outcome = mvcc(analysis.rwset, world);
        if (outcome.code !== V.VALID) {
          analysis.code = outcome.code;
          analysis.reason = outcome.reason;
          analysis.failedKey = outcome.key;
          analysis.issues.push({
            code:
              outcome.code === null
                ? 'NOT_IMPLEMENTED'
                : outcome.code === V.PHANTOM_READ_CONFLICT
                  ? 'PHANTOM'
                  : 'MVCC',
            message: outcome.reason,
            ...(outcome.key === null ? {} : { key: outcome.key }),
          });
        }
      }
      if (analysis.headerType === common.HeaderType.CONFIG && analysis.code === V.VALID) {
        let read: ReturnType<typeof configFromEnvelope> = null;
        try {
          read = configFromEnvelope(envelope);
          pendingConfig = read?.config ?? null;
        } catch (error) {
          findings.push({
            code: 'CONFIG',
            message: `block ${number}: undecodable config: ${(error as Error).message}`,
            block: number,
          });
        }
        if (read !== null && chain.config !== null && chain.resolver !== null) {
          // the update's signatures against the modification policies of the configuration in force
          const check = checkConfigUpdate(chain.config, read.envelope, read.config.sequence, chain.resolver);
          if (check.problems.length > 0) {
            findings.push({
              code: 'CONFIG_UPDATE',
              message: `block ${number}: config update to sequence ${String(read.config.sequence)} is not authorised: ${check.problems.join('; ')}`,
              block: number,
              txIndex: i,
            });
          }
        }
      }

      const expectedCode = analysis.code;
      const mismatch = expectedCode !== null && expectedCode !== peerCode;
      const base = {
        block: number,
        txIndex: i,
        txId: analysis.txId,
        ...(analysis.creator === null ? {} : { creatorMsp: analysis.creator.mspId }),
        endorsers: [...new Set(analysis.endorsers.map((e) => e.mspId))],
      };
      for (const issue of analysis.issues) {
        findings.push({
          ...base,
          code: issue.code,
          message: `block ${number} tx ${i} (${analysis.txId}): ${issue.message}`,
          ...(issue.key === undefined ? {} : { key: issue.key }),
          ...(issue.code === 'NOT_IMPLEMENTED' || mismatch ? {} : { severity: 'warning' as const }),
        });
      }
      if (mismatch) {
        findings.push({
          ...base,
          code: 'VALIDATION_FLAG_MISMATCH',
          message: `block ${number} tx ${i} (${analysis.txId}): the peer flagged ${codeName(peerCode)}, the verifier computes ${codeName(expectedCode)}${
            analysis.reason === '' ? '' : `: ${analysis.reason}`
          }`,
          ...(analysis.failedKey === null ? {} : { key: analysis.failedKey }),
        });
      }
      certificateTimes(analysis, currentResolver, base, findings);

      const valid = expectedCode === V.VALID || (expectedCode === null && peerCode === V.VALID);
      if (!valid || !isEndorser || analysis.rwset === null) {
        continue;
      }
      if (options.onValidTransaction !== undefined && analysis.chaincode === namespace) {
        const extra = await options.onValidTransaction(
          validatedTransaction(analysis, number, i, namespace),
          world.namespace(namespace),
          world,
        );
        findings.push(...extra.map((f) => ({ ...base, ...f })));
      }
      applyTransaction(analysis.rwset, world, { blockNum: number, txNum: i });
    }
    world.endBlock();
    for (const txId of blockTxIds) {
      ledgerTxIds.add(txId);
    }
    if (pendingConfig !== null) {
      adopt(pendingConfig, number);
    }
    reportUnsupported(number);
    previousHash = hash;
    expected++;
    if (findings.some((f) => f.code === 'UNDECODABLE_BLOCK')) {
      break walk;
    }
  }
  return {
    ok: expected > 0 && !findings.some(isError),
    blocks: expected,
    transactions,
    findings,
    state: world.namespace(namespace),
    world,
    config: chain.config,
  };
}

function certificateTimes(
  analysis: TxAnalysis,
  resolver: IdentityResolver,
  base: Pick<Finding, 'block' | 'txIndex' | 'txId' | 'creatorMsp' | 'endorsers'>,
  findings: Finding[],
): void {
  if (analysis.timestamp === null) {
    return;
  }
  const at = analysis.timestamp.seconds * 1000;
  const identities = [
    ...(analysis.creator === null ? [] : [{ what: 'creator', id: analysis.creator }]),
    ...analysis.endorsers.map((e) => ({ what: 'endorser', id: resolver.resolve(e.serialized) })),
  ];
  for (const { what, id } of identities) {
    if (
      id.notBefore !== null &&
      id.notAfter !== null &&
      (at < id.notBefore.getTime() || at > id.notAfter.getTime())
    ) {
      findings.push({
        ...base,
        code: 'CERT_NOT_VALID_AT_TX_TIME',
        severity: 'warning',
        message: `${what} certificate of ${id.mspId} (valid ${id.notBefore.toISOString()} – ${id.notAfter.toISOString()}) used at ${analysis.timestamp.iso} (Fabric's committer does not check expiry)`,
      });
    }
  }
}
