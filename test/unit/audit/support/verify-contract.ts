/**
 * The checks `verifyStore` must pass on any audit store implementation (SQLite, PostgreSQL): the
 * honest history verifies; a tampered item, vote or version record and a forged block are reported. Each store's
 * test file runs {@link verifyContract} with its own way to fill a store and tamper with a row.
 */
import { expect } from 'chai';
import type { common } from '@hyperledger/fabric-protos';
import {
  buildLedgerModel,
  decodeBlock,
  SqliteAuditStore,
  verifyStore,
  type AuditStore,
} from '../../../../gateway-client/src/audit';
import type { Item } from '@nrdl-catalog/chaincode/model';
import { buildBlock } from './block-builder';
import { ids, type Scenario } from './scenario';
import { findWrite, type StoredWriteRow } from './stored-writes';

/** How a store implementation is filled and tampered with. */
export interface VerifyHarness<S extends AuditStore = AuditStore> {
  /** A new store holding `blocks`. */
  readonly storeOf: (blocks: readonly common.Block[]) => Promise<S>;
  /** Replaces the JSON value of one stored write. */
  readonly overwrite: (store: S, row: StoredWriteRow, value: unknown) => Promise<void>;
}

/** A new in-memory SQLite store holding `blocks`. */
export async function sqliteStoreOf(blocks: readonly common.Block[]): Promise<SqliteAuditStore> {
  const store = new SqliteAuditStore();
  for (const b of blocks) {
    await store.writeBlock(decodeBlock(b));
  }
  return store;
}

/** Replaces the JSON value of one write stored in a SQLite store. */
export function overwriteSqlite(store: SqliteAuditStore, row: StoredWriteRow, value: unknown): Promise<void> {
  const result = store.db
    .prepare('UPDATE writes SET value = ? WHERE block_number = ? AND tx_index = ? AND write_index = ?')
    .run(Buffer.from(JSON.stringify(value)), row.block, row.tx, row.index);
  expect(Number(result.changes)).to.equal(1);
  return Promise.resolve();
}

/** The SQLite harness. */
export const SQLITE_HARNESS: VerifyHarness<SqliteAuditStore> = {
  storeOf: sqliteStoreOf,
  overwrite: overwriteSqlite,
};

/** `stored`'s ilaprazole item of version 3 with payment standard 1 instead of 58. */
export async function tamperIlaprazole<S extends AuditStore>(
  harness: VerifyHarness<S>,
  store: S,
  s: Scenario,
): Promise<void> {
  const row = await findWrite(store, 'itemv', [ids.ilaprazole, s.versions[2]!.proposalIds[0]!]);
  const item = row.value['item'] as Item;
  await harness.overwrite(store, row, {
    ...row.value,
    item: { ...item, paymentStandard: { ...item.paymentStandard, amount: 1 } },
  });
}

/** The scenario's blocks with block 5 rebuilt on a wrong previous hash. */
export function forgedChain(s: Scenario): common.Block[] {
  const forged = [...s.blocks];
  const original = forged[5]!;
  const envelopes = original.getData()!.getDataList_asU8();
  const codes = [...(original.getMetadata()!.getMetadataList_asU8()[2] ?? [])];
  forged[5] = buildBlock(5, Buffer.alloc(32, 7), envelopes, codes);
  return forged;
}

/** One way to corrupt a store, and the divergence `verifyStore` must report for it. */
interface Tampering<S extends AuditStore> {
  readonly title: string;
  /** The blocks to store (default: the scenario's). */
  readonly blocks?: (s: Scenario) => readonly common.Block[];
  /** What to change in the filled store. */
  readonly tamper?: (store: S, s: Scenario) => Promise<void>;
  /** What the divergence holds. */
  readonly expected: (s: Scenario) => Record<string, unknown>;
  /** What its message names. */
  readonly message?: (s: Scenario) => readonly string[];
}

function tamperings<S extends AuditStore>(harness: VerifyHarness<S>): readonly Tampering<S>[] {
  return [
    {
      title: 'reports the version, item and field of a tampered item record',
      tamper: (store, s) => tamperIlaprazole(harness, store, s),
      expected: () => ({
        version: 3,
        itemId: ids.ilaprazole,
        field: 'item.paymentStandard.amount',
        expected: 58,
        found: 1,
      }),
      message: () => ['version 3', ids.ilaprazole],
    },
    {
      title: 'reports a version whose approvals no longer meet the governance rule',
      tamper: async (store, s) => {
        const row = await findWrite(store, 'vote', [s.versions[0]!.proposalIds[0]!, 'GuangdongMSP']);
        await harness.overwrite(store, row, { ...row.value, decision: 'reject' });
      },
      expected: (s) => ({ version: 1, field: 'approval', proposalId: s.versions[0]!.proposalIds[0]! }),
    },
    {
      title: 'reports a tampered version record through its hash',
      tamper: async (store) => {
        const row = await findWrite(store, 'ver', ['0000000002']);
        await harness.overwrite(store, row, { ...row.value, effectiveFrom: '2025-02-01' });
      },
      expected: () => ({ version: 2, field: 'versionHash' }),
    },
    {
      title: 'reports a forged block that does not chain',
      blocks: forgedChain,
      expected: () => ({ block: 5, field: 'previousHash', version: null }),
    },
  ];
}

/** Registers the shared verify tests; `scenario` is read inside the tests (set it in a `before`). */
export function verifyContract<S extends AuditStore>(
  harness: VerifyHarness<S>,
  scenario: () => Scenario,
): void {
  it('passes on the history the real contracts produced, recomputing every digest', async () => {
    const s = scenario();
    const store = await harness.storeOf(s.blocks);
    expect(await verifyStore(store)).to.deep.equal({
      ok: true,
      versions: 4,
      blocks: s.blocks.length,
      // the recorded transactions plus the genesis CONFIG transaction
      validTransactions: s.net.recorded.filter((r) => r.validationCode === 0).length + 1,
    });
    const model = await buildLedgerModel(store);
    expect(model.versions.map((v) => v.recomputedDigest)).to.deep.equal(s.versions.map((v) => v.digest));
    await store.close();
  });

  for (const t of tamperings(harness)) {
    it(t.title, async () => {
      const s = scenario();
      const store = await harness.storeOf(t.blocks?.(s) ?? s.blocks);
      await t.tamper?.(store, s);
      const result = await verifyStore(store);
      expect(result).to.deep.include({ ok: false, ...t.expected(s) });
      for (const part of t.message?.(s) ?? []) {
        expect(result.ok ? '' : result.message).to.contain(part);
      }
      await store.close();
    });
  }
}
