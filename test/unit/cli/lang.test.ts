/**
 * The CLI's language: `--lang zh|en`, else the locale (LC_ALL, LC_MESSAGES, LANG) of the environment
 * passed to runCli; help, headers, labels, records, progress and errors in Chinese; JSON unchanged;
 * every `cli.` key of the catalogue used by the CLI's sources.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { en, zh } from '@nrdl-catalog/chaincode/messages';
import { USAGE, usage } from '../../../apps/cli/src/main';
import { progressLine, replayProgressLine } from '../../../apps/cli/src/progress';
import { importSummaryText, pendingNote } from '../../../apps/cli/src/import-command';
import { UsageError } from '../../../apps/cli/src/context';
import { CatalogClientError, IdentityError, type CatalogClient } from '@nrdl-catalog/gateway-client';
import { CHINESE_ENV, ENGLISH_ENV, HELP_HINT, runCatalog, tempDirPerSuite } from '../support/cli';
import { newNetwork } from '../chaincode/support/fixtures';
import { ITEM, catalogNetwork, seededCatalog, type SeededCatalog } from './support/catalog-network';

const ZH_HINT = '（运行 "catalog --help" 查看用法）';

describe('catalog in Chinese and English', () => {
  describe('choosing the language', () => {
    it('prints the Chinese help with --lang zh or a Chinese locale, the English one otherwise', async () => {
      const english = await runCatalog(['--help'], {}, ENGLISH_ENV);
      expect(english).to.deep.equal({ code: 0, stdout: USAGE, stderr: '' });
      expect(USAGE).to.equal(usage('en'));
      expect(USAGE).to.match(/^usage: catalog <command> \[options\]/);
      const chinese = usage('zh');
      expect(chinese).to.match(/^用法：catalog <命令> \[选项\]/);
      expect(chinese).to.contain('audit replay [--trust <hash>]');
      expect(chinese).to.contain('退出码：0 成功，1 业务错误');
      for (const [argv, env] of [
        [['--help'], CHINESE_ENV],
        [['help'], { LC_ALL: 'zh_CN.UTF-8', LANG: 'en_US.UTF-8' }],
        [['--lang', 'zh', '--help'], ENGLISH_ENV],
        [['--lang=zh', 'help'], ENGLISH_ENV],
        [['coverage', '--help', '--lang', 'zh'], ENGLISH_ENV],
        [['search', '--on-chain', '--lang=zh-CN', '-h'], {}],
      ] as const) {
        expect(await runCatalog(argv, {}, env), argv.join(' ')).to.deep.equal({
          code: 0,
          stdout: chinese,
          stderr: '',
        });
      }
      expect(await runCatalog(['--lang', 'en', '--help'], {}, CHINESE_ENV)).to.deep.equal(english);
      expect(await runCatalog(['help'], {}, { LC_MESSAGES: 'C', LANG: 'zh_CN.UTF-8' })).to.deep.equal(
        english,
      );
      expect(await runCatalog([], {}, CHINESE_ENV)).to.deep.equal({ code: 2, stdout: chinese, stderr: '' });
    });

    it('refuses a --lang it does not speak (exit 2), in the locale’s language', async () => {
      expect(await runCatalog(['coverage', '--lang', 'fr'], {}, ENGLISH_ENV)).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: `--lang must be zh or en, got "fr"\n${HELP_HINT}`,
      });
      expect(await runCatalog(['--lang=', '--help'], {}, CHINESE_ENV)).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: `--lang 只能是 zh 或 en，实际为“”\n${ZH_HINT}`,
      });
      expect((await runCatalog(['item', '--lang'], {}, ENGLISH_ENV)).stderr).to.equal(
        `--lang needs a value\n${HELP_HINT}`,
      );
    });

    it('names an unknown command and a usage mistake in Chinese', async () => {
      const unknown = await runCatalog(['merge'], {}, CHINESE_ENV);
      expect(unknown.code).to.equal(2);
      expect(unknown.stderr).to.equal(`未知命令“merge”\n${usage('zh')}`);
      expect(await runCatalog(['item', '--colour'], {}, CHINESE_ENV)).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: `未知选项“--colour”。以“-”开头的参数请放在命令末尾的“--”之后，例如：-- "--colour"\n${ZH_HINT}`,
      });
      const zhRefusals: [string[], string][] = [
        [['item', 'D-1', '--json=1'], '选项 --json 不带取值'],
        [
          ['coverage', '--province', 'gd', '--item', 'X', '--age', 'old'],
          '--age 必须是 0 到 150 之间的整数，实际为“old”',
        ],
        [
          ['coverage', '--province', 'gd', '--item', 'X', '--sex', 'X'],
          '--sex 只能是 M（男）或 F（女），实际为“X”',
        ],
        [
          ['coverage', '--province', 'gd', '--item', 'X', '--visit', 'x'],
          '--visit 只能是 inpatient（住院）或 outpatient（门诊），实际为“x”',
        ],
        [['coverage', '--item', 'X'], '必须提供 --province'],
        [['audit'], 'audit 需要子命令：replay, verify, genesis-hash, history, as-of, diff, report'],
      ];
      for (const [argv, text] of zhRefusals) {
        expect(await runCatalog(argv, {}, CHINESE_ENV), argv.join(' ')).to.deep.equal({
          code: 2,
          stdout: '',
          stderr: `${text}\n${ZH_HINT}`,
        });
      }
    });

    it('renders a coded error from its template in Chinese, the code unchanged; identity and internal errors too', async () => {
      const failing = (error: Error) => ({
        connect: () =>
          ({
            getGovernance: () => Promise.reject(error),
            close: () => undefined,
          }) as unknown as CatalogClient,
      });
      const coded = new CatalogClientError('ITEM_NOT_FOUND', 'no item D-1', {
        template: 'ITEM_NOT_FOUND',
        params: { itemId: 'D-1' },
      });
      expect(await runCatalog(['governance', 'show'], failing(coded), CHINESE_ENV)).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: 'ITEM_NOT_FOUND: 没有项目 D-1',
      });
      expect((await runCatalog(['governance', 'show'], failing(coded), ENGLISH_ENV)).stderr).to.equal(
        'ITEM_NOT_FOUND: no item D-1',
      );
      const transport = new CatalogClientError('UNAVAILABLE', 'connect ECONNREFUSED');
      expect((await runCatalog(['governance', 'show'], failing(transport), CHINESE_ENV)).stderr).to.equal(
        'UNAVAILABLE: 无法连接网关节点：connect ECONNREFUSED',
      );
      expect(
        await runCatalog(['governance', 'show'], failing(new IdentityError('no identity x/y')), CHINESE_ENV),
      ).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: `身份问题：no identity x/y\n${ZH_HINT}`,
      });
      expect(
        (await runCatalog(['governance', 'show'], failing(new Error('boom')), CHINESE_ENV)).stderr,
      ).to.equal('INTERNAL: 意外的内部错误：boom');
      expect(
        (await runCatalog(['governance', 'show'], failing(new Error('boom')), ENGLISH_ENV)).stderr,
      ).to.equal('INTERNAL: boom');
    });

    it('keeps a usage error’s English text as its message, and a library’s text as it is', () => {
      const error = new UsageError('cli.usage.required', { name: 'province' });
      expect(error.message).to.equal('--province is required');
      expect(error.text('zh')).to.equal('必须提供 --province');
      const plain = new UsageError('--date must be a date YYYY-MM-DD, got "x"');
      expect(plain.key).to.equal(null);
      expect(plain.text('zh')).to.equal(plain.message);
    });
  });

  describe('answers from the catalog', () => {
    const dir = tempDirPerSuite('catalog-lang-cli-');
    let c: SeededCatalog;

    before(async () => {
      c = await seededCatalog(dir());
    });

    const coverage = ['coverage', '--province', 'guangdong', '--item', ITEM.borax, '--date', '2025-02-01'];

    it('prints table headers, kinds, yes/no and reasons with their Chinese labels', async () => {
      const chinese = await c.run(coverage, CHINESE_ENV);
      expect(chinese.code, chinese.stderr).to.equal(0);
      expect(chinese.stdout.split('\n')).to.deep.equal([
        '项目编号            名称      类别  甲乙类  可报销  结论            版本  限定支付范围',
        `${ITEM.borax}  复方硼砂  药品  甲      是      COVERED 可报销  1     -`,
      ]);
      // --lang en wins over a Chinese locale; --lang zh over an English one
      const english = await c.run([...coverage, '--lang', 'en'], CHINESE_ENV);
      expect(english.stdout.split('\n')[0]).to.equal(
        'ITEM                NAME      KIND  CLASS  COVERED  REASON   VERSION  RESTRICTION',
      );
      expect(await c.run([...coverage, '--lang', 'zh'], ENGLISH_ENV)).to.deep.equal(chinese);
    });

    it('prints JSON exactly as in English', async () => {
      for (const argv of [coverage, ['item', ITEM.borax], ['version', 'list'], ['governance', 'show']]) {
        const english = await c.run([...argv, '--json'], ENGLISH_ENV);
        expect(await c.run([...argv, '--json'], CHINESE_ENV), argv.join(' ')).to.deep.equal(english);
      }
    });

    it('gives a domain error the same CODE with its text in Chinese', async () => {
      const english = await c.run(['item', 'D-0000000000000000'], ENGLISH_ENV);
      const chinese = await c.run(['item', 'D-0000000000000000'], CHINESE_ENV);
      expect(english.code).to.equal(1);
      expect(chinese.code).to.equal(1);
      expect(english.stderr).to.match(/^ITEM_NOT_FOUND: /);
      // (the text is the chaincode's until its errors carry their templates; the code is the same)
      expect(chinese.stderr).to.match(/^ITEM_NOT_FOUND: /);
      const invalid = await c.run(['search', '--on-chain', '--kind', 'potion'], CHINESE_ENV);
      expect(invalid.code).to.equal(1);
      expect(invalid.stderr).to.match(/^INVALID_INPUT: 参数不符合 /);
      const named = await c.run(['coverage', '--province', 'gd', '--name', '不存在的药'], CHINESE_ENV);
      expect(named).to.deep.equal({
        code: 1,
        stdout: '没有名为“不存在的药”的项目',
        stderr: 'ITEM_NOT_FOUND: 没有名为“不存在的药”的项目',
      });
      const inForm = await c.run(['coverage', '--province', 'gd', '--name', '不存在的药', '--form', '片剂']);
      expect(inForm.stderr).to.equal('ITEM_NOT_FOUND: no item named "不存在的药" in form 片剂');
      const refused = await c.run(
        ['proposal', 'approve', c.nationalId, '--manifest', 'f'.repeat(64)],
        CHINESE_ENV,
      );
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/^STALE_REVIEW: 提案 \S+ 当前的清单为 \S+，不是您审阅的 f{64}$/);
    });

    it('answers a claim file in Chinese, a bad line explained in Chinese', async () => {
      const claim = c.file('claim-zh.json', [
        { itemId: ITEM.borax, date: '2025-02-01' },
        { date: '2025-02-01' },
        { itemId: ITEM.borax, sex: 'X' },
      ]);
      const done = await c.run(['coverage-batch', '--province', 'Guangdong', '--file', claim], CHINESE_ENV);
      expect(done.code).to.equal(1);
      const lines = done.stdout.split('\n');
      expect(lines[0]).to.match(/^行号 {2}项目编号 +名称 +类别 +甲乙类 +可报销 +结论 +版本 +限定支付范围$/);
      expect(lines[1]).to.contain('COVERED 可报销');
      expect(lines[2]).to.match(/^2 +INVALID_INPUT: 第 2 行：缺少项目编号/);
      expect(lines[3]).to.match(/^3 +INVALID_INPUT: 第 3 行：sex 只能是 M/);
      const json = await c.run(
        ['coverage-batch', '--province', 'Guangdong', '--file', claim, '--json'],
        CHINESE_ENV,
      );
      expect(json.stdout).to.contain('"error": "INVALID_INPUT: line 2: itemId is missing"');
    });

    it('shows records with Chinese field names, labels and province names', async () => {
      const item = await c.run(['item', ITEM.borax], CHINESE_ENV);
      expect(item.code, item.stderr).to.equal(0);
      const lines = item.stdout.split('\n');
      expect(lines[0]).to.match(new RegExp(`^项目编号 +${ITEM.borax}$`));
      expect(lines).to.include.members(['名称                  复方硼砂', '类别                  药品']);
      expect(lines.find((line) => line.startsWith('所属'))).to.match(/^所属 +全国$/);
      expect(lines.find((line) => line.startsWith('基金支付'))).to.match(/^基金支付 +是$/);
      expect(lines.find((line) => line.startsWith('各省规定'))).to.match(
        /^各省规定 +广东省：个人先行自付比例 30%$/,
      );

      const governance = await c.run(['governance', 'show'], CHINESE_ENV);
      expect(governance.code, governance.stderr).to.equal(0);
      expect(governance.stdout).to.match(/^治理版本 +1$/m);
      expect(governance.stdout).to.match(/^成员省份 +.*广东省（Guangdong，GuangdongMSP）/m);
      expect(governance.stdout).to.match(/^审批规则 +全国：国家医保局 \+ 过半数省份；省级：/m);
      expect(governance.stdout).to.match(/^允许自行批准 +否$/m);

      const version = await c.run(['version', 'show', '2'], CHINESE_ENV);
      expect(version.stdout).to.match(/^范围 +省级$/m);
      expect(version.stdout).to.match(/^省份 +广东省$/m);
      const proposal = await c.run(['proposal', 'show', c.overlayId], CHINESE_ENV);
      expect(proposal.code, proposal.stderr).to.equal(0);
      expect(proposal.stdout).to.match(new RegExp(`^提案编号 +${c.overlayId}$`, 'm'));
      expect(proposal.stdout).to.match(/^状态 +已生效$/m);
      expect(proposal.stdout).to.match(/^范围 +省级$/m);
      expect(proposal.stdout).to.match(/^省份 +广东省$/m);
      expect(proposal.stdout).to.match(/^提案人 +GuangdongMSP 提案人 /m);
      expect(proposal.stdout).to.match(
        /^计票 +已达到审批要求：是；批准：GuangdongMSP；驳回：-；需省份批准数：1；须国家医保局批准：否$/m,
      );
      expect(proposal.stdout).to.match(/^投票 +GuangdongMSP 审批人 \S+ 批准（\S+）$/m);
      const rules = await c.run(['item', ITEM.ilaprazole], CHINESE_ENV);
      expect(rules.stdout).to.match(/^限定支付条件 +限住院$/m);
      expect(rules.stdout).to.match(/^协议期 +\S+ 至 \S+$/m);
    });

    it('lists proposals and versions with Chinese headers, statuses and province names', async () => {
      const proposals = await c.run(['proposal', 'list'], CHINESE_ENV);
      expect(proposals.code, proposals.stderr).to.equal(0);
      const [header, ...rows] = proposals.stdout.split('\n');
      expect(header).to.match(/^提案编号 +状态 +范围 +省份 +标题 +变更数 +生效日期 +版本$/);
      expect(rows.find((row) => row.startsWith(c.overlayId))).to.match(
        / 已生效 +省级 +广东省 +Guangdong self-pay/,
      );
      const versions = await c.run(['version', 'list'], CHINESE_ENV);
      expect(versions.stdout.split('\n')[0]).to.match(
        /^版本 +范围 +省份 +变更数 +生效日期 +封版时间 +摘要 +交易$/,
      );
      expect(versions.stdout).to.match(/^2 +省级 +广东省 /m);
      const diff = await c.run(['version', 'diff', '1', '2'], CHINESE_ENV);
      expect(diff.stdout.split('\n')[0]).to.match(/^变更 +条目 +项目编号 +省份 +名称 +字段$/);
      expect(diff.stdout.split('\n')[1]).to.match(/^新增 +本省规定 +\S+ +广东省 +复方硼砂/);
      expect(await c.run(['version', 'diff', '1', '1'], CHINESE_ENV)).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: 'INVALID_INPUT: 输入无效：diff needs two versions a < b, got 1 and 1',
      });
      const search = await c.run(['search', '--on-chain', '复方', '--limit', '1'], CHINESE_ENV);
      expect(search.stdout.split('\n')[0]).to.match(
        /^项目编号 +名称 +剂型 +类别 +甲乙类 +目录部分 +序号 +省份$/,
      );
    });

    it('reports a proposal’s progress and outcome in Chinese', async () => {
      const changes = c.file('zh-change.json', [
        {
          op: 'setOverlay',
          overlay: { itemId: ITEM.ilaprazole, province: 'Guangdong', selfPayRatio: 0.2 },
        },
      ]);
      const done = await c.run(
        [
          'propose',
          '--as',
          'guangdong/proposer',
          '--scope',
          '粤',
          '--file',
          changes,
          '--title',
          '广东自付比例',
        ],
        CHINESE_ENV,
      );
      expect(done.code, done.stderr).to.equal(0);
      expect(done.stdout).to.match(/^提案 \S+：审批中$/);
      expect(done.stderr.split('\n').map((line) => line.split(/\s+/)[0])).to.include.members([
        '创建',
        '上传分块',
        '提交审批',
      ]);
      const id = /^提案 (\S+)：/.exec(done.stdout)?.[1] ?? '';
      const approved = await c.run(['proposal', 'approve', id, '--as', 'guangdong/approver'], CHINESE_ENV);
      expect(approved.stdout).to.match(new RegExp(`^已批准 ${id}（交易 \\S+，区块 \\d+）$`));
      const applied = await c.run(['proposal', 'apply', id, '--as', 'guangdong/proposer'], CHINESE_ENV);
      expect(applied.code, applied.stderr).to.equal(0);
      expect(applied.stdout).to.match(/^已封版：版本 \d+（摘要 [0-9a-f]{16}…）$/);
      expect(applied.stderr).to.match(/^应用 /m);

      const another = async (ratio: number): Promise<string> => {
        const file = c.file(`zh-change-${ratio}.json`, [
          {
            op: 'setOverlay',
            overlay: { itemId: ITEM.ilaprazole, province: 'Guangdong', selfPayRatio: ratio },
          },
        ]);
        const run = await c.run(
          [
            'propose',
            '--as',
            'guangdong/proposer',
            '--scope',
            'guangdong',
            '--file',
            file,
            '--title',
            `比例 ${ratio}`,
          ],
          CHINESE_ENV,
        );
        return /^提案 (\S+)：/.exec(run.stdout)?.[1] ?? '';
      };
      const rejected = await another(0.25);
      expect(
        (await c.run(['proposal', 'reject', rejected, '--as', 'guangdong/approver'], CHINESE_ENV)).stdout,
      ).to.match(new RegExp(`^已驳回 ${rejected}（交易 \\S+，区块 \\d+）$`));
      const withdrawn = await another(0.15);
      expect(
        (await c.run(['proposal', 'withdraw', withdrawn, '--as', 'guangdong/proposer'], CHINESE_ENV)).stdout,
      ).to.equal(`已撤回 ${withdrawn}`);
    });
  });

  it('creates the governance record and names its provinces in Chinese', async () => {
    const done = await runCatalog(
      ['governance', 'init', '--as', 'nhsa/admin'],
      { connect: catalogNetwork(newNetwork()).connect },
      CHINESE_ENV,
    );
    expect(done).to.deep.equal({
      code: 0,
      stdout: '治理记录已创建（交易 tx-1）：广东省、四川省、陕西省，国家机构 NHSAMSP',
      stderr: '',
    });
  });

  it('renders progress lines and import summaries in Chinese', () => {
    expect(progressLine({ phase: 'chunks', done: 3, total: 3 }, 'zh')).to.match(/^上传分块 +3\/3 \[#{24}\]$/);
    expect(progressLine({ phase: 'other' as 'done', done: 0, total: 1 }, 'zh')).to.match(/^other +0\/1 /);
    const replay = {
      blockNumber: 5,
      targetBlock: 10,
      blocks: 5,
      blocksPerSecond: 2,
      writesPerSecond: 3,
      reconnects: 2,
    } as Parameters<typeof replayProgressLine>[0];
    expect(replayProgressLine(replay, 10, 'zh')).to.equal(
      '[#####.....]  50%  区块 5/10  2.0 区块/秒  3 写入/秒  重连 2 次',
    );
    expect(replayProgressLine({ ...replay, targetBlock: null, reconnects: 1 }, 10, 'zh')).to.equal(
      '跟随中：区块 5  共 5 个区块  2.0 区块/秒  3 写入/秒  重连 1 次',
    );
    const summary = {
      proposalId: 'p1',
      status: 'applied',
      resumed: true,
      version: { version: 3, effectiveFrom: '2025-01-01' },
      items: 24,
      chunks: 3,
      seconds: 1.25,
      phaseSeconds: { chunks: 0.5, seal: 0.1 },
      sections: { 西药部分: 24 },
    } as unknown as Parameters<typeof importSummaryText>[0];
    expect(importSummaryText(summary, 'zh').split('\n')).to.deep.equal([
      '提案 p1：已生效（续传），已封版为版本 3，2025年1月1日 起生效',
      '24 个项目，3 个分块，用时 1.3 秒（上传分块 0.5 秒，封版 0.1 秒）',
      '目录部分  项目数',
      '西药部分  24',
    ]);
    const open = { ...summary, status: 'open', resumed: false, version: null } as typeof summary;
    expect(importSummaryText(open, 'zh').split('\n')[0]).to.equal('提案 p1：审批中');
    expect(importSummaryText(open).split('\n')[0]).to.equal('proposal p1: open');
    expect(pendingNote(open, 'zh')).to.equal('提案状态为审批中：须经审批后才能应用（见 --approve-as）');
  });

  it('uses every cli. key of the catalogue in the CLI’s sources, and only keys the catalogue has', () => {
    const dir = path.resolve(__dirname, '../../../apps/cli/src');
    const sources = readdirSync(dir)
      .filter((name) => name.endsWith('.ts'))
      .map((name) => readFileSync(path.join(dir, name), 'utf8'))
      .join('\n');
    const used = new Set([...sources.matchAll(/'(cli\.[A-Za-z0-9_.]+)'/g)].map((m) => m[1] ?? ''));
    const keys = Object.keys(en).filter((key) => key.startsWith('cli.'));
    expect(
      keys.filter((key) => !used.has(key)),
      'keys no source uses',
    ).to.deep.equal([]);
    expect(
      [...used].filter((key) => !Object.hasOwn(en, key)),
      'keys the catalogue lacks',
    ).to.deep.equal([]);
    expect(Object.keys(zh).filter((key) => key.startsWith('cli.'))).to.deep.equal(keys);
  });
});
