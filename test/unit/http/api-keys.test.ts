/** The API-key file: created from the wallet when absent (mode 600), read back, compared in constant time. */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { identityForKey, loadApiKeys } from '../../../apps/api/src/api-keys';

describe('HTTP API keys', function () {
  let tmp: string;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'api-keys-'));
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('creates one key per wallet identity when the file is absent, readable by its owner only', function () {
    const wallet = path.join(tmp, 'wallet');
    for (const identity of ['guangdong/hospital1', 'nhsa/approver']) {
      mkdirSync(path.join(wallet, identity), { recursive: true });
      writeFileSync(path.join(wallet, identity, 'identity.json'), '{}');
    }
    mkdirSync(path.join(wallet, 'sichuan', 'no-identity'), { recursive: true });
    writeFileSync(path.join(wallet, 'README'), 'not an organisation');
    const file = path.join(tmp, 'api-keys.json');
    const keys = loadApiKeys(file, wallet);
    expect([...keys.values()]).to.deep.equal(['guangdong/hospital1', 'nhsa/approver']);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(loadApiKeys(file, wallet)).to.deep.equal(keys);
    const [key] = [...keys.keys()];
    expect(identityForKey(keys, key)).to.equal('guangdong/hospital1');
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).to.have.length(2);
    expect([...loadApiKeys(file, wallet, 'nhsa').values()]).to.deep.equal(['nhsa/approver']);
  });

  it('ignores entries that do not name an <org>/<identity>, and unknown or empty keys', function () {
    const file = path.join(tmp, 'api-keys.json');
    writeFileSync(file, JSON.stringify({ good: 'audit/auditor', bad: '../../etc', worse: 7 }));
    const keys = loadApiKeys(file, path.join(tmp, 'no-wallet'));
    expect([...keys.entries()]).to.deep.equal([['good', 'audit/auditor']]);
    expect(identityForKey(keys, 'goo')).to.equal(null);
    expect(identityForKey(keys, '')).to.equal(null);
    expect(identityForKey(keys, undefined)).to.equal(null);
  });

  it('creates an empty key file when there is no wallet', function () {
    const file = path.join(tmp, 'api-keys.json');
    expect(loadApiKeys(file, path.join(tmp, 'no-wallet')).size).to.equal(0);
  });
});
