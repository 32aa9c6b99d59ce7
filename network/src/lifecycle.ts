import { msp, peer } from '@hyperledger/fabric-protos';
import { orgPaths, REPO_ROOT, type NetworkPaths } from './paths';
import { adminCliEnv, bin, ordererArgs } from './node-env';
import { buildChaincodePackage, contentHash, type ChaincodePackage } from './chaincode-package';
import { recordDeployment, sourceCommit } from './deployments';
import type { FabricInstall } from './fabric-home';
import { runCommand } from './run-command';
import { ordererOrgs, type OrgSpec, type Topology } from './topology';

/** The chaincode definition committed on the channel, if any. */
export interface CommittedChaincode {
  readonly version: string;
  readonly sequence: number;
  /** MSP ids whose peers the definition's endorsement policy names (sorted; empty when not a signature policy). */
  readonly endorsers?: readonly string[];
}

/** MSP ids of the `'X.peer'` principals of a signature policy string such as `OutOf(2, 'A.peer', 'B.peer')`, sorted. */
export function policyStringOrgs(policy: string): string[] {
  return [
    ...new Set([...policy.matchAll(/'([A-Za-z0-9.-]+)\.(?:peer|member|admin)'/g)].map((m) => m[1] ?? '')),
  ].sort();
}

/** MSP ids of the principals of a definition's `validation_parameter` (a serialised ApplicationPolicy), sorted. */
export function validationParameterOrgs(base64: string): string[] {
  const policy = peer.ApplicationPolicy.deserializeBinary(Buffer.from(base64, 'base64'));
  const envelope = policy.getSignaturePolicy();
  if (envelope === undefined) return [];
  const out = new Set<string>();
  for (const principal of envelope.getIdentitiesList()) {
    if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) continue;
    out.add(msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier());
  }
  return [...out].sort();
}

/** Asks `org`'s peer which definition of the catalog chaincode is committed. */
export async function queryCommitted(
  fabric: FabricInstall,
  topology: Topology,
  org: OrgSpec,
  paths: NetworkPaths,
): Promise<CommittedChaincode | null> {
  try {
    const out = await runCommand(
      bin(fabric, 'peer'),
      [
        'lifecycle',
        'chaincode',
        'querycommitted',
        '-C',
        topology.channel.name,
        '-n',
        topology.chaincode.name,
        '--output',
        'json',
      ],
      adminCliEnv(topology, org, paths),
    );
    const parsed = JSON.parse(out.slice(out.indexOf('{'))) as {
      version: string;
      sequence: number;
      validation_parameter?: string;
    };
    const committed = { version: parsed.version, sequence: parsed.sequence };
    return parsed.validation_parameter === undefined
      ? committed
      : { ...committed, endorsers: validationParameterOrgs(parsed.validation_parameter) };
  } catch (error) {
    if (error instanceof Error && /not found|404/i.test(error.message)) return null;
    throw error;
  }
}

/** The first orderer organisation of the topology (where CLI calls send transactions). */
export function firstOrderer(topology: Topology): OrgSpec {
  const [org] = ordererOrgs(topology);
  if (!org) throw new Error('topology has no orderer');
  return org;
}

function definitionArgs(
  topology: Topology,
  pkg: Pick<ChaincodePackage, 'version'>,
  sequence: number,
): string[] {
  return [
    '-C',
    topology.channel.name,
    '-n',
    topology.chaincode.name,
    '--version',
    pkg.version,
    '--sequence',
    String(sequence),
    '--signature-policy',
    topology.chaincode.endorsementPolicy,
  ];
}

async function installEverywhere(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  pkg: ChaincodePackage,
  log: (line: string) => void,
): Promise<void> {
  await Promise.all(
    topology.orgs.map(async (org) => {
      const env = adminCliEnv(topology, org, paths);
      const installed = await runCommand(
        bin(fabric, 'peer'),
        ['lifecycle', 'chaincode', 'queryinstalled'],
        env,
      );
      if (installed.includes(pkg.packageId)) return;
      await runCommand(bin(fabric, 'peer'), ['lifecycle', 'chaincode', 'install', pkg.file], env, 600_000);
      log(`installed ${pkg.label} on peer0.${org.name}`);
    }),
  );
}

async function approvals(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  pkg: ChaincodePackage,
  sequence: number,
): Promise<Record<string, boolean>> {
  const [org] = topology.orgs;
  if (!org) throw new Error('topology has no organisations');
  const out = await runCommand(
    bin(fabric, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'checkcommitreadiness',
      ...definitionArgs(topology, pkg, sequence),
      '--output',
      'json',
    ],
    adminCliEnv(topology, org, paths),
  );
  return (JSON.parse(out.slice(out.indexOf('{'))) as { approvals: Record<string, boolean> }).approvals;
}

/**
 * Installs a chaincode package file on one organisation's peer (no-op when it is installed already).
 */
