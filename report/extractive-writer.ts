import type { AnalysisOutcome, MediaFacts } from '../common/types';
import { describeDamage } from '../media/decode-damage';
import { coverageStatement, unverifiedReason } from '../spine/describe-coverage';
import type { Spine, SpineSegment } from '../spine/spine';
import { editorialNotes, withKeywordCategory } from './editorial/editorial-notes';
import { composeSeoDescription } from './editorial/seo-description';
import { analyseTranscript, type TranscriptAnalysis } from './nlp/analyse-transcript';
import { reportCoverage, reportNotes } from './report-coverage';
import type { Report } from './report-schema';
import type { ReportContext } from './report-writer';

export const EXTRACTIVE_WRITER = 'reelscope-extractive-1';

/** A pause this long in speech, or a black segment, starts a new chapter. */
const CHAPTER_PAUSE_SECONDS = 1.5;
/** Image codecs by the name people know the format by; others are shown upper-cased. */
const IMAGE_FORMATS: Record<string, string> = { mjpeg: 'JPEG', jpeg2000: 'JPEG 2000', webp: 'WebP', heif: 'HEIF' };

/**
 * The local backend's report: built only from what the analyses found (quoted speech, the
 * transcript's key phrases and names, metadata entities, moderation flags), never invented.
 * Deterministic, so the same spine always gives the same report.
 */
export function writeExtractiveReport(input: ReportContext): Report {
  const { media, spine, outcomes } = input;
  const language = analyseTranscript(spine.speech);
  const topics = language.topics.map(({ name, weight }) => ({ name, weight }));
  return {
    mediaId: input.mediaId,
    generatedBy: EXTRACTIVE_WRITER,
    title: media.title ?? input.sourceKey.split('/').pop() ?? input.mediaId,
    summary: summarize(media, spine, language),
    seoDescription: composeSeoDescription({
      what: mediaNoun(media),
      ...(media.title ? { title: media.title } : {}),
      topics: topics.map((t) => t.name),
      people: [...new Set([...spine.people.map((p) => p.name), ...language.names.filter((n) => n.type === 'person').map((n) => n.name)])],
    }),
    chapters: chapters(spine).map((chapter) => withKeywordCategory(spine, chapter)),
    topics,
    entities: entities(media, language),
    moderation: moderation(spine, outcomes),
    ...reportNotes(spine),
    ...editorialNotes(spine),
    missing: outcomes
      .filter((o) => o.status !== 'succeeded')
      .map((o) => ({ analysis: o.kind, status: o.status === 'failed' ? ('failed' as const) : ('skipped' as const), reason: o.summary })),
  };
}

function summarize(media: MediaFacts, spine: Spine, language: TranscriptAnalysis): string {
  const parts = [describeMedia(media)];
  if (media.kind === 'video') parts.push(`${spine.segments.length} shot${spine.segments.length === 1 ? '' : 's'} detected.`);
  if (media.audio) parts.push(...describeSpeech(spine, language));
  if (spine.damage) parts.push(`The file is damaged: ${describeDamage(spine.damage)}.`);
  if (spine.moderation.flagged) parts.push(`${spine.moderation.flags.length} moderation flag(s) raised.`);
  else if (spine.moderation.verdict === 'unverified') parts.push('Moderation could not confirm it clean (see moderation coverage).');
  return parts.join(' ');
}

/** What the media is, by kind: an image has no duration, audio has no picture. */
function describeMedia(media: MediaFacts): string {
  const { video, audio } = media;
  if (media.kind === 'image' && video) {
    return `A ${video.width}x${video.height} ${IMAGE_FORMATS[video.codec] ?? video.codec.toUpperCase()} image.`;
  }
  if (video) return `A ${formatDuration(media.durationSeconds)} ${video.width}x${video.height} ${video.codec} video${audio ? ` with ${audio.codec} audio` : ', without sound'}.`;
  return `A ${formatDuration(media.durationSeconds)} ${audio?.codec ?? 'audio'} audio recording.`;
}

/** "21 s video", "3 min 4 s audio recording", "JPEG image": what the description calls the media. */
/** "21 s video", "JPEG image": what the media is, in the words the summaries use. */
export function mediaNoun(media: MediaFacts): string {
  if (media.kind === 'image') return `${IMAGE_FORMATS[media.video?.codec ?? ''] ?? (media.video?.codec ?? 'still').toUpperCase()} image`;
  return `${formatDuration(media.durationSeconds)} ${media.video ? 'video' : 'audio recording'}`;
}

/** Speech recognised with confidence, and the low-confidence speech kept beside it. */
function describeSpeech(spine: Spine, language: TranscriptAnalysis): string[] {
  const threshold = spine.thresholds.minConfidence;
  const unclear = spine.lowConfidenceSpeech.length;
  const unclearText = `${Math.round(spine.lowConfidenceSpeechSeconds)} s of speech (${unclear} segment${unclear === 1 ? '' : 's'}) recognised below confidence ${threshold}, kept and marked low-confidence`;
  if (spine.speech.length === 0) {
    return [unclear ? `No speech was recognised above confidence ${threshold}; ${unclearText}.` : 'No speech was recognised.'];
  }
  const parts = [`Speech covers ${Math.round(spine.speechSeconds)} s.`];
  const quote = representativeSpeech(spine, language);
  if (quote) parts.push(`Most representative line: "${quote}".`);
  if (unclear) parts.push(`A further ${unclearText}.`);
  return parts;
}

