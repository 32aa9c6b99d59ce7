/**
 * `catalog audit replay|verify|genesis-hash|history|as-of|diff|report`: a thin layer over the audit
 * library (gateway-client/src/audit). Only `replay` talks to the network; every other subcommand
 * answers from the audit store alone. Each subcommand lives in its own module (audit-*-command.ts);
 * what they share (the `--store` option, the default paths, opening the store) in
 * audit-store-option.ts. This module dispatches and re-exports their public names.
 */
import { CommandContext, UsageError } from './context';
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

/** Usage lines of the audit commands (main.ts's USAGE repeats them). */
export const AUDIT_USAGE = `  audit genesis-hash <block file>                          the hash to pin (compare it out of band)
  audit replay [--trust <hash>] [--from-block N] [--store <path|postgres-url>] [--follow]   (as audit/auditor by default)
  audit verify [--trust <hash>] [--deployments F] [--store S]  signatures, policies, flags, re-execution; exit 1 on any finding
  audit verify --store-only [--store S]                    only the store's digests, hash chains and approvals
  audit history <itemId> [--store S]
  audit as-of --date D (--item ID | --province P) [--store S]
  audit diff <versionA> <versionB> [--format table|csv|json] [--store S]
  audit report [--out audit/report.html] [--store S]       self-contained HTML with charts`;

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
    throw new UsageError(
      what === undefined
        ? `audit needs a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}`
        : `unknown audit subcommand "${what}": expected ${Object.keys(SUBCOMMANDS).join(', ')}`,
    );
  }
  return sub(ctx, rest, paths);
}
