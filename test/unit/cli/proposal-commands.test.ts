/**
 * `catalog propose`, `proposal …` and `version …`, run in-process against the real contracts on the
 * in-memory peer, on a catalog built through the CLI (see seededCatalog).
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { addProvinceToTopology } from '../../../network/src/add-org';
import { TOPOLOGY_FILE } from '../../../network/src/topology';
import path from 'node:path';
import type { Governance, Page, Proposal, Version } from '@nrdl-catalog/chaincode/model';
import type { ProposalDetails } from '../../../gateway-client/src/catalog-client';
import type { VersionDiffEntry } from '../../../gateway-client/src/version-diff';
import { A, boraxItem, ejiaoItem, syntheticDrug, upserts } from '../chaincode/support/fixtures';
import { HELP_HINT, tempDirPerSuite, usageRefusal, type CliRun } from '../support/cli';
import { ITEM, NATIONAL_APPROVERS, seededCatalog, type SeededCatalog } from './support/catalog-network';

/** What `propose --json` prints, less the timings. */
interface Proposed {
  readonly proposalId: string;
  readonly status: string;
  readonly resumed: boolean;
  readonly version?: Version;
}

describe('catalog proposal commands (in-process, real contracts)', () => {
  const dir = tempDirPerSuite('catalog-proposal-cli-');
  let c: SeededCatalog;

  before(async () => {
    c = await seededCatalog(dir());
  });

  /** Proposes `changes` nationally (opened, no votes) and returns its id. */
  async function openNational(title: string, changes: unknown): Promise<string> {
    const done = await c.run([
      'propose',
      '--file',
      c.file(`${title}.json`, changes),
      '--title',
      title,
      '--effective-from',
      '2025-07-01',
    ]);
    expect(done.code, done.stderr).to.equal(0);
    const match = /^proposal ([0-9a-f]{64}): open$/.exec(done.stdout);
    expect(match, done.stdout).to.not.equal(null);
    return match?.[1] ?? '';
  }

  async function details(proposalId: string): Promise<ProposalDetails> {
    return c.json<ProposalDetails>(['proposal', 'show', proposalId]);
  }

  describe('propose', () => {
    it('proposes, approves and applies in one run, reporting progress on stderr and JSON on stdout', async () => {
      const done = await c.run([
        'propose',
        '--file',
        c.file('ejiao.json', upserts([ejiaoItem])),
        '--title',
        '阿胶 excluded',
        '--rationale',
        'NRDL 2024 herbal slices',
        '--effective-from',
        '2025-05-01',
        '--approve-as',
        NATIONAL_APPROVERS,
        '--apply',
        '--json',
      ]);
      expect(done.code, done.stderr).to.equal(0);
      const result = JSON.parse(done.stdout) as Proposed;
      expect(result).to.deep.include({ status: 'applied', resumed: false });
      expect(result.version).to.deep.include({
        scope: 'national',
        changeCount: 1,
        effectiveFrom: '2025-05-01',
      });
      expect(done.stderr.split('\n').map((line) => line.split(/\s+/)[0])).to.deep.equal([
        'create',
        'chunks',
        'open',
        'approve',
        'approve',
        'approve',
        'apply',
        'seal',
      ]);
      expect(c.clients.identities.slice(-4)).to.deep.equal([
        'nhsa/approver',
        'guangdong/approver',
        'sichuan/approver',
        'nhsa/proposer',
      ]);
      const shown = await details(result.proposalId);
      expect(shown.proposal).to.deep.include({ title: '阿胶 excluded', status: 'applied' });
      expect(shown.proposal.rationale).to.match(/^NRDL 2024 herbal slices\n/);
    });

    it('leaves a proposal open without approvers; a re-run resumes it instead of creating another', async () => {
      const file = c.file('two-chunks.json', upserts([syntheticDrug(1), syntheticDrug(2)]));
      const argv = [
        'propose',
        '--file',
        file,
        '--title',
        'two chunks',
        '--chunk-size',
        '1',
        '--effective-from',
        '2025-08-01',
      ];
      const first = await c.json<Proposed>(argv);
      expect(first).to.deep.include({ status: 'open', resumed: false });
      const shown = await details(first.proposalId);
      expect(shown.proposal).to.deep.include({ chunkCount: 2, changeCount: 2, status: 'open' });
      const again = await c.run(argv);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.equal(`proposal ${first.proposalId}: open`);
      expect(again.stderr).to.contain(`resuming ${first.proposalId} (open)`);
    });

    it('refuses a change file it cannot use, and missing options (exit 2)', async () => {
      const broken = path.join(dir(), 'broken-changes.json');
      writeFileSync(broken, '[{');
      const empty = c.file('empty.json', { changes: [] });
      const changes = c.file('one.json', upserts([boraxItem]));
      const cases: [string[], RegExp][] = [
        [['propose', '--title', 'x'], /^--file is required\n/],
        [['propose', '--file', path.join(dir(), 'none.json'), '--title', 'x'], /^cannot read .*none\.json: /],
        [['propose', '--file', broken, '--title', 'x'], /^cannot read .*broken-changes\.json: .*JSON/],
        [
          ['propose', '--file', empty, '--title', 'x'],
          /^.*empty\.json must hold a non-empty array of changes\n/,
        ],
        [['propose', '--file', changes], /^--title is required\n/],
        [
          ['propose', '--file', changes, '--title', 'x', '--chunk-size', '0'],
          /^--chunk-size must be an integer from 1 to 500/,
        ],
        [
          ['propose', '--file', changes, '--title', 'x', '--effective-from', '2025-02-29'],
          /^--effective-from must be a date YYYY-MM-DD, got "2025-02-29"\n/,
        ],
      ];
      for (const [argv, message] of cases) {
        const done = await c.run(argv);
        expect(done.code, argv.join(' ')).to.equal(2);
        expect(done.stdout).to.equal('');
        expect(done.stderr).to.match(message);
        expect(done.stderr.endsWith(HELP_HINT)).to.equal(true);
      }
    });

    it('exits 1 with the chaincode code when the proposer may not propose', async () => {
      const done = await c.run([
        'propose',
        '--as',
        'guangdong/hospital1',
        '--file',
        c.file('by-hospital.json', upserts([boraxItem])),
        '--title',
        'not mine to propose',
        '--scope',
        'guangdong',
      ]);
      expect(done.code).to.equal(1);
      expect(done.stdout).to.equal('');
      expect(done.stderr).to.match(/^FORBIDDEN_ROLE: /m);
    });

    it('names the scope in any form the governance record lists: --scope 粤 resumes the Guangdong proposal', async () => {
      const again = await c.json<Proposed>([
        'propose',
        '--as',
        'guangdong/proposer',
        '--scope',
        '粤',
        '--file',
        c.file('overlay-again.json', {
          changes: [
            { op: 'setOverlay', overlay: { itemId: ITEM.borax, province: 'Guangdong', selfPayRatio: 0.3 } },
          ],
        }),
        '--title',
        'Guangdong self-pay for 复方硼砂',
        '--effective-from',
        '2025-03-01',
      ]);
      expect(again).to.deep.include({ proposalId: c.overlayId, resumed: true, status: 'applied' });
      const before = await c.json<Page<Proposal>>(['proposal', 'list']);
      const unknown = await c.run([
        'propose',
        '--as',
        'guangdong/proposer',
        '--scope',
        'hubei',
        '--file',
        c.file('hubei.json', upserts([boraxItem])),
        '--title',
        'x',
      ]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(
        /^UNKNOWN_PROVINCE: unknown province "hubei"; the members are Guangdong/,
      );
      expect((await c.json<Page<Proposal>>(['proposal', 'list'])).records).to.have.length(
        before.records.length,
      );
    });
  });

  describe('proposal list and show', () => {
    it('lists proposals as a table (ids whole), filtered by status, scope and province', async () => {
      const table = await c.run(['proposal', 'list', '--scope', 'provincial', '--province', 'guangdong']);
      expect(table.code, table.stderr).to.equal(0);
      expect(c.overlayId.length).to.be.greaterThan(40);
      const id = 'ID'.padEnd(c.overlayId.length);
      expect(table.stdout.split('\n')).to.deep.equal([
        `${id}  STATUS   SCOPE       PROVINCE   TITLE                            CHANGES  EFFECTIVE   VERSION`,
        `${c.overlayId}  applied  provincial  Guangdong  Guangdong self-pay for 复方硼砂  1        2025-03-01  2`,
      ]);
      const applied = await c.json<Page<Proposal>>([
        'proposal',
        'list',
        '--status',
        'applied',
        '--limit',
        '200',
      ]);
      expect(applied.records.map((p) => p.id)).to.include.members([c.nationalId, c.overlayId]);
      expect(applied.records.every((p) => p.status === 'applied')).to.equal(true);
      const one = await c.json<Page<Proposal>>(['proposal', 'list', '--limit', '1']);
      expect(one.records).to.have.length(1);
      expect(one.bookmark).to.not.equal('');
      const rest = await c.json<Page<Proposal>>(['proposal', 'list', '--bookmark', one.bookmark]);
      expect(rest.records.map((p) => p.id)).to.not.include(one.records[0]?.id);
    });

    it('shows a proposal as key: value lines, and its chunks with --chunks', async () => {
      const shown = await c.run(['proposal', 'show', c.nationalId]);
      expect(shown.code, shown.stderr).to.equal(0);
      const keys = shown.stdout.split('\n').map((line) => line.split(/\s+/)[0]);
      expect(keys).to.deep.equal(['appliedChunks', 'chunks', 'proposal', 'tally', 'votes']);
      expect(shown.stdout).to.match(/^appliedChunks {2}1$/m);
      const withChunks = await c.json<ProposalDetails>(['proposal', 'show', c.nationalId, '--chunks']);
      expect(withChunks.chunks.map((chunk) => chunk.changes?.length)).to.deep.equal([4]);
      expect(withChunks.votes.map((vote) => vote.mspId).sort()).to.deep.equal(
        ['GuangdongMSP', 'NHSAMSP', 'SichuanMSP'].sort(),
      );
      const missing = await c.run(['proposal', 'show', 'f'.repeat(64)]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/^PROPOSAL_NOT_FOUND: /);
    });

    it('refuses an unknown subcommand or a missing id (exit 2)', async () => {
      const usage = 'usage: catalog proposal list | show|approve|reject|withdraw|apply <id>';
      for (const argv of [['proposal'], ['proposal', 'show'], ['proposal', 'merge', c.nationalId]]) {
        expect(await c.run(argv), argv.join(' ')).to.deep.equal(usageRefusal(usage));
      }
      const limit = await c.run(['proposal', 'list', '--limit', '201']);
      expect(limit.code).to.equal(2);
    });
  });

  describe('votes, withdrawal and apply', () => {
    it('approves the manifest the approver reviewed (--manifest) and refuses a stale one with STALE_REVIEW', async () => {
      const id = await openNational('pinned', upserts([{ ...boraxItem, remark: 'reviewed' }]));
      const { manifestHash } = (await details(id)).proposal;
      expect(manifestHash).to.match(/^[0-9a-f]{64}$/);
      const approve = (...options: string[]): Promise<CliRun> =>
        c.run(['proposal', 'approve', id, '--as', 'guangdong/approver', ...options]);
      const stale = 'a'.repeat(64);
      const refused = await approve('--manifest', stale);
      expect(refused).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: `STALE_REVIEW: proposal ${id} now has manifest ${manifestHash ?? ''}, not the ${stale} you reviewed`,
      });
      expect((await details(id)).votes).to.deep.equal([]);

      const approved = await approve(
        '--manifest',
        manifestHash ?? '',
        '--comment',
        'checked against the NRDL text',
      );
      expect(approved.code, approved.stderr).to.equal(0);
      expect(approved.stdout).to.match(new RegExp(`^approved ${id} \\(tx tx-\\d+, block \\d+\\)$`));
      const votes = (await details(id)).votes;
      expect(votes.map((v) => [v.mspId, v.decision, v.comment])).to.deep.equal([
        ['GuangdongMSP', 'approve', 'checked against the NRDL text'],
      ]);
      const twice = await approve();
      expect(twice.code).to.equal(1);
      expect(twice.stderr).to.match(/^ALREADY_VOTED: /);
    });

    it('rejects with a comment, as JSON', async () => {
      const id = await openNational('rejected', upserts([{ ...boraxItem, remark: 'to reject' }]));
      const done = await c.json<{ value: { tally: { rejections: string[] } }; transactionId: string }>([
        'proposal',
        'reject',
        id,
        '--as',
        'sichuan/approver',
        '--comment',
        'not now',
      ]);
      expect(done.transactionId).to.match(/^tx-\d+$/);
      const shown = await details(id);
      expect(shown.votes.map((v) => [v.mspId, v.decision, v.comment])).to.deep.equal([
        ['SichuanMSP', 'reject', 'not now'],
      ]);
      const human = await c.run(['proposal', 'reject', id, '--as', 'guangdong/approver']);
      expect(human.code, human.stderr).to.equal(0);
      expect(human.stdout).to.match(new RegExp(`^rejected ${id} \\(tx tx-\\d+, block \\d+\\)$`));
    });

    it('withdraws a proposal with a reason; approving it afterwards is a domain error', async () => {
      const id = await openNational('withdrawn', upserts([{ ...boraxItem, remark: 'to withdraw' }]));
      const done = await c.run(['proposal', 'withdraw', id, '--reason', 'superseded']);
      expect(done).to.deep.equal({ code: 0, stdout: `withdrew ${id}`, stderr: '' });
      const shown = await details(id);
      expect(shown.proposal).to.deep.include({ status: 'withdrawn' });
      expect(shown.proposal.statusReason).to.contain('superseded');
      const vote = await c.run(['proposal', 'approve', id, '--as', 'nhsa/approver']);
      expect(vote.code).to.equal(1);
      expect(vote.stderr).to.match(/^PROPOSAL_STATE: /);
      const quiet = await openNational('withdrawn quietly', upserts([{ ...boraxItem, remark: 'quiet' }]));
      expect((await c.run(['proposal', 'withdraw', quiet, '--json'])).code).to.equal(0);
    });

    it('refuses to vote on a draft: nothing has been fixed to review yet', async () => {
      const draft = await c.net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
        scope: 'national',
        title: 'draft',
        rationale: 'draft',
        effectiveFrom: '2025-09-01',
      });
      const done = await c.run(['proposal', 'approve', draft.id, '--as', 'nhsa/approver']);
      expect(done).to.deep.equal({
        code: 1,
        stdout: '',
        stderr: `PROPOSAL_STATE: proposal ${draft.id} is not open: it has no manifest to review yet`,
      });
    });

    it('applies an approved national proposal chunk by chunk and seals the version', async () => {
      const id = await openNational(
        'to apply',
        upserts([
          { ...boraxItem, remark: 'applied' },
          { ...ejiaoItem, remark: '阿胶 applied' },
        ]),
      );
      for (const as of NATIONAL_APPROVERS.split(',')) {
        const vote = await c.run(['proposal', 'approve', id, '--as', as]);
        expect(vote.code, vote.stderr).to.equal(0);
      }
      const before = await c.json<Version>(['version', 'show']);
      const done = await c.run(['proposal', 'apply', id]);
      expect(done.code, done.stderr).to.equal(0);
      const head = await c.json<Version>(['version', 'show']);
      expect(head.version).to.equal(before.version + 1);
      expect(head.proposalIds).to.deep.equal([id]);
      expect(done.stdout).to.equal(`sealed version ${head.version} (digest ${head.digest.slice(0, 16)}…)`);
      expect(done.stderr).to.match(/^apply +1\/1 /);
      const item = await c.json<{ item: { remark: string } }>(['item', ITEM.borax]);
      expect(item.item.remark).to.equal('applied');
      const again = await c.run(['proposal', 'apply', id]);
      expect(again.code).to.equal(1);
      expect(again.stdout).to.equal('');
      expect(again.stderr.split('\n').at(-1)).to.equal(
        `PROPOSAL_STATE: proposal ${id} is applied (needs approved)`,
      );
    });
  });

  describe('version', () => {
    it('lists versions as a table and as JSON', async () => {
      const table = await c.run(['version', 'list', '--limit', '2']);
      expect(table.code, table.stderr).to.equal(0);
      const lines = table.stdout.split('\n');
      expect(lines[0]).to.equal(
        'VERSION  SCOPE       PROVINCE   CHANGES  EFFECTIVE   SEALED AT                DIGEST            TX',
      );
      expect(lines).to.have.length(3);
      // the effective date, the seal time in China Standard Time
      expect(lines[2]).to.match(
        /^2 +provincial +Guangdong +1 +2025-03-01 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CST +[0-9a-f]{16} /,
      );
      const all = await c.json<Page<Version>>(['version', 'list']);
      const v1 = all.records.find((v) => v.version === 1);
      const v2 = all.records.find((v) => v.version === 2);
      expect(v1).to.deep.include({ scope: 'national', changeCount: 4, effectiveFrom: '2025-01-01' });
      expect(v2).to.deep.include({ scope: 'provincial', province: 'Guangdong', effectiveFrom: '2025-03-01' });
      const first = await c.json<Page<Version>>(['version', 'list', '--limit', '1']);
      const next = await c.json<Page<Version>>([
        'version',
        'list',
        '--limit',
        '1',
        '--bookmark',
        first.bookmark,
      ]);
      expect(next.records[0]?.version).to.not.equal(first.records[0]?.version);
    });

    it('shows a version by number, by date, or the head', async () => {
      const one = await c.run(['version', 'show', '1']);
      expect(one.code, one.stderr).to.equal(0);
      const lines = one.stdout.split('\n');
      expect(lines).to.include('version                 1');
      expect(lines).to.include('scope                   national');
      expect(lines).to.include('changeCount             4');
      expect(lines).to.include(`proposalIds             ["${c.nationalId}"]`);
      const onDate = await c.json<Version>(['version', 'show', '--date', '2025-02-01']);
      expect(onDate.version).to.equal(1);
      const march = await c.json<Version>(['version', 'show', '--date', '2025-03-15']);
      expect(march.version).to.equal(2);
      const missing = await c.run(['version', 'show', '999']);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/^VERSION_NOT_FOUND: /);
    });

    it('diffs two versions: the Guangdong overlay added, the national items added', async () => {
      const overlay = await c.run(['version', 'diff', '1', '2']);
      expect(overlay).to.deep.equal({
        code: 0,
        stdout: [
          'CHANGE  KIND     ITEM                PROVINCE   NAME      FIELDS',
          `added   overlay  ${ITEM.borax}  Guangdong  复方硼砂`,
        ].join('\n'),
        stderr: '',
      });
      const first = await c.json<{ from: number; to: number; entries: VersionDiffEntry[] }>([
        'version',
        'diff',
        '0',
        '1',
      ]);
      expect(first.from).to.equal(0);
      expect(first.to).to.equal(1);
      expect(first.entries.map((e) => [e.change, e.kind, e.itemId]).sort()).to.deep.equal(
        Object.values(ITEM)
          .map((id) => ['added', 'item', id])
          .sort(),
      );
      const backwards = await c.run(['version', 'diff', '2', '1']);
      expect(backwards.code).to.equal(1);
      expect(backwards.stderr).to.equal('INVALID_INPUT: diff needs two versions a < b, got 2 and 1');
    });

    it('refuses wrong arguments (exit 2)', async () => {
      const cases: [string[], string][] = [
        [['version', 'show', 'two'], 'version must be a number, got "two"'],
        [['version', 'diff', '1'], 'usage: catalog version diff <a> <b>'],
        [['version', 'diff', '1', 'x'], 'usage: catalog version diff <a> <b>'],
        [['version'], 'usage: catalog version list | show [<n>] [--date D] | diff <a> <b>'],
        [['version', 'show', '--date', '2025-2-30'], '--date must be a date YYYY-MM-DD, got "2025-2-30"'],
        [
          ['version', 'show', '--date', '2025年13月1日'],
          '--date must be a date YYYY-MM-DD, got "2025年13月1日"',
        ],
      ];
      for (const [argv, message] of cases) {
        expect(await c.run(argv), argv.join(' ')).to.deep.equal(usageRefusal(message));
      }
    });
  });
});

