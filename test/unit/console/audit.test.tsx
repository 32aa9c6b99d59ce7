/**
 * The auditor's screens, fed answers that fit the API's response schemas: the version timeline with
 * digests (a recomputed one that differs shown), the hash chain (a broken link shown) and approvers,
 * the report's summary and four charts, the diff between two versions, who proposed and approved
 * what and when, invalid transactions by name, the latest verification with its time and a run on
 * demand; a new sealed version or proposal refreshes them live.
 */
import { page, useDom } from './support/dom';
import { act, fireEvent, render, waitFor } from '@testing-library/react';
import { expect } from 'chai';
import type { ReactElement } from 'react';
import { Api } from '../../../apps/console/src/api';
import { Audit, barLabel } from '../../../apps/console/src/Audit';
import { ApiContext } from '../../../apps/console/src/common';
import { LiveContext, LiveEvents } from '../../../apps/console/src/events';
import { i18nOf, I18nContext } from '../../../apps/console/src/i18n';
import { fakeEventSource, fakeFetch, FakeEventSource, type Handler, type Reply } from './support/fakes';
import { auditVersions, auditVersionsAnswer, governance, ITEM_ID } from './support/fixtures';

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
  blockHeight: 45,
  proposals: [
    {
      proposalId: 'p2',
      title: '广东省级规定',
      scope: 'provincial',
      province: 'Guangdong',
      status: 'applied',
      statusReason: null,
      effectiveFrom: '2025-02-01',
      createdAt: '2025-01-20T08:00:00Z',
      proposer: {
        mspId: 'GuangdongMSP',
        id: 'x509::CN=proposer1',
        role: 'proposer',
        subject: 'CN=proposer1',
      },
      created: { txId: 'tx-p2', block: 28, timestamp: '2025-01-20T08:00:00Z' },
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
      applied: {
        version: 2,
        governanceVersion: null,
        changes: 12,
        txId: 'tx-seal-2',
        block: 32,
        timestamp: '2025-02-01T00:00:00Z',
        by: { mspId: 'GuangdongMSP', role: 'proposer', subject: 'CN=proposer1' },
      },
    },
    {
      proposalId: 'p4',
      title: '撤回的提案',
      scope: 'national',
      province: null,
      status: 'withdrawn',
      statusReason: '文件有误',
      createdAt: '2025-03-02T08:00:00Z',
      proposer: null,
      created: { txId: 'tx-p4', block: 41, timestamp: null },
      votes: [],
      applied: null,
    },
  ],
};

const invalid = {
  blockHeight: 45,
  transactions: [
    {
      block: 44,
      txIndex: 0,
      txId: 'e'.repeat(64),
      validationCode: 10,
      validationName: 'ENDORSEMENT_POLICY_FAILURE',
      function: 'CatalogContract:applyProposal',
      creatorMsp: 'GuangdongMSP',
      creatorSubject: 'CN=admin',
      timestamp: '2025-02-02T00:00:00Z',
      endorsers: ['GuangdongMSP'],
      attemptedWrites: ['ITEM\u0000D-1'],
    },
  ],
};

const verification = (ok: boolean, finishedAt: string): Record<string, unknown> => ({
  ok,
  startedAt: '2026-12-03T07:59:58Z',
  finishedAt,
  blockHeight: 45,
  store: ok
    ? { ok: true, versions: 3, blocks: 45, validTransactions: 120 }
    : { ok: false, version: 3, message: 'version 3: digest recomputed from its rows differs' },
  independent: ok ? { ok: true, genesis: 'g'.repeat(64), blocks: 45, transactions: 121, findings: [] } : null,
});

const bar = (label: string, value: number, colour = '#2563eb'): Record<string, unknown> => ({
  label,
  value,
  colour,
  tooltip: `${label}: ${String(value)}`,
});

