/** Answers of the API as the console's tests serve them (shapes of apps/api/src/response-schemas.ts). */
import type { AuditActor, AuditVersion, AuditVote } from '../../../../apps/console/src/api';

export const HASH = 'a'.repeat(64);
export const ITEM_ID = 'D-0836d509a405edc4';

export const session = (
  role: string,
  org = 'GuangdongMSP',
  identity = `${role}1`,
): Record<string, unknown> => ({
  identity,
  org,
  role,
  csrfToken: `csrf-${role}`,
  expiresAt: '2026-12-03T18:00:00Z',
});

export const searchAnswer = {
  query: 'AMXL',
  normalised: 'AMXL',
  catalogVersion: 18,
  digest: 'f'.repeat(64),
  total: 1,
  offset: 0,
  limit: 20,
  hits: [
    {
      itemId: ITEM_ID,
      name: '阿莫西林',
      dosageForm: '口服常释剂型',
      kind: 'drug',
      class: '甲',
      section: '西药部分',
      number: '1',
      province: null,
      provinceNames: null,
      code: null,
      codes: [],
      fundPayable: true,
      match: 'pinyin',
    },
  ],
};

export const item = {
  id: ITEM_ID,
  kind: 'drug',
  section: '协议期内谈判药品部分-西药',
  number: '7',
  class: '乙',
  categoryCode: 'XJ01',
  categoryPath: ['抗感染药', '青霉素类'],
  name: '阿莫西林',
  dosageForm: '口服常释剂型',
  remark: '限儿童患者',
  rules: null,
  paymentStandard: { text: '', amount: null, confidential: true },
  agreementPeriod: { from: '2025-01-01', to: '2026-12-31' },
  fundPayable: true,
  provenance: { edition: 'NRDL-2024', sourceRow: '7', source: null },
  province: null,
  code: null,
  codes: ['XJ01CAA040A001010104443'],
  unit: null,
  prices: null,
};

export const itemView = {
  catalogVersion: 18,
  versionEffectiveFrom: '2025-01-01',
  versionTxId: 'tx18',
  itemId: ITEM_ID,
  item,
  listedInVersion: 1,
  proposalId: 'p-import',
  overlays: [
    {
      itemId: ITEM_ID,
      province: 'Guangdong',
      provinceNames: { en: 'Guangdong', zh: '广东省', zhShort: '广东', abbr: '粤', division: '440000' },
      prices: null,
      selfPayRatio: 0.1,
      restriction: '限二级及以上医疗机构',
      rules: null,
      suspended: false,
    },
  ],
  rules: [{ role: 'target', rule: { id: 'R1', type: 'age' } }],
};

export const history = {
  itemId: ITEM_ID,
  ownerMsp: 'NHSAMSP',
  changes: [
    {
      version: 1,
      effectiveFrom: '2025-01-01',
      proposalId: 'p-import',
      op: 'upsertItem',
      item,
      txId: 'tx-1-abcdefabcdef',
    },
    { version: 5, effectiveFrom: '2025-06-01', proposalId: 'p5', op: 'upsertItem', item, txId: null },
  ],
  overlayChanges: [
    {
      version: 3,
      effectiveFrom: '2025-03-01',
      proposalId: 'p3',
      op: 'setOverlay',
      overlay: itemView.overlays[0],
      txId: 'tx-3',
    },
  ],
  ledger: [],
};

export const coverage = {
  province: 'Guangdong',
  itemId: ITEM_ID,
  date: '2025-06-01',
  name: '阿莫西林',
  kind: 'drug',
  covered: true,
  reason: 'COVERED',
  class: '甲',
  restriction: null,
  rules: [],
  paymentStandard: { text: '12.5元/盒', amount: 12.5, confidential: false },
  agreementPeriod: null,
  provincial: null,
  catalogVersion: 18,
  versionEffectiveFrom: '2025-01-01',
  txId: 'tx18',
};

export const proposal = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'p7',
  scope: 'national',
  province: null,
  ownerMsp: 'NHSAMSP',
  title: '调整阿莫西林限定支付范围',
  rationale: '…',
  effectiveFrom: '2026-01-01',
  status: 'open',
  proposer: { mspId: 'NHSAMSP', id: 'x509::CN=proposer1', role: 'proposer' },
  changeCount: 2,
  chunkCount: 1,
  manifestHash: HASH,
  baseVersion: 18,
  governanceVersion: 3,
  sealedVersion: null,
  ...over,
});

