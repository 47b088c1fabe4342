import { transcriptFromTranscribe } from '../../backends/aws/transcribe-transcript';

const word = (content: string, start: number, end: number, speaker: string, confidence = '0.98') => ({
  type: 'pronunciation',
  start_time: start.toFixed(3),
  end_time: end.toFixed(3),
  speaker_label: speaker,
  alternatives: [{ confidence, content }],
});
const punctuation = (content: string, speaker: string) => ({ type: 'punctuation', speaker_label: speaker, alternatives: [{ confidence: '0.0', content }] });

describe('transcriptFromTranscribe', () => {
  it('splits utterances at speaker changes, sentence ends and long pauses, and keeps the speaker', () => {
    // Arrange
    const output = {
      jobName: 'j',
      status: 'COMPLETED',
      results: {
        transcripts: [{ transcript: 'Hello there. Yes hi. After a pause' }],
        items: [
          word('Hello', 0.1, 0.4, 'spk_0'),
          word('there', 0.45, 0.8, 'spk_0'),
          punctuation('.', 'spk_0'),
          word('Yes', 1.0, 1.2, 'spk_1', '0.5'),
          word('hi', 1.25, 1.4, 'spk_1'),
          punctuation('.', 'spk_1'),
          word('After', 1.5, 1.7, 'spk_1'),
          word('a', 4.0, 4.1, 'spk_1'),
          word('pause', 4.1, 4.5, 'spk_1'),
        ],
      },
    };

    // Act
    const transcript = transcriptFromTranscribe(output, 'en-US');

    // Assert
    expect(transcript.segments.map((s) => [s.speaker, s.text, s.start, s.end])).toEqual([
      ['spk_0', 'Hello there.', 0.1, 0.8],
      ['spk_1', 'Yes hi.', 1, 1.4],
      ['spk_1', 'After', 1.5, 1.7],
      ['spk_1', 'a pause', 4, 4.5],
    ]);
    expect(transcript.segments[1]?.confidence).toBeCloseTo(0.74, 2);
    expect(transcript).toMatchObject({ engine: 'amazon-transcribe', language: 'en-US', wordCount: 7 });
  });

  it('names what is wrong with an output it cannot read', () => {
    expect(() => transcriptFromTranscribe({ results: { items: [{ type: 'pronunciation' }] } }, 'en-US')).toThrow(/alternatives/);
  });
});
