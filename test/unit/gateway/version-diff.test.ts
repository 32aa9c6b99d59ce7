/**
 * diffCatalogVersions over scripted evaluate answers: the versions name their proposals, the
 * proposals' chunks name the touched items, and each touched item read as of both versions gives
 * item and overlay entries (added / removed / changed, with the differing fields).
 */
import * as grpc from '@grpc/grpc-js';
import { expect } from 'chai';
import { CatalogClient } from '../../../gateway-client/src/catalog-client';
import { CatalogClientError, ForbiddenError } from '../../../gateway-client/src/errors';
import { diffCatalogVersions } from '../../../gateway-client/src/version-diff';
import {
  MockGateway,
  evaluateResponse,
  rejection,
  serviceError,
  type UnaryCall,
} from './support/mock-gateway';

interface View {
  item: Record<string, unknown>;
  overlays: Record<string, unknown>[];
}

const item = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  kind: 'drug',
  name: `药品${id}`,
  dosageForm: '片剂',
  ...extra,
});
const overlay = (
  itemId: string,
  province: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  itemId,
  province,
  selfPayRatio: 0.1,
  suspended: false,
  ...extra,
});

/** A scripted catalog: versions → proposals → chunks, and each item as of a version. */
class ScriptedCatalog {
  public versions = new Map<number, string[]>();
  public proposals = new Map<string, { changes?: unknown[] }[]>();
  /** `${itemId}@${version}` → view; absent = ITEM_NOT_FOUND. */
  public items = new Map<string, View>();
  public forbidden = new Set<string>();

  public answer(call: UnaryCall): ReturnType<Parameters<MockGateway['otherwise']>[1]> {
    const input = JSON.parse(call.args[0] ?? '{}') as Record<string, unknown>;
    switch (call.transactionName) {
      case 'Catalog:GetVersion': {
        const number = input.version as number;
        return evaluateResponse({ version: number, proposalIds: this.versions.get(number) ?? [] });
      }
      case 'Proposal:GetProposal': {
        expect(input.includeChunks).to.equal(true);
        const chunks = this.proposals.get(input.proposalId as string) ?? [];
        return evaluateResponse({ proposal: { id: input.proposalId }, chunks });
      }
      case 'Catalog:GetItem': {
        const key = `${String(input.itemId)}@${String(input.version)}`;
        if (this.forbidden.has(key)) {
          return serviceError(grpc.status.UNKNOWN, 'evaluate failed', [
            { message: 'chaincode response 500, FORBIDDEN_ORG: not yours' },
          ]);
        }
        const view = this.items.get(key);
        if (!view) {
          return serviceError(grpc.status.UNKNOWN, 'evaluate call to endorser returned error', [
            { message: `chaincode response 500, ITEM_NOT_FOUND: no item ${String(input.itemId)}` },
          ]);
        }
        return evaluateResponse(view);
      }
      default:
        throw new Error(`unexpected ${String(call.transactionName)}`);
    }
  }
}

