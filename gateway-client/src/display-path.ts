/**
 * Paths as messages show them. No error message the client writes carries an absolute path: files
 * are named relative to the working directory or the repository (`wallet/guangdong/hospital1`),
 * `~/…` below the home folder, or by their last name only.
 */
import os from 'node:os';
import path from 'node:path';

/** The repository root (the folder holding `gateway-client/`). */
const REPO_ROOT = path.resolve(__dirname, '..', '..');

function inside(root: string, file: string): string | null {
  const relative = path.relative(root, file);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? null : relative;
}

/**
 * `file` for a message: relative to the working directory, else to the repository, else `~/…`
 * below the home folder, else `…/<name>`. Never absolute.
 */
export function displayPath(file: string): string {
  const absolute = path.resolve(file);
  for (const base of [process.cwd(), REPO_ROOT]) {
    const relative = inside(base, absolute);
    if (relative !== null) return relative;
  }
  const home = inside(os.homedir(), absolute);
  if (home !== null) return home === '.' ? '~' : `~/${home}`;
  return `…/${path.basename(absolute)}`;
}

/** `text` with the working directory, the repository and the home folder taken out of any path in it. */
export function redactPaths(text: string): string {
  let out = text;
  const bases = [process.cwd(), REPO_ROOT].sort((a, b) => b.length - a.length);
  for (const base of bases) {
    if (base.length > 1) out = out.split(`${base}${path.sep}`).join('').split(base).join('.');
  }
  const home = os.homedir();
  if (home.length > 1) out = out.split(home).join('~');
  return out;
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EMFILE: 'too many open files',
};

/**
 * Why a file operation failed, without the path Node puts in its messages (`ENOENT: no such file
 * or directory, open '/abs/…'`): the reason for a system error, else the message with paths redacted.
 */
export function fsReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return FS_REASONS[code] ?? code;
  return redactPaths(error instanceof Error ? error.message : String(error));
}
