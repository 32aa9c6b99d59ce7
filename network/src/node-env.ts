import path from 'node:path';
import type { FabricInstall } from './fabric-home';
import { CHAINCODE_NODE_OPTIONS } from './config-files';
import { orgPaths, walletEntry, type NetworkPaths } from './paths';
import { ordererName, peerName, type OrgSpec, type Topology } from './topology';

/**
 * PATH for every process we start: the Node running this script (Node 24 from the project) comes
 * first, so the chaincode processes the peers start run on it too.
 */
export function nodePath(): string {
  return [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter);
}

/** Base environment: ours, minus Fabric variables that could leak in from the caller's shell. */
function baseEnv(paths: NetworkPaths): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('CORE_') && !key.startsWith('ORDERER_') && !key.startsWith('FABRIC_CA_'))
      env[key] = value;
  }
  env.PATH = nodePath();
  env.FABRIC_CFG_PATH = paths.configDir;
  env.NRDL_NETWORK_DATA = paths.dataDir;
  return env;
}

/** Environment of `org`'s peer: every core.yaml setting that differs per node, by variable. */
export function peerEnv(_topology: Topology, org: OrgSpec, paths: NetworkPaths): NodeJS.ProcessEnv {
  const files = orgPaths(paths, org);
  const address = `${org.host}:${org.peer.port}`;
  const chaincodeAddress = `${org.host}:${org.peer.chaincodePort}`;
  return {
    ...baseEnv(paths),
    CORE_PEER_ID: peerName(org),
    CORE_PEER_ADDRESS: address,
    CORE_PEER_LISTENADDRESS: address,
    CORE_PEER_CHAINCODEADDRESS: chaincodeAddress,
    CORE_PEER_CHAINCODELISTENADDRESS: chaincodeAddress,
    CORE_PEER_GOSSIP_BOOTSTRAP: address,
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
    CORE_PEER_GOSSIP_USELEADERELECTION: 'false',
    CORE_PEER_GOSSIP_ORGLEADER: 'true',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: files.peerMsp,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: path.join(files.peerTls, 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: path.join(files.peerTls, 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: path.join(files.peerTls, 'ca.crt'),
    CORE_PEER_FILESYSTEMPATH: files.peerLedger,
    CORE_PEER_GATEWAY_ENABLED: 'true',
    CORE_LEDGER_STATE_STATEDATABASE: 'goleveldb',
    CORE_LEDGER_HISTORY_ENABLEHISTORYDATABASE: 'true',
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: path.join(files.peerLedger, 'snapshots'),
    CORE_OPERATIONS_LISTENADDRESS: `${org.host}:${org.peer.operationsPort}`,
    CORE_OPERATIONS_TLS_ENABLED: 'false',
    CORE_METRICS_PROVIDER: 'prometheus',
    // No Docker daemon: an empty endpoint turns the Docker health check and builder off.
    CORE_VM_ENDPOINT: '',
    CORE_CHAINCODE_EXECUTETIMEOUT: '120s',
    // passed on to the chaincode builder and so to the chaincode process (BUILDER_ENV)
    NODE_OPTIONS: CHAINCODE_NODE_OPTIONS,
    CORE_CHAINCODE_LOGGING_LEVEL: 'info',
    FABRIC_LOGGING_SPEC: 'info:gossip=warning:msp=warning',
  };
}

/** Environment of `org`'s orderer (no system channel; channels joined with osnadmin). */
export function ordererEnv(_topology: Topology, org: OrgSpec, paths: NetworkPaths): NodeJS.ProcessEnv {
  if (!org.orderer) throw new Error(`${org.name} runs no orderer`);
  const files = orgPaths(paths, org);
  const tls = (file: string): string => path.join(files.ordererTls, file);
  return {
    ...baseEnv(paths),
    ORDERER_GENERAL_LISTENADDRESS: org.host,
    ORDERER_GENERAL_LISTENPORT: String(org.orderer.port),
    ORDERER_GENERAL_LOCALMSPID: org.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: files.ordererMsp,
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_CERTIFICATE: tls('server.crt'),
    ORDERER_GENERAL_TLS_PRIVATEKEY: tls('server.key'),
    ORDERER_GENERAL_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: tls('server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: tls('server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: `${org.host}:${org.orderer.adminPort}`,
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: tls('server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: tls('server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${tls('ca.crt')}]`,
    ORDERER_OPERATIONS_LISTENADDRESS: `${org.host}:${org.orderer.operationsPort}`,
    ORDERER_OPERATIONS_TLS_ENABLED: 'false',
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_FILELEDGER_LOCATION: files.ordererLedger,
    ORDERER_CONSENSUS_WALDIR: path.join(files.ordererLedger, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: path.join(files.ordererLedger, 'etcdraft', 'snapshot'),
    FABRIC_LOGGING_SPEC: 'info',
  };
}

/** Environment for `peer` CLI commands run as `org`'s admin against its own peer. */
export function adminCliEnv(_topology: Topology, org: OrgSpec, paths: NetworkPaths): NodeJS.ProcessEnv {
  const files = orgPaths(paths, org);
  return {
    ...baseEnv(paths),
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_MSPCONFIGPATH: walletEntry(paths, org.name, 'admin').msp,
    CORE_PEER_ADDRESS: `${org.host}:${org.peer.port}`,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: files.caCert,
    FABRIC_LOGGING_SPEC: 'warning',
  };
}

/** The `-o … --tls --cafile …` arguments that reach the first orderer. */
export function ordererArgs(_topology: Topology, paths: NetworkPaths, org: OrgSpec): string[] {
  if (!org.orderer) throw new Error(`${org.name} runs no orderer`);
  return ['-o', `${org.host}:${org.orderer.port}`, '--tls', '--cafile', orgPaths(paths, org).caCert];
}

/** Name of the orderer node for log and PID files. */
export { ordererName, peerName };

/** Path of a Fabric binary. */
export function bin(fabric: FabricInstall, name: string): string {
  return path.join(fabric.binDir, name);
}
