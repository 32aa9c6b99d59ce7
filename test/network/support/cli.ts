import { spawn } from 'node:child_process';
import path from 'node:path';

/** Repository root. */
export const REPO = path.resolve(__dirname, '..', '..', '..');
/** The CLI from its sources (ts-node, the workspace packages' `nrdl-source` condition), so a run never meets a stale build. */
const FROM_SOURCE = [
  '--conditions=nrdl-source',
  '--disable-warning=ExperimentalWarning',
  '-r',
  'ts-node/register',
  path.join(REPO, 'apps', 'cli', 'src', 'run.ts'),
];

/** Result of one `catalog` run. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `catalog` binary (on this process's Node) and collects its output.
 * `onStderr` sees stderr as it arrives and may return true to kill the process (SIGKILL); or, as an
 * object, extra environment variables (e.g. `CATALOG_CHANNEL`).
 */
export function runCatalog(
  args: readonly string[],
  onStderr?: ((text: string) => boolean) | NodeJS.ProcessEnv,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CliRun> {
  const watch = typeof onStderr === 'function' ? onStderr : undefined;
  const added = typeof onStderr === 'object' ? onStderr : extraEnv;
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...added };
    delete env.CATALOG_AS;
    const child = spawn(process.execPath, [...FROM_SOURCE, ...args], { cwd: REPO, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
      if (watch?.(stderr) === true) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}
