/**
 * The proposal lifecycle, one national proposal per transaction of the round: create → one chunk
 * (an update of one real item) → open → votes of NHSA, Guangdong and Sichuan (the national rule:
 * NHSA plus a majority of the provinces) → apply → seal, then a hospital reads the current version
 * until it is the new one. Every step goes through Caliper's connector (and is counted by it);
 * our own measures: `lifecycle` (create to sealed) and `vote-to-read` (the deciding vote committed
 * → the first hospital read that answers the new version).
 *
 * Caliper's connector endorses once: a step endorsed on another organisation's peer that has not yet
 * committed the block of the step before (the connector waits for the commit on its own gateway
 * peer only) is refused. The catalog's client library endorses such a refusal again after 0.5 s,
 * then 1 s (gateway-client `submitWithRetry`); the workload does the same for a refused submit step,
 * and the round counts these as retried, not failed. A step refused three times fails.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Workload } from './base';

interface Reviewed {
  readonly manifestHash: string;
  readonly baseVersion: number;
  readonly governanceVersion: number;
}

const APPROVERS = ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'] as const;

export class Lifecycle extends Workload {
  private async step(as: string, fn: string, input: unknown, readOnly = false): Promise<unknown> {
    const retries = readOnly ? 0 : 2;
    for (let attempt = 0; ; attempt += 1) {
      const { ok, text } = await this.send(as, fn, [JSON.stringify(input)], readOnly, attempt < retries);
      if (ok) return JSON.parse(text) as unknown;
      if (attempt >= retries) throw new Error(`${fn} as ${as} failed`);
      await sleep(500 * (attempt + 1));
    }
  }

  public async submitTransaction(): Promise<void> {
    const n = this.workerIndex * 1000 + this.counter++;
    const target = this.pick(this.fixtures.lifecycleItems, n);
    const started = performance.now();
    const created = (await this.step('nhsa/proposer', 'Proposal:CreateProposal', {
      scope: 'national',
      title: `bench lifecycle ${this.args.label} ${n}`,
      rationale: 'benchmark: one item updated through the whole proposal lifecycle',
      effectiveFrom: this.fixtures.date,
    })) as { id: string };
    const proposalId = created.id;
    const item = { ...target.item, remark: `benchmark revision ${this.args.label} ${n}` };
    await this.step('nhsa/proposer', 'Proposal:AddChunk', {
      proposalId,
      chunkIndex: 0,
      changes: [{ op: 'upsertItem', item }],
    });
    const opened = (await this.step('nhsa/proposer', 'Proposal:OpenProposal', { proposalId })) as Reviewed;
    const reviewed = {
      manifestHash: opened.manifestHash,
      baseVersion: opened.baseVersion,
      governanceVersion: opened.governanceVersion,
    };
    let decided = 0;
    for (const as of APPROVERS) {
      const vote = (await this.step(as, 'Proposal:ApproveProposal', { proposalId, ...reviewed })) as {
        proposal: { status: string };
      };
      if (vote.proposal.status === 'approved') {
        decided = performance.now();
        break;
      }
    }
    if (decided === 0) throw new Error(`proposal ${proposalId} not approved by ${APPROVERS.join(', ')}`);
    await this.step('nhsa/proposer', 'Proposal:ApplyChunk', { proposalId, chunkIndex: 0 });
    const sealed = (await this.step('nhsa/proposer', 'Proposal:SealVersion', { proposalId })) as {
      version: number;
    };
    this.measure('lifecycle', performance.now() - started);
    for (let tries = 0; tries < 200; tries += 1) {
      const current = (await this.step('guangdong/hospital1', 'Catalog:GetVersion', {}, true)) as {
        version: number;
      };
      if (current.version >= sealed.version) {
        this.measure('vote-to-read', performance.now() - decided);
        return;
      }
    }
    throw new Error(`version ${sealed.version} never read by a hospital`);
  }
}
