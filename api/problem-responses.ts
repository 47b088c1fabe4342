import { problemSchema } from './problem';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request does not match its schema',
  401: 'No bearer token, or one that does not verify',
  403: 'The token lacks the role this route needs',
  404: 'No such resource for this tenant',
  409: 'The resource is not in a state that allows this',
  410: 'The upload session expired',
  413: 'The declared size is over the tier limit',
  415: 'The declared media type is not accepted',
  422: 'The request is well formed but refused',
  429: "The tenant's rate limit is exhausted (see Retry-After)",
};

/** OpenAPI response entries for the problem statuses a route can answer. */
export function problemResponses<S extends number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: DESCRIPTIONS[status] ?? 'Problem', content: { 'application/problem+json': { schema: problemSchema } } }]),
  ) as Record<S, { description: string; content: { 'application/problem+json': { schema: typeof problemSchema } } }>;
}
