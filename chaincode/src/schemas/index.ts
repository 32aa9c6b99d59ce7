/**
 * JSON Schemas (draft-07, validated with ajv) of every transaction argument. Shared with the client:
 * `import { schemas } from '@nrdl-catalog/chaincode'`. Each transaction takes ONE JSON string that
 * must match `schemas[<Contract>.<Transaction>]`.
 *
 * Every schema is declared `as const` (the helpers below keep their arguments' literal types), so the
 * TypeScript input types are derived from these very objects (`json-schema-to-ts`, see
 * `../model/io.ts`): change a schema and the types change with it. The objects themselves stay plain
 * JSON Schema, used unchanged by ajv, the HTTP API and its OpenAPI document.
 */
import { ITEM_ID_PATTERN } from '../lib/item-id';

/** Hard upper bound of changes per chunk (governance may set a lower limit, default 250). */
export const MAX_CHUNK_CHANGES = 500;
/** Maximum lines of CheckCoverageBatch. */
export const MAX_BATCH_LINES = 200;
/** Most further codes (`codes`) one item carries. */
export const MAX_ITEM_CODES = 1000;
/** Maximum page size of paged queries. */
export const MAX_PAGE_SIZE = 200;

const nullable = <const S extends object>(schema: S) => ({ anyOf: [schema, { type: 'null' }] }) as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const itemId = { type: 'string', pattern: ITEM_ID_PATTERN } as const;
/** A rule of the national rule base (`R-…`). */
const ruleId = { type: 'string', pattern: '^R-[A-Za-z0-9._-]{1,100}$' } as const;
const proposalId = { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } as const;
const province = text(40);
const pageSize = { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE } as const;
const bookmark = { type: 'string', maxLength: 2048 } as const;
const versionNumber = { type: 'integer', minimum: 1 } as const;
/** What an approver reviewed (ApproveProposal / RejectProposal). */
const reviewed = {
  manifestHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  baseVersion: { type: 'integer', minimum: 0 },
  governanceVersion: { type: 'integer', minimum: 1 },
} as const;
/** The enumerations, each spelled once (the model's `ItemKind`, `Sex`, `Scope`, ... are derived from them). */
const itemKind = { enum: ['drug', 'herbal', 'service', 'material'] } as const;
const drugClass = { enum: ['甲', '乙'] } as const;
const sex = { enum: ['male', 'female'] } as const;
const hospitalLevel = { enum: [1, 2, 3] } as const;
const visitType = { enum: ['inpatient', 'outpatient'] } as const;
/** Insurance scheme of a patient (职工 employee / 居民 resident basic medical insurance, 工伤 work injury, 生育 maternity). */
const insuranceType = { enum: ['employee', 'resident', 'workInjury', 'maternity'] } as const;
/**
 * Rule types of the national rule base (NHSA 两库): who (sex, age, insurance type), where (hospital
 * level, visit type), how much and how often (fund-paid days, quantity per period, course), and
 * claim-level rules (primary/secondary operation group, duplicate charges).
 */
const ruleType = {
  enum: [
    'sex',
    'age',
    'insuranceType',
    'hospitalLevel',
    'visitType',
    'paymentDays',
    'quantity',
    'course',
    'operation',
    'duplicateCharge',
  ],
} as const;
const scope = { enum: ['national', 'provincial', 'governance'] } as const;
const proposalStatus = { enum: ['draft', 'open', 'approved', 'applied', 'rejected', 'withdrawn'] } as const;

const rules = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sex,
    minAge: { type: 'number', minimum: 0, maximum: 150 },
    maxAge: { type: 'number', minimum: 0, maximum: 150 },
    hospitalLevels: {
      type: 'array',
      items: hospitalLevel,
      minItems: 1,
      maxItems: 3,
      uniqueItems: true,
    },
    visitTypes: {
      type: 'array',
      items: visitType,
      minItems: 1,
      maxItems: 2,
      uniqueItems: true,
    },
  },
} as const;

const levelPrices = {
  type: 'object',
  additionalProperties: false,
  required: ['level3', 'level2', 'level1'],
  properties: {
    level3: nullable(text(200)),
    level2: nullable(text(200)),
    level1: nullable(text(200)),
  },
} as const;

const period = {
  type: 'object',
  additionalProperties: false,
  required: ['from', 'to'],
  properties: { from: date, to: date },
} as const;

