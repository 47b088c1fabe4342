import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetTranscriptionJobCommand } from '@aws-sdk/client-transcribe';
import { ActivityCancellationDetails, type LogLevel, type LogMetadata, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ReelscopeActivities } from '../../activities/create-activities';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import type { AnalysisInput } from '../../common/types';
import { createActivityDeps } from '../../worker/activity-deps';
import { loadWorkerConfig, type WorkerConfig } from '../../worker/config';
import { startFakeAws, type FakeAws } from '../support/fake-aws';
import { awsBackendEnv } from '../support/fake-aws/worker-env';

/** What the activity logged, as the worker's logger would receive it. */
class RecordingLogger implements Logger {
  readonly entries: { level: LogLevel; message: string; meta?: LogMetadata }[] = [];
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    this.entries.push({ level, message, ...(meta ? { meta } : {}) });
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
  about(pattern: RegExp) {
    return this.entries.filter((e) => pattern.test(e.message));
  }
}

/** Polls until `done` holds. */
async function until(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The error an activity run ends with; a run that succeeds fails the test. */
async function endingOf(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    (value: unknown) => ({ value }),
    (err: unknown) => ({ err }),
  );
  if (!('err' in outcome)) throw new Error(`the activity completed instead of ending cancelled: ${JSON.stringify(outcome.value)}`);
  if (!(outcome.err instanceof Error)) throw new Error(`the activity threw a non-error: ${String(outcome.err)}`);
  return outcome.err;
}

/**
 * Whether an activity ended the way the worker reports as cancelled: the SDK's
 * CancelledFailure, or the AbortError of a wait or call the cancellation aborted. Under jest
 * an AbortError from Node's own timers is of another realm's Error, so the failure mapping
 * does not recognise it and wraps it as an ApplicationFailure naming it; on a worker it
 * passes as it is. Either way the AbortError is what ended the run, not a service failure.
 */
function isCancellation(err: Error): boolean {
  return err.name === 'CancelledFailure' || err.name === 'AbortError' || (err.name === 'ApplicationFailure' && err.message.startsWith('AbortError:'));
}

