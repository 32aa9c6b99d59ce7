/** Actors, sample items (from the real 2024 NRDL and the Shaanxi 2021 price list) and workflow helpers. */
import './quiet';
import {
  CatalogContract,
  GovernanceContract,
  ProposalContract,
  SystemContract,
} from '@nrdl-catalog/chaincode';
import type { Change, ItemInput, Proposal, Version } from '@nrdl-catalog/chaincode/model';
import { Network, type Caller } from './fabric-stub';
import { initInput } from '../../support/members';

export const A = {
  nhsaAdmin: { msp: 'NHSAMSP', role: 'admin' },
  nhsaProposer: { msp: 'NHSAMSP', role: 'proposer' },
  nhsaApprover: { msp: 'NHSAMSP', role: 'approver' },
  gdProposer: { msp: 'GuangdongMSP', role: 'proposer' },
  gdApprover: { msp: 'GuangdongMSP', role: 'approver' },
  gdHospital: { msp: 'GuangdongMSP', role: 'hospital' },
  scProposer: { msp: 'SichuanMSP', role: 'proposer' },
  scApprover: { msp: 'SichuanMSP', role: 'approver' },
  snProposer: { msp: 'ShaanxiMSP', role: 'proposer' },
  snApprover: { msp: 'ShaanxiMSP', role: 'approver' },
  snAdmin: { msp: 'ShaanxiMSP', role: 'admin' },
  auditor: { msp: 'AuditMSP', role: 'auditor' },
  auditApprover: { msp: 'AuditMSP', role: 'approver' },
} satisfies Record<string, Caller>;

const edition = { edition: 'NRDL-2024', source: 'nrdl-2024-drugs.csv' };

/** Row 1: 复方硼砂, 外用液体剂, 甲. */
export const boraxItem: ItemInput = {
  kind: 'drug',
  section: '西药部分',
  number: '1',
  class: '甲',
  categoryCode: 'XA01',
  categoryPath: ['消化道和代谢方面的药物', '口腔科制剂'],
  name: '复方硼砂',
  dosageForm: '外用液体剂',
  fundPayable: true,
  provenance: { ...edition, sourceRow: '1' },
};

/** Row 3400: negotiated 注射用艾普拉唑钠, 63.00元, agreement 2024-01-01..2025-12-31. */
export const ilaprazoleItem: ItemInput = {
  kind: 'drug',
  section: '协议期内谈判药品部分-西药',
  number: '1',
  class: '乙',
  categoryCode: 'XA02BC',
  categoryPath: [
    '消化道和代谢方面的药物',
    '治疗胃酸相关类疾病的药物',
    '治疗消化性溃疡病和胃食道反流病的药物',
    '质子泵抑制剂',
  ],
  name: '注射用艾普拉唑钠',
  remark: '限：1.预防重症患者应激性溃疡出血；2.消化性溃疡出血。',
  rules: { visitTypes: ['inpatient'] },
  paymentStandard: { text: '63.00元(10mg/支)', amount: 63, confidential: false },
  agreementPeriod: { from: '2024-01-01', to: '2025-12-31' },
  fundPayable: true,
  provenance: { ...edition, sourceRow: '3400' },
};

/** Row 3580: 阿伐替尼片, confidential price. */
export const avapritinibItem: ItemInput = {
  kind: 'drug',
  section: '协议期内谈判药品部分-西药',
  number: null,
  class: '乙',
  categoryCode: 'XL01EX',
  name: '阿伐替尼片',
  remark: '限携带血小板衍生生长因子受体α(PDGFRA)外显子18突变的不可切除或转移性胃肠道间质瘤(GIST)成人患者。',
  rules: { minAge: 18 },
  paymentStandard: { text: '企业申请价格保密', amount: null, confidential: true },
  agreementPeriod: { from: '2024-01-01', to: '2025-12-31' },
  fundPayable: true,
  provenance: { ...edition, sourceRow: '3580' },
};

/** Row 4719: 阿胶, excluded herbal slice. */
export const ejiaoItem: ItemInput = {
  kind: 'herbal',
  section: '中药饮片部分-不得纳入基金支付',
  name: '阿胶',
  remark: '“不得纳入基金支付范围的中药饮片”包括药材及炮制后的饮片。',
  fundPayable: false,
  provenance: { ...edition, sourceRow: '4719' },
};

/** Row 3828: 小茴香, fund-payable herbal slice. */
export const fennelItem: ItemInput = {
  kind: 'herbal',
  section: '中药饮片部分-基金予以支付',
  name: '小茴香',
  remark: '单独使用时不予支付，且全部由这些饮片组成的处方也不予支付。',
  fundPayable: true,
  provenance: { ...edition, sourceRow: '3828' },
};

