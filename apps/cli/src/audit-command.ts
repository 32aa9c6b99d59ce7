/**
 * `catalog audit replay|verify|history|as-of|diff|report`: a thin layer over the audit library
 * (gateway-client/src/audit). Only `replay` talks to the network; every other subcommand answers
 * from the audit store alone.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CatalogError } from '@nrdl-catalog/chaincode/model';
import {
  type AsOfFilter,
  auditReportData,
  type AuditStore,
  BlockConflictError,
  buildLedgerModel,
  catalogAsOf,
  diffVersions,
  entriesAt,
  itemHistory,
  type ItemHistoryEntry,
  type LedgerModel,
  openAuditStoreAsync,
  renderAuditReport,
  replayBlocks,
  type ReplayNetwork,
  type ReplayProgress,
  type StoreStats,
  verifyStore,
  type VersionDiff,
} from '@nrdl-catalog/gateway-client/audit';
import { CatalogClientError } from '@nrdl-catalog/gateway-client';
import { toCsvField } from '@nrdl-catalog/gateway-client/import';
import { CommandContext, UsageError, dateOption, int, parseCommand, str } from './context';
import { keyValues, table, textOf } from '@nrdl-catalog/gateway-client';
import { processOutput, toJson } from './output';
import { genesisHashCommand, verifyCommand } from './audit-verify-command';
import { progressDisplay, replayProgressLine } from './progress';

/** Folder of the default audit store and report, in the working directory (git-ignored here). */
export const AUDIT_DIR = 'audit';
/** The default audit store (relative to the working directory). */
export const DEFAULT_AUDIT_STORE = path.join(AUDIT_DIR, 'catalog-audit.sqlite');
/** The default report file (relative to the working directory). */
export const DEFAULT_REPORT = path.join(AUDIT_DIR, 'report.html');

/** Identity `replay` uses unless `--as` / `CATALOG_AS` names another. */
export const AUDIT_AS = 'audit/auditor';

/** Usage lines of the audit commands (main.ts's USAGE repeats them). */
export const AUDIT_USAGE = `  audit genesis-hash <block file>                          the hash to pin (compare it out of band)
  audit replay [--trust <hash>] [--from-block N] [--store <path|postgres-url>] [--follow]   (as audit/auditor by default)
  audit verify [--trust <hash>] [--deployments F] [--store S]  signatures, policies, flags, re-execution; exit 1 on any finding
  audit verify --store-only [--store S]                    only the store's digests, hash chains and approvals
  audit history <itemId> [--store S]
  audit as-of --date D (--item ID | --province P) [--store S]
  audit diff <versionA> <versionB> [--format table|csv|json] [--store S]
  audit report [--out audit/report.html] [--store S]       self-contained HTML with charts`;

export const STORE_OPTION = { store: { type: 'string' } } as const;

