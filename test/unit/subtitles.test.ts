import { buildSubtitleCues, layoutLines, renderSrt, renderWebVtt, SUBTITLE_RULES, timestamp, type SubtitleCue } from '../../media/subtitles';
import type { TranscriptSegment } from '../../media/transcript';

interface SpokenWord {
  word: string;
  start: number;
  end: number;
  confidence?: number;
}

/** A transcript of one segment per speaker turn, as both backends write them. */
function transcriptOf(...turns: { speaker?: string; words: SpokenWord[] }[]): { segments: TranscriptSegment[] } {
  return {
    segments: turns.map(({ speaker, words }) => ({
      start: words[0]?.start ?? 0,
      end: words[words.length - 1]?.end ?? 0,
      text: words.map((w) => w.word).join(' '),
      confidence: 0.9,
      words: words.map((w) => ({ confidence: 0.9, ...w })),
      ...(speaker ? { speaker } : {}),
    })),
  };
}

/** Words back to back from `start`, each `seconds` long: continuous speech, no pause to break at. */
function spoken(text: string, start = 0, seconds = 0.3, gap = 0): SpokenWord[] {
  return text.split(' ').map((word, i) => ({ word, start: start + i * (seconds + gap), end: start + i * (seconds + gap) + seconds }));
}

const textOf = (cue: SubtitleCue) => cue.lines.join(' ');
const duration = (cue: SubtitleCue) => Math.round((cue.end - cue.start) * 1000) / 1000;
const LONG_SPEECH =
  'the committee met on a grey morning in the old town hall and spent most of the day arguing about the budget ' +
  'for the coming year while the rain kept falling on the roof and nobody could agree on which road to repair first ' +
  'so in the end they voted to postpone everything until the spring when the weather and their tempers would be better';