const paymentStandard = {
  type: 'object',
  additionalProperties: false,
  required: ['text', 'amount', 'confidential'],
  properties: {
    text: { type: 'string', maxLength: 2000 },
    amount: nullable({ type: 'number', minimum: 0 }),
    confidential: { type: 'boolean' },
  },
} as const;

/** An official code (provincial service/material code, national drug or service code). */
const officialCode = { type: 'string', pattern: '^[A-Za-z0-9.-]{1,56}$' } as const;

const itemInput = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'section', 'name', 'fundPayable', 'provenance'],
  properties: {
    id: itemId,
    kind: itemKind,
    section: text(100),
    number: nullable(text(32)),
    class: nullable(drugClass),
    categoryCode: nullable({ type: 'string', pattern: '^[A-Za-z0-9.]{1,32}$' }),
    categoryPath: { type: 'array', items: text(200), maxItems: 10 },
    name: text(300),
    dosageForm: nullable(text(100)),
    remark: nullable(text(4000)),
    rules: nullable(rules),
    paymentStandard: nullable(paymentStandard),
    agreementPeriod: nullable(period),
    fundPayable: { type: 'boolean' },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: ['edition'],
      properties: {
        edition: text(64),
        sourceRow: nullable(text(64)),
        source: nullable(text(200)),
      },
    },
    province: nullable(province),
    code: nullable(officialCode),
    /**
     * Further official codes of the item: national drug codes (医保药品代码) of its products, national
     * 15-digit service codes. Stored only when non-empty.
     */
    codes: { type: 'array', items: officialCode, maxItems: MAX_ITEM_CODES, uniqueItems: true },
    unit: nullable(text(64)),
    prices: nullable(levelPrices),
  },
} as const;

const overlayInput = {
  type: 'object',
  additionalProperties: false,
  required: ['itemId', 'province'],
  properties: {
    itemId,
    province,
    prices: nullable(levelPrices),
    selfPayRatio: nullable({ type: 'number', minimum: 0, maximum: 1 }),
    restriction: nullable(text(4000)),
    rules: nullable(rules),
    suspended: { type: 'boolean' },
  },
} as const;

/** Most catalog items one rule names (targets, pairedWith). */
const MAX_RULE_ITEMS = 200;
const ruleItems = {
  type: 'array',
  items: itemId,
  minItems: 1,
  maxItems: MAX_RULE_ITEMS,
  uniqueItems: true,
} as const;

/**
 * One rule of the national rule base, as a national proposal will supply it (change ops `upsertRule`
 * { rule } and `removeRule` { ruleId }, national scope only). Which fields
 * a type needs is checked by the chaincode (INVALID_INPUT.rule…).
 */
const ruleInput = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'targets', 'source'],
  properties: {
    id: ruleId,
    type: ruleType,
    /** The item name as the rule base prints it. */
    name: text(300),
    /** The catalog items the rule applies to (linked by the importer, confirmed by name). */
    targets: ruleItems,
    /** The national codes the rule base names for it (drug codes, 15-digit service codes). */
    codes: { type: 'array', items: officialCode, maxItems: MAX_ITEM_CODES, uniqueItems: true },
    sex,
    minAge: { type: 'number', minimum: 0, maximum: 150 },
    maxAge: { type: 'number', minimum: 0, maximum: 150 },
    /** Where a numeric age range for a printed group (儿童, 新生儿) comes from. */
    ageSource: nullable(text(400)),
    insuranceTypes: { type: 'array', items: insuranceType, minItems: 1, maxItems: 4, uniqueItems: true },
    hospitalLevels: { type: 'array', items: hospitalLevel, minItems: 1, maxItems: 3, uniqueItems: true },
    visitTypes: { type: 'array', items: visitType, minItems: 1, maxItems: 2, uniqueItems: true },
    /** The fund pays for at most this many days (限定支付疗程). */
    paymentDays: { type: 'integer', minimum: 1, maximum: 3650 },
    /** At most this quantity (in `unit`) within `periodDays` days or `periodHours` hours (限定频次 / 限定周期). */
    maxQuantity: { type: 'number', exclusiveMinimum: 0, maximum: 100000 },
    unit: nullable(text(20)),
    periodDays: { type: 'integer', minimum: 1, maximum: 3650 },
    periodHours: { type: 'integer', minimum: 1, maximum: 24 },
    /** Primary/secondary operation group (限定主次操作): later operations of the group are charged at a reduced rate. */
    group: text(100),
    /** duplicateCharge: items that may not be charged together with the targets, and how often (单日, 单次就诊, 6小时). */
    pairedWith: ruleItems,
    pairedCodes: { type: 'array', items: officialCode, maxItems: MAX_RULE_ITEMS, uniqueItems: true },
    frequency: text(20),
    /** The restriction value as printed (儿童, 二级, 14天). */
    value: nullable(text(200)),
    description: nullable(text(4000)),
    source: {
      type: 'object',
      additionalProperties: false,
      required: ['batch', 'file', 'row'],
      properties: { batch: text(40), file: text(200), row: { type: 'integer', minimum: 1 } },
    },
  },
} as const;

