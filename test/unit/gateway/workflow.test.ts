/**
 * The proposal workflow driver against the REAL contracts on the in-memory peer: resuming an
 * interrupted import checks every stored chunk against the plan, the resume key covers the chunk
 * size and effective date, and finding a proposal follows the bookmark through every page.
 */
import '../chaincode/support/quiet';
import { expect } from 'chai';
import type { Change, Page, Proposal } from '@nrdl-catalog/chaincode/model';
import type { CatalogClient } from '../../../gateway-client/src/catalog-client';
import { CatalogClientError, ConflictError } from '../../../gateway-client/src/errors';
import { fingerprint, planChunks, upsertChanges } from '../../../gateway-client/src/import/chunks';
import {
  DEFAULT_CHUNK_CONCURRENCY,
  driveProposal,
  findProposalByFingerprint,
  type Progress,
  rationaleWithFingerprint,
  resumeKey,
  type ProposalPlan,
  proposalTarget,
} from '../../../gateway-client/src/workflow';
import { A, bootstrapped, syntheticDrug } from '../chaincode/support/fixtures';
import { clientOn } from '../support/in-memory-client';
import type { Network } from '../chaincode/support/fabric-stub';

const changes: Change[] = upsertChanges(Array.from({ length: 6 }, (_, i) => syntheticDrug(i)));

function planOf(all: readonly Change[], chunkSize: number, effectiveFrom = '2025-06-01'): ProposalPlan {
  const chunkPlan = planChunks(all, chunkSize);
  return {
    scope: 'national',
    title: 'import',
    rationale: 'Import of test rows.',
    effectiveFrom,
    chunks: chunkPlan.chunks.map((chunk) => chunk.changes),
    fingerprint: chunkPlan.fingerprint,
  };
}

/** Starts a run like an interrupted import: the proposal and its first `chunks` chunks, then a crash. */
async function interrupted(
  net: Network,
  plan: ProposalPlan,
  chunks: number,
  rationale?: string,
): Promise<string> {
  const created = await net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
    scope: plan.scope,
    title: plan.title,
    rationale: rationale ?? rationaleWithFingerprint(plan.rationale, plan.fingerprint, resumeKey(plan)),
    effectiveFrom: plan.effectiveFrom,
  });
  for (const [index, chunk] of plan.chunks.slice(0, chunks).entries()) {
    await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: created.id,
      chunkIndex: index,
      changes: chunk,
    });
  }
  return created.id;
}

async function rejection(promise: Promise<unknown>): Promise<CatalogClientError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(CatalogClientError);
    return error as CatalogClientError;
  }
  throw new Error('expected a rejection');
}

