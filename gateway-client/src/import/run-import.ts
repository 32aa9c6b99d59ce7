/**
 * The import use case: read a source list (NRDL, or a province's service prices / special
 * materials), cut its items into the change plan the governance allows, and drive the proposal
 * (create or resume, add chunks, open, approve, apply, seal). The CLI's `catalog import` and
 * `npm start` (scripts/main.ts) both run it; rendering the outcome is theirs.
 */
import path from 'node:path';
import type { Change, ItemInput, ProvinceMembers, RuleInput } from '@nrdl-catalog/chaincode/model';
import type { CatalogClient } from '../catalog-client';
import { CatalogClientError, InvalidInputError } from '../errors';
import { provinceOf } from '../governance-members';
import { DEFAULT_CHUNK_CONCURRENCY, driveProposal, type DriveResult, type Progress } from '../workflow';
import { planChunks, upsertChanges } from './chunks';
import { ImportError, type TextEncodingName } from './csv';
import { readNrdlFile } from './nrdl';
import { readRuleBase, type LinkReport } from './rule-base';
import { readMaterialFile, readServiceFile } from './shaanxi';

/** What to import. */
export type ImportSource =
  | {
      readonly list: 'nrdl';
      readonly file: string;
      /** How the file is decoded (default `auto`: UTF-8, else GB18030 / GBK). */
      readonly encoding?: TextEncodingName;
    }
  | {
      readonly list: 'province-items';
      readonly file: string;
      /** How the file is decoded (default `auto`: UTF-8, else GB18030 / GBK). */
      readonly encoding?: TextEncodingName;
      /** The province, in any form the governance record lists (`Shaanxi`, `SN`, `陕西`, `610000`…). */
      readonly province: string;
      /** Medical service prices or special materials (default: `material` when the file name says so). */
      readonly kind?: 'service' | 'material';
    }
  | {
      /**
       * The NHSA rule base as a national rule set: `file` is the folder holding the four rule-base
       * lists, the NRDL list and the province's service price list (`data/`).
       */
      readonly list: 'rule-base';
      readonly file: string;
      /** The province whose service items the service rules link to (default Shaanxi). */
      readonly province?: string;
    };

/** Options of {@link runImport}. */
export interface RunImportOptions {
  /** The proposer's client (NHSA for the NRDL, the province's for its items). */
  readonly client: CatalogClient;
  /** The list to read, or one read already with {@link readImportList}. */
  readonly source: ImportSource | ImportList;
  /** YYYY-MM-DD the imported version takes effect. */
  readonly effectiveFrom: string;
  /** Clients of the approvers who vote, in this order (the caller opens and closes them). */
  readonly approvers?: readonly CatalogClient[];
  /** Changes per chunk, 1 to the governance's maximum (default: that maximum). */
  readonly chunkSize?: number;
  /**
   * AddChunk / ApplyChunk transactions in flight at once (default
   * {@link DEFAULT_CHUNK_CONCURRENCY}; 1 adds and applies the chunks one after another).
   */
  readonly concurrency?: number;
  /** Proposal title (default: the list's name and the file name). */
  readonly title?: string;
  readonly onProgress?: (progress: Progress) => void;
  /** Status lines (what is imported, repeated codes), for a log or stderr. */
  readonly onNote?: (text: string) => void;
}

/** Outcome of {@link runImport} (the CLI's `--json` summary). */
export interface ImportSummary {
  readonly proposalId: string;
  readonly status: DriveResult['status'];
  readonly resumed: boolean;
  readonly version: DriveResult['version'];
  readonly items: number;
  readonly chunks: number;
  /** Items per section of the source, in first-seen order. */
  readonly sections: Readonly<Record<string, number>>;
  /** Rules of the rule set (rule-base imports only). */
  readonly rules?: number;
  readonly seconds: number;
  readonly phaseSeconds: Readonly<Record<string, number>>;
}

/** A chunk size outside 1 to the governance's maximum. */
export class ChunkSizeError extends InvalidInputError {
  public constructor(
    public readonly chunkSize: number,
    public readonly max: number,
  ) {
    super('INVALID_INPUT', `chunk size must be an integer from 1 to ${max}, got ${chunkSize}`);
  }
}

/** Counts of items by section, in first-seen order. */
export function countBySection(items: readonly ItemInput[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.section, (counts.get(item.section) ?? 0) + 1);
  return [...counts.entries()];
}

/** A source list read into items, with the proposal's scope and default title. */
export interface ImportList {
  readonly items: ItemInput[];
  readonly scope: { readonly scope: 'national' | 'provincial'; readonly province?: string };
  readonly title: string;
  /** The file name (no folders). */
  readonly source: string;
  /** Codes that repeat in the source (later rows got ids with a `--<n>` suffix). */
  readonly duplicates: number;
  /** The rules a rule-base import adds (after the items' changes). */
  readonly rules?: readonly RuleInput[];
  /** How the rule base was linked (rule-base imports only). */
  readonly report?: LinkReport;
}

