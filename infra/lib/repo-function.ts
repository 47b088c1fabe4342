import * as path from 'node:path';
import type { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { TemporalSecrets } from './temporal-secrets';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface RepoFunctionProps {
  /** The handler module, relative to the repository root (e.g. 'relay/lambda.ts'); it exports `handler`. */
  entry: string;
  role: iam.IRole;
  logGroup: logs.ILogGroup;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  /** Set for a self-hosted cluster reachable only from inside the VPC. */
  vpc?: ec2.IVpc;
  /** For a function that ships more than its handler (the API builds its portal beside it). */
  commandHooks?: ICommandHooks;
}

/**
 * A Lambda function built from one of this repository's entry points, the way each of them is
 * built: bundled by esbuild from the lockfile, Node 24 on Graviton, JSON logs with source maps.
 * The id is 'Function' in the caller's scope, so the logical ids of deployed stacks stay as they were.
 */
export function repoFunction(scope: Construct, props: RepoFunctionProps): NodejsFunction {
  return new NodejsFunction(scope, 'Function', {
    entry: path.join(REPO_ROOT, props.entry),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: props.memorySize,
    timeout: props.timeout,
    role: props.role,
    logGroup: props.logGroup,
    loggingFormat: lambda.LoggingFormat.JSON,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    bundling: {
      format: OutputFormat.CJS,
      target: 'node24',
      minify: true,
      sourceMap: true,
      // The SDK is bundled, not taken from the runtime: the versions tested are the versions run.
      externalModules: [],
      ...(props.commandHooks ? { commandHooks: props.commandHooks } : {}),
    },
    ...(props.vpc ? { vpc: props.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } } : {}),
  });
}

/**
 * What every reelscope function's role holds, instead of the AWSLambdaBasicExecutionRole managed
 * policy: log writes to its own group, the Temporal secrets, and in a VPC the network-interface
 * policy (Lambda adds it only to roles it creates itself).
 */
export function grantFunctionBasics(role: iam.Role, logGroup: logs.ILogGroup, secrets: TemporalSecrets, vpc: ec2.IVpc | undefined): void {
  role.addToPolicy(new iam.PolicyStatement({ sid: 'OwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
  for (const secret of secrets.all()) secret.grantRead(role);
  if (vpc) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
}
