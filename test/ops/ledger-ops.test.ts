/**
 * Operations that stop nodes or add one (issue 17, item 5; run by `npm run soak`, not by the test
 * command): backup and restore of one organisation's peer and CA, and a new peer joined from a
 * ledger snapshot. Each ends with the same state as the other peers, shown by Fabric's own means:
 * every peer concerned takes a snapshot at the same block, their signable metadata (hashes of the
 * public state, private data hashes and transaction ids, and the last block's hash) must be equal,
 * and `ledgerutil compare` must find no difference. Shaanxi is used: its peer and CA can stop
 * without stopping any write (every write needs two of the four catalog organisations), and it runs
 * no orderer. The suite cleans up after itself: the extra peer is stopped and its folders deleted;
 * the restored peer is the same peer0.shaanxi, caught up.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { peer } from '@hyperledger/fabric-protos';
import { submitWithRetry } from '../../gateway-client/src';
import { backupOrg, restoreOrg } from '../../network/src/backup';
import { enrollExtraPeer } from '../../network/src/ca';
import { findFabric, type FabricInstall } from '../../network/src/fabric-home';
import { adminCliEnv, bin, peerEnv } from '../../network/src/node-env';
import { networkPaths, orgPaths } from '../../network/src/paths';
import { startProcess, stopProcess, waitHealthy } from '../../network/src/processes';
import { renewCertificates } from '../../network/src/renew';
import { runCommand } from '../../network/src/run-command';
import { findOrg, loadTopology, portPlan, type OrgSpec } from '../../network/src/topology';
import { report } from '../support/fuzz-config';
import { clientAs, closeClients, ensureCatalog } from '../network/support/catalog';

const topology = loadTopology();
const paths = networkPaths();
const shaanxi = findOrg(topology, 'shaanxi');
const nhsa = findOrg(topology, 'nhsa');
const audit = findOrg(topology, 'audit');

/** A peer the suite asks things of: its name, organisation and gRPC address. */
interface PeerRef {
  readonly name: string;
  readonly org: OrgSpec;
  readonly address: string;
  readonly snapshots: string;
}

function peer0(org: OrgSpec): PeerRef {
  return {
    name: `peer0.${org.name}`,
    org,
    address: `${org.host}:${String(org.peer.port)}`,
    snapshots: path.join(orgPaths(paths, org).peerLedger, 'snapshots'),
  };
}

/** The second Shaanxi peer: ports from the topology's free range (none of them in its port plan). */
const EXTRA_PORTS = { port: 21361, chaincodePort: 21362, operationsPort: 21363 };
const extraLedger = path.join(paths.dataDir, 'ledgers', 'peer1.shaanxi');
const extraCrypto = path.join(paths.dataDir, 'orgs', 'shaanxi', 'peer1');
const peer1: PeerRef = {
  name: 'peer1.shaanxi',
  org: shaanxi,
  address: `${shaanxi.host}:${String(EXTRA_PORTS.port)}`,
  snapshots: path.join(extraLedger, 'snapshots'),
};

let fabric: FabricInstall;

/** `peer …` as the admin of `ref`'s organisation against `ref`. */
function peerCli(ref: PeerRef, args: readonly string[]): Promise<string> {
  const env = { ...adminCliEnv(topology, ref.org, paths), CORE_PEER_ADDRESS: ref.address };
  return runCommand(bin(fabric, 'peer'), args, env);
}

async function height(ref: PeerRef): Promise<number> {
  const out = await peerCli(ref, ['channel', 'getinfo', '-c', topology.channel.name]);
  const match = /"height":(\d+)/.exec(out);
  if (!match?.[1]) throw new Error(`${ref.name}: no height in ${out}`);
  return Number(match[1]);
}

/** Waits until `ref` is at least at `wanted` (as far as `timeoutMs`); resolves with the time it took. */
async function reach(ref: PeerRef, wanted: number, timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    let at = -1;
    try {
      at = await height(ref);
    } catch {
      at = -1;
    }
    if (at >= wanted) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`${ref.name} at height ${String(at)}, not ${String(wanted)}`);
    await sleep(500);
  }
}