/**
 * `upsertRule` changes of the rules, in the given order (the change op of the national rule set,
 * national scope only).
 */
export function ruleChanges(rules: readonly RuleInput[]): Change[] {
  return rules.map((rule) => ({ op: 'upsertRule', rule }) as unknown as Change);
}

/** Every change of a list: its items' upserts, then its rules'. */
export function listChanges(list: ImportList): Change[] {
  return [...upsertChanges(list.items), ...ruleChanges(list.rules ?? [])];
}

/**
 * Reads `source` into items. A province's list takes its province (canonical name, item id code)
 * from `governance`, the record read from the chain: `UNKNOWN_PROVINCE` for a province it does not
 * list. Unreadable or malformed files are `INVALID_INPUT` {@link CatalogClientError}s naming the
 * file (and line).
 */
export function readImportList(source: ImportSource, governance?: ProvinceMembers): ImportList {
  const name = path.basename(source.file);
  const encoding = source.list === 'rule-base' ? undefined : source.encoding;
  const decoding = encoding === undefined ? {} : { encoding };
  try {
    if (source.list === 'nrdl') {
      return {
        items: readNrdlFile(source.file, decoding).map((entry) => entry.item),
        scope: { scope: 'national' },
        title: `NRDL 2024 (${name})`,
        source: name,
        duplicates: 0,
      };
    }
    if (governance === undefined) {
      throw new InvalidInputError(
        'INVALID_INPUT',
        `the province of ${name} is named by the governance record: read it first (client.getGovernance())`,
      );
    }
    if (source.list === 'rule-base') {
      const province = provinceOf(governance, source.province ?? 'Shaanxi');
      const base = readRuleBase(source.file, province);
      return {
        items: base.codedItems,
        rules: base.rules,
        report: base.report,
        scope: { scope: 'national' },
        title: `NHSA rule base (${base.rules.length} rules, ${province.name} service items)`,
        source: name,
        duplicates: 0,
      };
    }
    const province = provinceOf(governance, source.province);
    const kind = source.kind ?? (/material/i.test(name) ? 'material' : 'service');
    const imported =
      kind === 'service'
        ? readServiceFile(source.file, province, decoding)
        : readMaterialFile(source.file, province, decoding);
    return {
      items: imported.entries.map((entry) => entry.item),
      scope: { scope: 'provincial', province: province.name },
      title: `${province.name} ${kind === 'service' ? 'medical service prices' : 'special materials'} (${name})`,
      source: name,
      duplicates: imported.duplicates.length,
    };
  } catch (error) {
    if (error instanceof ImportError) {
      throw new CatalogClientError('INVALID_INPUT', error.message, { cause: error });
    }
    throw error;
  }
}

/**
 * Imports a source list as one chunked proposal and drives it as far as the approvers allow
 * (applied and sealed when they suffice, else left open or approved for more votes). Re-running
 * after an interruption resumes the same proposal.
 */
export async function runImport(options: RunImportOptions): Promise<ImportSummary> {
  const governance = await options.client.getGovernance();
  const list = 'items' in options.source ? options.source : readImportList(options.source, governance);
  if (list.duplicates > 0) {
    options.onNote?.(`${list.duplicates} codes repeat in the source; later rows got ids with a --<n> suffix`);
  }
  const max = governance.maxChunkChanges;
  const chunkSize = options.chunkSize ?? max;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > max) {
    throw new ChunkSizeError(chunkSize, max);
  }
  const changes = listChanges(list);
  const chunkPlan = planChunks(changes, chunkSize);
  const started = performance.now();
  options.onNote?.(
    `importing ${list.items.length} items${list.rules === undefined ? '' : ` and ${list.rules.length} rules`} from ${list.source} as ${chunkPlan.chunks.length} chunks of ≤ ${chunkSize}`,
  );
  const result = await driveProposal(
    options.client,
    {
      ...list.scope,
      title: options.title ?? list.title,
      rationale:
        list.rules === undefined
          ? `Import of ${list.source} (${list.items.length} items).`
          : `Import of the NHSA rule base from ${list.source} (${list.rules.length} rules; national drug codes of ${list.items.length} NRDL items).`,
      effectiveFrom: options.effectiveFrom,
      chunks: chunkPlan.chunks.map((chunk) => chunk.changes),
      fingerprint: chunkPlan.fingerprint,
    },
    {
      approvers: options.approvers ?? [],
      concurrency: options.concurrency ?? DEFAULT_CHUNK_CONCURRENCY,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    },
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    proposalId: result.proposalId,
    status: result.status,
    resumed: result.resumed,
    version: result.version,
    items: list.items.length,
    chunks: chunkPlan.chunks.length,
    sections: Object.fromEntries(countBySection(list.items)),
    ...(list.rules === undefined ? {} : { rules: list.rules.length }),
    seconds: Number(seconds.toFixed(1)),
    phaseSeconds: Object.fromEntries(
      Object.entries(result.phaseMs).map(([phase, ms]) => [phase, Number((ms / 1000).toFixed(1))]),
    ),
  };
}
