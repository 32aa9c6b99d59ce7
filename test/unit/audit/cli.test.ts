// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeBlock, SqliteAuditStore, type ItemHistoryEntry } from '../../../gateway-client/src/audit';
import { auditCommand, auditPaths, runReplay } from '../../../apps/cli/src/audit-command';
import { CommandContext } from '../../../apps/cli/src/context';
import { CHINESE_ENV, capturing, runCatalog, tempDirPerSuite, type CliRun } from '../support/cli';
import { FakeNetwork } from './support/fake-network';
import { ids, scenario, type Scenario } from './support/scenario';
import { SQLITE_HARNESS, tamperIlaprazole } from './support/verify-contract';

/** Runs `catalog audit …` in-process in an English locale; `CATALOG_AS` is left out so defaults apply. */
function audit(args: readonly string[]): Promise<CliRun> {
  return runCatalog(['audit', ...args]);
}

/** Runs `catalog audit …` in-process in a Chinese locale. */
function auditZh(args: readonly string[]): Promise<CliRun> {
  return runCatalog(['audit', ...args], {}, CHINESE_ENV);
}

describe('catalog audit CLI', () => {
  const tempDir = tempDirPerSuite('catalog-audit-cli-');
  let s: Scenario;
  let dir: string;
  let storePath: string;

  before(async () => {
    s = await scenario();
    dir = tempDir();
    storePath = path.join(dir, 'audit.sqlite');
    const store = new SqliteAuditStore({ path: storePath });
    for (const b of s.blocks) {
      await store.writeBlock(decodeBlock(b));
    }
    await store.close();
  });

  it('verify prints OK and exits 0 on the replayed history', async () => {
    const r = await audit(['verify', '--store-only', '--store', storePath]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      new RegExp(
        `^OK \\(store checks only, NOT an independent verification\\): 4 sealed versions and ${s.blocks.length} blocks verified`,
      ),
    );
    const json = await audit(['verify', '--store-only', '--store', storePath, '--json']);
    expect(JSON.parse(json.stdout)).to.deep.include({ ok: true, versions: 4, blocks: s.blocks.length });
  });

  it('verify refuses to call a store verified without a pinned genesis hash, and checks the one given', async () => {
    const unpinned = await audit(['verify', '--store', storePath]);
    expect(unpinned.code).to.equal(1);
    expect(unpinned.stderr).to.match(/TRUST_NOT_PINNED: no trusted genesis hash/);
    const wrong = await audit(['verify', '--store', storePath, '--trust', '0'.repeat(64), '--no-reexecute']);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.match(/AUDIT_MISMATCH: GENESIS_MISMATCH/);
    const bad = await audit(['verify', '--store', storePath, '--trust', 'nothex']);
    expect(bad.code).to.equal(2);
  });

  /** A copy of the store with ilaprazole's payment standard in version 3 changed to 1. */
  async function tamperedCopy(name: string): Promise<string> {
    const tampered = path.join(dir, name);
    copyFileSync(storePath, tampered);
    const store = new SqliteAuditStore({ path: tampered });
    await tamperIlaprazole(SQLITE_HARNESS, store, s);
    await store.close();
    return tampered;
  }

  it('verify exits 1 with the version, item and field of a tampered store row', async () => {
    const tampered = await tamperedCopy('tampered.sqlite');
    const r = await audit(['verify', '--store', tampered]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/^AUDIT_MISMATCH: version 3, item /);
    expect(r.stderr).to.contain(ids.ilaprazole).and.contain('item.paymentStandard.amount is 1, expected 58');
    expect(r.stdout).to.match(/status +MISMATCH/);
    expect(r.stdout).to.match(/version +3/);
    expect(r.stdout).to.match(/field +item\.paymentStandard\.amount/);
    expect(r.stdout).to.match(/expected +58/);
    expect(r.stdout).to.match(/found +1/);
    const json = await audit(['verify', '--store', tampered, '--json']);
    expect(json.code).to.equal(1);
    expect(JSON.parse(json.stdout)).to.deep.include({ ok: false, version: 3, itemId: ids.ilaprazole });
  });

  it('diff --format csv prints a header row and one row per entry or changed field', async () => {
    const r = await audit(['diff', '1', '3', '--format', 'csv', '--store', storePath]);
    expect(r.code, r.stderr).to.equal(0);
    // a UTF-8 byte order mark first, so that spreadsheet programs read the Chinese names as UTF-8
    expect(Buffer.from(r.stdout, 'utf8').subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = r.stdout.split('\n');
    expect(lines[0]).to.equal('\uFEFFchange,kind,itemId,province,name,field,before,after');
    expect(lines).to.have.length(6);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 4).join(','))).to.deep.equal([
      `added,item,${ids.avapritinib},`,
      `added,overlay,${ids.borax},Sichuan`,
      `removed,item,${ids.fennel},`,
      `changed,item,${ids.ilaprazole},`,
      `changed,item,${ids.ilaprazole},`,
    ]);
    expect(lines[2]).to.equal(
      `added,overlay,${ids.borax},Sichuan,复方硼砂,,,"{""itemId"":""${ids.borax}"",""prices"":null,""province"":""Sichuan"",""restriction"":null,""rules"":null,""selfPayRatio"":0.3,""suspended"":false}"`,
    );
    expect(lines[4]).to.equal(
      `changed,item,${ids.ilaprazole},,注射用艾普拉唑钠,paymentStandard.amount,63,58`,
    );
    expect(lines[5]).to.equal(
      `changed,item,${ids.ilaprazole},,注射用艾普拉唑钠,paymentStandard.text,63.00元(10mg/支),58.00元(10mg/支)`,
    );
    expect(lines[1]).to.match(/^added,item,[^,]+,,阿伐替尼片,,,"\{""/);
  });

  it('diff --format json and the table form; an unknown version exits 1', async () => {
    const json = await audit(['diff', '1', '3', '--format', 'json', '--store', storePath]);
    const diff = JSON.parse(json.stdout) as {
      from: number;
      to: number;
      changed: unknown[];
      removed: unknown[];
    };
    expect(diff).to.include({ from: 1, to: 3 });
    expect(diff.changed).to.have.length(1);
    expect(diff.removed).to.have.length(1);
    const text = await audit(['diff', '1', '3', '--store', storePath]);
    expect(text.stdout).to.match(/^version 1 → 3: 2 added, 1 removed, 1 changed/);
    expect(text.stdout).to.contain('paymentStandard.amount');
    const missing = await audit(['diff', '1', '9', '--store', storePath]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^VERSION_NOT_FOUND: version 9/);
    expect((await audit(['diff', '1', '3', '--format', 'xml', '--store', storePath])).code).to.equal(2);
  });

  it('as-of answers the catalog on a date for an item or a province', async () => {
    const r = await audit([
      'as-of',
      '--date',
      '2025-03-01',
      '--item',
      ids.borax,
      '--store',
      storePath,
      '--json',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const result = JSON.parse(r.stdout) as {
      version: number;
      items: { itemId: string; overlays: { province: string; overlay: { selfPayRatio: number } }[] }[];
    };
    expect(result.version).to.equal(2);
    expect(result.items.map((i) => i.itemId)).to.deep.equal([ids.borax]);
    expect(result.items[0]!.overlays.map((o) => [o.province, o.overlay.selfPayRatio])).to.deep.equal([
      ['Sichuan', 0.3],
    ]);
    const text = await audit(['as-of', '--date', '2025-03-01', '--item', ids.borax, '--store', storePath]);
    expect(text.stdout).to.match(/^catalog as of 2025-03-01: version 2 \(effective 2025-03-01\), 1 item/);
    expect(text.stdout).to.contain('复方硼砂').and.contain('Sichuan self-pay 30%');
    const feb = await audit(['as-of', '--date', '2025-02-15', '--province', '四川', '--store', storePath]);
    expect(feb.stdout).to.contain('version 1').and.contain('小茴香').and.not.contain('Sichuan self-pay');
    const july = await audit([
      'as-of',
      '--date',
      '2025-07-01',
      '--province',
      'shaanxi',
      '--store',
      storePath,
    ]);
    expect(july.stdout).to.contain('version 4').and.contain('特殊防护病房床位费');
    const before = await audit(['as-of', '--date', '2024-12-31', '--province', 'GD', '--store', storePath]);
    expect(before.stdout).to.equal('no catalog version was in force on 2024-12-31');
    // dates as people type them: the same answer as for 2025-07-01
    const typed = await audit([
      'as-of',
      '--date',
      '２０２５年７月１日',
      '--province',
      'SN',
      '--store',
      storePath,
    ]);
    expect(typed.stdout).to.equal(july.stdout);
    expect((await audit(['as-of', '--date', '2025-03-01', '--store', storePath])).code).to.equal(2);
    expect(
      (await audit(['as-of', '--date', '2025-2-30', '--item', 'x', '--store', storePath])).code,
    ).to.equal(2);
    // the provinces are those of the governance record in the store
    const hubei = await audit(['as-of', '--date', '2025-03-01', '--province', 'Hubei', '--store', storePath]);
    expect(hubei.code).to.equal(2);
    expect(hubei.stderr).to.match(
      /^UNKNOWN_PROVINCE: unknown province "Hubei"; the members are Guangdong, Sichuan, Shaanxi\n/,
    );
    const json = await audit([
      'as-of',
      '--date',
      '2025-07-01',
      '--province',
      '610000',
      '--store',
      storePath,
      '--json',
    ]);
    expect(JSON.parse(json.stdout)).to.include({ version: 4, province: 'Shaanxi' });
  });

  it('history lists every version of an item with proposer, approvers, tx and block', async () => {
    const r = await audit(['history', ids.ilaprazole, '--store', storePath]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`^${ids.ilaprazole} 注射用艾普拉唑钠: 2 change\\(s\\)`));
    expect(r.stdout).to.contain('version 1 (effective 2025-01-01): upsert');
    expect(r.stdout).to.contain('version 3 (effective 2025-06-01): upsert');
    // transaction and seal times in China Standard Time
    expect(r.stdout).to.match(/\n +tx +\S+ \(block \d+, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d CST\)\n/);
    expect(r.stdout).to.contain('paymentStandard.amount: 63 → 58');
    expect(r.stdout).to.contain('proposer   NHSAMSP proposer /C=CN/O=NHSAMSP/OU=client/CN=proposer@NHSAMSP');
    expect(r.stdout).to.contain('GuangdongMSP /C=CN/O=GuangdongMSP/OU=client/CN=approver@GuangdongMSP');
    expect(r.stdout).to.contain(`sealed     ${s.versions[2]!.txId} (block `);
    const json = await audit(['history', ids.borax, '--store', storePath, '--json']);
    const entries = JSON.parse(json.stdout) as ItemHistoryEntry[];
    expect(entries.map((e) => [e.version, e.kind, e.province])).to.deep.equal([
      [1, 'item', null],
      [2, 'overlay', 'Sichuan'],
    ]);
    const unknown = await audit(['history', 'no-such-item', '--store', storePath]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.match(/^ITEM_NOT_FOUND: item no-such-item/);
    expect((await audit(['history', '--store', storePath])).code).to.equal(2);
  });

  it('report writes a self-contained HTML file with the charts and the verify banner', async () => {
    const out = path.join(dir, 'reports', 'report.html');
    const r = await audit(['report', '--out', out, '--store', storePath]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      /^wrote .*report\.html \([\d.]+ KB\): 4 versions, 1 invalid transactions, verify OK$/,
    );
    const html = readFileSync(out, 'utf8');
    for (const id of [
      'changes-per-version',
      'changes-per-province',
      'proposal-to-seal',
      'rejected-attempts',
    ]) {
      expect(html).to.contain(`data-chart="${id}"`);
    }
    expect(html).to.contain('data-verify="ok"');
    expect(html).to.not.match(/<script|https?:\/\//i);
  });

  it('report still writes the file but exits 1 when verification fails', async () => {
    const tampered = await tamperedCopy('tampered-report.sqlite');
    const out = path.join(dir, 'reports', 'tampered.html');
    const r = await audit(['report', '--out', out, '--store', tampered]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/verify MISMATCH$/);
    expect(r.stderr).to.match(/^AUDIT_MISMATCH: version 3, item /);
    expect(readFileSync(out, 'utf8')).to.not.contain('data-verify="ok"');
    const json = await audit(['report', '--out', out, '--store', tampered, '--json']);
    expect(json.code).to.equal(1);
    expect(JSON.parse(json.stdout)).to.deep.include({ verified: false });
  });

  it('answers in Chinese in a Chinese locale: diff, as-of, history, report, verify, refusals', async () => {
    const diff = await auditZh(['diff', '1', '3', '--store', storePath]);
    expect(diff.code, diff.stderr).to.equal(0);
    expect(diff.stdout).to.match(/^版本 1 → 3：新增 \d+，移除 \d+，修改 \d+/);
    expect(diff.stdout).to.match(/^修改 \(\d+\)\n条目 +项目编号 +名称 +省份 +字段 +变更前 +变更后$/m);
    const asOf = await auditZh(['as-of', '--date', '2025-03-01', '--province', 'GD', '--store', storePath]);
    expect(asOf.code, asOf.stderr).to.equal(0);
    expect(asOf.stdout).to.match(
      /^2025年3月1日 的目录：版本 \d+（\S+ 起生效），\d+ 个项目，省份 广东省\n项目编号 +名称 +剂型 +甲乙类 +省份 +支付标准 +各省规定/,
    );
    const before = await auditZh([
      'as-of',
      '--date',
      '2024-12-31',
      '--item',
      ids.borax,
      '--store',
      storePath,
    ]);
    expect(before.stdout).to.equal('2024年12月31日 没有生效的目录版本');
    const history = await auditZh(['history', ids.ilaprazole, '--store', storePath]);
    expect(history.code, history.stderr).to.equal(0);
    expect(history.stdout).to.match(new RegExp(`^${ids.ilaprazole} 注射用艾普拉唑钠：共 \\d+ 次变更`));
    expect(history.stdout).to.match(/^版本 1（2025年1月1日 起生效）：新增或修改$/m);
    expect(history.stdout).to.match(/^ {2}提案人 +\S+/m);
    expect((await auditZh(['history', 'no-such-item', '--store', storePath])).stderr).to.equal(
      'ITEM_NOT_FOUND: 审计库中没有项目 no-such-item 的已封版变更',
    );
    const out = path.join(dir, 'report-zh.html');
    const report = await auditZh(['report', '--out', out, '--store', storePath]);
    expect(report.stdout).to.match(
      /^已写入 \S+report-zh\.html（[\d.]+ KB）：\d+ 个版本，1 笔无效交易，核验通过$/,
    );
    const tampered = await tamperedCopy('tampered-zh.sqlite');
    const verify = await auditZh(['verify', '--store', tampered]);
    expect(verify.code).to.equal(1);
    expect(verify.stdout).to.match(/^状态 +MISMATCH$/m);
    expect(verify.stdout).to.match(/^字段 +item\.paymentStandard\.amount$/m);
    expect(verify.stderr).to.match(/^AUDIT_MISMATCH: 重放的账本不一致：version 3/);
    const badReport = await auditZh(['report', '--out', path.join(dir, 'bad-zh.html'), '--store', tampered]);
    expect(badReport.stdout).to.match(/核验不一致$/);
    expect(badReport.stderr).to.match(/^AUDIT_MISMATCH: .*（已在报告顶部横幅中标出）$/);
    const missing = await auditZh(['verify', '--store', path.join(dir, 'none.sqlite')]);
    expect(missing.stderr).to.match(
      /^AUDIT_STORE_NOT_FOUND: \S+ 处没有审计库：请先运行 "catalog audit replay"/,
    );
    for (const [args, text] of [
      [
        ['frobnicate'],
        '未知的 audit 子命令“frobnicate”：应为 replay, verify, genesis-hash, history, as-of, diff, report 之一',
      ],
      [['diff', '1', '--store', storePath], 'audit diff 需要两个版本号 <versionA> <versionB>'],
      [['diff', '1', 'x', '--store', storePath], 'versionB 必须是版本号，实际为“x”'],
      [
        ['diff', '1', '3', '--format', 'xml', '--store', storePath],
        '--format 只能是 table、csv 或 json，实际为“xml”',
      ],
      [
        ['as-of', '--date', '2025-03-01', '--store', storePath],
        'audit as-of 需要 --item <id> 或 --province P',
      ],
      [['as-of', '--store', storePath], '必须提供 --date YYYY-MM-DD'],
      [['history', '--store', storePath], 'audit history 需要项目编号 <itemId>'],
      [['report', '--out=', '--store', storePath], '--out 需要一个文件名'],
      [['verify', 'extra', '--store', storePath], '多余的参数“extra”'],
      [
        ['verify', '--trust', 'x', '--store', storePath],
        '--trust 应为创世区块头的十六进制 SHA-256，实际为“x”',
      ],
    ] as const) {
      expect(await auditZh(args), args.join(' ')).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: `${text}\n（运行 "catalog --help" 查看用法）`,
      });
    }
  });

  it('refuses a missing store and an unknown subcommand', async () => {
    const missing = await audit(['verify', '--store', path.join(dir, 'none.sqlite')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/^AUDIT_STORE_NOT_FOUND: no audit store at /);
    expect(existsSync(path.join(dir, 'none.sqlite'))).to.equal(false);
    // nothing listens on 127.0.0.1:1: refused at once, no DNS involved
    const pg = await audit(['verify', '--store', 'postgres://auditor:secret@127.0.0.1:1/audit']);
    expect(pg.code).to.equal(1);
    expect(pg.stderr).to.match(
      /^AUDIT_STORE_UNAVAILABLE: PostgreSQL audit store postgres:\/\/auditor:\*\*\*@/,
    );
    expect(pg.stderr).to.not.contain('secret');
    expect((await audit(['frobnicate'])).code).to.equal(2);
    expect((await audit([])).code).to.equal(2);
  });

  it('keeps the default store and report in audit/ of the folder it is given (the working directory by default)', async () => {
    expect(auditPaths()).to.deep.equal({
      store: path.resolve('audit', 'catalog-audit.sqlite'),
      report: path.resolve('audit', 'report.html'),
    });
    const base = path.join(dir, 'elsewhere');
    const paths = auditPaths(base);
    expect(paths.store).to.equal(path.join(base, 'audit', 'catalog-audit.sqlite'));
    const c = capturing();
    const ctx = new CommandContext(c.output, false, 'audit/auditor', undefined, false);
    const missing = await auditCommand(ctx, ['verify', '--store-only'], paths).catch(
      (error: unknown) => error,
    );
    expect(String(missing)).to.contain(`no audit store at ${paths.store}`);
    expect(await auditCommand(ctx, ['report', '--store', storePath], paths)).to.equal(0);
    expect(readFileSync(paths.report, 'utf8')).to.contain('data-verify="ok"');
  });

  it('replay stores every block, reports progress and its summary, and resumes from the checkpoint', async () => {
    const target = path.join(dir, 'replayed', 'audit.sqlite');
    const c = capturing();
    const ctx = new CommandContext(c.output, true, 'audit/auditor', undefined, false);
    const code = await runReplay(ctx, new FakeNetwork(s.blocks, { breakBefore: [4] }), {
      store: target,
      reconnectMs: 1,
    });
    expect(code).to.equal(0);
    const summary = JSON.parse(c.stdout()) as Record<string, unknown>;
    expect(summary).to.include({
      stoppedBy: 'height',
      fromBlock: 0,
      nextBlock: s.blocks.length,
      blocks: s.blocks.length,
      newBlocks: s.blocks.length,
      invalidTransactions: 1,
      reconnects: 1,
    });
    expect(summary['transactions']).to.equal(s.net.recorded.length + 1);
    expect(summary['writes']).to.be.greaterThan(0);
    expect(summary['storeSizeBytes']).to.be.greaterThan(0);
    expect(summary['blocksPerSecond']).to.be.greaterThan(0);
    expect(c.stderr()).to.contain('reconnecting in 1 ms');
    expect(c.stderr()).to.match(
      new RegExp(`\\] 100%  block ${s.blocks.length - 1}/${s.blocks.length - 1}  [\\d.]+ blocks/s`),
    );
    expect((await audit(['verify', '--store-only', '--store', target])).code).to.equal(0);

    const again = capturing();
    const ctx2 = new CommandContext(again.output, false, 'audit/auditor', undefined, false);
    expect(await runReplay(ctx2, new FakeNetwork(s.blocks), { store: target })).to.equal(0);
    expect(again.stdout()).to.match(/THIS RUN +STORE\nblocks +0 +\d+/);
    expect(again.stdout()).to.match(/store size +[\d.]+ KB \(\d+ bytes\)/);
  });

  it('replay reports its progress and summary in Chinese', async () => {
    const target = path.join(dir, 'replayed-zh', 'audit.sqlite');
    const c = capturing();
    const ctx = new CommandContext(c.output, false, 'audit/auditor', undefined, false, undefined, {}, 'zh');
    const code = await runReplay(ctx, new FakeNetwork(s.blocks, { breakBefore: [4] }), {
      store: target,
      reconnectMs: 1,
      fromBlock: 0,
    });
    expect(code).to.equal(0);
    expect(c.stderr()).to.match(/^以 audit\/auditor 身份从区块 0 起重放到 \S+$/m);
    expect(c.stderr()).to.match(/区块流中断（.*）；1 毫秒后重连（第 1 次）/);
    expect(c.stderr()).to.match(/\] 100% {2}区块 \d+\/\d+ {2}[\d.]+ 区块\/秒/);
    expect(c.stdout()).to.match(/^已重放到 \S+：下一个区块 \d+（已到达链高度）$/m);
    expect(c.stdout()).to.match(/^ +本次 +审计库合计$/m);
    expect(c.stdout()).to.match(/^无效交易 +1 +1$/m);
    expect(c.stdout()).to.match(/^审计库大小 +[\d.]+ KB（\d+ 字节）$/m);
    const again = capturing();
    const ctx2 = new CommandContext(
      again.output,
      false,
      'audit/auditor',
      undefined,
      false,
      undefined,
      {},
      'zh',
    );
    expect(
      await runReplay(ctx2, new FakeNetwork(s.blocks), {
        store: target,
        fromBlock: 2,
        follow: true,
        signal: AbortSignal.abort(),
      }),
    ).to.equal(0);
    expect(again.stderr()).to.match(/以审计库的检查点为准（忽略 --from-block）：从区块 \d+ 继续/);
    expect(again.stderr()).to.match(/重放并持续跟随/);
  });

  it('replay --follow keeps storing new blocks until stopped', async () => {
    const target = path.join(dir, 'follow.sqlite');
    const net = new FakeNetwork(s.blocks.slice(0, 5));
    const controller = new AbortController();
    const c = capturing();
    const ctx = new CommandContext(c.output, true, 'audit/auditor', undefined, false);
    const running = runReplay(ctx, net, { store: target, follow: true, signal: controller.signal });
    const reader = new SqliteAuditStore({ path: target });
    const waitFor = async (height: number): Promise<void> => {
      while ((await reader.stats()).height < height) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await waitFor(5);
    for (const b of s.blocks.slice(5)) net.append(b);
    await waitFor(s.blocks.length);
    controller.abort();
    expect(await running).to.equal(0);
    await reader.close();
    expect(JSON.parse(c.stdout())).to.include({ stoppedBy: 'abort', nextBlock: s.blocks.length });
    expect(c.stderr()).to.contain('following: block');
  });
});
