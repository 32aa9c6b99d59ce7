/**
 * What every workload module of ours shares: Caliper's workload-module contract (duck-typed: Caliper
 * only calls these three methods), one request builder per operation, and a latency record of every
 * request sent — Caliper's own report has no percentiles, so each worker writes its samples to the
 * round's folder when the round ends and the orchestrator computes p50/p99 and the CDF from them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** One request as Caliper's Fabric connector takes it. */
export interface FabricRequest {
  readonly channel: string;
  readonly contractId: string;
  readonly contractFunction: string;
  readonly contractArguments: readonly string[];
  readonly invokerIdentity: string;
  readonly invokerMspId: string;
  readonly readOnly: boolean;
}

/** What a Caliper `TxStatus` offers that we read. */
export interface TxStatusLike {
  GetStatus(): string;
  GetResult(): unknown;
}

/** Caliper's connector as a workload module sees it. */
export interface SutAdapter {
  sendRequests(request: FabricRequest): Promise<TxStatusLike>;
}

/** The round arguments the orchestrator writes into the benchmark configuration. */
export interface RoundArguments {
  readonly channel: string;
  /** The fixtures file (bench/src/fixtures.ts) with ids, names and identities to use. */
  readonly fixtures: string;
  /** Where this round's samples go (one file per worker). */
  readonly samplesDir: string;
  readonly label: string;
  /** Workload-specific size (batch lines, …). */
  readonly size?: number;
}

/** Ids and identities the workloads draw from (written by the orchestrator before the rounds). */
export interface Fixtures {
  readonly channel: string;
  readonly chaincode: string;
  /** MSP id of every organisation, by organisation name (from the topology). */
  readonly mspOf: Readonly<Record<string, string>>;
  /** Item ids of the catalog on the bench channel, national drugs and Shaanxi's items. */
  readonly drugIds: readonly string[];
  readonly provincialIds: readonly string[];
  /** Names (with dosage form) a hospital would search for. */
  readonly names: readonly string[];
  /** A ping recorded at setup: the GetState floor reads it. */
  readonly ping: { readonly mspId: string; readonly txId: string };
  /** Bytes of a typical item record (canonical JSON): the PutState floor writes this many. */
  readonly itemRecordBytes: number;
  /** A date within the catalog's validity. */
  readonly date: string;
  /** National items the lifecycle workload edits (one per proposal). */
  readonly lifecycleItems: readonly LifecycleItem[];
}

/** An item the lifecycle workload proposes an update of (the full item input, as imported). */
export interface LifecycleItem {
  readonly itemId: string;
  readonly item: Readonly<Record<string, unknown>>;
}

/**
 * One request's outcome: start offset and duration in ms from the round's first request, and
 * 1 success, 0 failure or 2 refused and sent again (see stats.ts `retried`).
 */
export type Sample = readonly [startMs: number, durationMs: number, ok: 0 | 1 | 2];

/** Identity `org/name` as Caliper names it: the identity name plus its organisation's MSP id. */
export interface Invoker {
  readonly invokerIdentity: string;
  readonly invokerMspId: string;
}

/** Caliper's invoker fields for `org/name`, the MSP id from the fixtures (the topology's). */
export function invoker(as: string, mspOf: Readonly<Record<string, string>>): Invoker {
  const [org = '', name = ''] = as.split('/');
  const mspId = mspOf[org];
  if (mspId === undefined || name === '') throw new Error(`unknown identity ${as}`);
  return { invokerIdentity: name, invokerMspId: mspId };
}

/**
 * A workload module: Caliper calls `initializeWorkloadModule` once per round and worker,
 * `submitTransaction` as often as the rate controller lets it, `cleanupWorkloadModule` at the end.
 */
export abstract class Workload {
  protected workerIndex = 0;
  protected args!: RoundArguments;
  protected fixtures!: Fixtures;
  private sut!: SutAdapter;
  private readonly samples: Sample[] = [];
  private readonly extra: Record<string, number[]> = {};
  private origin = 0;
  protected counter = 0;

  public initializeWorkloadModule(
    workerIndex: number,
    _totalWorkers: number,
    _roundIndex: number,
    roundArguments: RoundArguments,
    sutAdapter: SutAdapter,
  ): Promise<void> {
    this.workerIndex = workerIndex;
    this.args = roundArguments;
    this.sut = sutAdapter;
    this.fixtures = JSON.parse(readFileSync(roundArguments.fixtures, 'utf8')) as Fixtures;
    this.origin = performance.now();
    return this.prepare();
  }

  /** Workload-specific set-up before the round's first transaction. */
  protected prepare(): Promise<void> {
    return Promise.resolve();
  }

  public abstract submitTransaction(): Promise<void>;

  /**
   * Sends one request through Caliper's connector, recording its latency (a failure the caller will
   * send again, `willRetry`, is recorded as retried, not failed); returns its result text.
   */
  protected async send(
    as: string,
    contractFunction: string,
    args: readonly string[],
    readOnly: boolean,
    willRetry = false,
  ): Promise<{ ok: boolean; text: string }> {
    const started = performance.now();
    const status = await this.sut.sendRequests({
      channel: this.args.channel,
      contractId: this.fixtures.chaincode,
      contractFunction,
      contractArguments: args,
      ...invoker(as, this.fixtures.mspOf),
      readOnly,
    });
    const ok = status.GetStatus() === 'success';
    this.samples.push([started - this.origin, performance.now() - started, ok ? 1 : willRetry ? 2 : 0]);
    const result = status.GetResult();
    const text =
      result instanceof Uint8Array
        ? Buffer.from(result).toString('utf8')
        : typeof result === 'string'
          ? result
          : '';
    return { ok, text };
  }

  /** Records a workload-specific measure (e.g. vote → first read), in ms. */
  protected measure(name: string, ms: number): void {
    (this.extra[name] ??= []).push(ms);
  }

  /** The n-th element of a list, cycling (lists are never empty: the fixtures check it). */
  protected pick<T>(list: readonly T[], n: number): T {
    const value = list[n % list.length];
    if (value === undefined) throw new Error('empty fixture list');
    return value;
  }

  public cleanupWorkloadModule(): Promise<void> {
    mkdirSync(this.args.samplesDir, { recursive: true });
    writeFileSync(
      path.join(this.args.samplesDir, `worker-${this.workerIndex}.json`),
      JSON.stringify({ samples: this.samples, extra: this.extra }),
    );
    return Promise.resolve();
  }
}
