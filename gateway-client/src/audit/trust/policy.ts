/**
 * Policy evaluation with Fabric's semantics.
 *
 * - A signature set becomes a list of identities as `policies.SignatureSetToValidIdentities` does:
 *   undeserializable identities and bad signatures are dropped, and an identity (MSP id +
 *   certificate hash) that already contributed a valid signature is skipped, so one signer counts once.
 * - A `SignaturePolicyEnvelope` is evaluated as cauthdsl compiles it: `SignedBy` consumes the first
 *   unused identity that satisfies the principal; `NOutOf` tries each rule on a copy of the "used"
 *   marks and keeps the marks of the rules that succeeded, and needs `n` of them.
 * - An `ImplicitMetaPolicy` (ANY / ALL / MAJORITY) evaluates the named policy of every sub-group of
 *   its group (a missing sub-policy rejects); with no sub-groups the threshold is 0.
 */
import { common, msp } from '@hyperledger/fabric-protos';
import { policyAt, type ChannelConfig, type ConfigGroupNode, type PolicyDefinition } from './channel-config';
import type { IdentityResolver, ResolvedIdentity } from './msp';

/** A signature to count: who (serialized identity), over what, the signature. */
export interface SignedData {
  readonly identity: Uint8Array;
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
}

/** A signature that was not counted, and why. */
export interface RejectedSignature {
  readonly index: number;
  readonly mspId: string;
  readonly reason: string;
  /** `signature`: the identity deserialized but its signature is bad; `identity`: unknown MSP / unparsable. */
  readonly kind: 'signature' | 'identity' | 'duplicate';
}

/** The identities that count for a signature set. */
export interface SignatureSetResult {
  readonly identities: readonly ResolvedIdentity[];
  readonly rejected: readonly RejectedSignature[];
}

/** `SignatureSetToValidIdentities`: deserialize, deduplicate, verify. */
export function validIdentities(
  signatures: readonly SignedData[],
  resolver: IdentityResolver,
): SignatureSetResult {
  const seen = new Set<string>();
  const identities: ResolvedIdentity[] = [];
  const rejected: RejectedSignature[] = [];
  signatures.forEach((sd, index) => {
    const identity = resolver.resolve(sd.identity);
    if (identity.certificate === null) {
      rejected.push({
        index,
        mspId: identity.mspId,
        reason: identity.problem ?? 'unknown identity',
        kind: 'identity',
      });
      return;
    }
    if (seen.has(identity.id)) {
      rejected.push({ index, mspId: identity.mspId, reason: 'duplicate signer', kind: 'duplicate' });
      return;
    }
    const check = resolver.verify(identity, sd.data, sd.signature);
    if (!check.ok) {
      rejected.push({ index, mspId: identity.mspId, reason: check.reason, kind: 'signature' });
      return;
    }
    seen.add(identity.id);
    identities.push(identity);
  });
  return { identities, rejected };
}

/** Whether an identity satisfies a principal. */
export type PrincipalMatcher = (identity: ResolvedIdentity, principal: msp.MSPPrincipal) => boolean;

type Compiled = (identities: readonly ResolvedIdentity[], used: boolean[]) => boolean;

