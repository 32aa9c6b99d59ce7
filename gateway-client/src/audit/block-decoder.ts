/**
 * Decodes a full `common.Block` (as delivered by the gateway's block events) into plain data:
 * header hashes and, per transaction, type, id, time, creator, validation code, invoked function,
 * endorsing organisations, chaincode event and the read/write set of the catalog namespace.
 */
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderHash } from './block-hash';
import { decodeIdentity, type IdentityInfo } from './certificate';
import { splitKey } from './composite-key';

/** Chaincode namespace whose read/write sets are kept. */
export const CATALOG_NAMESPACE = 'catalog';

/** Validation code of a valid transaction. */
export const TX_VALID = 0;

/** A key with its composite-key parts. */
export interface DecodedKey {
  /** The raw state key. */
  readonly key: string;
  /** Object type of a composite key (null for a simple key). */
  readonly objectType: string | null;
  /** Attributes of a composite key. */
  readonly attributes: readonly string[];
}

/** A key read during simulation, with the version (block, tx) it had. */
export interface DecodedRead extends DecodedKey {
  /** Committed version read, or null when the key did not exist. */
  readonly version: { readonly blockNum: number; readonly txNum: number } | null;
}

/** A range query recorded for phantom validation. */
export interface DecodedRangeQuery {
  readonly startKey: string;
  readonly endKey: string;
  readonly itrExhausted: boolean;
  /** Raw reads of the range, or null when the peer recorded only a Merkle summary. */
  readonly reads: readonly DecodedRead[] | null;
}

