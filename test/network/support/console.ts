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

type Answer = Record<string, unknown>;

/**
 * Resolves once `atHead(read)` says the store behind the server at `url` has reached the chain's
 * head version (`read` answers a GET of the server as `key`, or null unless 200); polls every 2 s.
 */
async function untilAtHead(
  what: string,
  url: string,
  key: string,
  atHead: (head: Answer, read: (pathname: string) => Promise<Answer | null>) => Promise<boolean>,
  timeoutMs = 420_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const read = async (pathname: string): Promise<Answer | null> => {
    const answer = await fetch(`${url}${pathname}`, { headers: { 'x-api-key': key } }).catch(() => null);
    return answer?.status === 200 ? ((await answer.json()) as Answer) : null;
  };
  for (;;) {
    const head = await read('/v1/versions/head');
    if (head !== null && (await atHead(head, read))) return;
    if (Date.now() > until) throw new Error(`${what} of ${url} did not catch up in ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/**
 * Resolves once the read model of the server at `url` answers search at the chain's head version
 * (while it catches up, indexing each version it missed keeps the process busy).
 */
function caughtUp(url: string, key: string): Promise<void> {
  return untilAtHead('the read model', url, key, async (head, read) => {
    const search = await read('/v1/search?q=AMXL&limit=1');
    return search !== null && search.catalogVersion === head.version;
  });
}

/**
 * Resolves once the auditors' server at `url` answers its version timeline up to the chain's head
 * version (its audit store replays the chain from block 0 first, which keeps the machine busy).
 */
export function auditCaughtUp(url: string, key: string): Promise<void> {
  return untilAtHead('the audit store', url, key, async (head, read) => {
    const timeline = await read('/v1/audit/versions');
    const versions = (timeline?.versions ?? []) as readonly { version?: unknown }[];
    return versions.some((v) => v.version === head.version);
  });
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
    '--lang',
    'en',
    ...extra,
  ];
  const withReadModel = extra.includes('--read-model');
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
      reject(new Error(`catalog serve --org ${org} was not ready in 450 s:\n${output}`));
    }, 450_000);
    const onData = (data: Buffer): void => {
      output += data.toString();
      if (output.includes(`listening on ${url}`)) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        const keep = (more: Buffer): void => {
          output += more.toString();
        };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        const instance: ConsoleInstance = {
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
              // SIGTERM asks it to close the server and stop following; SIGKILL after 15 s
              const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
              child.once('exit', () => {
                clearTimeout(kill);
                done();
              });
              child.kill('SIGTERM');
            }),
        };
        // with a read model, ready once it caught up with the chain: until then search answers 503
        // READ_MODEL_BEHIND, and indexing each version it missed keeps the process busy
        (withReadModel ? caughtUp(url, Object.values(keys)[0] ?? '') : Promise.resolve()).then(
          () => {
            clearTimeout(timer);
            resolve(instance);
          },
          (error: unknown) => {
            clearTimeout(timer);
            void instance.stop();
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
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
