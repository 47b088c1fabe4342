import { MEDIA_STATUSES, TERMINAL_STATUSES, type MediaStatus } from '../../common/types';

export type { MediaStatus };

/** A refusal from the API, with the problem detail's words. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// The server's own lists: plain constants, so nothing of the server reaches the bundle.
export const STATUSES = MEDIA_STATUSES;
const TERMINAL = new Set<MediaStatus>(TERMINAL_STATUSES);
export const isTerminal = (status: MediaStatus): boolean => TERMINAL.has(status);

export interface MediaSummary {
  mediaId: string;
  status: MediaStatus;
  fileName: string;
  updatedAt: string;
  flagged?: boolean;
}

export interface MediaDetail extends MediaSummary {
  sizeBytes?: number;
  reason?: { step: string; type: string; message: string };
  media?: { kind?: string; durationSeconds?: number };
  report?: { verdict: string; headline: string; coverage?: string };
  review?: { decision?: string; reviewer?: string; reason?: string };
  progress?: { status: string; percent: number; branches: Record<string, string> };
  outcomes?: { kind: string; status: string; summary: string }[];
}

export interface Artefacts {
  expiresInSeconds: number;
  artefacts: { name: string; url: string }[];
}

/** Called when the API says the token is no good: the portal signs out. */
let onUnauthenticated: () => void = () => {};
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** A /v1 call with the bearer token; a problem answer becomes an ApiError carrying its detail. */
export async function api<T>(token: string, path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers: { authorization: `Bearer ${token}`, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  if (response.ok) return (await response.json()) as T;
  const problem = (await response.json().catch(() => ({}))) as { title?: string; detail?: string };
  if (response.status === 401) onUnauthenticated();
  throw new ApiError(response.status, problem.detail ?? problem.title ?? `HTTP ${response.status}`);
}

/** Words for a failed call, with a plain explanation of a missing role. */
export function describeError(err: unknown, forbidden = 'You do not have the role this needs.'): string {
  if (err instanceof ApiError && err.status === 403) return `${forbidden} (${err.message})`;
  return err instanceof Error ? err.message : String(err);
}
