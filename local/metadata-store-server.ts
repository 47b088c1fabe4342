import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { LocalServer } from './object-store-server';

/** dynalite: the DynamoDB JSON API on loopback, stored in LevelDB under `directory`. */
export async function startMetadataStoreServer(options: { directory: string; port: number; host?: string }): Promise<LocalServer> {
  await mkdir(options.directory, { recursive: true });
  // Tables become ACTIVE at once instead of after dynalite's simulated 500 ms.
  const server = dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${options.host ?? '127.0.0.1'}:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
