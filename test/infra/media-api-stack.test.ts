import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ROLES } from '../../auth/caller';
import { OUTCOME_DETAIL_TYPES, OUTCOME_EVENT_SOURCE } from '../../common/outcome-event';
import { parseInfraConfig } from '../../infra/lib/infra-config';
import { PUBLIC_ROUTES } from '../../infra/lib/media-http-api';
import { ReelscopeStack } from '../../infra/lib/reelscope-stack';
import { UPLOAD_SESSION_TTL_ATTRIBUTE } from '../../infra/lib/upload-sessions-table';
import { recordTableDefinitions } from '../../local/record-tables';
import { UploadSessions, type UploadSession } from '../../storage/upload-sessions';

const ENV = { account: '111122223333', region: 'eu-west-1' };

function synth(context: unknown) {
  // Bundling is skipped here: the assertions read templates, and cdk-synth.test.ts and
  // api-lambda.test.ts build the real bundles.
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'reelscope-cdk-api-')), context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new ReelscopeStack(app, 'Reelscope', parseInfraConfig(context), { env: ENV });
  const nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return { template: Template.fromStack(stack), nag };
}

const cloud = synth({ temporal: { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c' } });
const selfHosted = synth({
  temporal: { mode: 'self-hosted', address: 'temporal.internal:7233' },
  payloadEncryption: false,
  eventBusName: 'media-outcomes',
  api: { authDomainPrefix: 'acme-media', throttleRatePerSecond: 5, throttleBurst: 10 },
  workerEnvironment: { REELSCOPE_ACCEPTED_KINDS: 'video,audio' },
});

type Resource = { logicalId: string; properties: Record<string, any>; deletionPolicy?: string };

/** The one resource of a type whose logical id starts with the construct path given (CDK drops the separators). */
function resourceOf(template: Template, type: string, idPrefix: string): Resource {
  const matches = Object.entries(template.findResources(type)).filter(([id]) => new RegExp(`^${idPrefix}[0-9A-F]{8}$`).test(id));
  if (matches.length !== 1) throw new Error(`${matches.length} ${type} resources named ${idPrefix}<hash>`);
  const [logicalId, resource] = matches[0]!;
  return { logicalId, properties: resource['Properties'], deletionPolicy: resource['DeletionPolicy'] };
}
const ref = (template: Template, type: string, idPrefix: string) => ({ Ref: resourceOf(template, type, idPrefix).logicalId });
const arnOf = (template: Template, type: string, idPrefix: string) => ({ 'Fn::GetAtt': [resourceOf(template, type, idPrefix).logicalId, 'Arn'] });

interface Statement { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }
const statementsOf = (template: Template, policyPrefix: string): Statement[] => resourceOf(template, 'AWS::IAM::Policy', policyPrefix).properties['PolicyDocument']['Statement'];
const variablesOf = (template: Template, functionPrefix: string): Record<string, unknown> => resourceOf(template, 'AWS::Lambda::Function', functionPrefix).properties['Environment']['Variables'];
const apiEndpoint = (template: Template) => ({ 'Fn::GetAtt': [resourceOf(template, 'AWS::ApiGatewayV2::Api', 'ApiHttp').logicalId, 'ApiEndpoint'] });

describe('cdk-nag AwsSolutions with the API, the user pool and the events', () => {
  it.each([
    ['Temporal Cloud', cloud],
    ['self-hosted Temporal, custom bus and domain', selfHosted],
  ])('reports no unacknowledged finding for %s', (_name, { nag }) => {
    expect(nag.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
  });
});

describe('HTTP API', () => {
  const { template } = cloud;
  const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r['Properties'] as Record<string, any>);
  const integration = resourceOf(template, 'AWS::ApiGatewayV2::Integration', 'ApiHttpANYv1proxyFunction');

  it('guards /v1 with a JWT authorizer whose issuer is the user pool and whose audience is the portal client', () => {
    const authorizer = resourceOf(template, 'AWS::ApiGatewayV2::Authorizer', 'ApiHttpUserPool').properties;
    const v1 = routes.filter((r) => r['RouteKey'].includes(' /v1'));

    expect(v1).toEqual([expect.objectContaining({ RouteKey: 'ANY /v1/{proxy+}', AuthorizationType: 'JWT', AuthorizerId: { Ref: resourceOf(template, 'AWS::ApiGatewayV2::Authorizer', 'ApiHttpUserPool').logicalId } })]);
    expect(authorizer).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.eu-west-1.amazonaws.com/', ref(template, 'AWS::Cognito::UserPool', 'UsersPool')]] },
        Audience: [ref(template, 'AWS::Cognito::UserPoolClient', 'UsersPoolPortal')],
      },
    });
  });

  it('leaves only the contract, docs, health check and portal files unauthenticated, and GET only', () => {
    const open = routes.filter((r) => r['AuthorizationType'] === 'NONE').map((r) => r['RouteKey']).sort();
    expect(open).toEqual(PUBLIC_ROUTES.map((p) => `GET ${p}`).sort());
    expect(open).toEqual(['GET /', 'GET /docs', 'GET /favicon.ico', 'GET /healthz', 'GET /openapi.json', 'GET /portal/assets/{name}', 'GET /portal/config.json']);
    expect(routes).toHaveLength(PUBLIC_ROUTES.length + 1);
  });

  it('sends every route to the one API function with payload format 2.0', () => {
    expect(new Set(routes.map((r) => JSON.stringify(r['Target'])))).toEqual(new Set([JSON.stringify({ 'Fn::Join': ['', ['integrations/', { Ref: integration.logicalId }]] })]));
    expect(integration.properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: arnOf(template, 'AWS::Lambda::Function', 'ApiFunction') });
  });

  it('logs every request as JSON without headers or query strings, and throttles the stage', () => {
    const stage = resourceOf(template, 'AWS::ApiGatewayV2::Stage', 'ApiHttpStage').properties;
    const format = JSON.parse(stage['AccessLogSettings'].Format) as Record<string, string>;

    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
    expect(stage['AccessLogSettings'].DestinationArn).toEqual(arnOf(template, 'AWS::Logs::LogGroup', 'ApiAccessLogs'));
    expect(format).toMatchObject({ requestId: '$context.requestId', routeKey: '$context.routeKey', status: '$context.status', authorizerError: '$context.authorizer.error' });
    expect(Object.values(format).join(' ')).not.toMatch(/header|querystring|authorization/i);
    expect(resourceOf(selfHosted.template, 'AWS::ApiGatewayV2::Stage', 'ApiHttpStage').properties['DefaultRouteSettings']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 10 });
  });
});

