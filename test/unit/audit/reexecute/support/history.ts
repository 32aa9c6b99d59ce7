/**
 * A catalog history produced by the REAL contracts on the chaincode tests' in-memory peer, recorded
 * transaction by transaction for re-execution: the committed state before it, its inputs (tx id,
 * timestamp, serialized creator with a real ECDSA certificate carrying `catalog.role`, args) and
 * what it carried (writes, key-level policies, event, response).
 *
 * The contract methods are called directly (as the in-memory network does), with a fabric-shim
 * `ClientIdentity` parsed from the same certificate, so that the re-execution through fabric-shim's
 * dispatcher is compared against an independent run.
 */
import '../../../chaincode/support/quiet';
import { ClientIdentity } from 'fabric-shim';
import type { Contract } from 'fabric-contract-api';
import {
  CatalogContract,
  GovernanceContract,
  ProposalContract,
  SystemContract,
} from '@nrdl-catalog/chaincode';
import { type SchemaName, schemas } from '@nrdl-catalog/chaincode/model';
import type { RecordedExecution } from '../../../../../gateway-client/src/audit/reexecute';
import type { StateEntry, StateView } from '../../../../../gateway-client/src/audit/trust/state-view';
import { ALL_ORGS, Network, type Caller, type TxStub } from '../../../chaincode/support/fabric-stub';
import { clientIdentity, type TestIdentity } from '../../support/certs';

const VALIDATION_PARAMETER = 'VALIDATION_PARAMETER';

/** Byte order of keys, computed independently of the engine (by encoding to UTF-8). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A Map-backed {@link StateView}; `apply` commits a transaction's writes and policies. */
export class MapState implements StateView {
  readonly #entries: Map<string, StateEntry>;
  #sorted: string[] | null = null;

  public constructor(entries: ReadonlyMap<string, StateEntry> = new Map()) {
    this.#entries = new Map(entries);
  }

  public get size(): number {
    return this.#entries.size;
  }

  public get(key: string): StateEntry | null {
    return this.#entries.get(key) ?? null;
  }

  public keys(): string[] {
    this.#sorted ??= [...this.#entries.keys()].sort(byteOrder);
    return this.#sorted;
  }

  public *range(startKey: string, endKey: string): Iterable<StateEntry> {
    const keys = this.keys();
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byteOrder(keys[mid]!, startKey) < 0) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length; i++) {
      const key = keys[i]!;
      if (endKey !== '' && byteOrder(key, endKey) >= 0) return;
      const entry = this.#entries.get(key);
      if (entry !== undefined) yield entry;
    }
  }

  /** A copy (the state as of now). */
  public snapshot(): MapState {
    return new MapState(this.#entries);
  }

  /** Sets a raw entry (for range-scan tests). */
  public set(key: string, value: Uint8Array, metadata: ReadonlyMap<string, Uint8Array> = new Map()): void {
    this.#entries.set(key, { key, value, version: { blockNum: 1, txNum: 0 }, metadata });
    this.#sorted = null;
  }

  /** Commits what a transaction recorded, at version (blockNum, txNum). */
  public apply(recorded: RecordedExecution, blockNum: number, txNum = 0): void {
    for (const w of recorded.writes) {
      if (w.isDelete) {
        this.#entries.delete(w.key);
      } else {
        const metadata = this.#entries.get(w.key)?.metadata ?? new Map<string, Uint8Array>();
        this.#entries.set(w.key, { key: w.key, value: w.value, version: { blockNum, txNum }, metadata });
      }
    }
    for (const m of recorded.metadataWrites) {
      const entry = this.#entries.get(m.key);
      if (entry !== undefined) {
        const metadata = new Map(entry.metadata);
        metadata.set(m.name, m.value);
        this.#entries.set(m.key, { ...entry, metadata });
      }
    }
    this.#sorted = null;
  }
}

/** One recorded valid transaction. */
export interface HistoryTx {
  readonly index: number;
  readonly fn: string;
  readonly arg: string;
  readonly caller: Caller;
  readonly identity: TestIdentity;
  readonly txId: string;
  readonly channelId: string;
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly creator: Uint8Array;
  readonly args: readonly Uint8Array[];
  /** Committed state just before the transaction (null when not kept: see `keepSnapshots`). */
  readonly stateBefore: MapState | null;
  readonly recorded: RecordedExecution;
}

type ContractMethod = (ctx: ReturnType<TxStub['context']>, arg: string) => Promise<string>;

