import type { MediaFacts, MediaKind } from '../common/types';
import { MediaRejectedError } from './media-facts';

export interface AdmissionPolicy {
  acceptedKinds: readonly MediaKind[];
  /** Longest media each tier may submit, in seconds. */
  tierMaxSeconds: Readonly<Record<string, number>>;
}

const KIND_REASON: Record<MediaKind, string> = {
  video: 'video is not accepted by this deployment',
  audio: 'audio-only media (no video stream) is not accepted by this deployment',
  image: 'still images are not analysed by this deployment',
};

/** Rejects media this deployment does not take: a kind it does not accept, or too long for the tier. */
export function checkAdmission(media: MediaFacts, tier: string, policy: AdmissionPolicy): void {
  if (!policy.acceptedKinds.includes(media.kind)) {
    throw new MediaRejectedError(
      'UnsupportedMediaKind',
      `${KIND_REASON[media.kind]} (accepted: ${policy.acceptedKinds.join(', ')})`,
    );
  }
  const maxSeconds = policy.tierMaxSeconds[tier];
  if (maxSeconds === undefined) {
    throw new MediaRejectedError('UnknownTier', `tier "${tier}" is not configured (known: ${Object.keys(policy.tierMaxSeconds).join(', ')})`);
  }
  if (media.durationSeconds > maxSeconds) {
    throw new MediaRejectedError(
      'MediaTooLong',
      `the media lasts ${media.durationSeconds.toFixed(1)} s, over the ${maxSeconds} s limit of tier "${tier}"`,
    );
  }
}