let pings = 0;
/** One write that Shaanxi does not endorse (NHSA and Sichuan), committed. */
async function write(note: string): Promise<void> {
  pings += 1;
  const contract = clientAs('nhsa/admin').connection.contract;
  const proposal = contract.newProposal('System:Ping', {
    arguments: [`ops suite: ${note} ${String(pings)}`],
    endorsingOrganizations: ['NHSAMSP', 'SichuanMSP'],
  });
  const status = await (await (await proposal.endorse()).submit()).getStatus();
  if (status.code !== peer.TxValidationCode.VALID)
    throw new Error(`ping committed as ${String(status.code)}`);
}

function snapshotDir(ref: PeerRef, block: number): string {
  return path.join(ref.snapshots, 'completed', topology.channel.name, String(block));
}

interface SnapshotMeta {
  readonly last_block_number: number;
  readonly last_block_hash: string;
  readonly snapshot_files_raw_hashes: Record<string, string>;
}

/**
 * Snapshots of every peer in `refs` at one block: each is asked for the block after the highest
 * height among them, writes make the channel reach it, and the completed snapshot folders are
 * returned with their signable metadata.
 */
async function snapshotsAtOneBlock(
  refs: readonly PeerRef[],
): Promise<{ block: number; dirs: string[]; metas: SnapshotMeta[] }> {
  const heights = await Promise.all(refs.map((ref) => height(ref)));
  const block = Math.max(...heights) + 1;
  for (const ref of refs) {
    await peerCli(ref, [
      'snapshot',
      'submitrequest',
      '-c',
      topology.channel.name,
      '-b',
      String(block),
      '--peerAddress',
      ref.address,
      '--tlsRootCertFile',
      orgPaths(paths, ref.org).caCert,
    ]);
  }
  for (let i = 0; i < 3; i += 1) await write('snapshot block');
  const dirs = refs.map((ref) => snapshotDir(ref, block));
  const deadline = Date.now() + 180_000;
  while (!dirs.every((dir) => existsSync(path.join(dir, '_snapshot_signable_metadata.json')))) {
    if (Date.now() > deadline)
      throw new Error(`snapshots at block ${String(block)} not all done: ${dirs.join(', ')}`);
    await sleep(500);
  }
  const metas = dirs.map(
    (dir) =>
      JSON.parse(readFileSync(path.join(dir, '_snapshot_signable_metadata.json'), 'utf8')) as SnapshotMeta,
  );
  return { block, dirs, metas };
}

/** `ledgerutil compare` of two snapshots: its output, and the files of differences it wrote (none when equal). */
async function ledgerutilCompare(a: string, b: string): Promise<{ out: string; diffFiles: string[] }> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'ledgerutil-'));
  try {
    const text = await runCommand(bin(fabric, 'ledgerutil'), ['compare', '-o', out, a, b], process.env);
    const diffFiles = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.json'),
    );
    return { out: text.trim(), diffFiles };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Asserts equal snapshots (metadata hashes and `ledgerutil compare`); resolves with what compare said. */
