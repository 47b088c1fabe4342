import { parseIso6709 } from '../../media/iso6709';
import { parsePocketsphinxOutput } from '../../media/pocketsphinx';
import { parseCueLog } from '../../media/technical-cues';
import { buildTranscript } from '../../media/transcript';

describe('parsePocketsphinxOutput', () => {
  it('splits utterances at hypothesis lines, drops markers and alternate-pronunciation suffixes', () => {
    const lines = [
      'mr john then at leisure',
      '<s> 0.000 0.140 0.999400',
      'mr 0.370 0.620 0.988762',
      'john 0.630 1.000 0.929128',
      '<sil> 1.010 1.100 0.5',
      'leisure(2) 2.260 2.710 0.454575',
      '</s> 2.750 2.780 1.000000',
      'he was',
      'he 7.280 7.380 0.999100',
      'was(2) 7.390 7.600 0.999800',
    ];
    const utterances = parsePocketsphinxOutput(lines);
    expect(utterances.map((u) => u.words.map((w) => w.word))).toEqual([['mr', 'john', 'leisure'], ['he', 'was']]);
    expect(utterances[1]?.words[1]).toEqual({ word: 'was', start: 7.39, end: 7.6, confidence: 1 });
    expect(buildTranscript(utterances, 'ps', 'en-US')).toMatchObject({ wordCount: 5, text: 'mr john leisure he was' });
  });
});

describe('parseCueLog', () => {
  it('reads scene cuts, black, silence (open at the end) and loudness', () => {
    const cues = parseCueLog(
      [
        '[Parsed_showinfo_1 @ 0x1] n:   0 pts:  76800 pts_time:6       pos: 1',
        '[Parsed_showinfo_1 @ 0x1] n:   1 pts: 128000 pts_time:10      pos: 2',
        '[blackdetect @ 0x2] black_start:10 black_end:12 black_duration:2',
        '[silencedetect @ 0x3] silence_start: 15.25',
        '[silencedetect @ 0x3] silence_end: 17.89 | silence_duration: 2.63',
        '[silencedetect @ 0x3] silence_start: 20.5',
        '    I:         -24.8 LUFS',
        '    LRA:         8.4 LU',
        '    Peak:       -5.9 dBFS',
      ],
      21.18,
    );
    expect(cues.sceneCuts).toEqual([6, 10]);
    expect(cues.shots).toEqual([{ start: 0, end: 6 }, { start: 6, end: 10 }, { start: 10, end: 21.18 }]);
    expect(cues.blackSegments).toEqual([{ start: 10, end: 12 }]);
    expect(cues.silences).toEqual([{ start: 15.25, end: 17.89 }, { start: 20.5, end: 21.18 }]);
    expect(cues.loudness).toEqual({ integratedLufs: -24.8, loudnessRangeLu: 8.4, truePeakDbfs: -5.9 });
  });
});

describe('parseIso6709', () => {
  it.each([
    ['+48.8584+002.2945/', { latitude: 48.8584, longitude: 2.2945 }],
    ['-33.8688+151.2093+058.000/', { latitude: -33.8688, longitude: 151.2093, altitude: 58 }],
  ])('parses %s', (tag, expected) => {
    expect(parseIso6709(tag)).toMatchObject(expected);
  });

  it.each(['', 'paris', '+95.0+002.0/'])('refuses %p', (tag) => {
    expect(parseIso6709(tag)).toBeUndefined();
  });
});
