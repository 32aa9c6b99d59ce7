import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..', '..');

/** Runs `code` in a new Node process (TypeScript through ts-node, transpile only) at the repository root. */
function node(code: string): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', code], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('CLI modules have no side effect at import', function () {
  this.timeout(60_000);

  it("importing cli/main leaves the process's warning listeners as they were", () => {
    const run = node(`
      const before = process.listeners('warning');
      require('./apps/cli/src/main');
      const after = process.listeners('warning');
      const same = before.length === after.length && before.every((listener, i) => listener === after[i]);
      process.stdout.write(JSON.stringify({ before: before.length, same }));
    `);
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as { before: number; same: boolean };
    expect(result.before).to.be.greaterThan(0, "Node's own warning printer");
    expect(result.same).to.equal(true);
  });

  it("the catalog's entry point hides the SQLite ExperimentalWarning, and only it", () => {
    const run = node(`
      process.argv = [process.argv[0], 'catalog', '--help'];
      require('./apps/cli/src/entry').main();
      setImmediate(() => process.emitWarning('still shown', 'ExperimentalWarning'));
    `);
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^usage: catalog/);
    expect(run.stderr).to.not.match(/SQLite/);
    expect(run.stderr).to.match(/ExperimentalWarning: still shown/);
  });
});
