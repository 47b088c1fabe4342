import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

/**
 * Payloads as the Temporal Web UI and CLI send them to a codec endpoint: the proto3 JSON form
 * of `temporal.api.common.v1.Payloads`, bytes in base64.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64');
const payloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })),
});
type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

/** Large enough for a few hundred encoded payloads; anything bigger is not a UI request. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  host?: string;
  /** Browser origins (the Web UI's) allowed to call from a page; other origins get no CORS grant. */
  allowedOrigins: readonly string[];
  /** When set, requests need `Authorization: Bearer <token>`: a codec server decrypts for whoever can reach it. */
  authToken?: string;
  /** When set, only these namespaces (the UI's X-Namespace header) are served. */
  namespaces?: readonly string[];
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * A codec server: lets the Temporal Web UI (and `temporal workflow show --codec-endpoint`)
 * show decrypted payloads to operators who can reach it, while Temporal itself only ever
 * stores ciphertext. Run it next to the operators, never in front of the public internet.
 */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 400;
      respond(response, status, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function handle(options: CodecServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const origin = request.headers.origin;
  if (origin && options.allowedOrigins.includes(origin)) {
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Allow-Credentials', 'true');
    response.setHeader('Vary', 'Origin');
  }
  if (request.method === 'OPTIONS') {
    response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    response.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
    response.setHeader('Access-Control-Max-Age', '600');
    response.writeHead(204).end();
    return;
  }
  const path = new URL(request.url ?? '/', 'http://codec').pathname.replace(/\/+$/, '');
  const operation = path === '/encode' ? 'encode' : path === '/decode' ? 'decode' : undefined;
  if (!operation) throw new HttpError(404, `no such endpoint ${path || '/'}: use POST /encode or /decode`);
  if (request.method !== 'POST') throw new HttpError(405, `${request.method} is not allowed: use POST`);
  if (options.authToken && request.headers.authorization !== `Bearer ${options.authToken}`) throw new HttpError(401, 'missing or wrong bearer token');
  const namespace = request.headers['x-namespace'];
  if (options.namespaces && (typeof namespace !== 'string' || !options.namespaces.includes(namespace))) {
    throw new HttpError(403, `namespace ${String(namespace)} is not served by this codec server`);
  }
  const body = payloadsBody.safeParse(parseJson(await readBody(request)));
  if (!body.success) throw new HttpError(400, `expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}: ${body.error.issues[0]?.message}`);
  const payloads = body.data.payloads.map(fromJson);
  const result = operation === 'encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
  respond(response, 200, { payloads: result.map(toJson) });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'request body is not JSON');
  }
}

function fromJson(payload: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]));
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

function respond(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
