/**
 * `catalog audit replay`: reads the channel's blocks through the gateway into the audit store (the
 * only audit subcommand that talks to the network), with progress on stderr and a summary.
 */
import {
  BlockConflictError,
  replayBlocks,
  type ReplayNetwork,
  type ReplayProgress,
} from '@nrdl-catalog/gateway-client/audit';
import { CatalogClientError } from '@nrdl-catalog/gateway-client';
import { CommandContext, int } from './context';
import { table } from '@nrdl-catalog/gateway-client';
import { columns, recordText } from './i18n';
import { processOutput } from './output';
import { progressDisplay, replayProgressLine } from './progress';
import {
  displayLocation,
  formatBytes,
  noArguments,
  openStore,
  parseAuditCommand,
  trustOption,
  type AuditSubcommand,
} from './audit-store-option';

/** Identity `replay` uses unless `--as` / `CATALOG_AS` names another. */
export const AUDIT_AS = 'audit/auditor';

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
      display.show(replayProgressLine(p, 24, ctx.lang), { force: atTarget });
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
    ctx.note(ctx.t('cli.replay.stopping'));
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
      ctx.note(ctx.t('cli.replay.checkpointWins', { block: checkpoint.blockNumber }));
    }
    const startBlock = checkpoint?.blockNumber ?? options.fromBlock ?? 0;
    ctx.note(
      ctx.t(options.follow === true ? 'cli.replay.startFollow' : 'cli.replay.start', {
        block: startBlock,
        store: displayLocation(options.store),
        as: ctx.as,
      }),
    );
    const summary = await replayBlocks(network, store, {
      startBlock: options.fromBlock ?? 0,
      follow: options.follow === true,
      signal,
      onProgress: reporter.onProgress,
      onReconnect: (error, attempt, delayMs) => {
        reporter.note(
          ctx.t('cli.replay.reconnecting', {
            detail: error instanceof Error ? error.message : String(error),
            ms: delayMs,
            attempt,
          }),
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
        ctx.t(summary.stoppedBy === 'height' ? 'cli.replay.doneHeight' : 'cli.replay.doneStopped', {
          store: result.store,
          block: result.nextBlock,
        }),
        table(
          ['', ...columns(ctx.lang, ['cli.col.thisRun', 'cli.col.store'])],
          [
            [ctx.t('cli.replay.blocks'), result.blocks, after.blocks],
            [ctx.t('cli.replay.transactions'), result.transactions, after.transactions],
            [ctx.t('cli.replay.invalidTransactions'), result.invalidTransactions, after.invalidTransactions],
            [ctx.t('cli.replay.writes'), result.writes, after.writes],
          ],
        ),
        recordText(
          ctx.lang,
          {
            [ctx.t('cli.replay.seconds')]: seconds.toFixed(1),
            [ctx.t('cli.replay.blocksPerSecond')]: result.blocksPerSecond.toFixed(1),
            [ctx.t('cli.replay.writesPerSecond')]: result.writesPerSecond.toFixed(1),
            [ctx.t('cli.replay.reconnectCount')]: result.reconnects,
            [ctx.t('cli.replay.storeSize')]: ctx.t('cli.replay.bytes', {
              size: formatBytes(after.sizeBytes),
              bytes: after.sizeBytes,
            }),
          },
          {},
        ),
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

/** `catalog audit replay [--trust H] [--from-block N] [--store S] [--follow]` */
export const replayCommand: AuditSubcommand = async (ctx, args, paths) => {
  const { values, positionals, store } = parseAuditCommand(args, paths, {
    'from-block': { type: 'string' },
    follow: { type: 'boolean' },
    trust: { type: 'string' },
  });
  const trust = trustOption(values);
  noArguments(positionals);
  ctx.preferIdentity(AUDIT_AS);
  const fromBlock = int(values, 'from-block', 0, Number.MAX_SAFE_INTEGER);
  return runReplay(ctx, ctx.client().network, {
    store,
    follow: values.follow === true,
    ...(fromBlock === undefined ? {} : { fromBlock }),
    ...(trust === undefined ? {} : { trust }),
  });
};
