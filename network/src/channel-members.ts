/**
 * Growing a running channel: organisations of the topology that the channel's configuration does
 * not have yet are added by a configuration update. The update is computed with `configtxlator`
 * from the channel's current configuration block, signed by the admins the channel's
 * `/Channel/Application/Admins` policy needs (MAJORITY Admins: a majority of the application
 * organisations already in the channel, each with its own admin identity) and submitted; the new
 * organisation's peer then joins. A refused update leaves the channel as it was.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { orgSection } from './config-files';
import type { FabricInstall } from './fabric-home';
import { firstOrderer } from './lifecycle';
import { adminCliEnv, bin, ordererArgs } from './node-env';
import type { NetworkPaths } from './paths';
import { runCommand } from './run-command';
import type { OrgSpec, Topology } from './topology';

/** The parts of a decoded `common.Config` (configtxlator's JSON) this module reads and changes. */
export interface ConfigJson {
  readonly channel_group: {
    readonly groups: {
      readonly Application: { readonly groups: Readonly<Record<string, unknown>> } & Record<string, unknown>;
    } & Record<string, unknown>;
  } & Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** MSP ids of the application organisations a channel configuration holds, sorted. */
export function applicationOrgs(config: ConfigJson): string[] {
  return Object.keys(config.channel_group.groups.Application.groups).sort();
}

/** Signatures `MAJORITY Admins` needs among `n` organisations: more than half. */
export function majorityOf(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * The configuration with `orgGroup` (what `configtxgen -printOrg` prints) added to the application
 * group under `mspId`, with the organisation's anchor peer (printOrg prints none).
 */
export function withApplicationOrg(
  config: ConfigJson,
  mspId: string,
  orgGroup: Record<string, unknown>,
  anchor: { readonly host: string; readonly port: number },
): ConfigJson {
  const values = (orgGroup.values ?? {}) as Record<string, unknown>;
  const group = {
    ...orgGroup,
    values: {
      ...values,
      AnchorPeers: {
        mod_policy: 'Admins',
        value: { anchor_peers: [{ host: anchor.host, port: anchor.port }] },
        version: '0',
      },
    },
  };
  const application = config.channel_group.groups.Application;
  return {
    ...config,
    channel_group: {
      ...config.channel_group,
      groups: {
        ...config.channel_group.groups,
        Application: { ...application, groups: { ...application.groups, [mspId]: group } },
      },
    },
  };
}

/** The envelope (configtxlator JSON of `common.Envelope`) that carries a config update to the orderers. */
export function updateEnvelope(channel: string, update: unknown): Record<string, unknown> {
  return {
    payload: {
      header: { channel_header: { channel_id: channel, type: 2 } },
      data: { config_update: update },
    },
  };
}

/** Options of {@link addOrgsToChannel}. */
export interface AddOrgsOptions {
  /**
   * Which existing organisations sign, in order (default: the topology's organisations already in
   * the channel, as many as `MAJORITY Admins` needs). Fewer than the policy needs makes the orderer
   * refuse the update, and the channel stays as it was.
   */
  readonly signers?: readonly OrgSpec[];
}

/** What {@link addOrgsToChannel} did. */
export interface AddOrgsResult {
  /** MSP ids added by this call (in topology order). */
  readonly added: readonly string[];
  /** MSP ids that signed each update. */
  readonly signedBy: readonly string[];
}

/** Thrown when the channel refuses the configuration update (e.g. too few admin signatures). */
export class ChannelUpdateError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ChannelUpdateError';
  }
}

class Lator {
  public constructor(
    private readonly fabric: FabricInstall,
    private readonly dir: string,
  ) {}

  public file(name: string): string {
    return path.join(this.dir, name);
  }

  public async decode(type: string, input: string): Promise<unknown> {
    const output = this.file(`${path.basename(input)}.json`);
    await runCommand(
      bin(this.fabric, 'configtxlator'),
      ['proto_decode', '--type', type, '--input', input, '--output', output],
      process.env,
    );
    return JSON.parse(readFileSync(output, 'utf8')) as unknown;
  }

  public async encode(type: string, value: unknown, name: string): Promise<string> {
    const input = this.file(`${name}.json`);
    const output = this.file(`${name}.pb`);
    writeFileSync(input, JSON.stringify(value));
    await runCommand(
      bin(this.fabric, 'configtxlator'),
      ['proto_encode', '--type', type, '--input', input, '--output', output],
      process.env,
    );
    return output;
  }
}

/** Fetches and decodes the channel's current configuration, as `via`'s admin. */
export async function channelConfig(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  via: OrgSpec,
  dir: string,
): Promise<ConfigJson> {
  const block = path.join(dir, 'config-block.pb');
  await runCommand(
    bin(fabric, 'peer'),
    [
      'channel',
      'fetch',
      'config',
      block,
      '-c',
      topology.channel.name,
      ...ordererArgs(topology, paths, firstOrderer(topology)),
    ],
    adminCliEnv(topology, via, paths),
  );
  const decoded = (await new Lator(fabric, dir).decode('common.Block', block)) as {
    data: { data: [{ payload: { data: { config: ConfigJson } } }] };
  };
  return decoded.data.data[0].payload.data.config;
}

