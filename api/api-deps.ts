import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { createJwtVerifier } from '../auth/jwt-verifier';
import type { IntakeConfig } from '../intake/config';
import { maxPhotoBytes, openKnownPeople } from '../operations/known-people';
import { MediaRecords } from '../storage/media-records';
import { ObjectStore } from '../storage/object-store';
import { UploadSessions } from '../storage/upload-sessions';
import { UploadUrls } from '../storage/upload-urls';
// The one place the s3rver/dynalite client quirks live; shared with the CLI in the same way.
import { createAwsClients } from '../common/aws-clients';
import type { ApiDeps } from './app';
import type { ApiConfig } from './config';

/**
 * Wires the API's stores, signer and verifier from its config: one wiring for every host of
 * the app (the node server, the Lambda, the demo, the tests), so none of them drifts.
 */
export function buildApiDeps(options: {
  config: ApiConfig;
  starter: IntakeConfig;
  temporal: Client;
  logger: Logger;
  now?: () => Date;
}): { deps: ApiDeps; destroy: () => void } {
  const { config } = options;
  const clients = createAwsClients(config.aws);
  const store = new ObjectStore(clients.s3, config.bucket);
  const deps: ApiDeps = {
    ...options,
    verify: createJwtVerifier(config.auth),
    sessions: new UploadSessions(clients.doc, config.tables.uploads),
    urls: new UploadUrls(clients.s3, clients.s3Presigner),
    records: new MediaRecords(clients.doc, config.tables),
    store,
    knownPeople: { people: openKnownPeople({ backend: config.backend, rekognition: clients.rekognition, store }), maxPhotoBytes: maxPhotoBytes(config.backend) },
  };
  return { deps, destroy: () => clients.destroy() };
}
