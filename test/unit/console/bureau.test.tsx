/**
 * The bureaus' screens: proposals by status with each organisation's vote, a proposal's change set
 * as a field-by-field diff against the head, approve sending the manifest hash shown, reject with a
 * reason, coded refusals (SELF_APPROVAL) shown plainly, withdraw, apply, print, a new proposal from
 * an uploaded CSV with its progress bar, and live refresh on a `proposal` event.
 */
import { page, useDom } from './support/dom';
import { act, fireEvent, render, waitFor } from '@testing-library/react';
import { expect } from 'chai';
import type { ReactElement } from 'react';
import { Api, type Session } from '../../../apps/console/src/api';
import { CreateProposal, ProposalView, Proposals } from '../../../apps/console/src/Bureau';
import { ApiContext } from '../../../apps/console/src/common';
import { LiveContext, LiveEvents } from '../../../apps/console/src/events';
import { i18nOf, I18nContext } from '../../../apps/console/src/i18n';
import { fakeEventSource, fakeFetch, FakeEventSource, type Handler, type Reply } from './support/fakes';
import {
  governance,
  HASH,
  ITEM_ID,
  item,
  itemView,
  proposal,
  proposalDetail,
  session,
} from './support/fixtures';

function withApi(routes: Record<string, Handler | Reply>, lang: 'zh' | 'en' = 'zh') {
  const { fetchFn, calls } = fakeFetch(routes);
  const api = new Api(() => lang, fetchFn);
  api.csrfToken = 'csrf-1';
  const live = new LiveEvents();
  live.start(fakeEventSource);
  const wrap = (element: ReactElement): ReactElement => (
    <I18nContext.Provider value={i18nOf(lang)}>
      <ApiContext.Provider value={api}>
        <LiveContext.Provider value={live}>{element}</LiveContext.Provider>
      </ApiContext.Provider>
    </I18nContext.Provider>
  );
  return { calls, wrap };
}

const as = (role: string): Session => session(role) as unknown as Session;

/** The head: the item as listed, its Sichuan terms absent. */
const headRoutes: Record<string, Handler> = {
  'GET /v1/items/*': (seen) =>
    seen.url.includes('province=Sichuan') ? { body: { ...itemView, overlays: [] } } : { body: itemView },
};

