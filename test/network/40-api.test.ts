import { expect } from 'chai';
import Ajv from 'ajv';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApiServer, type ApiServer } from '../../apps/api/src/server';
import { computeItemId } from '@nrdl-catalog/chaincode/model';
import { ensureCatalog } from './support/catalog';
import { runCatalog } from './support/cli';
import { WALLET_DIR } from './support/network';

const BORAX = computeItemId({ kind: 'drug', name: '复方硼砂', dosageForm: '外用液体剂' });

describe('real network: catalog CLI and HTTP API', function () {
  let tmp: string;

  before(async function () {
    await ensureCatalog();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'catalog-api-'));
    // The NRDL import suite (or an earlier run) put 复方硼砂 on chain; make sure it is there.
    const found = await runCatalog(['search', '--on-chain', '复方硼砂', '--json', '--as', 'audit/auditor']);
    const page = JSON.parse(found.stdout) as { records: { itemId: string }[] };
    if (!page.records.some((record) => record.itemId === BORAX)) {
      const changes = path.join(tmp, 'borax.json');
      const item = {
        kind: 'drug',
        section: '西药部分',
        number: '1',
        class: '甲',
        categoryCode: 'XA01',
        categoryPath: ['口腔科制剂'],
        name: '复方硼砂',
        dosageForm: '外用液体剂',
        fundPayable: true,
        provenance: { edition: 'NRDL-2024', sourceRow: '1', source: 'nrdl-2024-drugs.csv' },
      };
      writeFileSync(changes, JSON.stringify([{ op: 'upsertItem', item }]));
      const proposed = await runCatalog([
        'propose',
        '--file',
        changes,
        '--title',
        'borax',
        '--effective-from',
        '2025-01-01',
        '--approve-as',
        'nhsa/approver,guangdong/approver,sichuan/approver',
        '--apply',
      ]);
      expect(proposed.code, proposed.stderr).to.equal(0);
    }
  });

  after(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('catalog CLI', function () {
    it('answers coverage by generic name with --json as { results: [...] }', async function () {
      const run = await runCatalog([
        'coverage',
        '--province',
        'GuangdongMSP',
        '--name',
        '复方硼砂',
        '--date',
        '2025-06-01',
        '--json',
        '--as',
        'guangdong/hospital1',
      ]);
      expect(run.code, run.stderr).to.equal(0);
      const body = JSON.parse(run.stdout) as {
        results: { itemId: string; reason: string; province: string }[];
      };
      expect(body.results.map((r) => [r.itemId, r.reason, r.province])).to.deep.equal([
        [BORAX, 'COVERED', 'Guangdong'],
      ]);
    });

    it('prints { "results": [] } and exits 1 with ITEM_NOT_FOUND for a name matching nothing', async function () {
      const run = await runCatalog(['coverage', '--province', 'sichuan', '--name', '没有这种药', '--json']);
      expect(run.code).to.equal(1);
      expect(JSON.parse(run.stdout)).to.deep.equal({ results: [] });
      expect(run.stderr).to.match(/^ITEM_NOT_FOUND: /);
    });

    it('reads the province in any form from the governance record; an unknown one exits 1 (UNKNOWN_PROVINCE)', async function () {
      // Two forms here (each a CLI process); the HTTP API test below asks with every form.
      for (const form of ['广东', '４４００００']) {
        const run = await runCatalog(['coverage', '--province', form, '--item', BORAX, '--json']);
        expect(run.code, `${form}: ${run.stderr}`).to.equal(0);
        expect((JSON.parse(run.stdout) as { results: { province: string }[] }).results[0]).to.include({
          province: 'Guangdong',
        });
      }
      const unknown = await runCatalog(['coverage', '--province', 'Hubei', '--item', BORAX]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(/^UNKNOWN_PROVINCE: unknown province "Hubei"; the members are /);
    });

    it('exits 2 on usage errors, before touching the network', async function () {
      for (const args of [
        ['coverage', '--province', 'Guangdong', '--item', BORAX, '--level', '7'],
        ['coverage', '--province', 'Guangdong'],
        ['item'],
        ['frobnicate'],
        ['search', '--on-chain', 'x', '--as', 'hubei/admin'],
      ]) {
        const run = await runCatalog(args);
        expect(run.code, args.join(' ')).to.equal(2);
      }
    });

    it('answers a claim file line by line, in order, reporting invalid lines by number', async function () {
      const claim = path.join(tmp, 'claim.csv');
      writeFileSync(
        claim,
        `itemId,date,age,sex,level,visit\n${BORAX},2025-06-01,40,F,3,outpatient\n,2025-06-01,,,,\n${BORAX},2020-01-01,,,,\nD-0000000000000000,2025-06-01,,,,\n${BORAX},2025-06-01,,X,,\n`,
      );
      const run = await runCatalog([
        'coverage-batch',
        '--province',
        'Guangdong',
        '--file',
        claim,
        '--json',
        '--as',
        'guangdong/hospital1',
      ]);
      expect(run.code, 'invalid lines make the exit code 1').to.equal(1);
      const body = JSON.parse(run.stdout) as { results: { line: number; reason?: string; error?: string }[] };
      expect(body.results.map((r) => [r.line, r.reason ?? r.error?.split(':')[0]])).to.deep.equal([
        [2, 'COVERED'],
        [3, 'INVALID_INPUT'],
        [4, 'NOT_YET_EFFECTIVE'],
        [5, 'NOT_LISTED'],
        [6, 'INVALID_INPUT'],
      ]);
    });
  });

  describe('HTTP API', function () {
    let api: ApiServer;
    const ajv = new Ajv({ strict: false });
    let documentLoaded = false;

    before(async function () {
      api = await startApiServer({
        port: 0,
        walletDir: WALLET_DIR,
        keys: new Map([
          ['hospital-key', 'guangdong/hospital1'],
          ['auditor-key', 'audit/auditor'],
        ]),
      });
    });

    after(async function () {
      await api.close();
    });

    async function call(
      pathAndQuery: string,
      init: Omit<RequestInit, 'headers'> & { key?: string; headers?: Record<string, string> } = {},
    ): Promise<{ status: number; body: unknown; headers: Headers }> {
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      if (init.key !== undefined) headers['x-api-key'] = init.key;
      const response = await fetch(`${api.url}${pathAndQuery}`, { ...init, headers });
      // Every answer, success or error, names its request (as the server's log line does).
      expect(response.headers.get('x-request-id'), pathAndQuery).to.match(/^[0-9a-f-]{36}$/);
      return { status: response.status, body: await response.json(), headers: response.headers };
    }

    async function expectSchema(name: string, body: unknown): Promise<void> {
      if (!documentLoaded) {
        const doc = (await call('/openapi.json')).body as Record<string, unknown>;
        ajv.addSchema(doc, 'openapi');
        documentLoaded = true;
      }
      const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
      if (!validate) throw new Error(`no schema ${name}`);
      expect(validate(body), `${name}: ${JSON.stringify(validate.errors)}`).to.equal(true);
    }

    it('serves /healthz and an OpenAPI 3 document of every operation', async function () {
      const health = await call('/healthz');
      expect({ status: health.status, body: health.body }).to.deep.equal({
        status: 200,
        body: { status: 'ok' },
      });
      const doc = (await call('/openapi.json')).body as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).to.match(/^3\./);
      expect(Object.keys(doc.paths)).to.include.members([
        '/v1/coverage',
        '/v1/coverage/batch',
        '/v1/items',
        '/v1/items/{itemId}',
        '/v1/proposals',
        '/v1/versions',
      ]);
    });

    it('answers coverage with the documented shape, as the caller mapped from the API key', async function () {
      const answer = await call(
        `/v1/coverage?province=guangdong&itemId=${BORAX}&date=2025-06-01&level=3&sex=F`,
        { key: 'hospital-key' },
      );
      expect(answer.status).to.equal(200);
      await expectSchema('Coverage', answer.body);
      expect(answer.body).to.include({ reason: 'COVERED', itemId: BORAX, province: 'Guangdong' });
      // Every form people use — Chinese name, short name, abbreviation, English name, code, MSP id,
      // division code, full-width digits as a Chinese input method types them, another letter case —
      // answered with the canonical name and the province's names from the governance record.
      for (const form of [
        '广东省',
        '广东',
        '粤',
        'Guangdong',
        'GD',
        'GuangdongMSP',
        '440000',
        '４４００００',
        'gd',
      ]) {
        const byForm = await call(`/v1/coverage?province=${encodeURIComponent(form)}&itemId=${BORAX}`, {
          key: 'hospital-key',
        });
        expect(byForm.status, form).to.equal(200);
        expect(byForm.body, form).to.deep.include({
          province: 'Guangdong',
          reason: 'COVERED',
          provinceNames: { en: 'Guangdong', zh: '广东省', zhShort: '广东', abbr: '粤', division: '440000' },
        });
      }
      const batch = await call('/v1/coverage/batch', {
        key: 'hospital-key',
        method: 'POST',
        body: JSON.stringify({
          province: 'Sichuan',
          lines: [
            { itemId: BORAX, date: '2025-06-01' },
            { itemId: BORAX, date: '2019-01-01' },
          ],
        }),
      });
      expect(batch.status).to.equal(200);
      await expectSchema('CoverageBatch', batch.body);
      expect((batch.body as { results: { reason: string }[] }).results.map((r) => r.reason)).to.deep.equal([
        'COVERED',
        'NOT_YET_EFFECTIVE',
      ]);
    });

    it('pages search results with a bookmark and returns items and versions in their documented shapes', async function () {
      const first = await call('/v1/items?kind=drug&limit=2', { key: 'auditor-key' });
      expect(first.status).to.equal(200);
      await expectSchema('ItemPage', first.body);
      const page = first.body as { records: { itemId: string }[]; bookmark: string };
      expect(page.records).to.have.length(2);
      expect(page.bookmark).to.not.equal('');
      const second = await call(`/v1/items?kind=drug&limit=2&bookmark=${encodeURIComponent(page.bookmark)}`, {
        key: 'auditor-key',
      });
      const next = second.body as { records: { itemId: string }[] };
      expect(next.records[0]?.itemId).to.not.equal(page.records[0]?.itemId);
      const item = await call(`/v1/items/${BORAX}`, { key: 'auditor-key' });
      expect(item.status).to.equal(200);
      await expectSchema('ItemView', item.body);
      // Nothing the chaincode returns is dropped (provenance is documented as an open object).
      expect((item.body as { item: { provenance: Record<string, unknown> } }).item.provenance).to.include({
        edition: 'NRDL-2024',
      });
      const head = await call('/v1/versions/head', { key: 'auditor-key' });
      await expectSchema('Version', head.body);
      const versions = await call('/v1/versions?limit=5', { key: 'auditor-key' });
      await expectSchema('VersionPage', versions.body);
    });

    it('answers errors as { code, message } with fitting status codes', async function () {
      const unauthenticated = await call(`/v1/coverage?province=Guangdong&itemId=${BORAX}`);
      expect(unauthenticated.status).to.equal(401);
      await expectSchema('Error', unauthenticated.body);
      const badQuery = await call(`/v1/coverage?province=Guangdong&itemId=${BORAX}&level=high`, {
        key: 'hospital-key',
      });
      expect(badQuery.status).to.equal(400);
      expect(badQuery.body).to.include({ code: 'INVALID_INPUT' });
      const unknownProvince = await call(`/v1/coverage?province=Hubei&itemId=${BORAX}`, {
        key: 'hospital-key',
      });
      expect(unknownProvince.status).to.equal(400);
      const missing = await call('/v1/items/D-0000000000000000', { key: 'auditor-key' });
      expect(missing.status).to.equal(404);
      expect(missing.body).to.include({ code: 'ITEM_NOT_FOUND' });
      // The chaincode's refusal, rendered from its template: Chinese by default, English when asked.
      expect(missing.headers.get('content-language')).to.equal('zh-CN');
      expect((missing.body as { message: string }).message).to.match(
        /^ITEM_NOT_FOUND: 项目 D-0000000000000000 未列入目录版本 \d+$/,
      );
      const missingEn = await call('/v1/items/D-0000000000000000', {
        key: 'auditor-key',
        headers: { 'accept-language': 'en' },
      });
      expect(missingEn.headers.get('content-language')).to.equal('en');
      expect((missingEn.body as { message: string }).message).to.match(
        /^ITEM_NOT_FOUND: D-0000000000000000 is not listed in version \d+$/,
      );
      const forbidden = await call('/v1/proposals', {
        key: 'hospital-key',
        method: 'POST',
        body: JSON.stringify({
          title: 't',
          effectiveFrom: '2025-01-01',
          changes: [{ op: 'removeItem', itemId: BORAX }],
        }),
      });
      expect(forbidden.status).to.equal(403);
      expect(forbidden.body).to.include({ code: 'FORBIDDEN_ROLE' });
      expect((await call('/v1/nothing', { key: 'auditor-key' })).status).to.equal(404);
      const wrongMethod = await call('/v1/coverage', { key: 'auditor-key', method: 'DELETE' });
      expect(wrongMethod.status).to.equal(405);
      expect(wrongMethod.body).to.include({ code: 'METHOD_NOT_ALLOWED' });
      const unknownScope = await call('/v1/proposals', {
        key: 'hospital-key',
        method: 'POST',
        body: JSON.stringify({
          title: 't',
          scope: 'Hubei',
          effectiveFrom: '2025-01-01',
          changes: [{ op: 'removeItem', itemId: BORAX }],
        }),
      });
      expect(unknownScope.status).to.equal(400);
      expect(unknownScope.body).to.include({ code: 'UNKNOWN_PROVINCE' });
    });
  });
});
