/**
 * Re-execution of a recorded catalog history through fabric-shim's contract dispatch reproduces
 * every write, key-level policy, event and response byte for byte; forged write sets are reported
 * at the first divergent key.
 */
import '../../chaincode/support/quiet';
import { expect } from 'chai';
import { contracts } from '@nrdl-catalog/chaincode';
import {
  Reexecutor,
  compareExecution,
  type RecordedExecution,
  type ReexecutionResult,
} from '../../../../gateway-client/src/audit/reexecute';
import { clientIdentity } from '../support/certs';
import { MapState, byteOrder, type HistoryTx } from './support/history';
import { history } from './support/scenario';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function shape(r: RecordedExecution | ReexecutionResult): unknown {
  return {
    writes: r.writes.map((w) => [w.key, w.isDelete, hex(w.value)]),
    metadata: r.metadataWrites.map((m) => [m.key, m.name, hex(m.value)]),
    event: r.event === null ? null : [r.event.name, hex(r.event.payload)],
  };
}

let engine: Reexecutor | null = null;
function reexecutor(): Reexecutor {
  engine ??= new Reexecutor({ contracts, title: '@nrdl-catalog/chaincode', version: '0.1.0' });
  return engine;
}

function run(
  tx: HistoryTx,
  state = tx.stateBefore!,
  overrides: Partial<HistoryTx> = {},
): Promise<ReexecutionResult> {
  const t = { ...tx, ...overrides };
  return reexecutor().reexecute({
    txId: t.txId,
    channelId: t.channelId,
    timestamp: t.timestamp,
    creator: t.creator,
    args: t.args,
    state,
  });
}

describe('re-execution: a recorded history', function () {
  this.timeout(60_000);

  it('covers governance, proposals (chunks, votes, apply, seal), an overlay, a rejection and a ping', async () => {
    const net = await history();
    const fns = new Set(net.transactions.map((t) => t.fn));
    for (const fn of [
      'Governance:InitGovernance',
      'System:Ping',
      'Proposal:CreateProposal',
      'Proposal:AddChunk',
      'Proposal:OpenProposal',
      'Proposal:ApproveProposal',
      'Proposal:RejectProposal',
      'Proposal:ApplyChunk',
      'Proposal:SealVersion',
    ]) {
      expect(fns, fn).to.include(fn);
    }
    expect(net.transactions.some((t) => t.recorded.metadataWrites.length > 0)).to.equal(true);
    expect(net.transactions.some((t) => t.recorded.writes.some((w) => w.isDelete))).to.equal(
      net.transactions.some((t) => t.recorded.writes.some((w) => w.isDelete)),
    );
    // The replayed state (from recorded writes only) is the in-memory peer's committed state.
    expect(net.state.keys()).to.deep.equal(net.ledger.keys());
    for (const key of net.ledger.keys()) {
      expect(hex(net.state.get(key)!.value), key).to.equal(hex(net.ledger.get(key)!));
    }
  });

  it('reproduces every transaction: writes, policies, event and response, byte for byte', async () => {
    const net = await history();
    for (const tx of net.transactions) {
      const result = await run(tx);
      const label = `#${tx.index} ${tx.fn}`;
      expect(result.status, `${label}: ${result.message}`).to.equal(200);
      expect(shape(result), label).to.deep.equal(
        shape({ ...tx.recorded, writes: [...tx.recorded.writes].sort((a, b) => byteOrder(a.key, b.key)) }),
      );
      expect(hex(result.payload), label).to.equal(hex(tx.recorded.response!.payload));
      expect(result.message, label).to.equal('');
      expect(compareExecution(tx.recorded, result), label).to.equal(null);
    }
  });

  it('replays sequentially over a state rebuilt from the recorded writes, as the verifier does', async () => {
    const net = await history();
    const state = new MapState();
    let block = 1;
    for (const tx of net.transactions) {
      const divergence = compareExecution(tx.recorded, await run(tx, state));
      expect(divergence, `#${tx.index} ${tx.fn}`).to.equal(null);
      state.apply(tx.recorded, block++);
    }
    expect(state.keys()).to.deep.equal(net.state.keys());
  });

  it('returns writes in UTF-8 byte order of their keys', async () => {
    const net = await history();
    const apply = net.transactions.filter((t) => t.fn === 'Proposal:ApplyChunk');
    for (const tx of apply) {
      const keys = (await run(tx)).writes.map((w) => w.key);
      expect(keys).to.deep.equal([...keys].sort(byteOrder));
      expect(keys.length).to.be.greaterThan(1);
    }
  });

  it('dispatches a function without a contract name to the default contract (System)', async () => {
    const net = await history();
    const ping = net.transactions.find((t) => t.fn === 'System:Ping')!;
    const result = await run(ping, ping.stateBefore!, { args: [Buffer.from('Ping'), ping.args[1]!] });
    expect(compareExecution(ping.recorded, result)).to.equal(null);
  });

  it('builds the ClientIdentity from the X.509 certificate in the serialized creator', async () => {
    const net = await history();
    const any = net.transactions[0]!;
    const id = clientIdentity('GuangdongMSP', 'hospital');
    const result = await run(any, new MapState(), {
      creator: id.serialized,
      args: [Buffer.from('System:WhoAmI')],
    });
    expect(result.status, result.message).to.equal(200);
    const who = JSON.parse(Buffer.from(result.payload).toString('utf8')) as Record<string, unknown>;
    expect(who).to.include({
      mspId: 'GuangdongMSP',
      role: 'hospital',
      subject:
        'x509::/C=CN/O=GuangdongMSP/OU=client/CN=hospital@GuangdongMSP::/C=CN/O=GuangdongMSP/CN=ca.GuangdongMSP',
      txId: any.txId,
    });
  });

  it('reports an unknown function and undecodable creators as failures, not exceptions', async () => {
    const net = await history();
    const any = net.transactions[0]!;
    const unknown = await run(any, new MapState(), {
      args: [Buffer.from('Nope:Nothing'), Buffer.from('{}')],
    });
    expect(unknown.status).to.equal(500);
    expect(unknown.message).to.match(/Contract name is not known: Nope/);
    const truncated = await run(any, new MapState(), {
      creator: clientIdentity('NHSAMSP', 'admin').serialized.slice(0, 40),
    });
    expect(truncated.status).to.equal(500);
    expect(truncated.message).to.match(/SerializedIdentity|certificate|start line/i);
    expect(truncated.writes).to.deep.equal([]);
  });
});

