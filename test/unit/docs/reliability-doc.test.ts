/**
 * docs/reliability.md shows the access matrix the real-network test runs: the table in the document
 * is the one rendered from test/network/support/access-matrix.ts (rewrite it with
 * `ts-node scripts/reliability-doc.ts`), and that table is well formed.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  accessMatrixSection,
  normaliseTables,
  RELIABILITY_DOC,
  renderSoakTable,
  replaceSection,
} from '../../../scripts/reliability-doc';
import {
  OPERATIONS,
  parseAccessMatrix,
  renderAccessMatrix,
  SPECIAL_CALLERS,
} from '../../network/support/access-matrix';
import { MEMBERS, TOPOLOGY_FILE } from '../support/members';

describe('docs/reliability.md', function () {
  it('shows the access matrix of the network test, as rendered from its table', function () {
    const section = accessMatrixSection(readFileSync(RELIABILITY_DOC, 'utf8'));
    expect(section, 'docs/reliability.md has the access-matrix markers').to.be.a('string');
    expect(normaliseTables(section ?? ''), 'rewrite it with: ts-node scripts/reliability-doc.ts').to.equal(
      normaliseTables(renderAccessMatrix()),
    );
  });

  it('the table has every operation once, one outcome per cell, and every identity of the topology', function () {
    const { columns, callers, cells } = parseAccessMatrix();
    expect(new Set(columns)).to.deep.equal(new Set(Object.keys(OPERATIONS)));
    expect(cells.length).to.equal(columns.length * callers.length);
    const topology = JSON.parse(readFileSync(TOPOLOGY_FILE, 'utf8')) as {
      orgs: { name: string; identities: { name: string }[] }[];
    };
    const identities = topology.orgs.flatMap((o) => o.identities.map((i) => `${o.name}/${i.name}`));
    expect(callers).to.include.members([...identities, ...Object.keys(SPECIAL_CALLERS)]);
    expect(MEMBERS.provinces.length).to.equal(3);
  });

  it('a malformed table is refused', function () {
    expect(() => parseAccessMatrix(['who whoami'])).to.throw(/header/);
    expect(() => parseAccessMatrix(['caller nope'])).to.throw(/unknown operation/);
    expect(() => parseAccessMatrix(['caller whoami whoami'])).to.throw(/repeated/);
    expect(() => parseAccessMatrix(['caller whoami', 'a/b ok ok'])).to.throw(/cells/);
    expect(() => parseAccessMatrix(['caller whoami', 'a/b maybe'])).to.throw(/unknown outcome/);
    expect(() => parseAccessMatrix(['caller whoami', 'a/b ok', 'a/b ok'])).to.throw(/repeated/);
  });

  it('the soak table sums each suite and says what was lost', function () {
    const table = renderSoakTable(
      [
        { suite: 's', target: 'a', cases: 10, refused: 7, accepted: 3, failures: 0, ms: 1000 },
        { suite: 's', target: 'b', cases: 5, refused: 5, accepted: 0, failures: 0, ms: 500 },
        { suite: 'f', target: 'kill', cases: 1, refused: 0, accepted: 1, failures: 1, ms: 10, note: 'x' },
      ],
      {
        commit: 'abc',
        date: '2026-01-01',
        unitRuns: 10,
        networkRuns: 5,
        networkSkipped: 'no Fabric',
        failedSuites: ['f'],
      },
    );
    expect(table).to.contain(
      '| s | 2 | 15 | 12 | 3 | no crash; every refusal a registered code; nothing written by a refusal | none | 2 s |',
    );
    expect(table).to.contain('**1 failures**');
    expect(table).to.contain('real-network suites not run (no Fabric)');
    const withConcurrency = renderSoakTable([], {
      commit: 'abc',
      date: '2026-01-01',
      unitRuns: 10,
      networkRuns: 5,
      concurrencySeconds: 600,
      networkSkipped: null,
      failedSuites: [],
    });
    expect(withConcurrency).to.contain('5 per transaction on the real network; concurrency for 600 s.');
    expect(replaceSection('a[b]c', '[', ']', 'X')).to.equal('aXc');
    expect(() => replaceSection('abc', '[', ']', 'X')).to.throw(/markers/);
  });
});
