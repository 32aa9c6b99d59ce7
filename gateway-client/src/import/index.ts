/**
 * Import of the real source lists (NRDL 2024, Shaanxi 2021 service prices and special materials)
 * into catalog changes: CSV reading, row → item mappings, restriction-rule extraction, chunking with
 * fingerprints, and the inverse export used for round-trip checks. Pure functions only; submitting
 * the changes is the client's job.
 */
export * from './csv';
export * from './restriction-rules';
export * from './nrdl';
export * from './shaanxi';
export * from './chunks';
export * from './export';
