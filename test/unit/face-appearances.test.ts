import type { FacesOutput } from '../../spine/branch-outputs';
import { buildSpine } from '../../spine/build-spine';
import { spineFaces } from '../../spine/face-appearances';
import { editorialNotes, reportFaces } from '../../report/editorial/editorial-notes';

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
      facesCompared: 4,
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

describe('what the faces section claims', () => {
  it('counts a face the image search did not compare as not compared, and says so', () => {
    const spine = spineFaces({ ...faces, faces: [...faces.faces, { time: 8, confidence: 0.9, compared: false }] }, 0.5);
    expect(spine).toMatchObject({ faceCount: 5, facesCompared: 4 });
    expect(reportFaces(spine).statement).toBe(
      '5 faces seen. 4 of them compared with 2 known people; the others were not compared (an image search compares only the largest face of a frame).',
    );
  });

  it('says nothing was compared when nobody is enrolled', () => {
    const spine = spineFaces({ ...faces, knownPeopleSearched: 0, faces: [{ time: 1, confidence: 0.9 }] }, 0.5);
    expect(spine.facesCompared).toBe(0);
    expect(reportFaces(spine).statement).toBe('1 face seen. No known people enrolled: faces were not compared.');
  });
});

describe('ad breaks', () => {
  const media = { kind: 'video' as const, durationSeconds: 200, hasVideo: true, hasAudio: true };
  const shots = { shots: [{ start: 0, end: 100 }, { start: 100, end: 200 }], sceneCuts: [100], blackSegments: [], silences: [{ start: 99, end: 101.5 }] };
  const thresholds = { minConfidence: 0.5, moderation: 0.7 };

  it('are suggested where silence was measured', () => {
    const spine = buildSpine('m1', media, { shots: { ...shots, silencesMeasured: true } }, thresholds);
    expect(editorialNotes(spine).adBreaks?.suggestions.map((b) => b.time)).toEqual([100]);
  });

  it('are not claimed, not even as "none", where nobody measured silence (Rekognition segment detection)', () => {
    const spine = buildSpine('m1', media, { shots: { ...shots, silences: [], silencesMeasured: false } }, thresholds);
    expect(spine.silencesMeasured).toBe(false);
    expect(editorialNotes(spine).adBreaks).toBeUndefined();
  });
});
