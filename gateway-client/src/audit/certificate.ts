/**
 * Who signed something: the MSP id and X.509 certificate of a Fabric `SerializedIdentity`, with the
 * Fabric CA attributes (`catalog.role`) read from the certificate extension.
 */
import { X509Certificate } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { derOid, readTlv } from './der';

/** OID of the extension where Fabric CA stores enrollment attributes as `{"attrs":{...}}`. */
export const FABRIC_ATTRS_OID = '1.2.3.4.5.6.7.8.1';

/** The attribute that carries the catalog role. */
export const ROLE_ATTRIBUTE = 'catalog.role';

/** A decoded identity. */
export interface IdentityInfo {
  /** MSP id of the identity. */
  readonly mspId: string;
  /** Certificate subject as Fabric's client identity formats it: `/C=US/O=…/OU=client/CN=name`. */
  readonly subject: string | null;
  /** Certificate issuer in the same format. */
  readonly issuer: string | null;
  /** Value of the `catalog.role` attribute, or null. */
  readonly role: string | null;
  /** Every Fabric CA attribute in the certificate. */
  readonly attributes: Readonly<Record<string, string>>;
}

const ATTRS_OID_BYTES = derOid(FABRIC_ATTRS_OID);

/** Formats a Node X509 distinguished name (one `K=V` per line) as `/K=V/K=V`. */
export function formatDistinguishedName(dn: string): string {
  return dn
    .split('\n')
    .filter((part) => part !== '')
    .map((part) => `/${part}`)
    .join('');
}

/**
 * Reads the Fabric CA attributes extension (OID 1.2.3.4.5.6.7.8.1) from a DER certificate. Returns
 * an empty record when the extension is absent or is not the expected JSON.
 */
export function certificateAttributes(der: Uint8Array): Record<string, string> {
  const at = Buffer.from(der).indexOf(ATTRS_OID_BYTES);
  if (at < 0) {
    return {};
  }
  try {
    let next = readTlv(der, at + ATTRS_OID_BYTES.length);
    if (next.tag === 0x01) {
      next = readTlv(der, next.end);
    }
    if (next.tag !== 0x04) {
      return {};
    }
    const json = Buffer.from(der.subarray(next.contentStart, next.end)).toString('utf8');
    const parsed = JSON.parse(json) as { attrs?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed.attrs ?? {})) {
      if (typeof value === 'string') {
        out[name] = value;
      }
    }
    return out;
  } catch {
    return {};
  }
}

/** Decodes a PEM (or DER) certificate into subject, issuer and attributes; null if unparsable. */
export function describeCertificate(
  certificate: Uint8Array,
): Pick<IdentityInfo, 'subject' | 'issuer' | 'role' | 'attributes'> | null {
  try {
    const cert = new X509Certificate(Buffer.from(certificate));
    const attributes = certificateAttributes(cert.raw);
    return {
      subject: formatDistinguishedName(cert.subject),
      issuer: formatDistinguishedName(cert.issuer),
      role: attributes[ROLE_ATTRIBUTE] ?? null,
      attributes,
    };
  } catch {
    return null;
  }
}

/** Identities decoded lately, by their serialized bytes (a channel has few signers, seen again and again). */
const IDENTITY_CACHE_SIZE = 256;
const identities = new Map<string, IdentityInfo>();

/**
 * Decodes serialised `msp.SerializedIdentity` bytes (creator or endorser). The last
 * {@link IDENTITY_CACHE_SIZE} distinct identities are remembered (the same bytes always decode to the
 * same, frozen, result), so a block's creators and endorsers do not parse their certificate again.
 */
export function decodeIdentity(serialized: Uint8Array): IdentityInfo {
  const cacheKey = Buffer.from(serialized.buffer, serialized.byteOffset, serialized.byteLength).toString(
    'latin1',
  );
  const cached = identities.get(cacheKey);
  if (cached !== undefined) {
    return cached;
  }
  const identity = msp.SerializedIdentity.deserializeBinary(serialized);
  const cert = describeCertificate(identity.getIdBytes_asU8());
  const info: IdentityInfo = Object.freeze({
    mspId: identity.getMspid(),
    subject: cert?.subject ?? null,
    issuer: cert?.issuer ?? null,
    role: cert?.role ?? null,
    attributes: Object.freeze({ ...(cert?.attributes ?? {}) }),
  });
  if (identities.size >= IDENTITY_CACHE_SIZE) {
    // the oldest entry goes first (Map keeps insertion order)
    const oldest = identities.keys().next();
    if (oldest.done !== true) {
      identities.delete(oldest.value);
    }
  }
  identities.set(cacheKey, info);
  return info;
}
