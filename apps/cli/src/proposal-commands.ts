import { readFileSync } from 'node:fs';
import { type Change, MAX_CHUNK_CHANGES, type Proposal, type Version } from '@nrdl-catalog/chaincode/model';
import { DEFAULT_CHUNK_SIZE, fingerprint, splitIntoChunks } from '@nrdl-catalog/gateway-client/import';
import {
  applyAndSeal,
  type CatalogClient,
  diffCatalogVersions,
  displayPath,
  type ProposalDetails,
  driveProposal,
  fsReason,
  reviewedOf,
} from '@nrdl-catalog/gateway-client';
import {
  CliCodedError,
  CommandContext,
  UsageError,
  dateOption,
  int,
  parseCommand,
  required,
  str,
} from './context';
import { formatDate, formatTimestamp, proposalTarget, table } from '@nrdl-catalog/gateway-client';
import { columns, labelCell, recordText, t, yesNo, type FieldNames, type Lang } from './i18n';
import { progressReporter } from './progress';

/** Opens one client per `--approve-as` entry (comma-separated `<org>/<identity>`). */
export function approverClients(ctx: CommandContext, list: string | undefined): CatalogClient[] {
  if (list === undefined || list.trim() === '') return [];
  return list.split(',').map((as) => ctx.clientAs(as.trim()));
}

/** `catalog propose --file changes.json --title T [--rationale R] [--scope S] [--effective-from D] [--approve-as …] [--apply]` */
export async function proposeCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    file: { type: 'string' },
    title: { type: 'string' },
    rationale: { type: 'string' },
    scope: { type: 'string' },
    'effective-from': { type: 'string' },
    'approve-as': { type: 'string' },
    apply: { type: 'boolean' },
    'chunk-size': { type: 'string' },
  });
  const file = required(values, 'file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError('cli.usage.cannotRead', {
      file: displayPath(file),
      reason: error instanceof SyntaxError ? error.message : fsReason(error),
    });
  }
  const changes = (
    Array.isArray(parsed)
      ? parsed
      : parsed !== null && typeof parsed === 'object'
        ? (parsed as { changes?: unknown }).changes
        : undefined
  ) as Change[] | undefined;
  if (!Array.isArray(changes) || changes.length === 0)
    throw new UsageError('cli.usage.changes', { file: displayPath(file) });
  const effectiveFrom = dateOption(values, 'effective-from') ?? new Date().toISOString().slice(0, 10);
  const approvers = approverClients(ctx, str(values, 'approve-as'));
  const progress = progressReporter(ctx.out, ctx.lang);
  try {
    const result = await driveProposal(
      ctx.client(),
      {
        ...proposalTarget(str(values, 'scope')),
        title: required(values, 'title'),
        rationale: str(values, 'rationale') ?? required(values, 'title'),
        effectiveFrom,
        chunks: splitIntoChunks(
          changes,
          int(values, 'chunk-size', 1, MAX_CHUNK_CHANGES) ?? DEFAULT_CHUNK_SIZE,
        ),
        fingerprint: fingerprint(changes),
      },
      {
        approvers,
        apply: values.apply === true,
        onProgress: progress.onProgress,
      },
    );
    progress.finish();
    ctx.print(result, () =>
      result.version
        ? ctx.t('cli.proposal.sealedAs', {
            id: result.proposalId,
            status: labelCell(ctx.lang, 'status', result.status),
            version: result.version.version,
          })
        : ctx.t('cli.proposal.status', {
            id: result.proposalId,
            status: labelCell(ctx.lang, 'status', result.status),
          }),
    );
  } finally {
    progress.finish();
    for (const approver of approvers) approver.close();
  }
  return 0;
}

/** The rows of `proposal list` (dates as people read them in `lang`). */
export function proposalRows(
  lang: Lang,
  proposals: readonly Proposal[],
  provinceName: (name: string) => string,
): unknown[][] {
  return proposals.map((p) => [
    p.id,
    labelCell(lang, 'status', p.status),
    labelCell(lang, 'scope', p.scope),
    p.province === null ? null : provinceName(p.province),
    p.title,
    p.changeCount,
    formatDate(p.effectiveFrom, lang),
    p.sealedVersion,
  ]);
}

