import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connectionProfilePath, orgPaths, type NetworkPaths } from './paths';
import { peerName, type OrgSpec, type Topology } from './topology';
import type { ConnectionProfile } from '@nrdl-catalog/gateway-client';

export type { ConnectionProfile };

/** The connection profile of `org` (needs the org's CA certificate on disk). */
export function connectionProfile(topology: Topology, org: OrgSpec, paths: NetworkPaths): ConnectionProfile {
  return {
    org: org.name,
    mspId: org.mspId,
    peerEndpoint: `${org.host}:${org.peer.port}`,
    peerHostAlias: peerName(org),
    tlsRootCert: readFileSync(orgPaths(paths, org).caCert, 'utf8'),
    channel: topology.channel.name,
    chaincode: topology.chaincode.name,
  };
}

/** Writes every organisation's connection profile into the wallet. */
export function writeConnectionProfiles(topology: Topology, paths: NetworkPaths): void {
  for (const org of topology.orgs) {
    const file = connectionProfilePath(paths, org.name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(connectionProfile(topology, org, paths), null, 2) + '\n');
  }
}
