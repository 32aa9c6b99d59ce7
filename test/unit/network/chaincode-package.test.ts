import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  buildChaincodePackage,
  CHAINCODE_SOURCE,
  contentHash,
  deterministicTar,
  setChaincodeSource,
} from '../../../network/src/chaincode-package';
import { BUILDER_NAME } from '../../../network/src/config-files';
import { networkPaths, REPO_ROOT } from '../../../network/src/paths';
import { fakeChaincode, useChaincode } from './support/fakes';

function tarList(file: string): string[] {
  return execFileSync('tar', ['-tzvf', file], { encoding: 'utf8' }).trim().split('\n');
}

describe('network: deterministic chaincode package', function () {
  let tmp: string;

  beforeEach(function () {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'cc-package-test-'));
  });

  afterEach(function () {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('contentHash covers manifest, lockfile and dist/ (not build info), and nothing else', function () {
    const dir = path.join(tmp, 'cc');
    fakeChaincode(dir);
    const first = contentHash(dir);
    expect(first).to.match(/^[0-9a-f]{64}$/);
    writeFileSync(path.join(dir, 'dist', 'tsconfig.tsbuildinfo'), '{"x":1}');
    mkdirSync(path.join(dir, 'src'));
    writeFileSync(path.join(dir, 'src', 'index.ts'), 'export {};\n');
    writeFileSync(path.join(dir, 'README.md'), 'docs');
    utimesSync(path.join(dir, 'dist', 'index.js'), 1, 1);
    expect(contentHash(dir), 'build info, sources, docs and times do not count').to.equal(first);
    const copy = path.join(tmp, 'elsewhere', 'cc');
    fakeChaincode(copy);
    expect(contentHash(copy), 'the folder location does not count').to.equal(first);

    writeFileSync(path.join(dir, 'dist', 'lib', 'util.js'), 'exports.x = 2;\n');
    const changedCode = contentHash(dir);
    expect(changedCode).to.not.equal(first);
    writeFileSync(path.join(copy, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    expect(contentHash(copy)).to.not.equal(first).and.not.equal(changedCode);
    // a file moved to another name is other content
    const renamed = path.join(tmp, 'renamed');
    fakeChaincode(renamed);
    rmSync(path.join(renamed, 'dist', 'lib', 'util.js'));
    writeFileSync(path.join(renamed, 'dist', 'lib', 'util2.js'), 'exports.x = 1;\n');
    expect(contentHash(renamed)).to.not.equal(first);
  });

  it('contentHash and the package build use the project chaincode unless pointed elsewhere', function () {
    expect(CHAINCODE_SOURCE.dir).to.equal(path.join(REPO_ROOT, 'chaincode'));
    const fake = fakeChaincode(path.join(tmp, 'cc'));
    const previous = setChaincodeSource(fake.source);
    try {
      expect(previous).to.equal(CHAINCODE_SOURCE);
      expect(contentHash()).to.equal(contentHash(fake.source.dir));
    } finally {
      expect(setChaincodeSource(null)).to.equal(fake.source);
    }
    expect(setChaincodeSource(null)).to.equal(CHAINCODE_SOURCE);
  });

  it('deterministicTar gives the same bytes for the same content, whatever the file times', function () {
    const dir = path.join(tmp, 'content');
    mkdirSync(path.join(dir, 'b'), { recursive: true });
    writeFileSync(path.join(dir, 'z.txt'), 'z');
    writeFileSync(path.join(dir, 'b', 'a.txt'), 'a');
    deterministicTar(dir, ['z.txt', 'b'], path.join(tmp, 'one.tgz'));
    utimesSync(path.join(dir, 'z.txt'), 12345, 12345);
    utimesSync(path.join(dir, 'b', 'a.txt'), 99999, 99999);
    deterministicTar(dir, ['z.txt', 'b'], path.join(tmp, 'two.tgz'));
    expect(readFileSync(path.join(tmp, 'two.tgz')).equals(readFileSync(path.join(tmp, 'one.tgz')))).to.equal(
      true,
    );
    const listing = tarList(path.join(tmp, 'one.tgz'));
    expect(listing.map((entry) => entry.split(/\s+/).pop())).to.deep.equal(['z.txt', 'b/', 'b/a.txt']);
    for (const entry of listing) expect(entry).to.match(/ 0\/0 .* 1970-01-01 /);
  });

  describe('buildChaincodePackage', function () {
    let restore: () => void;

    afterEach(function () {
      restore();
    });

    it('wraps code (with production dependencies) and metadata for the external builder; id = label and file hash', function () {
      const fake = fakeChaincode(path.join(tmp, 'cc'));
      restore = useChaincode(fake);
      const paths = networkPaths(path.join(tmp, 'net'));
      const pkg = buildChaincodePackage(paths, 'catalog');
      const version = contentHash(fake.source.dir).slice(0, 12);
      expect(pkg.version).to.equal(version);
      expect(pkg.label).to.equal(`catalog_${version}`);
      expect(pkg.file).to.equal(path.join(paths.chaincodeDir, `catalog_${version}.tar.gz`));
      const digest = createHash('sha256').update(readFileSync(pkg.file)).digest('hex');
      expect(pkg.packageId).to.equal(`catalog_${version}:${digest}`);
      expect(fake.compiled).to.equal(1);
      expect(fake.installs).to.deep.equal([path.join(paths.chaincodeDir, 'stage')]);

      const out = path.join(tmp, 'unpacked');
      mkdirSync(out);
      execFileSync('tar', ['-xzf', pkg.file, '-C', out]);
      expect(JSON.parse(readFileSync(path.join(out, 'metadata.json'), 'utf8'))).to.deep.equal({
        type: BUILDER_NAME,
        label: `catalog_${version}`,
      });
      const code = tarList(path.join(out, 'code.tar.gz')).map((entry) => entry.split(/\s+/).pop());
      expect(code).to.include.members([
        'package.json',
        'package-lock.json',
        'dist/index.js',
        'dist/lib/util.js',
        'node_modules/dep/index.js',
      ]);
      expect(tarList(pkg.file).map((entry) => entry.split(/\s+/).pop())).to.deep.equal([
        'code.tar.gz',
        'metadata.json',
      ]);
      expect(execFileSync('ls', [paths.chaincodeDir], { encoding: 'utf8' }).trim()).to.equal(
        `catalog_${version}.tar.gz`,
      );
    });

    it('gives the same package id when built twice from the same content, and reuses a package built before', function () {
      const first = fakeChaincode(path.join(tmp, 'a', 'cc'));
      restore = useChaincode(first);
      const one = buildChaincodePackage(networkPaths(path.join(tmp, 'net1')), 'catalog');
      restore();

      const second = fakeChaincode(path.join(tmp, 'b', 'cc'));
      utimesSync(path.join(second.source.dir, 'dist', 'index.js'), 424242, 424242);
      restore = useChaincode(second);
      const net2 = networkPaths(path.join(tmp, 'net2'));
      const two = buildChaincodePackage(net2, 'catalog');
      expect(two.packageId).to.equal(one.packageId);
      expect(readFileSync(two.file).equals(readFileSync(one.file))).to.equal(true);
      expect(second.installs).to.have.length(1);

      const again = buildChaincodePackage(net2, 'catalog');
      expect(again).to.deep.equal(two);
      expect(second.compiled).to.equal(2);
      expect(second.installs, 'an existing package is not rebuilt').to.have.length(1);

      writeFileSync(
        path.join(second.source.dir, 'dist', 'index.js'),
        'module.exports = { changed: true };\n',
      );
      const changed = buildChaincodePackage(net2, 'catalog');
      expect(changed.version).to.not.equal(two.version);
      expect(changed.packageId).to.not.equal(two.packageId);
      expect(second.installs).to.have.length(2);
      expect(buildChaincodePackage(net2, 'other').label).to.equal(`other_${changed.version}`);
    });
  });
});
