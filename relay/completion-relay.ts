import { ActivityNotFoundError, type Client } from '@temporalio/client';
import type { JobFinishedNotice } from '../common/types';
import { parseJobWaitTag } from '../common/job-wait-tag';
import { parseJobNotification } from './job-notification';

/** What became of one notification; only a thrown error asks the queue to deliver it again. */
export type RelayOutcome =
  /** The waiting analysis was woken. */
  | { result: 'completed'; workflowId: string; activityId: string; jobId: string }
  /** Its wait had ended already: a duplicate, a late one, or the safety net came first. */
  | { result: 'stale'; workflowId: string; activityId: string; jobId: string }
  /** Not a job end of ours: another application's job, a non-terminal state, or not a notification. */
  | { result: 'ignored'; why: string };

/** Completes an analysis's wait by its address; Temporal's async completion by id. */
export type WaitCompleter = (address: { workflowId: string; runId: string; activityId: string }, notice: JobFinishedNotice) => Promise<void>;

export function temporalWaitCompleter(client: Client): WaitCompleter {
  return (address, notice) => client.activity.complete(address, notice);
}

/**
 * Maps one service notification to the analysis waiting for that job and completes its wait.
 * Every delivery is harmless to repeat: a wait completes once, and a second completion (a
 * duplicate, or one that arrives after the worker's safety-net check) finds no such activity.
 * Out-of-order delivery cannot matter either: only a job's end wakes anyone, and a job ends once.
 * Errors other than "no such activity" (Temporal unreachable) are thrown, so the queue
 * redelivers the message and, after its retries, moves it to the dead-letter queue.
 */
export async function relayNotification(body: string, complete: WaitCompleter): Promise<RelayOutcome> {
  const notification = parseJobNotification(body);
  if (!notification) return { result: 'ignored', why: 'not the end of a Rekognition or Transcribe job' };
  const address = parseJobWaitTag(notification.tag);
  if (!address) return { result: 'ignored', why: `${notification.service} job not started by a waiting analysis` };
  const notice: JobFinishedNotice = { notice: 'job-finished', jobId: notification.jobId, status: notification.status, ...(notification.api ? { api: notification.api } : {}) };
  const named = { workflowId: address.workflowId, activityId: address.activityId, jobId: notification.jobId };
  try {
    await complete(address, notice);
    return { result: 'completed', ...named };
  } catch (err) {
    if (err instanceof ActivityNotFoundError) return { result: 'stale', ...named };
    throw err;
  }
}
