/**
 * No error message carries an absolute path: a sample of the errors the client, the CLI and the
 * network scripts raise about files, each provoked with files in a temporary folder.
 */
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayPath, fsReason, redactPaths } from '../../../gateway-client/src/display-path';
import { loadConnectionProfile } from '../../../gateway-client/src/connection';
import { defaultWalletDir } from '../../../apps/cli/src/context';
import { loadWalletIdentity } from '../../../gateway-client/src/identity';
import { readCsvFile } from '../../../gateway-client/src/import';
import { readClaimFile } from '../../../apps/cli/src/query-commands';
import { runCli } from '../../../apps/cli/src/main';
import { checkVersions, findFabric } from '../../../network/src/fabric-home';
import { displayPath as networkDisplayPath } from '../../../network/src/paths';
import { runCommand } from '../../../network/src/run-command';

/** Absolute paths in `text`: a `/` or `C:\` starting a token (URLs' `//` after a colon are fine). */
function absolutePaths(text: string): string[] {
  return [...text.matchAll(/(?:^|[\s('"`=,[])(\/[\w.~-][^\s'"`),]*|[A-Za-z]:\\[^\s'"`),]*)/gu)].map(
    (match) => match[1] ?? '',
  );
}

async function messageOf(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).to.be.instanceOf(Error);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('error messages name no absolute path', function () {
  let tmp: string;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'error-paths-'));
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  function expectClean(message: string): void {
    expect(absolutePaths(message), message).to.deep.equal([]);
    for (const folder of [tmp, os.homedir(), process.cwd()]) expect(message).to.not.contain(folder);
  }

  it('the absolute-path detector finds what it should', function () {
    expect(absolutePaths("open '/etc/passwd' (at /home/u/x.ts:1)")).to.deep.equal([
      '/etc/passwd',
      '/home/u/x.ts:1',
    ]);
    expect(absolutePaths('wallet/guangdong/hospital1, https://github.com/x, …/fabric')).to.deep.equal([]);
  });

  it('displayPath names files relative to the working directory or repository, ~, or by name', function () {
    expect(displayPath(path.join(process.cwd(), 'wallet', 'guangdong', 'hospital1'))).to.equal(
      path.join('wallet', 'guangdong', 'hospital1'),
    );
    expect(displayPath(path.join(os.homedir(), '.cache', 'x'))).to.equal('~/.cache/x');
    expect(displayPath(path.join(tmp, 'a', 'claim.json'))).to.equal('…/claim.json');
    expect(networkDisplayPath(path.join(tmp, 'network', 'data', 'ca'), tmp)).to.equal('network/data/ca');
    expect(redactPaths(`at ${process.cwd()}/gateway-client/x.ts in ${os.homedir()}/y`)).to.equal(
      'at gateway-client/x.ts in ~/y',
    );
    const enoent = Object.assign(new Error(`ENOENT: no such file or directory, open '${tmp}/x'`), {
      code: 'ENOENT',
    });
    expect(fsReason(enoent)).to.equal('no such file or directory');
  });

  it('FabricNotFoundError names FABRIC_HOME and the per-user cache by role', async function () {
    const message = await messageOf(() =>
      findFabric({ env: { FABRIC_HOME: path.join(tmp, 'fabric'), XDG_CACHE_HOME: path.join(tmp, 'cache') } }),
    );
    expect(message).to.match(/^no Fabric v3\.1\.5 found/);
    expect(message)
      .to.contain('FABRIC_HOME (…/fabric)')
      .and.contain('the per-user Fabric cache (…/fabric-v3.1.5)');
    expectClean(message);
  });

  it('FabricVersionError does not print the installation folder', async function () {
    const home = path.join(tmp, 'fabric');
    mkdirSync(path.join(home, 'bin'), { recursive: true });
    writeFileSync(path.join(home, 'bin', 'peer'), '#!/bin/sh\necho " Version: 2.5.0"\n');
    chmodSync(path.join(home, 'bin', 'peer'), 0o755);
    const message = await messageOf(() => checkVersions(home, 'FABRIC_HOME'));
    expect(message).to.match(/^Fabric in FABRIC_HOME \(…\/fabric\) is version 2\.5\.0/);
    expectClean(message);
  });

  it('a failing Fabric command is named by its file name only', async function () {
    const script = path.join(tmp, 'fabric-ca-client');
    writeFileSync(script, '#!/bin/sh\necho "Error: connection refused" >&2\nexit 1\n');
    chmodSync(script, 0o755);
    const message = await messageOf(() => runCommand(script, ['enroll'], {}));
    expect(message).to.equal('fabric-ca-client enroll failed: Error: connection refused');
    expectClean(message);
  });

  it('wallet and connection-profile errors name the wallet entry, not the folder it is in', async function () {
    const noOrgs = await messageOf(() => loadWalletIdentity(tmp, { org: 'guangdong', name: 'hospital1' }));
    expect(noOrgs).to.match(
      /^organisation "guangdong" is not in the wallet \(…\/[^/]+\): it holds no organisation; is the network up\?$/,
    );
    expectClean(noOrgs);
    mkdirSync(path.join(tmp, 'nhsa', 'admin'), { recursive: true });
    mkdirSync(path.join(tmp, 'audit'), { recursive: true });
    const noOrg = await messageOf(() => loadWalletIdentity(tmp, { org: 'hubei', name: 'admin' }));
    expect(noOrg).to.match(/^organisation "hubei" is not in the wallet \(…\/[^/]+\): it holds audit, nhsa$/);
    expectClean(noOrg);
    mkdirSync(path.join(tmp, 'guangdong'), { recursive: true });
    const missing = await messageOf(() => loadWalletIdentity(tmp, { org: 'guangdong', name: 'hospital1' }));
    expect(missing).to.match(/^identity guangdong\/hospital1 is not in the wallet \(…\/hospital1\)/);
    expectClean(missing);
    const inRepo = await messageOf(() =>
      loadWalletIdentity(defaultWalletDir(), { org: 'guangdong', name: 'no-such-identity' }),
    );
    // relative to the working directory, with or without a network's wallet there
    expect(inRepo).to.satisfy(
      (m: string) =>
        m.includes('(wallet/guangdong/no-such-identity)') || m.includes('not in the wallet (wallet)'),
    );
    expectClean(inRepo);

    const dir = path.join(tmp, 'guangdong', 'hospital1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'identity.json'), '{"mspId":"GuangdongMSP","role":"hospital"}');
    const noCert = await messageOf(() => loadWalletIdentity(tmp, { org: 'guangdong', name: 'hospital1' }));
    expect(noCert).to.match(
      /^cannot read cert\.pem of identity guangdong\/hospital1 .*no such file or directory$/,
    );
    expectClean(noCert);
    writeFileSync(path.join(dir, 'cert.pem'), 'x');
    writeFileSync(path.join(dir, 'key.pem'), 'not a key');
    const badKey = await messageOf(() => loadWalletIdentity(tmp, { org: 'guangdong', name: 'hospital1' }));
    expect(badKey).to.equal('key.pem of identity guangdong/hospital1 is not a usable private key');

    const profile = await messageOf(() => loadConnectionProfile(tmp, 'sichuan'));
    expect(profile).to.match(
      /^no connection profile for sichuan \(…\/connection\.json: no such file or directory\)/,
    );
    expectClean(profile);
    mkdirSync(path.join(tmp, 'sichuan'));
    writeFileSync(path.join(tmp, 'sichuan', 'connection.json'), '{');
    expectClean(await messageOf(() => loadConnectionProfile(tmp, 'sichuan')));
  });

  it('import and claim files that cannot be read', async function () {
    const csv = await messageOf(() => readCsvFile(path.join(tmp, 'nrdl.csv')));
    expect(csv).to.equal('INVALID_INPUT: nrdl.csv: cannot read file: no such file or directory');
    const claim = await messageOf(() => readClaimFile(path.join(tmp, 'claim.json'), 'Guangdong'));
    expect(claim).to.equal('cannot read …/claim.json: no such file or directory');
    writeFileSync(path.join(tmp, 'claim.json'), '{"lines": 3}');
    expectClean(await messageOf(() => readClaimFile(path.join(tmp, 'claim.json'), 'Guangdong')));
  });

  it('the catalog CLI prints such errors without absolute paths', async function () {
    const err: string[] = [];
    const output = { out: (): void => undefined, err: (text: string): void => void err.push(text) };
    expect(
      await runCli(['governance', 'show', '--wallet', tmp, '--as', 'nhsa/admin'], output, {
        LANG: 'en_US.UTF-8',
      }),
    ).to.equal(2);
    expect(
      await runCli(['propose', '--file', path.join(tmp, 'changes.json'), '--title', 't'], output, {
        LANG: 'en_US.UTF-8',
      }),
    ).to.equal(2);
    expect(err).to.have.length(2);
    expect(err[1]).to.match(/^cannot read …\/changes\.json: no such file or directory/);
    for (const text of err) expectClean(text);
  });
});
