import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { addOrgsToChannel } from './channel-members';
import type { FabricInstall } from './fabric-home';
import { adminCliEnv, bin } from './node-env';
import { orgPaths, type NetworkPaths } from './paths';
import { runCommand } from './run-command';
import { joinFromSnapshot } from './snapshot-join';
import { ordererOrgs, type OrgSpec, type Topology } from './topology';

/** Path of the channel's genesis block. */
export function channelBlock(topology: Topology, paths: NetworkPaths): string {
  return path.join(paths.channelDir, `${topology.channel.name}.block`);
}

/** The `osnadmin` connection flags of `org`'s orderer (admin endpoint and mutual TLS). */
export function osnadminArgs(_topology: Topology, org: OrgSpec, paths: NetworkPaths): string[] {
  if (!org.orderer) throw new Error(`${org.name} runs no orderer`);
  const tls = orgPaths(paths, org).ordererTls;
  return [
    '-o',
    `${org.host}:${org.orderer.adminPort}`,
    '--ca-file',
    path.join(tls, 'ca.crt'),
    '--client-cert',
    path.join(tls, 'server.crt'),
    '--client-key',
    path.join(tls, 'server.key'),
  ];
}

/**
 * Creates the channel (genesis block from our configtx.yaml, no system channel), joins every
 * orderer with osnadmin and every peer with its org admin. Each step is skipped when already done.
 */
export async function createAndJoinChannel(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  log: (line: string) => void,
  retryDelayMs = 1000,
): Promise<void> {
  const name = topology.channel.name;
  const block = channelBlock(topology, paths);
  const existed = existsSync(block);
  if (!existed) {
    mkdirSync(paths.channelDir, { recursive: true });
    await runCommand(
      bin(fabric, 'configtxgen'),
      [
        '-profile',
        'CatalogChannel',
        '-outputBlock',
        block,
        '-channelID',
        name,
        '-configPath',
        paths.configDir,
      ],
      { ...process.env, FABRIC_CFG_PATH: paths.configDir },
    );
    log(`genesis block of channel ${name} written`);
  }
  await Promise.all(
    ordererOrgs(topology).map(async (org) => {
      // The admin listener can open a moment after the orderer reports healthy (a loaded machine).
      const listed = await retryRefused(
        () =>
          runCommand(
            bin(fabric, 'osnadmin'),
            ['channel', 'list', ...osnadminArgs(topology, org, paths)],
            process.env,
          ),
        retryDelayMs,
      );
      if (listed.includes(`"name": "${name}"`) || listed.includes(`"name":"${name}"`)) return;
      await runCommand(
        bin(fabric, 'osnadmin'),
        [
          'channel',
          'join',
          '--channelID',
          name,
          '--config-block',
          block,
          ...osnadminArgs(topology, org, paths),
        ],
        process.env,
      );
      log(`orderer0.${org.name} joined ${name}`);
    }),
  );
  const pending: OrgSpec[] = [];
  for (const org of topology.orgs) {
    const env = adminCliEnv(topology, org, paths);
    // A restarted peer opens every channel's ledger before its gRPC listener accepts: retry a refusal.
    const listed = await retryRefused(
      () => runCommand(bin(fabric, 'peer'), ['channel', 'list'], env),
      retryDelayMs,
    );
    if (!listed.split('\n').some((line) => line.trim() === name)) pending.push(org);
  }
  // A peer not joined to a channel made before may be of an organisation added to the topology
  // since: the channel's configuration gets it first (a configuration update; no-op for members).
  if (existed && pending.length > 0) await addOrgsToChannel(fabric, topology, paths, log);
  for (const org of pending) {
    if (existed && org.joinFrom !== undefined) {
      const snapshot = await joinFromSnapshot(fabric, topology, org, paths, name);
      log(
        `peer0.${org.name} joined ${name} from ${snapshot.source}'s snapshot at block ${String(snapshot.block)} (the same at ${snapshot.witness})`,
      );
      continue;
    }
    await joinWithRetry(fabric, adminCliEnv(topology, org, paths), block, retryDelayMs);
    log(`peer0.${org.name} joined ${name}`);
  }
}

/** Runs `attempt` again (up to 5 times, waiting longer each time) while it fails with "connection refused". */
async function retryRefused<T>(attempt: () => Promise<T>, retryDelayMs: number): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= 5 || !/connection refused/i.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * tries));
    }
  }
}

async function joinWithRetry(
  fabric: FabricInstall,
  env: NodeJS.ProcessEnv,
  block: string,
  retryDelayMs: number,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runCommand(bin(fabric, 'peer'), ['channel', 'join', '-b', block], env);
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
    }
  }
}
