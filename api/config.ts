import { z } from 'zod';
import { keyValueList, parseEnv } from '../common/env-schema';
import { storeEnvShape } from '../common/store-env';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** S3's smallest part (every part but the last) and most parts per upload. */
export const S3_MIN_PART_BYTES = 5 * MIB;
export const S3_MAX_PARTS = 10_000;
/** S3's largest part and largest object. */
export const S3_MAX_PART_BYTES = 5 * GIB;
export const S3_MAX_OBJECT_BYTES = 5 * 1024 * GIB;
/**
 * The most part URLs one init answers: each is ~1.8 KB with a Lambda role's session token, so
 * 1,000 keep the response near 2 MB, well under Lambda's 6 MB response limit.
 */
export const MAX_SIGNED_PARTS = 1000;
/**
 * Presigned URLs die with the credentials that signed them (on Lambda, the role's temporary
 * ones, which may be hours from expiry when signing), whatever their X-Amz-Expires says, and
 * the bucket aborts incomplete multipart uploads after a day: a session longer than a few
 * hours would promise URLs that stop working.
 */
const MAX_SESSION_SECONDS = 6 * 3600;

const positiveInt = z.coerce.number().int().positive();

const apiEnv = z.object({
  REELSCOPE_API_HOST: z.string().min(1).default('127.0.0.1'),
  REELSCOPE_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  REELSCOPE_AUTH_ISSUER: z.url('the token issuer URL (a Cognito user pool, or the local dev issuer)'),
  REELSCOPE_AUTH_JWKS_URL: z.url().optional(),
  REELSCOPE_AUTH_CLIENT_ID: z.string({ error: 'the app client id tokens must be issued to' }).min(1, 'the app client id tokens must be issued to'),
  REELSCOPE_AUTH_TENANT_CLAIM: z.string().min(1).default('custom:tenant'),
  REELSCOPE_AUTH_ROLES_CLAIM: z.string().min(1).default('cognito:groups'),
  // Where /oauth2/authorize and /oauth2/token live: Cognito's hosted-UI domain; the dev issuer serves them itself.
  REELSCOPE_AUTH_DOMAIN: z.url('the base URL of /oauth2/authorize and /oauth2/token (the Cognito domain)').optional(),
  REELSCOPE_AUTH_SCOPES: z.string().regex(/^[\w:/.-]+( [\w:/.-]+)*$/, 'space-separated OAuth scopes').max(512).default('openid'),
  // The portal's sign-in callback as registered with the app client; unset, the portal uses its own origin's /.
  REELSCOPE_PORTAL_REDIRECT_URL: z.url('the portal URL registered as the app client callback').optional(),
  // The worker's own store and kind settings, so the API refuses up front what the probe would reject.
  ...storeEnvShape,
  REELSCOPE_UPLOADS_TABLE: z.string().min(3).default('reelscope-uploads'),
  REELSCOPE_UPLOAD_SESSION_SECONDS: positiveInt
    .max(MAX_SESSION_SECONDS, `at most ${MAX_SESSION_SECONDS} (6 hours): presigned URLs die with the signing role's temporary credentials, and the bucket aborts unfinished multipart uploads after a day`)
    .default(3600),
  REELSCOPE_MULTIPART_THRESHOLD_BYTES: positiveInt.default(64 * MIB),
  REELSCOPE_MULTIPART_PART_BYTES: positiveInt.min(S3_MIN_PART_BYTES, `at least ${S3_MIN_PART_BYTES} (S3's smallest part)`).max(S3_MAX_PART_BYTES, `at most ${S3_MAX_PART_BYTES} (S3's largest part)`).default(16 * MIB),
  REELSCOPE_TIER_MAX_BYTES: keyValueList(positiveInt.max(S3_MAX_OBJECT_BYTES, `at most ${S3_MAX_OBJECT_BYTES} (S3's largest object)`)).default({ free: 2 * GIB, standard: 100 * GIB }),
  REELSCOPE_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(20),
  REELSCOPE_RATE_LIMIT_BURST: positiveInt.default(40),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // The worker's backend: known people are enrolled with its face enroller (a Rekognition collection on aws).
  REELSCOPE_BACKEND: z.enum(['local', 'aws']).default('local'),
  REELSCOPE_REKOGNITION_ENDPOINT: z.url().optional(),
});