function isPostgres(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** The store location from `--store` (a path resolved from the working directory) or the default. */
export function storeLocation(values: Record<string, unknown>): string {
  const given = str(values, 'store');
  if (given === undefined || given === '') {
    return path.resolve(DEFAULT_AUDIT_STORE);
  }
  return isPostgres(given) || given === ':memory:' ? given : path.resolve(given);
}

/** Shows a location without a PostgreSQL password. */
export function displayLocation(location: string): string {
  if (isPostgres(location)) {
    return location.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
  }
  const relative = path.relative(process.cwd(), location);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : location;
}

export async function openStore(location: string, create: boolean): Promise<AuditStore> {
  if (!isPostgres(location) && location !== ':memory:') {
    if (create) {
      mkdirSync(path.dirname(location), { recursive: true });
    } else if (!existsSync(location)) {
      throw new CatalogClientError(
        'AUDIT_STORE_NOT_FOUND',
        `no audit store at ${displayLocation(location)}: run "catalog audit replay" first (or pass --store)`,
      );
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
      throw new CatalogClientError(
        'AUDIT_STORE_EMPTY',
        `the audit store ${displayLocation(location)} holds no block: run "catalog audit replay" first`,
      );
    }
    return await use(store, stats);
  } finally {
    await store.close();
  }
}

async function withModel<T>(
  location: string,
  use: (model: LedgerModel, store: AuditStore) => Promise<T> | T,
): Promise<T> {
  return withStore(location, async (store) => use(await buildLedgerModel(store), store));
}

// ---------------------------------------------------------------------------------------------
// replay

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

/**
 * Progress on stderr: one self-updating line on a terminal (at most 10 updates a second), else one
 * line a second plus the last block.
 */
function replayReporter(ctx: CommandContext): {
  onProgress: (p: ReplayProgress) => void;
  note: (text: string) => void;
  finish: () => void;
} {
  const tty = ctx.out === processOutput && process.stderr.isTTY;
  const display = progressDisplay(ctx.out, { tty, intervalMs: tty ? 100 : 1000 });
  return {
    onProgress: (p) => {
      const atTarget = p.targetBlock !== null && p.blockNumber >= p.targetBlock;
      display.show(replayProgressLine(p), { force: atTarget });
    },
    note: display.note,
    finish: display.finish,
  };
}

/** Options of {@link runReplay}. */
export interface ReplayCommandOptions {
  readonly store: string;
  /** Genesis block hash to pin the store to (obtained out of band). */
  readonly trust?: string;
  readonly fromBlock?: number;
  readonly follow?: boolean;
  /** Stops the replay (default: SIGINT / SIGTERM). */
  readonly signal?: AbortSignal;
  /** First reconnect delay in ms (tests shorten it). */
  readonly reconnectMs?: number;
}

/** Replays `network`'s blocks into the store and prints the summary (the testable part of `replay`). */
export async function runReplay(
  ctx: CommandContext,
  network: ReplayNetwork,
  options: ReplayCommandOptions,
): Promise<number> {
  const store = await openStore(options.store, true);
  const controller = new AbortController();
  const stop = (): void => {
    ctx.note('stopping after the current block (press Ctrl-C again to quit at once)');
    controller.abort();
  };
  const signal = options.signal ?? controller.signal;
  if (options.signal === undefined) {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  const reporter = replayReporter(ctx);
  try {
    if (options.trust !== undefined) await store.setTrustedGenesis(options.trust);
    const before = await store.stats();
    const checkpoint = await store.getCheckpoint();
    if (
      checkpoint !== null &&
      options.fromBlock !== undefined &&
      checkpoint.blockNumber !== options.fromBlock
    ) {
      ctx.note(`the store's checkpoint wins over --from-block: resuming at block ${checkpoint.blockNumber}`);
    }
    const startBlock = checkpoint?.blockNumber ?? options.fromBlock ?? 0;
    ctx.note(
      `replaying ${options.follow === true ? 'and following ' : ''}blocks from ${startBlock} into ${displayLocation(options.store)} as ${ctx.as}`,
    );
    const summary = await replayBlocks(network, store, {
      startBlock: options.fromBlock ?? 0,
      follow: options.follow === true,
      signal,
      onProgress: reporter.onProgress,
      onReconnect: (error, attempt, delayMs) => {
        reporter.note(
          `block stream failed (${error instanceof Error ? error.message : String(error)}); reconnecting in ${delayMs} ms (attempt ${attempt})`,
        );
      },
      ...(options.reconnectMs === undefined ? {} : { reconnectMs: options.reconnectMs }),
    }).catch((error: unknown) => {
      if (error instanceof BlockConflictError) {
        throw new CatalogClientError('AUDIT_BLOCK_CONFLICT', error.message, { cause: error });
      }
      throw error;
    });
    reporter.finish();
    const after = await store.stats();
    const seconds = summary.elapsedMs / 1000;
    const result = {
      store: displayLocation(options.store),
      stoppedBy: summary.stoppedBy,
      fromBlock: startBlock,
      nextBlock: summary.nextBlock,
      blocks: summary.blocks,
      newBlocks: summary.written,
      transactions: after.transactions - before.transactions,
      invalidTransactions: after.invalidTransactions - before.invalidTransactions,
      writes: summary.writes,
      seconds: Number(seconds.toFixed(3)),
      blocksPerSecond: Number(summary.blocksPerSecond.toFixed(1)),
      writesPerSecond: Number(summary.writesPerSecond.toFixed(1)),
      reconnects: summary.reconnects,
      storeSizeBytes: after.sizeBytes,
      total: {
        blocks: after.blocks,
        transactions: after.transactions,
        invalidTransactions: after.invalidTransactions,
        writes: after.writes,
      },
    };
    ctx.print(result, () =>
      [
        `replayed into ${result.store}: next block ${result.nextBlock} (${summary.stoppedBy === 'height' ? 'reached the chain height' : 'stopped'})`,
        table(
          ['', 'THIS RUN', 'STORE'],
          [
            ['blocks', result.blocks, after.blocks],
            ['transactions', result.transactions, after.transactions],
            ['invalid transactions', result.invalidTransactions, after.invalidTransactions],
            ['writes', result.writes, after.writes],
          ],
        ),
        keyValues({
          seconds: seconds.toFixed(1),
          'blocks/s': result.blocksPerSecond.toFixed(1),
          'writes/s': result.writesPerSecond.toFixed(1),
          reconnects: result.reconnects,
          'store size': `${formatBytes(after.sizeBytes)} (${after.sizeBytes} bytes)`,
        }),
      ].join('\n'),
    );
    return 0;
  } finally {
    reporter.finish();
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await store.close();
  }
}

async function replayCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...STORE_OPTION,
    'from-block': { type: 'string' },
    follow: { type: 'boolean' },
    trust: { type: 'string' },
  });
  const trust = str(values, 'trust');
  if (trust !== undefined && !/^[0-9a-f]{64}$/.test(trust)) {
    throw new UsageError(`--trust takes the hex SHA-256 of the genesis block header, got "${trust}"`);
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  ctx.preferIdentity(AUDIT_AS);
  const fromBlock = int(values, 'from-block', 0, Number.MAX_SAFE_INTEGER);
  return runReplay(ctx, ctx.client().network, {
    store: storeLocation(values),
    follow: values.follow === true,
    ...(fromBlock === undefined ? {} : { fromBlock }),
    ...(trust === undefined ? {} : { trust }),
  });
}

