// A deliberately incompatible variant of analyzeMedia for the replay test: it probes before
// writing the RECEIVED status, so command order differs from every recorded history.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ReelscopeActivities } from '../../activities/create-activities';
import type { AnalyzeMediaInput } from '../../common/types';
import { probeOptions, recordOptions } from '../../workflows/policies';

const { probeMedia } = proxyActivities<ReelscopeActivities>(probeOptions);
const { recordStage } = proxyLocalActivities<ReelscopeActivities>(recordOptions);

export async function analyzeMedia(input: AnalyzeMediaInput): Promise<void> {
  await probeMedia({ mediaId: input.mediaId, tenant: input.tenant, tier: input.tier, source: input.source });
  await recordStage({ mediaId: input.mediaId, tenant: input.tenant, source: input.source, status: 'RECEIVED' });
}
