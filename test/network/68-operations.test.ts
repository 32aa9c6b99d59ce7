/**
 * Operations on the real network (issue 17, item 5, the parts in the test command):
 * `network:status` reports every certificate's notAfter and days left — from the files, and the TLS
 * certificate each running node actually serves — and the free space of every ledger folder from
 * statfs; `network:renew` re-enrols an organisation's peer, orderer and identities with its CA and
 * restarts each node alone, while reads and writes through the other organisations keep
 * succeeding, and status then shows the new certificates served.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { common, peer } from '@hyperledger/fabric-protos';
import { CatalogClient, submitWithRetry, toClientError } from '../../gateway-client/src';
import { osnadminArgs } from '../../network/src/channel';
import { findFabric } from '../../network/src/fabric-home';
import type { NetworkStatus } from '../../network/src/network';
import { bin } from '../../network/src/node-env';
import { networkPaths } from '../../network/src/paths';
import type { RenewResult } from '../../network/src/renew';
import { runCommand } from '../../network/src/run-command';
import { findOrg, loadTopology } from '../../network/src/topology';
import { clientAs, closeClients, ensureCatalog } from './support/catalog';
import { REPO } from './support/cli';
import { WALLET_DIR } from './support/network';

const topology = loadTopology();
const paths = networkPaths();
const DAY = 86_400_000;

/** Runs `network/src/cli.ts` (what `npm run network:*` runs) and collects its output. */
function networkCli(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=nrdl-source',
        '--disable-warning=ExperimentalWarning',
        '-r',
        'ts-node/register',
        path.join(REPO, 'network', 'src', 'cli.ts'),
        ...args,
      ],
      { cwd: REPO, env: process.env },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

async function statusJson(
  extra: readonly string[] = [],
): Promise<{ code: number | null; status: NetworkStatus }> {
  const run = await networkCli(['status', '--json', ...extra]);
  return { code: run.code, status: JSON.parse(run.stdout) as NetworkStatus };
}

/** The channel's height on an orderer, from `osnadmin channel list --channelID`. */
async function ordererHeight(orgName: string): Promise<number> {
  const fabric = await findFabric();
  const out = await runCommand(
    bin(fabric, 'osnadmin'),
    [
      'channel',
      'list',
      '--channelID',
      topology.channel.name,
      ...osnadminArgs(topology, findOrg(topology, orgName), paths),
    ],
    process.env,
  );
  return Number(/"height":\s*(\d+)/.exec(out)?.[1] ?? 'NaN');
}

async function peerHeight(client: CatalogClient): Promise<number> {
  const network = client.connection.network;
  const bytes = await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName());
  return common.BlockchainInfo.deserializeBinary(bytes).getHeight();
}

/** A loop calling `fn` until stopped: how many calls succeeded, the failures, the longest run of failures. */
function loop(
  fn: () => Promise<unknown>,
  pauseMs: number,
): {
  stop: () => Promise<{ ok: number; failed: string[]; longestGapMs: number }>;
} {
  const state = { running: true };
  let ok = 0;
  const failed: string[] = [];
  let gapStart: number | null = null;
  let longestGapMs = 0;
  const done = (async (): Promise<void> => {
    while (state.running) {
      const started = Date.now();
      try {
        await fn();
        ok += 1;
        if (gapStart !== null) longestGapMs = Math.max(longestGapMs, Date.now() - gapStart);
        gapStart = null;
      } catch (error) {
        failed.push(toClientError(error).message.slice(0, 160));
        gapStart ??= started;
      }
      await sleep(pauseMs);
    }
  })();
  return {
    stop: async () => {
      state.running = false;
      await done;
      return { ok, failed, longestGapMs };
    },
  };
}

