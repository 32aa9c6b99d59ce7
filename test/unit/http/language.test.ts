/**
 * The HTTP API answers in Chinese unless `Accept-Language` prefers English: every error message
 * (the code is the same in both), with `Content-Language` saying which, on every answer.
 */
import { expect } from 'chai';
import { encodeError } from '@nrdl-catalog/chaincode/messages';
import { toClientError } from '../../../gateway-client/src/errors';
import { ITEM_ID, call, testApi, type TestApi } from './support/fake-client';

describe('HTTP API: languages', function () {
  this.timeout(20_000);
  let api: TestApi;

  beforeEach(async function () {
    api = await testApi();
  });

  afterEach(async function () {
    await api.app.close();
  });

  const chinese = { 'accept-language': '' };

  it('answers in Chinese without Accept-Language, with Content-Language zh-CN and Vary', async function () {
    const response = await call(api, '/v1/coverage?province=Guangdong', { headers: chinese });
    expect(response.statusCode).to.equal(400);
    expect(response.headers['content-language']).to.equal('zh-CN');
    expect(response.headers.vary).to.match(/accept-language/i);
    const body = response.json<{ code: string; message: string }>();
    expect(body.code).to.equal('INVALID_INPUT');
    expect(body.message).to.match(/^输入无效：/);
    const ok = await call(api, `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}`, { headers: chinese });
    expect(ok.statusCode).to.equal(200);
    expect(ok.headers['content-language']).to.equal('zh-CN');
  });

  it('answers in English when Accept-Language prefers it, the code unchanged', async function () {
    for (const header of ['en', 'en-US,en;q=0.9,zh;q=0.5', 'fr, en;q=0.3']) {
      const response = await call(api, '/v1/coverage?province=Guangdong', {
        headers: { 'accept-language': header },
      });
      expect(response.headers['content-language'], header).to.equal('en');
      expect(response.json<{ code: string; message: string }>(), header).to.include({
        code: 'INVALID_INPUT',
      });
      expect(response.json<{ message: string }>().message, header).to.match(/^invalid input: /);
    }
    const chineseFirst = await call(api, '/v1/coverage?province=Guangdong', {
      headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
    });
    expect(chineseFirst.headers['content-language']).to.equal('zh-CN');
  });

  it('renders a chaincode refusal from its template and parameters in either language', async function () {
    api.fake.failWith = toClientError(
      new Error(`chaincode response 500, ${encodeError('ITEM_NOT_FOUND', { itemId: ITEM_ID })}`),
    );
    const zh = await call(api, `/v1/items/${ITEM_ID}`, { headers: chinese });
    expect(zh.statusCode).to.equal(404);
    expect(zh.json()).to.deep.equal({
      code: 'ITEM_NOT_FOUND',
      message: `ITEM_NOT_FOUND: 没有项目 ${ITEM_ID}`,
    });
    const en = await call(api, `/v1/items/${ITEM_ID}`, { headers: { 'accept-language': 'en' } });
    expect(en.json()).to.deep.equal({
      code: 'ITEM_NOT_FOUND',
      message: `ITEM_NOT_FOUND: no item ${ITEM_ID}`,
    });
  });

  it('says which operations exist, and that an API key is missing, in the language asked for', async function () {
    const missing = await call(api, '/v1/nothing', { headers: chinese });
    expect(missing.statusCode).to.equal(404);
    expect(missing.json()).to.deep.equal({ code: 'NOT_FOUND', message: 'GET /v1/nothing 不是本接口的操作' });
    const wrongMethod = await call(api, '/v1/versions', {
      method: 'DELETE',
      headers: { 'accept-language': 'en' },
    });
    expect(wrongMethod.statusCode).to.equal(405);
    expect(wrongMethod.json()).to.deep.equal({
      code: 'METHOD_NOT_ALLOWED',
      message: 'DELETE /v1/versions is not an operation of this API',
    });
    const anonymous = await call(api, '/v1/versions', { key: null, headers: chinese });
    expect(anonymous.statusCode).to.equal(401);
    expect(anonymous.headers['content-language']).to.equal('zh-CN');
    expect(anonymous.json()).to.deep.equal({
      code: 'UNAUTHENTICATED',
      message: '缺少或未知的 API 密钥（请放在 x-api-key 请求头中）',
    });
  });

  it('answers malformed URLs (a framework error) in the language asked for too', async function () {
    const response = await call(api, '/v1/items/%E0%A4%A', { headers: chinese });
    expect(response.statusCode).to.equal(400);
    expect(response.headers['content-language']).to.equal('zh-CN');
    expect(response.json<{ code: string; message: string }>().message).to.match(/^URL 格式错误：/);
  });
});
