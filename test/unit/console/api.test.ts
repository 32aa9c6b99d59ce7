/**
 * The console's API module and pure helpers: paths in one place, the CSRF header on state-changing
 * requests only, the session cookie (credentials same-origin), the page's language, refusals as
 * `CODE: message`; file parsing, field diffs, roles, the hash chain, live events.
 */
import { expect } from 'chai';
import { Api, ApiError, errorLine, PATHS, queryString } from '../../../apps/console/src/api';
import { cellText, fieldChanges, leaves } from '../../../apps/console/src/diff';
import { LiveEvents } from '../../../apps/console/src/events';
import { InputError, parseChanges, parseClaim } from '../../../apps/console/src/files';
import { t, tOr } from '../../../apps/console/src/i18n';
import { can } from '../../../apps/console/src/roles';
import { chainLinks } from '../../../apps/console/src/Audit';
import { fakeEventSource, fakeFetch, FakeEventSource } from './support/fakes';
import { auditVersions, auditVersionsAnswer, HASH, searchAnswer, session } from './support/fixtures';
import { useDom } from './support/dom';

describe('console: API module', function () {
  it('sends the CSRF token of the session on POST and DELETE only, with the cookie and the language', async function () {
    const { fetchFn, calls } = fakeFetch({
      'POST /v1/session': { body: session('approver') },
      'GET /v1/session': { body: session('approver') },
      'POST /v1/proposals/*': { body: { transactionId: 'tx', blockNumber: 9, value: null } },
      'GET /v1/search': { body: searchAnswer },
      'DELETE /v1/session': { status: 204 },
    });
    let lang: 'zh' | 'en' = 'zh';
    const api = new Api(() => lang, fetchFn);
    expect(api.csrfToken).to.equal(null);
    await api.signIn('key-1');
    expect(calls[0]).to.deep.include({
      method: 'POST',
      url: '/v1/session',
      body: { apiKey: 'key-1' },
      credentials: 'same-origin',
    });
    expect(calls[0]?.headers['X-CSRF-Token']).to.equal(undefined);
    expect(api.csrfToken).to.equal('csrf-approver');
    await api.search({ q: 'AMXL', kind: undefined, limit: 5 });
    expect(calls[1]?.url).to.equal('/v1/search?q=AMXL&limit=5');
    expect(calls[1]?.headers['X-CSRF-Token'], 'GET carries no token').to.equal(undefined);
    expect(calls[1]?.headers['Accept-Language']).to.equal('zh-CN');
    lang = 'en';
    await api.vote('p/7', 'approve', { manifestHash: HASH, baseVersion: 18, governanceVersion: 3 });
    expect(calls[2]).to.deep.include({ method: 'POST', url: '/v1/proposals/p%2F7/approve' });
    expect(calls[2]?.headers).to.include({
      'X-CSRF-Token': 'csrf-approver',
      'Content-Type': 'application/json',
      'Accept-Language': 'en',
    });
    await api.signOut();
    expect(calls[3]).to.deep.include({ method: 'DELETE', url: '/v1/session' });
    expect(calls[3]?.headers['X-CSRF-Token']).to.equal('csrf-approver');
    expect(api.csrfToken).to.equal(null);
    await api.session();
    expect(api.csrfToken).to.equal('csrf-approver');
  });

  it('turns refusals into CODE: message, whatever the body', async function () {
    const { fetchFn } = fakeFetch({
      'POST /v1/proposals/*': {
        status: 403,
        body: {
          code: 'SELF_APPROVAL',
          message: 'SELF_APPROVAL: an organisation may not approve its own proposal',
        },
      },
      'GET /v1/search': { status: 503, body: { code: 'READ_MODEL_BEHIND', message: '检索库落后于链' } },
      'GET /v1/governance': { status: 502, raw: '<html>bad gateway</html>' },
      'GET /v1/versions': { status: 200, raw: 'not json' },
    });
    const api = new Api(() => 'en', fetchFn);
    const refusal = await api
      .vote('p7', 'approve', { manifestHash: HASH, baseVersion: 1, governanceVersion: 1 })
      .catch((e: unknown) => e);
    expect(refusal).to.be.instanceOf(ApiError);
    expect(errorLine(refusal)).to.equal('SELF_APPROVAL: an organisation may not approve its own proposal');
    expect((refusal as ApiError).status).to.equal(403);
    expect(errorLine(await api.search({ q: 'x' }).catch((e: unknown) => e))).to.equal(
      'READ_MODEL_BEHIND: 检索库落后于链',
    );
    expect(errorLine(await api.governance().catch((e: unknown) => e))).to.equal(
      'HTTP_502: the API answered HTTP 502 without a JSON body',
    );
    expect(errorLine(await api.request('GET', '/v1/versions').catch((e: unknown) => e))).to.match(
      /^HTTP_200: /,
    );
    const down = new Api(
      () => 'zh',
      () => Promise.reject(new TypeError('Failed to fetch')),
    );
    expect(errorLine(await down.session().catch((e: unknown) => e))).to.equal(
      'NETWORK_ERROR: 控制台无法连接其接口服务（Failed to fetch）',
    );
    expect(errorLine(new Error('plain'))).to.equal('plain');
    expect(errorLine('text')).to.equal('text');
  });

  it('names every path once and calls each operation with its parameters', async function () {
    const { fetchFn, calls } = fakeFetch(
      {
        'GET /v1/*': { body: { versions: [{ version: 1 }], proposals: [{ id: 'p1' }], transactions: [] } },
        'POST /v1/*': { body: { ok: true } },
      },
      { schemas: false },
    );
    const api = new Api(() => 'zh', fetchFn);
    await api.item('D-1', 'Guangdong');
    await api.itemHistory('D-1');
    await api.coverage({ province: 'Guangdong', itemId: 'D-1', age: 3 });
    await api.checkClaim({ province: 'Guangdong', lines: [{ code: '110100001' }] });
    await api.proposals('open');
    await api.proposal('p7');
    await api.createProposal({
      title: 'x',
      effectiveFrom: '2026-01-01',
      changes: [{ op: 'removeItem', itemId: 'D-1' }],
    });
    await api.vote('p7', 'reject', {
      manifestHash: HASH,
      baseVersion: 1,
      governanceVersion: 1,
      comment: 'no',
    });
    await api.withdraw('p7');
    await api.withdraw('p7', 'wrong file');
    await api.apply('p7');
    expect(await api.auditVersions()).to.deep.equal([{ version: 1 }]);
    await api.auditDiff(1, 2);
    expect(await api.auditProposals()).to.deep.equal([{ id: 'p1' }]);
    expect(await api.auditInvalid()).to.deep.equal([]);
    await api.auditLatestVerification();
    await api.auditVerify();
    await api.auditReport();
    expect(calls.map((c) => `${c.method} ${c.url}`)).to.deep.equal([
      'GET /v1/items/D-1?province=Guangdong',
      'GET /v1/items/D-1/history',
      'GET /v1/coverage?province=Guangdong&itemId=D-1&age=3',
      'POST /v1/claims/check',
      'GET /v1/proposals?status=open',
      'GET /v1/proposals/p7?changes=true',
      'POST /v1/proposals',
      'POST /v1/proposals/p7/reject',
      'POST /v1/proposals/p7/withdraw',
      'POST /v1/proposals/p7/withdraw',
      'POST /v1/proposals/p7/apply',
      'GET /v1/audit/versions',
      'GET /v1/audit/diff?from=1&to=2',
      'GET /v1/audit/proposals',
      'GET /v1/audit/invalid',
      'GET /v1/audit/verify',
      'POST /v1/audit/verify',
      'GET /v1/audit/report',
    ]);
    expect(calls[8]?.body).to.deep.equal({});
    expect(calls[9]?.body).to.deep.equal({ comment: 'wrong file' });
    expect(PATHS.audit).to.deep.equal({
      versions: '/v1/audit/versions',
      diff: '/v1/audit/diff',
      proposals: '/v1/audit/proposals',
      invalid: '/v1/audit/invalid',
      verify: '/v1/audit/verify',
      report: '/v1/audit/report',
    });
  });

  it('reads the audit lists under their names, and the latest verification (null before the first)', async function () {
    const { fetchFn } = fakeFetch({
      'GET /v1/audit/versions': { body: auditVersionsAnswer() },
      'GET /v1/audit/proposals': { body: { blockHeight: 45, proposals: [] } },
      'GET /v1/audit/invalid': { body: { blockHeight: 45, transactions: [] } },
      'GET /v1/audit/verify': { body: { latest: null } },
    });
    const api = new Api(() => 'zh', fetchFn);
    expect((await api.auditVersions()).map((v) => v.version)).to.deep.equal([1, 2, 3]);
    expect(await api.auditProposals()).to.deep.equal([]);
    expect(await api.auditInvalid()).to.deep.equal([]);
    expect(await api.auditLatestVerification()).to.equal(null);
  });

  it('refuses a fake answer the real server could not give (the fake serves what the server sends)', async function () {
    const { fetchFn } = fakeFetch({
      'GET /v1/audit/verify': { body: { ok: true, checkedAt: '2026-12-03T08:00:00Z' } },
      'GET /v1/search': { status: 503, body: { code: 42, message: 'down' } },
    });
    const api = new Api(() => 'en', fetchFn);
    expect(errorLine(await api.auditLatestVerification().catch((e: unknown) => e))).to.match(
      /^NETWORK_ERROR: .*does not fit AuditLatestVerification: data must have required property 'latest'/,
    );
    expect(errorLine(await api.search({ q: 'x' }).catch((e: unknown) => e))).to.match(
      /does not fit Error: data\/code must be string/,
    );
  });

  it('builds query strings of the given values only', function () {
    expect(queryString({})).to.equal('');
    expect(queryString({ a: 1, b: undefined, c: null, d: '', e: '广东', f: true })).to.equal(
      `?a=1&e=${encodeURIComponent('广东')}&f=true`,
    );
  });
});

