import type { Contract, Network } from '@hyperledger/fabric-gateway';
import {
  type AddChunkInput,
  CatalogError,
  type Change,
  type CheckCoverageBatchInput,
  type ChunkAdded,
  type ChunkApplied,
  type ChunkRefInput,
  type CoverageAnswer,
  type CoverageInput,
  type CoverageResult,
  type CreateProposalInput,
  type GetItemHistoryInput,
  type GetItemInput,
  type GetProposalInput,
  type GetRuleInput,
  type GetPaymentPolicyInput,
  type PaymentPolicyView,
  type ItemRule,
  type RuleView,
  type GetVersionInput,
  type Governance,
  type InitGovernanceInput,
  type Item,
  type ItemHistory,
  type ListProposalsInput,
  type Overlay,
  type Page,
  type PageInput,
  parseInput,
  type Proposal,
  type ProposalIdInput,
  type SchemaName,
  type SearchItemsInput,
  type SearchPage,
  type Tally,
  type Version,
  type Vote,
  type VoteInput,
  type VoteResult,
  type WithdrawInput,
} from '@nrdl-catalog/chaincode/model';
import { openConnection, type CatalogConnection, type ConnectionOptions } from './connection';
import { chaincodeError, toClientError } from './errors';
import { evaluateWhenReachable, submitWithRetry, type RetryPolicy, type SubmitResult } from './transaction';

/** What `Catalog:GetItem` answers: the item as of a version, with the provinces' overlays. */
export interface ItemView {
  readonly catalogVersion: number;
  readonly versionEffectiveFrom: string;
  readonly versionTxId: string;
  readonly itemId: string;
  readonly item: Item;
  readonly listedInVersion: number;
  readonly proposalId: string;
  readonly overlays: readonly Overlay[];
  /** The rules of the national rule base in force for the item (rule id order). */
  readonly rules: readonly ItemRule[];
}

/** What `Proposal:GetProposal` answers. */
export interface ProposalDetails {
  readonly proposal: Proposal;
  readonly votes: Vote[];
  readonly tally: Tally | null;
  readonly appliedChunks: number;
  readonly chunks: {
    index: number;
    changeCount: number;
    hash: string;
    applied: boolean;
    appliedTxId: string | null;
    /** With `includeChunks`. */
    changes?: Change[];
  }[];
}

/** What an approver reviewed and binds its vote to (see {@link reviewedOf}). */
export interface Reviewed {
  readonly manifestHash: string;
  readonly baseVersion: number;
  readonly governanceVersion: number;
}

/**
 * The content a vote binds to, taken from the proposal as shown to the approver: its manifest hash,
 * base catalog version and governance version. Throws a CatalogClientError (PROPOSAL_STATE) when the
 * proposal has not been opened (nothing fixed to review yet).
 */
export function reviewedOf(
  proposal: Pick<Proposal, 'id' | 'manifestHash' | 'baseVersion' | 'governanceVersion'>,
): Reviewed {
  if (
    proposal.manifestHash === null ||
    proposal.baseVersion === null ||
    proposal.governanceVersion === null
  ) {
    throw chaincodeError(
      'PROPOSAL_STATE',
      `PROPOSAL_STATE: proposal ${proposal.id} is not open: it has no manifest to review yet`,
      { template: 'PROPOSAL_STATE', params: { proposalId: proposal.id, status: 'draft', allowed: ['open'] } },
    );
  }
  return {
    manifestHash: proposal.manifestHash,
    baseVersion: proposal.baseVersion,
    governanceVersion: proposal.governanceVersion,
  };
}

/** A submitted transaction's decoded result with its transaction id and block. */
export interface Submitted<T> {
  readonly value: T;
  readonly transactionId: string;
  readonly blockNumber: bigint;
}

/** Options of {@link CatalogClient.connect}. */
export interface CatalogClientOptions extends ConnectionOptions {
  readonly retry?: RetryPolicy;
}

const decoder = new TextDecoder();

