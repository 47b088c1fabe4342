import { describeDamage } from '../media/decode-damage';
import { cueTypeName, technicalCuesStatement } from '../spine/describe-coverage';
import type { Spine, TimedText } from '../spine/spine';
import type { Report } from './report-schema';

/** Keyframe bytes already fetched by the caller, so rendering stays pure and the page needs no URLs. */
export interface ReportImages {
  poster?: { time: number; jpeg: Buffer };
  keyframes: { time: number; jpeg: Buffer }[];
}

interface Span {
  start: number;
  end: number;
  label: string;
}

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:960px;color:#1d2330;padding:0 1rem}
h1{margin-bottom:.2rem}.meta{color:#5b6474}
#verdict{display:inline-block;padding:.1rem .6rem;border-radius:1rem;font-weight:600}
#verdict.clean{background:#dff5e3;color:#17612a}#verdict.flagged{background:#fde2e1;color:#8a1c17}
#verdict.unverified{background:#fff1c2;color:#6b4d00}#damage{background:#fff1c2;padding:.4rem .6rem;border-radius:4px}
#poster{max-width:100%;border-radius:6px}
#thumbnails{display:flex;gap:.5rem;overflow-x:auto;padding:.5rem 0}
#thumbnails figure{margin:0;text-align:center;font-size:12px;color:#5b6474}.thumb{height:72px;border-radius:4px}
#timeline{border:1px solid #d8dde6;border-radius:6px;padding:.5rem}
.lane{display:flex;align-items:center;margin:.25rem 0}.lane-name{width:90px;font-size:12px;color:#5b6474}
.track{position:relative;flex:1;height:18px;background:#f3f5f8;border-radius:3px}
.bar{position:absolute;top:2px;bottom:2px;border-radius:2px;min-width:2px}
.lane-shots .bar,.lane-segments .bar{background:#6c8ebf;border-right:1px solid #fff}.lane-speech .bar{background:#5fb878}
.lane-unclear .bar{background:#b9dcc3}#transcript p.low{color:#5b6474}
.lane-silence .bar{background:#b8bec9}.lane-black .bar{background:#1d2330}.lane-flags .bar{background:#d9534f}.lane-cues .bar{background:#c98a1b;border-right:1px solid #fff}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #e6e9ef;text-align:left}
#transcript p{margin:.3rem 0}.category{font-size:12px;color:#5b6474}.ts{color:#5b6474;font-variant-numeric:tabular-nums;margin-right:.5rem}`;

/** Renders the self-contained report.html: poster, thumbnail strip, timeline, chapters, editorial outputs, transcript. */
export function renderReportHtml(report: Report, spine: Spine, images: ReportImages): string {
  const duration = spine.durationSeconds;
  // Only video has shots: audio's segments are stretches of speech and silence, a still is one image.
  const [segmentKind, segmentLane, segmentWord] =
    spine.kind === 'image' ? ['segments', 'Image', 'still image'] : spine.hasVideo ? ['shots', 'Shots', 'shot'] : ['segments', 'Segments', 'segment'];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(report.title)} · reelscope</title>${report.seoDescription ? `<meta name="description" content="${escapeHtml(report.seoDescription)}">` : ''}<style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(report.title)}</h1>
<p class="meta"><span id="verdict" class="${escapeHtml(report.moderation.verdict)}">${escapeHtml(report.moderation.verdict)}</span>
 · ${formatTime(duration)} · media ${escapeHtml(report.mediaId)} · written by ${escapeHtml(report.generatedBy)}</p></header>
<p>${escapeHtml(report.summary)}</p>
${report.seoDescription ? `<p id="seo-description"><strong>SEO description:</strong> ${escapeHtml(report.seoDescription)}</p>\n` : ''}${report.damage ? `<p id="damage">Damaged file: ${escapeHtml(describeDamage(report.damage))}. What the analyses found there may not be what was recorded.</p>\n` : ''}${images.poster ? `<img id="poster" alt="poster frame" src="${dataUri(images.poster.jpeg)}">` : ''}
<h2>Keyframes</h2>
<div id="thumbnails">${images.keyframes
    .map((k) => `<figure><img class="thumb" alt="keyframe at ${formatTime(k.time)}" src="${dataUri(k.jpeg)}"><figcaption>${formatTime(k.time)}</figcaption></figure>`)
    .join('')}</div>
<h2>Timeline</h2>
<div id="timeline">
${lane(segmentKind, segmentLane, spine.segments.map((s) => ({ start: s.start, end: s.end, label: `${segmentWord} ${s.index + 1}` })), duration)}
${lane('speech', 'Speech', spine.speech.map((s) => ({ start: s.start, end: s.end, label: s.text })), duration)}
${spine.lowConfidenceSpeech.length ? `${lane('unclear', 'Unclear', spine.lowConfidenceSpeech.map((s) => ({ start: s.start, end: s.end, label: `low confidence: ${s.text}` })), duration)}\n` : ''}
${lane('silence', 'Silence', spine.silences.map((s) => ({ ...s, label: 'silence' })), duration)}
${lane('black', 'Black', spine.blackSegments.map((s) => ({ ...s, label: 'black frames' })), duration)}
${cuesLane(spine, duration)}${lane('flags', 'Flags', spine.moderation.flags.map((f) => ({ start: f.start, end: f.end, label: `${f.source} ${f.category} ${f.score.toFixed(2)}` })), duration)}
</div>
${technicalCuesSection(spine)}<h2>Chapters</h2>
<ol id="chapters">${report.chapters.map((c) => `<li><strong>${escapeHtml(c.title)}</strong> <span class="ts">${formatTime(c.start)}–${formatTime(c.end)}</span> ${chapterCategory(c)}<br>${escapeHtml(c.summary)}</li>`).join('')}</ol>
${adBreaksSection(report)}${facesSection(report)}<h2>Topics and entities</h2>
${topicsAndEntities(report)}
<h2>Moderation</h2>
<p>${escapeHtml(report.moderation.rationale)}</p>
<p id="coverage"><strong>Coverage:</strong> ${escapeHtml(report.moderation.coverage.statement || 'nothing was checked.')}</p>
${report.moderation.coverage.gaps.length ? `<ul id="coverage-gaps">${report.moderation.coverage.gaps.map((g) => `<li>${escapeHtml(g)}</li>`).join('')}</ul>\n` : ''}
${report.moderation.flags.length ? `<table><tr><th>time</th><th>source</th><th>category</th><th>score</th></tr>${report.moderation.flags
      .map((f) => `<tr><td>${formatTime(f.start)}</td><td>${escapeHtml(f.source)}</td><td>${escapeHtml(f.category)}</td><td>${f.score.toFixed(2)}</td></tr>`)
      .join('')}</table>` : ''}
<h2>Not analysed</h2>
<ul>${report.missing.map((m) => `<li>${escapeHtml(m.analysis)} (${escapeHtml(m.status)}): ${escapeHtml(m.reason)}</li>`).join('') || '<li>everything ran</li>'}</ul>
${report.cost ? costSection(report.cost) : ''}${exportsSection(report)}<h2>Transcript</h2>
${report.subtitles ? `<p id="subtitles">${escapeHtml(describeSubtitles(report.subtitles))}</p>\n` : ''}<div id="transcript">${transcript(spine) || '<p>No speech recognised.</p>'}</div>
</body></html>
`;
}

/** The chapter's IAB tier-1 category and who chose it, or that none fits; a refused model answer is named. */
function chapterCategory(chapter: Report['chapters'][number]): string {
  const { category, refusedCategory } = chapter;
  const chosen = category
    ? `IAB ${escapeHtml(category.name)} (${escapeHtml(category.id)}, ${category.source === 'model' ? 'chosen by the model' : `by keywords: ${escapeHtml((category.matched ?? []).join(', '))}`})`
    : 'no IAB category fits';
  const refused = refusedCategory ? `; the model's "${escapeHtml(refusedCategory)}" is not on the list and was refused` : '';
  return `<span class="category">${chosen}${refused}</span>`;
}

/** Suggested ad breaks with why each was chosen, and the rules, so "none" reads as "none met the rules". */
function adBreaksSection({ adBreaks }: Report): string {
  if (!adBreaks) return '';
  const { rules, suggestions } = adBreaks;
  const ruleText = `Shot changes inside silence, not in the first or last ${rules.edgeSeconds} s, at least ${rules.minGapSeconds} s apart; a black stretch within ${rules.blackNearbySeconds} s ranks a cut higher among equals.`;
  const rows = suggestions
    .map((b) => `<tr><td>${b.rank}</td><td>${formatTime(b.time)} <span class="ts">(${b.time.toFixed(2)} s)</span></td><td>${escapeHtml(b.reason)}</td></tr>`)
    .join('');
  const table = rows ? `<table id="ad-breaks"><tr><th>rank</th><th>time</th><th>why</th></tr>${rows}</table>` : '<p id="ad-breaks">No shot change met the rules.</p>';
  return `<h2>Ad breaks</h2>\n<p class="meta">${escapeHtml(ruleText)}</p>\n${table}\n`;
}

/** What face detection saw, what it compared the faces with, and when each known person was on screen. */
function facesSection({ faces }: Report): string {
  if (!faces) return '';
  const rows = faces.knownPeople
    .map((p) => `<tr><td>${escapeHtml(p.name)}</td><td>${p.ranges.map((r) => `${formatTime(r.start)}–${formatTime(r.end)} (similarity ${r.similarity.toFixed(2)})`).join(', ')}</td></tr>`)
    .join('');
  const table = rows ? `<table id="known-people"><tr><th>known person</th><th>on screen</th></tr>${rows}</table>\n` : '';
  return `<h2>Faces</h2>\n<p id="faces">${escapeHtml(faces.statement)}</p>\n${table}`;
}

/**
 * The export files by name, linked relative to this page: they sit beside it in the results
 * folder (and in the API's artefact list), and the page embeds nothing from outside itself.
 */
function exportsSection({ exports }: Report): string {
  if (!exports) return '';
  const files = exports.files.map((f) => `<li><a href="${escapeHtml(f.name)}" download>${escapeHtml(f.name)}</a></li>`).join('');
  const timecode = exports.timecode ? `<p class="meta">Timecode: ${escapeHtml(exports.timecode)}.</p>\n` : '';
  const notes = exports.notes.length ? `<ul id="export-notes">${exports.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>\n` : '';
  return `<h2>Exports</h2>\n${timecode}<ul id="exports">${files || '<li>none</li>'}</ul>\n${notes}`;
}

/** Topics from the speech and entities from every source; "none found" only when both are empty. */
function topicsAndEntities(report: Report): string {
  if (!report.topics.length && !report.entities.length) return '<p>none found</p>';
  const topics = report.topics.length ? `<p>Topics: ${report.topics.map((t) => escapeHtml(t.name)).join(', ')}</p>\n` : '';
  const entities = report.entities.length
    ? `<ul>${report.entities.map((e) => `<li>${escapeHtml(e.name)} <span class="meta">(${escapeHtml(e.type)}, from ${escapeHtml(e.source)})</span></li>`).join('')}</ul>`
    : '';
  return `${topics}${entities}`;
}

/** Confident and low-confidence speech in time order, the latter marked as such. */
function transcript(spine: Spine): string {
  const lines: (TimedText & { low: boolean })[] = [
    ...spine.speech.map((s) => ({ ...s, low: false })),
    ...spine.lowConfidenceSpeech.map((s) => ({ ...s, low: true })),
  ].sort((a, b) => a.start - b.start);
  return lines
    .map((s) =>
      s.low
        ? `<p class="low"><span class="ts">${formatTime(s.start)}</span>${escapeHtml(s.text)} <em>(low confidence ${s.confidence.toFixed(2)})</em></p>`
        : `<p><span class="ts">${formatTime(s.start)}</span>${escapeHtml(s.text)}</p>`,
    )
    .join('');
}

/**
 * Cues other than black frames (they have their lane), only when the backend looked for
 * them: an empty lane on the local backend would read as "none there" rather than "not looked for".
 */
function cuesLane(spine: Spine, duration: number): string {
  const cues = spine.technicalCues;
  if (!cues?.checked.some((type) => type !== 'BlackFrames')) return '';
  const spans = cues.cues.filter((c) => c.type !== 'BlackFrames').map((c) => ({ start: c.start, end: c.end, label: cueLabel(c) }));
  return `${lane('cues', 'Cues', spans, duration)}\n`;
}

/** What was looked for, then each cue with its range and confidence. */
function technicalCuesSection(spine: Spine): string {
  const statement = technicalCuesStatement(spine);
  if (!statement) return '';
  const rows = (spine.technicalCues?.cues ?? [])
    .map((c) => `<tr><td>${escapeHtml(cueTypeName(c.type))}</td><td>${formatTime(c.start)}–${formatTime(c.end)}</td><td>${c.confidence === undefined ? '' : c.confidence.toFixed(2)}</td></tr>`)
    .join('');
  const table = rows ? `<table id="technical-cues"><tr><th>cue</th><th>range</th><th>confidence</th></tr>${rows}</table>\n` : '';
  return `<h2>Technical cues</h2>\n<p id="technical-cues-checked">${escapeHtml(statement)}</p>\n${table}`;
}

function cueLabel(cue: { type: string; confidence?: number }): string {
  return `${cueTypeName(cue.type)}${cue.confidence === undefined ? '' : ` ${cue.confidence.toFixed(2)}`}`;
}

/** "Subtitles: 24 cues, WebVTT and SRT": the files are artefacts beside the report, not links from it. */
export function describeSubtitles({ vtt, srt, cues }: NonNullable<Report['subtitles']>): string {
  const formats = [vtt ? 'WebVTT' : undefined, srt ? 'SRT' : undefined].filter(Boolean).join(' and ');
  return `Subtitles: ${cues} cue${cues === 1 ? '' : 's'}${formats ? `, ${formats}` : ''}`;
}

function costSection(cost: NonNullable<Report['cost']>): string {
  const rows = cost.lines
    .map((l) => `<tr><td>${escapeHtml(l.service)}</td><td>${escapeHtml(l.item)}</td><td>${l.quantity} ${escapeHtml(l.unit)}</td><td>$${l.usd.toFixed(4)}</td></tr>`)
    .join('');
  return `<h2>Cost</h2>\n<table class="cost"><tr><th>service</th><th>item</th><th>billed</th><th>USD</th></tr>${rows}<tr><th colspan="3">estimated total</th><th>$${cost.totalUsd.toFixed(4)}</th></tr></table>\n`;
}

function lane(kind: string, name: string, spans: Span[], duration: number): string {
  const bars = spans
    .map((s) => {
      const left = percent(s.start, duration);
      const width = Math.max(0, percent(s.end, duration) - left);
      return `<div class="bar" style="left:${left}%;width:${width}%" title="${escapeHtml(`${formatTime(s.start)}–${formatTime(s.end)} ${s.label}`)}"></div>`;
    })
    .join('');
  return `<div class="lane lane-${kind}"><span class="lane-name">${name}</span><div class="track">${bars}</div></div>`;
}

/** Position on the timeline, clamped to 0..100 and safe for a zero duration. */
function percent(seconds: number, duration: number): number {
  if (!(duration > 0) || !Number.isFinite(duration) || !Number.isFinite(seconds)) return 0;
  return Math.round(Math.min(100, Math.max(0, (seconds / duration) * 100)) * 100) / 100;
}

/** mm:ss; minutes grow past 59 rather than adding hours, which suits clips. Non-finite input reads 00:00, never NaN. */
function formatTime(seconds: number): string {
  const s = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function dataUri(jpeg: Buffer): string {
  return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
}

/** Escapes text for HTML content and attribute values: everything from media or users goes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
