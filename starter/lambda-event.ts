import type { Client } from '@temporalio/client';
import type { SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import type { IntakeConfig } from '../intake/config';
import { boundedMap } from '../common/bounded-map';
import { handleS3Event, type HandledEvent } from './handle-s3-event';
import type { StarterLog } from './starter-log';

const sqsEvent = z.object({
  Records: z
    .array(z.object({ eventSource: z.literal('aws:sqs'), messageId: z.string().min(1), body: z.string() }).loose())
    .min(1),
});

/**
 * Messages of one SQS batch started at once: a batch is 10 messages, or up to 10,000 with a
 * batching window, and each start is one round trip to Temporal.
 */
const MESSAGES_IN_FLIGHT = 10;

/** S3 → SNS → SQS delivers the S3 event as the `Message` string of an SNS envelope. */
const snsEnvelope = z.object({ Type: z.literal('Notification'), Message: z.string() }).loose();
/** Sent once when a notification configuration is saved; it carries no object. */
const s3TestEvent = z.object({ Service: z.literal('Amazon S3'), Event: z.literal('s3:TestEvent') }).loose();

export interface SqsBatchOutcome extends SQSBatchResponse {
  /** Per message: what it started, or why it failed. */
  messages: { messageId: string; handled?: HandledEvent; error?: string }[];
}

export type StarterResult = HandledEvent | SqsBatchOutcome;

/**
 * One Lambda invocation. An SQS batch answers with the messages that failed
 * (`ReportBatchItemFailures`), so a bad message is redelivered and dead-lettered alone while
 * the rest of its batch is deleted. A direct EventBridge or S3 invocation throws on failure,
 * so Lambda's async retries and its dead-letter queue take over.
 */
export async function handleLambdaEvent(event: unknown, client: Client, config: IntakeConfig, log: StarterLog): Promise<StarterResult> {
  const batch = sqsEvent.safeParse(event);
  if (!batch.success) return handleS3Event(event, client, config, log);

  const messages = await boundedMap(batch.data.Records, MESSAGES_IN_FLIGHT, async ({ messageId, body }) => {
    const messageLog = log.withCorrelationId(messageId);
    try {
      return { messageId, handled: await handleMessageBody(body, client, config, messageLog) };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      messageLog.error('message failed; SQS will redeliver it', { messageId, error });
      return { messageId, error };
    }
  });
  return { batchItemFailures: messages.filter((m) => m.error !== undefined).map((m) => ({ itemIdentifier: m.messageId })), messages };
}

async function handleMessageBody(body: string, client: Client, config: IntakeConfig, log: StarterLog): Promise<HandledEvent> {
  let payload = parseJson(body);
  const sns = snsEnvelope.safeParse(payload);
  if (sns.success) payload = parseJson(sns.data.Message);
  if (s3TestEvent.safeParse(payload).success) {
    log.info('S3 test event ignored');
    return { started: [], filtered: [], ignored: ['s3:TestEvent'] };
  }
  const handled = await handleS3Event(payload, client, config, log);
  // Deleting a message nobody understands would lose it; failing it lands it in the DLQ.
  if (handled.unsupported) throw new Error(`message body is not an S3 event: ${handled.unsupported}`);
  return handled;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`message body is not JSON (starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
}
