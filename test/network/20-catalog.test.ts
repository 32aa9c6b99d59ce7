import { expect } from 'chai';
import { type DigestEntry, digestOfEntries, type Proposal } from '@nrdl-catalog/chaincode/model';
import {
  CatalogClientError,
  ConflictError,
  ForbiddenError,
  TransactionError,
  validationCodeName,
} from '../../gateway-client/src';
import {
  approveAs,
  clientAs,
  closeClients,
  drugItem,
  ensureCatalog,
  idOf,
  mapPool,
  review,
  uniqueName,
  upserts,
} from './support/catalog';
import { peersInStep } from './support/network';

async function expectCode(promise: Promise<unknown>, code: string): Promise<CatalogClientError> {
  try {
    await promise;
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(CatalogClientError);
    expect((error as CatalogClientError).code, (error as Error).message).to.equal(code);
    return error as CatalogClientError;
  }
  expect.fail(`expected ${code}`);
}

async function status(id: string): Promise<Proposal['status']> {
  // read through the auditors' peer once every peer has the blocks the votes just committed at
  // the voters' own peers (a submit returns when its own organisation's peer committed it)
  await peersInStep();
  const shown = (await clientAs('audit/auditor').getProposal({ proposalId: id })) as { proposal: Proposal };
  return shown.proposal.status;
}

/** Creates a proposal with one chunk and opens it; returns its id. */
async function openProposal(
  as: string,
  scope: { scope: 'national' | 'provincial'; province?: string },
  changes: Parameters<ReturnType<typeof clientAs>['addChunk']>[0]['changes'],
  title: string,
): Promise<string> {
  const proposer = clientAs(as);
  const created = await proposer.createProposal({
    ...scope,
    title,
    rationale: `test: ${title}`,
    effectiveFrom: '2025-01-01',
  });
  const proposalId = created.value.id;
  expect(created.value.status).to.equal('draft');
  expect(proposalId).to.equal(created.transactionId);
  await proposer.addChunk({ proposalId, chunkIndex: 0, changes });
  await proposer.openProposal({ proposalId });
  return proposalId;
}

async function applyAndSeal(as: string, proposalId: string): Promise<number> {
  const client = clientAs(as);
  await client.applyChunk({ proposalId, chunkIndex: 0 });
  return (await client.sealVersion({ proposalId })).value.version;
}

