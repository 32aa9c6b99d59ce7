/** Helpers shared by the CLI tests: captured command output and temporary folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type RunCliOptions } from '../../../apps/cli/src/main';
import type { Output } from '../../../apps/cli/src/output';

/** An {@link Output} that keeps what a command prints. */
export interface Captured {
  readonly output: Output;
  /** Everything printed to stdout, one `out` call a line. */
  readonly stdout: () => string;
  /** Everything printed to stderr, one `err` call a line. */
  readonly stderr: () => string;
  /** Forgets what was printed so far. */
  readonly clear: () => void;
}

/** A fresh {@link Captured} output. */
export function capturing(): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    output: { out: (text) => out.push(text), err: (text) => err.push(text) },
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
    clear: () => {
      out.length = 0;
      err.length = 0;
    },
  };
}

/** Exit code and output of one in-process `catalog` run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The line every usage error ends with. */
export const HELP_HINT = '(run "catalog --help" for usage)';

/** What a run refused as a usage error gives: exit code 2, no stdout, `message` and {@link HELP_HINT}. */
export function usageRefusal(message: string): CliRun {
  return { code: 2, stdout: '', stderr: `${message}\n${HELP_HINT}` };
}

/**
 * The environment of a CLI test that reads English: an English locale, and nothing else (so
 * `CATALOG_AS`, `CATALOG_DEBUG` are unset and the defaults apply). A test never runs in the machine's
 * own environment: the language the CLI speaks depends on its LANG.
 */
export const ENGLISH_ENV: NodeJS.ProcessEnv = Object.freeze({ LANG: 'en_US.UTF-8' });

/** The environment of a CLI test that reads Chinese (a Chinese locale, nothing else). */
export const CHINESE_ENV: NodeJS.ProcessEnv = Object.freeze({ LANG: 'zh_CN.UTF-8' });

/**
 * Runs `catalog <argv>` in-process with captured output, in environment `env` (default
 * {@link ENGLISH_ENV}; a test passing its own names its LANG too).
 */
export async function runCatalog(
  argv: readonly string[],
  options: RunCliOptions = {},
  env: NodeJS.ProcessEnv = ENGLISH_ENV,
): Promise<CliRun> {
  const c = capturing();
  const code = await runCli(argv, c.output, env, options);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/**
 * A temporary folder for the enclosing `describe`: created before its tests, removed with its
 * contents after them. Returns the folder's path (call it inside a test or hook).
 */
export function tempDirPerSuite(prefix: string): () => string {
  let dir: string | undefined;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (dir === undefined) throw new Error('the temporary folder exists only inside tests and hooks');
    return dir;
  };
}

/** Runs `use` with a new temporary folder and removes it afterwards. */
export async function withTempDir<T>(prefix: string, use: (dir: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return await use(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
