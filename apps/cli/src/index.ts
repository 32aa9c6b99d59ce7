/**
 * `@nrdl-catalog/cli`: the `catalog` command. `main` is the binary's entry point; `runCli` runs one
 * command line in-process (tests, `npm start`); the import summary and progress renderers are shared
 * with `scripts/main.ts`.
 */
export { main } from './entry';
export { runCli } from './main';
export { importSummaryText, pendingNote } from './import-command';
export { processOutput, toJson, type Output } from './output';
export { progressReporter } from './progress';
export { quietSqliteWarning } from './warnings';
export { DEFAULT_API_PORT } from './serve-command';