describe('user pool', () => {
  const { template } = cloud;
  const pool = resourceOf(template, 'AWS::Cognito::UserPool', 'UsersPool');

  it('takes no sign-ups, gives each user an immutable tenant, demands a strong password and TOTP, and survives stack deletion', () => {
    expect(pool.properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      DeletionProtection: 'ACTIVE',
      Policies: { PasswordPolicy: { MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true } },
    });
    expect(pool.properties['Schema']).toContainEqual(expect.objectContaining({ Name: 'tenant', AttributeDataType: 'String', Mutable: false }));
    expect(pool.deletionPolicy).toBe('Retain');
  });

  it('copies the tenant into every token with a version 2 pre-token-generation trigger, and the API reads that claim', () => {
    const trigger = arnOf(template, 'AWS::Lambda::Function', 'UsersTenantClaim');
    expect(pool.properties['LambdaConfig']).toEqual({ PreTokenGenerationConfig: { LambdaArn: trigger, LambdaVersion: 'V2_0' } });
    expect(variablesOf(template, 'ApiFunction')).toMatchObject({ REELSCOPE_AUTH_TENANT_CLAIM: 'tenant', REELSCOPE_AUTH_SCOPES: 'openid email profile' });
    expect(statementsOf(template, 'UsersTenantClaimRoleDefaultPolicy')).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(template, 'AWS::Logs::LogGroup', 'UsersTenantClaimLogs') },
    ]);
  });

  it('has one group per API role', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map((g) => g['Properties']);
    expect(groups.map((g) => g['GroupName']).sort()).toEqual([...ROLES].sort());
    expect(ROLES).toEqual(['viewer', 'uploader', 'reviewer', 'admin']);
    for (const group of groups) expect(group['UserPoolId']).toEqual({ Ref: pool.logicalId });
  });

  it('signs the portal in with the authorization code flow and no client secret, back to the API origin', () => {
    const client = resourceOf(template, 'AWS::Cognito::UserPoolClient', 'UsersPoolPortal').properties;
    const portal = { 'Fn::Join': ['', [apiEndpoint(template), '/']] };

    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [portal],
      LogoutURLs: [portal],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
    });
    // The tenant is read into tokens but only an operator may set it.
    expect(client['ReadAttributes']).toContain('custom:tenant');
    expect(client['WriteAttributes']).not.toContain('custom:tenant');
  });

  it('has a hosted UI prefix domain: the stack name and account by default, or the configured prefix', () => {
    expect(resourceOf(template, 'AWS::Cognito::UserPoolDomain', 'UsersPoolHostedUi').properties['Domain']).toEqual({ 'Fn::Join': ['', ['reelscope-', { Ref: 'AWS::AccountId' }]] });
    expect(resourceOf(selfHosted.template, 'AWS::Cognito::UserPoolDomain', 'UsersPoolHostedUi').properties['Domain']).toBe('acme-media');
  });
});

