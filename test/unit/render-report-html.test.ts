import { renderReportHtml } from '../../report/render-report-html';
import type { Report } from '../../report/report-schema';
import type { Spine } from '../../spine/spine';

const EVIL = '<script>alert(1)</script> "quoted"';

function makeSpine(overrides: Partial<Spine> = {}): Spine {
  return {
    mediaId: 'm1',
    kind: 'video',
    hasVideo: true,
    hasAudio: true,
    durationSeconds: 20,
    thresholds: { minConfidence: 0.2, moderation: 0.7 },
    segments: [
      { index: 0, start: 0, end: 5, speech: '', black: false, silent: false, flags: [] },
      { index: 1, start: 5, end: 12, speech: '', black: false, silent: false, flags: [] },
      { index: 2, start: 12, end: 20, speech: '', black: false, silent: false, flags: [] },
    ],
    speech: [{ start: 1, end: 4, text: EVIL, confidence: 0.9 }],
    speechSeconds: 3,
    lowConfidenceSpeech: [],
    lowConfidenceSpeechSeconds: 0,
    blackSegments: [{ start: 12, end: 13 }],
    silences: [{ start: 15, end: 17 }],
    moderation: {
      flagged: true,
      maxScore: 0.8,
      flags: [{ start: 6, end: 8, source: 'visual', category: EVIL, score: 0.8 }],
      verdict: 'flagged',
      coverage: { picture: { frames: 10, start: 0, end: 20 }, sound: { audioSeconds: 20, words: 3, lowConfidenceHits: 0 }, gaps: [] },
    },
    thumbnails: [],
    labels: [],
    people: [],
    ...overrides,
  };
}

function makeReport(overrides: Partial<Report> = {}): Report {
  return {
    mediaId: 'm1',
    generatedBy: 'extractive',
    title: `${EVIL}.mp4`,
    summary: EVIL,
    chapters: [{ title: EVIL, start: 0, end: 20, summary: EVIL }],
    topics: [{ name: EVIL, weight: 0.5 }],
    entities: [{ name: EVIL, type: 'person', source: EVIL }],
    moderation: {
      verdict: 'flagged',
      rationale: EVIL,
      coverage: { statement: 'Picture: 10 frames checked over 0.0–20.0 s of 20.0 s.', picture: { frames: 10, start: 0, end: 20 }, gaps: [] },
      flags: [{ start: 6, end: 8, source: 'visual', category: EVIL, score: 0.8 }],
    },
    missing: [{ analysis: 'ocr', status: 'failed', reason: EVIL }],
    ...overrides,
  };
}

/** The bars of one lane, in document order, with their inline style parsed. */
function laneBars(html: string, lane: string): { left: number; width: number; title: string }[] {
  // Bars are empty divs, so a lane's track ends at its first "</div></div>" (last bar plus track).
  const laneMatch = new RegExp(`<div class="lane lane-${lane}">.*?<div class="track">(.*?)</div></div>`).exec(html);
  expect(laneMatch).not.toBeNull();
  const barPattern = /<div class="bar" style="left:([^%]*)%;width:([^%]*)%" title="([^"]*)">/g;
  return [...(laneMatch?.[1] ?? '').matchAll(barPattern)].map((m) => ({
    left: Number(m[1]),
    width: Number(m[2]),
    title: m[3] ?? '',
  }));
}