/** A key written (or deleted). */
export interface DecodedWrite extends DecodedKey {
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** A key-level metadata write, e.g. a state-based endorsement policy (`VALIDATION_PARAMETER`). */
export interface DecodedMetadataWrite extends DecodedKey {
  readonly entries: readonly { readonly name: string; readonly value: Uint8Array }[];
}

/** One transaction of a block. */
export interface DecodedTransaction {
  /** Position in the block. */
  readonly index: number;
  readonly txId: string;
  readonly channel: string;
  /** Channel header type name: ENDORSER_TRANSACTION, CONFIG, … */
  readonly type: string;
  /** Client timestamp of the channel header (ISO 8601), or null. */
  readonly timestamp: string | null;
  readonly creator: IdentityInfo | null;
  /** Peer validation code (0 = VALID) from the block's TRANSACTIONS_FILTER metadata. */
  readonly validationCode: number;
  /** Name of {@link DecodedTransaction.validationCode}, e.g. ENDORSEMENT_POLICY_FAILURE. */
  readonly validationName: string;
  /** Chaincode invoked (endorser transactions only). */
  readonly chaincode: string | null;
  /** Function name (first chaincode argument), e.g. `Proposal:SealVersion`. */
  readonly function: string | null;
  /** Remaining arguments as UTF-8 text. */
  readonly args: readonly string[];
  /** Endorsing identities, in endorsement order. */
  readonly endorsements: readonly IdentityInfo[];
  /** MSP ids of the endorsing organisations (unique, in endorsement order). */
  readonly endorsers: readonly string[];
  readonly eventName: string | null;
  readonly eventPayload: Uint8Array | null;
  /** Reads of the catalog namespace. */
  readonly reads: readonly DecodedRead[];
  readonly rangeQueries: readonly DecodedRangeQuery[];
  /** Writes of the catalog namespace, in read/write-set order. */
  readonly writes: readonly DecodedWrite[];
  readonly metadataWrites: readonly DecodedMetadataWrite[];
  /** Why the envelope could not be decoded (type `UNDECODABLE`), else null. */
  readonly decodeError: string | null;
}

/** A decoded block. */
export interface DecodedBlock {
  readonly number: number;
  /** Hex SHA-256 of this block's header (what the next block's previousHash must be). */
  readonly hash: string;
  readonly previousHash: string;
  /** Data hash as the header states it. */
  readonly dataHash: string;
  /** Data hash recomputed from the block's envelopes. */
  readonly computedDataHash: string;
  readonly transactions: readonly DecodedTransaction[];
  /** The serialized `common.Block` as received, for independent re-verification (signatures, policies). */
  readonly raw: Uint8Array;
}

function invert(map: object): Map<number, string> {
  return new Map(Object.entries(map).map(([name, code]) => [code as number, name]));
}

const VALIDATION_NAMES = invert(peer.TxValidationCode);
const HEADER_TYPE_NAMES = invert(common.HeaderType);

/** Name of a transaction validation code (e.g. 10 → ENDORSEMENT_POLICY_FAILURE). */
export function validationCodeName(code: number): string {
  return VALIDATION_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

/** Name of a channel header type (e.g. 3 → ENDORSER_TRANSACTION). */
export function headerTypeName(type: number): string {
  return HEADER_TYPE_NAMES.get(type) ?? `UNKNOWN_${type}`;
}

const utf8 = new TextDecoder();

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function keyOf(key: string): DecodedKey {
  const { objectType, attributes } = splitKey(key);
  return { key, objectType, attributes };
}

function readOf(read: ledger.rwset.kvrwset.KVRead): DecodedRead {
  const version = read.getVersion();
  return {
    ...keyOf(read.getKey()),
    version: version === undefined ? null : { blockNum: version.getBlockNum(), txNum: version.getTxNum() },
  };
}

function timestampOf(header: common.ChannelHeader): string | null {
  // google-protobuf's Timestamp type is not resolvable here; only these two getters are used.
  const value: unknown = header.getTimestamp();
  const ts = value as { getSeconds(): number; getNanos(): number } | undefined;
  if (ts === undefined) {
    return null;
  }
  return new Date(ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1e6)).toISOString();
}

interface ActionParts {
  chaincode: string | null;
  fn: string | null;
  args: string[];
  endorsements: IdentityInfo[];
  eventName: string | null;
  eventPayload: Uint8Array | null;
  reads: DecodedRead[];
  rangeQueries: DecodedRangeQuery[];
  writes: DecodedWrite[];
  metadataWrites: DecodedMetadataWrite[];
}

function emptyParts(): ActionParts {
  return {
    chaincode: null,
    fn: null,
    args: [],
    endorsements: [],
    eventName: null,
    eventPayload: null,
    reads: [],
    rangeQueries: [],
    writes: [],
    metadataWrites: [],
  };
}

function decodeKvRwSet(bytes: Uint8Array, parts: ActionParts): void {
  const set = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(bytes);
  parts.reads.push(...set.getReadsList().map(readOf));
  for (const rq of set.getRangeQueriesInfoList()) {
    const raw = rq.getRawReads();
    parts.rangeQueries.push({
      startKey: rq.getStartKey(),
      endKey: rq.getEndKey(),
      itrExhausted: rq.getItrExhausted(),
      reads: raw === undefined ? null : raw.getKvReadsList().map(readOf),
    });
  }
  for (const w of set.getWritesList()) {
    parts.writes.push({ ...keyOf(w.getKey()), isDelete: w.getIsDelete(), value: w.getValue_asU8() });
  }
  for (const m of set.getMetadataWritesList()) {
    parts.metadataWrites.push({
      ...keyOf(m.getKey()),
      entries: m.getEntriesList().map((e) => ({
        name: e.getName(),
        value: e.getValue_asU8(),
      })),
    });
  }
}

function decodeInvocation(proposalPayload: Uint8Array, parts: ActionParts): void {
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposalPayload);
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()).getChaincodeSpec();
  const input = spec?.getInput()?.getArgsList_asU8() ?? [];
  const [fn, ...args] = input.map((a) => utf8.decode(a));
  parts.chaincode = spec?.getChaincodeId()?.getName() ?? null;
  parts.fn = fn ?? null;
  parts.args = args;
}

function decodeAction(action: peer.TransactionAction, parts: ActionParts): void {
  const ccPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  decodeInvocation(ccPayload.getChaincodeProposalPayload_asU8(), parts);
  const endorsed = ccPayload.getAction();
  if (endorsed === undefined) {
    return;
  }
  for (const e of endorsed.getEndorsementsList()) {
    parts.endorsements.push(decodeIdentity(e.getEndorser_asU8()));
  }
  const prp = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
  const ccAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  const eventBytes = ccAction.getEvents_asU8();
  if (eventBytes.length > 0) {
    const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
    if (event.getEventName() !== '') {
      parts.eventName = event.getEventName();
      parts.eventPayload = event.getPayload_asU8();
    }
  }
  const results = ccAction.getResults_asU8();
  if (results.length === 0) {
    return;
  }
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(results);
  for (const ns of rwset.getNsRwsetList()) {
    if (ns.getNamespace() === CATALOG_NAMESPACE) {
      decodeKvRwSet(ns.getRwset_asU8(), parts);
    }
  }
}

