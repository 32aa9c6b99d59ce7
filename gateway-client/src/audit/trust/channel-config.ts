/**
 * The channel configuration tree of a config block: groups (`/Channel`, `/Channel/Orderer`,
 * `/Channel/Application`, one per organisation), their policies (signature policies and implicit
 * meta policies) and every organisation's MSP definition (root, intermediate and admin
 * certificates, NodeOU classification).
 */
import { X509Certificate } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';

/** The minimal view of a google-protobuf map that is used here (its types do not resolve). */
interface ProtoMap<V> {
  forEach(callback: (value: V, key: string) => void): void;
}

/** The entries of a google-protobuf map, sorted by key. */
export function entries<V>(map: unknown): [string, V][] {
  const out: [string, V][] = [];
  (map as ProtoMap<V>).forEach((value, key) => {
    out.push([key, value]);
  });
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A NodeOU or OU restriction: the OU value and, optionally, the CA certificate it is bound to. */
export interface OuIdentifier {
  readonly organizationalUnitIdentifier: string;
  /** The certifying CA (PEM), or null when any certification path of the MSP is fine. */
  readonly certificate: Uint8Array | null;
}

/** NodeOU classification of an MSP. */
export interface NodeOus {
  readonly enabled: boolean;
  readonly client: OuIdentifier | null;
  readonly peer: OuIdentifier | null;
  readonly admin: OuIdentifier | null;
  readonly orderer: OuIdentifier | null;
}

/** One organisation's MSP as the config defines it. */
export interface MspDefinition {
  readonly mspId: string;
  /** MSP type (0 = X.509 FABRIC, 1 = IDEMIX). */
  readonly type: number;
  readonly rootCerts: readonly X509Certificate[];
  readonly intermediateCerts: readonly X509Certificate[];
  readonly adminCerts: readonly X509Certificate[];
  /** Raw CRLs (PEM). */
  readonly revocationList: readonly Uint8Array[];
  /** OU restrictions: when non-empty, members must carry one of these OUs. */
  readonly organizationalUnitIdentifiers: readonly OuIdentifier[];
  readonly nodeOus: NodeOus | null;
  /** Problems reading the definition (unparsable certificates …). */
  readonly problems: readonly string[];
}

/** A policy of a config group. */
export type PolicyDefinition =
  | { readonly kind: 'signature'; readonly envelope: common.SignaturePolicyEnvelope }
  | {
      readonly kind: 'implicitMeta';
      readonly rule: 'ANY' | 'ALL' | 'MAJORITY';
      readonly subPolicy: string;
    }
  | { readonly kind: 'unsupported'; readonly type: number; readonly reason: string };

/** A named policy with its modification policy. */
export interface ConfigPolicyEntry {
  readonly policy: PolicyDefinition;
  readonly modPolicy: string;
  readonly version: number;
}

/** One config group. */
export interface ConfigGroupNode {
  readonly name: string;
  /** Absolute path, e.g. `/Channel/Application/NHSAMSP`. */
  readonly path: string;
  readonly version: number;
  readonly modPolicy: string;
  readonly groups: ReadonlyMap<string, ConfigGroupNode>;
  readonly policies: ReadonlyMap<string, ConfigPolicyEntry>;
  /** Raw config values by name (MSP, Capabilities, BatchSize, …). */
  readonly values: ReadonlyMap<string, Uint8Array>;
  /** Version and modification policy of each value (what a config update's signatures must satisfy). */
  readonly valueMeta: ReadonlyMap<string, { readonly version: number; readonly modPolicy: string }>;
  /** MSP id of an organisation group, or null. */
  readonly mspId: string | null;
}

/** A channel configuration. */
export interface ChannelConfig {
  readonly channelId: string;
  readonly sequence: number;
  readonly root: ConfigGroupNode;
  /** Every MSP of the channel by id (orderer and application organisations). */
  readonly msps: ReadonlyMap<string, MspDefinition>;
  /** MSP ids of the orderer organisations. */
  readonly ordererOrgs: readonly string[];
  /** MSP ids of the application organisations. */
  readonly applicationOrgs: readonly string[];
  /** Problems found while reading the config (not fatal). */
  readonly problems: readonly string[];
}

function bytesOf(value: Uint8Array | string): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
}

function ouOf(id: msp.FabricOUIdentifier | undefined): OuIdentifier | null {
  if (id === undefined) {
    return null;
  }
  const cert = bytesOf(id.getCertificate());
  return {
    organizationalUnitIdentifier: id.getOrganizationalUnitIdentifier(),
    certificate: cert.length === 0 ? null : cert,
  };
}