/** Shaanxi 2021 service 110900004 特殊防护病房床位费, prices 待定. */
export const shaanxiWardItem: ItemInput = {
  kind: 'service',
  section: '综合类',
  name: '特殊防护病房床位费',
  code: '110900004',
  unit: '日',
  province: 'Shaanxi',
  remark: '指核素内照射治疗病房等',
  prices: { level3: '待定', level2: '待定', level1: '待定' },
  fundPayable: true,
  provenance: { edition: 'SN-2021', sourceRow: '53', source: 'shaanxi-2021-medical-service-prices.csv' },
};

/** Synthetic drug rows for bulk imports. */
export function syntheticDrug(i: number): ItemInput {
  return {
    kind: 'drug',
    section: '西药部分',
    number: String(i + 1),
    class: i % 3 === 0 ? '甲' : '乙',
    categoryCode: `X${String.fromCharCode(65 + (i % 20))}01`,
    name: `测试药品${i}`,
    dosageForm: i % 2 === 0 ? '口服常释剂型' : '注射剂',
    fundPayable: true,
    provenance: { edition: 'SYN', sourceRow: String(i + 1) },
  };
}

export function newNetwork(): Network {
  return new Network([
    new SystemContract(),
    new CatalogContract(),
    new ProposalContract(),
    new GovernanceContract(),
  ]);
}

/** A network whose governance is initialised: the topology's members, default rules. */
export async function bootstrapped(): Promise<Network> {
  const net = newNetwork();
  await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
  return net;
}

export function upserts(items: readonly ItemInput[]): Change[] {
  return items.map((item) => ({ op: 'upsertItem', item }));
}

/** Creates a proposal, adds the chunks and opens it. Returns the proposal id. */
export async function draftAndOpen(
  net: Network,
  proposer: Caller,
  scope: { scope: 'national' | 'provincial'; province?: string },
  chunks: readonly (readonly Change[])[],
  effectiveFrom = '2025-01-01',
): Promise<string> {
  const p = await net.submit<Proposal>(proposer, 'Proposal:CreateProposal', {
    ...scope,
    title: 'test change',
    rationale: 'unit test',
    effectiveFrom,
  });
  for (const [i, changes] of chunks.entries()) {
    await net.submit(proposer, 'Proposal:AddChunk', { proposalId: p.id, chunkIndex: i, changes });
  }
  await net.submit(proposer, 'Proposal:OpenProposal', { proposalId: p.id });
  return p.id;
}

/** Applies every chunk and seals. */
export async function applyAndSeal(
  net: Network,
  proposer: Caller,
  proposalId: string,
  chunkCount: number,
): Promise<Version> {
  for (let i = 0; i < chunkCount; i++) {
    await net.submit(proposer, 'Proposal:ApplyChunk', { proposalId, chunkIndex: i });
  }
  return net.submit<Version>(proposer, 'Proposal:SealVersion', { proposalId });
}

/** What a vote binds to, read from the proposal as it is now: `{ proposalId, manifestHash, … }`. */
export async function reviewed(
  net: Network,
  proposalId: string,
): Promise<{ proposalId: string; manifestHash: string; baseVersion: number; governanceVersion: number }> {
  const { proposal } = await net.evaluate<{ proposal: Proposal }>(A.auditor, 'Proposal:GetProposal', {
    proposalId,
  });
  return {
    proposalId,
    manifestHash: proposal.manifestHash ?? '0'.repeat(64),
    baseVersion: proposal.baseVersion ?? 0,
    governanceVersion: proposal.governanceVersion ?? 1,
  };
}

/** A national change through the whole lifecycle (NHSA + Guangdong + Sichuan approve). */
export async function nationalVersion(
  net: Network,
  chunks: readonly (readonly Change[])[],
  effectiveFrom = '2025-01-01',
): Promise<Version> {
  const id = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, chunks, effectiveFrom);
  for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
    await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
  }
  return applyAndSeal(net, A.nhsaProposer, id, chunks.length);
}

/** A provincial change through the whole lifecycle (approved by the province alone). */
export async function provincialVersion(
  net: Network,
  province: 'Guangdong' | 'Sichuan' | 'Shaanxi',
  changes: readonly Change[],
  effectiveFrom = '2025-01-01',
): Promise<Version> {
  const proposer = { Guangdong: A.gdProposer, Sichuan: A.scProposer, Shaanxi: A.snProposer }[province];
  const approver = { Guangdong: A.gdApprover, Sichuan: A.scApprover, Shaanxi: A.snApprover }[province];
  const id = await draftAndOpen(net, proposer, { scope: 'provincial', province }, [changes], effectiveFrom);
  await net.submit(approver, 'Proposal:ApproveProposal', await reviewed(net, id));
  return applyAndSeal(net, proposer, id, 1);
}

/** Asserts that `fn` rejects with an error whose message starts with `code: `. */
export async function rejectsWith(fn: () => Promise<unknown>, code: string): Promise<string> {
  try {
    await fn();
  } catch (err) {
    const message = (err as Error).message;
    if (!message.startsWith(`${code}: `)) {
      throw new Error(`expected ${code}, got: ${message}`);
    }
    return message;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}