/** A {@link Network} that runs callers with real certificates and records every committed transaction. */
export class RecordingHistory extends Network {
  public readonly transactions: HistoryTx[] = [];
  /** The committed state, rebuilt from the recorded writes only. */
  public readonly state = new MapState();
  readonly #contracts = new Map<string, Contract>();
  readonly #keepSnapshots: boolean;
  #block = 1;

  public constructor(options: { keepSnapshots?: boolean } = {}) {
    const list = [
      new SystemContract(),
      new CatalogContract(),
      new ProposalContract(),
      new GovernanceContract(),
    ];
    super(list);
    for (const c of list) {
      this.#contracts.set(c.getName(), c);
    }
    this.#keepSnapshots = options.keepSnapshots ?? true;
  }

  /**
   * Votes name what was reviewed (manifest, base and governance versions) when the contract's
   * schema requires it; the shared fixtures predate that, so fill them from the proposal.
   */
  async #withReview(caller: Caller, name: string, arg: unknown): Promise<unknown> {
    if (!/^Proposal:(Approve|Reject)Proposal$/.test(name) || typeof arg !== 'object' || arg === null) {
      return arg;
    }
    const schema = schemas[name.replace(':', '.') as SchemaName] as { required?: readonly string[] };
    const input = arg as Record<string, unknown>;
    const missing = ['manifestHash', 'baseVersion', 'governanceVersion'].filter(
      (f) => (schema.required ?? []).includes(f) && !(f in input),
    );
    if (missing.length === 0) {
      return arg;
    }
    const { proposal } = await this.evaluate<{ proposal: Record<string, unknown> }>(
      caller,
      'Proposal:GetProposal',
      { proposalId: input.proposalId },
    );
    return { ...input, ...Object.fromEntries(missing.map((f) => [f, proposal[f]])) };
  }

  public override async simulate(
    caller: Caller,
    name: string,
    arg: unknown,
    options: { txId?: string } = {},
  ): Promise<{ tx: TxStub; result: string }> {
    const [contractName = '', fnName = ''] = name.split(':');
    const contract = this.#contracts.get(contractName);
    const fn = (contract as unknown as Record<string, ContractMethod | undefined> | undefined)?.[fnName];
    if (contract === undefined || typeof fn !== 'function') {
      throw new Error(`no transaction ${name}`);
    }
    const tx = this.ledger.begin(caller, options);
    const identity = clientIdentity(caller.msp, caller.role ?? null, caller.cn);
    const ctx = tx.context();
    ctx.clientIdentity = new ClientIdentity({
      getChannelID: () => 'catalog',
      getTxID: () => tx.txId,
      getCreator: () => ({ mspid: identity.mspId, idBytes: Buffer.from(identity.pem, 'utf8') }),
    } as unknown as ConstructorParameters<typeof ClientIdentity>[0]);
    const json = typeof arg === 'string' ? arg : JSON.stringify(arg);
    const result = await fn.call(contract, ctx, json);
    return { tx, result };
  }

  public override async submit<T = Record<string, unknown>>(
    caller: Caller,
    name: string,
    arg: unknown = {},
    options: { txId?: string; endorsers?: ReadonlySet<string> } = {},
  ): Promise<T> {
    const input = await this.#withReview(caller, name, arg);
    const json = typeof input === 'string' ? input : JSON.stringify(input);
    const { tx, result } = await this.simulate(caller, name, json, options);
    tx.commit(options.endorsers ?? ALL_ORGS);
    const recorded: RecordedExecution = {
      writes: [...tx.writes].map(([key, value]) => ({
        key,
        isDelete: value === null,
        value: value ?? Buffer.alloc(0),
      })),
      metadataWrites: [...tx.params].map(([key, value]) => ({ key, name: VALIDATION_PARAMETER, value })),
      event: tx.event === null ? null : { name: tx.event.name, payload: tx.event.payload },
      response: { status: 200, message: '', payload: Buffer.from(result, 'utf8') },
    };
    const identity = clientIdentity(caller.msp, caller.role ?? null, caller.cn);
    this.transactions.push({
      index: this.transactions.length,
      fn: name,
      arg: json,
      caller,
      identity,
      txId: tx.txId,
      channelId: 'catalog',
      timestamp: { seconds: Math.floor(tx.millis / 1000), nanos: (tx.millis % 1000) * 1_000_000 },
      creator: identity.serialized,
      args: [Buffer.from(name, 'utf8'), Buffer.from(json, 'utf8')],
      stateBefore: this.#keepSnapshots ? this.state.snapshot() : null,
      recorded,
    });
    this.state.apply(recorded, this.#block++);
    return JSON.parse(result) as T;
  }
}
