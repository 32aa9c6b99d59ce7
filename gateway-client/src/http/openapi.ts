import { responseSchemas } from './response-schemas';
import type { Route } from './routes';

/** The OpenAPI 3 document of the API, generated from the same route table the server runs. */
export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = Object.entries(route.query ?? {}).map(([name, param]) => ({
      name,
      in: 'query',
      required: param.required === true,
      description: param.description,
      schema: param.enum ? { type: param.type, enum: param.enum } : { type: param.type },
    }));
    const errorResponse = {
      description: 'error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      security: [{ apiKey: [] }],
      parameters: [...pathParams, ...queryParams],
      responses: {
        [String(route.status ?? 200)]: {
          description: 'success',
          content: { 'application/json': { schema: { $ref: `#/components/schemas/${route.response}` } } },
        },
        '400': errorResponse,
        '401': errorResponse,
        '403': errorResponse,
        '404': errorResponse,
        '409': errorResponse,
        '502': errorResponse,
      },
    };
    if (route.body)
      operation.requestBody = { required: true, content: { 'application/json': { schema: route.body } } };
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: operation };
  }
  paths['/healthz'] = {
    get: {
      operationId: 'health',
      summary: 'Liveness and gateway reachability (no API key needed)',
      responses: {
        '200': {
          description: 'ok',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Health' } } },
        },
      },
    },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'National drug and reimbursement catalog API',
      version: '1.0.0',
      description:
        'Coverage checks, catalog search, proposals and approvals over the catalog chaincode. Errors are { code, message }.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      schemas: responseSchemas,
    },
    paths,
  };
}
