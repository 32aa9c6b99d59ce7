/**
 * `GET /v1/events` over a fake event source (a real listen on 127.0.0.1, port 0, read with fetch):
 * one listener for every subscriber, each chaincode event fanned out to all of them as `version` and
 * `proposal` server-sent events with JSON data, heartbeat comments, subscribers removed when they
 * disconnect or sign out, the listener stopped when the server closes; the chaincode events the
 * console is told about; the event source of a channel over a mocked gateway.
 */
import { expect } from 'chai';
import {
  EventHub,
  consoleEventsOf,
  networkEventSource,
  type CatalogEventSource,
} from '../../../apps/api/src/events';
import { sseFrame } from '../../../apps/api/src/event-stream';
import { buildApi, startApiServer, type ApiServer } from '../../../apps/api/src/server';
import type { CatalogEvent } from '../../../gateway-client/src/events';
import { MockGateway } from '../gateway/support/mock-gateway';
import { fakeClient, KEYS } from './support/fake-client';

/** An event source the test drives: `emit` delivers to the server's one listener. */
class FakeSource implements CatalogEventSource {
  public listens = 0;
  public stopped = 0;
  #deliver: ((event: CatalogEvent) => void) | null = null;
  #started: (() => void)[] = [];

  public listen(onEvent: (event: CatalogEvent) => void, signal: AbortSignal): Promise<void> {
    this.listens += 1;
    this.#deliver = onEvent;
    for (const started of this.#started.splice(0)) started();
    return new Promise((resolve) => {
      signal.addEventListener('abort', () => {
        this.stopped += 1;
        this.#deliver = null;
        resolve();
      });
    });
  }

  /** Resolves once a listener runs. */
  public listening(): Promise<void> {
    return this.#deliver === null
      ? new Promise((resolve) => {
          this.#started.push(resolve);
        })
      : Promise.resolve();
  }

  public emit(name: string, payload: unknown, blockNumber = 7n): void {
    if (this.#deliver === null) throw new Error('nobody listens');
    this.#deliver({ name, payload, transactionId: `tx-${name}`, blockNumber });
  }
}

/** One open event stream read with fetch. */
interface Subscription {
  readonly status: number;
  readonly headers: Headers;
  /** Resolves with everything read once `text` appears in it. */
  until(text: string): Promise<string>;
  close(): void;
}

async function subscribe(url: string, headers: Record<string, string>): Promise<Subscription> {
  const controller = new AbortController();
  const response = await fetch(`${url}/v1/events`, { headers, signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array> | null)?.getReader();
  if (!reader) throw new Error('no body');
  const decoder = new TextDecoder();
  let received = '';
  let ended = false;
  return {
    status: response.status,
    headers: response.headers,
    until: async (text: string): Promise<string> => {
      while (!received.includes(text)) {
        if (ended) throw new Error(`stream ended before '${text}': ${received}`);
        const chunk = await reader.read();
        if (chunk.done) ended = true;
        else received += decoder.decode(chunk.value, { stream: true });
      }
      return received;
    },
    close: () => {
      controller.abort();
    },
  };
}

function until(condition: () => boolean, what: string): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() - started > 5000) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(check, 10);
    };
    check();
  });
}

