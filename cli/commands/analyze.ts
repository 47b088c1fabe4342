import pino from 'pino';
import type { AnalyzeMediaResult } from '../../common/types';
import { handleS3Event } from '../../starter/handle-s3-event';
import { objectCreatedEvent } from '../../starter/object-created-event';
import { pinoStarterLog } from '../../starter/starter-log';
import { progressQuery } from '../../workflows/messages';
import type { CliContext, CliOutput } from '../cli-context';
import { resolveMediaTarget } from '../media-target';
import { followProgress } from '../progress-bar';
import { webUiLink } from './status';

export interface AnalyzeOptions {
  tenant: string;
  /** Return once started instead of following the run to its end. */
  wait: boolean;
}

export interface AnalyzeOutcome {
  mediaId: string;
  workflowId: string;
  alreadyAnalysed: boolean;
  result?: AnalyzeMediaResult;
}

/**
 * Starts the analysis of a local file or an S3 object the way an upload would: through the
 * starter's filters and media identity, so a second `analyze` of the same bytes starts
 * nothing new. Follows the run with a progress bar and prints its outcome.
 */
export async function analyze(ctx: CliContext, target: string, options: AnalyzeOptions, out: CliOutput): Promise<AnalyzeOutcome> {
  const source = await resolveMediaTarget(ctx, target, options.tenant);
  const event = objectCreatedEvent(source, ctx.config.aws.region);
  const handled = await handleS3Event(event, ctx.client, ctx.starter, pinoStarterLog(pino({ level: 'silent' })));
  const started = handled.started[0];
  if (!started) {
    const reason = handled.filtered[0]?.reason ?? handled.ignored[0] ?? handled.unsupported ?? 'not an upload';
    throw new Error(`s3://${source.bucket}/${source.key} is not analysed: ${reason}`);
  }
  if (!out.json) {
    out.print(`${started.alreadyAnalysed ? 'already analysed' : 'started'}: media ${started.mediaId} (workflow ${started.workflowId})`);
    const link = webUiLink(ctx, started.workflowId);
    if (link) out.print(`Web UI: ${link}`);
  }
  const outcome: AnalyzeOutcome = { mediaId: started.mediaId, workflowId: started.workflowId, alreadyAnalysed: started.alreadyAnalysed };
  if (!options.wait) return outcome;

  const handle = ctx.client.workflow.getHandle(started.workflowId);
  const progress = out.json ? undefined : followProgress(() => handle.query(progressQuery), out.print, out.interactive);
  try {
    outcome.result = (await handle.result()) as AnalyzeMediaResult;
  } finally {
    await progress?.stop();
  }
  if (!out.json) out.print(describeResult(outcome.result));
  return outcome;
}

function describeResult(result: AnalyzeMediaResult): string {
  if (result.status === 'REJECTED') return `REJECTED: ${result.reason?.type}: ${result.reason?.message}`;
  const lines = [`COMPLETED: ${result.report?.verdict ?? ''} — ${result.report?.headline ?? ''}`];
  if (result.report?.coverage) lines.push(`  coverage: ${result.report.coverage}`);
  for (const o of result.outcomes) lines.push(`  ${o.kind.padEnd(17)} ${o.status.padEnd(9)} ${o.summary}`);
  if (result.review) lines.push(`  review: ${result.review.decision} by ${result.review.reviewer}${result.review.reason ? ` (${result.review.reason})` : ''}`);
  if (result.report) lines.push(`  report: ${result.report.htmlRef}`);
  return lines.join('\n');
}
