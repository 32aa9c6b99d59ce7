/**
 * A throwaway PostgreSQL server for the PostgreSQL audit store tests: a fresh cluster in a temp
 * directory (initdb, trust authentication), listening on 127.0.0.1 only, on a free port of
 * 21460-21479, stopped with pg_ctl and deleted afterwards. PostgreSQL refuses to run as root, so as
 * root the binaries run as the `postgres` user through runuser.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the PostgreSQL 15 binaries are (override with AUDIT_PG_BIN). */
const BIN = process.env['AUDIT_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser', '/bin/runuser'].find((p) =>
  existsSync(p),
);
const PORTS = { first: 21460, last: 21479 };

/** A running throwaway server. */
export interface TempPostgres {
  /** Connection URL of its `postgres` database as the `postgres` superuser. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (pg_ctl, fast mode) and deletes its directory. */
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

async function freePort(): Promise<number> {
  for (let port = PORTS.first; port <= PORTS.last; port++) {
    if (await portIsFree(port)) {
      return port;
    }
  }
  throw new Error(`no free loopback port in ${PORTS.first}-${PORTS.last} for PostgreSQL`);
}

/**
 * Why a throwaway server cannot be started on this machine (binaries, runuser or the postgres user
 * missing), or null when it can.
 */
export async function postgresUnavailable(): Promise<string | null> {
  for (const tool of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(path.join(BIN, tool))) {
      return `PostgreSQL is not installed (${path.join(BIN, tool)} missing)`;
    }
  }
  if (process.getuid?.() === 0) {
    if (RUNUSER === undefined) {
      return 'runuser is missing (needed to run PostgreSQL as the postgres user, not root)';
    }
    try {
      await run('id', ['-u', 'postgres']);
    } catch {
      return 'there is no postgres user to run PostgreSQL as';
    }
  }
  return null;
}

/** Runs a PostgreSQL binary, as the postgres user when we are root. */
async function pg(tool: string, args: readonly string[], cwd: string): Promise<void> {
  const binary = path.join(BIN, tool);
  const [file, argv] =
    process.getuid?.() === 0 && RUNUSER !== undefined
      ? [RUNUSER, ['-u', 'postgres', '--', binary, ...args]]
      : [binary, [...args]];
  await run(file, argv, { cwd, timeout: 60_000 });
}

/** Creates and starts a server; call {@link postgresUnavailable} first. */
export async function startPostgres(): Promise<TempPostgres> {
  const base = mkdtempSync(path.join(tmpdir(), 'audit-pg-'));
  const data = path.join(base, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    chownSync(base, Number(stdout.trim()), Number(group.trim()));
  }
  let initialised = false;
  let started = false;
  try {
    await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '-N'], base);
    initialised = true;
    const port = await freePort();
    // -l: without a log file the server would keep pg_ctl's stdout open and pg_ctl would never return
    const log = path.join(base, 'server.log');
    await pg(
      'pg_ctl',
      [
        '-D',
        data,
        '-l',
        log,
        '-o',
        `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off`,
        '-w',
        'start',
      ],
      base,
    ).catch((error: unknown) => {
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-10).join('\n') : '';
      throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${String(error)}\n${tail}`);
    });
    started = true;
    return {
      url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
      port,
      stop: async () => {
        try {
          await pg('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'], base);
        } finally {
          rmSync(base, { recursive: true, force: true });
        }
      },
    };
  } finally {
    if (!started) {
      if (initialised) {
        // a server that did not become ready in time may still be coming up
        await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], base).catch(() => undefined);
      }
      rmSync(base, { recursive: true, force: true });
    }
  }
}
