import { Context } from '@temporalio/activity';
import { resultsPrefix } from '../common/s3-uri';

/** The results folder of the run this activity belongs to (every attempt of it writes the same one). */
export function runResultsPrefix(tenant: string, mediaId: string): string {
  return resultsPrefix(tenant, mediaId, Context.current().info.workflowExecution?.runId);
}
