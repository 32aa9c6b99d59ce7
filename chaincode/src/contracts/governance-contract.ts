import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { raise } from '../lib/errors';
import { GOVERNANCE_KEY } from '../lib/keys';
import { runTx } from '../lib/tx';
import { requireMsp, requireRole } from '../model/access';
import {
  applyGovernanceUpdate,
  checkGovernance,
  governancePolicy,
  initialGovernance,
} from '../model/governance';
import { getGovernance, requireGovernance, requireProposal } from '../model/store';
import type { Governance, Proposal } from '../model/types';
import { putProposal, requireStatus } from '../model/workflow';
import { NATIONAL_MSP } from '../lib/orgs';

/**
 * The governance record: members, approval rules per scope, chunk limit, key policies. Created once
 * by an NHSA admin (InitGovernance); afterwards changed only by approved governance proposals.
 */
@Info({ title: 'Governance', description: 'Members, approval rules and their changes' })
export class GovernanceContract extends Contract {
  public constructor() {
    super('Governance');
  }

  /** The current governance record. */
  @Transaction(false)
  @Returns('string')
  public async GetGovernance(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Governance.GetGovernance', input, (tx): Promise<Governance> => requireGovernance(tx));
  }

  /**
   * Creates the governance record (version 1) with the members given (provinces with every form of
   * their names, national MSP, auditors; seeded from network/topology.json) and the default rules.
   * Only an NHSA admin (the default national MSP), only once (GOVERNANCE_EXISTS afterwards);
   * GOVERNANCE_INVALID when two members share an MSP id or a form of a name. Its key carries the
   * N-of-M policy of the governance rule.
   */
  @Transaction()
  @Returns('string')
  public async InitGovernance(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Governance.InitGovernance', input, async (tx, a): Promise<Governance> => {
      requireMsp(tx, NATIONAL_MSP, { action: 'initGovernance' });
      requireRole(tx, 'admin');
      if ((await getGovernance(tx)) !== null) {
        raise('GOVERNANCE_EXISTS.initialised', {});
      }
      const g = initialGovernance(a, tx.txId, tx.time);
      checkGovernance(g);
      tx.put(GOVERNANCE_KEY, g, governancePolicy(g));
      tx.emit('GovernanceInitialised', { version: g.version });
      return g;
    });
  }

  /** Applies an approved governance proposal (NHSA proposer or admin). Returns the new record. */
  @Transaction()
  @Returns('string')
  public async ApplyGovernanceProposal(ctx: Context, input: string): Promise<string> {
    return runTx(ctx, 'Governance.ApplyGovernanceProposal', input, async (tx, a): Promise<Governance> => {
      const g = await requireGovernance(tx);
      const p = await requireProposal(tx, a.proposalId);
      if (p.scope !== 'governance' || p.governance === null) {
        raise('PROPOSAL_STATE.notGovernance', { proposalId: p.id });
      }
      requireStatus(p, 'approved');
      requireRole(tx, 'proposer', 'admin');
      requireMsp(tx, g.nationalMsp, { action: 'applyGovernance' });
      if (p.governanceVersion !== g.version) {
        raise('VERSION_CONFLICT.governance', {
          proposalId: p.id,
          openedOn: p.governanceVersion,
          inForce: g.version,
        });
      }
      const next = applyGovernanceUpdate(g, p.governance, p.id, tx.txId, tx.time);
      tx.put(GOVERNANCE_KEY, next, governancePolicy(next));
      const done: Proposal = {
        ...p,
        status: 'applied',
        statusReason: `governance version ${next.version}`,
        updatedAt: tx.time,
        updatedTxId: tx.txId,
      };
      putProposal(tx, g, done);
      tx.emit('GovernanceChanged', { proposalId: p.id, version: next.version });
      return next;
    });
  }
}
