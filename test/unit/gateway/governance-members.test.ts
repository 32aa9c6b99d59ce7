/**
 * The members InitGovernance is seeded with come from the topology (membersFromTopology), checked
 * with the chaincode's own schema and rules; clients answer province and wallet questions from the
 * governance record (provinceOf, walletOrgOf).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChaincodeError, InvalidInputError } from '../../../gateway-client/src/errors';
import {
  MembersError,
  membersFromTopology,
  provinceOf,
  readTopologyMembers,
  walletOrgOf,
  walletOrgOfMember,
} from '../../../gateway-client/src/governance-members';
import { HUBEI, MEMBERS, TOPOLOGY_FILE } from '../support/members';

type Org = Record<string, unknown>;

function topology(): { orgs: Org[] } & Record<string, unknown> {
  return JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as { orgs: Org[] };
}

function refused(change: (orgs: Org[]) => unknown, message: RegExp): void {
  const copy = topology();
  change(copy.orgs);
  expect(() => membersFromTopology(copy), String(message))
    .to.throw(MembersError, message)
    .that.is.instanceOf(InvalidInputError);
}

describe('governance members from the topology', () => {
  it('takes NHSA, every province with all the forms of its name, and the auditors from network/topology.json', () => {
    expect(readTopologyMembers(TOPOLOGY_FILE)).to.deep.equal(MEMBERS);
    expect(MEMBERS).to.deep.equal({
      nationalMsp: 'NHSAMSP',
      nationalNames: { en: 'National Healthcare Security Administration', zh: '国家医疗保障局' },
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
        {
          name: 'Shaanxi',
          mspId: 'ShaanxiMSP',
          code: 'SN',
          division: '610000',
          zh: '陕西省',
          zhShort: '陕西',
          abbr: '陕',
        },
      ],
      auditors: ['AuditMSP'],
    });
  });

  it('takes a province added to the topology, and leaves NHSA unnamed in Chinese when the topology does', () => {
    const copy = topology();
    const { name, ...forms } = HUBEI;
    copy.orgs.push({ name: 'hubei', kind: 'province', province: name, ...forms });
    delete copy.orgs[0]?.zh;
    const members = membersFromTopology(copy);
    expect(members.provinces.at(-1)).to.deep.equal(HUBEI);
    expect(members).to.not.have.property('nationalNames');
  });

  it('names the organisation and the field that is missing or malformed', () => {
    refused(
      (orgs) => delete orgs[1]?.zhShort,
      /^INVALID_INPUT: topology: province organisation guangdong \(GuangdongMSP\) needs "zhShort" \(Chinese short name, e\.g\. "广东"\)$/,
    );
    refused(
      (orgs) => orgs[2] && (orgs[2].code = ''),
      /province organisation sichuan \(SichuanMSP\) needs "code"/,
    );
    refused(
      (orgs) => orgs[2] && (orgs[2].code = 'S1'),
      /provinces\/1\/code must match pattern "\^\[A-Z\]\{2\}\$"/,
    );
    refused((orgs) => orgs[3] && (orgs[3].division = '060000'), /provinces\/2\/division must match pattern/);
    refused((orgs) => orgs[3] && (orgs[3].zh = ' 陕西省'), /provinces\/2\/zh must match pattern/);
    refused((orgs) => orgs[3] && (orgs[3].abbr = '粤'), /'粤' names both Guangdong and Shaanxi/);
    refused(
      (orgs) => orgs[3] && (orgs[3].mspId = 'NHSAMSP'),
      /MSP id NHSAMSP is both the national organisation's and Shaanxi's/,
    );
    refused((orgs) => delete orgs[4]?.mspId, /organisation audit needs "mspId"/);
    refused(
      (orgs) => orgs.push({ ...orgs[0], name: 'nhsa2', mspId: 'NHSA2MSP' }),
      /one organisation of kind "national", found 2/,
    );
    refused((orgs) => orgs.splice(1, 3), /provinces must NOT have fewer than 1 items/);
    refused((orgs) => (orgs as unknown[]).push(7), /organisation #6 is not an object/);
    expect(() => membersFromTopology([])).to.throw(MembersError, /expected an object with an "orgs" array/);
    expect(() => membersFromTopology(null)).to.throw(MembersError, /expected an object with an "orgs" array/);
  });

  it('reports an unreadable or non-JSON topology file by its name', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'members-'));
    try {
      expect(() => readTopologyMembers(path.join(dir, 'none.json'))).to.throw(
        MembersError,
        /^INVALID_INPUT: topology: cannot read …\/none\.json: no such file or directory$/,
      );
      writeFileSync(path.join(dir, 'bad.json'), '{"orgs": [');
      expect(() => readTopologyMembers(path.join(dir, 'bad.json'))).to.throw(
        MembersError,
        /^INVALID_INPUT: topology: …\/bad\.json is not JSON: /,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('clients answer from the governance record', () => {
  it('provinceOf accepts every form and throws the typed UNKNOWN_PROVINCE otherwise', () => {
    expect(provinceOf(MEMBERS, ' 粤 ').name).to.equal('Guangdong');
    expect(provinceOf({ provinces: [...MEMBERS.provinces, HUBEI] }, '420000').name).to.equal('Hubei');
    expect(() => provinceOf(MEMBERS, '鄂'))
      .to.throw(
        ChaincodeError,
        /^UNKNOWN_PROVINCE: unknown province "鄂"; the members are Guangdong, Sichuan, Shaanxi$/,
      )
      .with.property('code', 'UNKNOWN_PROVINCE');
  });

  it('walletOrgOf finds the wallet folder by the MSP id in identity.json, else the lower-case name', () => {
    const wallet = mkdtempSync(path.join(os.tmpdir(), 'wallet-'));
    try {
      const enrol = (org: string, identity: string, mspId: string): void => {
        mkdirSync(path.join(wallet, org, identity), { recursive: true });
        writeFileSync(
          path.join(wallet, org, identity, 'identity.json'),
          JSON.stringify({ mspId, role: 'x' }),
        );
      };
      enrol('nhsa', 'admin', 'NHSAMSP');
      enrol('hb', 'proposer', 'HubeiMSP');
      mkdirSync(path.join(wallet, 'empty'));
      writeFileSync(path.join(wallet, 'stray-file'), '');
      mkdirSync(path.join(wallet, 'broken', 'admin'), { recursive: true });
      writeFileSync(path.join(wallet, 'broken', 'admin', 'identity.json'), '{');
      expect(walletOrgOf(wallet, 'HubeiMSP')).to.equal('hb');
      expect(walletOrgOf(wallet, 'NHSAMSP')).to.equal('nhsa');
      expect(walletOrgOf(wallet, 'SichuanMSP')).to.equal(null);
      expect(walletOrgOf(path.join(wallet, 'none'), 'NHSAMSP')).to.equal(null);
      expect(walletOrgOfMember(wallet, HUBEI)).to.equal('hb');
      expect(walletOrgOfMember(wallet, { name: 'Inner Mongolia', mspId: 'InnerMongoliaMSP' })).to.equal(
        'innermongolia',
      );
    } finally {
      rmSync(wallet, { recursive: true, force: true });
    }
  });
});
