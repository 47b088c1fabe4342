import { useEffect, useState } from 'preact/hooks';
import { api, describeError, STATUSES, type MediaStatus, type MediaSummary } from './api-client';
import type { Session } from './auth';
import { ProgressBar } from './progress-bar';
import { useLiveDetail } from './use-live-detail';

const PAGE_SIZE = 20;
/** New uploads appear (their record is written when the run starts) without a reload. */
const REFRESH_MS = 5000;

/** The tenant's media, newest first, filtered by status and paged by the API's cursor. */
export function LibraryPage({ session }: { session: Session }) {
  const [status, setStatus] = useState<MediaStatus | ''>('');
  // Cursors of the pages before this one, so "Previous" can go back without the API keeping state.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ items: MediaSummary[]; nextCursor?: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const cursor = cursors[cursors.length - 1];
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    let stale = false;
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
    api<{ items: MediaSummary[]; nextCursor?: string }>(session.token, `/v1/media?${query.toString()}`).then(
      (next) => !stale && (setPage(next), setError(undefined)),
      (err: unknown) => !stale && setError(describeError(err)),
    );
    return () => {
      stale = true;
    };
  }, [session.token, status, cursor, tick]);

  return (
    <section>
      <h2>Library</h2>
      <label>
        Status{' '}
        <select
          name="status"
          value={status}
          onChange={(e) => {
            setStatus((e.currentTarget).value as MediaStatus | '');
            setCursors([undefined]);
          }}
        >
          <option value="">all</option>
          {STATUSES.map((s) => (
            <option value={s}>{s}</option>
          ))}
        </select>
      </label>
      {error && <p class="problem" role="alert">{error}</p>}
      {page && page.items.length === 0 && <p>No media here yet.</p>}
      {page && page.items.length > 0 && (
        <table class="library">
          <thead>
            <tr>
              <th>File</th>
              <th>Status</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((item) => (
              <LibraryRow key={item.mediaId} token={session.token} item={item} />
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <button type="button" disabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}>
          Next
        </button>
      </nav>
    </section>
  );
}

/** One media; while its analysis runs, the row follows the live progress. */
function LibraryRow({ token, item }: { token: string; item: MediaSummary }) {
  const { detail } = useLiveDetail(token, item.mediaId, item.status);
  const status = (detail?.progress?.status as MediaStatus | undefined) ?? detail?.status ?? item.status;
  return (
    <tr data-media-id={item.mediaId}>
      <td>
        <a href={`#/media/${item.mediaId}`}>{item.fileName || item.mediaId}</a>
        {(detail?.flagged ?? item.flagged) && <span class="badge">flagged</span>}
      </td>
      <td>
        <span class={`status status-${status.toLowerCase()}`} data-testid="status">
          {status}
        </span>
        {detail?.progress && status !== 'COMPLETED' && <ProgressBar label="Analysed" value={detail.progress.percent} max={100} />}
      </td>
      <td>{formatTime(detail?.updatedAt ?? item.updatedAt)}</td>
    </tr>
  );
}

function formatTime(iso: string | undefined): string {
  const date = iso ? new Date(iso) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toLocaleString() : '';
}
