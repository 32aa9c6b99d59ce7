/**
 * The auditors' HTTP endpoints (`/v1/audit/…`) over an audit store replayed from the shared catalog
 * history (support/scenario.ts: real contracts, real-format blocks), through Fastify inject: every
 * answer fits its schema in the served document, the diff of a known pair of versions is what the
 * history holds, a verification is recorded with its time, the chart bars are the report's; 503
 * AUDIT_STORE_UNAVAILABLE without a store and 403 FORBIDDEN_ROLE for a caller who is not an auditor.
 */
import '../chaincode/support/quiet';
import { expect } from 'chai';
import type { LightMyRequestResponse } from 'fastify';
import { buildApi } from '../../../apps/api/src/server';
import { AUDIT_ROLES, AuditSource, auditRoutes, proposalLog } from '../../../apps/api/src/audit-routes';
import type { Governance, Proposal } from '@nrdl-catalog/chaincode/model';
import {
  auditReportData,
  buildLedgerModel,
  decodeBlock,
  genesisHashOf,
  SqliteAuditStore,
  versionBars,
  type LedgerModel,
  type ProposalInfo,
  type TxRef,
} from '../../../gateway-client/src/audit';
import type { CatalogClient } from '../../../gateway-client/src/catalog-client';
import { bodyOf, fakeClient, type OpenApi, type TestApi } from '../http/support/fake-client';
import { clientIdentity } from './support/certs';
import { ids, scenario, type Scenario } from './support/scenario';

const KEYS = new Map([
  ['auditor-key', 'audit/auditor'],
  ['hospital-key', 'guangdong/hospital1'],
  ['approver-key', 'nhsa/approver'],
  ['norole-key', 'nhsa/nobody'],
]);
const ROLES: Readonly<Record<string, string | null>> = {
  'audit/auditor': 'auditor',
  'guangdong/hospital1': 'hospital',
  'nhsa/approver': 'approver',
  'nhsa/nobody': null,
};

/** Every audit operation with a request that is valid for it. */
const REQUESTS: readonly {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly schema: string;
}[] = [
  { method: 'GET', url: '/v1/audit/versions', schema: 'AuditVersions' },
  { method: 'GET', url: '/v1/audit/diff?from=1&to=3', schema: 'AuditDiff' },
  { method: 'GET', url: '/v1/audit/proposals', schema: 'AuditProposals' },
  { method: 'GET', url: '/v1/audit/invalid', schema: 'AuditInvalidTransactions' },
  { method: 'GET', url: '/v1/audit/verify', schema: 'AuditLatestVerification' },
  { method: 'POST', url: '/v1/audit/verify', schema: 'AuditVerification' },
  { method: 'GET', url: '/v1/audit/report', schema: 'AuditReport' },
];

interface AuditApi extends TestApi {
  request(method: 'GET' | 'POST', url: string, key?: string, lang?: string): Promise<LightMyRequestResponse>;
}

async function auditApi(
  store: SqliteAuditStore | null,
  roleOf?: (identity: string) => string | null,
): Promise<AuditApi> {
  const fake = fakeClient();
  const identities: string[] = [];
  const lines: string[] = [];
  const app = await buildApi({
    keys: KEYS,
    ...(store === null ? {} : { auditStore: store }),
    roleOf: roleOf ?? ((identity) => ROLES[identity] ?? null),
    log: (line) => lines.push(line),
    clientFor: (identity) => {
      identities.push(identity);
      return fake.client;
    },
  });
  await app.ready();
  const document = app.swagger() as unknown as OpenApi;
  return {
    app,
    fake,
    lines,
    identities,
    document,
    request: (method, url, key = 'auditor-key', lang = 'en') =>
      app.inject({
        method,
        url,
        headers: {
          'x-api-key': key,
          'accept-language': lang,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { payload: '{}' } : {}),
      }),
  };
}

async function replayedStore(s: Scenario): Promise<SqliteAuditStore> {
  const store = new SqliteAuditStore();
  for (const block of s.blocks) await store.writeBlock(decodeBlock(block));
  return store;
}

