import { suggestAdBreaks, type AdBreakTimeline } from '../../report/editorial/ad-breaks';
import { categoryByKeywords, categoryFromModel } from '../../report/editorial/chapter-category';
import { cell, writeCsv } from '../../report/editorial/csv';
import { EDL_MAX_EVENTS, reelName, writeEdl } from '../../report/editorial/edl';
import { IAB_TIER1 } from '../../report/editorial/iab-tier1';
import { composeSeoDescription, countSentences, seoDescriptionProblems } from '../../report/editorial/seo-description';
import { formatTimecode, framesAt, timecodeRate, type TimecodeRate } from '../../report/editorial/timecode';

const PAL = timecodeRate(25) as TimecodeRate;
const NTSC = timecodeRate(29.97) as TimecodeRate;

describe('ad-break suggestions', () => {
  const timeline: AdBreakTimeline = {
    durationSeconds: 600,
    // Shot changes at 3 (too early), 100, 130, 200, 205, 400 and 597 (too late).
    shotStarts: [0, 3, 100, 130, 200, 205, 400, 597],
    silences: [
      { start: 2, end: 4 },
      { start: 99, end: 101 },
      { start: 129, end: 133 },
      { start: 199.5, end: 206 },
      { start: 596, end: 599 },
    ],
    blackSegments: [{ start: 99.5, end: 100.2 }],
  };

  it('takes shot changes inside silence, away from the ends, ranked by silence, at least the gap apart', () => {
    // Act
    const breaks = suggestAdBreaks(timeline, { edgeSeconds: 10, minGapSeconds: 60, blackNearbySeconds: 1 });

    // Assert: 200 and 205 share the longest silence (6.5 s); 205 is within 60 s of 200 and goes,
    // 130 (4 s) is kept, and 100 (2 s, black nearby) is within 60 s of 130 and goes too.
    expect(breaks.map((b) => [b.rank, b.time, b.silenceSeconds, b.blackNearby])).toEqual([
      [1, 200, 6.5, false],
      [2, 130, 4, false],
    ]);
    expect(breaks[0]?.reason).toBe('shot change inside 6.5 s of silence (199.5–206.0 s)');
    // 400 is a shot change, but in sound: never suggested.
    expect(breaks.map((b) => b.time)).not.toContain(400);
  });

  it('ranks a black stretch near the cut first among equal silences, and says so', () => {
    // Arrange
    const equal: AdBreakTimeline = {
      durationSeconds: 300,
      shotStarts: [0, 50, 150],
      silences: [{ start: 49, end: 51 }, { start: 149, end: 151 }],
      blackSegments: [{ start: 150.5, end: 151 }],
    };

    // Act
    const breaks = suggestAdBreaks(equal, { edgeSeconds: 10, minGapSeconds: 30, blackNearbySeconds: 1 });

    // Assert
    expect(breaks.map((b) => b.time)).toEqual([150, 50]);
    expect(breaks[0]?.reason).toContain('black frames at 150.5–151.0 s');
  });

  it('suggests nothing without shot changes in silence', () => {
    expect(suggestAdBreaks({ durationSeconds: 60, shotStarts: [0], silences: [{ start: 10, end: 20 }], blackSegments: [] })).toEqual([]);
  });
});

describe('timecode', () => {
  it('recognises the rates timecode counts and refuses the others', () => {
    expect(timecodeRate(25)).toEqual({ actual: 25, nominal: 25, dropFrame: false });
    expect(timecodeRate(29.97)).toMatchObject({ nominal: 30, dropFrame: true });
    expect(timecodeRate(59.94)).toMatchObject({ nominal: 60, dropFrame: true });
    expect(timecodeRate(23.976)).toMatchObject({ nominal: 24, dropFrame: false });
    expect(timecodeRate(15)).toBeUndefined();
    expect(timecodeRate(12.5)).toBeUndefined();
    expect(timecodeRate(0)).toBeUndefined();
  });

  it('counts non-drop frames plainly', () => {
    expect(formatTimecode(0, PAL)).toBe('00:00:00:00');
    expect(formatTimecode(24, PAL)).toBe('00:00:00:24');
    expect(formatTimecode(25 * 3661 + 7, PAL)).toBe('01:01:01:07');
  });

  it('skips frame numbers 00 and 01 each minute at 29.97 drop-frame, except every tenth minute', () => {
    expect(formatTimecode(1799, NTSC)).toBe('00:00:59:29');
    expect(formatTimecode(1800, NTSC)).toBe('00:01:00:02');
    expect(formatTimecode(17981, NTSC)).toBe('00:09:59:29');
    expect(formatTimecode(17982, NTSC)).toBe('00:10:00:00');
    expect(formatTimecode(17982 + 1800, NTSC)).toBe('00:11:00:02');
    // Drop-frame keeps to the clock: an hour of 29.97 frames reads one hour.
    expect(formatTimecode(framesAt(3600, NTSC), NTSC)).toBe('01:00:00:00');
  });
});

