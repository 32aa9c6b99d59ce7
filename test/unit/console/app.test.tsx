/**
 * The console's shell: sign-in with an API key, the caller's identity, organisation and role, the
 * views and buttons each role gets, the language switch (and `<html lang>`), sign-out, live status.
 */
import { page, useDom } from './support/dom';
import { act, fireEvent, render, waitFor } from '@testing-library/react';
import { expect } from 'chai';
import { App, tabsOf } from '../../../apps/console/src/App';
import { fakeEventSource, fakeFetch, FakeEventSource, type Handler } from './support/fakes';
import { governance, proposal, proposalDetail, session } from './support/fixtures';

describe('console: sign-in, roles and language', function () {
  useDom();

  it('signs in with an API key, shows identity, organisation and role, and signs out', async function () {
    let signedIn = false;
    const { fetchFn, calls } = fakeFetch({
      'GET /v1/session': () =>
        signedIn
          ? { body: session('hospital') }
          : { status: 401, body: { code: 'UNAUTHENTICATED', message: '未登录' } },
      'POST /v1/session': (seen) => {
        if ((seen.body as { apiKey: string }).apiKey !== 'good-key')
          return {
            status: 401,
            body: { code: 'UNAUTHENTICATED', message: 'UNAUTHENTICATED: 未知的 API 密钥' },
          };
        signedIn = true;
        return { body: session('hospital', 'GuangdongMSP', 'hospital1') };
      },
      'DELETE /v1/session': () => {
        signedIn = false;
        return { status: 204 };
      },
    });
    render(<App fetchFn={fetchFn} eventSource={fakeEventSource} />);
    const key = await page().findByTestId('sign-in-key');
    expect(document.documentElement.lang).to.equal('zh-CN');
    expect(page().getByLabelText('API 密钥')).to.equal(key);
    fireEvent.change(key, { target: { value: 'bad-key' } });
    fireEvent.click(page().getByTestId('sign-in-submit'));
    expect((await page().findByRole('alert')).textContent).to.equal('UNAUTHENTICATED: 未知的 API 密钥');
    fireEvent.change(key, { target: { value: ' good-key ' } });
    fireEvent.click(page().getByTestId('sign-in-submit'));
    expect((await page().findByTestId('role-badge')).textContent).to.equal('医院');
    expect(page().getByTestId('session-identity').textContent).to.equal('hospital1');
    expect(page().getByTestId('session-org').textContent).to.equal('GuangdongMSP');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).to.deep.equal([
      { apiKey: 'bad-key' },
      { apiKey: 'good-key' },
    ]);
    // a hospital: lookups only
    expect(page().queryByTestId('nav-proposals')).to.equal(null);
    expect(page().queryByTestId('nav-create')).to.equal(null);
    expect(page().queryByTestId('nav-audit')).to.equal(null);
    expect(page().getByTestId('search-input')).to.not.equal(null);
    expect(page().getByRole('main')).to.not.equal(null);
    expect(page().getByRole('navigation', { name: '视图' })).to.not.equal(null);
    // live updates
    act(() => {
      FakeEventSource.last!.open();
    });
    expect(page().getByTestId('live-status').textContent).to.equal('实时更新已连接');
    act(() => {
      FakeEventSource.last!.emit('version', { version: 19 });
    });
    expect(page().getByTestId('live-status').textContent).to.equal('实时更新已连接 · 账本更新：version');
    act(() => {
      FakeEventSource.last!.fail();
    });
    expect(page().getByTestId('live-status').textContent).to.match(/^实时更新已断开/);
    const source = FakeEventSource.last!;
    fireEvent.click(page().getByTestId('sign-out'));
    await page().findByTestId('sign-in-key');
    await waitFor(() => {
      expect(source.closed).to.equal(true);
    });
    const deleted = calls.find((c) => c.method === 'DELETE');
    expect(deleted?.headers['X-CSRF-Token']).to.equal('csrf-hospital');
  });

  it('switches the language of every word and of <html lang>, and keeps it', async function () {
    const { fetchFn } = fakeFetch({
      'GET /v1/session': { body: session('approver', 'SichuanMSP') },
      'GET /v1/proposals': { body: { records: [], bookmark: '' } },
    });
    render(<App fetchFn={fetchFn} eventSource={fakeEventSource} />);
    expect((await page().findByTestId('role-badge')).textContent).to.equal('审批人');
    expect(page().getByRole('heading', { level: 1 }).textContent).to.equal('国家医保目录控制台');
    const sw = page().getByTestId('lang-switch');
    expect(sw.textContent).to.equal('English');
    fireEvent.click(sw);
    expect(page().getByTestId('role-badge').textContent).to.equal('approver');
    expect(page().getByRole('heading', { level: 1 }).textContent).to.equal('NRDL catalog console');
    expect(document.documentElement.lang).to.equal('en');
    expect(localStorage.getItem('nrdl-console-lang')).to.equal('en');
    expect(page().getByTestId('lang-switch').textContent).to.equal('中文');
    fireEvent.click(page().getByTestId('lang-switch'));
    expect(document.documentElement.lang).to.equal('zh-CN');
  });

  it('starts in English when the last visit chose it', async function () {
    localStorage.setItem('nrdl-console-lang', 'en');
    const { fetchFn } = fakeFetch({
      'GET /v1/session': { status: 401, body: { code: 'UNAUTHENTICATED', message: 'no session' } },
    });
    render(<App fetchFn={fetchFn} />);
    await page().findByTestId('sign-in-key');
    expect(page().getByRole('heading', { level: 2 }).textContent).to.equal('Sign in');
    expect(document.documentElement.lang).to.equal('en');
  });

  it('shows a failure to reach the API plainly, and a failed sign-out', async function () {
    const { fetchFn } = fakeFetch({
      'GET /v1/session': { status: 502, raw: 'bad gateway' },
    });
    render(<App fetchFn={fetchFn} />);
    expect((await page().findByRole('alert')).textContent).to.equal(
      'HTTP_502: 接口返回 HTTP 502，但没有 JSON 内容',
    );
    expect(page().getByTestId('sign-in-key')).to.not.equal(null);
  });

  it('keeps the session when sign-out is refused', async function () {
    const { fetchFn } = fakeFetch({
      'GET /v1/session': { body: session('auditor', 'AuditMSP') },
      'GET /v1/audit/*': { body: [] },
      'DELETE /v1/session': { status: 403, body: { code: 'CSRF_MISMATCH', message: 'bad token' } },
    });
    render(<App fetchFn={fetchFn} eventSource={fakeEventSource} />);
    await page().findByTestId('role-badge');
    fireEvent.click(page().getByTestId('sign-out'));
    expect((await page().findByText('CSRF_MISMATCH: bad token')).getAttribute('role')).to.equal('alert');
    expect(page().getByTestId('role-badge').textContent).to.equal('审计');
  });

  it('gives each role its views and buttons', async function () {
    expect(tabsOf('hospital')).to.deep.equal(['search', 'coverage', 'claim']);
    expect(tabsOf('approver')).to.deep.equal(['search', 'coverage', 'claim', 'proposals']);
    expect(tabsOf('proposer')).to.deep.equal(['search', 'coverage', 'claim', 'proposals', 'create']);
    expect(tabsOf('auditor')).to.deep.equal(['search', 'coverage', 'claim', 'proposals', 'audit']);

    const routes = (role: string): Record<string, Handler> => ({
      'GET /v1/session': () => ({ body: session(role) }),
      'GET /v1/proposals': () => ({ body: { records: [proposal()], bookmark: '' } }),
      'GET /v1/proposals/*': () => ({ body: proposalDetail() }),
      'GET /v1/items/*': () => ({ status: 404, body: { code: 'ITEM_NOT_FOUND', message: 'no item' } }),
      'GET /v1/governance': () => ({ body: governance() }),
    });
    for (const role of ['approver', 'proposer']) {
      const { fetchFn } = fakeFetch(routes(role));
      const view = render(<App fetchFn={fetchFn} eventSource={fakeEventSource} />);
      fireEvent.click(await page().findByText(/审阅 p7/));
      await page().findByTestId('manifest');
      const approve = page().queryByTestId('approve-button');
      const reject = page().queryByTestId('reject-button');
      if (role === 'approver') {
        expect(approve?.textContent).to.equal('同意');
        expect(reject?.textContent).to.equal('驳回');
        expect(page().queryByTestId('withdraw-button')).to.equal(null);
      } else {
        expect(approve).to.equal(null);
        expect(reject).to.equal(null);
        expect(page().getByTestId('withdraw-button').textContent).to.equal('撤回');
        fireEvent.click(page().getByTestId('nav-create'));
        await page().findByRole('heading', { name: '由变更文件新建提案' });
      }
      fireEvent.click(page().getByTestId('nav-search'));
      await waitFor(() => expect(page().getByTestId('search-input')).to.not.equal(null));
      for (const tab of ['coverage', 'claim']) {
        fireEvent.click(page().getByTestId(`nav-${tab}`));
        expect(page().getByTestId(`nav-${tab}`).getAttribute('aria-current')).to.equal('page');
      }
      view.unmount();
    }
  });
});
