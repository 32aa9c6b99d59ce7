/**
 * What each role may do, as the chaincode checks it (chaincode/src/contracts: CreateProposal and
 * AddChunk need `proposer`; Withdraw, ApplyChunk and SealVersion `proposer` or `admin`; votes
 * `approver`; the audit endpoints answer auditors). The console offers only these actions; the chaincode
 * still decides.
 */
export type Action = 'create' | 'withdraw' | 'apply' | 'vote' | 'audit' | 'proposals';

const ALLOWED: Readonly<Record<Action, readonly string[]>> = {
  create: ['proposer'],
  withdraw: ['proposer', 'admin'],
  apply: ['proposer', 'admin'],
  vote: ['approver'],
  audit: ['auditor'],
  proposals: ['proposer', 'approver', 'admin', 'auditor'],
};

export function can(role: string, action: Action): boolean {
  return ALLOWED[action].includes(role);
}