function certificates(
  list: readonly (Uint8Array | string)[],
  what: string,
  problems: string[],
): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const pem of list) {
    try {
      out.push(new X509Certificate(Buffer.from(bytesOf(pem))));
    } catch (error) {
      problems.push(`unparsable ${what} certificate: ${(error as Error).message}`);
    }
  }
  return out;
}

/** Parses an `MSPConfig` value. */
export function parseMspConfig(bytes: Uint8Array): MspDefinition {
  const config = msp.MSPConfig.deserializeBinary(bytes);
  const type = config.getType();
  const problems: string[] = [];
  if (type !== 0) {
    return {
      mspId: '',
      type,
      rootCerts: [],
      intermediateCerts: [],
      adminCerts: [],
      revocationList: [],
      organizationalUnitIdentifiers: [],
      nodeOus: null,
      problems: [`MSP type ${type} (not X.509)`],
    };
  }
  const fabric = msp.FabricMSPConfig.deserializeBinary(bytesOf(config.getConfig()));
  const nodeOus = fabric.getFabricNodeOus();
  return {
    mspId: fabric.getName(),
    type,
    rootCerts: certificates(fabric.getRootCertsList(), 'root', problems),
    intermediateCerts: certificates(fabric.getIntermediateCertsList(), 'intermediate', problems),
    adminCerts: certificates(fabric.getAdminsList(), 'admin', problems),
    revocationList: fabric.getRevocationListList().map(bytesOf),
    organizationalUnitIdentifiers: fabric
      .getOrganizationalUnitIdentifiersList()
      .map(ouOf)
      .filter((o): o is OuIdentifier => o !== null),
    nodeOus:
      nodeOus === undefined
        ? null
        : {
            enabled: nodeOus.getEnable(),
            client: ouOf(nodeOus.getClientOuIdentifier()),
            peer: ouOf(nodeOus.getPeerOuIdentifier()),
            admin: ouOf(nodeOus.getAdminOuIdentifier()),
            orderer: ouOf(nodeOus.getOrdererOuIdentifier()),
          },
    problems,
  };
}

const IMPLICIT_RULES: Readonly<Record<number, 'ANY' | 'ALL' | 'MAJORITY'>> = {
  [common.ImplicitMetaPolicy.Rule.ANY]: 'ANY',
  [common.ImplicitMetaPolicy.Rule.ALL]: 'ALL',
  [common.ImplicitMetaPolicy.Rule.MAJORITY]: 'MAJORITY',
};

/** Parses a `common.Policy`. */
export function parsePolicy(policy: common.Policy | undefined): PolicyDefinition {
  if (policy === undefined) {
    return { kind: 'unsupported', type: -1, reason: 'no policy' };
  }
  const value = bytesOf(policy.getValue());
  try {
    switch (policy.getType()) {
      case common.Policy.PolicyType.SIGNATURE:
        return { kind: 'signature', envelope: common.SignaturePolicyEnvelope.deserializeBinary(value) };
      case common.Policy.PolicyType.IMPLICIT_META: {
        const meta = common.ImplicitMetaPolicy.deserializeBinary(value);
        const rule = IMPLICIT_RULES[meta.getRule()];
        if (rule === undefined) {
          return {
            kind: 'unsupported',
            type: policy.getType(),
            reason: `implicit meta rule ${meta.getRule()}`,
          };
        }
        return { kind: 'implicitMeta', rule, subPolicy: meta.getSubPolicy() };
      }
      default:
        return { kind: 'unsupported', type: policy.getType(), reason: `policy type ${policy.getType()}` };
    }
  } catch (error) {
    return { kind: 'unsupported', type: policy.getType(), reason: `unparsable: ${(error as Error).message}` };
  }
}

