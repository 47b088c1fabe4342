import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/create-activities';
import { ObjectStore } from '../../storage/object-store';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-payload-codec';
import { dataConverterFor, loadKeyring } from '../../codec/codec-config';
import { startCodecServer } from '../../codec/codec-server';
import type { AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startAnalysis } from '../../intake/start-analysis';
import { startTestWorker, type TestWorker } from '../support/test-worker';

/** Everything Temporal stores for an execution, as raw bytes: what an operator of the cluster can read. */
async function rawHistory(client: Client, workflowId: string): Promise<Buffer> {
  const response = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return Buffer.from(temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode(response).finish());
}

/** The failures as Temporal stored them (no codec): what the Web UI shows without a codec server. */
async function storedFailures(client: Client, workflowId: string) {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  const events = history?.events ?? [];
  return {
    activity: events.find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes?.failure,
    workflow: events.find((e) => e.workflowExecutionFailedEventAttributes)?.workflowExecutionFailedEventAttributes?.failure,
  };
}

/** Media whose name carries this fail at the report step, with a message quoting content. */
const FAIL_REPORT = 'fail-report';
/**
 * In no input or result, so only a failure can put it in the history. Content, not a URL or a
 * key: activities redact those from messages, but a message can still quote what it read.
 */
const QUOTED = `quoted-${randomBytes(8).toString('hex')}`;
const REFUSAL = `the model refused a transcript that says ${QUOTED}`;

function failReportsOfMarkedMedia(deps: ActivityDeps): ActivityDeps {
  return {
    ...deps,
    reportWriter: {
      write: (context, signal) =>
        context.sourceKey.includes(FAIL_REPORT)
          ? Promise.reject(ApplicationFailure.nonRetryable(REFUSAL, 'AwsAccessDenied'))
          : deps.reportWriter.write(context, signal),
    },
  };
}

/** What a client reads of a failed analysis: the workflow's failure and the activity error it wraps. */
function failureChain(error: unknown): { step: ApplicationFailure; activity: ApplicationFailure } {
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const step = (error as WorkflowFailedError).cause as ApplicationFailure;
  expect(step.cause).toBeInstanceOf(ActivityFailure);
  return { step, activity: step.cause!.cause as ApplicationFailure };
}

/** The first `at ...` line of a stack trace: a local path, and proof the trace itself was stored. */
const firstFrame = (stack: string | undefined) => stack!.split('\n').map((line) => line.trim()).find((line) => line.startsWith('at '))!;

/** Words of the recognised transcript long enough not to occur by chance in binary data. */
async function transcriptWords(harness: TestWorker, result: AnalyzeMediaResult): Promise<string[]> {
  const ref = result.outcomes.find((o) => o.kind === 'transcript')?.ref;
  const { text } = await new ObjectStore(harness.clients.s3, harness.config.bucket).getJson<{ text: string }>(ref!);
  return [...new Set(text.split(/\s+/).filter((word) => word.length >= 6))];
}

