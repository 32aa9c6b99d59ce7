import { buildApi } from './server';

/**
 * The OpenAPI 3.1 document of the API, as @fastify/swagger generates it from the schemas the routes
 * validate with (the same document `GET /openapi.json` serves). Builds the app without listening
 * and without a gateway connection.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApi({
    keys: new Map(),
    consoleDir: null,
    clientFor: () => {
      throw new Error('the OpenAPI document needs no client');
    },
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