/** An amount of money in fen (分, 1/100 yuan): a non-negative integer, at most 10^12 fen. */
const fen = { type: 'integer', minimum: 0, maximum: 1_000_000_000_000 } as const;
/** A ratio in basis points (1/10,000): 10000 is 100 %. */
const basisPoints = { type: 'integer', minimum: 0, maximum: 10_000 } as const;
/** Visit types of a payment policy (住院 / 普通门诊 / 门诊慢特病). */
const policyVisitType = { enum: ['inpatient', 'outpatient', 'chronicOutpatient'] } as const;

/**
 * One row of a province's payment policy (医保待遇): for an insurance type, a visit type and the
 * hospital levels it names — deductible (起付标准), fund payment ratio (统筹基金支付比例), annual cap
 * (年度最高支付限额), the class-乙 self-pay ratio (乙类先行自付比例), and the ratio for patients treated
 * in another province, registered (已备案) or not (未备案), when it differs.
 */
const paymentPolicyRow = {
  type: 'object',
  additionalProperties: false,
  required: [
    'insuranceType',
    'visitType',
    'hospitalLevels',
    'deductibleFen',
    'fundRatioBp',
    'annualCapFen',
    'classBSelfPayBp',
  ],
  properties: {
    insuranceType: { enum: ['employee', 'resident'] },
    visitType: policyVisitType,
    hospitalLevels: { type: 'array', items: hospitalLevel, minItems: 1, maxItems: 3, uniqueItems: true },
    deductibleFen: fen,
    fundRatioBp: basisPoints,
    annualCapFen: fen,
    classBSelfPayBp: basisPoints,
    crossProvince: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { registeredBp: basisPoints, unregisteredBp: basisPoints },
    },
    note: text(400),
  },
} as const;

/**
 * A province's payment policy as its provincial proposal supplies it (change op `setPaymentPolicy`):
 * the rows and the public document they come from.
 */
const paymentPolicyInput = {
  type: 'object',
  additionalProperties: false,
  required: ['province', 'rows', 'provenance'],
  properties: {
    province,
    rows: { type: 'array', minItems: 1, maxItems: 200, items: paymentPolicyRow },
    provenance: {
      type: 'object',
      additionalProperties: false,
      required: ['title', 'documentNumber', 'date'],
      properties: {
        title: text(300),
        documentNumber: text(100),
        url: nullable(text(500)),
        date,
        note: nullable(text(1000)),
      },
    },
  },
} as const;

const change = {
  type: 'object',
  required: ['op'],
  properties: {
    op: {
      enum: [
        'upsertItem',
        'removeItem',
        'setOverlay',
        'clearOverlay',
        'reindexItem',
        'upsertRule',
        'removeRule',
        'setPaymentPolicy',
        'clearPaymentPolicy',
      ],
    },
  },
  discriminator: { propertyName: 'op' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'item'],
      properties: { op: { const: 'upsertItem' }, item: itemInput },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'itemId'],
      properties: { op: { const: 'removeItem' }, itemId },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'overlay'],
      properties: { op: { const: 'setOverlay' }, overlay: overlayInput },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'itemId', 'province'],
      properties: { op: { const: 'clearOverlay' }, itemId, province },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'rule'],
      properties: { op: { const: 'upsertRule' }, rule: ruleInput },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'ruleId'],
      properties: { op: { const: 'removeRule' }, ruleId },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'policy'],
      properties: { op: { const: 'setPaymentPolicy' }, policy: paymentPolicyInput },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'province'],
      properties: { op: { const: 'clearPaymentPolicy' }, province },
    },
    {
      /** Writes the lookup keys of an item's sealed entries that lack them (no content change). */
      type: 'object',
      additionalProperties: false,
      required: ['op', 'itemId'],
      properties: { op: { const: 'reindexItem' }, itemId },
    },
  ],
} as const;

