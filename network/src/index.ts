/**
 * `@nrdl-catalog/network`: the native Fabric network (no Docker) — find the Fabric build, bring the
 * network up and down, deploy the chaincode, report status.
 */
export {
  FABRIC_CA_VERSION,
  FABRIC_VERSION,
  FabricNotFoundError,
  FabricVersionError,
  fabricCacheDir,
  findFabric,
  type FabricInstall,
} from './fabric-home';
export { networkPaths, type NetworkPaths } from './paths';
export { loadTopology, TOPOLOGY_FILE, type OrgSpec, type Topology } from './topology';
export {
  networkDeploy,
  networkAddChannel,
  networkDown,
  networkStatus,
  networkUp,
  restartNode,
  type NetworkStatus,
  type StatusOptions,
  type UpOptions,
} from './network';
export { trackedProcesses, type ManagedProcess } from './processes';
export { channelBlock } from './channel';
export { StepReporter } from './progress';
export { renewCertificates, RENEW_TARGETS, type RenewResult, type RenewTarget } from './renew';
export { backupOrg, restoreOrg, type BackupManifest, type BackupResult } from './backup';
export {
  DEFAULT_THRESHOLDS,
  type CertificateStatus,
  type DiskStatus,
  type OperationsThresholds,
} from './operations';
