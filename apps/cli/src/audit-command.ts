/**
 * `catalog audit replay|verify|genesis-hash|history|as-of|diff|report`: a thin layer over the audit
 * library (gateway-client/src/audit). Only `replay` talks to the network; every other subcommand
 * answers from the audit store alone. Each subcommand lives in its own module (audit-*-command.ts);
 * what they share (the `--store` option, the default paths, opening the store) in
 * audit-store-option.ts. This module dispatches and re-exports their public names.
 */
import type { Lang } from '@nrdl-catalog/chaincode/messages';
import { CommandContext, UsageError } from './context';
import { t } from './i18n';
import { auditPaths, type AuditPaths, type AuditSubcommand } from './audit-store-option';
import { replayCommand } from './audit-replay-command';
import { genesisHashCommand, verifyCommand } from './audit-verify-command';
import { asOfCommand, historyCommand } from './audit-history-commands';
import { diffCommand } from './audit-diff-command';
import { reportCommand } from './audit-report-command';

export {
  AUDIT_DIR,
  auditPaths,
  DEFAULT_AUDIT_STORE,
  DEFAULT_REPORT,
  displayLocation,
  formatBytes,
  openStore,
  STORE_OPTION,
  storeLocation,
  withStore,
  type AuditPaths,
  type AuditSubcommand,
} from './audit-store-option';
export { AUDIT_AS, runReplay, type ReplayCommandOptions } from './audit-replay-command';
export { diffCsv } from './audit-diff-command';

/** Usage lines of the audit commands in `lang` (main.ts's usage text includes them). */
export function auditUsage(lang: Lang): string {
  return t(lang, 'cli.usage.audit');
}

/** Usage lines of the audit commands in English. */
export const AUDIT_USAGE = auditUsage('en');

const SUBCOMMANDS: Record<string, AuditSubcommand> = {
  replay: replayCommand,
  verify: verifyCommand,
  'genesis-hash': genesisHashCommand,
  history: historyCommand,
  'as-of': asOfCommand,
  diff: diffCommand,
  report: reportCommand,
};

/**
 * `catalog audit <replay|verify|genesis-hash|history|as-of|diff|report> …`; `paths` are the default
 * store and report (default: `audit/` of the working directory).
 */
export async function auditCommand(
  ctx: CommandContext,
  args: string[],
  paths: AuditPaths = auditPaths(),
): Promise<number> {
  const [what, ...rest] = args;
  const sub = what === undefined ? undefined : SUBCOMMANDS[what];
  if (sub === undefined) {
    const list = Object.keys(SUBCOMMANDS).join(', ');
    throw what === undefined
      ? new UsageError('cli.audit.needsSubcommand', { list })
      : new UsageError('cli.audit.unknownSubcommand', { name: what, list });
  }
  return sub(ctx, rest, paths);
}
