/**
 * `npm run network:up | network:down [-- --purge] | network:status [-- --json] | network:deploy |
 * network:renew -- --org <name> [--node …]`.
 * Exit codes: 0 success, 1 failure (message on stderr), 2 usage error.
 */
import { table } from '@nrdl-catalog/gateway-client';
import { backupOrg, restoreOrg, type BackupOptions, type BackupResult } from './backup';
import { FabricNotFoundError, FabricVersionError } from './fabric-home';
import { formatBytes, type OperationsThresholds } from './operations';
import { redactPaths } from './paths';
import { TopologyError } from './topology';
import {
  networkDeploy,
  networkDown,
  networkStatus,
  networkUp,
  type NetworkStatus,
  type StatusOptions,
} from './network';
import {
  RENEW_TARGETS,
  renewCertificates,
  type RenewOptions,
  type RenewResult,
  type RenewTarget,
} from './renew';

const USAGE =
  'usage: network/src/cli.ts up | down [--purge] | status [--json] [--org <name>] [--cert-warn-days N] ' +
  '[--disk-warn-percent P] [--disk-warn-gib G] | deploy | renew --org <name> [--node peer|orderer|identities|all] [--json] | ' +
  'backup --org <name> --to <dir> | restore --org <name> --from <dir>';

/** What the CLI runs (unit tests substitute it): the network operations and the output streams. */
export interface CliDeps {
  readonly up: () => Promise<void>;
  readonly down: (options: { purge: boolean }) => Promise<string[]>;
  readonly status: (options: Pick<StatusOptions, 'org' | 'thresholds'>) => Promise<NetworkStatus>;
  readonly deploy: () => Promise<void>;
  readonly renew: (options: RenewOptions) => Promise<RenewResult>;
  readonly backup: (options: BackupOptions) => Promise<BackupResult>;
  readonly restore: (options: BackupOptions) => Promise<BackupResult>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

function stderrLog(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/** The real operations on the network in this checkout, printing to stdout and stderr. */
export const NETWORK_CLI: CliDeps = {
  up: () => networkUp(),
  down: (options) => networkDown(options),
  status: (options) => networkStatus(options),
  deploy: () => networkDeploy(),
  renew: (options) =>
    renewCertificates({
      ...options,
      log: (line) => {
        process.stderr.write(`  ${line}\n`);
      },
    }),
  backup: (options) => backupOrg({ ...options, log: stderrLog }),
  restore: (options) => restoreOrg({ ...options, log: stderrLog }),
  out: (text) => {
    process.stdout.write(text);
  },
  err: (text) => {
    process.stderr.write(text);
  },
};

function printStatus(status: NetworkStatus, out: (text: string) => void): void {
  const rows = status.nodes.map((node) => [
    node.name,
    node.org,
    node.pid === null ? '-' : String(node.pid),
    node.operations,
    node.health,
  ]);
  // health details (probe errors) can be long: wider cells than the CLI's default
  out(`${table(['NODE', 'ORG', 'PID', 'OPERATIONS', 'HEALTH'], rows, 120)}\n`);
  const healthy = status.nodes.filter((node) => node.healthy).length;
  out(`\n${healthy}/${status.nodes.length} nodes healthy\n`);
  if (status.chaincode) {
    out(`chaincode catalog: version ${status.chaincode.version}, sequence ${status.chaincode.sequence}\n`);
  } else {
    out(`chaincode catalog: not committed${status.chaincodeError ? ` (${status.chaincodeError})` : ''}\n`);
  }
  const { certWarnDays, diskWarnPercent, diskWarnGiB } = status.thresholds;
  const certificates = status.certificates.map((entry) => [
    entry.owner,
    entry.kind,
    entry.notAfter === null ? '-' : entry.notAfter.replace('.000Z', 'Z'),
    entry.daysLeft === null ? '-' : String(entry.daysLeft),
    entry.warning === null ? 'ok' : `WARNING ${entry.warning}`,
  ]);
  out(`\ncertificates (warning under ${String(certWarnDays)} days left):\n`);
  out(`${table(['OWNER', 'KIND', 'NOT AFTER (UTC)', 'DAYS LEFT', 'STATUS'], certificates, 100)}\n`);
  const disks = status.disks.map((entry) => [
    entry.node,
    entry.folder,
    formatBytes(entry.ledgerBytes),
    formatBytes(entry.freeBytes),
    formatBytes(entry.totalBytes),
    `${entry.freePercent.toFixed(1)} %`,
    entry.warning === null ? 'ok' : `WARNING ${entry.warning}`,
  ]);
  out(`\nledger folders (warning under ${String(diskWarnPercent)} % or ${String(diskWarnGiB)} GiB free):\n`);
  out(`${table(['NODE', 'FOLDER', 'LEDGER', 'FREE', 'SIZE', 'FREE %', 'STATUS'], disks, 100)}\n`);
  out(
    status.warnings.length === 0
      ? '\nno warnings\n'
      : `\n${String(status.warnings.length)} warning(s):\n${status.warnings.map((line) => `  ${line}`).join('\n')}\n`,
  );
}

function printRenewal(result: RenewResult, out: (text: string) => void): void {
  const rows = result.renewed.map((entry) => [
    entry.owner,
    entry.kind,
    entry.before.replace('.000Z', 'Z'),
    entry.after.replace('.000Z', 'Z'),
    entry.serial,
  ]);
  out(`${table(['OWNER', 'KIND', 'NOT AFTER BEFORE', 'NOT AFTER NOW', 'NEW SERIAL'], rows, 100)}\n`);
  for (const restart of result.restarted) {
    out(
      `restarted ${restart.node} (pid ${String(restart.pid)}): healthy again after ${String(restart.ms)} ms\n`,
    );
  }
}

/** Flags that take a value, and the flags that stand alone. */
const VALUED = [
  '--org',
  '--node',
  '--to',
  '--from',
  '--cert-warn-days',
  '--disk-warn-percent',
  '--disk-warn-gib',
];
const ALONE = ['--purge', '--json'];

class UsageError extends Error {}

function parseFlags(args: readonly string[]): { values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let at = 0; at < args.length; at += 1) {
    const arg = args[at] ?? '';
    if (VALUED.includes(arg)) {
      const value = args[at + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(arg === '--org' ? '--org needs an organisation name' : `${arg} needs a value`);
      }
      values.set(arg, value);
      at += 1;
    } else if (ALONE.includes(arg)) {
      flags.add(arg);
    } else {
      throw new UsageError(`unknown option ${args.slice(at).join(' ')}`);
    }
  }
  return { values, flags };
}

function thresholdsOf(values: Map<string, string>): Partial<OperationsThresholds> {
  const thresholds: { -readonly [K in keyof OperationsThresholds]?: number } = {};
  const keys: [string, keyof OperationsThresholds][] = [
    ['--cert-warn-days', 'certWarnDays'],
    ['--disk-warn-percent', 'diskWarnPercent'],
    ['--disk-warn-gib', 'diskWarnGiB'],
  ];
  for (const [flag, key] of keys) {
    const raw = values.get(flag);
    if (raw === undefined) continue;
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`${flag} needs a number >= 0, got ${JSON.stringify(raw)}`);
    }
    thresholds[key] = value;
  }
  return thresholds;
}