describe('HTTP API: the auditors’ endpoints over their replay store', function () {
  this.timeout(60_000);
  let s: Scenario;
  let store: SqliteAuditStore;
  let api: AuditApi;

  before(async function () {
    s = await scenario();
    store = await replayedStore(s);
    api = await auditApi(store);
  });

  after(async function () {
    await api.app.close();
    await store.close();
  });

  it('registers every audit operation in the routes table and the document, for auditors only', function () {
    for (const { method, url } of REQUESTS) {
      const path = url.split('?')[0] ?? '';
      const operation = api.document.paths[path]?.[method.toLowerCase()];
      expect(operation, `${method} ${path}`).to.not.equal(undefined);
      expect(Object.keys(operation?.responses ?? {})).to.include.members(['200', '403', '503']);
    }
    expect(auditRoutes).to.have.length(REQUESTS.length);
    expect(auditRoutes.every((route) => route.roles === AUDIT_ROLES)).to.equal(true);
    expect(AUDIT_ROLES).to.deep.equal(['auditor']);
  });

  it('answers every operation for an auditor with a body that fits its schema', async function () {
    for (const { method, url, schema } of REQUESTS) {
      const response = await api.request(method, url);
      expect(response.statusCode, `${method} ${url}: ${response.body}`).to.equal(200);
      bodyOf(api, response, schema);
    }
  });

  it('gives the version timeline: digests as sealed and as recomputed, the hash chain, who proposed and approved', async function () {
    const body = bodyOf(api, await api.request('GET', '/v1/audit/versions'), 'AuditVersions') as {
      blockHeight: number;
      versions: {
        version: number;
        digest: string;
        recomputedDigest: string;
        previousVersionHash: string | null;
        versionHash: string;
        txId: string;
        block: number;
        timestamp: string | null;
        sealedBy: { mspId: string | null; role: string | null };
        proposals: {
          proposalId: string;
          proposer: { mspId: string; subject: string | null } | null;
          approvers: { voter: { mspId: string; subject: string | null }; decision: string }[];
        }[];
      }[];
    };
    expect(body.blockHeight).to.equal(s.blocks.length);
    expect(body.versions.map((v) => v.version)).to.deep.equal([1, 2, 3, 4]);
    body.versions.forEach((v, i) => {
      const sealed = s.versions[i];
      expect(v.txId).to.equal(sealed?.txId);
      expect(v.digest).to.equal(sealed?.digest);
      expect(v.recomputedDigest).to.equal(v.digest);
      expect(v.versionHash).to.equal(sealed?.versionHash);
      expect(v.previousVersionHash).to.equal(i === 0 ? null : body.versions[i - 1]?.versionHash);
      expect(v.timestamp).to.match(/^2024-12-20T/);
      expect(v.block).to.be.within(0, s.blocks.length - 1);
    });
    const v2 = body.versions[1];
    expect(v2?.proposals.map((p) => p.proposalId)).to.deep.equal([s.sichuanProposalId]);
    expect(v2?.proposals[0]?.proposer).to.include({ mspId: 'SichuanMSP' });
    expect(v2?.proposals[0]?.approvers.map((a) => [a.decision, a.voter.mspId])).to.deep.equal([
      ['approve', 'SichuanMSP'],
    ]);
    const v3 = body.versions[2];
    expect(v3?.proposals[0]?.proposer).to.include({
      mspId: 'NHSAMSP',
      subject: '/C=CN/O=NHSAMSP/OU=client/CN=proposer@NHSAMSP',
    });
    expect(v3?.proposals[0]?.approvers.map((a) => a.voter.subject)).to.deep.equal([
      '/C=CN/O=NHSAMSP/OU=client/CN=approver@NHSAMSP',
      '/C=CN/O=GuangdongMSP/OU=client/CN=approver@GuangdongMSP',
      '/C=CN/O=SichuanMSP/OU=client/CN=approver@SichuanMSP',
    ]);
    expect(v3?.sealedBy).to.include({ mspId: 'NHSAMSP' });
  });

  it('diffs two versions field by field: 1 → 3 changes ilaprazole’s payment standard, removes fennel, adds avapritinib', async function () {
    const body = bodyOf(api, await api.request('GET', '/v1/audit/diff?from=1&to=3'), 'AuditDiff') as {
      from: number;
      to: number;
      added: { kind: string; itemId: string; province: string | null }[];
      removed: { kind: string; itemId: string }[];
      changed: { kind: string; itemId: string; province: string | null; fields: unknown[] }[];
    };
    expect([body.from, body.to]).to.deep.equal([1, 3]);
    expect(body.removed.map((e) => [e.kind, e.itemId])).to.deep.equal([['item', ids.fennel]]);
    expect(body.added.map((e) => [e.kind, e.itemId, e.province]).sort()).to.deep.equal(
      [
        ['item', ids.avapritinib, null],
        ['overlay', ids.borax, 'Sichuan'],
      ].sort(),
    );
    expect(body.changed).to.deep.equal([
      {
        kind: 'item',
        itemId: ids.ilaprazole,
        province: null,
        fields: [
          { field: 'paymentStandard.amount', before: 63, after: 58 },
          { field: 'paymentStandard.text', before: '63.00元(10mg/支)', after: '58.00元(10mg/支)' },
        ],
      },
    ]);
    const back = bodyOf(api, await api.request('GET', '/v1/audit/diff?from=3&to=1'), 'AuditDiff') as {
      added: { itemId: string }[];
      removed: { itemId: string }[];
    };
    expect(back.added.map((e) => e.itemId)).to.deep.equal([ids.fennel]);
    const fromEmpty = bodyOf(api, await api.request('GET', '/v1/audit/diff?from=0&to=1'), 'AuditDiff') as {
      added: { itemId: string }[];
      removed: unknown[];
      changed: unknown[];
    };
    expect(fromEmpty.added.map((e) => e.itemId).sort()).to.deep.equal(
      [ids.borax, ids.fennel, ids.ilaprazole].sort(),
    );
    expect([fromEmpty.removed, fromEmpty.changed]).to.deep.equal([[], []]);
  });

  it('answers 404 VERSION_NOT_FOUND for a version the store does not hold, 400 for a missing or bad one', async function () {
    const missing = await api.request('GET', '/v1/audit/diff?from=1&to=9');
    expect(missing.statusCode).to.equal(404);
    expect(bodyOf(api, missing, 'Error')).to.deep.equal({
      code: 'VERSION_NOT_FOUND',
      message: 'VERSION_NOT_FOUND: no sealed version 9',
    });
    const zh = await api.request('GET', '/v1/audit/diff?from=7&to=1', 'auditor-key', 'zh');
    expect(zh.json()).to.deep.equal({
      code: 'VERSION_NOT_FOUND',
      message: 'VERSION_NOT_FOUND: 没有已封版的目录版本 7',
    });
    for (const url of [
      '/v1/audit/diff?from=1',
      '/v1/audit/diff?from=a&to=1',
      '/v1/audit/diff?from=-1&to=1',
    ]) {
      const response = await api.request('GET', url);
      expect(response.statusCode, url).to.equal(400);
      expect(response.json()).to.include({ code: 'INVALID_INPUT' });
    }
  });

  it('lists who proposed, voted and applied what, and when', async function () {
    const body = bodyOf(api, await api.request('GET', '/v1/audit/proposals'), 'AuditProposals') as {
      proposals: {
        proposalId: string;
        status: string;
        proposer: { mspId: string } | null;
        created: { txId: string; block: number };
        votes: { decision: string; voter: { mspId: string; role: string | null }; comment: string | null }[];
        applied: {
          version: number | null;
          changes: number;
          block: number;
          by: { mspId: string | null };
        } | null;
      }[];
    };
    const byId = new Map(body.proposals.map((p) => [p.proposalId, p]));
    const rejected = byId.get(s.rejectedProposalId);
    expect(rejected?.status).to.equal('rejected');
    expect(rejected?.applied).to.equal(null);
    expect(rejected?.votes.map((v) => [v.decision, v.voter.mspId, v.voter.role, v.comment])).to.deep.equal([
      ['reject', 'GuangdongMSP', 'approver', 'not now'],
      ['reject', 'SichuanMSP', 'approver', null],
    ]);
    const sichuan = byId.get(s.sichuanProposalId);
    expect(sichuan?.status).to.equal('applied');
    expect(sichuan?.proposer).to.include({ mspId: 'SichuanMSP' });
    expect(sichuan?.applied).to.deep.include({ version: 2, changes: 1, txId: s.versions[1]?.txId });
    expect(sichuan?.applied?.by).to.include({ mspId: 'SichuanMSP' });
    expect(sichuan?.created.block).to.be.lessThan(sichuan?.applied?.block ?? 0);
    const governance = body.proposals.filter((p) => p.applied?.version === null);
    expect(governance).to.deep.equal([]);
    expect(body.proposals.filter((p) => p.status === 'applied')).to.have.length(4);
  });

  it('lists the transactions the peers refused, with their validation code, block, id and creator', async function () {
    const body = bodyOf(api, await api.request('GET', '/v1/audit/invalid'), 'AuditInvalidTransactions') as {
      transactions: {
        validationName: string;
        validationCode: number;
        creatorMsp: string | null;
        function: string | null;
        endorsers: string[];
        block: number;
        txId: string;
      }[];
    };
    expect(
      body.transactions.map((t) => [t.validationName, t.creatorMsp, t.function, t.endorsers]),
    ).to.deep.equal([['ENDORSEMENT_POLICY_FAILURE', 'SichuanMSP', 'Proposal:ApplyChunk', ['GuangdongMSP']]]);
    expect(body.transactions[0]?.validationCode).to.equal(10);
    expect(body.transactions[0]?.txId).to.match(/^[0-9a-f]{64}$/);
  });

  it('answers the report’s chart data as the HTML report draws it', async function () {
    const body = bodyOf(api, await api.request('GET', '/v1/audit/report'), 'AuditReport') as {
      summary: { versions: number; invalidTransactions: number; blocks: number };
      charts: { id: string; bars: { label: string; value: number }[] }[];
    };
    expect(body.summary).to.include({ versions: 4, invalidTransactions: 1, blocks: s.blocks.length });
    expect(body.charts.map((c) => c.id)).to.deep.equal([
      'changes-per-version',
      'changes-per-province',
      'rejected-attempts',
      'proposal-to-seal',
    ]);
    const expected = versionBars(await auditReportData(store, await buildLedgerModel(store)));
    expect(body.charts[0]?.bars).to.deep.equal(JSON.parse(JSON.stringify(expected)));
    expect(body.charts[0]?.bars.map((b) => b.label)).to.deep.equal(['v1', 'v2', 'v3', 'v4']);
    expect(body.charts[2]?.bars.map((b) => [b.label, b.value])).to.deep.equal([
      ['ENDORSEMENT_POLICY_FAILURE', 1],
      ['proposal rejected', 1],
    ]);
  });

  it('answers 503 AUDIT_STORE_UNAVAILABLE for every operation when the server has no audit store', async function () {
    const bare = await auditApi(null);
    try {
      for (const { method, url } of REQUESTS) {
        const response = await bare.request(method, url);
        expect(response.statusCode, `${method} ${url}`).to.equal(503);
        expect(bodyOf(bare, response, 'Error'), `${method} ${url}`).to.deep.equal({
          code: 'AUDIT_STORE_UNAVAILABLE',
          message:
            'AUDIT_STORE_UNAVAILABLE: this server has no audit store to answer from (start it with --audit-store)',
        });
      }
      const zh = await bare.request('GET', '/v1/audit/versions', 'auditor-key', 'zh');
      expect(zh.json<{ message: string }>().message).to.equal(
        'AUDIT_STORE_UNAVAILABLE: 本服务没有可作答的审计库（请以 --audit-store 启动）',
      );
      // a caller who is not an auditor is refused first, store or not
      expect((await bare.request('GET', '/v1/audit/versions', 'hospital-key')).statusCode).to.equal(403);
    } finally {
      await bare.app.close();
    }
  });

  it('refuses every operation to a caller who is not an auditor with 403 FORBIDDEN_ROLE', async function () {
    for (const { method, url } of REQUESTS) {
      for (const [key, role] of [
        ['hospital-key', 'hospital'],
        ['approver-key', 'approver'],
      ] as const) {
        const response = await api.request(method, url, key);
        expect(response.statusCode, `${method} ${url} ${key}`).to.equal(403);
        expect(bodyOf(api, response, 'Error')).to.deep.equal({
          code: 'FORBIDDEN_ROLE',
          message: `FORBIDDEN_ROLE: role '${role}' may not do this (needs auditor)`,
        });
      }
      const none = await api.request(method, url, 'norole-key', 'zh');
      expect(none.statusCode).to.equal(403);
      expect(none.json()).to.deep.equal({
        code: 'FORBIDDEN_ROLE',
        message: 'FORBIDDEN_ROLE: 调用者的证书未设置 catalog.role 属性（需要 auditor）',
      });
      expect((await api.request(method, url, 'nope')).statusCode).to.equal(401);
    }
  });

  it('reads the caller’s role from the certificate its client signs with, unless told otherwise', async function () {
    const certificates: Record<string, string> = {
      'audit/auditor': clientIdentity('AuditMSP', 'auditor').pem,
      'guangdong/hospital1': clientIdentity('GuangdongMSP', 'hospital').pem,
      'nhsa/approver': clientIdentity('NHSAMSP', 'approver').pem,
      'nhsa/nobody': clientIdentity('NHSAMSP', null).pem,
    };
    const asked: string[] = [];
    const app = await buildApi({
      keys: KEYS,
      auditStore: store,
      clientFor: (identity) => {
        asked.push(identity);
        return {
          connection: {
            identity: { identity: { credentials: Buffer.from(certificates[identity] ?? '', 'utf8') } },
          },
        } as unknown as CatalogClient;
      },
    });
    try {
      const get = (key: string): Promise<LightMyRequestResponse> =>
        app.inject({ method: 'GET', url: '/v1/audit/versions', headers: { 'x-api-key': key } });
      expect((await get('auditor-key')).statusCode).to.equal(200);
      expect((await get('auditor-key')).statusCode).to.equal(200);
      expect((await get('hospital-key')).json()).to.include({ code: 'FORBIDDEN_ROLE' });
      expect((await get('norole-key')).statusCode).to.equal(403);
      // the role is read once per identity (then each request asks for the client it answers with)
      expect(asked.filter((identity) => identity === 'audit/auditor')).to.have.length(3);
    } finally {
      await app.close();
    }
  });

  it('records a verification with its time and answers it until the next; a second one while one runs is the same', async function () {
    const fresh = await replayedStore(s);
    const local = await auditApi(fresh);
    try {
      const before = bodyOf(local, await local.request('GET', '/v1/audit/verify'), 'AuditLatestVerification');
      expect(before).to.deep.equal({ latest: null });
      const result = bodyOf(local, await local.request('POST', '/v1/audit/verify'), 'AuditVerification') as {
        ok: boolean;
        startedAt: string;
        finishedAt: string;
        blockHeight: number;
        store: { ok: boolean; versions?: number; blocks?: number };
        independent: unknown;
      };
      expect(result.ok).to.equal(true);
      expect(result.store).to.deep.include({ ok: true, versions: 4, blocks: s.blocks.length });
      expect(result.independent).to.equal(null);
      expect(result.blockHeight).to.equal(s.blocks.length);
      expect(Date.parse(result.finishedAt)).to.be.at.least(Date.parse(result.startedAt));
      const latest = bodyOf(local, await local.request('GET', '/v1/audit/verify'), 'AuditLatestVerification');
      expect(latest).to.deep.equal({ latest: result });
      // a body with anything in it is refused: the operation takes none
      const extra = await local.app.inject({
        method: 'POST',
        url: '/v1/audit/verify',
        headers: { 'x-api-key': 'auditor-key', 'content-type': 'application/json' },
        payload: '{"reexecute":true}',
      });
      expect(extra.statusCode).to.equal(400);
    } finally {
      await local.app.close();
      await fresh.close();
    }
  });

  it('runs one verification at a time: a call while one runs shares it', async function () {
    const source = new AuditSource(store, () => new Date('2026-01-02T03:04:05.000Z'));
    expect(source.latest).to.equal(null);
    const first = source.verify();
    const second = source.verify();
    expect(second).to.equal(first);
    const result = await first;
    expect(result).to.deep.include({ ok: true, startedAt: '2026-01-02T03:04:05.000Z', independent: null });
    expect(source.latest).to.equal(result);
    const third = source.verify();
    expect(third).to.not.equal(first);
    await third;
  });

  it('walks the blocks from a pinned genesis too (no re-execution), and reports a store that diverges', async function () {
    const pinned = await replayedStore(s);
    const local = await auditApi(pinned);
    try {
      const genesis = genesisHashOf(s.blocks[0]!.serializeBinary());
      await pinned.setTrustedGenesis(genesis);
      const walked = bodyOf(local, await local.request('POST', '/v1/audit/verify'), 'AuditVerification') as {
        ok: boolean;
        store: { ok: boolean };
        independent: { genesis: string; blocks: number; ok: boolean; findings: { code: string }[] } | null;
      };
      expect(walked.independent).to.include({ genesis, blocks: s.blocks.length });
      // the recorded history's blocks carry no orderer signatures and no channel config: the walk
      // refuses them, while the store checks pass
      expect(walked.independent?.ok).to.equal(false);
      expect(walked.independent?.findings.map((f) => f.code)).to.include('BLOCK_VALIDATION_POLICY');
      expect(walked.store.ok).to.equal(true);
      expect(walked.ok).to.equal(false);
      // a tampered write: the store checks find the digest no longer matches
      pinned.db.exec(
        "UPDATE writes SET value = CAST('{\"tampered\":true}' AS BLOB) WHERE rowid = (SELECT MAX(rowid) FROM writes WHERE object_type = 'itemv')",
      );
      const tampered = bodyOf(
        local,
        await local.request('POST', '/v1/audit/verify'),
        'AuditVerification',
      ) as {
        ok: boolean;
        store: { ok: boolean; field?: string };
      };
      expect(tampered.ok).to.equal(false);
      expect(tampered.store.ok).to.equal(false);
    } finally {
      await local.app.close();
      await pinned.close();
    }
  });

  it('replays the model again once the store has moved on', async function () {
    const growing = new SqliteAuditStore();
    const local = await auditApi(growing);
    try {
      const half = Math.floor(s.blocks.length / 2);
      for (const block of s.blocks.slice(0, half)) await growing.writeBlock(decodeBlock(block));
      const early = (await local.request('GET', '/v1/audit/versions')).json<{
        blockHeight: number;
        versions: unknown[];
      }>();
      expect(early.blockHeight).to.equal(half);
      for (const block of s.blocks.slice(half)) await growing.writeBlock(decodeBlock(block));
      const late = (await local.request('GET', '/v1/audit/versions')).json<{
        blockHeight: number;
        versions: unknown[];
      }>();
      expect(late.blockHeight).to.equal(s.blocks.length);
      expect(late.versions.length).to.equal(4);
      expect(early.versions.length).to.be.lessThan(4);
    } finally {
      await local.app.close();
      await growing.close();
    }
  });
});