describe('renderReportHtml', () => {
  it('escapes media- and user-supplied text everywhere', () => {
    const html = renderReportHtml(makeReport(), makeSpine(), { keyframes: [] });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('"quoted"');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;');
    // The transcript and the title both carry the payload; both must land as text.
    expect(html).toMatch(/<div id="transcript">.*&lt;script&gt;/s);
    expect(html).toMatch(/<h1>&lt;script&gt;alert\(1\)&lt;\/script&gt; &quot;quoted&quot;\.mp4<\/h1>/);
  });

  it('shows the SEO description, chapter categories, ad breaks, faces and exports, escaped', () => {
    // Arrange
    const report = makeReport({
      seoDescription: 'A 20 s video about <b>bold</b> things.',
      chapters: [
        { title: 'Match', start: 0, end: 10, summary: 'goal', category: { id: '483', name: 'Sports', source: 'keywords', matched: ['goal', 'team'] } },
        { title: 'Talk', start: 10, end: 15, summary: 'x', category: { id: '596', name: 'Technology & Computing', source: 'model' } },
        { title: 'Rest', start: 15, end: 20, summary: 'y', refusedCategory: EVIL },
      ],
      adBreaks: { rules: { edgeSeconds: 5, minGapSeconds: 60, blackNearbySeconds: 1 }, suggestions: [{ time: 12, rank: 1, silenceSeconds: 2, blackNearby: true, reason: 'shot change inside 2.0 s of silence' }] },
      faces: { faceCount: 4, knownPeopleSearched: 2, statement: '4 faces seen. Compared with 2 known people.', knownPeople: [{ personId: 'p1', name: EVIL, ranges: [{ start: 61, end: 65, similarity: 0.93 }] }] },
      exports: { timecode: '25 fps non-drop', files: [{ name: 'shots.edl', ref: 's3://b/k/shots.edl', contentType: 'text/plain' }], notes: ['a note'] },
    });

    // Act
    const html = renderReportHtml(report, makeSpine(), { keyframes: [] });

    // Assert
    expect(html).toContain('<meta name="description" content="A 20 s video about &lt;b&gt;bold&lt;/b&gt; things.">');
    expect(html).toContain('<p id="seo-description"><strong>SEO description:</strong> A 20 s video about &lt;b&gt;bold&lt;/b&gt; things.</p>');
    expect(html).toContain('IAB Sports (483, by keywords: goal, team)');
    expect(html).toContain('IAB Technology &amp; Computing (596, chosen by the model)');
    expect(html).toContain('no IAB category fits; the model\'s "&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;" is not on the list and was refused');
    expect(html).toMatch(/<table id="ad-breaks">.*<td>1<\/td><td>00:12 <span class="ts">\(12.00 s\)<\/span><\/td><td>shot change inside 2.0 s of silence<\/td>/);
    expect(html).toContain('<p id="faces">4 faces seen. Compared with 2 known people.</p>');
    expect(html).toContain('01:01–01:05 (similarity 0.93)');
    expect(html).toContain('<a href="shots.edl" download>shots.edl</a>');
    expect(html).toContain('Timecode: 25 fps non-drop.');
    expect(html).not.toContain('<script>');
  });

  it('says no known people were enrolled, and that no cut met the ad-break rules', () => {
    // Arrange
    const report = makeReport({
      adBreaks: { rules: { edgeSeconds: 5, minGapSeconds: 60, blackNearbySeconds: 1 }, suggestions: [] },
      faces: { faceCount: 0, knownPeopleSearched: 0, statement: '0 faces seen. No known people enrolled: faces were not compared.', knownPeople: [] },
    });

    // Act
    const html = renderReportHtml(report, makeSpine(), { keyframes: [] });

    // Assert
    expect(html).toContain('<p id="ad-breaks">No shot change met the rules.</p>');
    expect(html).toContain('No known people enrolled: faces were not compared.');
    expect(html).not.toContain('id="known-people"');
    expect(html).not.toContain('<h2>Exports</h2>');
  });

  it('draws one shot bar per segment at its share of the duration', () => {
    const html = renderReportHtml(makeReport(), makeSpine(), { keyframes: [] });
    const bars = laneBars(html, 'shots');
    expect(bars.map(({ left, width }) => [left, width])).toEqual([
      [0, 25],
      [25, 35],
      [60, 40],
    ]);
    expect(bars.every((b) => b.title.length > 0)).toBe(true);
    expect(html).toContain('id="timeline"');
    for (const lane of ['speech', 'silence', 'black', 'flags']) expect(laneBars(html, lane)).toHaveLength(1);
  });

  it('clamps spans that run past the duration', () => {
    const spine = makeSpine({ segments: [{ index: 0, start: 15, end: 30, speech: '', black: false, silent: false, flags: [] }] });
    const [bar] = laneBars(renderReportHtml(makeReport(), spine, { keyframes: [] }), 'shots');
    expect(bar).toMatchObject({ left: 75, width: 25 });
  });

  it('embeds the poster and keyframes as data URIs with mm:ss captions', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const html = renderReportHtml(makeReport(), makeSpine(), {
      poster: { time: 3, jpeg },
      keyframes: [
        { time: 0, jpeg },
        { time: 75, jpeg },
      ],
    });
    const uri = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    expect(html).toContain(`id="poster" alt="poster frame" src="${uri}"`);
    const thumbs = [...html.matchAll(/<img class="thumb"[^>]*src="([^"]*)"/g)].map((m) => m[1]);
    expect(thumbs).toEqual([uri, uri]);
    expect(html).toContain('<figcaption>00:00</figcaption>');
    expect(html).toContain('<figcaption>01:15</figcaption>');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('renders a zero-duration media without NaN or Infinity', () => {
    const html = renderReportHtml(makeReport(), makeSpine({ durationSeconds: 0 }), { keyframes: [] });
    expect(html).not.toMatch(/NaN|Infinity/);
    for (const bar of laneBars(html, 'shots')) expect(bar).toMatchObject({ left: 0, width: 0 });
    expect(html).toContain('id="verdict" class="flagged"');
  });

  it('shows what an unverified verdict rests on, the damage, and no "none found" above a listed entity', () => {
    // Arrange: a location-tagged still: no speech, so no topics, but a place entity.
    const report = makeReport({
      summary: 'A 640x480 PNG image.',
      topics: [],
      entities: [{ name: '48.8584, 2.2945', type: 'place', source: 'metadata:location' }],
      moderation: {
        verdict: 'unverified',
        rationale: 'Nothing reached the threshold of 0.7.',
        coverage: { statement: 'Picture: not checked.', gaps: ['the picture was not checked (visual moderation reports no frame checked)'] },
        flags: [],
      },
      damage: { decodeErrors: 224, videoErrors: 80, audioErrors: 144, start: 2, end: 6 },
    });

    // Act
    const html = renderReportHtml(report, makeSpine({ kind: 'image', hasAudio: false, durationSeconds: 0 }), { keyframes: [] });

    // Assert
    expect(html).not.toMatch(/>Shots<|shot \d/);
    expect(html).toContain('<span class="lane-name">Image</span>');
    expect(html).toContain('id="verdict" class="unverified">unverified<');
    expect(html).toContain('<p id="coverage"><strong>Coverage:</strong> Picture: not checked.</p>');
    expect(html).toContain('<li>the picture was not checked (visual moderation reports no frame checked)</li>');
    expect(html).toContain('Damaged file: 224 decode errors (80 video, 144 audio) between 2.0 s and 6.0 s.');
    expect(html).not.toContain('none found');
    expect(html).toContain('<li>48.8584, 2.2945 <span class="meta">(place, from metadata:location)</span></li>');
  });

  it('draws audio as segments, not shots, and marks low-confidence speech in the timeline and the transcript', () => {
    // Arrange
    const spine = makeSpine({
      kind: 'audio',
      hasVideo: false,
      speech: [],
      lowConfidenceSpeech: [{ start: 3, end: 5, text: 'a quiet morning', confidence: 0.32 }],
      lowConfidenceSpeechSeconds: 2,
    });

    // Act
    const html = renderReportHtml(makeReport(), spine, { keyframes: [] });

    // Assert
    expect(html).not.toContain('class="lane lane-shots"');
    expect(laneBars(html, 'segments').map((b) => b.title)).toEqual(['00:00–00:05 segment 1', '00:05–00:12 segment 2', '00:12–00:20 segment 3']);
    expect(laneBars(html, 'unclear').map((b) => b.title)).toEqual(['00:03–00:05 low confidence: a quiet morning']);
    expect(html).toContain('<p class="low"><span class="ts">00:03</span>a quiet morning <em>(low confidence 0.32)</em></p>');
  });
});