/** Runs one network command; resolves with the exit code (0, 1 or 2), rejects when the command fails. */
export async function main(argv: readonly string[], deps: CliDeps = NETWORK_CLI): Promise<number> {
  const [command, ...args] = argv;
  let values: Map<string, string>;
  let flags: Set<string>;
  let thresholds: Partial<OperationsThresholds>;
  try {
    ({ values, flags } = parseFlags(args));
    thresholds = thresholdsOf(values);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    deps.err(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const org = values.get('--org');
  switch (command) {
    case 'up':
      await deps.up();
      deps.out('network is up: run `npm run network:status` to see every node\n');
      return 0;
    case 'down': {
      const stopped = await deps.down({ purge: flags.has('--purge') });
      deps.out(`stopped ${stopped.length} processes${stopped.length ? `: ${stopped.join(', ')}` : ''}\n`);
      if (flags.has('--purge')) deps.out('purged ledgers, crypto material, wallet and logs\n');
      return 0;
    }
    case 'status': {
      let status: NetworkStatus;
      try {
        status = await deps.status({ ...(org === undefined ? {} : { org }), thresholds });
      } catch (error) {
        if (error instanceof TopologyError) {
          deps.err(`network: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
      if (flags.has('--json')) deps.out(`${JSON.stringify(status, null, 2)}\n`);
      else printStatus(status, deps.out);
      return status.nodes.every((node) => node.healthy) && status.chaincode ? 0 : 1;
    }
    case 'deploy':
      await deps.deploy();
      return 0;
    case 'renew': {
      const node = values.get('--node') ?? 'all';
      if (org === undefined || !(RENEW_TARGETS as readonly string[]).includes(node)) {
        deps.err(
          `${org === undefined ? 'renew needs --org <name>' : `--node must be one of ${RENEW_TARGETS.join(', ')}`}\n${USAGE}\n`,
        );
        return 2;
      }
      let result: RenewResult;
      try {
        result = await deps.renew({ org, target: node as RenewTarget });
      } catch (error) {
        if (error instanceof TopologyError) {
          deps.err(`network: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
      if (flags.has('--json')) deps.out(`${JSON.stringify(result, null, 2)}\n`);
      else printRenewal(result, deps.out);
      return 0;
    }
    case 'backup':
    case 'restore': {
      const dir = values.get(command === 'backup' ? '--to' : '--from');
      if (org === undefined || dir === undefined) {
        deps.err(
          `${command} needs --org <name> and ${command === 'backup' ? '--to' : '--from'} <dir>\n${USAGE}\n`,
        );
        return 2;
      }
      let done: BackupResult;
      try {
        done = await (command === 'backup' ? deps.backup : deps.restore)({ org, dir });
      } catch (error) {
        if (error instanceof TopologyError) {
          deps.err(`network: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
      if (flags.has('--json')) {
        deps.out(`${JSON.stringify(done, null, 2)}\n`);
      } else {
        const parts = done.manifest.parts.map((part) => `${part.name} ${formatBytes(part.bytes)}`).join(', ');
        deps.out(
          `${command === 'backup' ? 'backed up' : 'restored'} ${done.manifest.nodes.join(' and ')} ` +
            `(backup of ${done.manifest.createdAt}: ${parts}); down for ${String(done.downtimeMs)} ms\n`,
        );
      }
      return 0;
    }
    default:
      deps.err(`${command ? `unknown command ${command}\n` : ''}${USAGE}\n`);
      return 2;
  }
}

/** The message `network:` prints for a failed command: paths redacted, stack only with NRDL_DEBUG. */
export function failureMessage(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const known = error instanceof FabricNotFoundError || error instanceof FabricVersionError;
  const message =
    error instanceof Error
      ? known || !env.NRDL_DEBUG
        ? error.message
        : (error.stack ?? error.message)
      : String(error);
  return env.NRDL_DEBUG ? message : redactPaths(message);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`network: ${failureMessage(error)}\n`);
      process.exitCode = 1;
    },
  );
}
