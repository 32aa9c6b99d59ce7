/** Argument types of the transactions (they match `schemas[...]`). */
import type {
  Change,
  CoverageInput,
  DrugClass,
  GovernanceUpdate,
  ItemKind,
  ProposalStatus,
  ProvinceMember,
  Scope,
} from './types';

export interface GetItemInput {
  readonly itemId: string;
  readonly version?: number;
  readonly date?: string;
  readonly province?: string;
}
export interface SearchItemsInput {
  readonly name?: string;
  readonly namePrefix?: string;
  readonly code?: string;
  readonly categoryCode?: string;
  readonly class?: DrugClass;
  readonly section?: string;
  readonly kind?: ItemKind;
  readonly province?: string;
  readonly version?: number;
  readonly pageSize?: number;
  readonly bookmark?: string;
}
export interface CheckCoverageBatchInput {
  readonly lines: readonly CoverageInput[];
}
export interface GetItemHistoryInput {
  readonly itemId: string;
  readonly province?: string;
}
export interface GetVersionInput {
  readonly version?: number;
  readonly date?: string;
  readonly includeLattice?: boolean;
}
export interface PageInput {
  readonly pageSize?: number;
  readonly bookmark?: string;
}
export interface CreateProposalInput {
  readonly scope: Scope;
  readonly province?: string;
  readonly title: string;
  readonly rationale: string;
  readonly effectiveFrom: string;
  readonly governance?: GovernanceUpdate;
}
export interface AddChunkInput {
  readonly proposalId: string;
  readonly chunkIndex: number;
  readonly changes: readonly Change[];
}
export interface ProposalIdInput {
  readonly proposalId: string;
}
export interface WithdrawInput extends ProposalIdInput {
  readonly reason?: string;
}
export interface VoteInput extends ProposalIdInput {
  /** The manifest hash, base catalog version and governance version the approver reviewed. */
  readonly manifestHash: string;
  readonly baseVersion: number;
  readonly governanceVersion: number;
  readonly comment?: string;
}
export interface ChunkRefInput extends ProposalIdInput {
  readonly chunkIndex: number;
}
export interface GetProposalInput extends ProposalIdInput {
  readonly includeChunks?: boolean;
}
export interface ListProposalsInput extends PageInput {
  readonly status?: ProposalStatus;
  readonly scope?: Scope;
  readonly province?: string;
}
export interface InitGovernanceInput {
  readonly provinces: readonly ProvinceMember[];
  readonly nationalMsp?: string;
  readonly nationalNames?: { readonly en: string; readonly zh: string };
  readonly auditors?: readonly string[];
  readonly maxChunkChanges?: number;
  readonly allowSelfApproval?: boolean;
}