const report = {
  blockHeight: 45,
  summary: {
    blocks: 45,
    transactions: 121,
    validTransactions: 120,
    invalidTransactions: 1,
    versions: 3,
    items: 4750,
    overlays: 12,
  },
  charts: [
    { id: 'changes-per-version', bars: [bar('v1', 4750), bar('v2', 12, '#0d9488'), bar('v3', 3)] },
    { id: 'changes-per-province', bars: [bar('Guangdong', 12, '#0d9488')] },
    { id: 'rejected-attempts', bars: [bar('ENDORSEMENT_POLICY_FAILURE', 1, '#dc2626')] },
    { id: 'proposal-to-seal', bars: [] },
  ],
  data: {
    perVersion: [],
    perProvince: [],
    proposalToSeal: [],
    unsuccessfulProposals: [],
    invalidTransactions: [],
  },
};

describe('console: auditor screens', function () {
  useDom();

  it('shows the timeline with digests and the hash chain, approvals, invalid transactions and the verification', async function () {
    let versions = auditVersionsAnswer();
    let verifyNow: Reply = { body: verification(false, '2026-12-03T09:00:00Z') };
    const { calls, wrap } = withApi({
      'GET /v1/audit/versions': () => ({ body: versions }),
      'GET /v1/audit/proposals': { body: auditProposals },
      'GET /v1/audit/invalid': { body: invalid },
      'GET /v1/audit/verify': { body: { latest: verification(true, '2026-12-03T08:00:00Z') } },
      'POST /v1/audit/verify': () => verifyNow,
      'GET /v1/audit/report': { body: report },
      'GET /v1/governance': { body: governance() },
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
    // the digest the version carries against the one the auditors recomputed from its rows
    expect(
      page()
        .getAllByTestId('digest-check')
        .map((cell) => cell.textContent),
    ).to.deep.equal(['一致', '一致', '不一致']);
    expect(
      page()
        .getAllByTestId('version-approvers')
        .map((cell) => cell.textContent),
    ).to.deep.equal(['GuangdongMSP, SichuanMSP', 'NHSAMSP', '-']);
    expect(rows[0]?.textContent).to.include('NHSAMSP');
    // the report's summary and its four charts, by their data-chart ids
    const summary = await page().findByTestId('audit-summary');
    expect(summary.textContent).to.include('区块45').and.include('无效交易1').and.include('省级规定12');
    expect(
      [...document.querySelectorAll('figure[data-chart]')].map((f) => f.getAttribute('data-chart')),
    ).to.deep.equal(['changes-per-version', 'changes-per-province', 'rejected-attempts', 'proposal-to-seal']);
    for (const name of ['各版本变更数', '各省变更数', '被驳回与无效的尝试'])
      expect(page().getByRole('img', { name })).to.not.equal(null);
    expect(document.querySelector('figure[data-chart="proposal-to-seal"]')?.textContent).to.include(
      '暂无可绘制的数据',
    );
    expect((await page().findByTestId('verify-result')).textContent)
      .to.include('校验通过：账本一致')
      .and.include('校验时间 2026-12-03T08:00:00Z')
      .and.include('存储校验：3 个版本，45 个区块，120 笔有效交易，截至区块 45')
      .and.include('自创世区块 gggggggggggg 核验签名、背书策略与校验标记：45 个区块，121 笔交易');
    const proposal = (await page().findAllByTestId('audit-proposal'))[0];
    expect(proposal?.textContent)
      .to.include('p2: 广东省级规定')
      .and.include('GuangdongMSP · 2025-01-20T08:00:00Z')
      .and.include('NHSAMSP: 同意 · 2025-01-21T08:00:00Z')
      .and.include('SichuanMSP: 驳回 · -')
      .and.include('版本 2 · 2025-02-01T00:00:00Z');
    expect(page().getAllByTestId('audit-proposal')[1]?.textContent)
      .to.include('(文件有误)')
      .and.include('- · 2025-03-02T08:00:00Z');
    expect((await page().findByTestId('invalid-row')).textContent)
      .to.include('44')
      .and.include('ENDORSEMENT_POLICY_FAILURE')
      .and.include('CatalogContract:applyProposal')
      .and.include('GuangdongMSP');
    // verify now: the store is checked again and the new result replaces the latest
    fireEvent.click(page().getByTestId('verify-now'));
    await waitFor(() => {
      expect(page().getByTestId('verify-result').textContent).to.include('校验未通过');
    });
    expect(calls.at(-1)).to.deep.include({ method: 'POST', url: '/v1/audit/verify', body: {} });
    expect(page().getByTestId('verify-result').textContent)
      .to.include('校验时间 2026-12-03T09:00:00Z')
      .and.include('version 3: digest recomputed from its rows differs')
      .and.include('未固定创世区块');
    verifyNow = { status: 503, body: { code: 'AUDIT_STORE_UNAVAILABLE', message: 'the store is closed' } };
    fireEvent.click(page().getByTestId('verify-now'));
    expect((await page().findByText(/^AUDIT_STORE_UNAVAILABLE/)).textContent).to.equal(
      'AUDIT_STORE_UNAVAILABLE: the store is closed',
    );
    // a new sealed version: timeline and verification are read again
    const third = auditVersions[2]!;
    versions = auditVersionsAnswer([
      ...auditVersions,
      {
        ...third,
        version: 4,
        previousVersionHash: third.versionHash,
        versionHash: 'h4'.padEnd(64, '0'),
        digest: '4'.repeat(64),
        recomputedDigest: '4'.repeat(64),
      },
    ]);
    const reads = (url: string): number => calls.filter((c) => c.url === url).length;
    act(() => {
      FakeEventSource.last!.emit('version', { version: 4 });
    });
    await waitFor(() => {
      expect(page().getAllByTestId('version-row')).to.have.length(4);
    });
    expect(page().getAllByTestId('chain-link')[3]?.textContent).to.equal('与前一版本衔接');
    expect(reads('/v1/audit/report')).to.equal(2);
    expect(reads('/v1/audit/invalid')).to.equal(2);
    act(() => {
      FakeEventSource.last!.emit('proposal', { proposalId: 'p3' });
    });
    await waitFor(() => {
      expect(reads('/v1/audit/proposals')).to.equal(2);
    });
    expect(reads('/v1/audit/report')).to.equal(3);
  });

  it('compares two versions field by field', async function () {
    const diff = {
      blockHeight: 45,
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
        'GET /v1/audit/versions': { body: auditVersionsAnswer([]) },
        'GET /v1/audit/proposals': { body: { blockHeight: 0, proposals: [] } },
        'GET /v1/audit/invalid': { body: { blockHeight: 0, transactions: [] } },
        'GET /v1/audit/verify': {
          status: 503,
          body: { code: 'AUDIT_STORE_UNAVAILABLE', message: 'this server has no audit store' },
        },
        'GET /v1/audit/report': {
          status: 503,
          body: { code: 'AUDIT_STORE_UNAVAILABLE', message: 'this server has no audit store' },
        },
        'GET /v1/audit/diff': () => reply,
      },
      'en',
    );
    render(wrap(<Audit />));
    expect((await page().findAllByRole('alert')).map((alert) => alert.textContent)).to.deep.equal([
      'AUDIT_STORE_UNAVAILABLE: this server has no audit store',
      'AUDIT_STORE_UNAVAILABLE: this server has no audit store',
    ]);
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

  it("labels the report's bars in the page's language", function () {
    const provinces = new Map([['Guangdong', '广东']]);
    expect(
      [
        'national',
        'Guangdong',
        'proposal rejected',
        'proposal withdrawn',
        'ENDORSEMENT_POLICY_FAILURE',
        'v3',
      ].map((label) => barLabel('zh', label, provinces)),
    ).to.deep.equal(['全国', '广东', '提案 已驳回', '提案 已撤回', 'ENDORSEMENT_POLICY_FAILURE', 'v3']);
    expect(barLabel('en', 'Guangdong', provinces)).to.equal('Guangdong');
    expect(barLabel('en', 'proposal withdrawn')).to.equal('Proposal withdrawn');
    expect(barLabel('zh', 'Hubei')).to.equal('Hubei');
  });
});
