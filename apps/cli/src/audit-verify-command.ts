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
import { CliCodedError, CommandContext, UsageError, parseCommand, str } from './context';
import { textOf } from '@nrdl-catalog/gateway-client';
import { recordText, type FieldNames } from './i18n';

/** The fields of a store mismatch in Chinese. */
const MISMATCH_FIELDS: FieldNames = {
  status: 'cli.field.status',
  version: 'cli.field.version',
  block: 'cli.field.block',
  txId: 'cli.field.txId',
  item: 'cli.field.itemId',
  province: ['cli.field.province', 'province'],
  proposal: 'cli.field.proposalId',
  field: 'cli.field.field',
  expected: 'cli.field.expected',
  found: 'cli.field.found',
};
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
    throw new UsageError('cli.usage.genesisHash');
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new UsageError('cli.usage.blockFile', { file });
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
        recordText(
          ctx.lang,
          {
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
          },
          MISMATCH_FIELDS,
        ),
      );
      throw new CatalogClientError('AUDIT_MISMATCH', result.message);
    }
    const storeLine = ctx.t('cli.verify.storeLine', {
      versions: result.versions,
      blocks: result.blocks,
      transactions: result.validTransactions,
      store: displayLocation(location),
    });
    if (values['store-only'] === true) {
      ctx.print({ ...result, independent: false }, () => ctx.t('cli.verify.storeOnly', { line: storeLine }));
      return 0;
    }
    const pinned = await store.getTrustedGenesis();
    if (given !== undefined && pinned !== null && given !== pinned) {
      throw new CliCodedError('TRUST_MISMATCH', 'cli.verify.trustMismatch', { given, pinned });
    }
    const trust = given ?? pinned;
    if (trust === null) {
      throw new CliCodedError('TRUST_NOT_PINNED', 'cli.verify.notPinned');
    }
    const independent = await verifyIndependently(store, {
      trustedGenesisHash: trust,
      ...(deploymentsFile === undefined ? {} : { deployments: loadDeploymentRecords(deploymentsFile) }),
      ...(chaincodeDir === undefined ? {} : { chaincodeDir }),
      skipReexecution: values['no-reexecute'] === true,
      ...(ctx.channel === undefined ? {} : { channel: ctx.channel }),
      onProgress: (blocks) => {
        ctx.note(ctx.t('cli.verify.progress', { block: blocks }));
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
          ? [ctx.t('cli.verify.moreFindings', { count: independent.findings.length - SHOWN_FINDINGS })]
          : []),
      ].join('\n');
    if (independent.ok) {
      ctx.print(summary, () =>
        [
          ctx.t('cli.verify.ok', { line: storeLine }),
          `    ${ctx.t('cli.verify.independent', {
            genesis: trust.slice(0, 16),
            blocks: independent.blocks,
            transactions: independent.transactions,
          })}` +
            (values['no-reexecute'] === true
              ? ctx.t('cli.verify.noReexecute')
              : ctx.t('cli.verify.reexecuted', {
                  count: independent.reexecuted,
                  build: independent.build?.version ?? '?',
                })),
          ...(independent.readerView === null
            ? []
            : [
                `    ${ctx.t('cli.verify.readerView', {
                  version: String(independent.readerView.version),
                  items: String(independent.readerView.items),
                })}`,
              ]),
          ...(independent.findings.length > 0
            ? [
                `    ${ctx.t('cli.verify.warnings', { count: independent.findings.length })}`,
                ...independent.findings.slice(0, 3).map((f) => `    ${formatFinding(f)}`),
              ]
            : []),
        ].join('\n'),
      );
      return 0;
    }
    ctx.print(summary, findingLines);
    const first = errors[0];
    throw first === undefined
      ? new CliCodedError('AUDIT_MISMATCH', 'cli.verify.failed')
      : new CatalogClientError('AUDIT_MISMATCH', formatFinding(first));
  });
};
