import { Client, Connection } from '@temporalio/client';
import { MediaRecords } from '../storage/media-records';
import { ObjectStore } from '../storage/object-store';
import { secretsManagerReader } from '../common/secrets-manager-reader';
import { loadTemporalSettings } from '../common/temporal-connection';
import { loadIntakeConfig, type IntakeConfig } from '../intake/config';
import { createAwsClients, type AwsClients } from '../common/aws-clients';
import { loadWorkerConfig, type WorkerConfig } from '../worker/config';

/** What every command works with: the Temporal client, the records table and the bucket. */
export interface CliContext {
  client: Client;
  config: WorkerConfig;
  starter: IntakeConfig;
  clients: AwsClients;
  records: MediaRecords;
  store: ObjectStore;
  /** Where the Web UI lives, for links (REELSCOPE_WEB_UI_URL). */
  webUiUrl?: string;
}

/** Where operators see their output; `json` makes every command print one JSON document. */
export interface CliOutput {
  json: boolean;
  /** True when a live progress bar can be drawn (a terminal). */
  interactive: boolean;
  print: (text: string) => void;
}

/**
 * Connects with the same settings as worker and starter: TEMPORAL_* (or a Secrets Manager
 * credential), the payload codec when encryption is on, and the REELSCOPE_* bucket/tables.
 */
export async function openCliContext(env: NodeJS.ProcessEnv = process.env): Promise<CliContext & { close(): Promise<void> }> {
  const config = loadWorkerConfig(env);
  const { connectionOptions, namespace, dataConverter } = await loadTemporalSettings(
    env,
    secretsManagerReader(),
  );
  const connection = await Connection.connect(connectionOptions);
  const clients = createAwsClients(config.aws);
  return {
    client: new Client({ connection, namespace, dataConverter }),
    config,
    starter: loadIntakeConfig(env),
    clients,
    records: new MediaRecords(clients.doc, config.tables),
    store: new ObjectStore(clients.s3, config.bucket),
    ...(env['REELSCOPE_WEB_UI_URL'] ? { webUiUrl: env['REELSCOPE_WEB_UI_URL'].replace(/\/$/, '') } : {}),
    async close() {
      await connection.close();
      clients.destroy();
    },
  };
}
