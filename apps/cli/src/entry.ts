import { runCli } from './main';
import { quietSqliteWarning } from './warnings';

/**
 * Entry point of the `catalog` binary: runs the CLI and sets the exit code. Call it in the tick
 * that loaded this module, so the SQLite ExperimentalWarning of that load is still hidden.
 */
export function main(): void {
  quietSqliteWarning();
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
