/**
 * Identities as the channel's MSPs see them: a `msp.SerializedIdentity` is looked up in the MSP of
 * its id in the config in force, its X.509 chain is checked up to that MSP's root certificates
 * (through its intermediates), and its NodeOU role (client, peer, admin, orderer) is read from the
 * certificate's OUs, as Fabric's X.509 MSP does with NodeOUs enabled. Principals of signature
 * policies (MSPRole MEMBER/ADMIN/CLIENT/PEER/ORDERER, IDENTITY, COMBINED, ANONYMITY) are matched
 * with Fabric's rules.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { msp } from '@hyperledger/fabric-protos';
import { readTlv } from '../der';
import type { ChannelConfig, MspDefinition, OuIdentifier } from './channel-config';
import { verifySignature, type SignatureCheck } from './signature';

/** A NodeOU role. */
export type NodeRole = 'client' | 'peer' | 'admin' | 'orderer';

/** A deserialized identity. */
export interface ResolvedIdentity {
  readonly mspId: string;
  readonly serialized: Uint8Array;
  /** Fabric's identifier: MSP id + hex SHA-256 of the certificate's DER (how signature sets deduplicate). */
  readonly id: string;
  /** Null when the MSP is unknown or the certificate unparsable (Fabric cannot deserialize it). */
  readonly certificate: X509Certificate | null;
  readonly publicKey: KeyObject | null;
  readonly subject: string | null;
  /** The certificate's OU values. */
  readonly ous: readonly string[];
  /** True when the identity is valid for its MSP (chain to a root, not a CA, OUs as required). */
  readonly valid: boolean;
  /** Why it is not deserializable or not valid, else null. */
  readonly problem: string | null;
  /** The NodeOU role the certificate carries, or null. */
  readonly role: NodeRole | null;
  /** True when the certificate is one of the MSP's admin certificates. */
  readonly isAdminCert: boolean;
  readonly notBefore: Date | null;
  readonly notAfter: Date | null;
}

const OU_OID = Buffer.from([0x06, 0x03, 0x55, 0x04, 0x0b]);

/** The OU values of a certificate's subject (DER walk of the TBSCertificate). */
export function subjectOus(der: Uint8Array): string[] {
  const cert = readTlv(der, 0);
  const tbs = readTlv(der, cert.contentStart);
  let at = tbs.contentStart;
  const fields: { contentStart: number; end: number }[] = [];
  while (at < tbs.end && fields.length < 6) {
    const field = readTlv(der, at);
    if (!(fields.length === 0 && field.tag === 0xa0)) {
      fields.push(field);
    }
    at = field.end;
  }
  // serial, signature algorithm, issuer, validity, subject
  const subject = fields[4];
  if (subject === undefined) {
    return [];
  }
  const ous: string[] = [];
  for (let rdn = subject.contentStart; rdn < subject.end;) {
    const set = readTlv(der, rdn);
    for (let atv = set.contentStart; atv < set.end;) {
      const seq = readTlv(der, atv);
      const oid = readTlv(der, seq.contentStart);
      if (Buffer.from(der.subarray(seq.contentStart, oid.end)).equals(OU_OID)) {
        const value = readTlv(der, oid.end);
        ous.push(Buffer.from(der.subarray(value.contentStart, value.end)).toString('utf8'));
      }
      atv = seq.end;
    }
    rdn = set.end;
  }
  return ous;
}

const NODE_ROLES: readonly NodeRole[] = ['client', 'peer', 'admin', 'orderer'];

/** SHA-256 over the DER of a certificate chain (Fabric's certification chain identifier). */
function chainIdentifier(chain: readonly X509Certificate[]): Buffer {
  const hash = createHash('sha256');
  for (const cert of chain) {
    hash.update(cert.raw);
  }
  return hash.digest();
}

function nodeOuOf(definition: MspDefinition, role: NodeRole): OuIdentifier | null {
  return definition.nodeOus?.[role] ?? null;
}

/**
 * Resolves identities against one channel config (cached by serialized bytes). Features the
 * verifier does not implement (CRLs, Idemix, ORGANIZATION_UNIT principals) are collected in
 * {@link IdentityResolver.unsupported} so the caller can report them instead of passing silently.
 */
export class IdentityResolver {
  readonly #config: ChannelConfig;
  readonly #cache = new Map<string, ResolvedIdentity>();
  readonly #certifierCache = new Map<string, Buffer | string>();
  /** Descriptions of unimplemented MSP features met so far. */
  public readonly unsupported = new Set<string>();

  public constructor(config: ChannelConfig) {
    this.#config = config;
    for (const definition of config.msps.values()) {
      if (definition.revocationList.length > 0) {
        this.unsupported.add(
          `MSP ${definition.mspId} has a revocation list (CRL checks are not implemented)`,
        );
      }
      if (definition.type !== 0) {
        this.unsupported.add(`MSP ${definition.mspId} is not an X.509 MSP (type ${definition.type})`);
      }
    }
  }

