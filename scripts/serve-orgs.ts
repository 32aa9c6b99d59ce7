/**
 * One API process per organisation (used by `npm start`): each `catalog serve --org <org>` holds
 * only its own organisation's API keys, follows its own read model, listens to the channel's events
 * as one of its own identities and serves the web console, on its own port (DEFAULT_API_PORT +
 * the organisation's index in the topology); the auditors' server keeps its own audit store too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** One organisation's API server, as `npm start` runs it. */
export interface OrgServer {
  readonly org: string;
  readonly port: number;
  /** Its API (and console) URL. */
  readonly url: string;
  /** The arguments of its `catalog serve`. */
  readonly args: readonly string[];
}

/**
 * The API server of each organisation, in topology order: port `basePort + index`, the shared keys
 * file (each server keeps only its organisation's keys), a read model of its own; an auditors'
 * organisation's server also keeps its own audit store (replayed from block 0 and following the
 * channel as one of its identities), which its console's audit views answer from.
 */
export function orgServers(
  orgs: readonly { readonly name: string; readonly kind: string }[],
  options: { readonly basePort: number; readonly keysFile: string; readonly readModelDir: string },
): OrgServer[] {
  return orgs.map(({ name: org, kind }, index) => {
    const port = options.basePort + index;
    return {
      org,
      port,
      url: `http://127.0.0.1:${String(port)}`,
      args: [
        'serve',
        '--org',
        org,
        '--port',
        String(port),
        '--keys',
        options.keysFile,
        '--read-model',
        path.join(options.readModelDir, `catalog-search-${org}.sqlite`),
        ...(kind === 'auditor'
          ? ['--audit-store', path.join(options.readModelDir, `catalog-audit-${org}.sqlite`)]
          : []),
      ],
    };
  });
}

/** Resolves once `url`/healthz answers 200; rejects after `timeoutMs` or when `exited` settles first. */
export async function waitHealthy(url: string, exited: Promise<number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const state: { gone: number | null } = { gone: null };
  void exited.then((code) => {
    state.gone = code;
  });
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (state.gone !== null)
      throw new Error(`the API server for ${url} exited (${String(state.gone)}) before it answered`);
    if (Date.now() > deadline)
      throw new Error(`the API server for ${url} did not answer within ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A running organisation server process. */
export interface RunningServer {
  readonly server: OrgServer;
  readonly child: ChildProcess;
  /** Its exit code (1 when killed by a signal other than SIGINT/SIGTERM). */
  readonly exited: Promise<number>;
}

/**
 * Starts `command args… <server.args>` with every output line prefixed by `[org]` (to `out`).
 */
export function startServer(
  command: string,
  commandArgs: readonly string[],
  server: OrgServer,
  out: (line: string) => void,
): RunningServer {
  const child = spawn(command, [...commandArgs, ...server.args], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (line) => {
      out(`[${server.org}] ${line}`);
    });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
    child.once('error', () => {
      resolve(1);
    });
  });
  return { server, child, exited };
}
