import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { common } from '@hyperledger/fabric-protos';
import {
  PgAuditStore,
  SqliteAuditStore,
  decodeBlock,
  buildLedgerModel,
  catalogAsOf,
  diffVersions,
  entriesAt,
  getChainHeight,
  itemHistory,
  replayBlocks,
  verifyStore,
  type AuditStore,
  type VerifyResult,
} from '../../gateway-client/src/audit';
import { stopProcess } from '../../network/src/processes';
import { networkPaths } from '../../network/src/paths';
import { channelBlock } from '../../network/src/channel';
import { deploymentsFile } from '../../network/src/deployments';
import { loadTopology } from '../../network/src/topology';
import { networkUp } from '../../network/src/network';
import { StepReporter } from '../../network/src/progress';
import { canonicalJson } from '@nrdl-catalog/chaincode/model';
import {
  approveAs,
  clientAs,
  closeClients,
  drugItem,
  ensureCatalog,
  idOf,
  mapPool,
  uniqueName,
  upserts,
} from './support/catalog';
import { runCatalog } from './support/cli';
import { postgresUnavailable, startPostgres } from '../unit/audit/support/postgres';

async function replayInto(file: string): Promise<SqliteAuditStore> {
  const store = new SqliteAuditStore({ path: file });
  const summary = await replayBlocks(clientAs('audit/auditor').network, store);
  expect(summary.stoppedBy).to.equal('height');
  return store;
}

/** A national proposal through to a sealed version; returns the version number. */
async function sealNational(changes: ReturnType<typeof upserts>, title: string): Promise<number> {
  const proposer = clientAs('nhsa/proposer');
  const created = await proposer.createProposal({
    scope: 'national',
    title,
    rationale: title,
    effectiveFrom: '2025-01-01',
  });
  const proposalId = created.value.id;
  await proposer.addChunk({ proposalId, chunkIndex: 0, changes });
  await proposer.openProposal({ proposalId });
  await approveAs(proposalId);
  await proposer.applyChunk({ proposalId, chunkIndex: 0 });
  return (await proposer.sealVersion({ proposalId })).value.version;
}

