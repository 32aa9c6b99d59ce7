/**
 * Every operation of the HTTP API over a fake CatalogClient (Fastify inject, no network): what the
 * client is asked, what the caller gets (checked against the served document's schemas), and the
 * identity the API key maps to.
 */
import { expect } from 'chai';
import { routes } from '../../../apps/api/src/routes';
import {
  bodyOf,
  call,
  HASH,
  ITEM_ID,
  testApi,
  testReadModel,
  type Call,
  type TestApi,
} from './support/fake-client';

interface Case {
  readonly operationId: string;
  readonly url: string;
  readonly request?: Call;
  readonly status?: number;
  readonly schema: string;
  /** The client calls made, in order. */
  readonly calls: [string, unknown][];
  readonly before?: (api: TestApi) => void;
  readonly check?: (body: Record<string, unknown>) => void;
}

const vote = { manifestHash: HASH, baseVersion: 2, governanceVersion: 1 };

const cases: readonly Case[] = [
  {
    operationId: 'checkCoverage',
    url: `/v1/coverage?province=gd&itemId=${ITEM_ID}&date=2025-06-01&age=40&sex=F&level=3&visit=outpatient`,
    schema: 'Coverage',
    calls: [
      [
        'checkCoverage',
        {
          province: 'gd',
          itemId: ITEM_ID,
          date: '2025-06-01',
          patient: { age: 40, sex: 'female', hospitalLevel: 3, visitType: 'outpatient' },
        },
      ],
      ['getGovernance', undefined],
    ],
  },
  {
    operationId: 'checkCoverage',
    url: `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&level=3&visit=outpatient&insurance=employee&insured=%E5%B7%9D&registered=false&chronic=true`,
    schema: 'Coverage',
    calls: [
      [
        'checkCoverage',
        {
          province: 'Guangdong',
          itemId: ITEM_ID,
          patient: {
            hospitalLevel: 3,
            visitType: 'outpatient',
            insuranceType: 'employee',
            insuredProvince: '川',
            registered: false,
            chronic: true,
          },
        },
      ],
      ['getGovernance', undefined],
    ],
  },
  {
    operationId: 'checkClaim',
    url: '/v1/claims/check',
    request: {
      body: {
        province: 'Guangdong',
        patient: { insuranceType: 'employee', insuredProvince: 'Sichuan', registered: true },
        accumulated: { fundPaidFen: 0, deductibleFen: 0 },
        lines: [
          { itemId: ITEM_ID, amount: '12.30' },
          { itemId: ITEM_ID, amountFen: 100 },
        ],
      },
    },
    schema: 'ClaimCheck',
    calls: [
      [
        'checkCoverageBatch',
        {
          lines: [
            {
              province: 'Guangdong',
              itemId: ITEM_ID,
              patient: { insuranceType: 'employee', insuredProvince: 'Sichuan', registered: true },
            },
            {
              province: 'Guangdong',
              itemId: ITEM_ID,
              patient: { insuranceType: 'employee', insuredProvince: 'Sichuan', registered: true },
            },
          ],
        },
      ],
    ],
    check: (body) => {
      const split = body.split as { status: string; lines: { status: string }[] };
      // the fake chain's answers carry no payment policy
      expect(split.lines.map((l) => l.status)).to.deep.equal(['noPolicy', 'noPolicy']);
      expect((body.lines as { amountFen: number }[]).map((l) => l.amountFen)).to.deep.equal([1230, 100]);
    },
  },
  {
    operationId: 'checkCoverage',
    url: `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}&sex=M`,
    schema: 'Coverage',
    calls: [
      ['checkCoverage', { province: 'Guangdong', itemId: ITEM_ID, patient: { sex: 'male' } }],
      ['getGovernance', undefined],
    ],
  },
  {
    operationId: 'checkCoverageBatch',
    url: '/v1/coverage/batch',
    request: {
      body: {
        province: 'Sichuan',
        lines: [
          { itemId: ITEM_ID, date: '2025-06-01' },
          { itemId: ITEM_ID, patient: { age: 3, hospitalLevel: 2 } },
        ],
      },
    },
    schema: 'CoverageBatch',
    calls: [
      [
        'checkCoverageBatch',
        {
          lines: [
            { itemId: ITEM_ID, date: '2025-06-01', province: 'Sichuan' },
            { itemId: ITEM_ID, patient: { age: 3, hospitalLevel: 2 }, province: 'Sichuan' },
          ],
        },
      ],
      ['getGovernance', undefined],
    ],
    check: (body) => expect(body.results).to.have.length(2),
  },
  {
    operationId: 'checkClaim',
    url: '/v1/claims/check',
    request: {
      body: {
        province: 'Sichuan',
        date: '2025-06-01',
        patient: { age: 40, sex: 'female', insuranceType: 'employee' },
        lines: [{ itemId: ITEM_ID, quantity: 2 }, { quantity: 1 }, { name: '复方硼砂', time: '08:00' }],
      },
    },
    schema: 'ClaimCheck',
    calls: [
      [
        'checkCoverageBatch',
        {
          lines: [
            {
              province: 'Sichuan',
              itemId: ITEM_ID,
              date: '2025-06-01',
              patient: { age: 40, sex: 'female', insuranceType: 'employee' },
            },
            {
              province: 'Sichuan',
              name: '复方硼砂',
              date: '2025-06-01',
              patient: { age: 40, sex: 'female', insuranceType: 'employee' },
            },
          ],
        },
      ],
    ],
    check: (body) => {
      const lines = body.lines as {
        line: number;
        status: string;
        error: { code: string; text: { zh: string } } | null;
      }[];
      expect(lines.map((l) => [l.line, l.status])).to.deep.equal([
        [1, 'ok'],
        [2, 'error'],
        [3, 'ok'],
      ]);
      expect(lines[1]?.error?.code).to.equal('INVALID_INPUT');
      expect(lines[1]?.error?.text.zh).to.equal('请给出 itemId、name 或 code 之一');
      expect(body.findings).to.deep.equal([]);
    },
  },
  {
    operationId: 'searchItems',
    url: `/v1/items?name=${encodeURIComponent('硼砂')}&prefix=${encodeURIComponent('复')}&code=XA01&category=XA01&class=${encodeURIComponent('甲')}&section=s&kind=drug&province=Guangdong&version=2&limit=5&bookmark=b`,
    schema: 'ItemPage',
    calls: [
      [
        'searchItems',
        {
          name: '硼砂',
          namePrefix: '复',
          code: 'XA01',
          categoryCode: 'XA01',
          class: '甲',
          section: 's',
          kind: 'drug',
          province: 'Guangdong',
          version: 2,
          pageSize: 5,
          bookmark: 'b',
        },
      ],
      ['getGovernance', undefined],
    ],
  },
  {
    operationId: 'getItem',
    url: `/v1/items/${ITEM_ID}?version=2&date=2025-06-01&province=Guangdong`,
    schema: 'ItemView',
    calls: [
      ['getItem', { itemId: ITEM_ID, version: 2, date: '2025-06-01', province: 'Guangdong' }],
      ['getGovernance', undefined],
    ],
  },
  {
    operationId: 'getPaymentPolicy',
    url: '/v1/payment-policies/%E5%B7%9D?date=2025-06-01',
    schema: 'PaymentPolicyView',
    calls: [
      ['getPaymentPolicy', { province: '川', date: '2025-06-01' }],
      ['getGovernance', undefined],
    ],
    check: (body) => expect(body).to.deep.include({ province: 'Sichuan', listedInVersion: 3 }),
  },
  {
    operationId: 'getItemHistory',
    url: `/v1/items/${ITEM_ID}/history?province=Guangdong`,
    schema: 'History',
    calls: [['getItemHistory', { itemId: ITEM_ID, province: 'Guangdong' }]],
  },
  {
    operationId: 'listVersions',
    url: '/v1/versions?limit=5&bookmark=b',
    schema: 'VersionPage',
    calls: [['listVersions', { pageSize: 5, bookmark: 'b' }]],
  },
  {
    operationId: 'getVersion',
    url: '/v1/versions/head',
    schema: 'Version',
    calls: [['getVersion', {}]],
  },
  {
    operationId: 'getVersion',
    url: '/v1/versions/3',
    schema: 'Version',
    calls: [['getVersion', { version: 3 }]],
  },
  {
    operationId: 'listProposals',
    url: '/v1/proposals?status=open&scope=provincial&province=Guangdong&limit=2',
    schema: 'ProposalPage',
    calls: [['listProposals', { status: 'open', scope: 'provincial', province: 'Guangdong', pageSize: 2 }]],
  },
  {
    operationId: 'getProposal',
    url: '/v1/proposals/p1',
    schema: 'ProposalDetail',
    calls: [['getProposal', { proposalId: 'p1' }]],
  },
  {
    operationId: 'getProposal',
    url: '/v1/proposals/p1?changes=true',
    schema: 'ProposalDetail',
    calls: [['getProposal', { proposalId: 'p1', includeChunks: true }]],
  },
  {
    operationId: 'approveProposal',
    url: '/v1/proposals/p1/approve',
    request: { body: { ...vote, comment: 'reviewed' }, key: 'nhsa-key' },
    schema: 'Submitted',
    calls: [['approveProposal', { proposalId: 'p1', comment: 'reviewed', ...vote }]],
    check: (body) =>
      expect(body).to.deep.equal({
        transactionId: 'tx-approve',
        blockNumber: 17,
        value: { vote: 'approve' },
      }),
  },
  {
    operationId: 'rejectProposal',
    url: '/v1/proposals/p1/reject',
    request: { body: vote, key: 'nhsa-key' },
    schema: 'Submitted',
    calls: [['rejectProposal', { proposalId: 'p1', ...vote }]],
    check: (body) => expect(body).to.include({ transactionId: 'tx-reject', blockNumber: 18 }),
  },
  {
    operationId: 'withdrawProposal',
    url: '/v1/proposals/p1/withdraw',
    request: { body: { comment: 'superseded' } },
    schema: 'Submitted',
    calls: [['withdrawProposal', { proposalId: 'p1', reason: 'superseded' }]],
    check: (body) => expect(body).to.include({ transactionId: 'tx-withdraw', blockNumber: 19 }),
  },
  {
    operationId: 'withdrawProposal',
    url: '/v1/proposals/p1/withdraw',
    request: { method: 'POST', headers: { 'content-type': 'application/json' } },
    schema: 'Submitted',
    calls: [['withdrawProposal', { proposalId: 'p1' }]],
  },
  {
    operationId: 'applyProposal',
    url: '/v1/proposals/p1/apply',
    request: { method: 'POST' },
    before: (api) => {
      api.fake.state.status = 'approved';
      api.fake.state.chunks = [
        { index: 0, changeCount: 1, hash: 'h0', applied: true, appliedTxId: null },
        { index: 1, changeCount: 1, hash: 'h1', applied: false, appliedTxId: null },
      ];
    },
    schema: 'Submitted',
    calls: [
      ['getProposal', { proposalId: 'p1' }],
      ['applyChunk', { proposalId: 'p1', chunkIndex: 1 }],
      ['sealVersion', { proposalId: 'p1' }],
    ],
    check: (body) => expect(body).to.include({ transactionId: 'tx-seal', blockNumber: 21 }),
  },
  {
    operationId: 'applyProposal',
    url: '/v1/proposals/p1/apply',
    request: { body: {} },
    before: (api) => {
      api.fake.state.scope = 'governance';
      api.fake.state.status = 'approved';
    },
    schema: 'Submitted',
    calls: [
      ['getProposal', { proposalId: 'p1' }],
      ['applyGovernanceProposal', { proposalId: 'p1' }],
    ],
    check: (body) => expect(body).to.include({ transactionId: 'tx-gov', blockNumber: 22 }),
  },
  {
    operationId: 'search',
    url: `/v1/search?q=${encodeURIComponent(' 复方 ')}&kind=drug&class=${encodeURIComponent('甲')}&limit=5&offset=0`,
    schema: 'SearchAnswer',
    calls: [['getGovernance', undefined]],
    check: (body) => {
      expect(body).to.include({ query: ' 复方 ', normalised: '复方', catalogVersion: 1, total: 1 });
      expect(body.hits).to.deep.include.members([
        {
          itemId: ITEM_ID,
          name: '复方硼砂',
          dosageForm: '含漱液',
          kind: 'drug',
          class: '甲',
          section: '西药部分',
          number: '1',
          province: null,
          provinceNames: null,
          code: 'XA01',
          codes: [],
          fundPayable: true,
          match: 'prefix',
        },
      ]);
    },
  },
  {
    operationId: 'search',
    url: '/v1/search?q=FFPS',
    schema: 'SearchAnswer',
    calls: [['getGovernance', undefined]],
    check: (body) => expect(body).to.deep.include({ total: 1 }),
  },
  {
    operationId: 'getGovernance',
    url: '/v1/governance',
    schema: 'Governance',
    calls: [['getGovernance', undefined]],
  },
];

