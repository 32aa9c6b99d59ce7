/**
 * A whole CatalogClient over the REAL contracts on the chaincode tests' in-memory peer, for running
 * every CLI command in-process: each method calls the chaincode function the real client calls
 * (evaluate or submit), errors become the client's typed errors, and submits get deterministic
 * transaction ids (`tx-1`, `tx-2`, …) and block numbers (1, 2, …).
 */
import '../../chaincode/support/quiet';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { computeItemId } from '@nrdl-catalog/chaincode/model';
import type { CatalogClient, CatalogClientOptions } from '../../../../gateway-client/src/catalog-client';
import { toClientError } from '../../../../gateway-client/src/errors';
import type { Network } from '../../chaincode/support/fabric-stub';
import {
  avapritinibItem,
  boraxItem,
  fennelItem,
  ilaprazoleItem,
  newNetwork,
  upserts,
} from '../../chaincode/support/fixtures';
import { ENGLISH_ENV, runCatalog, type CliRun } from '../../support/cli';
import { callerOf } from '../../support/in-memory-client';

/** Client method → chaincode function, for evaluates. */
const EVALUATES = {
  getItem: 'Catalog:GetItem',
  searchItems: 'Catalog:SearchItems',
  checkCoverage: 'Catalog:CheckCoverage',
  checkCoverageBatch: 'Catalog:CheckCoverageBatch',
  getItemHistory: 'Catalog:GetItemHistory',
  getVersion: 'Catalog:GetVersion',
  listVersions: 'Catalog:ListVersions',
  getGovernance: 'Governance:GetGovernance',
  getProposal: 'Proposal:GetProposal',
  listProposals: 'Proposal:ListProposals',
} as const satisfies Partial<Record<keyof CatalogClient, string>>;

/** Client method → chaincode function, for submits. */
const SUBMITS = {
  initGovernance: 'Governance:InitGovernance',
  applyGovernanceProposal: 'Governance:ApplyGovernanceProposal',
  createProposal: 'Proposal:CreateProposal',
  addChunk: 'Proposal:AddChunk',
  openProposal: 'Proposal:OpenProposal',
  withdrawProposal: 'Proposal:WithdrawProposal',
  approveProposal: 'Proposal:ApproveProposal',
  rejectProposal: 'Proposal:RejectProposal',
  applyChunk: 'Proposal:ApplyChunk',
  sealVersion: 'Proposal:SealVersion',
} as const satisfies Partial<Record<keyof CatalogClient, string>>;

/** The in-memory network with a client factory for `runCli`, and what the clients did. */
export interface CatalogNetwork {
  readonly connect: (options: Readonly<CatalogClientOptions>) => CatalogClient;
  /** The identity of every client opened, in order. */
  readonly identities: string[];
  /** How many opened clients were closed. */
  readonly closed: () => number;
  /** The chaincode functions called, in order (`Catalog:GetItem`, …). */
  readonly calls: string[];
}

/** A client factory over `net` (see the module comment). */
export function catalogNetwork(net: Network): CatalogNetwork {
  const identities: string[] = [];
  const calls: string[] = [];
  let closed = 0;
  let submitted = 0;
  const connect = (options: Readonly<CatalogClientOptions>): CatalogClient => {
    identities.push(options.as);
    const caller = callerOf(options.as);
    const methods: Record<string, unknown> = {
      // the wallet identity as a connection holds it (no certificate: the role is the wallet entry's)
      connection: {
        identity: {
          mspId: caller.msp,
          role: caller.role,
          identity: { mspId: caller.msp, credentials: new Uint8Array() },
        },
      },
      close: (): void => {
        closed += 1;
      },
    };
    for (const [method, fn] of Object.entries(EVALUATES)) {
      methods[method] = async (input: unknown = {}): Promise<unknown> => {
        calls.push(fn);
        try {
          return await net.evaluate(caller, fn, input);
        } catch (error) {
          throw toClientError(error);
        }
      };
    }
    for (const [method, fn] of Object.entries(SUBMITS)) {
      methods[method] = async (input: unknown = {}): Promise<unknown> => {
        calls.push(fn);
        let value: unknown;
        try {
          value = await net.submit(caller, fn, input);
        } catch (error) {
          throw toClientError(error);
        }
        submitted += 1;
        return { value, transactionId: `tx-${submitted}`, blockNumber: BigInt(submitted) };
      };
    }
    return methods as unknown as CatalogClient;
  };
  return { connect, identities, calls, closed: () => closed };
}