describe('CMX3600 EDL', () => {
  /** The event lines: three-digit number, reel, channel, C, four timecodes. */
  const EVENT = /^(\d{3}) {2}(.{8}) (\S+)\s+C {8}(\d{2}:\d{2}:\d{2}:\d{2}) (\d{2}:\d{2}:\d{2}:\d{2}) (\d{2}:\d{2}:\d{2}:\d{2}) (\d{2}:\d{2}:\d{2}:\d{2})$/;

  it('writes the title, FCM and numbered cuts with source and continuous record timecodes', () => {
    // Act
    const edl = writeEdl({
      title: 'Talk shots',
      clipName: 'my talk (final).mp4',
      rate: PAL,
      hasAudio: true,
      events: [{ start: 0, end: 6, comment: 'shot 1' }, { start: 6, end: 10.02, comment: 'shot 2' }],
    });
    const lines = edl.text.split('\r\n');

    // Assert
    expect(lines.slice(0, 3)).toEqual(['TITLE: Talk shots', 'FCM: NON-DROP FRAME', '']);
    const events = lines.filter((l) => EVENT.test(l)).map((l) => EVENT.exec(l)?.slice(1));
    expect(events).toEqual([
      ['001', 'MY_TALK ', 'B', '00:00:00:00', '00:00:06:00', '01:00:00:00', '01:00:06:00'],
      ['002', 'MY_TALK ', 'B', '00:00:06:00', '00:00:10:01', '01:00:06:00', '01:00:10:01'],
    ]);
    expect(lines).toContain('* FROM CLIP NAME: my talk (final).mp4');
    expect(lines).toContain('* COMMENT: shot 2');
    expect(edl.text.endsWith('\r\n')).toBe(true);
    expect(edl.text.split('\n').every((l) => !l.slice(0, -1).includes('\r'))).toBe(true);
  });

  it('says DROP FRAME at 29.97 and starts the record side at 01:00:00:00 by the clock', () => {
    // Act
    const edl = writeEdl({ title: 't', clipName: 'a.mov', rate: NTSC, hasAudio: false, events: [{ start: 600, end: 601 }, { start: 1800 / NTSC.actual, end: 1830 / NTSC.actual }] });

    // Assert: frame 1800 is labelled 00:01:00:02, the first label after the two a minute skips.
    expect(edl.text).toContain('FCM: DROP FRAME');
    expect(edl.text).toContain('001  A        V     C        00:10:00:00 00:10:01:00 01:00:00:00 01:00:01:00');
    expect(edl.text).toContain('002  A        V     C        00:01:00:02 00:01:01:02 01:00:01:00 01:00:02:00');
  });

  it('makes reel names of at most 8 characters A-Z, 0-9 and _, AX when nothing is left', () => {
    expect(reelName('interview-take-12.mxf')).toBe('INTERVIE');
    expect(reelName('Ça va.mp4')).toBe('CA_VA');
    expect(reelName('日本語.mp4')).toBe('AX');
    for (const name of ['a.mp4', 'longer file name.mov', '###.avi']) expect(reelName(name)).toMatch(/^[A-Z0-9_]{1,8}$/);
  });

  it('keeps comments and the title on one ASCII line, skips events under a frame, and stops at 999 events', () => {
    // Arrange
    const many = Array.from({ length: EDL_MAX_EVENTS + 5 }, (_, i) => ({ start: i, end: i + 1 }));

    // Act
    const hostile = writeEdl({ title: 'Evil\r\n002  X V C', clipName: 'x.mp4', rate: PAL, hasAudio: false, events: [{ start: 0, end: 0.01 }, { start: 0, end: 1, comment: 'line\n003  FORGED' }] });
    const long = writeEdl({ title: 'many', clipName: 'x.mp4', rate: PAL, hasAudio: false, events: many });

    // Assert
    expect(hostile.events).toBe(1);
    expect(hostile.text.split('\r\n').filter((l) => EVENT.test(l))).toHaveLength(1);
    expect(hostile.text).toContain('TITLE: Evil 002 X V C');
    expect(hostile.text).toContain('* COMMENT: line 003 FORGED');
    expect(long).toMatchObject({ events: EDL_MAX_EVENTS, truncated: 5 });
    expect(long.text).toContain('\r\n999  ');
    expect(long.text).not.toContain('1000 ');
  });
});

