import type { SpineView, TimedSpan } from './spine-types';

interface Lane {
  name: string;
  spans: (TimedSpan & { label: string })[];
}

/** The spine as lanes on one time axis; every mark seeks the player to its start. */
export function Timeline({ spine, currentTime, seek }: { spine: SpineView; currentTime: number; seek: (seconds: number) => void }) {
  const duration = Math.max(spine.durationSeconds, 0.001);
  const lanes: Lane[] = [
    // For audio the spine's segments are speech and silence stretches, not shots.
    { name: 'shots', spans: spine.segments.map((s) => ({ ...s, label: `${spine.hasVideo ? 'Shot' : 'Stretch'} ${s.index + 1}` })) },
    { name: 'speech', spans: spine.speech.map((s) => ({ ...s, label: s.text })) },
    { name: 'silence', spans: spine.silences.map((s) => ({ ...s, label: 'Silence' })) },
    { name: 'black', spans: spine.blackSegments.map((s) => ({ ...s, label: 'Black' })) },
    ...cuesLane(spine),
    ...peopleLane(spine),
    { name: 'flags', spans: spine.moderation.flags.map((f) => ({ ...f, label: `${f.category} (${f.source}, ${Math.round(f.score * 100)}%)` })) },
  ];
  const percent = (seconds: number) => `${Math.min(100, Math.max(0, (seconds / duration) * 100))}%`;
  return (
    <div class="timeline" aria-label="Timeline">
      {lanes.map((lane) => (
        <div class={`lane lane-${lane.name}`} data-lane={lane.name}>
          <span class="lane-name">{lane.name}</span>
          <div class="lane-track">
            {lane.spans.map((span) => (
              <button
                type="button"
                class="mark"
                title={`${formatSeconds(span.start)} ${span.label}`}
                style={{ left: percent(span.start), width: `max(4px, ${percent(span.end - span.start)})` }}
                onClick={() => seek(span.start)}
              >
                <span class="visually-hidden">{span.label}</span>
              </button>
            ))}
            <div class="playhead" style={{ left: percent(currentTime) }} />
          </div>
        </div>
      ))}
    </div>
  );
}

/** Rekognition's TechnicalCueType names in words; a type added later shows as named. */
const CUE_NAMES: Record<string, string> = {
  ColorBars: 'Colour bars',
  Slate: 'Slate',
  StudioLogo: 'Studio logo',
  OpeningCredits: 'Opening credits',
  Content: 'Content',
  EndCredits: 'End credits',
};

/**
 * Cues other than black frames (they have their lane), only when the backend looked for them:
 * the local backend times black frames only, and an empty lane would read as "none there".
 */
function cuesLane(spine: SpineView): Lane[] {
  const cues = spine.technicalCues;
  if (!cues?.checked.some((type) => type !== 'BlackFrames')) return [];
  const spans = cues.cues
    .filter((c) => c.type !== 'BlackFrames')
    .map((c) => ({ ...c, label: `${CUE_NAMES[c.type] ?? c.type}${c.confidence === undefined ? '' : ` (${Math.round(c.confidence * 100)}%)`}` }));
  return [{ name: 'cues', spans }];
}

/**
 * The tenant's known people on screen, only when faces were compared with some: with nobody
 * enrolled an empty lane would read as "nobody known appeared".
 */
function peopleLane(spine: SpineView): Lane[] {
  const faces = spine.faces;
  if (!faces || faces.knownPeopleSearched === 0) return [];
  const spans = faces.knownPeople.flatMap((person) =>
    person.ranges.map((range) => ({ start: range.start, end: range.end, label: `${person.name} (${Math.round(range.similarity * 100)}%)` })),
  );
  return [{ name: 'people', spans }];
}

/** 75.4 → "1:15". */
export function formatSeconds(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}
