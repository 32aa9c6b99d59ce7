/**
 * Builds properly signed Fabric chains for the verifier's tests: a genesis config block with the
 * network's organisations (NodeOUs, orderer orgs whose Writers are `OR('<MSP>.orderer')`), endorser
 * transactions with real creator and endorsement signatures, and blocks signed by orderers the way
 * etcdraft signs them (metadata value ‖ signature header ‖ ASN.1 block header).
 */
import { createHash, randomBytes } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import {
  blockDataHash,
  blockHeaderBytes,
  blockHeaderHash,
} from '../../../../../gateway-client/src/audit/block-hash';
import { testOrg, toHighS, type SigningIdentity, type TestCa, type TestOrg } from './pki';

interface TimestampMessage {
  setSeconds(value: number): void;
  setNanos(value: number): void;
}
// google-protobuf ships no type declarations; only the Timestamp constructor is needed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Timestamp } = require('google-protobuf/google/protobuf/timestamp_pb') as {
  Timestamp: new () => TimestampMessage;
};

export const CHANNEL = 'catalog';
export const ORDERER_ORGS = ['NHSAMSP', 'GuangdongMSP', 'SichuanMSP'] as const;
export const APP_ORGS = ['NHSAMSP', 'GuangdongMSP', 'SichuanMSP', 'ShaanxiMSP'] as const;

/** The organisation of an MSP id. */
export function org(mspId: string): TestOrg {
  return testOrg(mspId);
}

/** The part of a google-protobuf map used here (its types do not resolve). */
interface ProtoMap<V> {
  set(key: string, value: V): unknown;
}

function groupsOf(g: common.ConfigGroup): ProtoMap<common.ConfigGroup> {
  const map: unknown = g.getGroupsMap();
  return map as ProtoMap<common.ConfigGroup>;
}

function policiesOf(g: common.ConfigGroup): ProtoMap<common.ConfigPolicy> {
  const map: unknown = g.getPoliciesMap();
  return map as ProtoMap<common.ConfigPolicy>;
}

function valuesOf(g: common.ConfigGroup): ProtoMap<common.ConfigValue> {
  const map: unknown = g.getValuesMap();
  return map as ProtoMap<common.ConfigValue>;
}

/** Flips the low bit of one byte (to corrupt a signature). */
function flip(bytes: Buffer, at: number): void {
  bytes.writeUInt8(bytes.readUInt8(at) ^ 0x01, at);
}

// ---------- policies ----------

type Role = 'member' | 'admin' | 'client' | 'peer' | 'orderer';
const ROLES: Record<Role, number> = { member: 0, admin: 1, client: 2, peer: 3, orderer: 4 };

function principal(mspId: string, role: Role): msp.MSPPrincipal {
  const r = new msp.MSPRole();
  r.setMspIdentifier(mspId);
  r.setRole(ROLES[role] as 0);
  const p = new msp.MSPPrincipal();
  p.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
  p.setPrincipal(r.serializeBinary());
  return p;
}

function signedBy(i: number): common.SignaturePolicy {
  const rule = new common.SignaturePolicy();
  rule.setSignedBy(i);
  return rule;
}

