import { mkdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import S3rver from 's3rver';
import { sigV4Refusal, type SigningCredentials } from './sigv4-check';

export interface LocalServer {
  endpoint: string;
  stop(): Promise<void>;
}

export interface ObjectStoreOptions {
  directory: string;
  port: number;
  buckets: string[];
  host?: string;
  /**
   * Origins (scheme://host:port) of pages that PUT and GET through presigned URLs, i.e. the
   * portal's. None: the buckets get no CORS rule and no browser page can read them.
   */
  corsOrigins?: string[];
}

/** s3rver's one built-in account; every local client signs with it (common/aws-clients.ts). */
const LOCAL_CREDENTIALS: SigningCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * s3rver: the S3 REST API, objects kept as files under `directory`. s3rver itself serves
 * unsigned requests and never checks a Signature Version 4, so every request but a CORS
 * preflight must carry a valid SigV4 signature (header or presigned URL) before s3rver sees it.
 */
export async function startObjectStoreServer(options: ObjectStoreOptions): Promise<LocalServer> {
  await mkdir(options.directory, { recursive: true });
  const corsRule = browserCorsRule(options.corsOrigins ?? []);
  const server = new SignedOnlyS3rver(
    {
      address: options.host ?? '127.0.0.1',
      port: options.port,
      directory: options.directory,
      silent: true,
      configureBuckets: options.buckets.map((name) => ({ name, configs: corsRule ? [corsRule] : [] })),
    },
    options.buckets,
    corsRule !== undefined,
  );
  const { port } = await server.run();
  return { endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`, stop: () => server.close() };
}

class SignedOnlyS3rver extends S3rver {
  constructor(
    options: ConstructorParameters<typeof S3rver>[0],
    private readonly bucketNames: string[],
    private readonly browserAccess: boolean,
  ) {
    super(options);
  }

  /** A persistent directory keeps the CORS rule of an earlier run; without origins it must go. */
  override async configureBuckets(): Promise<unknown> {
    const configured = await super.configureBuckets();
    if (!this.browserAccess) await Promise.all(this.bucketNames.map((name) => this.store.deleteSubresource(name, undefined, 'cors')));
    return configured;
  }

  override callback(): (req: IncomingMessage, res: ServerResponse) => void {
    const s3rver = super.callback();
    return (req, res) => {
      // A preflight carries no credentials by definition; s3rver answers it from the CORS rule.
      const refusal = req.method === 'OPTIONS' ? undefined : sigV4Refusal({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers }, LOCAL_CREDENTIALS, Date.now());
      if (refusal === undefined) return s3rver(req, res);
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${refusal}</Message></Error>`;
      const refuse = () => res.writeHead(403, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
      // Answering before the body is read would reset the socket under a client still sending
      // it (EPIPE), so the client would see a broken connection instead of the 403: drain first.
      req.once('end', refuse).once('error', () => res.destroy()).resume();
    };
  }
}

/**
 * The portal PUTs uploads and GETs media straight from the bucket, so its origin needs CORS,
 * with ETag readable for multipart completion; no other origin gets an allow header.
 */
function browserCorsRule(origins: string[]): string | undefined {
  if (origins.length === 0) return undefined;
  for (const origin of origins) {
    const parsed = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) throw new Error(`a CORS origin must be scheme://host[:port] with nothing after it, got "${origin}"`);
  }
  return `<CORSConfiguration>
  <CORSRule>
${origins.map((origin) => `    <AllowedOrigin>${origin}</AllowedOrigin>`).join('\n')}
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;
}
