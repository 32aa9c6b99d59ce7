/**
 * Paths as messages show them. No error message the client writes carries an absolute path: files
 * are named relative to the working directory (`wallet/guangdong/hospital1`),
 * `~/…` below the home folder, or by their last name only.
 */
import os from 'node:os';
import path from 'node:path';

function inside(root: string, file: string): string | null {
  const relative = path.relative(root, file);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? null : relative;
}

/**
 * `file` for a message: relative to the working directory, else `~/…`
 * below the home folder, else `…/<name>`. Never absolute.
 */
export function displayPath(file: string): string {
  const absolute = path.resolve(file);
  const relative = inside(process.cwd(), absolute);
  if (relative !== null) return relative;
  const home = inside(os.homedir(), absolute);
  if (home !== null) return home === '.' ? '~' : `~/${home}`;
  return `…/${path.basename(absolute)}`;
}

/** `text` with the working directory and the home folder taken out of any path in it. */
export function redactPaths(text: string): string {
  let out = text;
  const base = process.cwd();
  if (base.length > 1) out = out.split(`${base}${path.sep}`).join('').split(base).join('.');
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
