// The `catalog` command from its TypeScript sources: `npm run catalog -- <command> …` (ts-node, the
// workspaces' `nrdl-source` condition) and the real-network tests. The installed binary is
// bin/catalog.js, which runs the build.
import { main } from './entry';

main();