/** Decodes one envelope of a block; `validationCode` comes from the block metadata. */
export function decodeEnvelope(
  envelopeBytes: Uint8Array,
  index: number,
  validationCode: number,
): DecodedTransaction {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = payload.getHeader();
  const channelHeader = common.ChannelHeader.deserializeBinary(
    header?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  const signatureHeader = common.SignatureHeader.deserializeBinary(
    header?.getSignatureHeader_asU8() ?? new Uint8Array(),
  );
  const creatorBytes = signatureHeader.getCreator_asU8();
  const parts = emptyParts();
  if (channelHeader.getType() === common.HeaderType.ENDORSER_TRANSACTION) {
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    for (const action of transaction.getActionsList()) {
      decodeAction(action, parts);
    }
  }
  return {
    index,
    txId: channelHeader.getTxId(),
    channel: channelHeader.getChannelId(),
    type: headerTypeName(channelHeader.getType()),
    timestamp: timestampOf(channelHeader),
    creator: creatorBytes.length === 0 ? null : decodeIdentity(creatorBytes),
    validationCode,
    validationName: validationCodeName(validationCode),
    chaincode: parts.chaincode,
    function: parts.fn,
    args: parts.args,
    endorsements: parts.endorsements,
    endorsers: [...new Set(parts.endorsements.map((e) => e.mspId))],
    eventName: parts.eventName,
    eventPayload: parts.eventPayload,
    reads: parts.reads,
    rangeQueries: parts.rangeQueries,
    writes: parts.writes,
    metadataWrites: parts.metadataWrites,
    decodeError: null,
  };
}

/** Like {@link decodeEnvelope}, but an undecodable envelope becomes a transaction of type `UNDECODABLE`. */
export function decodeEnvelopeSafely(
  envelopeBytes: Uint8Array,
  index: number,
  validationCode: number,
): DecodedTransaction {
  try {
    return decodeEnvelope(envelopeBytes, index, validationCode);
  } catch (error) {
    return {
      ...emptyTransaction(index, validationCode),
      type: 'UNDECODABLE',
      decodeError: error instanceof Error ? error.message : String(error),
    };
  }
}

function emptyTransaction(index: number, validationCode: number): DecodedTransaction {
  return {
    index,
    txId: '',
    channel: '',
    type: 'MESSAGE',
    timestamp: null,
    creator: null,
    validationCode,
    validationName: validationCodeName(validationCode),
    chaincode: null,
    function: null,
    args: [],
    endorsements: [],
    endorsers: [],
    eventName: null,
    eventPayload: null,
    reads: [],
    rangeQueries: [],
    writes: [],
    metadataWrites: [],
    decodeError: null,
  };
}

/** Per-transaction validation codes of a block (NOT_VALIDATED when the filter is missing). */
export function transactionFilter(block: common.Block): Uint8Array {
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  return filter ?? new Uint8Array();
}

/** Decodes a full block. */
export function decodeBlock(block: common.Block): DecodedBlock {
  const header = block.getHeader();
  if (header === undefined) {
    throw new Error('block has no header');
  }
  const envelopes = block.getData()?.getDataList_asU8() ?? [];
  const filter = transactionFilter(block);
  const number = header.getNumber();
  const previousHash = header.getPreviousHash_asU8();
  const dataHash = header.getDataHash_asU8();
  return {
    number,
    hash: hex(blockHeaderHash(number, previousHash, dataHash)),
    previousHash: hex(previousHash),
    dataHash: hex(dataHash),
    computedDataHash: hex(blockDataHash(envelopes)),
    transactions: envelopes.map((bytes, i) =>
      decodeEnvelopeSafely(bytes, i, filter[i] ?? peer.TxValidationCode.NOT_VALIDATED),
    ),
    raw: block.serializeBinary(),
  };
}
