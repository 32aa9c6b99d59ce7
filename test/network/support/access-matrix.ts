/**
 * The access matrix of the catalog chaincode: every caller (organisation × role, plus forged and
 * foreign identities) against every transaction, with the outcome the real chaincode's checks give
 * (`chaincode/src/model/access.ts`, the contracts' `requireRole` / `requireMsp` / `mayVote` calls and
 * the scope checks of `normaliseChange`). One table, {@link ACCESS_MATRIX}: the real-network test
 * `test/network/62-access-matrix.test.ts` runs every cell, and `docs/reliability.md` shows the same
 * table rendered by {@link renderAccessMatrix} (a unit test checks that the document matches).
 *
 * Pure data and text: no network code here, so the unit suite can import it.
 */

/** What a cell expects. `ok`: the call passes every check (endorsed or evaluated, never submitted). */
export const OUTCOMES = {
  ok: {
    code: null,
    meaning: 'allowed: evaluated, or endorsed by the peers the policies need (not submitted)',
  },
  ROLE: { code: 'FORBIDDEN_ROLE', meaning: "refused by the chaincode: the caller's catalog.role may not" },
  ORG: { code: 'FORBIDDEN_ORG', meaning: "refused by the chaincode: the caller's organisation may not" },
  SCOPE: {
    code: 'SCOPE_VIOLATION',
    meaning: "refused by the chaincode: the change is outside the proposal's scope",
  },
  EXIST: {
    code: 'GOVERNANCE_EXISTS',
    meaning: 'allowed caller; refused because the governance record exists',
  },
  INCPL: { code: 'CHUNKS_INCOMPLETE', meaning: 'allowed caller; refused because no chunk is applied yet' },
  PEER: {
    code: 'ACCESS_DENIED',
    meaning:
      'refused by the peer before any chaincode runs: the creator is not a valid identity of the channel',
  },
} as const;
export type Outcome = keyof typeof OUTCOMES;

/** The fixture proposals a column acts on (created by the test, withdrawn at its end). */
export type Fixture =
  | 'national draft'
  | 'Guangdong draft'
  | 'national open'
  | 'Guangdong open'
  | 'national approved'
  | 'Guangdong approved'
  | 'governance approved';

/** One column: a transaction, with what it is called on. */
export interface Operation {
  readonly tx: string;
  readonly kind: 'evaluate' | 'endorse';
  /** What the call is made with, in words (the test builds the argument). */
  readonly call: string;
  readonly fixture?: Fixture;
}

