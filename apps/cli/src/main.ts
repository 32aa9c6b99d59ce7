import { langOfEnv, message, parseLang, type Lang } from '@nrdl-catalog/chaincode/messages';
import { CatalogClientError, IdentityError, localMessage, redactPaths } from '@nrdl-catalog/gateway-client';
import { CliCodedError, CommandContext, DEFAULT_AS, UsageError, str, type ClientFactory } from './context';
import { t } from './i18n';
import { processOutput, type Output } from './output';
import { coverageBatchCommand, coverageCommand, governanceCommand, itemCommand } from './query-commands';
import { searchCommand } from './search-command';
import { proposalCommand, proposeCommand, versionCommand } from './proposal-commands';
import { reindexCommand } from './reindex-command';
import { apiKeyCommand, serveCommand } from './serve-command';
import { importCommand } from './import-command';
import { claimCommand } from './claim-command';
import { auditCommand, auditUsage } from './audit-command';

type Command = (ctx: CommandContext, args: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  coverage: coverageCommand,
  'coverage-batch': coverageBatchCommand,
  claim: claimCommand,
  search: searchCommand,
  item: itemCommand,
  propose: proposeCommand,
  reindex: reindexCommand,
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

/** The help text in `lang`: option names as they are typed, their descriptions translated. */
export function usage(lang: Lang): string {
  return t(lang, 'cli.usage.text', { audit: auditUsage(lang), defaultAs: DEFAULT_AS });
}

/** The help text in English. */
export const USAGE = usage('en');

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
  // `--lang` may come first (`catalog --lang zh --help`, `catalog --lang=en coverage …`)
  const leading = leadingLang(argv);
  const [name, ...args] = leading.rest;
  let lang = langOfEnv(env);
  let ctx: CommandContext | undefined;
  try {
    if (leading.lang !== undefined) lang = langOption(leading.lang);
    const { values, rest } = splitCommon(args);
    const chosenLang = str(values, 'lang');
    if (chosenLang !== undefined) lang = langOption(chosenLang);
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      out.out(usage(lang));
      return name === undefined ? 2 : 0;
    }
    const command = COMMANDS[name];
    if (!command) {
      out.err(`${t(lang, 'cli.unknownCommand', { name })}\n${usage(lang)}`);
      return 2;
    }
    if (values.help === true) {
      out.out(usage(lang));
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
      lang,
    );
    return await command(ctx, wallet === undefined ? rest : withOption(rest, 'wallet', wallet));
  } catch (error) {
    // Messages name files relative to the working directory or the repository, never absolutely;
    // redactPaths is the safety net for messages that come from elsewhere (Node, libraries).
    if (error instanceof UsageError || error instanceof IdentityError) {
      const text =
        error instanceof UsageError
          ? error.text(lang)
          : lang === 'en'
            ? error.message
            : message(lang, 'error.IDENTITY', { detail: error.message });
      out.err(`${redactPaths(text)}\n${t(lang, 'cli.helpHint')}`);
      return 2;
    }
    if (error instanceof CatalogClientError) {
      // The code stays; the text in the command's language (English: the message as raised).
      const text =
        error instanceof CliCodedError
          ? error.text(lang)
          : lang === 'en'
            ? error.message
            : localMessage(error, lang);
      out.err(redactPaths(text));
      return 1;
    }
    // The stack (full of absolute paths) only when asked for with CATALOG_DEBUG=1.
    const detail =
      error instanceof Error
        ? env.CATALOG_DEBUG
          ? (error.stack ?? error.message)
          : redactPaths(error.message)
        : String(error);
    out.err(`INTERNAL: ${lang === 'en' ? detail : message(lang, 'error.INTERNAL', { detail })}`);
    return 1;
  } finally {
    ctx?.close();
  }
}

/** Options every command shares, taking a value (`--as X` or `--as=X`). */
const VALUED = ['as', 'wallet', 'lang'] as const;

/** The language `--lang` names (zh, en; also zh-CN, en-GB, 中文), else a usage error. */
function langOption(value: string): Lang {
  const lang = parseLang(value);
  if (lang === null) throw new UsageError('cli.usage.badLang', { value });
  return lang;
}

/** A `--lang` given before the command (`catalog --lang zh --help`), and the arguments after it. */
function leadingLang(argv: readonly string[]): { lang: string | undefined; rest: readonly string[] } {
  const [first, second] = argv;
  if (first === '--lang' && second !== undefined && !second.startsWith('--'))
    return { lang: second, rest: argv.slice(2) };
  if (first?.startsWith('--lang=') === true)
    return { lang: first.slice('--lang='.length), rest: argv.slice(1) };
  return { lang: undefined, rest: argv };
}

/**
 * Pulls the options every command shares (`--json`, `--help`, `--as`, `--wallet`, `--lang`, each value as
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
      if (value === '') throw new UsageError('cli.usage.needsValue', { name });
      values[name] = value;
    } else if (name !== undefined) {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--'))
        throw new UsageError('cli.usage.needsValue', { name });
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