describe('upload sessions table', () => {
  const table = resourceOf(cloud.template, 'AWS::DynamoDB::Table', 'UploadSessionsTable');

  it('is keyed like the local table, on demand, recoverable and encrypted like the record tables', () => {
    const local = recordTableDefinitions({ records: 'r', failures: 'f', uploads: 'u' }).find((d) => d.TableName === 'u');
    const records = resourceOf(cloud.template, 'AWS::DynamoDB::Table', 'TablesRecords').properties;

    expect(table.properties['KeySchema']).toEqual(local!.KeySchema);
    expect(table.properties).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, SSESpecification: records['SSESpecification'] });
    expect(table.deletionPolicy).toBe('Retain');
  });

  it('expires sessions on the attribute storage/upload-sessions.ts writes as their end, in epoch seconds', async () => {
    // Arrange: what UploadSessions sends, caught before it leaves.
    const sent: Array<{ input: { Item?: Record<string, unknown> } }> = [];
    const doc = { send: async (command: { input: { Item?: Record<string, unknown> } }) => (sent.push(command), {}) } as unknown as DynamoDBDocumentClient;
    const expiresAt = Math.floor(Date.parse('2026-12-01T23:00:00Z') / 1000);
    const session: UploadSession = {
      uploadId: 'u-1', tenant: 'acme', createdBy: 'sub-1', bucket: 'b', key: 'incoming/acme/u-1-clip.mp4', fileName: 'clip.mp4',
      contentType: 'video/mp4', sizeBytes: 10, createdAt: '2026-12-01T22:00:00.000Z', expiresAt,
    };

    // Act
    await new UploadSessions(doc, 'uploads').create(session);

    // Assert
    expect(table.properties['TimeToLiveSpecification']).toEqual({ AttributeName: UPLOAD_SESSION_TTL_ATTRIBUTE, Enabled: true });
    expect(sent[0]?.input.Item?.[UPLOAD_SESSION_TTL_ATTRIBUTE]).toBe(expiresAt);
  });
});

describe('media bucket CORS', () => {
  it('lets pages from the API origin PUT uploads (reading each part\'s ETag) and GET artefacts, and nothing else', () => {
    const bucket = resourceOf(cloud.template, 'AWS::S3::Bucket', 'MediaBucketMedia').properties;

    expect(bucket['CorsConfiguration']).toEqual({
      CorsRules: [{
        AllowedOrigins: [apiEndpoint(cloud.template)],
        AllowedMethods: ['PUT', 'GET', 'HEAD'],
        AllowedHeaders: ['content-type', 'x-amz-*'],
        ExposedHeaders: expect.arrayContaining(['ETag']),
        MaxAge: 3600,
      }],
    });
  });
});

