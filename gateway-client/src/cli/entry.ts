import { runCli } from './main';

/** Entry point of the `catalog` binary: runs the CLI and sets the exit code. */
export function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`INTERNAL: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
