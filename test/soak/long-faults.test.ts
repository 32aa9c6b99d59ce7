/**
 * The long faults of issue 17, item 4 (run by `npm run soak` only; each scenario runs alone with
 * `--grep`): a peer killed (SIGKILL, by its recorded PID) during an import; two of the three
 * orderers killed; the whole network stopped and started. An audit follower (blocks into an audit
 * store, through NHSA's peer) and a search read model (through Guangdong's peer) follow the channel
 * across every fault, and each scenario ends by comparing them with a fresh full replay (no gap, no
 * duplicate) and with a check that no catalog write was lost or duplicated.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeItemId, type ItemInput } from '@nrdl-catalog/chaincode/model';
import {
  CatalogClient,
  CatalogClientError,
  DEFAULT_UNAVAILABLE_WAIT_MS,
  toClientError,
} from '../../gateway-client/src';
import { replayBlocks } from '../../gateway-client/src/audit/replay';
import { SqliteAuditStore } from '../../gateway-client/src/audit/store';
import { readImportList, runImport, type ImportList } from '../../gateway-client/src/import/run-import';
import { chainVersionsOf, SearchReadModel, type SqliteReadModel } from '../../gateway-client/src/search';
import { networkDown, networkUp } from '../../network/src/network';
import { networkPaths } from '../../network/src/paths';
import { isAlive, runningPid } from '../../network/src/processes';
import { StepReporter } from '../../network/src/progress';
import { envInt, report } from '../support/fuzz-config';
import { clientAs, closeClients, ensureCatalog, mapPool, uniqueName } from '../network/support/catalog';
import { REPO } from '../network/support/cli';
import { WALLET_DIR } from '../network/support/network';
import {
  allProposals,
  allVersions,
  fullListing,
  networkReady,
  PEER_READERS,
  registeredCode,
  settledHeight,
  untilOk,
} from './support/soak';

const SUITE = 'long faults (real network)';
const paths = networkPaths();
/** Rows of the NRDL list imported while NHSA's peer is killed (renamed per run), and the chunk size. */
const IMPORT_ROWS = envInt('SOAK_IMPORT_ROWS', 1000);
const IMPORT_CHUNK = envInt('SOAK_IMPORT_CHUNK', 50);
const NATIONAL_APPROVERS = ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'];
/** The client's submit deadline (gateway-client/src/connection.ts, `deadlines.submit`). */
const SUBMIT_DEADLINE_MS = 30_000;
/** How long the client asks for a commit status (gateway-client/src/transaction.ts, `commitWaitMs`). */
const COMMIT_WAIT_MS = 120_000;

const quiet = (): StepReporter => new StepReporter(8, () => undefined);