describe('buildSubtitleCues', () => {
  it('keeps every cue to two lines of at most 42 characters, and every word whole and in order', () => {
    // Arrange
    const transcript = transcriptOf({ words: spoken(LONG_SPEECH) });

    // Act
    const cues = buildSubtitleCues(transcript);

    // Assert
    expect(cues.length).toBeGreaterThan(3);
    for (const cue of cues) {
      expect(cue.lines.length).toBeGreaterThanOrEqual(1);
      expect(cue.lines.length).toBeLessThanOrEqual(SUBTITLE_RULES.maxLines);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(SUBTITLE_RULES.maxLineChars);
    }
    expect(cues.map(textOf).join(' ')).toBe(LONG_SPEECH);
  });

  it('balances two lines, the longer one at the bottom on a tie, and prefers a break after punctuation', () => {
    // Act
    const even = layoutLines('one two three four five six seven eight nine ten eleven'.split(' '));
    const punctuated = layoutLines('When the rain stopped, we walked down to the harbour together'.split(' '));
    const tooLong = layoutLines(LONG_SPEECH.split(' ').slice(0, 20));

    // Assert
    expect(even).toEqual(['one two three four five six', 'seven eight nine ten eleven']);
    expect(punctuated).toEqual(['When the rain stopped,', 'we walked down to the harbour together']);
    expect(tooLong).toBeUndefined();
  });

  it('lasts between 5/6 s and 7 s, splitting slow speech that would run longer', () => {
    // Arrange: a word every 0.9 s, 20 words that fit two lines but take 18 s to say.
    const transcript = transcriptOf({ words: spoken('a b c d e f g h i j k l m n o p q r s t', 0, 0.8, 0.1) }, { words: spoken('Yes.', 30, 0.2) });

    // Act
    const cues = buildSubtitleCues(transcript);

    // Assert
    expect(cues.length).toBeGreaterThanOrEqual(3);
    for (const cue of cues) {
      expect(duration(cue)).toBeLessThanOrEqual(SUBTITLE_RULES.maxCueSeconds);
      expect(duration(cue)).toBeGreaterThanOrEqual(Math.round(SUBTITLE_RULES.minCueSeconds * 1000) / 1000);
    }
    expect(cues[cues.length - 1]).toMatchObject({ start: 30, end: 30.833, lines: ['Yes.'] });
  });

  it('holds a fast-spoken cue on screen long enough to read at 20 characters a second when the pause after allows', () => {
    // Arrange: 41 characters said in 1.2 s, then 4 s of silence.
    const transcript = transcriptOf({ words: spoken('Nobody expected the results to look good.', 0, 0.171) }, { words: spoken('Then again.', 5.2) });

    // Act
    const [first, second] = buildSubtitleCues(transcript);

    // Assert
    expect(first?.lines).toEqual(['Nobody expected the results to look good.']);
    expect(first?.start).toBe(0);
    expect(first!.end).toBeCloseTo(41 / SUBTITLE_RULES.maxCharsPerSecond, 2);
    expect(textOf(first!).length / duration(first!)).toBeLessThanOrEqual(SUBTITLE_RULES.maxCharsPerSecond);
    expect(second?.start).toBe(5.2);
  });

  it('starts a new cue at a change of speaker, even with no pause between them', () => {
    // Arrange
    const transcript = transcriptOf({ speaker: 'spk_0', words: spoken('so what did you think', 0) }, { speaker: 'spk_1', words: spoken('it was fine', 1.5) });

    // Act
    const cues = buildSubtitleCues(transcript);

    // Assert
    expect(cues.map((c) => [c.speaker, textOf(c)])).toEqual([
      ['spk_0', 'so what did you think'],
      ['spk_1', 'it was fine'],
    ]);
    expect(cues[0]!.end).toBeLessThanOrEqual(1.5 - SUBTITLE_RULES.minGapSeconds + 0.001);
  });

  it('breaks at sentence ends and at pauses of a second or more, but not at shorter ones', () => {
    // Arrange
    const transcript = transcriptOf({
      words: [...spoken('Hello there. How are you', 0), ...spoken('doing today', 1.5 + 0.5), ...spoken('after the pause', 2.6 + 1.2)],
    });

    // Act
    const cues = buildSubtitleCues(transcript);

    // Assert
    expect(cues.map(textOf)).toEqual(['Hello there.', 'How are you doing today', 'after the pause']);
  });

  it('breaks an over-long sentence after a comma in its second half rather than at the last word that fits', () => {
    // Arrange
    const sentence = 'The river had risen overnight and the bridge near the mill was closed, so we drove the long way round.';

    // Act
    const cues = buildSubtitleCues(transcriptOf({ words: spoken(sentence) }));

    // Assert
    expect(cues.map(textOf)).toEqual(['The river had risen overnight and the bridge near the mill was closed,', 'so we drove the long way round.']);
  });

  it('lasts 5/6 s even in a quick exchange, the next cue waiting two frames after it', () => {
    // Arrange: "Yes." and "No." from two speakers 0.1 s apart.
    const transcript = transcriptOf(
      { speaker: 'spk_0', words: [{ word: 'Yes.', start: 1, end: 1.2 }] },
      { speaker: 'spk_1', words: [{ word: 'No.', start: 1.3, end: 1.5 }] },
    );

    // Act
    const cues = buildSubtitleCues(transcript);

    // Assert
    expect(cues.map((c) => [textOf(c), c.start, c.end])).toEqual([
      ['Yes.', 1, 1.833],
      ['No.', 1.916, 2.749],
    ]);
  });

  it('closes a gap under half a second to two frames, and leaves a longer one open', () => {
    // Arrange: the first cue's 22 characters are read by 1.1 s; the next sentence starts 0.3 s or 0.6 s later.
    const closeBy = transcriptOf({ words: [...spoken('Good morning everyone.', 0), ...spoken('Shall we start', 1.4)] });
    const further = transcriptOf({ words: [...spoken('Good morning everyone.', 0), ...spoken('Shall we start', 1.7)] });

    // Act
    const [closed] = buildSubtitleCues(closeBy);
    const [open] = buildSubtitleCues(further);

    // Assert
    expect(closed).toMatchObject({ start: 0, end: 1.317 });
    expect(open).toMatchObject({ start: 0, end: 1.1 });
  });

  it('keeps low-confidence words, drops blank ones, and makes no empty cue', () => {
    // Arrange
    const transcript = transcriptOf(
      { words: [{ word: 'mumbled', start: 0, end: 0.4, confidence: 0.1 }, { word: '  ', start: 0.4, end: 0.5 }, { word: 'words', start: 0.5, end: 0.9, confidence: 0.2 }] },
      { words: [] },
    );

    // Act
    const cues = buildSubtitleCues(transcript);
    const none = buildSubtitleCues({ segments: [] });

    // Assert
    expect(cues.map(textOf)).toEqual(['mumbled words']);
    expect(none).toEqual([]);
    expect(renderWebVtt(none)).toBe('WEBVTT\n');
    expect(renderSrt(none)).toBe('');
  });

  it('holds the last cue no later than the end of the audio, unless its words run that long', () => {
    // Act
    const [clipped] = buildSubtitleCues({ ...transcriptOf({ words: spoken('Goodbye.', 10, 0.3) }), audioSeconds: 10.5 });
    const [unknownEnd] = buildSubtitleCues(transcriptOf({ words: spoken('Goodbye.', 10, 0.3) }));

    // Assert
    expect(clipped).toMatchObject({ start: 10, end: 10.5 });
    expect(unknownEnd).toMatchObject({ start: 10, end: 10.833 });
  });

  it('gives a word longer than a line a cue of its own rather than splitting it', () => {
    // Arrange
    const long = 'pneumonoultramicroscopicsilicovolcanoconiosis-like';
    const transcript = transcriptOf({ words: spoken(`it was ${long} they said`) });

    // Act
    const cues = buildSubtitleCues(transcript);

    // Assert
    expect(cues.map(textOf)).toEqual(['it was', long, 'they said']);
  });
});

describe('subtitle files', () => {
  const cues: SubtitleCue[] = [
    { start: 1.5, end: 3.25, lines: ['Fish & chips <cheap>', 'for two -> now'] },
    { start: 3723.4567, end: 3725, lines: ['Later.'], speaker: 'spk_1' },
  ];

  it('formats timestamps as hh:mm:ss.mmm (WebVTT) and hh:mm:ss,mmm (SRT), rounding to the millisecond', () => {
    expect(timestamp(0, '.')).toBe('00:00:00.000');
    expect(timestamp(3723.4567, '.')).toBe('01:02:03.457');
    expect(timestamp(59.9996, ',')).toBe('00:01:00,000');
    expect(timestamp(360_000.25, ',')).toBe('100:00:00,250');
  });

  it('renders WebVTT with its header, numbered cues and markup characters escaped', () => {
    expect(renderWebVtt(cues)).toBe(
      'WEBVTT\n\n' +
        '1\n00:00:01.500 --> 00:00:03.250\nFish &amp; chips &lt;cheap&gt;\nfor two -&gt; now\n\n' +
        '2\n01:02:03.457 --> 01:02:05.000\nLater.\n',
    );
  });

  it('renders SRT numbered from 1 with a comma before the milliseconds and the text as it is', () => {
    expect(renderSrt(cues)).toBe(
      '1\n00:00:01,500 --> 00:00:03,250\nFish & chips <cheap>\nfor two -> now\n\n' + '2\n01:02:03,457 --> 01:02:05,000\nLater.\n',
    );
  });
});