  /**
   * The certifiers identifier of an OU bound to a CA certificate (Fabric's `getCertifiersIdentifier`):
   * SHA-256 over the DER of the chain from that CA up to its root. A string is a problem.
   */
  #certifiers(definition: MspDefinition, ou: OuIdentifier): Buffer | string {
    const pem = ou.certificate;
    if (pem === null) {
      return Buffer.alloc(0);
    }
    const key = `${definition.mspId}\u0000${Buffer.from(pem).toString('base64')}`;
    const cached = this.#certifierCache.get(key);
    if (cached !== undefined) {
      return cached;
    }
    let result: Buffer | string;
    try {
      const cert = new X509Certificate(Buffer.from(pem));
      const known = [...definition.rootCerts, ...definition.intermediateCerts].find((c) =>
        c.raw.equals(cert.raw),
      );
      if (known === undefined) {
        result = `OU ${ou.organizationalUnitIdentifier} of MSP ${definition.mspId} names a CA that is not a root or intermediate of the MSP`;
      } else {
        const chain = this.#chain(definition, known, true);
        result = typeof chain === 'string' ? chain : chainIdentifier(chain);
      }
    } catch (error) {
      result = `unparsable OU certificate of MSP ${definition.mspId}: ${(error as Error).message}`;
    }
    this.#certifierCache.set(key, result);
    return result;
  }

  /** The config the resolver reads. */
  public get config(): ChannelConfig {
    return this.#config;
  }

  /** Deserializes and validates serialized identity bytes. */
  public resolve(serialized: Uint8Array): ResolvedIdentity {
    const cacheKey = Buffer.from(serialized).toString('base64');
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined) {
      return cached;
    }
    const resolved = this.#resolve(serialized);
    this.#cache.set(cacheKey, resolved);
    return resolved;
  }

  #resolve(serialized: Uint8Array): ResolvedIdentity {
    const unknown = (mspId: string, problem: string): ResolvedIdentity => ({
      mspId,
      serialized,
      id: `${mspId}:?`,
      certificate: null,
      publicKey: null,
      subject: null,
      ous: [],
      valid: false,
      problem,
      role: null,
      isAdminCert: false,
      notBefore: null,
      notAfter: null,
    });
    let identity: msp.SerializedIdentity;
    try {
      identity = msp.SerializedIdentity.deserializeBinary(serialized);
    } catch (error) {
      return unknown('', `not a SerializedIdentity: ${(error as Error).message}`);
    }
    const mspId = identity.getMspid();
    const definition = this.#config.msps.get(mspId);
    if (definition === undefined) {
      return unknown(mspId, `MSP ${mspId} is not defined in the channel config`);
    }
    const idBytes = identity.getIdBytes_asU8();
    if (!Buffer.from(idBytes.subarray(0, 64)).toString('latin1').includes('-----BEGIN')) {
      return unknown(mspId, 'identity bytes are not a PEM certificate');
    }
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(Buffer.from(idBytes));
    } catch (error) {
      return unknown(mspId, `unparsable certificate: ${(error as Error).message}`);
    }
    let ous: string[] = [];
    try {
      ous = subjectOus(certificate.raw);
    } catch {
      ous = [];
    }
    const isAdminCert = definition.adminCerts.some((a) => a.raw.equals(certificate.raw));
    const role = this.#roleOf(definition, ous);
    const problem = this.#validate(definition, certificate, ous);
    return {
      mspId,
      serialized,
      id: `${mspId}:${createHash('sha256').update(certificate.raw).digest('hex')}`,
      certificate,
      publicKey: certificate.publicKey,
      subject: certificate.subject.split('\n').join(','),
      ous,
      valid: problem === null,
      problem,
      role,
      isAdminCert,
      notBefore: new Date(certificate.validFrom),
      notAfter: new Date(certificate.validTo),
    };
  }

  #roleOf(definition: MspDefinition, ous: readonly string[]): NodeRole | null {
    if (definition.nodeOus?.enabled !== true) {
      return null;
    }
    for (const role of NODE_ROLES) {
      const nodeOu = nodeOuOf(definition, role);
      if (nodeOu !== null && ous.includes(nodeOu.organizationalUnitIdentifier)) {
        return role;
      }
    }
    return null;
  }

  /** Fabric's `Validate`: not a CA, chain to a root through intermediates, OU rules. Null when valid. */
  #validate(definition: MspDefinition, certificate: X509Certificate, ous: readonly string[]): string | null {
    if (certificate.ca) {
      return 'a CA certificate cannot be used as an identity';
    }
    const chain = this.#chain(definition, certificate, false);
    if (typeof chain === 'string') {
      return chain;
    }
    // the identity's OUs are certified by its chain without the leaf (getCertificationChainIdentifier)
    const certifiedBy = chainIdentifier(chain.slice(1));
    const matches = (ou: OuIdentifier): boolean | string => {
      const expected = this.#certifiers(definition, ou);
      if (typeof expected === 'string') {
        return expected;
      }
      return expected.length === 0 || expected.equals(certifiedBy);
    };
    if (definition.organizationalUnitIdentifiers.length > 0) {
      const found = definition.organizationalUnitIdentifiers.some(
        (ou) => ous.includes(ou.organizationalUnitIdentifier) && matches(ou) === true,
      );
      if (!found) {
        return `none of the certificate's OUs [${ous.join(', ')}] is an OU of MSP ${definition.mspId}`;
      }
    }
    if (definition.nodeOus?.enabled === true) {
      let counter = 0;
      for (const value of ous) {
        const nodeOu = NODE_ROLES.map((r) => nodeOuOf(definition, r)).find(
          (ou) => ou !== null && ou.organizationalUnitIdentifier === value,
        );
        if (nodeOu === undefined || nodeOu === null) {
          continue;
        }
        const ok = matches(nodeOu);
        if (ok !== true) {
          return typeof ok === 'string'
            ? ok
            : `certifiersIdentifier does not match for OU ${value} of MSP ${definition.mspId}`;
        }
        counter++;
      }
      if (counter === 0) {
        return `the certificate has no NodeOU (client, peer, admin or orderer) of MSP ${definition.mspId}; OUs: [${ous.join(', ')}]`;
      }
      if (counter > 1) {
        return `the certificate has more than one NodeOU: [${ous.join(', ')}]`;
      }
    }
    return null;
  }

  /** The chain [certificate, issuer, …, root] within the MSP, or why there is none. */
  #chain(definition: MspDefinition, certificate: X509Certificate, isCa: boolean): X509Certificate[] | string {
    const chain = [certificate];
    let current = certificate;
    for (let depth = 0; depth < 8; depth++) {
      if (isCa && definition.rootCerts.some((r) => r.raw.equals(current.raw))) {
        return chain;
      }
      const root = definition.rootCerts.find(
        (r) => !r.raw.equals(current.raw) && current.checkIssued(r) && current.verify(r.publicKey),
      );
      if (root !== undefined) {
        chain.push(root);
        return chain;
      }
      const intermediate = definition.intermediateCerts.find(
        (i) => !i.raw.equals(current.raw) && current.checkIssued(i) && current.verify(i.publicKey),
      );
      if (intermediate === undefined) {
        return `certificate ${current.subject.split('\n').join(',')} is not issued by a root or intermediate CA of MSP ${definition.mspId}`;
      }
      chain.push(intermediate);
      current = intermediate;
    }
    return `certification chain of MSP ${definition.mspId} is too long`;
  }

  /** Verifies a signature made by the identity (Fabric's `identity.Verify`). */
  public verify(identity: ResolvedIdentity, data: Uint8Array, signature: Uint8Array): SignatureCheck {
    if (identity.publicKey === null) {
      return { ok: false, reason: identity.problem ?? 'identity has no public key' };
    }
    return verifySignature(identity.publicKey, data, signature);
  }

  /** Whether a (deserialized) identity satisfies a principal, as Fabric's MSP `SatisfiesPrincipal` decides. */
  public satisfiesPrincipal(identity: ResolvedIdentity, principal: msp.MSPPrincipal): boolean {
    const definition = this.#config.msps.get(identity.mspId);
    if (definition === undefined || identity.certificate === null) {
      return false;
    }
    const C = msp.MSPPrincipal.Classification;
    const body = principal.getPrincipal_asU8();
    try {
      switch (principal.getPrincipalClassification()) {
        case C.ROLE:
          return this.#satisfiesRole(identity, definition, msp.MSPRole.deserializeBinary(body));
        case C.IDENTITY: {
          const other = this.resolve(body);
          return (
            other.certificate !== null &&
            other.mspId === identity.mspId &&
            other.certificate.raw.equals(identity.certificate.raw) &&
            other.valid
          );
        }
        case C.COMBINED: {
          const parts = msp.CombinedPrincipal.deserializeBinary(body).getPrincipalsList();
          return parts.length > 0 && parts.every((p) => this.satisfiesPrincipal(identity, p));
        }
        case C.ANONYMITY:
          return (
            msp.MSPIdentityAnonymity.deserializeBinary(body).getAnonymityType() ===
            msp.MSPIdentityAnonymity.MSPIdentityAnonymityType.NOMINAL
          );
        case C.ORGANIZATION_UNIT:
          this.unsupported.add('ORGANIZATION_UNIT principals (certifiers identifiers) are not implemented');
          return false;
        default:
          return false;
      }
    } catch {
      return false;
    }
  }

  #satisfiesRole(identity: ResolvedIdentity, definition: MspDefinition, role: msp.MSPRole): boolean {
    if (role.getMspIdentifier() !== identity.mspId) {
      return false;
    }
    const R = msp.MSPRole.MSPRoleType;
    const enforced = definition.nodeOus?.enabled === true;
    switch (role.getRole()) {
      case R.MEMBER:
        return identity.valid;
      case R.ADMIN:
        // an admin certificate of the MSP, or (NodeOUs) a valid identity with the admin OU
        return identity.isAdminCert || (enforced && identity.valid && identity.role === 'admin');
      case R.CLIENT:
        return enforced && identity.valid && identity.role === 'client';
      case R.PEER:
        return enforced && identity.valid && identity.role === 'peer';
      case R.ORDERER:
        return enforced && identity.valid && identity.role === 'orderer';
      default:
        return false;
    }
  }
}
