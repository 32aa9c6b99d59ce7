/**
 * The read workloads and the two floors, one class per operation. Each file Caliper loads
 * (bench/src/workloads/<name>.ts) re-exports one of these through `createWorkloadModule`.
 *
 * - `floor-evaluate`: `System:GetPing`, one GetState and nothing else (the evaluate floor).
 * - `floor-submit`: `System:Ping` with a message the size of a catalog item record: one PutState
 *   (plus its key-level policy) endorsed by two organisations and committed (the submit floor).
 * - `coverage`, `coverage-batch` (size lines), `claim` (a patient's claim of size lines, drugs and
 *   Shaanxi services, as `catalog claim` sends it), `get-item` (as of a date), `search` (a name
 *   search on chain), `list-versions`.
 * - lookups: `search-exact` (SearchItems by exact name), `search-prefix` (by a two-character name
 *   prefix), `coverage-name` (CheckCoverage of a drug by its name), `coverage-code` (of a Shaanxi
 *   service or material by its code), `coverage-provincial` (CheckCoverage of the same Shaanxi items by
 *   id, through the same peer: what `coverage-code` is rated against).
 */
import { Workload } from './base';

const HOSPITAL = 'guangdong/hospital1';

/** One GetState evaluate. */
export class FloorEvaluate extends Workload {
  public async submitTransaction(): Promise<void> {
    const { mspId, txId } = this.fixtures.ping;
    await this.send(HOSPITAL, 'System:GetPing', [mspId, txId], true);
  }
}

/** One PutState submit of an item record's size. */
export class FloorSubmit extends Workload {
  private message = '';

  protected override prepare(): Promise<void> {
    // Ping stores its record as canonical JSON with caller fields around the message: the message
    // makes up the difference to an item record.
    this.message = 'x'.repeat(Math.max(1, Math.min(this.fixtures.itemRecordBytes - 300, 4096)));
    return Promise.resolve();
  }

  public async submitTransaction(): Promise<void> {
    this.counter += 1;
    await this.send('nhsa/admin', 'System:Ping', [this.message], false);
  }
}

function coverageLine(province: string, itemId: string, date: string): Record<string, unknown> {
  return { province, itemId, date };
}

/** One CheckCoverage of a national drug in Guangdong. */
export class Coverage extends Workload {
  public async submitTransaction(): Promise<void> {
    const itemId = this.pick(this.fixtures.drugIds, this.workerIndex * 7919 + this.counter++);
    const line = coverageLine('Guangdong', itemId, this.fixtures.date);
    await this.send(HOSPITAL, 'Catalog:CheckCoverage', [JSON.stringify(line)], true);
  }
}

/** One CheckCoverageBatch of `size` lines (default 50). */
export class CoverageBatch extends Workload {
  public async submitTransaction(): Promise<void> {
    const size = this.args.size ?? 50;
    const lines = Array.from({ length: size }, () =>
      coverageLine(
        'Guangdong',
        this.pick(this.fixtures.drugIds, this.workerIndex * 7919 + this.counter++),
        this.fixtures.date,
      ),
    );
    await this.send(HOSPITAL, 'Catalog:CheckCoverageBatch', [JSON.stringify({ lines })], true);
  }
}

/** A patient's whole claim in Shaanxi: drugs and provincial service items, one batch. */
export class Claim extends Workload {
  public async submitTransaction(): Promise<void> {
    const size = this.args.size ?? 12;
    const patient = {
      age: 30 + (this.counter % 50),
      sex: this.counter % 2 === 0 ? 'female' : 'male',
      visitType: 'inpatient',
    };
    const lines = Array.from({ length: size }, (_, index) => {
      const n = this.workerIndex * 7919 + this.counter++;
      const itemId =
        index % 3 === 2 ? this.pick(this.fixtures.provincialIds, n) : this.pick(this.fixtures.drugIds, n);
      return { ...coverageLine('Shaanxi', itemId, this.fixtures.date), patient };
    });
    await this.send('shaanxi/hospital1', 'Catalog:CheckCoverageBatch', [JSON.stringify({ lines })], true);
  }
}