describe('HTTP API live events (GET /v1/events)', function () {
  let source: FakeSource;
  let server: ApiServer;
  let lines: string[];

  beforeEach(async function () {
    source = new FakeSource();
    lines = [];
    const fake = fakeClient();
    server = await startApiServer({
      port: 0,
      keys: KEYS,
      consoleDir: null,
      events: source,
      eventHeartbeatMs: 100,
      roleOf: () => 'hospital',
      clientFor: () => fake.client,
      log: (line) => lines.push(line),
    });
  });

  afterEach(async function () {
    await server.close();
  });

  /** The log lines of the streams closed so far. */
  const closed = (): { identity?: string; subscribers: number }[] =>
    lines
      .map((line) => JSON.parse(line) as { msg: string; identity?: string; subscribers: number })
      .filter((line) => line.msg === 'event stream closed');
  const closedStreams = (): number => closed().length;

  it('fans every event out to all subscribers from one listener, and removes the ones that leave', async function () {
    const first = await subscribe(server.url, { 'x-api-key': 'hospital-key' });
    const second = await subscribe(server.url, { 'x-api-key': 'nhsa-key' });
    expect(first.status).to.equal(200);
    expect(first.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    expect(first.headers.get('cache-control')).to.equal('no-cache, no-transform');
    expect(first.headers.get('x-request-id')).to.be.a('string');
    await first.until(': connected');
    await second.until(': connected');
    await source.listening();
    source.emit('VersionSealed', { version: 4, proposalId: 'p1', digest: 'd', versionHash: 'h' }, 12n);
    const version = `event: version\ndata: ${JSON.stringify({
      version: 4,
      proposalId: 'p1',
      digest: 'd',
      versionHash: 'h',
      transactionId: 'tx-VersionSealed',
      blockNumber: 12,
    })}\n\n`;
    const applied = `event: proposal\ndata: ${JSON.stringify({
      version: 4,
      proposalId: 'p1',
      digest: 'd',
      versionHash: 'h',
      action: 'applied',
      transactionId: 'tx-VersionSealed',
      blockNumber: 12,
    })}\n\n`;
    for (const subscription of [first, second]) {
      const text = await subscription.until(applied);
      expect(text).to.include(version);
      expect(text.indexOf(version)).to.be.lessThan(text.indexOf(applied));
    }
    expect(source.listens).to.equal(1);

    second.close();
    await until(() => closedStreams() === 1, 'the server to drop the second subscriber');
    expect(closed()[0]).to.include({ identity: 'nhsa/approver', subscribers: 1 });
    source.emit('ProposalCreated', { proposalId: 'p2', scope: 'provincial', province: 'Guangdong' });
    expect(await first.until('"proposalId":"p2"')).to.include('event: proposal\ndata: {"proposalId":"p2"');
    expect(source.listens).to.equal(1);

    // a third comes later: the same listener serves it
    const third = await subscribe(server.url, { 'x-api-key': 'hospital-key' });
    await third.until(': connected');
    source.emit('ProposalWithdrawn', { proposalId: 'p3' });
    await third.until('"action":"withdrawn"');
    await first.until('"action":"withdrawn"');
    expect(source.listens).to.equal(1);
    first.close();
    third.close();
    await until(() => closedStreams() === 3, 'every subscriber to be dropped');
    expect(
      closed()
        .map((line) => line.subscribers)
        .sort(),
    ).to.deep.equal([0, 1, 1]);
  });

  it('sends a heartbeat comment while nothing happens', async function () {
    const subscription = await subscribe(server.url, { 'x-api-key': 'hospital-key' });
    const text = await subscription.until(': heartbeat\n\n');
    expect(text.startsWith(': connected\n\n')).to.equal(true);
    subscription.close();
  });

  it('stops the listener and ends the streams when the server closes', async function () {
    const subscription = await subscribe(server.url, { 'x-api-key': 'hospital-key' });
    await subscription.until(': connected');
    await source.listening();
    expect(source.stopped).to.equal(0);
    await server.close();
    expect(source.stopped).to.equal(1);
    let error: unknown = null;
    try {
      await subscription.until('never sent');
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.match(/stream ended before/);
    server = await startApiServer({ port: 0, keys: KEYS, consoleDir: null });
  });

  it('streams to a browser session, and ends its stream when it signs out', async function () {
    const signIn = await fetch(`${server.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: 'hospital-key' }),
    });
    expect(signIn.status).to.equal(201);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const subscription = await subscribe(server.url, { cookie });
    expect(subscription.status).to.equal(200);
    await subscription.until(': connected');
    await source.listening();
    source.emit('ProposalApproved', { proposalId: 'p1', mspId: 'GuangdongMSP', status: 'approved' });
    await subscription.until('"decision":"approve"');
    const out = await fetch(`${server.url}/v1/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.status).to.equal(204);
    let error: unknown = null;
    try {
      await subscription.until('never sent');
    } catch (caught) {
      error = caught;
    }
    expect(String(error)).to.match(/stream ended before/);
  });

  it('refuses a subscriber without an API key or session with 401, and opens no listener', async function () {
    const response = await fetch(`${server.url}/v1/events`, { headers: { 'accept-language': 'en' } });
    expect(response.status).to.equal(401);
    expect(await response.json()).to.include({ code: 'UNAUTHENTICATED' });
    const forged = await fetch(`${server.url}/v1/events`, { headers: { cookie: 'nrdl_session=forged' } });
    expect(forged.status).to.equal(401);
    expect(source.listens).to.equal(0);
  });

  it('answers 503 EVENTS_UNAVAILABLE on a server without an event source', async function () {
    const app = await buildApi({ keys: KEYS, consoleDir: null, clientFor: () => fakeClient().client });
    try {
      const response = await app.inject({
        url: '/v1/events',
        headers: { 'x-api-key': 'hospital-key', 'accept-language': 'en' },
      });
      expect(response.statusCode).to.equal(503);
      expect(response.json()).to.deep.equal({
        code: 'EVENTS_UNAVAILABLE',
        message: 'this server has no catalog event source (catalog serve wires one)',
      });
      const other = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'x-api-key': 'hospital-key' },
      });
      expect(other.statusCode).to.equal(405);
      expect(other.headers.allow).to.equal('GET');
    } finally {
      await app.close();
    }
  });
});

