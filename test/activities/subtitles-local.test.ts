import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type ReelscopeActivities } from '../../activities/create-activities';
import type { AnalysisInput, AnalysisOutcome, MediaSource, ProbeResult } from '../../common/types';
import { createAwsClients, type AwsClients } from '../../common/aws-clients';
import { ensureSampleClip, SAMPLE_CLIP_WORDS } from '../../local/sample-clip';
import { SUBTITLE_RULES } from '../../media/subtitles';
import { createActivityDeps } from '../../worker/activity-deps';
import { loadWorkerConfig } from '../../worker/config';

/** What ffprobe's demuxer for `format` reads of a subtitle file: one packet per cue. */
async function probeSubtitles(path: string, format: 'webvtt' | 'srt'): Promise<{ codec: string; cues: { start: number; end: number }[] }> {
  const { stdout } = await promisify(execFile)('ffprobe', [
    '-v', 'error', '-f', format, '-i', path,
    '-show_entries', 'stream=codec_name:packet=pts_time,duration_time', '-of', 'json',
  ]);
  const probed = JSON.parse(stdout) as { streams: { codec_name: string }[]; packets: { pts_time: string; duration_time: string }[] };
  return {
    codec: probed.streams[0]?.codec_name ?? '',
    cues: probed.packets.map((p) => ({ start: Number(p.pts_time), end: Number(p.pts_time) + Number(p.duration_time) })),
  };
}

describe('subtitles from the local transcript (real pocketsphinx, local S3, ffprobe)', () => {
  const config = loadWorkerConfig(process.env);
  let clients: AwsClients;
  let activities: ReelscopeActivities;
  let dir: string;

  beforeAll(async () => {
    clients = createAwsClients(config.aws);
    activities = createActivities(createActivityDeps(config, clients, { error() {}, info() {} }));
    dir = await mkdtemp(join(tmpdir(), 'reelscope-subtitles-'));
  });
  afterAll(() => {
    clients.destroy();
  });

  it('writes subtitles.vtt and subtitles.srt beside the transcript, named in the outcome, that ffprobe reads cue for cue', async () => {
    // Arrange
    const body = await readFile(await ensureSampleClip(join(dir, 'sample.mp4')));
    const source: MediaSource = { bucket: config.bucket, key: 'incoming/acme/subtitled.mp4', sizeBytes: body.length };
    await clients.s3.send(new PutObjectCommand({ Bucket: source.bucket, Key: source.key, Body: body }));
    const { media }: ProbeResult = await new MockActivityEnvironment().run(activities.probeMedia, { mediaId: 'sub1', tenant: 'acme', tier: 'standard', source });
    const input: AnalysisInput = { mediaId: 'sub1', tenant: 'acme', source, media };

    // Act
    const outcome: AnalysisOutcome = await new MockActivityEnvironment().run(activities.analyzeTranscript, input);

    // Assert
    const deps = createActivityDeps(config, clients, { error() {}, info() {} });
    const vttRef = outcome.files?.['subtitles.vtt'];
    const srtRef = outcome.files?.['subtitles.srt'];
    expect(vttRef).toBe(outcome.ref?.replace(/transcript\.json$/, 'subtitles.vtt'));
    expect(srtRef).toBe(outcome.ref?.replace(/transcript\.json$/, 'subtitles.srt'));
    const cueCount = outcome.counts?.['subtitleCues'] ?? 0;
    expect(cueCount).toBeGreaterThan(1);

    const vttText = (await deps.store.getBytes(vttRef!)).toString('utf8');
    const srtText = (await deps.store.getBytes(srtRef!)).toString('utf8');
    expect(vttText).toMatch(/^WEBVTT\n\n1\n\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}\n/);
    expect(srtText).toMatch(/^1\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n/);
    expect(SAMPLE_CLIP_WORDS.filter((w) => vttText.includes(w)).length).toBeGreaterThanOrEqual(3);

    await writeFile(join(dir, 'subtitles.vtt'), vttText);
    await writeFile(join(dir, 'subtitles.srt'), srtText);
    const vtt = await probeSubtitles(join(dir, 'subtitles.vtt'), 'webvtt');
    const srt = await probeSubtitles(join(dir, 'subtitles.srt'), 'srt');
    expect(vtt.codec).toBe('webvtt');
    expect(srt.codec).toBe('subrip');
    expect(vtt.cues).toHaveLength(cueCount);
    expect(srt.cues).toHaveLength(cueCount);
    expect(srt.cues).toEqual(vtt.cues);
    // Cues in time order, none after the clip's end, none shorter than the minimum nor closer than two frames.
    vtt.cues.forEach((cue, i) => {
      expect(cue.end - cue.start).toBeGreaterThanOrEqual(SUBTITLE_RULES.minCueSeconds - 0.001);
      expect(cue.end - cue.start).toBeLessThanOrEqual(SUBTITLE_RULES.maxCueSeconds + 0.001);
      const previous = vtt.cues[i - 1];
      if (previous) expect(cue.start - previous.end).toBeGreaterThanOrEqual(SUBTITLE_RULES.minGapSeconds - 0.001);
    });
    expect(vtt.cues[vtt.cues.length - 1]!.end).toBeLessThanOrEqual(media.durationSeconds + 0.001);
  });
});
