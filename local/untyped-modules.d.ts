// s3rver and dynalite ship no type declarations; these cover the parts reelscope uses.
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { AddressInfo } from 'node:net';
  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    configureBuckets?: { name: string; configs?: string[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    /** Creates the configured buckets and their configs; run() calls it before listening. */
    configureBuckets(): Promise<unknown>;
    /** Koa's request handler; listen() hands it to the HTTP server. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    protected store: { deleteSubresource(bucket: string, key: undefined, resourceType: 'cors'): Promise<void> };
  }
}

declare module 'dynalite' {
  import type { Server } from 'node:http';
  function dynalite(options: { path?: string; createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }): Server;
  export default dynalite;
}