// ---------------------------------------------------------------------------------------------
// verify

// ---------------------------------------------------------------------------------------------
// history

function fieldChanges(entry: ItemHistoryEntry): string {
  if (entry.changedFields.length > 0) {
    return entry.changedFields
      .map((f) => `${f.field === '' ? '(value)' : f.field}: ${textOf(f.before)} → ${textOf(f.after)}`)
      .join('; ');
  }
  if (entry.before === null) return 'added';
  if (entry.after === null) return 'removed';
  return 'unchanged';
}

function historyText(itemId: string, entries: readonly ItemHistoryEntry[]): string {
  const name = entries
    .map((e) => (e.after ?? e.before) as { name?: unknown } | null)
    .map((d) => (typeof d?.name === 'string' ? d.name : null))
    .find((n) => n !== null);
  const blocks = entries.map((e) => {
    const p = e.proposal;
    const record: Record<string, unknown> = {
      change: fieldChanges(e),
      proposal:
        p === null ? null : `${p.id} "${p.title}" (${p.scope}${p.province === null ? '' : ` ${p.province}`})`,
      proposer:
        p === null
          ? null
          : `${p.proposer.mspId} ${p.proposer.role ?? ''} ${p.proposer.subject ?? p.proposer.id}`.replace(
              /\s+/g,
              ' ',
            ),
      approvers:
        p === null || p.approvers.length === 0
          ? null
          : p.approvers.map((a) => `${a.voter.mspId} ${a.voter.subject ?? a.voter.id}`).join('; '),
      tx: `${e.txId} (block ${e.block}, ${e.timestamp ?? '-'})`,
      sealed: `${e.sealTxId} (block ${e.sealBlock}, ${e.sealedAt ?? '-'})`,
    };
    const head =
      `version ${e.version} (effective ${e.effectiveFrom}): ${e.kind === 'overlay' ? `overlay ${e.province ?? ''} ` : ''}` +
      e.op;
    const body = keyValues(record)
      .split('\n')
      .map((line) => `  ${line}`)
      .join('\n');
    return `${head}\n${body}`;
  });
  return [`${itemId}${name === undefined ? '' : ` ${name}`}: ${entries.length} change(s)`, ...blocks].join(
    '\n\n',
  );
}

async function historyCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, STORE_OPTION);
  const [itemId, extra] = positionals;
  if (itemId === undefined || itemId === '') throw new UsageError('audit history needs an <itemId>');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const entries = await withModel(storeLocation(values), (model) => itemHistory(model, itemId));
  if (entries.length === 0) {
    throw new CatalogClientError('ITEM_NOT_FOUND', `item ${itemId} has no sealed change in the audit store`);
  }
  ctx.print(entries, () => historyText(itemId, entries));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// as-of

