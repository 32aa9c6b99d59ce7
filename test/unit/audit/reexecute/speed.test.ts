/**
 * Re-execution speed on a history the size of a full CI run: ~220 transactions, among them a
 * 10 000-item national version (40 chunks of 250 changes: 40 AddChunk + 40 ApplyChunk calls).
 * Replayed sequentially, as the verifier does; must stay well under a minute (budget here: 30 s).
 */
import '../../chaincode/support/quiet';
import { expect } from 'chai';
import { contracts } from '@nrdl-catalog/chaincode';
import { Reexecutor, compareExecution } from '../../../../gateway-client/src/audit/reexecute';
import { A, nationalVersion, syntheticDrug, upserts } from '../../chaincode/support/fixtures';
import { MapState, RecordingHistory } from './support/history';
import { initInput } from '../../support/members';

const CHUNKS = 40;
const PER_CHUNK = 250;

describe('re-execution: speed on a full-size history', function () {
  this.timeout(240_000);

  it(`re-executes ~220 transactions incl. ${CHUNKS} ApplyChunk calls of ${PER_CHUNK} items well under a minute`, async () => {
    const net = new RecordingHistory({ keepSnapshots: false });
    await net.submit(A.nhsaAdmin, 'Governance:InitGovernance', initInput());
    const chunks = Array.from({ length: CHUNKS }, (_, c) =>
      upserts(Array.from({ length: PER_CHUNK }, (_, i) => syntheticDrug(c * PER_CHUNK + i))),
    );
    await nationalVersion(net, chunks, '2025-01-01');
    for (let i = 0; net.transactions.length < 220; i++) {
      await net.submit(A.nhsaAdmin, 'System:Ping', `ping ${i}`);
    }
    const applies = net.transactions.filter((t) => t.fn === 'Proposal:ApplyChunk');
    expect(applies).to.have.length(CHUNKS);

    const started = process.hrtime.bigint();
    const engine = new Reexecutor({ contracts, title: '@nrdl-catalog/chaincode', version: '0.1.0' });
    const state = new MapState();
    let block = 1;
    let applyMs = 0;
    for (const tx of net.transactions) {
      const t0 = process.hrtime.bigint();
      const result = await engine.reexecute({ ...tx, state });
      if (tx.fn === 'Proposal:ApplyChunk') applyMs += Number(process.hrtime.bigint() - t0) / 1e6;
      expect(compareExecution(tx.recorded, result), `#${tx.index} ${tx.fn}`).to.equal(null);
      state.apply(tx.recorded, block++);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(
      `      re-executed ${net.transactions.length} transactions (${state.size} keys) in ${ms.toFixed(0)} ms; ` +
        `${CHUNKS} ApplyChunk: ${applyMs.toFixed(0)} ms (${(applyMs / CHUNKS).toFixed(1)} ms each)`,
    );
    expect(ms).to.be.lessThan(30_000);
  });
});
