/**
 * The full catalog in the channel: the NRDL 2024 list and Shaanxi's service and material lists,
 * imported through the CLI as test/network/30-import.test.ts does (each list only when the channel
 * does not hold it yet, so a suite can run alone or after 30-import).
 */
import path from 'node:path';
import type { ItemInput, ProvinceInfo } from '@nrdl-catalog/chaincode/model';
import { provinceOf } from '../../../gateway-client/src/governance-members';
import { readNrdlFile } from '../../../gateway-client/src/import/nrdl';
import { readMaterialFile, readServiceFile } from '../../../gateway-client/src/import/shaanxi';
import { clientAs, ensureCatalog } from './catalog';
import { REPO, runCatalog } from './cli';

export const NRDL_CSV = path.join(REPO, 'data', 'nrdl-2024-drugs.csv');
export const SERVICES_CSV = path.join(REPO, 'data', 'shaanxi-2021-medical-service-prices.csv');
export const MATERIALS_CSV = path.join(REPO, 'data', 'shaanxi-2021-special-materials.csv');
export const NATIONAL_APPROVE_AS = 'nhsa/approver,guangdong/approver,sichuan/approver';

/** The CLI arguments that import each list. */
export const IMPORTS = {
  nrdl: ['import', 'nrdl', NRDL_CSV, '--effective-from', '2025-01-01', '--approve-as', NATIONAL_APPROVE_AS],
  services: [
    'import',
    'province-items',
    SERVICES_CSV,
    '--province',
    'Shaanxi',
    '--effective-from',
    '2025-01-01',
    '--approve-as',
    'shaanxi/approver',
  ],
  materials: [
    'import',
    'province-items',
    MATERIALS_CSV,
    '--province',
    'shaanxi',
    '--kind',
    'material',
    '--effective-from',
    '2025-01-01',
    '--approve-as',
    'shaanxi/approver',
  ],
} as const;

/** Shaanxi's member record as the governance record on chain lists it. */
export async function shaanxiOnChain(): Promise<ProvinceInfo> {
  return provinceOf(await clientAs('audit/auditor').getGovernance(), 'Shaanxi');
}

/** Every item of the three source files, as the importers map them (what the chain holds). */
export async function sourceItems(): Promise<ItemInput[]> {
  const shaanxi = await shaanxiOnChain();
  return [
    ...readNrdlFile(NRDL_CSV).map((entry) => entry.item),
    ...readServiceFile(SERVICES_CSV, shaanxi).entries.map((entry) => entry.item),
    ...readMaterialFile(MATERIALS_CSV, shaanxi).entries.map((entry) => entry.item),
  ];
}

/** Network, governance and the three lists in the channel (imports what is missing). */
export async function ensureFullCatalog(): Promise<void> {
  await ensureCatalog();
  const auditor = clientAs('audit/auditor');
  const holds = async (input: Parameters<typeof auditor.searchItems>[0]): Promise<boolean> =>
    (await auditor.searchItems({ ...input, pageSize: 1 })).records.length > 0;
  const missing: (keyof typeof IMPORTS)[] = [];
  if (!(await holds({ section: '西药部分' }))) missing.push('nrdl');
  if (!(await holds({ kind: 'service', province: 'Shaanxi' }))) missing.push('services');
  if (!(await holds({ kind: 'material', province: 'Shaanxi' }))) missing.push('materials');
  for (const list of missing) {
    const run = await runCatalog([...IMPORTS[list], '--json']);
    if (run.code !== 0) throw new Error(`import ${list} failed: ${run.stderr}`);
  }
}
