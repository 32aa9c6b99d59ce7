/**
 * The layout keeps its promises: each workspace imports the others only by package name and only in
 * the allowed direction (applications → library → chaincode model), declares what it imports, never
 * reaches into another package's files by relative path, and the shared model loads without
 * fabric-shim. The library takes its paths as parameters (no `__dirname`).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

/** Workspace folder → package name and the workspace packages it may import. */
const WORKSPACES: Readonly<Record<string, { readonly name: string; readonly mayImport: readonly string[] }>> =
  {
    chaincode: { name: '@nrdl-catalog/chaincode', mayImport: [] },
    'gateway-client': { name: '@nrdl-catalog/gateway-client', mayImport: ['@nrdl-catalog/chaincode'] },
    network: { name: '@nrdl-catalog/network', mayImport: ['@nrdl-catalog/gateway-client'] },
    'apps/api': {
      name: '@nrdl-catalog/api',
      mayImport: ['@nrdl-catalog/chaincode', '@nrdl-catalog/gateway-client'],
    },
    'apps/cli': {
      name: '@nrdl-catalog/cli',
      mayImport: ['@nrdl-catalog/chaincode', '@nrdl-catalog/gateway-client', '@nrdl-catalog/api'],
    },
    // the browser console: the message catalogue and the model's types, nothing of Node or Fabric
    'apps/console': { name: '@nrdl-catalog/console', mayImport: ['@nrdl-catalog/chaincode'] },
  };

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (statSync(file).isDirectory()) out.push(...sourcesUnder(file));
    else if (file.endsWith('.ts') || file.endsWith('.tsx')) out.push(file);
  }
  return out;
}

/** Module specifiers of `import type … from` (erased: types only). */
function typeOnlySpecifiers(source: string): Set<string> {
  const pattern = /^\s*import\s+type\s[^;]*?\sfrom\s+'([^']+)'/gm;
  return new Set(
    [...source.matchAll(pattern)].flatMap((match) => (match[1] === undefined ? [] : [match[1]])),
  );
}

/** Module specifiers of `import … from`, `export … from`, `import(…)` and `require(…)`. */
function specifiersOf(source: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)'([^']+)'/gm;
  for (const match of source.matchAll(pattern)) if (match[1] !== undefined) found.push(match[1]);
  return found;
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

describe('architecture: workspaces and the direction of their dependencies', function () {
  const rootPackage = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };

  it('has exactly the expected workspaces, named as the table says', function () {
    expect([...rootPackage.workspaces].sort()).to.deep.equal(Object.keys(WORKSPACES).sort());
    for (const [dir, { name }] of Object.entries(WORKSPACES)) {
      const manifest = JSON.parse(readFileSync(path.join(REPO, dir, 'package.json'), 'utf8')) as {
        name: string;
      };
      expect(manifest.name, dir).to.equal(name);
    }
  });

  for (const [dir, { name, mayImport }] of Object.entries(WORKSPACES)) {
    it(`${dir} imports only ${mayImport.length === 0 ? 'no other workspace' : mayImport.join(', ')}, by package name, and declares them`, function () {
      const root = path.join(REPO, dir);
      const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      const declared = Object.keys(manifest.dependencies ?? {});
      // A type-only import is erased at build time: a development dependency is enough for it.
      const forTypes = [...declared, ...Object.keys(manifest.devDependencies ?? {})];
      for (const file of sourcesUnder(path.join(root, 'src'))) {
        const where = path.relative(REPO, file);
        const source = readFileSync(file, 'utf8');
        const typeOnly = typeOnlySpecifiers(source);
        for (const specifier of specifiersOf(source)) {
          if (specifier.startsWith('.')) {
            const target = path.resolve(path.dirname(file), specifier);
            expect(
              path.relative(root, target).startsWith('..'),
              `${where}: ${specifier} leaves ${dir}/`,
            ).to.equal(false);
            continue;
          }
          if (specifier.startsWith('node:')) continue;
          const pkg = packageOf(specifier);
          if (pkg.startsWith('@nrdl-catalog/')) {
            expect(pkg === name || mayImport.includes(pkg), `${where} imports ${specifier}`).to.equal(true);
          }
          if (pkg !== name) {
            const allowed = typeOnly.has(specifier) ? forTypes : declared;
            expect(allowed, `${where} imports ${pkg}, not in ${dir}/package.json`).to.include(pkg);
          }
        }
      }
    });
  }

  it('lets no library or application module find files through __dirname', function () {
    for (const dir of ['gateway-client', 'apps/api', 'apps/cli']) {
      for (const file of sourcesUnder(path.join(REPO, dir, 'src'))) {
        expect(readFileSync(file, 'utf8'), path.relative(REPO, file)).to.not.match(/__dirname/);
      }
    }
  });

  it('loads the shared model (@nrdl-catalog/chaincode/model) without fabric-shim or the contracts', function () {
    this.timeout(30_000);
    const script = `
      require('@nrdl-catalog/chaincode/model');
      const loaded = Object.keys(require.cache).filter((f) => /fabric-shim|fabric-contract-api|contracts/.test(f));
      process.stdout.write(JSON.stringify(loaded));`;
    const output = execFileSync(
      process.execPath,
      ['--conditions=nrdl-source', '-r', 'ts-node/register', '-e', script],
      { cwd: REPO, encoding: 'utf8' },
    );
    expect(JSON.parse(output)).to.deep.equal([]);
  });
});
