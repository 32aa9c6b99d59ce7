/**
 * Typed Fabric Gateway client for the catalog network.
 */
export * from './identity';
export * from './connection';
