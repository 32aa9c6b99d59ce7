/**
 * Key-level (state-based) endorsement policies.
 *
 * Every policy is a `common.SignaturePolicyEnvelope` built by hand with nested `NOutOf` rules
 * (fabric-shim's KeyEndorsementPolicy can only say "all of these orgs' members"). Principals are
 * **PEER** roles by default (`'GuangdongMSP.peer'`), so that a client, hospital or admin certificate
 * of an organisation can never stand in for that organisation's endorsing peer.
 */
import { common, msp } from '@hyperledger/fabric-protos';

/** MSP role of a principal. Policies of this chaincode use `peer`. */
export type PrincipalRole = 'peer' | 'member';

/**
 * A signature policy tree: one organisation's signature (its peer unless `role` says otherwise), or
 * n out of several sub-policies.
 */
export type PolicySpec =
  | { readonly signedBy: string; readonly role?: PrincipalRole }
  | { readonly nOutOf: number; readonly rules: readonly PolicySpec[] };

const ROLE_TYPES: Record<PrincipalRole, msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]> = {
  peer: msp.MSPRole.MSPRoleType.PEER,
  member: msp.MSPRole.MSPRoleType.MEMBER,
};

function serialise(spec: PolicySpec, allowUnsatisfiable: boolean): Uint8Array {
  const identities: { mspId: string; role: PrincipalRole }[] = [];
  const indexOf = (mspId: string, role: PrincipalRole): number => {
    const at = identities.findIndex((i) => i.mspId === mspId && i.role === role);
    if (at >= 0) {
      return at;
    }
    identities.push({ mspId, role });
    return identities.length - 1;
  };
  const build = (node: PolicySpec): common.SignaturePolicy => {
    const policy = new common.SignaturePolicy();
    if ('signedBy' in node) {
      policy.setSignedBy(indexOf(node.signedBy, node.role ?? 'peer'));
      return policy;
    }
    const max = allowUnsatisfiable ? node.rules.length + 1 : node.rules.length;
    if (!Number.isInteger(node.nOutOf) || node.nOutOf < 1 || node.nOutOf > max) {
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
    identities.map(({ mspId, role }) => {
      const mspRole = new msp.MSPRole();
      mspRole.setMspIdentifier(mspId);
      mspRole.setRole(ROLE_TYPES[role]);
      const principal = new msp.MSPPrincipal();
      principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
      principal.setPrincipal(mspRole.serializeBinary());
      return principal;
    }),
  );
  return envelope.serializeBinary();
}

/** Serialises a {@link PolicySpec} as a SignaturePolicyEnvelope (PEER principals unless stated). */
export function buildSignaturePolicy(spec: PolicySpec): Uint8Array {
  return serialise(spec, false);
}

/** Policy bytes requiring the peers of every listed organisation. */
export function allOfPolicy(...mspIds: string[]): Uint8Array {
  return buildSignaturePolicy({ nOutOf: mspIds.length, rules: mspIds.map((m) => ({ signedBy: m })) });
}

/**
 * A policy no set of signers can satisfy: `NOutOf(n + 1)` over the n given organisations' peers.
 * Keys that must never change after creation (votes, records, sealed versions) carry it, so not even
 * every organisation together can rewrite them.
 */
export function unsatisfiablePolicy(mspIds: readonly string[]): Uint8Array {
  return serialise({ nOutOf: mspIds.length + 1, rules: mspIds.map((m) => ({ signedBy: m })) }, true);
}

/** Decodes policy bytes back into a {@link PolicySpec} (for tests, audits and documentation). */
export function decodeSignaturePolicy(bytes: Uint8Array): PolicySpec {
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
  const principals = envelope.getIdentitiesList().map((principal) => {
    if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
      throw new Error('policy principal is not an MSP role');
    }
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    const roleName: PrincipalRole | 'other' =
      role.getRole() === msp.MSPRole.MSPRoleType.PEER
        ? 'peer'
        : role.getRole() === msp.MSPRole.MSPRoleType.MEMBER
          ? 'member'
          : 'other';
    if (roleName === 'other') {
      throw new Error(`policy principal role ${role.getRole()} is neither PEER nor MEMBER`);
    }
    return { mspId: role.getMspIdentifier(), role: roleName };
  });
  const walk = (policy: common.SignaturePolicy): PolicySpec => {
    if (policy.hasNOutOf()) {
      const n = policy.getNOutOf();
      return { nOutOf: n?.getN() ?? 0, rules: (n?.getRulesList() ?? []).map(walk) };
    }
    const principal = principals[policy.getSignedBy()];
    if (principal === undefined) {
      throw new Error(`signed_by index ${policy.getSignedBy()} out of range`);
    }
    return principal.role === 'peer'
      ? { signedBy: principal.mspId }
      : { signedBy: principal.mspId, role: principal.role };
  };
  const rule = envelope.getRule();
  if (rule === undefined) {
    throw new Error('policy envelope has no rule');
  }
  return walk(rule);
}

/** The organisations a policy names, sorted (for tests and documentation). */
export function policyOrgs(policy: Uint8Array): string[] {
  const out = new Set<string>();
  const walk = (spec: PolicySpec): void => {
    if ('signedBy' in spec) {
      out.add(spec.signedBy);
    } else {
      spec.rules.forEach(walk);
    }
  };
  walk(decodeSignaturePolicy(policy));
  return [...out].sort();
}

/** True when a set of endorsing organisations' peers satisfies a policy (each org counted once per rule). */
export function policySatisfiedBy(spec: PolicySpec, peers: ReadonlySet<string>): boolean {
  if ('signedBy' in spec) {
    return peers.has(spec.signedBy);
  }
  return spec.rules.filter((r) => policySatisfiedBy(r, peers)).length >= spec.nOutOf;
}

/** "This organisation AND k of those" (k = 0 gives the organisation alone). */
export function oneAndKOfSpec(mspId: string, others: readonly string[], k: number): PolicySpec {
  if (k <= 0) {
    return { signedBy: mspId };
  }
  return {
    nOutOf: 2,
    rules: [{ signedBy: mspId }, { nOutOf: k, rules: others.map((m) => ({ signedBy: m })) }],
  };
}

/** "National org AND k of these provinces" (kept for callers of the earlier name). */
export function nationalAndProvincesSpec(
  nationalMsp: string,
  provinceMsps: readonly string[],
  k: number,
): PolicySpec {
  return oneAndKOfSpec(nationalMsp, provinceMsps, k);
}
