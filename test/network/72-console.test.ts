/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the real
 * network: one `catalog serve --org …` per organisation (Guangdong, Sichuan, the auditors), each
 * holding only its own organisation's API keys, served with the console build of `npm run build`.
 * A Guangdong hospital finds 阿莫西林 by its pinyin initials and gets its coverage; a Sichuan
 * proposer uploads an overlay change, Sichuan's approver approves it in a second browser context
 * and the proposer applies it while a Sichuan hospital's item page shows the new version without
 * a reload; the auditors' instance shows that version with its digest and approver; a hospital
 * sees no approve button and forged requests are refused. Screenshots of every view go to
 * test-artifacts/console/, each view is scanned with axe (no serious or critical violation), and
 * the time from the last keystroke to the rendered results is printed.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { computeItemId } from '@nrdl-catalog/chaincode/model';
import { CATALOGUES, label, type MessageKey } from '@nrdl-catalog/chaincode/messages';
import { clientAs, closeClients, ensureCatalog } from './support/catalog';
import { REPO } from './support/cli';
import {
  auditCaughtUp,
  CHROMIUM,
  launchBrowser,
  startConsole,
  type ConsoleInstance,
} from './support/console';
import { peersInStep } from './support/network';

const ARTIFACTS = path.join(REPO, 'test-artifacts', 'console');
const PORTS = { guangdong: 21095, sichuan: 21096, audit: 21097 } as const;
/** A console label as the page shows it in Chinese (the texts have no placeholder). */
const zh = (key: MessageKey): string => CATALOGUES.zh[key];

