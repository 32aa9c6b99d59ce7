/**
 * JSON Schemas of the API's responses (the shapes the chaincode returns). Registered with Fastify
 * under their name as `$id` (routes refer to them as `<Name>#`), so the OpenAPI document shows them
 * as `#/components/schemas/<Name>`; every response is validated against its schema before it is
 * sent (see server.ts). Objects leave `additionalProperties` open: the chaincode may return more
 * than is documented here and the API passes it on unchanged.
 *
 * Keep to keywords @fastify/swagger copies unchanged into the document: no `const`,
 * `patternProperties`, `$id`, `definitions` or `examples` inside these schemas.
 */
const nullable = (schema: Record<string, unknown>): Record<string, unknown> => ({
  anyOf: [schema, { type: 'null' }],
});
const str = { type: 'string' };
const int = { type: 'integer' };

const levelPrices = nullable({
  type: 'object',
  properties: { level1: nullable(str), level2: nullable(str), level3: nullable(str) },
});
const paymentStandard = nullable({
  type: 'object',
  required: ['text', 'amount', 'confidential'],
  properties: { text: str, amount: nullable({ type: 'number' }), confidential: { type: 'boolean' } },
});
const period = nullable({ type: 'object', required: ['from', 'to'], properties: { from: str, to: str } });
const kind = { enum: ['drug', 'herbal', 'service', 'material'] };
const drugClass = nullable({ enum: ['甲', '乙'] });
/** Added by the client from the governance record (the chaincode's answer names the province only). */
const provinceNames = nullable({
  type: 'object',
  description:
    "the province's names from the governance record: en (as `province`), zh 广东省, zhShort 广东, abbr 粤, division 440000",
  required: ['en', 'zh', 'zhShort', 'abbr', 'division'],
  properties: { en: str, zh: str, zhShort: str, abbr: str, division: str },
});
/** What a coverage line by name (+ form) or code asked, echoed in its answer. */
const lookupQuery = {
  type: 'object',
  properties: { name: str, dosageForm: nullable(str), code: str },
};
const scopeRule = {
  type: 'object',
  required: ['national', 'provinces'],
  properties: {
    national: { type: 'boolean' },
    provinces: { enum: ['none', 'own', 'majority', 'twoThirds', 'all'] },
  },
};

const ruleSource = {
  type: 'object',
  required: ['batch', 'file', 'row'],
  properties: { batch: str, file: str, row: int },
};
/** A rule of the national rule base as it applied to a coverage line. */
const ruleFinding = {
  type: 'object',
  required: ['ruleId', 'type', 'outcome', 'source'],
  properties: {
    ruleId: str,
    type: str,
    outcome: { enum: ['passed', 'violated', 'review', 'claim'] },
    value: nullable(str),
    description: nullable(str),
    source: ruleSource,
    limits: { type: 'object' },
  },
};
/** A row of a province's payment policy. */
const policyRow = {
  type: 'object',
  required: [
    'insuranceType',
    'visitType',
    'hospitalLevels',
    'deductibleFen',
    'fundRatioBp',
    'annualCapFen',
    'classBSelfPayBp',
    'crossProvince',
  ],
  properties: {
    insuranceType: { enum: ['employee', 'resident'] },
    visitType: { enum: ['inpatient', 'outpatient', 'chronicOutpatient'] },
    hospitalLevels: { type: 'array', items: int },
    deductibleFen: { type: 'integer', description: '起付标准, fen' },
    fundRatioBp: { type: 'integer', description: 'fund payment ratio, basis points (10000 = 100 %)' },
    annualCapFen: { type: 'integer', description: '年度最高支付限额, fen' },
    classBSelfPayBp: { type: 'integer', description: '乙类先行自付比例, basis points' },
    crossProvince: nullable({
      type: 'object',
      properties: { registeredBp: nullable(int), unregisteredBp: nullable(int) },
    }),
    note: nullable(str),
  },
};
const policyProvenance = {
  type: 'object',
  required: ['title', 'documentNumber', 'date'],
  properties: { title: str, documentNumber: str, url: nullable(str), date: str, note: nullable(str) },
};
/** Where the parts of a cross-province answer come from. */
const fieldsFrom = {
  type: 'object',
  required: ['province', 'fields'],
  properties: { province: str, fields: { type: 'array', items: str } },
};
/** Where a figure of the estimated split comes from. */
const splitSource = {
  type: 'object',
  required: ['province', 'rule', 'version'],
  properties: {
    province: str,
    rule: { enum: ['policy', 'overlay', 'catalog'] },
    rowIndex: nullable(int),
    proposalId: nullable(str),
    version: int,
    value: nullable(int),
  },
};
const splitFigures = {
  amountFen: int,
  notCoveredFen: int,
  classBSelfPayFen: int,
  deductibleFen: int,
  fundShareFen: int,
  coinsuranceFen: int,
  aboveCapFen: int,
  fundPaysFen: int,
  patientPaysFen: int,
};
const lineEstimate = {
  type: 'object',
  description: 'the estimated split of the line (fen), or why there is none',
  required: ['status', 'split'],
  properties: {
    status: { enum: ['estimated', 'noAmount', 'noPolicy', 'noRow', 'noAnswer'] },
    split: nullable({
      type: 'object',
      required: Object.keys(splitFigures),
      properties: {
        ...splitFigures,
        sources: {
          type: 'object',
          properties: {
            notCovered: splitSource,
            classBSelfPay: splitSource,
            deductible: splitSource,
            fundShare: splitSource,
            aboveCap: splitSource,
          },
        },
      },
    }),
  },
};

