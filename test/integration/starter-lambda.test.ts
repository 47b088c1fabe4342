import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { MEDIA_ID, STAGE, TENANT } from '../../common/search-attributes';
import { loadStarterConfig, type StarterConfig } from '../../starter/config';
import type { HandledEvent } from '../../starter/handle-s3-event';
import { handleLambdaEvent, type SqsBatchOutcome, type StarterResult } from '../../starter/lambda-event';
import { workflowIdFor } from '../../starter/media-identity';
import { powertoolsStarterLog, type StarterLog } from '../../starter/starter-log';

// Real AWS payloads kept beside the repository (see shared/events/README.md).
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'shared', 'events', name), 'utf8'));

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
  const configWith = (env: Record<string, string> = {}): StarterConfig =>
    loadStarterConfig({ REELSCOPE_TASK_QUEUE: taskQueue, REELSCOPE_INCOMING_PREFIX: '', REELSCOPE_DEFAULT_TENANT: 'fixtures', ...env });

  async function deliver(event: unknown, config: StarterConfig = configWith()): Promise<StarterResult> {
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
    ['s3-eventbridge-object-created.json', 'IMG_m7fzo3.jpg', {}],
    ['s3-decoded-key.json', 'Happy Face.jpg', {}],
    ['s3-base.json', 'b21b84d653bb07b05b1e6b33684dc11b', { REELSCOPE_SUFFIXES: '*' }],
    ['s3-glacier.json', 'b21b84d653bb07b05b1e6b33684dc11b', { REELSCOPE_SUFFIXES: '*' }],
    ['s3-sqs-event.json', 'test.pdf', { REELSCOPE_SUFFIXES: '.pdf' }],
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

  it('maps the same object delivered as a notification and as a restore-era record to one media', async () => {
    const base = startedBy(await deliver(fixture('s3-base.json'), configWith({ REELSCOPE_SUFFIXES: '*' })));
    const glacier = startedBy(await deliver(fixture('s3-glacier.json'), configWith({ REELSCOPE_SUFFIXES: '*' })));
    expect(glacier[0]?.workflowId).toBe(base[0]?.workflowId);
  });

  it.each<[string, Partial<StarterConfig>, RegExp]>([
    ['s3-eventbridge-object-created.json', { minSizeBytes: 200_000 }, /below the 200000 byte minimum/],
    ['s3-base.json', {}, /suffix not in/],
    ['s3-decoded-key.json', { incomingPrefix: 'incoming/' }, /outside the incoming\/ prefix/],
    ['s3-eventbridge-object-created.json', { defaultTenant: undefined }, /<tenant>\/<file>/],
  ])('%s is filtered out by %j', async (name, overrides, reason) => {
    const result = (await deliver(fixture(name), { ...configWith(), ...overrides })) as HandledEvent;
    expect(result.started).toEqual([]);
    expect(result.filtered).toEqual([{ key: expect.any(String), reason: expect.stringMatching(reason) }]);
  });

  it('a filtered SQS record is handled, not failed', async () => {
    const result = (await deliver(fixture('s3-sqs-event.json'))) as SqsBatchOutcome;
    expect(result.batchItemFailures).toEqual([]);
    expect(result.messages[0]?.handled?.filtered[0]?.reason).toMatch(/suffix not in/);
  });

  it.each([
    's3-delete-object.json',
    's3-s3-lifecycle-event.json',
    's3-eventbridge-object-deleted.json',
    's3-eventbridge-object-expired.json',
    's3-eventbridge-object-restored.json',
  ])('%s is ignored: no workflow', async (name) => {
    const result = (await deliver(fixture(name), configWith({ REELSCOPE_SUFFIXES: '*' }))) as HandledEvent;
    expect(result.started).toEqual([]);
    expect(result.ignored.length).toBeGreaterThan(0);
    expect(result.unsupported).toBeUndefined();
  });

  it('refuses an S3 Object Lambda event as unsupported, without throwing', async () => {
    const result = (await deliver(fixture('s3-object-iam-user.json'))) as HandledEvent;
    expect(result.started).toEqual([]);
    expect(result.unsupported).toMatch(/neither an EventBridge S3 event nor an S3 notification/);
  });

  it('reports every unrelated SQS message as a failed batch item', async () => {
    const result = (await deliver(fixture('sqs-unrelated.json'))) as SqsBatchOutcome;
    expect(result.batchItemFailures).toEqual([
      { itemIdentifier: '059f36b4-87a3-44ab-83d2-661975830a7d' },
      { itemIdentifier: '2e1424d4-f796-459a-8184-9c92662be6da' },
    ]);
    expect(result.messages.map((m) => m.error)).toEqual([expect.stringMatching(/not JSON/), expect.stringMatching(/not an S3 event/)]);
  });

  it('fails only the message whose start failed; the rest of the batch is done', async () => {
    // One batch: a plain upload, the S3 test event, and an upload wrapped in an SNS envelope.
    const good = sqsMessage('good', s3Notification('ok-bucket', 'clip+one.mp4'));
    const test = sqsMessage('test', { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'ok-bucket' });
    const sns = sqsMessage('sns', { Type: 'Notification', Message: JSON.stringify(s3Notification('ok-bucket', 'clip%20two.mp4')) });
    const result = (await deliver({ Records: [good, test, sns] })) as SqsBatchOutcome;
    expect(result.batchItemFailures).toEqual([]);
    expect(result.messages.map((m) => m.handled?.started.length ?? 0)).toEqual([1, 0, 1]);
    expect(result.messages[1]?.handled?.ignored).toEqual(['s3:TestEvent']);

    // A start the server refuses (the task queue name is too long) fails that message alone.
    const broken = loadStarterConfig({ REELSCOPE_TASK_QUEUE: 'x'.repeat(2000), REELSCOPE_INCOMING_PREFIX: '', REELSCOPE_DEFAULT_TENANT: 'fixtures' });
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
      const result = (await handleLambdaEvent(fixture('s3-eventbridge-object-created.json'), client, configWith(), log)) as HandledEvent;
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
