import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { FakeAwsContext } from './context';
import { converse } from './converse';
import { rekognition } from './rekognition';
import { AwsWireError, defaultConfig, FakeAwsCounters, seededRandom, type FakeAwsConfig, type FakeJob, type FakeService } from './state';
import { transcribe } from './transcribe';

export type { FakeAwsConfig, JobFamily } from './state';
export { FakeAwsCounters } from './state';

export interface FakeAwsOptions {
  /** The local S3 server: Transcribe writes its output there, Rekognition checks its input there. */
  s3Endpoint: string;
  region?: string;
  /** Seeds fault injection and generated results, so a run repeats. */
  seed?: number;
}

export interface FakeAws {
  /** HTTP/1.1: Rekognition and Transcribe. */
  endpoint: string;
  /** HTTP/2 cleartext: the Bedrock Runtime client speaks HTTP/2 only. */
  bedrockEndpoint: string;
  /** Mutable between and within tests. */
  config: FakeAwsConfig;
  counters: FakeAwsCounters;
  /** Forgets jobs and counters and restores the default configuration. */
  reset(): void;
  close(): Promise<void>;
}

// The codes each service really answers with when it is busy or broken.
const THROTTLE: Record<FakeService, { code: string; status: number }> = {
  rekognition: { code: 'ThrottlingException', status: 400 },
  transcribe: { code: 'LimitExceededException', status: 400 },
  bedrock: { code: 'ThrottlingException', status: 429 },
};
const SERVER_ERROR: Record<FakeService, string> = {
  rekognition: 'InternalServerError',
  transcribe: 'InternalFailureException',
  bedrock: 'InternalServerException',
};

/**
 * An in-process HTTP server speaking the wire protocols of Amazon Rekognition Video and
 * Amazon Transcribe (JSON 1.1, X-Amz-Target) and Bedrock Runtime Converse (REST JSON), so
 * the real SDK clients run against it through endpoint overrides. Jobs follow the real
 * lifecycle in wall-clock time; faults are injected by configuration.
 */
export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const s3 = new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const jobs = new Map<string, FakeJob>();
  let random = seededRandom(options.seed ?? 7);
  const context: FakeAwsContext = {
    config: defaultConfig(),
    counters: new FakeAwsCounters(() => jobs.values()),
    jobs,
    jobByToken: new Map(),
    addJob(job, token) {
      jobs.set(job.id, job);
      if (token) context.jobByToken.set(token, job);
      context.counters.jobCreated(job);
    },
    s3,
    s3Endpoint: options.s3Endpoint.replace(/\/$/, ''),
    async objectExists(bucket, key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch {
        return false;
      }
    },
  };

  async function handle(request: IncomingMessage | Http2ServerRequest, body: string): Promise<{ service: FakeService; result: unknown }> {
    const model = /^\/model\/([^/]+)\/converse$/.exec(request.url ?? '');
    const target = String(request.headers['x-amz-target'] ?? '');
    const [prefix, operation = ''] = target.split('.');
    const service: FakeService | undefined = model ? 'bedrock' : prefix === 'RekognitionService' ? 'rekognition' : prefix === 'Transcribe' ? 'transcribe' : undefined;
    if (!service) throw new AwsWireError('UnknownOperationException', `no fake for ${request.method} ${request.url} ${target}`);
    const roll = random();
    if (roll < context.config.throttleRate) {
      context.counters.injected('throttling');
      throw Object.assign(new AwsWireError(THROTTLE[service].code, 'Rate exceeded', THROTTLE[service].status), { service });
    }
    if (roll < context.config.throttleRate + context.config.serverErrorRate) {
      context.counters.injected('server');
      throw Object.assign(new AwsWireError(SERVER_ERROR[service], 'Internal server error', 500), { service });
    }
    const parsed = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    if (service === 'bedrock') {
      context.counters.call('Converse');
      return { service, result: converse(context, parsed) };
    }
    context.counters.call(operation);
    context.counters.requests.push({ operation, body: parsed });
    const result = service === 'rekognition' ? await rekognition(context, operation, parsed) : await transcribe(context, operation, parsed);
    return { service, result };
  }

  const serve = (request: IncomingMessage | Http2ServerRequest, response: ServerResponse | Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rest = /^\/model\//.test(request.url ?? '');
      handle(request, Buffer.concat(chunks).toString('utf8'))
        .then(({ result }) => {
          response.writeHead(200, { 'content-type': rest ? 'application/json' : 'application/x-amz-json-1.1', 'x-amzn-requestid': randomId() });
          response.end(JSON.stringify(result));
        })
        .catch((err: unknown) => {
          const wire = err instanceof AwsWireError ? err : new AwsWireError('InternalFailure', String(err), 500);
          response.writeHead(wire.status, {
            'content-type': rest ? 'application/json' : 'application/x-amz-json-1.1',
            'x-amzn-errortype': wire.code,
            'x-amzn-requestid': randomId(),
          });
          response.end(JSON.stringify(rest ? { message: wire.message } : { __type: wire.code, Message: wire.message }));
        });
    });
  };
  const server = createServer(serve);
  const http2Server = createHttp2Server(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http2Server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const { port: http2Port } = http2Server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bedrockEndpoint: `http://127.0.0.1:${http2Port}`,
    get config() {
      return context.config;
    },
    set config(value) {
      context.config = value;
    },
    get counters() {
      return context.counters;
    },
    reset() {
      jobs.clear();
      context.jobByToken.clear();
      context.config = defaultConfig();
      context.counters = new FakeAwsCounters(() => jobs.values());
      random = seededRandom(options.seed ?? 7);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => http2Server.close(() => resolve()));
      s3.destroy();
    },
  };
}

function randomId(): string {
  return Math.random().toString(16).slice(2) + Math.random().toString(16).slice(2);
}
