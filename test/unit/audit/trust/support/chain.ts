/**
 * Builds properly signed Fabric chains for the verifier's tests: a genesis config block with the
 * network's organisations (NodeOUs, orderer orgs whose Writers are `OR('<MSP>.orderer')`), endorser
 * transactions with real creator and endorsement signatures (or tampered ones), and blocks signed by
 * orderers the way etcdraft signs them (metadata value ‖ signature header ‖ ASN.1 block header).
 * The transactions and blocks themselves come from the audit tests' one builder
 * (../../support/block-builder.ts).
 */
import { randomBytes } from 'node:crypto';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { blockDataHash, blockHeaderBytes } from '../../../../../gateway-client/src/audit/block-hash';
import {
  buildBlock,
  configEnvelope,
  endorserTx as buildEndorserTx,
  hashOf,
  type BuiltTx,
  type EndorserTxSpec,
} from '../../support/block-builder';
import { testOrg, toHighS, type SigningIdentity, type TestCa, type TestOrg } from './pki';

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

/** An organisation's config group (MSP value, Readers/Writers/Admins/Endorsement policies). */
export function orgGroup(mspId: string, orderer: boolean): common.ConfigGroup {
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

/**
 * A group of `children` with the implicit-meta policies every group of the channel has (Readers and
 * Writers ANY, Admins MAJORITY), then `extra` policies.
 */
function metaGroup(
  children: Record<string, common.ConfigGroup>,
  extra: Record<string, common.ConfigPolicy> = {},
): common.ConfigGroup {
  const g = new common.ConfigGroup();
  for (const [name, child] of Object.entries(children)) {
    groupsOf(g).set(name, child);
  }
  const policies = policiesOf(g);
  policies.set('Readers', implicitMeta('ANY', 'Readers'));
  policies.set('Writers', implicitMeta('ANY', 'Writers'));
  policies.set('Admins', implicitMeta('MAJORITY', 'Admins'));
  for (const [name, policy] of Object.entries(extra)) {
    policies.set(name, policy);
  }
  g.setModPolicy('Admins');
  return g;
}

/** The channel config: Orderer and Application groups with the network's organisations and policies. */
export function genesisConfig(options: ConfigOptions = {}): common.Config {
  const orderer = metaGroup(Object.fromEntries(ORDERER_ORGS.map((m) => [m, orgGroup(m, true)])), {
    BlockValidation: options.blockValidation ?? implicitMeta('ANY', 'Writers'),
  });
  const application = metaGroup(Object.fromEntries(APP_ORGS.map((m) => [m, orgGroup(m, false)])), {
    Endorsement: implicitMeta('MAJORITY', 'Endorsement'),
    LifecycleEndorsement: implicitMeta('MAJORITY', 'Endorsement'),
  });
  const config = new common.Config();
  config.setSequence(0);
  config.setChannelGroup(metaGroup({ Orderer: orderer, Application: application }));
  return config;
}

/** A bare channel config with one application organisation of MSP config `value` (for identity tests). */
export function singleOrgConfig(mspId: string, value: common.ConfigValue): common.Config {
  const member = new common.ConfigGroup();
  valuesOf(member).set('MSP', value);
  const application = new common.ConfigGroup();
  groupsOf(application).set(mspId, member);
  const channel = new common.ConfigGroup();
  groupsOf(channel).set('Application', application);
  const config = new common.Config();
  config.setChannelGroup(channel);
  return config;
}

// ---------- transactions ----------

/** An endorser transaction of signing identities, with the tampering the verifier's tests need. */
export interface TxSpec extends Omit<EndorserTxSpec, 'creatorSignature' | 'endorsementSignature'> {
  readonly creator: SigningIdentity;
  readonly endorsers: readonly SigningIdentity[];
  /** Corrupt the creator's signature. */
  readonly tamperCreatorSignature?: boolean;
  /** Replace the creator's signature by its high-S twin. */
  readonly highSCreator?: boolean;
  /** Corrupt these endorsements' signatures. */
  readonly tamperEndorsements?: readonly number[];
}

/** A properly signed endorser transaction (unless told to tamper with it). */
export function endorserTx(spec: TxSpec): BuiltTx {
  const { tamperCreatorSignature, highSCreator, tamperEndorsements, ...tx } = spec;
  return buildEndorserTx({
    ...tx,
    creatorSignature: (signature) => {
      const chosen = highSCreator === true ? toHighS(signature) : signature;
      if (tamperCreatorSignature === true) {
        flip(chosen, chosen.length - 1);
      }
      return chosen;
    },
    endorsementSignature: (signature, i) => {
      if (tamperEndorsements?.includes(i) === true) {
        flip(signature, signature.length - 1);
      }
      return signature;
    },
  });
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

/** The SIGNATURES metadata of block `number`, signed as etcdraft signs it. */
function ordererSignatures(
  number: number,
  previousHash: Uint8Array,
  envelopes: readonly Uint8Array[],
  signers: readonly SigningIdentity[],
  tamper: boolean,
): Uint8Array {
  const value = Buffer.from(`orderer-block-metadata-${number}`);
  const header = blockHeaderBytes(number, previousHash, blockDataHash(envelopes));
  const signatures = new common.Metadata();
  signatures.setValue(value);
  signatures.setSignaturesList(
    signers.map((s, i) => {
      const sh = new common.SignatureHeader();
      sh.setCreator(s.serialized);
      sh.setNonce(randomBytes(24));
      const shBytes = sh.serializeBinary();
      const signature = s.sign(Buffer.concat([value, shBytes, header]));
      if (i === 0 && tamper) {
        flip(signature, 10);
      }
      const ms = new common.MetadataSignature();
      ms.setSignatureHeader(shBytes);
      ms.setSignature(signature);
      return ms;
    }),
  );
  return signatures.serializeBinary();
}

/** Appends signed blocks that chain by header hash. */
export class SignedChain {
  public readonly blocks: common.Block[] = [];

  /** The genesis (config) block; unsigned, as configtxgen writes it. */
  public constructor(config: common.Config = genesisConfig()) {
    this.#append([configEnvelope({ config, signer: null })], { signers: [] });
  }

  /** Hex header hash of block 0. */
  public get genesisHash(): string {
    const first = this.blocks[0];
    if (first === undefined) {
      throw new Error('no genesis block');
    }
    return hashOf(first).toString('hex');
  }

  /** Appends a block of these envelopes. */
  public append(envelopes: readonly Uint8Array[], options: BlockOptions = {}): common.Block {
    return this.#append(envelopes, options);
  }

  #append(envelopes: readonly Uint8Array[], options: BlockOptions): common.Block {
    const last = this.blocks[this.blocks.length - 1];
    const number = this.blocks.length;
    const previousHash = options.previousHash ?? (last === undefined ? new Uint8Array() : hashOf(last));
    const signers = options.signers ?? [org('NHSAMSP').orderer];
    const signatures =
      signers.length === 0
        ? new Uint8Array()
        : ordererSignatures(number, previousHash, envelopes, signers, options.tamperSignature === true);
    const block = buildBlock(number, previousHash, envelopes, options.codes, signatures);
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

// ---------- config updates ----------

/**
 * The configuration after adding `mspId` to the application group (its version bumped), and the
 * write set `configtxlator compute_update` gives for it: the channel group at its version, the
 * application group at the next one listing every child (existing ones bare, at their versions).
 */
export function withNewApplicationOrg(mspId: string): { next: common.Config; writeSet: common.ConfigGroup } {
  const next = genesisConfig();
  next.setSequence(1);
  const groups: unknown = next.getChannelGroup()?.getGroupsMap();
  const application = (groups as { get(key: string): common.ConfigGroup }).get('Application');
  groupsOf(application).set(mspId, orgGroup(mspId, false));
  application.setVersion(1);
  const writtenApplication = new common.ConfigGroup();
  writtenApplication.setVersion(1);
  writtenApplication.setModPolicy('Admins');
  for (const existing of APP_ORGS) groupsOf(writtenApplication).set(existing, new common.ConfigGroup());
  groupsOf(writtenApplication).set(mspId, orgGroup(mspId, false));
  const writeSet = new common.ConfigGroup();
  groupsOf(writeSet).set('Application', writtenApplication);
  return { next, writeSet };
}

/** A CONFIG_UPDATE envelope of `writeSet` for `channel`, signed by `signers` (each over header ‖ update). */
export function configUpdateEnvelope(
  writeSet: common.ConfigGroup,
  signers: readonly SigningIdentity[],
  channel = CHANNEL,
): common.Envelope {
  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(new common.ConfigGroup());
  update.setWriteSet(writeSet);
  const updateBytes = update.serializeBinary();
  const cue = new common.ConfigUpdateEnvelope();
  cue.setConfigUpdate(updateBytes);
  cue.setSignaturesList(
    signers.map((signer) => {
      const header = new common.SignatureHeader();
      header.setCreator(signer.serialized);
      header.setNonce(randomBytes(24));
      const headerBytes = header.serializeBinary();
      const signature = new common.ConfigSignature();
      signature.setSignatureHeader(headerBytes);
      signature.setSignature(signer.sign(Buffer.concat([headerBytes, updateBytes])));
      return signature;
    }),
  );
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(channel);
  const payloadHeader = new common.Header();
  payloadHeader.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(payloadHeader);
  payload.setData(cue.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}
