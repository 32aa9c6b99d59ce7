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

/** How {@link runCommand} runs a command: resolves with its output, rejects with {@link CommandError}. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
) => Promise<string>;

let runner: CommandRunner = execCommand;

/**
 * Replaces the runner behind {@link runCommand} (unit tests script the Fabric CLIs with it); `null`
 * restores the default, {@link execCommand}. Returns the runner it replaced.
 */
export function setCommandRunner(next: CommandRunner | null): CommandRunner {
  const previous = runner;
  runner = next ?? execCommand;
  return previous;
}

/** Runs a command to completion and returns its stdout; rejects with {@link CommandError}. */
export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<string> {
  return runner(command, args, env, timeoutMs);
}

/** The default {@link CommandRunner}: `execFile` with a timeout, output tail in the error message. */
export function execCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
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
