/**
 * Typed Fabric Gateway client for the catalog network.
 */
export * from './identity';
export * from './connection';
export * from './errors';
export * from './transaction';
export * from './catalog-client';
export * from './events';
export * from './workflow';
export * from './version-diff';
