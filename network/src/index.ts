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
  type NetworkStatus,
  type UpOptions,
} from './network';
export { trackedProcesses, type ManagedProcess } from './processes';
export { channelBlock } from './channel';
export { StepReporter } from './progress';