/** A message in both languages (Chinese first). */
const texts = { type: 'object', required: ['zh', 'en'], properties: { zh: str, en: str } };

/** Where a transaction is on the ledger (as the audit store holds it). */
const txPlace = {
  txId: str,
  block: { ...int, description: 'block number' },
  timestamp: { ...nullable(str), description: "the transaction's timestamp from its block (ISO 8601)" },
};
/** Who created a transaction, from its block: MSP id, catalog.role and certificate subject. */
const txActor = {
  type: 'object',
  required: ['mspId', 'role', 'subject'],
  properties: { mspId: nullable(str), role: nullable(str), subject: nullable(str) },
};
/** An identity as the chaincode recorded it, with its certificate subject from the block. */
const actorInfo = {
  type: 'object',
  required: ['mspId', 'id', 'role', 'subject'],
  properties: { mspId: str, id: str, role: nullable(str), subject: nullable(str) },
};
const voteRecord = {
  type: 'object',
  required: ['decision', 'voter', 'comment', 'txId', 'block', 'timestamp'],
  properties: {
    decision: { enum: ['approve', 'reject'] },
    voter: actorInfo,
    comment: nullable(str),
    ...txPlace,
  },
};
const blockHeight = {
  ...int,
  description: 'the next block the audit store will take: the answer reflects the blocks below it',
};
const diffKind = { enum: ['item', 'overlay', 'rule', 'policy'] };
const diffEntry = {
  type: 'object',
  required: ['kind', 'itemId', 'province', 'data'],
  properties: { kind: diffKind, itemId: str, province: nullable(str), data: {} },
};
const fieldDifference = {
  type: 'object',
  required: ['field', 'before', 'after'],
  properties: {
    field: { ...str, description: 'dotted path of the field (empty: the whole value)' },
    before: {},
    after: {},
  },
};
/** A result of the store checks (verifyStore): ok with counts, or the first divergence. */
const storeCheck = {
  type: 'object',
  required: ['ok'],
  properties: {
    ok: { type: 'boolean' },
    versions: int,
    blocks: int,
    validTransactions: int,
    version: nullable(int),
    block: nullable(int),
    txId: nullable(str),
    itemId: str,
    province: str,
    proposalId: str,
    field: str,
    expected: {},
    found: {},
    message: str,
  },
};
const chartBar = {
  type: 'object',
  required: ['label', 'value', 'colour'],
  properties: { label: str, value: { type: 'number' }, display: str, colour: str, tooltip: str },
};

