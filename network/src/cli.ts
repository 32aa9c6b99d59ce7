/**
 * `npm run network:up | network:down [-- --purge] | network:status [-- --json] | network:deploy`.
 * Exit codes: 0 success, 1 failure (message on stderr), 2 usage error.
 */
import { table } from '../../gateway-client/src/cli/output';
import { FabricNotFoundError, FabricVersionError } from './fabric-home';
import { redactPaths } from './paths';
import { TopologyError } from './topology';
import { networkDeploy, networkDown, networkStatus, networkUp, type NetworkStatus } from './network';

const USAGE = 'usage: network/src/cli.ts up | down [--purge] | status [--json] [--org <name>] | deploy';

function printStatus(status: NetworkStatus): void {
  const rows = status.nodes.map((node) => [
    node.name,
    node.org,
    node.pid === null ? '-' : String(node.pid),
    node.operations,
    node.health,
  ]);
  // health details (probe errors) can be long: wider cells than the CLI's default
  process.stdout.write(`${table(['NODE', 'ORG', 'PID', 'OPERATIONS', 'HEALTH'], rows, 120)}\n`);
  const healthy = status.nodes.filter((node) => node.healthy).length;
  process.stdout.write(`\n${healthy}/${status.nodes.length} nodes healthy\n`);
  if (status.chaincode) {
    process.stdout.write(
      `chaincode catalog: version ${status.chaincode.version}, sequence ${status.chaincode.sequence}\n`,
    );
  } else {
    process.stdout.write(
      `chaincode catalog: not committed${status.chaincodeError ? ` (${status.chaincodeError})` : ''}\n`,
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const orgAt = args.indexOf('--org');
  const org = orgAt >= 0 ? args[orgAt + 1] : undefined;
  if (orgAt >= 0 && (org === undefined || org.startsWith('--'))) {
    process.stderr.write(`--org needs an organisation name\n${USAGE}\n`);
    return 2;
  }
  const rest = orgAt >= 0 ? [...args.slice(0, orgAt), ...args.slice(orgAt + 2)] : args;
  const unknown = rest.filter((flag) => !['--purge', '--json'].includes(flag));
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(' ')}\n${USAGE}\n`);
    return 2;
  }
  switch (command) {
    case 'up':
      await networkUp();
      process.stdout.write('network is up: run `npm run network:status` to see every node\n');
      return 0;
    case 'down': {
      const stopped = await networkDown({ purge: rest.includes('--purge') });
      process.stdout.write(
        `stopped ${stopped.length} processes${stopped.length ? `: ${stopped.join(', ')}` : ''}\n`,
      );
      if (rest.includes('--purge'))
        process.stdout.write('purged ledgers, crypto material, wallet and logs\n');
      return 0;
    }
    case 'status': {
      let status: NetworkStatus;
      try {
        status = await networkStatus(org === undefined ? {} : { org });
      } catch (error) {
        if (error instanceof TopologyError) {
          process.stderr.write(`network: ${error.message}\n`);
          return 2;
        }
        throw error;
      }
      if (rest.includes('--json')) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      else printStatus(status);
      return status.nodes.every((node) => node.healthy) && status.chaincode ? 0 : 1;
    }
    case 'deploy':
      await networkDeploy();
      return 0;
    default:
      process.stderr.write(`${command ? `unknown command ${command}\n` : ''}${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof FabricNotFoundError || error instanceof FabricVersionError;
    const message =
      error instanceof Error
        ? known || !process.env.NRDL_DEBUG
          ? error.message
          : (error.stack ?? error.message)
        : String(error);
    process.stderr.write(`network: ${process.env.NRDL_DEBUG ? message : redactPaths(message)}\n`);
    process.exitCode = 1;
  },
);
