import { expect } from 'chai';
import type { ReplayProgress } from '../../../gateway-client/src/audit';
import {
  progressBar,
  progressDisplay,
  progressLine,
  progressReporter,
  replayProgressLine,
} from '../../../apps/cli/src/progress';
import { capturing } from '../support/cli';

function replay(blockNumber: number, targetBlock: number | null, reconnects = 0): ReplayProgress {
  return {
    blockNumber,
    targetBlock,
    blocks: blockNumber + 1,
    writes: 0,
    elapsedMs: 1000,
    blocksPerSecond: 12.34,
    writesPerSecond: 99.6,
    reconnects,
  };
}

/** Records what is written to the terminal (process.stderr) while `run` runs. */
function onTerminal(run: () => void): string {
  const written: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array): boolean => {
    written.push(String(chunk));
    return true;
  };
  try {
    run();
  } finally {
    process.stderr.write = write;
  }
  return written.join('');
}

describe('CLI progress renderer', () => {
  it('draws one bar for workflow and replay progress', () => {
    expect(progressBar(0, 8)).to.equal('[........]');
    expect(progressBar(0.5, 8)).to.equal('[####....]');
    expect(progressBar(2, 8)).to.equal('[########]');
    expect(progressLine({ phase: 'chunks', done: 19, total: 19 })).to.match(/^chunks +19\/19 \[#{24}\]$/);
    expect(progressLine({ phase: 'approve', done: 1, total: 4, detail: 'nhsa/approver' })).to.equal(
      `approve      1/4 [${'#'.repeat(6)}${'.'.repeat(18)}] nhsa/approver`,
    );
    expect(progressLine({ phase: 'seal', done: 0, total: 0 })).to.contain(`[${'#'.repeat(24)}]`);
    expect(replayProgressLine(replay(5, 10))).to.equal(
      `[${'#'.repeat(12)}${'.'.repeat(12)}]  50%  block 5/10  12.3 blocks/s  100 writes/s`,
    );
    expect(replayProgressLine(replay(7, null, 2))).to.equal(
      'following: block 7  8 blocks  12.3 blocks/s  100 writes/s  2 reconnects',
    );
  });

  it('writes one line per update off a terminal, through the command output', () => {
    const c = capturing();
    const reporter = progressReporter(c.output);
    reporter.onProgress({ phase: 'chunks', done: 1, total: 2 });
    reporter.onProgress({ phase: 'chunks', done: 2, total: 2 });
    reporter.onProgress({ phase: 'seal', done: 1, total: 1 });
    reporter.finish();
    expect(
      c
        .stderr()
        .split('\n')
        .map((line) => line.split(' [')[0]),
    ).to.deep.equal(['chunks       1/2', 'chunks       2/2', 'seal         1/1']);
    expect(c.stdout()).to.equal('');
  });

  it('keeps back updates faster than the interval, and shows forced and last ones', () => {
    const c = capturing();
    const display = progressDisplay(c.output, {
      tty: false,
      intervalMs: 60_000,
    });
    display.show('one');
    display.show('two');
    display.show('three');
    display.show('target', { force: true });
    display.show('after');
    display.note('a note');
    display.finish();
    expect(c.stderr().split('\n')).to.deep.equal(['one', 'target', 'a note', 'after']);
  });

  it('on a terminal, updates one line in place and keeps the last line of each group', () => {
    const c = capturing();
    const display = progressDisplay(c.output, {
      tty: true,
    });
    const written = onTerminal(() => {
      display.show('chunks 1/2', { group: 'chunks' });
      display.show('chunks 2/2', { group: 'chunks' });
      display.show('seal 1/1', { group: 'seal' });
      display.finish();
    });
    expect(written).to.equal('\rchunks 1/2\u001b[K\rchunks 2/2\u001b[K\n\rseal 1/1\u001b[K\n');
    expect(c.stderr()).to.equal('');
  });
});