function nOutOfRule(n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy {
  const inner = new common.SignaturePolicy.NOutOf();
  inner.setN(n);
  inner.setRulesList(rules);
  const rule = new common.SignaturePolicy();
  rule.setNOutOf(inner);
  return rule;
}

/** `OutOf(n, 'A.role', 'B.role', …)` as a SignaturePolicyEnvelope. */
export function outOf(
  n: number,
  principals: readonly (readonly [string, Role])[],
): common.SignaturePolicyEnvelope {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setIdentitiesList(principals.map(([m, r]) => principal(m, r)));
  envelope.setRule(
    nOutOfRule(
      n,
      principals.map((_, i) => signedBy(i)),
    ),
  );
  return envelope;
}

/** An envelope from explicit principals and rule (for nested policies). */
export function envelopeOf(
  principals: readonly (readonly [string, Role])[],
  rule: common.SignaturePolicy,
): common.SignaturePolicyEnvelope {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setIdentitiesList(principals.map(([m, r]) => principal(m, r)));
  envelope.setRule(rule);
  return envelope;
}

export const rules = { signedBy, nOutOf: nOutOfRule };

/** The network's chaincode-level policy: 2 of the 4 provinces' peers. */
export function catalogPolicy(): common.SignaturePolicyEnvelope {
  return outOf(
    2,
    APP_ORGS.map((m) => [m, 'peer'] as const),
  );
}

function configPolicy(type: number, value: Uint8Array, modPolicy = 'Admins'): common.ConfigPolicy {
  const policy = new common.Policy();
  policy.setType(type);
  policy.setValue(value);
  const cp = new common.ConfigPolicy();
  cp.setPolicy(policy);
  cp.setModPolicy(modPolicy);
  return cp;
}

function signaturePolicy(envelope: common.SignaturePolicyEnvelope): common.ConfigPolicy {
  return configPolicy(common.Policy.PolicyType.SIGNATURE, envelope.serializeBinary());
}

function implicitMeta(rule: 'ANY' | 'ALL' | 'MAJORITY', sub: string): common.ConfigPolicy {
  const meta = new common.ImplicitMetaPolicy();
  meta.setRule(common.ImplicitMetaPolicy.Rule[rule]);
  meta.setSubPolicy(sub);
  return configPolicy(common.Policy.PolicyType.IMPLICIT_META, meta.serializeBinary());
}

function ouIdentifier(ou: string, ca?: TestCa): msp.FabricOUIdentifier {
  const id = new msp.FabricOUIdentifier();
  id.setOrganizationalUnitIdentifier(ou);
  if (ca !== undefined) {
    id.setCertificate(Buffer.from(ca.pem));
  }
  return id;
}

/** The MSPConfig value of an organisation (NodeOUs client/peer/admin/orderer). */
export function mspValue(
  mspId: string,
  options: {
    admins?: readonly SigningIdentity[];
    extraRoots?: readonly TestCa[];
    bindOusToCa?: boolean;
  } = {},
): common.ConfigValue {
  const o = org(mspId);
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList([
    Buffer.from(o.ca.pem),
    ...(options.extraRoots ?? []).map((r) => Buffer.from(r.pem)),
  ]);
  fabric.setAdminsList((options.admins ?? []).map((a) => Buffer.from(a.pem)));
  const nodeOus = new msp.FabricNodeOUs();
  nodeOus.setEnable(true);
  const bound = options.bindOusToCa === true ? o.ca : undefined;
  nodeOus.setClientOuIdentifier(ouIdentifier('client', bound));
  nodeOus.setPeerOuIdentifier(ouIdentifier('peer', bound));
  nodeOus.setAdminOuIdentifier(ouIdentifier('admin', bound));
  nodeOus.setOrdererOuIdentifier(ouIdentifier('orderer', bound));
  fabric.setFabricNodeOus(nodeOus);
  const config = new msp.MSPConfig();
  config.setType(0);
  config.setConfig(fabric.serializeBinary());
  const value = new common.ConfigValue();
  value.setValue(config.serializeBinary());
  value.setModPolicy('Admins');
  return value;
}

function orgGroup(mspId: string, orderer: boolean): common.ConfigGroup {
  const g = new common.ConfigGroup();
  valuesOf(g).set('MSP', mspValue(mspId));
  const policies = policiesOf(g);
  policies.set('Readers', signaturePolicy(outOf(1, [[mspId, 'member']])));
  policies.set('Writers', signaturePolicy(outOf(1, [[mspId, orderer ? 'orderer' : 'member']])));
  policies.set('Admins', signaturePolicy(outOf(1, [[mspId, 'admin']])));
  if (!orderer) {
    policies.set('Endorsement', signaturePolicy(outOf(1, [[mspId, 'peer']])));
  }
  g.setModPolicy('Admins');
  return g;
}

/** Options of {@link genesisConfig}. */
export interface ConfigOptions {
  /** Override the Orderer group's BlockValidation policy. */
  readonly blockValidation?: common.ConfigPolicy;
}

/** The channel config: Orderer and Application groups with the network's organisations and policies. */
export function genesisConfig(options: ConfigOptions = {}): common.Config {
  const ordererGroup = new common.ConfigGroup();
  for (const m of ORDERER_ORGS) {
    groupsOf(ordererGroup).set(m, orgGroup(m, true));
  }
  const op = policiesOf(ordererGroup);
  op.set('Readers', implicitMeta('ANY', 'Readers'));
  op.set('Writers', implicitMeta('ANY', 'Writers'));
  op.set('Admins', implicitMeta('MAJORITY', 'Admins'));
  op.set('BlockValidation', options.blockValidation ?? implicitMeta('ANY', 'Writers'));
  ordererGroup.setModPolicy('Admins');

  const appGroup = new common.ConfigGroup();
  for (const m of APP_ORGS) {
    groupsOf(appGroup).set(m, orgGroup(m, false));
  }
  const ap = policiesOf(appGroup);
  ap.set('Readers', implicitMeta('ANY', 'Readers'));
  ap.set('Writers', implicitMeta('ANY', 'Writers'));
  ap.set('Admins', implicitMeta('MAJORITY', 'Admins'));
  ap.set('Endorsement', implicitMeta('MAJORITY', 'Endorsement'));
  ap.set('LifecycleEndorsement', implicitMeta('MAJORITY', 'Endorsement'));
  appGroup.setModPolicy('Admins');

  const channel = new common.ConfigGroup();
  groupsOf(channel).set('Orderer', ordererGroup);
  groupsOf(channel).set('Application', appGroup);
  const cp = policiesOf(channel);
  cp.set('Readers', implicitMeta('ANY', 'Readers'));
  cp.set('Writers', implicitMeta('ANY', 'Writers'));
  cp.set('Admins', implicitMeta('MAJORITY', 'Admins'));
  channel.setModPolicy('Admins');
  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(channel);
  return config;
}

// ---------- envelopes ----------

function timestamp(ms: number): TimestampMessage {
  const ts = new Timestamp();
  ts.setSeconds(Math.floor(ms / 1000));
  ts.setNanos((ms % 1000) * 1e6);
  return ts;
}

/** Serialized CONFIG envelope (block 0: signed by an orderer admin-less creator, as configtxgen's is unsigned). */
export function configEnvelope(
  config: common.Config,
  signer: SigningIdentity | null,
  ms = Date.UTC(2025, 0, 1),
): Uint8Array {
  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.CONFIG);
  ch.setChannelId(CHANNEL);
  ch.setTimestamp(timestamp(ms));
  const sh = new common.SignatureHeader();
  if (signer !== null) {
    sh.setCreator(signer.serialized);
    sh.setNonce(randomBytes(24));
  }
  const h = new common.Header();
  h.setChannelHeader(ch.serializeBinary());
  h.setSignatureHeader(sh.serializeBinary());
  const configEnv = new common.ConfigEnvelope();
  configEnv.setConfig(config);
  const payload = new common.Payload();
  payload.setHeader(h);
  payload.setData(configEnv.serializeBinary());
  const env = new common.Envelope();
  const payloadBytes = payload.serializeBinary();
  env.setPayload(payloadBytes);
  if (signer !== null) {
    env.setSignature(signer.sign(payloadBytes));
  }
  return env.serializeBinary();
}