async function gone(pid: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${String(pid)} still alive after SIGKILL`);
    await sleep(100);
  }
}

/** SIGKILL of a node the network recorded (network/data/pids), by its PID. */
async function kill(name: string): Promise<number> {
  const pid = runningPid(paths.pidDir, name);
  if (pid === null) throw new Error(`${name} is not running`);
  process.kill(pid, 'SIGKILL');
  await gone(pid);
  return pid;
}

// ---- the followers that run across every fault ----

interface Followers {
  readonly dir: string;
  readonly audit: SqliteAuditStore;
  readonly model: SqliteReadModel;
  readonly abort: AbortController;
  readonly running: Promise<unknown>[];
  readonly reconnects: { audit: number; model: number };
}

let followers: Followers | undefined;

function startFollowers(): Followers {
  if (followers !== undefined) return followers;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'soak-followers-'));
  const abort = new AbortController();
  const reconnects = { audit: 0, model: 0 };
  const audit = new SqliteAuditStore({ path: path.join(dir, 'audit.sqlite') });
  const reader = clientAs('guangdong/hospital1');
  const model = SearchReadModel.open(path.join(dir, 'read-model.sqlite'), chainVersionsOf(reader));
  const options = { signal: abort.signal, reconnectMs: 250, maxReconnectMs: 2000 };
  const running = [
    replayBlocks(clientAs('nhsa/admin').network, audit, {
      ...options,
      follow: true,
      onReconnect: () => {
        reconnects.audit += 1;
      },
    }),
    model.follow(reader.network, {
      ...options,
      onReconnect: () => {
        reconnects.model += 1;
      },
    }),
  ];
  followers = { dir, audit, model, abort, running, reconnects };
  return followers;
}

async function stopFollowers(): Promise<void> {
  const f = followers;
  if (f === undefined) return;
  followers = undefined;
  f.abort.abort();
  await Promise.allSettled(f.running);
  await f.model.close();
  await f.audit.close();
  rmSync(f.dir, { recursive: true, force: true });
}

type Rows = Record<string, unknown>[];

function rowsOf(store: SqliteAuditStore, below: number): { blocks: Rows; txs: Rows; writes: unknown } {
  return {
    blocks: store.db.prepare('SELECT number, hash FROM blocks WHERE number < ? ORDER BY number').all(below),
    txs: store.db
      .prepare(
        'SELECT block_number, tx_index, tx_id, validation_code FROM transactions WHERE block_number < ? ORDER BY block_number, tx_index',
      )
      .all(below),
    writes: store.db.prepare('SELECT COUNT(*) AS n FROM writes WHERE block_number < ?').get(below),
  };
}

/**
 * Waits until both followers hold every block the peers agree on, then compares them with a fresh
 * full replay of the channel (and a fresh read model): the same blocks, transactions and writes,
 * numbered 0..height-1 without a gap, and the same read-model index. Returns what it compared.
 */
async function followersAgree(label: string): Promise<string> {
  const f = startFollowers();
  const height = await settledHeight();
  const deadline = Date.now() + 300_000;
  while ((await f.audit.stats()).height < height || (await f.model.store.stats()).height < height) {
    if (Date.now() > deadline)
      throw new Error(`${label}: the followers did not reach height ${String(height)}`);
    await sleep(250);
  }
  await f.model.refresh();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'soak-fresh-'));
  const auditor = clientAs('audit/auditor');
  const fresh = SearchReadModel.open(path.join(dir, 'fresh.sqlite'), chainVersionsOf(auditor));
  try {
    await fresh.catchUp(auditor.network);
    const followed = rowsOf(f.audit, height);
    const modelRows = rowsOf(f.model.store, height);
    const replayed = rowsOf(fresh.store, height);
    const numbers = followed.blocks.map((row) => Number(row.number));
    expect(numbers, `${label}: audit follower blocks 0..${String(height - 1)}`).to.deep.equal(
      numbers.map((_, i) => i),
    );
    expect(numbers.length).to.equal(height);
    expect(followed, `${label}: audit follower = fresh replay`).to.deep.equal(replayed);
    expect(modelRows, `${label}: read model's store = fresh replay`).to.deep.equal(replayed);
    const entries = (m: SqliteReadModel): unknown =>
      m.store.db.prepare('SELECT entry_key, data FROM rm_entries ORDER BY entry_key').all();
    expect(await f.model.state(), `${label}: read model state`).to.deep.equal(await fresh.state());
    expect(entries(f.model), `${label}: read model rows`).to.deep.equal(entries(fresh));
    await f.model.check();
    return `followers (audit store via NHSA's peer, read model via Guangdong's) = fresh replay of ${String(height)} blocks, ${String(replayed.txs.length)} transactions; ${String(f.reconnects.audit)} + ${String(f.reconnects.model)} reconnections`;
  } finally {
    await fresh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An own client (not shared), closed by the caller. */
function connect(as: string): CatalogClient {
  return CatalogClient.connect({ as, walletDir: WALLET_DIR });
}

/** `IMPORT_ROWS` NRDL rows, renamed for this run so that the import is new on any network. */
function importList(
  tag: string,
  governance: Awaited<ReturnType<CatalogClient['getGovernance']>>,
): ImportList {
  const list = readImportList(
    { list: 'nrdl', file: path.join(REPO, 'data', 'nrdl-2024-drugs.csv') },
    governance,
  );
  const seen = new Set<string>();
  const items: ItemInput[] = [];
  for (const item of list.items) {
    if (items.length >= IMPORT_ROWS) break;
    const name = `${item.name}（${tag}）`;
    const id = computeItemId({ kind: item.kind, name, dosageForm: item.dosageForm ?? null });
    if (seen.has(id)) continue;
    seen.add(id);
    items.push({ ...item, name, id });
  }
  return { ...list, items, title: `NRDL rows ${tag}`, source: `nrdl-2024-drugs.csv (${tag})` };
}

describe('soak: long faults on the real network, followers running across them', function () {
  before(async function () {
    this.timeout(900_000);
    await ensureCatalog();
    startFollowers();
  });

  after(async function () {
    this.timeout(120_000);
    await stopFollowers();
    closeClients();
  });

  it("kill -9 NHSA's peer during a national import: bounded retries, PEER_UNAVAILABLE naming NHSAMSP; restarted, the import completes; nothing duplicated", async function () {
    this.timeout(1_800_000);
    const started = Date.now();
    const tag = uniqueName('soak-import');
    const proposer = connect('nhsa/proposer');
    const approvers = NATIONAL_APPROVERS.map(connect);
    try {
      const list = importList(tag, await proposer.getGovernance());
      const chunks = Math.ceil(list.items.length / IMPORT_CHUNK);
      let killedAt = 0;
      let killedPid = 0;
      const killing: { done: Promise<void> | null } = { done: null };
      const first = runImport({
        client: proposer,
        source: list,
        effectiveFrom: '2025-01-01',
        approvers,
        chunkSize: IMPORT_CHUNK,
        onProgress: (progress) => {
          if (
            killing.done === null &&
            progress.phase === 'chunks' &&
            progress.done >= Math.max(1, chunks / 4)
          ) {
            killing.done = kill('peer0.nhsa').then((pid) => {
              killedPid = pid;
              killedAt = Date.now();
            });
          }
        },
      });
      const failure = await first.then(
        () => null,
        (error: unknown) => error,
      );
      await killing.done;
      expect(killedAt, 'the peer was killed during the import').to.be.greaterThan(0);
      expect(failure, 'the import fails while NHSA cannot endorse').to.be.instanceOf(CatalogClientError);
      const coded = failure as CatalogClientError;
      const waited = Date.now() - killedAt;
      process.stderr.write(
        `      import failed ${String(waited)} ms after the kill: ${coded.message.slice(0, 400)}\n`,
      );
      expect(coded.code).to.equal('PEER_UNAVAILABLE');
      expect(coded.message).to.include('NHSAMSP');
      expect(waited, 'bounded retries').to.be.below(DEFAULT_UNAVAILABLE_WAIT_MS + 60_000);
      // reads of the other organisations go on meanwhile
      await clientAs('guangdong/hospital1').getGovernance();

      await networkUp({ reporter: quiet() });
      await networkReady();
      const restartedAfter = Date.now() - killedAt;
      const second = await runImport({
        client: proposer,
        source: list,
        effectiveFrom: '2025-01-01',
        approvers,
        chunkSize: IMPORT_CHUNK,
      });
      expect(second.resumed, 'the re-run resumes the same proposal').to.equal(true);
      expect(second.status).to.equal('applied');
      const version = second.version?.version ?? 0;
      // nothing duplicated: one proposal of this import, its chunks once each, sealed once
      const auditor = clientAs('audit/auditor');
      const mine = (await allProposals(auditor)).filter((p) => p.title === list.title);
      expect(mine.map((p) => p.id)).to.deep.equal([second.proposalId]);
      const details = await auditor.getProposal({ proposalId: second.proposalId });
      expect(details.chunks.map((c) => c.index)).to.deep.equal(Array.from({ length: chunks }, (_, i) => i));
      expect(details.chunks.every((c) => c.applied)).to.equal(true);
      const versions = await allVersions(auditor);
      expect(
        versions.filter((v) => v.proposalIds.includes(second.proposalId)).map((v) => v.version),
      ).to.deep.equal([version]);
      const sealed = versions.find((v) => v.version === version);
      expect(sealed?.changeCount).to.equal(list.items.length);
      // every row there, as imported, from NHSA's restarted peer and from the auditors'
      for (const as of ['nhsa/proposer', 'audit/auditor']) {
        const wrong = (
          await mapPool(list.items, 8, async (item) => {
            const got = await clientAs(as).getItem({ itemId: item.id ?? '', version });
            return got.item.name === item.name ? null : item.id;
          })
        ).filter((id) => id !== null);
        expect(wrong, `${as}: items missing or changed`).to.deep.equal([]);
      }
      const followed = await followersAgree('peer killed');
      const note = `${coded.code} naming NHSAMSP ${(waited / 1000).toFixed(1)} s after the kill (PID ${String(killedPid)}); restarted in ${(restartedAfter / 1000).toFixed(0)} s, the re-run resumed ${second.proposalId.slice(0, 8)}… and sealed version ${String(version)}: ${String(list.items.length)} items in ${String(chunks)} chunks, each once; ${followed}`;
      process.stderr.write(`      ${note}\n`);
      report({
        suite: SUITE,
        target: "kill -9 NHSA's peer during a national import, restart, resume",
        cases: 1,
        refused: 0,
        accepted: 1,
        failures: 0,
        ms: Date.now() - started,
        note,
      });
    } finally {
      proposer.close();
      for (const client of approvers) client.close();
    }
  });

  it('kill -9 two of the three orderers: writes fail with a coded error within the submit deadline, reads go on; restarted, writes resume, nothing lost', async function () {
    this.timeout(1_200_000);
    const started = Date.now();
    const tag = uniqueName('soak-orderers');
    const nhsa = clientAs('nhsa/proposer');
    const draft = (n: string): ReturnType<CatalogClient['createProposal']> =>
      nhsa.createProposal({
        scope: 'national',
        title: `${tag} ${n}`,
        rationale: 'orderer soak',
        effectiveFrom: '2025-01-01',
      });
    const before = await Promise.all(['before 1', 'before 2', 'before 3'].map(draft));
    await settledHeight();
    const killed = [await kill('orderer0.guangdong'), await kill('orderer0.sichuan')];
    const failed: { code: string | null; ms: number; txId: string | undefined; message: string }[] = [];
    // at once, and once the last orderer has noticed that it has no quorum
    for (const wait of [0, 8000]) {
      await sleep(wait);
      const t0 = Date.now();
      try {
        await draft(`down after ${String(wait)} ms`);
        failed.push({ code: 'COMMITTED', ms: Date.now() - t0, txId: undefined, message: '' });
      } catch (error) {
        const coded = toClientError(error);
        failed.push({
          code: registeredCode(error),
          ms: Date.now() - t0,
          txId: coded.transactionId,
          message: coded.message.slice(0, 300),
        });
      }
    }
    for (const f of failed)
      process.stderr.write(
        `      write with 2 orderers down: ${String(f.code)} after ${String(f.ms)} ms: ${f.message}\n`,
      );
    // Right after the kills the last orderer may still be the Raft leader for an election timeout:
    // it accepts the transaction but cannot order it, and the client asks for its commit status
    // until commitWaitMs (120 s) passes. Once it has stepped down, every write is refused at once.
    const [atOnce, later] = failed;
    expect(atOnce?.code, atOnce?.message).to.be.oneOf(['SUBMIT_FAILED', 'COMMIT_STATUS_TIMEOUT']);
    expect(atOnce?.ms ?? 0).to.be.below(
      atOnce?.code === 'SUBMIT_FAILED' ? SUBMIT_DEADLINE_MS + 5000 : COMMIT_WAIT_MS + 10_000,
    );
    expect(later?.code, later?.message).to.equal('SUBMIT_FAILED');
    expect(later?.ms ?? 0, 'within the submit deadline').to.be.below(SUBMIT_DEADLINE_MS + 5000);
    // reads go on, on every peer
    for (const as of PEER_READERS)
      await clientAs(as)
        .getVersion({})
        .catch((error: unknown) => {
          if (!(error instanceof CatalogClientError && error.code === 'VERSION_NOT_FOUND')) throw error;
        });
    const reads = PEER_READERS.length;
    const outcomes = new Map<string, string>();
    await networkUp({ reporter: quiet() });
    await networkReady();
    const resumed = await untilOk(() => draft('after restart'));
    const after = [resumed.value, ...(await Promise.all(['after 2', 'after 3'].map(draft)))];
    await settledHeight();
    // nothing lost: every write that committed reads back from every peer; the refused ones are absent
    for (const as of PEER_READERS) {
      for (const w of [...before, ...after]) {
        const got = await clientAs(as).getProposal({ proposalId: w.value.id });
        expect(got.proposal.title, as).to.equal(w.value.title);
      }
      for (const f of failed) {
        if (f.txId === undefined) continue;
        const found = await clientAs(as)
          .getProposal({ proposalId: f.txId })
          .then(
            (got) => got.proposal.title,
            (error: unknown) => {
              if (error instanceof CatalogClientError && error.code === 'PROPOSAL_NOT_FOUND') return null;
              throw error;
            },
          );
        // refused writes are absent; one whose outcome the client could not learn is there or not
        if (f.code === 'SUBMIT_FAILED')
          expect(found, `${as}: the refused write ${f.txId} is not there`).to.equal(null);
        else outcomes.set(f.txId, found === null ? 'not committed' : 'committed after the restart');
      }
    }
    const ambiguous = [...new Set(outcomes.values())].join(', ');
    const followed = await followersAgree('orderers killed');
    const note = `writes failed with ${failed.map((f) => `${String(f.code)} in ${(f.ms / 1000).toFixed(1)} s`).join(' at once, then ')} 8 s later (client submit deadline 30 s, commit-status wait 120 s)${ambiguous === '' ? '' : `; the write whose outcome was unknown: ${ambiguous}`}; ${String(reads)} peers answered reads meanwhile; restarted, the first write committed after ${(resumed.ms / 1000).toFixed(1)} s; 3 writes before and 3 after read back from every peer, the refused ones absent; ${followed}`;
    process.stderr.write(`      orderers ${killed.join(', ')} killed; ${note}\n`);
    report({
      suite: SUITE,
      target: 'kill -9 two of three orderers, then restart them',
      cases: failed.length + reads + before.length + after.length,
      refused: failed.length,
      accepted: reads + before.length + after.length,
      failures: 0,
      ms: Date.now() - started,
      note,
    });
  });

  it('stops and starts the whole network (network:down without --purge, then up): every version, proposal and vote still there', async function () {
    this.timeout(1_800_000);
    const started = Date.now();
    const auditor = clientAs('audit/auditor');
    await settledHeight();
    const height = await settledHeight();
    const listing = await fullListing(auditor);
    const votes = listing.proposals.reduce((n, p) => n + p.votes.length, 0);
    const stopped = await networkDown({ purge: false });
    expect(stopped.length, 'processes stopped').to.be.greaterThan(0);
    for (const name of ['peer0.nhsa', 'orderer0.nhsa', 'ca.nhsa'])
      expect(runningPid(paths.pidDir, name), `${name} stopped`).to.equal(null);
    const downAt = Date.now();
    await networkUp({ reporter: quiet() });
    await networkReady();
    const upMs = Date.now() - downAt;
    const heightAfter = await settledHeight();
    // every peer holds the same versions and proposals as before (networkReady's probes wrote
    // pings only); NHSA's and the auditors' peers every proposal's votes and chunks too
    const proposals = listing.proposals.map((p) => p.proposal);
    for (const as of PEER_READERS) {
      expect(await allVersions(clientAs(as)), `${as}: versions`).to.deep.equal(listing.versions);
      const again = (await allProposals(clientAs(as))).sort((a, b) => a.id.localeCompare(b.id));
      expect(again, `${as}: proposals`).to.deep.equal(proposals);
    }
    for (const as of ['audit/auditor', 'nhsa/proposer']) {
      const again = await fullListing(clientAs(as));
      expect(again.proposals, `${as}: proposals, votes, chunks`).to.deep.equal(listing.proposals);
    }
    expect(heightAfter).to.be.at.least(height);
    const followed = await followersAgree('network restarted');
    const note = `${String(stopped.length)} processes stopped, the network back in ${(upMs / 1000).toFixed(0)} s; ${String(listing.versions.length)} versions, ${String(listing.proposals.length)} proposals, ${String(votes)} votes as before (versions and proposals on all 5 peers, votes and chunks on NHSA's and the auditors'); height ${String(height)} → ${String(heightAfter)} (readiness pings); ${followed}`;
    process.stderr.write(`      ${note}\n`);
    report({
      suite: SUITE,
      target: 'stop and start the whole network',
      cases: 1,
      refused: 0,
      accepted: 1,
      failures: 0,
      ms: Date.now() - started,
      note,
    });
  });
});
