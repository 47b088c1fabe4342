import type { Client } from '@temporalio/client';
import { announcementWorkflowId } from '../../common/outcome-event';
import type { AnnouncementResult } from '../../workflows/announce-outcome';

/**
 * Waits for the announcement a media's run started for one of its outcomes (a workflow of its
 * own, left running when the media's run closes) and returns what it delivered.
 */
export async function announcementOf(client: Client, media: { mediaId: string; runId: string }, status: 'completed' | 'rejected' | 'failed'): Promise<AnnouncementResult> {
  return client.workflow.getHandle<(e: unknown) => Promise<AnnouncementResult>>(announcementWorkflowId(media.mediaId, `${media.runId}/${status}`)).result();
}