/** `catalog proposal list|show|approve|reject|withdraw|apply …` */
export async function proposalCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    status: { type: 'string' },
    scope: { type: 'string' },
    province: { type: 'string' },
    limit: { type: 'string' },
    bookmark: { type: 'string' },
    comment: { type: 'string' },
    manifest: { type: 'string' },
    reason: { type: 'string' },
    chunks: { type: 'boolean' },
  });
  const client = ctx.client();
  if (sub === 'list') {
    const scope = str(values, 'scope');
    const page = await client.listProposals({
      ...(str(values, 'status') ? { status: str(values, 'status') as Proposal['status'] } : {}),
      ...(scope ? { scope: scope as Proposal['scope'] } : {}),
      ...(str(values, 'province') ? { province: str(values, 'province') } : {}),
      pageSize: int(values, 'limit', 1, 200) ?? 50,
      ...(str(values, 'bookmark') ? { bookmark: str(values, 'bookmark') } : {}),
    });
    const provinceName = await ctx.provinceNames();
    const titles = columns(ctx.lang, [
      'cli.col.id',
      'cli.col.status',
      'cli.col.scope',
      'cli.col.province',
      'cli.col.title',
      'cli.col.changes',
      'cli.col.effective',
      'cli.col.version',
    ]);
    ctx.print(page, () =>
      table(titles, proposalRows(ctx.lang, page.records, provinceName), 40, titles.slice(0, 1)),
    );
    return 0;
  }
  const [proposalId] = positionals;
  if (!proposalId || !['show', 'approve', 'reject', 'withdraw', 'apply'].includes(sub ?? '')) {
    throw new UsageError('cli.usage.proposal');
  }
  const comment = str(values, 'comment');
  switch (sub) {
    case 'show': {
      const shown = await client.getProposal({
        proposalId,
        ...(values.chunks === true ? { includeChunks: true } : {}),
      });
      const provinceName = await ctx.provinceNames();
      ctx.print(shown, () => proposalText(ctx.lang, shown, provinceName));
      return 0;
    }
    case 'approve':
    case 'reject': {
      // Bind the vote to the content shown: the proposal as read now, or the manifest the user names.
      const shownProposal = (await client.getProposal({ proposalId })).proposal;
      const reviewed = reviewedOf(shownProposal);
      const pinned = str(values, 'manifest');
      if (pinned && pinned !== reviewed.manifestHash) {
        // A domain conflict like the chaincode's own STALE_REVIEW (exit 1), not a command-line mistake.
        throw new CliCodedError('STALE_REVIEW', 'cli.proposal.staleManifest', {
          id: proposalId,
          manifest: reviewed.manifestHash,
          pinned,
        });
      }
      const input = { proposalId, ...reviewed, ...(comment ? { comment } : {}) };
      const done =
        sub === 'approve' ? await client.approveProposal(input) : await client.rejectProposal(input);
      ctx.print(done, () =>
        ctx.t(sub === 'approve' ? 'cli.proposal.approved' : 'cli.proposal.rejected', {
          id: proposalId,
          tx: done.transactionId,
          block: String(done.blockNumber),
        }),
      );
      return 0;
    }
    case 'withdraw': {
      const reason = str(values, 'reason');
      const done = await client.withdrawProposal({ proposalId, ...(reason ? { reason } : {}) });
      ctx.print(done, () => ctx.t('cli.proposal.withdrew', { id: proposalId }));
      return 0;
    }
    default: {
      const shown = (await client.getProposal({ proposalId })) as {
        proposal: Proposal;
        chunks: { index: number; applied: boolean }[];
      };
      if (shown.proposal.scope === 'governance') {
        const done = await client.applyGovernanceProposal({ proposalId });
        ctx.print(done, () =>
          ctx.t('cli.proposal.governanceUpdated', {
            version: String((done.value as { version?: number }).version),
          }),
        );
        return 0;
      }
      const progress = progressReporter(ctx.out, ctx.lang);
      let sealed: Awaited<ReturnType<typeof applyAndSeal>>;
      try {
        sealed = await applyAndSeal(client, proposalId, {
          chunks: shown.chunks,
          onProgress: (p) => {
            progress.onProgress(p);
          },
        });
      } finally {
        progress.finish();
      }
      ctx.print(sealed, () =>
        ctx.t('cli.proposal.sealed', {
          version: sealed.value.version,
          digest: sealed.value.digest.slice(0, 16),
        }),
      );
      return 0;
    }
  }
}

