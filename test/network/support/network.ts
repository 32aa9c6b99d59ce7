import { setTimeout as sleep } from 'node:timers/promises';
import { isUnplannable, openConnection, unreachablePeers } from '../../../gateway-client/src';
import { networkUp } from '../../../network/src/network';
import { waitPeersInStep } from '../../../network/src/processes';
import { StepReporter } from '../../../network/src/progress';
import { loadTopology } from '../../../network/src/topology';
import { networkPaths } from '../../../network/src/paths';

/** The wallet the network enrols its identities into (`wallet/`). */
export const WALLET_DIR = networkPaths().walletDir;

let ready: Promise<void> | undefined;

/**
 * Waits until the gateway can plan a two-organisation endorsement: right after the peers start,
 * gossip has not yet told discovery about the other organisations' peers, and every write needs
 * two organisations. One `System:Ping` per catalog organisation (as its admin) is the probe. Also
 * after a fault (a restarted peer or orderer): a probe that finds its own gateway peer unreachable
 * is tried again until `timeoutMs`.
 */
export async function waitForDiscovery(timeoutMs = 90_000): Promise<void> {
  // Each organisation's gateway learns the others' peers by gossip on its own: probe every one.
  for (const org of ['nhsa', 'guangdong', 'sichuan', 'shaanxi']) await probe(`${org}/admin`, timeoutMs);
}

async function probe(as: string, timeoutMs: number): Promise<void> {
  const connection = openConnection({ as, walletDir: WALLET_DIR });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await connection.contract.submitTransaction('System:Ping', 'test run: discovery ready');
        return;
      } catch (error) {
        const retry =
          isUnplannable(error) ||
          unreachablePeers(error, undefined, undefined) !== null ||
          // orderers still electing a Raft leader after a restart
          (error instanceof Error && error.name === 'SubmitError');
        if (!retry || Date.now() > deadline) throw error;
        await sleep(1000);
      }
    }
  } finally {
    connection.close();
  }
}

/**
 * Brings the real network up once per test run (idempotent: reuses nodes already healthy and
 * redeploys the chaincode only when `chaincode/` changed), then waits for discovery. Progress goes
 * to stderr.
 */
export function ensureNetwork(): Promise<void> {
  ready ??= networkUp({
    reporter: new StepReporter(8, (line) => {
      process.stderr.write(`    ${line}\n`);
    }),
  }).then(() => waitForDiscovery());
  return ready;
}

/**
 * Waits until every peer of the topology is at the same height on the catalog channel: a submit
 * returns once its transaction committed at the submitting organisation's peer, and a read through
 * another organisation's peer (the auditors', a hospital's) right after it can see the state before.
 */
export async function peersInStep(timeoutMs = 30_000): Promise<void> {
  const topology = loadTopology();
  const peers = topology.orgs.map((org) => ({ host: org.host, port: org.peer.operationsPort }));
  const heights = await waitPeersInStep(peers, topology.channel.name, timeoutMs);
  if (new Set(heights).size !== 1)
    throw new Error(`peers not at one height after ${String(timeoutMs)} ms: ${heights.join(', ')}`);
}
