import { expect } from 'chai';
import { ERROR_CODES } from '@nrdl-catalog/chaincode/model';
import {
  CATALOGUES,
  LANGS,
  codeWithLabel,
  decodeError,
  encodeError,
  en,
  errorText,
  label,
  langOfAcceptLanguage,
  langOfEnv,
  langOfLocale,
  message,
  parseLang,
  placeholders,
  zh,
} from '@nrdl-catalog/chaincode/messages';
import { raise } from '../../../chaincode/src/lib/errors';
import { CatalogClientError, localMessage, toClientError } from '@nrdl-catalog/gateway-client';

describe('message catalogue', () => {
  it('has the same keys in every language', () => {
    const keys = Object.keys(en).sort();
    for (const lang of LANGS) {
      expect(Object.keys(CATALOGUES[lang]).sort(), lang).to.deep.equal(keys);
    }
    expect(Object.keys(zh)).to.have.length(keys.length);
  });

  it('has the same placeholders in both languages, and no empty message', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[key]).sort(), key).to.deep.equal(placeholders(en[key]).sort());
      expect(en[key].trim(), key).not.to.equal('');
      expect(zh[key].trim(), key).not.to.equal('');
    }
  });

  it('has a template for every chaincode error code', () => {
    for (const code of Object.keys(ERROR_CODES)) {
      expect(Object.hasOwn(en, `error.${code}`), code).to.equal(true);
    }
  });

  it('labels every coverage reason in Chinese as the issue names them', () => {
    expect(codeWithLabel('zh', 'reason', 'COVERED')).to.equal('COVERED 可报销');
    expect(codeWithLabel('zh', 'reason', 'NOT_LISTED')).to.equal('NOT_LISTED 未列入目录');
    expect(codeWithLabel('zh', 'reason', 'AGREEMENT_EXPIRED')).to.equal('AGREEMENT_EXPIRED 协议已到期');
    expect(codeWithLabel('en', 'reason', 'COVERED')).to.equal('COVERED (covered)');
    expect(label('zh', 'kind', 'service')).to.equal('医疗服务项目');
    expect(label('en', 'status', 'open')).to.equal('open');
    expect(label('zh', 'role', 'approver')).to.equal('审批人');
    expect(label('zh', 'section', 'unknown section')).to.equal('unknown section');
    expect(codeWithLabel('zh', 'section', 'unlisted')).to.equal('unlisted');
    expect(label('zh', 'kind', null)).to.equal('-');
  });

  it('fills placeholders, lists in the language’s own way, and leaves unknown ones visible', () => {
    expect(message('zh', 'error.ITEM_NOT_FOUND', { itemId: 'D-1' })).to.equal('没有项目 D-1');
    expect(
      message('en', 'error.FORBIDDEN_ROLE', { role: 'hospital', roles: ['proposer', 'admin'] }),
    ).to.equal("role 'hospital' may not do this (needs proposer, admin)");
    expect(
      message('zh', 'error.FORBIDDEN_ROLE', { role: 'hospital', roles: ['proposer', 'admin'] }),
    ).to.equal('角色“hospital”无权执行此操作（需要 proposer、admin）');
    expect(message('en', 'word.yes')).to.equal('yes');
  });

  it('chooses the language from the locale environment (LC_ALL, LC_MESSAGES, LANG)', () => {
    expect(langOfEnv({ LANG: 'zh_CN.UTF-8' })).to.equal('zh');
    expect(langOfEnv({ LANG: 'en_US.UTF-8' })).to.equal('en');
    expect(langOfEnv({})).to.equal('en');
    expect(langOfEnv({ LANG: 'zh_CN.UTF-8', LC_ALL: 'C' })).to.equal('en');
    expect(langOfEnv({ LANG: 'en_US.UTF-8', LC_MESSAGES: 'zh_TW' })).to.equal('zh');
    expect(langOfLocale('')).to.equal(null);
    expect(langOfLocale('POSIX')).to.equal('en');
    expect(parseLang('zh-CN')).to.equal('zh');
    expect(parseLang('EN')).to.equal('en');
    expect(parseLang('fr')).to.equal(null);
  });

  it('chooses the language from Accept-Language, Chinese by default', () => {
    expect(langOfAcceptLanguage(undefined)).to.equal('zh');
    expect(langOfAcceptLanguage('')).to.equal('zh');
    expect(langOfAcceptLanguage('en-US,en;q=0.9')).to.equal('en');
    expect(langOfAcceptLanguage('fr, en;q=0.5, zh;q=0.8')).to.equal('zh');
    expect(langOfAcceptLanguage('zh;q=0, en')).to.equal('en');
    expect(langOfAcceptLanguage('fr')).to.equal('zh');
    expect(langOfAcceptLanguage('*')).to.equal('zh');
    expect(langOfAcceptLanguage('en;q=abc, de')).to.equal('zh');
  });

  it('carries template and parameters across the wire and renders them in either language', () => {
    const wire = encodeError('ITEM_NOT_FOUND', { itemId: 'D-7' });
    expect(wire).to.match(/^ITEM_NOT_FOUND: no item D-7 \[nrdl:/);
    const decoded = decodeError(`chaincode response 500, ${wire}`);
    expect(decoded).to.deep.equal({
      code: 'ITEM_NOT_FOUND',
      text: 'no item D-7',
      template: 'ITEM_NOT_FOUND',
      params: { itemId: 'D-7' },
    });
    expect(errorText('zh', decoded ?? { code: '', text: '' })).to.equal('没有项目 D-7');
    expect(decodeError('no code here')).to.equal(null);
    // A detail that is not ours (or names another code) stays part of the text.
    expect(decodeError('ITEM_NOT_FOUND: x [nrdl:{"m":"INTERNAL","p":{}}]')?.template).to.equal(null);
    expect(decodeError('ITEM_NOT_FOUND: x [nrdl:not json]')?.text).to.equal('x [nrdl:not json]');
  });

  it('renders plain-text errors by their code template, the text as the detail', () => {
    expect(errorText('zh', { code: 'ENDORSE_FAILED', text: 'peer0 said no' })).to.equal(
      '背书失败：peer0 said no',
    );
    expect(errorText('zh', { code: 'GOVERNANCE_EXISTS', text: 'exists' })).to.equal('治理记录已存在');
    expect(errorText('zh', { code: 'ITEM_NOT_FOUND', text: 'no item named x' })).to.equal('no item named x');
    expect(errorText('zh', { code: 'NOT_A_CODE', text: 'as is' })).to.equal('as is');
  });

  it('reaches clients: a raised chaincode error becomes a client error with a Chinese message', () => {
    let thrown: unknown;
    try {
      raise('ITEM_NOT_FOUND', { itemId: 'D-9' });
    } catch (error) {
      thrown = error;
    }
    const client = toClientError(new Error((thrown as Error).message));
    expect(client).to.be.instanceOf(CatalogClientError);
    expect(client.message).to.equal('ITEM_NOT_FOUND: no item D-9');
    expect(client.template).to.equal('ITEM_NOT_FOUND');
    expect(localMessage(client, 'zh')).to.equal('ITEM_NOT_FOUND: 没有项目 D-9');
    expect(localMessage(client, 'en')).to.equal('ITEM_NOT_FOUND: no item D-9');
    expect(localMessage(new Error('plain'), 'zh')).to.equal('plain');
    expect(localMessage('text', 'zh')).to.equal('text');
  });
});
