/**
 * A long, realistic-looking chain for replay tests and the replay benchmark (scripts/bench-replay.ts):
 * blocks of catalog transactions built with THE block builder (block-builder.ts), by certified
 * clients of several provinces, endorsed by two or three peers, each writing catalog-item-sized JSON
 * (real NRDL 2024 items when the data file is there) under the chaincode's composite keys, with
 * reads, a chaincode event and, now and then, an invalid transaction. Deterministic for given options.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { common } from '@hyperledger/fabric-protos';
import { readNrdlFile } from '@nrdl-catalog/gateway-client/import';
import { compositeKey } from '../../../../gateway-client/src/audit/composite-key';
import { buildBlock, configEnvelope, endorserTx, hashOf } from './block-builder';
import { clientIdentity, peerIdentity } from './certs';

/** Options of {@link syntheticChain}. */
export interface SyntheticChainOptions {
  /** Blocks, the genesis (config) block included. */
  readonly blocks: number;
  /** Most transactions in one block (the count cycles from 1 up to it; default 100). */
  readonly maxTransactions?: number;
  /** Every this many transactions, one applies a chunk: {@link CHUNK_ITEMS} items, two writes each (default 25; 0: never). */
  readonly chunkEvery?: number;
  /** Block number offset of the id/nonce seeds (distinct chains for the same size; default 0). */
  readonly seed?: number;
}

/** Items of a chunk-applying transaction (the chaincode's default chunk holds up to 250 changes). */
export const CHUNK_ITEMS = 100;

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP'] as const;
const DATA = path.resolve(__dirname, '..', '..', '..', '..', 'data', 'nrdl-2024-drugs.csv');

let items: readonly string[] | null = null;

/** JSON of catalog items (the NRDL 2024 list, or made-up items of the same shape without it). */
function catalogItems(): readonly string[] {
  if (items === null) {
    items = existsSync(DATA)
      ? readNrdlFile(DATA).map((entry) => JSON.stringify(entry.item))
      : Array.from({ length: 500 }, (_, i) =>
          JSON.stringify({
            id: `XA01-${i}`,
            name: `drug ${i}`,
            dosageForm: 'oral solid',
            category: { code: 'XA01', name: 'stomatological preparations' },
            remark: 'x'.repeat(i % 200),
          }),
        );
  }
  return items;
}

/** Transactions in block `n` (1 … max, cycling). */
export function transactionsInBlock(n: number, max: number): number {
  return n === 0 ? 1 : 1 + ((n * 37) % max);
}

/** A chain of `blocks` blocks: a config genesis block, then blocks of catalog transactions. */
export function syntheticChain(options: SyntheticChainOptions): common.Block[] {
  return [...syntheticBlocks(options)];
}

/** The blocks of {@link syntheticChain} one at a time (only the last is kept, to chain the next). */
export function* syntheticBlocks(options: SyntheticChainOptions): Generator<common.Block> {
  const max = options.maxTransactions ?? 100;
  const seed = options.seed ?? 0;
  const chunkEvery = options.chunkEvery ?? 25;
  const list = catalogItems();
  let last = buildBlock(0, new Uint8Array(), [configEnvelope({ signer: null })]);
  yield last;
  const peers = ORGS.map((org) => peerIdentity(org));
  const clients = ORGS.map((org) => clientIdentity(org, 'catalog-admin'));
  let counter = 0;
  for (let n = 1; n < options.blocks; n++) {
    const envelopes: Uint8Array[] = [];
    const codes: number[] = [];
    for (let t = 0; t < transactionsInBlock(n, max); t++) {
      const k = counter++;
      const org = k % ORGS.length;
      const proposalId = `p-${seed}-${Math.floor(k / 50)}`;
      const item = list[k % list.length] ?? '{}';
      const itemId = `item-${k % list.length}`;
      const endorsers = [
        peers[org]!,
        peers[(org + 1) % ORGS.length]!,
        ...(k % 3 === 0 ? [peers[(org + 2) % 4]!] : []),
      ];
      const record = (json: string): string => `{"op":"upsert","proposalId":"${proposalId}","item":${json}}`;
      const chunk = chunkEvery > 0 && k % chunkEvery === chunkEvery - 1;
      const applied = chunk
        ? Array.from({ length: CHUNK_ITEMS }, (_, i) => (k * CHUNK_ITEMS + i) % list.length).flatMap((at) => [
            { key: compositeKey('itemv', [`item-${at}`, proposalId]), value: record(list[at] ?? '{}') },
            {
              key: compositeKey('item', [`item-${at}`]),
              value: `{"itemId":"item-${at}","proposalId":"${proposalId}"}`,
            },
          ])
        : [];
      envelopes.push(
        endorserTx({
          txId: `tx-${seed}-${n}-${t}`,
          creator: clients[org]!,
          timestampMs: Date.UTC(2025, 5, 1) + k * 1000,
          args: ['Proposal:ApplyChunk', proposalId, String(k)],
          endorsers,
          namespaces: [
            {
              namespace: 'catalog',
              reads: [
                {
                  key: compositeKey('proposal', [proposalId]),
                  version: { blockNum: Math.max(0, n - 1), txNum: 0 },
                },
                { key: compositeKey('item', [itemId]), version: null },
              ],
              writes: [
                ...applied,
                { key: compositeKey('itemv', [itemId, proposalId]), value: record(item) },
                {
                  key: compositeKey('item', [itemId]),
                  value: `{"itemId":"${itemId}","proposalId":"${proposalId}"}`,
                },
                ...(t % 10 === 0
                  ? [
                      {
                        key: compositeKey('chunk', [proposalId, String(k % 1000).padStart(5, '0')]),
                        value: item,
                      },
                    ]
                  : []),
              ],
            },
          ],
          event: {
            name: 'ChunkApplied',
            payload: Buffer.from(`{"proposalId":"${proposalId}","index":${k}}`),
          },
        }).envelope,
      );
      // one transaction in 40 fails validation, as a concurrent edit would (MVCC_READ_CONFLICT)
      codes.push(k % 40 === 39 ? 11 : 0);
    }
    last = buildBlock(n, hashOf(last), envelopes, codes);
    yield last;
  }
}
