/**
 * The access matrix on the real network: every cell of ACCESS_MATRIX (test/network/support/
 * access-matrix.ts; rendered in docs/reliability.md) is called on the channel as that caller. An
 * "ok" cell is evaluated (reads) or endorsed by the peers the policies need and never submitted; any
 * other cell must be refused with its code (`CODE: message`, as the client library maps it). So the
 * matrix itself commits nothing: the channel's height is the same before and after it. The fixture
 * proposals it acts on are created first and withdrawn at the end.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import type { Change, Proposal, VoteInput } from '@nrdl-catalog/chaincode/model';
import { membersFromTopology, reviewedOf, toClientError } from '../../gateway-client/src';
import { loadTopology } from '../../network/src/topology';
import {
  OPERATIONS,
  OUTCOMES,
  parseAccessMatrix,
  type Cell,
  type Fixture,
  type OperationName,
} from './support/access-matrix';
import { report } from '../support/fuzz-config';
import { callerContract, enrolApproverClaim, type CallerContract } from './support/callers';
import { REPO } from './support/cli';
import {
  clientAs,
  closeClients,
  drugItem,
  ensureCatalog,
  idOf,
  mapPool,
  uniqueName,
  upserts,
} from './support/catalog';

const NATIONAL_VOTERS = ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'];

function overlay(province: string): Change {
  return {
    op: 'setOverlay',
    overlay: { itemId: idOf(drugItem(uniqueName('矩阵覆盖药'))), province, selfPayRatio: 0.2 },
  };
}

/** The example policy (docs/examples, invented figures) as `province`'s. */
const EXAMPLE_POLICY = (
  JSON.parse(readFileSync(path.join(REPO, 'docs', 'examples', 'policy-sichuan-example.json'), 'utf8')) as {
    changes: { policy: Record<string, unknown> }[];
  }
).changes[0]?.policy;

function paymentPolicy(province: string): Change {
  if (EXAMPLE_POLICY === undefined) throw new Error('no policy in docs/examples/policy-sichuan-example.json');
  return { op: 'setPaymentPolicy', policy: { ...EXAMPLE_POLICY, province } } as unknown as Change;
}

/** Creates a fixture proposal and drives it to its state. */
async function makeFixture(kind: Fixture): Promise<Proposal> {
  const national = kind.startsWith('national') || kind.startsWith('governance');
  const proposer = clientAs(national ? 'nhsa/proposer' : 'guangdong/proposer');
  const base = {
    title: uniqueName(`access matrix: ${kind}`),
    rationale: 'access-matrix fixture',
    effectiveFrom: '2025-01-01',
  };
  const created =
    kind === 'governance approved'
      ? await proposer.createProposal({
          ...base,
          scope: 'governance',
          governance: { maxChunkChanges: (await proposer.getGovernance()).maxChunkChanges },
        })
      : await proposer.createProposal(
          national ? { ...base, scope: 'national' } : { ...base, scope: 'provincial', province: 'Guangdong' },
        );
  const proposalId = created.value.id;
  if (kind !== 'governance approved') {
    const changes = national ? upserts(drugItem(uniqueName('矩阵测试药'))) : [overlay('Guangdong')];
    await proposer.addChunk({ proposalId, chunkIndex: 0, changes });
  }
  if (kind.endsWith('draft')) return created.value;
  const open = await proposer.openProposal({ proposalId });
  if (kind.endsWith('open')) return open.value;
  const vote: VoteInput = { proposalId, ...reviewedOf(open.value) };
  for (const as of national ? NATIONAL_VOTERS : ['guangdong/approver'])
    await clientAs(as).approveProposal(vote);
  return (await proposer.getProposal({ proposalId })).proposal;
}

