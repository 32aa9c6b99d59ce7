import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Governance } from '@nrdl-catalog/chaincode/model';
import { isMessageKey, type Lang, type Params } from '@nrdl-catalog/chaincode/messages';
import {
  CatalogClient,
  CatalogClientError,
  parseHumanDate,
  type CatalogClientOptions,
} from '@nrdl-catalog/gateway-client';
import { toJson, type Output } from './output';
import { provinceNamer, t, type CliKey } from './i18n';

/**
 * A command-line mistake: exit code 2 with the usage text. Made from a `cli.` key of the catalogue
 * and its parameters (its `message` is the English text; {@link UsageError.text} any language's);
 * a plain text (a library's message) is shown as it is in every language.
 */
export class UsageError extends Error {
  /** The catalogue key, or null for a plain text. */
  public readonly key: CliKey | null;
  public readonly params: Params;

  public constructor(key: CliKey | (string & NonNullable<unknown>), params: Params = {}) {
    const known = key.startsWith('cli.') && isMessageKey(key) ? (key as CliKey) : null;
    super(known === null ? key : t('en', known, params));
    this.name = 'UsageError';
    this.key = known;
    this.params = params;
  }

  /** The message in `lang`. */
  public text(lang: Lang): string {
    return this.key === null ? this.message : t(lang, this.key, this.params);
  }
}

/**
 * A coded domain error the CLI raises itself (exit 1, `CODE: text`), its text a `cli.` key of the
 * catalogue: English in `message`, any language from {@link CliCodedError.text}.
 */
export class CliCodedError extends CatalogClientError {
  public constructor(
    code: string,
    public readonly key: CliKey,
    public readonly keyParams: Params = {},
    options: { readonly cause?: unknown } = {},
  ) {
    super(code, t('en', key, keyParams), options);
  }

  /** `CODE: text` in `lang`. */
  public text(lang: Lang): string {
    return `${this.code}: ${t(lang, this.key, this.keyParams)}`;
  }
}

/** The default identity when neither `--as` nor `CATALOG_AS` is given. */
export const DEFAULT_AS = 'nhsa/proposer';

/**
 * The wallet folder when `--wallet` is not given: `$CATALOG_WALLET`, else `wallet/` in the working
 * directory (where `npm run network:up` enrols the identities when run from the repository).
 */
export function defaultWalletDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const chosen = env.CATALOG_WALLET;
  return chosen === undefined || chosen === '' ? path.resolve(cwd, 'wallet') : path.resolve(cwd, chosen);
}

/** Opens a gateway client: {@link CatalogClient.connect}, or a test double. */
export type ClientFactory = (options: Readonly<CatalogClientOptions>) => CatalogClient;

/** What every command gets: parsed options, output, and a lazily opened client. */
export class CommandContext {
  private opened: CatalogClient | undefined;
  private governanceRead: Promise<Governance> | undefined;
  /** The wallet folder: `--wallet`, else {@link defaultWalletDir}. */
  public readonly walletDir: string;

  public constructor(
    public readonly out: Output,
    public readonly json: boolean,
    private identity: string,
    /** The wallet folder from `--wallet` (undefined: {@link defaultWalletDir}). */
    walletDir: string | undefined,
    /** Whether the identity came from `--as` / `CATALOG_AS` rather than the default. */
    private readonly identityGiven = true,
    private readonly connect: ClientFactory = (options) => CatalogClient.connect(options),
    /** The environment `CATALOG_CHANNEL` and `CATALOG_WALLET` come from. */
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The language of everything a person reads (`--lang`, else the locale); JSON is never translated. */
    public readonly lang: Lang = 'en',
  ) {
    this.walletDir = walletDir ?? defaultWalletDir(env);
  }

  /** The CLI message `key` in the command's language. */
  public t(key: CliKey, params: Params = {}): string {
    return t(this.lang, key, params);
  }

  /**
   * How provinces are shown: their Chinese names (from the governance record, read once) when the
   * command speaks Chinese, else the canonical names as the chain stores them (no read). A name the
   * record does not list, or a record that cannot be read, shows as it is.
   */
  public async provinceNames(): Promise<(name: string) => string> {
    if (this.lang === 'en' || this.json) return provinceNamer('en', null);
    try {
      return provinceNamer(this.lang, await this.governance());
    } catch {
      return provinceNamer(this.lang, null);
    }
  }