describe('API function', () => {
  it('runs the bundled api/lambda.ts on Node.js 24, arm64, within the gateway\'s 30 s', () => {
    const fn = resourceOf(cloud.template, 'AWS::Lambda::Function', 'ApiFunction').properties;
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', MemorySize: 1024 });
    expect(fn['Timeout']).toBeLessThan(30);
    expect(fn['VpcConfig']).toBeUndefined();
  });

  it('gets the settings api/config.ts and intake/config.ts read, and secret ids, never a secret value', () => {
    const { template } = cloud;
    const variables = variablesOf(template, 'ApiFunction');

    expect(variables).toMatchObject({
      REELSCOPE_AUTH_ISSUER: { 'Fn::Join': ['', ['https://cognito-idp.eu-west-1.amazonaws.com/', ref(template, 'AWS::Cognito::UserPool', 'UsersPool')]] },
      REELSCOPE_AUTH_CLIENT_ID: ref(template, 'AWS::Cognito::UserPoolClient', 'UsersPoolPortal'),
      REELSCOPE_AUTH_DOMAIN: { 'Fn::Join': ['', ['https://', ref(template, 'AWS::Cognito::UserPoolDomain', 'UsersPoolHostedUi'), '.auth.eu-west-1.amazoncognito.com']] },
      REELSCOPE_BUCKET: ref(template, 'AWS::S3::Bucket', 'MediaBucketMedia'),
      REELSCOPE_RECORDS_TABLE: ref(template, 'AWS::DynamoDB::Table', 'TablesRecords'),
      REELSCOPE_FAILURES_TABLE: ref(template, 'AWS::DynamoDB::Table', 'TablesFailures'),
      REELSCOPE_UPLOADS_TABLE: ref(template, 'AWS::DynamoDB::Table', 'UploadSessionsTable'),
      REELSCOPE_ACCEPTED_KINDS: 'video',
      REELSCOPE_TASK_QUEUE: 'reelscope-media',
      REELSCOPE_INCOMING_PREFIX: 'incoming/',
      TEMPORAL_ADDRESS: 'media.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'media.a1b2c',
      REELSCOPE_TEMPORAL_SECRET_ID: ref(template, 'AWS::SecretsManager::Secret', 'SecretsCloudCredential'),
      REELSCOPE_CODEC_SECRET_ID: ref(template, 'AWS::SecretsManager::Secret', 'SecretsPayloadKeys'),
    });
    expect(variables['REELSCOPE_SUFFIXES']).toBe(variablesOf(template, 'StarterFunction')['REELSCOPE_SUFFIXES']);
    expect(JSON.stringify(variables)).not.toMatch(/apiKey|BEGIN|TEMPORAL_API_KEY/);
  });

  it('refuses the same kinds as the worker, and joins the VPC for a self-hosted cluster', () => {
    const worker = resourceOf(selfHosted.template, 'AWS::ECS::TaskDefinition', 'WorkersTask').properties['ContainerDefinitions'].find((c: { Name: string }) => c.Name === 'worker');
    const workerKinds = worker.Environment.find((e: { Name: string }) => e.Name === 'REELSCOPE_ACCEPTED_KINDS').Value;

    expect(variablesOf(selfHosted.template, 'ApiFunction')['REELSCOPE_ACCEPTED_KINDS']).toBe('video,audio');
    expect(workerKinds).toBe('video,audio');
    expect(resourceOf(selfHosted.template, 'AWS::Lambda::Function', 'ApiFunction').properties['VpcConfig']).toMatchObject({ SubnetIds: expect.any(Array) });
  });

  it('may make exactly the API\'s calls, each on the named resource, with no "*" resource', () => {
    const { template } = cloud;
    const bucket = arnOf(template, 'AWS::S3::Bucket', 'MediaBucketMedia');
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [bucket, `/${prefix}*`]] });
    const records = arnOf(template, 'AWS::DynamoDB::Table', 'TablesRecords');
    const index = (name: string) => ({ 'Fn::Join': ['', [records, `/index/${name}`]] });
    const statements = statementsOf(template, 'ApiFunctionRoleDefaultPolicy');

    expect(statements).toEqual([
      { Sid: 'OwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: arnOf(template, 'AWS::Logs::LogGroup', 'ApiFunctionLogs') },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: ref(template, 'AWS::SecretsManager::Secret', 'SecretsCloudCredential') },
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: ref(template, 'AWS::SecretsManager::Secret', 'SecretsPayloadKeys') },
      { Sid: 'SignAndFinishUploads', Effect: 'Allow', Action: 's3:PutObject', Resource: objects('incoming/') },
      // The source link of an archived media signs the copy under processed/.
      { Sid: 'CheckUploadsReadResults', Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [objects('incoming/'), objects('results/'), objects('processed/')] },
      { Sid: 'ListOwnPrefixes', Effect: 'Allow', Action: 's3:ListBucket', Resource: bucket, Condition: { StringLike: { 's3:prefix': ['incoming/*', 'results/*'] } } },
      // The /v1/people routes: a person's object under results/_known-people/, and their faces in the tenant's collection.
      { Sid: 'KnownPeopleRecords', Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: objects('results/_known-people/') },
      {
        Sid: 'EnrolKnownPeople',
        Effect: 'Allow',
        Action: ['rekognition:CreateCollection', 'rekognition:TagResource', 'rekognition:IndexFaces', 'rekognition:DeleteFaces', 'rekognition:ListFaces', 'rekognition:DescribeCollection'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rekognition:eu-west-1:111122223333:collection/reelscope-*']] },
      },
      { Sid: 'ReadMediaRecords', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [records, index('byTenantUpdatedAt'), index('byTenantStatus')] },
      { Sid: 'UploadSessions', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: arnOf(template, 'AWS::DynamoDB::Table', 'UploadSessionsTable') },
    ]);
    expect(JSON.stringify(statements)).not.toMatch(/"\*"|Scan|BatchWrite/);
    // Deleting is for known people only: nothing of the media, its results or its records.
    expect(JSON.stringify(statements.filter((s) => !['KnownPeopleRecords', 'EnrolKnownPeople'].includes(String((s as { Sid?: string }).Sid))))).not.toMatch(/Delete/);
    expect(resourceOf(template, 'AWS::IAM::Role', 'ApiFunctionRole').properties['ManagedPolicyArns']).toBeUndefined();
  });

  it('is invoked by this API only', () => {
    const permissions = Object.values(cloud.template.findResources('AWS::Lambda::Permission'))
      .map((p) => p['Properties'])
      .filter((p) => JSON.stringify(p['FunctionName']) === JSON.stringify(arnOf(cloud.template, 'AWS::Lambda::Function', 'ApiFunction')));
    expect(permissions.length).toBe(PUBLIC_ROUTES.length + 1);
    for (const permission of permissions) {
      expect(permission['Principal']).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission['SourceArn'])).toContain(JSON.stringify(ref(cloud.template, 'AWS::ApiGatewayV2::Api', 'ApiHttp')));
    }
  });
});

