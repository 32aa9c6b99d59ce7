/**
 * The transaction input types are derived from the JSON Schemas (json-schema-to-ts), not written a
 * second time. Most of this file is checked by the compiler, not by mocha: `tsc -p tsconfig.json`
 * (part of the lint gate) fails when an `expectType<Equal<...>>` does not hold or a
 * `// @ts-expect-error` line stops being an error. The tests then check at run time that ajv
 * draws the same line as the types.
 */
import { expect } from 'chai';
import Ajv from 'ajv';
import { parseInput } from '../../../chaincode/src/lib/validate';
import type {
  ChunkRefInput,
  FromInputSchema,
  InputOf,
  ProposalIdInput,
  VoteInput,
} from '../../../chaincode/src/model/io';
import type {
  Change,
  CoverageInput,
  HospitalLevel,
  ItemInput,
  ItemKind,
  OverlayInput,
  RestrictionRules,
  Scope,
} from '../../../chaincode/src/model/types';
import { definitions, schemas } from '../../../chaincode/src/schemas';

/** True when A and B are the same type (not merely assignable either way). */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the usual exact-equality check
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compile-time assertion: `expectType<Equal<A, B>>(true)` compiles only when A and B are equal. */
function expectType<T extends true>(proof: T): T {
  return proof;
}

// The derived types are the ones that used to be written by hand (readonly at every depth).
expectType<
  Equal<
    VoteInput,
    {
      readonly proposalId: string;
      readonly manifestHash: string;
      readonly baseVersion: number;
      readonly governanceVersion: number;
      readonly comment?: string;
    }
  >
>(true);
expectType<Equal<ChunkRefInput, { readonly proposalId: string; readonly chunkIndex: number }>>(true);
/** What every coverage line has besides the item it names. */
interface CoverageLineBase {
  readonly province: string;
  readonly date?: string;
  readonly patient?: {
    readonly age?: number;
    readonly sex?: 'male' | 'female';
    readonly hospitalLevel?: 1 | 2 | 3;
    readonly visitType?: 'inpatient' | 'outpatient';
    readonly insuranceType?: 'employee' | 'resident' | 'workInjury' | 'maternity';
    readonly insuredProvince?: string;
    readonly registered?: boolean;
    readonly chronic?: boolean;
  };
}
// a line names its item by id, by name (+ form) or by code
expectType<Equal<Pick<CoverageInput, keyof CoverageLineBase>, CoverageLineBase>>(true);
expectType<
  Equal<Extract<CoverageInput, { readonly itemId: string }>['itemId'], string> extends true ? true : false
>(true);
export const coverageLines: readonly CoverageInput[] = [
  { province: 'Guangdong', itemId: 'D-1' },
  { province: 'Guangdong', name: '蜂蜜', dosageForm: '口服' },
  { province: 'Guangdong', code: '110900004' },
];
expectType<
  Equal<
    RestrictionRules,
    {
      readonly sex?: 'male' | 'female';
      readonly minAge?: number;
      readonly maxAge?: number;
      readonly hospitalLevels?: readonly HospitalLevel[];
      readonly visitTypes?: readonly ('inpatient' | 'outpatient')[];
    }
  >
>(true);
expectType<Equal<ItemKind, 'drug' | 'herbal' | 'service' | 'material'>>(true);
expectType<Equal<Scope, 'national' | 'provincial' | 'governance'>>(true);
expectType<
  Equal<
    Change['op'],
    | 'upsertItem'
    | 'removeItem'
    | 'setOverlay'
    | 'clearOverlay'
    | 'reindexItem'
    | 'upsertRule'
    | 'removeRule'
    | 'setPaymentPolicy'
    | 'clearPaymentPolicy'
  >
>(true);
expectType<
  Equal<Extract<Change, { op: 'setOverlay' }>, { readonly op: 'setOverlay'; readonly overlay: OverlayInput }>
