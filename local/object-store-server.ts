import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';

export interface LocalServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** s3rver: the S3 REST API on loopback, objects kept as files under `directory`. */
export async function startObjectStoreServer(options: { directory: string; port: number; buckets: string[]; host?: string }): Promise<LocalServer> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({
    address: options.host ?? '127.0.0.1',
    port: options.port,
    directory: options.directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return { endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`, stop: () => server.close() };
}
