import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { signers, type Identity, type Signer } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { displayPath, fsReason } from './display-path';

/** A `<org>/<identity>` reference such as `guangdong/hospital1`. */
export interface IdentityRef {
  readonly org: string;
  readonly name: string;
}

/** Thrown for a malformed `--as` value or an identity missing from the wallet. */
export class IdentityError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

/**
 * Parses `org/identity` (e.g. `guangdong/hospital1`); the org may also be given as `Guangdong` or
 * `GuangdongMSP`. Any well-formed organisation name is accepted: which organisations exist is the
 * wallet's (and the governance record's) to say, not a list compiled in here.
 */
export function parseIdentityRef(value: string): IdentityRef {
  const match = /^([A-Za-z][A-Za-z0-9]*)\/([a-z][a-z0-9_-]*)$/.exec(value.trim());
  if (!match?.[1] || !match[2]) {
    throw new IdentityError(
      `invalid identity "${value}": expected <org>/<identity>, e.g. guangdong/hospital1`,
    );
  }
  const lower = match[1].toLowerCase();
  const org = lower.length > 3 ? lower.replace(/msp$/, '') : lower;
  return { org, name: match[2] };
}

/** The organisation folders of a wallet, sorted (empty when the wallet does not exist). */
export function walletOrgs(walletDir: string): string[] {
  try {
    return readdirSync(walletDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** An identity loaded from the wallet, ready for the Fabric Gateway. */
export interface WalletIdentity {
  readonly ref: IdentityRef;
  readonly mspId: string;
  readonly role: string;
  readonly identity: Identity;
  readonly signer: Signer;
}

/** Loads `wallet/<org>/<name>/` (certificate, private key and identity.json). */
export function loadWalletIdentity(walletDir: string, ref: IdentityRef): WalletIdentity {
  const dir = path.join(walletDir, ref.org, ref.name);
  let meta: { mspId: string; role: string };
  try {
    meta = JSON.parse(readFileSync(path.join(dir, 'identity.json'), 'utf8')) as {
      mspId: string;
      role: string;
    };
  } catch {
    if (!existsSync(path.join(walletDir, ref.org))) {
      const present = walletOrgs(walletDir);
      throw new IdentityError(
        `organisation "${ref.org}" is not in the wallet (${displayPath(walletDir)}): ` +
          (present.length === 0
            ? 'it holds no organisation; is the network up?'
            : `it holds ${present.join(', ')}`),
      );
    }
    throw new IdentityError(
      `identity ${ref.org}/${ref.name} is not in the wallet (${displayPath(dir)}); is the network up?`,
    );
  }
  const read = (name: string): Buffer => {
    try {
      return readFileSync(path.join(dir, name));
    } catch (error) {
      throw new IdentityError(
        `cannot read ${name} of identity ${ref.org}/${ref.name} (${displayPath(dir)}): ${fsReason(error)}`,
      );
    }
  };
  const credentials = read('cert.pem');
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(read('key.pem'));
  } catch (error) {
    if (error instanceof IdentityError) throw error;
    throw new IdentityError(`key.pem of identity ${ref.org}/${ref.name} is not a usable private key`);
  }
  return {
    ref,
    mspId: meta.mspId,
    role: meta.role,
    identity: { mspId: meta.mspId, credentials },
    signer: signers.newPrivateKeySigner(privateKey),
  };
}
