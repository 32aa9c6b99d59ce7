import path from 'node:path';
import { expect } from 'chai';
import { REPO, runCatalog } from './cli';

export const NRDL_FILE = path.join(REPO, 'data', 'nrdl-2024-drugs.csv');
export const SERVICES_FILE = path.join(REPO, 'data', 'shaanxi-2021-medical-service-prices.csv');
export const MATERIALS_FILE = path.join(REPO, 'data', 'shaanxi-2021-special-materials.csv');

/** The `catalog import` runs that build the full catalog (NRDL 2024, Shaanxi services and materials). */
export const FULL_CATALOG_IMPORTS: readonly (readonly string[])[] = [
  ['import', 'nrdl', NRDL_FILE, '--approve-as', 'nhsa/approver,guangdong/approver,sichuan/approver'],
  ['import', 'province-items', SERVICES_FILE, '--province', 'Shaanxi', '--approve-as', 'shaanxi/approver'],
  [
    'import',
    'province-items',
    MATERIALS_FILE,
    '--province',
    'shaanxi',
    '--kind',
    'material',
    '--approve-as',
    'shaanxi/approver',
  ],
];

/**
 * Imports the full catalog (10,096 items) unless it is there: each import finds the proposal an
 * earlier run (e.g. 30-import) made by its fingerprint and stops at "already sealed", so this is
 * cheap on a network that has it and a few minutes on a fresh one.
 */
export async function importFullCatalog(): Promise<void> {
  for (const args of FULL_CATALOG_IMPORTS) {
    const run = await runCatalog([...args, '--effective-from', '2025-01-01', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect((JSON.parse(run.stdout) as { status: string }).status).to.equal('applied');
  }
}