/** GetItem as of a date. */
export class GetItem extends Workload {
  public async submitTransaction(): Promise<void> {
    const itemId = this.pick(this.fixtures.drugIds, this.workerIndex * 7919 + this.counter++);
    const input = { itemId, date: this.fixtures.date, province: 'Guangdong' };
    await this.send(HOSPITAL, 'Catalog:GetItem', [JSON.stringify(input)], true);
  }
}

/** A name search on chain (the first page). */
export class Search extends Workload {
  public async submitTransaction(): Promise<void> {
    const name = this.pick(this.fixtures.names, this.workerIndex * 7919 + this.counter++);
    const input = { name, pageSize: 20 };
    await this.send(HOSPITAL, 'Catalog:SearchItems', [JSON.stringify(input)], true);
  }
}

/** The first page of sealed versions. */
export class ListVersions extends Workload {
  public async submitTransaction(): Promise<void> {
    await this.send(HOSPITAL, 'Catalog:ListVersions', [JSON.stringify({ pageSize: 20 })], true);
  }
}

/** SearchItems by exact name (lookup keys, one range). */
export class SearchExact extends Workload {
  public async submitTransaction(): Promise<void> {
    const name = this.pick(this.fixtures.names, this.workerIndex * 7919 + this.counter++);
    await this.send(
      HOSPITAL,
      'Catalog:SearchItems',
      [JSON.stringify({ exactName: name, pageSize: 20 })],
      true,
    );
  }
}

/** SearchItems by a two-character name prefix (a full first page of 20). */
export class SearchPrefix extends Workload {
  public async submitTransaction(): Promise<void> {
    const name = this.pick(this.fixtures.names, this.workerIndex * 7919 + this.counter++);
    const input = { namePrefix: Array.from(name).slice(0, 2).join(''), pageSize: 20 };
    await this.send(HOSPITAL, 'Catalog:SearchItems', [JSON.stringify(input)], true);
  }
}

/** CheckCoverage of a national drug in Guangdong, named by its generic name (resolved on chain). */
export class CoverageByName extends Workload {
  public async submitTransaction(): Promise<void> {
    const name = this.pick(this.fixtures.names, this.workerIndex * 7919 + this.counter++);
    const line = { province: 'Guangdong', name, date: this.fixtures.date };
    await this.send(HOSPITAL, 'Catalog:CheckCoverage', [JSON.stringify(line)], true);
  }
}

/** The official code of a Shaanxi service or material id (`S-SN-<code>`, `--<n>` suffix dropped). */
export function codeOfProvincialId(itemId: string): string {
  return itemId.slice(5).replace(/--\d+$/u, '');
}

/** CheckCoverage of a Shaanxi service or material, named by its official code (resolved on chain). */
export class CoverageByCode extends Workload {
  public async submitTransaction(): Promise<void> {
    const itemId = this.pick(this.fixtures.provincialIds, this.workerIndex * 7919 + this.counter++);
    const line = { province: 'Shaanxi', code: codeOfProvincialId(itemId), date: this.fixtures.date };
    await this.send('shaanxi/hospital1', 'Catalog:CheckCoverage', [JSON.stringify(line)], true);
  }
}

/**
 * CheckCoverage of the same Shaanxi items as {@link CoverageByCode}, in the same order and through the
 * same hospital's peer, named by id: the like-for-like baseline of coverage by code (`coverage` asks
 * Guangdong's peer about national drugs).
 */
export class CoverageProvincial extends Workload {
  public async submitTransaction(): Promise<void> {
    const itemId = this.pick(this.fixtures.provincialIds, this.workerIndex * 7919 + this.counter++);
    const line = { province: 'Shaanxi', itemId, date: this.fixtures.date };
    await this.send('shaanxi/hospital1', 'Catalog:CheckCoverage', [JSON.stringify(line)], true);
  }
}
