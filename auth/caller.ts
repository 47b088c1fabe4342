/** Who is calling, as the verified token says: never taken from a request body. */
export interface Caller {
  /** The token's subject (a Cognito user's `sub`): the identity a review decision records. */
  subject: string;
  /** Display name for records and logs (`username`, `email` or the subject). */
  name: string;
  /** Canonical tenant id (lower case): every read and write is scoped to it. */
  tenant: string;
  roles: readonly Role[];
}

/** What a caller may do; the roles come from the token's groups claim. */
export const ROLES = ['viewer', 'uploader', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** No token, or one that does not verify: HTTP 401. */
export class UnauthenticatedError extends Error {
  override readonly name = 'UnauthenticatedError';
}

/** A verified caller without the role a route needs: HTTP 403. */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

/** Throws unless the caller holds one of the roles (`admin` holds them all). */
export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (caller.roles.includes('admin') || roles.some((role) => caller.roles.includes(role))) return;
  throw new ForbiddenError(`this needs the ${roles.join(' or ')} role`);
}
