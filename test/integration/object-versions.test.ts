import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { MEDIA_ID } from '../../common/search-attributes';
import type { MediaSource } from '../../common/types';
import { loadIntakeConfig } from '../../intake/config';
import type { HandledEvent } from '../../starter/handle-s3-event';
import { handleLambdaEvent } from '../../starter/lambda-event';
import type { StarterLog } from '../../starter/starter-log';
import { eventFixture } from '../support/event-fixtures';

const silent: StarterLog = { info() {}, warn() {}, error() {}, withCorrelationId: () => silent };

type ObjectCreated = { detail: { object: { key: string; etag: string; 'version-id'?: string } } };

/**
 * A versioned bucket: overwriting a key makes a new version, and a new version is new media
 * to analyse, even when its bytes (and so its etag) are those of the previous one. No worker
 * polls the task queue, so started workflows wait where they are and can be inspected.
 */
describe('object versions against the dev server', () => {
  let connection: Connection;
  let client: Client;
  const taskQueue = `versions-test-${randomUUID()}`;
  const config = loadIntakeConfig({ REELSCOPE_TASK_QUEUE: taskQueue, REELSCOPE_INCOMING_PREFIX: '', REELSCOPE_DEFAULT_TENANT: 'fixtures' });
  const started = new Set<string>();

  /** The EventBridge "Object Created" fixture for one version of a key unique to this run. */
  function upload(key: string, versionId: string): ObjectCreated {
    const event = eventFixture<ObjectCreated>('eventbridge-object-created.json');
    event.detail.object.key = key;
    event.detail.object['version-id'] = versionId;
    return event;
  }

  async function deliver(event: ObjectCreated): Promise<HandledEvent['started']> {
    const { started: outcomes } = (await handleLambdaEvent(event, client, config, silent)) as HandledEvent;
    for (const outcome of outcomes) started.add(outcome.workflowId);
    return outcomes;
  }

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await Promise.all([...started].map((id) => client.workflow.getHandle(id).terminate('object versions test done').catch(ignoreNotFound)));
    await connection?.close();
  });

  it('starts one analysis per version of a key, and a redelivered version starts none', async () => {
    // Arrange: the same key and the same etag, two versions.
    const key = `overwritten-${randomUUID().slice(0, 8)}.mp4`;
    const first = upload(key, 'Wq8tZr3LmN5pXv0bYc7dHs2kJf4gAe9u');
    const second = upload(key, 'Xr9uAs4MnO6qYw1cZd8eIt3lKg5hBf0v');

    // Act
    const [v1] = await deliver(first);
    const [v2] = await deliver(second);
    const v2Run = (await client.workflow.getHandle(v2?.workflowId ?? '').describe()).runId;
    const redelivered = await deliver(upload(key, 'Xr9uAs4MnO6qYw1cZd8eIt3lKg5hBf0v'));

    // Assert: two workflows, each pinned to its version.
    expect(v1?.workflowId).toBeDefined();
    expect(v2?.workflowId).toBeDefined();
    expect(v2?.workflowId).not.toBe(v1?.workflowId);
    for (const [outcome, versionId] of [[v1, first.detail.object['version-id']], [v2, second.detail.object['version-id']]] as const) {
      const description = await client.workflow.getHandle(outcome?.workflowId ?? '').describe();
      expect(description.typedSearchAttributes.get(MEDIA_ID)).toBe(outcome?.mediaId);
      expect((description.memo as { source: MediaSource }).source).toMatchObject({ key, versionId });
    }
    // The redelivery is the second version's execution, not a third workflow nor a new run.
    expect(redelivered).toEqual([expect.objectContaining({ mediaId: v2?.mediaId, workflowId: v2?.workflowId, runId: v2Run })]);
    expect((await client.workflow.getHandle(v2?.workflowId ?? '').describe()).runId).toBe(v2Run);
    expect(started.size).toBe(2);
  });
});

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof WorkflowNotFoundError)) throw err;
}
