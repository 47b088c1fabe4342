import { WorkflowNotFoundError } from '@temporalio/client';
import { STAGE } from '../../common/search-attributes';
import type { Progress } from '../../common/types';
import { workflowIdFor } from '../../intake/media-identity';
import { progressQuery } from '../../workflows/messages';
import type { CliContext, CliOutput } from '../cli-context';

export interface MediaStatusView {
  mediaId: string;
  workflowId: string;
  /** The execution's state in Temporal (RUNNING, COMPLETED, FAILED, ...), absent when never started. */
  execution?: { runId: string; status: string; stage?: string; startTime: string; closeTime?: string };
  progress?: Progress;
  /** The media record in DynamoDB: what the pipeline wrote, including review and cost. */
  record?: Record<string, unknown>;
}

/** One media's state from both sides: the execution (and its live progress) and the record. */
export async function status(ctx: CliContext, mediaId: string, out: CliOutput): Promise<MediaStatusView> {
  const workflowId = workflowIdFor(mediaId);
  const view: MediaStatusView = { mediaId, workflowId };
  try {
    const handle = ctx.client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    view.execution = {
      runId: description.runId,
      status: description.status.name,
      stage: description.typedSearchAttributes.get(STAGE),
      startTime: description.startTime.toISOString(),
      ...(description.closeTime ? { closeTime: description.closeTime.toISOString() } : {}),
    };
    // Only a running workflow answers quickly: a closed one would need a worker to replay it.
    if (description.status.name === 'RUNNING') view.progress = await handle.query(progressQuery);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  view.record = await ctx.records.get(mediaId);
  if (!view.execution && !view.record) throw new Error(`no media ${mediaId}: no workflow ${workflowId} and no record`);
  if (!out.json) out.print(formatStatus(ctx, view));
  return view;
}

function formatStatus(ctx: CliContext, view: MediaStatusView): string {
  const lines = [`media ${view.mediaId}`];
  const record = view.record ?? {};
  if (view.execution) {
    lines.push(`  workflow  ${view.workflowId} (${view.execution.status}, stage ${view.execution.stage ?? '?'})`);
  }
  if (view.progress) {
    const branches = Object.entries(view.progress.branches).map(([k, s]) => `${k}:${s}`).join(' ');
    lines.push(`  progress  ${view.progress.percent}% ${view.progress.status}  ${branches}`);
    const jobs = Object.entries(view.progress.jobs ?? {}).map(([k, id]) => `${k}:${id}`).join(' ');
    if (jobs) lines.push(`  jobs      ${jobs}`);
  }
  if (view.record) {
    const source = record['source'] as { bucket?: string; key?: string } | undefined;
    lines.push(`  record    ${String(record['status'])} (tenant ${String(record['tenant'])}, updated ${String(record['updatedAt'])})`);
    if (source) lines.push(`  source    s3://${source.bucket}/${source.key}`);
  }
  const reason = record['reason'] as { step?: string; type?: string; message?: string } | undefined;
  if (reason) lines.push(`  reason    ${reason.step}: ${reason.type}: ${reason.message}`);
  if (record['reviewDue'] && record['status'] === 'AWAITING_REVIEW') lines.push(`  review    waiting; default decision at ${record['reviewDue'] as string}`);
  const review = record['review'] as { decision?: string; reviewer?: string; reason?: string } | undefined;
  if (review) lines.push(`  review    ${review.decision} by ${review.reviewer}${review.reason ? `: ${review.reason}` : ''}`);
  const link = webUiLink(ctx, view.workflowId);
  if (link) lines.push(`  web ui    ${link}`);
  return lines.join('\n');
}

/** The execution's page in the Temporal Web UI, when its address is configured. */
export function webUiLink(ctx: CliContext, workflowId: string): string | undefined {
  return ctx.webUiUrl ? `${ctx.webUiUrl}/namespaces/${ctx.client.options.namespace}/workflows/${encodeURIComponent(workflowId)}` : undefined;
}
