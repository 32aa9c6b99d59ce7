/**
 * The scale run (`npm run bench:scale -- --provinces 7`), outside the test command: on a fresh
 * network of its own (this checkout's `network/data`, purged first) with the topology's three
 * provinces, it imports the NRDL 2024 list and measures; then it adds provinces one at a time with
 * the real flow — `network:add-org` (topology, CA and identities, peer, the channel configuration
 * update signed by a majority of the admins, the chaincode definition's next sequence) and the
 * governance proposal that makes the province a member — measuring again after each. Measured at
 * each point: the configuration block's size, a national approval round (votes and wall time), the
 * submit floor, coverage checks against the evaluate floor of the same moment, ledger folder sizes
 * and every node's resident memory and CPU time (from /proc by PID). At the end, with
 * `--final-import` (default), the NRDL is imported again on a channel of all N provinces, and the
 * network is restarted (`network:down` then `network:up`) to time `network:up` at N.
 *
 * Prints progress on stderr, a table on stdout, and writes `<out>/scale-<date>.json` and `.md`.
 * `network/topology.json` is restored afterwards and the network brought down.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  type Dirent,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CatalogClient,
  CatalogClientError,
  membersFromTopology,
  reviewedOf,
} from '@nrdl-catalog/gateway-client';
import { readImportList, runImport } from '@nrdl-catalog/gateway-client/import';
import {
  loadTopology,
  networkDown,
  networkPaths,
  networkUp,
  StepReporter,
  TOPOLOGY_FILE,
  trackedProcesses,
  type Topology,
} from '@nrdl-catalog/network';
import { computeItemId, type ItemInput, type Proposal } from '@nrdl-catalog/chaincode/model';
import { addOrgMain } from '../network/src/add-org';
import { applicationOrgs, channelConfig } from '../network/src/channel-members';
import { findFabric } from '../network/src/fabric-home';
import { networkAddChannel } from '../network/src/network';
import { orgPaths } from '../network/src/paths';
import { findOrg } from '../network/src/topology';
import {
  addOrgArgs,
  extrapolate,
  formatNumber,
  formatTable,
  governanceArithmetic,
  parseScaleArgs,
  SCALE_PROVINCES,
  upTimes,
  type Extrapolation,
  type GovernanceArithmetic,
  type ScaleOptions,
  type TimedLine,
  type UpTimes,
} from './scale-model';

const paths = networkPaths();
const DATA = path.resolve(__dirname, '..', 'data');
const NRDL_FILE = path.join(DATA, 'nrdl-2024-drugs.csv');
const DATE = '2025-06-01';
const HOSPITAL = 'guangdong/hospital1';
const t0 = performance.now();

function progress(line: string): void {
  const s = ((performance.now() - t0) / 1000).toFixed(0).padStart(5);
  process.stderr.write(`[scale ${s}s] ${line}\n`);
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

/** A reporter for network:up that keeps its lines with their times and shows them as progress. */
function recordingReporter(): { reporter: StepReporter; lines: TimedLine[] } {
  const lines: TimedLine[] = [];
  const reporter = new StepReporter(8, (line) => {
    lines.push({ atMs: performance.now(), line });
    progress(`  ${line.trim()}`);
  });
  return { reporter, lines };
}

const clients = new Map<string, CatalogClient>();
function on(as: string, channel?: string): CatalogClient {
  const key = `${as}@${channel ?? ''}`;
  let client = clients.get(key);
  if (client === undefined) {
    client = CatalogClient.connect({
      as,
      walletDir: paths.walletDir,
      ...(channel === undefined ? {} : { channel }),
    });
    clients.set(key, client);
  }
  return client;
}
function closeClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
}

async function initGovernance(topology: Topology, channel?: string): Promise<void> {
  try {
    await on('nhsa/admin', channel).initGovernance(membersFromTopology(topology));
  } catch (error) {
    if (!(error instanceof CatalogClientError && error.code === 'GOVERNANCE_EXISTS')) throw error;
  }
}

function approversOf(topology: Topology): string[] {
  return [
    'nhsa/approver',
    ...topology.orgs.filter((org) => org.kind === 'province').map((org) => `${org.name}/approver`),
  ];
}

