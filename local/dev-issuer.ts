import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { Role } from '../auth/caller';

/** The claims the local issuer writes, named as Cognito names them, so one verifier serves both. */
export const DEV_TOKEN_CLAIMS = { tenantClaim: 'custom:tenant', rolesClaim: 'cognito:groups' } as const;
export const DEV_CLIENT_ID = 'reelscope-local';

export interface DevIssuer {
  issuer: string;
  jwksUrl: string;
  clientId: string;
  /** An access token shaped like Cognito's (token_use, client_id, groups), signed by this issuer. */
  mint(claims: { subject: string; tenant: string; roles: Role[]; name?: string; ttlSeconds?: number }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A small OAuth2 issuer for the embedded default: its own ES256 key, its JWKS on loopback, and
 * tokens minted on request, so the API verifies local tokens with exactly the code that
 * verifies Cognito's. It signs for whoever asks and so never listens beyond 127.0.0.1.
 */
export async function startDevIssuer(port = 0): Promise<DevIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    clientId: DEV_CLIENT_ID,
    mint: ({ subject, tenant, roles, name, ttlSeconds = 12 * 3600 }) =>
      new SignJWT({
        token_use: 'access',
        client_id: DEV_CLIENT_ID,
        username: name ?? subject,
        [DEV_TOKEN_CLAIMS.tenantClaim]: tenant,
        [DEV_TOKEN_CLAIMS.rolesClaim]: roles,
      })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(issuer)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .setJti(randomUUID())
        .sign(privateKey),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
