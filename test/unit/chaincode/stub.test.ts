import { expect } from 'chai';
import { Contract } from 'fabric-contract-api';
import { buildSignaturePolicy } from '@nrdl-catalog/chaincode/model';
import { Network, satisfies } from './support/fabric-stub';

const alice = { msp: 'GuangdongMSP', role: 'proposer' };
/** Two catalog organisations: enough for the chaincode-level OutOf(2) policy. */
const TWO = new Set(['GuangdongMSP', 'NHSAMSP']);

describe('in-memory Fabric stub', () => {
  it('hides a transaction its own writes and commits only on success', async () => {
    const net = new Network([]);
    const tx = net.ledger.begin(alice);
    await tx.putState('a', Buffer.from('1'));
    expect((await tx.getState('a')).length).to.equal(0);
    expect(() => {
      tx.commit(new Set(['GuangdongMSP']));
    }).to.throw(/ENDORSEMENT_POLICY_FAILURE/);
    tx.commit(new Set(['GuangdongMSP', 'SichuanMSP']));
    expect(net.ledger.get('a')?.toString()).to.equal('1');
    const tx2 = net.ledger.begin(alice);
    await tx2.deleteState('a');
    tx2.commit(TWO);
    expect(net.ledger.get('a')).to.equal(undefined);
    expect(net.ledger.historyOf('a').map((h) => h.isDelete)).to.deep.equal([true, false]);
  });

  it('builds composite keys like the shim and scans them in byte order with pagination', async () => {
    const net = new Network([]);
    const tx = net.ledger.begin(alice);
    const k = tx.createCompositeKey('item', ['b', 'x']);
    expect(k).to.equal('\u0000item\u0000b\u0000x\u0000');
    expect(tx.splitCompositeKey(k)).to.deep.equal({ objectType: 'item', attributes: ['b', 'x'] });
    expect(() => tx.createCompositeKey('item', [''])).to.throw();
    for (const a of ['c', 'a', '\u00e9', 'b']) {
      await tx.putState(tx.createCompositeKey('item', [a]), Buffer.from(a));
    }
    await tx.putState('simple', Buffer.from('s'));
    tx.commit(TWO);
    const r = net.ledger.begin(alice, { readOnly: true });
    const all: string[] = [];
    for await (const kv of r.getStateByPartialCompositeKey('item', [])) {
      all.push(Buffer.from(kv.value).toString());
    }
    expect(all).to.deep.equal(['a', 'b', 'c', '\u00e9']);
    const simple: string[] = [];
    for await (const kv of r.getStateByRange('', '')) {
      simple.push(kv.key);
    }
    expect(simple).to.deep.equal(['simple']);
    expect(() => r.getStateByRange('\u0000item', '')).to.throw(/null character/);
    const p1 = await r.getStateByPartialCompositeKeyWithPagination('item', [], 3, '');
    expect(p1.metadata).to.deep.equal({
      fetchedRecordsCount: 3,
      bookmark: r.createCompositeKey('item', ['\u00e9']),
    });
    const p2 = await r.getStateByPartialCompositeKeyWithPagination('item', [], 3, p1.metadata.bookmark);
    expect(p2.metadata).to.deep.equal({ fetchedRecordsCount: 1, bookmark: '' });
    const rr = await r.getStateByRangeWithPagination('', '', 5);
    expect(rr.metadata.fetchedRecordsCount).to.equal(1);
  });

  it('records events (last wins), policies, identity and time; refuses paging in a writing tx', async () => {
    const net = new Network([]);
    const tx = net.ledger.begin({ msp: 'SichuanMSP', role: 'approver', cn: 'bob' }, { txId: 'abc' });
    tx.setEvent('First', Buffer.from('{}'));
    tx.setEvent('Second', Buffer.from('{"id":1}'));
    expect(() => {
      tx.setEvent('', Buffer.from(''));
    }).to.throw();
    await tx.setStateValidationParameter('k', buildSignaturePolicy({ signedBy: 'SichuanMSP' }));
    await tx.putState('k', Buffer.from('v'));
    const ctx = tx.context();
    expect(ctx.clientIdentity.getMSPID()).to.equal('SichuanMSP');
    expect(ctx.clientIdentity.getAttributeValue('catalog.role')).to.equal('approver');
    expect(ctx.clientIdentity.getAttributeValue('other')).to.equal(null);
    expect(ctx.clientIdentity.getID()).to.contain('CN=bob');
    expect(tx.getCreator().mspid).to.equal('SichuanMSP');
    expect(tx.getDateTimestamp().getTime()).to.equal(tx.millis);
    expect(ctx.stub.getTxID()).to.equal('abc');
    tx.commit(new Set(['SichuanMSP', 'NHSAMSP']));
    expect(net.ledger.events).to.deep.equal([{ txId: 'abc', name: 'Second', payload: { id: 1 } }]);
    expect((await net.ledger.begin(alice).getStateValidationParameter('k')).length).to.be.greaterThan(0);
    // the key's policy now applies to later writes
    const bad = net.ledger.begin(alice);
    await bad.putState('k', Buffer.from('w'));
    expect(() => {
      bad.commit(new Set(['GuangdongMSP']));
    }).to.throw(/ENDORSEMENT_POLICY_FAILURE/);
    const paged = net.ledger.begin(alice);
    await paged.getStateByPartialCompositeKeyWithPagination('x', [], 1, '');
    await paged.putState('z', Buffer.from('1'));
    expect(() => {
      paged.commit(new Set());
    }).to.throw(/read-only/);
    expect(
      satisfies(
        { nOutOf: 2, rules: [{ signedBy: 'A' }, { signedBy: 'B' }, { signedBy: 'C' }] },
        new Set(['A', 'C']),
      ),
    ).to.equal(true);
    expect(satisfies({ nOutOf: 2, rules: [{ signedBy: 'A' }, { signedBy: 'B' }] }, new Set(['A']))).to.equal(
      false,
    );
  });

  it('detects read conflicts and phantoms between interleaved transactions', async () => {
    const net = new Network([]);
    const seed = net.ledger.begin(alice);
    await seed.putState('x', Buffer.from('0'));
    seed.commit(TWO);
    const t1 = net.ledger.begin(alice);
    const t2 = net.ledger.begin(alice);
    await t1.getState('x');
    await t2.getState('x');
    await t1.putState('x', Buffer.from('1'));
    await t2.putState('x', Buffer.from('2'));
    t1.commit(TWO);
    expect(() => {
      t2.commit(TWO);
    }).to.throw(/MVCC_READ_CONFLICT/);
    const t3 = net.ledger.begin(alice);
    const t4 = net.ledger.begin(alice);
    for await (const kv of t3.getStateByPartialCompositeKey('vote', ['p'])) {
      expect(kv).to.equal(undefined);
    }
    await t3.putState('y', Buffer.from('1'));
    await t4.putState(t4.createCompositeKey('vote', ['p', 'A']), Buffer.from('1'));
    t4.commit(TWO);
    expect(() => {
      t3.commit(TWO);
    }).to.throw(/PHANTOM_READ_CONFLICT/);
  });

  it('routes Contract:Fn names and refuses unknown ones', async () => {
    class Echo extends Contract {
      public constructor() {
        super('Echo');
      }
      public Say(_ctx: unknown, arg: string): Promise<string> {
        return Promise.resolve(arg);
      }
    }
    const net = new Network([new Echo()]);
    expect(await net.evaluate(alice, 'Echo:Say', { a: 1 })).to.deep.equal({ a: 1 });
    await net.simulate(alice, 'Echo:Nope', {}).then(
      () => expect.fail('should throw'),
      (e: unknown) => expect((e as Error).message).to.match(/no transaction/),
    );
  });
});