/** Ids of the sample items the seeded catalog lists. */
export const ITEM = {
  borax: computeItemId({ kind: 'drug', name: boraxItem.name, dosageForm: boraxItem.dosageForm ?? null }),
  ilaprazole: computeItemId({
    kind: 'drug',
    name: ilaprazoleItem.name,
    dosageForm: ilaprazoleItem.dosageForm ?? null,
  }),
  avapritinib: computeItemId({
    kind: 'drug',
    name: avapritinibItem.name,
    dosageForm: avapritinibItem.dosageForm ?? null,
  }),
  fennel: computeItemId({ kind: 'herbal', name: fennelItem.name }),
} as const;

/** The three national approvers, as `--approve-as` takes them. */
export const NATIONAL_APPROVERS = 'nhsa/approver,guangdong/approver,sichuan/approver';

/** A catalog built through the CLI, and a way to run more commands on it. */
export interface SeededCatalog {
  readonly net: Network;
  readonly clients: CatalogNetwork;
  /** Runs `catalog <argv>` in-process against the catalog, in `env` (default: an English locale). */
  readonly run: (argv: readonly string[], env?: NodeJS.ProcessEnv) => Promise<CliRun>;
  /** Runs `catalog <argv>`, fails unless it exits 0, and parses its `--json` output. */
  readonly json: <T>(argv: readonly string[]) => Promise<T>;
  /** Writes `value` as JSON to `<dir>/<name>` and returns the path. */
  readonly file: (name: string, value: unknown) => string;
  /** The NRDL proposal (version 1) and the Guangdong overlay proposal (version 2). */
  readonly nationalId: string;
  readonly overlayId: string;
}

/**
 * Builds a catalog through the CLI itself: `governance init` as nhsa/admin; version 1, national
 * (复方硼砂, 注射用艾普拉唑钠, 阿伐替尼片, 小茴香, effective 2025-01-01), proposed, approved by NHSA,
 * Guangdong and Sichuan and applied with `propose --apply`; version 2, Guangdong's overlay on 复方硼砂
 * (self-pay ratio 0.3, effective 2025-03-01). Change files go to `dir`.
 */
export async function seededCatalog(dir: string): Promise<SeededCatalog> {
  const net = newNetwork();
  const clients = catalogNetwork(net);
  const run = (argv: readonly string[], env: NodeJS.ProcessEnv = ENGLISH_ENV): Promise<CliRun> =>
    runCatalog(argv, { connect: clients.connect }, env);
  const json = async <T>(argv: readonly string[]): Promise<T> => {
    const done = await run([...argv, '--json']);
    if (done.code !== 0) throw new Error(`catalog ${argv.join(' ')} exited ${done.code}: ${done.stderr}`);
    return JSON.parse(done.stdout) as T;
  };
  const file = (name: string, value: unknown): string => {
    const target = path.join(dir, name);
    writeFileSync(target, JSON.stringify(value));
    return target;
  };
  await json(['governance', 'init', '--as', 'nhsa/admin']);
  const national = await json<{ proposalId: string }>([
    'propose',
    '--file',
    file('nrdl.json', upserts([boraxItem, ilaprazoleItem, avapritinibItem, fennelItem])),
    '--title',
    'NRDL 2024',
    '--effective-from',
    '2025-01-01',
    '--approve-as',
    NATIONAL_APPROVERS,
    '--apply',
  ]);
  const overlay = await json<{ proposalId: string }>([
    'propose',
    '--as',
    'guangdong/proposer',
    '--scope',
    'guangdong',
    '--file',
    file('overlay.json', {
      changes: [
        { op: 'setOverlay', overlay: { itemId: ITEM.borax, province: 'Guangdong', selfPayRatio: 0.3 } },
      ],
    }),
    '--title',
    'Guangdong self-pay for 复方硼砂',
    '--effective-from',
    '2025-03-01',
    '--approve-as',
    'guangdong/approver',
    '--apply',
  ]);
  return { net, clients, run, json, file, nationalId: national.proposalId, overlayId: overlay.proposalId };
}
