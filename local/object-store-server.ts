import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';

export interface LocalServer {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * The portal PUTs uploads and GETs media straight from the bucket through presigned URLs, so
 * the browser needs CORS: any origin locally (the server is loopback-only and every request
 * still needs a valid signature), and ETag readable for multipart completion.
 */
const LOCAL_BROWSER_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/** s3rver: the S3 REST API on loopback, objects kept as files under `directory`. */
export async function startObjectStoreServer(options: { directory: string; port: number; buckets: string[]; host?: string }): Promise<LocalServer> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: options.host ?? '127.0.0.1',
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [LOCAL_BROWSER_CORS] })),
  });
  const { port } = await server.run();
  return { endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`, stop: () => server.close() };
}
