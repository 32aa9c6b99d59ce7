import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  type CatalogClient,
  CatalogClientError,
  displayPath,
  localMessage,
} from '@nrdl-catalog/gateway-client';
import { BlockConflictError, replayBlocks, type AuditStore } from '@nrdl-catalog/gateway-client/audit';
import { chainVersionsOf, openReadModel, type SearchReadModel } from '@nrdl-catalog/gateway-client/search';
import {
  consoleRoot,
  DEFAULT_CONSOLE_DIR,
  loadApiKeys,
  networkEventSource,
  startApiServer,
} from '@nrdl-catalog/api';
import { CommandContext, UsageError, int, parseCommand, str } from './context';
import { DEFAULT_SEARCH_STORE } from './search-command';
import { auditPaths, displayLocation, openStore, storeLocation } from './audit-store-option';

/** Default port of `catalog serve` (inside the project's 21000-21499 port plan). */
export const DEFAULT_API_PORT = 21080;

/**
 * The read model `GET /v1/search` answers from, following the channel in the background (as the
 * command's identity) until `signal` aborts.
 */
export async function followReadModel(
  ctx: CommandContext,
  location: string,
  signal: AbortSignal,
  client: CatalogClient = ctx.client(),
): Promise<{ readonly model: SearchReadModel; readonly following: Promise<unknown> }> {
  if (!/^postgres(ql)?:\/\//i.test(location)) mkdirSync(path.dirname(location), { recursive: true });
  const model = await openReadModel(location, chainVersionsOf(client));
  const following = model
    .follow(client.network, {
      signal,
      onRefresh: (state) => {
        ctx.note(ctx.t('cli.serve.readModelVersion', { version: state.version, block: state.blockNumber }));
      },
      onRefreshError: (error) => {
        ctx.note(localMessage(error, ctx.lang));
      },
      onReconnect: (error) => {
        ctx.note(localMessage(error, ctx.lang));
      },
    })
    .catch((error: unknown) => {
      ctx.note(localMessage(error, ctx.lang));
    });
  return { model, following };
}

/**
 * The audit store the `/v1/audit/…` operations answer from: opened (created when missing), replayed
 * from its checkpoint (block 0 for a new one) and following the channel in the background, as the
 * command's identity, until `signal` aborts. A failure of the replay is noted; the endpoints go on
 * answering from what the store holds.
 */
export async function followAuditStore(
  ctx: CommandContext,
  location: string,
  signal: AbortSignal,
  client: CatalogClient = ctx.client(),
): Promise<{ readonly store: AuditStore; readonly following: Promise<unknown> }> {
  const store = await openStore(location, true);
  const following = replayBlocks(client.network, store, {
    follow: true,
    signal,
    onReconnect: (error, attempt, delayMs) => {
      ctx.note(
        ctx.t('cli.replay.reconnecting', {
          detail: error instanceof Error ? error.message : String(error),
          ms: delayMs,
          attempt,
        }),
      );
    },
  }).catch((error: unknown) => {
    const coded =
      error instanceof BlockConflictError
        ? new CatalogClientError('AUDIT_BLOCK_CONFLICT', error.message, { cause: error })
        : error;
    ctx.note(localMessage(coded, ctx.lang));
  });
  return { store, following };
}

/**
 * `catalog serve [--port N] [--keys file] [--read-model FILE] [--audit-store FILE|URL] [--org ORG]
 * [--console DIR]`: runs the HTTP API until interrupted; with `--read-model`, `GET /v1/search`
 * answers from that read model, and with `--audit-store`, the auditors' `/v1/audit/…` operations
 * answer from that audit store, each followed in the background; with `--org`, only that
 * organisation's keys are accepted and the server follows the channel (read model, live events) as
 * one of its identities; the web console's build (default apps/console/dist) is served at `/`.
 * `GET /v1/events` is fed by one chaincode event listener on the channel.
 */
export async function serveCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommand(args, {
    port: { type: 'string' },
    keys: { type: 'string' },
    'read-model': { type: 'string' },
    'audit-store': { type: 'string' },
    org: { type: 'string' },
    console: { type: 'string' },
  });
  const port = int(values, 'port', 1024, 65535) ?? DEFAULT_API_PORT;
  const walletDir = ctx.walletDir;
  const keysFile = str(values, 'keys') ?? path.join(walletDir, 'api-keys.json');
  // --org: only that organisation's identities (its own server holds only its own wallet)
  const org = str(values, 'org');
  const keys = loadApiKeys(keysFile, walletDir, org);
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
  const stopFollowing = new AbortController();
  const readModelOption = str(values, 'read-model');
  const readModelLocation =
    readModelOption === undefined
      ? null
      : readModelOption === ''
        ? path.resolve(DEFAULT_SEARCH_STORE)
        : storeLocation({ store: readModelOption });
  // With --org the server reads the channel as one of that organisation's own identities (it holds
  // no other); else as the command's identity.
  const ownIdentity = org === undefined ? undefined : [...new Set(keys.values())].sort()[0];
  const channelClient = (): CatalogClient =>
    ownIdentity === undefined ? ctx.client() : clientFor(ownIdentity);
  const follower =
    readModelLocation === null
      ? null
      : await followReadModel(ctx, readModelLocation, stopFollowing.signal, channelClient());
  if (readModelLocation !== null)
    ctx.note(ctx.t('cli.serve.readModel', { store: displayLocation(readModelLocation) }));
  const auditOption = str(values, 'audit-store');
  const auditLocation =
    auditOption === undefined ? null : storeLocation({ store: auditOption }, auditPaths().store);
  const auditor =
    auditLocation === null
      ? null
      : await followAuditStore(ctx, auditLocation, stopFollowing.signal, channelClient());
  if (auditLocation !== null)
    ctx.note(
      ctx.t('cli.serve.auditStore', { store: displayLocation(auditLocation), as: ownIdentity ?? ctx.as }),
    );
  /** Stops following and closes what the command opened (the server closed first, if it started). */
  const release = async (): Promise<void> => {
    stopFollowing.abort();
    await follower?.following;
    await follower?.model.close();
    await auditor?.following;
    await auditor?.store.close();
    for (const client of clients.values()) client.close();
  };
  const consoleOption = str(values, 'console');
  const consoleDir = path.resolve(consoleOption ?? DEFAULT_CONSOLE_DIR);
  const api = await startApiServer({
    port,
    keys,
    walletDir,
    clientFor,
    consoleDir,
    events: networkEventSource(() => channelClient().network, {
      onReconnect: (error) => {
        ctx.note(localMessage(error, ctx.lang));
      },
    }),
    ...(follower === null ? {} : { readModel: follower.model }),
    ...(auditor === null ? {} : { auditStore: auditor.store }),
    log: (line) => {
      ctx.note(line);
    },
  }).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  const example = [...keys.entries()].find(([, identity]) => identity.endsWith('/hospital1'));
  ctx.note(ctx.t('cli.serve.listening', { url: api.url }));
  ctx.note(ctx.t('cli.serve.keys', { file: displayPath(keysFile) }));
  if (consoleRoot(consoleDir) === null)
    ctx.note(ctx.t('cli.serve.noConsole', { dir: displayPath(consoleDir) }));
  else ctx.note(ctx.t('cli.serve.console', { url: api.url, org: org ?? '-' }));
  ctx.note(ctx.t('cli.serve.events', { identity: ownIdentity ?? ctx.as }));
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
    await release();
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
