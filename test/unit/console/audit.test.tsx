/**
 * The auditor's screens: the version timeline with digests and the hash chain (a broken link
 * shown), the chart of changes per version, the diff between two versions, who proposed and
 * approved what and when, invalid transactions, the latest verification with its time; a new
 * sealed version refreshes them live.
 */
import { page, useDom } from './support/dom';
import { act, fireEvent, render, waitFor } from '@testing-library/react';
import { expect } from 'chai';
import type { ReactElement } from 'react';
import { Api } from '../../../apps/console/src/api';
import { Audit } from '../../../apps/console/src/Audit';
import { ApiContext } from '../../../apps/console/src/common';
import { LiveContext, LiveEvents } from '../../../apps/console/src/events';
import { i18nOf, I18nContext } from '../../../apps/console/src/i18n';
import { fakeEventSource, fakeFetch, FakeEventSource, type Handler, type Reply } from './support/fakes';
import { auditVersions, ITEM_ID } from './support/fixtures';

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
  return { calls, wrap };
}

const auditProposals = {
  proposals: [
    {
      id: 'p2',
      title: '广东省级规定',
      rationale: '',
      scope: 'provincial',
      province: 'Guangdong',
      status: 'applied',
      createdAt: '2025-01-20T08:00:00Z',
      proposer: {
        mspId: 'GuangdongMSP',
        id: 'x509::CN=proposer1',
        role: 'proposer',
        subject: 'CN=proposer1',
      },
      votes: [
        {
          decision: 'approve',
          voter: { mspId: 'NHSAMSP', id: 'x509::CN=approver1', role: 'approver', subject: null },
          comment: null,
          txId: 'tx-v1',
          block: 30,
          timestamp: '2025-01-21T08:00:00Z',
        },
        {
          decision: 'reject',
          voter: { mspId: 'SichuanMSP', id: 'x509::CN=approver1', role: 'approver', subject: null },
          comment: '不同意',
          txId: 'tx-v2',
          block: 31,
          timestamp: null,
        },
      ],
      approvers: [],
    },
  ],
};

