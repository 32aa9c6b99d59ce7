/**
 * `catalog coverage`, `coverage-batch`, `search`, `item` and `governance`, run in-process against the
 * real contracts on the in-memory peer, on a catalog built through the CLI (see seededCatalog).
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CoverageResult, Governance, ItemSummary, Page } from '@nrdl-catalog/chaincode/model';
import type { ItemView } from '../../../gateway-client/src/catalog-client';
import { A, newNetwork } from '../chaincode/support/fixtures';
import { runCatalog, tempDirPerSuite, usageRefusal } from '../support/cli';
import { HUBEI, MEMBERS, TOPOLOGY_FILE } from '../support/members';
import { gb18030Bytes } from '../support/gb18030';
import { ITEM, catalogNetwork, seededCatalog, type SeededCatalog } from './support/catalog-network';

describe('catalog query commands (in-process, real contracts)', () => {
  const dir = tempDirPerSuite('catalog-query-cli-');
  let c: SeededCatalog;

  before(async () => {
    c = await seededCatalog(dir());
  });

  describe('coverage', () => {
    it('answers by item id as a table, and as JSON with --json', async () => {
      const table = await c.run([
        'coverage',
        '--province',
        'guangdong',
        '--item',
        ITEM.borax,
        '--date',
        '2025-02-01',
      ]);
      expect(table.code, table.stderr).to.equal(0);
      expect(table.stdout.split('\n')).to.deep.equal([
        'ITEM                NAME      KIND  CLASS  COVERED  REASON   VERSION  RESTRICTION',
        `${ITEM.borax}  复方硼砂  drug  甲     yes      COVERED  1        -`,
      ]);
      expect(table.stderr).to.equal('');

      const { results } = await c.json<{ results: CoverageResult[] }>([
        'coverage',
        '--province',
        'GuangdongMSP',
        '--item',
        ITEM.borax,
        '--date',
        '2025-03-02',
      ]);
      expect(results).to.have.length(1);
      expect(results[0]).to.deep.include({
        itemId: ITEM.borax,
        province: 'Guangdong',
        date: '2025-03-02',
        covered: true,
        reason: 'COVERED',
        catalogVersion: 2,
        name: '复方硼砂',
      });
      expect(results[0]?.provincial).to.deep.include({ selfPayRatio: 0.3 });
    });

    it('applies the patient options: age, visit type, sex and hospital level', async () => {
      const sichuan = (item: string, ...options: string[]): string[] => [
        'coverage',
        '--province',
        'Sichuan',
        '--item',
        item,
        '--date',
        '2025-02-01',
        ...options,
      ];
      const cases: [string[], Partial<CoverageResult>][] = [
        [
          sichuan(ITEM.avapritinib, '--age', '10'),
          { covered: false, reason: 'RESTRICTED', rule: { field: 'minAge', source: 'item', value: 18 } },
        ],
        [
          sichuan(ITEM.avapritinib, '--age', '40', '--sex', 'f', '--level', '3'),
          { covered: true, reason: 'COVERED' },
        ],
        [sichuan(ITEM.ilaprazole, '--visit', 'outpatient'), { covered: false, reason: 'RESTRICTED' }],
        [sichuan(ITEM.ilaprazole, '--visit', 'inpatient'), { covered: true, reason: 'COVERED' }],
      ];
      for (const [argv, expected] of cases) {
        const { results } = await c.json<{ results: CoverageResult[] }>(argv);
        expect(results[0], argv.join(' ')).to.deep.include(expected);
      }
      const outpatient = await c.run(sichuan(ITEM.ilaprazole, '--visit', 'outpatient'));
      expect(outpatient.code, outpatient.stderr).to.equal(0);
      expect(outpatient.stdout.split('\n')[1]).to.equal(
        `${ITEM.ilaprazole}  注射用艾普拉唑钠  drug  乙     no       RESTRICTED  1        限：1.预防重症患者应激性溃疡出血；2.消…`,
      );
    });

    it('answers by generic name, narrowed by dosage form', async () => {
      const byName = await c.run([
        'coverage',
        '--province',
        'Shaanxi',
        '--name',
        '复方硼砂',
        '--date',
        '2025-02-01',
      ]);
      expect(byName.code, byName.stderr).to.equal(0);
      expect(byName.stdout.split('\n')).to.deep.equal([
        'ITEM                NAME      KIND  CLASS  COVERED  REASON   VERSION  RESTRICTION',
        `${ITEM.borax}  复方硼砂  drug  甲     yes      COVERED  1        -`,
      ]);
      const inForm = await c.json<{ results: CoverageResult[] }>([
        'coverage',
        '--province',
        'Shaanxi',
        '--name',
        '复方 硼砂',
        '--form',
        '外用液体剂',
        '--date',
        '2025-02-01',
      ]);
      expect(inForm.results.map((r) => r.itemId)).to.deep.equal([ITEM.borax]);
    });

    it('exits 1 with ITEM_NOT_FOUND for a name (or form) nothing has, printing an empty result', async () => {
      const none = await c.run(['coverage', '--province', 'Sichuan', '--name', '不存在的药']);
      expect(none).to.deep.equal({
        code: 1,
        stdout: 'no item named "不存在的药"',
        stderr: 'ITEM_NOT_FOUND: no item named "不存在的药"',
      });
      const wrongForm = await c.run([
        'coverage',
        '--province',
        'Sichuan',
        '--name',
        '复方硼砂',
        '--form',
        '注射剂',
        '--json',
      ]);
      expect(wrongForm.code).to.equal(1);
      expect(JSON.parse(wrongForm.stdout)).to.deep.equal({ results: [] });
      expect(wrongForm.stderr).to.equal('ITEM_NOT_FOUND: no item named "复方硼砂" in form 注射剂');
    });

    it('takes the province in every form the governance record lists; the chain refuses others (exit 1)', async () => {
      for (const form of [
        '广东省',
        '广东',
        '粤',
        'Guangdong',
        'GD',
        'gd',
        'GuangdongMSP',
        '440000',
        '４４００００',
      ]) {
        const { results } = await c.json<{ results: CoverageResult[] }>([
          'coverage',
          '--province',
          form,
          '--item',
          ITEM.borax,
          '--date',
          '2025-03-02',
        ]);
        expect(results[0], form).to.deep.include({ province: 'Guangdong', covered: true });
      }
      const hubei = await c.run(['coverage', '--province', 'Hubei', '--item', ITEM.borax]);
      expect(hubei).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: 'UNKNOWN_PROVINCE: unknown province "Hubei"; the members are Guangdong, Sichuan, Shaanxi',
      });
      const search = await c.json<Page<ItemSummary>>([
        'search',
        '--on-chain',
        '--province',
        '川',
        '--kind',
        'service',
      ]);
      expect(search.records).to.deep.equal([]);
      expect((await c.run(['search', '--on-chain', '复方', '--province', '鄂'])).code).to.equal(1);
    });

    it('refuses wrong options with exit 2 and the usage hint', async () => {
      const borax = ['coverage', '--province', 'Sichuan', '--item', ITEM.borax];
      const cases: [string[], string][] = [
        [['coverage', '--item', ITEM.borax], '--province is required'],
        [['coverage', '--province', 'Sichuan'], 'give exactly one of --item, --name or --code'],
        [[...borax, '--name', '复方硼砂'], 'give exactly one of --item, --name or --code'],
        [[...borax, '--date', '2025-13-01'], '--date must be a date YYYY-MM-DD, got "2025-13-01"'],
        [[...borax, '--date', '2025-02-30'], '--date must be a date YYYY-MM-DD, got "2025-02-30"'],
        [[...borax, '--age', '151'], '--age must be an integer from 0 to 150, got "151"'],
        [[...borax, '--sex', 'x'], '--sex must be M or F, got "x"'],
        [[...borax, '--visit', 'home'], '--visit must be inpatient or outpatient, got "home"'],
      ];
      for (const [argv, message] of cases) {
        const done = await c.run(argv);
        expect(done, argv.join(' ')).to.deep.equal(usageRefusal(message));
      }
      const unknown = await c.run([
        'coverage',
        '--province',
        'Sichuan',
        '--item',
        ITEM.borax,
        '--colour',
        'red',
      ]);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.match(/^Unknown option '--colour'/);
    });

    it('answers NOT_LISTED for an item id the catalog does not have', async () => {
      const done = await c.run([
        'coverage',
        '--province',
        'Sichuan',
        '--item',
        'D-0000000000000000',
        '--date',
        '2025-02-01',
      ]);
      expect(done.code).to.equal(0);
      expect(done.stdout.split('\n')[1]).to.match(/^D-0000000000000000 +- +- +- +no +NOT_LISTED +1 +-$/);
    });
  });

  describe('coverage-batch', () => {
    it('answers a JSON claim file line by line, in order', async () => {
      const claim = c.file('claim.json', {
        lines: [
          { itemId: ITEM.avapritinib, age: 12, date: '2025-02-01' },
          { item: ITEM.ilaprazole, visitType: 'inpatient', hospitalLevel: 2, date: '2025-02-01' },
          { itemId: ITEM.borax, date: '2025-03-02' },
        ],
      });
      const done = await c.run(['coverage-batch', '--province', 'Guangdong', '--file', claim]);
      expect(done.code, done.stderr).to.equal(0);
      expect(done.stdout.split('\n')).to.deep.equal([
        'LINE  ITEM                NAME              KIND  CLASS  COVERED  REASON      VERSION  RESTRICTION',
        `1     ${ITEM.avapritinib}  阿伐替尼片        drug  乙     no       RESTRICTED  1        限携带血小板衍生生长因子受体α(PDGFRA)外…`,
        `2     ${ITEM.ilaprazole}  注射用艾普拉唑钠  drug  乙     yes      COVERED     1        限：1.预防重症患者应激性溃疡出血；2.消…`,
        `3     ${ITEM.borax}  复方硼砂          drug  甲     yes      COVERED     2        -`,
      ]);
      const asArray = c.file('claim-array.json', [{ itemId: ITEM.borax, date: '2025-02-01' }]);
      const json = await c.json<{ results: (CoverageResult & { line: number })[] }>([
        'coverage-batch',
        '--province',
        'Sichuan',
        '--file',
        asArray,
      ]);
      expect(json.results).to.have.length(1);
      expect(json.results[0]).to.deep.include({
        line: 1,
        itemId: ITEM.borax,
        covered: true,
        province: 'Sichuan',
      });
    });

    it('answers a CSV claim file, reports invalid lines with their line number and exits 1', async () => {
      const claim = path.join(dir(), 'claim.csv');
      writeFileSync(
        claim,
        [
          'itemId,age,visit,date',
          `${ITEM.ilaprazole},40,outpatient,2025-02-01`,
          `${ITEM.ilaprazole},40,inpatient,2025-02-01`,
          ',3,,',
          `${ITEM.avapritinib},abc,,`,
          `${ITEM.avapritinib},30,,2025-02-30`,
          '',
        ].join('\n'),
      );
      const done = await c.run(['coverage-batch', '--province', 'Sichuan', '--file', claim, '--json']);
      expect(done.code).to.equal(1);
      const { results } = JSON.parse(done.stdout) as {
        results: ({ line: number; error: string } | (CoverageResult & { line: number }))[];
      };
      expect(results.map((r) => ('error' in r ? [r.line, r.error] : [r.line, r.reason]))).to.deep.equal([
        [2, 'RESTRICTED'],
        [3, 'COVERED'],
        [4, 'INVALID_INPUT: line 4: itemId is missing'],
        [5, 'INVALID_INPUT: line 5: age must be an integer from 0 to 150, got "abc"'],
        [6, 'INVALID_INPUT: line 6: date must be a date YYYY-MM-DD, got "2025-02-30"'],
      ]);
      const table = await c.run(['coverage-batch', '--province', 'Sichuan', '--file', claim]);
      expect(table.code).to.equal(1);
      expect(table.stdout.split('\n')[3]).to.equal(
        '4     INVALID_INPUT: line 4: itemId is missing  -                 -     -      -        -           -        -',
      );
    });

    it('reads a claim CSV saved as GB18030 / GBK or as UTF-8 with BOM, and takes the province in Chinese', async () => {
      // itemId first: a byte order mark left in place would rename that column and lose every line.
      const rows = [
        'itemId,药品名称,visit,date',
        `${ITEM.ilaprazole},艾普拉唑,inpatient,2025-02-01`,
        '',
      ].join('\n');
      const gbk = path.join(dir(), 'claim-gbk.csv');
      const bom = path.join(dir(), 'claim-bom.csv');
      writeFileSync(gbk, gb18030Bytes(rows));
      writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rows)]));
      const answers: unknown[] = [];
      for (const args of [
        ['--file', gbk],
        ['--file', gbk, '--encoding', 'gbk'],
        ['--file', bom],
        ['--file', bom, '--encoding', 'utf-8'],
      ]) {
        const done = await c.run(['coverage-batch', '--province', '四川', ...args, '--json']);
        expect(done.code, done.stderr).to.equal(0);
        const { results } = JSON.parse(done.stdout) as { results: (CoverageResult & { line: number })[] };
        answers.push(results.map((r) => [r.line, r.itemId, r.province, r.reason]));
      }
      expect(answers).to.deep.equal(Array(4).fill([[2, ITEM.ilaprazole, 'Sichuan', 'COVERED']]));
      expect(
        await c.run(['coverage-batch', '--province', 'SC', '--file', gbk, '--encoding', 'utf-8']),
      ).to.include({
        code: 2,
      });
      const wrong = await c.run([
        'coverage-batch',
        '--province',
        'SC',
        '--file',
        gbk,
        '--encoding',
        'latin1',
      ]);
      expect(wrong.code).to.equal(2);
      expect(wrong.stderr).to.match(
        /^--encoding must be one of auto, utf-8, gb18030 \(or gbk\), got "latin1"/,
      );
    });

    it('refuses a claim file it cannot read or that holds no lines (exit 2)', async () => {
      const missing = path.join(dir(), 'none.json');
      const notJson = path.join(dir(), 'broken.json');
      writeFileSync(notJson, '{ "lines": [');
      const noLines = c.file('no-lines.json', { claims: [] });
      const cases: [string, RegExp][] = [
        [missing, /^cannot read .*none\.json: /],
        [notJson, /^.*broken\.json is not valid JSON: /],
        [noLines, /^.*no-lines\.json must hold an array of lines or \{ "lines": \[\.\.\.\] \}\n/],
      ];
      for (const [file, message] of cases) {
        const done = await c.run(['coverage-batch', '--province', 'Sichuan', '--file', file]);
        expect(done.code, file).to.equal(2);
        expect(done.stdout).to.equal('');
        expect(done.stderr).to.match(message);
        expect(done.stderr).to.not.contain(dir());
      }
      const noFile = await c.run(['coverage-batch', '--province', 'Sichuan']);
      expect(noFile).to.deep.equal(usageRefusal('--file is required'));
    });
  });

  describe('search', () => {
    it('finds by name, prints the table and no bookmark on the last page', async () => {
      const done = await c.run(['search', '--on-chain', '复方硼砂']);
      expect(done).to.deep.equal({
        code: 0,
        stdout: [
          'ITEM                NAME      FORM        KIND  CLASS  SECTION   NO  PROVINCE',
          `${ITEM.borax}  复方硼砂  外用液体剂  drug  甲     西药部分  1   -`,
        ].join('\n'),
        stderr: '',
      });
    });

    it('pages with --limit and --bookmark through every item exactly once', async () => {
      const first = await c.run(['search', '--on-chain', '--limit', '2']);
      expect(first.code, first.stderr).to.equal(0);
      const match = /\n\nmore: --bookmark (\S+)$/.exec(first.stdout);
      expect(match, first.stdout).to.not.equal(null);
      const bookmark = match?.[1] ?? '';
      const firstIds = first.stdout
        .split('\n')
        .slice(1, 3)
        .map((line) => line.split(' ')[0]);
      const second = await c.json<Page<ItemSummary>>([
        'search',
        '--on-chain',
        '--limit',
        '2',
        '--bookmark',
        bookmark,
      ]);
      const seen = [...firstIds, ...second.records.map((item) => item.itemId)];
      expect([...seen].sort()).to.deep.equal(Object.values(ITEM).sort());
    });

    it('narrows by prefix, kind, class, section and category', async () => {
      const ids = async (argv: string[]): Promise<string[]> =>
        (await c.json<Page<ItemSummary>>(['search', '--on-chain', ...argv])).records
          .map((item) => item.itemId)
          .sort();
      expect(await ids(['注射用', '--prefix'])).to.deep.equal([ITEM.ilaprazole]);
      expect(await ids(['--kind', 'herbal'])).to.deep.equal([ITEM.fennel]);
      expect(await ids(['--class', '甲'])).to.deep.equal([ITEM.borax]);
      expect(await ids(['--section', '协议期内谈判药品部分-西药'])).to.deep.equal(
        [ITEM.avapritinib, ITEM.ilaprazole].sort(),
      );
      expect(await ids(['--category', 'XA01'])).to.deep.equal([ITEM.borax]);
      expect(await ids(['--province', 'shaanxi', '--kind', 'service'])).to.deep.equal([]);
      expect(await ids(['--code', '110900004'])).to.deep.equal([]);
    });

    it('refuses a limit out of range (exit 2)', async () => {
      const done = await c.run(['search', '--on-chain', '--limit', '0']);
      expect(done).to.deep.equal(usageRefusal('--limit must be an integer from 1 to 200, got "0"'));
    });
  });

  describe('item', () => {
    it('shows an item as key: value lines with the overlays, and as JSON', async () => {
      const done = await c.run(['item', ITEM.borax]);
      expect(done.code, done.stderr).to.equal(0);
      const lines = done.stdout.split('\n');
      expect(lines[0]).to.equal('catalogVersion        2');
      expect(lines).to.include(`itemId                ${ITEM.borax}`);
      expect(lines).to.include('listedInVersion       1');
      expect(lines).to.include(`proposalId            ${c.nationalId}`);
      expect(lines).to.include('versionEffectiveFrom  2025-03-01');
      expect(lines.find((line) => line.startsWith('overlays'))).to.contain('"selfPayRatio":0.3');

      const json = await c.json<ItemView>(['item', ITEM.borax, '--province', 'guangdong']);
      expect(json).to.deep.include({ itemId: ITEM.borax, catalogVersion: 2, listedInVersion: 1 });
      expect(json.item.name).to.equal('复方硼砂');
      expect(json.overlays.map((o) => [o.province, o.selfPayRatio])).to.deep.equal([['Guangdong', 0.3]]);
    });

    it('shows an item as of a version or a date', async () => {
      const v1 = await c.json<ItemView>(['item', ITEM.borax, '--version', '1']);
      expect(v1.catalogVersion).to.equal(1);
      expect(v1.overlays).to.deep.equal([]);
      const onDate = await c.json<ItemView>(['item', ITEM.borax, '--date', '2025-02-01']);
      expect(onDate.catalogVersion).to.equal(1);
    });

    it('refuses wrong arguments (exit 2) and exits 1 with ITEM_NOT_FOUND for an unknown id', async () => {
      const cases: [string[], string][] = [
        [['item'], 'catalog item <id> needs an item id'],
        [
          ['item', ITEM.borax, '--version', '1', '--date', '2025-01-01'],
          'give --version or --date, not both',
        ],
        [
          ['item', ITEM.borax, '--version', '0'],
          '--version must be an integer from 1 to 1000000000, got "0"',
        ],
      ];
      for (const [argv, message] of cases) {
        expect(await c.run(argv), argv.join(' ')).to.deep.equal(usageRefusal(message));
      }
      const unknown = await c.run(['item', 'D-0000000000000000']);
      expect(unknown.code).to.equal(1);
      expect(unknown.stdout).to.equal('');
      expect(unknown.stderr).to.match(/^ITEM_NOT_FOUND: /);
    });
  });

  describe('governance', () => {
    it('shows the governance record as key: value lines and as JSON', async () => {
      const done = await c.run(['governance', 'show']);
      expect(done.code, done.stderr).to.equal(0);
      const lines = done.stdout.split('\n');
      expect(lines).to.include('maxChunkChanges    250');
      expect(lines).to.include('nationalMsp        NHSAMSP');
      expect(lines).to.include('version            1');
      expect(lines).to.include('updatedByProposal  -');
      const json = await c.json<Governance>(['governance', 'show']);
      expect(json).to.deep.include({ version: 1, maxChunkChanges: 250, nationalMsp: 'NHSAMSP' });
      expect(json.rules.national).to.deep.equal({ national: true, provinces: 'majority' });
    });

    it('init runs once: a second init exits 1 with GOVERNANCE_EXISTS; wrong use exits 2', async () => {
      const again = await c.run(['governance', 'init', '--as', 'nhsa/admin', '--max-chunk', '100']);
      expect(again.code).to.equal(1);
      expect(again.stdout).to.equal('');
      expect(again.stderr).to.match(/^GOVERNANCE_EXISTS: /);
      expect(await c.run(['governance', 'init', '--as', 'nhsa/admin', '--max-chunk', '0'])).to.deep.equal(
        usageRefusal('--max-chunk must be an integer from 1 to 500, got "0"'),
      );
      expect(await c.run(['governance', 'frobnicate'])).to.deep.equal(
        usageRefusal(
          'usage: catalog governance show | init [--topology FILE] [--max-chunk N] | propose --add-province P | --suspend P | --reinstate P [--title T] [--effective-from D]',
        ),
      );
    });

    it('init on a fresh network takes the members from network/topology.json, honouring --max-chunk', async () => {
      const net = newNetwork();
      const done = await runCatalog(['governance', 'init', '--as', 'nhsa/admin', '--max-chunk', '100'], {
        connect: catalogNetwork(net).connect,
      });
      expect(done).to.deep.equal({
        code: 0,
        stdout: 'governance record created (tx tx-1): Guangdong, Sichuan, Shaanxi with NHSAMSP',
        stderr: '',
      });
      const governance = await net.evaluate<Governance>(A.auditor, 'Governance:GetGovernance', {});
      expect(governance.maxChunkChanges).to.equal(100);
      expect(governance.provinces).to.deep.equal(MEMBERS.provinces);
    });

    it('init --topology reads the members from another topology file; a bad one is a usage error', async () => {
      const topology = JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as { orgs: Record<string, unknown>[] };
      const withHubei = path.join(dir(), 'topology-hubei.json');
      const hubei = { ...HUBEI, name: 'hubei', kind: 'province', province: HUBEI.name };
      writeFileSync(withHubei, JSON.stringify({ ...topology, orgs: [...topology.orgs, hubei] }));
      const net = newNetwork();
      const connect = catalogNetwork(net).connect;
      const done = await runCatalog(
        ['governance', 'init', '--as', 'nhsa/admin', '--topology', withHubei, '--json'],
        {
          connect,
        },
      );
      expect(done.code, done.stderr).to.equal(0);
      const created = JSON.parse(done.stdout) as { value: Governance };
      expect(created.value.provinces.map((p) => p.name)).to.deep.equal([
        'Guangdong',
        'Sichuan',
        'Shaanxi',
        'Hubei',
      ]);

      const noDivision = path.join(dir(), 'topology-broken.json');
      const undivided: Partial<typeof hubei> = { ...hubei };
      delete undivided.division;
      writeFileSync(noDivision, JSON.stringify({ ...topology, orgs: [...topology.orgs, undivided] }));
      for (const [file, message] of [
        [
          noDivision,
          /^INVALID_INPUT: topology: province organisation hubei \(HubeiMSP\) needs "division" \(six-digit administrative division code, e.g. "440000"\)\n/,
        ],
        [
          path.join(dir(), 'missing.json'),
          /^INVALID_INPUT: topology: cannot read .*missing\.json: no such file or directory\n/,
        ],
      ] as const) {
        const refused = await runCatalog(['governance', 'init', '--as', 'nhsa/admin', '--topology', file], {
          connect: catalogNetwork(newNetwork()).connect,
        });
        expect(refused.code, refused.stderr).to.equal(2);
        expect(refused.stderr).to.match(message);
      }
    });
  });
});
