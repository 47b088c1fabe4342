import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseInfraConfig } from '../../infra/lib/infra-config';
import { ReelscopeStack } from '../../infra/lib/reelscope-stack';
import { grantKnownPeopleEnrolment } from '../../infra/lib/worker-permissions';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] };
const COLLECTIONS = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rekognition:eu-west-1:111122223333:collection/reelscope-*']] };

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

function workerStatements(workerEnvironment: Record<string, string> = {}): { statements: Statement[]; violations: unknown[] } {
  const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'reelscope-cdk-')), context: SKIP_BUNDLING });
  const stack = new ReelscopeStack(
    app,
    'Reelscope',
    parseInfraConfig({ temporal: { mode: 'cloud', address: 'media.a1b2c.tmprl.cloud:7233', namespace: 'media.a1b2c' }, workerEnvironment }),
    { env: ENV },
  );
  const nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const [entry] = Object.entries(policies).filter(([id]) => id.includes('WorkersTaskRoleDefaultPolicy'));
  if (!entry) throw new Error('no worker task role policy');
  return { statements: entry[1]['Properties']['PolicyDocument']['Statement'] as Statement[], violations: nag.violations };
}

describe('known-people permissions (the tenants\' Rekognition collections)', () => {
  it('lets the worker start face detection anywhere but face search only on reelscope collections', () => {
    const { statements, violations } = workerStatements();
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid).map((s) => [s.Sid, s]));

    expect([bySid['RekognitionVideoJobs']!.Action].flat()).toEqual(
      expect.arrayContaining(['rekognition:StartFaceDetection', 'rekognition:GetFaceDetection', 'rekognition:GetFaceSearch']),
    );
    expect([bySid['RekognitionVideoJobs']!.Action].flat()).not.toContain('rekognition:StartFaceSearch');
    expect(bySid['SearchKnownPeople']).toMatchObject({ Action: 'rekognition:StartFaceSearch', Resource: COLLECTIONS });
    // The worker only reads the collections: enrolling is the CLI's and the API's.
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => /IndexFaces|DeleteFaces|CreateCollection|DeleteCollection/.test(a))).toEqual([]);
    expect(violations).toEqual([]);
  });

  it('with keyframe sampling adds DetectFaces on "*" and SearchFacesByImage on the collections', () => {
    const { statements, violations } = workerStatements({ REELSCOPE_KEYFRAME_SAMPLING_SECONDS: '5' });
    const bySid = Object.fromEntries(statements.filter((s) => s.Sid).map((s) => [s.Sid, s]));

    expect(bySid['RekognitionImageCalls']).toMatchObject({ Action: expect.arrayContaining(['rekognition:DetectFaces']), Resource: '*' });
    expect([bySid['RekognitionImageCalls']!.Action].flat()).not.toContain('rekognition:SearchFacesByImage');
    expect(bySid['SearchKnownPeople']).toMatchObject({ Action: ['rekognition:StartFaceSearch', 'rekognition:SearchFacesByImage'], Resource: COLLECTIONS });
    expect(violations).toEqual([]);
  });

  it('grants enrolment (create, index, delete, list, describe) on the reelscope collections alone, acknowledged for cdk-nag', () => {
    const app = new App({ outdir: mkdtempSync(path.join(tmpdir(), 'reelscope-cdk-')), context: SKIP_BUNDLING });
    const stack = new Stack(app, 'Enrolment', { env: ENV });
    const role = new iam.Role(stack, 'ApiRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

    grantKnownPeopleEnrolment(role);

    const nag = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Sid: 'EnrolKnownPeople',
            Effect: 'Allow',
            Action: ['rekognition:CreateCollection', 'rekognition:TagResource', 'rekognition:IndexFaces', 'rekognition:DeleteFaces', 'rekognition:ListFaces', 'rekognition:DescribeCollection'],
            Resource: COLLECTIONS,
          },
        ],
      },
    });
    expect(nag.violations).toEqual([]);
  });
});
