/**
 * Hostile input against every transaction of the chaincode on the in-memory peer: FUZZ_RUNS
 * generated cases per transaction (default 1,000; `npm run soak` runs 10,000), each by a caller
 * drawn from every organisation and role (and callers with no role, an unknown role or an unknown
 * MSP), on a ledger holding a sealed national and a provincial version and proposals in every state.
 * Properties of every case:
 *
 * - no crash: the call answers, or it is refused with a registered `CODE: message` of
 *   chaincode/src/lib/errors.ts other than INTERNAL (what an unexpected exception becomes);
 * - a refused call hands nothing to the peer (no write, key-level policy or event), and the ledger is
 *   unchanged by it (its height always, its whole state compared every few refusals and at the end);
 * - an accepted submit commits under the policies (the stub checks them as a peer does), and every
 *   answer is JSON.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  CatalogContract,
  GovernanceContract,
  ProposalContract,
  SystemContract,
} from '@nrdl-catalog/chaincode';
import type { Contract } from 'fabric-contract-api';
import {
  argumentsOf,
  describeCase,
  fuzzTransactions,
  refusalProblem,
  type FuzzTransaction,
  type KnownIds,
} from '../../support/chaincode-fuzz';
import { report, SEED, UNIT_RUNS } from '../../support/fuzz-config';
import type { Caller, Network } from './support/fabric-stub';
import {
  A,
  boraxItem,
  bootstrapped,
  draftAndOpen,
  ejiaoItem,
  ilaprazoleItem,
  nationalVersion,
  provincialVersion,
  reviewed,
  shaanxiWardItem,
  upserts,
} from './support/fixtures';
import { initInput } from '../support/members';

const CALLERS: readonly Caller[] = [
  ...Object.values(A),
  // the callers who may write, twice more: more cases get past the role checks
  ...[A.nhsaProposer, A.gdProposer, A.nhsaApprover, A.gdApprover, A.scApprover, A.nhsaAdmin],
  ...[A.nhsaProposer, A.gdProposer, A.nhsaApprover, A.gdApprover, A.scApprover, A.nhsaAdmin],
  { msp: 'NHSAMSP', role: null },
  { msp: 'GuangdongMSP', role: 'superuser' },
  { msp: 'RogueMSP', role: 'admin' },
  { msp: 'RogueMSP', role: 'approver' },
];

const CONTRACTS: Record<string, Contract> = {
  System: new SystemContract(),
  Catalog: new CatalogContract(),
  Proposal: new ProposalContract(),
  Governance: new GovernanceContract(),
};

type Method = (ctx: unknown, ...args: string[]) => Promise<string>;

/** A ledger with something to find: two sealed versions, proposals in every state, a ping. */
async function seeded(): Promise<{ net: Network; known: KnownIds }> {
  const net = await bootstrapped();
  await nationalVersion(net, [upserts([boraxItem, ilaprazoleItem, ejiaoItem])]);
  await provincialVersion(net, 'Shaanxi', upserts([shaanxiWardItem]));
  const ids: string[] = [];
  const draft = await net.submit<{ id: string }>(A.gdProposer, 'Proposal:CreateProposal', {
    scope: 'provincial',
    province: 'Guangdong',
    title: 'fuzz draft',
    rationale: 'fuzz',
    effectiveFrom: '2025-03-01',
  });
  ids.push(draft.id);
  const overlay = {
    op: 'setOverlay',
    overlay: { itemId: 'D-7233e7b335261587', province: 'Guangdong', suspended: true },
  };
  ids.push(
    await draftAndOpen(net, A.gdProposer, { scope: 'provincial', province: 'Guangdong' }, [
      [overlay as never],
    ]),
  );
  const approved = await draftAndOpen(net, A.nhsaProposer, { scope: 'national' }, [
    upserts([{ ...boraxItem, class: '乙' }]),
  ]);
  for (const voter of [A.nhsaApprover, A.gdApprover, A.scApprover]) {
    await net.submit(voter, 'Proposal:ApproveProposal', await reviewed(net, approved));
  }
  ids.push(approved);
  const ping = await net.submit<{ txId: string }>(A.nhsaAdmin, 'System:Ping', 'fuzz');
  const { records } = await net.evaluate<{ records: { id: string }[] }>(A.auditor, 'Proposal:ListProposals', {
    pageSize: 100,
  });
  const items = await net.evaluate<{ records: { itemId: string }[] }>(A.auditor, 'Catalog:SearchItems', {
    pageSize: 100,
  });
  const [draftId = '', openId = ''] = ids;
  const base = { title: 'fuzz', rationale: 'fuzz', effectiveFrom: '2025-06-01' };
  const vote = async (id: string): Promise<Record<string, unknown>> => ({
    ...(await reviewed(net, id)),
    comment: 'fuzz',
  });
  const plausible: KnownIds['plausible'] = {
    'Proposal.CreateProposal': [
      { ...base, scope: 'national' },
      { ...base, scope: 'provincial', province: '粤' },
      { ...base, scope: 'governance', governance: { maxChunkChanges: 100 } },
    ],
    'Proposal.AddChunk': [
      { proposalId: draftId, chunkIndex: 0, changes: [overlay] },
      {
        proposalId: draftId,
        chunkIndex: 1,
        changes: [{ op: 'clearOverlay', itemId: 'D-7233e7b335261587', province: 'GD' }],
      },
    ],
    'Proposal.OpenProposal': [{ proposalId: draftId }],
    'Proposal.WithdrawProposal': [{ proposalId: draftId, reason: 'fuzz' }, { proposalId: openId }],
    'Proposal.ApproveProposal': [await vote(openId)],
    'Proposal.RejectProposal': [await vote(openId)],
    'Proposal.ApplyChunk': [{ proposalId: approved, chunkIndex: 0 }],
    'Proposal.SealVersion': [{ proposalId: approved }],
    'Proposal.GetProposal': [{ proposalId: approved, includeChunks: true }],
    'Catalog.GetItem': [
      { itemId: 'D-7233e7b335261587', province: 'Shaanxi' },
      { itemId: 'D-7233e7b335261587', date: '2025-02-01' },
    ],
    'Catalog.CheckCoverage': [
      { province: 'Guangdong', itemId: 'D-7233e7b335261587', date: '2025-06-01', patient: { age: 30 } },
    ],
    'Catalog.CheckCoverageBatch': [
      {
        lines: [
          { province: 'Guangdong', itemId: 'D-7233e7b335261587' },
          { province: 'SN', name: '复方硼砂' },
        ],
      },
    ],
    'Catalog.GetItemHistory': [{ itemId: 'D-7233e7b335261587', province: 'Guangdong' }],
    'Governance.InitGovernance': [initInput()],
  };
  return {
    net,
    known: {
      plausible,
      proposalIds: [...new Set([...ids, ...records.map((r) => r.id)])],
      itemIds: items.records.map((r) => r.itemId),
      mspIds: ['NHSAMSP', 'GuangdongMSP'],
      txIds: [ping.txId],
    },
  };
}

