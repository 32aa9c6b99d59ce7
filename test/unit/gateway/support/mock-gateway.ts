/**
 * A scripted Fabric Gateway peer for unit tests, in the manner of fabric-gateway's own tests: a real
 * `grpc.Client` whose `makeUnaryRequest` / `makeServerStreamRequest` are replaced, handed to the real
 * `connect()` with a real ECDSA signer. Requests go through fabric-gateway's own serialisation and
 * are decoded here with @hyperledger/fabric-protos; answers are protobuf messages (or gRPC errors)
 * serialised and handed back through fabric-gateway's deserialisers, so everything between the
 * catalog client and the wire is the production code.
 *
 * Time is virtual: {@link virtualTime} runs a piece of code under Node's mock timers and fires each
 * pending timer as soon as nothing else can run, so back-offs and deadlines cost no wall-clock time.
 */
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import { common, gateway, google, peer } from '@hyperledger/fabric-protos';
import { generateKeyPairSync } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mock } from 'node:test';
import type { CatalogConnection } from '../../../../gateway-client/src/connection';
import type { WalletIdentity } from '../../../../gateway-client/src/identity';

export const CHANNEL = 'catalog-channel';
export const CHAINCODE = 'catalog';
export const MSP_ID = 'NhsaMSP';

/** The unary gateway methods. */
export type UnaryMethod = 'Endorse' | 'Submit' | 'CommitStatus' | 'Evaluate';

/** One unary request the mock received, decoded. */
export interface UnaryCall {
  readonly method: UnaryMethod;
  readonly transactionId: string;
  /** Chaincode function and string arguments (Endorse / Evaluate only). */
  readonly transactionName: string | null;
  readonly args: readonly string[];
  /** The call's deadline option, when one was set. */
  readonly deadline: grpc.Deadline | undefined;
}

interface Serializable {
  serializeBinary(): Uint8Array;
}

/** What a scripted handler answers: a protobuf response message, or a gRPC error to fail with. */
export type Answer = Serializable | grpc.ServiceError;
export type Handler = (call: UnaryCall) => Answer;

/** An `ErrorDetail` of a gateway error (one per endpoint). */
export interface Detail {
  readonly mspId?: string;
  readonly address?: string;
  readonly message: string;
}

const STATUS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(grpc.status)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([name, code]) => [code, name]),
);

interface AnyMessage {
  setTypeUrl(value: string): void;
  setValue(value: Uint8Array): void;
}

/** A gRPC ServiceError as grpc-js raises it, with `ErrorDetail`s in `grpc-status-details-bin`. */
export function serviceError(
  code: grpc.status,
  message: string,
  details: readonly Detail[] = [],
): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  if (details.length > 0) {
    const status = new google.rpc.Status();
    status.setCode(code);
    status.setMessage(message);
    for (const detail of details) {
      const errorDetail = new gateway.ErrorDetail();
      errorDetail.setMspId(detail.mspId ?? MSP_ID);
      errorDetail.setAddress(detail.address ?? 'peer0.nhsa.example.com:7051');
      errorDetail.setMessage(detail.message);
      // (google-protobuf ships no types, so the Any that addDetails() creates is typed here)
      const addDetails = status.addDetails.bind(status) as unknown as () => AnyMessage;
      const any = addDetails();
      any.setTypeUrl('type.googleapis.com/gateway.ErrorDetail');
      any.setValue(errorDetail.serializeBinary());
    }
    metadata.set('grpc-status-details-bin', Buffer.from(status.serializeBinary()));
  }
  return Object.assign(new Error(`${code} ${STATUS_NAMES[code] ?? 'UNKNOWN'}: ${message}`), {
    code,
    details: message,
    metadata,
  });
}

/** A prepared transaction envelope whose chaincode response carries `payload`, as the gateway returns it. */
export function preparedEnvelope(payload: Uint8Array | string, channel = CHANNEL): common.Envelope {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(bytes);
  const chaincodeAction = new peer.ChaincodeAction();
  chaincodeAction.setResponse(response);
  const responsePayload = new peer.ProposalResponsePayload();
  responsePayload.setExtension$(chaincodeAction.serializeBinary());
  const endorsedAction = new peer.ChaincodeEndorsedAction();
  endorsedAction.setProposalResponsePayload(responsePayload.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsedAction);
  const action = new peer.TransactionAction();
  action.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setChannelId(channel);
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const txPayload = new common.Payload();
  txPayload.setHeader(header);
  txPayload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(txPayload.serializeBinary());
  return envelope;
}

