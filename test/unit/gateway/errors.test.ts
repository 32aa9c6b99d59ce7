/**
 * The error mapping: every kind of gateway error, raised by fabric-gateway itself from scripted gRPC
 * failures, becomes its typed CatalogClientError; a chaincode `CODE: message` in the message or in an
 * endpoint's error detail becomes the typed chaincode error carrying that code.
 */
import * as grpc from '@grpc/grpc-js';
import { CommitError, GatewayError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { ERROR_CODES, type ErrorCode } from '@nrdl-catalog/chaincode/model';
import {
  CatalogClientError,
  ChaincodeError,
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  TransactionError,
  chaincodeError,
  toClientError,
  validationCodeName,
} from '../../../gateway-client/src/errors';
import { MockGateway, commitStatus, rejection, serviceError, virtualTime } from './support/mock-gateway';

type ErrorClass = typeof ChaincodeError;

/** The typed error each chaincode code is expected to become. */
const EXPECTED: Record<ErrorCode, ErrorClass> = {
  INVALID_INPUT: InvalidInputError,
  UNKNOWN_PROVINCE: ChaincodeError,
  ITEM_NOT_FOUND: NotFoundError,
  RULE_NOT_FOUND: NotFoundError,
  POLICY_NOT_FOUND: NotFoundError,
  VERSION_NOT_FOUND: NotFoundError,
  PROPOSAL_NOT_FOUND: NotFoundError,
  PROPOSAL_STATE: ConflictError,
  CHUNK_TOO_LARGE: ChaincodeError,
  CHUNK_CONFLICT: ConflictError,
  CHUNK_NOT_FOUND: NotFoundError,
  CHUNKS_INCOMPLETE: ConflictError,
  DUPLICATE_CHANGE: ConflictError,
  SCOPE_VIOLATION: ForbiddenError,
  FORBIDDEN_ROLE: ForbiddenError,
  FORBIDDEN_ORG: ForbiddenError,
  SELF_APPROVAL: ForbiddenError,
  MEMBER_SUSPENDED: ForbiddenError,
  ALREADY_VOTED: ConflictError,
  STALE_REVIEW: ConflictError,
  MANIFEST_MISMATCH: ConflictError,
  ID_MISMATCH: ForbiddenError,
  QUORUM_NOT_MET: ConflictError,
  VERSION_CONFLICT: ConflictError,
  GOVERNANCE_NOT_INITIALISED: ChaincodeError,
  GOVERNANCE_EXISTS: ConflictError,
  GOVERNANCE_INVALID: ChaincodeError,
  NOT_FOUND: ChaincodeError,
  INTERNAL: ChaincodeError,
};

describe('gateway errors → typed client errors', function () {
  let mock: MockGateway;

  beforeEach(function () {
    mock = new MockGateway();
  });

  afterEach(function () {
    mock.close();
  });

  /** The GatewayError fabric-gateway raises for an evaluate that fails with `error`. */
  async function evaluateFailure(error: grpc.ServiceError): Promise<unknown> {
    mock.queue('Evaluate', error);
    return rejection(mock.contract.evaluateTransaction('Catalog:GetItem', '{}'));
  }

  it('covers every chaincode error code', function () {
    expect(Object.keys(EXPECTED).sort()).to.deep.equal(Object.keys(ERROR_CODES).sort());
  });

  for (const [code, type] of Object.entries(EXPECTED) as [ErrorCode, ErrorClass][]) {
    it(`${code} in an endpoint's error detail → ${type.name}`, async function () {
      const raw = await evaluateFailure(
        serviceError(grpc.status.UNKNOWN, 'evaluate call to endorser returned error', [
          { message: `chaincode response 500, ${code}: something about it` },
        ]),
      );
      expect(raw).to.be.instanceOf(GatewayError);
      const mapped = toClientError(raw);
      expect(mapped.constructor).to.equal(type);
      expect(mapped).to.be.instanceOf(ChaincodeError);
      expect(mapped.code).to.equal(code);
      expect(mapped.message).to.equal(`${code}: something about it`);
      expect(mapped.cause).to.equal(raw);
      expect(mapped.name).to.equal(type.name);
    });
  }

  it('reads the chaincode code from the gateway message itself too', async function () {
    const raw = await evaluateFailure(
      serviceError(grpc.status.UNKNOWN, 'chaincode response 500, PROPOSAL_NOT_FOUND: no proposal P-9'),
    );
    const mapped = toClientError(raw);
    expect(mapped).to.be.instanceOf(NotFoundError);
    expect(mapped.message).to.equal('PROPOSAL_NOT_FOUND: no proposal P-9');
  });

  it('ignores upper-case words that are not chaincode codes', async function () {
    const raw = await evaluateFailure(
      serviceError(grpc.status.UNKNOWN, 'failed', [{ message: 'TLS_HANDSHAKE: broken pipe' }]),
    );
    const mapped = toClientError(raw);
    expect(mapped).to.be.instanceOf(TransactionError);
    expect(mapped.code).to.equal('GATEWAY_ERROR');
    expect(mapped.message).to.equal('GATEWAY_ERROR: 2 UNKNOWN: failed (NhsaMSP: TLS_HANDSHAKE: broken pipe)');
  });

  it('a gRPC INTERNAL or NOT_FOUND status stays a transport error, not a chaincode INTERNAL / NOT_FOUND', async function () {
    mock.queue('Endorse', serviceError(grpc.status.INTERNAL, 'Received RST_STREAM with code 2'));
    const endorse = toClientError(await rejection(mock.contract.submitTransaction('F')));
    expect(endorse).to.not.be.instanceOf(ChaincodeError);
    expect(endorse.code).to.equal('ENDORSE_FAILED');
    const evaluate = toClientError(
      await evaluateFailure(serviceError(grpc.status.NOT_FOUND, 'unknown channel')),
    );
    expect(evaluate).to.not.be.instanceOf(ChaincodeError);
    expect(evaluate.code).to.equal('GATEWAY_ERROR');
  });

  it('an evaluate DEADLINE_EXCEEDED → DEADLINE_EXCEEDED', async function () {
    const raw = await evaluateFailure(serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    const mapped = toClientError(raw);
    expect(mapped).to.be.instanceOf(TransactionError);
    expect(mapped.code).to.equal('DEADLINE_EXCEEDED');
    expect(mapped.message).to.equal('DEADLINE_EXCEEDED: 4 DEADLINE_EXCEEDED: Deadline exceeded');
    expect(mapped.transactionId).to.equal(undefined);
  });

  it('another evaluate failure → GATEWAY_ERROR', async function () {
    const mapped = toClientError(
      await evaluateFailure(serviceError(grpc.status.UNAVAILABLE, 'No connection')),
    );
    expect(mapped.code).to.equal('GATEWAY_ERROR');
  });

  it('EndorseError → ENDORSE_FAILED with the transaction id the error carries', async function () {
    mock.queue('Endorse', serviceError(grpc.status.ABORTED, 'failed to endorse'));
    const raw = await rejection(mock.contract.submitTransaction('F'));
    const mapped = toClientError(raw);
    expect(mapped).to.be.instanceOf(TransactionError);
    expect(mapped.code).to.equal('ENDORSE_FAILED');
    expect(mapped.transactionId).to.equal(mock.callsOf('Endorse')[0]?.transactionId);
    expect(toClientError(raw, 'explicit').transactionId).to.equal('explicit');
  });

  it('SubmitError → SUBMIT_FAILED', async function () {
    mock.queue('Submit', serviceError(grpc.status.UNAVAILABLE, 'orderer down'));
    const mapped = toClientError(await rejection(mock.contract.submitTransaction('F')));
    expect(mapped.code).to.equal('SUBMIT_FAILED');
    expect(mapped.transactionId).to.equal(mock.callsOf('Submit')[0]?.transactionId);
  });

  it('CommitStatusError → COMMIT_STATUS_FAILED', async function () {
    mock.queue('CommitStatus', serviceError(grpc.status.NOT_FOUND, 'no such transaction'));
    const mapped = toClientError(await rejection(mock.contract.submitTransaction('F')));
    expect(mapped.code).to.equal('COMMIT_STATUS_FAILED');
    expect(mapped.transactionId).to.equal(mock.callsOf('CommitStatus')[0]?.transactionId);
  });

  it('CommitError → TransactionError named after the validation code', async function () {
    mock.queue('CommitStatus', commitStatus(peer.TxValidationCode.MVCC_READ_CONFLICT, 8));
    const raw = await virtualTime(() => rejection(mock.contract.submitTransaction('F')));
    expect(raw).to.be.instanceOf(CommitError);
    const mapped = toClientError(raw);
    expect(mapped).to.be.instanceOf(TransactionError);
    expect(mapped.code).to.equal('MVCC_READ_CONFLICT');
    expect(mapped.transactionId).to.equal(mock.callsOf('Endorse')[0]?.transactionId);
  });

  it('plain errors: coded → chaincode error, otherwise CLIENT_ERROR; non-errors too', function () {
    const coded = toClientError(new Error('CHUNK_CONFLICT: chunk 2 differs'));
    expect(coded).to.be.instanceOf(ConflictError);
    expect(coded.code).to.equal('CHUNK_CONFLICT');
    const plain = toClientError(new Error('socket hang up'), 'tx-1');
    expect(plain.constructor).to.equal(CatalogClientError);
    expect(plain.code).to.equal('CLIENT_ERROR');
    expect(plain.message).to.equal('CLIENT_ERROR: socket hang up');
    expect(plain.transactionId).to.equal('tx-1');
    const thrown = toClientError('a string');
    expect(thrown.code).to.equal('CLIENT_ERROR');
    expect(thrown.message).to.equal('CLIENT_ERROR: a string');
    expect(toClientError(null).message).to.equal('CLIENT_ERROR: null');
    expect(toClientError({ transactionId: 'tx-2' }).transactionId).to.equal('tx-2');
  });

  it('passes a CatalogClientError through unchanged', function () {
    const original = new ForbiddenError('FORBIDDEN_ROLE', 'FORBIDDEN_ROLE: no');
    expect(toClientError(original, 'other')).to.equal(original);
  });

  it('does not repeat a code the message already starts with', function () {
    expect(new CatalogClientError('X', 'X: y').message).to.equal('X: y');
    expect(new CatalogClientError('X', 'y').message).to.equal('X: y');
    expect(chaincodeError('INTERNAL', 'boom').message).to.equal('INTERNAL: boom');
    const withBlock = new TransactionError('MVCC_READ_CONFLICT', 'm', {
      blockNumber: 3n,
      transactionId: 't',
    });
    expect(withBlock.blockNumber).to.equal(3n);
    expect(new TransactionError('A', 'b').blockNumber).to.equal(undefined);
  });

  it('names validation codes, and unknown ones by number', function () {
    expect(validationCodeName(peer.TxValidationCode.MVCC_READ_CONFLICT)).to.equal('MVCC_READ_CONFLICT');
    expect(validationCodeName(peer.TxValidationCode.PHANTOM_READ_CONFLICT)).to.equal('PHANTOM_READ_CONFLICT');
    expect(validationCodeName(0)).to.equal('VALID');
    expect(validationCodeName(999)).to.equal('VALIDATION_999');
  });
});
