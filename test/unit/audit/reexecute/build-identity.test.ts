/**
 * Which code ran: the local build's content hash (the same hash the deploy tooling versions
 * chaincode definitions with), deployment records, and the re-execution plan per block range.
 */
import '../../chaincode/support/quiet';
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { contentHash } from '../../../../network/src/chaincode-package';
import {
  ChaincodeBuildError,
  Reexecutor,
  loadDeploymentRecords,
  localBuild,
  parseDeploymentRecords,
  planRangeOf,
  reexecutionPlan,
  type DeploymentRecord,
  type LocalBuild,
} from '../../../../gateway-client/src/audit/reexecute';
import { clientIdentity } from '../support/certs';
import { MapState } from './support/history';

const REPO = path.resolve(__dirname, '../../../..');

function fakeChaincode(withDist = true): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'reexec-cc-'));
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: '@nrdl-catalog/chaincode', version: '0.1.0', main: 'dist/index.js' }),
  );
  writeFileSync(path.join(dir, 'package-lock.json'), '{"lockfileVersion":3}\n');
  if (withDist) {
    mkdirSync(path.join(dir, 'dist', 'lib'), { recursive: true });
    // The "build": the chaincode sources, loaded through ts-node as the tests do.
    writeFileSync(
      path.join(dir, 'dist', 'index.js'),
      `module.exports = require(${JSON.stringify(path.join(REPO, 'chaincode/src/index.ts'))});\n`,
    );
    writeFileSync(path.join(dir, 'dist', 'lib', 'b.js'), 'exports.b = 1;\n');
    writeFileSync(path.join(dir, 'dist', 'lib', 'A.js'), 'exports.a = 1;\n');
    writeFileSync(path.join(dir, 'dist', 'tsconfig.tsbuildinfo'), '{"x":1}');
  }
  return dir;
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tmpChaincode(withDist = true): string {
  const d = fakeChaincode(withDist);
  dirs.push(d);
  return d;
}

function record(build: LocalBuild, over: Partial<DeploymentRecord> = {}): DeploymentRecord {
  return {
    channel: 'catalog',
    chaincode: 'catalog',
    sequence: 1,
    version: build.version,
    packageId: `catalog_${build.version}:${'ab'.repeat(32)}`,
    contentHash: build.contentHash,
    sourceCommit: '0123456789abcdef0123456789abcdef01234567',
    committedAt: '2025-01-02T03:04:05Z',
    ...over,
  };
}

describe('re-execution: which code ran', () => {
  it('hashes the build exactly as the deploy tooling versions it', () => {
    const dir = tmpChaincode();
    const build = localBuild(dir);
    expect(build.contentHash).to.equal(contentHash(dir));
    expect(build.version).to.equal(build.contentHash.slice(0, 12));
    expect(build.chaincodeDir).to.equal(dir);
  });

  it('ignores *.tsbuildinfo but not a changed compiled file', () => {
    const dir = tmpChaincode();
    const before = localBuild(dir).contentHash;
    writeFileSync(path.join(dir, 'dist', 'tsconfig.tsbuildinfo'), '{"x":2}');
    expect(localBuild(dir).contentHash).to.equal(before);
    writeFileSync(path.join(dir, 'dist', 'lib', 'b.js'), 'exports.b = 2;\n');
    expect(localBuild(dir).contentHash).to.not.equal(before);
    expect(localBuild(dir).contentHash).to.equal(contentHash(dir));
  });

  it('says clearly when dist/ is missing', () => {
    const dir = tmpChaincode(false);
    expect(() => localBuild(dir)).to.throw(
      ChaincodeBuildError,
      /chaincode build missing: .*dist does not exist/,
    );
  });

  it('loads a built chaincode package the way fabric-chaincode-node start does and runs it', async () => {
    const dir = tmpChaincode();
    const engine = await Reexecutor.fromChaincodeDir(dir, { resolveFrom: REPO });
    expect([engine.title, engine.version]).to.deep.equal(['@nrdl-catalog/chaincode', '0.1.0']);
    const result = await engine.reexecute({
      txId: 'ab'.repeat(32),
      channelId: 'catalog',
      timestamp: { seconds: 1_735_000_000n, nanos: 5_000_000 },
      creator: clientIdentity('SichuanMSP', 'approver').serialized,
      args: [Buffer.from('System:WhoAmI')],
      state: new MapState(),
    });
    expect(result.status, result.message).to.equal(200);
    expect(JSON.parse(Buffer.from(result.payload).toString())).to.include({
      mspId: 'SichuanMSP',
      role: 'approver',
    });
  });

  it('refuses to load a package without its build', async () => {
    const dir = tmpChaincode(false);
    const error = await Reexecutor.fromChaincodeDir(dir, { resolveFrom: REPO }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ChaincodeBuildError);
    expect((error as Error).message).to.match(/dist does not exist/);
  });
});

