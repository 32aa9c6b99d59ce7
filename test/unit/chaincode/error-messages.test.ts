/**
 * Every refusal of the chaincode names a catalogue template: driven into one refusal after another
 * (at least one per error code), each message is `CODE: English text [nrdl:{"m":…,"p":…}]`, decodes
 * to a template of the catalogue with a parameter for each of its placeholders, and renders in
 * Chinese with nothing left unfilled. A scan of the sources keeps plain-text errors out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { SystemContract } from '@nrdl-catalog/chaincode';
import {
  CatalogError,
  checkGovernance,
  checkMembers,
  computeItemId,
  ERROR_CODES,
  initialGovernance,
  normaliseProvince,
  type Change,
  type Proposal,
} from '@nrdl-catalog/chaincode/model';
import {
  codeOfTemplate,
  decodeError,
  en,
  isMessageKey,
  placeholders,
  zh,
  type ErrorTemplate,
} from '@nrdl-catalog/chaincode/messages';
import {
  chaincodeError,
  localMessage,
  MembersError,
  membersFromTopology,
  toClientError,
} from '@nrdl-catalog/gateway-client';
import { initInput, HUBEI, MEMBERS, TOPOLOGY_FILE } from '../support/members';
import type { Caller, Network } from './support/fabric-stub';
import {
  A,
  boraxItem,
  bootstrapped,
  draftAndOpen,
  ilaprazoleItem,
  nationalVersion,
  newNetwork,
  rejectsWith,
  reviewed,
  shaanxiWardItem,
  upserts,
} from './support/fixtures';

const boraxId = computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' });
const draft = { title: 'test change', rationale: 'unit test', effectiveFrom: '2025-01-01' };

function key(type: string, ...attrs: string[]): string {
  return `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
}

/** What the tests below saw: the message of each refusal, by the template it expected. */
const seen = new Map<string, string>();

/** Expects `fn` to be refused with `template`; checks the message and remembers it. */
async function refused(template: ErrorTemplate, fn: () => Promise<unknown>): Promise<void> {
  const code = codeOfTemplate(template);
  const message = await rejectsWith(fn, code);
  const decoded = decodeError(message);
  expect(decoded?.template, message).to.equal(template);
  seen.set(template, message);
}

async function created(net: Network, caller: Caller, scope: object): Promise<string> {
  const p = await net.submit<Proposal>(caller, 'Proposal:CreateProposal', { ...scope, ...draft });
  return p.id;
}

async function approvedBy(net: Network, id: string, voters: readonly Caller[]): Promise<void> {
  for (const voter of voters) {
    await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
  }
}

/** The chaincode's TypeScript sources without comments (which may mention the words), by relative path. */
function sources(): Map<string, string> {
  const root = path.resolve(__dirname, '../../../chaincode/src');
  const files = (function walk(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    });
  })(root);
  expect(files.length).to.be.above(10);
  return new Map(
    files.map((file) => [
      path.relative(root, file),
      readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:'"`])\/\/.*$/gm, '$1'),
    ]),
  );
}

const NATIONAL_VOTERS = [A.nhsaApprover, A.gdApprover, A.scApprover];

