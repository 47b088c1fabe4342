import { useEffect, useRef } from 'preact/hooks';
import type { SpineView } from './spine-types';
import { formatSeconds } from './timeline';

/** The transcript; the line being spoken is highlighted and kept in view as the player runs. */
export function Transcript({ spine, currentTime, seek }: { spine: SpineView; currentTime: number; seek: (seconds: number) => void }) {
  const lines = [...spine.speech.map((s) => ({ ...s, low: false })), ...(spine.lowConfidenceSpeech ?? []).map((s) => ({ ...s, low: true }))].sort((a, b) => a.start - b.start);
  const current = lines.findIndex((line) => currentTime >= line.start && currentTime < line.end);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (current < 0) return;
    const item = list.current?.children[current];
    if (item instanceof HTMLElement) item.scrollIntoView({ block: 'nearest' });
  }, [current]);
  if (lines.length === 0) return <p>No speech was recognised.</p>;
  return (
    <ol class="transcript" ref={list}>
      {lines.map((line, i) => (
        <li class={`${i === current ? 'current' : ''}${line.low ? ' low-confidence' : ''}`} aria-current={i === current ? 'true' : undefined}>
          <button type="button" class="time" onClick={() => seek(line.start)}>
            {formatSeconds(line.start)}
          </button>{' '}
          {line.text}
          {line.low && <span class="badge">low confidence</span>}
        </li>
      ))}
    </ol>
  );
}
