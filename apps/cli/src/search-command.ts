/**
 * `catalog search <text>`: search for people, answered from the off-chain read model (the audit
 * replay's blocks plus a search index, checked against the digest sealed on chain). The command
 * first follows the channel up to its current block (progress on stderr when that takes long),
 * then answers and names the catalog version the answer reflects. `--on-chain` asks the chaincode's
 * `SearchItems` instead (the options `--prefix`, `--code`, `--category`, `--bookmark` are its own).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ReadModelSearchInput } from '@nrdl-catalog/chaincode/model';
import { table } from '@nrdl-catalog/gateway-client';
import type { ReplayNetwork } from '@nrdl-catalog/gateway-client/audit';
import {
  chainVersionsOf,
  openReadModel,
  type ChainVersions,
  type MatchKind,
  type SearchAnswer,
} from '@nrdl-catalog/gateway-client/search';
import { AUDIT_DIR, displayLocation, storeLocation } from './audit-store-option';
import { CommandContext, UsageError, int, parseCommand, str } from './context';
import { columns, labelCell, type CliKey } from './i18n';
import { processOutput } from './output';
import { progressDisplay, replayProgressLine } from './progress';
import { searchCommand as onChainSearchCommand } from './query-commands';

/** The default read model, relative to the working directory (git-ignored, beside the audit store). */
export const DEFAULT_SEARCH_STORE = path.join(AUDIT_DIR, 'catalog-search.sqlite');

/** Options only the on-chain search has. */
const ON_CHAIN_ONLY = ['prefix', 'code', 'category', 'bookmark'] as const;

const MATCH_LABELS: Readonly<Record<MatchKind, CliKey>> = {
  exact: 'cli.match.exact',
  prefix: 'cli.match.prefix',
  substring: 'cli.match.substring',
  pinyin: 'cli.match.pinyin',
  code: 'cli.match.code',
  remark: 'cli.match.remark',
};

/** Catch-ups shorter than this show no progress. */
const QUIET_MS = 1000;

/** What {@link runReadModelSearch} needs. */
export interface ReadModelSearchCommand {
  /** The read model: a SQLite file, or a PostgreSQL URL (`postgres://…[?schema=name]`). */
  readonly store: string;
  readonly input: ReadModelSearchInput;
}

/** Catches the read model up with `network`, then answers (the testable part of `search`). */
export async function runReadModelSearch(
  ctx: CommandContext,
  network: ReplayNetwork,
  chain: ChainVersions,
  options: ReadModelSearchCommand,
): Promise<number> {
  const postgres = /^postgres(ql)?:\/\//i.test(options.store);
  if (!postgres && options.store !== ':memory:') mkdirSync(path.dirname(options.store), { recursive: true });
  const model = await openReadModel(options.store, chain);
  const tty = ctx.out === processOutput && process.stderr.isTTY;
  const display = progressDisplay(ctx.out, { tty, intervalMs: tty ? 100 : 1000 });
  const progress = { shown: false };
  let answer: SearchAnswer;
  try {
    await model.catchUp(network, {
      onProgress: (p) => {
        if (!progress.shown && p.elapsedMs < QUIET_MS) return;
        if (!progress.shown) ctx.note(ctx.t('cli.search.catchUp', { store: displayLocation(options.store) }));
        progress.shown = true;
        display.show(replayProgressLine(p, 24, ctx.lang), {
          force: p.targetBlock !== null && p.blockNumber >= p.targetBlock,
        });
      },
    });
    if (progress.shown) display.finish();
    answer = await model.search(options.input, { atLeastVersion: await model.headVersion() });
  } finally {
    await model.close();
  }
  const provinceName = await ctx.provinceNames();
  ctx.print(answer, () => {
    const body = table(
      columns(ctx.lang, [
        'cli.col.item',
        'cli.col.name',
        'cli.col.form',
        'cli.col.kind',
        'cli.col.class',
        'cli.col.section',
        'cli.col.province',
        'cli.col.match',
      ]),
      answer.hits.map((hit) => [
        hit.itemId,
        hit.name,
        hit.dosageForm,
        labelCell(ctx.lang, 'kind', hit.kind),
        hit.class,
        hit.section,
        hit.province === null ? null : provinceName(hit.province),
        ctx.t(MATCH_LABELS[hit.match]),
      ]),
    );
    const shownTo = answer.offset + answer.hits.length;
    const footer = ctx.t('cli.search.answer', {
      total: answer.total,
      from: answer.hits.length === 0 ? 0 : answer.offset + 1,
      to: shownTo,
      version: answer.catalogVersion,
    });
    const more = shownTo < answer.total ? `\n${ctx.t('cli.search.moreOffset', { offset: shownTo })}` : '';
    return `${body}\n\n${footer}${more}`;
  });
  return 0;
}

/**
 * `catalog search <text> [--province P] [--kind K] [--class 甲|乙] [--section S] [--limit N]
 * [--offset N] [--store FILE]`, or `catalog search --on-chain …` (the chaincode's SearchItems).
 */
export async function searchCommand(ctx: CommandContext, args: string[]): Promise<number> {
  if (args.includes('--on-chain')) {
    return onChainSearchCommand(
      ctx,
      args.filter((arg) => arg !== '--on-chain'),
    );
  }
  const { values, positionals } = parseCommand(args, {
    province: { type: 'string' },
    kind: { type: 'string' },
    class: { type: 'string' },
    section: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    store: { type: 'string' },
    prefix: { type: 'boolean' },
    code: { type: 'string' },
    category: { type: 'string' },
    bookmark: { type: 'string' },
  });
  const onChainOnly = ON_CHAIN_ONLY.find((name) => values[name] !== undefined);
  if (onChainOnly !== undefined) throw new UsageError('cli.usage.searchOnChainOnly', { name: onChainOnly });
  const q = positionals.join(' ').trim();
  if (q === '') throw new UsageError('cli.usage.searchText');
  const store = str(values, 'store');
  const input = {
    q,
    ...(str(values, 'kind') === undefined ? {} : { kind: str(values, 'kind') }),
    ...(str(values, 'class') === undefined ? {} : { class: str(values, 'class') }),
    ...(str(values, 'section') === undefined ? {} : { section: str(values, 'section') }),
    ...(str(values, 'province') === undefined ? {} : { province: str(values, 'province') }),
    limit: int(values, 'limit', 1, 200) ?? 20,
    offset: int(values, 'offset', 0, 100_000) ?? 0,
  } as ReadModelSearchInput;
  const client = ctx.client();
  return runReadModelSearch(ctx, client.network, chainVersionsOf(client), {
    store: store === undefined || store === '' ? path.resolve(DEFAULT_SEARCH_STORE) : storeLocation(values),
    input,
  });
}
