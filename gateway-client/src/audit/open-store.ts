/**
 * Opens an audit store by location: a SQLite file path or `:memory:`, or a PostgreSQL URL
 * (`postgres://…` / `postgresql://…`, optionally `?schema=…`).
 */
import { PgAuditStore, type PgStoreOptions } from './pg-store';
import { isPostgresLocation, openAuditStore, type AuditStore } from './store';

/**
 * Opens the audit store named by `location`: {@link PgAuditStore} for a PostgreSQL URL (connected,
 * schema created), else the SQLite store of {@link openAuditStore}.
 */
export async function openAuditStoreAsync(location: string, pg: PgStoreOptions = {}): Promise<AuditStore> {
  if (isPostgresLocation(location)) {
    return PgAuditStore.open(location, pg);
  }
  return openAuditStore(location);
}
