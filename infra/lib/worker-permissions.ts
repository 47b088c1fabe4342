import { Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { acknowledge, arnInFinding } from './acknowledge';
import { parseBedrockModelId, resolveBedrockModelId } from '../../backends/aws/bedrock-model-id';
import { KEYFRAME_API, REKOGNITION_FEATURE } from '../../cost/price-table';
import { DEFAULT_BEDROCK_MODEL_ID } from '../../common/constants';
import type { TemporalSecrets } from './temporal-secrets';

export interface WorkerAccess {
  bucket: s3.IBucket;
  incomingPrefix: string;
  resultsPrefix: string;
  /** Where originals are archived after COMPLETED (REELSCOPE_ARCHIVE_PREFIX); unset when archiving is off. */
  archivePrefix?: string;
  records: dynamodb.ITable;
  failures: dynamodb.ITable;
  bedrockModelId: string;
  secrets: TemporalSecrets;
  /** REELSCOPE_KEYFRAME_SAMPLING_SECONDS is set: labels, moderation, celebrities and text call the image APIs. */
  keyframeSampling: boolean;
  /** The role Rekognition Video publishes job completions with, named in each Start* call's notification channel. */
  notificationRole?: iam.IRole;
}

/**
 * Exactly the calls the worker makes, statement by statement (the activities are the
 * reference: probe reads incoming/, analyses and reports write results/, Rekognition and
 * Transcribe read the media with the caller's own S3 permission; with archiving on, the
 * original is copied to processed/ and its incoming/ version removed). The one role the worker
 * passes is Rekognition's notification-channel role, to Rekognition only; Transcribe needs no
 * data-access role (its completions reach the relay through EventBridge).
 */
export function grantWorkerAccess(role: iam.Role, access: WorkerAccess): void {
  const { bucket } = access;
  const incoming = bucket.arnForObjects(`${access.incomingPrefix}*`);
  const results = bucket.arnForObjects(`${access.resultsPrefix}*`);

  role.addToPolicy(new iam.PolicyStatement({
    sid: 'ReadMediaAndResults',
    // Versions: the starter pins the object version, so an overwrite mid-run cannot swap the media.
    actions: ['s3:GetObject', 's3:GetObjectVersion'],
    resources: [incoming, results],
  }));
  role.addToPolicy(new iam.PolicyStatement({ sid: 'WriteResults', actions: ['s3:PutObject'], resources: [results] }));
  const archived = access.archivePrefix === undefined ? undefined : bucket.arnForObjects(`${access.archivePrefix}*`);
  if (archived) {
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'ArchiveOriginals',
      // CopyObject reads the source with the read grant above and writes here; a large one copies
      // in parts, and an unfinished multipart copy is aborted. Re-runs read the archived copy.
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload'],
      resources: [archived],
    }));
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'RemoveArchivedOriginals',
      // Only once the record names the copy; a version id removes exactly the version analysed.
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [incoming],
    }));
  }
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'ListOwnPrefixes',
    // Without ListBucket a missing key answers 403 instead of 404, and "not there yet" looks like "denied".
    actions: ['s3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [access.incomingPrefix, access.resultsPrefix, ...(access.archivePrefix === undefined ? [] : [access.archivePrefix])].map((prefix) => `${prefix}*`) } },
  }));

  role.addToPolicy(new iam.PolicyStatement({
    sid: 'RekognitionVideoJobs',
    // FaceSearch's job is read here; starting one names a collection, granted below.
    actions: [
      ...[...new Set(Object.values(REKOGNITION_FEATURE))].flatMap((feature) => [`rekognition:Start${feature}`, `rekognition:Get${feature}`]),
      'rekognition:StartFaceDetection',
      'rekognition:GetFaceDetection',
      'rekognition:GetFaceSearch',
    ],
    resources: ['*'],
  }));
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'SearchKnownPeople',
    // The faces analysis searches the tenant's own collection, and no other account's or application's.
    actions: ['rekognition:StartFaceSearch', ...(access.keyframeSampling ? ['rekognition:SearchFacesByImage'] : [])],
    resources: [knownPeopleCollections(role)],
  }));
  if (access.keyframeSampling) {
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'RekognitionImageCalls',
      actions: [...new Set(Object.values(KEYFRAME_API)), 'DetectFaces'].map((api) => `rekognition:${api}`),
      resources: ['*'],
    }));
  }
  role.addToPolicy(new iam.PolicyStatement({
    sid: 'TranscriptionJobs',
    actions: ['transcribe:StartTranscriptionJob', 'transcribe:GetTranscriptionJob'],
    resources: ['*'],
  }));
  if (access.notificationRole) {
    role.addToPolicy(new iam.PolicyStatement({
      sid: 'PassNotificationRole',
      // Start* with a NotificationChannel passes its RoleArn; the condition keeps the role Rekognition's.
      actions: ['iam:PassRole'],
      resources: [access.notificationRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'rekognition.amazonaws.com' } },
    }));
  }
  const modelArns = bedrockModelArns(role, access.bedrockModelId);
  role.addToPolicy(new iam.PolicyStatement({ sid: 'ReportModel', actions: ['bedrock:InvokeModel'], resources: modelArns }));

  role.addToPolicy(new iam.PolicyStatement({
    sid: 'MediaRecords',
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
    resources: [access.records.tableArn, `${access.records.tableArn}/index/*`],
  }));
  role.addToPolicy(new iam.PolicyStatement({ sid: 'FailureRecords', actions: ['dynamodb:PutItem'], resources: [access.failures.tableArn] }));
  for (const secret of access.secrets.all()) secret.grantRead(role);

  const foundationModels = modelArns.filter((arn) => arn.includes(':bedrock:*:'));
  const anyGeography = modelArns.filter((arn) => arn.includes(':inference-profile/*.'));
  acknowledge(
    role,
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Rekognition Video Start*/Get*, the Rekognition image calls of keyframe sampling, and Transcribe Start/GetTranscriptionJob are granted on "*": the job is created by the call itself (an image call has no resource at all) and is not scoped by ARN here; the grant is limited to these exact actions.',
      findings: ['Resource::*'],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: "One Rekognition collection per tenant (reelscope-<tenant>), created when the tenant's first person is enrolled: the grant names reelscope's collections in this account and region, none other.",
      findings: [knownPeopleFinding(role)],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'Object grants are prefix-scoped: incoming/ (read, and delete once archived), results/ (read/write) and the archive prefix (read/write) of the media bucket, whose keys are per tenant and per media.',
      findings: [access.incomingPrefix, access.resultsPrefix, ...(access.archivePrefix === undefined ? [] : [access.archivePrefix])].map((prefix) => `Resource::${arnInFinding(bucket)}/${prefix}*`),
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: "Queries go to the records table's own indexes (by tenant and time, by tenant and status).",
      findings: [`Resource::${arnInFinding(access.records)}/index/*`],
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: 'A cross-region inference profile routes each request to the one model in any region of its geography.',
      findings: foundationModels.map((arn) => `Resource::${arn.replace(/^arn:[^:]+:/, 'arn:<AWS::Partition>:')}`),
    },
    {
      id: 'AwsSolutions-IAM5',
      reason: "The stack's region is not known at synth: the worker picks the default model's inference profile by the region it runs in, so the grant names that one model's profiles in the worker's own region and account.",
      findings: anyGeography.map(() => `Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/*.${DEFAULT_BEDROCK_MODEL_ID}`),
    },
  );
}

