import type { MiddlewareHandler } from 'hono';
import type { Caller } from '../auth/caller';
import type { ApiEnv } from './api-env';
import { ProblemError } from './problem';
import type { TenantRateLimiter } from './rate-limiter';

/**
 * Bearer auth for every /v1 route, then the tenant's rate limit: the verified token is the
 * only source of tenant and roles. Verification failures throw UnauthenticatedError, which
 * the error handler answers with 401.
 */
export function authenticate(verify: (authorization: string | undefined) => Promise<Caller>, limiter: TenantRateLimiter): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const caller = await verify(c.req.header('authorization'));
    c.set('caller', caller);
    c.set('log', c.get('log').child({ tenant: caller.tenant, subject: caller.subject }));
    const waitSeconds = limiter.take(caller.tenant);
    if (waitSeconds > 0) {
      throw new ProblemError(429, 'rate-limited', 'Too many requests', `this tenant's request rate is limited; retry in ${waitSeconds} s`, {
        headers: { 'retry-after': String(waitSeconds) },
      });
    }
    await next();
  };
}