describe('HTTP API: the audit proposal log of a governance proposal', function () {
  it('names the governance version that applied it, with its transaction and sender', function () {
    const tx = (txId: string, block: number, msp: string, role: string): TxRef => ({
      blockNumber: block,
      txIndex: 0,
      txId,
      timestamp: '2025-01-02T00:00:00Z',
      creatorMsp: msp,
      creatorSubject: `/C=CN/O=${msp}/OU=client/CN=${role}@${msp}`,
      creatorRole: role,
      function: null,
      endorsers: [],
    });
    const proposal = {
      id: 'g1',
      title: 'add Hubei',
      rationale: 'r',
      scope: 'governance',
      province: null,
      status: 'applied',
      statusReason: null,
      effectiveFrom: '2025-01-01',
      createdAt: '2025-01-01T00:00:00Z',
      proposer: { mspId: 'NHSAMSP', id: 'x509::proposer', role: 'proposer' },
    } as unknown as Proposal;
    const info = {
      id: 'g1',
      created: { record: proposal, tx: tx('t-create', 3, 'NHSAMSP', 'proposer') },
      latest: proposal,
      latestTx: tx('t-apply', 9, 'NHSAMSP', 'admin'),
      approval: null,
      votes: [],
      chunks: new Map(),
    } as unknown as ProposalInfo;
    const model = {
      versions: [],
      proposals: new Map([['g1', info]]),
      governance: [
        {
          record: { version: 2, updatedByProposal: 'g1' } as unknown as Governance,
          tx: tx('t-apply', 9, 'NHSAMSP', 'admin'),
        },
      ],
      anomalies: [],
      entries: new Map(),
      validTransactions: 3,
    } as unknown as LedgerModel;
    expect(proposalLog(model)).to.deep.equal([
      {
        proposalId: 'g1',
        title: 'add Hubei',
        scope: 'governance',
        province: null,
        status: 'applied',
        statusReason: null,
        effectiveFrom: '2025-01-01',
        createdAt: '2025-01-01T00:00:00Z',
        proposer: {
          mspId: 'NHSAMSP',
          id: 'x509::proposer',
          role: 'proposer',
          subject: '/C=CN/O=NHSAMSP/OU=client/CN=proposer@NHSAMSP',
        },
        created: { txId: 't-create', block: 3, timestamp: '2025-01-02T00:00:00Z' },
        votes: [],
        applied: {
          version: null,
          governanceVersion: 2,
          changes: 0,
          txId: 't-apply',
          block: 9,
          timestamp: '2025-01-02T00:00:00Z',
          by: { mspId: 'NHSAMSP', role: 'admin', subject: '/C=CN/O=NHSAMSP/OU=client/CN=admin@NHSAMSP' },
        },
      },
    ]);
  });
});