describe('completion events', () => {
  const { template } = cloud;
  const bus = resourceOf(template, 'AWS::Events::EventBus', 'CompletionsBus');
  const rule = resourceOf(template, 'AWS::Events::Rule', 'CompletionsCompletedToQueue');
  const queue = resourceOf(template, 'AWS::SQS::Queue', 'CompletionsCompleted');
  const deadLetters = resourceOf(template, 'AWS::SQS::Queue', 'CompletionsCompletedDeadLetters');

  it('go to a custom bus named reelscope unless configured otherwise', () => {
    expect(bus.properties['Name']).toBe('reelscope');
    expect(resourceOf(selfHosted.template, 'AWS::Events::EventBus', 'CompletionsBus').properties['Name']).toBe('media-outcomes');
    // The contract the other side of the bus relies on, spelled out here so a rename is a visible change.
    expect(OUTCOME_EVENT_SOURCE).toBe('reelscope');
    expect(Object.values(OUTCOME_DETAIL_TYPES).sort()).toEqual(['Media Analysis Cancelled', 'Media Analysis Completed', 'Media Analysis Failed', 'Media Analysis Rejected', 'Media Review Decided']);
  });

  it('have an example rule on that bus: completed analyses into an encrypted queue with a dead-letter queue', () => {
    expect(rule.properties).toMatchObject({
      EventBusName: { Ref: bus.logicalId },
      EventPattern: { source: ['reelscope'], 'detail-type': ['Media Analysis Completed'] },
      Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [queue.logicalId, 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters.logicalId, 'Arn'] } } })],
    });
    expect(queue.properties).toMatchObject({ SqsManagedSseEnabled: true, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters.logicalId, 'Arn'] }, maxReceiveCount: 5 } });
    expect(deadLetters.properties).toMatchObject({ SqsManagedSseEnabled: true });
  });

  it('reach the queue only from that rule: its policy allows EventBridge for the rule\'s ARN and denies plain HTTP', () => {
    const policy = resourceOf(template, 'AWS::SQS::QueuePolicy', 'CompletionsCompletedPolicy').properties;
    const [deny, allow, ...rest] = policy['PolicyDocument']['Statement'];

    expect(policy['Queues']).toEqual([{ Ref: queue.logicalId }]);
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: expect.arrayContaining(['sqs:SendMessage']),
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule.logicalId, 'Arn'] } } },
    });
    expect(rest).toEqual([]);
  });

  it('are published by the worker, which may put events on this bus only and read the webhook table', () => {
    const statements = statementsOf(template, 'WorkersTaskRoleDefaultPolicy');
    const putEvents = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('events:')));
    const webhooks = resourceOf(template, 'AWS::SecretsManager::Secret', 'CompletionsWebhooks');

    expect(putEvents).toEqual([expect.objectContaining({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [bus.logicalId, 'Arn'] } })]);
    expect(statements).toContainEqual(expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: { Ref: webhooks.logicalId } }));
    expect(JSON.stringify(statementsOf(template, 'ApiFunctionRoleDefaultPolicy'))).not.toContain(webhooks.logicalId);
  });

  it('point the worker at the bus by name and at the webhook secret by id; the secret starts as an empty table', () => {
    const worker = resourceOf(template, 'AWS::ECS::TaskDefinition', 'WorkersTask').properties['ContainerDefinitions'].find((c: { Name: string }) => c.Name === 'worker');
    const env = Object.fromEntries(worker.Environment.map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
    const webhooks = resourceOf(template, 'AWS::SecretsManager::Secret', 'CompletionsWebhooks');

    expect(env).toMatchObject({ REELSCOPE_EVENT_BUS: { Ref: bus.logicalId }, REELSCOPE_WEBHOOKS_SECRET_ID: { Ref: webhooks.logicalId } });
    expect(webhooks.properties['SecretString']).toBe('{}');
    expect(webhooks.deletionPolicy).toBe('Retain');
  });

  it('reach webhook receivers over HTTPS: the worker may open port 443 anywhere', () => {
    const group = resourceOf(template, 'AWS::EC2::SecurityGroup', 'WorkersEgress').properties;
    expect(group['SecurityGroupEgress']).toContainEqual(expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' }));
  });
});

