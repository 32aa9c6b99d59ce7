import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { FabricInstall } from './fabric-home';
import { orgPaths, type NetworkPaths } from './paths';
import { ordererOrgs, type OrgSpec, type Topology } from './topology';

/** Name under which the peers know our Node chaincode builder (and the package `type` it detects). */
export const BUILDER_NAME = 'catalog-node';

/** Environment variables the peers pass on to the chaincode builder, besides Fabric's defaults. */
export const BUILDER_ENV = ['NRDL_NETWORK_DATA', 'NODE_OPTIONS'];

/**
 * Node options of the chaincode processes (through the peer's NODE_OPTIONS, which the builder's
 * scripts get): an 80 MB old generation and 4 MB semi-spaces. V8 otherwise lets the heap of a
 * long-lived process grow to what the machine's memory allows before collecting — after a full
 * import a chaincode process held about 250 MB although what it keeps alive is far less. The
 * benchmark (`npm run bench`) reports every chaincode process's RSS before and after the import
 * and under load.
 */
export const CHAINCODE_NODE_OPTIONS = '--max-old-space-size=80 --max-semi-space-size=4';

/**
 * Writes the run-time configuration folder: Fabric's own `core.yaml` with our external builder
 * added (lists cannot be set by environment variables), Fabric's `orderer.yaml` as it is, and our
 * generated `configtx.yaml`. Fabric's files are read from the installation found, never committed.
 */
export function writeConfigFolder(fabric: FabricInstall, topology: Topology, paths: NetworkPaths): void {
  mkdirSync(paths.configDir, { recursive: true });
  const core = YAML.parse(readFileSync(path.join(fabric.configDir, 'core.yaml'), 'utf8')) as {
    chaincode: Record<string, unknown>;
  };
  core.chaincode.externalBuilders = [
    { name: BUILDER_NAME, path: path.join(paths.buildersDir, 'node'), propagateEnvironment: BUILDER_ENV },
  ];
  writeFileSync(path.join(paths.configDir, 'core.yaml'), YAML.stringify(core));
  copyFileSync(path.join(fabric.configDir, 'orderer.yaml'), path.join(paths.configDir, 'orderer.yaml'));
  writeFileSync(path.join(paths.configDir, 'configtx.yaml'), YAML.stringify(configtx(topology, paths)));
}

function signature(rule: string): { Type: string; Rule: string } {
  return { Type: 'Signature', Rule: rule };
}

function implicit(rule: string): { Type: string; Rule: string } {
  return { Type: 'ImplicitMeta', Rule: rule };
}

/** One organisation's section of configtx.yaml (MSP folder, policies, anchor peer, orderer endpoint). */
export function orgSection(_topology: Topology, org: OrgSpec, paths: NetworkPaths): Record<string, unknown> {
  const section: Record<string, unknown> = {
    Name: org.mspId,
    ID: org.mspId,
    MSPDir: orgPaths(paths, org).orgMsp,
    Policies: {
      Readers: signature(`OR('${org.mspId}.member')`),
      Writers: signature(`OR('${org.mspId}.member')`),
      Admins: signature(`OR('${org.mspId}.admin')`),
      Endorsement: signature(`OR('${org.mspId}.peer')`),
    },
    AnchorPeers: [{ Host: org.host, Port: org.peer.port }],
  };
  if (org.orderer) section.OrdererEndpoints = [`${org.host}:${org.orderer.port}`];
  return section;
}

/** The channel profile `CatalogChannel`: Raft ordering by the orderer orgs, every org in the application. */
export function configtx(topology: Topology, paths: NetworkPaths): Record<string, unknown> {
  const orgs = topology.orgs.map((org) => orgSection(topology, org, paths));
  const ordererMspIds = new Set(ordererOrgs(topology).map((org) => org.mspId));
  const channel = topology.channel;
  return {
    Organizations: orgs,
    Profiles: {
      CatalogChannel: {
        Policies: {
          Readers: implicit('ANY Readers'),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Capabilities: { V3_0: true },
        Orderer: {
          OrdererType: 'etcdraft',
          BatchTimeout: channel.batchTimeout,
          BatchSize: {
            MaxMessageCount: channel.maxMessageCount,
            AbsoluteMaxBytes: channel.absoluteMaxBytes,
            PreferredMaxBytes: channel.preferredMaxBytes,
          },
          EtcdRaft: {
            Consenters: ordererOrgs(topology).map((org) => {
              const tls = path.join(orgPaths(paths, org).ordererTls, 'server.crt');
              return { Host: org.host, Port: org.orderer.port, ClientTLSCert: tls, ServerTLSCert: tls };
            }),
            Options: {
              TickInterval: '250ms',
              ElectionTick: 10,
              HeartbeatTick: 1,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
          // In the Orderer group an orderer organisation's Writers are its orderer nodes only, so that
          // BlockValidation (ANY Writers) is met by an orderer's signature and by no peer, client or
          // admin certificate of the same organisation.
          Organizations: orgs
            .filter((org) => ordererMspIds.has(String(org.ID)))
            .map((org) => ({
              ...org,
              Policies: {
                ...(org.Policies as Record<string, unknown>),
                Writers: signature(`OR('${String(org.ID)}.orderer')`),
              },
            })),
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            BlockValidation: implicit('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: orgs,
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            LifecycleEndorsement: implicit('MAJORITY Endorsement'),
            Endorsement: implicit('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}
