import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { BUILDER_NAME } from './config-files';
import { nodePath } from './node-env';
import { REPO_ROOT, type NetworkPaths } from './paths';

/** A chaincode package ready for `peer lifecycle chaincode install`. */
export interface ChaincodePackage {
  readonly file: string;
  readonly label: string;
  /** `<label>:<sha256 of the package file>`, as the peers compute it. */
  readonly packageId: string;
  /** Short content hash, used as the chaincode definition's version. */
  readonly version: string;
}

const CHAINCODE_DIR = path.join(REPO_ROOT, 'chaincode');

/** The chaincode folder packages are built from, and how it is compiled and its dependencies installed. */
export interface ChaincodeSource {
  /** Holds `package.json`, `package-lock.json` and (once compiled) `dist/`. */
  readonly dir: string;
  /** Compiles the sources into `dir/dist`. */
  readonly compile: (env: NodeJS.ProcessEnv) => void;
  /** Installs the production dependencies of the lockfile copied into `stage` (`stage/node_modules`). */
  readonly installDependencies: (stage: string, env: NodeJS.ProcessEnv) => void;
}

/** The project's `chaincode/`: compiled with its tsconfig, dependencies from its lockfile (`npm ci`). */
export const CHAINCODE_SOURCE: ChaincodeSource = {
  dir: CHAINCODE_DIR,
  compile: (env) => {
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', path.join(CHAINCODE_DIR, 'tsconfig.json')],
      {
        stdio: 'inherit',
        env,
      },
    );
  },
  installDependencies: (stage, env) => {
    execFileSync(
      'npm',
      [
        'ci',
        '--omit=dev',
        '--ignore-scripts',
        '--no-bin-links',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
      ],
      {
        cwd: stage,
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  },
};

let source: ChaincodeSource = CHAINCODE_SOURCE;

/**
 * Replaces the chaincode folder {@link buildChaincodePackage} and {@link contentHash} use (unit tests
 * point it at a small fake chaincode); `null` restores {@link CHAINCODE_SOURCE}. Returns the one replaced.
 */
export function setChaincodeSource(next: ChaincodeSource | null): ChaincodeSource {
  const previous = source;
  source = next ?? CHAINCODE_SOURCE;
  return previous;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

/** Hash of what goes into the package: manifest, lockfile and compiled output. */
export function contentHash(chaincodeDir: string = source.dir): string {
  const hash = createHash('sha256');
  for (const file of ['package.json', 'package-lock.json']) {
    hash.update(file).update(readFileSync(path.join(chaincodeDir, file)));
  }
  for (const file of filesUnder(path.join(chaincodeDir, 'dist'))) {
    if (file.endsWith('.tsbuildinfo')) continue;
    hash.update(path.relative(chaincodeDir, file)).update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** Deterministic gzip'd tar of `dir`'s contents (sorted names, fixed owner and times). */
export function deterministicTar(dir: string, entries: string[], out: string): void {
  execFileSync('tar', [
    '--sort=name',
    '--mtime=@0',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '-cf',
    out + '.tar',
    '-C',
    dir,
    ...entries,
  ]);
  execFileSync('gzip', ['-n', '-f', out + '.tar']);
  execFileSync('mv', [out + '.tar.gz', out]);
}

/**
 * Compiles the chaincode, installs its production dependencies from `chaincode/package-lock.json`
 * into a staging folder, and wraps it as a lifecycle package for our external builder. The same
 * sources give the same bytes, hence the same package id on every peer. Reuses a package already
 * built from the same content.
 */
export function buildChaincodePackage(paths: NetworkPaths, label = 'catalog'): ChaincodePackage {
  const env = { ...process.env, PATH: nodePath() };
  const { dir, compile, installDependencies } = source;
  compile(env);
  const version = contentHash(dir).slice(0, 12);
  const fullLabel = `${label}_${version}`;
  const file = path.join(paths.chaincodeDir, `${fullLabel}.tar.gz`);
  if (!existsSync(file)) {
    const stage = path.join(paths.chaincodeDir, 'stage');
    rmSync(stage, { recursive: true, force: true });
    mkdirSync(stage, { recursive: true });
    for (const entry of ['package.json', 'package-lock.json', 'dist']) {
      cpSync(path.join(dir, entry), path.join(stage, entry), { recursive: true });
    }
    installDependencies(stage, env);
    const work = path.join(paths.chaincodeDir, 'work');
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    deterministicTar(
      stage,
      ['package.json', 'package-lock.json', 'dist', 'node_modules'],
      path.join(work, 'code.tar.gz'),
    );
    writeFileSync(path.join(work, 'metadata.json'), JSON.stringify({ type: BUILDER_NAME, label: fullLabel }));
    deterministicTar(work, ['code.tar.gz', 'metadata.json'], file);
    rmSync(stage, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
  return { file, label: fullLabel, packageId: `${fullLabel}:${digest}`, version };
}