/** A read (version null = key absent). */
export interface Read {
  readonly key: string;
  readonly version: { readonly blockNum: number; readonly txNum: number } | null;
}

/** One namespace's read/write set. */
export interface NsSpec {
  readonly namespace: string;
  readonly reads?: readonly Read[];
  readonly rangeQueries?: readonly {
    readonly startKey: string;
    readonly endKey: string;
    readonly reads: readonly Read[] | 'merkle';
  }[];
  readonly writes?: readonly { readonly key: string; readonly value: Uint8Array | string | null }[];
  readonly metadataWrites?: readonly {
    readonly key: string;
    readonly policy: common.SignaturePolicyEnvelope | null;
  }[];
}

/** An endorser transaction. */
export interface TxSpec {
  readonly creator: SigningIdentity;
  readonly chaincode?: string;
  readonly args?: readonly string[];
  readonly endorsers: readonly SigningIdentity[];
  readonly namespaces?: readonly NsSpec[];
  readonly timestampMs?: number;
  readonly event?: { readonly name: string; readonly payload: Uint8Array };
  /** The chaincode response payload the endorsers sign (default `ok`). */
  readonly responsePayload?: Uint8Array;
  /** Corrupt the creator's signature. */
  readonly tamperCreatorSignature?: boolean;
  /** Replace the creator's signature by its high-S twin. */
  readonly highSCreator?: boolean;
  /** Corrupt these endorsements' signatures. */
  readonly tamperEndorsements?: readonly number[];
  /** Reuse this transaction id's nonce and creator (to make a duplicate). */
  readonly nonce?: Uint8Array;
}