/** The JSON argument of a cell's call. */
function argumentOf(name: OperationName, fixtures: ReadonlyMap<Fixture, Proposal>, init: string): string[] {
  const op = OPERATIONS[name];
  const p = 'fixture' in op ? fixtures.get(op.fixture) : undefined;
  const proposalId = p?.id ?? '';
  const base = {
    title: uniqueName('access matrix call'),
    rationale: 'never submitted',
    effectiveFrom: '2025-01-01',
  };
  switch (name) {
    case 'whoami':
      return [];
    case 'gov':
      return ['{}'];
    case 'search':
    case 'props':
    case 'vers':
      return [JSON.stringify({ pageSize: 1 })];
    case 'ping':
      return ['access matrix'];
    case 'init':
      return [init];
    case 'c-nat':
      return [JSON.stringify({ ...base, scope: 'national' })];
    case 'c-gov':
      return [JSON.stringify({ ...base, scope: 'governance', governance: { maxChunkChanges: 250 } })];
    case 'c-gd':
      return [JSON.stringify({ ...base, scope: 'provincial', province: 'Guangdong' })];
    case 'add-nat':
      return [
        JSON.stringify({ proposalId, chunkIndex: 1, changes: upserts(drugItem(uniqueName('矩阵测试药'))) }),
      ];
    case 'ovl-nat':
    case 'add-gd':
      return [JSON.stringify({ proposalId, chunkIndex: 1, changes: [overlay('Guangdong')] })];
    case 'ovl-sc':
      return [JSON.stringify({ proposalId, chunkIndex: 1, changes: [overlay('Sichuan')] })];
    case 'pol-nat':
    case 'pol-gd':
      return [JSON.stringify({ proposalId, chunkIndex: 1, changes: [paymentPolicy('Guangdong')] })];
    case 'pol-sc':
      return [JSON.stringify({ proposalId, chunkIndex: 1, changes: [paymentPolicy('Sichuan')] })];
    case 'ap-nat':
    case 'rj-nat':
    case 'ap-gd':
      return [JSON.stringify({ proposalId, ...reviewedOf(p as Proposal) })];
    case 'apl-nat':
    case 'apl-gd':
      return [JSON.stringify({ proposalId, chunkIndex: 0 })];
    default:
      return [JSON.stringify({ proposalId })];
  }
}

/** What a call gave: `ok` or the refusal's code. */
async function outcomeOf(caller: CallerContract, name: OperationName, args: string[]): Promise<string> {
  const op = OPERATIONS[name];
  try {
    const proposal = caller.contract.newProposal(op.tx, { arguments: args });
    if (op.kind === 'evaluate') await proposal.evaluate();
    else await proposal.endorse();
    return 'ok';
  } catch (error) {
    return toClientError(error).message;
  }
}

async function heightOf(caller: CallerContract): Promise<number> {
  const bytes = await caller.qscc.evaluateTransaction('GetChainInfo', caller.channel);
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
}

describe('real network: access matrix (organisation × role × transaction)', function () {
  const { callers, cells } = parseAccessMatrix();
  const fixtures = new Map<Fixture, Proposal>();
  const contracts = new Map<string, CallerContract>();

  before(async function () {
    this.timeout(600_000);
    await ensureCatalog();
    await enrolApproverClaim();
    const kinds: Fixture[] = [
      'national draft',
      'Guangdong draft',
      'national open',
      'Guangdong open',
      'national approved',
      'Guangdong approved',
      'governance approved',
    ];
    const made = await Promise.all(kinds.map((k) => makeFixture(k)));
    kinds.forEach((k, i) => fixtures.set(k, made[i] as Proposal));
    for (const caller of callers) contracts.set(caller, callerContract(caller));
  });

  after(async function () {
    this.timeout(300_000);
    for (const c of contracts.values()) c.close();
    await Promise.all(
      [...fixtures.values()].map((p) =>
        clientAs(p.ownerMsp === 'NHSAMSP' ? 'nhsa/proposer' : 'guangdong/proposer').withdrawProposal({
          proposalId: p.id,
          reason: 'access-matrix fixture',
        }),
      ),
    );
    closeClients();
  });

  it(`every cell gives its expected outcome (${String(cells.length)} calls), and the channel height does not change`, async function () {
    this.timeout(600_000);
    const init = JSON.stringify(membersFromTopology(loadTopology()));
    const probe = contracts.get('nhsa/admin') as CallerContract;
    const before = await heightOf(probe);
    const started = Date.now();
    const got = await mapPool(cells, 6, async (cell: Cell) => {
      const message = await outcomeOf(
        contracts.get(cell.caller) as CallerContract,
        cell.operation,
        argumentOf(cell.operation, fixtures, init),
      );
      const code = OUTCOMES[cell.expected].code;
      const pass = code === null ? message === 'ok' : message.startsWith(`${code}: `);
      return { cell, message, pass };
    });
    const failures = got
      .filter((g) => !g.pass)
      .map(
        (g) =>
          `${g.cell.caller} × ${g.cell.operation}: expected ${g.cell.expected}, got ${g.message.slice(0, 300)}`,
      );
    process.stderr.write(
      `      ${String(cells.length)} cells in ${String(Math.round((Date.now() - started) / 1000))} s\n`,
    );
    const height = await heightOf(probe);
    report({
      suite: 'access matrix (real network)',
      target: 'every caller × transaction',
      cases: cells.length,
      refused: cells.filter((c) => c.expected !== 'ok').length,
      accepted: cells.filter((c) => c.expected === 'ok').length,
      failures: failures.length,
      ms: Date.now() - started,
      note: `every cell as the table says (${String(callers.length)} callers × ${String(cells.length / callers.length)} transactions); channel height unchanged`,
    });
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(height, 'no cell committed anything').to.equal(before);
  });
});
