/**
 * CatalogClient over a scripted gateway peer: every method sends its chaincode function with the
 * input as canonical JSON argument (evaluate or endorse/submit/commit), decodes the answer and, for
 * submits, returns the committed transaction id and block; a bad input is rejected by the chaincode's
 * own schema before anything is sent.
 */
import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatalogClient, reviewedOf } from '../../../gateway-client/src/catalog-client';
import {
  CatalogClientError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  TransactionError,
} from '../../../gateway-client/src/errors';
import { IdentityError } from '../../../gateway-client/src/identity';
import {
  MockGateway,
  commitStatus,
  endorseResponse,
  evaluateResponse,
  rejection,
  serviceError,
  virtualTime,
} from './support/mock-gateway';
import { MEMBERS } from '../support/members';

const HASH = 'ab'.repeat(32);
const ITEM = 'D-0123456789abcdef';

type Call = (client: CatalogClient) => Promise<unknown>;

/** [method, chaincode function, the input it sends, call]. */
const EVALUATES: [string, string, unknown, Call][] = [
  [
    'getItem',
    'Catalog:GetItem',
    { itemId: ITEM, version: 3 },
    (c) => c.getItem({ itemId: ITEM, version: 3 }),
  ],
  [
    'searchItems',
    'Catalog:SearchItems',
    { namePrefix: '阿莫', pageSize: 5 },
    (c) => c.searchItems({ namePrefix: '阿莫', pageSize: 5 }),
  ],
  [
    'checkCoverage',
    'Catalog:CheckCoverage',
    { province: 'Guangdong', itemId: ITEM, date: '2025-06-01' },
    (c) => c.checkCoverage({ province: 'Guangdong', itemId: ITEM, date: '2025-06-01' }),
  ],
  [
    'checkCoverageBatch',
    'Catalog:CheckCoverageBatch',
    { lines: [{ province: 'Sichuan', itemId: ITEM }] },
    (c) => c.checkCoverageBatch({ lines: [{ province: 'Sichuan', itemId: ITEM }] }),
  ],
  ['getItemHistory', 'Catalog:GetItemHistory', { itemId: ITEM }, (c) => c.getItemHistory({ itemId: ITEM })],
  ['getVersion', 'Catalog:GetVersion', {}, (c) => c.getVersion()],
  ['getVersion(2)', 'Catalog:GetVersion', { version: 2 }, (c) => c.getVersion({ version: 2 })],
  ['listVersions', 'Catalog:ListVersions', {}, (c) => c.listVersions()],
  ['getGovernance', 'Governance:GetGovernance', {}, (c) => c.getGovernance()],
  [
    'getProposal',
    'Proposal:GetProposal',
    { proposalId: 'P-1', includeChunks: true },
    (c) => c.getProposal({ proposalId: 'P-1', includeChunks: true }),
  ],
  ['listProposals', 'Proposal:ListProposals', {}, (c) => c.listProposals()],
];

const VOTE = { proposalId: 'P-1', manifestHash: HASH, baseVersion: 1, governanceVersion: 1 };
const SUBMITS: [string, string, unknown, Call][] = [
  ['initGovernance', 'Governance:InitGovernance', MEMBERS, (c) => c.initGovernance(MEMBERS)],
  [
    'applyGovernanceProposal',
    'Governance:ApplyGovernanceProposal',
    { proposalId: 'G-1' },
    (c) => c.applyGovernanceProposal({ proposalId: 'G-1' }),
  ],
  [
    'createProposal',
    'Proposal:CreateProposal',
    { scope: 'national', title: 'T', rationale: 'R', effectiveFrom: '2025-06-01' },
    (c) => c.createProposal({ scope: 'national', title: 'T', rationale: 'R', effectiveFrom: '2025-06-01' }),
  ],
  [
    'addChunk',
    'Proposal:AddChunk',
    { proposalId: 'P-1', chunkIndex: 0, changes: [{ op: 'removeItem', itemId: ITEM }] },
    (c) => c.addChunk({ proposalId: 'P-1', chunkIndex: 0, changes: [{ op: 'removeItem', itemId: ITEM }] }),
  ],
  [
    'openProposal',
    'Proposal:OpenProposal',
    { proposalId: 'P-1' },
    (c) => c.openProposal({ proposalId: 'P-1' }),
  ],
  [
    'withdrawProposal',
    'Proposal:WithdrawProposal',
    { proposalId: 'P-1', reason: 'dup' },
    (c) => c.withdrawProposal({ proposalId: 'P-1', reason: 'dup' }),
  ],
  ['approveProposal', 'Proposal:ApproveProposal', VOTE, (c) => c.approveProposal(VOTE)],
  ['rejectProposal', 'Proposal:RejectProposal', VOTE, (c) => c.rejectProposal(VOTE)],
  [
    'applyChunk',
    'Proposal:ApplyChunk',
    { proposalId: 'P-1', chunkIndex: 2 },
    (c) => c.applyChunk({ proposalId: 'P-1', chunkIndex: 2 }),
  ],
  ['sealVersion', 'Proposal:SealVersion', { proposalId: 'P-1' }, (c) => c.sealVersion({ proposalId: 'P-1' })],
];