describe('re-execution: deployment records and plan', () => {
  const build: LocalBuild = {
    chaincodeDir: '/x',
    contentHash: 'c0ffee'.repeat(10) + 'abcd',
    version: ('c0ffee'.repeat(10) + 'abcd').slice(0, 12),
  };

  it('re-executes ranges whose definition version is the local build and reports the others', () => {
    const plan = reexecutionPlan(
      [
        { sequence: 2, version: 'deadbeef0000', fromBlock: 40 },
        { sequence: 1, version: build.version, fromBlock: 3 },
        { sequence: 3, version: build.version, fromBlock: 90 },
      ],
      build,
    );
    expect(plan.map((r) => [r.sequence, r.fromBlock, r.toBlock, r.status])).to.deep.equal([
      [1, 3, 39, 'REEXECUTE'],
      [2, 40, 89, 'NOT_REEXECUTED'],
      [3, 90, null, 'REEXECUTE'],
    ]);
    expect(plan[1]!.reason).to.match(/version deadbeef0000.*local build is version c0ffeec0ffee/);
    expect(plan[0]!.reason).to.equal(null);
    expect(planRangeOf(plan, 2)).to.equal(null);
    expect(planRangeOf(plan, 45)?.status).to.equal('NOT_REEXECUTED');
    expect(planRangeOf(plan, 1000)?.sequence).to.equal(3);
  });

  it('requires the deployment record of a sequence to carry the full local content hash', () => {
    const defs = [
      { sequence: 1, version: build.version, fromBlock: 3 },
      { sequence: 2, version: build.version, fromBlock: 10 },
    ];
    const plan = reexecutionPlan(
      defs,
      build,
      [
        record(build),
        record(build, { sequence: 2, contentHash: build.version + '0'.repeat(52) }),
        record(build, { channel: 'other', sequence: 1, contentHash: 'f'.repeat(64) }),
      ],
      { channel: 'catalog', chaincode: 'catalog' },
    );
    expect(plan.map((r) => r.status)).to.deep.equal(['REEXECUTE', 'NOT_REEXECUTED']);
    expect(plan[0]!.deployment?.sourceCommit).to.equal('0123456789abcdef0123456789abcdef01234567');
    expect(plan[1]!.reason).to.match(/same version prefix, different code/);
    const conflicting = reexecutionPlan(defs.slice(0, 1), build, [
      record(build),
      record(build, { contentHash: 'e'.repeat(64) }),
    ]);
    expect(conflicting[0]!.status).to.equal('NOT_REEXECUTED');
    expect(conflicting[0]!.reason).to.match(/conflicting/);
  });

  it('loads and validates a deployments file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'reexec-dep-'));
    dirs.push(dir);
    const file = path.join(dir, 'deployments.json');
    const good = { deployments: [record(build), record(build, { sequence: 2, sourceCommit: null })] };
    writeFileSync(file, JSON.stringify(good));
    expect(loadDeploymentRecords(file)).to.deep.equal(good.deployments);
    writeFileSync(file, JSON.stringify({ deployments: [{ ...record(build), sequence: '1' }] }));
    expect(() => loadDeploymentRecords(file)).to.throw(/\/deployments\/0\/sequence must be integer/);
    expect(() =>
      parseDeploymentRecords({ deployments: [{ ...record(build), contentHash: 'xyz' }] }),
    ).to.throw(/contentHash must match pattern/);
    expect(() => parseDeploymentRecords({})).to.throw(/must have required property 'deployments'/);
    writeFileSync(file, '{not json');
    expect(() => loadDeploymentRecords(file)).to.throw(/cannot read deployment records/);
  });
});