describe('console: reading claims and changes', function () {
  it('reads claim lines from CSV (numbers as numbers, empty cells left out) and from JSON', function () {
    expect(
      parseClaim('\uFEFFname,dosageForm,quantity,amount\n阿莫西林,口服常释剂型,2,25.00\n\n code ,,, \n'),
    ).to.deep.equal([
      { name: '阿莫西林', dosageForm: '口服常释剂型', quantity: 2, amount: '25.00' },
      { name: 'code' },
    ]);
    expect(parseClaim('[{"itemId":"D-1"}]')).to.deep.equal([{ itemId: 'D-1' }]);
    expect(parseClaim('{"lines":[{"code":"1"}]}')).to.deep.equal([{ code: '1' }]);
  });

  it('refuses what it cannot read, naming the message', function () {
    const refusal = (run: () => unknown): InputError => {
      try {
        run();
      } catch (error) {
        if (error instanceof InputError) return error;
        throw error;
      }
      throw new Error('no refusal');
    };
    expect(refusal(() => parseClaim('  ')).key).to.equal('console.claim.noLines');
    expect(refusal(() => parseClaim('[]')).key).to.equal('console.claim.noLines');
    expect(refusal(() => parseClaim('{"x":1}')).key).to.equal('console.claim.notArray');
    expect(refusal(() => parseClaim('{bad')).key).to.equal('console.claim.parseError');
    const quantity = refusal(() => parseClaim('code,quantity\n1,two\n'));
    expect(t('en', quantity.key, quantity.params)).to.equal('cannot read the claim: 2: quantity "two"');
    const quote = refusal(() => parseClaim('code,name\n1,"open\n'));
    expect(quote.key).to.equal('console.claim.parseError');
    expect(refusal(() => parseChanges('')).key).to.equal('console.create.noChanges');
    expect(refusal(() => parseChanges('[]')).key).to.equal('console.create.noChanges');
    expect(refusal(() => parseChanges('{"x":1}')).params).to.deep.include({ row: 1 });
    expect(refusal(() => parseChanges('[oops')).key).to.equal('console.create.parseError');
    const noOp = refusal(() => parseChanges('itemId\nD-1\n'));
    expect(t('zh', noOp.key, noOp.params)).to.equal('无法读取变更：第 2 行：op');
    const number = refusal(() => parseChanges('op,overlay.selfPayRatio\nsetOverlay,ten\n'));
    expect(t('en', number.key, number.params)).to.equal(
      'cannot read the changes: row 2: overlay.selfPayRatio: "ten" is not a number',
    );
    expect(refusal(() => parseChanges('op,item.rules\nupsertItem,{bad\n')).params).to.deep.include({
      row: 2,
    });
  });

  it('builds nested changes from dotted CSV columns, keeping booleans, null, numbers and JSON', function () {
    const csv = [
      'op,itemId,overlay.itemId,overlay.province,overlay.selfPayRatio,overlay.suspended,overlay.restriction,overlay.prices,item.code',
      'setOverlay,,D-1,Sichuan,0.2,false,限门诊,null,',
      'removeItem,D-2,,,,,,,',
      'upsertItem,,,,,,,,"{""a"":1}"',
    ].join('\n');
    expect(parseChanges(csv)).to.deep.equal([
      {
        op: 'setOverlay',
        overlay: {
          itemId: 'D-1',
          province: 'Sichuan',
          selfPayRatio: 0.2,
          suspended: false,
          restriction: '限门诊',
          prices: null,
        },
      },
      { op: 'removeItem', itemId: 'D-2' },
      { op: 'upsertItem', item: { code: { a: 1 } } },
    ]);
    expect(
      parseChanges('op,item.fundPayable,item.paymentStandard.amount\nupsertItem,true,12\n'),
    ).to.deep.equal([{ op: 'upsertItem', item: { fundPayable: true, paymentStandard: { amount: 12 } } }]);
    expect(parseChanges('{"changes":[{"op":"removeItem","itemId":"D-1"}]}')).to.have.length(1);
  });
});