/** The columns of {@link ACCESS_MATRIX}, by their short name in its header. */
export const OPERATIONS = {
  whoami: { tx: 'System:WhoAmI', kind: 'evaluate', call: 'no argument' },
  gov: { tx: 'Governance:GetGovernance', kind: 'evaluate', call: '{}' },
  search: { tx: 'Catalog:SearchItems', kind: 'evaluate', call: '{ pageSize: 1 }' },
  props: { tx: 'Proposal:ListProposals', kind: 'evaluate', call: '{ pageSize: 1 }' },
  vers: { tx: 'Catalog:ListVersions', kind: 'evaluate', call: '{ pageSize: 1 }' },
  ping: { tx: 'System:Ping', kind: 'endorse', call: 'a message' },
  init: { tx: 'Governance:InitGovernance', kind: 'endorse', call: 'the topology members' },
  'c-nat': { tx: 'Proposal:CreateProposal', kind: 'endorse', call: 'scope national' },
  'c-gov': {
    tx: 'Proposal:CreateProposal',
    kind: 'endorse',
    call: 'scope governance (maxChunkChanges unchanged)',
  },
  'c-gd': { tx: 'Proposal:CreateProposal', kind: 'endorse', call: 'scope provincial, province Guangdong' },
  'add-nat': {
    tx: 'Proposal:AddChunk',
    kind: 'endorse',
    call: 'chunk 1: upsert of a national drug',
    fixture: 'national draft',
  },
  'ovl-nat': {
    tx: 'Proposal:AddChunk',
    kind: 'endorse',
    call: "chunk 1: setOverlay for Guangdong (NHSA writing a province's overlay)",
    fixture: 'national draft',
  },
  'add-gd': {
    tx: 'Proposal:AddChunk',
    kind: 'endorse',
    call: 'chunk 1: setOverlay for Guangdong',
    fixture: 'Guangdong draft',
  },
  'ovl-sc': {
    tx: 'Proposal:AddChunk',
    kind: 'endorse',
    call: "chunk 1: setOverlay for Sichuan (Guangdong writing Sichuan's overlay)",
    fixture: 'Guangdong draft',
  },
  'pol-nat': {
    tx: 'Proposal:AddChunk',
    kind: 'endorse',
    call: "chunk 1: setPaymentPolicy for Guangdong (a province's payment policy in a national proposal)",
    fixture: 'national draft',
  },
  'pol-gd': {
    tx: 'Proposal:AddChunk',
    kind: 'endorse',
    call: 'chunk 1: setPaymentPolicy for Guangdong',
    fixture: 'Guangdong draft',
  },
  'pol-sc': {
    tx: 'Proposal:AddChunk',
    kind: 'endorse',
    call: "chunk 1: setPaymentPolicy for Sichuan (Guangdong writing Sichuan's payment policy)",
    fixture: 'Guangdong draft',
  },
  'open-nat': { tx: 'Proposal:OpenProposal', kind: 'endorse', call: 'open', fixture: 'national draft' },
  'open-gd': { tx: 'Proposal:OpenProposal', kind: 'endorse', call: 'open', fixture: 'Guangdong draft' },
  'wd-nat': { tx: 'Proposal:WithdrawProposal', kind: 'endorse', call: 'withdraw', fixture: 'national draft' },
  'wd-gd': { tx: 'Proposal:WithdrawProposal', kind: 'endorse', call: 'withdraw', fixture: 'Guangdong draft' },
  'ap-nat': {
    tx: 'Proposal:ApproveProposal',
    kind: 'endorse',
    call: 'vote naming what the chain shows',
    fixture: 'national open',
  },
  'rj-nat': {
    tx: 'Proposal:RejectProposal',
    kind: 'endorse',
    call: 'vote naming what the chain shows',
    fixture: 'national open',
  },
  'ap-gd': {
    tx: 'Proposal:ApproveProposal',
    kind: 'endorse',
    call: 'vote naming what the chain shows',
    fixture: 'Guangdong open',
  },
  'apl-nat': { tx: 'Proposal:ApplyChunk', kind: 'endorse', call: 'chunk 0', fixture: 'national approved' },
  'apl-gd': { tx: 'Proposal:ApplyChunk', kind: 'endorse', call: 'chunk 0', fixture: 'Guangdong approved' },
  'seal-nat': { tx: 'Proposal:SealVersion', kind: 'endorse', call: 'seal', fixture: 'national approved' },
  'seal-gd': { tx: 'Proposal:SealVersion', kind: 'endorse', call: 'seal', fixture: 'Guangdong approved' },
  'ap-gov': {
    tx: 'Governance:ApplyGovernanceProposal',
    kind: 'endorse',
    call: 'apply',
    fixture: 'governance approved',
  },
} as const satisfies Record<string, Operation>;
export type OperationName = keyof typeof OPERATIONS;

/** Callers that are not wallet identities of the topology (see the test for how each is made). */
export const SPECIAL_CALLERS = {
  'audit/approver-claim':
    "a real certificate of the auditors' CA (AuditMSP) carrying catalog.role=approver, enrolled by the test",
  'forged/gd-cert-as-nhsa':
    "Guangdong's approver certificate (Guangdong's CA, catalog.role=approver) presented as an NHSAMSP identity",
  'forged/own-ca-nhsa':
    'a certificate of a CA of our own making, subject O=NHSAMSP with catalog.role=approver, presented as NHSAMSP',
  'forged/unknown-msp':
    'a self-signed certificate (catalog.role=admin) presented as RogueMSP, an MSP the channel does not know',
} as const;

/**
 * THE table: a header naming the columns ({@link OPERATIONS}), then one row per caller (a wallet
 * identity `<org>/<identity>` or a {@link SPECIAL_CALLERS} entry) with one {@link Outcome} per
 * column. Cells are separated by spaces; the alignment is for people.
 */
