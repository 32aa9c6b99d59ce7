/**
 * `catalog audit report`: one self-contained HTML file with charts, from the audit store alone, with
 * the store checks' result in its banner.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { auditReportData, renderAuditReport, verifyStore } from '@nrdl-catalog/gateway-client/audit';
import { UsageError, str } from './context';
import {
  displayLocation,
  formatBytes,
  noArguments,
  parseAuditCommand,
  withModel,
  type AuditSubcommand,
} from './audit-store-option';

/** `catalog audit report [--out F] [--store S]`: exit 1 (the file still written) when the store checks fail. */
export const reportCommand: AuditSubcommand = async (ctx, args, paths) => {
  const {
    values,
    positionals,
    store: location,
  } = parseAuditCommand(args, paths, { out: { type: 'string' } });
  noArguments(positionals);
  const given = str(values, 'out');
  if (given === '') throw new UsageError('cli.usage.outFile');
  const out = path.resolve(given ?? paths.report);
  const { html, verify, data } = await withModel(location, async (model, store) => {
    const verifyResult = await verifyStore(store);
    const reportData = await auditReportData(store, model);
    return {
      verify: verifyResult,
      data: reportData,
      html: renderAuditReport(reportData, model, {
        verify: verifyResult,
        generatedAt: new Date().toISOString(),
        source: displayLocation(location),
      }),
    };
  });
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, html, 'utf8');
  const bytes = statSync(out).size;
  const result = {
    out: displayLocation(out),
    bytes,
    versions: data.summary.versions,
    invalidTransactions: data.summary.invalidTransactions,
    verified: verify.ok,
  };
  ctx.print(result, () =>
    ctx.t(verify.ok ? 'cli.report.wroteOk' : 'cli.report.wroteMismatch', {
      file: result.out,
      size: formatBytes(bytes),
      versions: result.versions,
      invalid: result.invalidTransactions,
    }),
  );
  if (!verify.ok) {
    // The report is still written (its banner shows the mismatch), but the run fails.
    ctx.note(`AUDIT_MISMATCH: ${ctx.t('cli.report.mismatch', { detail: verify.message })}`);
    return 1;
  }
  return 0;
};