describe('diffCatalogVersions over scripted evaluate answers', function () {
  let mock: MockGateway;
  let client: CatalogClient;
  let catalog: ScriptedCatalog;

  beforeEach(function () {
    mock = new MockGateway();
    client = CatalogClient.fromConnection(mock.connection());
    catalog = new ScriptedCatalog();
    mock.otherwise('Evaluate', (call) => catalog.answer(call));
  });

  afterEach(function () {
    client.close();
  });

  it('reports added, removed and changed items and overlays between two versions', async function () {
    catalog.versions.set(2, ['P-1']);
    catalog.versions.set(3, ['P-2', 'P-3']);
    catalog.proposals.set('P-1', [
      {
        changes: [
          { op: 'upsertItem', item: item('D-A', { remark: 'new' }) },
          { op: 'setOverlay', overlay: overlay('D-B', 'Guangdong') },
        ],
      },
      {},
    ]);
    catalog.proposals.set('P-2', [
      {
        changes: [
          { op: 'removeItem', itemId: 'D-C' },
          { op: 'clearOverlay', itemId: 'D-B', province: 'Sichuan' },
          { op: 'upsertItem', item: item('D-E') },
        ],
      },
    ]);
    catalog.proposals.set('P-3', [
      {
        changes: [
          { op: 'upsertItem', item: item('D-F') },
          { op: 'setOverlay', overlay: overlay('D-F', 'Shaanxi') },
        ],
      },
    ]);
    catalog.items.set('D-A@1', { item: item('D-A', { remark: null }), overlays: [] });
    catalog.items.set('D-A@3', { item: item('D-A', { remark: 'new' }), overlays: [] });
    catalog.items.set('D-B@1', { item: item('D-B'), overlays: [overlay('D-B', 'Sichuan')] });
    catalog.items.set('D-B@3', { item: item('D-B'), overlays: [overlay('D-B', 'Guangdong')] });
    catalog.items.set('D-C@1', { item: item('D-C'), overlays: [overlay('D-C', 'Sichuan')] });
    catalog.items.set('D-E@3', { item: item('D-E'), overlays: [] });
    catalog.items.set('D-F@1', {
      item: item('D-F'),
      overlays: [overlay('D-F', 'Shaanxi', { selfPayRatio: 0.2 }), overlay('D-F', 'Guangdong')],
    });
    catalog.items.set('D-F@3', {
      item: item('D-F'),
      overlays: [overlay('D-F', 'Guangdong'), overlay('D-F', 'Shaanxi', { selfPayRatio: 0.3 })],
    });

    const entries = await diffCatalogVersions(client, 1, 3);

    expect(entries).to.deep.equal([
      {
        change: 'changed',
        kind: 'item',
        itemId: 'D-A',
        province: null,
        name: '药品D-A',
        fields: [{ field: 'remark', before: null, after: 'new' }],
      },
      { change: 'added', kind: 'overlay', itemId: 'D-B', province: 'Guangdong', name: '药品D-B', fields: [] },
      { change: 'removed', kind: 'overlay', itemId: 'D-B', province: 'Sichuan', name: '药品D-B', fields: [] },
      { change: 'removed', kind: 'item', itemId: 'D-C', province: null, name: '药品D-C', fields: [] },
      { change: 'removed', kind: 'overlay', itemId: 'D-C', province: 'Sichuan', name: '药品D-C', fields: [] },
      { change: 'added', kind: 'item', itemId: 'D-E', province: null, name: '药品D-E', fields: [] },
      {
        change: 'changed',
        kind: 'overlay',
        itemId: 'D-F',
        province: 'Shaanxi',
        name: '药品D-F',
        fields: [{ field: 'selfPayRatio', before: 0.2, after: 0.3 }],
      },
    ]);
    const asked = mock
      .callsOf('Evaluate')
      .map((call) => `${String(call.transactionName)} ${call.args[0] ?? ''}`);
    expect(asked.slice(0, 5)).to.deep.equal([
      'Catalog:GetVersion {"version":2}',
      'Proposal:GetProposal {"proposalId":"P-1","includeChunks":true}',
      'Catalog:GetVersion {"version":3}',
      'Proposal:GetProposal {"proposalId":"P-2","includeChunks":true}',
      'Proposal:GetProposal {"proposalId":"P-3","includeChunks":true}',
    ]);
    // each of the five touched items read once as of each version, in item order
    expect(asked.slice(5)).to.deep.equal(
      ['D-A', 'D-B', 'D-C', 'D-E', 'D-F'].flatMap((id) => [
        `Catalog:GetItem {"itemId":"${id}","version":1}`,
        `Catalog:GetItem {"itemId":"${id}","version":3}`,
      ]),
    );
  });

  it('reads nothing as of version 0 (the empty catalog)', async function () {
    catalog.versions.set(1, ['P-1']);
    catalog.proposals.set('P-1', [{ changes: [{ op: 'upsertItem', item: item('D-A') }] }]);
    catalog.items.set('D-A@1', { item: item('D-A'), overlays: [overlay('D-A', 'Guangdong')] });
    const entries = await diffCatalogVersions(client, 0, 1);
    expect(entries.map((e) => [e.change, e.kind, e.itemId, e.province])).to.deep.equal([
      ['added', 'item', 'D-A', null],
      ['added', 'overlay', 'D-A', 'Guangdong'],
    ]);
    expect(
      mock.callsOf('Evaluate').filter((call) => call.transactionName === 'Catalog:GetItem'),
    ).to.have.length(1);
  });

  it('reports nothing for an item touched but not changed', async function () {
    catalog.versions.set(2, ['P-1']);
    catalog.proposals.set('P-1', [{ changes: [{ op: 'upsertItem', item: item('D-A') }] }]);
    catalog.items.set('D-A@1', { item: item('D-A'), overlays: [overlay('D-A', 'Sichuan')] });
    catalog.items.set('D-A@2', { item: item('D-A'), overlays: [overlay('D-A', 'Sichuan')] });
    expect(await diffCatalogVersions(client, 1, 2)).to.deep.equal([]);
  });

  it('passes on errors other than ITEM_NOT_FOUND', async function () {
    catalog.versions.set(2, ['P-1']);
    catalog.proposals.set('P-1', [{ changes: [{ op: 'removeItem', itemId: 'S-GD-001' }] }]);
    catalog.forbidden.add('S-GD-001@1');
    const error = await rejection(diffCatalogVersions(client, 1, 2));
    expect(error).to.be.instanceOf(ForbiddenError);
    expect((error as ForbiddenError).code).to.equal('FORBIDDEN_ORG');
  });

  for (const [from, to] of [
    [2, 2],
    [3, 1],
    [-1, 2],
    [1.5, 3],
    [1, Number.NaN],
  ] as const) {
    it(`refuses versions ${from} and ${to} without asking the peer`, async function () {
      const error = await rejection(diffCatalogVersions(client, from, to));
      expect(error).to.be.instanceOf(CatalogClientError);
      expect((error as CatalogClientError).code).to.equal('INVALID_INPUT');
      expect(mock.calls).to.have.length(0);
    });
  }
});
