import { expect } from 'chai';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  isLowS,
  P256_ORDER,
  parseEcdsaSignature,
  verifySignature,
} from '../../../../gateway-client/src/audit/trust';
import { signLowS, toHighS } from './support/pki';

describe('ECDSA signature verification (Fabric rules)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const data = Buffer.from('block header bytes');

  it('accepts a low-S P-256 / SHA-256 DER signature', () => {
    const signature = signLowS(privateKey, data);
    expect(isLowS(parseEcdsaSignature(signature).s)).to.equal(true);
    expect(verifySignature(publicKey, data, signature)).to.deep.equal({ ok: true });
  });

  it('rejects the high-S twin of a valid signature (which OpenSSL alone would accept)', () => {
    const high = toHighS(signLowS(privateKey, data));
    expect(parseEcdsaSignature(high).s > P256_ORDER / 2n).to.equal(true);
    expect(verify('sha256', data, publicKey, high)).to.equal(true);
    const result = verifySignature(publicKey, data, high);
    expect(result.ok).to.equal(false);
    expect(result.ok ? '' : result.reason).to.match(/high-S/);
  });

  it('rejects other data, other keys, and malformed DER', () => {
    const signature = signLowS(privateKey, data);
    expect(verifySignature(publicKey, Buffer.from('other'), signature).ok).to.equal(false);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
    expect(verifySignature(other, data, signature).ok).to.equal(false);
    expect(
      verifySignature(publicKey, data, Buffer.concat([signature, Buffer.from([0])])).ok,
      'trailing byte',
    ).to.equal(false);
    expect(verifySignature(publicKey, data, Buffer.from('30020100', 'hex')).ok).to.equal(false);
    expect(
      verifySignature(publicKey, data, sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }))
        .ok,
    ).to.equal(false);
  });

  it('verifies Ed25519 signatures over the message', () => {
    const ed = generateKeyPairSync('ed25519');
    const signature = sign(null, data, ed.privateKey);
    expect(verifySignature(ed.publicKey, data, signature)).to.deep.equal({ ok: true });
    expect(verifySignature(ed.publicKey, Buffer.from('x'), signature).ok).to.equal(false);
  });
});
