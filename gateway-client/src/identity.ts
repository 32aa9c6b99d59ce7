import { readFileSync } from 'node:fs';
import path from 'node:path';
import { signers, type Identity, type Signer } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { displayPath, fsReason } from './display-path';

/** Organisation short names of the catalog network. */
export const ORG_NAMES = ['nhsa', 'guangdong', 'sichuan', 'shaanxi', 'audit'] as const;

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

/** Parses `org/identity` (e.g. `guangdong/hospital1`); the org may also be given as `Guangdong` or `GuangdongMSP`. */
export function parseIdentityRef(value: string): IdentityRef {
  const match = /^([A-Za-z][A-Za-z0-9]*)\/([a-z][a-z0-9_-]*)$/.exec(value.trim());
  if (!match?.[1] || !match[2]) {
    throw new IdentityError(
      `invalid identity "${value}": expected <org>/<identity>, e.g. guangdong/hospital1`,
    );
  }
  const org = match[1].toLowerCase().replace(/msp$/, '');
  if (!(ORG_NAMES as readonly string[]).includes(org)) {
    throw new IdentityError(`unknown organisation "${match[1]}": expected one of ${ORG_NAMES.join(', ')}`);
  }
  return { org, name: match[2] };
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
