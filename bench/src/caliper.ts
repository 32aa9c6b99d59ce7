/**
 * Drives Hyperledger Caliper (bench/node_modules, installed from bench/package-lock.json): writes
 * its network configuration (every organisation's peer and wallet identities, from the topology
 * and the wallet) and its benchmark configuration (our rounds), runs `caliper launch manager` with
 * the Fabric gateway connector, and reads the summary table of the HTML report it writes.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Topology } from '@nrdl-catalog/network';

/** The bench project's folder. */
export const BENCH_DIR = path.resolve(__dirname, '..');
/** The repository root (Caliper's workspace: every path in its configurations is relative to it). */
export const ROOT_DIR = path.resolve(BENCH_DIR, '..');
const CALIPER_CLI = path.join(BENCH_DIR, 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js');

/** One Caliper round as we plan it. */
export interface PlannedRound {
  readonly label: string;
  /** Workload module name: bench/src/workloads/<workload>.ts. */
  readonly workload: string;
  readonly rate:
    | { readonly type: 'fixed-load'; readonly load: number }
    | { readonly type: 'fixed-rate'; readonly tps: number };
  /** Seconds, or a fixed number of transactions. */
  readonly length: { readonly seconds: number } | { readonly transactions: number };
  readonly size?: number;
}

/**
 * The identities our workloads send as. Caliper opens a gateway for every identity it is given at
 * the start of every round: naming only these keeps its set-up short.
 */
const USED_IDENTITIES = new Set([
  'nhsa/admin',
  'nhsa/proposer',
  'nhsa/approver',
  'guangdong/approver',
  'sichuan/approver',
  'guangdong/hospital1',
  'shaanxi/hospital1',
]);

/** Whether Caliper is installed (`npm ci --prefix bench`). */
export function caliperInstalled(): boolean {
  return existsSync(CALIPER_CLI);
}

/** Caliper's network configuration for `channel`: one organisation per topology org, its peer and identities. */
export function networkConfig(
  topology: Topology,
  channel: string,
  walletDir: string,
): Record<string, unknown> {
  const rel = (file: string): string => path.relative(ROOT_DIR, file);
  return {
    name: 'nrdl-catalog',
    version: '2.0.0',
    caliper: { blockchain: 'fabric' },
    channels: [{ channelName: channel, contracts: [{ id: topology.chaincode.name }] }],
    organizations: topology.orgs
      .filter((org) => org.identities.some((identity) => USED_IDENTITIES.has(`${org.name}/${identity.name}`)))
      .map((org) => {
        const profile = JSON.parse(
          readFileSync(path.join(walletDir, org.name, 'connection.json'), 'utf8'),
        ) as {
          peerEndpoint: string;
          peerHostAlias: string;
          tlsRootCert: string;
        };
        return {
          mspid: org.mspId,
          identities: {
            certificates: org.identities
              .filter((identity) => USED_IDENTITIES.has(`${org.name}/${identity.name}`))
              .map((identity) => ({
                name: identity.name,
                clientPrivateKey: { path: rel(path.join(walletDir, org.name, identity.name, 'key.pem')) },
                clientSignedCert: { path: rel(path.join(walletDir, org.name, identity.name, 'cert.pem')) },
              })),
          },
          peers: [
            {
              endpoint: profile.peerEndpoint,
              tlsCACerts: { pem: profile.tlsRootCert },
              grpcOptions: { 'grpc.ssl_target_name_override': profile.peerHostAlias },
            },
          ],
        };
      }),
  };
}

/** Caliper's benchmark configuration for our rounds. */
export function benchmarkConfig(
  rounds: readonly PlannedRound[],
  options: { channel: string; fixtures: string; samplesDir: string; workers: number },
): Record<string, unknown> {
  return {
    test: {
      name: 'nrdl-catalog',
      description: 'The national drug catalog on Fabric 3.1.5: floors, reads, the proposal lifecycle',
      workers: { number: options.workers },
      rounds: rounds.map((round) => ({
        label: round.label,
        ...('seconds' in round.length
          ? { txDuration: round.length.seconds }
          : { txNumber: round.length.transactions }),
        rateControl:
          round.rate.type === 'fixed-load'
            ? { type: 'fixed-load', opts: { transactionLoad: round.rate.load, startTps: round.rate.load } }
            : { type: 'fixed-rate', opts: { tps: round.rate.tps } },
        workload: {
          module: path.join(BENCH_DIR, 'src', 'workloads', `${round.workload}.ts`),
          arguments: {
            channel: options.channel,
            fixtures: options.fixtures,
            samplesDir: path.join(options.samplesDir, round.label),
            label: round.label,
            ...(round.size === undefined ? {} : { size: round.size }),
          },
        },
      })),
    },
  };
}

/** One row of Caliper's summary table. */
export interface CaliperSummaryRow {
  readonly name: string;
  readonly succ: number;
  readonly fail: number;
  readonly sendRate: number;
  readonly maxLatency: number;
  readonly minLatency: number;
  readonly avgLatency: number;
  readonly throughput: number;
}

/** The summary table of Caliper's HTML report (Name | Succ | Fail | Send Rate | latencies | Throughput). */
export function parseCaliperReport(html: string): CaliperSummaryRow[] {
  const start = html.indexOf('id="benchmarksummary"');
  const table = start >= 0 ? html.slice(start, html.indexOf('</table>', start)) : '';
  const rows: CaliperSummaryRow[] = [];
  for (const match of table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    const cells = [...(match[1] ?? '').matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) =>
      (cell[1] ?? '').trim(),
    );
    if (cells.length < 8) continue;
    const num = (index: number): number => Number(cells[index]);
    rows.push({
      name: cells[0] ?? '',
      succ: num(1),
      fail: num(2),
      sendRate: num(3),
      maxLatency: num(4),
      minLatency: num(5),
      avgLatency: num(6),
      throughput: num(7),
    });
  }
  return rows;
}

