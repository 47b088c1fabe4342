import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, describeError, isTerminal, type Artefacts } from './api-client';
import type { Session } from './auth';
import { ProgressBar } from './progress-bar';
import { RerunPanel } from './rerun-panel';
import type { ReportView, SpineView } from './spine-types';
import { formatSeconds, Timeline } from './timeline';
import { Transcript } from './transcript';
import { useLiveDetail } from './use-live-detail';

interface Results {
  sourceUrl?: string;
  spine?: SpineView;
  report?: ReportView;
}

/** One media: the player, the spine's lanes, the report's chapters and the transcript, all seeking one clock. */
export function MediaPage({ session, mediaId }: { session: Session; mediaId: string }) {
  const { detail, error } = useLiveDetail(session.token, mediaId);
  const [results, setResults] = useState<Results | undefined>();
  const [resultsError, setResultsError] = useState<string | undefined>();
  const [currentTime, setCurrentTime] = useState(0);
  const player = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  const hasReport = Boolean(detail?.report);
  const finished = detail ? isTerminal(detail.status) || detail.status === 'AWAITING_REVIEW' : false;

  useEffect(() => {
    if (!finished && !hasReport) return;
    let stale = false;
    loadResults(session.token, mediaId).then(
      (next) => !stale && setResults(next),
      (err: unknown) => !stale && setResultsError(describeError(err)),
    );
    return () => {
      stale = true;
    };
  }, [session.token, mediaId, finished, hasReport]);

  const seek = (seconds: number) => {
    const element = player.current;
    if (!element) return;
    element.currentTime = seconds;
    setCurrentTime(seconds);
  };

  if (error && !detail) return <p class="problem" role="alert">{error}</p>;
  if (!detail) return <p>Loading…</p>;
  const live = detail.progress;
  const video = results?.spine ? results.spine.hasVideo : detail.media?.kind !== 'audio';
  return (
    <section class="media-page">
      <h2>{detail.fileName || detail.mediaId}</h2>
      <p>
        <span class={`status status-${detail.status.toLowerCase()}`} data-testid="status">
          {live?.status ?? detail.status}
        </span>
        {detail.report && <span> — {detail.report.headline}</span>}
      </p>
      {live && <ProgressBar label="Analysed" value={live.percent} max={100} />}
      {detail.reason && (
        <p class="problem">
          {detail.reason.step}: {detail.reason.message}
        </p>
      )}
      {resultsError && <p class="problem" role="alert">{resultsError}</p>}
      <div class="media-layout">
        <div class="media-main">
          {results?.sourceUrl &&
            (video ? (
              <video ref={player} src={results.sourceUrl} controls preload="metadata" onTimeUpdate={(e) => setCurrentTime(e.currentTarget.currentTime)} />
            ) : (
              <audio ref={player} src={results.sourceUrl} controls preload="metadata" onTimeUpdate={(e) => setCurrentTime(e.currentTarget.currentTime)} />
            ))}
          {results?.spine && <Timeline spine={results.spine} currentTime={currentTime} seek={seek} />}
          {results?.spine && (
            <>
              <h3>Transcript</h3>
              <Transcript spine={results.spine} currentTime={currentTime} seek={seek} />
            </>
          )}
        </div>
        {results?.report && (
          <aside class="chapters">
            <h3>Chapters</h3>
            <ol>
              {results.report.chapters.map((chapter) => (
                <li>
                  <button type="button" class="chapter" onClick={() => seek(chapter.start)}>
                    <span class="time">{formatSeconds(chapter.start)}</span> {chapter.title}
                  </button>
                  <p>{chapter.summary}</p>
                </li>
              ))}
            </ol>
            <h3>Moderation</h3>
            <p>
              {results.report.moderation.verdict}: {results.report.moderation.rationale}
            </p>
            {detail.status === 'COMPLETED' && (
              <RerunPanel token={session.token} mediaId={detail.mediaId} analyses={(detail.outcomes ?? []).filter((o) => o.status !== 'skipped').map((o) => o.kind)} />
            )}
          </aside>
        )}
      </div>
    </section>
  );
}

/** The source link, the spine (read straight from storage) and the report; each may be missing. */
async function loadResults(token: string, mediaId: string): Promise<Results> {
  const { artefacts } = await api<Artefacts>(token, `/v1/media/${mediaId}/artefacts`);
  const link = (name: string) => artefacts.find((a) => a.name === name)?.url;
  const spineUrl = link('spine');
  const [spine, report] = await Promise.all([
    spineUrl ? fetch(spineUrl).then((r) => (r.ok ? (r.json() as Promise<SpineView>) : undefined)) : undefined,
    api<ReportView>(token, `/v1/media/${mediaId}/report`).catch((err: unknown) => {
      // No report yet (409) is a state, not an error.
      if (err instanceof ApiError && err.status === 409) return undefined;
      throw err;
    }),
  ]);
  // The proxy exists only for uploads a browser cannot play as they are.
  const sourceUrl = link('playback') ?? link('source');
  return { ...(sourceUrl ? { sourceUrl } : {}), ...(spine ? { spine } : {}), ...(report ? { report } : {}) };
}