/** Response schemas by name (referenced as `#/components/schemas/<name>`). */
export const responseSchemas: Record<string, Record<string, unknown>> = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    properties: { code: str, message: str, transactionId: str },
  },
  Session: {
    type: 'object',
    description: 'a browser session (POST /v1/session sets its cookie)',
    required: ['identity', 'org', 'role', 'csrfToken', 'expiresAt'],
    properties: {
      identity: { type: 'string', description: 'the wallet identity signed in, <org>/<identity>' },
      org: { type: 'string', description: 'its organisation' },
      role: nullable({ type: 'string', description: "its certificate's catalog.role attribute" }),
      csrfToken: {
        type: 'string',
        description: 'to send in the X-CSRF-Token header of every POST, PUT, PATCH or DELETE on this session',
      },
      expiresAt: {
        type: 'string',
        description:
          'when the session expires unless another request comes first (ISO 8601, UTC): idle timeout or absolute lifetime, whichever is sooner',
      },
    },
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: { status: { enum: ['ok', 'degraded'] }, detail: str },
  },
  Overlay: {
    type: 'object',
    required: ['itemId', 'province', 'suspended'],
    properties: {
      provinceNames,
      itemId: str,
      province: str,
      prices: levelPrices,
      selfPayRatio: nullable({ type: 'number' }),
      restriction: nullable(str),
      rules: nullable({ type: 'object' }),
      suspended: { type: 'boolean' },
    },
  },
  Coverage: {
    type: 'object',
    required: [
      'province',
      'itemId',
      'covered',
      'reason',
      'class',
      'restriction',
      'paymentStandard',
      'agreementPeriod',
      'provincial',
      'catalogVersion',
      'versionEffectiveFrom',
      'txId',
    ],
    properties: {
      provinceNames,
      province: str,
      itemId: str,
      date: str,
      name: nullable(str),
      kind: nullable(kind),
      covered: { type: 'boolean' },
      reason: {
        enum: [
          'COVERED',
          'NOT_LISTED',
          'EXCLUDED',
          'NOT_YET_EFFECTIVE',
          'AGREEMENT_EXPIRED',
          'PROVINCE_SUSPENDED',
          'NOT_IN_PROVINCE',
          'RESTRICTED',
        ],
      },
      class: drugClass,
      restriction: nullable(str),
      rule: nullable({
        type: 'object',
        description:
          'the violated rule (RESTRICTED): source item / province (field, value) or ruleBase (ruleId, field = rule type, value = its limits)',
      }),
      rules: {
        type: 'array',
        description: 'how each rule of the national rule base in force for the item applies, by rule id',
        items: {
          type: 'object',
          required: ['ruleId', 'type', 'outcome', 'source', 'limits'],
          properties: {
            ruleId: str,
            type: str,
            outcome: { enum: ['passed', 'violated', 'review', 'claim'] },
            value: nullable(str),
            description: nullable(str),
            source: { type: 'object' },
            limits: { type: 'object' },
          },
        },
      },
      paymentStandard,
      agreementPeriod: period,
      provincial: nullable({ $ref: 'Overlay#' }),
      catalogVersion: int,
      versionEffectiveFrom: nullable(str),
      txId: nullable(str),
      dosageForm: nullable(str),
      query: lookupQuery,
      insuredProvince: {
        type: 'string',
        description: 'the insured province (参保地), when the patient context names one',
      },
      scopeFrom: { ...fieldsFrom, description: 'the province (就医地) whose catalog supplied these fields' },
      policyFrom: {
        ...fieldsFrom,
        description: 'the province (参保地) whose payment policy supplied these fields',
      },
      policyStatus: { enum: ['found', 'none'] },
      paymentPolicy: nullable({ $ref: 'PaymentPolicyAnswer#' }),
    },
  },
  PaymentPolicyAnswer: {
    type: 'object',
    description: "the insured province's payment-policy row for the patient and the fund ratio that applies",
    required: ['province', 'proposalId', 'listedInVersion', 'row', 'crossProvince', 'fundRatioBp'],
    properties: {
      province: str,
      proposalId: str,
      listedInVersion: int,
      provenance: policyProvenance,
      visitType: nullable({ enum: ['inpatient', 'outpatient', 'chronicOutpatient'] }),
      row: nullable(policyRow),
      rowIndex: nullable(int),
      missing: { type: 'array', items: str },
      crossProvince: { type: 'boolean' },
      registered: nullable({ type: 'boolean' }),
      ratioBasis: nullable({ enum: ['local', 'registered', 'unregistered'] }),
      fundRatioBp: nullable(int),
    },
  },
  PaymentPolicyView: {
    type: 'object',
    required: ['catalogVersion', 'province', 'policy', 'listedInVersion', 'proposalId', 'changes'],
    properties: {
      provinceNames,
      catalogVersion: int,
      versionEffectiveFrom: str,
      province: str,
      policy: {
        type: 'object',
        required: ['province', 'rows', 'provenance'],
        properties: {
          province: str,
          rows: { type: 'array', items: policyRow },
          provenance: policyProvenance,
        },
      },
      listedInVersion: int,
      proposalId: str,
      changes: {
        type: 'array',
        items: {
          type: 'object',
          required: ['version', 'proposalId', 'op'],
          properties: { version: int, proposalId: str, op: str },
        },
      },
    },
  },
  CoverageMatches: {
    type: 'object',
    description: 'a line by name or code that matched no item or several: every match, each with its form',
    required: ['province', 'date', 'catalogVersion', 'query', 'matches'],
    properties: {
      provinceNames,
      province: str,
      date: str,
      catalogVersion: int,
      query: lookupQuery,
      matches: { type: 'array', items: { $ref: 'Coverage#' } },
    },
  },
  CoverageAnswer: {
    anyOf: [{ $ref: 'Coverage#' }, { $ref: 'CoverageMatches#' }],
  },
  CoverageBatch: {
    type: 'object',
    required: ['results'],
    properties: { results: { type: 'array', items: { $ref: 'CoverageAnswer#' } } },
  },
  ClaimCheck: {
    type: 'object',
    required: ['province', 'catalogVersion', 'lines', 'findings', 'summary'],
    properties: {
      province: str,
      catalogVersion: nullable(int),
      lines: {
        type: 'array',
        items: {
          type: 'object',
          required: ['line', 'status', 'coverage', 'rules', 'error'],
          properties: {
            line: int,
            status: { enum: ['ok', 'notCovered', 'restricted', 'review', 'flagged', 'error'] },
            quantity: nullable({ type: 'number' }),
            date: nullable(str),
            coverage: nullable({ $ref: 'Coverage#' }),
            rules: { type: 'array', items: ruleFinding },
            amountFen: nullable(int),
            estimate: lineEstimate,
            error: nullable({
              type: 'object',
              required: ['code', 'message'],
              properties: { code: str, message: str, key: str, params: { type: 'object' }, text: texts },
            }),
          },
        },
      },
      findings: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'outcome', 'ruleIds', 'lines', 'sources', 'text'],
          properties: {
            kind: {
              enum: [
                'duplicateCharge',
                'duplicateChargeTimes',
                'quantity',
                'quantityTimes',
                'quantityHours',
                'paymentDays',
                'operation',
                'course',
                'unknownRule',
              ],
            },
            outcome: { enum: ['violated', 'review'] },
            ruleIds: { type: 'array', items: str },
            lines: { type: 'array', items: int },
            sources: { type: 'array', items: ruleSource },
            key: str,
            params: { type: 'object' },
            text: texts,
          },
        },
      },
      summary: {
        type: 'object',
        required: ['lines', 'errors', 'byStatus', 'findings', 'batches'],
        properties: { lines: int, errors: int, byStatus: { type: 'object' }, findings: int, batches: int },
      },
      insuredProvince: str,
      split: {
        type: 'object',
        description:
          'what the fund pays, estimated (fen; each ratio rounded half up once per line): present when lines give amounts',
        required: ['status', 'lines', 'totals', 'accumulated', 'remaining'],
        properties: {
          status: { enum: ['estimated', 'partial', 'none'] },
          lines: { type: 'array', items: lineEstimate },
          totals: { type: 'object', required: Object.keys(splitFigures), properties: splitFigures },
          accumulated: {
            type: 'object',
            required: ['fundPaidFen', 'deductibleFen'],
            properties: { fundPaidFen: int, deductibleFen: int },
          },
          remaining: nullable({
            type: 'object',
            required: ['deductibleFen', 'annualCapFen'],
            properties: { deductibleFen: int, annualCapFen: int },
          }),
        },
      },
    },
  },
  Item: {
    type: 'object',
    required: ['id', 'kind', 'section', 'name', 'fundPayable', 'provenance'],
    properties: {
      provinceNames,
      id: str,
      kind,
      section: str,
      number: nullable(str),
      class: drugClass,
      categoryCode: nullable(str),
      categoryPath: { type: 'array', items: str },
      name: str,
      dosageForm: nullable(str),
      remark: nullable(str),
      rules: nullable({ type: 'object' }),
      paymentStandard,
      agreementPeriod: period,
      fundPayable: { type: 'boolean' },
      provenance: { type: 'object' },
      province: nullable(str),
      code: nullable(str),
      codes: {
        type: 'array',
        items: str,
        description: 'further official codes (national drug codes, national service codes); absent when none',
      },
      unit: nullable(str),
      prices: levelPrices,
    },
  },
  ItemView: {
    type: 'object',
    required: ['catalogVersion', 'itemId', 'item', 'listedInVersion', 'proposalId', 'overlays'],
    properties: {
      catalogVersion: int,
      versionEffectiveFrom: str,
      versionTxId: str,
      itemId: str,
      item: { $ref: 'Item#' },
      listedInVersion: int,
      proposalId: str,
      overlays: { type: 'array', items: { $ref: 'Overlay#' } },
      rules: {
        type: 'array',
        description:
          'the rules of the national rule base in force for the item: { role: target | paired, rule }',
        items: {
          type: 'object',
          properties: { role: { enum: ['target', 'paired'] }, rule: { type: 'object' } },
        },
      },
    },
  },
  ItemSummary: {
    type: 'object',
    required: ['itemId', 'kind', 'name', 'section'],
    properties: {
      provinceNames,
      itemId: str,
      kind,
      name: str,
      dosageForm: nullable(str),
      section: str,
      number: nullable(str),
      class: drugClass,
      categoryCode: nullable(str),
      province: nullable(str),
      code: nullable(str),
      fundPayable: { type: 'boolean' },
    },
  },
  SearchHit: {
    type: 'object',
    required: ['itemId', 'kind', 'name', 'section', 'province', 'codes', 'fundPayable', 'match'],
    properties: {
      provinceNames,
      itemId: str,
      name: str,
      dosageForm: nullable(str),
      kind,
      class: drugClass,
      section: str,
      number: nullable(str),
      province: nullable(str),
      code: nullable(str),
      codes: { type: 'array', items: str },
      fundPayable: { type: 'boolean' },
      match: {
        enum: ['exact', 'prefix', 'substring', 'pinyin', 'code', 'remark'],
        description:
          'how the item matched, in rank order: the whole name, its start, in it, its pinyin (full or initials), an official code, the remark',
      },
    },
  },
  SearchAnswer: {
    type: 'object',
    required: ['query', 'normalised', 'catalogVersion', 'digest', 'total', 'offset', 'limit', 'hits'],
    properties: {
      query: str,
      normalised: {
        type: 'string',
        description: 'the query as matched: NFKC, no whitespace, upper-case ASCII',
      },
      catalogVersion: { type: 'integer', description: 'the sealed catalog version the answer reflects' },
      digest: {
        type: 'string',
        description:
          "that version's digest, recomputed from the read model's rows and checked against the chain",
      },
      total: int,
      offset: int,
      limit: int,
      hits: { type: 'array', items: { $ref: 'SearchHit#' } },
    },
  },
  ItemPage: withTruncated(page('ItemSummary')),
  Version: {
    type: 'object',
    required: [
      'version',
      'parent',
      'proposalIds',
      'changeCount',
      'effectiveFrom',
      'txId',
      'timestamp',
      'digest',
      'versionHash',
    ],
    properties: {
      version: int,
      parent: int,
      proposalIds: { type: 'array', items: str },
      scope: str,
      province: nullable(str),
      changeCount: int,
      effectiveFrom: str,
      requestedEffectiveFrom: str,
      txId: str,
      timestamp: str,
      digest: str,
      previousVersionHash: nullable(str),
      versionHash: str,
    },
  },
  VersionPage: page('Version'),
  Proposal: {
    type: 'object',
    required: ['id', 'scope', 'status', 'title', 'effectiveFrom', 'proposer'],
    properties: {
      id: str,
      scope: { enum: ['national', 'provincial', 'governance'] },
      province: nullable(str),
      ownerMsp: str,
      title: str,
      rationale: str,
      effectiveFrom: str,
      status: { enum: ['draft', 'open', 'approved', 'applied', 'rejected', 'withdrawn'] },
      proposer: { type: 'object' },
      changeCount: nullable(int),
      chunkCount: nullable(int),
      manifestHash: nullable(str),
      baseVersion: nullable(int),
      governanceVersion: nullable(int),
      sealedVersion: nullable(int),
    },
  },
  ProposalPage: page('Proposal'),
  ProposalDetail: {
    type: 'object',
    required: ['proposal', 'votes', 'chunks'],
    properties: {
      proposal: { $ref: 'Proposal#' },
      votes: { type: 'array', items: { type: 'object' } },
      tally: nullable({ type: 'object' }),
      appliedChunks: int,
      chunks: { type: 'array', items: { type: 'object' } },
    },
  },
  Submitted: {
    type: 'object',
    description: 'A committed transaction: its id, the block it was committed in, and its result',
    required: ['transactionId', 'blockNumber', 'value'],
    properties: { transactionId: str, blockNumber: int, value: {} },
  },
  ProposalCreated: {
    type: 'object',
    description:
      'A proposal created, filled with its chunks and opened (several transactions, so no single transaction id)',
    required: ['proposalId', 'status', 'resumed', 'value'],
    properties: {
      proposalId: str,
      status: { enum: ['draft', 'open', 'approved', 'applied', 'rejected', 'withdrawn'] },
      resumed: { type: 'boolean', description: 'an earlier request with the same changes had created it' },
      value: { $ref: 'ProposalDetail#' },
    },
  },
  Governance: {
    type: 'object',
    required: ['version', 'nationalMsp', 'provinces', 'rules'],
    properties: {
      version: int,
      nationalMsp: str,
      nationalNames: nullable({ type: 'object', properties: { en: str, zh: str } }),
      provinces: {
        type: 'array',
        description: 'the member provinces, with every form of their names the catalog accepts',
        items: {
          type: 'object',
          required: ['name', 'mspId', 'code', 'division', 'zh', 'zhShort', 'abbr'],
          properties: {
            name: { ...str, description: 'canonical name, what records store (Guangdong)' },
            mspId: str,
            code: { ...str, description: 'two-letter code of item ids (GD)' },
            division: { ...str, description: 'six-digit administrative division code (440000)' },
            zh: { ...str, description: 'Chinese name (广东省)' },
            zhShort: { ...str, description: 'Chinese short name (广东)' },
            abbr: { ...str, description: 'one-character abbreviation (粤)' },
          },
        },
      },
      suspended: {
        type: 'array',
        items: str,
        description: 'MSP ids of member provinces whose votes and writes governance has suspended',
      },
      auditors: { type: 'array', items: str },
      rules: {
        type: 'object',
        required: ['national', 'provincial', 'governance'],
        properties: { national: scopeRule, provincial: scopeRule, governance: scopeRule },
      },
      maxChunkChanges: int,
      allowSelfApproval: { type: 'boolean' },
      nationalKeyPolicy: { type: 'object', properties: { provinces: int } },
      updatedByProposal: nullable(str),
      txId: str,
      timestamp: str,
    },
  },
  History: {},
  AuditVersions: {
    type: 'object',
    description: 'the sealed versions, oldest first, as the audit store replays them',
    required: ['blockHeight', 'versions'],
    properties: {
      blockHeight,
      versions: {
        type: 'array',
        items: {
          type: 'object',
          required: [
            'version',
            'scope',
            'effectiveFrom',
            'digest',
            'recomputedDigest',
            'previousVersionHash',
            'versionHash',
            'txId',
            'block',
            'timestamp',
            'sealedBy',
            'proposals',
          ],
          properties: {
            version: int,
            parent: int,
            scope: str,
            province: nullable(str),
            effectiveFrom: str,
            changeCount: int,
            digest: { ...str, description: 'the state digest the version record carries' },
            recomputedDigest: {
              ...str,
              description: "the state digest recomputed from the replayed writes (the auditors' own)",
            },
            previousVersionHash: {
              ...nullable(str),
              description: 'versionHash of the version before (hash chain)',
            },
            versionHash: str,
            ...txPlace,
            sealedBy: txActor,
            proposals: {
              type: 'array',
              items: {
                type: 'object',
                required: ['proposalId', 'title', 'proposer', 'approvers'],
                properties: {
                  proposalId: str,
                  title: nullable(str),
                  proposer: nullable(actorInfo),
                  approvers: { type: 'array', items: voteRecord },
                },
              },
            },
          },
        },
      },
    },
  },
  AuditDiff: {
    type: 'object',
    required: ['blockHeight', 'from', 'to', 'added', 'removed', 'changed'],
    properties: {
      blockHeight,
      from: int,
      to: int,
      added: { type: 'array', items: diffEntry },
      removed: { type: 'array', items: diffEntry },
      changed: {
        type: 'array',
        items: {
          type: 'object',
          required: ['kind', 'itemId', 'province', 'fields'],
          properties: {
            kind: diffKind,
            itemId: str,
            province: nullable(str),
            fields: { type: 'array', items: fieldDifference },
          },
        },
      },
    },
  },
  AuditProposals: {
    type: 'object',
    required: ['blockHeight', 'proposals'],
    properties: {
      blockHeight,
      proposals: {
        type: 'array',
        items: {
          type: 'object',
          required: [
            'proposalId',
            'title',
            'scope',
            'status',
            'createdAt',
            'proposer',
            'created',
            'votes',
            'applied',
          ],
          properties: {
            proposalId: str,
            title: str,
            scope: { enum: ['national', 'provincial', 'governance'] },
            province: nullable(str),
            status: { enum: ['draft', 'open', 'approved', 'applied', 'rejected', 'withdrawn'] },
            statusReason: nullable(str),
            effectiveFrom: str,
            createdAt: str,
            proposer: nullable(actorInfo),
            created: {
              type: 'object',
              description: 'the transaction that created the proposal',
              required: ['txId', 'block', 'timestamp'],
              properties: txPlace,
            },
            votes: { type: 'array', items: voteRecord },
            applied: nullable({
              type: 'object',
              description:
                'the transaction that sealed the version with its changes (or applied the governance update), and who sent it',
              required: ['version', 'governanceVersion', 'changes', 'txId', 'block', 'timestamp', 'by'],
              properties: {
                version: nullable(int),
                governanceVersion: nullable(int),
                changes: int,
                ...txPlace,
                by: txActor,
              },
            }),
          },
        },
      },
    },
  },
  AuditInvalidTransactions: {
    type: 'object',
    required: ['blockHeight', 'transactions'],
    properties: {
      blockHeight,
      transactions: {
        type: 'array',
        items: {
          type: 'object',
          required: ['block', 'txIndex', 'txId', 'validationCode', 'validationName', 'creatorMsp'],
          properties: {
            block: int,
            txIndex: int,
            txId: str,
            validationCode: int,
            validationName: { ...str, description: 'e.g. ENDORSEMENT_POLICY_FAILURE, MVCC_READ_CONFLICT' },
            function: nullable(str),
            creatorMsp: nullable(str),
            creatorSubject: nullable(str),
            timestamp: nullable(str),
            endorsers: { type: 'array', items: str },
            attemptedWrites: { type: 'array', items: str },
          },
        },
      },
    },
  },
  AuditVerification: {
    type: 'object',
    required: ['ok', 'startedAt', 'finishedAt', 'blockHeight', 'store', 'independent'],
    properties: {
      ok: { type: 'boolean' },
      startedAt: str,
      finishedAt: str,
      blockHeight,
      store: storeCheck,
      independent: nullable({
        type: 'object',
        description:
          'signatures, endorsement policies and validation flags from the pinned genesis block (no re-execution); null when the store pins none',
        required: ['ok', 'genesis', 'blocks', 'transactions', 'findings'],
        properties: {
          ok: { type: 'boolean' },
          genesis: str,
          blocks: int,
          transactions: int,
          findings: {
            type: 'array',
            items: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: str,
                message: str,
                severity: { enum: ['error', 'warning'] },
                block: int,
                txIndex: int,
                txId: str,
                creatorMsp: str,
                endorsers: { type: 'array', items: str },
                key: str,
              },
            },
          },
        },
      }),
    },
  },
  AuditLatestVerification: {
    type: 'object',
    required: ['latest'],
    properties: { latest: nullable({ $ref: 'AuditVerification#' }) },
  },
  AuditReport: {
    type: 'object',
    required: ['blockHeight', 'summary', 'charts', 'data'],
    properties: {
      blockHeight,
      summary: {
        type: 'object',
        required: [
          'blocks',
          'transactions',
          'validTransactions',
          'invalidTransactions',
          'versions',
          'items',
          'overlays',
        ],
        properties: {
          blocks: int,
          transactions: int,
          validTransactions: int,
          invalidTransactions: int,
          versions: int,
          items: int,
          overlays: int,
        },
      },
      charts: {
        type: 'array',
        description:
          "the HTML report's charts by their data-chart id (changes-per-version, changes-per-province, rejected-attempts, proposal-to-seal), with their bars",
        items: {
          type: 'object',
          required: ['id', 'bars'],
          properties: { id: str, bars: { type: 'array', items: chartBar } },
        },
      },
      data: {
        type: 'object',
        description:
          "the report's tables: per version, per province, proposal to seal, unsuccessful proposals, invalid transactions",
        required: [
          'perVersion',
          'perProvince',
          'proposalToSeal',
          'unsuccessfulProposals',
          'invalidTransactions',
        ],
        properties: {
          summary: { type: 'object' },
          perVersion: { type: 'array', items: { type: 'object' } },
          perProvince: { type: 'array', items: { type: 'object' } },
          proposalToSeal: { type: 'array', items: { type: 'object' } },
          unsuccessfulProposals: { type: 'array', items: { type: 'object' } },
          invalidTransactions: { type: 'array', items: { type: 'object' } },
        },
      },
    },
  },
};

/** A search page: `truncated` when the chaincode's scan budget ended it before it was full. */
function withTruncated(schema: Record<string, unknown>): Record<string, unknown> {
  return {
    ...schema,
    properties: {
      ...(schema.properties as Record<string, unknown>),
      truncated: {
        type: 'boolean',
        description: 'the scan budget ended this page early; go on with the bookmark',
      },
    },
  };
}

function page(itemSchema: string): Record<string, unknown> {
  return {
    type: 'object',
    required: ['records', 'bookmark'],
    properties: {
      records: { type: 'array', items: { $ref: `${itemSchema}#` } },
      fetchedRecordsCount: int,
      bookmark: str,
    },
  };
}
