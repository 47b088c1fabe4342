import { LOCAL_CAPABILITIES } from '../../backends/local/local-backend';
import type { BackendCapabilities, MediaFacts } from '../../common/types';
import { planAnalyses } from '../../workflows/plan';

const video: MediaFacts = {
  kind: 'video',
  formatName: 'mov,mp4',
  durationSeconds: 120,
  sizeBytes: 1_000_000,
  streamCount: 2,
  video: { codec: 'h264', width: 640, height: 360, framesPerSecond: 25 },
  audio: { codec: 'aac', sampleRate: 48_000, channels: 2 },
};

describe('planAnalyses', () => {
  it('runs what the local backend can do and skips the rest with its reason', () => {
    const plan = planAnalyses(video, LOCAL_CAPABILITIES);
    const decisions = Object.fromEntries(plan.analyses.map((a) => [a.kind, a.decision]));
    expect(decisions).toEqual({
      transcript: 'run',
      shots: 'run',
      thumbnails: 'run',
      visualModeration: 'run',
      audioModeration: 'run',
      labels: 'skip',
      celebrities: 'skip',
      text: 'skip',
    });
    expect(plan.analyses.find((a) => a.kind === 'labels')).toMatchObject({ reason: expect.stringContaining('no local model') });
    expect(plan.analyses.find((a) => a.kind === 'audioModeration')).toMatchObject({ after: 'transcript' });
  });

  it('skips audio analyses, and what depends on them, for a video without an audio track', () => {
    const { audio: _audio, ...silent } = video;
    const plan = planAnalyses({ ...silent, streamCount: 1 }, LOCAL_CAPABILITIES);
    expect(plan.analyses.find((a) => a.kind === 'transcript')).toMatchObject({ decision: 'skip', reason: 'the media has no audio track' });
    expect(plan.analyses.find((a) => a.kind === 'audioModeration')).toMatchObject({ decision: 'skip' });
    expect(plan.analyses.find((a) => a.kind === 'shots')).toMatchObject({ decision: 'run' });
  });

  it('skips what the uploader asked to leave out, and its dependants', () => {
    const plan = planAnalyses(video, LOCAL_CAPABILITIES, ['transcript']);
    expect(plan.analyses.find((a) => a.kind === 'transcript')).toMatchObject({ decision: 'skip', reason: 'not requested' });
    expect(plan.analyses.find((a) => a.kind === 'audioModeration')).toMatchObject({
      decision: 'skip',
      reason: 'needs transcript, which is skipped',
    });
  });

  it('estimates cost per analysis from the backend price per minute', () => {
    const priced: BackendCapabilities = {
      backend: 'priced',
      analyses: { ...LOCAL_CAPABILITIES.analyses, labels: { available: true, usdPerMinute: 0.1 }, transcript: { available: true, usdPerMinute: 0.024 } },
    };
    const plan = planAnalyses(video, priced);
    expect(plan.analyses.find((a) => a.kind === 'labels')).toMatchObject({ decision: 'run', estimatedCostUsd: 0.2 });
    expect(plan.estimatedCostUsd).toBeCloseTo(0.2 + 0.048, 6);
  });
});