/** `EndorseResponse` with a prepared transaction returning `payload`. */
export function endorseResponse(payload: Uint8Array | string): gateway.EndorseResponse {
  const response = new gateway.EndorseResponse();
  response.setPreparedTransaction(preparedEnvelope(payload));
  return response;
}

export function submitResponse(): gateway.SubmitResponse {
  return new gateway.SubmitResponse();
}

/** `CommitStatusResponse` with a validation code and block number. */
export function commitStatus(
  code: peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap],
  blockNumber: number,
): gateway.CommitStatusResponse {
  const response = new gateway.CommitStatusResponse();
  response.setResult(code);
  response.setBlockNumber(blockNumber);
  return response;
}

/** `EvaluateResponse` whose result carries `payload` (a value is sent as JSON). */
export function evaluateResponse(value: unknown): gateway.EvaluateResponse {
  const response = new peer.Response();
  response.setStatus(200);
  response.setPayload(value instanceof Uint8Array ? value : Buffer.from(JSON.stringify(value)));
  const result = new gateway.EvaluateResponse();
  result.setResult(response);
  return result;
}

/** One chaincode event on the mock ledger. */
export interface LedgerEvent {
  readonly txId: string;
  readonly name: string;
  readonly payload: string;
}

/** A decoded `ChaincodeEvents` request: where the client asked the stream to start. */
export interface EventsRequest {
  readonly chaincode: string;
  /** `null` for "next commit". */
  readonly startBlock: number | null;
  readonly afterTransactionId: string;
}

/** How one chaincode-events stream (connection) misbehaves. */
export interface StreamFault {
  /** `makeServerStreamRequest` throws this at once. */
  readonly refuse?: grpc.ServiceError;
  /** The stream fails with this after delivering `afterResponses` block responses. */
  readonly fail?: grpc.ServiceError;
  /** The stream ends cleanly (no error) after delivering `afterResponses` block responses. */
  readonly end?: boolean;
  readonly afterResponses?: number;
}

function decodeInvocation(signed: peer.SignedProposal | undefined): { name: string | null; args: string[] } {
  if (signed === undefined) return { name: null, args: [] };
  const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()).getChaincodeSpec();
  const all = (spec?.getInput()?.getArgsList_asU8() ?? []).map((bytes) => Buffer.from(bytes).toString());
  return { name: all[0] ?? null, args: all.slice(1) };
}

function decodeUnary(method: UnaryMethod, bytes: Buffer, options: grpc.CallOptions): UnaryCall {
  const base = { method, deadline: options.deadline, transactionName: null, args: [] as string[] };
  switch (method) {
    case 'Endorse': {
      const request = gateway.EndorseRequest.deserializeBinary(bytes);
      const { name, args } = decodeInvocation(request.getProposedTransaction());
      return { ...base, transactionId: request.getTransactionId(), transactionName: name, args };
    }
    case 'Evaluate': {
      const request = gateway.EvaluateRequest.deserializeBinary(bytes);
      const { name, args } = decodeInvocation(request.getProposedTransaction());
      return { ...base, transactionId: request.getTransactionId(), transactionName: name, args };
    }
    case 'Submit':
      return { ...base, transactionId: gateway.SubmitRequest.deserializeBinary(bytes).getTransactionId() };
    case 'CommitStatus': {
      const signed = gateway.SignedCommitStatusRequest.deserializeBinary(bytes);
      const request = gateway.CommitStatusRequest.deserializeBinary(signed.getRequest_asU8());
      return { ...base, transactionId: request.getTransactionId() };
    }
  }
}

function isServiceError(answer: Answer): answer is grpc.ServiceError {
  return answer instanceof Error;
}

/**
 * The scripted gateway peer. Each unary method answers from its queue (see {@link queue}) and then
 * from its default handler: endorse returns `"{}"`, submit succeeds, commit status is VALID in a
 * block numbered after the call, evaluate returns `{}`. `calls` records every request, in order.
 */
