import { readFileSync } from 'node:fs';
import { type Change, MAX_CHUNK_CHANGES, type Proposal, type Version } from '@nrdl-catalog/chaincode/model';
import { DEFAULT_CHUNK_SIZE, fingerprint, splitIntoChunks } from '@nrdl-catalog/gateway-client/import';
import {
  applyAndSeal,
  type CatalogClient,
  chaincodeError,
  diffCatalogVersions,
  displayPath,
  driveProposal,
  fsReason,
  reviewedOf,
} from '@nrdl-catalog/gateway-client';
import { CommandContext, UsageError, dateOption, int, parseCommand, required, str } from './context';
import { keyValues, proposalTarget, table } from '@nrdl-catalog/gateway-client';
import type { Lang } from '@nrdl-catalog/chaincode/messages';
import { DEFAULT_LANG, formatDate, formatTimestamp } from '@nrdl-catalog/gateway-client';
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
    throw new UsageError(
      `cannot read ${displayPath(file)}: ${error instanceof SyntaxError ? error.message : fsReason(error)}`,
    );
  }
  const changes = (Array.isArray(parsed) ? parsed : (parsed as { changes?: unknown }).changes) as
    Change[] | undefined;
  if (!Array.isArray(changes) || changes.length === 0)
    throw new UsageError(`${displayPath(file)} must hold a non-empty array of changes`);
  const effectiveFrom = dateOption(values, 'effective-from') ?? new Date().toISOString().slice(0, 10);
  const approvers = approverClients(ctx, str(values, 'approve-as'));
  const progress = progressReporter(ctx.out);
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
    ctx.print(
      result,
      () =>
        `proposal ${result.proposalId}: ${result.status}${result.version ? `, sealed as version ${result.version.version}` : ''}`,
    );
  } finally {
    progress.finish();
    for (const approver of approvers) approver.close();
  }
  return 0;
}

/** The rows of `proposal list` (dates as people read them in `lang`). */
export function proposalRows(proposals: readonly Proposal[], lang: Lang = DEFAULT_LANG): unknown[][] {
  return proposals.map((p) => [
    p.id,
    p.status,
    p.scope,
    p.province,
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
    ctx.print(page, () =>
      table(
        ['ID', 'STATUS', 'SCOPE', 'PROVINCE', 'TITLE', 'CHANGES', 'EFFECTIVE', 'VERSION'],
        proposalRows(page.records),
        40,
        ['ID'],
      ),
    );
    return 0;
  }
  const [proposalId] = positionals;
  if (!proposalId || !['show', 'approve', 'reject', 'withdraw', 'apply'].includes(sub ?? '')) {
    throw new UsageError('usage: catalog proposal list | show|approve|reject|withdraw|apply <id>');
  }
  const comment = str(values, 'comment');
  switch (sub) {
    case 'show': {
      const shown = await client.getProposal({
        proposalId,
        ...(values.chunks === true ? { includeChunks: true } : {}),
      });
      ctx.print(shown, () => keyValues(shown as unknown as Record<string, unknown>));
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
        throw chaincodeError(
          'STALE_REVIEW',
          `STALE_REVIEW: proposal ${proposalId} now has manifest ${reviewed.manifestHash}, not the ${pinned} you reviewed`,
        );
      }
      const input = { proposalId, ...reviewed, ...(comment ? { comment } : {}) };
      const done =
        sub === 'approve' ? await client.approveProposal(input) : await client.rejectProposal(input);
      ctx.print(
        done,
        () =>
          `${sub === 'approve' ? 'approved' : 'rejected'} ${proposalId} (tx ${done.transactionId}, block ${done.blockNumber})`,
      );
      return 0;
    }
    case 'withdraw': {
      const reason = str(values, 'reason');
      const done = await client.withdrawProposal({ proposalId, ...(reason ? { reason } : {}) });
      ctx.print(done, () => `withdrew ${proposalId}`);
      return 0;
    }
    default: {
      const shown = (await client.getProposal({ proposalId })) as {
        proposal: Proposal;
        chunks: { index: number; applied: boolean }[];
      };
      if (shown.proposal.scope === 'governance') {
        const done = await client.applyGovernanceProposal({ proposalId });
        ctx.print(
          done,
          () => `governance updated to version ${String((done.value as { version?: number }).version)}`,
        );
        return 0;
      }
      const progress = progressReporter(ctx.out);
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
      ctx.print(
        sealed,
        () => `sealed version ${sealed.value.version} (digest ${sealed.value.digest.slice(0, 16)}…)`,
      );
      return 0;
    }
  }
}

/** The rows of `version list` (dates, and seal times in China Standard Time, as people read them in `lang`). */
export function versionRows(versions: readonly Version[], lang: Lang = DEFAULT_LANG): unknown[][] {
  return versions.map((v) => [
    v.version,
    v.scope,
    v.province,
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
    ctx.print(page, () =>
      table(
        ['VERSION', 'SCOPE', 'PROVINCE', 'CHANGES', 'EFFECTIVE', 'SEALED AT', 'DIGEST', 'TX'],
        versionRows(page.records),
      ),
    );
    return 0;
  }
  if (sub === 'show') {
    const n = positionals[0];
    const date = dateOption(values, 'date');
    if (n !== undefined && !/^\d+$/.test(n)) throw new UsageError(`version must be a number, got "${n}"`);
    const version = await client.getVersion(n !== undefined ? { version: Number(n) } : date ? { date } : {});
    ctx.print(version, () => keyValues(version as unknown as Record<string, unknown>));
    return 0;
  }
  if (sub === 'diff') {
    const [a, b] = positionals;
    if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b))
      throw new UsageError('usage: catalog version diff <a> <b>');
    const entries = await diffCatalogVersions(client, Number(a), Number(b));
    ctx.print({ from: Number(a), to: Number(b), entries }, () =>
      entries.length === 0
        ? `no differences between versions ${a} and ${b}`
        : table(
            ['CHANGE', 'KIND', 'ITEM', 'PROVINCE', 'NAME', 'FIELDS'],
            entries.map((e) => [
              e.change,
              e.kind,
              e.itemId,
              e.province,
              e.name,
              e.fields.map((f) => f.field).join(', '),
            ]),
          ),
    );
    return 0;
  }
  throw new UsageError('usage: catalog version list | show [<n>] [--date D] | diff <a> <b>');
}
