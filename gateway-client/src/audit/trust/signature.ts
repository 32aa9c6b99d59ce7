/**
 * Signature verification as Fabric's software BCCSP does it: ECDSA signatures are strict DER
 * `SEQUENCE { INTEGER r, INTEGER s }` over the SHA-256 digest of the message, and a signature whose
 * `s` is above half the curve order ("high-S") is refused even though it is mathematically valid
 * (Fabric only accepts the low-S form, so a signature cannot be malleated into a second valid one).
 * Ed25519 identities (Fabric 3) sign the message itself.
 */
import { verify, type KeyObject } from 'node:crypto';
import { readTlv } from '../der';

/** Outcome of a signature check. */
export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Orders of the NIST curves Fabric's MSP accepts. */
const CURVE_ORDERS: Readonly<Record<string, bigint>> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  'P-256': 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1:
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  'P-384':
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

/** Order of the P-256 curve. */
export const P256_ORDER: bigint = CURVE_ORDERS['prime256v1'] ?? 0n;

function integerAt(bytes: Uint8Array, offset: number): { value: bigint; end: number } {
  const tlv = readTlv(bytes, offset);
  if (tlv.tag !== 0x02) {
    throw new Error('expected an INTEGER');
  }
  const content = bytes.subarray(tlv.contentStart, tlv.end);
  const first = content[0];
  if (first === undefined) {
    throw new Error('empty INTEGER');
  }
  if (first & 0x80) {
    throw new Error('negative INTEGER');
  }
  if (first === 0 && content.length > 1 && ((content[1] ?? 0) & 0x80) === 0) {
    throw new Error('non-minimal INTEGER');
  }
  const value = BigInt(`0x${Buffer.from(content).toString('hex')}`);
  return { value, end: tlv.end };
}

/** Parses a DER ECDSA signature strictly (no trailing bytes, minimal positive integers). */
export function parseEcdsaSignature(signature: Uint8Array): { r: bigint; s: bigint } {
  const outer = readTlv(signature, 0);
  if (outer.tag !== 0x30 || outer.end !== signature.length) {
    throw new Error('not a DER SEQUENCE (or trailing bytes)');
  }
  const r = integerAt(signature, outer.contentStart);
  const s = integerAt(signature, r.end);
  if (s.end !== outer.end) {
    throw new Error('extra elements in the signature SEQUENCE');
  }
  if (r.value === 0n || s.value === 0n) {
    throw new Error('zero r or s');
  }
  return { r: r.value, s: s.value };
}

/** True when `s` is at most half the curve order (Fabric's `IsLowS`). */
export function isLowS(s: bigint, order: bigint = P256_ORDER): boolean {
  return s <= order >> 1n;
}

/** The curve name of an EC public key, or null for other key types. */
function curveOf(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ec' ? (key.asymmetricKeyDetails?.namedCurve ?? null) : null;
}

/** Verifies `signature` over `data` with `publicKey` by Fabric's rules. */
export function verifySignature(
  publicKey: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): SignatureCheck {
  try {
    if (publicKey.asymmetricKeyType === 'ed25519') {
      return verify(null, data, publicKey, signature)
        ? { ok: true }
        : { ok: false, reason: 'Ed25519 signature does not verify' };
    }
    const curve = curveOf(publicKey);
    const order = curve === null ? undefined : CURVE_ORDERS[curve];
    if (order === undefined) {
      return {
        ok: false,
        reason: `unsupported key type ${publicKey.asymmetricKeyType ?? '?'}/${curve ?? '?'}`,
      };
    }
    let parsed: { r: bigint; s: bigint };
    try {
      parsed = parseEcdsaSignature(signature);
    } catch (error) {
      return { ok: false, reason: `malformed ECDSA signature: ${(error as Error).message}` };
    }
    if (!isLowS(parsed.s, order)) {
      return { ok: false, reason: 'high-S ECDSA signature (s > n/2), which Fabric refuses' };
    }
    if (parsed.r >= order || parsed.s >= order) {
      return { ok: false, reason: 'ECDSA r or s out of range' };
    }
    return verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, signature)
      ? { ok: true }
      : { ok: false, reason: 'ECDSA signature does not verify' };
  } catch (error) {
    return { ok: false, reason: `signature check failed: ${(error as Error).message}` };
  }
}
