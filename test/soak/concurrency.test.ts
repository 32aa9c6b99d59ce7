/**
 * Concurrency soak (issue 17, item 3; run by `npm run soak` only): `SOAK_PROPOSERS` (50) proposers
 * drive real proposal → approve → apply → seal cycles over a small pool of shared items — NHSA's
 * national upserts of the items, and each province's overlays on the same items — while
 * `SOAK_HOSPITALS` (200) hospital workers check coverage of those items, for
 * `SOAK_CONCURRENCY_SECONDS` (600). Everything goes through the gateway-client library as the
 * applications call it. Then every write is accounted for: each sealed proposal's version read back
 * exactly once, versions strictly sequential, each sealed change present as of its version and the
 * last one of every item and overlay at the head; every failure carries a registered code (counted
 * by code). Finally each peer's state — every item, overlay, rule and payment policy read from that
 * peer alone — gives the same digest, equal to the sealed head's.
 */
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Change,
  type CoverageReason,
  type CoverageResult,
  type ItemInput,
  type Proposal,
  type Version,
} from '@nrdl-catalog/chaincode/model';
import { applyAndSeal, type CatalogClient, CatalogClientError, reviewedOf } from '../../gateway-client/src';
import { envInt, report } from '../support/fuzz-config';
import {
  approveAs,
  clientAs,
  closeClients,
  drugItem,
  ensureCatalog,
  idOf,
  mapPool,
  uniqueName,
  upserts,
} from '../network/support/catalog';
import {
  allProposals,
  allVersions,
  PEER_READERS,
  peerState,
  quantile,
  registeredCode,
  settledHeight,
  Tally,
} from './support/soak';

const SECONDS = envInt('SOAK_CONCURRENCY_SECONDS', 600);
const PROPOSERS = envInt('SOAK_PROPOSERS', 50);
const HOSPITALS = envInt('SOAK_HOSPITALS', 200);
const POOL = envInt('SOAK_POOL_ITEMS', 12);
const SUITE = 'concurrency (real network)';
const EFFECTIVE = '2025-01-01';

/** The organisations that propose, and how they vote. */
const ORGS = [
  { org: 'nhsa', scope: 'national', approvers: ['nhsa/approver', 'guangdong/approver', 'sichuan/approver'] },
  { org: 'guangdong', scope: 'provincial', province: 'Guangdong', approvers: ['guangdong/approver'] },
  { org: 'sichuan', scope: 'provincial', province: 'Sichuan', approvers: ['sichuan/approver'] },
  { org: 'shaanxi', scope: 'provincial', province: 'Shaanxi', approvers: ['shaanxi/approver'] },
] as const;
const HOSPITAL_ORGS = ['guangdong', 'sichuan', 'shaanxi'] as const;
const REASONS: readonly CoverageReason[] = [
  'COVERED',
  'NOT_LISTED',
  'EXCLUDED',
  'NOT_YET_EFFECTIVE',
  'AGREEMENT_EXPIRED',
  'PROVINCE_SUSPENDED',
  'NOT_IN_PROVINCE',
  'RESTRICTED',
];
const PROVINCE_OF: Record<string, string> = {
  guangdong: 'Guangdong',
  sichuan: 'Sichuan',
  shaanxi: 'Shaanxi',
};

/** What one cycle wrote, once it was sealed. */
interface Sealed {
  readonly proposalId: string;
  readonly version: number;
  /** `item:<id>` or `overlay:<id>:<province>` */
  readonly target: string;
  readonly itemId: string;
  readonly province: string | null;
  /** The remark (item) or restriction (overlay) the cycle wrote. */
  readonly marker: string;
}

interface Failure {
  readonly step: string;
  readonly code: string | null;
  readonly message: string;
  readonly proposalId: string | null;
}

/** A deterministic stream of pool indexes per worker. */
function picker(seed: number): () => number {
  let x = (seed * 2_654_435_761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % POOL;
  };
}

