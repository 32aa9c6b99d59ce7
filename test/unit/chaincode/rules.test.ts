/**
 * The national rule base on chain: rules applied through a national proposal (never a provincial
 * one), normalised per type, versioned like items, part of the version digest, read by GetRule and
 * GetItem, and evaluated on every coverage line (RESTRICTED naming the rule, passed / review / claim
 * findings). The auditors' model recomputes the digest with the rules and flags a forged lookup key.
 */
import { expect } from 'chai';
import {
  computeItemId,
  digestOfEntries,
  normaliseRule,
  ruleFinding,
  type Change,
  type CoverageResult,
  type DigestEntry,
  type Item,
  type ItemRule,
  type Rule,
  type RuleInput,
  type RuleView,
} from '@nrdl-catalog/chaincode/model';
import { buildLedgerModel, verifyStore } from '../../../gateway-client/src/audit';
import { clearVersionCache } from '../../../chaincode/src/model/coverage-reader';
import { RecordingNetwork, recordedToChain } from '../audit/support/recording-network';
import { findWrite } from '../audit/support/stored-writes';
import { overwriteSqlite, sqliteStoreOf } from '../audit/support/verify-contract';
import { initInput } from '../support/members';
import type { Network } from './support/fabric-stub';
import {
  A,
  applyAndSeal,
  avapritinibItem,
  boraxItem,
  draftAndOpen,
  ilaprazoleItem,
  nationalVersion,
  rejectsWith,
  reviewed,
  upserts,
} from './support/fixtures';

const ids = {
  borax: computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' }),
  ilaprazole: computeItemId({ kind: 'drug', name: '注射用艾普拉唑钠' }),
  avapritinib: computeItemId({ kind: 'drug', name: '阿伐替尼片' }),
};

const source = { batch: '2023-1', file: 'drug-rules.csv', row: 7 };

/** 复方硼砂 for children only (儿童 as 0–17 years, the importer's reading). */
const childRule: RuleInput = {
  id: 'R-AGE-1',
  type: 'age',
  name: '复方硼砂',
  targets: [ids.borax],
  codes: ['ZA04CAE0023010100166'],
  maxAge: 17,
  ageSource: '儿童: under 18 (test fixture)',
  value: '儿童',
  source,
};
const femaleRule: RuleInput = {
  id: 'R-SEX-1',
  type: 'sex',
  targets: [ids.ilaprazole],
  sex: 'female',
  value: '女',
  source: { ...source, row: 8 },
};
const employeeRule: RuleInput = {
  id: 'R-INS-1',
  type: 'insuranceType',
  targets: [ids.ilaprazole],
  insuranceTypes: ['employee'],
  value: '职工',
  source: { ...source, row: 9 },
};
const quantityRule: RuleInput = {
  id: 'R-QTY-1',
  type: 'quantity',
  targets: [ids.borax],
  maxQuantity: 2,
  unit: '瓶',
  periodDays: 7,
  value: '7天2瓶',
  source: { ...source, row: 10 },
};
const duplicateRule: RuleInput = {
  id: 'R-DUP-1',
  type: 'duplicateCharge',
  targets: [ids.avapritinib],
  pairedWith: [ids.ilaprazole],
  frequency: '单日',
  source: { ...source, row: 11 },
};

const ruleChanges = (rules: readonly RuleInput[]): Change[] =>
  rules.map((rule) => ({ op: 'upsertRule', rule }));

async function check(
  net: Network,
  itemId: string,
  patient: Record<string, unknown>,
  date?: string,
): Promise<CoverageResult> {
  return net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
    province: 'Guangdong',
    itemId,
    patient,
    ...(date === undefined ? {} : { date }),
  });
}