describe('console: bureau screens', function () {
  useDom();

  it('lists proposals by status with each organisation vote, and refreshes on a proposal event', async function () {
    let listed = [proposal()];
    const { calls, wrap } = withApi({
      'GET /v1/proposals': () => ({ body: { records: listed, bookmark: '' } }),
      'GET /v1/proposals/*': (seen) =>
        seen.url.startsWith('/v1/proposals/p8')
          ? { body: { ...proposalDetail({ id: 'p8', title: '第二个' }), votes: [] } }
          : { body: proposalDetail() },
    });
    const opened: string[] = [];
    render(wrap(<Proposals onOpen={(id) => opened.push(id)} />));
    const row = await page().findByTestId('proposal-row');
    expect(row.textContent)
      .to.include('p7')
      .and.include('调整阿莫西林限定支付范围')
      .and.include('全国')
      .and.include('SichuanMSP: 同意');
    expect(calls.map((c) => c.url)).to.deep.equal([
      '/v1/proposals?status=open',
      '/v1/proposals/p7?changes=true',
    ]);
    fireEvent.click(page().getByRole('button', { name: /p7/ }));
    expect(opened).to.deep.equal(['p7']);
    listed = [proposal(), proposal({ id: 'p8', title: '第二个' })];
    act(() => {
      FakeEventSource.last!.emit('proposal', { proposalId: 'p8', event: 'ProposalOpened' });
    });
    await waitFor(() => {
      expect(page().getAllByTestId('proposal-row')).to.have.length(2);
    });
    expect(page().getAllByTestId('proposal-row')[1]?.textContent).to.include('尚无投票');
    listed = [];
    fireEvent.change(page().getByLabelText('状态'), { target: { value: 'applied' } });
    await page().findByText('没有该状态的提案');
    expect(calls.at(-1)?.url).to.equal('/v1/proposals?status=applied');
  });

  it("shows a proposal's change set field by field and approves with the manifest hash shown", async function () {
    let detail = proposalDetail();
    const { calls, wrap } = withApi({
      ...headRoutes,
      'GET /v1/proposals/*': () => ({ body: detail }),
      'POST /v1/proposals/p7/approve': { body: { transactionId: 'tx-approve', blockNumber: 42, value: {} } },
    });
    render(wrap(<ProposalView proposalId="p7" session={as('approver')} onBack={() => undefined} />));
    expect((await page().findByTestId('manifest')).textContent)
      .to.include(HASH)
      .and.include('基准版本 18')
      .and.include('治理版本 3');
    expect(page().getByTestId('vote-row').textContent).to.include('SichuanMSP').and.include('同意');
    expect(page().getByTestId('tally').textContent).to.include('所需省份数：2').and.include('已达法定数：否');
    await waitFor(() => {
      expect(page().getAllByTestId('change-diff')).to.have.length(2);
    });
    const [upsert, overlay] = page().getAllByTestId('change-diff');
    const fields = (article: HTMLElement | undefined): string[][] =>
      [...(article?.querySelectorAll('[data-testid="diff-field"]') ?? [])].map((row) =>
        [...row.children].map((cell) => cell.textContent),
      );
    expect(upsert?.querySelector('h4')?.textContent).to.include('新增或修改项目').and.include(ITEM_ID);
    expect(fields(upsert)).to.deep.equal([
      ['paymentStandard.amount', '-', '9.9'],
      ['paymentStandard.confidential', 'true', 'false'],
      ['paymentStandard.text', '', '9.9元'],
      ['remark', '限儿童患者', '限成人患者'],
    ]);
    expect(overlay?.textContent).to.include('新增');
    expect(fields(overlay)).to.deep.include.members([
      ['province', '-', 'Sichuan'],
      ['restriction', '-', '限门诊'],
    ]);
    expect(page().getByText('第 1–2 项，共 2 项')).to.not.equal(null);
    expect(page().queryByTestId('withdraw-button')).to.equal(null);
    fireEvent.change(page().getByLabelText('意见（驳回时必填）'), { target: { value: ' 已审阅 ' } });
    fireEvent.click(page().getByTestId('approve-button'));
    expect((await page().findByTestId('action-result')).textContent).to.equal(
      '已提交：区块 42，交易 tx-approve',
    );
    const approve = calls.find((c) => c.method === 'POST');
    expect(approve?.url).to.equal('/v1/proposals/p7/approve');
    expect(approve?.body).to.deep.equal({
      manifestHash: HASH,
      baseVersion: 18,
      governanceVersion: 3,
      comment: '已审阅',
    });
    expect(approve?.headers['X-CSRF-Token']).to.equal('csrf-1');
    // a change of the proposal (another vote) is shown live
    detail = proposalDetail({ status: 'approved' });
    act(() => {
      FakeEventSource.last!.emit('proposal', { proposalId: 'other' });
    });
    act(() => {
      FakeEventSource.last!.emit('proposal', { proposalId: 'p7' });
    });
    await waitFor(() => {
      expect(page().queryByTestId('approve-button')).to.equal(null);
    });
  });

  it('needs a reason to reject, and shows a coded refusal plainly', async function () {
    const { calls, wrap } = withApi(
      {
        ...headRoutes,
        'GET /v1/proposals/*': { body: proposalDetail() },
        'POST /v1/proposals/p7/reject': { body: { transactionId: 'tx-r', blockNumber: 43, value: {} } },
        'POST /v1/proposals/p7/approve': {
          status: 403,
          body: {
            code: 'SELF_APPROVAL',
            message: 'SELF_APPROVAL: NHSAMSP proposed p7 and may not approve it',
          },
        },
      },
      'en',
    );
    render(wrap(<ProposalView proposalId="p7" session={as('approver')} onBack={() => undefined} />));
    fireEvent.click(await page().findByTestId('reject-button'));
    expect((await page().findByRole('alert')).textContent).to.equal('give a reason to reject');
    expect(calls.filter((c) => c.method === 'POST')).to.have.length(0);
    fireEvent.click(page().getByTestId('approve-button'));
    expect((await page().findByText(/^SELF_APPROVAL/)).textContent).to.equal(
      'SELF_APPROVAL: NHSAMSP proposed p7 and may not approve it',
    );
    fireEvent.change(page().getByLabelText('Comment (required to reject)'), {
      target: { value: 'wrong class' },
    });
    fireEvent.click(page().getByTestId('reject-button'));
    await page().findByTestId('action-result');
    const reject = calls.find((c) => c.url.endsWith('/reject'));
    expect(reject?.body).to.deep.equal({
      manifestHash: HASH,
      baseVersion: 18,
      governanceVersion: 3,
      comment: 'wrong class',
    });
  });

  it('lets the proposer withdraw and apply, prints the diff, and pages through a long change set', async function () {
    const many = proposalDetail({ status: 'approved', changeCount: 25 });
    (many.chunks as { changes: unknown[] }[])[0]!.changes = Array.from({ length: 25 }, (_, i) => ({
      op: 'removeItem',
      itemId: `D-${String(i).padStart(16, '0')}`,
    }));
    (many.chunks as Record<string, unknown>[]).push({ index: 1, changeCount: 0, hash: 'c', applied: false });
    const { calls, wrap } = withApi({
      'GET /v1/items/*': (seen) =>
        seen.url.includes('D-0000000000000003')
          ? { status: 404, body: { code: 'ITEM_NOT_FOUND', message: 'no item' } }
          : { body: itemView },
      'GET /v1/proposals/*': { body: many },
      'POST /v1/proposals/p7/withdraw': { body: { transactionId: 'tx-w', blockNumber: 50, value: {} } },
      'POST /v1/proposals/p7/apply': { body: { transactionId: 'tx-seal', blockNumber: 51, value: {} } },
    });
    let printed = 0;
    window.print = (): void => {
      printed += 1;
    };
    let back = 0;
    render(wrap(<ProposalView proposalId="p7" session={as('proposer')} onBack={() => (back += 1)} />));
    await page().findByTestId('apply-button');
    expect(page().queryByTestId('approve-button')).to.equal(null);
    await waitFor(() => {
      expect(page().getAllByTestId('change-diff')).to.have.length(20);
    });
    expect(page().getAllByTestId('change-diff')[0]?.textContent).to.include('移除项目').and.include('删除');
    expect(page().getAllByTestId('change-diff')[3]?.textContent).to.include('与当前版本无差异');
    fireEvent.click(page().getByRole('button', { name: '下一页' }));
    await waitFor(() => {
      expect(page().getAllByTestId('change-diff')).to.have.length(5);
    });
    expect(page().getByText('第 21–25 项，共 25 项')).to.not.equal(null);
    fireEvent.click(page().getByRole('button', { name: '上一页' }));
    await waitFor(() => {
      expect(page().getAllByTestId('change-diff')).to.have.length(20);
    });
    fireEvent.click(page().getByTestId('print-button'));
    expect(printed).to.equal(1);
    fireEvent.click(page().getByTestId('apply-button'));
    expect((await page().findByTestId('action-result')).textContent).to.include('区块 51');
    fireEvent.click(page().getByTestId('withdraw-button'));
    await waitFor(() => {
      expect(page().getByTestId('action-result').textContent).to.include('区块 50');
    });
    expect(calls.find((c) => c.url.endsWith('/withdraw'))?.body).to.deep.equal({});
    fireEvent.click(page().getByRole('button', { name: '返回提案列表' }));
    expect(back).to.equal(1);
  });

  it('diffs every kind of change against what the API can read back', async function () {
    const detail = proposalDetail();
    (detail.chunks as { changes: unknown[] }[])[0]!.changes = [
      { op: 'upsertItem', item: { ...item, id: undefined, name: '新药' } },
      { op: 'clearOverlay', itemId: ITEM_ID, province: 'Guangdong' },
      { op: 'upsertRule', rule: { id: 'R9', type: 'age', minAge: 18 } },
      { op: 'setPaymentPolicy', policy: { province: 'Sichuan', rows: [] } },
      { op: 'removeRule', ruleId: 'R9' },
      { op: 'clearPaymentPolicy', province: 'Sichuan' },
      { op: 'reindexItem', itemId: ITEM_ID },
    ];
    const { wrap } = withApi({ ...headRoutes, 'GET /v1/proposals/*': { body: detail } }, 'en');
    render(wrap(<ProposalView proposalId="p7" session={as('hospital')} onBack={() => undefined} />));
    await waitFor(() => {
      expect(page().getAllByTestId('change-diff')).to.have.length(7);
    });
    const heads = page()
      .getAllByTestId('change-diff')
      .map((article) => article.querySelector('h4')?.textContent);
    expect(heads).to.deep.equal([
      'add or change item · 新药 new',
      `clear provincial terms · ${ITEM_ID} / Guangdong removed`,
      'add or change rule · R9 new',
      'set payment policy · Sichuan new',
      'remove rule · R9 removed',
      'clear payment policy · Sichuan removed',
      `reindexItem · ${ITEM_ID} `,
    ]);
    expect(page().queryByTestId('approve-button')).to.equal(null);
    expect(page().queryByTestId('withdraw-button')).to.equal(null);
  });

  it('shows a refused diff read and a refused proposal', async function () {
    const { wrap } = withApi({
      'GET /v1/items/*': {
        status: 503,
        body: { code: 'DEADLINE_EXCEEDED', message: 'the gateway did not answer' },
      },
      'GET /v1/proposals/*': { body: proposalDetail() },
    });
    const view = render(
      wrap(<ProposalView proposalId="p7" session={as('approver')} onBack={() => undefined} />),
    );
    expect((await page().findByRole('alert')).textContent).to.equal(
      'DEADLINE_EXCEEDED: the gateway did not answer',
    );
    view.unmount();
    const missing = withApi({
      'GET /v1/proposals/*': { status: 404, body: { code: 'PROPOSAL_NOT_FOUND', message: 'no proposal p9' } },
    });
    render(missing.wrap(<ProposalView proposalId="p9" session={as('approver')} onBack={() => undefined} />));
    expect((await page().findByRole('alert')).textContent).to.equal('PROPOSAL_NOT_FOUND: no proposal p9');
  });

  it('creates a proposal from an uploaded CSV of changes, with a progress bar while chunks are added', async function () {
    let finish: (reply: Reply) => void = () => undefined;
    const { calls, wrap } = withApi({
      'GET /v1/governance': { body: governance({ maxChunkChanges: 2 }) },
      'POST /v1/proposals': () =>
        new Promise<Reply>((resolve) => {
          finish = resolve;
        }),
    });
    const opened: string[] = [];
    render(wrap(<CreateProposal session={as('proposer')} onOpen={(id) => opened.push(id)} />));
    fireEvent.change(page().getByLabelText('标题'), { target: { value: ' 四川省级规定 ' } });
    fireEvent.change(page().getByLabelText('范围：national（全国）或本省名称'), {
      target: { value: 'Sichuan' },
    });
    fireEvent.change(page().getByLabelText('生效日期'), { target: { value: '2026-01-01' } });
    fireEvent.submit(page().getByRole('button', { name: '创建并提交审批' }).closest('form')!);
    expect((await page().findByRole('alert')).textContent).to.equal('文件中没有变更');
    const csv = [
      'op,overlay.itemId,overlay.province,overlay.restriction,overlay.suspended',
      `setOverlay,${ITEM_ID},Sichuan,限门诊,false`,
      `setOverlay,D-2,Sichuan,限住院,false`,
      `setOverlay,D-3,Sichuan,,true`,
    ].join('\n');
    fireEvent.change(page().getByTestId('changes-file'), {
      target: { files: [new window.File([csv], 'changes.csv', { type: 'text/csv' })] },
    });
    expect((await page().findByTestId('changes-parsed')).textContent).to.equal(
      '3 项变更，2 个分块（每块至多 2 项）',
    );
    fireEvent.click(page().getByRole('button', { name: '创建并提交审批' }));
    const bar = await page().findByTestId('create-progress');
    expect(bar.getAttribute('max')).to.equal('2');
    expect(bar.getAttribute('value')).to.equal('0');
    await waitFor(() => {
      expect(calls.find((c) => c.method === 'POST')).to.not.equal(undefined);
    });
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.headers['X-CSRF-Token']).to.equal('csrf-1');
    expect(post?.body).to.deep.equal({
      title: '四川省级规定',
      scope: 'Sichuan',
      effectiveFrom: '2026-01-01',
      changes: [
        {
          op: 'setOverlay',
          overlay: { itemId: ITEM_ID, province: 'Sichuan', restriction: '限门诊', suspended: false },
        },
        {
          op: 'setOverlay',
          overlay: { itemId: 'D-2', province: 'Sichuan', restriction: '限住院', suspended: false },
        },
        { op: 'setOverlay', overlay: { itemId: 'D-3', province: 'Sichuan', suspended: true } },
      ],
    });
    act(() => {
      FakeEventSource.last!.emit('proposal', { proposalId: 'p9', chunkIndex: 0, alreadyAdded: false });
    });
    act(() => {
      FakeEventSource.last!.emit('proposal', { proposalId: 'p9', event: 'ProposalCreated' });
    });
    expect(page().getByTestId('create-progress').getAttribute('value')).to.equal('1');
    expect(page().getByText(/已添加分块/).textContent).to.include('(1/2)');
    expect(page().getByRole('button', { name: '创建并提交审批' }).hasAttribute('disabled')).to.equal(true);
    act(() => {
      finish({
        status: 201,
        body: { proposalId: 'p9', status: 'open', resumed: false, value: proposalDetail({ id: 'p9' }) },
      });
    });
    expect((await page().findByTestId('create-result')).textContent).to.include('提案 p9 状态：审批中');
    expect(page().getByTestId('create-progress').getAttribute('value')).to.equal('2');
    fireEvent.click(page().getByRole('button', { name: '审阅' }));
    expect(opened).to.deep.equal(['p9']);
  });

  it('shows a refused creation and an unreadable file, and nothing for other roles', async function () {
    const { wrap } = withApi(
      {
        'GET /v1/governance': { status: 502, raw: 'down' },
        'POST /v1/proposals': {
          status: 422,
          body: { code: 'CATALOG_RULE', message: 'changes/0: a service item needs its owning province' },
        },
      },
      'en',
    );
    const view = render(wrap(<CreateProposal session={as('proposer')} onOpen={() => undefined} />));
    fireEvent.change(page().getByTestId('changes-file'), {
      target: { files: [new window.File(['itemId\nD-1\n'], 'bad.csv')] },
    });
    expect((await page().findByRole('alert')).textContent).to.equal('cannot read the changes: row 2: op');
    fireEvent.change(page().getByTestId('changes-file'), {
      target: { files: [new window.File(['[{"op":"upsertItem","item":{}}]'], 'ok.json')] },
    });
    expect((await page().findByTestId('changes-parsed')).textContent).to.equal(
      '1 changes, - chunks of at most -',
    );
    fireEvent.change(page().getByLabelText('Title'), { target: { value: 'x' } });
    fireEvent.change(page().getByLabelText('Rationale'), { target: { value: 'because' } });
    fireEvent.change(page().getByLabelText('In force from'), { target: { value: '2026-01-01' } });
    fireEvent.click(page().getByRole('button', { name: 'Create and open for approval' }));
    expect((await page().findByText(/^CATALOG_RULE/)).textContent).to.equal(
      'CATALOG_RULE: changes/0: a service item needs its owning province',
    );
    expect(page().queryByTestId('create-progress')).to.equal(null);
    view.unmount();
    const other = render(wrap(<CreateProposal session={as('approver')} onOpen={() => undefined} />));
    expect(other.container.innerHTML).to.equal('');
  });

  it('shows a resumed proposal and an indeterminate bar until the chunk size is known', async function () {
    let finish: (reply: Reply) => void = () => undefined;
    const { wrap } = withApi({
      'GET /v1/governance': () => new Promise<Reply>(() => undefined),
      'POST /v1/proposals': () =>
        new Promise<Reply>((resolve) => {
          finish = resolve;
        }),
    });
    render(wrap(<CreateProposal session={as('proposer')} onOpen={() => undefined} />));
    fireEvent.change(page().getByTestId('changes-file'), {
      target: { files: [new window.File(['[{"op":"removeItem","itemId":"D-1"}]'], 'c.json')] },
    });
    await page().findByTestId('changes-parsed');
    fireEvent.change(page().getByLabelText('标题'), { target: { value: 'x' } });
    fireEvent.change(page().getByLabelText('生效日期'), { target: { value: '2026-01-01' } });
    fireEvent.click(page().getByRole('button', { name: '创建并提交审批' }));
    const bar = await page().findByTestId('create-progress');
    expect(bar.hasAttribute('max')).to.equal(false);
    act(() => {
      FakeEventSource.last!.emit('proposal', { chunkIndex: 0 });
    });
    act(() => {
      finish({
        status: 201,
        body: { proposalId: 'p3', status: 'approved', resumed: true, value: proposalDetail() },
      });
    });
    expect((await page().findByTestId('create-result')).textContent).to.include('已有提案 p3 包含相同变更');
  });
});
