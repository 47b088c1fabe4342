import { createHash } from 'node:crypto';

/** Who publishes: the fake's account (the one its error messages name) and region. */
export interface Publisher {
  account: string;
  region: string;
}

/** Rekognition Video's completion message, as the video-notification-payload reference lists it. */
export interface RekognitionCompletion {
  jobId: string;
  status: 'SUCCEEDED' | 'FAILED';
  /** The Start* operation, e.g. StartLabelDetection. */
  api: string;
  jobTag?: string;
  /** Epoch ms of the job's end. */
  endedAt: number;
  bucket: string;
  key: string;
}

export interface TranscribeCompletion {
  jobName: string;
  status: 'COMPLETED' | 'FAILED';
  failureReason?: string;
  endedAt: number;
}

/**
 * What an SQS queue subscribed to the job's topic (without raw message delivery) holds: the SNS
 * envelope whose Message is Rekognition's JSON text. The fake cannot sign, so Signature is a
 * digest of the message standing in for SNS's RSA signature; a relay must not rely on it verifying.
 */
export function snsEnvelopeBody(completion: RekognitionCompletion, topicArn: string, messageId: string, publisher: Publisher): string {
  const message = {
    JobId: completion.jobId,
    Status: completion.status,
    API: completion.api,
    ...(completion.jobTag !== undefined ? { JobTag: completion.jobTag } : {}),
    Timestamp: completion.endedAt,
    Video: { S3ObjectName: completion.key, S3Bucket: completion.bucket },
  };
  const text = JSON.stringify(message);
  const sns = `https://sns.${publisher.region}.amazonaws.com`;
  return JSON.stringify({
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: topicArn,
    Message: text,
    Timestamp: new Date(completion.endedAt).toISOString(),
    SignatureVersion: '1',
    Signature: createHash('sha256').update(`${messageId}\n${text}`).digest('base64'),
    SigningCertURL: `${sns}/SimpleNotificationService-fake.pem`,
    UnsubscribeURL: `${sns}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(`${topicArn}:${messageId}`)}`,
  });
}

/** EventBridge's "Transcribe Job State Change" event, as a rule's SQS target holds it (no input transformer). */
export function transcribeEventBody(completion: TranscribeCompletion, eventId: string, publisher: Publisher): string {
  return JSON.stringify({
    version: '0',
    id: eventId,
    'detail-type': 'Transcribe Job State Change',
    source: 'aws.transcribe',
    account: publisher.account,
    // EventBridge writes event times to the second.
    time: new Date(completion.endedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: publisher.region,
    resources: [],
    detail: {
      TranscriptionJobName: completion.jobName,
      TranscriptionJobStatus: completion.status,
      ...(completion.failureReason !== undefined ? { FailureReason: completion.failureReason } : {}),
    },
  });
}
