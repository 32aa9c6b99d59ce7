/**
 * Parses an endorser transaction all the way down and decides, as a Fabric peer's validator would,
 * the validation code it deserves before the MVCC stage: envelope and header well-formedness, the
 * creator's identity and signature, the transaction id, the proposal hash binding, the chaincode
 * ids, and the endorsement policy of every namespace written (key-level policies, the chaincode
 * definition's policy, `_lifecycle`'s LifecycleEndorsement, implicit collections), with the
 * endorsements' signatures verified. MVCC and phantom checks against the replayed state are done
 * by the driver (verify-chain.ts).
 */
import { createHash } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { applicationOrgGroup, policyAt, type ChannelConfig } from './channel-config';
import {
  chaincodeDefinition,
  LIFECYCLE_ENDORSEMENT_POLICY,
  LIFECYCLE_NAMESPACE,
  type LifecycleReader,
} from './lifecycle';
import type { IdentityResolver, NodeRole, ResolvedIdentity } from './msp';
import {
  evaluateApplicationPolicy,
  evaluateValidationParameter,
  validIdentities,
  type RejectedSignature,
} from './policy';
import type { KeyMetadataWrite, KeyWrite } from './replayed-state';
import type { KeyVersion } from './state-view';

const V = peer.TxValidationCode;

/** Metadata entry that holds a key-level endorsement policy. */
export const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

/** A read of a namespace. */
export interface ParsedRead {
  readonly key: string;
  readonly version: KeyVersion | null;
}

/** A range query of a namespace. */
export interface ParsedRangeQuery {
  readonly startKey: string;
  readonly endKey: string;
  readonly itrExhausted: boolean;
  /** Raw reads, or null when only a Merkle summary was recorded. */
  readonly reads: readonly ParsedRead[] | null;
}

/** The hashed read/write set of one private data collection. */
export interface ParsedCollection {
  readonly name: string;
  readonly reads: readonly { readonly keyHash: Uint8Array; readonly version: KeyVersion | null }[];
  readonly writes: readonly {
    readonly keyHash: Uint8Array;
    readonly isDelete: boolean;
    readonly isPurge: boolean;
  }[];
  readonly metadataWrites: readonly {
    readonly keyHash: Uint8Array;
    readonly entries: readonly { readonly name: string; readonly value: Uint8Array }[];
  }[];
}

/** The read/write set of one namespace. */
export interface ParsedNamespace {
  readonly namespace: string;
  readonly reads: readonly ParsedRead[];
  readonly rangeQueries: readonly ParsedRangeQuery[];
  readonly writes: readonly KeyWrite[];
  readonly metadataWrites: readonly KeyMetadataWrite[];
  readonly collections: readonly ParsedCollection[];
}

/** An endorsing identity. */
export interface EndorserInfo {
  readonly mspId: string;
  readonly role: NodeRole | null;
  readonly serialized: Uint8Array;
}

/** The channel header time of a transaction. */
export interface TxTimestamp {
  readonly seconds: number;
  readonly nanos: number;
  readonly iso: string;
}

/** A problem met while validating (reported as a finding by the driver). */
export interface TxIssue {
  readonly code: string;
  readonly message: string;
  readonly key?: string;
}

/** Everything known about one transaction after the validator stage. */
export interface TxAnalysis {
  readonly txId: string;
  readonly channelId: string;
  readonly headerType: number;
  readonly timestamp: TxTimestamp | null;
  readonly creator: ResolvedIdentity | null;
  readonly creatorBytes: Uint8Array;
  /**
   * The code the validator stage gives (VALID means: go on to MVCC), or null when the verifier
   * cannot decide (a feature it does not implement; see {@link TxAnalysis.issues}).
   */
  code: number | null;
  /** Why the code is not VALID (or not decided). */
  reason: string;
  /** The key whose policy failed, if any. */
  failedKey: string | null;
  readonly issues: TxIssue[];
  chaincode: string | null;
  args: Uint8Array[];
  endorsers: EndorserInfo[];
  rwset: ParsedNamespace[] | null;
  event: { readonly name: string; readonly payload: Uint8Array } | null;
  response: { readonly status: number; readonly message: string; readonly payload: Uint8Array } | null;
  /** Namespaces whose endorsement validation (VSCC) passed, for Fabric's same-block dependency rule. */
  readonly vsccPassed: Set<string>;
}

