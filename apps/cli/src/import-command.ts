import path from 'node:path';
import {
  ChunkSizeError,
  countBySection,
  type ImportList,
  type ImportSource,
  type ImportSummary,
  linkReportLines,
  listChanges,
  planChunks,
  readImportList,
  runImport,
} from '@nrdl-catalog/gateway-client/import';
import { CommandContext, UsageError, dateOption, parseCommand, required, str } from './context';
import type { Governance } from '@nrdl-catalog/chaincode/model';
import {
  MembersError,
  formatDate,
  provinceOf,
  readTopologyMembers,
  table,
  walletOrgOfMember,
} from '@nrdl-catalog/gateway-client';
import { approverClients } from './proposal-commands';
import { phaseLabel, progressReporter } from './progress';
import { DEFAULT_TOPOLOGY, encodingOption } from './query-commands';
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
    'dry-run': { type: 'boolean' },
    topology: { type: 'string' },
  });
  const [file] = positionals;
  if (!file || (what !== 'nrdl' && what !== 'province-items' && what !== 'rule-base')) {
    throw new UsageError('cli.usage.import');
  }
  if (what === 'rule-base') return ruleBaseImport(ctx, file, values);
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
  return driveImport(ctx, list, values);
}

/**
 * `catalog import rule-base <data folder> [--province P] [--dry-run]`: the NHSA rule base as one
 * national proposal (the rules and the NRDL items' national drug codes), its link report printed
 * first. `--dry-run` links and plans from the topology's member list without touching the network.
 */
async function ruleBaseImport(
  ctx: CommandContext,
  folder: string,
  values: Record<string, unknown>,
): Promise<number> {
  const province = str(values, 'province') ?? 'Shaanxi';
  const source: ImportSource = { list: 'rule-base', file: folder, province };
  if (values['dry-run'] === true) {
    let members;
    try {
      members = readTopologyMembers(path.resolve(str(values, 'topology') ?? DEFAULT_TOPOLOGY));
    } catch (error) {
      if (error instanceof MembersError) throw new UsageError(error.message);
      throw error;
    }
    const list = readImportList(source, members);
    const size = Number(str(values, 'chunk-size') ?? '250');
    const plan = planChunks(listChanges(list), size);
    const summary = {
      rules: list.rules?.length ?? 0,
      items: list.items.length,
      chunks: plan.chunks.length,
      fingerprint: plan.fingerprint,
      report: list.report,
    };
    ctx.print(summary, () =>
      [
        ...(list.report === undefined ? [] : linkReportLines(list.report, ctx.lang)),
        ctx.t('cli.ruleBase.dryRun', {
          rules: summary.rules,
          items: summary.items,
          chunks: summary.chunks,
          size,
        }),
      ].join('\n'),
    );
    return 0;
  }
  const governance = await ctx.governance();
  const list = readImportList(source, governance);
  if (list.report !== undefined) for (const line of linkReportLines(list.report, ctx.lang)) ctx.note(line);
  return driveImport(ctx, list, values);
}

/** Drives the import of a list read already (as the proposer in use), prints its summary. */
async function driveImport(
  ctx: CommandContext,
  list: ImportList,
  values: Record<string, unknown>,
): Promise<number> {
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
