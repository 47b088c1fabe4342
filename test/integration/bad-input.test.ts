import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import { MediaRecords } from '../../storage/media-records';
import type { AnalyzeMediaResult } from '../../common/types';
import { startAnalysis } from '../../intake/start-analysis';
import {
  makeAudioOnly,
  makeHugeDimensions,
  makeImage,
  makeMoovlessMp4,
  makeRandomBytes,
  makeTextAsMp4,
  makeTruncatedMp4,
  makeUnknownCodec,
  makeVideoClip,
  makeZeroByte,
  makeZeroFrames,
} from '../support/media-fixtures';
import { bundleWorkflows, startTestWorker, type TestWorker } from '../support/test-worker';

type Case = { name: string; make: (dir: string) => Promise<string>; tier?: string; type: string; reason: RegExp };

const CASES: Case[] = [
  { name: 'zero-byte', make: makeZeroByte, type: 'EmptyMedia', reason: /empty/ },
  { name: 'random bytes', make: makeRandomBytes, type: 'UnrecognizedMedia', reason: /not a media file/ },
  { name: 'text renamed .mp4', make: makeTextAsMp4, type: 'UnrecognizedMedia', reason: /not a media file/ },
  { name: 'mp4 with zero frames', make: makeZeroFrames, type: 'UnrecognizedMedia', reason: /no audio or video stream/ },
  { name: 'unknown video codec', make: makeUnknownCodec, type: 'UnsupportedCodec', reason: /video stream uses a codec ffmpeg cannot decode/ },
  { name: '12000x12000 frames', make: makeHugeDimensions, type: 'UnsupportedDimensions', reason: /12000x12000 \(144 megapixels\), over the 67-megapixel limit/ },
  { name: 'truncated mp4', make: makeTruncatedMp4, type: 'TruncatedMedia', reason: /cut off/ },
  { name: 'mp4 without its index', make: makeMoovlessMp4, type: 'CorruptMedia', reason: /moov/ },
  { name: 'audio-only', make: makeAudioOnly, type: 'UnsupportedMediaKind', reason: /audio-only/ },
  { name: 'still image', make: makeImage, type: 'UnsupportedMediaKind', reason: /still images/ },
  { name: 'over the tier limit', make: (dir) => makeVideoClip(dir, { seconds: 4 }), tier: 'free', type: 'MediaTooLong', reason: /limit of tier "free"/ },
];

describe('bad input ends REJECTED with a specific reason, without retries', () => {
  let bundle: WorkflowBundle;
  let harness: TestWorker;
  let dir: string;
  const observedReasons = new Map<string, string>();

  beforeAll(async () => {
    bundle = await bundleWorkflows();
    harness = await startTestWorker(bundle, { tierMaxSeconds: { standard: 14_400, free: 2 }, acceptedKinds: ['video'] });
    dir = await mkdtemp(join(tmpdir(), 'reelscope-bad-'));
  });
  afterAll(() => harness?.stop());

  it.each(CASES)('$name -> $type', async ({ make, tier, type, reason }) => {
    // Arrange
    const input = await harness.upload(await make(dir), { tier });

    // Act
    const { workflowId } = await startAnalysis(harness.client, harness.taskQueue, input);
    const handle = harness.client.workflow.getHandle(workflowId);
    const result = (await handle.result()) as AnalyzeMediaResult;

    // Assert
    expect(result.status).toBe('REJECTED');
    expect(result.reason).toMatchObject({ step: 'probe', type });
    expect(result.reason?.message).toMatch(reason);
    observedReasons.set(`${type}/${input.source.key}`, result.reason?.message ?? '');
    const record = await new MediaRecords(harness.clients.doc, harness.config.tables).get(input.mediaId);
    expect(record).toMatchObject({ status: 'REJECTED', reason: { type } });
    const history = await handle.fetchHistory();
    const probeAttempts = (history.events ?? [])
      .filter((e) => e.activityTaskStartedEventAttributes)
      .map((e) => Number(e.activityTaskStartedEventAttributes?.attempt ?? 1));
    expect(Math.max(...probeAttempts)).toBe(1);
  });

  it('gives every rejection type its own reason', () => {
    const reasonsByType = new Map<string, Set<string>>();
    for (const [typeAndKey, message] of observedReasons) {
      const type = typeAndKey.split('/')[0]!;
      reasonsByType.set(type, new Set([...(reasonsByType.get(type) ?? []), message.replace(/\d+/g, 'N')]));
    }
    const messages = [...reasonsByType.values()].flatMap((set) => [...set]);
    expect(new Set(messages).size).toBe(messages.length);
    expect(observedReasons.size).toBe(CASES.length);
  });
});
