import type { AnalysisKind, BackendCapabilities, Capability } from '../../common/types';
import type { AnalysisBackend, AnalysisRunner } from '../analysis-backend';
import type { AnalysisSettings } from '../analysis-settings';
import { describeDamage } from '../../media/decode-damage';
import { failedOnContent, MediaUnusableError } from '../../media/media-unusable-error';
import { classifyFrame, EXPLICIT_NSFW_CLASSES, NSFW_INPUT_SIZE } from '../../media/nsfw-classifier';
import { recognizeSpeech } from '../../media/pocketsphinx';
import { sampleFrames } from '../../media/sampled-frames';
import { detectTechnicalCues } from '../../media/technical-cues';
import { extractThumbnails } from '../../media/thumbnails';
import { buildTranscript } from '../../media/transcript';
import { writeSubtitleFiles } from '../subtitle-files';
import type { KnownPeople } from '../known-people';
import { createLocalFacesRunner } from './local-faces';
import { createLocalObjectsRunner } from './local-objects';
import { createLocalTextRunner } from './local-text';
import { moderateTranscript } from '../transcript-moderation';
import type {
  ShotsOutput,
  ThumbnailsOutput,
  TranscriptOutput,
  VisualModerationOutput,
} from '../../spine/branch-outputs';

const FREE: Capability = { available: true, usdPerMinute: 0 };
// Naming public figures needs a database of them; the models that ship in packages know no one.
const NO_CELEBRITY_MODEL = 'no local model for this analysis: naming public figures needs a celebrity database, which the aws backend has (Amazon Rekognition)';

export const LOCAL_CAPABILITIES: BackendCapabilities = {
  backend: 'local',
  analyses: {
    transcript: FREE,
    shots: FREE,
    thumbnails: FREE,
    visualModeration: FREE,
    audioModeration: FREE,
    labels: FREE,
    celebrities: { available: false, reason: NO_CELEBRITY_MODEL },
    text: FREE,
    faces: FREE,
  },
};

/**
 * The embedded default: real tools (ffmpeg, pocketsphinx, nsfwjs, tesseract.js, Human) on real
 * media. `knownPeople` is the registry the faces analysis names the tenant's people from;
 * without it faces are still found and reported as compared with nobody.
 */