/** Inputs each schema rejects. */
const INVALID: [string, Call][] = [
  ['an item id with a space', (c) => c.getItem({ itemId: 'D 1' })],
  ['an unknown property', (c) => c.getItem({ itemId: ITEM, colour: 'red' } as never)],
  ['a missing required property', (c) => c.checkCoverage({ itemId: ITEM } as never)],
  ['an impossible date', (c) => c.checkCoverage({ province: 'Guangdong', itemId: ITEM, date: '2025-02-30' })],
  ['an empty batch', (c) => c.checkCoverageBatch({ lines: [] })],
  ['version 0', (c) => c.getVersion({ version: 0 })],
  ['a page size of 0', (c) => c.listVersions({ pageSize: 0 })],
  [
    'an unknown scope',
    (c) =>
      c.createProposal({ scope: 'global', title: 'T', rationale: 'R', effectiveFrom: '2025-06-01' } as never),
  ],
  [
    'a negative chunk index',
    (c) => c.addChunk({ proposalId: 'P-1', chunkIndex: -1, changes: [{ op: 'removeItem', itemId: ITEM }] }),
  ],
  ['no changes', (c) => c.addChunk({ proposalId: 'P-1', chunkIndex: 0, changes: [] })],
  [
    'an unknown change op',
    (c) => c.addChunk({ proposalId: 'P-1', chunkIndex: 0, changes: [{ op: 'dropTable' }] as never }),
  ],
  ['a manifest hash that is not hex', (c) => c.approveProposal({ ...VOTE, manifestHash: 'xyz' })],
  ['governance version 0', (c) => c.rejectProposal({ ...VOTE, governanceVersion: 0 })],
  ['a proposal id with a slash', (c) => c.sealVersion({ proposalId: 'P/1' })],
  [
    'a string where a boolean belongs',
    (c) => c.getProposal({ proposalId: 'P-1', includeChunks: 'yes' } as never),
  ],
];

