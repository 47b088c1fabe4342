import { Context } from '@temporalio/activity';
import { PLAYBACK_PROXY_MEDIA_TYPE, PLAYBACK_PROXY_NAME } from '../common/browser-playback';
import { runResultsPrefix } from './run-results-prefix';
import type { MediaFacts, MediaSource } from '../common/types';
import { streamPlaybackProxy } from '../media/playback-proxy';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';

export interface PlaybackProxyInput {
  mediaId: string;
  tenant: string;
  source: MediaSource;
  media: MediaFacts;
}

/** Liveness between ffmpeg's own progress: the encode streams to the bucket, so there is no other. */
const HEARTBEAT_INTERVAL_MS = 5_000;

/** Encodes the browser proxy of a media no browser plays and streams it next to its results. */
export function createPlaybackProxyActivity({ store }: ActivityDeps) {
  return async function makePlaybackProxy({ mediaId, tenant, source, media }: PlaybackProxyInput): Promise<{ ref: string }> {
    return withFailureMapping(async () => {
      const context = Context.current();
      const mediaUrl = await store.presignGet(source.bucket, source.key, source.versionId, context.info.startToCloseTimeoutMs / 1000 + 60);
      const keepAlive = setInterval(() => context.heartbeat(), HEARTBEAT_INTERVAL_MS);
      try {
        // An encode that fails aborts the upload too, or its truncated output would land at the final key.
        const encodeFailed = new AbortController();
        const signal = AbortSignal.any([context.cancellationSignal, encodeFailed.signal]);
        const { stream, done } = streamPlaybackProxy(mediaUrl, { video: !!media.video, audio: !!media.audio }, signal);
        done.catch(() => encodeFailed.abort());
        const [ref] = await Promise.all([store.putStream(`${runResultsPrefix(tenant, mediaId)}${PLAYBACK_PROXY_NAME}`, stream, PLAYBACK_PROXY_MEDIA_TYPE, signal), done]);
        context.log.info('playback proxy written', { mediaId, formatName: media.formatName });
        return { ref };
      } finally {
        clearInterval(keepAlive);
      }
    });
  };
}
