import { expect } from 'chai';
import { peer } from '@hyperledger/fabric-protos';
import {
  type CoverageResult,
  GOVERNANCE_KEY,
  HEAD_KEY,
  KEY_TYPES as T,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { buildChaincodePackage, type ChaincodePackage } from '../../network/src/chaincode-package';
import { findFabric, type FabricInstall } from '../../network/src/fabric-home';
import { approveForOrg, installPackageOn, queryCommitted } from '../../network/src/lifecycle';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { networkPaths, type NetworkPaths } from '../../network/src/paths';
import { findOrg, loadTopology, type OrgSpec, type Topology } from '../../network/src/topology';
import { CatalogClient, membersFromTopology, reviewedOf } from '../../gateway-client/src';
import { channelBlock } from '../../network/src/channel';
import { deploymentsFile } from '../../network/src/deployments';
import { networkAddChannel } from '../../network/src/network';
import { StepReporter } from '../../network/src/progress';
import { runCatalog } from './support/cli';
import {
  clientAs,
  closeClients,
  drugItem,
  ensureCatalog,
  idOf,
  review,
  uniqueName,
  upserts,
} from './support/catalog';
import { buildRoguePackage } from './support/rogue';
import { WALLET_DIR } from './support/network';

/** Every key type the chaincode defines (from the key module, so a new type cannot be missed), plus the System contract's ping. */
const KEY_TYPES: readonly string[] = [...Object.values(T), 'ping'];
const SIMPLE_KEYS: readonly string[] = [HEAD_KEY, GOVERNANCE_KEY];

function compositeKey(type: string, ...attrs: string[]): string {
  return `\u0000${type}\u0000${attrs.map((a) => `${a}\u0000`).join('')}`;
}

interface Attempt {
  readonly what: string;
  readonly key: string;
}

/** Submits a raw rogue write endorsed by exactly `orgs` and returns its validation code. */
async function rogueWrite(client: CatalogClient, orgs: readonly string[], key: string): Promise<number> {
  const proposal = client.connection.contract.newProposal('Rogue:Write', {
    arguments: [key, Buffer.from(JSON.stringify({ forged: true, at: Date.now() })).toString('base64')],
    endorsingOrganizations: [...orgs],
  });
  const transaction = await proposal.endorse();
  const commit = await transaction.submit();
  return (await commit.getStatus()).code;
}

/** Keys of a type as the rogue peer lists them (evaluated on that organisation's peer only). */
async function firstKey(client: CatalogClient, mspId: string, type: string): Promise<string> {
  const result = await client.connection.contract
    .newProposal('Rogue:FirstKey', {
      arguments: [type],
      endorsingOrganizations: [mspId],
    })
    .evaluate();
  return Buffer.from(result).toString('utf8');
}

/** What readers see: the head version with its digest and coverage answers for a sample of items. */
async function readerView(): Promise<unknown> {
  const hospital = clientAs('sichuan/hospital1');
  const head: Version = await hospital.getVersion({});
  const page = await hospital.searchItems({ pageSize: 20 });
  const coverage: CoverageResult[] = [];
  for (const item of page.records) {
    for (const [as, province] of [
      ['sichuan/hospital1', 'Sichuan'],
      ['guangdong/hospital1', 'Guangdong'],
      ['shaanxi/hospital1', 'Shaanxi'],
    ] as const) {
      coverage.push(await clientAs(as).checkCoverage({ province, itemId: item.itemId, date: '2025-06-01' }));
    }
  }
  return { digest: head.digest, version: head.version, versionHash: head.versionHash, coverage };
}

describe('real network: trust — one organisation running a rogue chaincode package', function () {
  let fabric: FabricInstall;
  let topology: Topology;
  let paths: NetworkPaths;
  let honest: ChaincodePackage;
  let rogue: ChaincodePackage;
  let sequence: number;

  before(async function () {
    await ensureCatalog();
    fabric = await findFabric();
    topology = loadTopology();
    paths = networkPaths();
    // make sure every key type exists, written by other organisations' transactions
    const shaanxi = clientAs('shaanxi/proposer');
    const item = drugItem(uniqueName('信任测试药'));
    const national = await clientAs('nhsa/proposer').createProposal({
      scope: 'national',
      title: uniqueName('trust fixture'),
      rationale: 'keys of every type for the rogue-package test',
      effectiveFrom: '2025-01-01',
    });
    const pid = national.value.id;
    await clientAs('nhsa/proposer').addChunk({ proposalId: pid, chunkIndex: 0, changes: upserts(item) });
    await clientAs('nhsa/proposer').openProposal({ proposalId: pid });
    const reviewed = await review(pid);
    for (const as of ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'])
      await clientAs(as).approveProposal(reviewed);
    await clientAs('nhsa/proposer').applyChunk({ proposalId: pid, chunkIndex: 0 });
    await clientAs('nhsa/proposer').sealVersion({ proposalId: pid });
    const overlay = await shaanxi.createProposal({
      scope: 'provincial',
      province: 'Shaanxi',
      title: uniqueName('trust overlay'),
      rationale: 'an overlay owned by Shaanxi',
      effectiveFrom: '2025-01-01',
    });
    await shaanxi.addChunk({
      proposalId: overlay.value.id,
      chunkIndex: 0,
      changes: [
        { op: 'setOverlay', overlay: { itemId: idOf(item), province: 'Shaanxi', selfPayRatio: 0.3 } },
      ],
    });
    await shaanxi.openProposal({ proposalId: overlay.value.id });
    await clientAs('shaanxi/approver').approveProposal(await review(overlay.value.id));
    await shaanxi.applyChunk({ proposalId: overlay.value.id, chunkIndex: 0 });
    await shaanxi.sealVersion({ proposalId: overlay.value.id });
    await clientAs('sichuan/admin').connection.contract.submitTransaction('System:Ping', 'trust fixture');

    honest = buildChaincodePackage(paths, topology.chaincode.name);
    rogue = buildRoguePackage(honest, paths.chaincodeDir);
    const committed = await queryCommitted(fabric, topology, findOrg(topology, 'nhsa'), paths);
    if (committed === null) throw new Error('the catalog chaincode is not committed');
    sequence = committed.sequence;
  });

  after(function () {
    closeClients();
  });

  for (const rogueName of ['guangdong', 'nhsa'] as const) {
    it(`${rogueName}: every overwrite and every new key of every type, endorsed by its own peer alone, is ENDORSEMENT_POLICY_FAILURE; readers see no change`, async function () {
      this.timeout(600_000);
      const org: OrgSpec = findOrg(topology, rogueName);
      await installPackageOn(fabric, topology, paths, org, rogue);
      await approveForOrg(fabric, topology, paths, org, rogue, sequence);
      try {
        const client = clientAs(`${rogueName}/admin`);
        // the organisation's peer now runs the rogue package (it has the Rogue contract)
        let ready = false;
        for (let attempt = 0; attempt < 60 && !ready; attempt += 1) {
          try {
            await firstKey(client, org.mspId, T.item);
            ready = true;
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }
        expect(ready, `${org.mspId}'s peer runs the rogue package`).to.equal(true);
        const before = await readerView();
        const attempts: Attempt[] = [];
        for (const type of KEY_TYPES) {
          const existing = await firstKey(client, org.mspId, type);
          expect(existing, `a ${type} key exists on the ledger`).to.not.equal('');
          attempts.push({ what: `overwrite ${type}`, key: existing });
          attempts.push({
            what: `create ${type}`,
            key: compositeKey(type, `rogue-${process.pid}-${Date.now()}`),
          });
        }
        for (const key of SIMPLE_KEYS) attempts.push({ what: `overwrite ${key}`, key });
        attempts.push({ what: 'create a simple key', key: `rogue.${process.pid}.${Date.now()}` });
        const codes = await Promise.all(attempts.map((a) => rogueWrite(client, [org.mspId], a.key)));
        const outcome = attempts.map((a, i) => `${a.what}: ${String(codes[i])}`);
        expect(
          codes.every((code) => code === peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE),
          outcome.join('\n'),
        ).to.equal(true);
        expect(attempts.length).to.equal(KEY_TYPES.length * 2 + SIMPLE_KEYS.length + 1);
        expect(await readerView()).to.deep.equal(before);
      } finally {
        await approveForOrg(fabric, topology, paths, org, honest, sequence);
      }
    });
  }
});

describe('real network: trust — two colluding organisations on a throwaway channel', function () {
  // A forged VALID transaction would make every later verify of the main channel fail, so this
  // test makes its own channel on the same orderers and peers, used by nothing else.
  const channel = `trustlab${Date.now().toString(36)}`;
  const opened: CatalogClient[] = [];
  const on = (as: string): CatalogClient => {
    const client = CatalogClient.connect({ as, channel, walletDir: WALLET_DIR });
    opened.push(client);
    return client;
  };
  let tmp: string;

  after(function () {
    for (const client of opened) client.close();
    closeClients();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('NHSA and Guangdong running the rogue package forge a national write the policies accept; audit verify exits 1 naming block, transaction and key', async function () {
    this.timeout(900_000);
    await ensureCatalog();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'trustlab-'));
    const fabric = await findFabric();
    const main = loadTopology();
    const paths = networkPaths();
    const { topology, sequence } = await networkAddChannel(channel, {
      reporter: new StepReporter(2, () => undefined),
    });

    // an honest national version on the throwaway channel
    await on('nhsa/admin').initGovernance(membersFromTopology(main));
    const item = drugItem(uniqueName('共谋测试药'));
    const proposer = on('nhsa/proposer');
    const created = await proposer.createProposal({
      scope: 'national',
      title: 'honest version',
      rationale: 'before the collusion',
      effectiveFrom: '2025-01-01',
    });
    const pid = created.value.id;
    await proposer.addChunk({ proposalId: pid, chunkIndex: 0, changes: upserts(item) });
    const open = await proposer.openProposal({ proposalId: pid });
    for (const as of ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'])
      await on(as).approveProposal({ proposalId: pid, ...reviewedOf(open.value) });
    await proposer.applyChunk({ proposalId: pid, chunkIndex: 0 });
    await proposer.sealVersion({ proposalId: pid });

    // NHSA and Guangdong switch their peers to the rogue package for this channel
    const honest = buildChaincodePackage(paths, topology.chaincode.name);
    const rogue = buildRoguePackage(honest, paths.chaincodeDir);
    for (const name of ['nhsa', 'guangdong']) {
      const org = findOrg(topology, name);
      await installPackageOn(fabric, topology, paths, org, rogue);
      await approveForOrg(fabric, topology, paths, org, rogue, sequence);
    }
    const rogueClient = on('guangdong/admin');
    for (const msp of ['NHSAMSP', 'GuangdongMSP']) {
      let ready = false;
      for (let attempt = 0; attempt < 60 && !ready; attempt += 1) {
        try {
          await firstKey(rogueClient, msp, T.item);
          ready = true;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
      expect(ready, `${msp} runs the rogue package on ${channel}`).to.equal(true);
    }
    // the forgery: the national item index rewritten, endorsed by NHSA + Guangdong (its key-level
    // policy, NHSA AND one province, is satisfied) — the peers mark it VALID
    const itemKey = compositeKey(T.item, idOf(item));
    const forged = rogueClient.connection.contract.newProposal('Rogue:Write', {
      arguments: [itemKey, Buffer.from(JSON.stringify({ forged: true })).toString('base64')],
      endorsingOrganizations: ['NHSAMSP', 'GuangdongMSP'],
    });
    const endorsed = await forged.endorse();
    const status = await (await endorsed.submit()).getStatus();
    expect(status.code, 'the colluding endorsement satisfies the policies').to.equal(
      peer.TxValidationCode.VALID,
    );

    // the auditors replay the throwaway channel from its genesis block and verify
    const env = { CATALOG_CHANNEL: channel };
    const genesis = await runCatalog(['audit', 'genesis-hash', channelBlock(topology, paths)], env);
    expect(genesis.code, genesis.stderr).to.equal(0);
    const store = path.join(tmp, 'trustlab.sqlite');
    const replay = await runCatalog(
      ['audit', 'replay', '--store', store, '--trust', genesis.stdout.trim()],
      env,
    );
    expect(replay.code, replay.stderr).to.equal(0);
    const verify = await runCatalog(
      ['audit', 'verify', '--store', store, '--deployments', deploymentsFile(paths)],
      env,
    );
    expect(verify.code, verify.stdout + verify.stderr).to.equal(1);
    const report = verify.stdout + verify.stderr;
    expect(report).to.match(
      new RegExp(
        `REEXECUTION: block ${String(status.blockNumber)}, tx \\d+, id ${forged.getTransactionId()}`,
      ),
    );
    expect(report).to.contain('creator GuangdongMSP');
    expect(report).to.match(/endorsed by (NHSAMSP\+GuangdongMSP|GuangdongMSP\+NHSAMSP)/);
    expect(report).to.contain(`key ${JSON.stringify(itemKey)}`);
    process.stderr.write(
      `      ${report.split('\n').find((line) => line.startsWith('REEXECUTION')) ?? ''}\n`,
    );
  });
});