describe('proposal workflow driver (resume)', () => {
  it('resumes an interrupted import and finishes the same proposal', async () => {
    const net = await bootstrapped();
    const client = clientOn(net, A.nhsaProposer);
    const plan = planOf(changes, 2);
    const id = await interrupted(net, plan, 2);
    const result = await driveProposal(client, plan, { apply: false });
    expect(result).to.include({ proposalId: id, resumed: true, status: 'open' });
    const shown = (await client.getProposal({ proposalId: id })) as { chunks: unknown[] };
    expect(shown.chunks).to.have.length(3);
  });

  it('a re-run with another chunk size does not resume (and skip rows of) the old proposal', async () => {
    const net = await bootstrapped();
    const client = clientOn(net, A.nhsaProposer);
    const id = await interrupted(net, planOf(changes, 2), 2);
    const other = planOf(changes, 3);
    expect(resumeKey(other)).to.not.equal(resumeKey(planOf(changes, 2)));
    const result = await driveProposal(client, other, { apply: false });
    expect(result.proposalId).to.not.equal(id);
    expect(result.resumed).to.equal(false);
    const shown = (await client.getProposal({ proposalId: result.proposalId })) as {
      proposal: Proposal;
    };
    expect(shown.proposal.changeCount).to.equal(changes.length);
  });

  it('the resume key covers the effective date', async () => {
    expect(resumeKey(planOf(changes, 2, '2025-06-01'))).to.not.equal(
      resumeKey(planOf(changes, 2, '2025-07-01')),
    );
    const net = await bootstrapped();
    const id = await interrupted(net, planOf(changes, 2, '2025-06-01'), 1);
    const result = await driveProposal(clientOn(net, A.nhsaProposer), planOf(changes, 2, '2025-07-01'), {
      apply: false,
    });
    expect(result.proposalId).to.not.equal(id);
  });

  it('stops with CHUNK_CONFLICT when an older proposal (fingerprint only) was cut with another chunk size', async () => {
    const net = await bootstrapped();
    const old = planOf(changes, 2);
    // Proposals made before the resume key carry only the change-set fingerprint line.
    const id = await interrupted(net, old, 2, rationaleWithFingerprint(old.rationale, old.fingerprint));
    const error = await rejection(
      driveProposal(clientOn(net, A.nhsaProposer), planOf(changes, 3), { apply: false }),
    );
    expect(error).to.be.instanceOf(ConflictError);
    expect(error.code).to.equal('CHUNK_CONFLICT');
    expect(error.message).to.contain(`chunk 0 of ${id} holds other changes`).and.contain('withdraw');
    const shown = (await clientOn(net, A.nhsaProposer).getProposal({ proposalId: id })) as {
      proposal: Proposal;
      chunks: unknown[];
    };
    expect(shown.proposal.status).to.equal('draft');
    expect(shown.chunks).to.have.length(2);
  });

  it('still resumes an older proposal whose chunks match the plan', async () => {
    const net = await bootstrapped();
    const plan = planOf(changes, 2);
    const id = await interrupted(net, plan, 1, rationaleWithFingerprint(plan.rationale, plan.fingerprint));
    const result = await driveProposal(clientOn(net, A.nhsaProposer), plan, { apply: false });
    expect(result).to.include({ proposalId: id, resumed: true, status: 'open' });
  });

  it('stops with CHUNK_CONFLICT when a stored chunk differs from the planned one (same resume key)', async () => {
    const net = await bootstrapped();
    const plan = planOf(changes, 2);
    const id = await interrupted(net, plan, 0);
    // Chunk 1 was stored with other content than the plan's chunk 1 (e.g. the source was edited).
    await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: id,
      chunkIndex: 1,
      changes: upsertChanges([syntheticDrug(40), syntheticDrug(41)]),
    });
    const error = await rejection(driveProposal(clientOn(net, A.nhsaProposer), plan, { apply: false }));
    expect(error.code).to.equal('CHUNK_CONFLICT');
    expect(error.message).to.contain(`chunk 1 of ${id}`);
  });

  it('stops with CHUNK_CONFLICT when the proposal holds a chunk beyond the plan', async () => {
    const net = await bootstrapped();
    const plan = planOf(changes, 3);
    const id = await interrupted(net, plan, 2);
    await net.submit(A.nhsaProposer, 'Proposal:AddChunk', {
      proposalId: id,
      chunkIndex: 2,
      changes: upsertChanges([syntheticDrug(50)]),
    });
    const error = await rejection(driveProposal(clientOn(net, A.nhsaProposer), plan, { apply: false }));
    expect(error.code).to.equal('CHUNK_CONFLICT');
    expect(error.message).to.contain(`chunk 2 of ${id} is not in this plan of 2 chunks`);
  });
});

