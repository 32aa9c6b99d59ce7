import { CatalogClientError, IdentityError, redactPaths } from '@nrdl-catalog/gateway-client';
import { CommandContext, DEFAULT_AS, UsageError, str, type ClientFactory } from './context';
import { processOutput, type Output } from './output';
import {
  coverageBatchCommand,
  coverageCommand,
  governanceCommand,
  itemCommand,
  searchCommand,
} from './query-commands';
import { proposalCommand, proposeCommand, versionCommand } from './proposal-commands';
import { apiKeyCommand, serveCommand } from './serve-command';
import { importCommand } from './import-command';
import { AUDIT_USAGE, auditCommand } from './audit-command';

type Command = (ctx: CommandContext, args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  coverage: coverageCommand,
  'coverage-batch': coverageBatchCommand,
  search: searchCommand,
  item: itemCommand,
  propose: proposeCommand,
  proposal: proposalCommand,
  version: versionCommand,
  governance: governanceCommand,
  serve: serveCommand,
  'api-key': apiKeyCommand,
  import: importCommand,
  audit: auditCommand,
};

/** Registers more commands (import, serve, audit) from their own modules. */
export function registerCommand(name: string, command: Command): void {
  COMMANDS[name] = command;
}

/** The help text. */
export const USAGE = `usage: catalog <command> [options]   (every command: --as <org>/<identity>, --wallet <dir>, --json)

  import nrdl <csv> --effective-from D [--approve-as a,b,c] [--chunk-size N]
  import province-items <csv> --province P [--kind service|material] --effective-from D [--approve-as …]
  import nrdl|province-items … [--encoding auto|utf-8|gb18030|gbk]   the CSV's encoding (default auto: UTF-8, else GB18030)
  coverage --province P (--item ID | --name N [--form F]) [--date D] [--age N] [--sex M|F] [--level 1|2|3] [--visit inpatient|outpatient]
  coverage-batch --province P --file claim.json|claim.csv [--encoding auto|utf-8|gb18030]
  search <text> [--prefix] [--province P] [--kind K] [--class 甲|乙] [--section S] [--code C] [--category C] [--limit N] [--bookmark B]
  item <id> [--version N | --date D] [--province P]
  propose --file changes.json --title T [--rationale R] [--scope national|<province>|governance] [--effective-from D] [--approve-as a,b] [--apply]
  proposal list [--status S] [--scope S] [--province P] | show|approve|reject|withdraw|apply <id>
  version list | show [<n>] [--date D] | diff <a> <b>
  governance show | init [--topology F] [--max-chunk N]   (init: once, as nhsa/admin; members from F, default network/topology.json)
  api-key <org>/<identity>                                 prints that identity's API key
  serve [--port 21080] [--keys wallet/api-keys.json]      HTTP API (x-api-key header -> wallet identity)
${AUDIT_USAGE}

  --as defaults to $CATALOG_AS, else ${DEFAULT_AS} (import province-items: <province>/proposer, audit replay: audit/auditor); <org> is a wallet folder (nhsa, guangdong, …).
  A province P is any form the governance record on chain lists: Guangdong, 广东省, 广东, 粤, GD, GuangdongMSP, 440000.
  $CATALOG_CHANNEL selects another channel of the same peers (default: the connection profile's, catalog).
  Exit codes: 0 success, 1 domain error (message starts with its code), 2 usage error.`;

/** Options of {@link runCli} beyond its output and environment. */
export interface RunCliOptions {
  /** Opens the commands' gateway clients (default CatalogClient.connect; tests pass a double). */
  readonly connect?: ClientFactory;
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(
  argv: readonly string[],
  out: Output = processOutput,
  env: NodeJS.ProcessEnv = process.env,
  options: RunCliOptions = {},
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.out(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.err(`unknown command "${name}"\n${USAGE}`);
    return 2;
  }
  let ctx: CommandContext | undefined;
  try {
    const { values, rest } = splitCommon(args);
    if (values.help === true) {
      out.out(USAGE);
      return 0;
    }
    const chosen = str(values, 'as') ?? env.CATALOG_AS;
    const wallet = str(values, 'wallet');
    ctx = new CommandContext(
      out,
      values.json === true,
      chosen ?? DEFAULT_AS,
      wallet,
      chosen !== undefined,
      options.connect,
      env,
    );
    return await command(ctx, wallet === undefined ? rest : withOption(rest, 'wallet', wallet));
  } catch (error) {
    // Messages name files relative to the working directory or the repository, never absolutely;
    // redactPaths is the safety net for messages that come from elsewhere (Node, libraries).
    if (error instanceof UsageError || error instanceof IdentityError) {
      out.err(`${redactPaths(error.message)}\n(run "catalog --help" for usage)`);
      return 2;
    }
    if (error instanceof CatalogClientError) {
      out.err(redactPaths(error.message));
      return 1;
    }
    // The stack (full of absolute paths) only when asked for with CATALOG_DEBUG=1.
    const detail =
      error instanceof Error
        ? env.CATALOG_DEBUG
          ? (error.stack ?? error.message)
          : redactPaths(error.message)
        : String(error);
    out.err(`INTERNAL: ${detail}`);
    return 1;
  } finally {
    ctx?.close();
  }
}

/** Options every command shares, taking a value (`--as X` or `--as=X`). */
const VALUED = ['as', 'wallet'] as const;

/**
 * Pulls the options every command shares (`--json`, `--help`, `--as`, `--wallet`, each value as
 * `--opt X` or `--opt=X`) out of `args`, up to a `--` that ends the options; `rest` is what the
 * command parses.
 */
function splitCommon(args: readonly string[]): {
  values: Record<string, string | boolean>;
  rest: string[];
} {
  const values: Record<string, string | boolean> = {};
  const rest: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--') {
      rest.push(...args.slice(index));
      break;
    }
    const name = VALUED.find((option) => arg === `--${option}` || arg.startsWith(`--${option}=`));
    if (arg === '--json') values.json = true;
    else if (arg === '--help' || arg === '-h') values.help = true;
    else if (name !== undefined && arg.startsWith(`--${name}=`)) {
      const value = arg.slice(name.length + 3);
      if (value === '') throw new UsageError(`--${name} needs a value`);
      values[name] = value;
    } else if (name !== undefined) {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      values[name] = value;
      index += 1;
    } else rest.push(arg);
  }
  return { values, rest };
}

/**
 * `args` with `--name=value` added before any `--`: the one spelling a command that reads a common
 * option itself (serve, api-key: `--wallet`) sees, whichever the user typed.
 */
function withOption(args: readonly string[], name: string, value: string): string[] {
  const end = args.indexOf('--');
  const option = `--${name}=${value}`;
  return end < 0 ? [...args, option] : [...args.slice(0, end), option, ...args.slice(end)];
}
