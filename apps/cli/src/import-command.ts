import {
  ChunkSizeError,
  countBySection,
  type ImportSource,
  type ImportSummary,
  readImportList,
  runImport,
} from '@nrdl-catalog/gateway-client/import';
import { CommandContext, UsageError, dateOption, parseCommand, required, str } from './context';
import type { Governance } from '@nrdl-catalog/chaincode/model';
import type { Lang } from '@nrdl-catalog/chaincode/messages';
import { DEFAULT_LANG, formatDate, provinceOf, table, walletOrgOfMember } from '@nrdl-catalog/gateway-client';
import { approverClients } from './proposal-commands';
import { progressReporter } from './progress';
import { encodingOption } from './query-commands';

export { countBySection };

/** The human rendering of an import's summary (what `--json` leaves out of stdout). */
export function importSummaryText(summary: ImportSummary, lang: Lang = DEFAULT_LANG): string {
  return [
    `proposal ${summary.proposalId}: ${summary.status}${summary.resumed ? ' (resumed)' : ''}` +
      (summary.version
        ? `, sealed as version ${summary.version.version} effective ${formatDate(summary.version.effectiveFrom, lang)}`
        : ''),
    `${summary.items} items in ${summary.chunks} chunks, ${summary.seconds.toFixed(1)} s (` +
      Object.entries(summary.phaseSeconds)
        .map(([phase, s]) => `${phase} ${s} s`)
        .join(', ') +
      ')',
    table(['SECTION', 'ITEMS'], Object.entries(summary.sections)),
  ].join('\n');
}

/** The note printed when the approvers given did not suffice to apply the import. */
export function pendingNote(summary: ImportSummary): string | null {
  return summary.status === 'applied'
    ? null
    : `proposal is ${summary.status}: it needs approvals before it can be applied (see --approve-as)`;
}

/** `catalog import nrdl <csv> | province-items <csv> --province P [--kind service|material]` … */
export async function importCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const [what, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    'effective-from': { type: 'string' },
    'approve-as': { type: 'string' },
    'chunk-size': { type: 'string' },
    title: { type: 'string' },
    province: { type: 'string' },
    kind: { type: 'string' },
    encoding: { type: 'string' },
  });
  const [file] = positionals;
  if (!file || (what !== 'nrdl' && what !== 'province-items')) {
    throw new UsageError(
      'usage: catalog import nrdl <csv> | province-items <csv> --province P [--kind service|material] --effective-from D',
    );
  }
  let source: ImportSource;
  let governance: Governance | undefined;
  const encoding = encodingOption(values);
  if (what === 'nrdl') {
    source = { list: 'nrdl', file, encoding };
  } else {
    const given = required(values, 'province');
    const kind = str(values, 'kind');
    if (kind !== undefined && kind !== 'service' && kind !== 'material')
      throw new UsageError(`--kind must be service or material, got "${kind}"`);
    // the province in any form the governance record on chain lists; its proposer by default
    governance = await ctx.governance();
    const member = provinceOf(governance, given);
    ctx.preferIdentity(`${walletOrgOfMember(ctx.walletDir, member)}/proposer`);
    source = {
      list: 'province-items',
      file,
      encoding,
      province: member.name,
      ...(kind === undefined ? {} : { kind }),
    };
  }
  // the file first: its errors come before those of the options read after it, as they always did
  const list = readImportList(source, governance);
  const effectiveFrom = dateOption(values, 'effective-from');
  if (effectiveFrom === undefined) throw new UsageError('--effective-from YYYY-MM-DD is required');
  const chunkSize = str(values, 'chunk-size');
  const title = str(values, 'title');
  const client = ctx.client();
  const approvers = approverClients(ctx, str(values, 'approve-as'));
  const progress = progressReporter(ctx.out);
  let summary: ImportSummary;
  try {
    summary = await runImport({
      client,
      source: list,
      effectiveFrom,
      approvers,
      ...(chunkSize === undefined ? {} : { chunkSize: Number(chunkSize) }),
      ...(title === undefined ? {} : { title }),
      onProgress: progress.onProgress,
      onNote: (text) => {
        ctx.note(text);
      },
    });
  } catch (error) {
    if (error instanceof ChunkSizeError) {
      throw new UsageError(
        `--chunk-size must be an integer from 1 to ${error.max}, got "${chunkSize ?? ''}"`,
      );
    }
    throw error;
  } finally {
    progress.finish();
    for (const approver of approvers) approver.close();
  }
  ctx.print(summary, () => importSummaryText(summary));
  const pending = pendingNote(summary);
  if (pending !== null) ctx.note(pending);
  return 0;
}
