/**
 * What the audit report shows beyond {@link auditReportData}: the version table and the change log,
 * derived from the replayed ledger model.
 */
import { proposalSummary, type AuditReportData, type ActorInfo } from './history';
import { fieldDifferences } from './json-diff';
import type { LedgerModel } from './ledger-model';

/** One sealed version as the report's version table shows it. */
export interface ReportVersion {
  readonly version: number;
  readonly effectiveFrom: string;
  readonly sealedAt: string | null;
  readonly scope: string;
  readonly province: string | null;
  readonly changes: number;
  readonly digest: string;
  readonly versionHash: string;
  readonly proposalIds: readonly string[];
  readonly titles: readonly string[];
  /** Proposers (MSP id and certificate subject). */
  readonly proposers: readonly ReportActor[];
  /** Approving organisations (MSP id and certificate subject). */
  readonly approvers: readonly ReportActor[];
  readonly sealTxId: string;
  readonly sealBlock: number;
}

/** Who acted. */
export interface ReportActor {
  readonly mspId: string;
  readonly role: string | null;
  readonly subject: string | null;
}

/** One change of the catalog, for the change log table. */
export interface ReportChange {
  readonly version: number;
  /** `rule`: a rule of the national rule base (`itemId` is the rule's id). */
  readonly kind: 'item' | 'overlay' | 'rule' | 'policy';
  readonly op: string;
  readonly itemId: string;
  /** Item name (from the item's data, for overlays too), or null when unknown. */
  readonly itemName: string | null;
  readonly province: string | null;
  /** Changed fields (`a.b`), empty for additions and removals. */
  readonly fields: readonly string[];
}

/** Everything the HTML report shows. */
export interface AuditReportInput {
  readonly data: AuditReportData;
  readonly versions: readonly ReportVersion[];
  readonly changes: readonly ReportChange[];
}

function actorOf(actor: ActorInfo): ReportActor {
  return { mspId: actor.mspId, role: actor.role, subject: actor.subject };
}

function nameOf(data: unknown): string | null {
  if (data !== null && typeof data === 'object' && 'name' in data) {
    const name = data.name;
    return typeof name === 'string' ? name : null;
  }
  return null;
}

/** Adds the version table and change log (from the replayed model) to the report data. */
export function auditReportInput(data: AuditReportData, model: LedgerModel): AuditReportInput {
  const names = new Map<string, string>();
  for (const v of model.versions) {
    for (const c of v.changes) {
      const name = c.kind === 'item' ? (nameOf(c.after) ?? nameOf(c.before)) : null;
      if (name !== null) {
        names.set(c.itemId, name);
      }
    }
  }
  const versions = model.versions.map((v): ReportVersion => {
    const summaries = v.record.proposalIds
      .map((pid) => proposalSummary(model, pid))
      .filter((p) => p !== null);
    return {
      version: v.record.version,
      effectiveFrom: v.record.effectiveFrom,
      sealedAt: v.tx.timestamp,
      scope: v.record.scope,
      province: v.record.province,
      changes: v.changes.length,
      digest: v.record.digest,
      versionHash: v.record.versionHash,
      proposalIds: v.record.proposalIds,
      titles: summaries.map((p) => p.title),
      proposers: summaries.map((p) => actorOf(p.proposer)),
      approvers: summaries.flatMap((p) => p.approvers.map((a) => actorOf(a.voter))),
      sealTxId: v.tx.txId,
      sealBlock: v.tx.blockNumber,
    };
  });
  const changes = model.versions.flatMap((v) =>
    v.changes.map((c): ReportChange => ({
      version: v.record.version,
      kind: c.kind,
      op: c.op,
      itemId: c.itemId,
      itemName: names.get(c.itemId) ?? null,
      province: c.province,
      fields:
        c.before === null || c.after === null ? [] : fieldDifferences(c.before, c.after).map((d) => d.field),
    })),
  );
  return { data, versions, changes };
}
