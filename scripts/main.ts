/**
 * The catalog's main job (`npm start`): bring the network up with the chaincode deployed, then
 * report what runs where. Fails in seconds with a clear message when Fabric is not found.
 */
import { FabricNotFoundError, FabricVersionError } from '../network/src/fabric-home';
import { networkStatus, networkUp } from '../network/src/network';

async function main(): Promise<void> {
  await networkUp();
  const status = await networkStatus();
  const healthy = status.nodes.filter((node) => node.healthy).length;
  process.stdout.write(
    `\ncatalog network ready: ${healthy}/${status.nodes.length} nodes healthy, chaincode ` +
      `${status.chaincode ? `version ${status.chaincode.version} sequence ${status.chaincode.sequence}` : 'not committed'}\n` +
      'wallet identities: wallet/<org>/<identity> (e.g. wallet/guangdong/hospital1)\n' +
      'stop it with: npm run network:down\n',
  );
}

main().catch((error: unknown) => {
  const known = error instanceof FabricNotFoundError || error instanceof FabricVersionError;
  process.stderr.write(
    `catalog: ${error instanceof Error ? (known || !process.env.NRDL_DEBUG ? error.message : (error.stack ?? error.message)) : String(error)}\n`,
  );
  process.exitCode = 1;
});
