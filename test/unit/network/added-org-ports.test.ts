import { expect } from 'chai';
import {
  ADDED_ORGS_PORT_ENV,
  addedOrgPorts,
  addedOrgsBlock,
  addProvinceToTopology,
} from '../../../network/src/add-org';
import { loadTopology, TopologyError, type Topology } from '../../../network/src/topology';
import { HUBEI } from './support/provinces';

/**
 * The topology on the canonical ports (21000–21499, whatever shift the checkout runs on) moved by
 * `offset`, as parallel networks on one machine move theirs.
 */
function shifted(offset: number): Record<string, unknown> {
  const raw = JSON.parse(JSON.stringify(loadTopology())) as Record<string, unknown>;
  const lowest = Math.min(...loadTopology().orgs.map((org) => org.peer.port));
  const delta = offset - (Math.floor(lowest / 500) * 500 - 21000);
  const move = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((v) => move(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, move(v, k)]));
    }
    return typeof value === 'number' && key.includes('ort') ? value + delta : value;
  };
  return move(raw) as Record<string, unknown>;
}

const CANONICAL = shifted(0) as unknown as Topology;

describe('network: the block of ports of added provinces follows the topology', function () {
  it('is 500 above the block of the lowest port: 21500–21999 on the canonical ports', function () {
    expect(addedOrgsBlock(CANONICAL, {})).to.deep.equal({ first: 21500, end: 22000 });
  });

  it('moves with a topology shifted as a whole (+3000: 24500–24999)', function () {
    const topology = shifted(3000) as unknown as Topology;
    expect(addedOrgsBlock(topology, {})).to.deep.equal({ first: 24500, end: 25000 });
    const { topology: grown, changed } = addProvinceToTopology(shifted(3000), HUBEI, {});
    expect(changed).to.equal(true);
    const hubei = (grown.orgs as Topology['orgs']).find((org) => org.name === 'hubei');
    expect(hubei?.peer).to.deep.equal({ port: 24501, chaincodePort: 24502, operationsPort: 24503 });
    expect(hubei?.ca).to.deep.equal({ port: 24504, operationsPort: 24505 });
  });

  it('gives the second added province the next ten ports of the shifted block', function () {
    const first = addProvinceToTopology(shifted(3000), HUBEI, {}).topology;
    const second = addProvinceToTopology(
      first,
      {
        ...HUBEI,
        name: 'hunan',
        mspId: 'HunanMSP',
        province: 'Hunan',
        zh: '湖南省',
        zhShort: '湖南',
        abbr: '湘',
        code: 'HN',
        division: '430000',
      },
      {},
    ).topology;
    const hunan = (second.orgs as Topology['orgs']).find((org) => org.name === 'hunan');
    expect(hunan?.peer.port).to.equal(24511);
  });

  it(`takes its first port from ${ADDED_ORGS_PORT_ENV} when set`, function () {
    expect(addedOrgsBlock(CANONICAL, { [ADDED_ORGS_PORT_ENV]: '30000' })).to.deep.equal({
      first: 30000,
      end: 30500,
    });
    expect(addedOrgsBlock(CANONICAL, { [ADDED_ORGS_PORT_ENV]: ' ' })).to.deep.equal({
      first: 21500,
      end: 22000,
    });
    const grown = addProvinceToTopology(shifted(0), HUBEI, { [ADDED_ORGS_PORT_ENV]: '30000' }).topology;
    expect((grown.orgs as Topology['orgs']).find((org) => org.name === 'hubei')?.peer.port).to.equal(30001);
  });

  it('refuses a setting that is not a port with room for the block', function () {
    for (const bad of ['abc', '80', '65400', '21500.5'])
      expect(() => addedOrgsBlock(CANONICAL, { [ADDED_ORGS_PORT_ENV]: bad })).to.throw(
        TopologyError,
        ADDED_ORGS_PORT_ENV,
      );
  });

  it('refuses a topology with no organisations to place the block beside', function () {
    expect(() => addedOrgsBlock({ orgs: [] }, {})).to.throw(TopologyError, /no organisations/);
  });

  it('numbers the ports inside the block it is given and refuses once it is full', function () {
    const block = { first: 24500, end: 25000 };
    expect(addedOrgPorts(0, block).peer.port).to.equal(24501);
    expect(addedOrgPorts(49, block).ca.operationsPort).to.equal(24995);
    expect(() => addedOrgPorts(50, block)).to.throw(TopologyError, /24500-24999/);
  });
});
