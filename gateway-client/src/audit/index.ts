/**
 * Audit library: replay full blocks into an off-chain store, verify it independently, and explain
 * the catalog's history (who changed what, when, approved by whom).
 */
export * from './der';
export * from './block-hash';
export * from './certificate';
export * from './composite-key';
export * from './block-decoder';
export * from './store';
export * from './pg-store';
export * from './open-store';
export * from './checkpointer';
export * from './replay';
export * from './ledger-model';
export * from './json-diff';
export * from './verify';
export * from './history';
export * from './report-html';
export * from './independent-verify';
