import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { converse } from './bedrock-converse';
import { eventBridge, type PublishedEvent } from './eventbridge';
import { defaultConfig, type FakeAwsConfig } from './config';
import type { FakeAwsContext } from './context';
import { FakeAwsCounters } from './counters';
import { FaultInjector } from './faults';
import { JobStore, type FakeJob } from './jobs';
import { NotificationOutbox, type PublishedNotification } from './notification-outbox';
import { rekognition } from './rekognition';
import { startFakeServer, type FakeRequest } from './server';
import { transcribe } from './transcribe';

export type { ConverseRequest } from './bedrock-converse';
export type { FakeAwsConfig, JobInfo, JobMatcher, NotificationFaultRates, PerService } from './config';
export type { NotificationFate, PublishedNotification } from './notification-outbox';
export type { FakeJob } from './jobs';
export type { PublishedEvent } from './eventbridge';
export type { ErrorKind, RecordedConverse } from './counters';
export { FakeAwsCounters } from './counters';
export { sampleFromSchema, sampleViolatingSchema } from './json-schema-sample';
export type { FakeService, JobFamily, JobService, RekognitionFamily } from './services';
export { JOB_FAMILIES } from './services';

export interface FakeAwsOptions {
  /** The local S3 server (s3rver): Transcribe writes its output there, both services HEAD their input there. */
  s3Endpoint: string;
  /** Default us-east-1. */
  region?: string;
  /** Seeds fault injection, job ids and generated results, so a run repeats. */
  seed?: number;
}

export interface FakeAws {
  /** http://127.0.0.1:<port>, for the Rekognition, Transcribe and Bedrock Runtime clients alike. */
  endpoint: string;
  /** The same as `endpoint`: the port speaks HTTP/2 cleartext too, which the Bedrock Runtime client uses. */
  bedrockEndpoint: string;
  /** Mutable between and within tests. */
  config: FakeAwsConfig;
  counters: FakeAwsCounters;
  /** Every job started so far, for benchmarks that time what happened after a job ended. */
  jobs(): FakeJob[];
  /** Every event published to the fake's event buses, oldest first. */
  events(): PublishedEvent[];
  /**
   * Every job-end notification published so far, oldest first: Rekognition jobs started with a
   * NotificationChannel (SNS) and every Transcribe job (EventBridge), each with its fate.
   */
  notifications(): PublishedNotification[];
  /** Resolves once every notification of the jobs started so far is published and its delivery is over. */
  notificationsSettled(): Promise<void>;
  /** Forgets jobs, counters and notifications (stopping their timers) and restores the default configuration and the fault sequences. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * An in-process server speaking the wire protocols of Amazon Rekognition Video and Amazon
 * Transcribe and EventBridge PutEvents (JSON 1.1 by X-Amz-Target) and Bedrock Runtime Converse (REST JSON), so the real
 * SDK clients run against it through endpoint overrides. Signatures are not checked. Jobs
 * follow the real lifecycle in wall-clock time; faults are injected by configuration.
 */
export async function startFakeAws(options: FakeAwsOptions): Promise<FakeAws> {
  const seed = options.seed ?? 7;
  const s3 = new S3Client({
    region: options.region ?? 'us-east-1',
    endpoint: options.s3Endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const jobs = new JobStore(seed);
  const faults = new FaultInjector(seed);
  const notifications = new NotificationOutbox(seed, () => context.config);
  const context: FakeAwsContext = {
    config: defaultConfig(),
    counters: new FakeAwsCounters(jobs),
    jobs,
    seed,
    s3,
    s3Endpoint: options.s3Endpoint.replace(/\/$/, ''),
    events: [],
    collections: new Map(),
    notifications,
    // The account the fake's error messages name.
    publisher: { account: '123456789012', region: options.region ?? 'us-east-1' },
    async objectExists(bucket, key) {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch {
        return false;
      }
    },
  };

  async function handle(request: FakeRequest): Promise<unknown> {
    context.counters.recordAttempt(request.operation);
    const fault = faults.pick(context.config, context.counters, request.service, request.operation);
    if (fault) throw fault;
    context.counters.recordCall(request.operation);
    switch (request.service) {
      case 'rekognition':
        return rekognition(context, request.operation, request.body);
      case 'transcribe':
        return transcribe(context, request.operation, request.body);
      case 'bedrock':
        return converse(context, request.operation, request.modelId ?? '', request.body);
      case 'eventbridge':
        return eventBridge(context, request.operation, request.body);
    }
  }

  const server = await startFakeServer(handle);
  return {
    endpoint: server.endpoint,
    bedrockEndpoint: server.endpoint,
    get config() {
      return context.config;
    },
    set config(value) {
      context.config = value;
    },
    get counters() {
      return context.counters;
    },
    jobs() {
      return [...jobs.all()];
    },
    events() {
      return [...context.events];
    },
    notifications() {
      return notifications.published();
    },
    notificationsSettled() {
      return notifications.settled();
    },
    reset() {
      notifications.reset();
      jobs.clear();
      faults.reset();
      context.events.length = 0;
      context.collections.clear();
      context.config = defaultConfig();
      context.counters = new FakeAwsCounters(jobs);
    },
    async close() {
      notifications.close();
      await server.close();
      s3.destroy();
    },
  };
}
