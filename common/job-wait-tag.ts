/**
 * The address of an analysis waiting for its service job: the workflow, the run and the
 * activity id, carried by the job itself (Rekognition's JobTag, Transcribe's job name) so the
 * completion relay can complete that activity from the notification alone, with no lookup table.
 * The run id is part of it: a late notification of an earlier run of the same media can never
 * complete an analysis of a newer one.
 *
 * Both services allow `[0-9a-zA-Z._-]` (Transcribe's job name is the stricter, 200 characters);
 * '.' separates the three parts, so none of them may contain one.
 */
export interface JobWaitAddress {
  workflowId: string;
  runId: string;
  activityId: string;
}

const PART = /^[0-9A-Za-z_-]{1,100}$/;
const MAX_TAG_LENGTH = 200;

/** The tag, or undefined when a part has characters the services refuse (the analysis then polls). */
export function jobWaitTag(address: JobWaitAddress): string | undefined {
  const parts = [address.workflowId, address.runId, address.activityId];
  if (!parts.every((part) => PART.test(part))) return undefined;
  const tag = parts.join('.');
  return tag.length <= MAX_TAG_LENGTH ? tag : undefined;
}

/** The address a tag names; undefined for anything that is not one of ours. */
export function parseJobWaitTag(tag: unknown): JobWaitAddress | undefined {
  if (typeof tag !== 'string' || tag.length > MAX_TAG_LENGTH) return undefined;
  const parts = tag.split('.');
  if (parts.length !== 3 || !parts.every((part) => PART.test(part))) return undefined;
  const [workflowId, runId, activityId] = parts as [string, string, string];
  return { workflowId, runId, activityId };
}