function compile(
  rule: common.SignaturePolicy | undefined,
  principals: readonly msp.MSPPrincipal[],
  matches: PrincipalMatcher,
): Compiled {
  if (rule === undefined) {
    throw new Error('empty policy element');
  }
  const T = common.SignaturePolicy.TypeCase;
  switch (rule.getTypeCase()) {
    case T.N_OUT_OF: {
      const nOutOf = rule.getNOutOf();
      const n = nOutOf?.getN() ?? 0;
      const rules = (nOutOf?.getRulesList() ?? []).map((r) => compile(r, principals, matches));
      return (identities, used) => {
        let verified = 0;
        const scratch = new Array<boolean>(used.length);
        for (const sub of rules) {
          for (let i = 0; i < used.length; i++) {
            scratch[i] = used[i] ?? false;
          }
          if (sub(identities, scratch)) {
            verified++;
            for (let i = 0; i < used.length; i++) {
              used[i] = scratch[i] ?? false;
            }
          }
        }
        return verified >= n;
      };
    }
    case T.SIGNED_BY: {
      const index = rule.getSignedBy();
      const principal = principals[index];
      if (index < 0 || principal === undefined) {
        throw new Error(`identity index out of range: ${index} of ${principals.length}`);
      }
      return (identities, used) => {
        for (let i = 0; i < identities.length; i++) {
          const identity = identities[i];
          if (used[i] === true || identity === undefined) {
            continue;
          }
          if (matches(identity, principal)) {
            used[i] = true;
            return true;
          }
        }
        return false;
      };
    }
    default:
      throw new Error(`unknown signature policy type ${rule.getTypeCase()}`);
  }
}

/**
 * Evaluates a signature policy against the identities that count (from {@link validIdentities}).
 * A policy that does not compile (empty, index out of range) rejects, as Fabric's does.
 */
export function evaluateSignaturePolicy(
  envelope: common.SignaturePolicyEnvelope,
  identities: readonly ResolvedIdentity[],
  matches: PrincipalMatcher,
): boolean {
  let compiled: Compiled;
  try {
    compiled = compile(envelope.getRule(), envelope.getIdentitiesList(), matches);
  } catch {
    return false;
  }
  return compiled(identities, new Array<boolean>(identities.length).fill(false));
}

/** Outcome of a policy evaluation; `unsupported` when a policy type is not implemented. */
export interface PolicyOutcome {
  readonly satisfied: boolean;
  readonly unsupported: string | null;
}

function evaluateDefinition(
  definition: PolicyDefinition,
  group: ConfigGroupNode,
  identities: readonly ResolvedIdentity[],
  resolver: IdentityResolver,
  depth: number,
): PolicyOutcome {
  switch (definition.kind) {
    case 'signature':
      return {
        satisfied: evaluateSignaturePolicy(definition.envelope, identities, (id, p) =>
          resolver.satisfiesPrincipal(id, p),
        ),
        unsupported: null,
      };
    case 'implicitMeta': {
      if (depth > 16) {
        return { satisfied: false, unsupported: 'implicit meta policies nested too deep' };
      }
      const subs = [...group.groups.values()];
      const threshold =
        subs.length === 0
          ? 0
          : definition.rule === 'ANY'
            ? 1
            : definition.rule === 'ALL'
              ? subs.length
              : Math.floor(subs.length / 2) + 1;
      let satisfied = 0;
      let unsupported: string | null = null;
      for (const sub of subs) {
        if (satisfied >= threshold) {
          break;
        }
        const entry = sub.policies.get(definition.subPolicy);
        if (entry === undefined) {
          continue; // Fabric's reject policy
        }
        const outcome = evaluateDefinition(entry.policy, sub, identities, resolver, depth + 1);
        unsupported ??= outcome.unsupported;
        if (outcome.satisfied) {
          satisfied++;
        }
      }
      return { satisfied: satisfied >= threshold, unsupported: satisfied >= threshold ? null : unsupported };
    }
    case 'unsupported':
      return { satisfied: false, unsupported: `policy of ${group.path}: ${definition.reason}` };
  }
}

/** Evaluates the config policy at an absolute path (e.g. `/Channel/Orderer/BlockValidation`). */
export function evaluateConfigPolicy(
  config: ChannelConfig,
  path: string,
  identities: readonly ResolvedIdentity[],
  resolver: IdentityResolver,
): PolicyOutcome & { readonly found: boolean } {
  const found = policyAt(config, path);
  if (found === null) {
    return { satisfied: false, unsupported: null, found: false };
  }
  return { ...evaluateDefinition(found.entry.policy, found.group, identities, resolver, 0), found: true };
}