describe('console: auditor screens', function () {
  useDom();

  it('shows the timeline with digests and the hash chain, approvals, invalid transactions and the verification', async function () {
    let versions: unknown = { versions: auditVersions };
    let verify: unknown = { ok: true, checkedAt: '2026-12-03T08:00:00Z', blocks: 120, versions: 3 };
    const { calls, wrap } = withApi({
      'GET /v1/audit/versions': () => ({ body: versions }),
      'GET /v1/audit/proposals': { body: auditProposals },
      'GET /v1/audit/invalid': {
        body: {
          transactions: [
            {
              txId: 'e'.repeat(64),
              block: 44,
              validationCode: 'MVCC_READ_CONFLICT',
              creatorMsp: 'GuangdongMSP',
              timestamp: '2025-02-02T00:00:00Z',
            },
          ],
        },
      },
      'GET /v1/audit/verify': () => ({ body: verify }),
    });
    render(wrap(<Audit />));
    await waitFor(() => {
      expect(page().getAllByTestId('version-row')).to.have.length(3);
    });
    const rows = page().getAllByTestId('version-row');
    expect(
      page()
        .getAllByTestId('digest')
        .map((d) => d.getAttribute('title')),
    ).to.deep.equal(['1'.repeat(64), '2'.repeat(64), '3'.repeat(64)]);
    expect(
      page()
        .getAllByTestId('chain-link')
        .map((cell) => cell.textContent),
    ).to.deep.equal(['所列首个版本', '与前一版本衔接', '断裂：与前一版本不衔接']);
    expect(rows[1]?.textContent).to.include('省级 · Guangdong').and.include('12');
    expect(rows[2]?.textContent).to.include('2025-03-01T00:00:00Z').and.include('3');
    expect(page().getByRole('img', { name: '各版本变更数' })).to.not.equal(null);
    expect((await page().findByTestId('verify-result')).textContent)
      .to.include('校验通过：账本一致')
      .and.include('校验时间 2026-12-03T08:00:00Z')
      .and.include('blocks120');
    const proposal = await page().findByTestId('audit-proposal');
    expect(proposal.textContent)
      .to.include('p2: 广东省级规定')
      .and.include('GuangdongMSP · 2025-01-20T08:00:00Z')
      .and.include('NHSAMSP: 同意 · 2025-01-21T08:00:00Z')
      .and.include('SichuanMSP: 驳回 · -');
    expect((await page().findByTestId('invalid-row')).textContent)
      .to.include('44')
      .and.include('MVCC_READ_CONFLICT')
      .and.include('GuangdongMSP');
    // a new sealed version: timeline and verification are read again
    versions = [
      ...auditVersions,
      {
        ...auditVersions[2],
        version: 4,
        previousVersionHash: auditVersions[2]?.versionHash,
        versionHash: 'h4',
        digest: '4'.repeat(64),
      },
    ];
    verify = { ok: false, checkedAt: '2026-12-03T09:00:00Z' };
    act(() => {
      FakeEventSource.last!.emit('version', { version: 4 });
    });
    await waitFor(() => {
      expect(page().getAllByTestId('version-row')).to.have.length(4);
    });
    expect(page().getAllByTestId('chain-link')[3]?.textContent).to.equal('与前一版本衔接');
    await waitFor(() => {
      expect(page().getByTestId('verify-result').textContent).to.include('校验未通过');
    });
    act(() => {
      FakeEventSource.last!.emit('proposal', { proposalId: 'p3' });
    });
    await waitFor(() => {
      expect(calls.filter((c) => c.url === '/v1/audit/proposals')).to.have.length(2);
    });
  });

  it('compares two versions field by field', async function () {
    const diff = {
      from: 1,
      to: 2,
      added: [{ kind: 'overlay', itemId: ITEM_ID, province: 'Guangdong', data: { restriction: '限门诊' } }],
      removed: [{ kind: 'item', itemId: 'D-2', province: null, data: { name: '旧药' } }],
      changed: [
        {
          kind: 'item',
          itemId: ITEM_ID,
          province: null,
          fields: [{ field: 'remark', before: '限儿童', after: '限成人' }],
        },
      ],
    };
    let reply: Reply = { body: diff };
    const { calls, wrap } = withApi(
      {
        'GET /v1/audit/versions': { body: [] },
        'GET /v1/audit/proposals': { body: [] },
        'GET /v1/audit/invalid': { body: [] },
        'GET /v1/audit/verify': {
          status: 503,
          body: { code: 'AUDIT_STORE_UNAVAILABLE', message: 'this server has no audit store' },
        },
        'GET /v1/audit/diff': () => reply,
      },
      'en',
    );
    render(wrap(<Audit />));
    expect((await page().findByRole('alert')).textContent).to.equal(
      'AUDIT_STORE_UNAVAILABLE: this server has no audit store',
    );
    expect(await page().findAllByText('none')).to.have.length(2);
    fireEvent.change(page().getByTestId('diff-from'), { target: { value: '1' } });
    fireEvent.change(page().getByTestId('diff-to'), { target: { value: '2' } });
    fireEvent.click(page().getByRole('button', { name: 'Compare' }));
    const shown = await page().findByTestId('audit-diff');
    expect(calls.at(-1)?.url).to.equal('/v1/audit/diff?from=1&to=2');
    expect(shown.textContent)
      .to.include('1 added, 1 removed, 1 changed')
      .and.include('{"restriction":"限门诊"}')
      .and.include('{"name":"旧药"}');
    expect(page().getByTestId('audit-diff-field').textContent)
      .to.include('remark')
      .and.include('限儿童')
      .and.include('限成人');
    reply = { status: 404, body: { code: 'VERSION_NOT_FOUND', message: 'no version 99' } };
    fireEvent.change(page().getByTestId('diff-to'), { target: { value: '99' } });
    fireEvent.click(page().getByRole('button', { name: 'Compare' }));
    expect((await page().findByText(/^VERSION_NOT_FOUND/)).textContent).to.equal(
      'VERSION_NOT_FOUND: no version 99',
    );
    expect(page().queryByTestId('audit-diff')).to.equal(null);
  });
});
