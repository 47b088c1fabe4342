import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FailureInfo, MediaSource, MediaStatus } from '../common/types';

export interface RecordTables {
  records: string;
  failures: string;
}

/**
 * Which execution is writing. A retried media is a new run of the same workflow id, and runs
 * of one media never overlap, so the run's start time orders them: the newer run's writes win.
 */
export interface RunIdentity {
  workflowId: string;
  runId: string;
  /** When the run started, in ms since the epoch. */
  startedAt: number;
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
  CANCELLED: 10,
};

/** What a run records beside its status; a newer run's record starts without the older run's. */
const RUN_FIELDS = ['media', 'plan', 'outcomes', 'spine', 'report', 'flagged', 'cost', 'estimatedCostUsd', 'reviewDue', 'review', 'reason', 'playbackRef', 'cancellation', 'rerunOf', 'previousReports'] as const;
export type RunFields = Partial<Record<(typeof RUN_FIELDS)[number], unknown>>;

/** The first write of a media, or a step of the run holding the record that is not behind it. */
const SAME_RUN_FORWARD = 'attribute_not_exists(mediaId) OR (runId = :runId AND statusRank <= :rank)';
// Equal start times cannot be told apart (a reset run keeps its original's): the later write wins.
const NEWER_RUN = 'runId <> :runId AND (attribute_not_exists(runStartedAt) OR runStartedAt <= :startedAt)';

/**
 * The media record in DynamoDB. dynalite has no transactions, so every write is a single
 * conditional update: retries and replays of an earlier step are no-ops, a late write from an
 * older stage cannot overwrite a newer status of the same run, and a late write from an older
 * run cannot overwrite a newer run's record.
 */
export class MediaRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: RecordTables,
  ) {}

  /**
   * Moves the record to `status` and sets `fields`; returns false when the write is stale: the
   * record is further along in the same run (a retried or replayed write) or belongs to a newer
   * run (a late write of an earlier one).
   */
  async update(key: RecordKey, run: RunIdentity, status: MediaStatus, fields: RunFields = {}): Promise<boolean> {
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
      ':startedAt': run.startedAt,
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
      'runStartedAt = :startedAt',
      'createdAt = if_not_exists(createdAt, :now)',
    ];
    // An absent value leaves the attribute as it was (an update cannot SET undefined).
    const given = Object.entries(fields).filter(([, value]) => value !== undefined);
    given.forEach(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:f${i}`] = value;
      sets.push(`#f${i} = :f${i}`);
    });
    const write = { names, values, expression: `SET ${sets.join(', ')}` };
    // Nearly every write is the next step of the run holding the record: one request.
    if (await this.conditionalUpdate(key, write, SAME_RUN_FORWARD)) return true;
    // A newer run takes the record over and clears what the older run recorded.
    const stale = RUN_FIELDS.filter((field) => !given.some(([name]) => name === field));
    const removals = Object.fromEntries(stale.map((field, i) => [`#r${i}`, field]));
    const remove = stale.length > 0 ? ` REMOVE ${Object.keys(removals).join(', ')}` : '';
    return this.conditionalUpdate(key, { names: { ...names, ...removals }, values, expression: `${write.expression}${remove}` }, NEWER_RUN);
  }

  /** One conditional update; false when its condition refused it. */
  private async conditionalUpdate(
    key: RecordKey,
    write: { names: Record<string, string>; values: Record<string, unknown>; expression: string },
    condition: string,
  ): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.records,
          Key: { mediaId: key.mediaId },
          UpdateExpression: write.expression,
          ConditionExpression: condition,
          ExpressionAttributeNames: write.names,
          ExpressionAttributeValues: write.values,
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

  /**
   * One page of a tenant's records, newest first, optionally in one status, and the opaque
   * cursor of the next page (absent on the last). A cursor is only ever read back for the
   * tenant it was issued to: one naming another tenant, or not ours at all, is refused.
   */
  async pageByTenant(tenant: string, options: { status?: MediaStatus; limit: number; cursor?: string }): Promise<{ items: Record<string, unknown>[]; cursor?: string }> {
    const byStatus = options.status !== undefined;
    const start = options.cursor === undefined ? undefined : decodeCursor(options.cursor, tenant);
    const { Items, LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.tables.records,
        IndexName: byStatus ? 'byTenantStatus' : 'byTenantUpdatedAt',
        KeyConditionExpression: byStatus ? 'tenant = :tenant AND begins_with(statusUpdatedAt, :prefix)' : 'tenant = :tenant',
        ExpressionAttributeValues: { ':tenant': tenant, ...(byStatus ? { ':prefix': `${options.status}#` } : {}) },
        ScanIndexForward: false,
        Limit: options.limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return { items: Items ?? [], ...(LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(LastEvaluatedKey)).toString('base64url') } : {}) };
  }

  /** A tenant's records, newest first, optionally in one status (the tenant indexes): the first page. */
  async listByTenant(tenant: string, options: { status?: MediaStatus; limit?: number } = {}): Promise<Record<string, unknown>[]> {
    const { items } = await this.pageByTenant(tenant, { ...(options.status ? { status: options.status } : {}), limit: options.limit ?? 50 });
    return items;
  }

}

/** A cursor that is not one this store issued for this tenant. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** The index keys a cursor carries: strings only, and the tenant's own. */
function decodeCursor(cursor: string, tenant: string): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (err) {
    throw new InvalidCursorError('the cursor is not one this API issued', { cause: err });
  }
  const valid =
    typeof key === 'object' && key !== null && !Array.isArray(key) && Object.values(key).every((v) => typeof v === 'string') && (key as Record<string, string>)['tenant'] === tenant;
  if (!valid) throw new InvalidCursorError('the cursor is not one this API issued');
  return key as Record<string, string>;
}
