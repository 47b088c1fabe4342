import { useEffect, useState } from 'preact/hooks';
import { api, isTerminal, type MediaDetail, type MediaStatus } from './api-client';

/** How often a running analysis is asked for its progress. */
const POLL_MS = 2000;

/**
 * The media detail, polled every two seconds while the status is not terminal (the API's
 * detail then carries the workflow's live progress); it stops once the run has ended.
 */
export function useLiveDetail(token: string, mediaId: string, knownStatus?: MediaStatus): { detail?: MediaDetail; error?: string } {
  const [detail, setDetail] = useState<MediaDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (knownStatus && isTerminal(knownStatus)) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await api<MediaDetail>(token, `/v1/media/${mediaId}`);
        if (stopped) return;
        setDetail(next);
        setError(undefined);
        if (isTerminal(next.status)) return;
      } catch (err) {
        if (stopped) return;
        setError(err instanceof Error ? err.message : String(err));
      }
      timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token, mediaId, knownStatus]);
  return { ...(detail ? { detail } : {}), ...(error ? { error } : {}) };
}