describe('finding a proposal by fingerprint', () => {
  const plan = planOf(changes, 2);
  const mine = (id: string): Proposal =>
    ({
      id,
      scope: 'national',
      status: 'draft',
      ownerMsp: 'NHSAMSP',
      effectiveFrom: plan.effectiveFrom,
      rationale: rationaleWithFingerprint(plan.rationale, plan.fingerprint, resumeKey(plan)),
    }) as Proposal;
  const other = (id: string): Proposal => ({ ...mine(id), rationale: 'something else' });

  function listing(pages: readonly Page<Proposal>[]): { client: CatalogClient; bookmarks: string[] } {
    const bookmarks: string[] = [];
    const client = {
      connection: { identity: { mspId: 'NHSAMSP' } },
      listProposals: (input: { bookmark?: string }): Promise<Page<Proposal>> => {
        bookmarks.push(input.bookmark ?? '');
        const page = pages[bookmarks.length - 1];
        if (page === undefined) throw new Error('read past the last page');
        return Promise.resolve(page);
      },
    };
    return { client: client as unknown as CatalogClient, bookmarks };
  }

  it('keeps paging while a bookmark is returned, across empty pages', async () => {
    const { client, bookmarks } = listing([
      { records: [other('P-1')], fetchedRecordsCount: 1, bookmark: 'b1' },
      // the chaincode's scan budget ran out before the page filled: no records, but a bookmark
      { records: [], fetchedRecordsCount: 0, bookmark: 'b2' },
      { records: [other('P-2'), mine('P-3')], fetchedRecordsCount: 2, bookmark: 'b3' },
    ]);
    const found = await findProposalByFingerprint(client, plan);
    expect(found?.id).to.equal('P-3');
    expect(bookmarks).to.deep.equal(['', 'b1', 'b2']);
  });

  it('stops at the page without a bookmark', async () => {
    const { client, bookmarks } = listing([
      { records: [], fetchedRecordsCount: 0, bookmark: 'b1' },
      { records: [other('P-1')], fetchedRecordsCount: 1, bookmark: '' },
    ]);
    expect(await findProposalByFingerprint(client, plan)).to.equal(null);
    expect(bookmarks).to.deep.equal(['', 'b1']);
  });

  it('refuses a bookmark that repeats instead of looping', async () => {
    const { client } = listing([
      { records: [], fetchedRecordsCount: 0, bookmark: 'b1' },
      { records: [], fetchedRecordsCount: 0, bookmark: 'b1' },
    ]);
    expect((await rejection(findProposalByFingerprint(client, plan))).code).to.equal('PAGING_LOOP');
  });

  it('matches on the resume key, not on a substring of someone else’s rationale', async () => {
    const quoted = { ...other('P-9'), rationale: `see resume key: ${resumeKey(plan)} above` };
    const { client } = listing([{ records: [quoted], fetchedRecordsCount: 1, bookmark: '' }]);
    expect(await findProposalByFingerprint(client, plan)).to.equal(null);
    expect(fingerprint(changes)).to.equal(plan.fingerprint);
  });
});

/**
 * A client whose AddChunk / ApplyChunk calls are counted (in flight at once, in all) and which
 * "dies" — every later chunk call fails — once `killAfter` of them have committed.
 */
function chunkCounting(
  net: Network,
  killAfter: { add?: number; apply?: number } = {},
): { client: CatalogClient; stats: { maxInFlight: number; add: number; apply: number } } {
  const inner = clientOn(net, A.nhsaProposer);
  const stats = { maxInFlight: 0, add: 0, apply: 0 };
  let inFlight = 0;
  const counted =
    (kind: 'add' | 'apply', call: (input: never) => Promise<unknown>) =>
    async (input: never): Promise<unknown> => {
      const limit = killAfter[kind];
      if (limit !== undefined && stats[kind] >= limit) throw new Error(`killed after ${limit} ${kind} calls`);
      inFlight += 1;
      stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
      try {
        const done = await call(input);
        stats[kind] += 1;
        return done;
      } finally {
        inFlight -= 1;
      }
    };
  const client = Object.assign(Object.create(inner) as CatalogClient, {
    addChunk: counted('add', inner.addChunk.bind(inner) as (input: never) => Promise<unknown>),
    applyChunk: counted('apply', inner.applyChunk.bind(inner) as (input: never) => Promise<unknown>),
  });
  return { client, stats };
}

