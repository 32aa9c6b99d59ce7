/**
 * Builds real-format Fabric blocks with the fabric-protos builders: Envelope → Payload
 * (ChannelHeader, SignatureHeader) → Transaction → ChaincodeActionPayload → ProposalResponsePayload
 * → ChaincodeAction → TxReadWriteSet (kvrwset), plus block metadata with TRANSACTIONS_FILTER.
 */
import { createHash } from 'node:crypto';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderHash } from '../../../../gateway-client/src/audit/block-hash';
import type { TestIdentity } from './certs';

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

/** A read with the version (block, tx) it saw, or null for a missing key. */
export interface ReadSpec {
  readonly key: string;
  readonly version: { readonly blockNum: number; readonly txNum: number } | null;
}

/** An endorser transaction to put in a block. */
export interface TxSpec {
  readonly txId: string;
  readonly channel?: string;
  readonly timestampMs: number;
  readonly creator: TestIdentity;
  readonly chaincode?: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly endorsers: readonly TestIdentity[];
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
  readonly reads?: readonly ReadSpec[];
  readonly rangeQueries?: readonly {
    readonly startKey: string;
    readonly endKey: string;
    readonly reads: readonly ReadSpec[];
  }[];
  readonly writes?: readonly { readonly key: string; readonly value: Uint8Array | null }[];
  readonly metadataWrites?: readonly { readonly key: string; readonly policy: Uint8Array }[];
  /** Also add a read/write set for another namespace (which the decoder must ignore). */
  readonly otherNamespaceWrite?: string;
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

function header(
  type: number,
  txId: string,
  channel: string,
  ms: number,
  creator: TestIdentity,
): common.Header {
  const ch = new common.ChannelHeader();
  ch.setType(type);
  ch.setTxId(txId);
  ch.setChannelId(channel);
  ch.setTimestamp(timestamp(ms));
  const sh = new common.SignatureHeader();
  sh.setCreator(creator.serialized);
  sh.setNonce(createHash('sha256').update(txId).digest().subarray(0, 24));
  const h = new common.Header();
  h.setChannelHeader(ch.serializeBinary());
  h.setSignatureHeader(sh.serializeBinary());
  return h;
}

function nsRwSet(namespace: string, set: ledger.rwset.kvrwset.KVRWSet): ledger.rwset.NsReadWriteSet {
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(namespace);
  ns.setRwset(set.serializeBinary());
  return ns;
}

function readWriteSet(spec: TxSpec): Uint8Array {
  const set = new kv.KVRWSet();
  set.setReadsList((spec.reads ?? []).map(kvRead));
  set.setRangeQueriesInfoList(
    (spec.rangeQueries ?? []).map((r) => {
      const info = new kv.RangeQueryInfo();
      info.setStartKey(r.startKey);
      info.setEndKey(r.endKey);
      info.setItrExhausted(true);
      const raw = new kv.QueryReads();
      raw.setKvReadsList(r.reads.map(kvRead));
      info.setRawReads(raw);
      return info;
    }),
  );
  set.setWritesList(
    (spec.writes ?? []).map((w) => {
      const write = new kv.KVWrite();
      write.setKey(w.key);
      write.setIsDelete(w.value === null);
      write.setValue(w.value ?? new Uint8Array());
      return write;
    }),
  );
  set.setMetadataWritesList(
    (spec.metadataWrites ?? []).map((m) => {
      const entry = new kv.KVMetadataEntry();
      entry.setName('VALIDATION_PARAMETER');
      entry.setValue(m.policy);
      const write = new kv.KVMetadataWrite();
      write.setKey(m.key);
      write.setEntriesList([entry]);
      return write;
    }),
  );
  const namespaces = [nsRwSet(spec.chaincode ?? 'catalog', set)];
  if (spec.otherNamespaceWrite !== undefined) {
    const other = new kv.KVRWSet();
    const write = new kv.KVWrite();
    write.setKey(spec.otherNamespaceWrite);
    write.setValue(Buffer.from('x'));
    other.setWritesList([write]);
    namespaces.unshift(nsRwSet('_lifecycle', other));
  }
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  rwset.setNsRwsetList(namespaces);
  return rwset.serializeBinary();
}

/** Serialized envelope of an endorser transaction. */
export function endorserEnvelope(spec: TxSpec): Uint8Array {
  const chaincode = spec.chaincode ?? 'catalog';
  const ccId = new peer.ChaincodeID();
  ccId.setName(chaincode);
  const input = new peer.ChaincodeInput();
  input.setArgsList([spec.fn, ...spec.args].map((a) => Buffer.from(a, 'utf8')));
  const ccSpec = new peer.ChaincodeSpec();
  ccSpec.setType(peer.ChaincodeSpec.Type.NODE);
  ccSpec.setChaincodeId(ccId);
  ccSpec.setInput(input);
  const invocation = new peer.ChaincodeInvocationSpec();
  invocation.setChaincodeSpec(ccSpec);
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(invocation.serializeBinary());

  const action = new peer.ChaincodeAction();
  action.setResults(readWriteSet(spec));
  if (spec.event !== undefined) {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(chaincode);
    event.setTxId(spec.txId);
    event.setEventName(spec.event.name);
    event.setPayload(spec.event.payload);
    action.setEvents(event.serializeBinary());
  }
  const response = new peer.Response();
  response.setStatus(200);
  action.setResponse(response);
  action.setChaincodeId(ccId);
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(createHash('sha256').update(spec.txId).digest());
  prp.setExtension$(action.serializeBinary());

  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(prp.serializeBinary());
  endorsed.setEndorsementsList(
    spec.endorsers.map((e) => {
      const endorsement = new peer.Endorsement();
      endorsement.setEndorser(e.serialized);
      endorsement.setSignature(Buffer.from('signature'));
      return endorsement;
    }),
  );
  const ccPayload = new peer.ChaincodeActionPayload();
  ccPayload.setChaincodeProposalPayload(proposalPayload.serializeBinary());
  ccPayload.setAction(endorsed);

  const txHeader = header(
    common.HeaderType.ENDORSER_TRANSACTION,
    spec.txId,
    spec.channel ?? 'catalog',
    spec.timestampMs,
    spec.creator,
  );
  const txAction = new peer.TransactionAction();
  txAction.setHeader(txHeader.getSignatureHeader_asU8());
  txAction.setPayload(ccPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([txAction]);
  return envelope(txHeader, transaction.serializeBinary());
}

function envelope(h: common.Header, data: Uint8Array): Uint8Array {
  const payload = new common.Payload();
  payload.setHeader(h);
  payload.setData(data);
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  env.setSignature(Buffer.from('signature'));
  return env.serializeBinary();
}

/** Serialized envelope of a (genesis) CONFIG transaction. */
export function configEnvelope(channel: string, timestampMs: number, creator: TestIdentity): Uint8Array {
  const configEnv = new common.ConfigEnvelope();
  const config = new common.Config();
  config.setSequence(0);
  configEnv.setConfig(config);
  return envelope(
    header(common.HeaderType.CONFIG, '', channel, timestampMs, creator),
    configEnv.serializeBinary(),
  );
}

/** A block over the envelopes, with validation codes (default all VALID) in TRANSACTIONS_FILTER. */
export function buildBlock(
  number: number,
  previousHash: Uint8Array,
  envelopes: readonly Uint8Array[],
  codes: readonly number[] = [],
): common.Block {
  const h = new common.BlockHeader();
  h.setNumber(number);
  h.setPreviousHash(previousHash);
  h.setDataHash(blockDataHash(envelopes));
  const data = new common.BlockData();
  data.setDataList([...envelopes]);
  const metadata = new common.BlockMetadata();
  const filter = Uint8Array.from(envelopes.map((_, i) => codes[i] ?? peer.TxValidationCode.VALID));
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), filter, new Uint8Array(), new Uint8Array()]);
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

/** Appends blocks that chain by header hash. */
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
