import { z } from 'zod';

/** A service job's terminal state as its notification reports it, whichever service sent it. */
export interface JobNotification {
  service: 'rekognition' | 'transcribe';
  /** Rekognition's JobTag, Transcribe's job name: where the waiting analysis is addressed. */
  tag: string;
  /** Rekognition's JobId, Transcribe's job name. */
  jobId: string;
  status: 'succeeded' | 'failed';
  /** Rekognition's operation (StartFaceSearch, or FACE_SEARCH); it tells a face search from a face detection. */
  api?: string;
}

/** An SQS message body is at most 256 KiB; a notification is well under 4 KiB. */
export const MAX_NOTIFICATION_BYTES = 256 * 1024;

const name = z.string().min(1).max(1024);

/** What Rekognition Video publishes to the job's SNS topic (JobId, Status, API, JobTag, Timestamp, Video). */
const rekognitionMessage = z.object({
  JobId: name,
  Status: z.string().max(32),
  API: z.string().max(64),
  JobTag: name.optional(),
  Timestamp: z.number().optional(),
});

/** SNS's envelope, as an SQS subscription without raw delivery receives it. */
const snsEnvelope = z.object({ Type: z.literal('Notification'), Message: z.string().max(MAX_NOTIFICATION_BYTES) });

/** EventBridge's "Transcribe Job State Change", as a rule's SQS target receives it. */
const transcribeEvent = z.object({
  source: z.literal('aws.transcribe'),
  'detail-type': z.literal('Transcribe Job State Change'),
  detail: z.object({ TranscriptionJobName: name, TranscriptionJobStatus: z.string().max(32) }),
});

const REKOGNITION_STATUS: Record<string, JobNotification['status']> = { SUCCEEDED: 'succeeded', FAILED: 'failed', ERROR: 'failed' };
const TRANSCRIBE_STATUS: Record<string, JobNotification['status']> = { COMPLETED: 'succeeded', FAILED: 'failed' };

/**
 * Reads one queue message: an SNS envelope or raw SNS message from Rekognition, or a Transcribe
 * event. Undefined for anything else, and for states that are not an end (a job that is merely
 * queued or running wakes nobody): such messages are someone else's, or nothing to act on.
 */
export function parseJobNotification(body: string): JobNotification | undefined {
  if (Buffer.byteLength(body) > MAX_NOTIFICATION_BYTES) return undefined;
  const parsed = parseJson(body);
  const envelope = snsEnvelope.safeParse(parsed);
  const message = envelope.success ? parseJson(envelope.data.Message) : parsed;

  const rekognition = rekognitionMessage.safeParse(message);
  // The API is named either way in the wild: `StartLabelDetection`, or `LABEL_DETECTION` as the guide's example has it.
  if (rekognition.success && /^[A-Za-z_]{1,64}$/.test(rekognition.data.API)) {
    const status = REKOGNITION_STATUS[rekognition.data.Status];
    const tag = rekognition.data.JobTag;
    return status && tag ? { service: 'rekognition', tag, jobId: rekognition.data.JobId, status, api: rekognition.data.API } : undefined;
  }
  const transcribe = transcribeEvent.safeParse(message);
  if (transcribe.success) {
    const status = TRANSCRIBE_STATUS[transcribe.data.detail.TranscriptionJobStatus];
    const job = transcribe.data.detail.TranscriptionJobName;
    return status ? { service: 'transcribe', tag: job, jobId: job, status } : undefined;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
