import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { recordTableDefinitions } from '../../local/record-tables';
import { tableFrom } from './record-tables';

/**
 * The attribute storage/upload-sessions.ts writes as the session's end, in epoch seconds:
 * DynamoDB's TTL deletes a session some time (up to days) after it, and the API refuses an
 * expired one itself before then.
 */
export const UPLOAD_SESSION_TTL_ATTRIBUTE = 'expiresAt';

/**
 * The API's upload sessions (one item per declared upload, keyed by upload id), from the same
 * definition as the local table, encrypted and recovered like the record tables. Sessions are
 * short-lived, so TTL keeps the table at the size of the uploads in flight.
 */
export class UploadSessionsTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const definition = recordTableDefinitions({ records: 'records', failures: 'failures', uploads: 'uploads' }).find((d) => d.TableName === 'uploads');
    if (!definition) throw new Error('local/record-tables.ts defines no upload sessions table');
    this.table = tableFrom(this, 'Table', definition, { timeToLiveAttribute: UPLOAD_SESSION_TTL_ATTRIBUTE });
  }
}
