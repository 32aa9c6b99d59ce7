/** Role and organisation checks (FORBIDDEN_ROLE / FORBIDDEN_ORG). */
import { raise } from '../lib/errors';
import type { Role } from '../lib/orgs';
import type { Tx } from '../lib/tx';

/** Throws FORBIDDEN_ROLE unless the caller's `catalog.role` is one of `roles`. */
export function requireRole(tx: Tx, ...roles: Role[]): void {
  const role = tx.caller.role;
  if (role === null) {
    raise('FORBIDDEN_ROLE.noRole', { roles });
  }
  if (!(roles as string[]).includes(role)) {
    raise('FORBIDDEN_ROLE', { role, roles });
  }
}

/** What only one organisation may do (the `FORBIDDEN_ORG.<action>` template of a refusal). */
export type OrgAction =
  | { readonly action: 'initGovernance' | 'applyGovernance' }
  | { readonly action: 'propose'; readonly scope: string }
  | { readonly action: 'proposeProvincial'; readonly province: string }
  | { readonly action: 'addChunk' | 'open' | 'withdraw' | 'apply' | 'seal'; readonly proposalId: string };

/** Throws FORBIDDEN_ORG unless the caller belongs to `mspId`. */
export function requireMsp(tx: Tx, mspId: string, what: OrgAction): void {
  const org = tx.caller.mspId;
  if (org === mspId) {
    return;
  }
  const required = mspId;
  switch (what.action) {
    case 'initGovernance':
    case 'applyGovernance':
      return raise(`FORBIDDEN_ORG.${what.action}`, { org, required });
    case 'propose':
      return raise('FORBIDDEN_ORG.propose', { org, required, scope: what.scope });
    case 'proposeProvincial':
      return raise('FORBIDDEN_ORG.proposeProvincial', { org, required, province: what.province });
    default:
      return raise(`FORBIDDEN_ORG.${what.action}`, { org, required, proposalId: what.proposalId });
  }
}