const scopeRule = {
  type: 'object',
  additionalProperties: false,
  required: ['national', 'provinces'],
  properties: {
    national: { type: 'boolean' },
    provinces: { enum: ['none', 'own', 'majority', 'twoThirds', 'all'] },
  },
} as const;

/** An MSP id, as Fabric and the topology spell them (`GuangdongMSP`). */
const mspId = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9.-]{0,63}$' } as const;
/** A name: no control characters, no whitespace at either end. */
const memberName = (max: number) =>
  ({
    type: 'string',
    minLength: 1,
    maxLength: max,
    pattern: '^[^\\s\\x00-\\x1f\\x7f-\\x9f](?:[^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f])?$',
  }) as const;

/** A province member record of the governance record (see ProvinceMember). */
const provinceMember = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'mspId', 'code', 'division', 'zh', 'zhShort', 'abbr'],
  properties: {
    name: memberName(40),
    mspId,
    code: { type: 'string', pattern: '^[A-Z]{2}$' },
    division: { type: 'string', pattern: '^[1-9][0-9]{5}$' },
    zh: memberName(20),
    zhShort: memberName(20),
    abbr: memberName(4),
  },
} as const;

const governanceUpdate = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    rules: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { national: scopeRule, provincial: scopeRule, governance: scopeRule },
    },
    maxChunkChanges: { type: 'integer', minimum: 1, maximum: MAX_CHUNK_CHANGES },
    allowSelfApproval: { type: 'boolean' },
    nationalKeyPolicy: {
      type: 'object',
      additionalProperties: false,
      required: ['provinces'],
      properties: { provinces: { type: 'integer', minimum: 1, maximum: 16 } },
    },
    /** New member provinces (an organisation already added to the channel, with every form of its name). */
    addProvinces: { type: 'array', minItems: 1, maxItems: 8, items: provinceMember },
    /** Member provinces (any form of their names) whose votes and writes are suspended. */
    suspendProvinces: { type: 'array', minItems: 1, maxItems: 40, items: province },
    /** Suspended provinces (any form of their names) whose votes and writes count again. */
    reinstateProvinces: { type: 'array', minItems: 1, maxItems: 40, items: province },
  },
} as const;

const patient = {
  type: 'object',
  additionalProperties: false,
  properties: {
    age: { type: 'number', minimum: 0, maximum: 150 },
    sex,
    hospitalLevel,
    visitType,
    insuranceType,
    /**
     * The province where the patient is insured (参保地), in any form of its name. Given, the answer
     * composes the treatment province's catalog with this province's payment policy (就医地目录、参保地政策).
     */
    insuredProvince: province,
    /** Whether the move was registered with the insured province (已备案 / 未备案); cross-province care only. */
    registered: { type: 'boolean' },
    /** An outpatient visit for a chronic or special disease (门诊慢特病): the policy's `chronicOutpatient` rows. */
    chronic: { type: 'boolean' },
  },
} as const;

/**
 * One coverage line: the item by `itemId`, or by `name` (+ optional `dosageForm`) or official `code`
 * (resolved on chain from the lookup keys) — exactly one of the three.
 */
const coverageInput = {
  type: 'object',
  additionalProperties: false,
  required: ['province'],
  properties: { province, itemId, name: text(300), dosageForm: text(100), code: officialCode, date, patient },
  oneOf: [
    { required: ['itemId'], properties: { itemId } },
    { required: ['name'], properties: { name: text(300) } },
    { required: ['code'], properties: { code: officialCode } },
  ],
  dependencies: { dosageForm: ['name'] },
} as const;

/** A closed object schema with these required properties. */
const obj = <const R extends readonly string[], const P extends Readonly<Record<string, object>>>(
  required: R,
  properties: P,
) =>
  ({
    type: 'object',
    additionalProperties: false,
    required,
    properties,
  }) as const;

/**
 * A search of the off-chain read model (`GET /v1/search`, `catalog search`): not a chaincode
 * transaction, but its input is defined here with the others so that the API and the CLI validate it
 * alike. `q` is matched after normalisation (NFKC, no whitespace, upper-case ASCII).
 */
const readModelSearch = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 100, pattern: '\\S' },
    kind: itemKind,
    class: drugClass,
    section: text(100),
    province,
    limit: pageSize,
    offset: { type: 'integer', minimum: 0, maximum: 100_000 },
  },
} as const;