/** The rows of `version list` (dates, and seal times in China Standard Time, as people read them in `lang`). */
export function versionRows(
  lang: Lang,
  versions: readonly Version[],
  provinceName: (name: string) => string,
): unknown[][] {
  return versions.map((v) => [
    v.version,
    labelCell(lang, 'scope', v.scope),
    v.province === null ? null : provinceName(v.province),
    v.changeCount,
    formatDate(v.effectiveFrom, lang),
    formatTimestamp(v.timestamp, lang),
    v.digest.slice(0, 16),
    v.txId.slice(0, 16),
  ]);
}

/** `catalog version list|show <n>` */
export async function versionCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseCommand(rest, {
    limit: { type: 'string' },
    bookmark: { type: 'string' },
    date: { type: 'string' },
  });
  const client = ctx.client();
  if (sub === 'list') {
    const page = await client.listVersions({
      pageSize: int(values, 'limit', 1, 200) ?? 50,
      ...(str(values, 'bookmark') ? { bookmark: str(values, 'bookmark') } : {}),
    });
    const provinceName = await ctx.provinceNames();
    ctx.print(page, () =>
      table(
        columns(ctx.lang, [
          'cli.col.version',
          'cli.col.scope',
          'cli.col.province',
          'cli.col.changes',
          'cli.col.effective',
          'cli.col.sealedAt',
          'cli.col.digest',
          'cli.col.tx',
        ]),
        versionRows(ctx.lang, page.records, provinceName),
      ),
    );
    return 0;
  }
  if (sub === 'show') {
    const n = positionals[0];
    const date = dateOption(values, 'date');
    if (n !== undefined && !/^\d+$/.test(n)) throw new UsageError('cli.usage.versionNumber', { value: n });
    const version = await client.getVersion(n !== undefined ? { version: Number(n) } : date ? { date } : {});
    const provinceName = await ctx.provinceNames();
    ctx.print(version, () =>
      recordText(ctx.lang, version as unknown as Record<string, unknown>, VERSION_FIELDS, provinceName),
    );
    return 0;
  }
  if (sub === 'diff') {
    const [a, b] = positionals;
    if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) throw new UsageError('cli.usage.versionDiff');
    const entries = await diffCatalogVersions(client, Number(a), Number(b));
    const provinceName = await ctx.provinceNames();
    ctx.print({ from: Number(a), to: Number(b), entries }, () =>
      entries.length === 0
        ? ctx.t('cli.version.noDifferences', { a, b })
        : table(
            columns(ctx.lang, [
              'cli.col.change',
              'cli.col.entry',
              'cli.col.item',
              'cli.col.province',
              'cli.col.name',
              'cli.col.fields',
            ]),
            entries.map((e) => [
              changeLabel(ctx.lang, e.change),
              entryLabel(ctx.lang, e.kind),
              e.itemId,
              e.province === null ? null : provinceName(e.province),
              e.name,
              e.fields.map((f) => f.field).join(', '),
            ]),
          ),
    );
    return 0;
  }
  throw new UsageError('cli.usage.version');
}

/** The fields of `catalog proposal show` in Chinese (the proposal's own fields one a line). */
const PROPOSAL_FIELDS: FieldNames = {
  id: 'cli.field.proposalId',
  title: 'cli.field.title',
  status: ['cli.field.status', 'status'],
  scope: ['cli.field.scope', 'scope'],
  province: 'cli.field.province',
  ownerMsp: 'cli.field.ownerMsp',
  rationale: 'cli.field.rationale',
  effectiveFrom: 'cli.field.effectiveFrom',
  proposer: 'cli.field.proposer',
  createdAt: 'cli.field.createdAt',
  updatedAt: 'cli.field.updatedAt',
  baseVersion: 'cli.field.baseVersion',
  governanceVersion: 'cli.field.governanceVersion',
  chunkCount: 'cli.field.chunkCount',
  changeCount: 'cli.field.changeCount',
  manifestHash: 'cli.field.manifestHash',
  sealedVersion: 'cli.field.sealedVersion',
  statusReason: 'cli.field.statusReason',
  governance: 'cli.field.governanceChange',
  appliedChunks: 'cli.field.appliedChunks',
  tally: 'cli.field.tally',
  votes: 'cli.field.votes',
  chunks: 'cli.field.chunks',
};

