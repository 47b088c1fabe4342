import { randomUUID } from 'node:crypto';
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { AwsWireError, SERVER_ERROR_CODE, wireError } from './errors';
import type { FakeService } from './services';

/** One request, routed: JSON 1.1 by X-Amz-Target (Rekognition, Transcribe, EventBridge), Bedrock Runtime by REST path. */
export interface FakeRequest {
  service: FakeService;
  operation: string;
  body: Record<string, unknown>;
  /** Bedrock: the model id from the path, decoded. */
  modelId?: string;
}

export type FakeHandler = (request: FakeRequest) => Promise<unknown>;

export interface FakeServer {
  endpoint: string;
  close(): Promise<void>;
}

const JSON_1_1 = 'application/x-amz-json-1.1';
const TARGET_PREFIX: Record<string, FakeService> = { RekognitionService: 'rekognition', Transcribe: 'transcribe', AWSEvents: 'eventbridge' };

/**
 * Listens on one loopback port for both HTTP/1.1 (the Rekognition and Transcribe clients) and
 * HTTP/2 cleartext (the Bedrock Runtime client uses the SDK's HTTP/2 handler): the first bytes
 * of a connection tell them apart, so every client takes the same endpoint.
 */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const serve = (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => void answer(handler, request, Buffer.concat(chunks).toString('utf8'), response));
  };
  const http1 = createHttp1Server(serve);
  // An HTTP/2 session reads its socket's native handle, past bytes already peeked at, so
  // HTTP/2 connections are piped to a listener of their own instead of handed over.
  const http2 = createHttp2Server(serve);
  const sessions = new Set<Http2Session>();
  http2.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => http2.listen(0, '127.0.0.1', resolve));
  const http2Port = (http2.address() as AddressInfo).port;

  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client that hangs up mid-answer (a cancelled call, a killed worker) must end its own
    // connection, not the process: an unhandled EPIPE on a piped socket would crash the fake.
    socket.on('error', () => socket.destroy());
    return socket;
  };
  const tcp = createTcpServer((socket) => {
    track(socket);
    socket.once('data', (first: Buffer) => {
      // Every HTTP/2 connection opens with the preface "PRI * HTTP/2.0"; no HTTP/1 method is PRI.
      if (first.subarray(0, 3).toString('latin1') === 'PRI') {
        const upstream = track(connect(http2Port, '127.0.0.1'));
        upstream.write(first);
        socket.pipe(upstream).pipe(socket);
        upstream.on('close', () => socket.destroy());
        socket.on('close', () => upstream.destroy());
      } else {
        socket.pause();
        socket.unshift(first);
        http1.emit('connection', socket);
        socket.resume();
      }
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  const { port } = tcp.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      for (const session of sessions) session.destroy();
      await Promise.all([new Promise<void>((resolve) => tcp.close(() => resolve())), new Promise<void>((resolve) => http2.close(() => resolve()))]);
    },
  };
}

function route(request: IncomingMessage | Http2ServerRequest, text: string): FakeRequest {
  const converse = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(request.url ?? '');
  if (converse) {
    const body = parseBody(text, 'bedrock', 'ValidationException');
    return { service: 'bedrock', operation: converse[2] === 'converse' ? 'Converse' : 'ConverseStream', body, modelId: decodeURIComponent(converse[1] as string) };
  }
  const [prefix = '', operation = ''] = String(request.headers['x-amz-target'] ?? '').split('.');
  const service = TARGET_PREFIX[prefix];
  if (!service || request.method !== 'POST') {
    throw new AwsWireError('UnknownOperationException', `The fake AWS has no ${request.method} ${request.url} ${prefix}.${operation}`, 400);
  }
  return { service, operation, body: parseBody(text, service, 'SerializationException') };
}

function parseBody(text: string, service: FakeService, code: string): Record<string, unknown> {
  try {
    const body: unknown = text ? JSON.parse(text) : {};
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw wireError(service, code, 'The request body is not a JSON object.');
}

async function answer(handler: FakeHandler, request: IncomingMessage | Http2ServerRequest, text: string, response: ServerResponse | Http2ServerResponse) {
  const rest = (request.url ?? '').startsWith('/model/');
  const headers = { 'content-type': rest ? 'application/json' : JSON_1_1, 'x-amzn-requestid': randomUUID() };
  let service: FakeService = rest ? 'bedrock' : 'rekognition';
  try {
    const routed = route(request, text);
    service = routed.service;
    const result = await handler(routed);
    response.writeHead(200, headers);
    response.end(JSON.stringify(result));
  } catch (err) {
    // A bug in the fake surfaces as the service's own 5xx, with the cause in the message.
    const wire = err instanceof AwsWireError ? err : wireError(service, SERVER_ERROR_CODE[service], `fake AWS: ${String(err)}`);
    response.writeHead(wire.status, { ...headers, 'x-amzn-errortype': wire.code });
    response.end(JSON.stringify(errorBody(service, wire)));
  }
}

/** REST JSON (Bedrock) carries only "message"; JSON 1.1 "__type" and "Message", Rekognition also "Code" and "Logref". */
function errorBody(service: FakeService, wire: AwsWireError): Record<string, string> {
  if (service === 'bedrock') return { message: wire.message };
  const body = { __type: wire.code, Message: wire.message };
  return service === 'rekognition' ? { ...body, Code: wire.code, Logref: randomUUID() } : body;
}
