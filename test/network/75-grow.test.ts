/**
 * Growing the network: a fourth province (Hubei) is added to a running channel holding part of
 * the catalog — its CA, identities and peer; a channel configuration update signed by a majority
 * of the members' admins; the chaincode definition's next sequence naming it, approved again by
 * every organisation; then the on-chain governance proposal that makes it a member. Adding an
 * organisation changes a channel for good, so this runs on a channel of its own (made by the test,
 * on the same orderers and peers), and it runs last: Hubei's CA and peer are stopped at the end
 * and the configuration folder written back for the topology in `network/topology.json`.
 */
import { expect } from 'chai';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Governance, ItemInput, Proposal } from '@nrdl-catalog/chaincode/model';
import {
  CatalogClient,
  CatalogClientError,
  membersFromTopology,
  openConnection,
  reviewedOf,
} from '../../gateway-client/src';
import { readImportList } from '../../gateway-client/src/import';
import {
  addOrgsToChannel,
  applicationOrgs,
  channelConfig,
  ChannelUpdateError,
} from '../../network/src/channel-members';
import { channelBlock } from '../../network/src/channel';
import { writeConfigFolder } from '../../network/src/config-files';
import { writeConnectionProfiles } from '../../network/src/connection-profile';
import { deploymentsFile } from '../../network/src/deployments';
import { findFabric } from '../../network/src/fabric-home';
import { queryCommitted } from '../../network/src/lifecycle';
import { networkAddChannel, networkUp } from '../../network/src/network';
import { networkPaths, orgPaths } from '../../network/src/paths';
import { stopProcess } from '../../network/src/processes';
import { StepReporter } from '../../network/src/progress';
import {
  caName,
  findOrg,
  loadTopology,
  nextHost,
  peerName,
  type OrgSpec,
  type Topology,
} from '../../network/src/topology';
import { ensureCatalog, idOf, upserts } from './support/catalog';
import { runCatalog } from './support/cli';
import { WALLET_DIR } from './support/network';

/** The auditors' block of the port plan: Hubei takes the ports 30 above it (free in the plan). */
const AUDIT = loadTopology().orgs.find((org) => org.kind === 'auditor');
const BASE = AUDIT?.peer.port ?? 21451;

const HUBEI: OrgSpec = {
  name: 'hubei',
  mspId: 'HubeiMSP',
  displayName: 'Hubei Healthcare Security Administration',
  kind: 'province',
  province: 'Hubei',
  code: 'HB',
  division: '420000',
  zh: '湖北省',
  zhShort: '湖北',
  abbr: '鄂',
  host: nextHost(loadTopology().orgs.map((org) => org.host)),
  ca: { port: BASE + 33, operationsPort: BASE + 34 },
  peer: { port: BASE + 30, chaincodePort: BASE + 31, operationsPort: BASE + 32 },
  identities: [
    { name: 'admin', role: 'admin' },
    { name: 'proposer', role: 'proposer' },
    { name: 'approver', role: 'approver' },
    { name: 'hospital1', role: 'hospital' },
  ],
  // its peer joins from a snapshot of Guangdong's, checked against the auditors' at the same block
  joinFrom: 'guangdong',
};