describe('the console events of chaincode events', function () {
  const event = (name: string, payload: unknown): CatalogEvent => ({
    name,
    payload,
    transactionId: 'tx1',
    blockNumber: 9n,
  });
  const where = { transactionId: 'tx1', blockNumber: 9 };

  it('names what happened to a proposal', function () {
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      ['ProposalCreated', { proposalId: 'p', scope: 'national', province: null }, { action: 'created' }],
      ['ProposalOpened', { proposalId: 'p' }, { action: 'opened' }],
      ['ProposalWithdrawn', { proposalId: 'p' }, { action: 'withdrawn' }],
      ['ProposalApproved', { proposalId: 'p', status: 'open' }, { action: 'voted', decision: 'approve' }],
      ['ProposalApproved', { proposalId: 'p', status: 'approved' }, { action: 'voted', decision: 'approve' }],
      ['ProposalRejected', { proposalId: 'p', status: 'open' }, { action: 'voted', decision: 'reject' }],
      [
        'ProposalRejected',
        { proposalId: 'p', status: 'rejected' },
        { action: 'rejected', decision: 'reject' },
      ],
    ];
    for (const [name, payload, expected] of cases)
      expect(consoleEventsOf(event(name, payload)), name).to.deep.equal([
        { type: 'proposal', data: { ...payload, ...expected, ...where } },
      ]);
  });

  it('makes a sealed version a version event and its proposal applied', function () {
    const payload = { version: 2, proposalId: 'p', digest: 'd', versionHash: 'h' };
    expect(consoleEventsOf(event('VersionSealed', payload))).to.deep.equal([
      { type: 'version', data: { ...payload, ...where } },
      { type: 'proposal', data: { ...payload, action: 'applied', ...where } },
    ]);
  });

  it('leaves out chunk and governance events, and keeps a payload that is no object out of the data', function () {
    for (const name of ['ChunkAdded', 'ChunkApplied', 'GovernanceChanged', 'GovernanceInitialised', 'Ping'])
      expect(consoleEventsOf(event(name, { proposalId: 'p' })), name).to.deep.equal([]);
    expect(consoleEventsOf(event('ProposalOpened', 'text'))).to.deep.equal([
      { type: 'proposal', data: { action: 'opened', ...where } },
    ]);
    expect(consoleEventsOf(event('ProposalOpened', [1]))[0]?.data).to.deep.equal({
      action: 'opened',
      ...where,
    });
  });

  it('frames an event as server-sent event text', function () {
    expect(sseFrame({ type: 'version', data: { version: 1, name: '复方' } })).to.equal(
      'event: version\ndata: {"version":1,"name":"复方"}\n\n',
    );
  });
});

describe('EventHub', function () {
  it('starts one listener on the first subscriber, delivers to each, survives a failing one', async function () {
    const source = new FakeSource();
    const errors: unknown[] = [];
    const hub = new EventHub(source, (error) => errors.push(error));
    expect(hub.listening).to.equal(false);
    const got: string[] = [];
    const leave = hub.subscribe(() => {
      throw new Error('subscriber broke');
    });
    hub.subscribe((e) => got.push(`b:${e.type}`));
    expect(hub.size).to.equal(2);
    expect(hub.listening).to.equal(true);
    await source.listening();
    source.emit('ProposalOpened', { proposalId: 'p' });
    expect(got).to.deep.equal(['b:proposal']);
    expect(errors.map(String)).to.deep.equal(['Error: subscriber broke']);
    leave();
    expect(hub.size).to.equal(1);
    expect(source.listens).to.equal(1);
    hub.close();
    expect(hub.size).to.equal(0);
    expect(hub.listening).to.equal(false);
    await until(() => source.stopped === 1, 'the listener to stop');
    hub.subscribe(() => undefined);
    expect(source.listens).to.equal(1);
  });

  it('reports a listener that fails, and starts another for the next subscriber', async function () {
    let calls = 0;
    const errors: unknown[] = [];
    const failing: CatalogEventSource = {
      listen: () => {
        calls += 1;
        return Promise.reject(new Error('peer gone'));
      },
    };
    const hub = new EventHub(failing, (error) => errors.push(error));
    hub.subscribe(() => undefined);
    await until(() => !hub.listening, 'the listener to end');
    expect(errors.map(String)).to.deep.equal(['Error: peer gone']);
    hub.subscribe(() => undefined);
    expect(calls).to.equal(2);
    hub.close();
  });
});

describe('networkEventSource', function () {
  it("delivers the channel's catalog events until aborted", async function () {
    const mock = new MockGateway();
    try {
      mock.blocks.set(3, [
        { txId: 'tx-seal', name: 'VersionSealed', payload: JSON.stringify({ version: 1 }) },
      ]);
      const source = networkEventSource(() => mock.network, { startBlock: 0n });
      const controller = new AbortController();
      const received: CatalogEvent[] = [];
      await source.listen((event) => {
        received.push(event);
        controller.abort();
      }, controller.signal);
      expect(received).to.deep.equal([
        { name: 'VersionSealed', payload: { version: 1 }, transactionId: 'tx-seal', blockNumber: 3n },
      ]);
    } finally {
      mock.close();
    }
  });
});
