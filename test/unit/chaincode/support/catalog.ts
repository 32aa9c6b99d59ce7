/**
 * The full catalog on the in-memory peer, as the real network holds it after `npm start` imports
 * it: the 2024 NRDL (national), Shaanxi's medical service prices and special materials
 * (provincial), plus what a catalog grows later — a second national version that changes and
 * removes a few drugs, and Guangdong / Sichuan overlays (suspension, structured rules, local
 * restriction text). Loaded through the real contracts (proposal, votes, chunks, seal); built once
 * per process and shared by the coverage tests and `scripts/bench-coverage.ts`.
 */
import { resolve } from 'node:path';
import type { Change, CoverageInput, ItemInput } from '@nrdl-catalog/chaincode/model';
import { readImportList } from '../../../../gateway-client/src/import/run-import';
import { MEMBERS } from '../../support/members';
import type { Caller, Network } from './fabric-stub';
import { A, applyAndSeal, bootstrapped, draftAndOpen, nationalVersion, reviewed } from './fixtures';

/** What {@link loadCatalog} built, for choosing coverage lines. */
export interface LoadedCatalog {
  readonly net: Network;
  /** Ids of the NRDL drugs and herbal slices (national items). */
  readonly nationalIds: readonly string[];
  /** Ids of Shaanxi's services and materials. */
  readonly shaanxiIds: readonly string[];
  /** Drugs Guangdong suspended / restricted / annotated in its overlays. */
  readonly overlaid: { readonly suspended: string; readonly rules: string; readonly restriction: string };
  /** A drug the second national version removed. */
  readonly removed: string;
  /** A drug the second national version changed (agreement period, rules). */
  readonly changed: string;
  /** Items in the catalog. */
  readonly itemCount: number;
}

const CHUNK = 250;

function dataFile(name: string): string {
  return resolve(__dirname, '../../../../data', name);
}

function chunked(changes: readonly Change[]): Change[][] {
  const out: Change[][] = [];
  for (let i = 0; i < changes.length; i += CHUNK) out.push(changes.slice(i, i + CHUNK));
  return out;
}

async function provincial(
  net: Network,
  proposer: Caller,
  approver: Caller,
  province: string,
  changes: readonly Change[],
  effectiveFrom: string,
): Promise<void> {
  const chunks = chunked(changes);
  const id = await draftAndOpen(net, proposer, { scope: 'provincial', province }, chunks, effectiveFrom);
  await net.submit(approver, 'Proposal:ApproveProposal', await reviewed(net, id));
  await applyAndSeal(net, proposer, id, chunks.length);
}

function idOf(item: ItemInput): string {
  return item.id ?? '';
}

async function build(): Promise<LoadedCatalog> {
  const net = await bootstrapped();
  const nrdl = readImportList({ list: 'nrdl', file: dataFile('nrdl-2024-drugs.csv') }).items;
  const services = readImportList(
    {
      list: 'province-items',
      file: dataFile('shaanxi-2021-medical-service-prices.csv'),
      province: 'Shaanxi',
    },
    MEMBERS,
  ).items;
  const materials = readImportList(
    { list: 'province-items', file: dataFile('shaanxi-2021-special-materials.csv'), province: 'Shaanxi' },
    MEMBERS,
  ).items;
  await nationalVersion(net, chunked(nrdl.map((item) => ({ op: 'upsertItem', item }))), '2025-01-01');
  await provincial(
    net,
    A.snProposer,
    A.snApprover,
    'Shaanxi',
    services.map((item) => ({ op: 'upsertItem', item })),
    '2025-01-01',
  );
  await provincial(
    net,
    A.snProposer,
    A.snApprover,
    'Shaanxi',
    materials.map((item) => ({ op: 'upsertItem', item })),
    '2025-01-01',
  );
  const drugs = nrdl.filter(
    (item) => item.kind === 'drug' && item.fundPayable && item.agreementPeriod == null,
  );
  const pick = (i: number): ItemInput => drugs[i] ?? drugs[0] ?? (nrdl[0] as ItemInput);
  const [suspended, rules, restriction, removed, changed] = [
    pick(10),
    pick(20),
    pick(30),
    pick(40),
    pick(50),
  ];
  await provincial(
    net,
    A.gdProposer,
    A.gdApprover,
    'Guangdong',
    [
      { op: 'setOverlay', overlay: { itemId: idOf(suspended), province: 'Guangdong', suspended: true } },
      {
        op: 'setOverlay',
        overlay: { itemId: idOf(rules), province: '粤', rules: { hospitalLevels: [3] }, selfPayRatio: 0.1 },
      },
      {
        op: 'setOverlay',
        overlay: { itemId: idOf(restriction), province: 'GD', restriction: '限二级及以上医院' },
      },
    ],
    '2025-03-01',
  );
  await provincial(
    net,
    A.scProposer,
    A.scApprover,
    'Sichuan',
    [{ op: 'setOverlay', overlay: { itemId: idOf(rules), province: 'Sichuan', rules: { maxAge: 65 } } }],
    '2025-03-01',
  );
  await nationalVersion(
    net,
    [
      [
        { op: 'removeItem', itemId: idOf(removed) },
        {
          op: 'upsertItem',
          item: {
            ...changed,
            rules: { sex: 'female' },
            agreementPeriod: { from: '2025-07-01', to: '2026-06-30' },
          },
        },
      ],
    ],
    '2025-07-01',
  );
  net.ledger.setTime('2025-08-15T02:00:00Z');
  return {
    net,
    nationalIds: nrdl.map(idOf),
    shaanxiIds: [...services, ...materials].map(idOf),
    overlaid: { suspended: idOf(suspended), rules: idOf(rules), restriction: idOf(restriction) },
    removed: idOf(removed),
    changed: idOf(changed),
    itemCount: nrdl.length + services.length + materials.length,
  };
}

