import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayPath } from './paths';

/** The Fabric release this project runs on. */
export const FABRIC_VERSION = '3.1.5';
/** The fabric-ca release line this project runs on (any 1.5.x). */
export const FABRIC_CA_VERSION = '1.5.21';

const BINARIES = [
  'peer',
  'orderer',
  'configtxgen',
  'osnadmin',
  'fabric-ca-server',
  'fabric-ca-client',
] as const;
const CONFIG_FILES = ['core.yaml', 'orderer.yaml'] as const;

/** A Fabric installation laid out like the release archives: `bin/` and `config/`. */
export interface FabricInstall {
  readonly home: string;
  readonly binDir: string;
  readonly configDir: string;
  /** How it was found: the FABRIC_HOME variable, the per-user cache, or a fresh download. */
  readonly source: 'FABRIC_HOME' | 'cache' | 'download';
  readonly version: string;
  readonly caVersion: string;
}

/** No usable Fabric installation was found (and none could be downloaded). */
export class FabricNotFoundError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'FabricNotFoundError';
  }
}

/** A Fabric installation was found but is not the version this project needs. */
export class FabricVersionError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'FabricVersionError';
  }
}

/** Options of {@link findFabric}; the defaults read the process environment. */
export interface FindFabricOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Try the official release download when nothing is installed (default false). */
  readonly download?: boolean;
  /** Download timeout in milliseconds (default 15 s). */
  readonly downloadTimeoutMs?: number;
  /** Archives to download (default: the official release archives, {@link releaseUrls}). */
  readonly urls?: readonly string[];
}

/** The per-user cache folder Fabric is looked for in: `${XDG_CACHE_HOME:-$HOME/.cache}/nrdl-catalog/fabric-v3.1.5`. */
export function fabricCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME ?? path.join(env.HOME ?? os.homedir(), '.cache');
  return path.join(cacheRoot, 'nrdl-catalog', `fabric-v${FABRIC_VERSION}`);
}

/** How messages name a Fabric candidate folder: by its role, with a path that is never absolute. */
function describeHome(home: string, source: FabricInstall['source'] | null): string {
  if (source === 'cache' || source === 'download') return `the per-user Fabric cache (${displayPath(home)})`;
  if (source === 'FABRIC_HOME') return `FABRIC_HOME (${displayPath(home)})`;
  return `Fabric (${displayPath(home)})`;
}

/** Lists what a folder lacks to be a Fabric installation (empty when complete). */
export function missingParts(home: string): string[] {
  const missing: string[] = [];
  for (const binary of BINARIES) {
    if (!existsSync(path.join(home, 'bin', binary))) missing.push(`bin/${binary}`);
  }
  for (const file of CONFIG_FILES) {
    if (!existsSync(path.join(home, 'config', file))) missing.push(`config/${file}`);
  }
  return missing;
}

/** Parses the `Version:` line that `peer version` and `fabric-ca-server version` print. */
export function parseVersionOutput(output: string): string | null {
  const match = /^\s*Version:\s*v?(\S+)\s*$/m.exec(output);
  return match?.[1] ?? null;
}

/** Runs the version commands and refuses anything but Fabric 3.1.5 and fabric-ca 1.5.x. */
export function checkVersions(
  home: string,
  source: FabricInstall['source'] | null = null,
): { version: string; caVersion: string } {
  const where = describeHome(home, source);
  const run = (binary: string): string =>
    execFileSync(path.join(home, 'bin', binary), ['version'], { encoding: 'utf8', timeout: 15_000 });
  const version = parseVersionOutput(run('peer'));
  if (version !== FABRIC_VERSION) {
    throw new FabricVersionError(
      `Fabric in ${where} is version ${version ?? 'unknown'}, this project needs ${FABRIC_VERSION}; ` +
        `point FABRIC_HOME at a Fabric v${FABRIC_VERSION} installation`,
    );
  }
  const caVersion = parseVersionOutput(run('fabric-ca-server'));
  if (caVersion === null || !caVersion.startsWith('1.5.')) {
    throw new FabricVersionError(
      `fabric-ca in ${where} is version ${caVersion ?? 'unknown'}, this project needs 1.5.x; ` +
        `point FABRIC_HOME at an installation with fabric-ca v1.5`,
    );
  }
  return { version, caVersion };
}

/**
 * Finds Fabric: `FABRIC_HOME`, then the per-user cache folder, then (with `download: true`) the
 * official release archives downloaded into that cache. Throws {@link FabricNotFoundError} or
 * {@link FabricVersionError} with a message that says what to do.
 */
export async function findFabric(options: FindFabricOptions = {}): Promise<FabricInstall> {
  const env = options.env ?? process.env;
  const tried: string[] = [];
  const candidates: { home: string; source: FabricInstall['source'] }[] = [];
  if (env.FABRIC_HOME) candidates.push({ home: path.resolve(env.FABRIC_HOME), source: 'FABRIC_HOME' });
  candidates.push({ home: fabricCacheDir(env), source: 'cache' });
  for (const candidate of candidates) {
    const missing = missingParts(candidate.home);
    if (missing.length === 0) {
      return describe(candidate.home, candidate.source);
    }
    tried.push(
      `${describeHome(candidate.home, candidate.source)}, missing ${missing.slice(0, 3).join(', ')}`,
    );
  }
  if (options.download) {
    const home = fabricCacheDir(env);
    await downloadRelease(home, options.urls ?? releaseUrls(), options.downloadTimeoutMs ?? 15_000);
    return describe(home, 'download');
  }
  throw new FabricNotFoundError(
    `no Fabric v${FABRIC_VERSION} found; set FABRIC_HOME to a folder with bin/ and config/ ` +
      `(looked in: ${tried.join('; ')})`,
  );
}

function describe(home: string, source: FabricInstall['source']): FabricInstall {
  const versions = checkVersions(home, source);
  return { home, binDir: path.join(home, 'bin'), configDir: path.join(home, 'config'), source, ...versions };
}

/** The official release archive URLs for this platform. */
export function releaseUrls(platform: string = process.platform, arch: string = process.arch): string[] {
  const goArch = arch === 'x64' ? 'amd64' : arch;
  const base = 'https://github.com/hyperledger';
  return [
    `${base}/fabric/releases/download/v${FABRIC_VERSION}/hyperledger-fabric-${platform}-${goArch}-${FABRIC_VERSION}.tar.gz`,
    `${base}/fabric-ca/releases/download/v${FABRIC_CA_VERSION}/hyperledger-fabric-ca-${platform}-${goArch}-${FABRIC_CA_VERSION}.tar.gz`,
  ];
}

async function downloadRelease(home: string, urls: readonly string[], timeoutMs: number): Promise<void> {
  mkdirSync(home, { recursive: true });
  const deadline = AbortSignal.timeout(timeoutMs);
  for (const url of urls) {
    const archive = path.join(home, path.basename(url));
    try {
      const response = await fetch(url, { signal: deadline });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
      execFileSync('tar', ['-xzf', archive, '-C', home]);
    } catch (error) {
      const reason =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
      throw new FabricNotFoundError(
        `no Fabric v${FABRIC_VERSION} found and the release download failed (${url}: ${reason}); ` +
          `set FABRIC_HOME to a folder with Fabric's bin/ and config/`,
      );
    } finally {
      rmSync(archive, { force: true });
    }
  }
}
