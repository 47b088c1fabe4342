import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One declared upload, from init until its media is started. */
export interface UploadSession {
  uploadId: string;
  tenant: string;
  /** The token subject that opened it. */
  createdBy: string;
  bucket: string;
  key: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  /** Set for multipart uploads: S3's upload id and the part layout signed at init. */
  multipart?: { s3UploadId: string; partBytes: number; partCount: number };
  createdAt: string;
  /** Epoch seconds: the table's TTL attribute, and the end of the session for the API. */
  expiresAt: number;
  /** Set once complete started the media: a repeated complete answers with it. */
  mediaId?: string;
  workflowId?: string;
}

/**
 * Upload sessions in DynamoDB, keyed by upload id, one conditional write each. The table's
 * TTL on `expiresAt` removes old sessions on AWS (eventually: up to days late); dynalite never
 * expires items, so callers compare `expiresAt` with the clock themselves.
 */
export class UploadSessions {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(session: UploadSession): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: session, ConditionExpression: 'attribute_not_exists(uploadId)' }));
  }

  async get(uploadId: string): Promise<UploadSession | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { uploadId }, ConsistentRead: true }));
    return Item as UploadSession | undefined;
  }

  /**
   * Records the media a session started; the first completion wins and the session returned
   * is the one stored, so two racing completes of one upload answer with the same media.
   */
  async markCompleted(uploadId: string, media: { mediaId: string; workflowId: string }): Promise<UploadSession> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { uploadId },
          UpdateExpression: 'SET mediaId = :mediaId, workflowId = :workflowId',
          ConditionExpression: 'attribute_exists(uploadId) AND attribute_not_exists(mediaId)',
          ExpressionAttributeValues: { ':mediaId': media.mediaId, ':workflowId': media.workflowId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as UploadSession;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const stored = await this.get(uploadId);
      if (!stored) throw new Error(`upload session ${uploadId} vanished while completing`, { cause: err });
      return stored;
    }
  }
}
