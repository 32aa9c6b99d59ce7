/**
 * Faults in the test command (issue 17, item 4, the two short ones): a chaincode process killed
 * (SIGKILL) is relaunched by its peer and calls succeed again; one of the three Raft orderers killed
 * leaves the service running, and restarted it catches up with the others. Only processes the
 * network recorded (network/data/pids) are killed, by PID.
 */
import { expect } from 'chai';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { common, peer } from '@hyperledger/fabric-protos';
import { type CatalogClient, toClientError } from '../../gateway-client/src';
import { osnadminArgs } from '../../network/src/channel';
import { findFabric } from '../../network/src/fabric-home';
import { networkUp } from '../../network/src/network';
import { bin } from '../../network/src/node-env';
import { networkPaths } from '../../network/src/paths';
import { isAlive, runningPid } from '../../network/src/processes';
import { StepReporter } from '../../network/src/progress';
import { runCommand } from '../../network/src/run-command';
import { findOrg, loadTopology } from '../../network/src/topology';
import { report } from '../support/fuzz-config';
import { clientAs, closeClients, ensureCatalog } from './support/catalog';

const paths = networkPaths();
const topology = loadTopology();

/** Waits until `pid` is gone (a killed child is reaped by its parent). */
async function gone(pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${String(pid)} still alive after SIGKILL`);
    await sleep(100);
  }
}

/** Calls `fn` until it succeeds (at most `timeoutMs`); returns its result, the attempts and the time taken. */
async function untilOk<T>(
  fn: () => Promise<T>,
  timeoutMs = 120_000,
): Promise<{ value: T; attempts: number; ms: number; errors: string[] }> {
  const started = Date.now();
  const errors: string[] = [];
  for (let attempts = 1; ; attempts += 1) {
    try {
      return { value: await fn(), attempts, ms: Date.now() - started, errors };
    } catch (error) {
      errors.push(toClientError(error).message.slice(0, 200));
      if (Date.now() - started > timeoutMs)
        throw new Error(`no success in ${String(timeoutMs)} ms: ${errors.slice(-3).join(' | ')}`);
      await sleep(1000);
    }
  }
}

/** A ping as `client` (an admin), endorsed by exactly `orgs`, committed: its validation code and transaction id. */
async function ping(
  client: CatalogClient,
  orgs: string[],
  message: string,
): Promise<{ code: number; txId: string }> {
  const proposal = client.connection.contract.newProposal('System:Ping', {
    arguments: [message],
    endorsingOrganizations: orgs,
  });
  const status = await (await (await proposal.endorse()).submit()).getStatus();
  return { code: status.code, txId: proposal.getTransactionId() };
}

/** The channel's height as `client`'s peer has it. */
async function peerHeight(client: CatalogClient): Promise<number> {
  const network = client.connection.network;
  const bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
}

/** The channel's height on an orderer, from `osnadmin channel list --channelID`. */
async function ordererHeight(orgName: string): Promise<number> {
  const fabric = await findFabric();
  const out = await runCommand(
    bin(fabric, 'osnadmin'),
    [
      'channel',
      'list',
      '--channelID',
      topology.channel.name,
      ...osnadminArgs(topology, findOrg(topology, orgName), paths),
    ],
    process.env,
  );
  const height = /"height":\s*(\d+)/.exec(out)?.[1];
  if (height === undefined)
    throw new Error(`orderer0.${orgName} does not list ${topology.channel.name}: ${out}`);
  return Number(height);
}

describe('real network: faults — a killed chaincode process, a killed orderer', function () {
  before(async function () {
    this.timeout(600_000);
    await ensureCatalog();
  });

  after(function () {
    closeClients();
  });

  it("Guangdong's chaincode process killed: its peer relaunches it, and evaluates and an endorsement by Guangdong succeed", async function () {
    this.timeout(300_000);
    const hospital = clientAs('guangdong/hospital1');
    // The catalog package's process (label `<name>_<hash>`), not another package Guangdong's peer
    // may also run (60-trust's rogue `<name>-rogue_…` on its throwaway channel, which nothing
    // relaunches); the newest if several versions run.
    await hospital.getGovernance();
    const file = readdirSync(paths.pidDir)
      .filter(
        (f) =>
          f.startsWith(`chaincode-GuangdongMSP-${topology.chaincode.name}_`) &&
          runningPid(paths.pidDir, f.slice(0, -4)) !== null,
      )
      .sort(
        (a, b) => statSync(path.join(paths.pidDir, b)).mtimeMs - statSync(path.join(paths.pidDir, a)).mtimeMs,
      )[0];
    expect(file, 'a running chaincode process of Guangdong is recorded').to.be.a('string');
    const name = (file as string).slice(0, -'.pid'.length);
    const pid = runningPid(paths.pidDir, name) as number;
    const before = await hospital.getGovernance();
    process.kill(pid, 'SIGKILL');
    await gone(pid);
    const started = Date.now();
    const read = await untilOk(() => hospital.getGovernance());
    expect(read.value.version).to.equal(before.version);
    const write = await untilOk(() =>
      ping(clientAs('guangdong/admin'), ['GuangdongMSP', 'NHSAMSP'], 'fault test: chaincode relaunched'),
    );
    expect(write.value.code).to.equal(peer.TxValidationCode.VALID);
    const relaunched = runningPid(paths.pidDir, name);
    expect(relaunched, 'the relaunched process recorded itself').to.be.a('number');
    expect(relaunched).to.not.equal(pid);
    const ms = Date.now() - started;
    process.stderr.write(
      `      chaincode pid ${String(pid)} killed; first read after ${String(read.ms)} ms (${String(read.attempts)} attempts), endorsed write after ${String(write.ms)} ms; new pid ${String(relaunched)}\n`,
    );
    report({
      suite: 'faults (real network)',
      target: 'kill -9 a chaincode process (Guangdong)',
      cases: 1,
      refused: 0,
      accepted: 1,
      failures: 0,
      ms,
      note: `relaunched; read back after ${String(read.ms)} ms; nothing lost`,
    });
  });

  it('one of three orderers killed: writes still commit; restarted, it catches up with the channel', async function () {
    this.timeout(600_000);
    const victim = 'sichuan';
    const pid = runningPid(paths.pidDir, `orderer0.${victim}`);
    expect(pid, `orderer0.${victim} is running`).to.be.a('number');
    const nhsa = clientAs('nhsa/admin');
    const started = Date.now();
    process.kill(pid as number, 'SIGKILL');
    await gone(pid as number);
    const written: { code: number; txId: string }[] = [];
    for (let i = 0; i < 3; i += 1) {
      written.push(
        (
          await untilOk(() =>
            ping(nhsa, ['NHSAMSP', 'GuangdongMSP'], `fault test: orderer down ${String(i)}`),
          )
        ).value,
      );
    }
    const codes = written.map((w) => w.code);
    expect(
      codes.every((c) => c === peer.TxValidationCode.VALID),
      `validation codes ${codes.join(', ')}`,
    ).to.equal(true);
    const expected = await peerHeight(nhsa);
    await networkUp({ reporter: new StepReporter(8, () => undefined) });
    expect(runningPid(paths.pidDir, `orderer0.${victim}`), 'restarted').to.be.a('number');
    const caught = await untilOk(async () => {
      const height = await ordererHeight(victim);
      if (height < expected)
        throw new Error(`orderer0.${victim} at height ${String(height)}, the channel at ${String(expected)}`);
      return height;
    }, 180_000);
    // and it takes part again: a write after the restart commits
    expect(
      (await untilOk(() => ping(nhsa, ['NHSAMSP', 'SichuanMSP'], 'fault test: orderer back'))).value.code,
    ).to.equal(peer.TxValidationCode.VALID);
    // nothing lost: every write made while the orderer was down reads back, from Sichuan's peer too
    for (const w of written) {
      for (const as of ['nhsa/admin', 'sichuan/hospital1']) {
        const text = await clientAs(as).connection.contract.evaluateTransaction(
          'System:GetPing',
          'NHSAMSP',
          w.txId,
        );
        expect(JSON.parse(Buffer.from(text).toString('utf8'))).to.include({ txId: w.txId, mspId: 'NHSAMSP' });
      }
    }
    const ms = Date.now() - started;
    process.stderr.write(
      `      orderer0.${victim} (pid ${String(pid)}) killed; 3 writes committed without it; restarted, at height ${String(caught.value)} ≥ ${String(expected)} after ${String(caught.ms)} ms\n`,
    );
    report({
      suite: 'faults (real network)',
      target: 'kill -9 one of three orderers, then restart it',
      cases: 1,
      refused: 0,
      accepted: 1,
      failures: 0,
      ms,
      note: `3 writes committed while it was down; caught up to height ${String(caught.value)}; nothing lost`,
    });
  });
});
