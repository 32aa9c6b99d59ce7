/**
 * Real self-signed X.509 certificates (ECDSA P-256) for synthetic blocks, built with node:crypto and
 * a few DER helpers, carrying the Fabric CA attribute extension (OID 1.2.3.4.5.6.7.8.1).
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { derElement, derOid, derUnsignedInteger } from '../../../../gateway-client/src/audit/der';

/** A test identity: MSP id, certificate and serialized identity bytes. */
export interface TestIdentity {
  readonly mspId: string;
  readonly cn: string;
  readonly ou: string;
  readonly pem: string;
  readonly serialized: Uint8Array;
  /** The certificate's private key (a client made of this identity signs with it). */
  readonly privateKey: KeyObject;
}

const seq = (...parts: Buffer[]): Buffer => derElement(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => derElement(0x31, Buffer.concat(parts));
const utf8 = (text: string): Buffer => derElement(0x0c, Buffer.from(text, 'utf8'));
const rdn = (oid: string, value: string): Buffer => set(seq(derOid(oid), utf8(value)));

let serial = 1n;
const cache = new Map<string, TestIdentity>();

/** A certificate for `CN=<cn>, OU=<ou>, O=<mspId>` with optional Fabric CA attributes. */
export function testIdentity(
  mspId: string,
  cn: string,
  options: { ou?: string; attrs?: Record<string, string> } = {},
): TestIdentity {
  const ou = options.ou ?? 'client';
  const cacheKey = JSON.stringify([mspId, cn, ou, options.attrs ?? null]);
  const cached = cache.get(cacheKey);
  if (cached !== undefined) {
    return cached;
  }
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ecdsaSha256 = seq(derOid('1.2.840.10045.4.3.2'));
  const subject = seq(rdn('2.5.4.6', 'CN'), rdn('2.5.4.10', mspId), rdn('2.5.4.11', ou), rdn('2.5.4.3', cn));
  const issuer = seq(rdn('2.5.4.6', 'CN'), rdn('2.5.4.10', mspId), rdn('2.5.4.3', `ca.${mspId}`));
  const validity = seq(
    derElement(0x17, Buffer.from('240101000000Z')),
    derElement(0x17, Buffer.from('340101000000Z')),
  );
  const extensions: Buffer[] = [];
  if (options.attrs !== undefined) {
    const json = Buffer.from(JSON.stringify({ attrs: options.attrs }), 'utf8');
    extensions.push(seq(derOid('1.2.3.4.5.6.7.8.1'), derElement(0x04, json)));
  }
  const tbs = seq(
    derElement(0xa0, derUnsignedInteger(2n)),
    derUnsignedInteger(serial++),
    ecdsaSha256,
    issuer,
    validity,
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    ...(extensions.length === 0 ? [] : [derElement(0xa3, seq(...extensions))]),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaSha256, derElement(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  const pem = `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(pem, 'utf8'));
  const result = { mspId, cn, ou, pem, serialized: identity.serializeBinary(), privateKey };
  cache.set(cacheKey, result);
  return result;
}

/** A client identity with a `catalog.role` attribute. */
export function clientIdentity(mspId: string, role: string | null, cn?: string): TestIdentity {
  const name = cn ?? `${role ?? 'user'}@${mspId}`;
  return testIdentity(
    mspId,
    name,
    role === null ? {} : { attrs: { 'catalog.role': role, 'hf.EnrollmentID': name } },
  );
}

/** The peer identity of an organisation (endorser). */
export function peerIdentity(mspId: string): TestIdentity {
  return testIdentity(mspId, `peer0.${mspId}`, { ou: 'peer' });
}