export const proposalDetail = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  proposal: proposal(over),
  votes: [
    {
      proposalId: 'p7',
      mspId: 'SichuanMSP',
      decision: 'approve',
      manifestHash: HASH,
      baseVersion: 18,
      governanceVersion: 3,
      voter: { mspId: 'SichuanMSP', id: 'x509::CN=approver1', role: 'approver' },
      comment: '同意',
      txId: 'tx-v1',
      timestamp: '2026-11-30T08:00:00Z',
    },
  ],
  tally: {
    requiredNational: true,
    eligibleProvinces: ['Guangdong', 'Sichuan'],
    provincesNeeded: 2,
    approvals: ['SichuanMSP'],
    rejections: [],
    met: false,
    impossible: false,
  },
  appliedChunks: 0,
  chunks: [
    {
      index: 0,
      changeCount: 2,
      hash: 'b'.repeat(64),
      applied: false,
      appliedTxId: null,
      changes: [
        {
          op: 'upsertItem',
          item: {
            ...item,
            remark: '限成人患者',
            paymentStandard: { text: '9.9元', amount: 9.9, confidential: false },
          },
        },
        {
          op: 'setOverlay',
          overlay: { itemId: ITEM_ID, province: 'Sichuan', restriction: '限门诊', suspended: false },
        },
      ],
    },
  ],
});

const approver = (mspId: string): AuditActor => ({
  mspId,
  id: 'x509::CN=approver1',
  role: 'approver',
  subject: 'CN=approver1',
});

const vote = (mspId: string, txId: string, block: number): AuditVote => ({
  decision: 'approve',
  voter: approver(mspId),
  comment: null,
  txId,
  block,
  timestamp: '2025-01-21T08:00:00Z',
});

/** Three sealed versions; the third names a previous hash that is not the second's (a broken link). */
export const auditVersions: AuditVersion[] = [
  {
    version: 1,
    parent: 0,
    effectiveFrom: '2025-01-01',
    scope: 'national',
    province: null,
    changeCount: 4750,
    digest: '1'.repeat(64),
    recomputedDigest: '1'.repeat(64),
    versionHash: 'h1'.padEnd(64, '0'),
    previousVersionHash: null,
    txId: 'tx-seal-1',
    block: 20,
    timestamp: '2025-01-01T00:00:00Z',
    sealedBy: { mspId: 'NHSAMSP', role: 'proposer', subject: 'CN=proposer1' },
    proposals: [
      {
        proposalId: 'p-import',
        title: 'NRDL 2024',
        proposer: { ...approver('NHSAMSP'), role: 'proposer' },
        approvers: [vote('GuangdongMSP', 'tx-a1', 18), vote('SichuanMSP', 'tx-a2', 19)],
      },
    ],
  },
  {
    version: 2,
    parent: 1,
    effectiveFrom: '2025-02-01',
    scope: 'provincial',
    province: 'Guangdong',
    changeCount: 12,
    digest: '2'.repeat(64),
    recomputedDigest: '2'.repeat(64),
    versionHash: 'h2'.padEnd(64, '0'),
    previousVersionHash: 'h1'.padEnd(64, '0'),
    txId: 'tx-seal-2',
    block: 32,
    timestamp: '2025-02-01T00:00:00Z',
    sealedBy: { mspId: 'GuangdongMSP', role: 'proposer', subject: 'CN=proposer1' },
    proposals: [
      { proposalId: 'p2', title: '广东省级规定', proposer: null, approvers: [vote('NHSAMSP', 'tx-v1', 30)] },
    ],
  },
  {
    version: 3,
    parent: 2,
    effectiveFrom: '2025-03-01',
    scope: 'national',
    province: null,
    changeCount: 3,
    digest: '3'.repeat(64),
    recomputedDigest: '9'.repeat(64),
    versionHash: 'h3'.padEnd(64, '0'),
    previousVersionHash: 'tampered'.padEnd(64, '0'),
    txId: 'tx-seal-3',
    block: 40,
    timestamp: '2025-03-01T00:00:00Z',
    sealedBy: { mspId: 'NHSAMSP', role: 'proposer', subject: null },
    proposals: [],
  },
];

/** `GET /v1/audit/versions` of {@link auditVersions}. */
export const auditVersionsAnswer = (versions: readonly AuditVersion[] = auditVersions): unknown => ({
  blockHeight: 45,
  versions,
});

/** The governance record in force (`GET /v1/governance`). */
export const governance = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: 3,
  nationalMsp: 'NHSAMSP',
  nationalNames: { en: 'NHSA', zh: '国家医疗保障局' },
  provinces: [
    {
      name: 'Guangdong',
      mspId: 'GuangdongMSP',
      code: 'GD',
      division: '440000',
      zh: '广东省',
      zhShort: '广东',
      abbr: '粤',
    },
    {
      name: 'Sichuan',
      mspId: 'SichuanMSP',
      code: 'SC',
      division: '510000',
      zh: '四川省',
      zhShort: '四川',
      abbr: '川',
    },
  ],
  suspended: [],
  auditors: ['AuditorMSP'],
  rules: {
    national: { national: true, provinces: 'majority' },
    provincial: { national: false, provinces: 'own' },
    governance: { national: true, provinces: 'twoThirds' },
  },
  maxChunkChanges: 250,
  allowSelfApproval: false,
  updatedByProposal: null,
  txId: 'tx-gov',
  timestamp: '2025-01-01T00:00:00Z',
  ...over,
});
