/**
 * Key-level (state-based) endorsement policies.
 *
 * Single-organisation policies use fabric-shim's {@link KeyEndorsementPolicy} ("all of" these orgs).
 * Threshold policies ("NHSA and 2 of 3 provinces") are built by hand as a
 * `common.SignaturePolicyEnvelope` with nested `NOutOf` rules, because the Node helper can only
 * express "all of".
 */
import { common, msp } from '@hyperledger/fabric-protos';
import { KeyEndorsementPolicy } from 'fabric-shim';

/** A signature policy tree: one organisation's member signature, or n out of several sub-policies. */
export type PolicySpec =
  { readonly signedBy: string } | { readonly nOutOf: number; readonly rules: readonly PolicySpec[] };

/** Policy bytes requiring one member of each listed organisation (fabric-shim's KeyEndorsementPolicy). */
export function allOfPolicy(...mspIds: string[]): Uint8Array {
  const ep = new KeyEndorsementPolicy();
  ep.addOrgs('MEMBER', ...mspIds);
  return ep.getPolicy();
}

/** The organisations named by policy bytes (as fabric-shim reads them). */
export function policyOrgs(policy: Uint8Array): string[] {
  return new KeyEndorsementPolicy(policy).listOrgs();
}

/** Serialises a {@link PolicySpec} as a SignaturePolicyEnvelope with MEMBER principals. */
export function buildSignaturePolicy(spec: PolicySpec): Uint8Array {
  const identities: string[] = [];
  const indexOf = (mspId: string): number => {
    const at = identities.indexOf(mspId);
    if (at >= 0) {
      return at;
    }
    identities.push(mspId);
    return identities.length - 1;
  };
  const build = (node: PolicySpec): common.SignaturePolicy => {
    const policy = new common.SignaturePolicy();
    if ('signedBy' in node) {
      policy.setSignedBy(indexOf(node.signedBy));
      return policy;
    }
    if (!Number.isInteger(node.nOutOf) || node.nOutOf < 1 || node.nOutOf > node.rules.length) {
      throw new Error(`invalid NOutOf: ${node.nOutOf} of ${node.rules.length}`);
    }
    const nOutOf = new common.SignaturePolicy.NOutOf();
    nOutOf.setN(node.nOutOf);
    nOutOf.setRulesList(node.rules.map(build));
    policy.setNOutOf(nOutOf);
    return policy;
  };
  const rule = build(spec);
  const envelope = new common.SignaturePolicyEnvelope();
  envelope.setVersion(0);
  envelope.setRule(rule);
  envelope.setIdentitiesList(
    identities.map((mspId) => {
      const role = new msp.MSPRole();
      role.setMspIdentifier(mspId);
      role.setRole(msp.MSPRole.MSPRoleType.MEMBER);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(role.serializeBinary());
      return principal;
    }),
  );
  return envelope.serializeBinary();
}

/** Decodes policy bytes back into a {@link PolicySpec} (for tests, audits and documentation). */
export function decodeSignaturePolicy(bytes: Uint8Array): PolicySpec {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const names = envelope.getIdentitiesList().map((principal) => {
    return msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier();
  });
  const walk = (policy: common.SignaturePolicy): PolicySpec => {
    if (policy.hasNOutOf()) {
      const n = policy.getNOutOf();
      return { nOutOf: n?.getN() ?? 0, rules: (n?.getRulesList() ?? []).map(walk) };
    }
    const name = names[policy.getSignedBy()];
    if (name === undefined) {
      throw new Error(`signed_by index ${policy.getSignedBy()} out of range`);
    }
    return { signedBy: name };
  };
  const rule = envelope.getRule();
  if (rule === undefined) {
    throw new Error('policy envelope has no rule');
  }
  return walk(rule);
}

/** "National org AND k of these provinces" (k = 0 gives the national org alone). */
export function nationalAndProvincesSpec(
  nationalMsp: string,
  provinceMsps: readonly string[],
  k: number,
): PolicySpec {
  if (k <= 0) {
    return { signedBy: nationalMsp };
  }
  return {
    nOutOf: 2,
    rules: [{ signedBy: nationalMsp }, { nOutOf: k, rules: provinceMsps.map((m) => ({ signedBy: m })) }],
  };
}