/** Retries `fn` while it fails (a peer catching up, discovery learning of a new peer). */
async function eventually<T>(fn: () => Promise<T>, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function refusal(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof CatalogClientError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal, but the call succeeded');
}

describe('real network: growing the network — a fourth province joins a running channel', function () {
  const channel = `grow${Date.now().toString(36)}`;
  const main = loadTopology();
  const paths = networkPaths();
  const opened: CatalogClient[] = [];
  const on = (as: string): CatalogClient => {
    const client = CatalogClient.connect({ as, channel, walletDir: WALLET_DIR });
    opened.push(client);
    return client;
  };
  const policy = main.chaincode.endorsementPolicy.replace(/\)\s*$/, ",'HubeiMSP.peer')");
  const grown: Topology = {
    ...main,
    channel: { ...main.channel, name: channel },
    chaincode: { ...main.chaincode, endorsementPolicy: policy },
    orgs: [...main.orgs, HUBEI],
  };
  let items: ItemInput[] = [];
  let tmp = '';

  after(async function () {
    this.timeout(120_000);
    for (const client of opened) client.close();
    for (const name of [peerName(HUBEI), caName(HUBEI)]) await stopProcess(paths.pidDir, name);
    writeConfigFolder(await findFabric(), main, paths);
    writeConnectionProfiles(main, paths);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A national proposal of `changes`, opened; returns it. */
  async function nationalOpen(title: string, changes: ReturnType<typeof upserts>): Promise<Proposal> {
    const proposer = on('nhsa/proposer');
    const created = await proposer.createProposal({
      scope: 'national',
      title,
      rationale: 'growing the network',
      effectiveFrom: '2025-01-01',
    });
    await proposer.addChunk({ proposalId: created.value.id, chunkIndex: 0, changes });
    return (await proposer.openProposal({ proposalId: created.value.id })).value;
  }

  async function governanceChange(
    governance: Record<string, unknown>,
    voters: readonly string[],
  ): Promise<Governance> {
    const proposer = on('nhsa/proposer');
    const created = await proposer.createProposal({
      scope: 'governance',
      title: 'membership',
      rationale: 'growing the network',
      effectiveFrom: '2025-01-01',
      governance,
    });
    const open = await proposer.openProposal({ proposalId: created.value.id });
    for (const as of voters)
      await on(as).approveProposal({ proposalId: open.value.id, ...reviewedOf(open.value) });
    return (await proposer.applyGovernanceProposal({ proposalId: open.value.id })).value;
  }

  it('makes a channel of the five organisations holding part of the catalog (40 NRDL rows, one sealed version)', async function () {
    this.timeout(900_000);
    await ensureCatalog();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'grow-'));
    await networkAddChannel(channel, { reporter: new StepReporter(2, () => undefined) });
    await on('nhsa/admin').initGovernance(membersFromTopology(main));
    items = readImportList({
      list: 'nrdl',
      file: path.resolve(__dirname, '../../data/nrdl-2024-drugs.csv'),
    }).items.slice(0, 40);
    const open = await nationalOpen('NRDL 2024, first 40 rows', upserts(...items));
    for (const as of ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'])
      await on(as).approveProposal({ proposalId: open.id, ...reviewedOf(open) });
    await on('nhsa/proposer').applyChunk({ proposalId: open.id, chunkIndex: 0 });
    const sealed = await on('nhsa/proposer').sealVersion({ proposalId: open.id });
    expect(sealed.value.version).to.equal(1);
  });

  it('adds Hubei with network:up on the grown topology: a refused signature changes nothing; then its CA, peer, the channel update and the next chaincode sequence', async function () {
    this.timeout(900_000);
    const fabric = await findFabric();
    const before = await queryCommitted(fabric, grown, findOrg(main, 'nhsa'), paths);
    // one signature where MAJORITY Admins needs 3 of 5: the orderers refuse, the channel is as it was.
    // (An organisation of our own making, with Guangdong's MSP folder, is enough to be refused.)
    const stranger: OrgSpec = { ...HUBEI, name: 'stranger', mspId: 'StrangerMSP' };
    cpSync(orgPaths(paths, findOrg(main, 'guangdong')).orgMsp, orgPaths(paths, stranger).orgMsp, {
      recursive: true,
    });
    const withStranger: Topology = { ...grown, orgs: [...main.orgs, stranger] };
    const error = await addOrgsToChannel(fabric, withStranger, paths, () => undefined, {
      signers: [findOrg(main, 'nhsa')],
    }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(ChannelUpdateError);
    expect((error as Error).message).to.include('needs 3 of 5');
    rmSync(path.dirname(orgPaths(paths, stranger).orgMsp), { recursive: true, force: true });
    const unchanged = await channelConfig(fabric, grown, paths, findOrg(main, 'nhsa'), tmp);
    expect(applicationOrgs(unchanged)).to.deep.equal(main.orgs.map((o) => o.mspId).sort());

    const lines: string[] = [];
    const started = Date.now();
    await networkUp({ topology: grown, reporter: new StepReporter(8, (line) => lines.push(line)) });
    const seconds = (Date.now() - started) / 1000;
    const after = await queryCommitted(fabric, grown, findOrg(main, 'nhsa'), paths);
    expect(lines.join('\n')).to.match(
      /HubeiMSP added to channel grow\w+ \(signed by NHSAMSP, GuangdongMSP, SichuanMSP\)/,
    );
    const joined = new RegExp(
      `peer0\\.hubei joined ${channel} from peer0\\.guangdong's snapshot at block (\\d+) \\(the same at peer0\\.audit\\)`,
    ).exec(lines.join('\n'));
    expect(joined, lines.join('\n')).to.not.equal(null);
    const snapshotBlock = Number(joined?.[1]);
    expect(snapshotBlock).to.be.greaterThan(1);
    // its ledger starts at the snapshot: the blocks before it were never replayed on Hubei's peer
    const hubeiAdmin = openConnection({ as: 'hubei/admin', channel, walletDir: WALLET_DIR });
    try {
      const qscc = hubeiAdmin.network.getContract('qscc');
      const early = await qscc.evaluateTransaction('GetBlockByNumber', channel, '1').then(
        () => 'block 1 found',
        (caught: unknown) =>
          String((caught as { details?: { message: string }[] }).details?.[0]?.message ?? caught),
      );
      expect(early).to.not.equal('block 1 found');
      await eventually(
        () => qscc.evaluateTransaction('GetBlockByNumber', channel, String(snapshotBlock + 1)),
        'Hubei fetching the blocks after its snapshot',
        60_000,
      );
    } finally {
      hubeiAdmin.close();
    }
    expect(after?.sequence).to.equal((before?.sequence ?? 0) + 1);
    expect(after?.endorsers).to.include('HubeiMSP');
    const config = await channelConfig(fabric, grown, paths, findOrg(main, 'nhsa'), tmp);
    expect(applicationOrgs(config)).to.include('HubeiMSP');
    console.log(
      `      Hubei added in ${seconds.toFixed(0)} s (CA, identities, peer, channel update, chaincode sequence ${String(after?.sequence)}); its peer joined from Guangdong's snapshot at block ${String(snapshotBlock)}`,
    );
    // idempotent: run again, nothing changes
    await networkUp({ topology: grown, reporter: new StepReporter(8, () => undefined) });
    expect((await queryCommitted(fabric, grown, findOrg(main, 'nhsa'), paths))?.sequence).to.equal(
      after?.sequence,
    );
  });

  it('Hubei reads the catalog at once, but may not vote until the membership proposal applies', async function () {
    this.timeout(600_000);
    const head = await eventually(() => on('hubei/hospital1').getVersion({}), "Hubei's peer catching up");
    expect(head.version).to.equal(1);
    const open = await nationalOpen(
      'a remark, before Hubei is a member',
      upserts({ ...items[0]!, remark: '限成人' }),
    );
    expect(
      await refusal(() => on('hubei/approver').approveProposal({ proposalId: open.id, ...reviewedOf(open) })),
    ).to.equal('FORBIDDEN_ORG');
    expect(
      await refusal(() =>
        on('hubei/hospital1').checkCoverage({
          province: '湖北',
          itemId: idOf(items[0]!),
          date: '2025-06-01',
        }),
      ),
    ).to.equal('UNKNOWN_PROVINCE');
    await on('nhsa/proposer').withdrawProposal({ proposalId: open.id });
  });

  it('after the governance proposal a national change needs 3 of 4 provinces and passes with Hubei’s vote; its hospitals get coverage answers', async function () {
    this.timeout(600_000);
    const member = membersFromTopology(grown).provinces.find((p) => p.name === 'Hubei');
    const g = await governanceChange({ addProvinces: [member] }, [
      'nhsa/approver',
      'guangdong/approver',
      'sichuan/approver',
    ]);
    expect(g.provinces.map((p) => p.name)).to.include('Hubei');
    const open = await nationalOpen(
      'a remark, with Hubei a member',
      upserts({ ...items[1]!, remark: '限儿童' }),
    );
    let tally = null as null | { provincesNeeded: number; met: boolean };
    for (const as of ['nhsa/approver', 'guangdong/approver', 'sichuan/approver']) {
      tally = (await on(as).approveProposal({ proposalId: open.id, ...reviewedOf(open) })).value.tally;
    }
    expect(tally).to.include({ provincesNeeded: 3, met: false });
    const last = await eventually(
      () => on('hubei/approver').approveProposal({ proposalId: open.id, ...reviewedOf(open) }),
      "Hubei's vote",
    );
    expect(last.value.tally.met).to.equal(true);
    await on('nhsa/proposer').applyChunk({ proposalId: open.id, chunkIndex: 0 });
    expect((await on('nhsa/proposer').sealVersion({ proposalId: open.id })).value.version).to.equal(2);
    const coverage = await eventually(
      () =>
        on('hubei/hospital1').checkCoverage({
          province: '湖北',
          itemId: idOf(items[1]!),
          date: '2025-06-01',
        }),
      'coverage in Hubei',
    );
    expect(coverage.province).to.equal('Hubei');
    expect(coverage.catalogVersion).to.equal(2);
  });

  it('suspending Hubei by governance refuses its votes (MEMBER_SUSPENDED) and leaves its data readable', async function () {
    this.timeout(600_000);
    const g = await governanceChange({ suspendProvinces: ['Hubei'] }, [
      'nhsa/approver',
      'guangdong/approver',
      'sichuan/approver',
      'shaanxi/approver',
    ]);
    expect(g.suspended).to.deep.equal(['HubeiMSP']);
    const open = await nationalOpen('a remark, Hubei suspended', upserts({ ...items[2]!, remark: '限住院' }));
    expect(
      await refusal(() => on('hubei/approver').approveProposal({ proposalId: open.id, ...reviewedOf(open) })),
    ).to.equal('MEMBER_SUSPENDED');
    const coverage = await on('hubei/hospital1').checkCoverage({
      province: 'Hubei',
      itemId: idOf(items[1]!),
      date: '2025-06-01',
    });
    expect(coverage.catalogVersion).to.equal(2);
    await on('nhsa/proposer').withdrawProposal({ proposalId: open.id });
  });

  it('the auditors replay the channel from its genesis block and verify it across the configuration change', async function () {
    this.timeout(900_000);
    const env = { CATALOG_CHANNEL: channel };
    const genesis = await runCatalog(['audit', 'genesis-hash', channelBlock(grown, paths)], env);
    expect(genesis.code, genesis.stderr).to.equal(0);
    const store = path.join(tmp, 'grow.sqlite');
    const replay = await runCatalog(
      ['audit', 'replay', '--store', store, '--trust', genesis.stdout.trim()],
      env,
    );
    expect(replay.code, replay.stderr).to.equal(0);
    const verify = await runCatalog(
      ['audit', 'verify', '--store', store, '--deployments', deploymentsFile(paths)],
      env,
    );
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
  });
});
