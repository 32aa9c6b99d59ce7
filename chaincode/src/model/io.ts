/**
 * Argument types of the transactions, derived from their JSON Schemas (`../schemas`) with
 * `json-schema-to-ts`: the schemas are the one place an input's shape is written down, and a change
 * to a schema changes these types. (Type-only: nothing here exists at run time.)
 */
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { definitions, SchemaName, schemas } from '../schemas';

/**
 * `T` with every property and array readonly, at every depth: inputs are never modified, and
 * callers may pass readonly arrays (`FromSchema` itself gives mutable types).
 */
export type DeepReadonly<T> = T extends readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The (deeply readonly) type of the values a JSON Schema accepts. */
export type FromInputSchema<S extends JSONSchema> = DeepReadonly<FromSchema<S>>;

type InputTypes = { readonly [N in SchemaName]: FromInputSchema<(typeof schemas)[N]> };
/**
 * The argument type of every transaction, by schema name. An interface, not the mapped type itself:
 * TypeScript rewrites an index into a mapped type (`InputTypes[N]`) back into
 * `FromInputSchema<(typeof schemas)[N]>`, which code generic in `N` (such as `runTx`) cannot relate to
 * itself without expanding `FromSchema` over every schema at once; `Inputs[N]` stays one lookup.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- see above
export interface Inputs extends InputTypes {}

/** The argument type of transaction `N` (what `schemas[N]` accepts). */
export type InputOf<N extends SchemaName> = Inputs[N];

/** The type of the values `definitions[N]` accepts. */
export type DefinitionOf<N extends keyof typeof definitions> = FromInputSchema<(typeof definitions)[N]>;

export type GetItemInput = InputOf<'Catalog.GetItem'>;
export type SearchItemsInput = InputOf<'Catalog.SearchItems'>;
export type CheckCoverageBatchInput = InputOf<'Catalog.CheckCoverageBatch'>;
export type GetItemHistoryInput = InputOf<'Catalog.GetItemHistory'>;
export type GetRuleInput = InputOf<'Catalog.GetRule'>;
export type GetPaymentPolicyInput = InputOf<'Catalog.GetPaymentPolicy'>;
export type GetVersionInput = InputOf<'Catalog.GetVersion'>;
/** A page request (ListVersions; ListProposals adds filters). */
export type PageInput = InputOf<'Catalog.ListVersions'>;
export type CreateProposalInput = InputOf<'Proposal.CreateProposal'>;
export type AddChunkInput = InputOf<'Proposal.AddChunk'>;
/** OpenProposal, SealVersion and ApplyGovernanceProposal take just the proposal id. */
export type ProposalIdInput = InputOf<'Proposal.OpenProposal'>;
export type WithdrawInput = InputOf<'Proposal.WithdrawProposal'>;
/**
 * ApproveProposal / RejectProposal: the manifest hash, base catalog version and governance version
 * the approver reviewed, and an optional comment.
 */
export type VoteInput = InputOf<'Proposal.ApproveProposal'>;
/** ApplyChunk: a proposal and one of its chunks. */
export type ChunkRefInput = InputOf<'Proposal.ApplyChunk'>;
export type GetProposalInput = InputOf<'Proposal.GetProposal'>;
export type ListProposalsInput = InputOf<'Proposal.ListProposals'>;
export type InitGovernanceInput = InputOf<'Governance.InitGovernance'>;