>(true);
// Transactions sharing a schema shape share the type.
expectType<Equal<InputOf<'Proposal.RejectProposal'>, VoteInput>>(true);
expectType<Equal<InputOf<'Proposal.SealVersion'>, ProposalIdInput>>(true);
expectType<Equal<InputOf<'Governance.ApplyGovernanceProposal'>, ProposalIdInput>>(true);

const item = {
  kind: 'drug',
  section: '西药',
  name: '阿司匹林',
  fundPayable: true,
  provenance: { edition: '2024' },
} as const satisfies ItemInput;

// Required fields, enums and closed objects of the schema are enforced by the type.
// @ts-expect-error -- fundPayable is required by definitions.itemInput
const missingFundPayable: ItemInput = {
  kind: 'drug',
  section: '西药',
  name: 'x',
  provenance: { edition: '2024' },
};
// @ts-expect-error -- 'device' is not in the kind enum
const badKind: ItemInput = { ...item, kind: 'device' };
// @ts-expect-error -- additionalProperties: false
const extraField: ItemInput = { ...item, colour: 'red' };
// @ts-expect-error -- a change needs the fields of its op's branch
const badChange: Change = { op: 'removeItem', province: '广东省' };
const rules: RestrictionRules = { minAge: 18, hospitalLevels: [1, 2] };
// @ts-expect-error -- inputs are readonly
rules.minAge = 16;
// @ts-expect-error -- at every depth
const levels: HospitalLevel[] = rules.hospitalLevels ?? [];

// A schema change changes the type: the same schema with `code` made required.
const stricter = { ...definitions.itemInput, required: [...definitions.itemInput.required, 'code'] } as const;
type StricterItem = FromInputSchema<typeof stricter>;
expectType<Equal<StricterItem['code'], string | null>>(true);
expectType<Equal<ItemInput['code'], string | null | undefined>>(true);
// @ts-expect-error -- the stricter schema requires code
const withoutCode: StricterItem = item;
const withCode: StricterItem = { ...item, code: 'XA01' };

describe('input types derived from the JSON Schemas', () => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, discriminator: true });

  it('ajv accepts what the types accept and rejects what they reject', () => {
    const validItem = ajv.compile(definitions.itemInput);
    expect(validItem(item)).to.equal(true);
    for (const bad of [missingFundPayable, badKind, extraField]) {
      expect(validItem(bad), JSON.stringify(bad)).to.equal(false);
    }
    expect(ajv.compile(definitions.change)(badChange)).to.equal(false);
    expect(ajv.compile(definitions.rules)(rules)).to.equal(true);
    expect(levels).to.deep.equal([1, 2]);
  });

  it('a schema change changes both the validator and the type', () => {
    const validStricter = ajv.compile(stricter);
    expect(validStricter(withoutCode)).to.equal(false);
    expect(validStricter(withCode)).to.equal(true);
    expect(ajv.compile(definitions.itemInput)(withoutCode)).to.equal(true);
  });

  it('parseInput returns the type of the schema it validated against', () => {
    const change: Change = { op: 'upsertItem', item };
    const parsed = parseInput(
      'Proposal.AddChunk',
      JSON.stringify({ proposalId: 'p1', chunkIndex: 0, changes: [change] }),
    );
    expectType<Equal<typeof parsed, InputOf<'Proposal.AddChunk'>>>(true);
    const first: Change | undefined = parsed.changes[0];
    expect(first).to.deep.equal(change);
    expect(() =>
      parseInput('Proposal.AddChunk', JSON.stringify({ proposalId: 'p1', changes: [change] })),
    ).to.throw(/^INVALID_INPUT: .*chunkIndex/);
  });

  it('the schemas stay plain JSON (what ajv and the OpenAPI document consume)', () => {
    expect(JSON.parse(JSON.stringify(schemas))).to.deep.equal(schemas);
    expect(schemas['Proposal.ApproveProposal'].required).to.deep.equal([
      'proposalId',
      'manifestHash',
      'baseVersion',
      'governanceVersion',
    ]);
  });
});
