/**
 * `@nrdl-catalog/api`: the catalog's HTTP API on Fastify — routes validated by the shared JSON
 * Schemas, the OpenAPI 3.1 document generated from them, API keys mapped to wallet identities.
 */
export {
  DEFAULT_LIMITS,
  REQUEST_ID_HEADER,
  buildApi,
  startApiServer,
  type ApiLimits,
  type ApiOptions,
  type ApiServer,
  type ApiServerOptions,
} from './server';
export { identityForKey, loadApiKeys, type ApiKeyMap } from './api-keys';
export {
  AUDIT_ROLES,
  AuditSource,
  type AuditVerification,
  type LoggedProposal,
  type TimelineVersion,
} from './audit-routes';
export { openApiDocument } from './openapi';
export { consoleRoot, DEFAULT_CONSOLE_DIR } from './console-static';
export {
  consoleEventsOf,
  EventHub,
  networkEventSource,
  type CatalogEventSource,
  type ConsoleEvent,
} from './events';
export { SessionStore, DEFAULT_SESSION_IDLE_MS, SESSION_LIFETIME_MS, type Session } from './sessions';
