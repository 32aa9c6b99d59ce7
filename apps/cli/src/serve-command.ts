import path from 'node:path';
import { type CatalogClient, displayPath } from '@nrdl-catalog/gateway-client';
import { loadApiKeys, startApiServer } from '@nrdl-catalog/api';
import { CommandContext, UsageError, int, parseCommand, str } from './context';

/** Default port of `catalog serve` (inside the project's 21000-21499 port plan). */
export const DEFAULT_API_PORT = 21080;

/** `catalog serve [--port N] [--keys file]`: runs the HTTP API until interrupted. */
export async function serveCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, { port: { type: 'string' }, keys: { type: 'string' } });
  const port = int(values, 'port', 1024, 65535) ?? DEFAULT_API_PORT;
  const walletDir = ctx.walletDir;
  const keysFile = str(values, 'keys') ?? path.join(walletDir, 'api-keys.json');
  const keys = loadApiKeys(keysFile, walletDir);
  // One client per identity, opened like every command's (--wallet, $CATALOG_CHANNEL, the CLI's
  // client factory), kept open while the server runs.
  const clients = new Map<string, CatalogClient>();
  const clientFor = (identity: string): CatalogClient => {
    let client = clients.get(identity);
    if (client === undefined) {
      client = ctx.clientAs(identity);
      clients.set(identity, client);
    }
    return client;
  };
  const api = await startApiServer({
    port,
    keys,
    walletDir,
    clientFor,
    log: (line) => {
      ctx.note(line);
    },
  });
  const example = [...keys.entries()].find(([, identity]) => identity.endsWith('/hospital1'));
  ctx.note(ctx.t('cli.serve.listening', { url: api.url }));
  ctx.note(ctx.t('cli.serve.keys', { file: displayPath(keysFile) }));
  if (example) {
    ctx.note(ctx.t('cli.serve.try', { key: example[0], url: api.url }));
    ctx.note(ctx.t('cli.serve.anyKey'));
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  try {
    await api.close();
  } finally {
    for (const client of clients.values()) client.close();
  }
  return 0;
}

/** `catalog api-key <org>/<identity>`: prints the API key mapped to a wallet identity. */
export function apiKeyCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(args, { keys: { type: 'string' } });
  const [identity] = positionals;
  if (!identity) throw new UsageError('cli.usage.apiKey');
  const walletDir = ctx.walletDir;
  const keys = loadApiKeys(str(values, 'keys') ?? path.join(walletDir, 'api-keys.json'), walletDir);
  const found = [...keys.entries()].find(([, mapped]) => mapped === identity);
  if (!found) throw new UsageError('cli.usage.noApiKey', { identity });
  ctx.print({ identity, key: found[0] }, () => found[0]);
  return Promise.resolve(0);
}