describe('stack outputs', () => {
  it('name the API, the portal, the user pool, its client and hosted UI, the bus and the example queue', () => {
    const outputs = cloud.template.toJSON()['Outputs'] as Record<string, { Value: unknown }>;
    const { template } = cloud;

    expect(outputs).toMatchObject({
      ApiUrl: { Value: { 'Fn::Join': ['', [apiEndpoint(template), '/v1']] } },
      PortalUrl: { Value: { 'Fn::Join': ['', [apiEndpoint(template), '/']] } },
      UserPoolId: { Value: ref(template, 'AWS::Cognito::UserPool', 'UsersPool') },
      UserPoolClientId: { Value: ref(template, 'AWS::Cognito::UserPoolClient', 'UsersPoolPortal') },
      HostedUiDomain: { Value: variablesOf(template, 'ApiFunction')['REELSCOPE_AUTH_DOMAIN'] },
      EventBusName: { Value: ref(template, 'AWS::Events::EventBus', 'CompletionsBus') },
      CompletedQueueUrl: { Value: ref(template, 'AWS::SQS::Queue', 'CompletionsCompleted') },
    });
  });
});

describe('API and events settings', () => {
  it.each([
    [{ api: { authDomainPrefix: 'my-cognito-login' } }, /reelscope\.api\.authDomainPrefix: must not contain "aws", "amazon" or "cognito"/],
    [{ api: { authDomainPrefix: 'Acme_Media' } }, /reelscope\.api\.authDomainPrefix: lower-case letters/],
    [{ eventBusName: 'default' }, /reelscope\.eventBusName: a custom bus/],
    [{ api: { throttleBurst: 0 } }, /reelscope\.api\.throttleBurst/],
  ])('refuses %j, naming the setting', (context, message) => {
    expect(() => parseInfraConfig(context)).toThrow(message);
  });
});