/** How cdk-nag spells the collections grant: a region and account the stack does not pin stay pseudo parameters. */
function knownPeopleFinding(scope: Construct): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `Resource::arn:<AWS::Partition>:rekognition:${region}:${account}:collection/reelscope-*`;
}

/** The tenants' face collections (known people) in the stack's account and region; backends/aws/face-collection.ts names each `reelscope-<tenant>`. */
export function knownPeopleCollections(scope: Construct): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:rekognition:${stack.region}:${stack.account}:collection/reelscope-*`;
}

/**
 * What enrolling and forgetting known people calls (the CLI's and the API's `people`
 * commands): the collection is created on a tenant's first enrolment, a refused photo's faces
 * are deleted again, and nothing else in the account is touched.
 */
export function grantKnownPeopleEnrolment(role: iam.IRole): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'EnrolKnownPeople',
    // TagResource: CreateCollection tags the collection it creates, which Rekognition authorises as tagging.
    actions: ['rekognition:CreateCollection', 'rekognition:TagResource', 'rekognition:IndexFaces', 'rekognition:DeleteFaces', 'rekognition:ListFaces', 'rekognition:DescribeCollection'],
    resources: [knownPeopleCollections(role)],
  }));
  acknowledge(role, {
    id: 'AwsSolutions-IAM5',
    reason: "One Rekognition collection per tenant (reelscope-<tenant>), created when the tenant's first person is enrolled: the grant names reelscope's collections in this account and region, none other.",
    findings: [knownPeopleFinding(role)],
  });
}

/**
 * What bedrock:InvokeModel (Converse) must name for the model the worker invokes from this
 * stack's region (the rule the worker applies at start: backends/aws/bedrock-model-id). A
 * cross-Region inference profile (`us.`, `eu.`, `jp.`, `global.` ...) needs the profile in the
 * calling region and the foundation model in every region the profile routes to; a plain id
 * is one foundation model in this region. A profile the region cannot call, a malformed id
 * or an ARN fails the synth, naming the setting.
 */
export function bedrockModelArns(scope: Construct, modelId: string): string[] {
  const stack = Stack.of(scope);
  const refuse = (problem: string) => new Error(`invalid reelscope context:\n  reelscope.bedrockModelId: ${problem}`);
  const parsed = parseBedrockModelId(modelId);
  if (!parsed) throw refuse(`"${modelId}" is not a Bedrock model id or inference profile id`);
  if (parsed.kind === 'arn') throw refuse(`"${modelId}" is an ARN; give a model id or an inference profile id, from which the stack derives the grant`);
  if (Token.isUnresolved(stack.region)) {
    if (modelId === DEFAULT_BEDROCK_MODEL_ID) {
      return [
        `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/*.${modelId}`,
        `arn:${stack.partition}:bedrock:*::foundation-model/${modelId}`,
      ];
    }
    // Checked by the worker at start, against the region it finds itself in.
    return grantFor(stack, modelId);
  }
  const resolved = resolveBedrockModelId(modelId, stack.region);
  if (!resolved.ok) throw refuse(`${resolved.problem} (the stack deploys to ${stack.region})`);
  return grantFor(stack, resolved.modelId);
}

function grantFor(stack: Stack, modelId: string): string[] {
  const parsed = parseBedrockModelId(modelId);
  if (parsed?.kind !== 'inference-profile') return [`arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${modelId}`];
  return [
    `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${modelId}`,
    `arn:${stack.partition}:bedrock:*::foundation-model/${parsed.foundationModel}`,
  ];
}
