import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FailureInfo, MediaSource, MediaStatus } from '../../common/types';

export interface RecordTables {
  records: string;
  failures: string;
}

/** Which execution is writing: a retried media is a new run and may start over. */
export interface RunIdentity {
  workflowId: string;
  runId: string;
}

export interface RecordKey {
  mediaId: string;
  tenant: string;
  source: MediaSource;
}

/** Order of statuses; a write never moves a run's record backwards. */
const STATUS_RANK: Record<MediaStatus, number> = {
  RECEIVED: 0,
  PROBING: 1,
  ANALYZING: 2,
  REDUCING: 3,
  REPORTING: 4,
  AWAITING_REVIEW: 5,
  COMPLETED: 10,
  REJECTED: 10,
  FAILED: 10,
};

/**
 * The media record in DynamoDB. dynalite has no transactions, so every write is one
 * conditional update: retries and replays of an earlier step are no-ops, and a late write
 * from an older stage cannot overwrite a newer status of the same run.
 */
export class MediaRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: RecordTables,
  ) {}

  /**
   * Moves the record to `status` and sets `fields`; returns false when the record is already
   * further along in the same run (a retried or replayed write).
   */
  async update(
    key: RecordKey,
    run: RunIdentity,
    status: MediaStatus,
    fields: Record<string, unknown> = {},
  ): Promise<boolean> {
    const now = new Date().toISOString();
    const names: Record<string, string> = { '#status': 'status', '#source': 'source' };
    const values: Record<string, unknown> = {
      ':status': status,
      ':rank': STATUS_RANK[status],
      ':now': now,
      ':statusAt': `${status}#${now}`,
      ':tenant': key.tenant,
      ':source': key.source,
      ':workflowId': run.workflowId,
      ':runId': run.runId,
    };
    const sets = [
      '#status = :status',
      'statusRank = :rank',
      'updatedAt = :now',
      'statusUpdatedAt = :statusAt',
      'tenant = :tenant',
      '#source = :source',
      'workflowId = :workflowId',
      'runId = :runId',
      'createdAt = if_not_exists(createdAt, :now)',
    ];
    // An absent value leaves the attribute as it was (an update cannot SET undefined).
    Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .forEach(([field, value], i) => {
        names[`#f${i}`] = field;
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      });
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.records,
          Key: { mediaId: key.mediaId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_not_exists(mediaId) OR runId <> :runId OR statusRank <= :rank',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  /** Adds one row per failed run to the failures table; a retried write adds nothing. */
  async addFailure(key: RecordKey, run: RunIdentity, failure: FailureInfo): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tables.failures,
          Item: {
            mediaId: key.mediaId,
            runId: run.runId,
            workflowId: run.workflowId,
            tenant: key.tenant,
            source: key.source,
            ...failure,
            failedAt: new Date().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(runId)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  async get(mediaId: string): Promise<Record<string, unknown> | undefined> {
    const result = await this.doc.send(new GetCommand({ TableName: this.tables.records, Key: { mediaId } }));
    return result.Item;
  }

  /** A tenant's records, newest first, optionally in one status (the tenant indexes). */
  async listByTenant(tenant: string, options: { status?: MediaStatus; limit?: number } = {}): Promise<Record<string, unknown>[]> {
    const byStatus = options.status !== undefined;
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.tables.records,
        IndexName: byStatus ? 'byTenantStatus' : 'byTenantUpdatedAt',
        KeyConditionExpression: byStatus ? 'tenant = :tenant AND begins_with(statusUpdatedAt, :prefix)' : 'tenant = :tenant',
        ExpressionAttributeValues: { ':tenant': tenant, ...(byStatus ? { ':prefix': `${options.status}#` } : {}) },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
      }),
    );
    return Items ?? [];
  }
}