export function createLocalBackend(settings: AnalysisSettings, knownPeople?: KnownPeople): AnalysisBackend {
  const runners: Partial<Record<AnalysisKind, AnalysisRunner>> = {
    text: createLocalTextRunner(settings),
    labels: createLocalObjectsRunner(settings),
    faces: createLocalFacesRunner(settings, knownPeople),
    audioModeration: moderateTranscript,

    async transcript({ mediaUrl, store, prefix, signal, heartbeat }) {
      const { utterances, audioSeconds } = await recognizeSpeech(
        mediaUrl,
        { binary: settings.pocketsphinxBinary, modelDir: settings.pocketsphinxModelDir },
        signal,
        (seconds) => heartbeat({ decodedSeconds: seconds }),
      );
      const transcript: TranscriptOutput = { ...buildTranscript(utterances, 'pocketsphinx en-us', 'en-US'), audioSeconds };
      const ref = await store.putJson(`${prefix}transcript.json`, transcript, signal);
      const subtitles = await writeSubtitleFiles(store, prefix, transcript, ['vtt', 'srt'], signal);
      return {
        status: 'succeeded',
        ref,
        counts: { words: transcript.wordCount, segments: transcript.segments.length, audioSeconds, subtitleCues: subtitles.cues },
        summary: `${transcript.wordCount} words in ${transcript.segments.length} segments from ${audioSeconds.toFixed(1)} s of audio`,
        files: subtitles.files,
      };
    },

    async shots({ input, mediaUrl, store, prefix, signal }) {
      if (input.media.kind === 'image') {
        return { status: 'skipped', summary: 'a still image has no shots, black stretches or silences to time' };
      }
      const detected = await detectTechnicalCues(
        mediaUrl,
        { video: !!input.media.video, audio: !!input.media.audio, durationSeconds: input.media.durationSeconds },
        { sceneThreshold: settings.sceneThreshold, blackMinSeconds: 0.5, silenceNoiseDb: -40, silenceMinSeconds: 1 },
        signal,
      );
      // silencedetect ran over the audio track: no silence found is a finding, not a gap.
      const cues: ShotsOutput = { ...detected, silencesMeasured: !!input.media.audio };
      const ref = await store.putJson(`${prefix}shots.json`, cues, signal);
      const found = input.media.video
        ? `${cues.shots.length} shots, ${cues.blackSegments.length} black, ${cues.silences.length} silent stretches`
        : `audio only: ${cues.silences.length} silent stretches${cues.loudness ? `, ${cues.loudness.integratedLufs.toFixed(1)} LUFS` : ''}`;
      return {
        status: 'succeeded',
        ref,
        counts: {
          ...(input.media.video ? { shots: cues.shots.length, blackSegments: cues.blackSegments.length } : {}),
          silences: cues.silences.length,
          ...(cues.damage ? { decodeErrors: cues.damage.decodeErrors } : {}),
        },
        summary: cues.damage ? `${found}; damaged: ${describeDamage(cues.damage)}` : found,
      };
    },

    async thumbnails({ input, mediaUrl, store, prefix, signal }) {
      const set = await extractThumbnails(
        mediaUrl,
        input.media.durationSeconds,
        { sceneThreshold: settings.sceneThreshold, maxKeyframes: settings.maxKeyframes, widthPixels: settings.thumbnailWidth },
        signal,
      );
      const put = (name: string, jpeg: Buffer) => store.putBytes(`${prefix}thumbnails/${name}`, jpeg, 'image/jpeg', signal);
      const output: ThumbnailsOutput = {
        poster: { time: set.poster.time, ref: await put('poster.jpg', set.poster.jpeg) },
        keyframes: await Promise.all(
          set.keyframes.map(async (k, i) => ({ time: k.time, ref: await put(`key-${String(i + 1).padStart(4, '0')}.jpg`, k.jpeg) })),
        ),
      };
      const ref = await store.putJson(`${prefix}thumbnails.json`, output, signal);
      return { status: 'succeeded', ref, counts: { keyframes: output.keyframes.length }, summary: `poster and ${output.keyframes.length} keyframes` };
    },

    async visualModeration({ input, mediaUrl, store, prefix, signal, heartbeat }) {
      const output: VisualModerationOutput = {
        model: 'nsfwjs MobileNetV2',
        intervalSeconds: settings.frameSampleSeconds,
        explicitClasses: [...EXPLICIT_NSFW_CLASSES],
        samples: [],
      };
      const frames = sampleFrames(
        mediaUrl,
        { intervalSeconds: settings.frameSampleSeconds, width: NSFW_INPUT_SIZE, height: NSFW_INPUT_SIZE },
        signal,
      );
      try {
        for await (const frame of frames) {
          output.samples.push({ time: frame.time, scores: await classifyFrame(frame) });
          heartbeat({ framesClassified: output.samples.length });
        }
      } catch (err) {
        if (output.samples.length === 0 && failedOnContent(err)) {
          throw new MediaUnusableError('NoDecodableFrames', 'no frame of the picture could be decoded for visual moderation', { cause: err });
        }
        throw err;
      }
      const first = output.samples[0];
      const last = output.samples[output.samples.length - 1];
      // Zero frames classified is nothing checked, not "nothing found".
      if (!first || !last) throw new MediaUnusableError('NoDecodableFrames', 'no frame of the picture could be decoded for visual moderation');
      const end = Math.min(input.media.durationSeconds, last.time + settings.frameSampleSeconds);
      output.coverage = { frames: output.samples.length, start: first.time, end: Math.round(end * 100) / 100 };
      const flagged = output.samples.filter((s) => EXPLICIT_NSFW_CLASSES.some((c) => (s.scores[c] ?? 0) >= settings.moderationThreshold));
      const ref = await store.putJson(`${prefix}visual-moderation.json`, output, signal);
      const classified = `${output.samples.length} frame${output.samples.length === 1 ? '' : 's'}`;
      const span = input.media.kind === 'image' ? 'the still image' : `${output.coverage.start.toFixed(1)}–${output.coverage.end.toFixed(1)} s`;
      return {
        status: 'succeeded',
        ref,
        counts: { frames: output.samples.length, flaggedFrames: flagged.length },
        summary: `${classified} classified (${span}), ${flagged.length} over ${settings.moderationThreshold}`,
      };
    },

  };
  return { capabilities: LOCAL_CAPABILITIES, runners };
}
