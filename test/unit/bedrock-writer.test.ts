import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { createBedrockReportWriter, type BedrockSettings } from '../../activities/report/bedrock-report-writer';
import { ModelOutputInvalidError } from '../../activities/report/model-output-invalid-error';
import { estimateTokens } from '../../activities/report/report-prompt';
import { reportSchema } from '../../activities/report/report-schema';
import { withExtractiveFallback, type ReportContext } from '../../activities/report/report-writer';
import type { Spine, SpineSegment } from '../../activities/spine/spine';
import type { MediaFacts } from '../../common/types';
import { startFakeAws, type FakeAws } from '../support/fake-aws';

const media: MediaFacts = { kind: 'video', formatName: 'mp4', durationSeconds: 20, sizeBytes: 1_000, streamCount: 2 };

function spineOf(segments: number, speech = 'we talk about durable workflows and media pipelines'): Spine {
  const length = media.durationSeconds / segments;
  const segment = (i: number): SpineSegment => ({
    index: i,
    start: i * length,
    end: (i + 1) * length,
    speech: `${speech} ${i}`,
    black: false,
    silent: false,
    flags: i === 1 ? [{ start: i * length, end: i * length + 1, source: 'visual', category: 'Violence', score: 0.91 }] : [],
    labels: ['Person'],
  });
  const all = Array.from({ length: segments }, (_, i) => segment(i));
  const flags = all.flatMap((s) => s.flags);
  return {
    mediaId: 'm1',
    durationSeconds: media.durationSeconds,
    thresholds: { minConfidence: 0.2, moderation: 0.7 },
    segments: all,
    speech: [],
    speechSeconds: 0,
    blackSegments: [],
    silences: [],
    moderation: { flagged: flags.length > 0, maxScore: 0.91, flags },
    thumbnails: [],
    labels: [{ name: 'Person', appearances: segments, firstSeen: 0 }],
    people: [],
  };
}

function contextOf(spine: Spine): ReportContext {
  return {
    mediaId: 'm1',
    sourceKey: 'incoming/acme/<b>clip</b>.mp4',
    media,
    spine,
    outcomes: [{ kind: 'celebrities', status: 'failed', summary: 'job FAILED', failureType: 'AnalysisJobFailed' }],
  };
}

describe('the Bedrock report writer (real BedrockRuntimeClient against the fake Converse API)', () => {
  let fake: FakeAws;
  let client: BedrockRuntimeClient;
  const settings: BedrockSettings = { modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', maxOutputTokens: 2048, chunkTokenBudget: 4_000 };

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: fake.bedrockEndpoint, maxAttempts: 1, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    client.destroy();
    await fake.close();
  });

  it('writes a short clip in one forced tool call; verdict, flags and missing come from the evidence, not the model', async () => {
    // Arrange
    fake.config.modelResponder = () => ({
      title: 'A talk about workflows',
      summary: 'Two people discuss durable workflows.',
      chapters: [{ title: 'Opening', start: 0, end: 99, summary: 'They begin.' }],
      topics: [{ name: 'workflows', weight: 0.9 }],
      entities: [],
      moderationRationale: 'One violent moment.',
      flags: [{ start: 0, end: 1, source: 'visual', category: 'Invented', score: 1 }],
    });

    // Act
    const { report, usage } = await createBedrockReportWriter(client, settings).write(contextOf(spineOf(4)));

    // Assert
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(fake.counters.converse.calls).toBe(1);
    const request = fake.counters.converse.requests[0]!;
    expect(request.toolConfig?.toolChoice).toEqual({ tool: { name: 'write_report' } });
    expect(JSON.stringify(request.messages)).toContain('speech: \\"we talk about durable workflows');
    expect(report.moderation).toMatchObject({ verdict: 'flagged', rationale: 'One violent moment.' });
    expect(report.moderation.flags.map((f) => f.category)).toEqual(['Violence']);
    expect(report.chapters[0]).toMatchObject({ start: 0, end: 20 });
    expect(report.missing).toEqual([{ analysis: 'celebrities', status: 'failed', reason: 'job FAILED' }]);
    expect(report.generatedBy).toBe(`amazon-bedrock ${settings.modelId}`);
    expect(usage).toEqual({ modelId: settings.modelId, inputTokens: fake.counters.converse.inputTokens, outputTokens: fake.counters.converse.outputTokens, calls: 1 });
  });

  it('repairs one malformed answer with a second call that names the problem', async () => {
    // Arrange: the first answer is prose with broken JSON.
    fake.config.malformedModelResponses = 1;

    // Act
    const { report, usage } = await createBedrockReportWriter(client, settings).write(contextOf(spineOf(3)));

    // Assert
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(usage?.calls).toBe(2);
    expect(JSON.stringify(fake.counters.converse.requests[1]?.messages)).toContain('did not match the schema');
  });

  it('gives up after the repair also fails, with the tokens it spent; the fallback writes the extractive report and says why', async () => {
    // Arrange
    fake.config.malformedModelResponses = 2;
    const writer = createBedrockReportWriter(client, settings);

    // Act + Assert
    await expect(writer.write(contextOf(spineOf(3)))).rejects.toThrow(ModelOutputInvalidError);
    fake.config.malformedModelResponses = 2;
    const fallback = await withExtractiveFallback(writer).write(contextOf(spineOf(3)));
    expect(fallback.report.generatedBy).toBe('reelscope-extractive-1');
    expect(fallback.report.missing).toEqual(expect.arrayContaining([expect.objectContaining({ analysis: 'modelReport', status: 'failed' })]));
    expect(fallback.usage?.calls).toBe(2);
  });

  it('summarises a long timeline chunk by chunk, each request within the budget, then reduces once', async () => {
    // Arrange: 400 segments of long speech, far over a 4,000-token budget.
    const long = spineOf(400, 'a long stretch of speech '.repeat(20));

    // Act
    const { report, usage } = await createBedrockReportWriter(client, settings).write(contextOf(long));

    // Assert
    const tools = fake.counters.converse.requests.map((r) => r.toolConfig?.tools?.[0]?.toolSpec?.name);
    expect(tools.filter((t) => t === 'summarise_part').length).toBeGreaterThan(3);
    expect(tools[tools.length - 1]).toBe('write_report');
    for (const request of fake.counters.converse.requests.slice(0, -1)) {
      expect(estimateTokens(JSON.stringify(request.messages))).toBeLessThan(settings.chunkTokenBudget * 1.2);
    }
    expect(usage?.calls).toBe(tools.length);
    expect(reportSchema.safeParse(report).success).toBe(true);
  });

  it('retries throttled calls with jitter and succeeds', async () => {
    // Arrange
    fake.config.throttleRate = 0.6;

    // Act
    const { report } = await createBedrockReportWriter(client, { ...settings, maxThrottleRetries: 12 }).write(contextOf(spineOf(2)));

    // Assert
    expect(reportSchema.safeParse(report).success).toBe(true);
    expect(fake.counters.injectedErrors('throttling')).toBeGreaterThan(0);
  });
});