let loaded: Promise<LoadedCatalog> | undefined;

/** The full catalog on an in-memory network (built on first use, then shared). */
export function loadCatalog(): Promise<LoadedCatalog> {
  loaded ??= build();
  return loaded;
}

/** A hospital of Guangdong: who asks coverage questions. */
export const HOSPITAL: Caller = A.gdHospital;

/**
 * `n` coverage lines drawn deterministically (seeded) from the loaded catalog, the way a hospital
 * batch mixes them: national drugs in every member province (most), Shaanxi's services and
 * materials (asked in Shaanxi and elsewhere), the overlaid, changed and removed drugs, unknown ids;
 * with and without dates (before, between and after the versions) and patient contexts. Every
 * `repeatEvery`-th line asks again about an item an earlier line asked about.
 */
export function coverageLines(c: LoadedCatalog, n: number, seed = 1, repeatEvery = 5): CoverageInput[] {
  let state = seed >>> 0 || 1;
  const rnd = (k: number): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % k;
  };
  const of = <T>(xs: readonly T[]): T => xs[rnd(xs.length)] as T;
  const provinces = MEMBERS.provinces.map((p) => p.name);
  const forms = ['粤', 'SC', '陕西', 'GuangdongMSP', '四川省'];
  const dates = [undefined, undefined, '2024-12-31', '2025-02-01', '2025-05-20', '2025-07-01', '2026-01-10'];
  const patients = [
    undefined,
    { age: 70 },
    { age: 12, sex: 'female' as const },
    { hospitalLevel: 2 as const, visitType: 'outpatient' as const },
    { age: 40, sex: 'male' as const, hospitalLevel: 3 as const, visitType: 'inpatient' as const },
  ];
  const special = [c.overlaid.suspended, c.overlaid.rules, c.overlaid.restriction, c.removed, c.changed];
  const lines: CoverageInput[] = [];
  for (let i = 0; i < n; i++) {
    const roll = rnd(100);
    const itemId =
      i > 0 && i % repeatEvery === 0
        ? (lines[rnd(i)]?.itemId ?? '')
        : roll < 60
          ? of(c.nationalIds)
          : roll < 80
            ? of(c.shaanxiIds)
            : roll < 92
              ? of(special)
              : `D-${rnd(1 << 30)
                  .toString(16)
                  .padStart(16, '0')}`;
    const province =
      rnd(10) < 2 ? of(forms) : roll >= 60 && roll < 80 && rnd(2) === 0 ? 'Shaanxi' : of(provinces);
    const date = of(dates);
    const patient = of(patients);
    lines.push({
      province,
      itemId,
      ...(date === undefined ? {} : { date }),
      ...(patient === undefined ? {} : { patient }),
    });
  }
  return lines;
}