function parseGroup(
  name: string,
  path: string,
  group: common.ConfigGroup,
  msps: Map<string, MspDefinition>,
  problems: string[],
): ConfigGroupNode {
  const groups = new Map<string, ConfigGroupNode>();
  for (const [childName, child] of entries<common.ConfigGroup>(group.getGroupsMap())) {
    groups.set(childName, parseGroup(childName, `${path}/${childName}`, child, msps, problems));
  }
  const policies = new Map<string, ConfigPolicyEntry>();
  for (const [policyName, entry] of entries<common.ConfigPolicy>(group.getPoliciesMap())) {
    policies.set(policyName, {
      policy: parsePolicy(entry.getPolicy()),
      modPolicy: entry.getModPolicy(),
      version: entry.getVersion(),
    });
  }
  const values = new Map<string, Uint8Array>();
  const valueMeta = new Map<string, { version: number; modPolicy: string }>();
  for (const [valueName, value] of entries<common.ConfigValue>(group.getValuesMap())) {
    values.set(valueName, bytesOf(value.getValue()));
    valueMeta.set(valueName, { version: value.getVersion(), modPolicy: value.getModPolicy() });
  }
  let mspId: string | null = null;
  const mspValue = values.get('MSP');
  if (mspValue !== undefined) {
    try {
      const definition = parseMspConfig(mspValue);
      mspId = definition.mspId;
      problems.push(...definition.problems.map((p) => `${path}: ${p}`));
      if (!msps.has(definition.mspId)) {
        msps.set(definition.mspId, definition);
      }
    } catch (error) {
      problems.push(`${path}: unparsable MSP value: ${(error as Error).message}`);
    }
  }
  return {
    name,
    path,
    version: group.getVersion(),
    modPolicy: group.getModPolicy(),
    groups,
    policies,
    values,
    valueMeta,
    mspId,
  };
}

function orgsOf(group: ConfigGroupNode | undefined): string[] {
  if (group === undefined) {
    return [];
  }
  return [...group.groups.values()].map((g) => g.mspId).filter((m): m is string => m !== null);
}

/** Builds the config tree of a `common.Config`. */
export function parseConfig(config: common.Config, channelId: string): ChannelConfig {
  const msps = new Map<string, MspDefinition>();
  const problems: string[] = [];
  const root = parseGroup(
    'Channel',
    '/Channel',
    config.getChannelGroup() ?? new common.ConfigGroup(),
    msps,
    problems,
  );
  return {
    channelId,
    sequence: config.getSequence(),
    root,
    msps,
    ordererOrgs: orgsOf(root.groups.get('Orderer')),
    applicationOrgs: orgsOf(root.groups.get('Application')),
    problems,
  };
}

/** A CONFIG transaction: the envelope's channel header and its `ConfigEnvelope`. */
export interface ConfigTransaction {
  readonly channelId: string;
  readonly envelope: common.ConfigEnvelope;
  readonly config: ChannelConfig;
}

/** Reads the config of a config block (its only envelope is a CONFIG transaction); null otherwise. */
export function configFromBlock(block: common.Block): ConfigTransaction | null {
  const data = block.getData()?.getDataList_asU8() ?? [];
  const first = data[0];
  if (data.length !== 1 || first === undefined) {
    return null;
  }
  return configFromEnvelope(first);
}

/** Reads the config of a CONFIG envelope; null when the envelope is not a CONFIG transaction. */
export function configFromEnvelope(envelopeBytes: Uint8Array): ConfigTransaction | null {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  if (header.getType() !== common.HeaderType.CONFIG) {
    return null;
  }
  const configEnvelope = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8());
  const config = configEnvelope.getConfig();
  if (config === undefined) {
    throw new Error('CONFIG transaction without a config');
  }
  return {
    channelId: header.getChannelId(),
    envelope: configEnvelope,
    config: parseConfig(config, header.getChannelId()),
  };
}

/** The group at an absolute path (`/Channel/Application`), or null. */
export function groupAt(config: ChannelConfig, path: string): ConfigGroupNode | null {
  const parts = path.split('/').filter((p) => p !== '');
  if (parts[0] !== 'Channel') {
    return null;
  }
  let group: ConfigGroupNode | undefined = config.root;
  for (const part of parts.slice(1)) {
    group = group.groups.get(part);
    if (group === undefined) {
      return null;
    }
  }
  return group;
}

/** The policy at an absolute path (`/Channel/Orderer/BlockValidation`), or null. */
export function policyAt(
  config: ChannelConfig,
  path: string,
): { group: ConfigGroupNode; entry: ConfigPolicyEntry } | null {
  const cut = path.lastIndexOf('/');
  const group = groupAt(config, path.slice(0, cut));
  const entry = group?.policies.get(path.slice(cut + 1));
  return group === null || entry === undefined ? null : { group, entry };
}

/** The organisation group (under `/Channel/Application`) of an MSP id, or null. */
export function applicationOrgGroup(config: ChannelConfig, mspId: string): ConfigGroupNode | null {
  const application = config.root.groups.get('Application');
  return [...(application?.groups.values() ?? [])].find((g) => g.mspId === mspId) ?? null;
}
