import type { CreateTableCommandInput, KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { recordTableDefinitions } from '../../local/record-tables';

/**
 * The records and failures tables, built from the same definitions the local DynamoDB
 * server gets (local/record-tables.ts), so the keys and indexes the code queries cannot
 * differ between a laptop and AWS. Point-in-time recovery on: these are the system of record.
 */
export class RecordTables extends Construct {
  readonly records: dynamodb.Table;
  readonly failures: dynamodb.Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const [records, failures] = recordTableDefinitions({ records: 'records', failures: 'failures' });
    this.records = tableFrom(this, 'Records', records!);
    this.failures = tableFrom(this, 'Failures', failures!);
  }
}

/** A DynamoDB table from a local table definition, with the record tables' protection and encryption. */
export function tableFrom(scope: Construct, id: string, definition: CreateTableCommandInput, extra: Partial<dynamodb.TableProps> = {}): dynamodb.Table {
  const attribute = (name: string): dynamodb.Attribute => {
    const type = definition.AttributeDefinitions?.find((a) => a.AttributeName === name)?.AttributeType;
    if (type !== 'S' && type !== 'N' && type !== 'B') throw new Error(`${id}: attribute ${name} has no definition`);
    return { name, type: { S: dynamodb.AttributeType.STRING, N: dynamodb.AttributeType.NUMBER, B: dynamodb.AttributeType.BINARY }[type] };
  };
  const keys = (schema: KeySchemaElement[] | undefined) => {
    const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (!hash) throw new Error(`${id}: key schema without a partition key`);
    return { partitionKey: attribute(hash), ...(range ? { sortKey: attribute(range) } : {}) };
  };

  const table = new dynamodb.Table(scope, id, {
    ...keys(definition.KeySchema),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    ...extra,
  });
  for (const index of definition.GlobalSecondaryIndexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName!,
      ...keys(index.KeySchema),
      projectionType: index.Projection?.ProjectionType === 'INCLUDE' ? dynamodb.ProjectionType.INCLUDE : index.Projection?.ProjectionType === 'KEYS_ONLY' ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
      ...(index.Projection?.NonKeyAttributes ? { nonKeyAttributes: index.Projection.NonKeyAttributes } : {}),
    });
  }
  return table;
}
