import { expect } from 'chai';
import path from 'node:path';
import { connectionProfilePath, networkPaths, orgPaths, walletEntry } from '../../../network/src/paths';
import { IdentityError, parseIdentityRef } from '../../../gateway-client/src/identity';

describe('wallet and data layout', function () {
  const paths = networkPaths('/repo');

  it('stores identities as wallet/<org>/<identity>', function () {
    const entry = walletEntry(paths, 'guangdong', 'approver');
    expect(entry.dir).to.equal(path.join('/repo', 'wallet', 'guangdong', 'approver'));
    expect(entry.cert).to.equal(path.join(entry.dir, 'cert.pem'));
    expect(entry.key).to.equal(path.join(entry.dir, 'key.pem'));
    expect(entry.meta).to.equal(path.join(entry.dir, 'identity.json'));
    expect(connectionProfilePath(paths, 'guangdong')).to.equal(
      path.join('/repo', 'wallet', 'guangdong', 'connection.json'),
    );
  });

  it('refuses wallet names that could escape the wallet', function () {
    for (const [org, identity] of [
      ['..', 'admin'],
      ['guangdong', '../nhsa/admin'],
      ['Guangdong', 'admin'],
      ['guangdong', ''],
    ] as const) {
      expect(() => walletEntry(paths, org, identity), `${org}/${identity}`).to.throw(/invalid wallet name/);
    }
  });

  it('keeps generated files under git-ignored network/data and network/logs', function () {
    expect(paths.dataDir).to.equal(path.join('/repo', 'network', 'data'));
    expect(paths.logDir).to.equal(path.join('/repo', 'network', 'logs'));
    const files = orgPaths(paths, { name: 'sichuan' });
    for (const file of Object.values(files) as string[]) {
      expect(file.startsWith(paths.dataDir), file).to.equal(true);
    }
  });

  describe('--as <org>/<identity>', function () {
    it('parses the org in any spelling to its short name', function () {
      expect(parseIdentityRef('guangdong/hospital1')).to.deep.equal({ org: 'guangdong', name: 'hospital1' });
      expect(parseIdentityRef('GuangdongMSP/approver')).to.deep.equal({ org: 'guangdong', name: 'approver' });
      expect(parseIdentityRef('Audit/auditor')).to.deep.equal({ org: 'audit', name: 'auditor' });
    });

    it("refuses malformed values; any well-formed organisation is the wallet's to know", function () {
      expect(() => parseIdentityRef('guangdong')).to.throw(IdentityError, /expected <org>\/<identity>/);
      expect(parseIdentityRef('hubei/admin')).to.deep.equal({ org: 'hubei', name: 'admin' });
      expect(parseIdentityRef('HubeiMSP/proposer')).to.deep.equal({ org: 'hubei', name: 'proposer' });
      expect(parseIdentityRef('msp/admin')).to.deep.equal({ org: 'msp', name: 'admin' });
      for (const bad of ['guangdong/../nhsa', '../x/admin', '广东/admin', 'gd-1/admin', '/admin', 'nhsa/']) {
        expect(() => parseIdentityRef(bad), bad).to.throw(IdentityError);
      }
    });
  });
});
