import { Logger } from '@aws-lambda-powertools/logger';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { MEDIA_ID, STAGE, TENANT } from '../../common/search-attributes';
import { loadIntakeConfig, type IntakeConfig } from '../../intake/config';
import type { HandledEvent } from '../../starter/handle-s3-event';
import { handleLambdaEvent, type SqsBatchOutcome, type StarterResult } from '../../starter/lambda-event';
import { workflowIdFor } from '../../intake/media-identity';
import { powertoolsStarterLog, type StarterLog } from '../../starter/starter-log';
import { eventFixture as fixture } from '../support/event-fixtures';

const silent: StarterLog = { info() {}, warn() {}, error() {}, withCorrelationId: () => silent };

/**
 * Every event fixture through the Lambda's handler against the real dev server. The task
 * queue has no worker, so started workflows wait where they are and can be inspected.
 */
describe('starter Lambda against the dev server', () => {
  let connection: Connection;
  let client: Client;
  const taskQueue = `starter-test-${process.pid}`;
  const started = new Set<string>();

  // The fixtures' keys sit at the bucket root: a default tenant owns them, as in a single-tenant bucket.
  const configWith = (env: Record<string, string> = {}): IntakeConfig =>
    loadIntakeConfig({ REELSCOPE_TASK_QUEUE: taskQueue, REELSCOPE_INCOMING_PREFIX: '', REELSCOPE_DEFAULT_TENANT: 'fixtures', ...env });

  async function deliver(event: unknown, config: IntakeConfig = configWith()): Promise<StarterResult> {
    const result = await handleLambdaEvent(event, client, config, silent);
    for (const outcome of startedBy(result)) started.add(outcome.workflowId);
    return result;
  }

  beforeAll(async () => {
    connection = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] });
    client = new Client({ connection });
  });
  afterAll(async () => {
    await Promise.all([...started].map((id) => client.workflow.getHandle(id).terminate('starter test done').catch(ignoreNotFound)));
    await connection?.close();
  });

  it.each([
    ['eventbridge-object-created.json', 'lecture-intro.mp4', {}],
    ['s3-object-created-put.json', 'keynote-rehearsal.mov', {}],
    ['s3-object-created-copy.json', 'highlights-reel-copy.mp4', {}],
    ['s3-object-created-multipart.json', 'all-hands-2024.mkv', {}],
    ['s3-object-created-encoded-key.json', 'team meeting #1 (final).mp4', {}],
    ['s3-object-created-unicode-key.json', 'résumé 日本.mp4', {}],
    ['sqs-s3-notification.json', 'podcast-episode-12.m4a', { REELSCOPE_SUFFIXES: '.m4a' }],
    ['sqs-sns-s3-notification.json', 'lecture-intro.mp4', {}],
  ])('%s starts one workflow for %s, and a second delivery starts none', async (name, key, env) => {
    // Arrange
    const config = configWith(env);

    // Act
    const first = startedBy(await deliver(fixture(name), config));
    const second = startedBy(await deliver(fixture(name), config));

    // Assert
    expect(first).toHaveLength(1);
    const [outcome] = first;
    expect(outcome?.workflowId).toBe(workflowIdFor(outcome?.mediaId ?? ''));
    const description = await client.workflow.getHandle(outcome?.workflowId ?? '').describe();
    expect(description.taskQueue).toBe(taskQueue);
    expect(description.typedSearchAttributes.get(MEDIA_ID)).toBe(outcome?.mediaId);
    expect(description.typedSearchAttributes.get(TENANT)).toBe('fixtures');
    expect(description.typedSearchAttributes.get(STAGE)).toBe('RECEIVED');
    expect((description.memo as { source: { key: string } }).source.key).toBe(key);
    // The duplicate is the same execution, never a second run.
    expect(second).toEqual([expect.objectContaining({ workflowId: outcome?.workflowId })]);
    expect((await client.workflow.getHandle(outcome?.workflowId ?? '').describe()).runId).toBe(description.runId);
  });

  it('maps the same upload delivered by EventBridge and through S3 → SNS → SQS to one media', async () => {
    // Act
    const bridge = startedBy(await deliver(fixture('eventbridge-object-created.json')));
    const sns = startedBy(await deliver(fixture('sqs-sns-s3-notification.json')));

    // Assert
    expect(bridge).toHaveLength(1);
    expect(sns).toEqual([expect.objectContaining({ mediaId: bridge[0]?.mediaId, workflowId: bridge[0]?.workflowId })]);
  });

  it.each<[string, Partial<IntakeConfig>, RegExp]>([
    ['eventbridge-object-created.json', { minSizeBytes: 5_000_000 }, /below the 5000000 byte minimum/],
    ['s3-object-created-put.json', { suffixes: ['.mp4'] }, /suffix not in/],
    ['s3-object-created-encoded-key.json', { incomingPrefix: 'incoming/' }, /outside the incoming\/ prefix/],
    ['s3-object-created-unicode-key.json', { incomingPrefix: 'incoming/' }, /outside the incoming\/ prefix/],
    ['eventbridge-object-created.json', { defaultTenant: undefined }, /<tenant>\/<file>/],
  ])('%s is filtered out by %j', async (name, overrides, reason) => {
    const result = (await deliver(fixture(name), { ...configWith(), ...overrides })) as HandledEvent;
    expect(result.started).toEqual([]);
    expect(result.filtered).toEqual([{ key: expect.any(String), reason: expect.stringMatching(reason) }]);
  });

  it.each(['sqs-s3-notification.json', 'sqs-sns-s3-notification.json'])('a filtered record in %s is handled, not failed', async (name) => {
    // Act
    const result = (await deliver(fixture(name), configWith({ REELSCOPE_SUFFIXES: '.wav' }))) as SqsBatchOutcome;

    // Assert
    expect(result.batchItemFailures).toEqual([]);
    expect(result.messages[0]?.handled?.filtered[0]?.reason).toMatch(/suffix not in/);
  });

  it.each([
    's3-object-removed-delete.json',
    's3-lifecycle-expiration-delete.json',
    's3-object-restore-completed.json',
    'eventbridge-object-deleted.json',
    'eventbridge-object-deleted-lifecycle-expiration.json',
    'eventbridge-object-restore-initiated.json',
    'eventbridge-object-restore-completed.json',
    'eventbridge-object-restore-expired.json',
  ])('%s is ignored: no workflow', async (name) => {
    const result = (await deliver(fixture(name), configWith({ REELSCOPE_SUFFIXES: '*' }))) as HandledEvent;
    expect(result.started).toEqual([]);
    expect(result.ignored.length).toBeGreaterThan(0);
    expect(result.unsupported).toBeUndefined();
  });

  it('refuses an S3 Object Lambda event as unsupported, without throwing', async () => {
    const result = (await deliver(fixture('s3-object-lambda-get-object.json'))) as HandledEvent;
    expect(result.started).toEqual([]);
    expect(result.unsupported).toMatch(/neither an EventBridge S3 event nor an S3 notification/);
  });

  it('reports every unrelated SQS message as a failed batch item', async () => {
    const result = (await deliver(fixture('sqs-unrelated.json'))) as SqsBatchOutcome;
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: '3d8a1e6c-4b9f-4c27-9a50-e2f7b3c1d846' },
      { itemIdentifier: 'b7f2c9e4-6a1d-4e83-8c05-4f9a2d7e1b63' },
    ]);
    expect(result.messages.map((m) => m.error)).toEqual([expect.stringMatching(/not JSON/), expect.stringMatching(/not an S3 event/)]);
  });

  it('fails only the message whose start failed; the rest of the batch is done', async () => {
    // One batch: a plain upload, the S3 test event, an upload wrapped in an SNS envelope, and
    // the test event as an SNS topic destination receives it.
    const good = sqsMessage('good', s3Notification('ok-bucket', 'clip+one.mp4'));
    const test = sqsMessage('test', fixture('s3-test-event.json'));
    const sns = sqsMessage('sns', { Type: 'Notification', Message: JSON.stringify(s3Notification('ok-bucket', 'clip%20two.mp4')) });
    const snsTest = sqsMessage('sns-test', { Type: 'Notification', Message: JSON.stringify(fixture('s3-test-event.json')) });
    const result = (await deliver({ Records: [good, test, sns, snsTest] })) as SqsBatchOutcome;
    expect(result.batchItemFailures).toEqual([]);
    expect(result.messages.map((m) => m.handled?.started.length ?? 0)).toEqual([1, 0, 1, 0]);
    expect(result.messages[1]?.handled?.ignored).toEqual(['s3:TestEvent']);
    expect(result.messages[3]?.handled?.ignored).toEqual(['s3:TestEvent']);

    // A start the server refuses (the task queue name is too long) fails that message alone.
    const broken = loadIntakeConfig({ REELSCOPE_TASK_QUEUE: 'x'.repeat(2000), REELSCOPE_INCOMING_PREFIX: '', REELSCOPE_DEFAULT_TENANT: 'fixtures' });
    const partial = (await handleLambdaEvent({ Records: [sqsMessage('bad', s3Notification('ok-bucket', 'clip three.mp4'))] }, client, broken, silent)) as SqsBatchOutcome;
    expect(partial.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
  });

  it('logs JSON lines with the media id as correlation id', async () => {
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const log = powertoolsStarterLog(new Logger({ serviceName: 'reelscope-starter', logLevel: 'INFO' }));
      const result = (await handleLambdaEvent(fixture('eventbridge-object-created.json'), client, configWith(), log)) as HandledEvent;
      const mediaId = result.started[0]?.mediaId;
      const entries = lines.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries).toContainEqual(expect.objectContaining({ service: 'reelscope-starter', correlation_id: mediaId, workflowId: workflowIdFor(mediaId ?? '') }));
    } finally {
      write.mockRestore();
    }
  });
});

function startedBy(result: StarterResult): HandledEvent['started'] {
  if ('batchItemFailures' in result) return result.messages.flatMap((m) => m.handled?.started ?? []);
  return result.started;
}

function s3Notification(bucket: string, encodedKey: string): unknown {
  return {
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        s3: { bucket: { name: bucket }, object: { key: encodedKey, size: 1024, eTag: 'abc123' } },
      },
    ],
  };
}

function sqsMessage(messageId: string, body: unknown): unknown {
  return { messageId, eventSource: 'aws:sqs', body: JSON.stringify(body), receiptHandle: 'r', attributes: {} };
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof WorkflowNotFoundError)) throw err;
}
