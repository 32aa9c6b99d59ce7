import { expect } from 'chai';
import { Ajv } from 'ajv';
import { definitions } from '@nrdl-catalog/chaincode/model';
import {
  AGE_GROUPS,
  DrugLinker,
  ServiceLinker,
  batchCode,
  buildRuleBase,
  courseDays,
  drugRestriction,
  linkReportLines,
  nrdlNameKeys,
  pairFrequency,
  readRuleBaseTables,
  ruleId,
  serviceNameKey,
  serviceRestriction,
  type RuleBase,
  type RuleBaseTables,
} from '../../../gateway-client/src/import';
import { dataFile, nrdlEntries, serviceImport } from './fixtures';

describe('import/rule-base', function () {
  // the first test reads and links the full lists
  this.timeout(120_000);
  let tables: RuleBaseTables | undefined;
  let built: RuleBase | undefined;
  const rb = (): RuleBase => {
    tables ??= readRuleBaseTables(dataFile(''));
    built ??= buildRuleBase({
      tables,
      nrdl: nrdlEntries().map((e) => e.item),
      services: serviceImport().entries,
    });
    return built;
  };

  it('reads the four rule-base lists of data/ with a CSV parser (fields hold line breaks)', () => {
    rb();
    expect(tables?.drugRestrictions.records).to.have.length(901);
    expect(tables?.drugCodes.records).to.have.length(13827);
    expect(tables?.serviceRestrictions.records).to.have.length(891);
    expect(tables?.duplicatePairs.records).to.have.length(900);
  });

  it('links the drug names to NRDL items and reports the counts by method', () => {
    const { drugs } = rb().report;
    expect(drugs.names).to.equal(889);
    expect(drugs.byStatus).to.deep.equal({
      exact: 274,
      stem: 70,
      qualifier: 9,
      salt: 20,
      formMismatch: 21,
      unlinked: 495,
    });
    expect(drugs.linked).to.equal(373);
    expect(drugs.itemsWithCodes).to.equal(291);
    expect(drugs.codes).to.equal(7188);
    expect(drugs.codesDropped).to.equal(0);
  });

  it('links drug names exactly, by stem with the dosage form confirmed, through salts, and refuses other forms', () => {
    const linker = new DrugLinker(nrdlEntries().map((e) => e.item));
    const nameOf = (id: string): string => nrdlEntries().find((e) => e.item.id === id)?.item.name ?? '';
    const formOf = (id: string): string | null | undefined =>
      nrdlEntries().find((e) => e.item.id === id)?.item.dosageForm;
    expect(linker.link('儿童清肺口服液').status).to.equal('exact');
    const stem = linker.link('依西美坦片');
    expect(stem.status).to.equal('stem');
    expect(stem.itemIds.map(formOf)).to.deep.equal(['口服常释剂型']);
    const salt = linker.link('盐酸利托君注射液');
    expect(salt.status).to.equal('salt');
    expect(salt.itemIds.map(nameOf)).to.deep.equal(['利托君']);
    expect(salt.itemIds.map(formOf)).to.deep.equal(['注射剂']);
    expect(linker.link('注射用盐酸利托君').itemIds).to.deep.equal(salt.itemIds);
    // the NRDL lists 奥硝唑 only as tablets and injections
    expect(linker.link('奥硝唑阴道栓').status).to.equal('formMismatch');
    expect(linker.link('金锁固精丸(浓缩丸)').status).to.equal('qualifier');
    expect(linker.link('丁桂儿脐贴').status).to.equal('unlinked');
    // a specification in brackets is kept: (C6-24) links to (C6-24) only
    const spec = linker.link('中/长链脂肪乳注射液(C6-24)');
    expect(spec.itemIds.map(nameOf)).to.deep.equal(['中/长链脂肪乳(C6-24)']);
    expect(linker.link('复方氨基酸注射液(15AA)').itemIds.map(nameOf)).to.deep.equal(['复方氨基酸(15AA)']);
  });

  it('spells out NRDL names with alternative forms and stacked names', () => {
    expect(nrdlNameKeys('感冒清热颗粒(片、胶囊)')).to.have.members([
      '感冒清热颗粒(片、胶囊)',
      '感冒清热颗粒',
      '感冒清热片',
      '感冒清热胶囊',
    ]);
    expect(nrdlNameKeys('二甲双胍\n二甲双胍Ⅱ')).to.deep.equal(['二甲双胍', '二甲双胍II']);
    expect(nrdlNameKeys('复方氨基酸注射液(14AA-SF)')).to.deep.equal(['复方氨基酸注射液(14AA-SF)']);
  });

  it('links 15-digit national service codes through code[2:11] and confirms each link by name', () => {
    const { services } = rb().report;
    expect(services.codes).to.equal(1188);
    expect(services.byStatus).to.deep.equal({
      exact: 719,
      parent: 383,
      base: 8,
      nameMismatch: 56,
      noLocalCode: 22,
    });
    expect(services.linked).to.equal(1110);
    const linker = new ServiceLinker(serviceImport().entries);
    const mismatch = linker.link('001204000070000', '小儿头皮静脉输液');
    expect(mismatch).to.include({
      status: 'nameMismatch',
      localCode: '120400007',
      localName: '小儿静脉输液',
    });
    expect(mismatch.itemId).to.equal(null);
    expect(linker.link('001102000030000', '急诊诊查费')).to.include({
      status: 'exact',
      itemId: 'S-SN-110200003',
    });
    // a method sub-item of the national list is charged under the local item
    expect(linker.link('002501020210100', '尿妊娠试验(乳胶凝集法)')).to.include({
      status: 'parent',
      itemId: 'S-SN-250102021',
    });
    // a local letter sub-item with the same name
    const sub = linker.link('002504040080100', '前列腺酸性磷酸酶测定(PAP)');
    expect(sub).to.include({ status: 'exact', localCode: '250404008a' });
    expect(linker.link('003111000200000', '睾丸体积测量').status).to.equal('noLocalCode');
    expect(serviceNameKey('阴囊显象')).to.equal(serviceNameKey('阴囊显像'));
  });

  it('makes one schema-valid rule per linked row, with deterministic unique ids and its source row', () => {
    const { rules, report } = rb();
    expect(rules).to.have.length(2059);
    expect(report.rules).to.deep.equal({
      age: 137,
      sex: 506,
      insuranceType: 9,
      hospitalLevel: 61,
      paymentDays: 29,
      visitType: 29,
      operation: 364,
      quantity: 71,
      course: 11,
      duplicateCharge: 842,
    });
    expect(new Set(rules.map((r) => r.id)).size).to.equal(rules.length);
    const validate = new Ajv({ strict: false }).compile(definitions.ruleInput);
    for (const rule of rules) expect(validate(rule), rule.id).to.equal(true);
    const validateItem = new Ajv({ strict: false }).compile(definitions.itemInput);
    for (const item of rb().codedItems) expect(validateItem(item), item.id).to.equal(true);
    const child = rules.find((r) => r.id === 'R-d1-age-2');
    expect(child).to.deep.include({
      type: 'age',
      name: '儿童清肺口服液',
      minAge: 0,
      maxAge: 17,
      value: '儿童',
      source: { batch: '第一批', file: '【第一批】药品规则库(限定年龄对象).xlsx', row: 2 },
    });
    expect(child?.codes).to.include('ZA04CAE0023010100166');
    const coded = rb().codedItems.find((item) => item.id === child?.targets[0]);
    expect(coded?.codes).to.include('ZA04CAE0023010100166');
    expect(report.skipped.count).to.equal(633);
    expect(report.review).to.equal(375);
    expect(report.restrictionTypes).to.include({
      限定性别对象: 'sex',
      限定年龄对象: 'age',
      限定保险类型: 'insuranceType',
      限定机构等级: 'hospitalLevel',
      限定就医方式: 'visitType',
      限定支付疗程: 'paymentDays',
      限定主次操作: 'operation',
      限定频次: 'quantity',
      限定周期: 'quantity',
      限定疗程: 'course',
      限定年龄: 'reported',
      重复收费: 'duplicateCharge',
    });
    const pair = rules.find((r) => r.id === 'R-p7-dup-2');
    expect(pair).to.deep.include({
      type: 'duplicateCharge',
      targets: ['S-SN-110300001'],
      pairedWith: ['S-SN-110200003'],
      codes: ['001103000010000'],
      pairedCodes: ['001102000030000'],
      frequency: '单日',
    });
    expect(linkReportLines(report)[0]).to.equal(
      'drug names: 889, linked 373 (exact 274, stem 70, qualifier 9, unlinked 495, formMismatch 21, salt 20)',
    );
  });

  it('maps every restriction type of the files, and reports the ones it cannot', () => {
    expect(drugRestriction('限定机构等级', '二级')).to.deep.equal({
      type: 'hospitalLevel',
      fields: { hospitalLevels: [2, 3], value: '二级' },
    });
    expect(drugRestriction('限定机构等级', '三级')).to.deep.include({ type: 'hospitalLevel' });
    expect(drugRestriction('限定就医方式', '住院')).to.deep.equal({
      type: 'visitType',
      fields: { visitTypes: ['inpatient'], value: '住院' },
    });
    expect(drugRestriction('限定就医方式', '门诊')).to.deep.include({ type: 'visitType' });
    expect(drugRestriction('限定支付疗程', '14天')).to.deep.equal({
      type: 'paymentDays',
      fields: { paymentDays: 14, value: '14天' },
    });
    expect(drugRestriction('限定保险类型', '工伤')).to.deep.equal({
      type: 'insuranceType',
      fields: { insuranceTypes: ['workInjury'], value: '工伤' },
    });
    expect(drugRestriction('限定保险类型', '生育')).to.deep.include({ type: 'insuranceType' });
    expect(drugRestriction('限定年龄对象', '新生儿')).to.deep.equal({
      type: 'age',
      fields: { ...AGE_GROUPS['新生儿'], value: '新生儿' },
    });
    expect(AGE_GROUPS['儿童']?.ageSource).to.contain('未成年人保护法');
    for (const [type, value] of [
      ['限定性别对象', '未知'],
      ['限定机构等级', '四级'],
      ['限定就医方式', '急诊'],
      ['限定支付疗程', '一周'],
      ['限定保险类型', '居民'],
      ['限定其他', ''],
    ] as const) {
      expect(drugRestriction(type, value), type).to.have.property('unhandled');
    }
    expect(serviceRestriction('限定年龄', '', '', '', '', '参保人年龄超出法定就业年龄限制')).to.deep.equal({
      unhandled: 'age without a numeric range (review): 参保人年龄超出法定就业年龄限制',
    });
    expect(
      serviceRestriction('限定疗程', '', '', '', '', '支付不超过一年，每周最多支付一次。'),
    ).to.deep.equal({
      type: 'course',
      fields: { paymentDays: 365, value: '365天' },
      review: true,
    });
    expect(courseDays('总时间不超过90天，评定间隔时间不短于14天。')).to.equal(90);
    expect(courseDays('按疗程')).to.equal(undefined);
    expect(serviceRestriction('限定疗程', '', '', '', '', '按疗程')).to.have.property('unhandled');
    expect(serviceRestriction('限定频次', '', '24', '小时', '', '')).to.deep.equal({
      type: 'quantity',
      fields: { maxQuantity: 24, unit: '小时', periodDays: 1, value: '24小时' },
    });
    expect(serviceRestriction('限定周期', '', '1', '', '14', '')).to.deep.equal({
      type: 'quantity',
      fields: { maxQuantity: 1, periodDays: 14, value: '1/14天' },
    });
    expect(serviceRestriction('限定疗程', '', '', '', '', '支付不超过30天。')).to.deep.include({
      type: 'course',
    });
    expect(serviceRestriction('限定主次操作', '肝胆手术组', '', '', '', '')).to.deep.include({
      type: 'operation',
      fields: { group: '肝胆手术组', value: '肝胆手术组' },
    });
    const bad: [string, string, string, string, string, string][] = [
      ['限定主次操作', '', '', '', '', ''],
      ['限定频次', '', 'x', '日', '', ''],
      ['限定周期', '', '1', '', '', ''],
      ['限定别的', '', '', '', '', ''],
    ];
    for (const args of bad) {
      expect(serviceRestriction(...args), args[0]).to.have.property('unhandled');
    }
    expect(pairFrequency('6小时')).to.deep.equal({ frequency: '6小时', periodHours: 6 });
    expect(pairFrequency('同一小时')).to.deep.equal({ frequency: '同一小时', periodHours: 1 });
    expect(pairFrequency('单日')).to.deep.equal({ frequency: '单日' });
    expect(batchCode('第八批-1')).to.equal('8-1');
    expect(ruleId('s', '第八批-4', 'qty', 3)).to.equal('R-s8-4-qty-3');
  });
});
