import { expect } from 'chai';
import { compareKeys, compareUtf8, ReplayedState } from '../../../../gateway-client/src/audit/trust';

const v = (blockNum: number, txNum = 0): { blockNum: number; txNum: number } => ({ blockNum, txNum });
const text = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString();
const policy = [{ name: 'VALIDATION_PARAMETER', value: Buffer.from('p') }];

describe('replayed state', () => {
  it('orders keys by UTF-8 bytes, like compareKeys', () => {
    const keys = [
      'a',
      'b',
      '\u0000x\u0000',
      '\uffff',
      '😀',
      '\ue000',
      'é',
      'z\u0000',
      'item~1',
      'item~10',
      'item~2',
      '',
    ];
    const sorted = [...keys].sort(compareUtf8);
    expect(sorted).to.deep.equal([...keys].sort(compareKeys));
    expect(sorted.indexOf('\uffff')).to.be.lessThan(sorted.indexOf('😀'));
  });

  it('applies writes, deletes and metadata as Fabric does, with versions and ranges', () => {
    const state = new ReplayedState('catalog');
    state.apply(
      [
        { key: 'b', isDelete: false, value: Buffer.from('1') },
        { key: 'a', isDelete: false, value: Buffer.from('1') },
        { key: 'c', isDelete: false, value: Buffer.from('1') },
      ],
      [{ key: 'b', entries: policy }],
      v(1),
    );
    expect([...state.range('', '')].map((e) => e.key)).to.deep.equal(['a', 'b', 'c']);
    expect([...state.range('b', 'c')].map((e) => e.key)).to.deep.equal(['b']);
    expect(state.get('b')?.metadata.has('VALIDATION_PARAMETER')).to.equal(true);
    state.endBlock();
    // a value write keeps the metadata; a metadata-only write keeps the value and bumps the version
    state.apply([{ key: 'b', isDelete: false, value: Buffer.from('2') }], [], v(2));
    expect(text(state.get('b')?.value)).to.equal('2');
    expect(state.get('b')?.metadata.has('VALIDATION_PARAMETER')).to.equal(true);
    expect(state.touchedInBlock('b')).to.equal(true);
    expect(state.committed('b')?.version).to.deep.equal(v(1));
    state.apply([], [{ key: 'c', entries: policy }], v(2, 1));
    expect(text(state.get('c')?.value)).to.equal('1');
    expect(state.get('c')?.version).to.deep.equal(v(2, 1));
    expect(state.committed('c')?.metadata.size).to.equal(0);
    // metadata on a missing key is dropped; an empty metadata write clears it
    state.apply([], [{ key: 'zz', entries: policy }], v(2, 2));
    expect(state.get('zz')).to.equal(null);
    state.apply([], [{ key: 'b', entries: [] }], v(2, 3));
    expect(state.get('b')?.metadata.size).to.equal(0);
    // delete wins over a value write of the same tx
    state.apply(
      [
        { key: 'a', isDelete: false, value: Buffer.from('x') },
        { key: 'a', isDelete: true, value: new Uint8Array() },
      ],
      [],
      v(2, 4),
    );
    expect(state.get('a')).to.equal(null);
    expect(state.committed('a')?.version).to.deep.equal(v(1));
    state.endBlock();
    expect(state.committed('a')).to.equal(null);
    expect([...state.entries()].map((e) => e.key)).to.deep.equal(['b', 'c']);
    expect(state.size).to.equal(2);
  });

  it('copies values so a state entry does not keep its block alive', () => {
    const block = Buffer.from('xxxxvaluexxxx');
    const state = new ReplayedState('catalog');
    state.apply([{ key: 'k', isDelete: false, value: block.subarray(4, 9) }], [], v(1));
    block.fill(0);
    expect(text(state.get('k')?.value)).to.equal('value');
    expect(state.get('k')?.value.buffer.byteLength).to.equal(5);
  });
});
