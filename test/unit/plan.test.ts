import { LOCAL_CAPABILITIES } from '../../backends/local/local-backend';
import { ANALYSIS_KINDS, type AnalysisOutcome, type BackendCapabilities, type MediaFacts } from '../../common/types';
import { planAnalyses, rerunKinds } from '../../workflows/plan';

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
  it('runs what the local backend can do (objects and faces too, free) and skips celebrities with its reason', () => {
    const plan = planAnalyses(video, LOCAL_CAPABILITIES);
    const decisions = Object.fromEntries(plan.analyses.map((a) => [a.kind, a.decision]));
    expect(decisions).toEqual({
      transcript: 'run',
      shots: 'run',
      thumbnails: 'run',
      visualModeration: 'run',
      audioModeration: 'run',
      labels: 'run',
      celebrities: 'skip',
      text: 'run',
      faces: 'run',
    });
    expect(plan.analyses.find((a) => a.kind === 'celebrities')).toMatchObject({ reason: expect.stringContaining('celebrity database') });
    expect(plan.estimatedCostUsd).toBe(0);
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

  it('skips, without an activity, a kind the recorded probe did not list (a history from before the kind existed)', () => {
    const { faces: _faces, ...before } = LOCAL_CAPABILITIES.analyses;
    const plan = planAnalyses(video, { backend: 'local', analyses: before as BackendCapabilities['analyses'] });
    expect(plan.analyses.find((a) => a.kind === 'faces')).toEqual({
      kind: 'faces',
      decision: 'skip',
      reason: 'the worker that probed this media did not offer this analysis',
    });
    expect(plan.analyses.filter((a) => a.decision === 'run').map((a) => a.kind)).not.toContain('faces');
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

  describe('for a re-run', () => {
    const earlier: AnalysisOutcome[] = [
      { kind: 'transcript', status: 'succeeded', summary: '54 words', ref: 's3://b/t.json', runId: 'run-1' },
      { kind: 'shots', status: 'failed', summary: 'ffmpeg died', failureType: 'Error' },
      { kind: 'thumbnails', status: 'succeeded', summary: 'poster', ref: 's3://b/th.json', runId: 'run-0' },
      { kind: 'visualModeration', status: 'succeeded', summary: '11 frames', ref: 's3://b/vm.json' },
      { kind: 'audioModeration', status: 'succeeded', summary: '54 words checked', ref: 's3://b/am.json', runId: 'run-1' },
      { kind: 'labels', status: 'skipped', summary: 'no local model' },
    ];

    it('runs the named analyses, reuses every other outcome (failed ones too) from the run that produced it, at no cost', () => {
      const plan = planAnalyses(video, LOCAL_CAPABILITIES, [], { fromRunId: 'run-1', analyses: ['visualModeration'], reuse: earlier });
      const byKind = Object.fromEntries(plan.analyses.map((a) => [a.kind, a]));
      expect(byKind['visualModeration']).toMatchObject({ decision: 'run' });
      expect(byKind['transcript']).toEqual({ kind: 'transcript', decision: 'reuse', fromRunId: 'run-1' });
      expect(byKind['shots']).toEqual({ kind: 'shots', decision: 'reuse', fromRunId: 'run-1' });
      // An outcome that an earlier re-run reused keeps the run that produced it.
      expect(byKind['thumbnails']).toEqual({ kind: 'thumbnails', decision: 'reuse', fromRunId: 'run-0' });
      expect(byKind['labels']).toEqual({ kind: 'labels', decision: 'skip', reason: 'no local model' });
      expect(byKind['celebrities']).toMatchObject({ decision: 'skip', reason: expect.stringContaining('no outcome') });
      // Priced as if every analysis cost $0.10 a minute: only the one that runs is estimated.
      const paid: BackendCapabilities = { backend: 'paid', analyses: Object.fromEntries(ANALYSIS_KINDS.map((kind) => [kind, { available: true, usdPerMinute: 0.1 }])) as BackendCapabilities['analyses'] };
      expect(planAnalyses(video, paid, [], { fromRunId: 'run-1', analyses: ['visualModeration'], reuse: earlier }).estimatedCostUsd).toBe(0.2);
    });

    it('runs again what reads a re-run analysis, and a report-only re-run runs nothing', () => {
      expect([...rerunKinds(['transcript'])].sort()).toEqual(['audioModeration', 'transcript']);
      expect([...rerunKinds(['audioModeration'])]).toEqual(['audioModeration']);
      const transcriptAgain = planAnalyses(video, LOCAL_CAPABILITIES, [], { fromRunId: 'run-1', analyses: ['transcript'], reuse: earlier });
      expect(transcriptAgain.analyses.filter((a) => a.decision === 'run').map((a) => a.kind).sort()).toEqual(['audioModeration', 'transcript']);
      const reportOnly = planAnalyses(video, LOCAL_CAPABILITIES, [], { fromRunId: 'run-1', analyses: [], reuse: earlier });
      expect(reportOnly.analyses.filter((a) => a.decision === 'run')).toEqual([]);
      expect(reportOnly.estimatedCostUsd).toBe(0);
    });
  });
});