  /** The identity commands run as. */
  public get as(): string {
    return this.identity;
  }

  /** Uses `identity` instead of the built-in default, unless the user chose one. */
  public preferIdentity(identity: string): void {
    if (!this.identityGiven && this.opened === undefined) this.identity = identity;
  }

  /** The gateway client for `--as`, opened on first use. */
  public client(): CatalogClient {
    this.opened ??= this.clientAs(this.as);
    return this.opened;
  }

  /** A client for another identity (e.g. `--approve-as`); the caller closes it. */
  public clientAs(as: string): CatalogClient {
    return this.connect({
      as,
      walletDir: this.walletDir,
      ...(this.channel === undefined ? {} : { channel: this.channel }),
    });
  }

  /**
   * The governance record, read from the chain once: the one list of members, with every form of
   * their names. Read with the command's client when it is open or the identity was chosen;
   * otherwise with a client of its own (closed again), so the command can still pick its identity
   * from the answer ({@link preferIdentity}).
   */
  public governance(): Promise<Governance> {
    this.governanceRead ??= (async (): Promise<Governance> => {
      if (this.opened !== undefined || this.identityGiven) return this.client().getGovernance();
      const reader = this.clientAs(this.as);
      try {
        return await reader.getGovernance();
      } finally {
        reader.close();
      }
    })();
    return this.governanceRead;
  }

  /** The channel commands use: `CATALOG_CHANNEL`, else the connection profile's (`catalog`). */
  public get channel(): string | undefined {
    const channel = this.env.CATALOG_CHANNEL;
    return channel === undefined || channel === '' ? undefined : channel;
  }

  /** Prints `value` as JSON (with `--json`) or the human rendering. */
  public print(value: unknown, human: () => string): void {
    this.out.out(this.json ? toJson(value) : human());
  }

  /** Prints a progress/status line to stderr (never to stdout, which carries only JSON with `--json`). */
  public note(text: string): void {
    this.out.err(text);
  }

  /** Closes the client if one was opened. */
  public close(): void {
    this.opened?.close();
  }
}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  as: { type: 'string' },
  json: { type: 'boolean' },
  wallet: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  lang: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

/** Parses a command's arguments strictly (unknown options are usage errors). */
export function parseCommand(
  args: string[],
  options: NonNullable<ParseArgsConfig['options']>,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return {
      values: parsed.values,
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw parseError(error as Error & { code?: string });
  }
}

/** Node's parseArgs refusal as a usage error of the catalogue (its own text when it is none we know). */
function parseError(error: Error & { code?: string }): UsageError {
  const unknown = /^Unknown option '([^']+)'/.exec(error.message);
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown?.[1] !== undefined)
    return new UsageError('cli.usage.unknownOption', { option: unknown[1] });
  const missing = /^Option '(\S+) <value>' argument missing/.exec(error.message);
  if (missing?.[1] !== undefined)
    return new UsageError('cli.usage.optionMissingValue', { option: missing[1] });
  const noValue = /^Option '(\S+)' does not take an argument/.exec(error.message);
  if (noValue?.[1] !== undefined)
    return new UsageError('cli.usage.optionTakesNoValue', { option: noValue[1] });
  return new UsageError(error.message);
}

/** A string option, or undefined. */
export function str(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A required string option. */
export function required(values: Record<string, unknown>, name: string): string {
  const value = str(values, name);
  if (value === undefined || value === '') throw new UsageError('cli.usage.required', { name });
  return value;
}

/** An integer option within bounds, or undefined. */
export function int(
  values: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const value = str(values, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError('cli.usage.intRange', { name, min, max, value });
  }
  return parsed;
}

/**
 * A date option as people type it — `2025-06-01`, `2025/6/1`, `2025.6.1`, `2025年6月1日`, in
 * full-width characters too ({@link parseHumanDate}) — as ISO `YYYY-MM-DD`, or undefined. A date
 * not on the calendar (2025-02-30) is a usage error, never rolled over to another day.
 */
export function dateOption(values: Record<string, unknown>, name: string): string | undefined {
  const value = str(values, name);
  if (value === undefined) return undefined;
  const date = parseHumanDate(value);
  if (date === null) throw new UsageError('cli.usage.badDate', { option: `--${name}`, value });
  return date;
}
