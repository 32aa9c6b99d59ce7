/**
 * State keys. Everything except the two singleton keys is a Fabric composite key
 * (`\u0000type\u0000attr1\u0000attr2\u0000`), so partial-key range scans are cheap and sorted.
 */
import type { Context } from 'fabric-contract-api';

type ChaincodeStub = Context['stub'];

export const HEAD_KEY = 'catalog.head';
export const GOVERNANCE_KEY = 'catalog.governance';

/** Object types of composite keys. */
export const T = {
  item: 'item', // [itemId] -> ItemIndex
  itemRecord: 'itemv', // [itemId, proposalId] -> ItemRecord
  overlay: 'ovl', // [itemId, provinceMsp] -> OverlayIndex
  overlayRecord: 'ovlv', // [itemId, provinceMsp, proposalId] -> OverlayRecord
  rule: 'rule', // [ruleId] -> RuleIndex
  ruleRecord: 'rulev', // [ruleId, proposalId] -> RuleRecord
  ruleLink: 'rulei', // [itemId, ruleId, proposalId] -> RuleLink (lookup of an item's rules)
  policy: 'ppol', // [provinceMsp] -> PolicyIndex (a province's payment policy)
  policyRecord: 'ppolv', // [provinceMsp, proposalId] -> PolicyRecord
  proposal: 'proposal', // [proposalId] -> Proposal
  chunk: 'chunk', // [proposalId, chunkIndex(5)] -> Chunk (written once, by AddChunk)
  applied: 'chunkdone', // [proposalId, chunkIndex(5)] -> AppliedChunk (written once, by ApplyChunk)
  claim: 'pchg', // [proposalId, 'item'|'ovl'|'rule'|'ppol', itemId|ruleId|provinceMsp, (provinceMsp)] -> { chunkIndex }
  vote: 'vote', // [proposalId, mspId] -> Vote
  version: 'ver', // [version(10)] -> Version
  lattice: 'lattice', // [version(10)] -> { lattice }
} as const;

/** Zero-padded version number so that keys sort numerically. */
export function pad(n: number, width = 10): string {
  return n.toString().padStart(width, '0');
}

export function itemKey(stub: ChaincodeStub, itemId: string): string {
  return stub.createCompositeKey(T.item, [itemId]);
}
export function itemRecordKey(stub: ChaincodeStub, itemId: string, proposalId: string): string {
  return stub.createCompositeKey(T.itemRecord, [itemId, proposalId]);
}
export function overlayKey(stub: ChaincodeStub, itemId: string, mspId: string): string {
  return stub.createCompositeKey(T.overlay, [itemId, mspId]);
}
export function overlayRecordKey(
  stub: ChaincodeStub,
  itemId: string,
  mspId: string,
  proposalId: string,
): string {
  return stub.createCompositeKey(T.overlayRecord, [itemId, mspId, proposalId]);
}
export function ruleKey(stub: ChaincodeStub, ruleId: string): string {
  return stub.createCompositeKey(T.rule, [ruleId]);
}
export function ruleRecordKey(stub: ChaincodeStub, ruleId: string, proposalId: string): string {
  return stub.createCompositeKey(T.ruleRecord, [ruleId, proposalId]);
}
export function ruleLinkKey(stub: ChaincodeStub, itemId: string, ruleId: string, proposalId: string): string {
  return stub.createCompositeKey(T.ruleLink, [itemId, ruleId, proposalId]);
}
/** The index of a province's payment policy (owned by the province). */
export function policyKey(stub: ChaincodeStub, mspId: string): string {
  return stub.createCompositeKey(T.policy, [mspId]);
}
/** One immutable version of a province's payment policy, as a proposal wrote it. */
export function policyRecordKey(stub: ChaincodeStub, mspId: string, proposalId: string): string {
  return stub.createCompositeKey(T.policyRecord, [mspId, proposalId]);
}
export function proposalKey(stub: ChaincodeStub, proposalId: string): string {
  return stub.createCompositeKey(T.proposal, [proposalId]);
}
export function chunkKey(stub: ChaincodeStub, proposalId: string, index: number): string {
  return stub.createCompositeKey(T.chunk, [proposalId, pad(index, 5)]);
}
/** The marker ApplyChunk writes for one chunk (its digest delta); one key per chunk, no shared key. */
export function appliedKey(stub: ChaincodeStub, proposalId: string, index: number): string {
  return stub.createCompositeKey(T.applied, [proposalId, pad(index, 5)]);
}
export function voteKey(stub: ChaincodeStub, proposalId: string, mspId: string): string {
  return stub.createCompositeKey(T.vote, [proposalId, mspId]);
}
export function versionKey(stub: ChaincodeStub, version: number): string {
  return stub.createCompositeKey(T.version, [pad(version)]);
}
export function latticeKey(stub: ChaincodeStub, version: number): string {
  return stub.createCompositeKey(T.lattice, [pad(version)]);
}
export function claimKey(stub: ChaincodeStub, proposalId: string, target: ChangeTarget): string {
  switch (target.type) {
    case 'item':
      return stub.createCompositeKey(T.claim, [proposalId, 'item', target.itemId]);
    case 'overlay':
      return stub.createCompositeKey(T.claim, [proposalId, 'ovl', target.itemId, target.mspId]);
    case 'rule':
      return stub.createCompositeKey(T.claim, [proposalId, 'rule', target.ruleId]);
    case 'policy':
      return stub.createCompositeKey(T.claim, [proposalId, 'ppol', target.mspId]);
  }
}

/** What a change writes: an item, one province's overlay of an item, a rule of the rule base, or a province's payment policy. */
export type ChangeTarget =
  | { readonly type: 'item'; readonly itemId: string }
  | { readonly type: 'overlay'; readonly itemId: string; readonly mspId: string }
  | { readonly type: 'rule'; readonly ruleId: string }
  | { readonly type: 'policy'; readonly mspId: string };
