/**
 * submitWithRetry against a scripted gateway peer (mocked gRPC client, real fabric-gateway, real
 * signer): read conflicts are retried with a fresh transaction, a policy race once, a lost commit
 * status is asked for again for the same transaction, an endorsement the gateway cannot plan yet is
 * retried until discoveryWaitMs, and everything else fails at once with a typed error.
 */
import * as grpc from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import {
  ChaincodeError,
  ConflictError,
  NotFoundError,
  TransactionError,
} from '../../../gateway-client/src/errors';
import { CatalogClient } from '../../../gateway-client/src/catalog-client';
import { localMessage } from '../../../gateway-client/src/errors';
import {
  DEFAULT_UNAVAILABLE_WAIT_MS,
  isProgressRefusal,
  isUnplannable,
  submitWithRetry,
  unreachablePeers,
} from '../../../gateway-client/src/transaction';
import {
  MockGateway,
  commitStatus,
  endorseResponse,
  rejection,
  serviceError,
  evaluateResponse,
  virtualTime,
} from './support/mock-gateway';

const { VALID, MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, DUPLICATE_TXID } =
  peer.TxValidationCode;

const UNPLANNABLE =
  'no combination of peers can be derived which satisfy the endorsement policy: required chaincodes are not installed on sufficient peers';

function ids(mock: MockGateway, method: Parameters<MockGateway['callsOf']>[0]): string[] {
  return mock.callsOf(method).map((call) => call.transactionId);
}