/**
 * Evaluates a `peer.ApplicationPolicy` (`common.ApplicationPolicy` in the protos): a signature
 * policy, or a reference to a channel config policy.
 */
export function evaluateApplicationPolicy(
  policyBytes: Uint8Array,
  config: ChannelConfig,
  identities: readonly ResolvedIdentity[],
  resolver: IdentityResolver,
): PolicyOutcome & { readonly description: string } {
  let policy: common.ApplicationPolicy;
  try {
    policy = common.ApplicationPolicy.deserializeBinary(policyBytes);
  } catch (error) {
    return {
      satisfied: false,
      unsupported: null,
      description: `unparsable ApplicationPolicy: ${(error as Error).message}`,
    };
  }
  const T = common.ApplicationPolicy.TypeCase;
  switch (policy.getTypeCase()) {
    case T.SIGNATURE_POLICY: {
      const envelope = policy.getSignaturePolicy() ?? new common.SignaturePolicyEnvelope();
      return {
        satisfied: evaluateSignaturePolicy(envelope, identities, (id, p) =>
          resolver.satisfiesPrincipal(id, p),
        ),
        unsupported: null,
        description: describeSignaturePolicy(envelope),
      };
    }
    case T.CHANNEL_CONFIG_POLICY_REFERENCE: {
      const path = policy.getChannelConfigPolicyReference();
      const outcome = evaluateConfigPolicy(config, path, identities, resolver);
      return { satisfied: outcome.satisfied, unsupported: outcome.unsupported, description: path };
    }
    default:
      return { satisfied: false, unsupported: null, description: 'empty ApplicationPolicy' };
  }
}

/** Evaluates a key-level validation parameter (a `SignaturePolicyEnvelope`). */
export function evaluateValidationParameter(
  parameter: Uint8Array,
  identities: readonly ResolvedIdentity[],
  resolver: IdentityResolver,
): { satisfied: boolean; description: string } {
  let envelope: common.SignaturePolicyEnvelope;
  try {
    envelope = common.SignaturePolicyEnvelope.deserializeBinary(parameter);
  } catch (error) {
    return { satisfied: false, description: `unparsable key-level policy: ${(error as Error).message}` };
  }
  return {
    satisfied: evaluateSignaturePolicy(envelope, identities, (id, p) => resolver.satisfiesPrincipal(id, p)),
    description: describeSignaturePolicy(envelope),
  };
}

const ROLE_NAMES: Readonly<Record<number, string>> = {
  0: 'member',
  1: 'admin',
  2: 'client',
  3: 'peer',
  4: 'orderer',
};

function describePrincipal(principal: msp.MSPPrincipal | undefined): string {
  if (principal?.getPrincipalClassification() === msp.MSPPrincipal.Classification.ROLE) {
    try {
      const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
      return `'${role.getMspIdentifier()}.${ROLE_NAMES[role.getRole()] ?? String(role.getRole())}'`;
    } catch {
      return '?';
    }
  }
  return principal === undefined ? '?' : `principal(${principal.getPrincipalClassification()})`;
}

/** A readable form of a signature policy, e.g. `OutOf(2, 'A.peer', 'B.peer')`. */
export function describeSignaturePolicy(envelope: common.SignaturePolicyEnvelope): string {
  const principals = envelope.getIdentitiesList();
  const walk = (rule: common.SignaturePolicy | undefined): string => {
    if (rule === undefined) {
      return '?';
    }
    if (rule.getTypeCase() === common.SignaturePolicy.TypeCase.SIGNED_BY) {
      return describePrincipal(principals[rule.getSignedBy()]);
    }
    const nOutOf = rule.getNOutOf();
    return `OutOf(${nOutOf?.getN() ?? 0}, ${(nOutOf?.getRulesList() ?? []).map(walk).join(', ')})`;
  };
  return walk(envelope.getRule());
}
