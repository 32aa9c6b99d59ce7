/**
 * `catalog audit verify` and `catalog audit genesis-hash`: the auditors' verification of a replayed
 * store. By default it is independent of any peer's word: the raw blocks from the pinned genesis
 * block (orderer signatures, creator and endorsement signatures, endorsement policies, MVCC, the
 * peers' validation flags) and every valid catalog transaction re-executed with the released code,
 * on top of the store's own checks (digests, version hash chain, approvals).
 */
import { readFileSync } from 'node:fs';
import {
  type AuditStore,
  formatFinding,
  genesisHashOf,
  loadDeploymentRecords,
  verifyIndependently,
  verifyStore,
} from '@nrdl-catalog/gateway-client/audit';
import { CatalogClientError } from '@nrdl-catalog/gateway-client';
import { CommandContext, UsageError, parseCommand, str } from './context';
import { keyValues, textOf } from '@nrdl-catalog/gateway-client';
import {
  displayLocation,
  noArguments,
  parseAuditCommand,
  trustOption,
  withStore,
  type AuditSubcommand,
} from './audit-store-option';

/** How many findings the human output lists. */
const SHOWN_FINDINGS = 20;

/** `catalog audit genesis-hash <block file>`: the header hash of a block file (e.g. the channel's genesis block). */
export function genesisHashCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { positionals } = parseCommand(args, {});
  const [file] = positionals;
  if (file === undefined || positionals.length > 1) {
    throw new UsageError('usage: catalog audit genesis-hash <block file>');
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new UsageError(`cannot read block file ${file}`);
  }
  const hash = genesisHashOf(bytes);
  ctx.print({ file, hash }, () => hash);
  return Promise.resolve(0);
}

/** `catalog audit verify [--trust H] [--deployments F] [--chaincode-dir D] [--store-only] [--store S]` */
export const verifyCommand: AuditSubcommand = async (ctx, args, paths) => {
  const {
    values,
    positionals,
    store: location,
  } = parseAuditCommand(args, paths, {
    trust: { type: 'string' },
    deployments: { type: 'string' },
    'chaincode-dir': { type: 'string' },
    'store-only': { type: 'boolean' },
    'no-reexecute': { type: 'boolean' },
  });
  noArguments(positionals);
  const given = trustOption(values);
  const deploymentsFile = str(values, 'deployments');
  const chaincodeDir = str(values, 'chaincode-dir');
  return withStore(location, async (store: AuditStore) => {
    const result = await verifyStore(store);
    if (!result.ok) {
      ctx.print(result, () =>
        keyValues({
          status: 'MISMATCH',
          version: result.version,
          block: result.block,
          txId: result.txId,
          item: result.itemId ?? null,
          province: result.province ?? null,
          proposal: result.proposalId ?? null,
          field: result.field,
          expected: textOf(result.expected),
          found: textOf(result.found),
        }),
      );
      throw new CatalogClientError('AUDIT_MISMATCH', result.message);
    }
    const storeLine =
      `${result.versions} sealed versions and ${result.blocks} blocks verified ` +
      `(${result.validTransactions} valid transactions replayed from ${displayLocation(location)})`;
    if (values['store-only'] === true) {
      ctx.print(
        { ...result, independent: false },
        () => `OK (store checks only, NOT an independent verification): ${storeLine}`,
      );
      return 0;
    }
    const pinned = await store.getTrustedGenesis();
    if (given !== undefined && pinned !== null && given !== pinned) {
      throw new CatalogClientError(
        'TRUST_MISMATCH',
        `--trust ${given} differs from the genesis hash ${pinned} this store was replayed with`,
      );
    }
    const trust = given ?? pinned;
    if (trust === null) {
      throw new CatalogClientError(
        'TRUST_NOT_PINNED',
        'no trusted genesis hash: replay with --trust <hash> (catalog audit genesis-hash <block file>) or pass --trust; --store-only checks the store alone',
      );
    }
    const independent = await verifyIndependently(store, {
      trustedGenesisHash: trust,
      ...(deploymentsFile === undefined ? {} : { deployments: loadDeploymentRecords(deploymentsFile) }),
      ...(chaincodeDir === undefined ? {} : { chaincodeDir }),
      skipReexecution: values['no-reexecute'] === true,
      ...(ctx.channel === undefined ? {} : { channel: ctx.channel }),
      onProgress: (blocks) => {
        ctx.note(`verify      block ${blocks}`);
      },
    });
    const errors = independent.findings.filter((f) => f.severity !== 'warning');
    const summary = {
      ok: independent.ok,
      store: result,
      genesis: trust,
      blocks: independent.blocks,
      transactions: independent.transactions,
      reexecuted: independent.reexecuted,
      notReexecuted: independent.notReexecuted,
      build: independent.build?.version ?? null,
      readerView: independent.readerView,
      findings: independent.findings,
    };
    const findingLines = (): string =>
      [
        ...independent.findings.slice(0, SHOWN_FINDINGS).map(formatFinding),
        ...(independent.findings.length > SHOWN_FINDINGS
          ? [`… and ${independent.findings.length - SHOWN_FINDINGS} more findings (--json lists all)`]
          : []),
      ].join('\n');
    if (independent.ok) {
      ctx.print(summary, () =>
        [
          `OK: ${storeLine}`,
          `    verified independently from genesis ${trust.slice(0, 16)}…: ${independent.blocks} blocks, ` +
            `${independent.transactions} transactions; signatures, endorsement policies, MVCC and validation flags checked; ` +
            (values['no-reexecute'] === true
              ? 're-execution skipped (--no-reexecute)'
              : `${independent.reexecuted} catalog transactions re-executed with build ${independent.build?.version ?? '?'}, identical`),
          ...(independent.readerView === null
            ? []
            : [
                `    readers' view of version ${String(independent.readerView.version)} (${String(independent.readerView.items)} listed items ` +
                  "as Catalog:GetItem shows them) has the version's digest",
              ]),
          ...(independent.findings.length > 0
            ? [
                `    ${independent.findings.length} warnings: transactions the peers rejected too, or facts that ` +
                  `contradict nothing (--json lists them), e.g.`,
                ...independent.findings.slice(0, 3).map((f) => `    ${formatFinding(f)}`),
              ]
            : []),
        ].join('\n'),
      );
      return 0;
    }
    ctx.print(summary, findingLines);
    const first = errors[0];
    throw new CatalogClientError(
      'AUDIT_MISMATCH',
      first === undefined ? 'independent verification failed' : formatFinding(first),
    );
  });
};