describe('HTTP API routes (fake client)', function () {
  it('has a case for every operation (the audit operations answer from an audit store: test/unit/audit/api-endpoints.test.ts)', function () {
    expect(new Set(cases.map((c) => c.operationId))).to.deep.equal(
      new Set(
        routes
          .filter((r) => r.roles === undefined)
          .map((r) => r.operationId)
          .filter((id) => id !== 'createProposal'),
      ),
    );
  });

  for (const c of cases) {
    it(`${c.operationId}: ${c.request?.method ?? (c.request?.body ? 'POST' : 'GET')} ${c.url.split('?')[0] ?? ''}`, async function () {
      const api = await testApi();
      try {
        c.before?.(api);
        const response = await call(api, c.url, c.request);
        expect(response.statusCode, response.body).to.equal(c.status ?? 200);
        const body = bodyOf(api, response, c.schema);
        expect(api.fake.calls).to.deep.equal(c.calls);
        expect(api.identities).to.deep.equal([
          c.request?.key === 'nhsa-key' ? 'nhsa/approver' : 'guangdong/hospital1',
        ]);
        c.check?.(body);
      } finally {
        await api.app.close();
      }
    });
  }

  describe('createProposal', function () {
    const changes = [{ op: 'removeItem', itemId: ITEM_ID }];

    it('creates, fills and opens the proposal; answers 201 with its id and no made-up transaction', async function () {
      const api = await testApi();
      const response = await call(api, '/v1/proposals', {
        body: { title: 'remove borax', effectiveFrom: '2025-01-01', changes, scope: 'GuangdongMSP' },
      });
      expect(response.statusCode, response.body).to.equal(201);
      const body = bodyOf(api, response, 'ProposalCreated');
      expect(body).to.include({ proposalId: 'p1', status: 'open', resumed: false });
      expect(body).to.not.have.any.keys('transactionId', 'blockNumber');
      const names = api.fake.calls.map(([name]) => name);
      expect(names).to.deep.equal([
        'getGovernance',
        'listProposals',
        'createProposal',
        'getProposal',
        'addChunk',
        'openProposal',
        'getProposal',
        'getProposal',
      ]);
      const created = api.fake.calls[2]?.[1] as Record<string, unknown>;
      expect(created).to.include({ scope: 'provincial', province: 'Guangdong', title: 'remove borax' });
      expect(api.fake.calls[4]?.[1]).to.deep.equal({ proposalId: 'p1', chunkIndex: 0, changes });
      await api.app.close();
    });

    it('accepts the national scope and the default (national)', async function () {
      for (const [scope, expected] of [
        [undefined, 'national'],
        ['national', 'national'],
      ] as const) {
        const api = await testApi();
        const response = await call(api, '/v1/proposals', {
          body: { title: 't', rationale: 'why', effectiveFrom: '2025-01-01', changes, scope },
        });
        expect(response.statusCode, response.body).to.equal(201);
        const created = api.fake.calls.find(([name]) => name === 'createProposal')?.[1];
        expect(created).to.include({ scope: expected });
        await api.app.close();
      }
    });

    it('refuses a province the governance record does not list with 400 UNKNOWN_PROVINCE, writing nothing', async function () {
      const api = await testApi();
      const response = await call(api, '/v1/proposals', {
        body: { title: 't', effectiveFrom: '2025-01-01', changes, scope: 'Hubei' },
      });
      expect(response.statusCode).to.equal(400);
      expect(bodyOf(api, response, 'Error')).to.include({
        code: 'UNKNOWN_PROVINCE',
        message: 'UNKNOWN_PROVINCE: unknown province "Hubei"; the members are Guangdong, Sichuan, Shaanxi',
      });
      // the one call: the governance record the province is looked up in
      expect(api.fake.calls).to.deep.equal([['getGovernance', undefined]]);
      await api.app.close();
    });

    it('validates every change with the chaincode schema before creating anything', async function () {
      const api = await testApi();
      for (const bad of [
        [{ op: 'removeItem' }],
        [{ op: 'frobnicate', itemId: ITEM_ID }],
        [{ op: 'removeItem', itemId: ITEM_ID, extra: 1 }],
        [],
      ]) {
        const response = await call(api, '/v1/proposals', {
          body: { title: 't', effectiveFrom: '2025-01-01', changes: bad },
        });
        expect(response.statusCode, JSON.stringify(bad)).to.equal(400);
        expect(response.json()).to.include({ code: 'INVALID_INPUT' });
      }
      expect(api.fake.calls).to.deep.equal([]);
      await api.app.close();
    });
  });

  it('answers search 503 READ_MODEL_* when there is no read model or it no longer matches the chain', async function () {
    const none = await testApi({}, null);
    const refused = await call(none, '/v1/search?q=x', { headers: { 'accept-language': 'zh-CN' } });
    expect(refused.statusCode).to.equal(503);
    expect(bodyOf(none, refused, 'Error')).to.include({
      code: 'READ_MODEL_BEHIND',
      message: 'READ_MODEL_BEHIND: 本服务没有可检索的检索库（请以 --read-model 启动）',
    });
    await none.app.close();
    const model = testReadModel();
    model.store.db.prepare(`UPDATE rm_entries SET data = replace(data, '"甲"', '"乙"')`).run();
    const tampered = await testApi({}, model);
    // the tampered row is served nowhere: the check runs before the first answer
    const answer = await call(tampered, `/v1/search?q=${encodeURIComponent('复方')}`);
    expect(answer.statusCode).to.equal(503);
    expect(bodyOf(tampered, answer, 'Error')).to.include({ code: 'READ_MODEL_DIGEST_MISMATCH' });
    await tampered.app.close();
  });

  it('serves /healthz without an API key and /openapi.json as the generated document', async function () {
    const api = await testApi();
    const health = await call(api, '/healthz', { key: null });
    expect(health.statusCode).to.equal(200);
    expect(bodyOf(api, health, 'Health')).to.deep.equal({ status: 'ok' });
    const document = await call(api, '/openapi.json', { key: null });
    expect(document.statusCode).to.equal(200);
    expect(document.json()).to.deep.equal(JSON.parse(JSON.stringify(api.document)));
    await api.app.close();
  });
});
