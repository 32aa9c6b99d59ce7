/**
 * Hostile input on the real network: FUZZ_NETWORK_RUNS cases per transaction (default 50; the soak
 * run 500), drawn as in the in-memory suite (test/support/chaincode-fuzz.ts) and evaluated — never
 * submitted — through the gateways of several organisations, as callers of every role. Each answer
 * is a result or a refusal with a registered `CODE: message` (as the client library maps it; never
 * INTERNAL), and the channel height and the head version's digest are the same after each
 * transaction's batch. Then the refusals fabric-shim raises before the catalog's code runs (an
 * unknown contract or function, the wrong number of arguments) reach the caller as codes too.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { common } from '@hyperledger/fabric-protos';
import { ERROR_CODES } from '@nrdl-catalog/chaincode/model';
import { openConnection, toClientError, type CatalogConnection } from '../../gateway-client/src';
import {
  argumentsOf,
  describeCase,
  fuzzTransactions,
  MAX_REFUSAL_BYTES,
  type KnownIds,
} from '../support/chaincode-fuzz';
import { NETWORK_RUNS, report, SEED } from '../support/fuzz-config';
import { clientAs, closeClients, ensureCatalog, mapPool } from './support/catalog';
import { WALLET_DIR } from './support/network';

const CALLERS = [
  'nhsa/proposer',
  'guangdong/approver',
  'sichuan/hospital1',
  'shaanxi/admin',
  'audit/auditor',
];
/** The largest field the real network gets (the in-memory suite goes to a megabyte). */
const MAX_ARGUMENT = 256 * 1024;

/** Null when a refusal is registered (`CODE: …`, a chaincode code other than INTERNAL); else why not. */
function problemOf(message: string): string | null {
  const code = /^([A-Z][A-Z_]+): /.exec(message)?.[1];
  if (code === undefined) return `uncoded: ${message.slice(0, 300)}`;
  if (!(code in ERROR_CODES)) return `not a chaincode code (${code}): ${message.slice(0, 300)}`;
  if (code === 'INTERNAL') return `INTERNAL: ${message.slice(0, 300)}`;
  if (Buffer.byteLength(message) > 2 * MAX_REFUSAL_BYTES)
    return `a refusal of ${String(Buffer.byteLength(message))} bytes`;
  return null;
}

describe('real network: hostile input on every transaction (evaluate)', function () {
  const connections = new Map<string, CatalogConnection>();
  const transactions = fuzzTransactions();
  let known: KnownIds;

  const height = async (): Promise<number> => {
    const network = (connections.get('nhsa/proposer') as CatalogConnection).network;
    const bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
    return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
  };
  const digest = async (): Promise<string | null> => {
    try {
      return (await clientAs('audit/auditor').getVersion({})).digest;
    } catch {
      return null;
    }
  };

  before(async function () {
    this.timeout(600_000);
    await ensureCatalog();
    for (const as of CALLERS)
      connections.set(as, openConnection({ as, walletDir: WALLET_DIR, deadlines: { evaluate: 20_000 } }));
    const reader = clientAs('audit/auditor');
    const proposals = await reader.listProposals({ pageSize: 20 });
    const items = await reader.searchItems({ pageSize: 20 });
    known = {
      proposalIds: proposals.records.map((p) => p.id),
      itemIds: items.records.map((i) => i.itemId),
      mspIds: ['NHSAMSP', 'GuangdongMSP', 'AuditMSP'],
    };
  });

  after(function () {
    for (const c of connections.values()) c.close();
    closeClients();
  });

  for (const tx of transactions) {
    it(`${tx.name}: ${String(NETWORK_RUNS)} hostile cases evaluated — answered or refused with a registered code; height and digest unchanged`, async function () {
      this.timeout(Math.max(120_000, NETWORK_RUNS * 5_000));
      const cases = fc.sample(
        fc
          .tuple(fc.constantFrom(...CALLERS), argumentsOf(tx, known))
          .filter(([, args]) => args.every((a) => a.length <= MAX_ARGUMENT)),
        { numRuns: NETWORK_RUNS, seed: SEED },
      );
      const [h0, d0] = [await height(), await digest()];
      const started = Date.now();
      let refused = 0;
      const problems = (
        await mapPool(cases, 4, async ([as, args]) => {
          try {
            await (connections.get(as) as CatalogConnection).contract
              .newProposal(tx.name, { arguments: args })
              .evaluate();
            return null;
          } catch (error) {
            refused += 1;
            const problem = problemOf(toClientError(error).message);
            return problem === null ? null : `${problem} — ${describeCase(as, args)}`;
          }
        })
      ).filter((p): p is string => p !== null);
      report({
        suite: 'chaincode (real network, evaluate)',
        target: tx.name,
        cases: cases.length,
        refused,
        accepted: cases.length - refused,
        failures: problems.length,
        ms: Date.now() - started,
        note: 'every refusal a registered code; channel height and head digest unchanged',
      });
      expect(problems, problems.join('\n')).to.deep.equal([]);
      expect(await height(), 'the ledger height').to.equal(h0);
      expect(await digest(), 'the head digest').to.equal(d0);
    });
  }

  it('refusals before the chaincode runs reach the caller as codes: unknown contract / function → UNKNOWN_TRANSACTION, wrong argument count → ARGUMENT_COUNT', async function () {
    this.timeout(120_000);
    const contract = (connections.get('nhsa/proposer') as CatalogConnection).contract;
    const attempts: readonly (readonly [string, string[], string])[] = [
      ['Catalog:StealEverything', ['{}'], 'UNKNOWN_TRANSACTION'],
      ['Rogue:Write', ['key', 'dmFsdWU='], 'UNKNOWN_TRANSACTION'],
      ['Catalog:GetItem', [], 'ARGUMENT_COUNT'],
      ['Proposal:CreateProposal', ['{}', '{}'], 'ARGUMENT_COUNT'],
      ['System:GetPing', ['NHSAMSP'], 'ARGUMENT_COUNT'],
    ];
    for (const [name, args, code] of attempts) {
      for (const how of ['evaluate', 'endorse'] as const) {
        const proposal = contract.newProposal(name, { arguments: args });
        const error = await (how === 'evaluate' ? proposal.evaluate() : proposal.endorse()).then(
          () => null,
          (e: unknown) => toClientError(e),
        );
        expect(
          error?.message.startsWith(`${code}: `),
          `${how} ${name}(${String(args.length)}): ${String(error?.message)}`,
        ).to.equal(true);
      }
    }
  });
});
