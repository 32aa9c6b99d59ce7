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
import { formatDate, provinceOf, table, walletOrgOfMember } from '@nrdl-catalog/gateway-client';
import { approverClients } from './proposal-commands';
import { phaseLabel, progressReporter } from './progress';
import { encodingOption } from './query-commands';
import { columns, labelCell, t, type Lang } from './i18n';

export { countBySection };

/** The human rendering of an import's summary (what `--json` leaves out of stdout). */
export function importSummaryText(summary: ImportSummary, lang: Lang = 'en'): string {
  const status = labelCell(lang, 'status', summary.status);
  return [
    summary.version
      ? t(lang, summary.resumed ? 'cli.import.sealedResumed' : 'cli.import.sealed', {
          id: summary.proposalId,
          status,
          version: summary.version.version,
          effectiveFrom: formatDate(summary.version.effectiveFrom, lang),
        })
      : t(lang, summary.resumed ? 'cli.import.statusResumed' : 'cli.import.status', {
          id: summary.proposalId,
          status,
        }),
    t(lang, 'cli.import.counts', {
      items: summary.items,
      chunks: summary.chunks,
      seconds: summary.seconds.toFixed(1),
      phases: Object.entries(summary.phaseSeconds)
        .map(([phase, s]) =>
          t(lang, 'cli.import.phaseSeconds', { phase: phaseLabel(lang, phase), seconds: s }),
        )
        .join(lang === 'zh' ? '，' : ', '),
    }),
    table(columns(lang, ['cli.col.section', 'cli.col.items']), Object.entries(summary.sections)),
  ].join('\n');
}

/** The note printed when the approvers given did not suffice to apply the import. */
export function pendingNote(summary: ImportSummary, lang: Lang = 'en'): string | null {
  return summary.status === 'applied'
    ? null
    : t(lang, 'cli.import.pending', { status: labelCell(lang, 'status', summary.status) });
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
    throw new UsageError('cli.usage.import');
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
      throw new UsageError('cli.usage.importKind', { value: kind });
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
  if (effectiveFrom === undefined) throw new UsageError('cli.usage.effectiveFromRequired');
  const chunkSize = str(values, 'chunk-size');
  const title = str(values, 'title');
  const client = ctx.client();
  const approvers = approverClients(ctx, str(values, 'approve-as'));
  const progress = progressReporter(ctx.out, ctx.lang);
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
      throw new UsageError('cli.usage.intRange', {
        name: 'chunk-size',
        min: 1,
        max: error.max,
        value: chunkSize ?? '',
      });
    }
    throw error;
  } finally {
    progress.finish();
    for (const approver of approvers) approver.close();
  }
  ctx.print(summary, () => importSummaryText(summary, ctx.lang));
  const pending = pendingNote(summary, ctx.lang);
  if (pending !== null) ctx.note(pending);
  return 0;
}
