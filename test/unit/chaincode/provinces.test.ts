/**
 * Provinces come from the governance record alone: every form of every member's name is accepted
 * (any letter case, full-width, padded), a province the code has never heard of works end to end
 * once a governance record names it, two members cannot share a form, and hostile arguments get a
 * coded error.
 */
import { expect } from 'chai';
import {
  CatalogError,
  checkMembers,
  type CoverageResult,
  type Governance,
  normaliseProvince,
  PROVINCE_FORMS,
  provinceForms,
  provinceOfMsp,
  type ProvinceMember,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { decodeError } from '@nrdl-catalog/chaincode/messages';
import { HUBEI, initInput, MEMBERS, member } from '../support/members';
import type { Caller } from './support/fabric-stub';
import {
  A,
  applyAndSeal,
  boraxItem,
  draftAndOpen,
  nationalVersion,
  newNetwork,
  rejectsWith,
  reviewed,
  shaanxiWardItem,
  upserts,
} from './support/fixtures';

/** Full-width form of the ASCII letters and digits of `text` (Ｇｕａｎｇｄｏｎｇ, ４４００００). */
function fullWidth(text: string): string {
  return text.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
}

/** A small deterministic PRNG (mulberry32), so the generated spellings are the same every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PADDING = [' ', '\t', '\u3000', '\n', ' \u3000 '];

/** A spelling of `form` people might type: mixed letter case, some full-width characters, padding. */
function spelling(form: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const chars = Array.from(form).map((c) => {
    const cased = random() < 0.5 ? c.toUpperCase() : c.toLowerCase();
    return random() < 0.3 ? fullWidth(cased) : cased;
  });
  return `${random() < 0.5 ? pick(PADDING) : ''}${chars.join('')}${random() < 0.5 ? pick(PADDING) : ''}`;
}

describe('provinces from the governance record', () => {
  describe('normaliseProvince', () => {
    it('accepts every form of every province, as written and in the usual variants', () => {
      expect(MEMBERS.provinces.map((p) => p.name)).to.deep.equal(['Guangdong', 'Sichuan', 'Shaanxi']);
      for (const p of MEMBERS.provinces) {
        expect(provinceForms(p)).to.have.length(PROVINCE_FORMS.length);
        for (const form of provinceForms(p)) {
          for (const variant of [
            form,
            form.toLowerCase(),
            form.toUpperCase(),
            ` ${form}\t`,
            `\u3000${form}\u3000`,
            fullWidth(form),
          ]) {
            expect(normaliseProvince(MEMBERS, variant), JSON.stringify(variant)).to.equal(p);
          }
        }
      }
    });

    it('knows Guangdong as 广东省 / 广东 / 粤 / Guangdong / GD / GuangdongMSP / 440000', () => {
      for (const form of [
        '广东省',
        '广东',
        '粤',
        'Guangdong',
        'GD',
        'GuangdongMSP',
        '440000',
        'gd',
        '４４００００',
      ]) {
        expect(normaliseProvince(MEMBERS, form).name, form).to.equal('Guangdong');
      }
      expect(normaliseProvince(MEMBERS, '川').name).to.equal('Sichuan');
      expect(normaliseProvince(MEMBERS, '陕西省').name).to.equal('Shaanxi');
      expect(normaliseProvince(MEMBERS, 'sn').name).to.equal('Shaanxi');
    });

    it('maps 3,000 generated spellings of the forms to their province (seeded, property style)', () => {
      const random = prng(20250601);
      const all = MEMBERS.provinces.flatMap((p) => provinceForms(p).map((form) => [p, form] as const));
      for (let i = 0; i < 3000; i++) {
        const [p, form] = all[Math.floor(random() * all.length)]!;
        const typed = spelling(form, random);
        expect(normaliseProvince(MEMBERS, typed), JSON.stringify(typed)).to.equal(p);
      }
    });

    it('refuses what is no form of a member, naming the members', () => {
      for (const input of [
        'NHSAMSP',
        'AuditMSP',
        'Hubei',
        '鄂',
        '420000',
        'G D',
        'Guang dong',
        '广',
        '44000',
      ]) {
        expect(() => normaliseProvince(MEMBERS, input), input).to.throw(
          CatalogError,
          /^UNKNOWN_PROVINCE: unknown province .*; the members are Guangdong, Sichuan, Shaanxi \[nrdl:/,
        );
      }
    });

    it('answers hostile input (empty, very long, control characters, prototype names) with UNKNOWN_PROVINCE', () => {
      const hostile = [
        '',
        '   ',
        '\u3000',
        'x'.repeat(100_000),
        '粤'.repeat(10_000),
        '\u0000GD',
        'G\u0000D',
        'GD\u0007',
        'Guang\ndong',
        '\u202eGD',
        '\ud800',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
      ];
      for (const input of hostile) {
        let message = '';
        try {
          normaliseProvince(MEMBERS, input);
        } catch (error) {
          expect(error).to.be.instanceOf(CatalogError);
          message = (error as CatalogError).message;
        }
        expect(message, JSON.stringify(input.slice(0, 20))).to.match(/^UNKNOWN_PROVINCE: /);
        const text = decodeError(message)?.text ?? '';
        expect(text.length, 'the message quotes at most 40 characters').to.be.below(140);
        // the machine-readable part names the same (escaped, cut) argument once more
        expect(message.length, 'the whole message stays short').to.be.below(400);
        // eslint-disable-next-line no-control-regex -- the point: no raw control character in the message
        expect(message).to.not.match(/[\u0000-\u001f\u007f]/);
      }
    });

    it('finds a member by its MSP id only for provinces', () => {
      expect(provinceOfMsp(MEMBERS, 'SichuanMSP')).to.equal(member('Sichuan'));
      expect(provinceOfMsp(MEMBERS, 'NHSAMSP')).to.equal(null);
      expect(provinceOfMsp(MEMBERS, 'sichuanmsp')).to.equal(null);
    });
  });

  describe('member records', () => {
    const base = (): Pick<Governance, 'nationalMsp' | 'provinces' | 'auditors'> => ({
      nationalMsp: MEMBERS.nationalMsp,
      provinces: MEMBERS.provinces,
      auditors: MEMBERS.auditors,
    });
    const refused = (provinces: readonly ProvinceMember[], pattern: RegExp, extra = {}): void => {
      expect(() => {
        checkMembers({ ...base(), provinces, ...extra });
      }).to.throw(CatalogError, pattern);
    };

    it('accepts the topology and a fourth province', () => {
      checkMembers(base());
      checkMembers({ ...base(), provinces: [...MEMBERS.provinces, HUBEI] });
    });

    it('refuses two provinces sharing any form, compared as province arguments are', () => {
      for (const form of PROVINCE_FORMS) {
        const clash = { ...HUBEI, [form]: member('Shaanxi')[form] };
        refused([...MEMBERS.provinces, clash], /^GOVERNANCE_INVALID: /);
      }
      // across fields, letter case and width: Hubei's short name is Guangdong's code
      refused([...MEMBERS.provinces, { ...HUBEI, zhShort: 'gd' }], /'gd' names both Guangdong and Hubei/);
      refused([...MEMBERS.provinces, { ...HUBEI, abbr: '粤' }], /'粤' names both Guangdong and Hubei/);
      refused([...MEMBERS.provinces, { ...HUBEI, name: 'ＳＩＣＨＵＡＮ' }], /names both Sichuan and/);
      refused([...MEMBERS.provinces, { ...HUBEI, division: '610000' }], /'610000' names both Shaanxi/);
    });

    it('refuses an MSP id shared with NHSA or an auditor, scope words, blanks and an empty list', () => {
      refused([{ ...HUBEI, mspId: 'NHSAMSP' }], /MSP id NHSAMSP is both the national organisation's/);
      refused([HUBEI], /MSP id AuditMSP is listed twice among the auditors/, {
        auditors: ['AuditMSP', 'AuditMSP'],
      });
      refused([{ ...HUBEI, mspId: 'AuditMSP' }], /MSP id AuditMSP is both Hubei's and auditor AuditMSP's/);
      refused([{ ...HUBEI, name: 'National' }], /'National' is a scope word/);
      refused([{ ...HUBEI, zhShort: 'governance' }], /is a scope word/);
      refused([{ ...HUBEI, abbr: '\u3000' }], /abbr is blank/);
      refused([], /at least one province/);
    });
  });

  describe('Governance:InitGovernance', () => {
    it('writes the members it is given and refuses duplicate forms', async () => {
      const net = newNetwork();
      await rejectsWith(
        () =>
          net.submit(A.nhsaAdmin, 'Governance:InitGovernance', {
            ...initInput(),
            provinces: [...MEMBERS.provinces, { ...HUBEI, abbr: '陕' }],
          }),
        'GOVERNANCE_INVALID',
      );
      const g = await net.submit<Governance>(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
      expect(g.provinces).to.deep.equal(MEMBERS.provinces);
      expect(g).to.deep.include({
        nationalMsp: 'NHSAMSP',
        nationalNames: { en: 'National Healthcare Security Administration', zh: '国家医疗保障局' },
        auditors: ['AuditMSP'],
      });
    });

    it('validates the member records with the schema (INVALID_INPUT)', async () => {
      const net = newNetwork();
      const gd = member('Guangdong');
      for (const bad of [
        {},
        { provinces: [] },
        { provinces: [{ ...gd, code: 'gd' }] },
        { provinces: [{ ...gd, code: 'GDX' }] },
        { provinces: [{ ...gd, division: '044000' }] },
        { provinces: [{ ...gd, division: '44000' }] },
        { provinces: [{ ...gd, zh: '' }] },
        { provinces: [{ ...gd, zhShort: ' 广东' }] },
        { provinces: [{ ...gd, abbr: '粤\u0000' }] },
        { provinces: [{ ...gd, name: 'x'.repeat(41) }] },
        { provinces: [{ ...gd, mspId: 'Guangdong MSP' }] },
        { provinces: [{ ...gd, extra: 1 }] },
        { provinces: [{ name: 'Guangdong', mspId: 'GuangdongMSP' }] },
        { provinces: [gd], auditors: ['AuditMSP', 'AuditMSP'] },
        { provinces: [gd], nationalMsp: '' },
      ]) {
        await rejectsWith(() => net.submit(A.nhsaAdmin, 'Governance:InitGovernance', bad), 'INVALID_INPUT');
      }
    });

    it('takes province arguments in every form and answers hostile ones with a code', async () => {
      const net = newNetwork();
      await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
      await nationalVersion(net, [upserts([boraxItem])]);
      const itemId = (
        await net.evaluate<{ records: { itemId: string }[] }>(A.gdHospital, 'Catalog:SearchItems', {
          name: boraxItem.name,
        })
      ).records[0]!.itemId;
      for (const form of provinceForms(member('Guangdong'))) {
        for (const typed of [form, fullWidth(form.toLowerCase())]) {
          const answer = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
            province: typed,
            itemId,
            date: '2025-06-01',
          });
          expect(answer, typed).to.include({ province: 'Guangdong', covered: true });
        }
      }
      for (const [input, code] of [
        ['', 'INVALID_INPUT'],
        ['x'.repeat(41), 'INVALID_INPUT'],
        ['粤'.repeat(5000), 'INVALID_INPUT'],
        ['G\u0000D', 'UNKNOWN_PROVINCE'],
        ['\u202e粤', 'UNKNOWN_PROVINCE'],
        ['鄂', 'UNKNOWN_PROVINCE'],
        ['__proto__', 'UNKNOWN_PROVINCE'],
      ] as const) {
        await rejectsWith(
          () => net.evaluate(A.gdHospital, 'Catalog:CheckCoverage', { province: input, itemId }),
          code,
        );
        await rejectsWith(() => net.evaluate(A.auditor, 'Proposal:ListProposals', { province: input }), code);
      }
    });
  });

  describe('a province the code has never heard of (Hubei, added by the governance record)', () => {
    const hubei = {
      proposer: { msp: 'HubeiMSP', role: 'proposer' },
      approver: { msp: 'HubeiMSP', role: 'approver' },
      hospital: { msp: 'HubeiMSP', role: 'hospital' },
    } satisfies Record<string, Caller>;
    const ward = { ...shaanxiWardItem, province: '湖北', provenance: { edition: 'HB-TEST' } };

    it('proposes, approves, applies and seals its own items and overlays, named in any of its forms', async () => {
      // Hubei's peer joins the channel (network configuration, not code); the chaincode is unchanged
      const net = newNetwork().joinPeers(HUBEI.mspId);
      const g = await net.submit<Governance>(A.nhsaAdmin, 'Governance:InitGovernance', {
        ...initInput(),
        provinces: [...MEMBERS.provinces, HUBEI],
      });
      expect(g.provinces.map((p) => p.name)).to.deep.equal(['Guangdong', 'Sichuan', 'Shaanxi', 'Hubei']);

      // national: NHSA and a majority of four provinces (three) — Hubei's vote counts
      const national = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [upserts([boraxItem])]);
      for (const voter of [A.nhsaApprover, A.gdApprover, hubei.approver]) {
        await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, national));
      }
      await rejectsWith(() => applyAndSeal(net, A.nhsaProposer, national, 1), 'QUORUM_NOT_MET');
      await net.submit(A.scApprover, 'Proposal:ApproveProposal', await reviewed(net, national));
      await applyAndSeal(net, A.nhsaProposer, national, 1);
      const borax = (
        await net.evaluate<{ records: { itemId: string }[] }>(A.auditor, 'Catalog:SearchItems', {
          name: boraxItem.name,
        })
      ).records[0]!.itemId;

      // provincial: scope 鄂, the item's province 湖北, the overlay's 420000, cleared as HB
      await rejectsWith(
        () =>
          net.submit(A.gdProposer, 'Proposal:CreateProposal', {
            scope: 'provincial',
            province: 'HB',
            title: 't',
            rationale: 'r',
            effectiveFrom: '2025-03-01',
          }),
        'FORBIDDEN_ORG',
      );
      const own = await draftAndOpen(
        net,
        hubei.proposer,
        { scope: 'provincial', province: '鄂' },
        [
          [
            ...upserts([ward]),
            { op: 'setOverlay', overlay: { itemId: borax, province: '420000', selfPayRatio: 0.2 } },
          ],
        ],
        '2025-03-01',
      );
      await net.submit(hubei.approver, 'Proposal:ApproveProposal', await reviewed(net, own));
      const sealed = await applyAndSeal(net, hubei.proposer, own, 1);
      expect(sealed.version).to.equal(2);

      const listed = await net.evaluate<{ records: { itemId: string; province: string | null }[] }>(
        A.auditor,
        'Catalog:SearchItems',
        { province: 'hubei', kind: 'service' },
      );
      expect(listed.records).to.have.length(1);
      expect(listed.records[0]).to.deep.include({ province: 'Hubei' });
      const wardId = listed.records[0]!.itemId;
      expect(wardId).to.equal('S-HB-110900004');

      const inHubei = await net.evaluate<CoverageResult>(hubei.hospital, 'Catalog:CheckCoverage', {
        province: '湖北省',
        itemId: wardId,
        date: '2025-06-01',
      });
      expect(inHubei).to.include({ province: 'Hubei', covered: true, kind: 'service' });
      const elsewhere = await net.evaluate<CoverageResult>(A.gdHospital, 'Catalog:CheckCoverage', {
        province: '粤',
        itemId: wardId,
        date: '2025-06-01',
      });
      expect(elsewhere).to.include({ covered: false, reason: 'NOT_IN_PROVINCE' });

      const view = await net.evaluate<{ overlays: { province: string; selfPayRatio: number | null }[] }>(
        A.auditor,
        'Catalog:GetItem',
        { itemId: borax },
      );
      expect(view.overlays).to.deep.equal([
        {
          itemId: borax,
          province: 'Hubei',
          prices: null,
          selfPayRatio: 0.2,
          restriction: null,
          rules: null,
          suspended: false,
        },
      ]);
      const history = await net.evaluate<{ overlayChanges: unknown[] }>(A.auditor, 'Catalog:GetItemHistory', {
        itemId: borax,
        province: 'ＨＢ',
      });
      expect(history.overlayChanges).to.have.length(1);
      const proposals = await net.evaluate<{ records: { id: string }[] }>(
        A.auditor,
        'Proposal:ListProposals',
        {
          province: 'HubeiMSP',
        },
      );
      expect(proposals.records.map((p) => p.id)).to.deep.equal([own]);

      const clear = await draftAndOpen(
        net,
        hubei.proposer,
        { scope: 'provincial', province: 'Hubei' },
        [[{ op: 'clearOverlay', itemId: borax, province: 'hb' }]],
        '2025-07-01',
      );
      await net.submit(hubei.approver, 'Proposal:ApproveProposal', await reviewed(net, clear));
      const third: Version = await applyAndSeal(net, hubei.proposer, clear, 1);
      expect(third.version).to.equal(3);
      const after = await net.evaluate<{ overlays: unknown[] }>(A.auditor, 'Catalog:GetItem', {
        itemId: borax,
      });
      expect(after.overlays).to.deep.equal([]);
    });
  });
});
