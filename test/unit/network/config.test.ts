import { expect } from 'chai';
import path from 'node:path';
import { BUILDER_ENV, CHAINCODE_NODE_OPTIONS, configtx } from '../../../network/src/config-files';
import { nodeOuConfig } from '../../../network/src/ca';
import { ordererEnv, peerEnv } from '../../../network/src/node-env';
import { networkPaths } from '../../../network/src/paths';
import { findOrg, loadTopology } from '../../../network/src/topology';

interface Profile {
  Orderer: {
    OrdererType: string;
    BatchTimeout: string;
    EtcdRaft: { Consenters: { Host: string; Port: number }[] };
    Organizations: { ID: string }[];
  };
  Application: { Organizations: { ID: string; AnchorPeers: { Host: string; Port: number }[] }[] };
  Capabilities: Record<string, boolean>;
}

describe('generated Fabric configuration', function () {
  const topology = loadTopology();
  const paths = networkPaths('/repo');

  it('describes one Raft channel ordered by NHSA, Guangdong and Sichuan with every org an application member', function () {
    const profile = (configtx(topology, paths).Profiles as { CatalogChannel: Profile }).CatalogChannel;
    expect(profile.Capabilities).to.deep.equal({ V3_0: true });
    expect(profile.Orderer.OrdererType).to.equal('etcdraft');
    expect(profile.Orderer.BatchTimeout).to.equal('250ms');
    expect(profile.Orderer.EtcdRaft.Consenters.map((c) => `${c.Host}:${c.Port}`)).to.deep.equal([
      '127.0.1.1:21056',
      '127.0.2.1:21156',
      '127.0.3.1:21256',
    ]);
    expect(profile.Orderer.Organizations.map((org) => org.ID)).to.deep.equal([
      'NHSAMSP',
      'GuangdongMSP',
      'SichuanMSP',
    ]);
    // only orderer certificates are Writers of the Orderer group (BlockValidation = ANY Writers)
    const writers = (orgs: readonly unknown[]): string[] =>
      orgs.map((org) => (org as { Policies: { Writers: { Rule: string } } }).Policies.Writers.Rule);
    expect(writers(profile.Orderer.Organizations)).to.deep.equal([
      "OR('NHSAMSP.orderer')",
      "OR('GuangdongMSP.orderer')",
      "OR('SichuanMSP.orderer')",
    ]);
    expect(writers(profile.Application.Organizations)[0]).to.equal("OR('NHSAMSP.member')");
    const anchors = profile.Application.Organizations.map((org) => [org.ID, org.AnchorPeers[0]?.Port]);
    expect(anchors).to.deep.equal([
      ['NHSAMSP', 21051],
      ['GuangdongMSP', 21151],
      ['SichuanMSP', 21251],
      ['ShaanxiMSP', 21351],
      ['AuditMSP', 21451],
    ]);
  });

  it('configures each peer natively: no Docker, LevelDB, history on, gateway on, TLS, loopback only', function () {
    const env = peerEnv(topology, findOrg(topology, 'shaanxi'), paths);
    expect(env).to.include({
      CORE_PEER_LOCALMSPID: 'ShaanxiMSP',
      CORE_PEER_LISTENADDRESS: '127.0.4.1:21351',
      CORE_PEER_CHAINCODELISTENADDRESS: '127.0.4.1:21352',
      CORE_OPERATIONS_LISTENADDRESS: '127.0.4.1:21353',
      CORE_VM_ENDPOINT: '',
      CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
      CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE: 'true',
      CORE_PEER_GATEWAY_ENABLED: 'true',
      CORE_PEER_TLS_ENABLED: 'true',
      FABRIC_CFG_PATH: '/repo/network/data/config',
    });
    expect(env.PATH?.split(':')[0]).to.equal(path.dirname(process.execPath));
    // the chaincode processes get their heap limits through the peer and the builder
    expect(env.NODE_OPTIONS).to.equal(CHAINCODE_NODE_OPTIONS);
    expect(BUILDER_ENV).to.include('NODE_OPTIONS');
  });

  it('runs orderers without a system channel, with mutual-TLS channel administration', function () {
    const env = ordererEnv(topology, findOrg(topology, 'sichuan'), paths);
    expect(env).to.include({
      ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
      ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
      ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
      ORDERER_GENERAL_LISTENPORT: '21256',
      ORDERER_ADMIN_LISTENADDRESS: '127.0.3.1:21257',
    });
    expect(() => ordererEnv(topology, findOrg(topology, 'shaanxi'), paths)).to.throw(/runs no orderer/);
  });

  it('turns NodeOUs on for client, peer, admin and orderer certificates', function () {
    const config = nodeOuConfig('ca-cert.pem');
    expect(config).to.match(/^NodeOUs:\n {2}Enable: true\n/);
    for (const ou of ['client', 'peer', 'admin', 'orderer']) {
      expect(config).to.include(`OrganizationalUnitIdentifier: ${ou}`);
    }
    expect(config.match(/Certificate: cacerts\/ca-cert\.pem/g)).to.have.length(4);
  });
});