describe('payload encryption (real dev server, local backend)', () => {
  const keys = `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`;
  let bundle: WorkflowBundle;
  let clip: string;
  let clear: TestWorker;
  let encrypted: TestWorker;

  beforeAll(async () => {
    // Failures a workflow throws are converted inside its bundle: built, as Worker.create builds
    // one, with the failure converter the data converter names.
    const { failureConverterPath } = dataConverterFor({ REELSCOPE_CODEC_KEYS: keys });
    bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath, logger: quietLogger });
    clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-clip-')), 'sample.mp4'));
    clear = await startTestWorker(bundle, {}, failReportsOfMarkedMedia);
    encrypted = await startTestWorker(bundle, {}, failReportsOfMarkedMedia, { REELSCOPE_CODEC_KEYS: keys });
  });
  afterAll(async () => {
    await clear?.stop();
    await encrypted?.stop();
  });

  async function analyse(harness: TestWorker) {
    const input = await harness.upload(clip, { name: 'confidential-board-interview.mp4' });
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const result = (await harness.client.workflow.getHandle(workflowId).result()) as AnalyzeMediaResult;
    expect(result.status).toBe('COMPLETED');
    return { input, workflowId, result, history: await rawHistory(harness.client, workflowId), words: await transcriptWords(harness, result) };
  }

  it('stores no object key or transcript text in the history when keys are set', async () => {
    // Without keys the same markers are in clear: the check below is able to fail.
    const plain = await analyse(clear);
    expect(plain.history.includes(plain.input.source.key)).toBe(true);
    expect(plain.words.filter((word) => plain.history.includes(word)).length).toBeGreaterThan(0);

    const secret = await analyse(encrypted);
    expect(secret.words.length).toBeGreaterThan(0);
    expect(secret.history.includes(secret.input.source.key)).toBe(false);
    expect(secret.history.includes('confidential-board-interview')).toBe(false);
    expect(secret.words.filter((word) => secret.history.includes(word))).toEqual([]);
    expect(secret.history.includes('binary/encrypted')).toBe(true);
    // The client decrypts transparently: the describe/result path still reads plaintext.
    expect(secret.result.report).toBeDefined();
  });

  async function failReport(harness: TestWorker) {
    const input = await harness.upload(clip, { name: `${FAIL_REPORT}.mp4` });
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const error = await harness.client.workflow.getHandle(workflowId).result().then(
      () => undefined,
      (err: unknown) => err,
    );
    return { error, history: await rawHistory(harness.client, workflowId), stored: await storedFailures(harness.client, workflowId) };
  }

  it('stores no failure message or stack trace in the history when keys are set, and a client with the keys reads them', async () => {
    // Without keys the same failure is in clear: the check below is able to fail.
    const plain = await failReport(clear);
    expect(plain.history.includes(QUOTED)).toBe(true);
    expect(plain.history.includes(firstFrame(failureChain(plain.error).activity.stack))).toBe(true);

    const secret = await failReport(encrypted);
    const { step, activity } = failureChain(secret.error);
    for (const text of [QUOTED, firstFrame(step.stack), firstFrame(activity.stack)]) expect(secret.history.includes(text)).toBe(false);
    for (const failure of [secret.stored.activity, secret.stored.workflow]) {
      expect(failure).toMatchObject({ message: 'Encoded failure', stackTrace: '' });
      expect(Buffer.from(failure!.encodedAttributes!.metadata!['encoding']!).toString()).toBe('binary/encrypted');
    }
    // The client decrypts the whole cause chain: workflow failure -> activity failure -> the activity's error.
    expect(step).toMatchObject({ type: 'AnalysisStepFailed', message: `report failed: AwsAccessDenied: ${REFUSAL}` });
    expect(activity).toMatchObject({ type: 'AwsAccessDenied', message: REFUSAL });
  });

  it('lets an operator with the key read the stored result through the codec server, as the Web UI does', async () => {
    const { workflowId } = await analyse(encrypted);
    const history = await encrypted.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    const completed = history.history!.events!.find((e) => e.workflowExecutionCompletedEventAttributes)!;
    const stored = completed.workflowExecutionCompletedEventAttributes!.result!.payloads!;
    const token = randomBytes(32).toString('base64');
    const server = await startCodecServer({ codec: new AesGcmPayloadCodec(loadKeyring({ REELSCOPE_CODEC_KEYS: keys })!), port: 0, allowedOrigins: [], authTokens: [token] });
    try {
      const response = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          payloads: stored.map((p) => ({
            metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
            data: Buffer.from(p.data ?? []).toString('base64'),
          })),
        }),
      });
      expect(response.status).toBe(200);
      const { payloads } = (await response.json()) as { payloads: { data: string }[] };
      expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toMatchObject({ status: 'COMPLETED' });
    } finally {
      await server.close();
    }
  });
});

const quietLogger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} };
