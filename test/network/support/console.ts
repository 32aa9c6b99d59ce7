/**
 * The web console as its users get it: one `catalog serve --org <org>` process per organisation
 * (each holding only its own organisation's API keys), driven by Debian's Chromium through
 * playwright-core.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO } from './cli';

/** Where Debian's chromium package puts the browser (scripts/install-browser.sh installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches Debian's Chromium headless (tests run as root: no sandbox). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}

/** One organisation's running API + console instance. */
export interface ConsoleInstance {
  readonly org: string;
  readonly url: string;
  /** API key of each identity this instance serves, by identity name (`proposer`, …). */
  readonly keys: Readonly<Record<string, string>>;
  /** What the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `catalog serve --org <org>` from the sources on `port` with an API-key file of its own
 * naming `identities` of that organisation; resolves once it says it is listening.
 */
export function startConsole(
  org: string,
  port: number,
  identities: readonly string[],
  dir: string,
  extra: readonly string[] = [],
): Promise<ConsoleInstance> {
  const keys: Record<string, string> = {};
  const file: Record<string, string> = {};
  for (const name of identities) {
    const key = randomBytes(18).toString('base64url');
    keys[name] = key;
    file[key] = `${org}/${name}`;
  }
  const keysFile = path.join(dir, `${org}-keys.json`);
  writeFileSync(keysFile, JSON.stringify(file), { mode: 0o600 });
  const args = [
    '--conditions=nrdl-source',
    '--disable-warning=ExperimentalWarning',
    '-r',
    'ts-node/register',
    path.join(REPO, 'apps', 'cli', 'src', 'run.ts'),
    'serve',
    '--org',
    org,
    '--port',
    String(port),
    '--keys',
    keysFile,
    ...extra,
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CATALOG_AS;
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = `http://127.0.0.1:${String(port)}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`catalog serve --org ${org} did not start in 180 s:\n${output}`));
    }, 180_000);
    const onData = (data: Buffer): void => {
      output += data.toString();
      if (output.includes(`listening on ${url}`)) {
        clearTimeout(timer);
        resolve({
          org,
          url,
          keys,
          output: () => output,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null || child.signalCode !== null) {
                done();
                return;
              }
              child.once('exit', () => {
                done();
              });
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`catalog serve --org ${org} exited (${String(code)}):\n${output}`));
    });
  });
}
