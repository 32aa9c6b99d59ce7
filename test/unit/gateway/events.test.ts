/**
 * The checkpointed chaincode-event listener over a scripted gateway events stream: after a stream
 * error (or a failing handler) it reconnects from the checkpoint — the block and the transaction
 * after which to resume — so every event is handled once, in order; connection failures back off
 * exponentially and reset after a delivered event; a checkpoint file carries the position across runs.
 */
import * as grpc from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  listenCatalogEvents,
  type CatalogEvent,
  type ListenOptions,
} from '../../../gateway-client/src/events';
import { MockGateway, serviceError, virtualTime, type LedgerEvent } from './support/mock-gateway';

const event = (txId: string, name = 'ProposalCreated'): LedgerEvent => ({
  txId,
  name,
  payload: JSON.stringify({ txId }),
});

describe('listenCatalogEvents over a mocked gateway', function () {
  let mock: MockGateway;

  beforeEach(function () {
    mock = new MockGateway();
    mock.blocks.set(5, [event('tx1'), event('tx2')]);
    mock.blocks.set(6, [event('tx3', 'ChunkApplied')]);
    mock.blocks.set(7, [event('tx4'), event('tx5', 'VersionSealed')]);
  });

  afterEach(function () {
    mock.close();
  });

  /**
   * Listens until `count` events were handled (then aborts); `handle` may throw to fail an event.
   * Returns the handled events, the reconnect reports and the virtual time taken.
   */
  async function listen(
    count: number,
    options: Omit<ListenOptions, 'signal' | 'onReconnect'> = {},
    handle: (event: CatalogEvent) => void = () => undefined,
  ): Promise<{ handled: CatalogEvent[]; reconnects: [unknown, number][]; elapsed: number }> {
    const handled: CatalogEvent[] = [];
    const reconnects: [unknown, number][] = [];
    const controller = new AbortController();
    return virtualTime(async (clock) => {
      await listenCatalogEvents(
        mock.network,
        (received) => {
          handle(received);
          handled.push(received);
          if (handled.length === count) controller.abort();
        },
        {
          ...options,
          signal: controller.signal,
          onReconnect: (error, attempt) => {
            reconnects.push([error, attempt]);
          },
        },
      );
      return { handled, reconnects, elapsed: clock() };
    });
  }

  it('delivers decoded events in order from the start block', async function () {
    const { handled, reconnects } = await listen(5, { startBlock: 5n });
    expect(handled.map((e) => e.transactionId)).to.deep.equal(['tx1', 'tx2', 'tx3', 'tx4', 'tx5']);
    expect(handled[2]).to.deep.equal({
      name: 'ChunkApplied',
      payload: { txId: 'tx3' },
      transactionId: 'tx3',
      blockNumber: 6n,
    });
    expect(reconnects).to.deep.equal([]);
    expect(mock.eventRequests).to.deep.equal([
      { chaincode: 'catalog', startBlock: 5, afterTransactionId: '' },
    ]);
  });

  it('resumes after a stream error from the checkpoint, without duplicates', async function () {
    mock.streamFaults.push({
      fail: serviceError(grpc.status.UNAVAILABLE, 'peer restarted'),
      afterResponses: 1,
    });
    const { handled, reconnects, elapsed } = await listen(5, { startBlock: 5n, reconnectMs: 100 });
    expect(handled.map((e) => e.transactionId)).to.deep.equal(['tx1', 'tx2', 'tx3', 'tx4', 'tx5']);
    expect(mock.eventRequests).to.deep.equal([
      { chaincode: 'catalog', startBlock: 5, afterTransactionId: '' },
      { chaincode: 'catalog', startBlock: 5, afterTransactionId: 'tx2' },
    ]);
    expect(reconnects).to.have.length(1);
    const [error, attempt] = reconnects[0]!;
    expect(error).to.be.instanceOf(GatewayError);
    expect((error as GatewayError).code).to.equal(grpc.status.UNAVAILABLE);
    expect(attempt).to.equal(1);
    expect(elapsed).to.equal(100);
  });

  it('resumes inside a block after the last event the handler completed', async function () {
    let failed = false;
    const { handled, reconnects } = await listen(5, { startBlock: 5n, reconnectMs: 10 }, (received) => {
      if (received.transactionId === 'tx5' && !failed) {
        failed = true;
        throw new Error('database busy');
      }
    });
    expect(handled.map((e) => e.transactionId)).to.deep.equal(['tx1', 'tx2', 'tx3', 'tx4', 'tx5']);
    expect(mock.eventRequests.map((r) => [r.startBlock, r.afterTransactionId])).to.deep.equal([
      [5, ''],
      [7, 'tx4'],
    ]);
    expect(reconnects.map(([error, attempt]) => [(error as Error).message, attempt])).to.deep.equal([
      ['database busy', 1],
    ]);
  });

  it('backs off exponentially while the gateway refuses, and resets after an event', async function () {
    const down = serviceError(grpc.status.UNAVAILABLE, 'connection refused');
    mock.streamFaults.push(
      { refuse: down },
      { refuse: down },
      { refuse: down },
      { fail: down, afterResponses: 1 },
      { refuse: down },
    );
    const { handled, reconnects, elapsed } = await listen(5, { startBlock: 5n, reconnectMs: 100 });
    expect(handled.map((e) => e.transactionId)).to.deep.equal(['tx1', 'tx2', 'tx3', 'tx4', 'tx5']);
    expect(reconnects.map(([, attempt]) => attempt)).to.deep.equal([1, 2, 3, 1, 2]);
    expect(reconnects.every(([error]) => error instanceof GatewayError)).to.equal(true);
    expect(elapsed).to.equal(100 + 200 + 400 + 100 + 200);
    expect(mock.eventRequests.map((r) => r.afterTransactionId)).to.deep.equal(['', '', '', '', 'tx2', 'tx2']);
  });

  it('backs off when the peer keeps ending the stream before any event, and reconnects at once after one that delivered', async function () {
    mock.streamFaults.push({ end: true }, { end: true }, { end: true, afterResponses: 1 }, { end: true });
    const { handled, reconnects, elapsed } = await listen(5, { startBlock: 5n, reconnectMs: 100 });
    expect(handled.map((e) => e.transactionId)).to.deep.equal(['tx1', 'tx2', 'tx3', 'tx4', 'tx5']);
    expect(reconnects.map(([error, attempt]) => [(error as Error).message, attempt])).to.deep.equal([
      ['event stream ended', 1],
      ['event stream ended', 2],
      ['event stream ended', 1],
    ]);
    expect(elapsed).to.equal(100 + 200 + 100);
    expect(mock.eventRequests.map((r) => r.afterTransactionId)).to.deep.equal(['', '', '', 'tx2', 'tx2']);
  });

  it('caps the back-off at 30 s', async function () {
    const down = serviceError(grpc.status.UNAVAILABLE, 'connection refused');
    mock.streamFaults.push(...Array.from({ length: 4 }, () => ({ refuse: down })));
    const { elapsed } = await listen(1, { startBlock: 5n, reconnectMs: 10_000 });
    expect(elapsed).to.equal(10_000 + 20_000 + 30_000 + 30_000);
  });

  it('starts at the next commit without a start block, and listens to another chaincode', async function () {
    mock.streamFaults.push({ fail: serviceError(grpc.status.UNAVAILABLE, 'x'), afterResponses: 0 });
    const controller = new AbortController();
    await virtualTime(() =>
      listenCatalogEvents(mock.network, () => undefined, {
        chaincode: 'other',
        signal: controller.signal,
        onReconnect: () => {
          controller.abort();
        },
      }),
    );
    expect(mock.eventRequests).to.deep.equal([
      { chaincode: 'other', startBlock: null, afterTransactionId: '' },
    ]);
  });

  it('stops when aborted while waiting for events', async function () {
    const controller = new AbortController();
    const handled: string[] = [];
    await virtualTime(async () => {
      const listening = listenCatalogEvents(
        mock.network,
        (received) => {
          handled.push(received.transactionId);
        },
        { startBlock: 7n, signal: controller.signal },
      );
      while (handled.length < 2) await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      controller.abort(); // the stream is open and waiting for block 8
      await listening;
    });
    expect(handled).to.deep.equal(['tx4', 'tx5']);
    expect(mock.eventRequests).to.have.length(1);
  });

  it('does not listen at all when the signal is already aborted', async function () {
    await listenCatalogEvents(mock.network, () => undefined, { signal: AbortSignal.abort() });
    expect(mock.eventRequests).to.have.length(0);
  });

  it('keeps a payload that is not JSON as text', async function () {
    mock.blocks.set(8, [{ txId: 'tx6', name: 'Raw', payload: 'not json' }]);
    const { handled } = await listen(1, { startBlock: 8n });
    expect(handled).to.deep.equal([
      { name: 'Raw', payload: 'not json', transactionId: 'tx6', blockNumber: 8n },
    ]);
  });

  it('resumes a later run from the checkpoint file', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'events-'));
    try {
      const checkpointFile = path.join(dir, 'checkpoint.json');
      const first = await listen(3, { startBlock: 5n, checkpointFile });
      expect(first.handled.map((e) => e.transactionId)).to.deep.equal(['tx1', 'tx2', 'tx3']);
      const second = await listen(2, { startBlock: 5n, checkpointFile });
      expect(second.handled.map((e) => e.transactionId)).to.deep.equal(['tx4', 'tx5']);
      expect(mock.eventRequests.map((r) => [r.startBlock, r.afterTransactionId])).to.deep.equal([
        [5, ''],
        [6, 'tx3'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