describe('CatalogClient over a mocked gateway', function () {
  let mock: MockGateway;
  let client: CatalogClient;

  beforeEach(function () {
    mock = new MockGateway();
    client = CatalogClient.fromConnection(mock.connection());
  });

  afterEach(function () {
    client.close();
  });

  for (const [method, fn, input, call] of EVALUATES) {
    it(`${method} evaluates ${fn} and decodes the answer`, async function () {
      mock.queue('Evaluate', evaluateResponse({ answer: method, n: 1 }));
      const value = await call(client);
      expect(value).to.deep.equal({ answer: method, n: 1 });
      expect(mock.calls).to.have.length(1);
      const [sent] = mock.calls;
      expect(sent?.method).to.equal('Evaluate');
      expect(sent?.transactionName).to.equal(fn);
      expect(sent?.args).to.deep.equal([JSON.stringify(input)]);
    });
  }

  for (const [method, fn, input, call] of SUBMITS) {
    it(`${method} submits ${fn} and returns the value, transaction id and block of the commit`, async function () {
      mock
        .queue('Endorse', endorseResponse(JSON.stringify({ answer: method })))
        .queue('CommitStatus', commitStatus(peer.TxValidationCode.VALID, 4711));
      const done = (await virtualTime(() => call(client))) as {
        value: unknown;
        transactionId: string;
        blockNumber: bigint;
      };
      expect(done.value).to.deep.equal({ answer: method });
      expect(done.blockNumber).to.equal(4711n);
      expect(mock.calls.map((sent) => sent.method)).to.deep.equal(['Endorse', 'Submit', 'CommitStatus']);
      const [endorse] = mock.calls;
      expect(endorse?.transactionName).to.equal(fn);
      expect(endorse?.args).to.deep.equal([JSON.stringify(input)]);
      expect(mock.calls.every((sent) => sent.transactionId === done.transactionId)).to.equal(true);
    });
  }

  for (const [label, call] of INVALID) {
    it(`rejects ${label} before sending anything`, async function () {
      const error = await rejection(call(client));
      expect(error).to.be.instanceOf(InvalidInputError);
      expect((error as InvalidInputError).code).to.equal('INVALID_INPUT');
      expect((error as InvalidInputError).message).to.match(/^INVALID_INPUT: /);
      expect(mock.calls).to.have.length(0);
    });
  }

  it('returns the transaction id of the attempt that committed after a read conflict', async function () {
    mock.queue(
      'CommitStatus',
      commitStatus(peer.TxValidationCode.MVCC_READ_CONFLICT, 5),
      commitStatus(peer.TxValidationCode.VALID, 6),
    );
    const done = await virtualTime(() => client.applyChunk({ proposalId: 'P-1', chunkIndex: 0 }));
    const endorsed = mock.callsOf('Endorse').map((call) => call.transactionId);
    expect(endorsed).to.have.length(2);
    expect(done.transactionId).to.equal(endorsed[1]);
    expect(done.blockNumber).to.equal(6n);
  });

  it('uses the retry policy it was given', async function () {
    const strict = CatalogClient.fromConnection(mock.connection(), { maxAttempts: 1 });
    mock.otherwise('CommitStatus', () => commitStatus(peer.TxValidationCode.MVCC_READ_CONFLICT, 5));
    const error = await virtualTime(() => rejection(strict.applyChunk({ proposalId: 'P-1', chunkIndex: 0 })));
    expect(error).to.be.instanceOf(TransactionError);
    expect((error as TransactionError).code).to.equal('MVCC_READ_CONFLICT');
    expect(mock.callsOf('Endorse')).to.have.length(1);
  });

  it('maps an evaluate chaincode error to its typed error', async function () {
    mock.queue(
      'Evaluate',
      serviceError(grpc.status.UNKNOWN, 'evaluate call to endorser returned error', [
        { message: 'chaincode response 500, PROPOSAL_NOT_FOUND: no proposal P-9' },
      ]),
    );
    const error = await rejection(client.getProposal({ proposalId: 'P-9' }));
    expect(error).to.be.instanceOf(NotFoundError);
    expect((error as NotFoundError).code).to.equal('PROPOSAL_NOT_FOUND');
  });

  it('maps a submit chaincode error to its typed error, with the transaction id', async function () {
    mock.queue(
      'Endorse',
      serviceError(grpc.status.ABORTED, 'failed to endorse transaction', [
        // the caller's own peer refused (a refusal by other organisations' peers only is endorsed again)
        { message: 'chaincode response 500, FORBIDDEN_ROLE: hospital1 is not an approver' },
      ]),
    );
    const error = await virtualTime(() => rejection(client.approveProposal(VOTE)));
    expect(error).to.be.instanceOf(ForbiddenError);
    expect((error as ForbiddenError).code).to.equal('FORBIDDEN_ROLE');
    expect((error as ForbiddenError).transactionId).to.equal(mock.callsOf('Endorse')[0]?.transactionId);
    expect(mock.calls).to.have.length(1);
  });

  it('reports an answer that is not JSON as a CLIENT_ERROR', async function () {
    mock.queue('Evaluate', evaluateResponse(Buffer.from('not json')));
    const error = await rejection(client.getGovernance());
    expect(error).to.be.instanceOf(CatalogClientError);
    expect((error as CatalogClientError).code).to.equal('CLIENT_ERROR');
  });

  it('exposes the network and closes the gRPC channel', function () {
    expect(client.network).to.equal(mock.network);
    expect(client.connection.identity.mspId).to.equal('NhsaMSP');
    client.close();
    expect(mock.client.getChannel().getConnectivityState(false)).to.equal(grpc.connectivityState.SHUTDOWN);
  });

  it('connect reports a missing wallet identity as an IdentityError', function () {
    const walletDir = mkdtempSync(path.join(os.tmpdir(), 'wallet-'));
    try {
      expect(() => CatalogClient.connect({ walletDir, as: 'nhsa/admin' })).to.throw(
        IdentityError,
        /organisation "nhsa" is not in the wallet .*: it holds no organisation/,
      );
    } finally {
      rmSync(walletDir, { recursive: true, force: true });
    }
  });

  it('reviewedOf takes what an approver binds its vote to, and refuses a proposal not yet open', function () {
    expect(reviewedOf({ id: 'P-1', manifestHash: HASH, baseVersion: 2, governanceVersion: 1 })).to.deep.equal(
      { manifestHash: HASH, baseVersion: 2, governanceVersion: 1 },
    );
    for (const draft of [
      { id: 'P-2', manifestHash: null, baseVersion: 2, governanceVersion: 1 },
      { id: 'P-2', manifestHash: HASH, baseVersion: null, governanceVersion: 1 },
      { id: 'P-2', manifestHash: HASH, baseVersion: 2, governanceVersion: null },
    ]) {
      expect(() => reviewedOf(draft))
        .to.throw(ConflictError, 'PROPOSAL_STATE: proposal P-2 is not open: it has no manifest to review yet')
        .with.property('code', 'PROPOSAL_STATE');
    }
  });
});