describe('submitWithRetry over a mocked gateway', function () {
  let mock: MockGateway;

  beforeEach(function () {
    mock = new MockGateway();
  });

  afterEach(function () {
    mock.close();
  });

  it('endorses, submits and waits for the commit of one transaction', async function () {
    mock.queue('Endorse', endorseResponse('{"id":"P-1"}')).queue('CommitStatus', commitStatus(VALID, 42));
    const done = await virtualTime(() =>
      submitWithRetry(mock.contract, 'Proposal:CreateProposal', ['{"title":"t"}']),
    );
    expect(Buffer.from(done.result).toString()).to.equal('{"id":"P-1"}');
    expect(done.blockNumber).to.equal(42n);
    expect(done.attempts).to.equal(1);
    expect(mock.calls.map((call) => call.method)).to.deep.equal(['Endorse', 'Submit', 'CommitStatus']);
    const [endorse] = mock.callsOf('Endorse');
    expect(endorse?.transactionName).to.equal('Proposal:CreateProposal');
    expect(endorse?.args).to.deep.equal(['{"title":"t"}']);
    expect(endorse?.deadline).to.be.a('number');
    expect(new Set(mock.calls.map((call) => call.transactionId))).to.deep.equal(
      new Set([done.transactionId]),
    );
    expect(done.transactionId).to.match(/^[0-9a-f]{64}$/);
  });

  for (const code of [MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT]) {
    const name = code === MVCC_READ_CONFLICT ? 'MVCC_READ_CONFLICT' : 'PHANTOM_READ_CONFLICT';

    it(`retries ${name} with a fresh transaction each attempt, backing off`, async function () {
      mock.queue('CommitStatus', commitStatus(code, 10), commitStatus(code, 11), commitStatus(VALID, 12));
      const [done, elapsed] = await virtualTime(async (clock) => {
        const result = await submitWithRetry(mock.contract, 'Proposal:ApplyChunk', ['{}']);
        return [result, clock()] as const;
      });
      expect(done.attempts).to.equal(3);
      expect(done.blockNumber).to.equal(12n);
      const endorsed = ids(mock, 'Endorse');
      expect(endorsed).to.have.length(3);
      expect(new Set(endorsed).size).to.equal(3);
      expect(ids(mock, 'Submit')).to.deep.equal(endorsed);
      expect(ids(mock, 'CommitStatus')).to.deep.equal(endorsed);
      expect(done.transactionId).to.equal(endorsed[2]);
      expect(elapsed).to.equal(200 + 400);
    });

    it(`gives up on ${name} after maxAttempts with a TransactionError naming the code`, async function () {
      mock.otherwise('CommitStatus', () => commitStatus(code, 77));
      const error = await virtualTime(() =>
        rejection(
          submitWithRetry(mock.contract, 'Proposal:ApplyChunk', ['{}'], { maxAttempts: 3, backoffMs: 10 }),
        ),
      );
      expect(error).to.be.instanceOf(TransactionError);
      const failure = error as TransactionError;
      const endorsed = ids(mock, 'Endorse');
      expect(endorsed).to.have.length(3);
      expect(new Set(endorsed).size).to.equal(3);
      expect(failure.code).to.equal(name);
      expect(failure.transactionId).to.equal(endorsed[2]);
      expect(failure.blockNumber).to.equal(77n);
      expect(failure.message).to.equal(`${name}: transaction ${endorsed[2]} committed as invalid (${name})`);
    });
  }

  it('uses 4 attempts by default', async function () {
    mock.otherwise('CommitStatus', () => commitStatus(MVCC_READ_CONFLICT, 5));
    const error = await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [])));
    expect((error as TransactionError).code).to.equal('MVCC_READ_CONFLICT');
    expect(mock.callsOf('Endorse')).to.have.length(4);
  });

  it('retries ENDORSEMENT_POLICY_FAILURE once only', async function () {
    mock.otherwise('CommitStatus', () => commitStatus(ENDORSEMENT_POLICY_FAILURE, 9));
    const error = await virtualTime(() =>
      rejection(submitWithRetry(mock.contract, 'F', [], { maxAttempts: 5 })),
    );
    expect(error).to.be.instanceOf(TransactionError);
    expect((error as TransactionError).code).to.equal('ENDORSEMENT_POLICY_FAILURE');
    const endorsed = ids(mock, 'Endorse');
    expect(endorsed).to.have.length(2);
    expect(endorsed[0]).to.not.equal(endorsed[1]);
    expect((error as TransactionError).transactionId).to.equal(endorsed[1]);
  });

  it('commits on the second attempt after an ENDORSEMENT_POLICY_FAILURE', async function () {
    mock.queue('CommitStatus', commitStatus(ENDORSEMENT_POLICY_FAILURE, 9), commitStatus(VALID, 10));
    const done = await virtualTime(() => submitWithRetry(mock.contract, 'F', []));
    expect(done.attempts).to.equal(2);
    expect(done.blockNumber).to.equal(10n);
  });

  it('does not retry other validation codes', async function () {
    mock.queue('CommitStatus', commitStatus(DUPLICATE_TXID, 3));
    const error = await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [])));
    expect((error as TransactionError).code).to.equal('DUPLICATE_TXID');
    expect(mock.calls.map((call) => call.method)).to.deep.equal(['Endorse', 'Submit', 'CommitStatus']);
  });

  it('asks again for the status of the same transaction after DEADLINE_EXCEEDED / UNAVAILABLE', async function () {
    mock.queue(
      'CommitStatus',
      serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
      serviceError(grpc.status.UNAVAILABLE, 'Connection dropped'),
      commitStatus(VALID, 31),
    );
    const [done, elapsed] = await virtualTime(async (clock) => {
      const result = await submitWithRetry(mock.contract, 'F', []);
      return [result, clock()] as const;
    });
    expect(done.blockNumber).to.equal(31n);
    expect(done.attempts).to.equal(1);
    expect(mock.callsOf('Endorse')).to.have.length(1);
    expect(mock.callsOf('Submit')).to.have.length(1);
    expect(ids(mock, 'CommitStatus')).to.deep.equal([
      done.transactionId,
      done.transactionId,
      done.transactionId,
    ]);
    expect(elapsed).to.equal(1000);
  });

  it('fails with COMMIT_STATUS_TIMEOUT after commitWaitMs, never resubmitting', async function () {
    mock.otherwise('CommitStatus', () => serviceError(grpc.status.UNAVAILABLE, 'peer down'));
    const error = await virtualTime(() =>
      rejection(submitWithRetry(mock.contract, 'F', [], { commitWaitMs: 2000 })),
    );
    expect(error).to.be.instanceOf(TransactionError);
    const failure = error as TransactionError;
    const [txId] = ids(mock, 'Endorse');
    expect(failure.code).to.equal('COMMIT_STATUS_TIMEOUT');
    expect(failure.transactionId).to.equal(txId);
    expect(failure.message).to.equal(`COMMIT_STATUS_TIMEOUT: no commit status for ${txId} within 2000 ms`);
    expect(failure.cause).to.be.instanceOf(GatewayError);
    expect((failure.cause as GatewayError).code).to.equal(grpc.status.UNAVAILABLE);
    // asked at 0, 500, 1000, 1500 and 2000 ms
    expect(ids(mock, 'CommitStatus')).to.deep.equal([txId, txId, txId, txId, txId]);
    expect(mock.callsOf('Submit')).to.have.length(1);
    expect(mock.callsOf('Endorse')).to.have.length(1);
  });

  it('answers a commit-status call cancelled at its deadline (as a transaction the orderers accepted but cannot order) with COMMIT_STATUS_TIMEOUT', async function () {
    mock.otherwise('CommitStatus', () => serviceError(grpc.status.CANCELLED, 'Call cancelled'));
    const failure = (await virtualTime(() =>
      rejection(submitWithRetry(mock.contract, 'F', [], { commitWaitMs: 1000 })),
    )) as TransactionError;
    expect(failure.code).to.equal('COMMIT_STATUS_TIMEOUT');
    expect(mock.callsOf('Submit')).to.have.length(1);
  });

  it('does not ask again after another commit-status error', async function () {
    mock.queue(
      'CommitStatus',
      serviceError(grpc.status.PERMISSION_DENIED, 'access denied', [{ message: 'creator not authorised' }]),
    );
    const error = await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [])));
    const failure = error as TransactionError;
    expect(failure).to.be.instanceOf(TransactionError);
    expect(failure.code).to.equal('COMMIT_STATUS_FAILED');
    expect(failure.message).to.include('NhsaMSP: creator not authorised');
    expect(failure.transactionId).to.equal(ids(mock, 'Endorse')[0]);
    expect(mock.callsOf('CommitStatus')).to.have.length(1);
  });

  it('retries an endorsement the gateway cannot plan yet, with the same proposal', async function () {
    mock.queue(
      'Endorse',
      serviceError(grpc.status.FAILED_PRECONDITION, UNPLANNABLE),
      serviceError(grpc.status.FAILED_PRECONDITION, 'No peer combination satisfies the plan'),
      endorseResponse('"ok"'),
    );
    const [done, elapsed] = await virtualTime(async (clock) => {
      const result = await submitWithRetry(mock.contract, 'F', []);
      return [result, clock()] as const;
    });
    expect(Buffer.from(done.result).toString()).to.equal('"ok"');
    expect(ids(mock, 'Endorse')).to.deep.equal([done.transactionId, done.transactionId, done.transactionId]);
    expect(elapsed).to.equal(250 + 500);
  });

  it('stops retrying an unplannable endorsement at discoveryWaitMs', async function () {
    mock.otherwise('Endorse', () => serviceError(grpc.status.FAILED_PRECONDITION, UNPLANNABLE));
    const [error, elapsed] = await virtualTime(async (clock) => {
      const failure = await rejection(submitWithRetry(mock.contract, 'F', [], { discoveryWaitMs: 3000 }));
      return [failure, clock()] as const;
    });
    expect(error).to.be.instanceOf(TransactionError);
    expect((error as TransactionError).code).to.equal('ENDORSE_FAILED');
    expect((error as TransactionError).message).to.include('no combination of peers');
    // at 0, 250, 750 and 1750 ms; the next (2000 ms later) would pass the 3000 ms deadline
    expect(mock.callsOf('Endorse')).to.have.length(4);
    expect(elapsed).to.equal(1750);
    expect(mock.callsOf('Submit')).to.have.length(0);
  });

  for (const [label, error] of [
    [
      'FAILED_PRECONDITION for another reason',
      serviceError(grpc.status.FAILED_PRECONDITION, 'channel not found'),
    ],
    ['ABORTED', serviceError(grpc.status.ABORTED, 'failed to endorse', [{ message: 'proposal rejected' }])],
    [
      'UNAVAILABLE with details that are no unreachable peer',
      serviceError(grpc.status.UNAVAILABLE, 'failed', [
        { mspId: 'GuangdongMSP', message: 'chaincode definition for catalog not found' },
      ]),
    ],
  ] as const) {
    it(`does not retry an endorse error ${label}`, async function () {
      mock.queue('Endorse', error);
      const failure = (await virtualTime(() =>
        rejection(submitWithRetry(mock.contract, 'F', [])),
      )) as TransactionError;
      expect(failure).to.be.instanceOf(TransactionError);
      expect(failure.code).to.equal('ENDORSE_FAILED');
      expect(failure.transactionId).to.equal(ids(mock, 'Endorse')[0]);
      expect(mock.calls).to.have.length(1);
    });
  }

  it('names the endpoints of an endorse error', async function () {
    mock.queue(
      'Endorse',
      serviceError(grpc.status.ABORTED, 'failed to endorse', [
        { mspId: 'GuangdongMSP', message: 'timeout' },
        { mspId: 'SichuanMSP', message: 'chaincode not installed' },
      ]),
    );
    const failure = (await virtualTime(() =>
      rejection(submitWithRetry(mock.contract, 'F', [])),
    )) as TransactionError;
    expect(failure.message).to.equal(
      'ENDORSE_FAILED: 10 ABORTED: failed to endorse (GuangdongMSP: timeout; SichuanMSP: chaincode not installed)',
    );
  });

  it('turns a chaincode error in the endorse details into its typed error', async function () {
    mock.queue(
      'Endorse',
      serviceError(grpc.status.ABORTED, 'failed to endorse transaction, see attached details for more info', [
        { message: 'chaincode response 500, ITEM_NOT_FOUND: no item D-1' },
      ]),
    );
    const failure = await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [])));
    expect(failure).to.be.instanceOf(NotFoundError);
    expect((failure as ChaincodeError).code).to.equal('ITEM_NOT_FOUND');
    expect((failure as ChaincodeError).message).to.equal('ITEM_NOT_FOUND: no item D-1');
    expect((failure as ChaincodeError).transactionId).to.equal(ids(mock, 'Endorse')[0]);
  });

  it("endorses the same proposal again when only another organisation's peer refused (a block behind), at most twice", async function () {
    const lagging = (): grpc.ServiceError =>
      serviceError(grpc.status.ABORTED, 'failed to endorse transaction, see attached details for more info', [
        { mspId: 'GuangdongMSP', message: 'chaincode response 500, QUORUM_NOT_MET: still open' },
      ]);
    mock.queue('Endorse', lagging(), endorseResponse('"ok"'));
    const [done, elapsed] = await virtualTime(async (clock) => {
      const result = await submitWithRetry(mock.contract, 'F', [], { localMspId: 'NHSAMSP' });
      return [result, clock()] as const;
    });
    expect(Buffer.from(done.result).toString()).to.equal('"ok"');
    expect(ids(mock, 'Endorse')).to.deep.equal([done.transactionId, done.transactionId]);
    expect(elapsed).to.equal(500);

    mock.otherwise('Endorse', lagging);
    const before = mock.callsOf('Endorse').length;
    const [failure, waited] = await virtualTime(async (clock) => {
      const error = await rejection(submitWithRetry(mock.contract, 'F', [], { localMspId: 'NHSAMSP' }));
      return [error, clock()] as const;
    });
    expect(failure).to.be.instanceOf(ConflictError).and.to.include({ code: 'QUORUM_NOT_MET' });
    expect(mock.callsOf('Endorse').length - before).to.equal(3);
    expect(waited).to.equal(500 + 1000);
  });

  it("does not endorse again when the caller's own peer refused, or without knowing the caller's organisation", async function () {
    const refusal = (mspId: string) => (): grpc.ServiceError =>
      serviceError(grpc.status.ABORTED, 'failed', [
        { mspId, message: 'chaincode response 500, FORBIDDEN_ORG: x' },
      ]);
    mock.otherwise('Endorse', refusal('NHSAMSP'));
    await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [], { localMspId: 'NHSAMSP' })));
    expect(mock.callsOf('Endorse')).to.have.length(1);
    mock.otherwise('Endorse', refusal('GuangdongMSP'));
    await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [])));
    expect(mock.callsOf('Endorse')).to.have.length(2);
  });

  it("endorses again, twice at most, when the caller's own peer says only that the proposal is not at that step yet", async function () {
    const behind = (code: string) => (): grpc.ServiceError =>
      serviceError(grpc.status.ABORTED, 'failed', [
        { mspId: 'NHSAMSP', message: `chaincode response 500, ${code}: proposal p is still open` },
      ]);
    mock.queue('Endorse', behind('QUORUM_NOT_MET')(), behind('PROPOSAL_STATE')(), endorseResponse('"ok"'));
    const [done, elapsed] = await virtualTime(async (clock) => {
      const result = await submitWithRetry(mock.contract, 'F', [], { localMspId: 'NHSAMSP' });
      return [result, clock()] as const;
    });
    expect(Buffer.from(done.result).toString()).to.equal('"ok"');
    expect(elapsed).to.equal(500 + 1000);
    mock.otherwise('Endorse', behind('QUORUM_NOT_MET'));
    const before = mock.callsOf('Endorse').length;
    const failure = await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [])));
    expect(failure).to.be.instanceOf(ConflictError).and.to.include({ code: 'QUORUM_NOT_MET' });
    expect(mock.callsOf('Endorse').length - before).to.equal(3);
    // a refusal mixing a progress code with another is not a lag
    expect(
      isProgressRefusal(
        new EndorseError({
          code: grpc.status.ABORTED,
          message: 'failed',
          transactionId: 't',
          cause: serviceError(grpc.status.ABORTED, 'failed', []),
          details: [
            { address: 'a', mspId: 'NHSAMSP', message: 'chaincode response 500, QUORUM_NOT_MET: x' },
            { address: 'b', mspId: 'SichuanMSP', message: 'chaincode response 500, FORBIDDEN_ORG: y' },
          ],
        }),
      ),
    ).to.equal(false);
  });

  it('does not retry a chaincode conflict', async function () {
    mock.otherwise('Endorse', () =>
      serviceError(grpc.status.ABORTED, 'failed', [
        { message: 'chaincode response 500, VERSION_CONFLICT: x' },
      ]),
    );
    const failure = await virtualTime(() => rejection(submitWithRetry(mock.contract, 'F', [])));
    expect(failure).to.be.instanceOf(ConflictError);
    expect(mock.calls).to.have.length(1);
  });

  it('maps a submit error to SUBMIT_FAILED without retrying', async function () {
    mock.queue(
      'Submit',
      serviceError(grpc.status.UNAVAILABLE, 'no orderers could successfully process transaction', [
        { mspId: 'SichuanMSP', message: 'connection refused' },
      ]),
    );
    const failure = (await virtualTime(() =>
      rejection(submitWithRetry(mock.contract, 'F', [])),
    )) as TransactionError;
    expect(failure).to.be.instanceOf(TransactionError);
    expect(failure.code).to.equal('SUBMIT_FAILED');
    expect(failure.transactionId).to.equal(ids(mock, 'Endorse')[0]);
    expect(mock.calls.map((call) => call.method)).to.deep.equal(['Endorse', 'Submit']);
  });

  it("answers a Submit cut off by the caller's own gateway peer (no details) with PEER_UNAVAILABLE: outcome unknown", async function () {
    mock.queue('Submit', serviceError(grpc.status.UNAVAILABLE, 'read ECONNRESET'));
    const failure = (await virtualTime(() =>
      rejection(submitWithRetry(mock.contract, 'Proposal:AddChunk', [], { localMspId: 'NHSAMSP' })),
    )) as TransactionError;
    expect(failure.code).to.equal('PEER_UNAVAILABLE');
    expect(failure.template).to.equal('PEER_UNAVAILABLE.commitStatus');
    expect(failure.transactionId).to.equal(ids(mock, 'Endorse')[0]);
    expect(failure.message).to.include('NHSAMSP');
    expect(mock.calls.map((call) => call.method)).to.deep.equal(['Endorse', 'Submit']);
  });

  it('isUnplannable recognises only FAILED_PRECONDITION endorse errors about peer combinations', async function () {
    const endorseFailure = async (code: grpc.status, message: string): Promise<unknown> => {
      const probe = new MockGateway();
      probe.queue('Endorse', serviceError(code, message));
      try {
        return await rejection(probe.contract.newProposal('F').endorse());
      } finally {
        probe.close();
      }
    };
    expect(isUnplannable(await endorseFailure(grpc.status.FAILED_PRECONDITION, UNPLANNABLE))).to.equal(true);
    expect(
      isUnplannable(await endorseFailure(grpc.status.FAILED_PRECONDITION, 'no peer combination')),
    ).to.equal(true);
    expect(isUnplannable(await endorseFailure(grpc.status.UNAVAILABLE, UNPLANNABLE))).to.equal(false);
    expect(isUnplannable(await endorseFailure(grpc.status.FAILED_PRECONDITION, 'other'))).to.equal(false);
    expect(isUnplannable(new Error(UNPLANNABLE))).to.equal(false);
  });

  describe('a peer that cannot be reached (PEER_UNAVAILABLE)', function () {
    const down = (): grpc.ServiceError =>
      serviceError(grpc.status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED');
    const policy = { localMspId: 'NHSAMSP', gatewayEndpoint: '127.0.0.1:21051' };

    it("endorses the same proposal again while the caller's gateway peer is down, and goes on once it is back", async function () {
      mock.queue('Endorse', down(), down(), endorseResponse('"ok"'));
      const [done, elapsed] = await virtualTime(async (clock) => {
        const result = await submitWithRetry(mock.contract, 'Proposal:AddChunk', ['{}'], policy);
        return [result, clock()] as const;
      });
      expect(Buffer.from(done.result).toString()).to.equal('"ok"');
      expect(ids(mock, 'Endorse')).to.deep.equal([
        done.transactionId,
        done.transactionId,
        done.transactionId,
      ]);
      expect(elapsed).to.equal(500 + 1000);
      expect(mock.callsOf('Submit')).to.have.length(1);
    });

    it('gives up after unavailableWaitMs with PEER_UNAVAILABLE naming the organisation and its peer; nothing submitted', async function () {
      mock.otherwise('Endorse', down);
      const [error, elapsed] = await virtualTime(async (clock) => {
        const failure = await rejection(
          submitWithRetry(mock.contract, 'Proposal:AddChunk', ['{}'], { ...policy, unavailableWaitMs: 5000 }),
        );
        return [failure, clock()] as const;
      });
      expect(error).to.be.instanceOf(TransactionError);
      const failure = error as TransactionError;
      expect(failure.code).to.equal('PEER_UNAVAILABLE');
      expect(failure.template).to.equal('PEER_UNAVAILABLE');
      // at 0, 0.5, 1.5 and 3.5 s; the next (4 s later) would pass the 5 s bound
      expect(mock.callsOf('Endorse')).to.have.length(4);
      expect(elapsed).to.equal(3500);
      expect(mock.callsOf('Submit')).to.have.length(0);
      expect(failure.transactionId).to.equal(ids(mock, 'Endorse')[0]);
      expect(failure.message).to.match(
        /^PEER_UNAVAILABLE: the peer of NHSAMSP cannot be reached \(127\.0\.0\.1:21051\): Proposal:AddChunk needs its endorsement; gave up after 4 attempts in 3\.5 s, nothing was submitted \(.*ECONNREFUSED/,
      );
      expect(failure.params).to.include({ orgs: 'NHSAMSP', endpoints: '127.0.0.1:21051', attempts: 4 });
      expect(localMessage(failure, 'zh')).to.match(
        /^PEER_UNAVAILABLE: 无法连接 NHSAMSP 的节点（127\.0\.0\.1:21051）/,
      );
    });

    it('bounds the retries by 20 s by default', async function () {
      mock.otherwise('Endorse', down);
      const [error, elapsed] = await virtualTime(async (clock) => {
        const failure = await rejection(submitWithRetry(mock.contract, 'F', [], policy));
        return [failure, clock()] as const;
      });
      expect((error as TransactionError).code).to.equal('PEER_UNAVAILABLE');
      expect(DEFAULT_UNAVAILABLE_WAIT_MS).to.equal(20_000);
      // 0.5 + 1 + 2 + 4 + 4 + 4 + 4 = 19.5 s; the next would end after 20 s
      expect(elapsed).to.equal(19_500);
    });

    it('names the other organisation whose peer the gateway could not reach for its endorsement', async function () {
      mock.otherwise('Endorse', () =>
        serviceError(grpc.status.ABORTED, 'failed to collect enough transaction endorsements', [
          {
            mspId: 'NHSAMSP',
            address: 'peer0.nhsa:21051',
            message:
              'rpc error: code = Unavailable desc = connection error: dial tcp 127.0.0.1:21051: connect: connection refused',
          },
        ]),
      );
      const failure = (await virtualTime(() =>
        rejection(
          submitWithRetry(mock.contract, 'Proposal:ApproveProposal', ['{}'], {
            localMspId: 'GuangdongMSP',
            gatewayEndpoint: '127.0.0.1:21151',
            unavailableWaitMs: 2000,
          }),
        ),
      )) as TransactionError;
      expect(failure.code).to.equal('PEER_UNAVAILABLE');
      expect(failure.params).to.include({ orgs: 'NHSAMSP', endpoints: 'peer0.nhsa:21051' });
      expect(failure.message).to.include('Proposal:ApproveProposal needs its endorsement');
    });

    it('asks for a commit status from a gateway peer that is down for unavailableWaitMs at most, never resubmitting', async function () {
      mock.otherwise('CommitStatus', down);
      const [error, elapsed] = await virtualTime(async (clock) => {
        const failure = await rejection(
          submitWithRetry(mock.contract, 'F', [], { ...policy, unavailableWaitMs: 3000 }),
        );
        return [failure, clock()] as const;
      });
      const failure = error as TransactionError;
      const [txId] = ids(mock, 'Endorse');
      expect(failure.code).to.equal('PEER_UNAVAILABLE');
      expect(failure.template).to.equal('PEER_UNAVAILABLE.commitStatus');
      expect(failure.transactionId).to.equal(txId);
      expect(failure.message).to.include(`to say whether transaction ${String(txId)} committed`);
      expect(elapsed).to.equal(3000);
      expect(ids(mock, 'CommitStatus')).to.deep.equal([txId, txId, txId, txId, txId, txId, txId]);
      expect(mock.callsOf('Submit')).to.have.length(1);
    });

    it("retries a read while the client's gateway peer is down, then PEER_UNAVAILABLE naming it", async function () {
      const client = CatalogClient.fromConnection(mock.connection(), { unavailableWaitMs: 4000 });
      mock.queue('Evaluate', down(), evaluateResponse({ version: 3 }));
      const [got, elapsed] = await virtualTime(async (clock) => {
        const value = await client.getGovernance();
        return [value, clock()] as const;
      });
      expect(got).to.deep.equal({ version: 3 });
      expect(elapsed).to.equal(500);
      mock.otherwise('Evaluate', down);
      const failure = (await virtualTime(() => rejection(client.getGovernance()))) as TransactionError;
      expect(failure.code).to.equal('PEER_UNAVAILABLE');
      expect(failure.template).to.equal('PEER_UNAVAILABLE.evaluate');
      expect(failure.message).to.match(
        /^PEER_UNAVAILABLE: the gateway peer of NhsaMSP cannot be reached \(peer0\.nhsa\.example\.com:7051\): Governance:GetGovernance got no answer after 4 attempts in 3\.5 s \(14 UNAVAILABLE/,
      );
    });

    it('unreachablePeers tells an unreachable peer from anything else', async function () {
      const endorseFailure = async (error: grpc.ServiceError): Promise<unknown> => {
        const probe = new MockGateway();
        probe.queue('Endorse', error);
        try {
          return await rejection(probe.contract.newProposal('F').endorse());
        } finally {
          probe.close();
        }
      };
      expect(unreachablePeers(await endorseFailure(down()), undefined, undefined)).to.deep.equal({
        orgs: ['the caller'],
        endpoints: ['its gateway'],
      });
      const mixed = await endorseFailure(
        serviceError(grpc.status.ABORTED, 'failed', [
          { mspId: 'NHSAMSP', message: 'connection refused' },
          { mspId: 'SichuanMSP', message: 'chaincode response 500, VERSION_CONFLICT: x' },
        ]),
      );
      expect(unreachablePeers(mixed, 'GuangdongMSP', undefined)).to.equal(null);
      expect(
        unreachablePeers(await endorseFailure(serviceError(grpc.status.ABORTED, 'failed')), 'X', undefined),
      ).to.equal(null);
      expect(unreachablePeers(new Error('connection refused'), 'X', undefined)).to.equal(null);
    });
  });
});