/**
 * Typed facade over the catalog chaincode: one method per chaincode function. Inputs are validated
 * with the chaincode's own JSON Schemas before anything is sent; chaincode errors come back as typed
 * errors ({@link NotFoundError}, {@link ForbiddenError}, …) carrying the stable code.
 *
 * @example
 * ```ts
 * const client = CatalogClient.connect({ as: 'guangdong/hospital1' });
 * try {
 *   const answer = await client.checkCoverage({ province: 'Guangdong', itemId: 'D-…' });
 * } finally {
 *   client.close();
 * }
 * ```
 */
export class CatalogClient {
  private constructor(
    /** The open gateway connection (identity, network, contract). */
    public readonly connection: CatalogConnection,
    private readonly retry: RetryPolicy,
  ) {}

  /** Connects as a wallet identity (`<org>/<identity>`) to its organisation's gateway peer. */
  public static connect(options: Readonly<CatalogClientOptions>): CatalogClient {
    return CatalogClient.fromConnection(openConnection(options), options.retry);
  }

  /** A client over a connection opened elsewhere (another gRPC client, or a test double of one). */
  public static fromConnection(connection: CatalogConnection, retry: RetryPolicy = {}): CatalogClient {
    return new CatalogClient(connection, {
      localMspId: connection.identity.mspId,
      gatewayEndpoint: connection.profile.peerEndpoint,
      ...retry,
    });
  }

  /** The channel, for block and event access. */
  public get network(): Network {
    return this.connection.network;
  }

  private get contract(): Contract {
    return this.connection.contract;
  }

  /** Closes the gateway connection and its gRPC channel. */
  public close(): void {
    this.connection.close();
  }

  private encode(schema: SchemaName, input: unknown): string {
    const json = JSON.stringify(input);
    try {
      parseInput(schema, json);
    } catch (error) {
      // The chaincode's own validation, run here first: the same coded error (template and all).
      if (error instanceof CatalogError) throw toClientError(error);
      throw error;
    }
    return json;
  }

  private async evaluate<T>(schema: SchemaName, input: unknown): Promise<T> {
    const json = this.encode(schema, input);
    const name = schema.replace('.', ':');
    try {
      const bytes = await evaluateWhenReachable(
        name,
        () => this.contract.evaluate(name, { arguments: [json] }),
        this.retry,
      );
      return JSON.parse(decoder.decode(bytes)) as T;
    } catch (error) {
      throw toClientError(error);
    }
  }

  private async submit<T>(schema: SchemaName, input: unknown): Promise<Submitted<T>> {
    const json = this.encode(schema, input);
    const done: SubmitResult = await submitWithRetry(
      this.contract,
      schema.replace('.', ':'),
      [json],
      this.retry,
    );
    return {
      value: JSON.parse(decoder.decode(done.result)) as T,
      transactionId: done.transactionId,
      blockNumber: done.blockNumber,
    };
  }

  /** An item as of the head, a version or a date (evaluate). */
  public getItem(input: GetItemInput): Promise<ItemView> {
    return this.evaluate('Catalog.GetItem', input);
  }

  /** A rule of the national rule base as of the head, a version or a date, with its sealed changes (evaluate). */
  public getRule(input: GetRuleInput): Promise<RuleView> {
    return this.evaluate('Catalog.GetRule', input);
  }

  /**
   * A province's payment policy (医保待遇) as of the head, a version or a date, with its sealed changes
   * (evaluate); POLICY_NOT_FOUND when none is in force there.
   */
  public getPaymentPolicy(input: GetPaymentPolicyInput): Promise<PaymentPolicyView> {
    return this.evaluate('Catalog.GetPaymentPolicy', input);
  }

  /**
   * Searches items by name (exact, prefix or substring; with a dosage form), code, category, class,
   * section, kind or province; paged, `truncated` when the scan budget ended a page early (evaluate).
   */
  public searchItems(input: SearchItemsInput): Promise<SearchPage> {
    return this.evaluate('Catalog.SearchItems', input);
  }

  /**
   * Whether an item is covered in a province on a date for a patient (evaluate). By `itemId` it
   * answers a CoverageResult; by `name` (+ `dosageForm`) or `code` the one match's result with its
   * form and the query, or every match (`matches`) when the name is ambiguous.
   */
  public checkCoverage(input: CoverageInput & { readonly itemId: string }): Promise<CoverageResult>;
  public checkCoverage(input: CoverageInput): Promise<CoverageAnswer>;
  public checkCoverage(input: CoverageInput): Promise<CoverageAnswer> {
    return this.evaluate('Catalog.CheckCoverage', input);
  }

