/**
 * A small PKI for the verifier's tests: per organisation a self-signed ECDSA P-256 CA and leaf
 * certificates it issues (OU client / peer / admin / orderer, as Fabric CA enrols NodeOU
 * identities), with their private keys, and Fabric-style low-S signing.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { derElement, derOid, derUnsignedInteger } from '../../../../../gateway-client/src/audit/der';
import { P256_ORDER, parseEcdsaSignature } from '../../../../../gateway-client/src/audit/trust';

const seq = (...parts: Buffer[]): Buffer => derElement(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => derElement(0x31, Buffer.concat(parts));
const utf8 = (text: string): Buffer => derElement(0x0c, Buffer.from(text, 'utf8'));
const rdn = (oid: string, value: string): Buffer => set(seq(derOid(oid), utf8(value)));
const ECDSA_SHA256 = seq(derOid('1.2.840.10045.4.3.2'));

let serial = 1000n;

function toPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function derSignature(r: bigint, s: bigint): Buffer {
  return seq(derUnsignedInteger(r), derUnsignedInteger(s));
}

/** ECDSA P-256 / SHA-256 signature in the low-S form Fabric requires. */
export function signLowS(key: KeyObject, data: Uint8Array): Buffer {
  const { r, s } = parseEcdsaSignature(sign('sha256', data, { key, dsaEncoding: 'der' }));
  return derSignature(r, s > P256_ORDER >> 1n ? P256_ORDER - s : s);
}

/** The same signature in its (mathematically valid) high-S form, which Fabric refuses. */
export function toHighS(signature: Uint8Array): Buffer {
  const { r, s } = parseEcdsaSignature(signature);
  return derSignature(r, s > P256_ORDER >> 1n ? s : P256_ORDER - s);
}

/** A certificate authority of one organisation. */
export interface TestCa {
  readonly mspId: string;
  readonly pem: string;
  readonly name: Buffer;
  readonly privateKey: KeyObject;
}

/** An identity with its key. */
export interface SigningIdentity {
  readonly mspId: string;
  readonly cn: string;
  readonly ou: string;
  readonly pem: string;
  readonly serialized: Uint8Array;
  readonly privateKey: KeyObject;
  /** Fabric-style low-S signature. */
  sign(data: Uint8Array): Buffer;
}

function validity(from: string, to: string): Buffer {
  return seq(derElement(0x17, Buffer.from(from)), derElement(0x17, Buffer.from(to)));
}

function certificate(tbsParts: Buffer[], signer: KeyObject): Buffer {
  const tbs = seq(...tbsParts);
  return seq(tbs, ECDSA_SHA256, derElement(0x03, Buffer.concat([Buffer.from([0]), signLowS(signer, tbs)])));
}

/** A self-signed CA for an MSP (basicConstraints CA, keyCertSign). */
export function createCa(mspId: string): TestCa {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const name = seq(rdn('2.5.4.6', 'CN'), rdn('2.5.4.10', mspId), rdn('2.5.4.3', `ca.${mspId}`));
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const basicConstraints = seq(
    derOid('2.5.29.19'),
    derElement(0x01, Buffer.from([0xff])),
    derElement(0x04, seq(derElement(0x01, Buffer.from([0xff])))),
  );
  // keyUsage: digitalSignature, keyCertSign, cRLSign
  const keyUsage = seq(
    derOid('2.5.29.15'),
    derElement(0x01, Buffer.from([0xff])),
    derElement(0x04, derElement(0x03, Buffer.from([0x01, 0x86]))),
  );
  const ski = seq(
    derOid('2.5.29.14'),
    derElement(0x04, derElement(0x04, createHash('sha1').update(spki).digest())),
  );
  const der = certificate(
    [
      derElement(0xa0, derUnsignedInteger(2n)),
      derUnsignedInteger(serial++),
      ECDSA_SHA256,
      name,
      validity('240101000000Z', '440101000000Z'),
      name,
      spki,
      derElement(0xa3, seq(basicConstraints, keyUsage, ski)),
    ],
    privateKey,
  );
  return { mspId, pem: toPem(der), name, privateKey };
}

/** A leaf certificate issued by `ca` with `OU=<ou>`. */
export function issue(
  ca: TestCa,
  cn: string,
  ou: string,
  options: {
    notBefore?: string;
    notAfter?: string;
    issuerKey?: KeyObject;
    /** Fabric CA attributes (extension 1.2.3.4.5.6.7.8.1), e.g. `{ 'catalog.role': 'admin' }`. */
    attrs?: Record<string, string>;
  } = {},
): SigningIdentity {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const subject = seq(
    rdn('2.5.4.6', 'CN'),
    rdn('2.5.4.10', ca.mspId),
    rdn('2.5.4.11', ou),
    rdn('2.5.4.3', cn),
  );
  const der = certificate(
    [
      derElement(0xa0, derUnsignedInteger(2n)),
      derUnsignedInteger(serial++),
      ECDSA_SHA256,
      ca.name,
      validity(options.notBefore ?? '240101000000Z', options.notAfter ?? '340101000000Z'),
      subject,
      publicKey.export({ type: 'spki', format: 'der' }),
      ...(options.attrs === undefined
        ? []
        : [
            derElement(
              0xa3,
              seq(
                seq(
                  derOid('1.2.3.4.5.6.7.8.1'),
                  derElement(0x04, Buffer.from(JSON.stringify({ attrs: options.attrs }), 'utf8')),
                ),
              ),
            ),
          ]),
    ],
    options.issuerKey ?? ca.privateKey,
  );
  const pem = toPem(der);
  const identity = new msp.SerializedIdentity();
  identity.setMspid(ca.mspId);
  identity.setIdBytes(Buffer.from(pem, 'utf8'));
  return {
    mspId: ca.mspId,
    cn,
    ou,
    pem,
    serialized: identity.serializeBinary(),
    privateKey,
    sign: (data) => signLowS(privateKey, data),
  };
}

/** One organisation: its CA and one identity per NodeOU role. */
export interface TestOrg {
  readonly mspId: string;
  readonly ca: TestCa;
  readonly client: SigningIdentity;
  readonly peer: SigningIdentity;
  readonly peer1: SigningIdentity;
  readonly admin: SigningIdentity;
  readonly orderer: SigningIdentity;
}

const orgs = new Map<string, TestOrg>();

/** The (cached) test organisation of an MSP id. */
export function testOrg(mspId: string): TestOrg {
  const cached = orgs.get(mspId);
  if (cached !== undefined) {
    return cached;
  }
  const ca = createCa(mspId);
  const org = {
    mspId,
    ca,
    client: issue(ca, `user1@${mspId}`, 'client'),
    peer: issue(ca, `peer0.${mspId}`, 'peer'),
    peer1: issue(ca, `peer1.${mspId}`, 'peer'),
    admin: issue(ca, `admin@${mspId}`, 'admin'),
    orderer: issue(ca, `orderer0.${mspId}`, 'orderer'),
  };
  orgs.set(mspId, org);
  return org;
}
