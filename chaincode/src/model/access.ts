/** Role and organisation checks (FORBIDDEN_ROLE / FORBIDDEN_ORG). */
import { fail } from '../lib/errors';
import type { Role } from '../lib/orgs';
import type { Tx } from '../lib/tx';

/** Throws FORBIDDEN_ROLE unless the caller's `catalog.role` is one of `roles`. */
export function requireRole(tx: Tx, ...roles: Role[]): void {
  const role = tx.caller.role;
  if (role === null || !(roles as string[]).includes(role)) {
    fail('FORBIDDEN_ROLE', `role '${role ?? '(none)'}' may not do this (needs ${roles.join(' or ')})`);
  }
}

/** Throws FORBIDDEN_ORG unless the caller belongs to `mspId`. */
export function requireMsp(tx: Tx, mspId: string, what: string): void {
  if (tx.caller.mspId !== mspId) {
    fail('FORBIDDEN_ORG', `${tx.caller.mspId} may not ${what} (only ${mspId})`);
  }
}
