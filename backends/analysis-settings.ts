import type { MediaKind } from '../common/types';

/** Every tunable the activities use; validated from the environment once, in worker/config.ts. */
export interface AnalysisSettings {
  acceptedKinds: MediaKind[];
  /** Longest media per tier, in seconds. */
  tierMaxSeconds: Record<string, number>;
  /** Minimum recognition confidence for speech and audio flags in the spine. */
  minConfidence: number;
  /** Score at which an explicit visual class flags a frame. */
  moderationThreshold: number;
  /** ffmpeg scene-change score that starts a new shot (0..1). */
  sceneThreshold: number;
  /** Seconds between frames sampled for visual moderation. */
  frameSampleSeconds: number;
  maxKeyframes: number;
  thumbnailWidth: number;
  pocketsphinxBinary: string;
  pocketsphinxModelDir?: string;
}