async function sameState(refs: readonly PeerRef[]): Promise<{ block: number; compare: string }> {
  const { block, dirs, metas } = await snapshotsAtOneBlock(refs);
  const [first, ...rest] = metas;
  for (const [index, meta] of rest.entries()) {
    const name = refs[index + 1]?.name ?? '?';
    expect(meta.last_block_number, name).to.equal(block);
    expect(meta.last_block_hash, `${name}: last block hash`).to.equal(first?.last_block_hash);
    expect(
      meta.snapshot_files_raw_hashes,
      `${name}: state, private data hashes and transaction ids`,
    ).to.deep.equal(first?.snapshot_files_raw_hashes);
  }
  let compare = '';
  for (const dir of dirs.slice(1)) {
    const result = await ledgerutilCompare(dirs[0] as string, dir);
    expect(result.diffFiles, `ledgerutil compare ${dirs[0] ?? ''} ${dir}: ${result.out}`).to.deep.equal([]);
    compare = result.out;
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  return { block, compare };
}

describe('real network (ops, soak run): backup and restore of a peer and its CA, a peer joined from a snapshot', function () {
  before(async function () {
    this.timeout(600_000);
    await ensureCatalog();
    fabric = await findFabric();
    const taken = new Set(portPlan(topology).map((entry) => entry.port));
    for (const port of Object.values(EXTRA_PORTS))
      expect(taken.has(port), `port ${String(port)} is free in the topology`).to.equal(false);
  });

  after(async function () {
    this.timeout(120_000);
    closeClients();
    await stopProcess(paths.pidDir, peer1.name);
    rmSync(extraLedger, { recursive: true, force: true });
    rmSync(extraCrypto, { recursive: true, force: true });
  });

  it("Shaanxi's peer and CA backed up, later restored: the CA still renews Shaanxi's certificates, the peer catches up and has the same state as NHSA's and the auditors' peers", async function () {
    this.timeout(900_000);
    const started = Date.now();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'shaanxi-backup-'));
    try {
      const atBackup = await height(peer0(shaanxi));
      const backup = await backupOrg({ org: 'shaanxi', dir: path.join(dir, 'backup') });
      await reach(peer0(shaanxi), atBackup, 60_000);
      // the catalog moves on while the backup sits on its shelf
      for (let i = 0; i < 5; i += 1) await write('after the backup');
      const channelHeight = await height(peer0(nhsa));
      expect(channelHeight).to.be.greaterThan(atBackup);
      const restore = await restoreOrg({ org: 'shaanxi', dir: path.join(dir, 'backup') });
      const restoredAt = await height(peer0(shaanxi)).catch(() => -1);
      const caughtUpMs = await reach(peer0(shaanxi), channelHeight);
      // the restored CA has its identity database: it re-enrols (renews) Shaanxi's identities
      const renewed = await renewCertificates({ org: 'shaanxi', target: 'identities' });
      expect(renewed.renewed).to.have.length(shaanxi.identities.length);
      // and a write by the renewed admin commits
      closeClients();
      // through Shaanxi's restored gateway, which simulates on its own peer first; right after the
      // restart its discovery may not plan yet, which the library waits for (up to 30 s)
      const written = await submitWithRetry(
        clientAs('shaanxi/admin').connection.contract,
        'System:Ping',
        ['ops suite: restored Shaanxi endorses'],
        { localMspId: 'ShaanxiMSP' },
      );
      expect(Number(written.blockNumber)).to.be.at.least(channelHeight);
      const same = await sameState([peer0(shaanxi), peer0(nhsa), peer0(audit)]);
      const ms = Date.now() - started;
      const bytes = backup.manifest.parts.reduce((n, part) => n + part.bytes, 0);
      process.stderr.write(
        `      backup of ${String(Math.round(bytes / 1024))} KiB at height ${String(atBackup)}: down ${String(backup.downtimeMs)} ms; ` +
          `restore: down ${String(restore.downtimeMs)} ms, restored at height ${String(restoredAt)}, caught up to ${String(channelHeight)} in ${String(caughtUpMs)} ms; ` +
          `same snapshot at block ${String(same.block)} on 3 peers (ledgerutil: ${same.compare.split('\n').at(-1) ?? ''})\n`,
      );
      report({
        suite: 'operations (real network)',
        target: "backup, then restore, of Shaanxi's peer and CA",
        cases: 1,
        refused: 0,
        accepted: 1,
        failures: 0,
        ms,
        note: `down ${String(Math.round(backup.downtimeMs / 1000))} s for the backup and ${String(Math.round(restore.downtimeMs / 1000))} s for the restore; caught up ${String(channelHeight - atBackup)} blocks; same snapshot at block ${String(same.block)} as NHSA's and the auditors' peers`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new Shaanxi peer (peer1, own ports) joined from a snapshot of peer0.shaanxi catches up and has the same state as the others', async function () {
    this.timeout(900_000);
    const started = Date.now();
    // its identity from Shaanxi's CA
    await enrollExtraPeer(fabric, topology, shaanxi, paths, {
      id: peer1.name,
      msp: path.join(extraCrypto, 'msp'),
      tls: path.join(extraCrypto, 'tls'),
    });
    // a snapshot of the running peer0.shaanxi at its last block
    const source = peer0(shaanxi);
    const before = readdirSync(path.join(source.snapshots, 'completed', topology.channel.name), {
      withFileTypes: true,
    }).length;
    await peerCli(source, [
      'snapshot',
      'submitrequest',
      '-c',
      topology.channel.name,
      '-b',
      '0',
      '--peerAddress',
      source.address,
      '--tlsRootCertFile',
      orgPaths(paths, shaanxi).caCert,
    ]);
    const completed = path.join(source.snapshots, 'completed', topology.channel.name);
    let snapshot: string | undefined;
    for (const deadline = Date.now() + 60_000; snapshot === undefined && Date.now() < deadline;) {
      snapshot = readdirSync(completed)
        .filter((name) => existsSync(path.join(completed, name, '_snapshot_signable_metadata.json')))
        .sort((a, b) => Number(b) - Number(a))[0];
      if (snapshot === undefined) await sleep(500);
    }
    expect(snapshot, `a completed snapshot (had ${String(before)})`).to.be.a('string');
    const snapshotPath = path.join(completed, snapshot as string);
    const snapshotBlock = Number(snapshot);
    // peer1.shaanxi: Shaanxi's peer settings with its own id, identity, ports and ledger; gossip only with itself
    const org: OrgSpec = { ...shaanxi, peer: EXTRA_PORTS };
    const address = peer1.address;
    const env = {
      ...peerEnv(topology, org, paths),
      CORE_PEER_ID: peer1.name,
      CORE_PEER_MSPCONFIGPATH: path.join(extraCrypto, 'msp'),
      CORE_PEER_TLS_CERT_FILE: path.join(extraCrypto, 'tls', 'server.crt'),
      CORE_PEER_TLS_KEY_FILE: path.join(extraCrypto, 'tls', 'server.key'),
      CORE_PEER_TLS_ROOTCERT_FILE: path.join(extraCrypto, 'tls', 'ca.crt'),
      CORE_PEER_FILESYSTEMPATH: extraLedger,
      CORE_LEDGER_SNAPSHOTS_ROOTDIR: peer1.snapshots,
      CORE_PEER_GOSSIP_BOOTSTRAP: address,
      // not advertised to the other organisations: discovery never plans an endorsement on it
      CORE_PEER_GOSSIP_EXTERNALENDPOINT: '',
    };
    const proc = startProcess({
      name: peer1.name,
      command: bin(fabric, 'peer'),
      args: ['node', 'start'],
      env,
      pidDir: paths.pidDir,
      logDir: paths.logDir,
    });
    await waitHealthy(proc, shaanxi.host, EXTRA_PORTS.operationsPort, paths.logDir);
    const joinStarted = Date.now();
    await peerCli(peer1, ['channel', 'joinbysnapshot', '--snapshotpath', snapshotPath]);
    // the channel moves on while it joins
    for (let i = 0; i < 5; i += 1) await write('while peer1 joins');
    const channelHeight = await height(peer0(nhsa));
    const caughtUpMs = await reach(peer1, channelHeight);
    const joinMs = Date.now() - joinStarted;
    const list = await peerCli(peer1, ['channel', 'list']);
    expect(list.split('\n').map((line) => line.trim())).to.include(topology.channel.name);
    const same = await sameState([peer1, peer0(shaanxi), peer0(nhsa)]);
    // the snapshot it started from is not needed any more
    rmSync(snapshotPath, { recursive: true, force: true });
    const ms = Date.now() - started;
    process.stderr.write(
      `      peer1.shaanxi joined from the snapshot at block ${String(snapshotBlock)}, reached height ${String(channelHeight)} in ${String(caughtUpMs)} ms (join + catch-up ${String(joinMs)} ms); ` +
        `same snapshot at block ${String(same.block)} as peer0.shaanxi and peer0.nhsa (ledgerutil: ${same.compare.split('\n').at(-1) ?? ''})\n`,
    );
    report({
      suite: 'operations (real network)',
      target: 'a new peer joined from a ledger snapshot (joinbysnapshot)',
      cases: 1,
      refused: 0,
      accepted: 1,
      failures: 0,
      ms,
      note: `joined from block ${String(snapshotBlock)}, caught up to ${String(channelHeight)} in ${String(Math.round(joinMs / 1000))} s; same snapshot at block ${String(same.block)} as peer0.shaanxi and peer0.nhsa`,
    });
  });
});
