/** Parts of the OpenAPI document shared by every operation's responses. */
import { LANGS, languageTag } from '@nrdl-catalog/chaincode/messages';
import type { JsonSchema } from './routes';
import { STATUS_DESCRIPTIONS } from './status';

/** The request id header every response carries (also the `reqId` of the log line). */
export const REQUEST_ID_HEADER = 'x-request-id';

/** The headers every response carries, as the document states them. */
export const requestIdHeaderSchema = {
  [REQUEST_ID_HEADER]: {
    type: 'string',
    description: 'id of the request, as in the server log (taken from the request when well-formed)',
  },
  'content-language': {
    type: 'string',
    enum: LANGS.map(languageTag),
    description:
      "language of the messages in the answer: zh-CN unless the request's Accept-Language prefers English (codes and data are the same in both)",
  },
};

/** The error responses of `statuses`, each an `Error` body. */
export function errorResponses(statuses: readonly number[]): Record<string, JsonSchema> {
  return Object.fromEntries(
    statuses.map((status) => [
      String(status),
      { description: STATUS_DESCRIPTIONS[status] ?? 'error', $ref: 'Error#', headers: requestIdHeaderSchema },
    ]),
  );
}
