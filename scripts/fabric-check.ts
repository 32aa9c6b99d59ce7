/**
 * Exit 0 and print where Fabric is when a Fabric v3.1.5 installation is found (FABRIC_HOME or the
 * per-user cache); exit 1 with the reason otherwise. Never downloads. Used by the test command to
 * decide whether the real-network suites run.
 */
import { findFabric } from '@nrdl-catalog/network';

findFabric().then(
  (fabric) => {
    process.stdout.write(`Fabric ${fabric.version} / fabric-ca ${fabric.caVersion} from ${fabric.source}\n`);
  },
  (error: unknown) => {
    process.stdout.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
