import { expect } from 'chai';
import { extractRestrictionRules, readRestriction } from '../../../gateway-client/src/import';
import type { RestrictionRules } from '@nrdl-catalog/chaincode/model';
import { nrdlEntries } from './fixtures';

/** Real remark strings of nrdl-2024-drugs.csv and the rules they must yield. */
const REAL: readonly (readonly [string, RestrictionRules | null])[] = [
  ['限12岁及以上患者预防遗传性血管性水肿(HAE)发作。', { minAge: 12 }],
  ['限10岁及以上患者复发型多发性硬化(RMS)的患者。', { minAge: 10 }],
  ['限13岁和13岁以上重度免疫缺陷患者。', { minAge: 13 }],
  ['限18岁和18岁以上重度免疫缺陷患者。', { minAge: 18 }],
  ['限3岁及3岁以上伴有症状、无法手术的丛状神经纤维瘤(PN)的I型神经纤维瘤病(NF1)儿童患者。', { minAge: 3 }],
  ['限6岁及以上儿童和成人癫痫患者的丛集性癫痫发作/急性反复性癫痫发作的急性治疗。', { minAge: 6 }],
  ['限≥12岁青少年及成人患者水通道蛋白4(AQP4)抗体阳性的视神经脊髓炎谱系疾病(NMOSD)。', { minAge: 12 }],
  ['限3-12岁特发性或先天性肺动脉高压患者。', { minAge: 3, maxAge: 12 }],
  ['限6-17岁儿童和青少年的注意缺陷多动障碍(ADHD)。', { minAge: 6, maxAge: 17 }],
  ['限2岁至11岁儿童慢性便秘。', { minAge: 2, maxAge: 11 }],
  ['限女性绝经后骨质疏松症。', { sex: 'female' }],
  ['限二级及以上医疗机构。', { hospitalLevels: [2, 3] }],
  ['限二级及以上医疗机构慢性心力衰竭患者。', { hospitalLevels: [2, 3] }],
  ['限二级及以上医疗机构脑梗死恢复期患者，单次住院最多支付14天。', { hospitalLevels: [2, 3] }],
  // ambiguous or alternatives: no rule
  ['限5至12岁以下单纯性甲型和乙型流感儿童患者。', null],
  ['限成人和6岁及以上儿童患者的结节性硬化症相关面部血管纤维瘤。', null],
  ['限成人、青少年和≥2 岁儿童的遗传性血管性水肿(HAE)急性发作。', null],
  ['限成人和12至＜18岁青少年的慢性丙型肝炎病毒(HCV)感染。', null],
  ['限慢性乙型肝炎成人患者或2岁至<18岁慢性HBV感染代偿性肝病的核苷初治儿童患者。', null],
  ['限治疗≥1周岁儿童及成人缺铁患者：口服铁剂治疗无效时；无法口服补铁时；临床上需要快速补充铁时。', null],
  ['限儿童甲(A)型血友病；成人甲(A)型血友病限出血时使用。', null],
  ['限头孢菌素耐药或重症感染儿童患者。', null],
  ['限急诊或住院患者。', null],
  ['限绝经后女性骨质疏松症。', null],
  [
    '限二甲双胍等口服降糖药或胰岛素控制效果不佳的BMI≥25的患者，首次处方时需由二级及以上医疗机构专科医师开具处方。',
    null,
  ],
  ['需经营养风险筛查，明确具有营养风险，且不能经饮食或“肠内营养剂”补充足够营养的住院患者方予支付。', null],
  ['“不得纳入基金支付范围的中药饮片”包括药材及炮制后的饮片。', null],
];

describe('import/restriction-rules', () => {
  const remarks = new Set(nrdlEntries().map((e) => e.row.remark));

  for (const [remark, rules] of REAL) {
    it(`${remark.slice(0, 24)}… → ${JSON.stringify(rules)}`, () => {
      expect(remarks.has(remark), 'the remark is a real one of the file').to.equal(true);
      expect(extractRestrictionRules(remark)).to.deep.equal(rules);
    });
  }

  it('recognises the patterns that the 2024 list does not use (synthetic remarks)', () => {
    expect(extractRestrictionRules('限18岁以下患者。')).to.deep.equal({ maxAge: 18 });
    expect(extractRestrictionRules('限14周岁以下儿童。')).to.deep.equal({ maxAge: 14 });
    expect(extractRestrictionRules('限男性患者。')).to.deep.equal({ sex: 'male' });
    expect(extractRestrictionRules('限门诊患者。')).to.deep.equal({ visitTypes: ['outpatient'] });
    expect(extractRestrictionRules('限住院患者。')).to.deep.equal({ visitTypes: ['inpatient'] });
    expect(extractRestrictionRules('限三级医疗机构。')).to.deep.equal({ hospitalLevels: [3] });
    expect(extractRestrictionRules('限门诊或住院患者。')).to.equal(null);
    expect(extractRestrictionRules('限儿童。')).to.equal(null);
    expect(extractRestrictionRules('限18岁以下，或成人12岁以上。')).to.equal(null);
    expect(extractRestrictionRules('限12-3岁。')).to.equal(null);
  });

  it('finds rules in a handful of rows only, and none in unrelated remarks', () => {
    const withRules = nrdlEntries().filter((e) => extractRestrictionRules(e.row.remark) !== null);
    // 51 rows start with 限二级及以上医疗机构; the age / sex patterns match 14 more rows
    expect(withRules.filter((e) => e.row.remark.startsWith('限二级及以上医疗机构'))).to.have.length(51);
    expect(withRules).to.have.length(65);
    expect(
      withRules.filter((e) => !e.row.remark.startsWith('限二级及以上医疗机构')).map((e) => e.row.row_id),
    ).to.deep.equal([
      '492',
      '1035',
      '1036',
      '1306',
      '3274',
      '3411',
      '3471',
      '3557',
      '3654',
      '3681',
      '3682',
      '3690',
      '3702',
      '3825',
    ]);
    const unrelated = nrdlEntries()
      .map((e) => e.row.remark)
      .filter((r) => r !== '' && !/岁|女性|男性|门诊|住院|级/u.test(r));
    expect(unrelated.length).to.be.greaterThan(500);
    expect(unrelated.filter((r) => extractRestrictionRules(r) !== null)).to.deep.equal([]);
  });

  it('returns the free text as the restriction whether or not a rule was found', () => {
    expect(readRestriction('限骨关节炎。')).to.deep.equal({ restriction: '限骨关节炎。', rules: null });
    expect(readRestriction('限女性绝经后骨质疏松症。')).to.deep.equal({
      restriction: '限女性绝经后骨质疏松症。',
      rules: { sex: 'female' },
    });
    expect(readRestriction('')).to.deep.equal({ restriction: null, rules: null });
    expect(readRestriction(null)).to.deep.equal({ restriction: null, rules: null });
  });
});
