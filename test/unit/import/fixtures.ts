/**
 * Shared, lazily parsed copies of the real source files in `data/` (parsed once per test run).
 */
import { resolve } from 'node:path';
import {
  readCsvFile,
  readMaterialFile,
  readNrdlFile,
  readServiceFile,
  type CsvTable,
  type MaterialRow,
  type NrdlEntry,
  type ProvinceImport,
  type ServiceRow,
} from '../../../gateway-client/src/import';
import { member } from '../support/members';

/** Shaanxi's member record in the topology (what the import reads from the governance record). */
export const SHAANXI = member('Shaanxi');

/** Absolute path of a file in the repository's `data/` folder. */
export function dataFile(name: string): string {
  return resolve(__dirname, '../../../data', name);
}

let nrdl: NrdlEntry[] | undefined;
let services: ProvinceImport<ServiceRow> | undefined;
let materials: ProvinceImport<MaterialRow> | undefined;
let serviceTable: CsvTable | undefined;
let materialTable: CsvTable | undefined;

/** All 4,750 NRDL entries. */
export function nrdlEntries(): NrdlEntry[] {
  nrdl ??= readNrdlFile(dataFile('nrdl-2024-drugs.csv'));
  return nrdl;
}

/** The Shaanxi service price list import. */
export function serviceImport(): ProvinceImport<ServiceRow> {
  services ??= readServiceFile(dataFile('shaanxi-2021-medical-service-prices.csv'), SHAANXI);
  return services;
}

/** The raw Shaanxi service price table. */
export function serviceCsv(): CsvTable {
  serviceTable ??= readCsvFile(dataFile('shaanxi-2021-medical-service-prices.csv'));
  return serviceTable;
}

/** The raw Shaanxi special-materials table. */
export function materialCsv(): CsvTable {
  materialTable ??= readCsvFile(dataFile('shaanxi-2021-special-materials.csv'));
  return materialTable;
}

/** The Shaanxi special-materials import. */
export function materialImport(): ProvinceImport<MaterialRow> {
  materials ??= readMaterialFile(dataFile('shaanxi-2021-special-materials.csv'), SHAANXI);
  return materials;
}

/** The NRDL entry of `row_id`; throws if absent. */
export function nrdlRow(rowId: string): NrdlEntry {
  const found = nrdlEntries().find((e) => e.row.row_id === rowId);
  if (found === undefined) {
    throw new Error(`no NRDL row ${rowId}`);
  }
  return found;
}

/** How many of `items` have each key, e.g. items per section. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
