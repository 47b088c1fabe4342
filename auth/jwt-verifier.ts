import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { canonicalTenant } from '../intake/media-identity';
import { ROLES, UnauthenticatedError, type Caller, type Role } from './caller';

export interface JwtVerifierSettings {
  /** The `iss` every token must carry (a Cognito user pool: https://cognito-idp.<region>.amazonaws.com/<pool id>). */
  issuer: string;
  /** Where the issuer publishes its signing keys; default `<issuer>/.well-known/jwks.json`. */
  jwksUrl?: string;
  /**
   * Cognito access tokens name the app client in `client_id` and have no `aud`; ID tokens have
   * `aud`. Set the app client id: access tokens must match `client_id`, ID tokens `aud`.
   */
  clientId: string;
  /** Claim holding the tenant id (Cognito: a custom attribute, or a claim a pre-token trigger adds). */
  tenantClaim: string;
  /** Claim holding the caller's roles (Cognito: `cognito:groups`). */
  rolesClaim: string;
}

/** Clock skew tolerated between issuer and API. */
const CLOCK_TOLERANCE_SECONDS = 30;

/**
 * Verifies OAuth2 bearer JWTs against the issuer's JWKS (signature, `iss`, expiry, `token_use`,
 * and `client_id` or `aud`) and reads tenant and roles from their claims. The same code runs
 * against Cognito on AWS and against the local dev issuer: there is no bypass.
 */
export function createJwtVerifier(settings: JwtVerifierSettings, keys?: JWTVerifyGetKey): (authorization: string | undefined) => Promise<Caller> {
  const jwks = keys ?? createRemoteJWKSet(new URL(settings.jwksUrl ?? `${settings.issuer.replace(/\/$/, '')}/.well-known/jwks.json`));
  return async (authorization) => {
    const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw new UnauthenticatedError('a bearer token is required');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, { issuer: settings.issuer, algorithms: ['RS256', 'ES256'], clockTolerance: CLOCK_TOLERANCE_SECONDS }));
    } catch (err) {
      // The reason names what failed (expired, bad signature), never the token.
      throw new UnauthenticatedError(err instanceof errors.JOSEError ? `the token is not valid: ${err.code}` : 'the token is not valid');
    }
    return callerFrom(payload, settings);
  };
}

function callerFrom(payload: JWTPayload, settings: JwtVerifierSettings): Caller {
  const use = payload['token_use'];
  if (use === 'access' ? payload['client_id'] !== settings.clientId : use === 'id' ? !audienceIncludes(payload.aud, settings.clientId) : true) {
    throw new UnauthenticatedError('the token was not issued to this application');
  }
  const rawTenant = payload[settings.tenantClaim];
  const tenant = typeof rawTenant === 'string' ? canonicalTenant(rawTenant) : undefined;
  if (!tenant || !payload.sub) throw new UnauthenticatedError('the token names no tenant or subject');
  const claimed = payload[settings.rolesClaim];
  const roles = (Array.isArray(claimed) ? claimed : []).filter((r): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r));
  const name = [payload['username'], payload['cognito:username'], payload['email']].find((v): v is string => typeof v === 'string') ?? payload.sub;
  return { subject: payload.sub, name, tenant, roles };
}

function audienceIncludes(aud: JWTPayload['aud'], clientId: string): boolean {
  return Array.isArray(aud) ? aud.includes(clientId) : aud === clientId;
}