const USAGE_GOVERNANCE =
  'usage: catalog governance show | init [--topology FILE] [--max-chunk N] | propose --add-province P | --suspend P | --reinstate P [--title T] [--effective-from D]';

describe('catalog proposal apply of governance, and version diff without differences', () => {
  const dir = tempDirPerSuite('catalog-governance-cli-');
  let c: SeededCatalog;

  before(async () => {
    c = await seededCatalog(dir());
  });

  it('applies an approved governance proposal and prints the new governance version', async () => {
    const created = await c.net.submit<Proposal>(A.nhsaProposer, 'Proposal:CreateProposal', {
      scope: 'governance',
      title: 'smaller chunks',
      rationale: 'test',
      effectiveFrom: '2025-01-01',
      governance: { maxChunkChanges: 100 },
    });
    await c.net.submit(A.nhsaProposer, 'Proposal:OpenProposal', { proposalId: created.id });
    for (const as of NATIONAL_APPROVERS.split(',')) {
      const vote = await c.run(['proposal', 'approve', created.id, '--as', as]);
      expect(vote.code, vote.stderr).to.equal(0);
    }
    const done = await c.run(['proposal', 'apply', created.id]);
    expect(done).to.deep.equal({ code: 0, stdout: 'governance updated to version 2', stderr: '' });
    const governance = await c.json<Governance>(['governance', 'show']);
    expect(governance).to.deep.include({ version: 2, maxChunkChanges: 100, updatedByProposal: created.id });
  });

  it('governance propose adds a province of the topology as a member, and suspends it; approvers vote and NHSA applies as for any proposal', async () => {
    const topology = addProvinceToTopology(
      JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as Record<string, unknown>,
      {
        name: 'hubei',
        mspId: 'HubeiMSP',
        province: 'Hubei',
        zh: '湖北省',
        zhShort: '湖北',
        abbr: '鄂',
        code: 'HB',
        division: '420000',
      },
    ).topology;
    const file = c.file('topology-hubei.json', topology);
    const proposed = await c.json<Proposal>([
      'governance',
      'propose',
      '--add-province',
      'hubei',
      '--topology',
      file,
    ]);
    expect(proposed).to.deep.include({
      scope: 'governance',
      status: 'open',
      governance: {
        addProvinces: [
          {
            name: 'Hubei',
            mspId: 'HubeiMSP',
            code: 'HB',
            division: '420000',
            zh: '湖北省',
            zhShort: '湖北',
            abbr: '鄂',
          },
        ],
      },
    });
    const text = await c.run(['governance', 'propose', '--suspend', 'Shaanxi', '--title', 'pause Shaanxi']);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.match(
      /^governance proposal \S+ is open for votes \(manifest [0-9a-f]{64}\): approvers vote with catalog proposal approve/,
    );
    for (const as of NATIONAL_APPROVERS.split(',')) {
      const vote = await c.run(['proposal', 'approve', proposed.id, '--as', as]);
      expect(vote.code, vote.stderr).to.equal(0);
    }
    expect((await c.run(['proposal', 'apply', proposed.id])).code).to.equal(0);
    const governance = await c.json<Governance>(['governance', 'show']);
    expect(governance.provinces.map((p) => p.name)).to.include('Hubei');
    const suspend = await c.json<Proposal>(['governance', 'propose', '--suspend', '鄂']);
    for (const as of [...NATIONAL_APPROVERS.split(','), 'shaanxi/approver']) {
      const vote = await c.run(['proposal', 'approve', suspend.id, '--as', as]);
      expect(vote.code, vote.stderr).to.equal(0);
    }
    expect((await c.run(['proposal', 'apply', suspend.id])).code).to.equal(0);
    expect((await c.json<Governance>(['governance', 'show'])).suspended).to.deep.equal(['HubeiMSP']);
    const zh = await c.run(['--lang', 'zh', 'governance', 'show']);
    expect(zh.stdout).to.match(/已暂停的成员\s*[：:]?\s*湖北省/);
    expect(await c.run(['governance', 'propose'])).to.deep.equal(usageRefusal(USAGE_GOVERNANCE));
    const unknown = await c.run(['governance', 'propose', '--add-province', 'tibet', '--topology', file]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('no province tibet');
  });

  it('says so when two versions list the same items', async () => {
    const cleared = await c.json<Proposed>([
      'propose',
      '--as',
      'guangdong/proposer',
      '--scope',
      'Guangdong',
      '--file',
      c.file('clear.json', [{ op: 'clearOverlay', itemId: ITEM.borax, province: 'Guangdong' }]),
      '--title',
      'clear the overlay',
      '--effective-from',
      '2025-04-01',
      '--approve-as',
      'guangdong/approver',
      '--apply',
    ]);
    const sealed = cleared.version?.version ?? 0;
    expect(sealed).to.equal(3);
    expect(await c.run(['version', 'diff', '1', String(sealed)])).to.deep.equal({
      code: 0,
      stdout: `no differences between versions 1 and ${sealed}`,
      stderr: '',
    });
    const removed = await c.json<{ entries: VersionDiffEntry[] }>(['version', 'diff', '2', String(sealed)]);
    expect(removed.entries.map((e) => [e.change, e.kind, e.itemId, e.province])).to.deep.equal([
      ['removed', 'overlay', ITEM.borax, 'Guangdong'],
    ]);
  });
});
