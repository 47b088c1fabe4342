import type { FacesOutput } from '../../spine/branch-outputs';
import { buildSpine } from '../../spine/build-spine';
import { spineFaces } from '../../spine/face-appearances';

const ada = { personId: 'p-ada', name: 'Ada Lovelace', similarity: 0.91 };
const faces: FacesOutput = {
  model: 'test detector',
  knownPeopleSearched: 2,
  matchThreshold: 0.8,
  faces: [
    { time: 12, confidence: 0.99, match: { ...ada, similarity: 0.95 } },
    { time: 1, confidence: 0.98, match: ada },
    { time: 4, confidence: 0.97, match: ada },
    { time: 3, confidence: 0.96 },
    { time: 5, confidence: 0.2, match: { personId: 'p-bob', name: 'Bob', similarity: 0.99 } },
  ],
};

describe('spineFaces', () => {
  it('merges one person\'s nearby sightings into stretches and ignores unconfident faces', () => {
    const spine = spineFaces(faces, 0.5);
    expect(spine).toEqual({
      faceCount: 4,
      knownPeopleSearched: 2,
      knownPeople: [
        {
          personId: 'p-ada',
          name: 'Ada Lovelace',
          ranges: [
            { start: 1, end: 4, similarity: 0.91 },
            { start: 12, end: 12, similarity: 0.95 },
          ],
        },
      ],
    });
  });

  it('puts known people in the people lane of the segments they appear in', () => {
    const spine = buildSpine(
      'm1',
      { kind: 'video', durationSeconds: 20, hasVideo: true, hasAudio: false },
      { faces, shots: { shots: [{ start: 0, end: 10 }, { start: 10, end: 20 }], sceneCuts: [10], blackSegments: [], silences: [] } },
      { minConfidence: 0.5, moderation: 0.7 },
    );
    expect(spine.segments.map((s) => s.people)).toEqual([['Ada Lovelace'], ['Ada Lovelace']]);
    expect(spine.people).toEqual([{ name: 'Ada Lovelace', appearances: 3, firstSeen: 1 }]);
    expect(spine.faces?.knownPeople[0]?.ranges).toHaveLength(2);
  });
});