/** The entries of `dir`, none when it does not exist. */
function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** Bytes below `dir` (files only), 0 when it does not exist. */
function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of entriesOf(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/** Bytes of every folder named `name` below `dir` (a channel's block files in a ledger). */
function namedDirBytes(dir: string, name: string): number {
  let total = 0;
  for (const entry of entriesOf(dir)) {
    if (!entry.isDirectory()) continue;
    const full = path.join(dir, entry.name);
    total += entry.name === name ? dirBytes(full) : namedDirBytes(full, name);
  }
  return total;
}

interface LedgerSizes {
  /** Every peer's ledger folder (all channels: block files, state and history databases). */
  readonly peerBytes: Readonly<Record<string, number>>;
  readonly ordererBytes: Readonly<Record<string, number>>;
  /** The catalog channel's block files at NHSA's peer. */
  readonly channelBlocksBytes: number;
  /** NHSA's peer: state database, history database. */
  readonly stateBytes: number;
  readonly historyBytes: number;
}

function ledgerSizes(topology: Topology, channel: string): LedgerSizes {
  const peerBytes: Record<string, number> = {};
  const ordererBytes: Record<string, number> = {};
  for (const org of topology.orgs) {
    const files = orgPaths(paths, org);
    peerBytes[`peer0.${org.name}`] = dirBytes(files.peerLedger);
    if (org.orderer !== undefined) ordererBytes[`orderer0.${org.name}`] = dirBytes(files.ordererLedger);
  }
  const nhsa = orgPaths(paths, findOrg(topology, 'nhsa')).peerLedger;
  return {
    peerBytes,
    ordererBytes,
    channelBlocksBytes: namedDirBytes(nhsa, channel),
    stateBytes: namedDirBytes(nhsa, 'stateLeveldb'),
    historyBytes: namedDirBytes(nhsa, 'historyLeveldb'),
  };
}

interface ProcessUse {
  readonly name: string;
  readonly pid: number;
  readonly rssMb: number;
  readonly cpuSeconds: number;
}

const TICKS = 100; // USER_HZ on Linux

function processUse(): ProcessUse[] {
  const out: ProcessUse[] = [];
  for (const proc of trackedProcesses(paths.pidDir)) {
    try {
      const status = readFileSync(`/proc/${String(proc.pid)}/status`, 'utf8');
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      const stat = readFileSync(`/proc/${String(proc.pid)}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpu = (Number(fields[11]) + Number(fields[12])) / TICKS; // utime + stime
      out.push({ name: proc.name, pid: proc.pid, rssMb: Number(rss ?? 0) / 1024, cpuSeconds: cpu });
    } catch {
      // gone
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function kindOf(name: string): string {
  if (name.startsWith('chaincode-')) return 'chaincode';
  if (name.startsWith('peer0.')) return 'peer';
  if (name.startsWith('orderer0.')) return 'orderer';
  if (name.startsWith('ca.') || name.includes('-ca') || name.startsWith('ca-')) return 'ca';
  return 'other';
}

function rssByKind(use: readonly ProcessUse[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of use) out[kindOf(p.name)] = (out[kindOf(p.name)] ?? 0) + p.rssMb;
  return out;
}

interface LoopResult {
  readonly requests: number;
  readonly errors: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly firstError: string | null;
}

/** `concurrency` callers running `op` back to back for `seconds`. */
async function loop(
  seconds: number,
  concurrency: number,
  op: (i: number) => Promise<unknown>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  let counter = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = counter++;
        const s = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - s);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message.slice(0, 200) : String(error);
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    errors,
    perSecond: latencies.length / elapsed,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    firstError,
  };
}

interface NationalRound {
  readonly seconds: number;
  readonly votes: number;
  readonly provincesNeeded: number;
  readonly steps: Readonly<Record<string, number>>;
}

/** One national change (a synthetic drug copy, one chunk): create, chunk, open, votes until approved, apply, seal. */
async function nationalRound(topology: Topology, template: ItemInput, label: string): Promise<NationalRound> {
  const proposer = on('nhsa/proposer');
  const steps: Record<string, number> = {};
  const started = performance.now();
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const { result, seconds } = await timed(work);
    steps[name] = (steps[name] ?? 0) + seconds;
    return result;
  };
  const item: ItemInput = {
    ...template,
    name: `${template.name}（合成副本${label}）`,
    provenance: { edition: 'SYNTHETIC', sourceRow: null, source: 'scale run' },
  };
  const created = await step('create', () =>
    proposer.createProposal({
      scope: 'national',
      title: `scale run: national round at ${label}`,
      rationale: 'scale measurement',
      effectiveFrom: DATE,
    }),
  );
  const id = created.value.id;
  await step('chunk', () =>
    proposer.addChunk({ proposalId: id, chunkIndex: 0, changes: [{ op: 'upsertItem', item }] }),
  );
  const open: Proposal = (await step('open', () => proposer.openProposal({ proposalId: id }))).value;
  let votes = 0;
  let needed = 0;
  for (const as of approversOf(topology)) {
    const result = await step('votes', () => on(as).approveProposal({ proposalId: id, ...reviewedOf(open) }));
    votes += 1;
    needed = result.value.tally.provincesNeeded;
    if (result.value.tally.met) break;
  }
  await step('apply', () => proposer.applyChunk({ proposalId: id, chunkIndex: 0 }));
  await step('seal', () => proposer.sealVersion({ proposalId: id }));
  return { seconds: (performance.now() - started) / 1000, votes, provincesNeeded: needed, steps };
}

interface Throughput {
  readonly submitFloorMs: number;
  readonly floor: LoopResult;
  readonly coverage: LoopResult;
  /** coverage checks/s over evaluate-floor requests/s, both measured here. */
  readonly ratio: number;
}

async function throughput(itemIds: readonly string[], options: ScaleOptions): Promise<Throughput> {
  const admin = on('nhsa/admin');
  const { result: txId, seconds } = await timed(async () => {
    const tx = await admin.connection.contract.submitAsync('System:Ping', {
      arguments: ['x'.repeat(600)],
    });
    const status = await tx.getStatus();
    if (!status.successful) throw new Error(`System:Ping did not commit: ${String(status.code)}`);
    return tx.getTransactionId();
  });
  const hospital = on(HOSPITAL);
  const contract = hospital.connection.contract;
  await contract.evaluate('System:GetPing', { arguments: ['NHSAMSP', txId] }); // warm up
  const floor = await loop(options.seconds, options.concurrency, () =>
    contract.evaluate('System:GetPing', { arguments: ['NHSAMSP', txId] }),
  );
  const coverage = await loop(options.seconds, options.concurrency, (i) =>
    hospital.checkCoverage({
      province: 'Guangdong',
      itemId: itemIds[(i * 7919) % itemIds.length] ?? '',
      date: DATE,
    }),
  );
  return {
    submitFloorMs: seconds * 1000,
    floor,
    coverage,
    ratio: floor.perSecond > 0 ? coverage.perSecond / floor.perSecond : 0,
  };
}

interface Addition {
  readonly province: string;
  readonly mspId: string;
  readonly addOrgSeconds: number;
  readonly up: UpTimes;
  readonly membership: { readonly seconds: number; readonly votes: number; readonly provincesNeeded: number };
}

interface Point {
  readonly provinces: number;
  readonly channelOrgs: number;
  readonly configBlockBytes: number;
  readonly configJsonBytes: number;
  readonly arithmetic: GovernanceArithmetic;
  readonly national: NationalRound;
  readonly throughput: Throughput;
  readonly ledger: LedgerSizes;
  readonly processes: readonly ProcessUse[];
  readonly rssByKindMb: Readonly<Record<string, number>>;
  readonly rssTotalMb: number;
  readonly addition: Addition | null;
}

interface ImportFigures {
  readonly provinces: number;
  readonly channel: string;
  readonly items: number;
  readonly chunks: number;
  readonly seconds: number;
  readonly channelBlocksBytesBefore: number;
  readonly channelBlocksBytesAfter: number;
  readonly stateBytesAfter: number;
  readonly historyBytesAfter: number;
}

async function measurePoint(
  topology: Topology,
  itemIds: readonly string[],
  template: ItemInput,
  options: ScaleOptions,
  addition: Addition | null,
): Promise<Point> {
  const provinces = topology.orgs.filter((o) => o.kind === 'province').length;
  progress(`measuring at ${String(provinces)} provinces: configuration block`);
  const fabric = await findFabric();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'scale-'));
  let configBlockBytes: number;
  let configJsonBytes: number;
  let channelOrgs: number;
  try {
    const config = await channelConfig(fabric, topology, paths, findOrg(topology, 'nhsa'), tmp);
    configBlockBytes = statSync(path.join(tmp, 'config-block.pb')).size;
    configJsonBytes = Buffer.byteLength(JSON.stringify(config));
    channelOrgs = applicationOrgs(config).length;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  progress(
    `  configuration block ${String(configBlockBytes)} bytes, ${String(channelOrgs)} application organisations`,
  );
  progress('  national approval round');
  const national = await nationalRound(topology, template, `n${String(provinces)}`);
  progress(`  national round ${national.seconds.toFixed(1)} s, ${String(national.votes)} votes`);
  progress(
    `  throughput: evaluate floor then coverage, ${String(options.seconds)} s each at ${String(options.concurrency)} in flight`,
  );
  const tp = await throughput(itemIds, options);
  progress(
    `  floor ${tp.floor.perSecond.toFixed(0)}/s, coverage ${tp.coverage.perSecond.toFixed(0)}/s (${tp.ratio.toFixed(2)}× floor)`,
  );
  const processes = processUse();
  const byKind = rssByKind(processes);
  return {
    provinces,
    channelOrgs,
    configBlockBytes,
    configJsonBytes,
    arithmetic: governanceArithmetic(provinces),
    national,
    throughput: tp,
    ledger: ledgerSizes(topology, topology.channel.name),
    processes,
    rssByKindMb: byKind,
    rssTotalMb: processes.reduce((s, p) => s + p.rssMb, 0),
    addition,
  };
}

async function importNrdl(topology: Topology, channel: string | undefined): Promise<ImportFigures> {
  const name = channel ?? topology.channel.name;
  const provinces = topology.orgs.filter((o) => o.kind === 'province').length;
  const before = ledgerSizes(topology, name).channelBlocksBytes;
  let lastShown = 0;
  const { result: summary, seconds } = await timed(() =>
    runImport({
      client: on('nhsa/proposer', channel),
      source: { list: 'nrdl', file: NRDL_FILE },
      effectiveFrom: '2025-01-01',
      approvers: approversOf(topology).map((as) => on(as, channel)),
      onProgress: (p) => {
        const now = performance.now();
        if (now - lastShown > 5000) {
          lastShown = now;
          progress(`  import: ${JSON.stringify(p).slice(0, 160)}`);
        }
      },
    }),
  );
  if (summary.status !== 'applied') {
    progress(`  import ended ${summary.status}`);
  }
  const after = ledgerSizes(topology, name);
  return {
    provinces,
    channel: name,
    items: summary.items,
    chunks: summary.chunks,
    seconds,
    channelBlocksBytesBefore: before,
    channelBlocksBytesAfter: after.channelBlocksBytes,
    stateBytesAfter: after.stateBytes,
    historyBytesAfter: after.historyBytes,
  };
}

/** The membership proposal: NHSA proposes adding the province, approvers vote until the governance rule is met, then it applies. */
async function addMember(topology: Topology, name: string): Promise<Addition['membership']> {
  const members = membersFromTopology(topology);
  const member = members.provinces.find(
    (p) => p.name.toLowerCase() === name || p.mspId === findOrg(topology, name).mspId,
  );
  if (member === undefined) throw new Error(`${name} is not a province of the topology`);
  const proposer = on('nhsa/proposer');
  const started = performance.now();
  const created = await proposer.createProposal({
    scope: 'governance',
    title: `add ${member.name}`,
    rationale: 'scale run',
    effectiveFrom: DATE,
    governance: { addProvinces: [member] },
  });
  const open = await proposer.openProposal({ proposalId: created.value.id });
  const voters = approversOf(topology).filter((as) => as !== `${name}/approver`);
  let votes = 0;
  let needed = 0;
  for (const as of voters) {
    const result = await on(as).approveProposal({ proposalId: open.value.id, ...reviewedOf(open.value) });
    votes += 1;
    needed = result.value.tally.provincesNeeded;
    if (result.value.tally.met) break;
  }
  await proposer.applyGovernanceProposal({ proposalId: open.value.id });
  return { seconds: (performance.now() - started) / 1000, votes, provincesNeeded: needed };
}

const MB = 1024 * 1024;

function pointRows(points: readonly Point[]): string[][] {
  return points.map((p) => [
    String(p.provinces),
    formatNumber(p.configBlockBytes),
    p.addition === null ? '–' : formatNumber(p.addition.addOrgSeconds),
    p.addition === null ? '–' : formatNumber(p.addition.up.configUpdateSeconds ?? NaN),
    p.addition === null ? '–' : formatNumber(p.addition.up.chaincodeSeconds ?? NaN),
    p.addition === null ? '–' : formatNumber(p.addition.membership.seconds),
    String(p.national.votes),
    formatNumber(p.national.seconds),
    `${String(p.arithmetic.itemEndorsements)} / ${String(p.arithmetic.governanceEndorsements)}`,
    formatNumber(p.throughput.submitFloorMs, 0),
    formatNumber(p.throughput.floor.perSecond),
    formatNumber(p.throughput.coverage.perSecond),
    formatNumber(p.throughput.ratio, 2),
    formatNumber(p.ledger.channelBlocksBytes / MB),
    formatNumber(p.rssByKindMb.peer ?? 0, 0),
    formatNumber(p.rssTotalMb, 0),
  ]);
}

const POINT_HEADERS = [
  'provinces',
  'config block B',
  'add-org s',
  'config update s',
  'chaincode re-sequence s',
  'membership s',
  'national votes',
  'national round s',
  'endorsements item / governance',
  'submit floor ms',
  'floor evals/s',
  'coverage/s',
  'ratio',
  'channel blocks MB',
  'peers RSS MB',
  'all nodes RSS MB',
];

function seriesOf(points: readonly Point[], imports: readonly ImportFigures[]): Extrapolation[] {
  const s = (
    quantity: string,
    unit: string,
    f: (p: Point) => number,
  ): {
    quantity: string;
    unit: string;
    points: [number, number][];
  } => ({ quantity, unit, points: points.map((p) => [p.provinces, f(p)]) });
  const withAdd = points.filter((p) => p.addition !== null);
  return extrapolate(
    [
      s('configuration block', 'bytes', (p) => p.configBlockBytes),
      s('national approval round', 's', (p) => p.national.seconds),
      s('national votes', 'transactions', (p) => p.national.votes),
      s('resident memory of every node', 'MB', (p) => p.rssTotalMb),
      s('resident memory of the peers', 'MB', (p) => p.rssByKindMb.peer ?? 0),
      s('resident memory of the chaincode processes', 'MB', (p) => p.rssByKindMb.chaincode ?? 0),
      s('coverage checks vs floor', 'ratio', (p) => p.throughput.ratio),
      s('submit floor', 'ms', (p) => p.throughput.submitFloorMs),
      {
        quantity: 'adding one province (network:up)',
        unit: 's',
        points: withAdd.map((p) => [p.provinces, p.addition?.addOrgSeconds ?? 0]),
      },
      {
        quantity: 'membership proposal round',
        unit: 's',
        points: withAdd.map((p) => [p.provinces, p.addition?.membership.seconds ?? 0]),
      },
      { quantity: 'NRDL import', unit: 's', points: imports.map((i) => [i.provinces, i.seconds]) },
      {
        quantity: 'NRDL import: channel block files',
        unit: 'bytes',
        points: imports.map((i) => [i.provinces, i.channelBlocksBytesAfter - i.channelBlocksBytesBefore]),
      },
    ],
    32,
  );
}

async function main(): Promise<void> {
  const options = parseScaleArgs(process.argv.slice(2));
  const originalTopology = readFileSync(TOPOLOGY_FILE, 'utf8');
  let topology = loadTopology();
  const startProvinces = topology.orgs.filter((o) => o.kind === 'province').length;
  if (topology.orgs.some((o) => SCALE_PROVINCES.some((p) => p.name === o.name))) {
    throw new Error('network/topology.json holds provinces of an earlier scale run: restore it first');
  }
  const toAdd = SCALE_PROVINCES.slice(0, Math.max(0, options.provinces - startProvinces));
  const startedAt = new Date();
  const points: Point[] = [];
  const imports: ImportFigures[] = [];
  let upFresh: { seconds: number; times: UpTimes } | null = null;
  let upRestart: { seconds: number; times: UpTimes; provinces: number } | null = null;
  const items = readImportList({ list: 'nrdl', file: NRDL_FILE }).items;
  const template = items[0];
  if (template === undefined) throw new Error('the NRDL list is empty');
  const itemIds = items
    .filter((i) => i.kind === 'drug')
    .map((i) => computeItemId({ kind: i.kind, name: i.name, dosageForm: i.dosageForm ?? null }));
  try {
    progress(`fresh network: network:down --purge, then network:up with ${String(startProvinces)} provinces`);
    await networkDown({ purge: true, topology });
    {
      const { reporter, lines } = recordingReporter();
      const { seconds } = await timed(() => networkUp({ topology, reporter }));
      upFresh = { seconds, times: upTimes(lines) };
      progress(`network:up ${seconds.toFixed(1)} s`);
    }
    await initGovernance(topology);
    progress('importing the NRDL 2024 list (4,750 rows)');
    imports.push(await importNrdl(topology, undefined));
    progress(`import ${imports[0]?.seconds.toFixed(1) ?? '?'} s`);
    points.push(await measurePoint(topology, itemIds, template, options, null));
    for (const p of toAdd) {
      progress(`adding ${p.mspId} (${p.zh}) with network:add-org`);
      const { reporter, lines } = recordingReporter();
      const out = (text: string): void => {
        progress(`  ${text.trim()}`);
      };
      const { result: code, seconds } = await timed(() =>
        addOrgMain(addOrgArgs(p), {
          up: (grown) => networkUp({ topology: grown, reporter }),
          out,
          err: out,
        }),
      );
      if (code !== 0) throw new Error(`network:add-org ${p.name} exited ${String(code)}`);
      topology = loadTopology();
      progress(`  ${p.mspId} added in ${seconds.toFixed(1)} s; membership proposal`);
      const membership = await addMember(topology, p.name);
      progress(`  member after ${membership.seconds.toFixed(1)} s (${String(membership.votes)} votes)`);
      const addition: Addition = {
        province: p.province,
        mspId: p.mspId,
        addOrgSeconds: seconds,
        up: upTimes(lines),
        membership,
      };
      points.push(await measurePoint(topology, itemIds, template, options, addition));
    }
    if (options.finalImport && toAdd.length > 0) {
      const channel = `scale-n${String(options.provinces)}`;
      progress(`channel ${channel} of all ${String(options.provinces)} provinces; importing the NRDL there`);
      const { reporter } = recordingReporter();
      await networkAddChannel(channel, { topology, reporter });
      await initGovernance(topology, channel);
      imports.push(await importNrdl(topology, channel));
      progress(
        `import at ${String(options.provinces)} provinces ${imports[imports.length - 1]?.seconds.toFixed(1) ?? '?'} s`,
      );
      closeClients();
      progress('restart: network:down, then network:up with every province');
      await networkDown({ topology });
      const recorded = recordingReporter();
      const { seconds } = await timed(() => networkUp({ topology, reporter: recorded.reporter }));
      upRestart = { seconds, times: upTimes(recorded.lines), provinces: options.provinces };
      progress(`network:up (restart) ${seconds.toFixed(1)} s`);
    }
  } finally {
    closeClients();
    const report = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, memoryGiB: os.totalmem() / 1024 ** 3, node: process.version },
      options,
      upFresh,
      upRestart,
      imports,
      points,
      model: seriesOf(points, imports),
      arithmeticAt32: governanceArithmetic(32),
    };
    mkdirSync(options.out, { recursive: true });
    const stamp = startedAt.toISOString().slice(0, 16).replace(/[:T]/g, '-');
    writeFileSync(path.join(options.out, `scale-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
    const table = [
      `network:up (fresh, ${String(startProvinces)} provinces): ${formatNumber(upFresh?.seconds ?? NaN)} s` +
        (upRestart === null
          ? ''
          : `; network:up (restart, ${String(upRestart.provinces)} provinces): ${formatNumber(upRestart.seconds)} s`),
      '',
      formatTable(POINT_HEADERS, pointRows(points)),
      '',
      formatTable(
        [
          'provinces',
          'channel',
          'items',
          'chunks',
          'import s',
          'channel blocks +MB',
          'state DB MB',
          'history DB MB',
        ],
        imports.map((i) => [
          String(i.provinces),
          i.channel,
          String(i.items),
          String(i.chunks),
          formatNumber(i.seconds),
          formatNumber((i.channelBlocksBytesAfter - i.channelBlocksBytesBefore) / MB),
          formatNumber(i.stateBytesAfter / MB),
          formatNumber(i.historyBytesAfter / MB),
        ]),
      ),
      '',
      formatTable(
        ['quantity', 'unit', 'slope per province', 'intercept', 'r²', 'at 32 provinces'],
        report.model.map((m) => [
          m.quantity,
          m.unit,
          formatNumber(m.fit.slope, 2),
          formatNumber(m.fit.intercept, 1),
          formatNumber(m.fit.r2, 3),
          formatNumber(m.value, 1),
        ]),
      ),
    ].join('\n');
    writeFileSync(path.join(options.out, `scale-${stamp}.md`), `${table}\n`);
    process.stdout.write(`${table}\n`);
    progress('network:down and network/topology.json restored');
    try {
      await networkDown({ topology });
    } finally {
      writeFileSync(TOPOLOGY_FILE, originalTopology);
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`scale: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