describe('console: diffs, roles, hash chain, words', function () {
  it('lists the fields that differ by dotted path', function () {
    expect(
      fieldChanges({ a: 1, b: { c: 2, d: [1] }, e: null }, { a: 1, b: { c: 3, d: [1, 2] }, f: 'x' }),
    ).to.deep.equal([
      { field: 'b.c', before: 2, after: 3 },
      { field: 'b.d', before: [1], after: [1, 2] },
      { field: 'f', before: null, after: 'x' },
    ]);
    expect(fieldChanges(null, { a: 1 })).to.deep.equal([{ field: 'a', before: null, after: 1 }]);
    expect(fieldChanges({ a: 1 }, undefined)).to.deep.equal([{ field: 'a', before: 1, after: null }]);
    expect([...leaves(5)]).to.deep.equal([['', 5]]);
    expect([...leaves({ a: {} })]).to.deep.equal([['a', {}]]);
    expect([null, undefined, 'x', 3, false, { a: 1 }].map(cellText)).to.deep.equal([
      '-',
      '-',
      'x',
      '3',
      'false',
      '{"a":1}',
    ]);
  });

  it('offers each action to the roles the chaincode allows', function () {
    expect(can('approver', 'vote')).to.equal(true);
    expect(can('hospital', 'vote')).to.equal(false);
    expect(can('proposer', 'vote')).to.equal(false);
    expect(can('proposer', 'create')).to.equal(true);
    expect(can('admin', 'create')).to.equal(false);
    expect(can('admin', 'apply')).to.equal(true);
    expect(can('auditor', 'audit')).to.equal(true);
    expect(can('hospital', 'proposals')).to.equal(false);
  });

  it('checks each link of the hash chain against the version before it', function () {
    expect(chainLinks(auditVersions)).to.deep.equal(['start', 'ok', 'broken']);
    expect(chainLinks([auditVersions[0]!, auditVersions[2]!])).to.deep.equal(['start', 'start']);
  });

  it('reads its words from the one catalogue', function () {
    expect(t('zh', 'console.signIn.title')).to.equal('登录');
    expect(t('en', 'console.search.summary', { total: 2, version: 18, digest: 'ab' })).to.equal(
      '2 found; catalog version 18, digest ab',
    );
    expect(tOr('zh', 'console.field.class', 'class')).to.equal('甲乙类');
    expect(tOr('zh', 'console.field.nothing', 'nothing')).to.equal('nothing');
  });
});

describe('console: live events', function () {
  useDom();

  it('parses each event, tells listeners of its type and reports the connection', function () {
    const states: boolean[] = [];
    const live = new LiveEvents((connected) => states.push(connected));
    const seen: [string, unknown][] = [];
    const unsubscribe = live.subscribe((type, data) => seen.push([type, data]));
    live.start(fakeEventSource);
    live.start(fakeEventSource); // once only
    const source = FakeEventSource.last!;
    expect(source.url).to.equal('/v1/events');
    source.open();
    source.emit('version', { version: 19 });
    source.emit('proposal', 'not json');
    source.fail();
    unsubscribe();
    source.emit('version', { version: 20 });
    expect(seen).to.deep.equal([
      ['version', { version: 19 }],
      ['proposal', 'not json'],
    ]);
    expect(states).to.deep.equal([true, false]);
    live.stop();
    expect(source.closed).to.equal(true);
    live.stop();
  });
});