export async function installPackageOn(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  org: OrgSpec,
  pkg: Pick<ChaincodePackage, 'file' | 'packageId'>,
): Promise<void> {
  const env = adminCliEnv(topology, org, paths);
  const installed = await runCommand(bin(fabric, 'peer'), ['lifecycle', 'chaincode', 'queryinstalled'], env);
  if (installed.includes(pkg.packageId)) return;
  await runCommand(bin(fabric, 'peer'), ['lifecycle', 'chaincode', 'install', pkg.file], env, 600_000);
}

/**
 * Approves the chaincode definition `sequence` (version, policy as in the topology) for one
 * organisation with the given package. Fabric lets every organisation choose the package its own
 * peer runs for a definition, also after the definition was committed — which is exactly why the
 * endorsement policies, not the definition, must stop one organisation from writing alone.
 */
export async function approveForOrg(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  org: OrgSpec,
  pkg: Pick<ChaincodePackage, 'packageId' | 'version'>,
  sequence: number,
): Promise<void> {
  await runCommand(
    bin(fabric, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...definitionArgs(topology, pkg, sequence),
      '--package-id',
      pkg.packageId,
      ...ordererArgs(topology, paths, firstOrderer(topology)),
      '--waitForEvent',
    ],
    adminCliEnv(topology, org, paths),
  );
}

/**
 * Deploys the chaincode in `chaincode/`: packages it, installs it on every peer, approves the
 * definition for every organisation and commits it. When the committed definition already has this
 * package's version nothing changes; otherwise the sequence goes up by one (an upgrade).
 */
export async function deployChaincode(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  log: (line: string) => void,
): Promise<{ pkg: ChaincodePackage; sequence: number; changed: boolean }> {
  const pkg = buildChaincodePackage(paths, topology.chaincode.name);
  log(`package ${pkg.label} (${pkg.packageId.slice(-12)})`);
  const [anchor] = topology.orgs;
  if (!anchor) throw new Error('topology has no organisations');
  const committed = await queryCommitted(fabric, topology, anchor, paths);
  await installEverywhere(fabric, topology, paths, pkg, log);
  const record = (sequence: number): void => {
    recordDeployment(paths, {
      channel: topology.channel.name,
      chaincode: topology.chaincode.name,
      sequence,
      version: pkg.version,
      packageId: pkg.packageId,
      contentHash: contentHash(),
      sourceCommit: sourceCommit(REPO_ROOT),
      committedAt: new Date().toISOString(),
    });
  };
  // A new organisation in the endorsement policy is a new definition too (the same package, the
  // next sequence, approved again by every organisation: a peer whose organisation has not approved
  // the definition in force does not endorse).
  const samePolicy =
    committed?.endorsers === undefined ||
    committed.endorsers.join(',') === policyStringOrgs(topology.chaincode.endorsementPolicy).join(',');
  if (committed?.version === pkg.version && samePolicy) {
    record(committed.sequence);
    return { pkg, sequence: committed.sequence, changed: false };
  }
  const sequence = (committed?.sequence ?? 0) + 1;
  const approved = await approvals(fabric, topology, paths, pkg, sequence);
  await Promise.all(
    topology.orgs
      .filter((org) => approved[org.mspId] !== true)
      .map(async (org) => {
        await approveForOrg(fabric, topology, paths, org, pkg, sequence);
        log(`approved sequence ${sequence} for ${org.mspId}`);
      }),
  );
  const peerArgs = topology.orgs.flatMap((org) => [
    '--peerAddresses',
    `${org.host}:${org.peer.port}`,
    '--tlsRootCertFiles',
    orgPaths(paths, org).caCert,
  ]);
  await runCommand(
    bin(fabric, 'peer'),
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...definitionArgs(topology, pkg, sequence),
      ...ordererArgs(topology, paths, firstOrderer(topology)),
      ...peerArgs,
      '--waitForEvent',
    ],
    adminCliEnv(topology, anchor, paths),
  );
  log(`committed ${topology.chaincode.name} version ${pkg.version} sequence ${sequence}`);
  record(sequence);
  return { pkg, sequence, changed: true };
}

/** Starts the chaincode on every peer by evaluating `System:WhoAmI` as each org's admin. */
export async function warmUpChaincode(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  retryDelayMs = 1000,
): Promise<void> {
  await Promise.all(
    topology.orgs.map(async (org) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await runCommand(
            bin(fabric, 'peer'),
            [
              'chaincode',
              'query',
              '-C',
              topology.channel.name,
              '-n',
              topology.chaincode.name,
              '-c',
              '{"function":"System:WhoAmI","Args":[]}',
            ],
            adminCliEnv(topology, org, paths),
            180_000,
          );
          return;
        } catch (error) {
          if (attempt >= 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
        }
      }
    }),
  );
}
