/**
 * `npm run network:up | network:down [-- --purge] | network:status [-- --json] | network:deploy`.
 * Exit codes: 0 success, 1 failure (message on stderr), 2 usage error.
 */
import { table } from '@nrdl-catalog/gateway-client';
import { FabricNotFoundError, FabricVersionError } from './fabric-home';
import { redactPaths } from './paths';
import { TopologyError } from './topology';
import { networkDeploy, networkDown, networkStatus, networkUp, type NetworkStatus } from './network';

const USAGE = 'usage: network/src/cli.ts up | down [--purge] | status [--json] [--org <name>] | deploy';

/** What the CLI runs (unit tests substitute it): the network operations and the output streams. */
export interface CliDeps {
  readonly up: () => Promise<void>;
  readonly down: (options: { purge: boolean }) => Promise<string[]>;
  readonly status: (options: { org?: string }) => Promise<NetworkStatus>;
  readonly deploy: () => Promise<void>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** The real operations on the network in this checkout, printing to stdout and stderr. */
export const NETWORK_CLI: CliDeps = {
  up: () => networkUp(),
  down: (options) => networkDown(options),
  status: (options) => networkStatus(options),
  deploy: () => networkDeploy(),
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
}

/** Runs one network command; resolves with the exit code (0, 1 or 2), rejects when the command fails. */
export async function main(argv: readonly string[], deps: CliDeps = NETWORK_CLI): Promise<number> {
  const [command, ...args] = argv;
  const orgAt = args.indexOf('--org');
  const org = orgAt >= 0 ? args[orgAt + 1] : undefined;
  if (orgAt >= 0 && (org === undefined || org.startsWith('--'))) {
    deps.err(`--org needs an organisation name\n${USAGE}\n`);
    return 2;
  }
  const rest = orgAt >= 0 ? [...args.slice(0, orgAt), ...args.slice(orgAt + 2)] : args;
  const unknown = rest.filter((flag) => !['--purge', '--json'].includes(flag));
  if (unknown.length > 0) {
    deps.err(`unknown option ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case 'up':
      await deps.up();
      deps.out('network is up: run `npm run network:status` to see every node\n');
      return 0;
    case 'down': {
      const stopped = await deps.down({ purge: rest.includes('--purge') });
      deps.out(`stopped ${stopped.length} processes${stopped.length ? `: ${stopped.join(', ')}` : ''}\n`);
      if (rest.includes('--purge')) deps.out('purged ledgers, crypto material, wallet and logs\n');
      return 0;
    }
    case 'status': {
      let status: NetworkStatus;
      try {
        status = await deps.status(org === undefined ? {} : { org });
      } catch (error) {
        if (error instanceof TopologyError) {
          deps.err(`network: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
      if (rest.includes('--json')) deps.out(`${JSON.stringify(status, null, 2)}\n`);
      else printStatus(status, deps.out);
      return status.nodes.every((node) => node.healthy) && status.chaincode ? 0 : 1;
    }
    case 'deploy':
      await deps.deploy();
      return 0;
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