/** Runs Caliper's manager on the two configuration files; resolves when it exits 0. */
export async function runCaliper(options: {
  readonly workDir: string;
  readonly network: Record<string, unknown>;
  readonly benchmark: Record<string, unknown>;
  readonly reportFile: string;
  readonly log: (line: string) => void;
}): Promise<CaliperSummaryRow[]> {
  const networkFile = path.join(options.workDir, 'caliper-network.yaml');
  const benchFile = path.join(options.workDir, 'caliper-benchmark.yaml');
  writeFileSync(networkFile, stringify(options.network));
  writeFileSync(benchFile, stringify(options.benchmark));
  const rel = (file: string): string => path.relative(ROOT_DIR, file);
  const args = [
    '-r',
    'ts-node/register',
    '--conditions=nrdl-source',
    CALIPER_CLI,
    'launch',
    'manager',
    '--caliper-workspace',
    ROOT_DIR,
    '--caliper-networkconfig',
    rel(networkFile),
    '--caliper-benchconfig',
    rel(benchFile),
    '--caliper-report-path',
    rel(options.reportFile),
    '--caliper-flow-only-test',
    '--caliper-fabric-gateway-enabled',
    '--caliper-logging-targets-console-options-level',
    'warn',
  ];
  const logFile = path.join(options.workDir, 'caliper.log');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT_DIR,
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      out.push(text);
      for (const line of text.split('\n')) {
        if (/Finished round|Started round|error/i.test(line))
          options.log(line.replace(/^.*?(\[|Finished|Started)/, '$1').trim());
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('exit', (code) => {
      writeFileSync(logFile, out.join(''));
      if (code === 0) resolve();
      else reject(new Error(`caliper exited ${code ?? 'by signal'}: see ${rel(logFile)}`));
    });
  });
  return parseCaliperReport(readFileSync(options.reportFile, 'utf8'));
}