/** The speech segment that mentions the most topics (the earliest of equals), trimmed to a readable length. */
function representativeSpeech(spine: Spine, language: TranscriptAnalysis): string | undefined {
  const mentions = new Map<number, number>();
  for (const topic of language.topics) for (const i of topic.segments) mentions.set(i, (mentions.get(i) ?? 0) + 1);
  const best = spine.speech
    .map((segment, i) => ({ segment, mentions: mentions.get(i) ?? 0 }))
    .sort((a, b) => b.mentions - a.mentions || a.segment.start - b.segment.start)[0];
  return best ? truncateWords(best.segment.text, 25) : undefined;
}

function chapters(spine: Spine): Report['chapters'] {
  const groups: SpineSegment[][] = [];
  for (const segment of spine.segments) {
    const current = groups[groups.length - 1];
    const previous = current?.[current.length - 1];
    const breaks =
      !previous ||
      segment.black ||
      previous.black ||
      spine.silences.some((s) => s.end - s.start >= CHAPTER_PAUSE_SECONDS && s.start >= previous.start && s.start < segment.end);
    if (breaks || !current) groups.push([segment]);
    else current.push(segment);
  }
  return groups.map((group, i) => {
    const start = group[0]?.start ?? 0;
    const end = group[group.length - 1]?.end ?? start;
    const speech = group.map((s) => s.speech).filter(Boolean).join(' ');
    const unclear = group.map((s) => s.lowConfidenceSpeech ?? '').filter(Boolean).join(' ');
    const isBlack = group.every((s) => s.black);
    const unclearLine = unclear ? `Low-confidence speech: "${truncateWords(unclear, 30)}"` : '';
    const title = isBlack
      ? 'Black screen'
      : speech
        ? `Chapter ${i + 1}: ${truncateWords(speech, 6)}`
        : unclear
          ? `Chapter ${i + 1} (unclear speech)`
          : `Chapter ${i + 1}`;
    const silently = spine.kind === 'image' ? 'A still image.' : !spine.hasAudio ? 'No sound.' : 'No speech.';
    return {
      title,
      start,
      end,
      summary: speech
        ? [truncateWords(speech, 30), unclearLine].filter(Boolean).join(' ')
        : unclearLine || (isBlack ? 'No picture.' : silently),
    };
  });
}

/** Metadata entities first, then the names said in the transcript that the metadata does not already name. */
function entities(media: MediaFacts, language: TranscriptAnalysis): Report['entities'] {
  const found: Report['entities'] = [];
  if (media.title) found.push({ name: media.title, type: 'work', source: 'metadata:title' });
  if (media.location) {
    const { latitude, longitude } = media.location;
    found.push({ name: `${latitude.toFixed(4)}, ${longitude.toFixed(4)}`, type: 'place', source: 'metadata:location' });
  }
  const seen = new Set(found.map((e) => e.name.toLowerCase()));
  for (const { name, type } of language.names) {
    if (seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    found.push({ name, type, source: 'transcript' });
  }
  return found;
}

function moderation(spine: Spine, outcomes: readonly AnalysisOutcome[]): Report['moderation'] {
  const checked = outcomes.filter((o) => (o.kind === 'visualModeration' || o.kind === 'audioModeration') && o.status === 'succeeded');
  const unchecked = outcomes.filter((o) => (o.kind === 'visualModeration' || o.kind === 'audioModeration') && o.status !== 'succeeded');
  const { flags, flagged, maxScore, verdict } = spine.moderation;
  const checkedText = checked.length ? `Checked: ${checked.map((o) => o.kind).join(', ')}.` : 'No moderation analysis ran.';
  const uncheckedText = unchecked.length
    ? ` Not checked: ${unchecked.map((o) => `${o.kind} (${o.summary})`).join('; ')}.`
    : '';
  const findings = flagged
    ? ` ${flags.length} flag(s), highest score ${maxScore.toFixed(2)} (threshold ${spine.thresholds.moderation}): ${[...new Set(flags.map((f) => f.category))].join(', ')}.`
    : ` Nothing reached the threshold of ${spine.thresholds.moderation}.`;
  const coverage = coverageStatement(spine);
  const unverified = unverifiedReason(spine);
  return {
    verdict,
    rationale: `${checkedText}${findings}${coverage ? ` ${coverage}` : ''}${unverified ? ` ${unverified}` : ''}${uncheckedText}`,
    coverage: reportCoverage(spine),
    flags: flags.map(({ start, end, source, category, score }) => ({ start, end, source, category, score })),
  };
}

function truncateWords(text: string, max: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  return words.length <= max ? words.join(' ') : `${words.slice(0, max).join(' ')}…`;
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}