describe('real network: catalog chaincode', function () {
  before(async function () {
    await ensureCatalog();
  });

  after(function () {
    closeClients();
  });

  it('takes a national proposal draft → open → NHSA + 2 provinces → applied → sealed, seen by hospitals everywhere', async function () {
    const item = drugItem(uniqueName('测试药'), { remark: '限成人。' });
    const proposalId = await openProposal(
      'nhsa/proposer',
      { scope: 'national' },
      upserts(item),
      'national add',
    );
    expect(await status(proposalId)).to.equal('open');

    await expectCode(clientAs('nhsa/proposer').applyChunk({ proposalId, chunkIndex: 0 }), 'QUORUM_NOT_MET');
    await clientAs('nhsa/approver').approveProposal(await review(proposalId));
    expect(await status(proposalId)).to.equal('open');
    await clientAs('guangdong/approver').approveProposal(await review(proposalId));
    expect(await status(proposalId), 'NHSA + 1 of 3 provinces is no majority').to.equal('open');
    await clientAs('sichuan/approver').approveProposal(await review(proposalId));
    expect(await status(proposalId)).to.equal('approved');

    const version = await applyAndSeal('nhsa/proposer', proposalId);
    expect(await status(proposalId)).to.equal('applied');
    for (const hospital of ['guangdong/hospital1', 'sichuan/hospital1', 'shaanxi/hospital1']) {
      const province = hospital.split('/')[0] ?? '';
      const answer = await clientAs(hospital).checkCoverage({
        province,
        itemId: idOf(item),
        date: '2025-06-01',
      });
      expect(answer, hospital).to.include({
        covered: true,
        reason: 'COVERED',
        catalogVersion: version,
        restriction: '限成人。',
      });
    }
  });

  it('lets Shaanxi alone approve a Shaanxi-only proposal; its service item is covered in Shaanxi only', async function () {
    const name = uniqueName('测试服务');
    const code = `T${Date.now().toString().slice(-8)}`;
    const proposalId = await openProposal(
      'shaanxi/proposer',
      { scope: 'provincial', province: 'Shaanxi' },
      [
        {
          op: 'upsertItem',
          item: {
            kind: 'service',
            section: '医疗服务项目',
            name,
            code,
            unit: '次',
            prices: { level3: '10', level2: '9', level1: '待定' },
            fundPayable: true,
            province: 'Shaanxi',
            provenance: { edition: 'TEST', sourceRow: null, source: 'test' },
          },
        },
      ],
      'shaanxi service',
    );
    await clientAs('shaanxi/approver').approveProposal(await review(proposalId));
    expect(await status(proposalId)).to.equal('approved');
    await applyAndSeal('shaanxi/proposer', proposalId);
    const itemId = `S-SN-${code}`;
    const inShaanxi = await clientAs('shaanxi/hospital1').checkCoverage({ province: 'Shaanxi', itemId });
    expect(inShaanxi).to.include({ covered: true, reason: 'COVERED' });
    const inGuangdong = await clientAs('guangdong/hospital1').checkCoverage({
      province: 'Guangdong',
      itemId,
    });
    expect(inGuangdong).to.include({ covered: false, reason: 'NOT_IN_PROVINCE' });
  });

  it('refuses a Guangdong approver voting on a Sichuan proposal (FORBIDDEN_ORG) and records nothing', async function () {
    const base = drugItem(uniqueName('四川覆盖药'));
    const national = await openProposal(
      'nhsa/proposer',
      { scope: 'national' },
      upserts(base),
      'base for sichuan',
    );
    await approveAs(national, ['nhsa/approver', 'guangdong/approver', 'shaanxi/approver']);
    await applyAndSeal('nhsa/proposer', national);
    const proposalId = await openProposal(
      'sichuan/proposer',
      { scope: 'provincial', province: 'Sichuan' },
      [
        {
          op: 'setOverlay',
          overlay: {
            itemId: idOf(base),
            province: 'Sichuan',
            selfPayRatio: 0.1,
            restriction: '限二级及以上医疗机构',
          },
        },
      ],
      'sichuan overlay',
    );
    const refused = await expectCode(
      clientAs('guangdong/approver').approveProposal(await review(proposalId)),
      'FORBIDDEN_ORG',
    );
    expect(refused).to.be.instanceOf(ForbiddenError);
    await expectCode(
      clientAs('sichuan/hospital1').approveProposal(await review(proposalId)),
      'FORBIDDEN_ROLE',
    );
    const shown = (await clientAs('audit/auditor').getProposal({ proposalId })) as {
      votes: unknown[];
      proposal: Proposal;
    };
    expect(shown.votes).to.have.length(0);
    expect(shown.proposal.status).to.equal('open');
  });

  it('invalidates a Sichuan overlay write endorsed only by Guangdong (ENDORSEMENT_POLICY_FAILURE); the key is unchanged', async function () {
    const base = drugItem(uniqueName('背书药'));
    const national = await openProposal(
      'nhsa/proposer',
      { scope: 'national' },
      upserts(base),
      'base for sbe',
    );
    await approveAs(national, ['nhsa/approver', 'guangdong/approver', 'sichuan/approver']);
    await applyAndSeal('nhsa/proposer', national);
    const itemId = idOf(base);
    const first = await openProposal(
      'sichuan/proposer',
      { scope: 'provincial', province: 'Sichuan' },
      [{ op: 'setOverlay', overlay: { itemId, province: 'Sichuan', selfPayRatio: 0.1 } }],
      'sichuan overlay v1',
    );
    await clientAs('sichuan/approver').approveProposal(await review(first));
    await applyAndSeal('sichuan/proposer', first);

    const second = await openProposal(
      'sichuan/proposer',
      { scope: 'provincial', province: 'Sichuan' },
      [{ op: 'setOverlay', overlay: { itemId, province: 'Sichuan', selfPayRatio: 0.5 } }],
      'sichuan overlay v2',
    );
    await clientAs('sichuan/approver').approveProposal(await review(second));
    const sichuan = clientAs('sichuan/proposer');
    const forged = sichuan.connection.contract.newProposal('Proposal:ApplyChunk', {
      arguments: [JSON.stringify({ proposalId: second, chunkIndex: 0 })],
      endorsingOrganizations: ['GuangdongMSP'],
    });
    const endorsed = await forged.endorse();
    const commit = await endorsed.submit();
    const result = await commit.getStatus();
    expect(result.successful).to.equal(false);
    expect(validationCodeName(result.code)).to.equal('ENDORSEMENT_POLICY_FAILURE');

    const shown = (await clientAs('audit/auditor').getProposal({ proposalId: second })) as {
      chunks: { applied: boolean }[];
    };
    expect(shown.chunks[0]?.applied, 'chunk stays unapplied').to.equal(false);
    const coverage = await clientAs('sichuan/hospital1').checkCoverage({ province: 'Sichuan', itemId });
    expect(coverage.provincial?.selfPayRatio, 'overlay unchanged').to.equal(0.1);

    await applyAndSeal('sichuan/proposer', second);
    const after = await clientAs('sichuan/hospital1').checkCoverage({ province: 'Sichuan', itemId });
    expect(after.provincial?.selfPayRatio).to.equal(0.5);
  });

  it('ends two concurrent proposals on the same item well defined: one applies, the other gets VERSION_CONFLICT', async function () {
    const name = uniqueName('并发药');
    const a = await openProposal(
      'nhsa/proposer',
      { scope: 'national' },
      upserts(drugItem(name, { remark: 'A' })),
      'concurrent A',
    );
    const b = await openProposal(
      'nhsa/proposer',
      { scope: 'national' },
      upserts(drugItem(name, { remark: 'B' })),
      'concurrent B',
    );
    for (const proposalId of [a, b]) {
      await approveAs(proposalId, ['nhsa/approver', 'guangdong/approver', 'sichuan/approver']);
    }
    const outcomes = await Promise.allSettled(
      [a, b].map((proposalId) => clientAs('nhsa/proposer').applyChunk({ proposalId, chunkIndex: 0 })),
    );
    const won = outcomes.findIndex((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.findIndex((outcome) => outcome.status === 'rejected');
    expect(won, 'one apply succeeds').to.be.at.least(0);
    expect(lost, 'the other is refused').to.be.at.least(0);
    const reason: unknown = (outcomes[lost] as PromiseRejectedResult).reason;
    if (!(reason instanceof ConflictError || reason instanceof TransactionError)) {
      expect.fail(`unexpected failure ${String(reason)}`);
    }
    expect(reason.code).to.be.oneOf(['VERSION_CONFLICT', 'MVCC_READ_CONFLICT']);
    const winner = won === 0 ? a : b;
    const loser = won === 0 ? b : a;
    const version = (await clientAs('nhsa/proposer').sealVersion({ proposalId: winner })).value.version;
    await expectCode(
      clientAs('nhsa/proposer').applyChunk({ proposalId: loser, chunkIndex: 0 }),
      'VERSION_CONFLICT',
    );
    const item = (await clientAs('audit/auditor').getItem({ itemId: idOf(drugItem(name)) })) as unknown as {
      item: { remark: string };
      catalogVersion: number;
    };
    expect(item.item.remark).to.equal(won === 0 ? 'A' : 'B');
    expect(item.catalogVersion).to.equal(version);
  });

  it('stores a version digest equal to one recomputed from every item and overlay of that version', async function () {
    const auditor = clientAs('audit/auditor');
    const head = await auditor.getVersion({});
    const ids: string[] = [];
    let bookmark = '';
    for (;;) {
      const page = await auditor.searchItems({
        version: head.version,
        pageSize: 200,
        ...(bookmark ? { bookmark } : {}),
      });
      ids.push(...page.records.map((summary) => summary.itemId));
      if (!page.bookmark) break;
      bookmark = page.bookmark;
    }
    const perItem = await mapPool(ids, 8, async (itemId): Promise<DigestEntry[]> => {
      const got = (await auditor.getItem({ itemId, version: head.version })) as unknown as {
        item: unknown;
        overlays: { province: string }[];
      };
      return [
        { type: 'item', itemId, data: got.item },
        ...got.overlays.map((overlay): DigestEntry => ({
          type: 'overlay',
          itemId,
          province: overlay.province,
          data: overlay,
        })),
      ];
    });
    const entries = perItem.flat();
    expect(entries.length).to.be.greaterThan(0);
    expect(digestOfEntries(entries)).to.equal(head.digest);
  });
});
