import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkTrustModel,
  markTrustModel,
  readDeployments,
  recordDeployment,
  TRUST_MODEL,
  trustModelFile,
} from '../../../network/src/deployments';
import { networkPaths } from '../../../network/src/paths';

describe('network: ledger trust model and deployment record', function () {
  let root: string;
  beforeEach(function () {
    root = mkdtempSync(path.join(os.tmpdir(), 'trust-model-'));
  });
  afterEach(function () {
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a channel created before trust model 3 and accepts a fresh or marked one', function () {
    const paths = networkPaths(root);
    const block = path.join(root, 'catalog.block');
    expect(() => {
      checkTrustModel(paths, block);
    }).to.not.throw();
    writeFileSync(block, 'a block');
    expect(() => {
      checkTrustModel(paths, block);
    }).to.throw(
      /created under trust model 1, this code needs 3: .*single-organisation.*network:down -- --purge/,
    );
    mkdirSync(path.dirname(trustModelFile(paths)), { recursive: true });
    writeFileSync(trustModelFile(paths), '2\n');
    expect(() => {
      checkTrustModel(paths, block);
    }).to.throw(
      /created under trust model 2, this code needs 3: its governance record lists the provinces by name and MSP id only.*network:down -- --purge/,
    );
    rmSync(trustModelFile(paths));
    markTrustModel(paths);
    expect(TRUST_MODEL).to.equal(3);
    expect(() => {
      checkTrustModel(paths, block);
    }).to.not.throw();
  });

  it('records one deployment per channel, chaincode and sequence', function () {
    const paths = networkPaths(root);
    const entry = {
      channel: 'catalog',
      chaincode: 'catalog',
      sequence: 1,
      version: 'abcdef012345',
      packageId: 'catalog_abcdef012345:00',
      contentHash: 'abcdef012345'.padEnd(64, '0'),
      sourceCommit: null,
      committedAt: '2026-12-01T00:00:00.000Z',
    };
    recordDeployment(paths, entry);
    recordDeployment(paths, { ...entry, packageId: 'other' });
    recordDeployment(paths, { ...entry, sequence: 2 });
    expect(readDeployments(paths).map((e) => [e.sequence, e.packageId])).to.deep.equal([
      [1, 'catalog_abcdef012345:00'],
      [2, 'catalog_abcdef012345:00'],
    ]);
  });
});