/** Reusable sub-schemas (for clients that validate single records, e.g. the importer). */
export const definitions = {
  itemInput,
  overlayInput,
  ruleInput,
  paymentPolicyInput,
  paymentPolicyRow,
  change,
  rules,
  patient,
  coverageInput,
  governanceUpdate,
  provinceMember,
  readModelSearch,
} as const;

/** Argument schema of every transaction, keyed `Contract.Transaction`. */
export const schemas = {
  'Catalog.GetItem': obj(['itemId'], { itemId, version: versionNumber, date, province }),
  'Catalog.SearchItems': obj([], {
    name: text(100),
    exactName: text(300),
    dosageForm: text(100),
    namePrefix: text(100),
    code: text(64),
    categoryCode: text(32),
    class: drugClass,
    section: text(100),
    kind: itemKind,
    province,
    version: versionNumber,
    pageSize,
    bookmark,
  }),
  'Catalog.CheckCoverage': coverageInput,
  'Catalog.CheckCoverageBatch': obj(['lines'], {
    lines: { type: 'array', minItems: 1, maxItems: MAX_BATCH_LINES, items: coverageInput },
    /** Answer from sealed versions up to this one only (pins a claim split in batches to one head). */
    atVersion: versionNumber,
  }),
  'Catalog.GetItemHistory': obj(['itemId'], { itemId, province }),
  'Catalog.GetRule': obj(['ruleId'], { ruleId, version: versionNumber, date }),
  'Catalog.GetPaymentPolicy': obj(['province'], { province, version: versionNumber, date }),
  'Catalog.GetVersion': obj([], { version: versionNumber, date, includeLattice: { type: 'boolean' } }),
  'Catalog.ListVersions': obj([], { pageSize, bookmark }),
  'Proposal.CreateProposal': obj(['scope', 'title', 'rationale', 'effectiveFrom'], {
    scope,
    province,
    title: text(200),
    rationale: text(4000),
    effectiveFrom: date,
    governance: governanceUpdate,
  }),
  'Proposal.AddChunk': obj(['proposalId', 'chunkIndex', 'changes'], {
    proposalId,
    chunkIndex: { type: 'integer', minimum: 0, maximum: 9999 },
    changes: { type: 'array', minItems: 1, maxItems: MAX_CHUNK_CHANGES, items: change },
  }),
  'Proposal.OpenProposal': obj(['proposalId'], { proposalId }),
  'Proposal.WithdrawProposal': obj(['proposalId'], { proposalId, reason: text(1000) }),
  'Proposal.ApproveProposal': obj(['proposalId', 'manifestHash', 'baseVersion', 'governanceVersion'], {
    proposalId,
    ...reviewed,
    comment: text(1000),
  }),
  'Proposal.RejectProposal': obj(['proposalId', 'manifestHash', 'baseVersion', 'governanceVersion'], {
    proposalId,
    ...reviewed,
    comment: text(1000),
  }),
  'Proposal.ApplyChunk': obj(['proposalId', 'chunkIndex'], {
    proposalId,
    chunkIndex: { type: 'integer', minimum: 0, maximum: 9999 },
  }),
  'Proposal.SealVersion': obj(['proposalId'], { proposalId }),
  'Proposal.GetProposal': obj(['proposalId'], { proposalId, includeChunks: { type: 'boolean' } }),
  'Proposal.ListProposals': obj([], {
    status: proposalStatus,
    scope,
    province,
    pageSize,
    bookmark,
  }),
  'Governance.GetGovernance': obj([], {}),
  'Governance.InitGovernance': obj(['provinces'], {
    provinces: { type: 'array', minItems: 1, maxItems: 64, items: provinceMember },
    nationalMsp: mspId,
    nationalNames: {
      type: 'object',
      additionalProperties: false,
      required: ['en', 'zh'],
      properties: { en: memberName(100), zh: memberName(100) },
    },
    auditors: { type: 'array', maxItems: 16, uniqueItems: true, items: mspId },
    maxChunkChanges: { type: 'integer', minimum: 1, maximum: MAX_CHUNK_CHANGES },
    allowSelfApproval: { type: 'boolean' },
  }),
  'Governance.ApplyGovernanceProposal': obj(['proposalId'], { proposalId }),
} as const;

export type SchemaName = keyof typeof schemas;