describe('proposal workflow driver (chunks in parallel)', () => {
  const many: Change[] = upsertChanges(Array.from({ length: 40 }, (_, i) => syntheticDrug(i)));
  const approversOf = (net: Network): CatalogClient[] =>
    [A.nhsaApprover, A.gdApprover, A.scApprover].map((caller) => clientOn(net, caller));

  it(`adds and applies up to ${DEFAULT_CHUNK_CONCURRENCY} chunks at once, with no conflict`, async () => {
    const net = await bootstrapped();
    const { client, stats } = chunkCounting(net);
    const progress: Progress[] = [];
    const result = await driveProposal(client, planOf(many, 2), {
      approvers: approversOf(net),
      onProgress: (p) => progress.push(p),
    });
    expect(result).to.include({ status: 'applied', resumed: false });
    expect(result.version).to.include({ version: 1, changeCount: 40 });
    expect(stats).to.deep.equal({ maxInFlight: DEFAULT_CHUNK_CONCURRENCY, add: 20, apply: 20 });
    for (const phase of ['chunks', 'apply'] as const) {
      expect(progress.filter((p) => p.phase === phase).map((p) => p.done)).to.deep.equal(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    }
    const one = chunkCounting(await bootstrapped());
    await driveProposal(one.client, planOf(many, 10), { concurrency: 1, apply: false });
    expect(one.stats.maxInFlight).to.equal(1);
  });

  it('resumes an import killed in the middle of parallel adds, then of parallel applies', async () => {
    const net = await bootstrapped();
    const plan = planOf(many, 2);
    const killedAdding = chunkCounting(net, { add: 5 });
    await driveProposal(killedAdding.client, plan, { approvers: approversOf(net) }).then(
      () => expect.fail('the run was to be killed'),
      (e: unknown) => expect((e as Error).message).to.equal('killed after 5 add calls'),
    );
    const killedApplying = chunkCounting(net, { apply: 7 });
    await driveProposal(killedApplying.client, plan, { approvers: approversOf(net) }).then(
      () => expect.fail('the run was to be killed'),
      (e: unknown) => expect((e as Error).message).to.equal('killed after 7 apply calls'),
    );
    // the transactions in flight when the run died committed; the second run added only the others
    expect(killedAdding.stats.add).to.be.within(5, 5 + DEFAULT_CHUNK_CONCURRENCY - 1);
    expect(killedApplying.stats.add).to.equal(20 - killedAdding.stats.add);
    expect(killedApplying.stats.apply).to.be.within(7, 7 + DEFAULT_CHUNK_CONCURRENCY - 1);
    const final = chunkCounting(net);
    const progress: Progress[] = [];
    const result = await driveProposal(final.client, plan, {
      approvers: approversOf(net),
      onProgress: (p) => progress.push(p),
    });
    expect(result).to.include({ status: 'applied', resumed: true });
    expect(result.version).to.include({ version: 1, changeCount: 40 });
    // already applied chunks are skipped, the count still runs 1..20
    expect(final.stats).to.include({ add: 0, apply: 20 - killedApplying.stats.apply });
    expect(progress.filter((p) => p.phase === 'apply').map((p) => p.done)).to.deep.equal(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const again = chunkCounting(net);
    expect(await driveProposal(again.client, plan, { approvers: approversOf(net) })).to.include({
      status: 'applied',
      resumed: true,
    });
    expect(again.stats).to.include({ add: 0, apply: 0 });
  });
});

describe('proposalTarget: a proposal scope from one word (the CLI --scope, the API scope)', function () {
  it('reads national (also when absent), governance, and passes a province on as typed', function () {
    expect(proposalTarget(undefined)).to.deep.equal({ scope: 'national' });
    expect(proposalTarget('national')).to.deep.equal({ scope: 'national' });
    expect(proposalTarget('governance')).to.deep.equal({ scope: 'governance' });
    expect(proposalTarget('粤')).to.deep.equal({ scope: 'provincial', province: '粤' });
    expect(proposalTarget('National')).to.deep.equal({ scope: 'provincial', province: 'National' });
  });
});

describe('proposal workflow driver (votes read back from a lagging peer)', () => {
  it('reads the proposal again until it shows the approval the last vote decided, instead of ending open', async () => {
    const net = await bootstrapped();
    const real = clientOn(net, A.nhsaProposer);
    let stale = 0;
    // the proposer's peer has not committed the last vote yet for its next three reads
    const proposer = new Proxy(real, {
      get(target, property, receiver): unknown {
        if (property === 'getProposal') {
          return async (input: { proposalId: string }) => {
            const answer = await target.getProposal(input);
            if (stale === 0) return answer;
            stale -= 1;
            return { ...answer, proposal: { ...answer.proposal, status: 'open' } };
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    const voters = [A.nhsaApprover, A.gdApprover, A.scApprover].map((caller, index) => {
      const client = clientOn(net, caller);
      return new Proxy(client, {
        get(target, property, receiver): unknown {
          if (property === 'approveProposal') {
            return async (input: Parameters<CatalogClient['approveProposal']>[0]) => {
              const done = await target.approveProposal(input);
              if (index === 2) stale = 3;
              return done;
            };
          }
          return Reflect.get(target, property, receiver) as unknown;
        },
      });
    });
    const result = await driveProposal(proposer, planOf(changes, 3), { approvers: voters });
    expect(result.status).to.equal('applied');
    expect(result.version?.version).to.equal(1);
    expect(stale).to.equal(0);
  });
});
