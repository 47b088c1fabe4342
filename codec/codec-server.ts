import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { bearerTokenCheck } from './bearer-token-check';
import { CodecServerConfigError } from './codec-server-config-error';
import { hostNameOf, isLoopbackAddress, LOOPBACK_HOST_NAMES } from './loopback';

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

/** Shorter tokens can be guessed; `openssl rand -base64 32` gives 44 characters. */
export const MIN_TOKEN_LENGTH = 32;

export interface CodecServerOptions {
  codec: PayloadCodec;
  port: number;
  /** Address to bind; 127.0.0.1 when omitted. */
  host?: string;
  /** Browser origins (the Web UI's) allowed to call; a request from any other origin is refused unread. */
  allowedOrigins: readonly string[];
  /** Accepted `Authorization: Bearer` tokens (several while rotating). Required unless `loopbackDevelopment`. */
  authTokens?: readonly string[];
  /**
   * Host names (the Host header, port ignored) this server answers to: the names operators
   * reach it by. Loopback names when omitted and bound to loopback; required otherwise.
   */
  allowedHosts?: readonly string[];
  /**
   * A developer machine's switch: no token needed, so the server binds to 127.0.0.1 or ::1
   * only and answers to loopback names only. Tokens, when given as well, are still required.
   */
  loopbackDevelopment?: boolean;
  /** When set, only these namespaces (the UI's X-Namespace header) are served. */
  namespaces?: readonly string[];
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** What a request must satisfy, settled once at start. */
interface AccessPolicy {
  hosts: readonly string[];
  origins: readonly string[];
  authorized: (authorization: string | undefined) => boolean;
  namespaces?: readonly string[];
}

/**
 * A codec server: lets the Temporal Web UI (and `temporal workflow show --codec-endpoint`)
 * show decrypted payloads to operators, while Temporal itself only ever stores ciphertext.
 * It decrypts for whoever passes its checks, so it refuses to start without a way to tell
 * callers apart: bearer tokens, or a loopback-only development bind.
 */
export async function startCodecServer(options: CodecServerOptions): Promise<CodecServer> {
  const host = options.host ?? '127.0.0.1';
  const policy = accessPolicy(options, host);
  const server = createServer((request, response) => {
    handle(options.codec, policy, request, response).catch((error: unknown) => {
      // Only messages written here reach the caller: a codec's own errors name key ids.
      const { status, message, headers } = error instanceof HttpError ? error : new HttpError(500, 'the codec server failed');
      respond(response, status, { message }, headers);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const urlHost = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${urlHost}:${port}`,
    close: () => new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

function accessPolicy(options: CodecServerOptions, host: string): AccessPolicy {
  const tokens = options.authTokens ?? [];
  if (tokens.some((token) => token.length < MIN_TOKEN_LENGTH)) {
    throw new CodecServerConfigError(`every codec server token needs at least ${MIN_TOKEN_LENGTH} characters (openssl rand -base64 32)`);
  }
  if (options.loopbackDevelopment) {
    if (!isLoopbackAddress(host)) {
      throw new CodecServerConfigError(`loopbackDevelopment binds to 127.0.0.1 or ::1 only, not ${host}: anywhere else, give authTokens`);
    }
    if (options.allowedHosts) throw new CodecServerConfigError('loopbackDevelopment answers to loopback host names only: drop allowedHosts, or give authTokens instead');
  } else if (tokens.length === 0) {
    throw new CodecServerConfigError('refusing to start a codec server without authentication: give authTokens, or loopbackDevelopment on a developer machine');
  }
  const hosts = options.loopbackDevelopment ? LOOPBACK_HOST_NAMES : (options.allowedHosts ?? (isLoopbackAddress(host) ? LOOPBACK_HOST_NAMES : undefined));
  if (!hosts?.length) throw new CodecServerConfigError(`bound to ${host}, the codec server needs allowedHosts: the host names clients reach it by`);
  return {
    hosts: hosts.map((name) => name.toLowerCase()),
    origins: options.allowedOrigins,
    authorized: tokens.length ? bearerTokenCheck(tokens) : () => true,
    ...(options.namespaces ? { namespaces: options.namespaces } : {}),
  };
}

async function handle(codec: PayloadCodec, policy: AccessPolicy, request: IncomingMessage, response: ServerResponse): Promise<void> {
  // Checked before anything else, preflights included: a page that rebound its DNS name to this
  // address sends its own name as Host, and a page of another origin gets no answer at all.
  const hostName = hostNameOf(request.headers.host);
  if (!hostName || !policy.hosts.includes(hostName)) throw new HttpError(403, 'this codec server does not answer to that host name');
  response.setHeader('Vary', 'Origin');
  const origin = request.headers.origin;
  if (origin !== undefined && !policy.origins.includes(origin)) throw new HttpError(403, 'requests from that origin are not allowed');
  if (origin) {
    response.setHeader('Access-Control-Allow-Origin', origin);
    response.setHeader('Access-Control-Allow-Credentials', 'true');
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
  if (!operation) throw new HttpError(404, 'no such endpoint: use POST /encode or /decode');
  if (request.method !== 'POST') throw new HttpError(405, 'use POST', { Allow: 'POST, OPTIONS' });
  if (!policy.authorized(request.headers.authorization)) throw new HttpError(401, 'missing or wrong bearer token', { 'WWW-Authenticate': 'Bearer' });
  if (mediaType(request.headers['content-type']) !== 'application/json') throw new HttpError(415, 'send Content-Type: application/json');
  const namespace = request.headers['x-namespace'];
  if (policy.namespaces && (typeof namespace !== 'string' || !policy.namespaces.includes(namespace))) {
    throw new HttpError(403, 'this codec server does not serve that namespace');
  }
  const body = payloadsBody.safeParse(parseJson(await readBody(request)));
  if (!body.success) throw new HttpError(400, `expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}: ${body.error.issues[0]?.message}`);
  const payloads = body.data.payloads.map(fromJson);
  let result: Payload[];
  try {
    result = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
  } catch {
    throw new HttpError(400, `the payloads could not be ${operation}d with this server's keys`);
  }
  respond(response, 200, { payloads: result.map(toJson) });
}

/** `application/json; charset=utf-8` -> `application/json`. */
function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // The rest of the body is never read: the connection cannot carry another request.
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body exceeds ${MAX_BODY_BYTES} bytes`, { Connection: 'close' });
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

function respond(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return void response.destroy();
  response.writeHead(status, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