describe('soak: concurrent proposers and hospital checks on the real network', function () {
  const tag = uniqueName('soak');
  let pool: ItemInput[] = [];

  before(async function () {
    this.timeout(900_000);
    await ensureCatalog();
    // the shared items, listed by one national version first
    pool = Array.from({ length: POOL }, (_, i) => drugItem(`${tag}-item-${String(i)}`, { remark: 'seed' }));
    const nhsa = clientAs('nhsa/proposer');
    const created = await nhsa.createProposal({
      scope: 'national',
      title: `${tag} pool`,
      rationale: 'the items the concurrency soak changes',
      effectiveFrom: EFFECTIVE,
    });
    const proposalId = created.value.id;
    await nhsa.addChunk({ proposalId, chunkIndex: 0, changes: upserts(...pool) });
    await nhsa.openProposal({ proposalId });
    await approveAs(proposalId);
    await applyAndSeal(nhsa, proposalId);
  });

  after(function () {
    closeClients();
  });

  it(`${String(PROPOSERS)} proposers and ${String(HOSPITALS)} hospital checks for ${String(SECONDS)} s: nothing lost or duplicated, every failure coded, the same state on every peer`, async function () {
    this.timeout((SECONDS + 1800) * 1000);
    const sealed: Sealed[] = [];
    const created: string[] = [];
    /** Proposal ids of creates that failed ambiguously (their transaction may have committed). */
    const ambiguousCreates: string[] = [];
    const failures: Failure[] = [];
    const cycleMs: number[] = [];
    const checkMs: number[] = [];
    const checkCodes = new Tally();
    const cycleCodes = new Tally();
    const withdrawCodes = new Tally();
    const retriedCodes = new Tally();
    let checks = 0;
    let checkFailures = 0;
    let versionRegressions = 0;
    let badAnswers = 0;
    let transactions = 0;
    const started = Date.now();
    const stopAt = started + SECONDS * 1000;

    const fail = (step: string, error: unknown, proposalId: string | null): void => {
      const code = registeredCode(error);
      failures.push({
        step,
        code,
        message: error instanceof Error ? error.message.slice(0, 300) : String(error),
        proposalId,
      });
      cycleCodes.add(`${step}:${code ?? 'UNCODED'}`);
    };

    const cycle = async (worker: number, n: number, next: () => number): Promise<void> => {
      const spec = ORGS[worker % ORGS.length] ?? ORGS[0];
      const proposer = clientAs(`${spec.org}/proposer`);
      const item = pool[next()] ?? pool[0];
      if (item === undefined) throw new Error('empty pool');
      const itemId = idOf(item);
      const marker = `${tag} w${String(worker)} c${String(n)}`;
      const province = spec.scope === 'provincial' ? spec.province : null;
      const change: Change =
        province === null
          ? { op: 'upsertItem', item: { ...item, remark: marker } }
          : {
              op: 'setOverlay',
              overlay: { itemId, province, selfPayRatio: (n % 50) / 100, restriction: marker },
            };
      const t0 = performance.now();
      let proposalId: string | null = null;
      let step = 'create';
      try {
        try {
          const done = await proposer.createProposal({
            scope: spec.scope,
            ...(province === null ? {} : { province }),
            title: `${tag} ${marker}`,
            rationale: 'concurrency soak',
            effectiveFrom: EFFECTIVE,
          });
          proposalId = done.value.id;
          created.push(proposalId);
          transactions += 1;
        } catch (error) {
          if (error instanceof CatalogClientError && error.transactionId !== undefined)
            ambiguousCreates.push(error.transactionId);
          throw error;
        }
        step = 'chunk';
        await proposer.addChunk({ proposalId, chunkIndex: 0, changes: [change] });
        transactions += 1;
        step = 'open';
        const opened = await proposer.openProposal({ proposalId });
        transactions += 1;
        step = 'approve';
        const vote = { proposalId, ...reviewedOf(opened.value) };
        for (const as of spec.approvers) {
          await clientAs(as).approveProposal(vote);
          transactions += 1;
        }
        step = 'apply+seal';
        let version: Version | null = null;
        // the seal of every version writes the head: concurrent seals conflict, and the use case is
        // run again (it is idempotent) as an application would, a few times
        for (let attempt = 1; version === null; attempt += 1) {
          try {
            version = (await applyAndSeal(proposer, proposalId, { concurrency: 1 })).value;
            transactions += 2;
          } catch (error) {
            const code = registeredCode(error);
            if (attempt >= 4 || (code !== 'MVCC_READ_CONFLICT' && code !== 'PHANTOM_READ_CONFLICT'))
              throw error;
            retriedCodes.add(code);
            await sleep(100 * attempt);
          }
        }
        sealed.push({
          proposalId,
          version: version.version,
          target: province === null ? `item:${itemId}` : `overlay:${itemId}:${province}`,
          itemId,
          province,
          marker,
        });
        cycleMs.push(performance.now() - t0);
      } catch (error) {
        fail(step, error, proposalId);
        if (proposalId !== null) {
          // an abandoned proposal would hold its items' pending change: withdraw it
          try {
            await proposer.withdrawProposal({ proposalId, reason: 'concurrency soak: cycle failed' });
            withdrawCodes.add('withdrawn');
          } catch (withdrawError) {
            withdrawCodes.add(registeredCode(withdrawError) ?? 'UNCODED');
          }
        }
      }
    };

    const proposerWorker = async (worker: number): Promise<void> => {
      const next = picker(worker + 1);
      for (let n = 0; Date.now() < stopAt; n += 1) await cycle(worker, n, next);
    };

    const hospitalWorker = async (worker: number): Promise<void> => {
      const org = HOSPITAL_ORGS[worker % HOSPITAL_ORGS.length] ?? 'guangdong';
      const province = PROVINCE_OF[org] ?? 'Guangdong';
      const client: CatalogClient = clientAs(`${org}/hospital1`);
      const next = picker(10_000 + worker);
      let lastVersion = 0;
      while (Date.now() < stopAt) {
        const itemId = idOf(pool[next()] ?? drugItem('none'));
        const t0 = performance.now();
        try {
          const answer: CoverageResult = await client.checkCoverage({ province, itemId, date: '2025-06-01' });
          checkMs.push(performance.now() - t0);
          checks += 1;
          if (!REASONS.includes(answer.reason) || typeof answer.covered !== 'boolean') badAnswers += 1;
          if (answer.catalogVersion < lastVersion) versionRegressions += 1;
          lastVersion = Math.max(lastVersion, answer.catalogVersion);
        } catch (error) {
          checks += 1;
          checkFailures += 1;
          checkCodes.add(registeredCode(error) ?? 'UNCODED');
        }
      }
    };

    await Promise.all([
      ...Array.from({ length: PROPOSERS }, (_, i) => proposerWorker(i)),
      ...Array.from({ length: HOSPITALS }, (_, i) => hospitalWorker(i)),
    ]);
    const ranMs = Date.now() - started;

    // ---- account for every write ----
    const auditor = clientAs('audit/auditor');
    await settledHeight();
    const versions = (await allVersions(auditor)).sort((a, b) => a.version - b.version);
    const numbers = versions.map((v) => v.version);
    const problems: string[] = [];
    if (numbers.some((v, i) => v !== i + 1))
      problems.push(`versions are not 1..${String(versions.length)} in order`);
    const sealedBy = new Map<string, number>();
    for (const v of versions)
      for (const pid of v.proposalIds) {
        if (sealedBy.has(pid)) problems.push(`proposal ${pid} sealed twice`);
        sealedBy.set(pid, v.version);
      }
    for (const s of sealed) {
      if (sealedBy.get(s.proposalId) !== s.version)
        problems.push(
          `${s.proposalId} sealed as ${String(s.version)}, the listing says ${String(sealedBy.get(s.proposalId))}`,
        );
    }
    const listed = (await allProposals(auditor)).filter(
      (p) => p.title.startsWith(`${tag} `) && p.title !== `${tag} pool`,
    );
    const listedIds = new Set(listed.map((p) => p.id));
    if (listedIds.size !== listed.length) problems.push('a proposal is listed twice');
    for (const pid of created) if (!listedIds.has(pid)) problems.push(`created proposal ${pid} not listed`);
    const known = new Set([...created, ...ambiguousCreates]);
    const strangers = listed.filter((p) => !known.has(p.id));
    if (strangers.length > 0) problems.push(`${String(strangers.length)} proposals nobody created`);
    const byId = new Map<string, Proposal>(listed.map((p) => [p.id, p]));
    const sealedIds = new Set(sealed.map((s) => s.proposalId));
    /** Applied although the cycle saw an error (an ambiguous commit): not lost, not duplicated. */
    const committedDespiteError = listed.filter((p) => p.status === 'applied' && !sealedIds.has(p.id));
    for (const p of committedDespiteError)
      if (sealedBy.get(p.id) !== p.sealedVersion) problems.push(`${p.id} applied but not in the versions`);
    for (const s of sealed)
      if (byId.get(s.proposalId)?.status !== 'applied') problems.push(`${s.proposalId} is not applied`);
    // each sealed change as of its version, and the newest change of each target at the head
    const readOne = async (s: Sealed, version?: number): Promise<string | null> => {
      const view = await auditor.getItem({
        itemId: s.itemId,
        ...(version === undefined ? {} : { version }),
        ...(s.province === null ? {} : { province: s.province }),
      });
      return s.province === null
        ? (view.item as { remark: string | null }).remark
        : (view.overlays[0]?.restriction ?? null);
    };
    const mismatches = (
      await mapPool(sealed, 8, async (s) =>
        (await readOne(s, s.version)) === s.marker ? null : `${s.target}@${String(s.version)}`,
      )
    ).filter((m): m is string => m !== null);
    problems.push(...mismatches.slice(0, 5).map((m) => `change missing as of its version: ${m}`));
    // proposals sealed although their cycle saw an error: their change counts at the head too
    const ambiguous = await mapPool(committedDespiteError, 4, async (p): Promise<Sealed | null> => {
      const details = await auditor.getProposal({ proposalId: p.id, includeChunks: true });
      const change = details.chunks[0]?.changes?.[0];
      if (change === undefined || p.sealedVersion === null) return null;
      if (change.op === 'upsertItem') {
        const itemId = idOf(change.item);
        const marker = change.item.remark ?? '';
        return {
          proposalId: p.id,
          version: p.sealedVersion,
          target: `item:${itemId}`,
          itemId,
          province: null,
          marker,
        };
      }
      if (change.op === 'setOverlay') {
        const o = change.overlay;
        return {
          proposalId: p.id,
          version: p.sealedVersion,
          target: `overlay:${o.itemId}:${o.province}`,
          itemId: o.itemId,
          province: o.province,
          marker: o.restriction ?? '',
        };
      }
      return null;
    });
    const newest = new Map<string, Sealed>();
    const all = [...sealed, ...ambiguous.filter((a): a is Sealed => a !== null)];
    for (const s of all.sort((a, b) => a.version - b.version)) newest.set(s.target, s);
    for (const s of newest.values()) {
      const head = await readOne(s);
      if (head !== s.marker) problems.push(`head of ${s.target} is ${String(head)}, not ${s.marker}`);
    }
    const uncoded = failures.filter((f) => f.code === null);
    problems.push(
      ...uncoded.slice(0, 5).map((f) => `uncoded failure at ${f.step}: ${f.message}`),
      ...(checkCodes.get('UNCODED') > 0
        ? [`${String(checkCodes.get('UNCODED'))} uncoded check failures`]
        : []),
    );
    if (badAnswers > 0) problems.push(`${String(badAnswers)} coverage answers without a valid reason`);
    if (versionRegressions > 0)
      problems.push(`${String(versionRegressions)} coverage answers went back a version`);

    // ---- the same state on every peer ----
    const head = versions[versions.length - 1];
    expect(head, 'a sealed head').to.not.equal(undefined);
    const states = [];
    for (const reader of PEER_READERS) states.push(await peerState(reader, head?.version ?? 0));
    for (const state of states) {
      if (state.headVersion !== head?.version || state.headDigest !== head.digest)
        problems.push(`${state.mspId}: head ${String(state.headVersion)} ${state.headDigest}`);
      if (state.digest !== head?.digest)
        problems.push(`${state.mspId}: recomputed digest ${state.digest} ≠ sealed ${String(head?.digest)}`);
      if (state.height !== states[0]?.height) problems.push(`${state.mspId}: height ${String(state.height)}`);
    }

    const seconds = ranMs / 1000;
    const p = (values: number[], q: number): string => `${(quantile(values, q) / 1000).toFixed(2)} s`;
    const ms = (values: number[], q: number): string => `${String(Math.round(quantile(values, q)))} ms`;
    const attempted = sealed.length + failures.length;
    const summary =
      `${String(sealed.length)} of ${String(attempted)} cycles sealed in ${seconds.toFixed(0)} s ` +
      `(${(sealed.length / seconds).toFixed(2)} versions/s, ${(transactions / seconds).toFixed(1)} committed tx/s; ` +
      `cycle p50 ${p(cycleMs, 0.5)}, p99 ${p(cycleMs, 0.99)}); failed cycles by step and code: ${cycleCodes.toString()}; ` +
      `seals run again: ${retriedCodes.toString()}; withdrawals: ${withdrawCodes.toString()}; ` +
      `${String(committedDespiteError.length)} applied despite an error`;
    const checkSummary =
      `${checks.toLocaleString('en-US')} checks (${(checks / seconds).toFixed(1)}/s; p50 ${ms(checkMs, 0.5)}, p99 ${ms(checkMs, 0.99)}); ` +
      `failures by code: ${checkCodes.toString()}; no answer went back a version`;
    const peerSummary = `${String(states.length)} peers at height ${String(states[0]?.height)}: ${String(states[0]?.items)} items, ${String(states[0]?.overlays)} overlays, ${String(states[0]?.rules)} rules, ${String(states[0]?.policies)} policies each; every recomputed digest = sealed head ${String(head?.digest.slice(0, 12))}… (version ${String(head?.version)})`;
    process.stderr.write(`      ${summary}\n      ${checkSummary}\n      ${peerSummary}\n`);
    for (const problem of problems.slice(0, 20)) process.stderr.write(`      PROBLEM: ${problem}\n`);
    const refusedCycles = failures.length - uncoded.length;
    report({
      suite: SUITE,
      target: `${String(PROPOSERS)} proposers: national and provincial cycles over ${String(POOL)} shared items`,
      cases: attempted,
      refused: refusedCycles,
      accepted: sealed.length,
      failures: uncoded.length + problems.filter((x) => !x.includes('peer')).length,
      ms: ranMs,
      note: summary,
    });
    report({
      suite: SUITE,
      target: `${String(HOSPITALS)} concurrent hospital coverage checks`,
      cases: checks,
      refused: checkFailures - checkCodes.get('UNCODED'),
      accepted: checks - checkFailures,
      failures: checkCodes.get('UNCODED') + badAnswers + versionRegressions,
      ms: ranMs,
      note: checkSummary,
    });
    report({
      suite: SUITE,
      target: 'every item, overlay, rule and policy read from each peer, digest recomputed',
      cases: states.length,
      refused: 0,
      accepted: states.filter((s) => s.digest === head?.digest).length,
      failures: states.filter((s) => s.digest !== head?.digest).length,
      ms: states.reduce((n, s) => n + s.ms, 0),
      note: peerSummary,
    });
    expect(problems, problems.slice(0, 10).join('\n')).to.deep.equal([]);
    expect(sealed.length, 'some cycles sealed').to.be.greaterThan(0);
  });
});
