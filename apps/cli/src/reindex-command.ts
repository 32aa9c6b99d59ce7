import { MAX_CHUNK_CHANGES } from '@nrdl-catalog/chaincode/model';
import { DEFAULT_CHUNK_SIZE } from '@nrdl-catalog/gateway-client/import';
import { driveProposal, proposalTarget, reindexPlan, reindexTargets } from '@nrdl-catalog/gateway-client';
import { CommandContext, UsageError, dateOption, int, parseCommand, str } from './context';
import { labelCell } from './i18n';
import { approverClients } from './proposal-commands';
import { progressReporter } from './progress';

/**
 * `catalog reindex [--scope national|<province>] [--effective-from D] [--approve-as a,b] [--chunk-size N]`:
 * proposes, and once approved applies and seals, the reindex of every item the scope owns (its
 * lookup keys). Resumable: run again after an interruption and it finishes the same proposal.
 */
export async function reindexCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    scope: { type: 'string' },
    'effective-from': { type: 'string' },
    'approve-as': { type: 'string' },
    'chunk-size': { type: 'string' },
  });
  const target = proposalTarget(str(values, 'scope'));
  if (target.scope === 'governance') throw new UsageError('cli.usage.reindexScope');
  const effectiveFrom = dateOption(values, 'effective-from') ?? new Date().toISOString().slice(0, 10);
  const chunkSize = int(values, 'chunk-size', 1, MAX_CHUNK_CHANGES) ?? DEFAULT_CHUNK_SIZE;
  const itemIds = await reindexTargets(ctx.client(), target);
  if (itemIds.length === 0) {
    ctx.print({ proposalId: null, items: 0 }, () => ctx.t('cli.reindex.nothing'));
    return 0;
  }
  const approvers = approverClients(ctx, str(values, 'approve-as'));
  const progress = progressReporter(ctx.out, ctx.lang);
  try {
    const result = await driveProposal(ctx.client(), reindexPlan(target, itemIds, effectiveFrom, chunkSize), {
      approvers,
      onProgress: progress.onProgress,
    });
    progress.finish();
    ctx.print({ ...result, items: itemIds.length }, () =>
      ctx.t('cli.reindex.done', {
        id: result.proposalId,
        items: itemIds.length,
        status: labelCell(ctx.lang, 'status', result.status),
        version: result.version?.version ?? '-',
      }),
    );
  } finally {
    progress.finish();
    for (const approver of approvers) approver.close();
  }
  return 0;
}