/** What `configtxgen -printOrg` prints for `org`, from a configtx.yaml holding that organisation alone. */
async function printOrg(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  org: OrgSpec,
  dir: string,
): Promise<Record<string, unknown>> {
  const configDir = path.join(dir, `configtx-${org.name}`);
  mkdirSync(configDir, { recursive: true });
  writeFileSync(
    path.join(configDir, 'configtx.yaml'),
    YAML.stringify({ Organizations: [orgSection(topology, org, paths)] }),
  );
  const out = await runCommand(
    bin(fabric, 'configtxgen'),
    ['-printOrg', org.mspId, '-configPath', configDir],
    {
      ...process.env,
      FABRIC_CFG_PATH: configDir,
      FABRIC_LOGGING_SPEC: 'error',
    },
  );
  // the JSON document (the output may carry log lines around it)
  return JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as Record<string, unknown>;
}

/**
 * Adds every organisation of `topology` that the channel lacks, one configuration update each.
 * Idempotent: an organisation already in the channel is left alone (a second run adds nothing).
 */
export async function addOrgsToChannel(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  log: (line: string) => void,
  options: AddOrgsOptions = {},
): Promise<AddOrgsResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'nrdl-config-update-'));
  try {
    const [anchorOrg] = topology.orgs;
    if (!anchorOrg) throw new Error('topology has no organisations');
    let config = await channelConfig(fabric, topology, paths, anchorOrg, dir);
    const added: string[] = [];
    let signedBy: string[] = [];
    for (const org of topology.orgs) {
      const members = applicationOrgs(config);
      if (members.includes(org.mspId)) continue;
      const lator = new Lator(fabric, dir);
      const next = withApplicationOrg(config, org.mspId, await printOrg(fabric, topology, paths, org, dir), {
        host: org.host,
        port: org.peer.port,
      });
      const original = await lator.encode('common.Config', config, `config-${org.name}`);
      const modified = await lator.encode('common.Config', next, `modified-${org.name}`);
      const updatePb = lator.file(`update-${org.name}.pb`);
      await runCommand(
        bin(fabric, 'configtxlator'),
        [
          'compute_update',
          '--channel_id',
          topology.channel.name,
          '--original',
          original,
          '--updated',
          modified,
          '--output',
          updatePb,
        ],
        process.env,
      );
      const update = await lator.decode('common.ConfigUpdate', updatePb);
      const envelope = await lator.encode(
        'common.Envelope',
        updateEnvelope(topology.channel.name, update),
        `envelope-${org.name}`,
      );
      const needed = majorityOf(members.length);
      const signers = (options.signers ?? topology.orgs.filter((o) => members.includes(o.mspId))).slice(
        0,
        needed,
      );
      signedBy = signers.map((s) => s.mspId);
      const last = signers.at(-1);
      if (last === undefined) throw new ChannelUpdateError('no organisation signs the update');
      for (const signer of signers.slice(0, -1)) {
        await runCommand(
          bin(fabric, 'peer'),
          ['channel', 'signconfigtx', '-f', envelope],
          adminCliEnv(topology, signer, paths),
        );
      }
      try {
        // `peer channel update` adds the last signature and submits
        await runCommand(
          bin(fabric, 'peer'),
          [
            'channel',
            'update',
            '-f',
            envelope,
            '-c',
            topology.channel.name,
            ...ordererArgs(topology, paths, firstOrderer(topology)),
          ],
          adminCliEnv(topology, last, paths),
        );
      } catch (error) {
        throw new ChannelUpdateError(
          `channel ${topology.channel.name} refused adding ${org.mspId} (signed by ${signedBy.join(', ')}; ` +
            `its Admins policy needs ${String(needed)} of ${String(members.length)} organisations): ` +
            (error instanceof Error ? error.message : String(error)),
        );
      }
      log(`${org.mspId} added to channel ${topology.channel.name} (signed by ${signedBy.join(', ')})`);
      added.push(org.mspId);
      config = next;
      // read back what the orderers now hold, so that the next organisation's update starts from it
      config = await waitForOrg(fabric, topology, paths, anchorOrg, dir, org.mspId);
    }
    return { added, signedBy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function waitForOrg(
  fabric: FabricInstall,
  topology: Topology,
  paths: NetworkPaths,
  via: OrgSpec,
  dir: string,
  mspId: string,
): Promise<ConfigJson> {
  for (let attempt = 1; ; attempt += 1) {
    const config = await channelConfig(fabric, topology, paths, via, dir);
    if (applicationOrgs(config).includes(mspId)) return config;
    if (attempt >= 20)
      throw new ChannelUpdateError(`${mspId} does not appear in channel ${topology.channel.name}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
