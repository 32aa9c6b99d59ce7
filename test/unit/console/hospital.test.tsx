/**
 * The hospital's screens: search as you type (debounced: one request for what was typed last),
 * the item page (every field, class, restriction, 价格保密, agreement period, provincial terms,
 * history by version), coverage for province + date + patient, the claim check from pasted or
 * uploaded CSV/JSON.
 */
import { page, useDom } from './support/dom';
import { act, fireEvent, render, waitFor } from '@testing-library/react';
import { expect } from 'chai';
import type { ReactElement } from 'react';
import { Api } from '../../../apps/console/src/api';
import { ApiContext } from '../../../apps/console/src/common';
import { LiveContext, LiveEvents } from '../../../apps/console/src/events';
import {
  ClaimCheck,
  Coverage,
  ItemPage,
  paymentText,
  Search,
  SEARCH_DEBOUNCE_MS,
} from '../../../apps/console/src/Hospital';
import { i18nOf, I18nContext } from '../../../apps/console/src/i18n';
import { fakeEventSource, fakeFetch, FakeEventSource, type Handler, type Reply } from './support/fakes';
import { coverage, history, ITEM_ID, itemView, searchAnswer } from './support/fixtures';

function withApi(routes: Record<string, Handler | Reply>, lang: 'zh' | 'en' = 'zh') {
  const { fetchFn, calls } = fakeFetch(routes);
  const api = new Api(() => lang, fetchFn);
  const live = new LiveEvents();
  live.start(fakeEventSource);
  const wrap = (element: ReactElement): ReactElement => (
    <I18nContext.Provider value={i18nOf(lang)}>
      <ApiContext.Provider value={api}>
        <LiveContext.Provider value={live}>{element}</LiveContext.Provider>
      </ApiContext.Provider>
    </I18nContext.Provider>
  );
  return { calls, wrap, live };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('console: hospital screens', function () {
  useDom();

  it('searches as you type, once typing pauses, and opens an item', async function () {
    const { calls, wrap } = withApi({ 'GET /v1/search': { body: searchAnswer } });
    const opened: string[] = [];
    let province = '';
    const view = render(
      wrap(
        <Search province={province} onProvince={(p) => (province = p)} onOpen={(id) => opened.push(id)} />,
      ),
    );
    const input = page().getByTestId('search-input');
    expect(page().getByLabelText('名称、拼音首字母（如 AMXL）或编码')).to.equal(input);
    for (const text of ['A', 'AM', 'AMX', 'AMXL']) fireEvent.change(input, { target: { value: text } });
    expect(calls).to.have.length(0);
    await sleep(SEARCH_DEBOUNCE_MS / 2);
    expect(calls, 'nothing before the pause ends').to.have.length(0);
    const row = await page().findByTestId('search-result');
    expect(calls.map((c) => c.url)).to.deep.equal(['/v1/search?q=AMXL&limit=20']);
    expect(row.textContent)
      .to.include('阿莫西林')
      .and.include('口服常释剂型')
      .and.include('药品')
      .and.include('拼音');
    expect(page().getByText(/共 1 条；目录第 18 版/)).to.not.equal(null);
    fireEvent.click(page().getByRole('button', { name: '阿莫西林' }));
    expect(opened).to.deep.equal([ITEM_ID]);
    fireEvent.change(page().getByLabelText('类别'), { target: { value: 'drug' } });
    await waitFor(() => expect(calls).to.have.length(2));
    expect(calls[1]?.url).to.equal('/v1/search?q=AMXL&kind=drug&limit=20');
    fireEvent.change(page().getByLabelText('省份（全国项目及本省项目）'), { target: { value: 'Guangdong' } });
    expect(province).to.equal('Guangdong');
    view.rerender(
      wrap(<Search province="Guangdong" onProvince={() => undefined} onOpen={() => undefined} />),
    );
    await waitFor(() => expect(calls).to.have.length(3));
    expect(calls[2]?.url).to.equal('/v1/search?q=AMXL&kind=drug&province=Guangdong&limit=20');
    // a new sealed version: the answer is asked again
    act(() => {
      FakeEventSource.last!.emit('version', { version: 19 });
    });
    await waitFor(() => expect(calls).to.have.length(4));
    fireEvent.change(input, { target: { value: '  ' } });
    await sleep(SEARCH_DEBOUNCE_MS + 50);
    expect(calls).to.have.length(4);
    expect(page().queryByTestId('search-result')).to.equal(null);
  });

  it('pages on with "show more", says when nothing is found and shows refusals', async function () {
    let answer: Reply = { body: { ...searchAnswer, total: 30 } };
    const { calls, wrap } = withApi({ 'GET /v1/search': () => answer });
    render(wrap(<Search province="" onProvince={() => undefined} onOpen={() => undefined} />));
    fireEvent.change(page().getByTestId('search-input'), { target: { value: '阿莫西林' } });
    fireEvent.click(await page().findByRole('button', { name: '显示更多' }));
    await waitFor(() => expect(calls.at(-1)?.url).to.include('limit=40'));
    answer = { body: { ...searchAnswer, total: 0, hits: [] } };
    fireEvent.change(page().getByTestId('search-input'), { target: { value: 'ZZZZ' } });
    await page().findByText('未找到匹配项目');
    answer = { status: 503, body: { code: 'READ_MODEL_BEHIND', message: '检索库落后于链' } };
    fireEvent.change(page().getByTestId('search-input'), { target: { value: 'QQ' } });
    expect((await page().findByRole('alert')).textContent).to.equal('READ_MODEL_BEHIND: 检索库落后于链');
  });

  it("shows an item's page: every field, 价格保密, restriction, agreement period, provincial terms, history", async function () {
    const { calls, wrap } = withApi({
      'GET /v1/items/*': (seen) => (seen.url.includes('/history') ? { body: history } : { body: itemView }),
    });
    let back = 0;
    render(wrap(<ItemPage itemId={ITEM_ID} province="Guangdong" onBack={() => (back += 1)} />));
    expect((await page().findByTestId('item-title')).textContent).to.equal('阿莫西林 · 口服常释剂型');
    expect(page().getByTestId('item-payment').textContent).to.equal('价格保密');
    expect(page().getByTestId('item-class').textContent).to.equal('乙类');
    expect(page().getByTestId('item-restriction').textContent).to.equal('限二级及以上医疗机构');
    expect(page().getByTestId('item-agreement').textContent).to.equal('2025-01-01 至 2026-12-31');
    expect(page().getByTestId('overlay-row').textContent)
      .to.include('广东省')
      .and.include('0.1')
      .and.include('否');
    const fields = page().getByText('全部字段').nextElementSibling!;
    expect(fields.textContent)
      .to.include('XJ01')
      .and.include('抗感染药 / 青霉素类')
      .and.include('NRDL-2024')
      .and.include('协议期内谈判药品部分');
    await waitFor(() => expect(page().getAllByTestId('history-row')).to.have.length(3));
    expect(
      page()
        .getAllByTestId('history-row')
        .map((row) => row.firstElementChild?.textContent),
    ).to.deep.equal(['1', '3', '5']);
    expect(page().getAllByTestId('history-row')[1]?.textContent).to.include('Guangdong');
    expect(page().getByText(/目录第 18 版/).textContent).to.include('p-import');
    expect(calls.map((c) => c.url)).to.deep.equal([
      `/v1/items/${ITEM_ID}?province=Guangdong`,
      `/v1/items/${ITEM_ID}/history?province=Guangdong`,
    ]);
    fireEvent.change(page().getByLabelText('查看省级规定的省份'), { target: { value: '' } });
    await waitFor(() => expect(calls.at(-1)?.url).to.equal(`/v1/items/${ITEM_ID}/history`));
    act(() => {
      FakeEventSource.last!.emit('version', {});
    });
    await waitFor(() => expect(calls).to.have.length(6));
    fireEvent.click(page().getByRole('button', { name: '返回检索结果' }));
    expect(back).to.equal(1);
  });

  it('shows a payment standard by its text or amount, and an item without terms', async function () {
    expect(paymentText('en', { text: '', amount: null, confidential: true })).to.equal('confidential');
    expect(paymentText('zh', { text: '12元', amount: 12, confidential: false })).to.equal('12元');
    expect(paymentText('zh', { text: '', amount: 12, confidential: false })).to.equal('12');
    expect(paymentText('zh', { text: '', amount: null, confidential: false })).to.equal('-');
    expect(paymentText('zh', null)).to.equal('-');
    const plain = {
      ...itemView,
      overlays: [],
      rules: [],
      item: {
        ...itemView.item,
        class: null,
        dosageForm: null,
        remark: null,
        agreementPeriod: null,
        paymentStandard: null,
        categoryPath: [],
      },
    };
    const { wrap } = withApi(
      {
        'GET /v1/items/*': (seen) =>
          seen.url.includes('/history')
            ? { status: 404, body: { code: 'ITEM_NOT_FOUND', message: 'no item' } }
            : { body: plain },
      },
      'en',
    );
    render(wrap(<ItemPage itemId={ITEM_ID} province="" onBack={() => undefined} />));
    expect((await page().findByTestId('item-title')).textContent).to.equal('阿莫西林');
    expect(page().getByTestId('item-payment').textContent).to.equal('-');
    expect(page().getByTestId('item-agreement').textContent).to.equal('-');
    expect(page().getByText('no provincial terms')).to.not.equal(null);
    expect((await page().findByRole('alert')).textContent).to.equal('ITEM_NOT_FOUND: no item');
  });

  it('asks coverage for a province, a date and a patient, and shows the answer', async function () {
    let reply: Reply = { body: coverage };
    const { calls, wrap } = withApi({ 'GET /v1/coverage': () => reply });
    render(wrap(<Coverage province="Guangdong" />));
    fireEvent.change(page().getByTestId('coverage-item'), { target: { value: ` ${ITEM_ID} ` } });
    fireEvent.change(page().getByLabelText('日期'), { target: { value: '2025-06-01' } });
    fireEvent.change(page().getByLabelText('患者年龄'), { target: { value: '40' } });
    fireEvent.change(page().getByLabelText('患者性别'), { target: { value: 'F' } });
    fireEvent.change(page().getByLabelText('医院级别'), { target: { value: '3' } });
    fireEvent.change(page().getByLabelText('就诊类型'), { target: { value: 'outpatient' } });
    fireEvent.change(page().getByLabelText('险种'), { target: { value: 'employee' } });
    fireEvent.click(page().getByRole('button', { name: '判断' }));
    const result = await page().findByTestId('coverage-result');
    expect(calls[0]?.url).to.equal(
      `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&date=2025-06-01&age=40&sex=F&level=3&visit=outpatient&insurance=employee`,
    );
    expect(result.textContent)
      .to.include('可报销')
      .and.include('COVERED 可报销')
      .and.include('12.5元/盒')
      .and.include('目录第 18 版');
    // by name, several matches: choose one by its id
    reply = {
      body: {
        province: 'Guangdong',
        date: '2025-06-01',
        catalogVersion: 18,
        query: { name: '阿莫西林' },
        matches: [coverage, { ...coverage, itemId: 'D-2', dosageForm: '颗粒剂' }],
      },
    };
    fireEvent.change(page().getByLabelText('项目查询方式'), { target: { value: 'name' } });
    fireEvent.change(page().getByTestId('coverage-item'), { target: { value: '阿莫西林' } });
    fireEvent.click(page().getByRole('button', { name: '判断' }));
    await page().findByText('匹配到 2 个项目，请按项目编号选择');
    expect(calls[1]?.url).to.include(`name=${encodeURIComponent('阿莫西林')}`);
    reply = {
      body: {
        ...coverage,
        itemId: 'D-2',
        covered: false,
        reason: 'AGREEMENT_EXPIRED',
        agreementPeriod: { from: '2025-01-01', to: '2026-12-31' },
        paymentStandard: { text: '', amount: null, confidential: true },
      },
    };
    fireEvent.click(page().getByRole('button', { name: /颗粒剂/ }));
    await page().findByText('不予报销');
    expect(calls[2]?.url).to.include('itemId=D-2');
    expect(page().getByTestId('coverage-result').textContent)
      .to.include('AGREEMENT_EXPIRED')
      .and.include('价格保密')
      .and.include('2025-01-01 至 2026-12-31');
    reply = { status: 400, body: { code: 'UNKNOWN_PROVINCE', message: 'unknown province "Atlantis"' } };
    fireEvent.click(page().getByRole('button', { name: '判断' }));
    expect((await page().findByRole('alert')).textContent).to.equal(
      'UNKNOWN_PROVINCE: unknown province "Atlantis"',
    );
    expect(page().queryByTestId('coverage-result')).to.equal(null);
  });

  it('checks a pasted or uploaded claim and shows each line and the findings', async function () {
    const answer = {
      province: 'Guangdong',
      catalogVersion: 18,
      lines: [
        { line: 1, status: 'ok', coverage: { ...coverage }, rules: [], error: null },
        {
          line: 2,
          status: 'error',
          coverage: null,
          rules: [],
          error: {
            code: 'ITEM_NOT_FOUND',
            message: 'no item X',
            text: { zh: '没有项目 X', en: 'no item X' },
          },
        },
      ],
      findings: [
        {
          kind: 'duplicateCharge',
          outcome: 'violated',
          ruleIds: ['R1'],
          lines: [1, 2],
          sources: [],
          text: { zh: '重复收费', en: 'duplicate charge' },
        },
      ],
      summary: { lines: 2, errors: 1, byStatus: {}, findings: 1, batches: 1 },
    };
    const { calls, wrap } = withApi({ 'POST /v1/claims/check': { body: answer } });
    render(wrap(<ClaimCheck province="Guangdong" />));
    fireEvent.click(page().getByRole('button', { name: '审核' }));
    expect((await page().findByRole('alert')).textContent).to.equal('结算明细为空');
    expect(calls).to.have.length(0);
    fireEvent.change(page().getByTestId('claim-text'), {
      target: { value: 'itemId,quantity\nD-1,2\nX,1\n' },
    });
    fireEvent.change(page().getByLabelText('结算日期'), { target: { value: '2025-06-01' } });
    fireEvent.click(page().getByRole('button', { name: '审核' }));
    await page().findByTestId('claim-result');
    expect(calls[0]?.body).to.deep.equal({
      province: 'Guangdong',
      date: '2025-06-01',
      lines: [
        { itemId: 'D-1', quantity: 2 },
        { itemId: 'X', quantity: 1 },
      ],
    });
    const rows = page().getAllByTestId('claim-line');
    expect(rows[0]?.textContent).to.include('通过').and.include('COVERED 可报销');
    expect(rows[1]?.textContent).to.include('错误').and.include('ITEM_NOT_FOUND: 没有项目 X');
    expect(page().getByTestId('claim-finding').textContent).to.equal('重复收费');
    expect(page().getByText(/共 2 行，1 行出错，1 条发现/)).to.not.equal(null);
    // an uploaded JSON file fills the text
    const file = new window.File(['[{"code":"110100001","quantity":1}]'], 'claim.json', {
      type: 'application/json',
    });
    fireEvent.change(page().getByTestId('claim-file'), { target: { files: [file] } });
    await waitFor(() =>
      expect(page().getByTestId<HTMLTextAreaElement>('claim-text').value).to.equal(
        '[{"code":"110100001","quantity":1}]',
      ),
    );
    fireEvent.click(page().getByRole('button', { name: '审核' }));
    await waitFor(() => expect(calls).to.have.length(2));
    expect((calls[1]?.body as { lines: unknown }).lines).to.deep.equal([{ code: '110100001', quantity: 1 }]);
  });

  it('shows a refused claim and one without findings', async function () {
    let reply: Reply = { status: 400, body: { code: 'INVALID_INPUT', message: 'lines/0 must have itemId' } };
    const { wrap } = withApi({ 'POST /v1/claims/check': () => reply }, 'en');
    render(wrap(<ClaimCheck province="" />));
    fireEvent.change(page().getByLabelText('Province'), { target: { value: 'Sichuan' } });
    fireEvent.change(page().getByTestId('claim-text'), { target: { value: '[{"quantity":1}]' } });
    fireEvent.click(page().getByRole('button', { name: 'Check the claim' }));
    expect((await page().findByRole('alert')).textContent).to.equal(
      'INVALID_INPUT: lines/0 must have itemId',
    );
    reply = {
      body: {
        province: 'Sichuan',
        catalogVersion: 18,
        lines: [{ line: 1, status: 'review', coverage: null, rules: [], error: null }],
        findings: [],
        summary: { lines: 1, errors: 0, byStatus: {}, findings: 0, batches: 1 },
      },
    };
    fireEvent.click(page().getByRole('button', { name: 'Check the claim' }));
    expect((await page().findByTestId('claim-line')).textContent).to.include('to review');
    expect(page().getByText('none')).to.not.equal(null);
  });
});
