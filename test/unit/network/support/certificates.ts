/**
 * Real X.509 certificates for unit tests, made with `openssl` (P-256 keys, like Fabric CA's):
 * self-signed, or signed by a test CA, valid for a given number of days from now.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A certificate and its private key, PEM. */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', [...args], { cwd, stdio: 'pipe' });
}

/** A new P-256 key, PEM (PKCS#8). */
export function newKey(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-key-'));
  try {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem'], dir);
    return readFileSync(path.join(dir, 'key.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A self-signed certificate for `cn` valid `days` days from now (with `key` if given). */
export function selfSigned(cn: string, days: number, key: string = newKey()): TestCertificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-cert-'));
  try {
    writeFileSync(path.join(dir, 'key.pem'), key);
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        String(days),
        '-subj',
        `/CN=${cn}`,
      ],
      dir,
    );
    return { cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'), key };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `content` to `file`, creating its folder. */
export function put(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
}