describe('a cancelled transcript on the aws backend (MockActivityEnvironment, real TranscribeClient against the fake AWS)', () => {
  let fake: FakeAws;
  let config: WorkerConfig;
  let clients: AwsClients;
  let activities: ReelscopeActivities;

  beforeAll(async () => {
    fake = await startFakeAws({ s3Endpoint: process.env['REELSCOPE_S3_ENDPOINT'] as string });
    // Rekognition as video jobs, whatever the environment says about keyframe sampling.
    const { REELSCOPE_KEYFRAME_SAMPLING_SECONDS: _sampling, ...env } = process.env;
    config = loadWorkerConfig({ ...env, ...awsBackendEnv(fake) });
    clients = createAwsClients(config.aws);
    activities = createActivities(createActivityDeps(config, clients, { error() {}, info() {} }));
  });
  beforeEach(() => {
    fake.reset();
    // Long enough that only a cancellation can end the job while the test runs.
    fake.config.jobDurationMs.Transcription = 10 * 60_000;
    fake.config.jobDurationMs.LabelDetection = 10 * 60_000;
    fake.config.transcriptionQueuedMs = 0;
  });
  afterAll(async () => {
    clients?.destroy();
    await fake?.close();
  });

  /** A small .mp4 in the bucket: Transcribe reads it directly, so no audio track is extracted first. */
  async function transcriptInput(mediaId: string): Promise<AnalysisInput> {
    const key = `incoming/acme/${mediaId}.mp4`;
    const body = 'the fake Transcribe never decodes media';
    await clients.s3.send(new PutObjectCommand({ Bucket: config.bucket, Key: key, Body: body }));
    return {
      mediaId,
      tenant: 'acme',
      source: { bucket: config.bucket, key, sizeBytes: body.length },
      media: { kind: 'video', formatName: 'mov,mp4', durationSeconds: 30, sizeBytes: body.length, streamCount: 2 },
    };
  }

  /** Starts the transcript activity and returns once its job is IN_PROGRESS and being polled. */
  async function transcribing(mediaId: string, logger: RecordingLogger) {
    const input = await transcriptInput(mediaId);
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: `media-${mediaId}`, runId: `run-${mediaId}` }, startToCloseTimeoutMs: 60_000 },
      { logger },
    );
    const run = env.run(activities.analyzeTranscript, input);
    await until(() => fake.counters.calls('GetTranscriptionJob') >= 1, 'the first poll of the job');
    const [job] = fake.jobs();
    if (!job) throw new Error('the activity polled without starting a job');
    const status = async () => (await clients.transcribe.send(new GetTranscriptionJobCommand({ TranscriptionJobName: job.id }))).TranscriptionJob?.TranscriptionJobStatus;
    return { env, run, jobName: job.id, status };
  }

  it('says a cancelled Rekognition Video job runs to the end, since nothing can stop it, and ends cancelled', async () => {
    // Arrange
    const logger = new RecordingLogger();
    const input = await transcriptInput('m-cancel-labels');
    const env = new MockActivityEnvironment({ workflowExecution: { workflowId: 'media-m-cancel-labels', runId: 'run-labels' }, startToCloseTimeoutMs: 60_000 }, { logger });
    const run = env.run(activities.analyzeLabels, input);
    await until(() => fake.counters.calls('GetLabelDetection') >= 1, 'the first poll of the label job');
    const [job] = fake.jobs();

    // Act
    env.cancel();
    const ending = await endingOf(run);

    // Assert
    expect(isCancellation(ending)).toBe(true);
    expect(logger.about(/runs to the end/)).toEqual([expect.objectContaining({ meta: expect.objectContaining({ kind: 'labels', jobId: job?.id }) })]);
    expect(fake.jobs().map((j) => j.id)).toEqual([job?.id]);
    expect(fake.counters.calls('DeleteTranscriptionJob')).toBe(0);
  });

  it('deletes the IN_PROGRESS Transcribe job once, logs it without a URL, and ends cancelled', async () => {
    // Arrange
    const logger = new RecordingLogger();
    const { env, run, jobName, status } = await transcribing('m-cancel-1', logger);
    const before = await status();

    // Act
    env.cancel();
    const ending = await endingOf(run);

    // Assert
    expect(before).toBe('IN_PROGRESS');
    expect(isCancellation(ending)).toBe(true);
    expect(env.context.cancellationSignal.aborted).toBe(true);
    expect(fake.counters.deletesFor(jobName)).toBe(1);
    expect(fake.counters.calls('DeleteTranscriptionJob')).toBe(1);
    expect(fake.counters.jobsDeleted('transcribe')).toBe(1);
    await expect(status()).rejects.toMatchObject({ name: 'BadRequestException', message: expect.stringContaining("couldn't be found") });
    expect(logger.about(/Transcribe job deleted/)).toEqual([
      expect.objectContaining({ level: 'INFO', meta: expect.objectContaining({ kind: 'transcript', mediaId: 'm-cancel-1', jobName }) }),
    ]);
    expect(JSON.stringify(logger.about(/cancelled/))).not.toMatch(/https?:/);
  });

  it('still ends cancelled when Transcribe refuses to delete the running job, and says the job was not deleted', async () => {
    // Arrange
    fake.config.refuseRunningTranscriptionDeletes = true;
    const logger = new RecordingLogger();
    const { env, run, jobName, status } = await transcribing('m-cancel-2', logger);

    // Act
    env.cancel();
    const ending = await endingOf(run);

    // Assert
    expect(isCancellation(ending)).toBe(true);
    expect(fake.counters.deletesFor(jobName)).toBe(1);
    expect(fake.counters.jobsDeleted('transcribe')).toBe(0);
    expect(await status()).toBe('IN_PROGRESS');
    expect(logger.about(/did not delete/)).toEqual([expect.objectContaining({ meta: expect.objectContaining({ jobName, reason: expect.stringContaining('IN_PROGRESS') }) })]);
  });

  it('leaves the job alone when the attempt ends for a worker shutdown: the retry re-attaches to it', async () => {
    // Arrange
    const logger = new RecordingLogger();
    const { env, run, jobName, status } = await transcribing('m-cancel-3', logger);

    // Act
    env.cancel('WORKER_SHUTDOWN', new ActivityCancellationDetails({ workerShutdown: true }));
    const ending = await endingOf(run);

    // Assert
    expect(isCancellation(ending)).toBe(true);
    expect(fake.counters.deletesFor(jobName)).toBe(0);
    expect(await status()).toBe('IN_PROGRESS');
    expect(logger.about(/analysis cancelled/)).toEqual([]);
  });
});
