import { CreateTableCommand, ResourceInUseException, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Records by media id, with two tenant indexes: everything of a tenant by time, and a
 * tenant's records in one status by time (`statusUpdatedAt` = `<status>#<ISO time>`, queried
 * with begins_with). The same shape the CDK app deploys.
 */
export function recordTableDefinitions(tables: { records: string; failures: string; uploads?: string }): CreateTableCommandInput[] {
  return [
    {
      TableName: tables.records,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'mediaId', AttributeType: 'S' },
        { AttributeName: 'tenant', AttributeType: 'S' },
        { AttributeName: 'updatedAt', AttributeType: 'S' },
        { AttributeName: 'statusUpdatedAt', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'mediaId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byTenantUpdatedAt',
          KeySchema: [
            { AttributeName: 'tenant', KeyType: 'HASH' },
            { AttributeName: 'updatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'source', 'flagged'] },
        },
        {
          IndexName: 'byTenantStatus',
          KeySchema: [
            { AttributeName: 'tenant', KeyType: 'HASH' },
            { AttributeName: 'statusUpdatedAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status', 'source', 'flagged', 'reason'] },
        },
      ],
    },
    {
      TableName: tables.failures,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'mediaId', AttributeType: 'S' },
        { AttributeName: 'runId', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'mediaId', KeyType: 'HASH' },
        { AttributeName: 'runId', KeyType: 'RANGE' },
      ],
    },
    // Upload sessions of the API, by upload id. Their TTL attribute is `expiresAt`, which the
    // deployed table enables (issue 15, deploy); dynalite has no TTL, so the API refuses expired
    // sessions itself.
    ...(tables.uploads
      ? [
          {
            TableName: tables.uploads,
            BillingMode: 'PAY_PER_REQUEST' as const,
            AttributeDefinitions: [{ AttributeName: 'uploadId', AttributeType: 'S' as const }],
            KeySchema: [{ AttributeName: 'uploadId', KeyType: 'HASH' as const }],
          },
        ]
      : []),
  ];
}

/** Creates the tables when missing (local servers only; AWS gets them from the CDK app). */
export async function ensureRecordTables(client: DynamoDBClient, tables: { records: string; failures: string; uploads?: string }): Promise<void> {
  for (const definition of recordTableDefinitions(tables)) {
    try {
      await client.send(new CreateTableCommand(definition));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
    }
  }
}