export class MockGateway {
  public readonly calls: UnaryCall[] = [];
  public readonly eventRequests: EventsRequest[] = [];
  /** Chaincode events per block number (the ledger the events stream reads). */
  public readonly blocks = new Map<number, LedgerEvent[]>();
  /** Faults of the next event streams, one per connection, consumed in order. */
  public readonly streamFaults: StreamFault[] = [];
  public readonly client: grpc.Client;
  public readonly gateway: Gateway;
  public readonly network: Network;
  public readonly contract: Contract;
  public readonly identity: WalletIdentity;

  private readonly queues = new Map<UnaryMethod, (Answer | Handler)[]>();
  private readonly defaults = new Map<UnaryMethod, Handler>([
    ['Endorse', () => endorseResponse('{}')],
    ['Submit', () => submitResponse()],
    ['CommitStatus', () => commitStatus(peer.TxValidationCode.VALID, 100 + this.calls.length)],
    ['Evaluate', () => evaluateResponse({})],
  ]);

  public constructor() {
    this.client = new grpc.Client('peer0.nhsa.example.com:7051', grpc.credentials.createInsecure());
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signer = signers.newPrivateKeySigner(privateKey);
    const identity = { mspId: MSP_ID, credentials: Buffer.from('-----BEGIN CERTIFICATE-----\nMOCK\n') };
    this.identity = { ref: { org: 'nhsa', name: 'admin' }, mspId: MSP_ID, role: 'admin', identity, signer };
    const unary = (
      method: string,
      serialize: (value: unknown) => Buffer,
      deserialize: (value: Buffer) => unknown,
      argument: unknown,
      options: grpc.CallOptions,
      callback: grpc.requestCallback<unknown>,
    ): grpc.ClientUnaryCall => {
      const name = method.replace('/gateway.Gateway/', '') as UnaryMethod;
      const call = decodeUnary(name, serialize(argument), options);
      this.calls.push(call);
      const answer = this.answer(call);
      queueMicrotask(() => {
        if (isServiceError(answer)) callback(answer);
        else callback(null, deserialize(Buffer.from(answer.serializeBinary())));
      });
      return new EventEmitter() as grpc.ClientUnaryCall;
    };
    const stream = (
      method: string,
      serialize: (value: unknown) => Buffer,
      deserialize: (value: Buffer) => unknown,
      argument: unknown,
    ): grpc.ClientReadableStream<unknown> => {
      if (method !== '/gateway.Gateway/ChaincodeEvents') throw new Error(`unexpected stream ${method}`);
      return this.openEvents(
        serialize(argument),
        deserialize,
      ) as unknown as grpc.ClientReadableStream<unknown>;
    };
    Object.assign(this.client, { makeUnaryRequest: unary, makeServerStreamRequest: stream });
    this.gateway = connect({
      client: this.client,
      identity,
      signer,
      hash: hash.sha256,
      endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    this.network = this.gateway.getNetwork(CHANNEL);
    this.contract = this.network.getContract(CHAINCODE);
  }

  /** A {@link CatalogConnection} over this mock, as `openConnection` builds one. */
  public connection(): CatalogConnection {
    return {
      identity: this.identity,
      profile: {
        org: 'nhsa',
        mspId: MSP_ID,
        peerEndpoint: 'peer0.nhsa.example.com:7051',
        peerHostAlias: 'peer0.nhsa.example.com',
        tlsRootCert: '',
        channel: CHANNEL,
        chaincode: CHAINCODE,
      },
      gateway: this.gateway,
      network: this.network,
      contract: this.contract,
      close: () => {
        this.close();
      },
    };
  }

  /** Answers for the next calls of `method`, in order, before its default handler takes over. */
  public queue(method: UnaryMethod, ...answers: (Answer | Handler)[]): this {
    const queued = this.queues.get(method) ?? [];
    queued.push(...answers);
    this.queues.set(method, queued);
    return this;
  }

  /** Replaces the default handler of `method` (used once its queue is empty). */
  public otherwise(method: UnaryMethod, handler: Handler): this {
    this.defaults.set(method, handler);
    return this;
  }

  /** The recorded calls of one method. */
  public callsOf(method: UnaryMethod): UnaryCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  public close(): void {
    this.gateway.close();
    this.client.close();
  }

  private answer(call: UnaryCall): Answer {
    const next = this.queues.get(call.method)?.shift();
    if (next !== undefined) return typeof next === 'function' ? next(call) : next;
    const fallback = this.defaults.get(call.method);
    if (!fallback) throw new Error(`no answer for ${call.method}`);
    return fallback(call);
  }

  /**
   * A chaincode-events stream as the gateway serves it: from the requested block (or the checkpoint's),
   * skipping that block's events up to and including `afterTransactionId`, one response per block; it
   * stays open (pending) at the end of the ledger until cancelled, and fails as `streamFaults` say.
   */
  private openEvents(
    bytes: Buffer,
    deserialize: (value: Buffer) => unknown,
  ): AsyncIterable<unknown> & { cancel(): void } {
    const signed = gateway.SignedChaincodeEventsRequest.deserializeBinary(bytes);
    const request = gateway.ChaincodeEventsRequest.deserializeBinary(signed.getRequest_asU8());
    const start = request.getStartPosition();
    const startBlock = start?.hasSpecified() ? start.getSpecified()!.getNumber() : null;
    const decoded: EventsRequest = {
      chaincode: request.getChaincodeId(),
      startBlock,
      afterTransactionId: request.getAfterTransactionId(),
    };
    this.eventRequests.push(decoded);
    const fault = this.streamFaults.shift() ?? {};
    if (fault.refuse) throw fault.refuse;
    const numbers = [...this.blocks.keys()]
      .filter((number) => number >= (startBlock ?? Math.max(-1, ...this.blocks.keys()) + 1))
      .sort((a, b) => a - b);
    const responses: unknown[] = [];
    for (const number of numbers) {
      let events = this.blocks.get(number) ?? [];
      if (number === startBlock && decoded.afterTransactionId !== '') {
        const at = events.findIndex((event) => event.txId === decoded.afterTransactionId);
        events = events.slice(at + 1);
      }
      if (events.length === 0) continue;
      const response = new gateway.ChaincodeEventsResponse();
      response.setBlockNumber(number);
      response.setEventsList(
        events.map((event) => {
          const chaincodeEvent = new peer.ChaincodeEvent();
          chaincodeEvent.setChaincodeId(decoded.chaincode);
          chaincodeEvent.setTxId(event.txId);
          chaincodeEvent.setEventName(event.name);
          chaincodeEvent.setPayload(Buffer.from(event.payload));
          return chaincodeEvent;
        }),
      );
      responses.push(deserialize(Buffer.from(response.serializeBinary())));
    }
    let delivered = 0;
    let cancelled = false;
    let wake: (() => void) | undefined;
    const cancelledError = (): grpc.ServiceError =>
      serviceError(grpc.status.CANCELLED, 'Cancelled on client');
    return {
      cancel: () => {
        cancelled = true;
        wake?.();
      },
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<unknown>> => {
          await Promise.resolve();
          if (cancelled) throw cancelledError();
          if (fault.fail && delivered >= (fault.afterResponses ?? 0)) throw fault.fail;
          if (fault.end === true && delivered >= (fault.afterResponses ?? 0))
            return { done: true, value: undefined };
          const value = responses[delivered];
          if (value !== undefined) {
            delivered += 1;
            return { done: false, value };
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          throw cancelledError();
        },
      }),
    };
  }
}

/** The error `promise` rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * Runs `body` under mock timers (setTimeout, incl. `node:timers/promises`, and Date) and settles it
 * in virtual time: whenever nothing but timers is left to run, every pending timer fires at once.
 * `elapsed()` tells how much virtual time has passed.
 */
export async function virtualTime<T>(body: (elapsed: () => number) => Promise<T>): Promise<T> {
  const start = Date.now();
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: start });
  try {
    const state = { settled: false };
    const run = body(() => Date.now() - start).finally(() => {
      state.settled = true;
    });
    run.catch(() => undefined);
    for (let spins = 0; ; spins += 1) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (state.settled) break;
      if (spins > 100_000) throw new Error('virtualTime: the code under test never settles');
      mock.timers.runAll();
    }
    return await run;
  } finally {
    mock.timers.reset();
  }
}