describe('chaincode refusals in both languages', () => {
  before(async function () {
    this.timeout(60_000);
    // ---- before governance exists ----
    const bare = newNetwork();
    await refused('GOVERNANCE_NOT_INITIALISED', () =>
      bare.evaluate(A.auditor, 'Governance:GetGovernance', {}),
    );
    await refused('FORBIDDEN_ROLE', () =>
      bare.submit(A.nhsaProposer, 'Governance:InitGovernance', initInput()),
    );
    await refused('FORBIDDEN_ROLE.noRole', () =>
      bare.submit({ msp: 'NHSAMSP', role: null }, 'Governance:InitGovernance', initInput()),
    );
    await refused('FORBIDDEN_ORG.initGovernance', () =>
      bare.submit(A.snAdmin, 'Governance:InitGovernance', initInput()),
    );
    await refused('GOVERNANCE_INVALID.sharedForm', () =>
      bare.submit(A.nhsaAdmin, 'Governance:InitGovernance', {
        ...initInput(),
        provinces: [...MEMBERS.provinces, { ...HUBEI, abbr: '陕' }],
      }),
    );
    await refused('GOVERNANCE_INVALID.mspNationalProvince', () =>
      bare.submit(A.nhsaAdmin, 'Governance:InitGovernance', {
        ...initInput(),
        provinces: [...MEMBERS.provinces, { ...HUBEI, mspId: 'NHSAMSP' }],
      }),
    );
    await refused('INVALID_INPUT.schema', () => bare.submit(A.nhsaAdmin, 'Governance:InitGovernance', {}));
    await refused('INVALID_INPUT.notJson', () => bare.evaluate(A.auditor, 'Catalog:GetItem', '{not json'));

    // ---- the System contract ----
    const system = new SystemContract();
    await refused('INVALID_INPUT.pingMessage', () => bare.submit(A.nhsaAdmin, 'System:Ping', ''));
    await refused('FORBIDDEN_ROLE', () => bare.submit(A.nhsaProposer, 'System:Ping', 'hello'));
    await refused('NOT_FOUND.ping', () =>
      system.GetPing(bare.ledger.begin(A.auditor, { readOnly: true }).context(), 'NHSAMSP', 'no-such-tx'),
    );

    // ---- governance, reads before any version ----
    const net = await bootstrapped();
    await refused('GOVERNANCE_EXISTS.initialised', () =>
      net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput()),
    );
    await refused('VERSION_NOT_FOUND.noneSealed', () => net.evaluate(A.auditor, 'Catalog:GetVersion', {}));
    await refused('PROPOSAL_NOT_FOUND', () =>
      net.evaluate(A.auditor, 'Proposal:GetProposal', { proposalId: 'no-such-proposal' }),
    );
    await refused('INVALID_INPUT.versionOrDate', () =>
      net.evaluate(A.auditor, 'Catalog:GetVersion', { version: 1, date: '2025-01-01' }),
    );
    await refused('INVALID_INPUT.notDate', () =>
      net.evaluate(A.auditor, 'Catalog:GetVersion', { date: '2025-02-30' }),
    );
    await refused('INVALID_INPUT.bookmark', () =>
      net.evaluate(A.auditor, 'Catalog:SearchItems', {
        bookmark: Buffer.from(key('proposal', 'x'), 'utf8').toString('base64url'),
      }),
    );

    // ---- creating proposals ----
    await refused('UNKNOWN_PROVINCE', () =>
      net.submit(A.gdProposer, 'Proposal:CreateProposal', {
        scope: 'provincial',
        province: 'Hubei',
        ...draft,
      }),
    );
    await refused('INVALID_INPUT.provinceMissing', () =>
      net.submit(A.gdProposer, 'Proposal:CreateProposal', { scope: 'provincial', ...draft }),
    );
    await refused('INVALID_INPUT.provinceUnexpected', () =>
      net.submit(A.nhsaProposer, 'Proposal:CreateProposal', { scope: 'national', province: 'GD', ...draft }),
    );
    await refused('INVALID_INPUT.governanceMissing', () =>
      net.submit(A.nhsaProposer, 'Proposal:CreateProposal', { scope: 'governance', ...draft }),
    );
    await refused('INVALID_INPUT.governanceUnexpected', () =>
      net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'national',
        governance: { maxChunkChanges: 10 },
        ...draft,
      }),
    );
    await refused('FORBIDDEN_ORG.propose', () =>
      net.submit(A.gdProposer, 'Proposal:CreateProposal', { scope: 'national', ...draft }),
    );
    await refused('FORBIDDEN_ORG.proposeProvincial', () =>
      net.submit(A.gdProposer, 'Proposal:CreateProposal', { scope: 'provincial', province: '陕', ...draft }),
    );
    await refused('GOVERNANCE_INVALID.provincialOwn', () =>
      net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'governance',
        governance: { rules: { provincial: { national: false, provinces: 'majority' } } },
        ...draft,
      }),
    );
    await refused('GOVERNANCE_INVALID.keyPolicyMax', () =>
      net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'governance',
        governance: { nationalKeyPolicy: { provinces: 4 } },
        ...draft,
      }),
    );

    // ---- adding changes to drafts ----
    const national = await created(net, A.nhsaProposer, { scope: 'national' });
    const add = (id: string, changes: readonly Change[], caller: Caller = A.nhsaProposer, chunkIndex = 0) =>
      net.submit(caller, 'Proposal:AddChunk', { proposalId: id, chunkIndex, changes });
    await refused('SCOPE_VIOLATION.provincialItem', () => add(national, upserts([shaanxiWardItem])));
    await refused('SCOPE_VIOLATION.setOverlayNational', () =>
      add(national, [{ op: 'setOverlay', overlay: { itemId: boraxId, province: 'GD', suspended: true } }]),
    );
    await refused('SCOPE_VIOLATION.clearOverlayNational', () =>
      add(national, [{ op: 'clearOverlay', itemId: boraxId, province: 'GD' }]),
    );
    await refused('ID_MISMATCH.prefix', () => add(national, upserts([{ ...boraxItem, id: 'S-SN-1' }])));
    await refused('INVALID_INPUT.ageRange', () =>
      add(national, upserts([{ ...boraxItem, rules: { minAge: 60, maxAge: 18 } }])),
    );
    await refused('INVALID_INPUT.agreementPeriod', () =>
      add(
        national,
        upserts([{ ...ilaprazoleItem, agreementPeriod: { from: '2026-01-01', to: '2025-01-01' } }]),
      ),
    );
    await refused('INVALID_INPUT.provinceNotAllowed', () =>
      add(national, upserts([{ ...boraxItem, province: 'Guangdong' }])),
    );
    await refused('INVALID_INPUT.provinceRequired', () =>
      add(national, upserts([{ ...shaanxiWardItem, province: null }])),
    );
    await refused('DUPLICATE_CHANGE.item', () => add(national, upserts([boraxItem, boraxItem])));
    await refused('ITEM_NOT_FOUND.notListed', () => add(national, [{ op: 'removeItem', itemId: boraxId }]));
    const ruleSource = { batch: 'b', file: 'f', row: 1 };
    const rule = { id: 'R-1', type: 'sex', targets: [boraxId], sex: 'female', source: ruleSource } as const;
    await refused('RULE_NOT_FOUND.notListed', () => add(national, [{ op: 'removeRule', ruleId: 'R-1' }]));
    await refused('INVALID_INPUT.ruleField', () =>
      add(national, [
        { op: 'upsertRule', rule: { id: 'R-1', type: 'sex', targets: [boraxId], source: ruleSource } },
      ]),
    );
    await refused('DUPLICATE_CHANGE.rule', () =>
      add(national, [
        { op: 'upsertRule', rule },
        { op: 'upsertRule', rule },
      ]),
    );
    await refused('FORBIDDEN_ORG.addChunk', () => add(national, upserts([boraxItem]), A.gdProposer));
    await refused('CHUNKS_INCOMPLETE.none', () =>
      net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: national }),
    );
    await add(national, upserts([boraxItem]));
    await refused('CHUNK_CONFLICT.inProposal', () => add(national, upserts([ilaprazoleItem])));
    await add(national, upserts([ilaprazoleItem]), A.nhsaProposer, 2);
    await refused('CHUNKS_INCOMPLETE.gap', () =>
      net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: national }),
    );
    await refused('FORBIDDEN_ORG.withdraw', () =>
      net.submit(A.gdProposer, 'Proposal:WithdrawProposal', { proposalId: national }),
    );
    await refused('FORBIDDEN_ORG.open', () =>
      net.submit(A.gdProposer, 'Proposal:OpenProposal', { proposalId: national }),
    );

    const shaanxi = await created(net, A.snProposer, { scope: 'provincial', province: 'Shaanxi' });
    const addSn = (changes: readonly Change[]) => add(shaanxi, changes, A.snProposer);
    await refused('SCOPE_VIOLATION.ruleNotNational', () => addSn([{ op: 'removeRule', ruleId: 'R-1' }]));
    await refused('SCOPE_VIOLATION.policyOtherProvince', () =>
      addSn([{ op: 'clearPaymentPolicy', province: 'Guangdong' }]),
    );
    await refused('SCOPE_VIOLATION.policyNotProvincial', () =>
      add(national, [{ op: 'clearPaymentPolicy', province: 'Shaanxi' }]),
    );
    await refused('POLICY_NOT_FOUND.notSet', () =>
      addSn([{ op: 'clearPaymentPolicy', province: 'Shaanxi' }]),
    );
    const policyRow = {
      insuranceType: 'employee',
      visitType: 'inpatient',
      hospitalLevels: [3],
      deductibleFen: 0,
      fundRatioBp: 8000,
      annualCapFen: 100,
      classBSelfPayBp: 0,
    } as const;
    const shaanxiPolicy = {
      op: 'setPaymentPolicy',
      policy: {
        province: 'Shaanxi',
        rows: [policyRow],
        provenance: { title: 't', documentNumber: 'n', date: '2025-01-01' },
      },
    } as const;
    await refused('DUPLICATE_CHANGE.policy', () => addSn([shaanxiPolicy, shaanxiPolicy]));
    await refused('INVALID_INPUT.policyRowOverlap', () =>
      addSn([
        {
          op: 'setPaymentPolicy',
          policy: {
            province: 'Shaanxi',
            rows: [policyRow, policyRow],
            provenance: { title: 't', documentNumber: 'n', date: '2025-01-01' },
          },
        },
      ]),
    );
    await refused('SCOPE_VIOLATION.otherProvinceItem', () => addSn(upserts([boraxItem])));
    await refused('SCOPE_VIOLATION.setOverlayOtherProvince', () =>
      addSn([{ op: 'setOverlay', overlay: { itemId: boraxId, province: 'Guangdong', suspended: true } }]),
    );
    await refused('SCOPE_VIOLATION.clearOverlayOtherProvince', () =>
      addSn([{ op: 'clearOverlay', itemId: boraxId, province: '粤' }]),
    );
    await refused('INVALID_INPUT.overlayAgeRange', () =>
      addSn([
        { op: 'setOverlay', overlay: { itemId: boraxId, province: 'SN', rules: { minAge: 9, maxAge: 1 } } },
      ]),
    );
    await refused('DUPLICATE_CHANGE.overlay', () =>
      addSn([
        { op: 'setOverlay', overlay: { itemId: boraxId, province: 'Shaanxi', suspended: true } },
        { op: 'clearOverlay', itemId: boraxId, province: 'SN' },
      ]),
    );
    await refused('ITEM_NOT_FOUND.noOverlay', () =>
      addSn([{ op: 'clearOverlay', itemId: boraxId, province: 'SN' }]),
    );

    const governance = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
      scope: 'governance',
      governance: { maxChunkChanges: 100 },
      ...draft,
    });
    await refused('PROPOSAL_STATE.governanceChunks', () => add(governance.id, upserts([boraxItem])));

    // ---- a version, then reads of it ----
    await nationalVersion(net, [upserts([boraxItem])]);
    await refused('VERSION_NOT_FOUND.notSealed', () =>
      net.evaluate(A.auditor, 'Catalog:GetVersion', { version: 9 }),
    );
    await refused('VERSION_NOT_FOUND.notInForce', () =>
      net.evaluate(A.auditor, 'Catalog:GetVersion', { date: '2000-01-01' }),
    );
    await refused('VERSION_NOT_FOUND.notSealed', () =>
      net.evaluate(A.auditor, 'Catalog:SearchItems', { version: 9 }),
    );
    await refused('ITEM_NOT_FOUND.notInVersion', () =>
      net.evaluate(A.auditor, 'Catalog:GetItem', { itemId: 'D-0000000000000000' }),
    );
    await refused('ITEM_NOT_FOUND', () =>
      net.evaluate(A.auditor, 'Catalog:GetItemHistory', { itemId: 'D-0000000000000000' }),
    );
    await refused('RULE_NOT_FOUND.notInVersion', () =>
      net.evaluate(A.auditor, 'Catalog:GetRule', { ruleId: 'R-0' }),
    );
    await refused('POLICY_NOT_FOUND.notInVersion', () =>
      net.evaluate(A.auditor, 'Catalog:GetPaymentPolicy', { province: 'Shaanxi' }),
    );
    await refused('FORBIDDEN_ORG.itemOwner', () => addSn([{ op: 'removeItem', itemId: boraxId }]));

    // ---- votes ----
    const vote = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([ilaprazoleItem])]);
    await refused('PROPOSAL_STATE', () =>
      net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: vote }),
    );
    await refused('FORBIDDEN_ROLE', async () =>
      net.submit(A.nhsaProposer, 'Proposal:ApproveProposal', await reviewed(net, vote)),
    );
    await refused('FORBIDDEN_ORG.notVoter', async () =>
      net.submit(A.auditApprover, 'Proposal:ApproveProposal', await reviewed(net, vote)),
    );
    await refused('SELF_APPROVAL', async () =>
      net.submit(
        { ...A.nhsaApprover, cn: 'proposer@NHSAMSP' },
        'Proposal:ApproveProposal',
        await reviewed(net, vote),
      ),
    );
    const current = await reviewed(net, vote);
    await refused('STALE_REVIEW.manifest', () =>
      net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', { ...current, manifestHash: 'f'.repeat(64) }),
    );
    await refused('STALE_REVIEW.baseVersion', () =>
      net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', { ...current, baseVersion: 0 }),
    );
    await refused('STALE_REVIEW.governanceVersion', () =>
      net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', { ...current, governanceVersion: 7 }),
    );
    await net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', current);
    await refused('ALREADY_VOTED', () => net.submit(A.nhsaApprover, 'Proposal:ApproveProposal', current));
    await refused('QUORUM_NOT_MET.stillOpen', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: vote, chunkIndex: 0 }),
    );
    await approvedBy(net, vote, [A.gdApprover, A.scApprover]);
    await refused('FORBIDDEN_ORG.apply', () =>
      net.submit(A.gdProposer, 'Proposal:ApplyChunk', { proposalId: vote, chunkIndex: 0 }),
    );
    await refused('CHUNK_NOT_FOUND', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: vote, chunkIndex: 5 }),
    );
    await refused('CHUNKS_INCOMPLETE.notApplied', () =>
      net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: vote }),
    );
    await refused('FORBIDDEN_ORG.seal', () =>
      net.submit(A.gdProposer, 'Proposal:SealVersion', { proposalId: vote }),
    );

    // ---- two proposals changing the same item ----
    const first = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([{ ...boraxItem, remark: 'first' }]),
    ]);
    const second = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([{ ...boraxItem, remark: 'second' }]),
    ]);
    await approvedBy(net, first, NATIONAL_VOTERS);
    await approvedBy(net, second, NATIONAL_VOTERS);
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: first, chunkIndex: 0 });
    await refused('VERSION_CONFLICT.itemPending', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: second, chunkIndex: 0 }),
    );
    await net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: first });
    await refused('VERSION_CONFLICT.itemChanged', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: second, chunkIndex: 0 }),
    );

    // ---- a chunk rewritten after the approvals (a ledger whose chunks an earlier chaincode created as owned keys) ----
    const forged = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      upserts([ilaprazoleItem]),
    ]);
    await approvedBy(net, forged, NATIONAL_VOTERS);
    const chunkKey = key('chunk', forged, '00000');
    const chunk = net.ledger.getJson<{ changes: { item: { remark: string | null } }[] }>(chunkKey);
    expect(chunk).to.not.equal(undefined);
    chunk!.changes[0]!.item.remark = 'forged';
    net.ledger.seed(chunkKey, Buffer.from(JSON.stringify(chunk)));
    await refused('MANIFEST_MISMATCH.hash', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: forged, chunkIndex: 0 }),
    );

    // ---- governance proposals ----
    await refused('PROPOSAL_STATE.notGovernance', () =>
      net.submit(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: forged }),
    );
    await refused('PROPOSAL_STATE.governanceApply', () =>
      net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: governance.id, chunkIndex: 0 }),
    );
    await refused('PROPOSAL_STATE.governanceApply', () =>
      net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: governance.id }),
    );
    const rules = [100, 120];
    const ids: string[] = [];
    for (const maxChunkChanges of rules) {
      const p = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'governance',
        governance: { maxChunkChanges },
        ...draft,
      });
      await net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: p.id });
      await approvedBy(net, p.id, NATIONAL_VOTERS);
      ids.push(p.id);
    }
    await refused('FORBIDDEN_ORG.applyGovernance', () =>
      net.submit(A.gdProposer, 'Governance:ApplyGovernanceProposal', { proposalId: ids[0] }),
    );
    await net.submit(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: ids[0] });
    await refused('VERSION_CONFLICT.governance', () =>
      net.submit(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: ids[1] }),
    );

    // ---- two provincial proposals changing the same overlay ----
    const overlay = (remark: string): Change[] => [
      { op: 'setOverlay', overlay: { itemId: boraxId, province: 'GD', restriction: remark } },
    ];
    const gdFirst = await draftAndOpen(net, A.gdProposer, { scope: 'provincial', province: 'GD' }, [
      overlay('first'),
    ]);
    const gdSecond = await draftAndOpen(net, A.gdProposer, { scope: 'provincial', province: '粤' }, [
      overlay('second'),
    ]);
    await approvedBy(net, gdFirst, [A.gdApprover]);
    await approvedBy(net, gdSecond, [A.gdApprover]);
    await net.submit(A.gdProposer, 'Proposal:ApplyChunk', { proposalId: gdFirst, chunkIndex: 0 });
    await refused('VERSION_CONFLICT.overlayPending', () =>
      net.submit(A.gdProposer, 'Proposal:ApplyChunk', { proposalId: gdSecond, chunkIndex: 0 }),
    );
    await net.submit(A.gdProposer, 'Proposal:SealVersion', { proposalId: gdFirst });
    await refused('VERSION_CONFLICT.overlayChanged', () =>
      net.submit(A.gdProposer, 'Proposal:ApplyChunk', { proposalId: gdSecond, chunkIndex: 0 }),
    );

    // ---- governance rules that break the model ----
    for (const [template, rules] of [
      ['GOVERNANCE_INVALID.noOwnProvince', { national: { national: true, provinces: 'own' } }],
      ['GOVERNANCE_INVALID.noApproval', { governance: { national: false, provinces: 'none' } }],
    ] as const) {
      await refused(template, () =>
        net.submit(A.nhsaProposer, 'Proposal:CreateProposal', {
          scope: 'governance',
          governance: { rules },
          ...draft,
        }),
      );
    }
    // member lists InitGovernance's schema lets through, checked as InitGovernance checks them
    const members = { nationalMsp: 'NHSAMSP', provinces: MEMBERS.provinces, auditors: ['AuditMSP'] };
    for (const [template, g] of [
      ['GOVERNANCE_INVALID.noProvince', { ...members, provinces: [] }],
      [
        'GOVERNANCE_INVALID.mspProvinces',
        { ...members, provinces: [...MEMBERS.provinces, { ...HUBEI, mspId: 'SichuanMSP' }] },
      ],
      ['GOVERNANCE_INVALID.mspProvinceAuditor', { ...members, auditors: ['ShaanxiMSP'] }],
      ['GOVERNANCE_INVALID.mspNationalAuditor', { ...members, auditors: ['NHSAMSP'] }],
      ['GOVERNANCE_INVALID.mspAuditors', { ...members, auditors: ['AuditMSP', 'AuditMSP'] }],
      ['GOVERNANCE_INVALID.blankForm', { ...members, provinces: [{ ...HUBEI, abbr: '\u3000' }] }],
      ['GOVERNANCE_INVALID.scopeWord', { ...members, provinces: [{ ...HUBEI, name: 'National' }] }],
    ] as const) {
      await refused(template, async () => {
        checkMembers(g);
        return Promise.resolve();
      });
    }
    const ruled = initialGovernance(initInput(), 'tx', '2025-01-01T00:00:00Z');
    await refused('GOVERNANCE_INVALID.keyPolicyMin', async () => {
      checkGovernance({ ...ruled, nationalKeyPolicy: { provinces: 0 } });
      return Promise.resolve();
    });

    await refused('GOVERNANCE_INVALID.suspendedNotMember', async () => {
      checkGovernance({ ...ruled, suspended: ['HubeiMSP'] });
      return Promise.resolve();
    });
    await refused('GOVERNANCE_INVALID.suspendedTwice', async () => {
      checkGovernance({ ...ruled, suspended: ['ShaanxiMSP', 'ShaanxiMSP'] });
      return Promise.resolve();
    });

    // ---- membership: a suspended province, updates that make no sense ----
    const members2 = await bootstrapped();
    const suspend = await created(members2, A.nhsaProposer, {
      scope: 'governance',
      governance: { suspendProvinces: ['Shaanxi'] },
    });
    await members2.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: suspend });
    for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
      await members2.submit(voter, 'Proposal:ApproveProposal', await reviewed(members2, suspend));
    }
    await members2.submit(A.nhsaProposer, 'Governance:ApplyGovernanceProposal', { proposalId: suspend });
    await refused('MEMBER_SUSPENDED', () =>
      created(members2, A.snProposer, { scope: 'provincial', province: 'Shaanxi' }),
    );
    for (const [template, governance] of [
      ['GOVERNANCE_INVALID.alreadySuspended', { suspendProvinces: ['陕'] }],
      ['GOVERNANCE_INVALID.notSuspended', { reinstateProvinces: ['GD'] }],
      ['GOVERNANCE_INVALID.suspendAndReinstate', { suspendProvinces: ['GD'], reinstateProvinces: ['广东'] }],
      ['GOVERNANCE_INVALID.noActiveProvince', { suspendProvinces: ['GD', 'SC'] }],
    ] as const) {
      await refused(template, () => created(members2, A.nhsaProposer, { scope: 'governance', governance }));
    }

    // ---- a small chunk limit ----
    const small = newNetwork();
    await small.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput({ maxChunkChanges: 1 }));
    const smallDraft = await created(small, A.nhsaProposer, { scope: 'national' });
    await refused('CHUNK_TOO_LARGE', () =>
      small.submit(A.nhsaProposer, 'Proposal:AddChunk', {
        proposalId: smallDraft,
        chunkIndex: 0,
        changes: upserts([boraxItem, ilaprazoleItem]),
      }),
    );

    // ---- a head record that colluding organisations rewrote (its policy: NHSA and a province) ----
    const broken = await bootstrapped();
    await nationalVersion(broken, [upserts([boraxItem])]);
    const rewrite = async (value: string): Promise<void> => {
      const forgery = broken.ledger.begin(A.nhsaAdmin);
      await forgery.putState('catalog.head', Buffer.from(value));
      forgery.commit(new Set(['NHSAMSP', 'GuangdongMSP']));
    };
    const head = broken.ledger.getJson<{ version: number }>('catalog.head');
    await rewrite(JSON.stringify({ ...head, version: 99 }));
    await refused('INTERNAL.headMissing', () => broken.evaluate(A.auditor, 'Catalog:GetVersion', {}));
    await rewrite('not json');
    await refused('INTERNAL', () => broken.evaluate(A.auditor, 'Catalog:GetVersion', {}));
  });

  it('refuses with at least one template of every error code', () => {
    const codes = new Set([...seen.keys()].map(codeOfTemplate));
    expect([...codes].sort()).to.deep.equal(Object.keys(ERROR_CODES).sort());
  });

  it('sends CODE: English text, then a template of the catalogue with all its parameters', () => {
    for (const [template, message] of seen) {
      const code = codeOfTemplate(template);
      expect(message.startsWith(`${code}: `), message).to.equal(true);
      const decoded = decodeError(message);
      expect(decoded, message).to.not.equal(null);
      expect(decoded?.code).to.equal(code);
      const messageKey = `error.${template}`;
      expect(isMessageKey(messageKey), messageKey).to.equal(true);
      if (!isMessageKey(messageKey)) continue;
      for (const name of [...placeholders(en[messageKey]), ...placeholders(zh[messageKey])]) {
        expect(Object.hasOwn(decoded?.params ?? {}, name), `${template}: parameter ${name}`).to.equal(true);
      }
      // the English text is the English template filled in
      expect(decoded?.text).to.not.match(/\{[A-Za-z0-9_]+\}/);
    }
  });

  it('renders each refusal in Chinese, differently from English and with every placeholder filled', () => {
    for (const [template, message] of seen) {
      const client = toClientError(new Error(`chaincode response 500, ${message}`));
      expect(client.code, message).to.equal(codeOfTemplate(template));
      expect(client.template).to.equal(template);
      const chinese = localMessage(client, 'zh');
      const english = localMessage(client, 'en');
      expect(chinese, template).to.not.match(/\{[A-Za-z0-9_]+\}/);
      expect(english, template).to.not.match(/\{[A-Za-z0-9_]+\}/);
      expect(chinese, template).to.not.equal(english);
      expect(chinese.startsWith(`${client.code}: `), chinese).to.equal(true);
      expect(chinese, template).to.match(/[\u4e00-\u9fff]/);
      expect(english, template).to.equal(`${client.code}: ${decodeError(message)?.text ?? ''}`);
    }
  });

  it('leaves no plain-text error in the chaincode sources', () => {
    const offences: string[] = [];
    for (const [relative, code] of sources()) {
      for (const [pattern, what] of [
        [/\bfail\s*\(/g, 'fail('],
        [/\bCatalogError\s*\(\s*['"`]/g, 'CatalogError with a plain message'],
      ] as const) {
        if (relative === path.join('lib', 'errors.ts') && what !== 'fail(') continue;
        if (pattern.test(code)) offences.push(`${relative}: ${what}`);
      }
      for (const match of code.matchAll(/\braise\(\s*(['"`])([^'"`$]+)\1/g)) {
        const template = match[2] ?? '';
        if (!isMessageKey(`error.${template}`))
          offences.push(`${relative}: raise('${template}') has no template`);
      }
    }
    expect(offences).to.deep.equal([]);
  });

  it('raises every variant template the catalogue defines for a chaincode code', () => {
    const code = [...sources().entries()]
      .filter(([relative]) => !relative.startsWith(`messages${path.sep}`))
      .map(([, text]) => text)
      .join('\n');
    const unused = Object.keys(en).filter((k) => {
      const [, errorCode = '', variant] = k.split('.');
      if (!k.startsWith('error.') || variant === undefined || !Object.hasOwn(ERROR_CODES, errorCode)) {
        return false;
      }
      // a literal template, or one built from the code and a literal variant (`FORBIDDEN_ORG.${action}`)
      const literal = code.includes(`'${errorCode}.${variant}'`);
      const built = code.includes(`\`${errorCode}.\${`) && code.includes(`'${variant}'`);
      return !literal && !built;
    });
    expect(unused).to.deep.equal([]);
  });
});

describe('coded errors thrown by the model in the client process', () => {
  const thrown = (fn: () => unknown): CatalogError => {
    try {
      fn();
    } catch (error) {
      if (error instanceof CatalogError) return error;
      throw error;
    }
    throw new Error('expected a CatalogError');
  };

  it('become client errors without the machine-readable part, rendered in either language', () => {
    const error = thrown(() => normaliseProvince(MEMBERS, 'Hubei'));
    expect(error.template).to.equal('UNKNOWN_PROVINCE');
    const client = toClientError(error);
    expect(client.message).to.equal(
      'UNKNOWN_PROVINCE: unknown province "Hubei"; the members are Guangdong, Sichuan, Shaanxi',
    );
    expect(client.template).to.equal('UNKNOWN_PROVINCE');
    expect(localMessage(client, 'zh')).to.equal(
      'UNKNOWN_PROVINCE: 未知省份“Hubei”；本网络的成员省份为 Guangdong、Sichuan、Shaanxi',
    );
    // a message handed on without its code keeps its template too
    const handed = chaincodeError(error.code, error.message.replace(/^[A-Z_]+: /, ''));
    expect(handed.message).to.equal(client.message);
    expect(handed.params).to.deep.equal({ province: 'Hubei', expected: ['Guangdong', 'Sichuan', 'Shaanxi'] });
  });

  it('leave topology errors without the machine-readable part', () => {
    const topology = JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as { orgs: Record<string, unknown>[] };
    const orgs = topology.orgs.map((org) => (org.province === 'Sichuan' ? { ...org, abbr: '粤' } : org));
    expect(() => membersFromTopology({ ...topology, orgs }))
      .to.throw(MembersError)
      .with.property('message')
      .that.matches(/^INVALID_INPUT: topology: '粤' names both Guangdong and Sichuan$/);
  });
});
