import { expect } from 'chai';
import { provinceName, provinceNames, withProvinceNames } from '@nrdl-catalog/gateway-client';
import { MEMBERS } from '../support/members';
import { call, ITEM_ID, testApi } from '../http/support/fake-client';

describe('province names added by the client', function () {
  it('come from the governance member records', function () {
    expect(provinceNames(MEMBERS, 'Guangdong')).to.deep.equal({
      en: 'Guangdong',
      zh: '广东省',
      zhShort: '广东',
      abbr: '粤',
      division: '440000',
    });
    expect(provinceNames(MEMBERS, 'Atlantis')).to.equal(null);
    expect(provinceNames(MEMBERS, null)).to.equal(null);
    expect(provinceName(MEMBERS, 'Sichuan', 'zh')).to.equal('四川省');
    expect(provinceName(MEMBERS, 'Sichuan', 'en')).to.equal('Sichuan');
    expect(provinceName(MEMBERS, 'Atlantis', 'zh')).to.equal('Atlantis');
    expect(provinceName(MEMBERS, undefined, 'zh')).to.equal('-');
    expect(withProvinceNames({ province: 'Shaanxi', x: 1 }, MEMBERS)).to.deep.include({
      x: 1,
      provinceNames: { en: 'Shaanxi', zh: '陕西省', zhShort: '陕西', abbr: '陕', division: '610000' },
    });
  });

  it('are in the HTTP answers (the chaincode result itself unchanged)', async function () {
    this.timeout(20_000);
    const api = await testApi();
    try {
      const response = await call(api, `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}`);
      const body = response.json<{ province: string; provinceNames: { zh: string } }>();
      expect(body.province).to.equal('Guangdong');
      expect(body.provinceNames.zh).to.equal('广东省');
      // A second answer within the minute reuses the governance record read for the first.
      await call(api, `/v1/coverage?province=Guangdong&itemId=${ITEM_ID}`);
      expect(api.fake.calls.filter(([name]) => name === 'getGovernance')).to.have.length(1);
    } finally {
      await api.app.close();
    }
  });
});