/** What transaction validation reads from the chain and the replayed state. */
export interface TxContext {
  readonly config: ChannelConfig;
  readonly resolver: IdentityResolver;
  /** The channel being verified. */
  readonly channelId: string;
  readonly blockNumber: number;
  readonly txIndex: number;
  /** True when an earlier block carries this transaction id. */
  readonly txIdInLedger: (txId: string) => boolean;
  /** Metadata of a key as committed before this block (coll '' = public; else a hex key hash). */
  readonly committedMetadata: (
    ns: string,
    coll: string,
    key: string,
  ) => ReadonlyMap<string, Uint8Array> | null;
  /** The earlier transaction of this block whose valid metadata write changed the key's policy, or null. */
  readonly policyUpdatedInBlock: (ns: string, coll: string, key: string) => number | null;
  /** `_lifecycle` as committed before this block. */
  readonly lifecycle: LifecycleReader;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function versionOf(v: ledger.rwset.kvrwset.Version | undefined): KeyVersion | null {
  return v === undefined ? null : { blockNum: v.getBlockNum(), txNum: v.getTxNum() };
}

function timestampOf(header: common.ChannelHeader): TxTimestamp | null {
  // google-protobuf's Timestamp type is not resolvable here; only these two getters are used.
  const value: unknown = header.getTimestamp();
  const ts = value as { getSeconds(): number; getNanos(): number } | undefined;
  if (ts === undefined) {
    return null;
  }
  const seconds = ts.getSeconds();
  const nanos = ts.getNanos();
  return { seconds, nanos, iso: new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString() };
}

/** Parses a `TxReadWriteSet` as `rwsetutil.TxRwSet.FromProtoBytes` does (throws when malformed). */
export function parseRwSet(bytes: Uint8Array): ParsedNamespace[] {
  const kv = ledger.rwset.kvrwset;
  const set = ledger.rwset.TxReadWriteSet.deserializeBinary(bytes);
  return set.getNsRwsetList().map((ns) => {
    const k = kv.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    const readOf = (r: ledger.rwset.kvrwset.KVRead): ParsedRead => ({
      key: r.getKey(),
      version: versionOf(r.getVersion()),
    });
    return {
      namespace: ns.getNamespace(),
      reads: k.getReadsList().map(readOf),
      rangeQueries: k.getRangeQueriesInfoList().map((rq) => ({
        startKey: rq.getStartKey(),
        endKey: rq.getEndKey(),
        itrExhausted: rq.getItrExhausted(),
        // As Fabric's range-query validator: a Merkle summary if one was recorded, else the raw reads
        // (absent altogether when the range was empty).
        reads: rq.hasReadsMerkleHashes() ? null : (rq.getRawReads()?.getKvReadsList() ?? []).map(readOf),
      })),
      writes: k
        .getWritesList()
        .map((w) => ({ key: w.getKey(), isDelete: w.getIsDelete(), value: w.getValue_asU8() })),
      metadataWrites: k.getMetadataWritesList().map((m) => ({
        key: m.getKey(),
        entries: m.getEntriesList().map((e) => ({ name: e.getName(), value: e.getValue_asU8() })),
      })),
      collections: ns.getCollectionHashedRwsetList().map((c) => {
        const h = kv.HashedRWSet.deserializeBinary(c.getHashedRwset_asU8());
        return {
          name: c.getCollectionName(),
          reads: h
            .getHashedReadsList()
            .map((r) => ({ keyHash: r.getKeyHash_asU8(), version: versionOf(r.getVersion()) })),
          writes: h.getHashedWritesList().map((w) => ({
            keyHash: w.getKeyHash_asU8(),
            isDelete: w.getIsDelete(),
            isPurge: w.getIsPurge(),
          })),
          metadataWrites: h.getMetadataWritesList().map((m) => ({
            keyHash: m.getKeyHash_asU8(),
            entries: m.getEntriesList().map((e) => ({ name: e.getName(), value: e.getValue_asU8() })),
          })),
        };
      }),
    };
  });
}

function writesTo(ns: ParsedNamespace): boolean {
  return (
    ns.writes.length > 0 ||
    ns.metadataWrites.length > 0 ||
    ns.collections.some((c) => c.writes.length > 0 || c.metadataWrites.length > 0)
  );
}

/** Signature policy "any member of these MSPs, n of them" (Fabric's `SignedByNOutOfGivenRole`). */
function nOutOfMembers(n: number, mspIds: readonly string[]): Uint8Array {
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setIdentitiesList(
    mspIds.map((id) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(id);
      role.setRole(msp.MSPRole.MSPRoleType.MEMBER);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  const rule = new common.SignaturePolicy();
  const nOutOf = new common.SignaturePolicy.NOutOf();
  nOutOf.setN(n);
  nOutOf.setRulesList(
    mspIds.map((_, i) => {
      const r = new common.SignaturePolicy();
      r.setSignedBy(i);
      return r;
    }),
  );
  rule.setNOutOf(nOutOf);
  envelope.setRule(rule);
  const policy = new common.ApplicationPolicy();
  policy.setSignaturePolicy(envelope);
  return policy.serializeBinary();
}

function referencePolicy(path: string): Uint8Array {
  const policy = new common.ApplicationPolicy();
  policy.setChannelConfigPolicyReference(path);
  return policy.serializeBinary();
}

type PolicyLookup =
  | { readonly kind: 'policy'; readonly bytes: Uint8Array }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'unsupported'; readonly reason: string };

/** The chaincode-level endorsement policy of a namespace (Fabric's `ValidationInfo`). */
export function namespacePolicy(ns: string, config: ChannelConfig, lifecycle: LifecycleReader): PolicyLookup {
  if (ns === LIFECYCLE_NAMESPACE) {
    if (policyAt(config, LIFECYCLE_ENDORSEMENT_POLICY) !== null) {
      return { kind: 'policy', bytes: referencePolicy(LIFECYCLE_ENDORSEMENT_POLICY) };
    }
    const orgs = config.applicationOrgs;
    return { kind: 'policy', bytes: nOutOfMembers(Math.floor(orgs.length / 2) + 1, orgs) };
  }
  const definition = chaincodeDefinition(lifecycle, ns);
  switch (definition.kind) {
    case 'undefined':
      return {
        kind: 'invalid',
        reason: `chaincode ${ns} is not defined (no committed _lifecycle definition)`,
      };
    case 'invalid':
      return { kind: 'invalid', reason: definition.reason };
    case 'defined':
      if (definition.validation.plugin === '' || definition.validation.parameter.length === 0) {
        return {
          kind: 'invalid',
          reason: `chaincode definition for ${ns} has no validation plugin or policy`,
        };
      }
      if (definition.validation.plugin !== 'vscc') {
        return {
          kind: 'unsupported',
          reason: `chaincode ${ns} uses validation plugin ${definition.validation.plugin} (only the built-in vscc is implemented)`,
        };
      }
      return { kind: 'policy', bytes: definition.validation.parameter };
  }
}

const IMPLICIT_PREFIX = '_implicit_org_';

function collectionPolicy(coll: string, config: ChannelConfig): PolicyLookup {
  if (!coll.startsWith(IMPLICIT_PREFIX)) {
    return { kind: 'unsupported', reason: `endorsement policies of collection ${coll} are not implemented` };
  }
  const mspId = coll.slice(IMPLICIT_PREFIX.length);
  const org = applicationOrgGroup(config, mspId);
  if (org === null) {
    return { kind: 'invalid', reason: `no org found in channel with MSPID '${mspId}'` };
  }
  if (org.policies.has('Endorsement')) {
    return { kind: 'policy', bytes: referencePolicy(`${org.path}/Endorsement`) };
  }
  return { kind: 'policy', bytes: nOutOfMembers(1, [mspId]) };
}

class PolicyFailure extends Error {
  public constructor(
    message: string,
    public readonly key: string | null,
    public readonly undetermined = false,
  ) {
    super(message);
  }
}

/**
 * The state-based validator for one namespace (Fabric's `baseEvaluator.Evaluate` +
 * `policyCheckerV20`): each written / metadata-written key's validation parameter if it has one,
 * else the chaincode (or collection) policy once, and the chaincode policy if nothing was checked.
 */
function validateNamespace(
  ns: ParsedNamespace,
  ccPolicy: Uint8Array,
  identities: readonly ResolvedIdentity[],
  ctx: TxContext,
): void {
  const marks = { someChecked: false };
  const checked = new Set<string>();
  const evaluate = (bytes: Uint8Array, what: string, key: string | null): void => {
    const outcome = evaluateApplicationPolicy(bytes, ctx.config, identities, ctx.resolver);
    if (outcome.unsupported !== null && !outcome.satisfied) {
      throw new PolicyFailure(`${what}: ${outcome.unsupported}`, key, true);
    }
    if (!outcome.satisfied) {
      throw new PolicyFailure(`${what} ${outcome.description} is not satisfied`, key);
    }
  };
  const chaincodeLevel = (coll: string, key: string): void => {
    if (coll !== '') {
      if (checked.has(coll)) {
        return;
      }
      const lookup = collectionPolicy(coll, ctx.config);
      if (lookup.kind === 'invalid') {
        throw new PolicyFailure(lookup.reason, key);
      }
      if (lookup.kind === 'unsupported') {
        throw new PolicyFailure(lookup.reason, key, true);
      }
      evaluate(lookup.bytes, `endorsement policy of collection ${coll}`, key);
      checked.add(coll);
      marks.someChecked = true;
      return;
    }
    if (checked.has('')) {
      return;
    }
    evaluate(ccPolicy, `endorsement policy of chaincode ${ns.namespace}`, key);
    checked.add('');
    marks.someChecked = true;
  };
  const checkKey = (coll: string, key: string, shown: string): void => {
    const updatedBy = ctx.policyUpdatedInBlock(ns.namespace, coll, key);
    if (updatedBy !== null) {
      throw new PolicyFailure(
        `the validation parameter of key ${shown} was changed by transaction ${updatedBy} of the same block (Fabric refuses the later write)`,
        shown,
      );
    }
    const parameter = ctx.committedMetadata(ns.namespace, coll, key)?.get(VALIDATION_PARAMETER);
    if (parameter === undefined || parameter.length === 0) {
      chaincodeLevel(coll, shown);
      return;
    }
    const outcome = evaluateValidationParameter(parameter, identities, ctx.resolver);
    if (!outcome.satisfied) {
      throw new PolicyFailure(
        `key-level endorsement policy ${outcome.description} of key ${shown} is not satisfied`,
        shown,
      );
    }
    marks.someChecked = true;
  };
  for (const w of ns.writes) {
    checkKey('', w.key, w.key);
  }
  for (const m of ns.metadataWrites) {
    checkKey('', m.key, m.key);
  }
  for (const c of ns.collections) {
    for (const w of c.writes) {
      checkKey(c.name, hex(w.keyHash), `${c.name}:${hex(w.keyHash)}`);
    }
  }
  for (const c of ns.collections) {
    for (const m of c.metadataWrites) {
      checkKey(c.name, hex(m.keyHash), `${c.name}:${hex(m.keyHash)}`);
    }
  }
  if (!marks.someChecked) {
    evaluate(ccPolicy, `endorsement policy of chaincode ${ns.namespace}`, null);
  }
}

/** Analyses one envelope of a block (not yet MVCC). */
export function analyseTransaction(envelopeBytes: Uint8Array, ctx: TxContext): TxAnalysis {
  const analysis: TxAnalysis = {
    txId: '',
    channelId: '',
    headerType: -1,
    timestamp: null,
    creator: null,
    creatorBytes: new Uint8Array(),
    code: V.VALID,
    reason: '',
    failedKey: null,
    issues: [],
    chaincode: null,
    args: [],
    endorsers: [],
    rwset: null,
    event: null,
    response: null,
    vsccPassed: new Set(),
  };
  const fail = (code: number, reason: string, key: string | null = null): TxAnalysis => {
    analysis.code = code;
    analysis.reason = reason;
    analysis.failedKey = key;
    return analysis;
  };
  let envelope: common.Envelope;
  try {
    envelope = common.Envelope.deserializeBinary(envelopeBytes);
  } catch {
    return fail(V.INVALID_OTHER_REASON, 'undecodable envelope');
  }
  let payload: common.Payload;
  try {
    payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  } catch {
    return fail(V.BAD_PAYLOAD, 'undecodable payload');
  }
  const header = payload.getHeader();
  let chdr: common.ChannelHeader;
  let shdr: common.SignatureHeader;
  try {
    if (header === undefined) {
      throw new Error('no header');
    }
    chdr = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    shdr = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
  } catch {
    return fail(V.BAD_COMMON_HEADER, 'undecodable header');
  }
  const type = chdr.getType();
  Object.assign(analysis, {
    txId: chdr.getTxId(),
    channelId: chdr.getChannelId(),
    headerType: type,
    timestamp: timestampOf(chdr),
    creatorBytes: shdr.getCreator_asU8(),
  });
  const H = common.HeaderType;
  if (type === H.ENDORSER_TRANSACTION) {
    peekEndorsers(payload, ctx, analysis);
  }
  if (type !== H.ENDORSER_TRANSACTION && type !== H.CONFIG && type !== H.CONFIG_UPDATE) {
    return fail(V.BAD_COMMON_HEADER, `invalid header type ${type}`);
  }
  if (chdr.getEpoch() !== 0) {
    return fail(V.BAD_COMMON_HEADER, `invalid epoch ${chdr.getEpoch()}`);
  }
  if (shdr.getNonce_asU8().length === 0 || shdr.getCreator_asU8().length === 0) {
    return fail(V.BAD_COMMON_HEADER, 'signature header without nonce or creator');
  }
  // the creator's identity and signature over the payload
  const creator = ctx.resolver.resolve(shdr.getCreator_asU8());
  Object.assign(analysis, { creator });
  if (creator.certificate === null || !creator.valid) {
    analysis.issues.push({
      code: 'UNKNOWN_IDENTITY',
      message: `creator: ${creator.problem ?? 'invalid identity'}`,
    });
    return fail(V.BAD_CREATOR_SIGNATURE, `creator certificate is not valid: ${creator.problem ?? '?'}`);
  }
  const creatorCheck = ctx.resolver.verify(creator, envelope.getPayload_asU8(), envelope.getSignature_asU8());
  if (!creatorCheck.ok) {
    analysis.issues.push({
      code: 'BAD_CREATOR_SIGNATURE',
      message: `creator signature: ${creatorCheck.reason}`,
    });
    return fail(V.BAD_CREATOR_SIGNATURE, `creator signature is not valid: ${creatorCheck.reason}`);
  }
  if (type === H.CONFIG) {
    return chdr.getChannelId() === ctx.channelId
      ? analysis
      : fail(V.TARGET_CHAIN_NOT_FOUND, `channel ${chdr.getChannelId()}`);
  }
  if (type !== H.ENDORSER_TRANSACTION) {
    return fail(V.UNSUPPORTED_TX_PAYLOAD, `unsupported transaction type ${type}`);
  }
  const computedTxId = createHash('sha256')
    .update(shdr.getNonce_asU8())
    .update(shdr.getCreator_asU8())
    .digest('hex');
  if (computedTxId !== chdr.getTxId()) {
    return fail(V.BAD_PROPOSAL_TXID, `transaction id is not SHA-256(nonce ‖ creator) (${computedTxId})`);
  }
  // validateEndorserTransaction: one action, its header, the proposal hash
  let ccActionPayload: peer.ChaincodeActionPayload;
  let prpBytes: Uint8Array;
  let endorsements: peer.Endorsement[];
  try {
    const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const actions = tx.getActionsList();
    const action = actions[0];
    if (actions.length !== 1 || action === undefined) {
      throw new Error(`only one action per transaction is supported, tx contains ${actions.length}`);
    }
    const actionHeader = common.SignatureHeader.deserializeBinary(action.getHeader_asU8());
    if (actionHeader.getNonce_asU8().length === 0 || actionHeader.getCreator_asU8().length === 0) {
      throw new Error('action signature header without nonce or creator');
    }
    ccActionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = ccActionPayload.getAction();
    if (endorsed === undefined) {
      throw new Error('no endorsed action');
    }
    prpBytes = endorsed.getProposalResponsePayload_asU8();
    endorsements = endorsed.getEndorsementsList();
    const prp = peer.ProposalResponsePayload.deserializeBinary(prpBytes);
    const proposalHash = createHash('sha256')
      .update(header.getChannelHeader_asU8())
      .update(action.getHeader_asU8())
      .update(ccActionPayload.getChaincodeProposalPayload_asU8())
      .digest();
    if (!proposalHash.equals(prp.getProposalHash_asU8())) {
      throw new Error('proposal hash does not match');
    }
  } catch (error) {
    return fail(V.INVALID_ENDORSER_TRANSACTION, (error as Error).message);
  }
  // what re-execution needs (best effort: a malformed part stays empty)
  try {
    const proposal = peer.ChaincodeProposalPayload.deserializeBinary(
      ccActionPayload.getChaincodeProposalPayload_asU8(),
    );
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(proposal.getInput_asU8()).getChaincodeSpec();
    analysis.args = (spec?.getInput()?.getArgsList_asU8() ?? []).map((a) =>
      Uint8Array.prototype.slice.call(a),
    );
  } catch {
    analysis.args = [];
  }
  if (chdr.getChannelId() !== ctx.channelId) {
    return fail(V.TARGET_CHAIN_NOT_FOUND, `channel ${chdr.getChannelId()} is not ${ctx.channelId}`);
  }
  if (ctx.txIdInLedger(chdr.getTxId())) {
    return fail(V.DUPLICATE_TXID, 'transaction id already in the ledger');
  }
  // the plugin dispatcher
  let hdrExt: peer.ChaincodeHeaderExtension;
  try {
    hdrExt = peer.ChaincodeHeaderExtension.deserializeBinary(chdr.getExtension_asU8());
  } catch {
    return fail(V.BAD_HEADER_EXTENSION, 'undecodable chaincode header extension');
  }
  let ccAction: peer.ChaincodeAction;
  try {
    const prp = peer.ProposalResponsePayload.deserializeBinary(prpBytes);
    ccAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
  } catch {
    return fail(V.BAD_RESPONSE_PAYLOAD, 'undecodable chaincode action');
  }
  const response = ccAction.getResponse();
  analysis.response =
    response === undefined
      ? null
      : { status: response.getStatus(), message: response.getMessage(), payload: response.getPayload_asU8() };
  try {
    analysis.rwset = parseRwSet(ccAction.getResults_asU8());
  } catch {
    return fail(V.BAD_RWSET, 'undecodable read/write set');
  }
  const headerCc = hdrExt.getChaincodeId();
  const actionCc = ccAction.getChaincodeId();
  if (headerCc === undefined || actionCc === undefined) {
    return fail(V.INVALID_OTHER_REASON, 'no chaincode id in the header extension or the chaincode action');
  }
  const ccName = headerCc.getName();
  analysis.chaincode = ccName;
  if (ccName === '' || ccName !== actionCc.getName() || actionCc.getVersion() === '') {
    return fail(
      V.INVALID_CHAINCODE,
      `inconsistent chaincode id ${ccName}/${actionCc.getName()}:${actionCc.getVersion()}`,
    );
  }
  const eventBytes = ccAction.getEvents_asU8();
  if (eventBytes.length > 0) {
    try {
      const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
      analysis.event = { name: event.getEventName(), payload: event.getPayload_asU8() };
      if (event.getChaincodeId() !== ccName) {
        return fail(
          V.INVALID_OTHER_REASON,
          'chaincode event chaincode id does not match the chaincode action',
        );
      }
    } catch {
      return fail(V.INVALID_OTHER_REASON, 'invalid chaincode event');
    }
  }
  const names = new Set<string>();
  for (const ns of analysis.rwset) {
    if (names.has(ns.namespace)) {
      return fail(V.ILLEGAL_WRITESET, `duplicate namespace ${ns.namespace}`);
    }
    names.add(ns.namespace);
  }
  // endorsements: signature over (proposal response payload ‖ endorser), deduplicated signers
  const signatureSet = endorsements.map((e) => ({
    identity: e.getEndorser_asU8(),
    data: Buffer.concat([prpBytes, e.getEndorser_asU8()]),
    signature: e.getSignature_asU8(),
  }));
  const { identities, rejected } = validIdentities(signatureSet, ctx.resolver);
  reportRejected(rejected, analysis);
  for (const id of identities) {
    if (!id.valid) {
      analysis.issues.push({
        code: 'UNKNOWN_IDENTITY',
        message: `endorser of ${id.mspId}: ${id.problem ?? 'invalid identity'}`,
      });
    }
  }
  const written = [
    ccName,
    ...analysis.rwset
      .filter(writesTo)
      .map((n) => n.namespace)
      .filter((n) => n !== ccName)
      .sort(),
  ];
  const empty: ParsedNamespace = {
    namespace: ccName,
    reads: [],
    rangeQueries: [],
    writes: [],
    metadataWrites: [],
    collections: [],
  };
  for (const name of written) {
    const lookup = namespacePolicy(name, ctx.config, ctx.lifecycle);
    if (lookup.kind === 'invalid') {
      return fail(V.INVALID_CHAINCODE, lookup.reason);
    }
    if (lookup.kind === 'unsupported') {
      analysis.issues.push({ code: 'NOT_IMPLEMENTED', message: lookup.reason });
      analysis.code = null;
      analysis.reason = lookup.reason;
      return analysis;
    }
    const ns = analysis.rwset.find((n) => n.namespace === name) ?? { ...empty, namespace: name };
    try {
      validateNamespace(ns, lookup.bytes, identities, ctx);
      analysis.vsccPassed.add(name);
    } catch (error) {
      if (!(error instanceof PolicyFailure)) {
        throw error;
      }
      if (error.undetermined) {
        analysis.issues.push({ code: 'NOT_IMPLEMENTED', message: error.message });
        analysis.code = null;
        analysis.reason = error.message;
        analysis.failedKey = error.key;
        return analysis;
      }
      analysis.issues.push({
        code: 'ENDORSEMENT_POLICY',
        message: error.message,
        ...(error.key === null ? {} : { key: error.key }),
      });
      return fail(V.ENDORSEMENT_POLICY_FAILURE, error.message, error.key);
    }
  }
  return analysis;
}

/** Reads the endorsers early (best effort), so findings about an invalid transaction can name them. */
function peekEndorsers(payload: common.Payload, ctx: TxContext, analysis: TxAnalysis): void {
  try {
    const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
    const endorsed =
      action === undefined
        ? undefined
        : peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
    for (const e of endorsed?.getEndorsementsList() ?? []) {
      const id = ctx.resolver.resolve(e.getEndorser_asU8());
      analysis.endorsers.push({ mspId: id.mspId, role: id.role, serialized: e.getEndorser_asU8() });
    }
  } catch {
    analysis.endorsers.length = 0;
  }
}

function reportRejected(rejected: readonly RejectedSignature[], analysis: TxAnalysis): void {
  for (const r of rejected) {
    if (r.kind === 'signature') {
      analysis.issues.push({
        code: 'BAD_ENDORSEMENT_SIGNATURE',
        message: `endorsement ${r.index} (${r.mspId}): ${r.reason}`,
      });
    } else if (r.kind === 'identity') {
      analysis.issues.push({
        code: 'UNKNOWN_IDENTITY',
        message: `endorsement ${r.index} (${r.mspId}): ${r.reason}`,
      });
    }
  }
}