/** A built transaction: its envelope and id. */
export interface BuiltTx {
  readonly envelope: Uint8Array;
  readonly txId: string;
  readonly nonce: Uint8Array;
}

function kvRead(r: Read): ledger.rwset.kvrwset.KVRead {
  const read = new ledger.rwset.kvrwset.KVRead();
  read.setKey(r.key);
  if (r.version !== null) {
    const v = new ledger.rwset.kvrwset.Version();
    v.setBlockNum(r.version.blockNum);
    v.setTxNum(r.version.txNum);
    read.setVersion(v);
  }
  return read;
}

function nsRwSet(spec: NsSpec): ledger.rwset.NsReadWriteSet {
  const kv = ledger.rwset.kvrwset;
  const set = new kv.KVRWSet();
  set.setReadsList((spec.reads ?? []).map(kvRead));
  set.setRangeQueriesInfoList(
    (spec.rangeQueries ?? []).map((rq) => {
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
    }),
  );
  set.setWritesList(
    (spec.writes ?? []).map((w) => {
      const write = new kv.KVWrite();
      write.setKey(w.key);
      write.setIsDelete(w.value === null);
      write.setValue(
        w.value === null ? new Uint8Array() : typeof w.value === 'string' ? Buffer.from(w.value) : w.value,
      );
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
        entry.setValue(m.policy.serializeBinary());
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

/** A properly signed endorser transaction (unless told to tamper with it). */
export function endorserTx(spec: TxSpec): BuiltTx {
  const chaincode = spec.chaincode ?? 'catalog';
  const nonce = spec.nonce ?? randomBytes(24);
  const txId = createHash('sha256').update(nonce).update(spec.creator.serialized).digest('hex');
  const ccId = new peer.ChaincodeID();
  ccId.setName(chaincode);
  const ext = new peer.ChaincodeHeaderExtension();
  ext.setChaincodeId(ccId);
  const ch = new common.ChannelHeader();
  ch.setType(common.HeaderType.ENDORSER_TRANSACTION);
  ch.setChannelId(CHANNEL);
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
      const signature = e.sign(Buffer.concat([prpBytes, e.serialized]));
      if (spec.tamperEndorsements?.includes(i) === true) {
        flip(signature, signature.length - 1);
      }
      endorsement.setSignature(signature);
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

  const h = new common.Header();
  h.setChannelHeader(chBytes);
  h.setSignatureHeader(shBytes);
  const payload = new common.Payload();
  payload.setHeader(h);
  payload.setData(transaction.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  let signature = spec.creator.sign(payloadBytes);
  if (spec.highSCreator === true) {
    signature = toHighS(signature);
  }
  if (spec.tamperCreatorSignature === true) {
    flip(signature, signature.length - 1);
  }
  const env = new common.Envelope();
  env.setPayload(payloadBytes);
  env.setSignature(signature);
  return { envelope: env.serializeBinary(), txId, nonce };
}

// ---------- _lifecycle ----------

export function stateData(kind: 'int64' | 'bytes', value: number | Uint8Array): Uint8Array {
  const d = new peer.lifecycle.StateData();
  if (kind === 'int64') {
    d.setInt64(value as number);
  } else {
    d.setBytes(value as Uint8Array);
  }
  return d.serializeBinary();
}

/** The `_lifecycle` writes of committing chaincode `name` with a signature policy. */
export function chaincodeDefinitionWrites(
  name: string,
  policy: common.SignaturePolicyEnvelope,
  sequence = 1,
): { key: string; value: Uint8Array }[] {
  const metadata = new peer.lifecycle.StateMetadata();
  metadata.setDatatype('ChaincodeDefinition');
  metadata.setFieldsList(['EndorsementInfo', 'Sequence', 'ValidationInfo']);
  const application = new common.ApplicationPolicy();
  application.setSignaturePolicy(policy);
  const validation = new peer.lifecycle.ChaincodeValidationInfo();
  validation.setValidationPlugin('vscc');
  validation.setValidationParameter(application.serializeBinary());
  return [
    { key: `namespaces/metadata/${name}`, value: metadata.serializeBinary() },
    { key: `namespaces/fields/${name}/Sequence`, value: stateData('int64', sequence) },
    {
      key: `namespaces/fields/${name}/ValidationInfo`,
      value: stateData('bytes', validation.serializeBinary()),
    },
  ];
}

// ---------- blocks ----------

/** Options of a block. */
export interface BlockOptions {
  /** Validation flags (default all VALID). */
  readonly codes?: readonly number[];
  /** Who signs the block (default the NHSAMSP orderer). */
  readonly signers?: readonly SigningIdentity[];
  /** Corrupt the first block signature. */
  readonly tamperSignature?: boolean;
  /** Override the previous hash. */
  readonly previousHash?: Uint8Array;
}

/** Appends signed blocks that chain by header hash. */
export class SignedChain {
  public readonly blocks: common.Block[] = [];

  /** The genesis (config) block; unsigned, as configtxgen writes it. */
  public constructor(config: common.Config = genesisConfig()) {
    this.#append([configEnvelope(config, null)], { signers: [] });
  }

  /** Hex header hash of block 0. */
  public get genesisHash(): string {
    const first = this.blocks[0]?.getHeader();
    if (first === undefined) {
      throw new Error('no genesis block');
    }
    return blockHeaderHash(
      first.getNumber(),
      first.getPreviousHash_asU8(),
      first.getDataHash_asU8(),
    ).toString('hex');
  }

  /** Appends a block of these envelopes. */
  public append(envelopes: readonly Uint8Array[], options: BlockOptions = {}): common.Block {
    return this.#append(envelopes, options);
  }

  #append(envelopes: readonly Uint8Array[], options: BlockOptions): common.Block {
    const last = this.blocks[this.blocks.length - 1]?.getHeader();
    const number = this.blocks.length;
    const previousHash =
      options.previousHash ??
      (last === undefined
        ? new Uint8Array()
        : blockHeaderHash(last.getNumber(), last.getPreviousHash_asU8(), last.getDataHash_asU8()));
    const header = new common.BlockHeader();
    header.setNumber(number);
    header.setPreviousHash(previousHash);
    header.setDataHash(blockDataHash(envelopes));
    const data = new common.BlockData();
    data.setDataList([...envelopes]);
    const signers = options.signers ?? [org('NHSAMSP').orderer];
    const value = Buffer.from(`orderer-block-metadata-${number}`);
    const signatures = new common.Metadata();
    signatures.setValue(value);
    signatures.setSignaturesList(
      signers.map((s, i) => {
        const sh = new common.SignatureHeader();
        sh.setCreator(s.serialized);
        sh.setNonce(randomBytes(24));
        const shBytes = sh.serializeBinary();
        const signature = s.sign(
          Buffer.concat([value, shBytes, blockHeaderBytes(number, previousHash, header.getDataHash_asU8())]),
        );
        if (i === 0 && options.tamperSignature === true) {
          flip(signature, 10);
        }
        const ms = new common.MetadataSignature();
        ms.setSignatureHeader(shBytes);
        ms.setSignature(signature);
        return ms;
      }),
    );
    const metadata = new common.BlockMetadata();
    const filter = Uint8Array.from(
      envelopes.map((_, i) => options.codes?.[i] ?? peer.TxValidationCode.VALID),
    );
    metadata.setMetadataList([
      signers.length === 0 ? new Uint8Array() : signatures.serializeBinary(),
      new Uint8Array(),
      filter,
      new Uint8Array(),
      new Uint8Array(),
    ]);
    const block = new common.Block();
    block.setHeader(header);
    block.setData(data);
    block.setMetadata(metadata);
    this.blocks.push(block);
    return block;
  }

  /** The blocks as the audit store yields them. */
  public async *raw(): AsyncIterable<{ number: number; bytes: Uint8Array }> {
    for (const block of this.blocks) {
      await Promise.resolve();
      yield { number: block.getHeader()?.getNumber() ?? -1, bytes: block.serializeBinary() };
    }
  }
}

/** Commits chaincode `catalog` (block 1) with the network's chaincode-level policy. */
export function withCatalogDefined(
  chain: SignedChain,
  policy: common.SignaturePolicyEnvelope = catalogPolicy(),
): void {
  const tx = endorserTx({
    creator: org('NHSAMSP').admin,
    chaincode: '_lifecycle',
    args: ['CommitChaincodeDefinition'],
    endorsers: [org('NHSAMSP').peer, org('GuangdongMSP').peer, org('SichuanMSP').peer],
    namespaces: [{ namespace: '_lifecycle', writes: chaincodeDefinitionWrites('catalog', policy) }],
  });
  chain.append([tx.envelope]);
}
