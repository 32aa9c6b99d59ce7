/**
 * Checks a CONFIG transaction's update as Fabric's configtx validator authorises it, from the
 * configuration in force before it: the update (`last_update`, a CONFIG_UPDATE envelope) names this
 * channel; its signatures are counted as `SignatureSetToValidIdentities` counts them (each over
 * signature header ‖ config update bytes, one per signer); and every element of the write set
 * whose version goes up — a group, value or policy — has its modification policy, in the
 * configuration in force, satisfied by those signers. Elements the update creates are authorised
 * by their group's version bump (a new organisation: the Application group's `Admins`, MAJORITY of
 * the application organisations' admins). The new configuration's sequence must be the next one.
 */
import { common } from '@hyperledger/fabric-protos';
import { entries, type ChannelConfig, type ConfigGroupNode } from './channel-config';
import type { IdentityResolver } from './msp';
import { evaluateConfigPolicy, validIdentities, type SignedData } from './policy';

/** The outcome of {@link checkConfigUpdate}: the problems found (none: authorised) and who signed. */
export interface ConfigUpdateCheck {
  readonly problems: readonly string[];
  /** MSP ids of the signers that counted (sorted, each once). */
  readonly signers: readonly string[];
  /** The modification policies the update needed (absolute paths). */
  readonly policies: readonly string[];
}

/** A modification policy name resolved against its group's path (`Admins` at `/Channel/Application`). */
function absolute(groupPath: string, modPolicy: string): string {
  return modPolicy.startsWith('/') ? modPolicy : `${groupPath}/${modPolicy}`;
}

/**
 * The modification policies a write set needs: of each element whose version goes up over the
 * configuration in force; a new element needs its group's version to go up.
 */
function neededPolicies(
  written: common.ConfigGroup,
  current: ConfigGroupNode,
  problems: string[],
  out: Set<string>,
): void {
  const bumped = written.getVersion() > current.version;
  if (bumped) out.add(absolute(current.path, current.modPolicy));
  for (const [name, child] of entries<common.ConfigGroup>(written.getGroupsMap())) {
    const existing = current.groups.get(name);
    if (existing === undefined) {
      if (!bumped)
        problems.push(`group ${current.path}/${name} is added without a new version of ${current.path}`);
      continue;
    }
    neededPolicies(child, existing, problems, out);
  }
  for (const [name, value] of entries<common.ConfigValue>(written.getValuesMap())) {
    const meta = current.valueMeta.get(name);
    if (meta === undefined) {
      if (!bumped)
        problems.push(`value ${current.path}/${name} is added without a new version of ${current.path}`);
    } else if (value.getVersion() > meta.version) {
      out.add(absolute(current.path, meta.modPolicy));
    }
  }
  for (const [name, policy] of entries<common.ConfigPolicy>(written.getPoliciesMap())) {
    const entry = current.policies.get(name);
    if (entry === undefined) {
      if (!bumped)
        problems.push(`policy ${current.path}/${name} is added without a new version of ${current.path}`);
    } else if (policy.getVersion() > entry.version) {
      out.add(absolute(current.path, entry.modPolicy));
    }
  }
}

/** Checks the update a CONFIG transaction carries against the configuration in force before it. */
export function checkConfigUpdate(
  current: ChannelConfig,
  envelope: common.ConfigEnvelope,
  nextSequence: number,
  resolver: IdentityResolver,
): ConfigUpdateCheck {
  const problems: string[] = [];
  if (nextSequence !== current.sequence + 1) {
    problems.push(`sequence ${String(nextSequence)} does not follow ${String(current.sequence)}`);
  }
  const lastUpdate = envelope.getLastUpdate();
  if (lastUpdate === undefined) {
    return {
      problems: [...problems, 'the config carries no update (last_update)'],
      signers: [],
      policies: [],
    };
  }
  let update: common.ConfigUpdate;
  let signed: SignedData[];
  try {
    const payload = common.Payload.deserializeBinary(lastUpdate.getPayload_asU8());
    const header = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    if (header.getType() !== common.HeaderType.CONFIG_UPDATE) {
      problems.push(`last_update is of type ${String(header.getType())}, not CONFIG_UPDATE`);
    }
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    const updateBytes = updateEnvelope.getConfigUpdate_asU8();
    update = common.ConfigUpdate.deserializeBinary(updateBytes);
    signed = updateEnvelope.getSignaturesList().map((signature) => {
      const signatureHeader = signature.getSignatureHeader_asU8();
      return {
        identity: common.SignatureHeader.deserializeBinary(signatureHeader).getCreator_asU8(),
        data: Buffer.concat([signatureHeader, updateBytes]),
        signature: signature.getSignature_asU8(),
      };
    });
  } catch (error) {
    return {
      problems: [...problems, `undecodable config update: ${(error as Error).message}`],
      signers: [],
      policies: [],
    };
  }
  if (update.getChannelId() !== current.channelId) {
    problems.push(`the update names channel ${update.getChannelId()}, not ${current.channelId}`);
  }
  const { identities } = validIdentities(signed, resolver);
  const needed = new Set<string>();
  neededPolicies(update.getWriteSet() ?? new common.ConfigGroup(), current.root, problems, needed);
  if (needed.size === 0 && problems.length === 0) problems.push('the update changes nothing');
  for (const policy of [...needed].sort()) {
    const outcome = evaluateConfigPolicy(current, policy, identities, resolver);
    if (!outcome.found) problems.push(`modification policy ${policy} does not exist`);
    else if (!outcome.satisfied)
      problems.push(
        `modification policy ${policy} is not satisfied by the signers (${[...new Set(identities.map((i) => i.mspId))].sort().join(', ') || 'none'})` +
          (outcome.unsupported === null ? '' : `: ${outcome.unsupported}`),
      );
  }
  return {
    problems,
    signers: [...new Set(identities.map((i) => i.mspId))].sort(),
    policies: [...needed].sort(),
  };
}
