import { createHash, timingSafeEqual } from 'node:crypto';

const BEARER = /^Bearer +(\S+) *$/i;

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/**
 * A check of `Authorization: Bearer <token>` against the configured tokens. Both sides are
 * compared as SHA-256 digests with timingSafeEqual, so the time taken shows neither how much of
 * a guess was right nor how long a token is; every token is compared, so it does not show
 * which one matched either.
 */
export function bearerTokenCheck(tokens: readonly string[]): (authorization: string | undefined) => boolean {
  const expected = tokens.map(digest);
  return (authorization) => {
    const presented = BEARER.exec(authorization ?? '')?.[1];
    if (!presented) return false;
    const candidate = digest(presented);
    let matched = false;
    for (const token of expected) matched = timingSafeEqual(candidate, token) || matched;
    return matched;
  };
}