export const ACCESS_MATRIX: readonly string[] = [
  'caller                 whoami gov  search props vers ping init  c-nat c-gov c-gd add-nat ovl-nat add-gd ovl-sc pol-nat pol-gd pol-sc open-nat open-gd wd-nat wd-gd ap-nat rj-nat ap-gd apl-nat apl-gd seal-nat seal-gd ap-gov',
  'nhsa/admin             ok     ok   ok     ok    ok   ok   EXIST ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ok     ORG   ROLE   ROLE   ROLE  ok      ORG    INCPL    ORG     ok',
  'nhsa/proposer          ok     ok   ok     ok    ok   ROLE ROLE  ok    ok    ORG  ok      SCOPE   ORG    ORG    SCOPE   ORG    ORG    ok       ORG     ok     ORG   ROLE   ROLE   ROLE  ok      ORG    INCPL    ORG     ok',
  'nhsa/approver          ok     ok   ok     ok    ok   ROLE ROLE  ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ok     ok     ORG   ROLE    ROLE   ROLE     ROLE    ROLE',
  'guangdong/admin        ok     ok   ok     ok    ok   ok   ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ORG    ok    ROLE   ROLE   ROLE  ORG     ok     ORG      INCPL   ORG',
  'guangdong/proposer     ok     ok   ok     ok    ok   ROLE ORG   ORG   ORG   ok   ORG     ORG     ok     SCOPE  ORG     ok     SCOPE  ORG      ok      ORG    ok    ROLE   ROLE   ROLE  ORG     ok     ORG      INCPL   ORG',
  'guangdong/approver     ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ok     ok     ok    ROLE    ROLE   ROLE     ROLE    ROLE',
  'guangdong/hospital1    ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ROLE   ROLE   ROLE  ROLE    ROLE   ROLE     ROLE    ROLE',
  'sichuan/admin          ok     ok   ok     ok    ok   ok   ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ORG    ORG   ROLE   ROLE   ROLE  ORG     ORG    ORG      ORG     ORG',
  'sichuan/proposer       ok     ok   ok     ok    ok   ROLE ORG   ORG   ORG   ORG  ORG     ORG     ORG    ORG    ORG     ORG    ORG    ORG      ORG     ORG    ORG   ROLE   ROLE   ROLE  ORG     ORG    ORG      ORG     ORG',
  'sichuan/approver       ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ok     ok     ORG   ROLE    ROLE   ROLE     ROLE    ROLE',
  'sichuan/hospital1      ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ROLE   ROLE   ROLE  ROLE    ROLE   ROLE     ROLE    ROLE',
  'shaanxi/admin          ok     ok   ok     ok    ok   ok   ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ORG    ORG   ROLE   ROLE   ROLE  ORG     ORG    ORG      ORG     ORG',
  'shaanxi/proposer       ok     ok   ok     ok    ok   ROLE ORG   ORG   ORG   ORG  ORG     ORG     ORG    ORG    ORG     ORG    ORG    ORG      ORG     ORG    ORG   ROLE   ROLE   ROLE  ORG     ORG    ORG      ORG     ORG',
  'shaanxi/approver       ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ok     ok     ORG   ROLE    ROLE   ROLE     ROLE    ROLE',
  'shaanxi/hospital1      ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ROLE   ROLE   ROLE  ROLE    ROLE   ROLE     ROLE    ROLE',
  'audit/admin            ok     ok   ok     ok    ok   ok   ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ORG    ORG   ROLE   ROLE   ROLE  ORG     ORG    ORG      ORG     ORG',
  'audit/auditor          ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ROLE   ROLE   ROLE  ROLE    ROLE   ROLE     ROLE    ROLE',
  'audit/approver-claim   ok     ok   ok     ok    ok   ROLE ORG   ROLE  ROLE  ROLE ROLE    ROLE    ROLE   ROLE   ROLE    ROLE   ROLE   ROLE     ROLE    ROLE   ROLE  ORG    ORG    ORG   ROLE    ROLE   ROLE     ROLE    ROLE',
  'forged/gd-cert-as-nhsa PEER   PEER PEER   PEER  PEER PEER PEER  PEER  PEER  PEER PEER    PEER    PEER   PEER   PEER    PEER   PEER   PEER     PEER    PEER   PEER  PEER   PEER   PEER  PEER    PEER   PEER     PEER    PEER',
  'forged/own-ca-nhsa     PEER   PEER PEER   PEER  PEER PEER PEER  PEER  PEER  PEER PEER    PEER    PEER   PEER   PEER    PEER   PEER   PEER     PEER    PEER   PEER  PEER   PEER   PEER  PEER    PEER   PEER     PEER    PEER',
  'forged/unknown-msp     PEER   PEER PEER   PEER  PEER PEER PEER  PEER  PEER  PEER PEER    PEER    PEER   PEER   PEER    PEER   PEER   PEER     PEER    PEER   PEER  PEER   PEER   PEER  PEER    PEER   PEER     PEER    PEER',
];

