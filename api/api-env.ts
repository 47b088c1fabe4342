import type { Logger } from 'pino';
import type { Caller } from '../auth/caller';

/** What middleware hands each route through the Hono context. */
export interface ApiEnv {
  Variables: {
    requestId: string;
    /** The request's logger: every line carries the request id (and, once known, the tenant). */
    log: Logger;
    /** Set by the auth middleware on every /v1 route. */
    caller: Caller;
  };
}
