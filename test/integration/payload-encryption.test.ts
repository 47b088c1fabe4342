import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { WorkflowBundle } from '@temporalio/worker';
import { ObjectStore } from '../../activities/storage/object-store';
import { AesGcmPayloadCodec } from '../../codec/aes-gcm-payload-codec';
import { loadKeyring } from '../../codec/codec-config';
import { startCodecServer } from '../../codec/codec-server';
import type { AnalyzeMediaResult } from '../../common/types';
import { ensureSampleClip } from '../../local/sample-clip';
import { startAnalysis } from '../../starter/start-analysis';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

/** Everything Temporal stores for an execution, as raw bytes: what an operator of the cluster can read. */
async function rawHistory(client: Client, workflowId: string): Promise<Buffer> {
  const response = await client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return Buffer.from(temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse.encode(response).finish());
}

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
    bundle = await bundleWorkflows();
    clip = await ensureSampleClip(join(await mkdtemp(join(tmpdir(), 'reelscope-clip-')), 'sample.mp4'));
    clear = await startTestWorker(bundle);
    encrypted = await startTestWorker(bundle, {}, (d) => d, { REELSCOPE_CODEC_KEYS: keys });
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

  it('lets an operator with the key read the stored result through the codec server, as the Web UI does', async () => {
    const { workflowId } = await analyse(encrypted);
    const history = await encrypted.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
    const completed = history.history!.events!.find((e) => e.workflowExecutionCompletedEventAttributes)!;
    const stored = completed.workflowExecutionCompletedEventAttributes!.result!.payloads!;
    const server = await startCodecServer({ codec: new AesGcmPayloadCodec(loadKeyring({ REELSCOPE_CODEC_KEYS: keys })!), port: 0, allowedOrigins: [] });
    try {
      const response = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default' },
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