export type MediaKind = 'video' | 'audio' | 'image';

export interface ApiConfig {
  host: string;
  port: number;
  auth: { issuer: string; jwksUrl?: string; clientId: string; tenantClaim: string; rolesClaim: string };
  /** How the portal signs in: OAuth2 authorization code with PKCE against `domain`. */
  portalAuth: { domain: string; scopes: string; redirectUrl?: string };
  bucket: string;
  tables: { records: string; failures: string; uploads: string };
  aws: { region: string; s3Endpoint?: string; dynamoDbEndpoint?: string; rekognitionEndpoint?: string };
  /** Which backend's enroller takes known people's photos. */
  backend: 'local' | 'aws';
  uploads: {
    sessionSeconds: number;
    /** Declared sizes above this get a multipart upload. */
    multipartThresholdBytes: number;
    partBytes: number;
    acceptedKinds: MediaKind[];
    /** Largest upload per tier; a tier not listed takes no uploads. */
    tierMaxBytes: Record<string, number>;
  };
  rateLimit: { perSecond: number; burst: number };
  logLevel: string;
}

/** The API's settings from the environment, validated once at start; errors name the variable. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const e = parseEnv(apiEnv, env, 'api');
  return {
    host: e.REELSCOPE_API_HOST,
    port: e.REELSCOPE_API_PORT,
    auth: {
      issuer: e.REELSCOPE_AUTH_ISSUER,
      ...(e.REELSCOPE_AUTH_JWKS_URL ? { jwksUrl: e.REELSCOPE_AUTH_JWKS_URL } : {}),
      clientId: e.REELSCOPE_AUTH_CLIENT_ID,
      tenantClaim: e.REELSCOPE_AUTH_TENANT_CLAIM,
      rolesClaim: e.REELSCOPE_AUTH_ROLES_CLAIM,
    },
    portalAuth: {
      domain: (e.REELSCOPE_AUTH_DOMAIN ?? e.REELSCOPE_AUTH_ISSUER).replace(/\/+$/, ''),
      scopes: e.REELSCOPE_AUTH_SCOPES,
      ...(e.REELSCOPE_PORTAL_REDIRECT_URL ? { redirectUrl: e.REELSCOPE_PORTAL_REDIRECT_URL } : {}),
    },
    bucket: e.REELSCOPE_BUCKET,
    tables: { records: e.REELSCOPE_RECORDS_TABLE, failures: e.REELSCOPE_FAILURES_TABLE, uploads: e.REELSCOPE_UPLOADS_TABLE },
    aws: {
      region: e.AWS_REGION,
      ...(e.REELSCOPE_S3_ENDPOINT ? { s3Endpoint: e.REELSCOPE_S3_ENDPOINT } : {}),
      ...(e.REELSCOPE_DYNAMODB_ENDPOINT ? { dynamoDbEndpoint: e.REELSCOPE_DYNAMODB_ENDPOINT } : {}),
      ...(e.REELSCOPE_REKOGNITION_ENDPOINT ? { rekognitionEndpoint: e.REELSCOPE_REKOGNITION_ENDPOINT } : {}),
    },
    backend: e.REELSCOPE_BACKEND,
    uploads: {
      sessionSeconds: e.REELSCOPE_UPLOAD_SESSION_SECONDS,
      multipartThresholdBytes: e.REELSCOPE_MULTIPART_THRESHOLD_BYTES,
      partBytes: e.REELSCOPE_MULTIPART_PART_BYTES,
      acceptedKinds: e.REELSCOPE_ACCEPTED_KINDS,
      tierMaxBytes: e.REELSCOPE_TIER_MAX_BYTES,
    },
    rateLimit: { perSecond: e.REELSCOPE_RATE_LIMIT_PER_SECOND, burst: e.REELSCOPE_RATE_LIMIT_BURST },
    logLevel: e.LOG_LEVEL,
  };
}
