/**
 * THE builder of real-format Fabric blocks for the audit tests: Envelope → Payload (ChannelHeader
 * with the chaincode header extension, SignatureHeader) → Transaction → ChaincodeActionPayload →
 * ProposalResponsePayload → ChaincodeAction → TxReadWriteSet (kvrwset), CONFIG envelopes, and
 * blocks with TRANSACTIONS_FILTER (and, when given, orderer SIGNATURES) metadata.
 *
 * Signers with a key (trust/support/pki.ts) sign for real; those without (certs.ts) put placeholder
 * bytes where the signatures go, which the decoder never looks at. trust/support/chain.ts builds its
 * signed chains with these functions.
 */
import { createHash, randomBytes } from 'node:crypto';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderHash } from '../../../../gateway-client/src/audit/block-hash';

interface TimestampMessage {
  setSeconds(value: number): void;
  setNanos(value: number): void;
}
// google-protobuf ships no type declarations; only the Timestamp constructor is needed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb') as {
  Timestamp: new () => TimestampMessage;
};

const kv = ledger.rwset.kvrwset;

/** Who signs an envelope or an endorsement: with a key, or without one (placeholder signature). */
export interface TxSigner {
  readonly serialized: Uint8Array;
  readonly sign?: (data: Uint8Array) => Buffer;
}

function signatureOf(signer: TxSigner, data: Uint8Array): Buffer {
  return signer.sign?.(data) ?? Buffer.from('signature');
}

/** A read with the version (block, tx) it saw, or null for a missing key. */
export interface ReadSpec {
  readonly key: string;
  readonly version: { readonly blockNum: number; readonly txNum: number } | null;
}

/** A key-level policy as bytes or as a protobuf message (e.g. a SignaturePolicyEnvelope). */
export type PolicySpec = Uint8Array | { serializeBinary(): Uint8Array };

/** One namespace's read/write set. */
export interface NsSpec {
  readonly namespace: string;
  readonly reads?: readonly ReadSpec[];
  readonly rangeQueries?: readonly {
    readonly startKey: string;
    readonly endKey: string;
    /** The raw reads, or `merkle` for a reads-Merkle summary instead. */
    readonly reads: readonly ReadSpec[] | 'merkle';
  }[];
  readonly writes?: readonly { readonly key: string; readonly value: Uint8Array | string | null }[];
  /** VALIDATION_PARAMETER writes; a null policy removes the key's policy. */
  readonly metadataWrites?: readonly { readonly key: string; readonly policy: PolicySpec | null }[];
}

/** An endorser transaction. */
export interface EndorserTxSpec {
  readonly creator: TxSigner;
  /** Transaction id (default: Fabric's, the hex SHA-256 of nonce ‖ creator). */
  readonly txId?: string;
  /** Signature header nonce (default: derived from `txId` when given, else random). */
  readonly nonce?: Uint8Array;
  /** Channel (default `catalog`). */
  readonly channel?: string;
  /** Default 2025-06-01. */
  readonly timestampMs?: number;
  /** Chaincode (default `catalog`). */
  readonly chaincode?: string;
  /** The function name, then its arguments (default `['Fn']`). */
  readonly args?: readonly string[];
  readonly endorsers: readonly TxSigner[];
  readonly namespaces?: readonly NsSpec[];
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
  /** The chaincode response payload the endorsers sign (default `ok`). */
  readonly responsePayload?: Uint8Array;
  /** Replaces the creator's signature (to tamper with it). */
  readonly creatorSignature?: (signature: Buffer) => Buffer;
  /** Replaces endorsement `index`'s signature (to tamper with it). */
  readonly endorsementSignature?: (signature: Buffer, index: number) => Buffer;
}

/** A built transaction: its envelope, id and nonce. */
export interface BuiltTx {
  readonly envelope: Uint8Array;
  readonly txId: string;
  readonly nonce: Uint8Array;
}

function timestamp(ms: number): TimestampMessage {
  const ts = new Timestamp();
  ts.setSeconds(Math.floor(ms / 1000));
  ts.setNanos((ms % 1000) * 1e6);
  return ts;
}

function kvRead(r: ReadSpec): ledger.rwset.kvrwset.KVRead {
  const read = new kv.KVRead();
  read.setKey(r.key);
  if (r.version !== null) {
    const v = new kv.Version();
    v.setBlockNum(r.version.blockNum);
    v.setTxNum(r.version.txNum);
    read.setVersion(v);
  }
  return read;
}

function rangeQuery(rq: NonNullable<NsSpec['rangeQueries']>[number]): ledger.rwset.kvrwset.RangeQueryInfo {
  const info = new kv.RangeQueryInfo();
  info.setStartKey(rq.startKey);
  info.setEndKey(rq.endKey);
  info.setItrExhausted(true);
  if (rq.reads === 'merkle') {
    const summary = new kv.QueryReadsMerkleSummary();
    summary.setMaxDegree(50);
    summary.setMaxLevel(1);
    summary.setMaxLevelHashesList([createHash('sha256').update('x').digest()]);
    info.setReadsMerkleHashes(summary);
  } else {
    const raw = new kv.QueryReads();
    raw.setKvReadsList(rq.reads.map(kvRead));
    info.setRawReads(raw);
  }
  return info;
}

