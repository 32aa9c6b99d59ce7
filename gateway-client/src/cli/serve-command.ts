import path from 'node:path';
import { DEFAULT_WALLET_DIR } from '../connection';
import { loadApiKeys } from '../http/api-keys';
import { startApiServer } from '../http/server';
import { CommandContext, int, parseCommand, str } from './context';

/** Default port of `catalog serve` (inside the project's 21000-21499 port plan). */
export const DEFAULT_API_PORT = 21080;

/** `catalog serve [--port N] [--keys file]`: runs the HTTP API until interrupted. */
export async function serveCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, { port: { type: 'string' }, keys: { type: 'string' } });
  const port = int(values, 'port', 1024, 65535) ?? DEFAULT_API_PORT;
  const walletDir = str(values, 'wallet') ?? DEFAULT_WALLET_DIR;
  const keysFile = str(values, 'keys') ?? path.join(walletDir, 'api-keys.json');
  const keys = loadApiKeys(keysFile, walletDir);
  const api = await startApiServer({
    port,
    keys,
    walletDir,
    log: (line) => {
      ctx.note(line);
    },
  });
  const example = [...keys.entries()].find(([, identity]) => identity.endsWith('/hospital1'));
  ctx.note(`catalog API listening on ${api.url} (OpenAPI: ${api.url}/openapi.json)`);
  ctx.note(`API keys (x-api-key header -> wallet identity): ${keysFile}`);
  if (example) ctx.note(`try: curl -H 'x-api-key: ${example[0]}' '${api.url}/v1/versions'`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await api.close();
  return 0;
}