describe('real network: auditors replay and verify the catalog from block 0', function () {
  let tmp: string;
  let store: SqliteAuditStore;
  const name = uniqueName('审计药');
  let versionA = 0;
  let versionB = 0;

  before(async function () {
    await ensureCatalog();
    versionA = await sealNational(upserts(drugItem(name, { remark: '限成人。' })), 'audit A');
    versionB = await sealNational(upserts(drugItem(name, { remark: '限成人，二线用药。' })), 'audit B');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'catalog-audit-'));
    store = await replayInto(path.join(tmp, 'replay.sqlite'));
  });

  after(async function () {
    await store.close();
    rmSync(tmp, { recursive: true, force: true });
    closeClients();
  });

  it('replays every block from 0 into a fresh store and verifies OK', async function () {
    const stats = await store.stats();
    const height = await getChainHeight(clientAs('audit/auditor').network);
    expect(stats.height).to.be.at.least(height);
    const result = await verifyStore(store);
    expect(result, JSON.stringify(result)).to.include({ ok: true });
    expect((result as VerifyResult & { versions: number }).versions).to.be.at.least(versionB);
  });

  it('replays the same history into PostgreSQL (--store postgres://…) and verifies OK there too', async function () {
    const reason = await postgresUnavailable();
    if (reason !== null) {
      process.stderr.write(`      PostgreSQL audit store on the real network: skipped (${reason})\n`);
      this.skip();
    }
    const server = await startPostgres();
    try {
      const pg = await PgAuditStore.open(`${server.url}?schema=catalog_audit_network`);
      try {
        const summary = await replayBlocks(clientAs('audit/auditor').network, pg);
        process.stderr.write(
          `      PostgreSQL replay: ${summary.blocks} blocks, ${summary.writes} writes, ` +
            `${summary.blocksPerSecond.toFixed(0)} blocks/s, ${summary.writesPerSecond.toFixed(0)} writes/s\n`,
        );
        expect(await verifyStore(pg)).to.include({ ok: true });
        const [a, b] = [await pg.stats(), await store.stats()];
        const counts = (stats: typeof a): number[] => [
          stats.blocks,
          stats.transactions,
          stats.invalidTransactions,
          stats.writes,
        ];
        expect(counts(a), 'blocks, transactions, invalid, writes').to.deep.equal(counts(b));
      } finally {
        await pg.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('reconstructs the current catalog equal to a chaincode query of every item', async function () {
    const model = await buildLedgerModel(store);
    const head = model.versions.at(-1)?.record.version ?? 0;
    const entries = [...entriesAt(model, head).values()];
    const items = entries.filter((entry) => entry.type === 'item');
    const overlays = new Map<string, unknown[]>();
    for (const entry of entries) {
      if (entry.type === 'overlay')
        overlays.set(entry.itemId, [...(overlays.get(entry.itemId) ?? []), entry.data]);
    }
    const auditor = clientAs('audit/auditor');
    const differences = (
      await mapPool(items, 8, async (entry) => {
        const got = (await auditor.getItem({ itemId: entry.itemId, version: head })) as unknown as {
          item: unknown;
          overlays: unknown[];
        };
        const same =
          canonicalJson(got.item) === canonicalJson(entry.data) &&
          canonicalJson([...got.overlays].map(canonicalJson).sort()) ===
            canonicalJson((overlays.get(entry.itemId) ?? []).map(canonicalJson).sort());
        return same ? [] : [entry.itemId];
      })
    ).flat();
    expect(items.length).to.be.greaterThan(0);
    expect(differences.slice(0, 5), `${differences.length} items differ`).to.deep.equal([]);
  });

  it('catches a tampered store row and a forged block, naming where', async function () {
    const tampered = path.join(tmp, 'tampered.sqlite');
    const copy = new SqliteAuditStore({ path: tampered });
    await copy.close();
    rmSync(tampered, { force: true });
    store.db.exec(`VACUUM INTO '${tampered.replace(/'/g, "''")}'`);
    const row = new SqliteAuditStore({ path: tampered });
    try {
      const itemId = idOf(drugItem(name));
      const target = row.db
        .prepare(
          "SELECT rowid AS r, value FROM writes WHERE object_type = 'itemv' AND attrs_json LIKE ? ORDER BY block_number DESC LIMIT 1",
        )
        .get(`%${itemId}%`) as { r: number; value: Uint8Array } | undefined;
      if (!target) throw new Error('no item record write found in the store');
      const record = JSON.parse(Buffer.from(target.value).toString('utf8')) as { item: { remark: string } };
      record.item.remark = '限儿童。';
      row.db
        .prepare('UPDATE writes SET value = ? WHERE rowid = ?')
        .run(Buffer.from(JSON.stringify(record)), target.r);
      const result = await verifyStore(row);
      expect(result.ok).to.equal(false);
      expect(result).to.include({ itemId, version: versionB });
    } finally {
      await row.close();
    }

    // A forged block: block 3 as the peer serves it, with its first transaction's id rewritten.
    const qscc = clientAs('audit/auditor').network.getContract('qscc');
    const forgedStore = new SqliteAuditStore({ path: path.join(tmp, 'forged.sqlite') });
    try {
      for (let number = 0; number <= 4; number += 1) {
        const block = common.Block.deserializeBinary(
          await qscc.evaluateTransaction('GetBlockByNumber', 'catalog', String(number)),
        );
        if (number === 3) {
          const data = block.getData();
          const [first] = data?.getDataList_asU8() ?? [];
          if (!data || !first) throw new Error('block 3 has no transactions');
          const envelope = common.Envelope.deserializeBinary(first);
          const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
          const header = payload.getHeader();
          const channelHeader = common.ChannelHeader.deserializeBinary(
            header?.getChannelHeader_asU8() ?? new Uint8Array(),
          );
          channelHeader.setTxId(`forged${channelHeader.getTxId().slice(6)}`);
          header?.setChannelHeader(channelHeader.serializeBinary());
          envelope.setPayload(payload.serializeBinary());
          data.setDataList([envelope.serializeBinary(), ...data.getDataList_asU8().slice(1)]);
        }
        await forgedStore.writeBlock(decodeBlock(block));
      }
      const result = await verifyStore(forgedStore);
      expect(result.ok).to.equal(false);
      expect(result).to.include({ block: 3, field: 'dataHash' });
    } finally {
      await forgedStore.close();
    }
  });

  it('answers history, as-of and diff from the store for a known sequence of proposals', async function () {
    const model = await buildLedgerModel(store);
    const itemId = idOf(drugItem(name));
    const history = itemHistory(model, itemId);
    expect(history.map((entry) => entry.version)).to.deep.equal([versionA, versionB]);
    const latest = history[1];
    expect(latest?.changedFields.map((field) => field.field)).to.deep.equal(['remark']);
    expect(latest?.proposal?.proposer.mspId).to.equal('NHSAMSP');
    expect(latest?.proposal?.proposer.subject).to.match(/CN=proposer/);
    expect(latest?.proposal?.approvers.map((vote) => vote.voter.mspId)).to.deep.equal([
      'NHSAMSP',
      'GuangdongMSP',
      'SichuanMSP',
    ]);
    expect(latest?.block).to.be.a('number');
    const asOf = catalogAsOf(model, '2025-06-01', { itemId });
    expect((asOf.items[0]?.item as { remark: string } | null)?.remark).to.equal('限成人，二线用药。');
    expect(catalogAsOf(model, '2024-12-31', { itemId }).items).to.have.length(0);
    const diff = diffVersions(model, versionA, versionB);
    expect(diff.added).to.have.length(0);
    expect(
      diff.changed.map((change) => [change.itemId, change.fields.map((field) => field.field)]),
    ).to.deep.equal([[itemId, ['remark']]]);
  });

  it('agrees with the chaincode-side catalog version diff', async function () {
    const run = await runCatalog([
      'version',
      'diff',
      String(versionA),
      String(versionB),
      '--json',
      '--as',
      'audit/auditor',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const viaChaincode = JSON.parse(run.stdout) as {
      entries: { change: string; itemId: string; fields: { field: string }[] }[];
    };
    const viaStore = diffVersions(await buildLedgerModel(store), versionA, versionB);
    expect(
      viaChaincode.entries.map((entry) => [
        entry.change,
        entry.itemId,
        entry.fields.map((field) => field.field),
      ]),
    ).to.deep.equal(
      viaStore.changed.map((change) => ['changed', change.itemId, change.fields.map((field) => field.field)]),
    );
  });

  it('records the rejected cross-province write as an invalid transaction with ENDORSEMENT_POLICY_FAILURE', async function () {
    const invalid: string[] = [];
    for await (const tx of store.transactions({ invalidOnly: true }))
      invalid.push(`${tx.validationName}:${tx.function ?? ''}`);
    expect(invalid).to.include('ENDORSEMENT_POLICY_FAILURE:Proposal:ApplyChunk');
  });

  it('does the same through the catalog audit CLI: replay, verify, diff as CSV and a report with its charts', async function () {
    const file = path.join(tmp, 'cli.sqlite');
    // the genesis block hash, obtained out of band (here: the channel's genesis block file)
    const genesis = await runCatalog(['audit', 'genesis-hash', channelBlock(loadTopology(), networkPaths())]);
    expect(genesis.code, genesis.stderr).to.equal(0);
    const trust = genesis.stdout.trim();
    expect(trust).to.match(/^[0-9a-f]{64}$/);
    const replay = await runCatalog(['audit', 'replay', '--store', file, '--trust', trust, '--json']);
    expect(replay.code, replay.stderr).to.equal(0);
    const summary = JSON.parse(replay.stdout) as Record<string, unknown>;
    expect(JSON.stringify(summary)).to.match(/blocksPerSecond/);
    // independent verification: signatures, policies, flags and every catalog transaction re-executed
    const started = performance.now();
    const verify = await runCatalog([
      'audit',
      'verify',
      '--store',
      file,
      '--deployments',
      deploymentsFile(networkPaths()),
    ]);
    expect(verify.code, verify.stderr + verify.stdout).to.equal(0);
    expect(verify.stdout).to.match(/^OK: /);
    expect(verify.stdout).to.match(/verified independently from genesis [0-9a-f]{16}…: \d+ blocks/);
    expect(verify.stdout).to.match(
      /[1-9]\d* catalog transactions re-executed with build [0-9a-f]{12}, identical/,
    );
    process.stderr.write(
      `      audit verify with re-execution: ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const wrongTrust = await runCatalog(['audit', 'verify', '--store', file, '--trust', '0'.repeat(64)]);
    expect(wrongTrust.code).to.equal(1);
    expect(wrongTrust.stderr).to.match(/TRUST_MISMATCH/);
    const diff = await runCatalog([
      'audit',
      'diff',
      String(versionA),
      String(versionB),
      '--format',
      'csv',
      '--store',
      file,
    ]);
    expect(diff.code, diff.stderr).to.equal(0);
    const lines = diff.stdout.trim().split('\n');
    expect(lines[0]).to.equal('change,kind,itemId,province,name,field,before,after');
    expect(
      lines.slice(1).some((line) => line.startsWith('changed,item,') && line.includes(',remark,')),
    ).to.equal(true);
    const out = path.join(tmp, 'report.html');
    const report = await runCatalog(['audit', 'report', '--store', file, '--out', out]);
    expect(report.code, report.stderr).to.equal(0);
    const html = readFileSync(out, 'utf8');
    for (const chart of [
      'changes-per-version',
      'changes-per-province',
      'proposal-to-seal',
      'rejected-attempts',
    ]) {
      expect(html, chart).to.include(`data-chart="${chart}"`);
    }
    expect(html).to.not.match(/(src|href)="https?:/);
  });

  it('follows new blocks across a restart of the auditors’ peer with no gap and no duplicate', async function () {
    const followFile = path.join(tmp, 'follow.sqlite');
    const follow: AuditStore = new SqliteAuditStore({ path: followFile });
    const abort = new AbortController();
    let reconnects = 0;
    const running = replayBlocks(clientAs('audit/auditor').network, follow, {
      follow: true,
      signal: abort.signal,
      reconnectMs: 250,
      maxReconnectMs: 2000,
      onReconnect: () => {
        reconnects += 1;
      },
    });
    try {
      const startHeight = await getChainHeight(clientAs('audit/auditor').network);
      while ((await follow.stats()).height < startHeight)
        await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await stopProcess(networkPaths().pidDir, 'peer0.audit')).to.equal(true);
      const guangdong = clientAs('guangdong/admin');
      for (let i = 0; i < 3; i += 1)
        await guangdong.connection.contract.submitTransaction(
          'System:Ping',
          `while the auditors are away ${i}`,
        );
      await networkUp({ reporter: new StepReporter(8, () => undefined) });
      const target = await getChainHeight(clientAs('audit/auditor').network);
      const deadline = Date.now() + 120_000;
      while ((await follow.stats()).height < target && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 250));
    } finally {
      abort.abort();
      await running;
    }
    expect(reconnects, 'the stream broke and reconnected').to.be.greaterThan(0);
    const clean = await replayInto(path.join(tmp, 'clean.sqlite'));
    try {
      const followed = (await follow.listBlocks()).map((block) => `${block.number}:${block.hash}`);
      const replayed = (await clean.listBlocks()).map((block) => `${block.number}:${block.hash}`);
      expect(followed).to.deep.equal(replayed.slice(0, followed.length));
      expect(followed.length).to.be.at.least(replayed.length - 1);
      const a = await follow.stats();
      const b = await clean.stats();
      if (a.height === b.height) expect({ ...a, sizeBytes: 0 }).to.deep.equal({ ...b, sizeBytes: 0 });
    } finally {
      await clean.close();
      await follow.close();
    }
  });
});