function percent(value: unknown): string | null {
  return typeof value === 'number' ? `${Math.round(value * 1000) / 10}%` : null;
}

async function asOfCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    ...STORE_OPTION,
    date: { type: 'string' },
    item: { type: 'string' },
    province: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  const date = dateOption(values, 'date');
  if (date === undefined) throw new UsageError('--date YYYY-MM-DD is required');
  const itemId = str(values, 'item');
  const provinceGiven = str(values, 'province');
  if (itemId === undefined && provinceGiven === undefined) {
    throw new UsageError('audit as-of needs --item <id> or --province P');
  }
  const filter: AsOfFilter = {
    ...(itemId === undefined ? {} : { itemId }),
    ...(provinceGiven === undefined ? {} : { province: provinceGiven }),
  };
  // the province in any form the governance record in the store lists
  const result = await withModel(storeLocation(values), (model) => {
    try {
      return catalogAsOf(model, date, filter);
    } catch (error) {
      if (error instanceof CatalogError && error.code === 'UNKNOWN_PROVINCE')
        throw new UsageError(error.message);
      throw error;
    }
  });
  const province = result.province;
  ctx.print(result, () => {
    if (result.version === null) return `no catalog version was in force on ${date}`;
    const rows = result.items.map((entry) => {
      const item = entry.item;
      const overlays = entry.overlays
        .map((o) =>
          [
            o.province,
            percent(o.overlay.selfPayRatio) === null
              ? null
              : `self-pay ${percent(o.overlay.selfPayRatio) ?? ''}`,
            o.overlay.suspended ? 'suspended' : null,
            o.overlay.restriction,
          ]
            .filter((x) => x !== null)
            .join(' '),
        )
        .join('; ');
      return [
        entry.itemId,
        item?.name ?? '(overlay only)',
        item?.dosageForm ?? item?.kind ?? null,
        item?.class ?? null,
        item?.province ?? (item === null ? null : 'national'),
        item?.paymentStandard?.text ?? null,
        overlays === '' ? null : overlays,
      ];
    });
    return [
      `catalog as of ${date}: version ${result.version} (effective ${result.effectiveFrom ?? '-'}), ${result.items.length} item(s)` +
        `${itemId === undefined ? '' : `, item ${itemId}`}${province === undefined ? '' : `, province ${province}`}`,
      rows.length === 0
        ? '(no matching item)'
        : table(['ITEM', 'NAME', 'FORM', 'CLASS', 'PROVINCE', 'PAYMENT STANDARD', 'OVERLAYS'], rows, 36),
    ].join('\n');
  });
  return 0;
}

// ---------------------------------------------------------------------------------------------
// diff

/** One CSV field (RFC 4180 quoting, formula-injection guard of the shared CSV writer). */
function csvField(value: unknown): string {
  return toCsvField(value === null || value === undefined ? '' : textOf(value));
}

