import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** API key → wallet identity (`<org>/<identity>`). */
export type ApiKeyMap = ReadonlyMap<string, string>;

/**
 * Loads the API-key file (`{ "<key>": "<org>/<identity>" }`). When it does not exist, creates one
 * key per identity found in the wallet (file mode 600) so a local deployment works at once.
 * With `org`, only that organisation's identities are kept: an organisation's own server holds
 * only its own wallet.
 */
export function loadApiKeys(file: string, walletDir: string, org?: string): ApiKeyMap {
  if (!existsSync(file)) {
    const keys: Record<string, string> = {};
    for (const org of existsSync(walletDir) ? readdirSync(walletDir).sort() : []) {
      const orgDir = path.join(walletDir, org);
      if (!statSync(orgDir).isDirectory()) continue;
      for (const name of readdirSync(orgDir).sort()) {
        if (existsSync(path.join(orgDir, name, 'identity.json')))
          keys[randomBytes(18).toString('base64url')] = `${org}/${name}`;
      }
    }
    writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  }
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const map = new Map<string, string>();
  for (const [key, identity] of Object.entries(parsed)) {
    if (typeof identity !== 'string' || !/^[a-z]+\/[a-z0-9_-]+$/.test(identity)) continue;
    if (org === undefined || identity.startsWith(`${org}/`)) map.set(key, identity);
  }
  return map;
}

/** The identity of `presented`, compared in constant time, or null. */
export function identityForKey(keys: ApiKeyMap, presented: string | undefined): string | null {
  if (presented === undefined || presented === '') return null;
  const wanted = Buffer.from(presented);
  for (const [key, identity] of keys) {
    const candidate = Buffer.from(key);
    if (candidate.length === wanted.length && timingSafeEqual(candidate, wanted)) return identity;
  }
  return null;
}
