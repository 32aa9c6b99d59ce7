/**
 * A rogue variant of the deployed chaincode package, as an attacking organisation would build it:
 * the very same code plus a `Rogue` contract that writes whatever key and value it is given. Fabric
 * lets each organisation approve its own package for a committed definition, so the attacker's peer
 * then runs this code; the endorsement policies must make that useless on its own.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deterministicTar, type ChaincodePackage } from '../../../network/src/chaincode-package';
import { BUILDER_NAME } from '../../../network/src/config-files';

/** The rogue contract: raw writes and raw key listing, no checks at all. */
const ROGUE_CONTRACT = `'use strict';
const { Contract } = require('fabric-contract-api');
class RogueContract extends Contract {
  constructor() { super('Rogue'); }
  async Write(ctx, key, valueBase64) {
    await ctx.stub.putState(key, Buffer.from(valueBase64, 'base64'));
    return 'written';
  }
  async FirstKey(ctx, objectType) {
    const it = ctx.stub.getStateByPartialCompositeKey(objectType, []);
    for await (const kv of it) return kv.key;
    return '';
  }
}
module.exports = { RogueContract };
`;

/** Builds the rogue package from the honest package file (same dependencies, one extra contract). */
export function buildRoguePackage(
  honest: Pick<ChaincodePackage, 'file' | 'version'>,
  outDir: string,
): ChaincodePackage {
  const work = mkdtempSync(path.join(os.tmpdir(), 'rogue-'));
  try {
    execFileSync('tar', ['-xzf', honest.file, '-C', work]);
    const code = path.join(work, 'code');
    execFileSync('mkdir', ['-p', code]);
    execFileSync('tar', ['-xzf', path.join(work, 'code.tar.gz'), '-C', code]);
    writeFileSync(path.join(code, 'dist', 'rogue.js'), ROGUE_CONTRACT);
    appendFileSync(
      path.join(code, 'dist', 'index.js'),
      "\nexports.contracts.push(require('./rogue').RogueContract);\n",
    );
    const pkgDir = path.join(work, 'pkg');
    execFileSync('mkdir', ['-p', pkgDir]);
    deterministicTar(
      code,
      ['package.json', 'package-lock.json', 'dist', 'node_modules'],
      path.join(pkgDir, 'code.tar.gz'),
    );
    const label = `catalog-rogue_${honest.version}`;
    writeFileSync(path.join(pkgDir, 'metadata.json'), JSON.stringify({ type: BUILDER_NAME, label }));
    const file = path.join(outDir, `${label}.tar.gz`);
    deterministicTar(pkgDir, ['code.tar.gz', 'metadata.json'], file);
    const digest = createHash('sha256').update(readFileSync(file)).digest('hex');
    return { file, label, packageId: `${label}:${digest}`, version: honest.version };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