interface Tally {
  refused: number;
  accepted: number;
}

/** Runs one case; returns null when every property holds, else what broke. */
async function runCase(
  net: Network,
  tx: FuzzTransaction,
  caller: Caller,
  args: string[],
  tally: Tally,
  check: boolean,
): Promise<string | null> {
  const contract = CONTRACTS[tx.contract] as Contract;
  const fn = (contract as unknown as Record<string, Method>)[tx.fn] as Method;
  const before = check ? net.ledger.snapshot() : null;
  const height = net.ledger.height;
  const stub = net.ledger.begin(caller, { readOnly: !tx.submit });
  let result: string;
  try {
    result = await fn.call(contract, stub.context(), ...args);
  } catch (error) {
    tally.refused += 1;
    const problem = refusalProblem(error);
    if (problem !== null) return problem;
    if (stub.writes.size > 0 || stub.params.size > 0 || stub.event !== null) {
      return `refused, but handed ${String(stub.writes.size)} writes, ${String(stub.params.size)} policies and ${stub.event === null ? 'no' : 'an'} event to the peer`;
    }
    if (net.ledger.height !== height) return 'refused, but the ledger height changed';
    if (before !== null && JSON.stringify([...net.ledger.snapshot()]) !== JSON.stringify([...before])) {
      return 'refused, but the ledger state changed';
    }
    return null;
  }
  tally.accepted += 1;
  try {
    JSON.parse(result);
  } catch {
    return `answered with text that is not JSON: ${result.slice(0, 120)}`;
  }
  if (tx.submit) {
    try {
      stub.commit(net.endorsers);
    } catch (error) {
      return `accepted, but the commit failed (the writes break a policy or a read): ${(error as Error).message}`;
    }
  }
  return null;
}

describe('chaincode: hostile input on every transaction (fast-check, in-memory peer)', function () {
  const transactions = fuzzTransactions();

  it('the API contract lists every contract transaction (System, Catalog, Proposal, Governance)', function () {
    expect(new Set(transactions.map((t) => t.contract))).to.deep.equal(new Set(Object.keys(CONTRACTS)));
    expect(transactions.length).to.be.greaterThan(20);
  });

  for (const tx of transactions) {
    it(`${tx.name}: ${String(UNIT_RUNS)} hostile cases — answered or refused with a registered code, nothing written by a refusal`, async function () {
      this.timeout(Math.max(60_000, UNIT_RUNS * 200));
      const { net, known } = await seeded();
      const tally: Tally = { refused: 0, accepted: 0 };
      const started = Date.now();
      let n = 0;
      const failures: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...CALLERS), argumentsOf(tx, known), async (caller, args) => {
          n += 1;
          const problem = await runCase(net, tx, caller, args, tally, n % 25 === 0);
          if (problem !== null) {
            failures.push(`${problem} — ${describeCase(caller, args)}`);
            throw new Error(failures.at(-1));
          }
        }),
        { numRuns: UNIT_RUNS, seed: SEED, endOnFailure: true },
      );
      report({
        suite: 'chaincode (in-memory peer)',
        target: tx.name,
        cases: n,
        refused: tally.refused,
        accepted: tally.accepted,
        failures: failures.length,
        ms: Date.now() - started,
      });
      expect(failures).to.deep.equal([]);
      if (tx.parameters > 0) expect(tally.refused, 'hostile input is refused').to.be.greaterThan(0);
    });
  }
});