function nsRwSet(spec: NsSpec): ledger.rwset.NsReadWriteSet {
  const set = new kv.KVRWSet();
  set.setReadsList((spec.reads ?? []).map(kvRead));
  set.setRangeQueriesInfoList((spec.rangeQueries ?? []).map(rangeQuery));
  set.setWritesList(
    (spec.writes ?? []).map((w) => {
      const write = new kv.KVWrite();
      write.setKey(w.key);
      write.setIsDelete(w.value === null);
      write.setValue(typeof w.value === 'string' ? Buffer.from(w.value) : (w.value ?? new Uint8Array()));
      return write;
    }),
  );
  set.setMetadataWritesList(
    (spec.metadataWrites ?? []).map((m) => {
      const write = new kv.KVMetadataWrite();
      write.setKey(m.key);
      if (m.policy !== null) {
        const entry = new kv.KVMetadataEntry();
        entry.setName('VALIDATION_PARAMETER');
        entry.setValue(m.policy instanceof Uint8Array ? m.policy : m.policy.serializeBinary());
        write.setEntriesList([entry]);
      }
      return write;
    }),
  );
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(spec.namespace);
  ns.setRwset(set.serializeBinary());
  return ns;
}

function signedEnvelope(
  channelHeader: Uint8Array,
  signatureHeader: Uint8Array,
  data: Uint8Array,
  signer: TxSigner | null,
  replace: (signature: Buffer) => Buffer = (s) => s,
): Uint8Array {
  const h = new common.Header();
  h.setChannelHeader(channelHeader);
  h.setSignatureHeader(signatureHeader);
  const payload = new common.Payload();
  payload.setHeader(h);
  payload.setData(data);
  const payloadBytes = payload.serializeBinary();
  const env = new common.Envelope();
  env.setPayload(payloadBytes);
  if (signer !== null) {
    env.setSignature(replace(signatureOf(signer, payloadBytes)));
  }
  return env.serializeBinary();
}

/** An endorser transaction, signed by its creator and endorsers (for real when they have keys). */
export function endorserTx(spec: EndorserTxSpec): BuiltTx {
  const chaincode = spec.chaincode ?? 'catalog';
  const nonce =
    spec.nonce ??
    (spec.txId === undefined
      ? randomBytes(24)
      : createHash('sha256').update(spec.txId).digest().subarray(0, 24));
  const txId = spec.txId ?? createHash('sha256').update(nonce).update(spec.creator.serialized).digest('hex');
  const ccId = new peer.ChaincodeID();
  ccId.setName(chaincode);
  const ext = new peer.ChaincodeHeaderExtension();
  ext.setChaincodeId(ccId);
  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
  ch.setChannelId(spec.channel ?? 'catalog');
  ch.setTxId(txId);
  ch.setTimestamp(timestamp(spec.timestampMs ?? Date.UTC(2025, 5, 1)));
  ch.setExtension$(ext.serializeBinary());
  const sh = new common.SignatureHeader();
  sh.setCreator(spec.creator.serialized);
  sh.setNonce(nonce);
  const chBytes = ch.serializeBinary();
  const shBytes = sh.serializeBinary();

  const input = new peer.ChaincodeInput();
  input.setArgsList((spec.args ?? ['Fn']).map((a) => Buffer.from(a, 'utf8')));
  const ccSpec = new peer.ChaincodeSpec();
  ccSpec.setType(peer.ChaincodeSpec.Type.NODE);
  ccSpec.setChaincodeId(ccId);
  ccSpec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(ccSpec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());
  const proposalPayloadBytes = proposalPayload.serializeBinary();

  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  rwset.setNsRwsetList((spec.namespaces ?? []).map(nsRwSet));
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  if (spec.event !== undefined) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(chaincode);
    event.setTxId(txId);
    event.setEventName(spec.event.name);
    event.setPayload(spec.event.payload);
    action.setEvents(event.serializeBinary());
  }
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(spec.responsePayload ?? Buffer.from('ok'));
  action.setResponse(response);
  const actionCc = new peer.ChaincodeID();
  actionCc.setName(chaincode);
  actionCc.setVersion('1.0');
  action.setChaincodeId(actionCc);
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(
    createHash('sha256').update(chBytes).update(shBytes).update(proposalPayloadBytes).digest(),
  );
  prp.setExtension$(action.serializeBinary());
  const prpBytes = prp.serializeBinary();

  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prpBytes);
  endorsed.setEndorsementsList(
    spec.endorsers.map((e, i) => {
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(e.serialized);
      const signature = signatureOf(e, Buffer.concat([prpBytes, e.serialized]));
      endorsement.setSignature(spec.endorsementSignature?.(signature, i) ?? signature);
      return endorsement;
    }),
  );
  const ccPayload = new peer.ChaincodeActionPayload();
  ccPayload.setChaincodeProposalPayload(proposalPayloadBytes);
  ccPayload.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setHeader(shBytes);
  txAction.setPayload(ccPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([txAction]);
  const envelope = signedEnvelope(
    chBytes,
    shBytes,
    transaction.serializeBinary(),
    spec.creator,
    spec.creatorSignature,
  );
  return { envelope, txId, nonce };
}

