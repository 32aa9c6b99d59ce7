import path from 'node:path';
import type { ItemInput } from '../../../chaincode/src/model/types';
import { planChunks, upsertChanges } from '../import/chunks';
import { ImportError } from '../import/csv';
import { readNrdlFile } from '../import/nrdl';
import { readMaterialFile, readServiceFile } from '../import/shaanxi';
import { CatalogClientError } from '../errors';
import { driveProposal, type DriveResult } from '../workflow';
import {
  CommandContext,
  UsageError,
  dateOption,
  int,
  parseCommand,
  provinceName,
  required,
  str,
} from './context';
import { approverClients } from './proposal-commands';
import { progressReporter } from './progress';
import { table } from './output';

/** Counts of items by section, in first-seen order. */
export function countBySection(items: readonly ItemInput[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.section, (counts.get(item.section) ?? 0) + 1);
  return [...counts.entries()];
}

/** Options shared by both imports. */
interface ImportPlan {
  readonly items: ItemInput[];
  readonly scope: { scope: 'national' | 'provincial'; province?: string };
  readonly title: string;
  readonly source: string;
}

async function runImport(
  ctx: CommandContext,
  plan: ImportPlan,
  values: Record<string, unknown>,
): Promise<number> {
  const effectiveFrom = dateOption(values, 'effective-from');
  if (effectiveFrom === undefined) throw new UsageError('--effective-from YYYY-MM-DD is required');
  const client = ctx.client();
  const governance = await client.getGovernance();
  const chunkSize = int(values, 'chunk-size', 1, governance.maxChunkChanges) ?? governance.maxChunkChanges;
  const chunkPlan = planChunks(upsertChanges(plan.items), chunkSize);
  const approvers = approverClients(ctx, str(values, 'approve-as'));
  const started = performance.now();
  ctx.note(
    `importing ${plan.items.length} items from ${plan.source} as ${chunkPlan.chunks.length} chunks of ≤ ${chunkSize}`,
  );
  let result: DriveResult;
  const progress = progressReporter(ctx);
  try {
    result = await driveProposal(
      client,
      {
        ...plan.scope,
        title: str(values, 'title') ?? plan.title,
        rationale: `Import of ${plan.source} (${plan.items.length} items).`,
        effectiveFrom,
        chunks: chunkPlan.chunks.map((chunk) => chunk.changes),
        fingerprint: chunkPlan.fingerprint,
      },
      { approvers, onProgress: progress.onProgress },
    );
  } finally {
    progress.finish();
    for (const approver of approvers) approver.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const sections = countBySection(plan.items);
  const summary = {
    proposalId: result.proposalId,
    status: result.status,
    resumed: result.resumed,
    version: result.version,
    items: plan.items.length,
    chunks: chunkPlan.chunks.length,
    sections: Object.fromEntries(sections),
    seconds: Number(seconds.toFixed(1)),
    phaseSeconds: Object.fromEntries(
      Object.entries(result.phaseMs).map(([phase, ms]) => [phase, Number((ms / 1000).toFixed(1))]),
    ),
  };
  ctx.print(summary, () =>
    [
      `proposal ${result.proposalId}: ${result.status}${result.resumed ? ' (resumed)' : ''}` +
        (result.version
          ? `, sealed as version ${result.version.version} effective ${result.version.effectiveFrom}`
          : ''),
      `${plan.items.length} items in ${chunkPlan.chunks.length} chunks, ${seconds.toFixed(1)} s (` +
        Object.entries(summary.phaseSeconds)
          .map(([phase, s]) => `${phase} ${s} s`)
          .join(', ') +
        ')',
      table(['SECTION', 'ITEMS'], sections),
    ].join('\n'),
  );
  if (result.status !== 'applied') {
    ctx.note(`proposal is ${result.status}: it needs approvals before it can be applied (see --approve-as)`);
  }
  return 0;
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
  });
  const [file] = positionals;
  if (!file || (what !== 'nrdl' && what !== 'province-items')) {
    throw new UsageError(
      'usage: catalog import nrdl <csv> | province-items <csv> --province P [--kind service|material] --effective-from D',
    );
  }
  try {
    if (what === 'nrdl') {
      const items = readNrdlFile(file).map((entry) => entry.item);
      return await runImport(
        ctx,
        {
          items,
          scope: { scope: 'national' },
          title: `NRDL 2024 (${path.basename(file)})`,
          source: path.basename(file),
        },
        values,
      );
    }
    const province = provinceName(required(values, 'province'));
    ctx.preferIdentity(`${province.toLowerCase()}/proposer`);
    const kind = str(values, 'kind') ?? (/material/i.test(path.basename(file)) ? 'material' : 'service');
    if (kind !== 'service' && kind !== 'material')
      throw new UsageError(`--kind must be service or material, got "${kind}"`);
    const imported = kind === 'service' ? readServiceFile(file, province) : readMaterialFile(file, province);
    if (imported.duplicates.length > 0) {
      ctx.note(
        `${imported.duplicates.length} codes repeat in the source; later rows got ids with a --<n> suffix`,
      );
    }
    return await runImport(
      ctx,
      {
        items: imported.entries.map((entry) => entry.item),
        scope: { scope: 'provincial', province },
        title: `${province} ${kind === 'service' ? 'medical service prices' : 'special materials'} (${path.basename(file)})`,
        source: path.basename(file),
      },
      values,
    );
  } catch (error) {
    if (error instanceof ImportError)
      throw new CatalogClientError('INVALID_INPUT', error.message, { cause: error });
    throw error;
  }
}
