// Quiet fabric-contract-api's decorator logging before any chaincode module loads.
import '../chaincode/support/quiet';
import { expect } from 'chai';
import {
  auditReportData,
  auditReportInput,
  buildLedgerModel,
  decodeBlock,
  renderAuditReportHtml,
  SqliteAuditStore,
  verifyStore,
  type AuditReportInput,
  type Divergence,
  type VerifyResult,
} from '../../../gateway-client/src/audit';
import { scenario } from './support/scenario';

/** The inner markup of the `<svg data-chart="id">` element (fails when absent or duplicated). */
function chart(html: string, id: string): string {
  const found = [...html.matchAll(new RegExp(`<svg[^>]*data-chart="${id}"[^>]*>([\\s\\S]*?)</svg>`, 'g'))];
  expect(found, `chart ${id}`).to.have.length(1);
  return found[0]![1]!;
}

function bars(svg: string): { label: string; value: number }[] {
  return [...svg.matchAll(/<rect class="bar"[^>]*data-label="([^"]*)" data-value="([^"]*)"/g)].map((m) => ({
    label: m[1]!,
    value: Number(m[2]),
  }));
}

describe('audit HTML report', () => {
  let input: AuditReportInput;
  let verified: VerifyResult;
  let html: string;

  before(async () => {
    const s = await scenario();
    const store = new SqliteAuditStore();
    for (const b of s.blocks) {
      await store.writeBlock(decodeBlock(b));
    }
    const model = await buildLedgerModel(store);
    input = auditReportInput(await auditReportData(store, model), model);
    verified = await verifyStore(store);
    await store.close();
    html = renderAuditReportHtml(input, { verify: verified, generatedAt: '2025-08-01T10:00:00.000Z' });
  });

  it('is one HTML document with a chart per question, each titled and with one bar per data point', () => {
    expect(html).to.match(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html).to.contain('<meta charset="utf-8">');
    const { data } = input;

    const perVersion = chart(html, 'changes-per-version');
    expect(perVersion).to.match(/^<title>Changes per version<\/title>/);
    expect(bars(perVersion)).to.deep.equal(
      data.perVersion.map((v) => ({ label: `v${v.version}`, value: v.changes })),
    );
    expect(bars(perVersion).map((b) => b.value)).to.deep.equal([3, 1, 3, 1]);

    const perProvince = chart(html, 'changes-per-province');
    expect(perProvince).to.match(/^<title>Changes per province<\/title>/);
    expect(bars(perProvince)).to.deep.equal(
      data.perProvince.map((p) => ({ label: p.province, value: p.changes })),
    );

    const toSeal = chart(html, 'proposal-to-seal');
    expect(toSeal).to.match(/^<title>Time from proposal to seal<\/title>/);
    expect(data.proposalToSeal.length).to.be.greaterThan(0);
    expect(bars(toSeal).map((b) => b.value)).to.deep.equal(data.proposalToSeal.map((p) => p.durationMs));

    const attempts = chart(html, 'rejected-attempts');
    expect(attempts).to.match(/^<title>Rejected and invalid attempts<\/title>/);
    expect(bars(attempts)).to.deep.equal([
      { label: 'ENDORSEMENT_POLICY_FAILURE', value: 1 },
      { label: 'proposal rejected', value: 1 },
    ]);
  });

  it('lists versions with digest and hash prefixes, proposer and approvers, and the invalid transactions', () => {
    for (const v of input.versions) {
      expect(html).to.contain(`<code title="${v.digest}">${v.digest.slice(0, 12)}</code>`);
      expect(html).to.contain(`<code title="${v.versionHash}">${v.versionHash.slice(0, 12)}</code>`);
    }
    expect(input.versions[2]!.proposers.map((p) => p.mspId)).to.deep.equal(['NHSAMSP']);
    expect(input.versions[2]!.approvers.map((p) => p.mspId)).to.deep.equal([
      'NHSAMSP',
      'GuangdongMSP',
      'SichuanMSP',
    ]);
    expect(html).to.contain('NHSAMSP · approver@NHSAMSP');
    expect(html).to.contain('<span class="pill bad">ENDORSEMENT_POLICY_FAILURE</span>');
    expect(html).to.contain('复方硼砂'); // Chinese item names are kept as UTF-8 text
    expect(html).to.contain('data-verify="ok"');
  });

  it('says in its banner which checks ran: the store checks, not the independent verification', () => {
    const banner = /<div class="banner ok" data-verify="ok" data-checks="store">([\s\S]*?)<\/div>/.exec(html);
    expect(banner, 'banner').to.not.equal(null);
    expect(banner![1]).to.match(/^✓ Store checks passed: 4 sealed versions and \d+ blocks/);
    expect(banner![1]).to.contain('Store checks only (state digests, version hash chain, block hash chain');
    expect(banner![1]).to.contain('NOT an independent verification');
    expect(banner![1]).to.contain('<code>catalog audit verify</code>');
  });

  it('is self-contained: no script, no external source, link, font or stylesheet', () => {
    expect(html).to.not.match(/<script/i);
    expect(html).to.not.match(/<link/i);
    expect(html).to.not.match(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).to.not.match(/@import|url\(/i);
    expect(html).to.not.match(/https?:\/\//i);
  });

  it('escapes text taken from the ledger', () => {
    const evil = '<script>alert("x")</script>';
    const tampered: AuditReportInput = {
      ...input,
      changes: input.changes.map((c, i) => (i === 0 ? { ...c, itemName: evil } : c)),
      data: {
        ...input.data,
        unsuccessfulProposals: input.data.unsuccessfulProposals.map((p) => ({ ...p, title: `${evil}&` })),
        perProvince: [{ province: `"><img onerror=x>`, versions: 1, changes: 2 }],
      },
    };
    const out = renderAuditReportHtml(tampered, { title: `<b>${evil}</b>` });
    expect(out).to.not.match(/<script/i);
    expect(out).to.not.contain('<img');
    expect(out).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(out).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    expect(bars(chart(out, 'changes-per-province'))).to.deep.equal([
      { label: '&quot;&gt;&lt;img onerror=x&gt;', value: 2 },
    ]);
  });

  it('shows the first divergence in a banner when verification failed', () => {
    const divergence: Divergence = {
      ok: false,
      version: 3,
      block: 12,
      txId: 'tx',
      itemId: 'item-<1>',
      field: 'item.paymentStandard.amount',
      expected: 58,
      found: 1,
      message: 'version 3, item item-<1>, block 12: item.paymentStandard.amount is 1, expected 58',
    };
    const out = renderAuditReportHtml(input, { verify: divergence });
    expect(out).to.contain('data-verify="mismatch" data-checks="store">✗ Store checks failed at version 3');
    expect(out).to.contain('NOT an independent verification');
    expect(out).to.contain('version 3, item item-&lt;1&gt;, block 12: item.paymentStandard.amount');
    expect(out).to.contain('expected <code>58</code>, found <code>1</code>');
    expect(renderAuditReportHtml(input)).to.not.contain('data-verify');
  });

  it('draws every chart, without bars, for an empty store', () => {
    const out = renderAuditReportHtml({
      data: {
        summary: {
          blocks: 0,
          transactions: 0,
          validTransactions: 0,
          invalidTransactions: 0,
          versions: 0,
          items: 0,
          overlays: 0,
        },
        perVersion: [],
        perProvince: [],
        proposalToSeal: [],
        unsuccessfulProposals: [],
        invalidTransactions: [],
      },
      versions: [],
      changes: [],
    });
    for (const id of [
      'changes-per-version',
      'changes-per-province',
      'proposal-to-seal',
      'rejected-attempts',
    ]) {
      expect(bars(chart(out, id))).to.deep.equal([]);
    }
  });
});
