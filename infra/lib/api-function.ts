import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { recordTableDefinitions } from '../../local/record-tables';
import { acknowledge, arnInFinding } from './acknowledge';
import { grantFunctionBasics, repoFunction } from './repo-function';
import type { TemporalSecrets } from './temporal-secrets';
import { grantKnownPeopleEnrolment } from './worker-permissions';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface ApiFunctionProps {
  bucket: s3.IBucket;
  incomingPrefix: string;
  resultsPrefix: string;
  /** Where originals are archived after COMPLETED: the record's source link then signs a copy there. */
  archivePrefix?: string;
  records: dynamodb.ITable;
  uploads: dynamodb.ITable;
  secrets: TemporalSecrets;
  memoryMiB: number;
  /** Everything api/config.ts and intake/config.ts read (no secret values). */
  environment: Record<string, string>;
  /** Set for a self-hosted cluster reachable only from inside the VPC. */
  vpc?: ec2.IVpc;
}

/**
 * The media API (api/lambda.ts, bundled by esbuild like the starter) with a role that makes
 * exactly the API's calls: it signs uploads into incoming/ and checks them there, reads and
 * links results/, reads media records through the two indexes it queries, keeps upload
 * sessions, and reads the Temporal secrets. It never writes a record or a result: the
 * worker does. The bucket is SSE-S3 and the tables use AWS-owned keys, so there is no KMS grant.
 */
export class ApiFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);
    const { bucket } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const role = this.role;
    grantFunctionBasics(role, logGroup, props.secrets, props.vpc);

    const incoming = bucket.arnForObjects(`${props.incomingPrefix}*`);
    const results = bucket.arnForObjects(`${props.resultsPrefix}*`);
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'SignAndFinishUploads',
      // PutObject covers what the presigned URLs do (PUT, UploadPart) and Create/CompleteMultipartUpload.
      actions: ['s3:PutObject'],
      resources: [incoming],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'CheckUploadsReadResults',
      // HeadObject is authorised as GetObject: complete checks the upload; reports and artefact links read
      // results; the source link names the object version that was analysed, which needs GetObjectVersion,
      // and once the original is archived that object is the copy under the archive prefix.
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [incoming, results, ...(props.archivePrefix === undefined ? [] : [bucket.arnForObjects(`${props.archivePrefix}*`)])],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ListOwnPrefixes',
      // Without ListBucket a missing upload answers 403 instead of 404, and "not uploaded yet" looks like "denied".
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${props.incomingPrefix}*`, `${props.resultsPrefix}*`] } },
    }));

    // Known people (the /v1/people routes): one object per person under the results prefix, and their faces in the tenant's collection.
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'KnownPeopleRecords',
      actions: ['s3:PutObject', 's3:DeleteObject'],
      resources: [bucket.arnForObjects(`${props.resultsPrefix}_known-people/*`)],
    }));
    grantKnownPeopleEnrolment(role);

    const indexNames = recordIndexNames();
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadMediaRecords',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [props.records.tableArn, ...indexNames.map((name) => `${props.records.tableArn}/index/${name}`)],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'UploadSessions',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [props.uploads.tableArn],
    }));

    this.function = repoFunction(this, {
      entry: 'api/lambda.ts',
      role,
      logGroup,
      memorySize: props.memoryMiB,
      // The HTTP API gives up on an integration after 30 s; a cold start with a Temporal Cloud connection takes a few.
      timeout: Duration.seconds(29),
      environment: props.environment,
      vpc: props.vpc,
      // The portal the API serves at / is built beside the handler (api/lambda.ts looks there),
      // with the same esbuild, so the page and the API in one deployment always match.
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (inputDir: string, outputDir: string) => [
          `"${process.execPath}" "${path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')}" "${path.join(inputDir, 'portal', 'build.ts')}" "${path.join(outputDir, 'portal')}"`,
        ],
      },
    });

    acknowledge(
      role,
      {
        id: 'AwsSolutions-IAM5',
        reason: "Object grants are prefix-scoped: incoming/ (sign, finish and check uploads; keys are per tenant and per upload), results/ (read reports and sign artefact links) and results/_known-people/ (one object per tenant's enrolled person) of the media bucket.",
        findings: [props.incomingPrefix, props.resultsPrefix, `${props.resultsPrefix}_known-people/`, ...(props.archivePrefix === undefined ? [] : [props.archivePrefix])].map((prefix) => `Resource::${arnInFinding(bucket)}/${prefix}*`),
      },
      ...(props.vpc
        ? [{
            id: 'AwsSolutions-IAM4',
            reason: 'AWSLambdaVPCAccessExecutionRole: the network-interface permissions a VPC function needs (self-hosted Temporal is reachable only inside the VPC).',
            findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
          }]
        : []),
    );
  }
}

/** The records table's indexes, from the definition the local table is built from (the API queries both). */
function recordIndexNames(): string[] {
  const [records] = recordTableDefinitions({ records: 'records', failures: 'failures' });
  return (records?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName!);
}