/** One cell of the parsed table. */
export interface Cell {
  readonly caller: string;
  readonly operation: OperationName;
  readonly expected: Outcome;
}

/** The parsed table: its columns, its callers in order and every cell; throws on a malformed table. */
export function parseAccessMatrix(table: readonly string[] = ACCESS_MATRIX): {
  columns: OperationName[];
  callers: string[];
  cells: Cell[];
} {
  const [header, ...rows] = table.map((line) => line.trim().split(/\s+/));
  if (header?.[0] !== 'caller') throw new Error("the access matrix's header must start with 'caller'");
  const columns = header.slice(1).map((name) => {
    if (!(name in OPERATIONS)) throw new Error(`unknown operation column '${name}'`);
    return name as OperationName;
  });
  if (new Set(columns).size !== columns.length) throw new Error('an operation column is repeated');
  const callers: string[] = [];
  const cells: Cell[] = [];
  for (const row of rows) {
    const [caller = '', ...outcomes] = row;
    if (outcomes.length !== columns.length) {
      throw new Error(
        `row ${caller} has ${String(outcomes.length)} cells for ${String(columns.length)} columns`,
      );
    }
    if (callers.includes(caller)) throw new Error(`caller ${caller} is repeated`);
    callers.push(caller);
    outcomes.forEach((outcome, i) => {
      if (!(outcome in OUTCOMES)) throw new Error(`row ${caller}: unknown outcome '${outcome}'`);
      cells.push({ caller, operation: columns[i] as OperationName, expected: outcome as Outcome });
    });
  }
  return { columns, callers, cells };
}

/** Markers around the generated part of docs/reliability.md. */
export const DOC_BEGIN =
  '<!-- access-matrix:begin (generated from test/network/support/access-matrix.ts) -->';
export const DOC_END = '<!-- access-matrix:end -->';

function mdRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** The table as Markdown (between {@link DOC_BEGIN} and {@link DOC_END} in docs/reliability.md). */
export function renderAccessMatrix(table: readonly string[] = ACCESS_MATRIX): string {
  const { columns, callers, cells } = parseAccessMatrix(table);
  const out: string[] = [DOC_BEGIN, ''];
  out.push(mdRow(['caller', ...columns.map((c) => `\`${c}\``)]));
  out.push(mdRow(['---', ...columns.map(() => '---')]));
  for (const caller of callers) {
    const row = cells
      .filter((c) => c.caller === caller)
      .map((c) => (c.expected === 'ok' ? 'ok' : c.expected));
    out.push(mdRow([`\`${caller}\``, ...row]));
  }
  out.push('', 'Columns:', '');
  out.push(mdRow(['column', 'transaction', 'how', 'called with', 'on']));
  out.push(mdRow(['---', '---', '---', '---', '---']));
  for (const name of columns) {
    const op: Operation = OPERATIONS[name];
    out.push(mdRow([`\`${name}\``, `\`${op.tx}\``, op.kind, op.call, op.fixture ?? '—']));
  }
  out.push('', 'Outcomes:', '');
  out.push(mdRow(['cell', 'code', 'meaning']));
  out.push(mdRow(['---', '---', '---']));
  for (const [name, o] of Object.entries(OUTCOMES)) {
    out.push(mdRow([name, o.code === null ? '—' : `\`${o.code}\``, o.meaning]));
  }
  out.push('', 'Callers that are not identities of the topology:', '');
  for (const [name, what] of Object.entries(SPECIAL_CALLERS)) out.push(`- \`${name}\`: ${what}.`);
  out.push('', DOC_END);
  return out.join('\n');
}
