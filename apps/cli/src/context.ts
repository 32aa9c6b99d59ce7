import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Governance } from '@nrdl-catalog/chaincode/model';
import { CatalogClient, parseHumanDate, type CatalogClientOptions } from '@nrdl-catalog/gateway-client';
import { toJson, type Output } from './output';

/** A command-line mistake: exit code 2 with the usage text. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
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
  ) {
    this.walletDir = walletDir ?? defaultWalletDir(env);
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
    throw new UsageError((error as Error).message);
  }
}

/** A string option, or undefined. */
export function str(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A required string option. */
export function required(values: Record<string, unknown>, name: string): string {
  const value = str(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
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
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
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
  if (date === null) throw new UsageError(`--${name} must be a date YYYY-MM-DD, got "${value}"`);
  return date;
}