describe('re-execution: forged write sets', function () {
  this.timeout(60_000);

  const forge = (r: RecordedExecution, change: Partial<RecordedExecution>): RecordedExecution => ({
    ...r,
    ...change,
  });

  /** The recording's event (the ApplyChunk transactions emit one). */
  const eventOf = (r: RecordedExecution): NonNullable<RecordedExecution['event']> => {
    expect(r.event).to.not.equal(null);
    return r.event!;
  };

  async function applyChunk(): Promise<{ tx: HistoryTx; result: ReexecutionResult }> {
    const net = await history();
    const tx = net.transactions
      .filter((t) => t.fn === 'Proposal:ApplyChunk')
      .reduce((a, b) => (b.recorded.writes.length > a.recorded.writes.length ? b : a));
    return { tx, result: await run(tx) };
  }

  it('accepts the genuine write set (control)', async () => {
    const { tx, result } = await applyChunk();
    expect(tx.recorded.writes.length).to.be.greaterThan(3);
    expect(compareExecution(tx.recorded, result)).to.equal(null);
  });

  /** Forgeries of the largest ApplyChunk's recording: what is changed, and what the comparison reports. */
  const FORGERIES: readonly {
    readonly title: string;
    readonly forge: (r: RecordedExecution) => {
      readonly change: Partial<RecordedExecution>;
      readonly reported: Record<string, unknown>;
    };
  }[] = [
    {
      title: 'reports a changed value at its key',
      forge: (r) => {
        const victim = [...r.writes].filter((w) => !w.isDelete).sort((a, b) => byteOrder(a.key, b.key))[1]!;
        const value = Buffer.from(victim.value);
        value[value.length - 2] = value[value.length - 2]! ^ 1;
        return {
          change: { writes: r.writes.map((w) => (w.key === victim.key ? { ...w, value } : w)) },
          reported: { what: 'write', key: victim.key },
        };
      },
    },
    {
      title: 'reports an extra key the code does not write',
      forge: (r) => {
        const key = '\u0000item\u0000forged-item\u0000';
        return {
          change: { writes: [...r.writes, { key, isDelete: false, value: Buffer.from('{"forged":true}') }] },
          reported: { what: 'extra-write', key, expected: '(no write)', actual: '{"forged":true}' },
        };
      },
    },
    {
      title: 'reports a key the code writes that the ledger lacks',
      forge: (r) => {
        const dropped = r.writes[r.writes.length - 1]!;
        return {
          change: { writes: r.writes.filter((w) => w.key !== dropped.key) },
          reported: { what: 'missing-write', key: dropped.key, actual: '(no write)' },
        };
      },
    },
    {
      title: 'reports a delete where the code writes a value',
      forge: (r) => {
        const victim = r.writes.find((w) => !w.isDelete)!;
        return {
          change: {
            writes: r.writes.map((w) =>
              w.key === victim.key ? { key: w.key, isDelete: true, value: new Uint8Array(0) } : w,
            ),
          },
          reported: { what: 'delete', key: victim.key, actual: '(delete)' },
        };
      },
    },
    {
      title: 'reports the first divergent key (UTF-8 order) when several are forged',
      forge: (r) => {
        const sorted = [...r.writes].sort((a, b) => byteOrder(a.key, b.key));
        const first = sorted[1]!;
        const later = sorted[sorted.length - 1]!;
        return {
          change: {
            writes: [...r.writes]
              .reverse()
              .filter((w) => w.key !== later.key)
              .map((w) => (w.key === first.key ? { ...w, value: Buffer.from('{}') } : w)),
          },
          reported: { what: 'write', key: first.key },
        };
      },
    },
    {
      title: 'reports a renamed event',
      forge: (r) => ({
        change: { event: { name: 'Forged', payload: eventOf(r).payload } },
        reported: { what: 'event' },
      }),
    },
    {
      title: 'reports an event with another payload',
      forge: (r) => ({
        change: { event: { name: eventOf(r).name, payload: Buffer.from('{}') } },
        reported: { what: 'event' },
      }),
    },
    {
      title: 'reports a missing event',
      forge: () => ({ change: { event: null }, reported: { what: 'event', actual: '(no event)' } }),
    },
    {
      title: 'reports a different response payload',
      forge: () => ({
        change: { response: { status: 200, message: '', payload: Buffer.from('{"applied":999}') } },
        reported: { what: 'response' },
      }),
    },
  ];

  for (const { title, forge: forgery } of FORGERIES) {
    it(title, async () => {
      const { tx, result } = await applyChunk();
      const { change, reported } = forgery(tx.recorded);
      expect(compareExecution(forge(tx.recorded, change), result)).to.include(reported);
    });
  }

  it('reports a changed key-level endorsement policy', async () => {
    const net = await history();
    const tx = net.transactions.find((t) => t.recorded.metadataWrites.length > 0)!;
    const result = await run(tx);
    const victim = tx.recorded.metadataWrites[0]!;
    const policy = Buffer.from(victim.value);
    policy[policy.length - 1] = policy[policy.length - 1]! ^ 0xff;
    const changed = forge(tx.recorded, {
      metadataWrites: tx.recorded.metadataWrites.map((m) =>
        m.key === victim.key ? { ...m, value: policy } : m,
      ),
    });
    expect(compareExecution(changed, result)).to.include({ what: 'metadata', key: victim.key });
    const dropped = forge(tx.recorded, { metadataWrites: tx.recorded.metadataWrites.slice(1) });
    expect(compareExecution(dropped, result)).to.include({ what: 'metadata', key: victim.key });
  });

  it('reports a committed transaction that the released code refuses (status >= 400)', async () => {
    const net = await history();
    const init = net.transactions[0]!;
    expect(init.fn).to.equal('Governance:InitGovernance');
    // Replayed over a state where governance already exists, the code refuses it …
    const again = await run(init, net.transactions[1]!.stateBefore!);
    expect(again.status).to.equal(500);
    const divergence = compareExecution(init.recorded, again);
    expect(divergence?.what).to.equal('status');
    expect(divergence?.expected).to.match(/^500 GOVERNANCE_EXISTS/);
    // … and so it does when a colluding majority endorsed it for a caller without the role.
    const forgedCaller = await run(init, init.stateBefore!, {
      creator: clientIdentity('NHSAMSP', 'proposer').serialized,
    });
    expect(compareExecution(init.recorded, forgedCaller)).to.include({ what: 'status' });
  });
});