describe('real network: operations — certificate expiry and ledger free space in network:status, renewal without downtime', function () {
  before(async function () {
    this.timeout(600_000);
    await ensureCatalog();
  });

  after(function () {
    closeClients();
  });

  it('network:status --json shows every certificate with its real notAfter (the file and what each node serves) and the real free space of every ledger folder', async function () {
    this.timeout(120_000);
    const { code, status } = await statusJson();
    expect(code, 'healthy network: exit 0').to.equal(0);
    const now = Date.now();
    const owners = new Set(status.certificates.map((entry) => entry.owner));
    for (const org of topology.orgs) {
      for (const owner of [
        `peer0.${org.name}`,
        `ca.${org.name}`,
        ...org.identities.map((i) => `${org.name}/${i.name}`),
      ]) {
        expect(owners.has(owner), owner).to.equal(true);
      }
      if (org.orderer) expect(owners.has(`orderer0.${org.name}`)).to.equal(true);
    }
    for (const entry of status.certificates) {
      const file = path.join(REPO, entry.file);
      const certificate = new X509Certificate(readFileSync(file));
      expect(entry.notAfter, entry.file).to.equal(new Date(certificate.validTo).toISOString());
      expect(entry.serial).to.equal(certificate.serialNumber);
      expect(entry.daysLeft).to.equal(Math.floor((new Date(certificate.validTo).getTime() - now) / DAY));
      expect(entry.daysLeft, `${entry.owner} ${entry.kind}`).to.be.greaterThan(30);
      expect(entry.warning, `${entry.owner} ${entry.kind}`).to.equal(null);
      if (entry.kind === 'tls') {
        // what the running node presents on its port is the certificate in its folder
        expect(entry.served, `${entry.owner} serves TLS`).to.deep.equal({
          serial: entry.serial,
          notAfter: entry.notAfter,
        });
      }
    }
    const ledgers = status.disks.map((disk) => disk.node).sort();
    expect(ledgers).to.deep.equal(
      [
        ...topology.orgs.map((org) => `peer0.${org.name}`),
        ...topology.orgs.filter((org) => org.orderer).map((org) => `orderer0.${org.name}`),
      ].sort(),
    );
    for (const disk of status.disks) {
      const stats = statfsSync(path.join(REPO, disk.folder));
      expect(disk.totalBytes, disk.folder).to.equal(stats.blocks * stats.bsize);
      // the file system is shared with the running network: free space moves a little meanwhile
      expect(Math.abs(disk.freeBytes - stats.bavail * stats.bsize)).to.be.lessThan(0.02 * disk.totalBytes);
      expect(disk.ledgerBytes, `${disk.node} holds blocks`).to.be.greaterThan(0);
      expect(disk.freePercent).to.be.within(0, 100);
    }
    process.stderr.write(
      `      ${String(status.certificates.length)} certificates, soonest expiry ${String(Math.min(...status.certificates.map((c) => c.daysLeft ?? Infinity)))} days; ` +
        `${String(status.disks.length)} ledger folders, ${status.disks[0]?.freePercent.toFixed(1) ?? '?'} % free\n`,
    );

    // thresholds: every certificate under 100,000 days, every disk under 100 % free, warned; health is still exit 0
    const warned = await statusJson(['--cert-warn-days', '100000', '--disk-warn-percent', '100']);
    expect(warned.code).to.equal(0);
    expect(warned.status.thresholds).to.deep.include({ certWarnDays: 100_000, diskWarnPercent: 100 });
    expect(warned.status.certificates.every((c) => c.warning?.startsWith('expires in ') === true)).to.equal(
      true,
    );
    expect(
      warned.status.disks.every((d) => d.warning?.startsWith('low free space (< 100 %') === true),
    ).to.equal(true);
    expect(warned.status.warnings).to.have.length(
      warned.status.certificates.length + warned.status.disks.length,
    );
    const table = await networkCli(['status', '--org', 'shaanxi', '--cert-warn-days', '100000']);
    expect(table.stdout).to.match(
      /peer0\.shaanxi\s+tls\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+\d+\s+WARNING expires in \d+ day\(s\) \(< 100000\): renew/,
    );
    expect(table.stdout).to.match(
      /peer0\.shaanxi\s+network\/data\/ledgers\/peer0\.shaanxi\s+[\d.]+ [KMG]iB\s+[\d.]+ [KMGT]iB\s+[\d.]+ [KMGT]iB\s+[\d.]+ %\s+ok/,
    );
  });

  it('network:renew --org guangdong: its peer, orderer and identities re-enrolled, each node restarted alone; reads and writes through the other organisations never fail; status shows the new certificates served', async function () {
    this.timeout(600_000);
    const before = (await statusJson(['--org', 'guangdong'])).status;
    const nhsa = clientAs('nhsa/admin');
    const ownMsp = { localMspId: 'NHSAMSP' };
    let writes = 0;
    const writer = loop(async () => {
      writes += 1;
      await submitWithRetry(
        nhsa.connection.contract,
        'System:Ping',
        [`renewal: write ${String(writes)}`],
        ownMsp,
      );
    }, 200);
    const otherReader = loop(() => clientAs('sichuan/hospital1').getGovernance(), 100);
    const ownReader = loop(() => clientAs('guangdong/hospital1').getGovernance(), 100);
    await sleep(3000);
    const started = Date.now();
    const run = await networkCli(['renew', '--org', 'guangdong', '--node', 'all', '--json']);
    const renewMs = Date.now() - started;
    await sleep(5000);
    const [wrote, readOther, readOwn] = await Promise.all([
      writer.stop(),
      otherReader.stop(),
      ownReader.stop(),
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout) as RenewResult;
    expect(result.restarted.map((r) => r.node)).to.deep.equal(['peer0.guangdong', 'orderer0.guangdong']);
    expect(result.renewed.map((r) => `${r.owner} ${r.kind}`)).to.deep.equal([
      'peer0.guangdong enrolment',
      'peer0.guangdong tls',
      'orderer0.guangdong enrolment',
      'orderer0.guangdong tls',
      ...findOrg(topology, 'guangdong').identities.map((i) => `guangdong/${i.name} identity`),
    ]);
    process.stderr.write(
      `      renew took ${String(renewMs)} ms (${result.restarted.map((r) => `${r.node} back in ${String(r.ms)} ms`).join(', ')}); ` +
        `NHSA writes ${String(wrote.ok)} ok / ${String(wrote.failed.length)} failed; Sichuan reads ${String(readOther.ok)} ok / ${String(readOther.failed.length)} failed; ` +
        `Guangdong's own gateway ${String(readOwn.ok)} ok / ${String(readOwn.failed.length)} failed, longest gap ${String(readOwn.longestGapMs)} ms\n`,
    );
    expect(wrote.failed, 'writes through NHSA').to.deep.equal([]);
    expect(readOther.failed, "reads through Sichuan's gateway").to.deep.equal([]);
    expect(wrote.ok).to.be.greaterThan(5);
    expect(readOther.ok).to.be.greaterThan(20);
    // Guangdong's only peer was down for its restart: its own clients saw a gap, and it ended
    expect(readOwn.ok).to.be.greaterThan(0);
    expect(readOwn.longestGapMs).to.be.lessThan(120_000);

    // status: every renewed certificate with its new notAfter, and the restarted nodes serve it
    const after = (await statusJson(['--org', 'guangdong'])).status;
    for (const renewed of result.renewed) {
      const kind = renewed.kind;
      const row = after.certificates.find((c) => c.owner === renewed.owner && c.kind === kind);
      const old = before.certificates.find((c) => c.owner === renewed.owner && c.kind === kind);
      expect(row?.serial, `${renewed.owner} ${kind}`).to.equal(renewed.serial);
      expect(row?.serial).to.not.equal(old?.serial);
      expect(row?.notAfter).to.equal(renewed.after);
      expect(new Date(renewed.after).getTime()).to.be.at.least(new Date(old?.notAfter ?? 0).getTime());
      if (kind === 'tls')
        expect(row?.served?.serial, `${renewed.owner} serves the renewed certificate`).to.equal(
          renewed.serial,
        );
    }
    expect(after.warnings).to.deep.equal([]);

    // the renewed identities work (with their catalog.role), on a new connection, endorsed by Guangdong's restarted peer
    const renewedAdmin = CatalogClient.connect({ as: 'guangdong/admin', walletDir: WALLET_DIR });
    try {
      const who = JSON.parse(
        Buffer.from(await renewedAdmin.connection.contract.evaluateTransaction('System:WhoAmI')).toString(
          'utf8',
        ),
      ) as Record<string, unknown>;
      expect(who).to.deep.include({ mspId: 'GuangdongMSP', role: 'admin' });
      const proposal = renewedAdmin.connection.contract.newProposal('System:Ping', {
        arguments: ['renewal: the renewed admin, endorsed by Guangdong and NHSA'],
        endorsingOrganizations: ['GuangdongMSP', 'NHSAMSP'],
      });
      const status = await (await (await proposal.endorse()).submit()).getStatus();
      expect(status.code).to.equal(peer.TxValidationCode.VALID);
    } finally {
      renewedAdmin.close();
    }
    // Guangdong's orderer, with its renewed TLS certificate (same key), is a Raft member still: it keeps up
    const height = await peerHeight(nhsa);
    const deadline = Date.now() + 60_000;
    let ordererAt = await ordererHeight('guangdong');
    while (ordererAt < height && Date.now() < deadline) {
      await sleep(500);
      ordererAt = await ordererHeight('guangdong');
    }
    expect(ordererAt, 'orderer0.guangdong keeps up with the channel').to.be.at.least(height);
  });
});