describe('real network: the web console in Chromium', function () {
  let tmp: string;
  let browser: Browser;
  const instances: ConsoleInstance[] = [];
  let guangdong: ConsoleInstance;
  let sichuan: ConsoleInstance;
  let audit: ConsoleInstance;
  let amoxicillin: { itemId: string; name: string };
  const contexts: BrowserContext[] = [];
  const notes: string[] = [];
  /** The version the Sichuan proposal sealed, its digest and the proposal's title. */
  let sealed: { version: number; digest: string; title: string } | null = null;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: run scripts/install-browser.sh`);
    if (!existsSync(path.join(REPO, 'apps', 'console', 'dist', 'index.html')))
      throw new Error('apps/console/dist missing: npm run build builds the console');
    await ensureCatalog();
    await peersInStep();
    mkdirSync(ARTIFACTS, { recursive: true });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'catalog-console-'));
    // 阿莫西林 口服常释剂型, NRDL 2024 row 853 (the import suite loads the list)
    const itemId = computeItemId({ kind: 'drug', name: '阿莫西林', dosageForm: '口服常释剂型' });
    await clientAs('guangdong/hospital1').getItem({ itemId });
    amoxicillin = { itemId, name: '阿莫西林' };
    const starting = Date.now();
    [guangdong, sichuan, audit] = await Promise.all([
      startConsole('guangdong', PORTS.guangdong, ['hospital1'], tmp, [
        '--read-model',
        path.join(tmp, 'guangdong-search.sqlite'),
      ]),
      startConsole('sichuan', PORTS.sichuan, ['proposer', 'approver', 'hospital1'], tmp, [
        '--read-model',
        path.join(tmp, 'sichuan-search.sqlite'),
      ]),
      // no --as: with --org the store follows the channel as one of the auditors' own identities
      startConsole('audit', PORTS.audit, ['auditor'], tmp, ['--audit-store', path.join(tmp, 'audit.sqlite')]),
    ]);
    instances.push(guangdong, sichuan, audit);
    // the auditors' store replays the chain from block 0: let it finish before the browser starts
    await auditCaughtUp(audit.url, audit.keys.auditor ?? '');
    console.log(
      `      three instances ready (read models and the audit store caught up) in ${String(Math.round((Date.now() - starting) / 1000))} s`,
    );
    browser = await launchBrowser();
  });

  after(async function () {
    for (const context of contexts) await context.close().catch(() => undefined);
    await (browser as Browser | undefined)?.close();
    await Promise.all(instances.map((instance) => instance.stop()));
    closeClients();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async function () {
    // what each open page showed when a test failed
    if (this.currentTest?.state !== 'failed') return;
    for (const instance of instances)
      writeFileSync(path.join(ARTIFACTS, `${instance.org}-serve.log`), instance.output());
    for (const [index, context] of contexts.entries())
      for (const page of context.pages())
        await page
          .screenshot({ path: path.join(ARTIFACTS, `failed-${String(index)}.png`), fullPage: true })
          .catch(() => undefined);
  });

  /** A fresh browser context (its own cookies) signed in to `instance` with `identity`'s key. */
  async function signIn(instance: ConsoleInstance, identity: string, width = 1280): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'zh-CN' });
    // a shared 2-core machine runs the network, three servers and the browser: wait generously
    context.setDefaultTimeout(120_000);
    context.setDefaultNavigationTimeout(120_000);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(instance.url);
    await page.getByTestId('sign-in-key').fill(instance.keys[identity] ?? '');
    await page.getByTestId('sign-in-submit').click();
    await page.getByTestId('role-badge').waitFor();
    return page;
  }

  /** Screenshot of the page as it is, and an axe scan: no serious or critical violation. */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    const result = await new AxeBuilder({ page }).analyze();
    const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`),
      `axe on ${name}`,
    ).to.deep.equal([]);
  }

  /** A session's CSRF token, read as the console reads it. */
  function csrfOf(page: Page): Promise<string> {
    return page.evaluate(async () => {
      const answer = await fetch('/v1/session', { credentials: 'same-origin' });
      return ((await answer.json()) as { csrfToken: string }).csrfToken;
    });
  }

  it('serves the console at / of each organisation’s own instance, with its security headers', async function () {
    const answer = await fetch(`${guangdong.url}/`, { headers: { accept: 'text/html' } });
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('content-security-policy')).to.contain("default-src 'self'");
    expect(await answer.text()).to.contain('<div id="root">');
    // each instance knows only its own organisation's keys
    const other = await fetch(`${guangdong.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: sichuan.keys.approver }),
    });
    expect(other.status).to.equal(401);
  });

  it('a Guangdong hospital finds 阿莫西林 by AMXL and sees its coverage', async function () {
    const page = await signIn(guangdong, 'hospital1');
    expect(await page.getByTestId('role-badge').innerText()).to.equal(label('zh', 'role', 'hospital'));
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-CN');
    await page.getByTestId('nav-search').click();
    const input = page.getByTestId('search-input');
    await input.pressSequentially('AMX');
    // the time from the last keystroke to the rendered results, measured in the page
    const elapsed = await page.evaluate(
      ({ name }) =>
        new Promise<number>((resolve) => {
          const field = document.querySelector<HTMLInputElement>('[data-testid="search-input"]');
          if (field === null) throw new Error('no search input');
          const start = performance.now();
          const observer = new MutationObserver(() => {
            const rows = [...document.querySelectorAll('[data-testid="search-result"]')];
            if (rows.some((row) => row.textContent.includes(name))) {
              observer.disconnect();
              resolve(performance.now() - start);
            }
          });
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
          // the way a keystroke sets it (React listens to the native setter's input event)
          const descriptor = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
          descriptor?.set?.call(field, 'AMXL');
          field.dispatchEvent(new Event('input', { bubbles: true }));
        }),
      { name: amoxicillin.name },
    );
    notes.push(`search "AMXL": results rendered ${elapsed.toFixed(0)} ms after the last keystroke`);
    console.log(`      ${notes.at(-1) ?? ''}`);
    await check(page, 'hospital-search');
    await page
      .getByTestId('search-result')
      .filter({ hasText: amoxicillin.itemId })
      .getByRole('button')
      .click();
    await page.getByTestId('item-title').waitFor();
    expect(await page.getByTestId('item-title').innerText()).to.contain('阿莫西林');
    expect(await page.getByTestId('item-class').innerText()).to.match(/甲|乙/);
    await check(page, 'hospital-item');

    await page.getByTestId('nav-coverage').click();
    await page.getByLabel(zh('console.coverage.province'), { exact: true }).fill('广东');
    await page
      .locator('label', { hasText: zh('console.coverage.by') })
      .locator('select')
      .selectOption('itemId');
    await page.getByLabel(zh('console.coverage.item'), { exact: true }).fill(amoxicillin.itemId);
    await page.getByLabel(zh('console.coverage.date'), { exact: true }).fill('2025-06-01');
    await page.getByRole('button', { name: zh('console.coverage.submit'), exact: true }).click();
    const coverage = page.getByTestId('coverage-result');
    await coverage.waitFor();
    expect(await coverage.innerText()).to.contain(zh('console.coverage.covered'));
    await check(page, 'hospital-coverage');

    // a hospital sees no bureau views and no approve button; the server refuses the forged vote anyway
    expect(await page.getByTestId('nav-proposals').count()).to.equal(0);
    expect(await page.getByTestId('approve-button').count()).to.equal(0);
    const token = await csrfOf(page);
    const forged = await page.evaluate(
      async ({ csrf }) => {
        const answer = await fetch('/v1/proposals/does-not-matter/approve', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
          body: JSON.stringify({ manifestHash: '0'.repeat(64) }),
        });
        return { status: answer.status, body: (await answer.json()) as { code: string } };
      },
      { csrf: token },
    );
    expect(forged.status, JSON.stringify(forged.body)).to.be.oneOf([400, 403, 404]);
    expect(forged.body.code).to.not.equal(undefined);

    // the phone layout
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId('nav-search').click();
    await check(page, 'hospital-search-390');
  });

  it('a Sichuan proposer uploads a change, Sichuan’s approver approves it, a Sichuan hospital sees the new version appear', async function () {
    const restriction = `控制台测试 ${String(process.pid)}-${Date.now().toString(36)}`;
    const changes = path.join(tmp, 'sichuan-changes.csv');
    writeFileSync(
      changes,
      `op,overlay.itemId,overlay.province,overlay.restriction\nsetOverlay,${amoxicillin.itemId},Sichuan,${restriction}\n`,
    );

    // the Sichuan hospital keeps 阿莫西林's item page open (with Sichuan's terms) meanwhile
    const hospital = await signIn(sichuan, 'hospital1');
    await hospital.getByTestId('nav-search').click();
    await hospital.getByTestId('search-input').fill('AMXL');
    await hospital
      .getByTestId('search-result')
      .filter({ hasText: amoxicillin.itemId })
      .getByRole('button')
      .click();
    await hospital.getByTestId('item-title').waitFor();
    await hospital.getByLabel(zh('console.item.province'), { exact: true }).fill('四川');
    const historyBefore = await hospital.getByTestId('history-row').count();

    const proposer = await signIn(sichuan, 'proposer');
    await proposer.getByTestId('nav-create').click();
    const title = `console e2e ${restriction}`;
    await proposer.getByLabel(zh('console.create.name'), { exact: true }).fill(title);
    await proposer.getByLabel(zh('console.create.scope'), { exact: true }).fill('Sichuan');
    await proposer.getByLabel(zh('console.create.effectiveFrom'), { exact: true }).fill('2025-01-01');
    await proposer.getByTestId('changes-file').setInputFiles(changes);
    await proposer.getByTestId('changes-parsed').waitFor();
    await check(proposer, 'bureau-create');
    await proposer.getByRole('button', { name: zh('console.create.submit') }).click();
    const created = proposer.getByTestId('create-result');
    await created.waitFor({ timeout: 120_000 });
    expect(await created.innerText()).to.contain(label('zh', 'status', 'open'));

    // Sichuan's approver, in a second browser context, reviews the diff and approves
    const approver = await signIn(sichuan, 'approver');
    await approver.getByTestId('nav-proposals').click();
    const row = approver.getByTestId('proposal-row').filter({ hasText: title });
    await row.waitFor({ timeout: 120_000 });
    await check(approver, 'bureau-proposals');
    const open = row.getByRole('button').first();
    const proposalId = (await open.innerText()).replace(zh('console.proposals.open'), '').trim();
    await open.click();
    await approver.getByTestId('change-diff').first().waitFor();
    expect(await approver.getByTestId('change-diff').first().innerText()).to.contain(restriction);
    // a vote without the session's CSRF token is refused before anything is asked of the peers
    const noToken = await approver.evaluate(async (id) => {
      const answer = await fetch(`/v1/proposals/${id}/approve`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ manifestHash: '0'.repeat(64) }),
      });
      return { status: answer.status, body: (await answer.json()) as { code: string } };
    }, proposalId);
    expect(noToken).to.deep.include({ status: 403 });
    expect(noToken.body.code).to.equal('CSRF_TOKEN_INVALID');
    // and one from another origin, token and cookie included
    const foreign = await approver
      .context()
      .request.post(`${sichuan.url}/v1/proposals/${proposalId}/approve`, {
        headers: { origin: 'http://127.0.0.9:8080', 'x-csrf-token': await csrfOf(approver) },
        data: { manifestHash: '0'.repeat(64) },
      });
    expect(foreign.status()).to.equal(403);
    expect(((await foreign.json()) as { code: string }).code).to.equal('CSRF_TOKEN_INVALID');
    await check(approver, 'bureau-proposal-diff');
    await approver.getByTestId('approve-button').click();
    await approver.getByTestId('action-result').waitFor({ timeout: 120_000 });
    expect(await approver.getByTestId('tally').innerText()).to.not.equal('');

    // the proposer applies it; the hospital's page shows the new version without a reload
    await proposer.getByTestId('create-result').getByRole('button').click();
    await proposer.getByTestId('apply-button').waitFor({ timeout: 120_000 });
    await proposer.getByTestId('apply-button').click();
    await proposer.getByTestId('action-result').waitFor({ timeout: 180_000 });
    await hospital.getByTestId('overlay-row').filter({ hasText: restriction }).waitFor({ timeout: 120_000 });
    const history = hospital.getByTestId('history-row');
    expect(await history.count()).to.be.greaterThan(historyBefore);
    const version = Number((await history.last().locator('td').first().innerText()).trim());
    const answer = await fetch(`${sichuan.url}/v1/versions/${String(version)}`, {
      headers: { 'x-api-key': sichuan.keys.hospital1 ?? '' },
    });
    expect(answer.status).to.equal(200);
    const body = (await answer.json()) as { version: number; digest: string };
    sealed = { version: body.version, digest: body.digest, title };
    await check(hospital, 'hospital-item-live');
    await peersInStep();
  });

  it('the auditors’ instance shows the new version with its digest, hash chain and approvers', async function () {
    const page = await signIn(audit, 'auditor');
    expect(await page.getByTestId('role-badge').innerText()).to.equal(label('zh', 'role', 'auditor'));
    if (sealed === null) throw new Error('the Sichuan test sealed no version');
    const { digest, title } = sealed;
    // the audit store follows the channel: the version sealed by the previous test arrives
    const row = page.getByTestId('version-row').filter({ hasText: digest.slice(0, 12) });
    for (let tries = 0; (await row.count()) === 0; tries += 1) {
      if (tries === 30) throw new Error(`version ${String(sealed.version)} (${digest}) not in the timeline`);
      await page.waitForTimeout(2_000);
      if (tries % 5 === 4) await page.reload();
    }
    expect(await row.getByTestId('digest').getAttribute('title')).to.equal(digest);
    const approval = page.getByTestId('audit-proposal').filter({ hasText: title });
    await approval.waitFor({ timeout: 120_000 });
    expect(await approval.innerText()).to.contain(`SichuanMSP: ${zh('console.proposal.approve')}`);
    // the auditors recomputed the version's digest from its rows; its approvers are named
    expect(await row.getByTestId('digest-check').innerText()).to.equal(zh('console.audit.digestOk'));
    expect(await row.getByTestId('version-approvers').innerText()).to.contain('SichuanMSP');
    // the report's four charts, each drawn (a canvas) or saying it has nothing to draw
    const charts = page.locator('figure[data-chart]');
    await charts.first().waitFor({ timeout: 120_000 });
    expect(
      await charts.evaluateAll((figures) => figures.map((f) => f.getAttribute('data-chart'))),
    ).to.deep.equal(['changes-per-version', 'changes-per-province', 'rejected-attempts', 'proposal-to-seal']);
    expect(await page.locator('figure[data-chart="changes-per-version"] canvas').count()).to.equal(1);
    // verify now: the auditors' store checks pass, with the time of the run
    await page.getByTestId('verify-now').click();
    const result = page.getByTestId('verify-result');
    await result.filter({ hasText: zh('console.audit.verifyOk') }).waitFor({ timeout: 300_000 });
    notes.push(`audit verify from the console: ${(await result.innerText()).split('\n')[0] ?? ''}`);
    console.log(`      ${notes.at(-1) ?? ''}`);
    await check(page, 'audit-timeline');
    await page.setViewportSize({ width: 390, height: 844 });
    await check(page, 'audit-timeline-390');
  });
});
