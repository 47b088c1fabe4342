import { Context } from '@temporalio/activity';
import { playsInBrowsers } from '../common/browser-playback';
import type { MediaSource, ProbeResult } from '../common/types';
import type { ActivityDeps } from './create-activities';
import { withFailureMapping } from './failures';
import { checkAdmission } from '../media/admission';
import { ffprobe } from '../media/ffprobe';
import { mediaFactsFromProbe, MediaRejectedError } from '../media/media-facts';

export interface ProbeInput {
  mediaId: string;
  tenant: string;
  tier: string;
  source: MediaSource;
}

/**
 * Probe: checks the object exists and is not empty, runs ffprobe over a presigned URL
 * (headers only, no download), and rejects media that cannot or may not be analysed.
 */
export function createProbeActivity({ store, backend, settings }: ActivityDeps) {
  return async function probeMedia({ tier, source }: ProbeInput): Promise<ProbeResult> {
    return withFailureMapping(async () => {
      const head = await store.head(source.bucket, source.key);
      if (!head) throw new MediaRejectedError('MediaNotFound', `s3://${source.bucket}/${source.key} does not exist (deleted after upload?)`);
      if (head.sizeBytes === 0) throw new MediaRejectedError('EmptyMedia', 'the file is empty (0 bytes)');
      const url = await store.presignGet(source.bucket, source.key, source.versionId);
      const media = mediaFactsFromProbe(await ffprobe(url, Context.current().cancellationSignal), head.sizeBytes);
      checkAdmission(media, tier, settings);
      return { media, capabilities: backend.capabilities, needsPlaybackProxy: !playsInBrowsers(media) };
    });
  };
}