describe('the national rule base on chain', function () {
  this.timeout(60000);
  let net: RecordingNetwork;

  before(async () => {
    clearVersionCache();
    net = new RecordingNetwork();
    await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
    net.ledger.setTime('2025-06-01T02:00:00Z');
    await nationalVersion(net, [upserts([boraxItem, ilaprazoleItem, avapritinibItem])], '2025-01-01');
  });

  it('answers every line with an empty rule list while no rule is sealed, scanning nothing for rules', async () => {
    await check(net, ids.borax, { age: 30 });
    net.ledger.resetCalls();
    const answer = await check(net, ids.borax, { age: 30 });
    expect(answer).to.include({ reason: 'COVERED' });
    expect(answer.rules).to.deep.equal([]);
    expect(net.ledger.calls.get('getStateByPartialCompositeKey') ?? 0).to.equal(0);
    expect(net.ledger.calls.get('getStateByPartialCompositeKeyWithPagination') ?? 0).to.equal(0);
  });

  it('refuses rule changes in a provincial proposal (SCOPE_VIOLATION.ruleNotNational)', async () => {
    const p = await net.submit<{ id: string }>(A.gdProposer, 'Proposal:CreateProposal', {
      scope: 'provincial',
      province: 'Guangdong',
      title: 'rules',
      rationale: 'unit test',
      effectiveFrom: '2025-02-01',
    });
    const message = await rejectsWith(
      () =>
        net.submit(A.gdProposer, 'Proposal:AddChunk', {
          proposalId: p.id,
          chunkIndex: 0,
          changes: ruleChanges([childRule]),
        }),
      'SCOPE_VIOLATION',
    );
    expect(message).to.include('R-AGE-1');
  });

  it('checks the fields each rule type needs and fills every field', () => {
    expect(() => normaliseRule({ id: 'R-X', type: 'sex', targets: [ids.borax], source })).to.throw(
      /INVALID_INPUT: .*R-X.*sex/,
    );
    expect(() => normaliseRule({ id: 'R-X', type: 'age', targets: [ids.borax], source })).to.throw(
      /INVALID_INPUT/,
    );
    expect(() =>
      normaliseRule({ id: 'R-X', type: 'age', targets: [ids.borax], minAge: 18, maxAge: 6, source }),
    ).to.throw(/INVALID_INPUT: .*minAge > maxAge/);
    expect(() =>
      normaliseRule({ id: 'R-X', type: 'quantity', targets: [ids.borax], maxQuantity: 2, source }),
    ).to.throw(/periodDays \| periodHours/);
    expect(() =>
      normaliseRule({ id: 'R-X', type: 'duplicateCharge', targets: [ids.borax], source }),
    ).to.throw(/pairedWith/);
    expect(() =>
      normaliseRule({
        id: 'R-X',
        type: 'duplicateCharge',
        targets: [ids.borax],
        pairedWith: [ids.borax],
        source,
      }),
    ).to.throw(/INVALID_INPUT: .*both a target/);
    const stored = normaliseRule({ ...employeeRule, insuranceTypes: ['resident', 'employee'] });
    expect(stored.insuranceTypes).to.deep.equal(['employee', 'resident']);
    expect(stored).to.include({ sex: null, minAge: null, group: null, name: null, description: null });
    expect(stored.codes).to.deep.equal([]);
    expect(stored.pairedWith).to.deep.equal([]);
  });

  it('applies a rule set through a national proposal; the rules enter the version digest', async () => {
    const before = await net.evaluate<{ digest: string; version: number }>(
      A.auditor,
      'Catalog:GetVersion',
      {},
    );
    const v = await nationalVersion(
      net,
      [ruleChanges([childRule, femaleRule, employeeRule, quantityRule, duplicateRule])],
      '2025-02-01',
    );
    expect(v.version).to.equal(before.version + 1);
    expect(v.digest).to.not.equal(before.digest);
    // the digest is the one of the live entries: three items and five rules
    const entries: DigestEntry[] = [];
    for (const itemId of Object.values(ids)) {
      const { item } = await net.evaluate<{ item: Item }>(A.auditor, 'Catalog:GetItem', { itemId });
      entries.push({ type: 'item', itemId, data: item });
    }
    for (const input of [childRule, femaleRule, employeeRule, quantityRule, duplicateRule]) {
      entries.push({ type: 'rule', ruleId: input.id, data: normaliseRule(input) });
    }
    expect(digestOfEntries(entries)).to.equal(v.digest);
  });

  it('refuses a second change of a rule in the same proposal (DUPLICATE_CHANGE.rule)', async () => {
    const message = await rejectsWith(
      () => draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [ruleChanges([childRule, childRule])]),
      'DUPLICATE_CHANGE',
    );
    expect(message).to.include('R-AGE-1');
  });

  it('age: outside the range → RESTRICTED naming the rule; inside → covered; no age → review', async () => {
    const adult = await check(net, ids.borax, { age: 30 });
    expect(adult).to.include({ covered: false, reason: 'RESTRICTED' });
    expect(adult.rule).to.deep.equal({
      source: 'ruleBase',
      ruleId: 'R-AGE-1',
      field: 'age',
      value: { maxAge: 17 },
    });
    const child = await check(net, ids.borax, { age: 6 });
    expect(child).to.include({ covered: true, reason: 'COVERED' });
    expect(child.rules.map((r) => [r.ruleId, r.outcome])).to.deep.equal([
      ['R-AGE-1', 'passed'],
      ['R-QTY-1', 'claim'],
    ]);
    const unknown = await check(net, ids.borax, {});
    expect(unknown).to.include({ covered: true, reason: 'COVERED' });
    expect(unknown.rules[0]).to.deep.include({ ruleId: 'R-AGE-1', outcome: 'review', value: '儿童', source });
  });

  it('sex and insurance type: violated → RESTRICTED (rule id order), passed → covered', async () => {
    const male = await check(net, ids.ilaprazole, {
      sex: 'male',
      insuranceType: 'employee',
      visitType: 'inpatient',
    });
    expect(male.reason).to.equal('RESTRICTED');
    expect(male.rule).to.deep.include({ source: 'ruleBase', ruleId: 'R-SEX-1', field: 'sex' });
    const resident = await check(net, ids.ilaprazole, {
      sex: 'female',
      insuranceType: 'resident',
      visitType: 'inpatient',
    });
    expect(resident.rule).to.deep.include({ ruleId: 'R-INS-1', field: 'insuranceType' });
    const ok = await check(net, ids.ilaprazole, {
      sex: 'female',
      insuranceType: 'employee',
      visitType: 'inpatient',
    });
    expect(ok.reason).to.equal('COVERED');
    expect(ok.rules.map((r) => [r.ruleId, r.outcome])).to.deep.equal([
      ['R-DUP-1', 'claim'],
      ['R-INS-1', 'passed'],
      ['R-SEX-1', 'passed'],
    ]);
    // the item's own structured rule comes first
    const outpatient = await check(net, ids.ilaprazole, { sex: 'male', visitType: 'outpatient' });
    expect(outpatient.rule).to.deep.include({ source: 'item', field: 'visitTypes' });
  });

  it('lists claim-level rules (quantity, duplicate charge) as claim findings with their limits', async () => {
    const answer = await check(net, ids.avapritinib, { age: 40 });
    expect(answer.reason).to.equal('COVERED');
    expect(answer.rules).to.deep.equal([
      {
        ruleId: 'R-DUP-1',
        type: 'duplicateCharge',
        outcome: 'claim',
        value: null,
        description: null,
        source: { ...source, row: 11 },
        limits: { pairedWith: [ids.ilaprazole], frequency: '单日' },
      },
    ]);
    expect(ruleFinding(normaliseRule(quantityRule), {}).limits).to.deep.equal({
      maxQuantity: 2,
      unit: '瓶',
      periodDays: 7,
    });
  });

  it('costs a cold item one range scan more, a warm one nothing', async () => {
    clearVersionCache();
    net.ledger.resetCalls();
    await check(net, ids.borax, { age: 3 });
    // the sealed versions, the item's rule lookup keys; one paged read: are there rules at all?
    expect(net.ledger.calls.get('getStateByPartialCompositeKey')).to.equal(2);
    expect(net.ledger.calls.get('getStateByPartialCompositeKeyWithPagination')).to.equal(1);
    net.ledger.resetCalls();
    await check(net, ids.borax, { age: 30 });
    expect(net.ledger.calls.get('getStateByPartialCompositeKey') ?? 0).to.equal(0);
    expect(net.ledger.calls.get('getStateByPartialCompositeKeyWithPagination') ?? 0).to.equal(0);
  });

  it('GetItem lists the rules in force for the item; GetRule answers a rule with its changes', async () => {
    const shown = await net.evaluate<{ rules: ItemRule[] }>(A.auditor, 'Catalog:GetItem', {
      itemId: ids.ilaprazole,
    });
    expect(shown.rules.map((r) => [r.rule.id, r.role])).to.deep.equal([
      ['R-DUP-1', 'paired'],
      ['R-INS-1', 'target'],
      ['R-SEX-1', 'target'],
    ]);
    const rule = await net.evaluate<RuleView>(A.auditor, 'Catalog:GetRule', { ruleId: 'R-AGE-1' });
    expect(rule.rule).to.deep.equal(normaliseRule(childRule));
    expect(rule.changes.map((c) => c.op)).to.deep.equal(['upsert']);
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetRule', { ruleId: 'R-NONE' }),
      'RULE_NOT_FOUND',
    );
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetRule', { ruleId: 'R-AGE-1', version: 1 }),
      'RULE_NOT_FOUND',
    );
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetRule', { ruleId: 'R-AGE-1', version: 1, date: '2025-01-01' }),
      'INVALID_INPUT',
    );
  });

  it('a rule removed in a later version no longer applies there, but still as of the earlier one', async () => {
    const changed: RuleInput = { ...femaleRule, targets: [ids.avapritinib] };
    const v = await nationalVersion(
      net,
      [
        [
          { op: 'removeRule', ruleId: 'R-AGE-1' },
          { op: 'upsertRule', rule: changed },
        ],
      ],
      '2025-04-01',
    );
    const now = await check(net, ids.borax, { age: 30 }, '2025-04-02');
    expect(now.reason).to.equal('COVERED');
    expect(now.rules.map((r) => r.ruleId)).to.deep.equal(['R-QTY-1']);
    const earlier = await check(net, ids.borax, { age: 30 }, '2025-03-01');
    expect(earlier.rule).to.deep.include({ ruleId: 'R-AGE-1' });
    // R-SEX-1 moved from ilaprazole to avapritinib
    const ila = await check(net, ids.ilaprazole, { sex: 'male', insuranceType: 'employee' }, '2025-04-02');
    expect(ila.reason).to.equal('COVERED');
    const ava = await check(net, ids.avapritinib, { sex: 'male', age: 40 }, '2025-04-02');
    expect(ava.rule).to.deep.include({ ruleId: 'R-SEX-1' });
    const rule = await net.evaluate<RuleView>(A.auditor, 'Catalog:GetRule', { ruleId: 'R-SEX-1' });
    expect(rule.changes.map((c) => [c.version, c.op])).to.deep.equal([
      [v.version - 1, 'upsert'],
      [v.version, 'upsert'],
    ]);
    await rejectsWith(
      () => net.evaluate(A.auditor, 'Catalog:GetRule', { ruleId: 'R-AGE-1' }),
      'RULE_NOT_FOUND',
    );
    const old = await net.evaluate<RuleView>(A.auditor, 'Catalog:GetRule', {
      ruleId: 'R-AGE-1',
      date: '2025-03-01',
    });
    expect(old.rule.maxAge).to.equal(17);
  });

  it('refuses removing a rule not in force, and a stale change of a rule (VERSION_CONFLICT)', async () => {
    await rejectsWith(
      () =>
        draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [[{ op: 'removeRule', ruleId: 'R-AGE-1' }]]),
      'RULE_NOT_FOUND',
    );
    // two proposals change R-QTY-1: the second one applied after the first sealed conflicts
    const first = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      ruleChanges([{ ...quantityRule, maxQuantity: 3 }]),
    ]);
    const second = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
      ruleChanges([{ ...quantityRule, maxQuantity: 4 }]),
    ]);
    for (const id of [first, second]) {
      for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
        await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, id));
      }
    }
    await net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: first, chunkIndex: 0 });
    const pending = await rejectsWith(
      () => net.submit(A.nhsaProposer, 'Proposal:ApplyChunk', { proposalId: second, chunkIndex: 0 }),
      'VERSION_CONFLICT',
    );
    expect(pending).to.include('pending');
    await net.submit(A.nhsaProposer, 'Proposal:SealVersion', { proposalId: first });
    const changed = await rejectsWith(() => applyAndSeal(net, A.nhsaProposer, second, 1), 'VERSION_CONFLICT');
    expect(changed).to.include('R-QTY-1');
    const now = await check(net, ids.borax, {});
    expect(now.rules[0]?.limits).to.deep.include({ maxQuantity: 3 });
  });

  describe("the auditors' model", () => {
    it('recomputes every digest with the rules and accepts the lookup keys', async () => {
      const store = await sqliteStoreOf(recordedToChain(net.recorded, 3).blocks);
      const result = await verifyStore(store);
      expect(result).to.deep.include({ ok: true });
      const model = await buildLedgerModel(store);
      const rules = [...model.entries.values()].filter((e) => e.type === 'rule');
      expect(rules.map((e) => e.ruleId).sort()).to.deep.equal(['R-DUP-1', 'R-INS-1', 'R-QTY-1', 'R-SEX-1']);
      const sex = rules.find((e) => e.ruleId === 'R-SEX-1');
      expect((sex?.data as Rule).targets).to.deep.equal([ids.avapritinib]);
      await store.close();
    });

    it('flags a forged rule lookup key', async () => {
      const store = await sqliteStoreOf(recordedToChain(net.recorded, 3).blocks);
      const model = await buildLedgerModel(store);
      const version = model.versions.find((v) => v.changes.some((c) => c.kind === 'rule'));
      const pid = version?.record.proposalIds[0] ?? '';
      const row = await findWrite(store, 'rulei', [ids.borax, 'R-AGE-1', pid]);
      // the link now claims the rule no longer names the item: coverage would skip it
      await overwriteSqlite(store, row, { ...row.value, role: null, rule: null });
      expect(await verifyStore(store)).to.deep.include({
        ok: false,
        field: 'ruleLink',
        itemId: ids.borax,
        proposalId: pid,
        version: version?.record.version,
      });
      await store.close();
    });

    it('flags a tampered rule record through the digest and the approved chunk', async () => {
      const store = await sqliteStoreOf(recordedToChain(net.recorded, 3).blocks);
      const model = await buildLedgerModel(store);
      const version = model.versions.find((v) => v.changes.some((c) => c.kind === 'rule'));
      const pid = version?.record.proposalIds[0] ?? '';
      const row = await findWrite(store, 'rulev', ['R-INS-1', pid]);
      const rule = row.value['rule'] as Rule;
      await overwriteSqlite(store, row, { ...row.value, rule: { ...rule, insuranceTypes: ['resident'] } });
      expect(await verifyStore(store)).to.deep.include({ ok: false, field: 'rule.insuranceTypes' });
      await store.close();
    });
  });
});
