import type { FakeAwsConfig, FakeAwsCounters, FakeJob } from './state';
import type { S3Client } from '@aws-sdk/client-s3';

/** What the service handlers share. */
export interface FakeAwsContext {
  config: FakeAwsConfig;
  counters: FakeAwsCounters;
  jobs: Map<string, FakeJob>;
  /** Idempotency: Start* operation + token (or job name) → job. */
  jobByToken: Map<string, FakeJob>;
  addJob(job: FakeJob, token?: string): void;
  s3: S3Client;
  s3Endpoint: string;
  objectExists(bucket: string, key: string): Promise<boolean>;
}
