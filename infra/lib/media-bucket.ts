import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge';

/**
 * One bucket, three prefixes: uploads land in incoming/, the worker writes results/, and
 * processed/ is where operators archive originals (infrequent access after 30 days).
 * EventBridge delivery is on because the starter is triggered by an EventBridge rule (prefix,
 * suffix and size filtering that bucket notifications cannot express). Versioned so an
 * overwritten upload is a new version the workflow id can tell apart.
 */
export class MediaBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, {
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket; logging it into itself or another bucket would only move the finding.',
    });

    this.bucket = new s3.Bucket(this, 'Media', {
      // SSE-S3: Rekognition and Transcribe read SSE-S3 objects with the caller's S3 permission
      // alone; SSE-KMS would also need kms:Decrypt for the worker and a key policy for both.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      eventBridgeEnabled: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'media/',
      lifecycleRules: [
        // Browser and multipart uploads that never complete would otherwise be billed forever.
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(30) },
        {
          id: 'archive-processed',
          prefix: 'processed/',
          transitions: [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) }],
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // eventBridgeEnabled is applied by CDK's stack-wide notifications custom resource, a
    // Lambda whose role it builds with the basic execution managed policy.
    const notificationsHandlers = Stack.of(this).node.children.filter((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    for (const handler of notificationsHandlers) {
      acknowledge(handler, {
        id: 'AwsSolutions-IAM4',
        reason: "CDK's own bucket-notifications custom resource: it runs once per deployment and only writes CloudWatch Logs with this policy.",
        findings: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      });
    }
  }

  /**
   * Lets the portal's pages (served from `origin`) upload to presigned URLs and fetch
   * presigned artefacts: PUT for single and multipart uploads, with ETag exposed because the
   * browser reads each part's ETag to complete a multipart upload; GET and HEAD for reports
   * and thumbnails. The URL's signature is the authorisation; CORS only lets the page see
   * the answer.
   */
  allowBrowserAccess(origin: string): void {
    this.bucket.addCorsRule({
      allowedOrigins: [origin],
      allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
      // Presigned requests carry their signature in the query; the page sends the type and SDK checksum headers.
      allowedHeaders: ['content-type', 'x-amz-*'],
      exposedHeaders: ['ETag', 'x-amz-version-id'],
      maxAge: 3600,
    });
  }
}
