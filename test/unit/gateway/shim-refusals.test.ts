/**
 * Refusals raised before the catalog's code runs reach the caller as codes: fabric-shim's contract
 * dispatch (unknown contract or function, wrong number of arguments — the real messages, taken from
 * fabric-shim's `ChaincodeFromContract` running the real contracts) and the peer's refusal of a
 * creator it cannot validate, each carried by fabric-gateway as the gateway does (in the status
 * message of an evaluate, in an endpoint's detail of an endorsement).
 */
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import {
  CatalogContract,
  GovernanceContract,
  ProposalContract,
  SystemContract,
} from '@nrdl-catalog/chaincode';
import { JSONSerializer } from 'fabric-contract-api';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { localMessage, RefusedCallError, refusalOf, toClientError } from '../../../gateway-client/src/errors';
import { clientIdentity } from '../audit/support/certs';
import { MockGateway, rejection, serviceError } from './support/mock-gateway';

interface ShimResponse {
  readonly status: number;
  readonly message: string;
}

interface Dispatcher {
  invokeFunctionality(stub: unknown): Promise<ShimResponse>;
}

type DispatcherClass = new (
  contracts: unknown[],
  serializers: unknown,
  metadata: unknown,
  title: string,
  version: string,
) => Dispatcher;

/** What fabric-shim answers for `fn` with `args`, dispatching to the real contracts. */
async function shimAnswer(fn: string, args: string[]): Promise<ShimResponse> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- fabric-shim ships no types for its contract SPI
  const Dispatcher = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as DispatcherClass;
  const metadata = JSON.parse(
    readFileSync(path.resolve(__dirname, '../../../chaincode/metadata.json'), 'utf8'),
  ) as unknown;
  const dispatcher = new Dispatcher(
    [SystemContract, CatalogContract, ProposalContract, GovernanceContract],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    metadata,
    'catalog',
    '0.0.0',
  );
  const creator = clientIdentity('NHSAMSP', 'hospital');
  const stub = {
    getBufferArgs: () => [fn, ...args].map((a) => Buffer.from(a)),
    getFunctionAndParameters: () => ({ fcn: fn, params: args }),
    getTxID: () => 'tx-1',
    getChannelID: () => 'catalog',
    getCreator: () => ({ mspid: creator.mspId, idBytes: Buffer.from(creator.pem) }),
  };
  return dispatcher.invokeFunctionality(stub);
}

describe('refusals before the chaincode runs → coded client errors', function () {
  let mock: MockGateway;

  beforeEach(function () {
    mock = new MockGateway();
  });

  afterEach(function () {
    mock.close();
  });

  const cases: readonly (readonly [string, string, string[], string])[] = [
    ['an unknown function', 'Catalog:StealEverything', ['{}'], 'UNKNOWN_TRANSACTION'],
    ['an unknown contract', 'Rogue:Write', ['k', 'v'], 'UNKNOWN_TRANSACTION'],
    ['no argument where one is declared', 'Catalog:GetItem', [], 'ARGUMENT_COUNT'],
    ['two arguments where one is declared', 'Proposal:CreateProposal', ['{}', '{}'], 'ARGUMENT_COUNT'],
    ['one argument where two are declared', 'System:GetPing', ['NHSAMSP'], 'ARGUMENT_COUNT'],
  ];

  for (const [what, fn, args, code] of cases) {
    it(`${what} (${fn}, ${String(args.length)} arguments): fabric-shim's message → ${code}, in an evaluate and in an endorsement`, async function () {
      const answer = await shimAnswer(fn, args);
      expect(answer.status).to.equal(500);
      const peerText = `chaincode response 500, ${answer.message}`;

      mock.queue(
        'Evaluate',
        serviceError(grpc.status.UNKNOWN, `evaluate call to endorser returned error: ${peerText}`),
      );
      const evaluated = toClientError(await rejection(mock.contract.evaluateTransaction(fn, ...args)));
      expect(evaluated).to.be.instanceOf(RefusedCallError);
      expect(evaluated.code).to.equal(code);
      expect(evaluated.message.startsWith(`${code}: `), evaluated.message).to.equal(true);

      mock.queue(
        'Endorse',
        serviceError(
          grpc.status.ABORTED,
          'failed to endorse transaction, see attached details for more info',
          [{ message: peerText }],
        ),
      );
      const endorsed = toClientError(await rejection(mock.contract.submitTransaction(fn, ...args)));
      expect(endorsed).to.be.instanceOf(RefusedCallError);
      expect(endorsed.code).to.equal(code);
      expect(localMessage(endorsed, 'zh').startsWith(`${code}: `)).to.equal(true);
      expect(localMessage(endorsed, 'zh')).to.not.equal(localMessage(endorsed, 'en'));
    });
  }

  it("the peer's refusal of a creator it cannot validate → ACCESS_DENIED", async function () {
    const text = 'access denied: channel [catalog] creator org unknown, creator is malformed';
    mock.queue(
      'Evaluate',
      serviceError(grpc.status.PERMISSION_DENIED, `evaluate call to endorser returned error: ${text}`),
    );
    const evaluated = toClientError(await rejection(mock.contract.evaluateTransaction('System:WhoAmI')));
    expect(evaluated.code).to.equal('ACCESS_DENIED');
    expect(evaluated.message).to.equal(`ACCESS_DENIED: ${text}`);
  });

  it('other texts are no refusal of these kinds, and a chaincode code still wins', async function () {
    expect(refusalOf('chaincode response 500, PROPOSAL_NOT_FOUND: no proposal P-1')).to.equal(null);
    expect(refusalOf('failed to connect')).to.equal(null);
    mock.queue(
      'Evaluate',
      serviceError(grpc.status.UNKNOWN, 'chaincode response 500, ITEM_NOT_FOUND: no such item'),
    );
    const mapped = toClientError(await rejection(mock.contract.evaluateTransaction('Catalog:GetItem', '{}')));
    expect(mapped.code).to.equal('ITEM_NOT_FOUND');
  });
});