  /** Up to 200 coverage questions at once, answered in order (evaluate). */
  public checkCoverageBatch(
    input: CheckCoverageBatchInput & {
      readonly lines: readonly (CoverageInput & { readonly itemId: string })[];
    },
  ): Promise<{ results: CoverageResult[] }>;
  public checkCoverageBatch(input: CheckCoverageBatchInput): Promise<{ results: CoverageAnswer[] }>;
  public checkCoverageBatch(input: CheckCoverageBatchInput): Promise<{ results: CoverageAnswer[] }> {
    return this.evaluate('Catalog.CheckCoverageBatch', input);
  }

  /** Every version of an item (evaluate). */
  public getItemHistory(input: GetItemHistoryInput): Promise<ItemHistory> {
    return this.evaluate('Catalog.GetItemHistory', input);
  }

  /** A sealed version by number or by date, or the head (evaluate). */
  public getVersion(input: GetVersionInput = {}): Promise<Version> {
    return this.evaluate('Catalog.GetVersion', input);
  }

  /** Sealed versions, paged (evaluate). */
  public listVersions(input: PageInput = {}): Promise<Page<Version>> {
    return this.evaluate('Catalog.ListVersions', input);
  }

  /** The governance record in force (evaluate). */
  public getGovernance(): Promise<Governance> {
    return this.evaluate('Governance.GetGovernance', {});
  }

  /**
   * Creates the first governance record (NHSA admin, once) with the members given (see
   * `membersFromTopology`), from then on the network's one list of organisations.
   */
  public initGovernance(input: InitGovernanceInput): Promise<Submitted<Governance>> {
    return this.submit('Governance.InitGovernance', input);
  }

  /** Applies an approved governance proposal. */
  public applyGovernanceProposal(input: ProposalIdInput): Promise<Submitted<Governance>> {
    return this.submit('Governance.ApplyGovernanceProposal', input);
  }

  /** Creates a draft proposal; its id derives from the transaction id. */
  public createProposal(input: CreateProposalInput): Promise<Submitted<Proposal>> {
    return this.submit('Proposal.CreateProposal', input);
  }

  /** Adds one chunk of changes to a draft proposal. */
  public addChunk(input: AddChunkInput): Promise<Submitted<ChunkAdded>> {
    return this.submit('Proposal.AddChunk', input);
  }

  /** Opens a draft proposal for votes. */
  public openProposal(input: ProposalIdInput): Promise<Submitted<Proposal>> {
    return this.submit('Proposal.OpenProposal', input);
  }

  /** Withdraws a proposal (its proposer's organisation). */
  public withdrawProposal(input: WithdrawInput): Promise<Submitted<Proposal>> {
    return this.submit('Proposal.WithdrawProposal', input);
  }

  /** Approves a proposal for the caller's organisation (approver role). */
  public approveProposal(input: VoteInput): Promise<Submitted<VoteResult>> {
    return this.submit('Proposal.ApproveProposal', input);
  }

  /** Rejects a proposal for the caller's organisation (approver role). */
  public rejectProposal(input: VoteInput): Promise<Submitted<VoteResult>> {
    return this.submit('Proposal.RejectProposal', input);
  }

  /** Writes one chunk of an approved proposal (idempotent). */
  public applyChunk(input: ChunkRefInput): Promise<Submitted<ChunkApplied>> {
    return this.submit('Proposal.ApplyChunk', input);
  }

  /** Seals the version once every chunk is applied. */
  public sealVersion(input: ProposalIdInput): Promise<Submitted<Version>> {
    return this.submit('Proposal.SealVersion', input);
  }

  /** A proposal with its votes and tally (evaluate). */
  public getProposal(input: GetProposalInput): Promise<ProposalDetails> {
    return this.evaluate('Proposal.GetProposal', input);
  }

  /** Proposals by status / scope / province, paged (evaluate). */
  public listProposals(input: ListProposalsInput = {}): Promise<Page<Proposal>> {
    return this.evaluate('Proposal.ListProposals', input);
  }
}
