/**
 * What every `catalog audit` subcommand shares: the `--store` option (where the audit store is and
 * how it is shown), the default paths of the store and the report, the `--trust` option, and opening
 * the store for a question.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import {
  type AuditStore,
  buildLedgerModel,
  type LedgerModel,
  openAuditStoreAsync,
  type StoreStats,
} from '@nrdl-catalog/gateway-client/audit';
import { CatalogClientError } from '@nrdl-catalog/gateway-client';
import { CliCodedError, CommandContext, UsageError, parseCommand, str } from './context';

/** Folder of the default audit store and report, relative to the working directory (git-ignored). */
export const AUDIT_DIR = 'audit';
/** The default audit store, relative to the working directory. */
export const DEFAULT_AUDIT_STORE = path.join(AUDIT_DIR, 'catalog-audit.sqlite');
/** The default report file, relative to the working directory. */
export const DEFAULT_REPORT = path.join(AUDIT_DIR, 'report.html');

/** Where the audit commands keep their files unless `--store` / `--out` name others. */
export interface AuditPaths {
  /** The default audit store. */
  readonly store: string;
  /** The default report file. */
  readonly report: string;
}

/** The default paths below `base` (the CLI's: the working directory, so `audit/…`). */
export function auditPaths(base: string = process.cwd()): AuditPaths {
  return { store: path.resolve(base, DEFAULT_AUDIT_STORE), report: path.resolve(base, DEFAULT_REPORT) };
}

/** An audit subcommand: its context, its arguments and the default paths. */
export type AuditSubcommand = (ctx: CommandContext, args: string[], paths: AuditPaths) => Promise<number>;

/** The `--store` option of every audit subcommand. */
export const STORE_OPTION = { store: { type: 'string' } } as const;

function isPostgres(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * The store location from `--store` (a path resolved from the working directory), else
 * `defaultStore` (default: {@link auditPaths}' store).
 */
export function storeLocation(values: Record<string, unknown>, defaultStore?: string): string {
  const given = str(values, 'store');
  if (given === undefined || given === '') {
    return defaultStore ?? auditPaths().store;
  }
  return isPostgres(given) || given === ':memory:' ? given : path.resolve(given);
}

/** Refuses positional arguments (for the subcommands that take none). */
export function noArguments(positionals: readonly string[]): void {
  if (positionals.length > 0)
    throw new UsageError('cli.usage.unexpectedArgument', { value: positionals[0] ?? '' });
}

/**
 * Parses an audit subcommand's arguments: `--store` and `options`; `store` is the location named
 * (by `--store`, else `paths.store`).
 */
export function parseAuditCommand(
  args: string[],
  paths: AuditPaths,
  options: NonNullable<ParseArgsConfig['options']> = {},
): { values: Record<string, unknown>; positionals: string[]; store: string } {
  const { values, positionals } = parseCommand(args, { ...STORE_OPTION, ...options });
  return { values, positionals, store: storeLocation(values, paths.store) };
}

/** `--trust <hash>`: the hex SHA-256 of a genesis block header, or undefined. */
export function trustOption(values: Record<string, unknown>): string | undefined {
  const trust = str(values, 'trust');
  if (trust !== undefined && !/^[0-9a-f]{64}$/.test(trust)) {
    throw new UsageError('cli.usage.trust', { value: trust });
  }
  return trust;
}

/** Shows a location without a PostgreSQL password. */
export function displayLocation(location: string): string {
  if (isPostgres(location)) {
    return location.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
  }
  const relative = path.relative(process.cwd(), location);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : location;
}

/** Formats a byte count as `1.2 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

/** Opens the store at `location`; `create` makes its folder, else a missing file is AUDIT_STORE_NOT_FOUND. */
export async function openStore(location: string, create: boolean): Promise<AuditStore> {
  if (!isPostgres(location) && location !== ':memory:') {
    if (create) {
      mkdirSync(path.dirname(location), { recursive: true });
    } else if (!existsSync(location)) {
      throw new CliCodedError('AUDIT_STORE_NOT_FOUND', 'cli.audit.noStore', {
        store: displayLocation(location),
      });
    }
  }
  try {
    return await openAuditStoreAsync(location);
  } catch (error) {
    throw new CatalogClientError('AUDIT_STORE_UNAVAILABLE', (error as Error).message, { cause: error });
  }
}

/** Opens an existing, non-empty store for a read-only question, runs `use`, closes the store. */
export async function withStore<T>(
  location: string,
  use: (store: AuditStore, stats: StoreStats) => Promise<T>,
): Promise<T> {
  const store = await openStore(location, false);
  try {
    const stats = await store.stats();
    if (stats.blocks === 0) {
      throw new CliCodedError('AUDIT_STORE_EMPTY', 'cli.audit.emptyStore', {
        store: displayLocation(location),
      });
    }
    return await use(store, stats);
  } finally {
    await store.close();
  }
}

/** {@link withStore} with the ledger model replayed from the store. */
export async function withModel<T>(
  location: string,
  use: (model: LedgerModel, store: AuditStore) => Promise<T> | T,
): Promise<T> {
  return withStore(location, async (store) => use(await buildLedgerModel(store), store));
}