/**
 * `catalog proposal show` as `key: value` lines: in English the answer's fields as they are; in
 * Chinese the proposal's own fields one a line, the votes and the tally in words.
 */
function proposalText(lang: Lang, shown: ProposalDetails, provinceName: (name: string) => string): string {
  if (lang === 'en') return recordText(lang, shown as unknown as Record<string, unknown>, {});
  const p = shown.proposal;
  const actor = (a: { mspId: string; role: string | null; id: string }): string =>
    [a.mspId, labelCell(lang, 'role', a.role), a.id].filter((x) => x !== null).join(' ');
  const tally = shown.tally;
  return recordText(
    lang,
    {
      id: p.id,
      title: p.title,
      status: p.status,
      scope: p.scope,
      province: p.province === null ? null : provinceName(p.province),
      ownerMsp: p.ownerMsp,
      rationale: p.rationale,
      effectiveFrom: p.effectiveFrom,
      proposer: actor(p.proposer),
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      baseVersion: p.baseVersion,
      governanceVersion: p.governanceVersion,
      chunkCount: p.chunkCount,
      changeCount: p.changeCount,
      manifestHash: p.manifestHash,
      sealedVersion: p.sealedVersion,
      statusReason: p.statusReason,
      ...(p.governance === null ? {} : { governance: p.governance }),
      appliedChunks: shown.appliedChunks,
      tally:
        tally === null
          ? null
          : t(lang, 'cli.proposal.tally', {
              met: yesNo(lang, tally.met),
              approvals: tally.approvals.length === 0 ? '-' : tally.approvals,
              rejections: tally.rejections.length === 0 ? '-' : tally.rejections,
              needed: tally.provincesNeeded,
              national: yesNo(lang, tally.requiredNational),
            }),
      votes:
        shown.votes.length === 0
          ? null
          : shown.votes
              .map(
                (v) =>
                  t(lang, v.decision === 'approve' ? 'cli.proposal.voteApprove' : 'cli.proposal.voteReject', {
                    voter: actor(v.voter),
                    time: v.timestamp,
                  }) + (v.comment === null || v.comment === '' ? '' : `：${v.comment}`),
              )
              .join('；'),
      chunks: shown.chunks,
    },
    PROPOSAL_FIELDS,
  );
}

/** The fields of `catalog version show` in Chinese. */
const VERSION_FIELDS: FieldNames = {
  version: 'cli.field.version',
  parent: 'cli.field.parent',
  proposalIds: 'cli.field.proposalIds',
  scope: ['cli.field.scope', 'scope'],
  province: ['cli.field.province', 'province'],
  changeCount: 'cli.field.changeCount',
  effectiveFrom: 'cli.field.effectiveFrom',
  requestedEffectiveFrom: 'cli.field.requestedEffectiveFrom',
  txId: 'cli.field.txId',
  timestamp: 'cli.field.sealedAt',
  digest: 'cli.field.digest',
  previousVersionHash: 'cli.field.previousVersionHash',
  versionHash: 'cli.field.versionHash',
};

/** added / removed / changed, in the command's language. */
export function changeLabel(lang: Lang, change: string): string {
  if (lang === 'en') return change;
  if (change === 'added') return t(lang, 'cli.change.added');
  if (change === 'removed') return t(lang, 'cli.change.removed');
  if (change === 'changed') return t(lang, 'cli.change.changed');
  return change;
}

/** A catalog entry's kind (item / overlay), in the command's language. */
export function entryLabel(lang: Lang, kind: string): string {
  if (lang === 'en') return kind;
  if (kind === 'item') return t(lang, 'cli.entry.item');
  if (kind === 'overlay') return t(lang, 'cli.entry.overlay');
  return kind;
}