/** A transaction of one function on one chaincode, with its read/write set in one namespace. */
export interface TxSpec extends Omit<NsSpec, 'namespace'> {
  readonly txId: string;
  readonly channel?: string;
  readonly timestampMs: number;
  readonly creator: TxSigner;
  readonly chaincode?: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly endorsers: readonly TxSigner[];
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
  /** Also add a read/write set for `_lifecycle` (which the decoder must ignore). */
  readonly otherNamespaceWrite?: string;
}

/** Serialized envelope of a {@link TxSpec} transaction ({@link endorserTx} for the one-namespace case). */
export function endorserEnvelope(spec: TxSpec): Uint8Array {
  const { txId, channel, timestampMs, creator, chaincode, fn, args, endorsers, event, otherNamespaceWrite } =
    spec;
  const catalog: NsSpec = { ...spec, namespace: chaincode ?? 'catalog' };
  const other: NsSpec[] =
    otherNamespaceWrite === undefined
      ? []
      : [{ namespace: '_lifecycle', writes: [{ key: otherNamespaceWrite, value: 'x' }] }];
  return endorserTx({
    txId,
    timestampMs,
    creator,
    endorsers,
    args: [fn, ...args],
    namespaces: [...other, catalog],
    ...(channel === undefined ? {} : { channel }),
    ...(chaincode === undefined ? {} : { chaincode }),
    ...(event === undefined ? {} : { event }),
  }).envelope;
}

/** A CONFIG transaction. */
export interface ConfigTxSpec {
  /** Default: an empty config of sequence 0. */
  readonly config?: common.Config;
  /** Who signs it; null leaves it unsigned, as configtxgen writes the genesis block. */
  readonly signer: TxSigner | null;
  /** Channel (default `catalog`). */
  readonly channel?: string;
  /** Default 2025-01-01. */
  readonly timestampMs?: number;
  /** The CONFIG_UPDATE envelope the config came from (none in a genesis block). */
  readonly lastUpdate?: common.Envelope;
}

/** Serialized envelope of a CONFIG transaction (the genesis block's, or a config update). */
export function configEnvelope(spec: ConfigTxSpec): Uint8Array {
  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.CONFIG);
  ch.setChannelId(spec.channel ?? 'catalog');
  ch.setTimestamp(timestamp(spec.timestampMs ?? Date.UTC(2025, 0, 1)));
  const sh = new common.SignatureHeader();
  if (spec.signer !== null) {
    sh.setCreator(spec.signer.serialized);
    sh.setNonce(randomBytes(24));
  }
  const configEnv = new common.ConfigEnvelope();
  const config = spec.config ?? new common.Config();
  configEnv.setConfig(config);
  if (spec.lastUpdate !== undefined) configEnv.setLastUpdate(spec.lastUpdate);
  return signedEnvelope(ch.serializeBinary(), sh.serializeBinary(), configEnv.serializeBinary(), spec.signer);
}

/**
 * A block over the envelopes, with validation codes (default all VALID) in TRANSACTIONS_FILTER and
 * `signatures` (a serialized `common.Metadata`, default none) in SIGNATURES.
 */
export function buildBlock(
  number: number,
  previousHash: Uint8Array,
  envelopes: readonly Uint8Array[],
  codes: readonly number[] = [],
  signatures: Uint8Array = new Uint8Array(),
): common.Block {
  const h = new common.BlockHeader();
  h.setNumber(number);
  h.setPreviousHash(previousHash);
  h.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const metadata = new common.BlockMetadata();
  const filter = Uint8Array.from(envelopes.map((_, i) => codes[i] ?? peer.TxValidationCode.VALID));
  metadata.setMetadataList([signatures, new Uint8Array(), filter, new Uint8Array(), new Uint8Array()]);
  const block = new common.Block();
  block.setHeader(h);
  block.setData(data);
  block.setMetadata(metadata);
  return block;
}

/** The header hash of a built block. */
export function hashOf(block: common.Block): Buffer {
  const h = block.getHeader();
  if (h === undefined) {
    throw new Error('no header');
  }
  return blockHeaderHash(h.getNumber(), h.getPreviousHash_asU8(), h.getDataHash_asU8());
}

/** Appends unsigned blocks that chain by header hash. */
export class ChainBuilder {
  public readonly blocks: common.Block[] = [];

  /** Appends a block of these envelopes. */
  public append(envelopes: readonly Uint8Array[], codes: readonly number[] = []): common.Block {
    const last = this.blocks[this.blocks.length - 1];
    const block = buildBlock(
      this.blocks.length,
      last === undefined ? new Uint8Array() : hashOf(last),
      envelopes,
      codes,
    );
    this.blocks.push(block);
    return block;
  }
}