describe('CSV', () => {
  it('quotes by RFC 4180: commas, quotes and line breaks, with CRLF records', () => {
    // Act
    const csv = writeCsv(['a', 'b', 'c'], [['plain', 'with, comma', 'say "hi"'], ['two\nlines', 3.5, true]]);

    // Assert
    expect(csv).toBe('a,b,c\r\nplain,"with, comma","say ""hi"""\r\n"two\nlines",3.5,true\r\n');
  });

  it('guards text cells that a spreadsheet would run as a formula, but not numbers', () => {
    expect(cell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(cell('+1')).toBe("'+1");
    expect(cell('-2+3')).toBe("'-2+3");
    expect(cell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(cell('\tcmd')).toBe("'\tcmd");
    expect(cell('  =1+1')).toBe("'  =1+1");
    expect(cell(-2)).toBe('-2');
    expect(cell('a=b')).toBe('a=b');
    expect(cell(undefined)).toBe('');
  });
});

describe('SEO description', () => {
  it('holds at most 160 characters, two sentences, one line and no links', () => {
    expect(seoDescriptionProblems('A 21 s video about leisure. Features Ada Lovelace.')).toEqual([]);
    expect(seoDescriptionProblems('Mr. Jones explains durable workflows at a whiteboard.')).toEqual([]);
    expect(seoDescriptionProblems('x'.repeat(161))).toEqual(['it is 161 characters long, over 160']);
    expect(seoDescriptionProblems('One. Two. Three.')).toEqual(['it has 3 sentences, over 2']);
    expect(seoDescriptionProblems('See www.example.org')).toEqual(['it contains a URL or a domain name']);
    expect(seoDescriptionProblems('See https://x.y/z')).toEqual(['it contains a URL or a domain name']);
    expect(seoDescriptionProblems('Visit reelscope.io today')).toEqual(['it contains a URL or a domain name']);
    expect(seoDescriptionProblems('two\nlines')).toEqual(['it spans lines or holds control characters']);
    expect(seoDescriptionProblems(' ')).toContain('it is empty');
    expect(countSentences('No end mark')).toBe(1);
    expect(countSentences('Why? Because!')).toBe(2);
  });

  it('composes from facts and topics, dropping topics, people and a bad title until it fits', () => {
    // Arrange
    const topics = ['young man', 'leisure', 'power', 'old age', 'amiable temper', 'fortune'];

    // Act
    const plain = composeSeoDescription({ what: '21 s video', topics: topics.slice(0, 3), people: [] });
    const titled = composeSeoDescription({ what: '8 s video', title: 'Sense and Sensibility', topics: ['leisure'], people: ['Ada Lovelace'] });
    const crowded = composeSeoDescription({ what: '3 min 4 s video', title: 'A rather long title for a video that goes on', topics: topics.map((t) => `${t} ${t} ${t}`), people: ['Ada Lovelace', 'Grace Hopper'] });
    const linked = composeSeoDescription({ what: '21 s video', title: 'Watch at www.example.com', topics: [], people: [] });

    // Assert
    expect(plain).toBe('A 21 s video about young man, leisure and power.');
    expect(titled).toBe('Sense and Sensibility: an 8 s video about leisure. Features Ada Lovelace.');
    expect(seoDescriptionProblems(crowded)).toEqual([]);
    expect(crowded.startsWith('A rather long title')).toBe(true);
    expect(linked).toBe('A 21 s video.');
  });
});

describe('IAB tier-1 categories', () => {
  it('lists each tier-1 category of Content Taxonomy 3.0 once, by unique id and name', () => {
    expect(IAB_TIER1).toHaveLength(37);
    expect(new Set(IAB_TIER1.map((c) => c.id)).size).toBe(IAB_TIER1.length);
    expect(new Set(IAB_TIER1.map((c) => c.name)).size).toBe(IAB_TIER1.length);
    expect(IAB_TIER1.find((c) => c.name === 'Technology & Computing')?.id).toBe('596');
    expect(IAB_TIER1.find((c) => c.name === 'Entertainment')?.id).toBe('JLBCU7');
  });

  it('takes a model answer only when it names a category on the list', () => {
    expect(categoryFromModel(' sports ')).toEqual({ id: '483', name: 'Sports', source: 'model' });
    expect(categoryFromModel('Sports & Leisure')).toBeUndefined();
    expect(categoryFromModel('IAB17')).toBeUndefined();
  });

  it('chooses by distinct vocabulary, and says none fits for one passing word or a tie', () => {
    expect(categoryByKeywords('The team scored a goal in the football match')).toMatchObject({ name: 'Sports', source: 'keywords', matched: ['football', 'match', 'team', 'goal'] });
    expect(categoryByKeywords('he drove the car home')).toBeUndefined();
    // Two Sports terms against two Automotive terms: a tie, so no guess.
    expect(categoryByKeywords('the team raced the car and the truck to the match')).toBeUndefined();
    expect(categoryByKeywords('mr john had leisure to consider')).toBeUndefined();
  });
});
