import { execFile } from 'node:child_process';
import path from 'node:path';
import { redactPaths } from './paths';

/** Thrown when a Fabric command exits non-zero; carries its output for the message. */
export class CommandError extends Error {
  public constructor(
    message: string,
    public readonly stdout: string,
    public readonly stderr: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Runs a command to completion and returns its stdout; rejects with {@link CommandError}. */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      [...args],
      { env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) {
          const tail = redactPaths(`${stderr}\n${stdout}`.trim().split('\n').slice(-8).join('\n'));
          reject(
            new CommandError(`${path.basename(command)} ${args[0] ?? ''} failed: ${tail}`, stdout, stderr),
          );
          return;
        }
        resolve(stdout + stderr);
      },
    );
  });
}