function dataName(data: unknown): string | null {
  const name = (data as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : null;
}

/** The diff with the item's name on every entry (overlays and changed fields too). */
interface NamedDiff {
  readonly diff: VersionDiff;
  readonly names: ReadonlyMap<string, string>;
}

function namesOf(model: LedgerModel, versions: readonly number[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const version of versions) {
    for (const entry of entriesAt(model, version).values()) {
      const name = entry.type === 'item' ? dataName(entry.data) : null;
      if (name !== null) names.set(entry.itemId, name);
    }
  }
  return names;
}

/** The diff as CSV rows: one per added / removed entry and one per changed field. */
export function diffCsv({ diff, names }: NamedDiff): string {
  const header = ['change', 'kind', 'itemId', 'province', 'name', 'field', 'before', 'after'];
  const name = (itemId: string): string | null => names.get(itemId) ?? null;
  const rows: unknown[][] = [
    ...diff.added.map((d) => ['added', d.kind, d.itemId, d.province, name(d.itemId), '', null, d.data]),
    ...diff.removed.map((d) => ['removed', d.kind, d.itemId, d.province, name(d.itemId), '', d.data, null]),
    ...diff.changed.flatMap((c) =>
      c.fields.map((f) => [
        'changed',
        c.kind,
        c.itemId,
        c.province,
        name(c.itemId),
        f.field,
        f.before,
        f.after,
      ]),
    ),
  ];
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n');
}

function diffText({ diff, names }: NamedDiff): string {
  const sections = [
    `version ${diff.from} → ${diff.to}: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed`,
  ];
  const entries = (title: string, list: VersionDiff['added']): void => {
    if (list.length === 0) return;
    sections.push(
      `\n${title} (${list.length})`,
      table(
        ['KIND', 'ITEM', 'PROVINCE', 'NAME'],
        list.map((d) => [d.kind, d.itemId, d.province, names.get(d.itemId)]),
      ),
    );
  };
  entries('added', diff.added);
  entries('removed', diff.removed);
  if (diff.changed.length > 0) {
    sections.push(
      `\nchanged (${diff.changed.length})`,
      table(
        ['KIND', 'ITEM', 'NAME', 'PROVINCE', 'FIELD', 'BEFORE', 'AFTER'],
        diff.changed.flatMap((c) =>
          c.fields.map((f) => [
            c.kind,
            c.itemId,
            names.get(c.itemId),
            c.province,
            f.field,
            f.before,
            f.after,
          ]),
        ),
      ),
    );
  }
  return sections.join('\n');
}

function versionArg(value: string | undefined, name: string): number {
  if (value === undefined) throw new UsageError('audit diff needs <versionA> <versionB>');
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a version number, got "${value}"`);
  return n;
}

async function diffCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...STORE_OPTION, format: { type: 'string' } });
  const [a, b, extra] = positionals;
  const from = versionArg(a, 'versionA');
  const to = versionArg(b, 'versionB');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const format = str(values, 'format') ?? (ctx.json ? 'json' : 'table');
  if (!['table', 'csv', 'json'].includes(format)) {
    throw new UsageError(`--format must be table, csv or json, got "${format}"`);
  }
  const named = await withModel(storeLocation(values), (model): NamedDiff => {
    try {
      return { diff: diffVersions(model, from, to), names: namesOf(model, [from, to]) };
    } catch (error) {
      throw new CatalogClientError('VERSION_NOT_FOUND', (error as Error).message, { cause: error });
    }
  });
  if (format === 'csv') ctx.out.out(diffCsv(named));
  else if (format === 'json') ctx.out.out(toJson(named.diff));
  else ctx.out.out(diffText(named));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// report

async function reportCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { ...STORE_OPTION, out: { type: 'string' } });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
  const given = str(values, 'out');
  if (given === '') throw new UsageError('--out needs a file name');
  const out = path.resolve(given ?? DEFAULT_REPORT);
  const location = storeLocation(values);
  const { html, verify, data } = await withModel(location, async (model, store) => {
    const verifyResult = await verifyStore(store);
    const reportData = await auditReportData(store, model);
    return {
      verify: verifyResult,
      data: reportData,
      html: renderAuditReport(reportData, model, {
        verify: verifyResult,
        generatedAt: new Date().toISOString(),
        source: displayLocation(location),
      }),
    };
  });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, html, 'utf8');
  const bytes = statSync(out).size;
  const result = {
    out: displayLocation(out),
    bytes,
    versions: data.summary.versions,
    invalidTransactions: data.summary.invalidTransactions,
    verified: verify.ok,
  };
  ctx.print(
    result,
    () =>
      `wrote ${result.out} (${formatBytes(bytes)}): ${result.versions} versions, ` +
      `${result.invalidTransactions} invalid transactions, verify ${verify.ok ? 'OK' : 'MISMATCH'}`,
  );
  if (!verify.ok) {
    // The report is still written (its banner shows the mismatch), but the run fails.
    ctx.note(`AUDIT_MISMATCH: ${verify.message} (shown in the report's banner)`);
    return 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------

const SUBCOMMANDS: Record<string, (ctx: CommandContext, args: string[]) => Promise<number>> = {
  replay: replayCommand,
  verify: verifyCommand,
  'genesis-hash': genesisHashCommand,
  history: historyCommand,
  'as-of': asOfCommand,
  diff: diffCommand,
  report: reportCommand,
};

/** `catalog audit <replay|verify|history|as-of|diff|report> …` */
export async function auditCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const [what, ...rest] = args;
  const sub = what === undefined ? undefined : SUBCOMMANDS[what];
  if (sub === undefined) {
    throw new UsageError(
      what === undefined
        ? `audit needs a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}`
        : `unknown audit subcommand "${what}": expected ${Object.keys(SUBCOMMANDS).join(', ')}`,
    );
  }
  return sub(ctx, rest);
}
