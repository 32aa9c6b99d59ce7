/**
 * A read-model follower in a process of its own (test/network/55-search.test.ts kills it by its
 * PID mid-follow): follows the channel into the read model at argv[2], one block per store
 * transaction, printing `block <n>` for every block stored and `version <v>` for every version
 * indexed.
 */
import { CatalogClient } from '../../../gateway-client/src';
import { chainVersionsOf, SearchReadModel } from '../../../gateway-client/src/search';
import { WALLET_DIR } from './network';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: search-follower <read model file>');
const client = CatalogClient.connect({ as: 'audit/auditor', walletDir: WALLET_DIR });
const model = SearchReadModel.open(file, chainVersionsOf(client));
void model.follow(client.network, {
  batchBlocks: 1,
  onProgress: (p) => {
    process.stdout.write(`block ${p.blockNumber}\n`);
  },
  onRefresh: (state) => {
    process.stdout.write(`version ${state.version}\n`);
  },
});
