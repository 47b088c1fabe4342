import type { S3Client } from '@aws-sdk/client-s3';
import type { FakeAwsConfig } from './config';
import type { FakeAwsCounters } from './counters';
import type { FakeCollection } from './faces';
import type { PublishedEvent } from './eventbridge';
import type { JobStore } from './jobs';
import type { Publisher } from './notification-messages';
import type { NotificationOutbox } from './notification-outbox';

/** What the service handlers share; config and counters are replaced on reset. */
export interface FakeAwsContext {
  config: FakeAwsConfig;
  counters: FakeAwsCounters;
  jobs: JobStore;
  seed: number;
  /** Transcribe writes its output here; both services check their input here. */
  s3: S3Client;
  s3Endpoint: string;
  objectExists(bucket: string, key: string): Promise<boolean>;
  /** Rekognition face collections by id. */
  collections: Map<string, FakeCollection>;
  /** Every event the bus accepted, oldest first. */
  events: PublishedEvent[];
  /** Job-end notifications: published when a job ends, delivered to config.notificationUrl. */
  notifications: NotificationOutbox;
  /** The account and region notifications name. */
  publisher: Publisher;
}
